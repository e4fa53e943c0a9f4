"""A neural agent learns to balance a pole (CartPole-v1): PPO, A2C or DQN, trained live until it is solved."""
import numpy as np
import streamlit as st
import torch

from core.device import device
from core.rl.cartpole import SOLVED_RETURN, THETA_LIMIT
from core.rl.neural import ALGORITHMS, SOLVED_WINDOW, CartPoleConfig, CartPoleTrainer, make_trainer
from core.rl.returns import discounted_returns
from core.rl.tabular import moving_average
from ui.figures.chart_pictures import markdown_legend, show_picture
from ui.figures.common import PALETTE, show
from ui.figures.rl.cartpole import cart_figure, policy_map_figure, returns_figure, value_figure
from ui.figures.rl.pictures import cart_image, episode_curves_image, policy_map_image
from ui.i18n import options, t
from ui.page import Page, seed
from ui.runner import LIGHT_INTERVAL_S, live_training
from ui.teaching import takeaway

LRS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2]
GAMMAS = [0.9, 0.95, 0.98, 0.99, 0.995]
ENTROPIES = [0.0, 0.001, 0.01, 0.05]
EXPLORE_STEPS = [2000, 5000, 10_000, 20_000, 50_000]
WIDTHS = [8, 16, 32, 64, 128]
MAP_THETAS = np.linspace(-THETA_LIMIT, THETA_LIMIT, 41)
MAP_OMEGAS = np.linspace(-2.0, 2.0, 41)

page = Page("cartpole")
page.header()

top = st.columns([1.4, 1, 1, 1, 1])
algorithm = page.choice("algo", ALGORITHMS, "ppo", labels=options("cartpole.algo", list(ALGORITHMS)),
                        style="segmented", where=top[0])
lr = page.choice("lr", LRS, 1e-3, style="slider", where=top[1])
gamma = page.choice("gamma", GAMMAS, 0.99, style="slider", where=top[2])
entropy = page.choice("entropy", ENTROPIES, 0.0, style="slider", where=top[3])
explore = page.choice("explore", EXPLORE_STEPS, 10_000, style="slider", where=top[4])
row = st.columns([1, 1, 2])
width = page.choice("width", WIDTHS, 64, style="slider", where=row[0])
depth = page.slider("depth", 1, 3, 2, where=row[1])
watch = page.toggle("watch", True, where=row[2])
config = CartPoleConfig(algorithm=algorithm, width=width, depth=depth, lr=lr, gamma=gamma, entropy=entropy,
                        explore_steps=explore, seed=seed())


def policy_map(trainer: CartPoleTrainer) -> np.ndarray:
    """P(push right) on the (θ, θ̇) grid, cart at rest at the centre: (len(MAP_OMEGAS), len(MAP_THETAS))."""
    theta, omega = np.meshgrid(MAP_THETAS, MAP_OMEGAS)
    states = np.stack([np.zeros(theta.size), np.zeros(theta.size), theta.ravel(), omega.ravel()], axis=1)
    p = trainer.right_probability(torch.as_tensor(states, dtype=torch.float32, device=device))
    return p.cpu().numpy().reshape(theta.shape)


def results(trainer: CartPoleTrainer, where) -> None:
    latest = trainer.latest()
    cols = where.columns(3)
    cols[0].metric(t("cartpole.metrics.episodes"), f"{len(trainer.returns):,}")
    cols[1].metric(t("cartpole.metrics.env_steps"), f"{trainer.env_steps:,}")
    cols[2].metric(t("cartpole.metrics.mean_return", n=SOLVED_WINDOW), f"{latest.get('mean_return', 0.0):.0f}")
    if trainer.solved is not None:
        episodes, steps, seconds = trainer.solved
        where.success(t("cartpole.solved", seconds=f"{seconds:.1f}", steps=f"{steps:,}", episodes=f"{episodes:,}"),
                      icon=":material/flag:")


def draw(run) -> None:
    trainer: CartPoleTrainer = run.trainer
    left, right = st.columns([1, 1.3], gap="medium")
    replay = None
    if watch and not run.running and trainer.steps_done:
        replay = run.per_model_state("replay", lambda: trainer.greedy_episode(seed=trainer.steps_done))
    if replay is not None:
        states, actions, values = replay
        frame = left.slider(t("cartpole.watch.frame"), 0, len(actions), len(actions), key="cartpole.frame") \
            if len(actions) else 0
        show(cart_figure(states[frame], t("cartpole.watch.title", steps=len(actions)),
                         action=int(actions[frame]) if frame < len(actions) else None),
             key="cartpole.cart", where=left, csv=False)
    elif run.running:  # live: pictures, which a browser redraws several times a second (ui/figures/rl/pictures.py)
        show_picture(cart_image(trainer.envs.state[0]), title=t("cartpole.cart_live"), where=left)
    else:
        show(cart_figure(trainer.envs.state[0], t("cartpole.cart_live")), key="cartpole.cart", where=left, csv=False)
    if replay is None and trainer.steps_done and watch:
        left.caption(t("cartpole.watch.pause_hint"))
    results(trainer, left)
    if trainer.returns:
        returns_chart(trainer, right, live=run.running)
    p_right = run.per_model_state("policy", lambda: policy_map(trainer))
    kind = "dqn" if algorithm == "dqn" else "pg"
    map_names = {"prob": t("cartpole.map.prob"), "path": t("cartpole.map.path"), "x": t("cartpole.map.x"),
                 "y": t("cartpole.map.y")}
    path = replay[0][:, 2:4] if replay is not None else None
    map_col, value_col = st.columns(2, gap="medium")
    if run.running:
        pixels = run.per_model_state("policy_picture", lambda: policy_map_image(MAP_THETAS, MAP_OMEGAS, p_right))
        show_picture(pixels, title=t(f"cartpole.map.title_{kind}"),
                     caption=f"{t('cartpole.map.scale', prob=map_names['prob'])}  \n"
                             f"{t('runner.axes', x=map_names['x'], y=map_names['y'])}", where=map_col)
    else:
        show(policy_map_figure(MAP_THETAS, MAP_OMEGAS, p_right, map_names, title=t(f"cartpole.map.title_{kind}"),
                               path=path), key="cartpole.policy", where=map_col)
    map_col.caption(t(f"cartpole.map.caption_{kind}"))
    if run.running:
        value_col.caption(t("runner.live_picture"))
    if replay is not None:
        states, actions, values = replay
        returns = discounted_returns(np.ones(len(actions)), config.gamma)
        value_names = {"value": t(f"cartpole.values.estimate_{kind}"), "return": t("cartpole.values.actual"),
                       "x": t("cartpole.values.x")}
        show(value_figure(values[:-1], returns, value_names, title=t("cartpole.values.title"),
                          frame=min(frame, len(actions) - 1) if len(actions) else None),
             key="cartpole.values", where=value_col)
        value_col.caption(t("cartpole.values.caption", horizon=f"{1 / (1 - config.gamma):.0f}"))


def returns_chart(trainer: CartPoleTrainer, where, *, live: bool) -> None:
    """Each episode's return, the mean of the last 100 and the "solved" line: a picture while training, Plotly when
    paused."""
    names = {"each": t("cartpole.curves.each"), "average": t("cartpole.curves.average", n=SOLVED_WINDOW),
             "solved": t("cartpole.curves.solved", value=int(SOLVED_RETURN)), "x": t("cartpole.curves.x")}
    average = moving_average(trainer.returns, SOLVED_WINDOW)
    if not live:
        show(returns_figure(trainer.returns, average, SOLVED_RETURN, names, title=t("cartpole.curves.title")),
             key="cartpole.returns", where=where)
        return
    legend = (f"{markdown_legend([(names['each'], PALETTE[0])], mark='──')} \u2003 "
              f"{markdown_legend([(names['average'], PALETTE[0])])} \u2003 :green[╌╌] {names['solved']}")
    show_picture(episode_curves_image(trainer.returns, average, PALETTE[0], threshold=(SOLVED_RETURN, PALETTE[2])),
                 title=t("cartpole.curves.title"), where=where,
                 caption=f"{legend}  \n{t('runner.axes', x=names['x'], y=t('cartpole.curves.y'))}")


live_training("cartpole", lambda: make_trainer(config), config, draw, steps_per_click=1, interval_s=LIGHT_INTERVAL_S)
st.caption(t(f"cartpole.iteration_note.{'dqn' if algorithm == 'dqn' else 'pg'}"))
takeaway("cartpole", "training")

with st.expander(t("cartpole.explain.heading"), icon=":material/school:"):
    st.markdown(t("cartpole.explain.body"))
takeaway("cartpole", "explain")
page.finish()
