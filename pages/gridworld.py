"""Q-learning and SARSA in a grid world: a table of action values learned live, episode by episode."""
import streamlit as st

from core.rl.grids import DEFAULT_MAZE, WORLDS, MazeError, make_world, parse_maze
from core.rl.tabular import ALGORITHMS, TabularConfig, TabularTrainer, moving_average
from ui.figures.chart_pictures import markdown_legend, show_picture
from ui.figures.common import PALETTE, show
from ui.figures.rl.curves import episode_curves_figure
from ui.figures.rl.gridworld import ARROWS_BY_MOVE, GREEDY_COLOR, PATH_COLOR, grid_figure
from ui.figures.rl.pictures import episode_curves_image, grid_image
from ui.i18n import error_text, options, t
from ui.page import Page, seed
from ui.runner import LIGHT_INTERVAL_S, TICK_S, live_training
from ui.teaching import takeaway

ALPHAS = [0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0]
GAMMAS = [0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0]
EPSILONS = [0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0]
DECAYS = [0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1.0]
AVERAGE_OVER = 20  # episodes in the moving average
SLOW_INTERVAL_S = 0.4  # slow motion: one episode per refresh, this far apart
PACE_SHARE = 10  # normal speed: a refresh trains 1/10 of the episodes so far (at least 1, at most a tick's worth)
GRID_PIXELS = {True: 960, False: 560}  # the grid picture's width (wide worlds span the page, others a column)

page = Page("gridworld")
page.header()

top = st.columns([1.2, 1.3, 1, 1, 1, 1])
world_name = page.choice("world", WORLDS, "cliff", labels=options("gridworld.world", list(WORLDS)), where=top[0])
algorithm = page.choice("algo", ALGORITHMS, "q_learning", labels=options("gridworld.algo", list(ALGORITHMS)),
                        where=top[1])
alpha = page.choice("alpha", ALPHAS, 0.5, style="slider", where=top[2])
gamma = page.choice("gamma", GAMMAS, 1.0, style="slider", where=top[3])
epsilon = page.choice("eps", EPSILONS, 0.1, style="slider", where=top[4])
decay = page.choice("decay", DECAYS, 1.0, style="slider", where=top[5])
row = st.columns(3)
slow = page.toggle("slow", False, where=row[0])
play = page.toggle("play", False, where=row[1])

maze: tuple[str, ...] = ()
if world_name == "maze":
    maze_col, legend_col = st.columns([1, 2])
    text = page.text("maze", DEFAULT_MAZE, max_chars=400, area=True, where=maze_col)
    legend_col.markdown(t("gridworld.maze_legend"))
    try:
        maze = parse_maze(text)
    except MazeError as err:
        st.error(error_text("gridworld.maze_error", err), icon=":material/grid_off:")

NAMES = {"value": t("gridworld.view.value"), "path": t("gridworld.view.path"), "greedy": t("gridworld.view.greedy"),
         "agent": t("gridworld.view.agent"), "state": t("gridworld.view.state")}
ACTION_TEX = {"←": r"\leftarrow", "↓": r"\downarrow", "→": r"\rightarrow", "↑": r"\uparrow"}


def bellman_numbers(trainer: TabularTrainer) -> str | None:
    """The latest bootstrapping update as LaTeX with its numbers, in the notation of the formula above it."""
    u = trainer.last_update
    if u is None:
        return None
    world = trainer.world
    arrow = ACTION_TEX[ARROWS_BY_MOVE[world.moves[u.action]]]
    cell = lambda s: f"({s // world.ncol},{s % world.ncol})"  # noqa: E731  (row, column)
    cfg = trainer.config
    return (rf"Q({cell(u.state)},{arrow}) \leftarrow {u.old:.3f} + {cfg.alpha:g}\,\big[\,{u.reward:g} + {cfg.gamma:g}"
            rf"\times ({u.ahead:.3f}) - ({u.old:.3f})\,\big] = {u.new:.3f}")


def results(trainer: TabularTrainer, where) -> None:
    cols = where.columns(3)
    cols[0].metric(t("gridworld.metrics.episodes"), f"{len(trainer.returns):,}")
    cols[1].metric(t("gridworld.metrics.epsilon"), f"{trainer.epsilon:.3f}")
    if not trainer.returns:  # an empty table has no preferences yet: no greedy walk to report
        cols[2].metric(t("gridworld.metrics.greedy_return"), "–")
    elif trainer.world.slippery:
        cols[2].metric(t("gridworld.metrics.greedy_value"), f"{trainer.greedy_value():.3f}",
                       help=t("gridworld.metrics.greedy_value_help", best=f"{trainer.optimal_value:.3f}"))
    else:
        greedy = trainer.greedy_episode()
        best = trainer.optimal_return
        cols[2].metric(t("gridworld.metrics.greedy_return"), f"{greedy.total:g}",
                       help=t("gridworld.metrics.greedy_return_help", best=f"{best:g}"))
    if trainer.solved_episode is not None:
        where.success(t("gridworld.solved", episode=trainer.solved_episode, seconds=f"{trainer.solved_seconds:.2f}"),
                      icon=":material/flag:")


def draw(run) -> None:
    trainer: TabularTrainer = run.trainer
    world = trainer.world
    wide = world.ncol >= 2 * world.nrow  # the cliff: the grid gets the whole width, the charts go below it
    grid_col, side_col = (st.container(), st.container()) if wide else st.columns([1.25, 1], gap="medium")
    greedy, agent, path = None, None, trainer.last_episode.states
    if play and trainer.returns:
        episode = run.per_model_state("greedy", lambda: trainer.greedy_episode(seed=len(trainer.returns)))
        frame = len(episode.actions)
        if frame > 0 and not run.running:
            frame = grid_col.slider(t("gridworld.play_frame"), 0, frame, frame, key="gridworld.frame")
        greedy, agent, path = episode.states[:frame + 1], episode.states[frame], None
        grid_col.caption(t("gridworld.play_caption", steps=len(episode.actions), total=f"{episode.total:g}",
                           reached=t("gridworld.play_reached" if episode.reached_end else "gridworld.play_cut")))
    elif path:
        agent = path[-1]
    if run.running:  # live: a picture, which a browser redraws several times a second (ui/figures/rl/pictures.py)
        marks = [(NAMES["path"], PATH_COLOR)] if path else [(NAMES["greedy"], GREEDY_COLOR)] if greedy else []
        pixels = run.per_model_state("grid", lambda: grid_image(world.cells, trainer.q, world.moves,
                                                                 world.no_action_cells(), path=path, greedy=greedy,
                                                                 agent=agent, cell=GRID_PIXELS[wide] // world.ncol),
                                     play)
        show_picture(pixels, title=t("gridworld.live.grid_title"), where=grid_col,
                     caption=f"{t('gridworld.live.grid_caption')}  \n{markdown_legend(marks)}".strip())
    else:
        show(grid_figure(world.cells, trainer.q, world.moves, world.no_action_cells(), path, NAMES, greedy=greedy,
                         agent=agent, height=110 + 64 * world.nrow if wide else 140 + 400 * world.nrow // world.ncol),
             key="gridworld.grid", where=grid_col)
    if not play:
        grid_col.caption(t("gridworld.path_caption", steps=len(trainer.last_episode.actions)))
    results(trainer, side_col)
    if trainer.returns:
        episode_charts(trainer, *(st.columns(2, gap="medium") if wide else (side_col, side_col)), live=run.running)
    if run.running:
        st.caption(t("runner.live_picture"))
    st.markdown(t(f"gridworld.bellman.{algorithm}"))
    numbers = bellman_numbers(trainer)
    if numbers is None:
        st.caption(t("gridworld.bellman.none_yet"))
    else:
        st.latex(numbers)
        st.caption(t("gridworld.bellman.numbers_note"))


def episode_charts(trainer: TabularTrainer, return_col, length_col, *, live: bool) -> None:
    """Return and moves per episode with their moving averages: pictures while training, Plotly when paused."""
    names = {"each": t("gridworld.curves.each"), "average": t("gridworld.curves.average", n=AVERAGE_OVER),
             "x": t("gridworld.curves.x")}
    for name, values, color, where in (("returns", trainer.returns, PALETTE[0], return_col),
                                       ("lengths", trainer.lengths, PALETTE[1], length_col)):
        average = moving_average(values, AVERAGE_OVER)
        if live:
            legend = (f"{markdown_legend([(names['each'], color)], mark='──')} \u2003 "
                      f"{markdown_legend([(names['average'], color)])}")
            axes = t("runner.axes", x=names["x"], y=t(f"gridworld.curves.{name}_axis"))
            show_picture(episode_curves_image(values, average, color), title=t(f"gridworld.curves.{name}"),
                         caption=f"{legend}  \n{axes}", where=where)
        else:
            show(episode_curves_figure(values, average, names, title=t(f"gridworld.curves.{name}"), color=color),
                 key=f"gridworld.{name}", where=where)


def pace(trainer: TabularTrainer) -> int:
    """Episodes the next refresh trains at normal speed: one at a time at first, so a learner sees the values spread
    from the goal, then a tenth of those so far (3,000 episodes take ~70 refreshes, ~15 s), never more than fit in
    a tick's training time."""
    done = len(trainer.returns)
    fit = int(TICK_S * done / trainer.train_seconds) if trainer.train_seconds > 0 else 1
    return max(1, min(done // PACE_SHARE, fit))


if world_name != "maze" or maze:
    config = TabularConfig(world=world_name, maze=maze, algorithm=algorithm, alpha=alpha, gamma=gamma,
                           epsilon=epsilon, decay=decay, seed=seed())
    live_training("gridworld", lambda: TabularTrainer(config, make_world(config.world, config.maze)), config, draw,
                  steps_per_click=1 if slow else 10, steps_per_tick=1 if slow else pace,
                  interval_s=SLOW_INTERVAL_S if slow else LIGHT_INTERVAL_S)
st.caption(t("gridworld.pace_note"))
takeaway("gridworld", "learning")

with st.expander(t("gridworld.explain.heading"), icon=":material/school:"):
    st.markdown(t("gridworld.explain.body"))
takeaway("gridworld", "explain")
page.finish()
