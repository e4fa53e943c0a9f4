"""LSTM and GRU gates: one step worked out with your numbers, a trained LSTM's gates over time on a memory task,
and a race of vanilla RNN vs LSTM vs GRU as the distance to remember grows."""
import numpy as np
import pandas as pd
import streamlit as st

from core.sequences.gates import gru_step, lstm_step, scalar_gru, scalar_lstm
from core.sequences.sequence_tasks import ALPHABET, LEAD, SequenceInputError, parse_recall, recall_length
from core.sequences.sequence_trainers import (KINDS, SOLVED_ACCURACY, RaceConfig, RaceTrainer, RecallConfig, RecallTrainer)
from ui import i18n, live_feed
from ui.figures.common import PALETTE, show
from ui.figures.sequences.equations import gru_step_tex, lstm_step_tex
from ui.figures.sequences.charts import GOOD, MUTED, accuracy_figure, answer_figure, gate_values_figure, gates_figure
from ui.figures.sequences.pictures import GATE_ROWS, accuracy_picture, answer_picture, gates_picture
from ui.figures.chart_pictures import live_png, markdown_legend, show_picture
from ui.i18n import error_text, t
from ui.page import Page, seed
from ui.runner import live_training
from ui.teaching import takeaway

LSTM_DEFAULTS = {"i": (1.0, 0.5, 0.0), "f": (0.5, 0.5, 2.0), "g": (1.5, -0.5, 0.0), "o": (1.0, 1.0, -0.5)}
GRU_DEFAULTS = {"r": (1.0, 0.5, 0.0), "z": (-1.0, 0.5, 1.0), "n": (1.5, 1.0, 0.0, 0.0)}
WEIGHT_NAMES = ("wx", "wh", "b")
GRU_N_NAMES = ("wx", "wh", "bx", "bh")
GATE_COLORS = {"i": PALETTE[0], "f": PALETTE[2], "g": PALETTE[4], "o": PALETTE[5], "c": PALETTE[1], "h": PALETTE[3],
               "r": PALETTE[0], "z": PALETTE[2], "n": PALETTE[4]}
DEFAULT_LETTERS = "bcGadfehbgacdhfebadcghe"
RACE_DISTANCES = [5, 10, 20, 40, 60, 80]
MEMORY_HIDDEN = 16


def weight_grid(page: Page, gates: dict[str, tuple], names_for) -> dict[str, tuple[float, ...]]:
    """A row of number boxes per gate; returns {gate: (w_x, w_h, b, …)} as typed."""
    params = {}
    widest = max(len(defaults) for defaults in gates.values())
    for gate, defaults in gates.items():
        cols = st.columns([1.3] + [1] * widest)
        cols[0].markdown(t(f"lstm.step.gate_{gate}"))
        params[gate] = tuple(page.number(f"{gate}_{name}", -5.0, 5.0, default, 0.1, fmt="%.2f", where=col)
                             for col, name, default in zip(cols[1:], names_for(gate), defaults))
    return params


def new_letters(page: Page, distance: int) -> None:
    """A fresh random string for the memory task: the mark among the first LEAD + 1 letters, as in training."""
    rng = np.random.default_rng()
    letters = [ALPHABET[k] for k in rng.integers(len(ALPHABET), size=recall_length(distance))]
    mark = int(rng.integers(LEAD + 1))
    letters[mark] = letters[mark].upper()
    page.set_value("letters", "".join(letters))


page = Page("lstm")
page.header()

# ----- 1. one step, worked out -----
st.subheader(t("lstm.step.title"))
st.markdown(t("lstm.step.body"))
c1, c2, c3 = st.columns(3)
x = page.number("x", -5.0, 5.0, 1.0, 0.1, fmt="%.2f", where=c1)
h_prev = page.number("h", -5.0, 5.0, 0.5, 0.1, fmt="%.2f", where=c2)
c_prev = page.number("c", -5.0, 5.0, 0.8, 0.1, fmt="%.2f", where=c3)
lstm_tab, gru_tab = st.tabs([t("lstm.step.lstm_tab"), t("lstm.step.gru_tab")])
with lstm_tab:
    st.markdown(t("lstm.step.lstm_body"))
    grid, chart = st.columns([3, 2])
    with grid:
        st.caption(t("lstm.step.grid_caption"))
        lstm_params = weight_grid(page, LSTM_DEFAULTS, lambda gate: WEIGHT_NAMES)
    step = lstm_step(x, h_prev, c_prev, scalar_lstm(lstm_params))
    rows = [(t(f"lstm.step.value_{name}"), float(getattr(step, name)[0]), GATE_COLORS[name])
            for name in ("i", "f", "g", "o", "c", "h")]
    show(gate_values_figure(rows, title=t("lstm.step.values_title")), key="lstm.fig.lstm_values", where=chart)
    st.latex(lstm_step_tex(lstm_params, x, h_prev, c_prev, step))
    st.markdown(t("lstm.step.lstm_reading", f=f"{step.f[0]:.2f}", i=f"{step.i[0]:.2f}",
                  kept=f"{step.f[0] * c_prev:.3f}", added=f"{step.i[0] * step.g[0]:.3f}", c=f"{step.c[0]:.3f}"))
with gru_tab:
    st.markdown(t("lstm.step.gru_body"))
    grid, chart = st.columns([3, 2])
    with grid:
        st.caption(t("lstm.step.grid_caption_gru"))
        gru_params = weight_grid(page, GRU_DEFAULTS, lambda gate: GRU_N_NAMES if gate == "n" else WEIGHT_NAMES)
    gstep = gru_step(x, h_prev, scalar_gru(gru_params))
    rows = [(t(f"lstm.step.value_{name}"), float(getattr(gstep, name)[0]), GATE_COLORS[name])
            for name in ("r", "z", "n", "h")]
    show(gate_values_figure(rows, title=t("lstm.step.values_title")), key="lstm.fig.gru_values", where=chart)
    st.latex(gru_step_tex(gru_params, x, h_prev, gstep))
    st.markdown(t("lstm.step.gru_reading", z=f"{gstep.z[0]:.2f}", h=f"{gstep.h[0]:.3f}"))
st.caption(t("lstm.step.tested"))

takeaway("lstm", "step")
# ----- 2. a trained LSTM on a memory task -----
st.subheader(t("lstm.memory.title"))
st.markdown(t("lstm.memory.body", lead=LEAD + 1, k=len(ALPHABET), alphabet=ALPHABET,
              goal=f"{SOLVED_ACCURACY:.0%}", chance=f"{1 / len(ALPHABET):.1%}", hidden=MEMORY_HIDDEN,
              steps=f"{RecallConfig().max_steps:,}"))
c1, c2 = st.columns(2)
distance = page.slider("distance", 5, 60, 20, where=c1)
open_gates = page.toggle("open_gates", True, where=c2)
c1, c2 = st.columns([4, 1])
letters_text = page.text("letters", DEFAULT_LETTERS, max_chars=80, where=c1)
c2.button(t("lstm.memory.random"), key="lstm.pick.random", on_click=new_letters, args=(page, distance),
          icon=":material/casino:", width="stretch")
try:
    letters, mark_at = parse_recall(letters_text)
except SequenceInputError as err:
    st.error(error_text("lstm.error", err), icon=":material/error:")
    letters, mark_at = None, None
memory_config = RecallConfig(kind="lstm", distance=distance, hidden=MEMORY_HIDDEN, open_gates=open_gates,
                             seed=seed(), stop_when_solved=False)


def memory_status(trainer: RecallTrainer) -> str:
    """How far the memory task is, in words (Markdown)."""
    accuracy = trainer.evals[-1][2] if trainer.evals else None
    if trainer.solved_at is not None:
        return t("lstm.memory.solved", step=f"{trainer.solved_at[0]:,}", seconds=f"{trainer.solved_at[1]:.1f}",
                 accuracy=f"{accuracy:.1%}")
    if accuracy is not None:
        return t("lstm.memory.status", accuracy=f"{accuracy:.1%}", goal=f"{SOLVED_ACCURACY:.0%}",
                 chance=f"{1 / len(ALPHABET):.1%}")
    return t("lstm.memory.untrained", chance=f"{1 / len(ALPHABET):.1%}")


def draw_memory(live) -> None:
    st.markdown(memory_status(live.trainer))
    if live.running:  # live: pictures, which a browser redraws several times a second (ui/figures/chart_pictures.py)
        _memory_pictures(live)
    else:
        _memory_charts(live.trainer)


def memory_frame(live) -> list[dict]:
    """`draw_memory` while it trains, as live-panel blocks (ui/live_feed.py)."""
    curve, *more = (live_feed.picture(src, title=title, caption=caption, stretch=True)
                    for title, src, caption in memory_pictures(live))
    top = [live_feed.columns([3, 2], [curve], more[:1])] if more else [curve]
    return [live_feed.text(memory_status(live.trainer)), *top, *more[1:], live_feed.note(t("runner.live_picture"))]


def _memory_charts(trainer: RecallTrainer) -> None:
    steps = [e[0] for e in trainer.evals]
    curve = accuracy_figure({"LSTM": (steps, [e[2] for e in trainer.evals])},
                            solved={"LSTM": trainer.solved_at[0] if trainer.solved_at else None},
                            goal=SOLVED_ACCURACY, chance=1 / len(ALPHABET), title=t("lstm.memory.curve_title"),
                            x_title=t("lstm.race.steps"), y_title=t("lstm.race.accuracy"),
                            goal_name=t("lstm.race.goal"), chance_name=t("lstm.race.chance"))
    if letters is None:
        show(curve, key="lstm.fig.memory_curve")
        return
    left, right = st.columns([3, 2])
    show(curve, key="lstm.fig.memory_curve", where=left)
    probabilities = trainer.answer(letters, mark_at)
    answer = ALPHABET[int(np.argmax(probabilities))]
    show(answer_figure(probabilities, ALPHABET, letters[mark_at],
                       title=t("lstm.memory.answer_title", answer=answer, truth=ALPHABET[letters[mark_at]])),
         key="lstm.fig.answer", where=right)
    inside = trainer.inside(letters, mark_at)
    labels = [ALPHABET[k].upper() if pos == mark_at else ALPHABET[k] for pos, k in enumerate(letters)]
    show(gates_figure(inside, row_titles={name: t(f"lstm.memory.row_{name}") for name in inside}, x_labels=labels,
                      mark_at=mark_at, unit=t("lstm.memory.unit"), title=t("lstm.memory.gates_title")),
         key="lstm.fig.gates")


def accuracy_caption(entries: list[tuple[str, str]]) -> str:
    """The legend (curves, goal, chance) and axis titles of an accuracy picture, in Markdown."""
    marks = markdown_legend([(t("lstm.race.goal"), GOOD), (t("lstm.race.chance"), MUTED)], mark="╌╌")
    lines = f"{markdown_legend(entries)} \u2003 " if entries else ""
    return f"{lines}{marks}  \n{t('runner.axes', x=t('lstm.race.steps'), y=t('lstm.race.accuracy') + ' (%)')}"


def memory_pictures(live) -> list[tuple[str, str, str]]:
    """The memory task's charts while it trains as (title, PNG data URI, caption) tuples, legends, row names and axis
    titles in text: the accuracy curve and, for a valid string, the answer and the gates over time."""
    trainer: RecallTrainer = live.trainer
    evals = trainer.evals
    curve = live_png(live, "lstm.curve", lambda: accuracy_picture(
        [e[0] for e in evals], [e[2] for e in evals], color=PALETTE[0], goal=SOLVED_ACCURACY, chance=1 / len(ALPHABET),
        solved_at=trainer.solved_at[0] if trainer.solved_at else None))
    charts = [(t("lstm.memory.curve_title"), curve, accuracy_caption([("LSTM", PALETTE[0])]))]
    if letters is None:
        return charts
    probabilities = live.per_model_state("lstm.answer", lambda: trainer.answer(letters, mark_at), letters_text)
    answer = ALPHABET[int(np.argmax(probabilities))]
    charts.append((t("lstm.memory.answer_title", answer=answer, truth=ALPHABET[letters[mark_at]]),
                   live_png(live, "lstm.answer", lambda: answer_picture(probabilities, ALPHABET, letters[mark_at]),
                            letters_text),
                   t("lstm.memory.answer_picture")))
    inside = live.per_model_state("lstm.inside", lambda: trainer.inside(letters, mark_at), letters_text)
    labels = [ALPHABET[k].upper() if pos == mark_at else ALPHABET[k] for pos, k in enumerate(letters)]
    rows = " · ".join(t(f"lstm.memory.row_{name}") for name in GATE_ROWS if name in inside)
    charts.append((t("lstm.memory.gates_title"),
                   live_png(live, "lstm.gates", lambda: gates_picture(inside, labels, mark_at), letters_text),
                   f"{rows}  \n{t('lstm.memory.gates_picture', unit=t('lstm.memory.unit'))}"))
    return charts


def _memory_pictures(live) -> None:
    """`memory_pictures` on the page: the curve and the answer side by side, the gates below."""
    charts = memory_pictures(live)
    left, right = st.columns([3, 2]) if len(charts) > 1 else (st.container(), None)
    for (title, src, caption), where in zip(charts, (left, right, st)):
        show_picture(src, title=title, where=where, caption=caption)
    st.caption(t("runner.live_picture"))


live_training("lstm", build=lambda: RecallTrainer(memory_config), config=memory_config, draw=draw_memory,
              steps_per_click=20, live_frame=memory_frame)
st.markdown(t("lstm.memory.reading"))

takeaway("lstm", "memory")
# ----- 3. the race -----
st.subheader(t("lstm.race.title"))
st.markdown(t("lstm.race.body", goal=f"{SOLVED_ACCURACY:.0%}"))
race_distance = page.choice("race_distance", RACE_DISTANCES, 20, style="slider")
race_config = RaceConfig(distance=race_distance, seed=seed())
names = i18n.options("lstm.race.name", list(KINDS))
race_results = st.session_state.setdefault("lstm_race.results", {})  # the live panel's frames see it too


def remember_result(distance_: int, trainer: RaceTrainer) -> None:
    """This session's race results per distance, so the table below grows as the learner tries distances."""
    row = {}
    for kind, contestant in trainer.contestants.items():
        if contestant.solved_at is not None:
            row[kind] = t("lstm.race.cell_solved", step=f"{contestant.solved_at[0]:,}",
                          seconds=f"{contestant.solved_at[1]:.1f}")
        elif contestant.evals:
            row[kind] = t("lstm.race.cell_open", accuracy=f"{contestant.evals[-1][2]:.0%}",
                          step=f"{contestant.steps_done:,}")
    if row:
        race_results[distance_] = row


def race_curves(trainer: RaceTrainer) -> tuple[dict, dict]:
    """Each contestant's (steps, accuracies) and the step it was solved at (None: not yet), by its name."""
    contestants = trainer.contestants
    curves = {names[k]: ([e[0] for e in c.evals], [e[2] for e in c.evals]) for k, c in contestants.items()}
    return curves, {names[k]: (c.solved_at[0] if c.solved_at else None) for k, c in contestants.items()}


def race_pictures(live) -> list[tuple[str, str]]:
    """While it races: a picture per contestant on one step scale, as (name, PNG data URI)."""
    curves, solved = race_curves(live.trainer)
    end = max([max(steps, default=1) for steps, _ in curves.values()])

    def picture(k: int, name: str) -> str:
        return live_png(live, f"lstm.race.{k}", lambda: accuracy_picture(
            *curves[name], color=PALETTE[k % len(PALETTE)], goal=SOLVED_ACCURACY, chance=1 / len(ALPHABET),
            solved_at=solved[name], end=end, width=340, height=240))

    return [(name, picture(k, name)) for k, name in enumerate(curves)]


def race_tables(trainer: RaceTrainer) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The contestants' table, and this session's races per distance (None before the first result)."""
    contestants = trainer.contestants
    remember_result(race_distance, trainer)
    table = pd.DataFrame(
        {names[k]: [f"{sum(p.numel() for p in c.model.parameters()):,}",
                    t("lstm.race.cell_solved", step=f"{c.solved_at[0]:,}", seconds=f"{c.solved_at[1]:.1f}")
                    if c.solved_at else t("lstm.race.not_solved", steps=f"{c.steps_done:,}") if trainer.done
                    else t("lstm.race.not_yet"),
                    f"{c.evals[-1][2]:.1%}" if c.evals else "–"]
         for k, c in contestants.items()},
        index=[t("lstm.race.row_params"), t("lstm.race.row_solved"), t("lstm.race.row_accuracy")])
    if not race_results:
        return table, None
    return table, pd.DataFrame({names[k]: [race_results[d].get(k, "–") for d in sorted(race_results)] for k in KINDS},
                               index=[t("lstm.race.distance_row", distance=d) for d in sorted(race_results)])


def draw_race(live) -> None:
    if live.running:  # live: a picture per contestant on one step scale (ui/figures/chart_pictures.py)
        pictures = race_pictures(live)
        for (name, src), col in zip(pictures, st.columns(len(pictures))):
            show_picture(src, title=name, where=col)
        st.caption(f"{accuracy_caption([])} · {t('runner.live_picture')}")
    else:
        curves, solved = race_curves(live.trainer)
        show(accuracy_figure(curves, solved=solved, goal=SOLVED_ACCURACY, chance=1 / len(ALPHABET), title=None,
                             x_title=t("lstm.race.steps"), y_title=t("lstm.race.accuracy"),
                             goal_name=t("lstm.race.goal"), chance_name=t("lstm.race.chance")), key="lstm.fig.race")
    table, history = race_tables(live.trainer)
    st.table(table)
    if history is not None:
        st.markdown(t("lstm.race.history"))
        st.table(history)


def race_frame(live) -> list[dict]:
    """`draw_race` while it races, as live-panel blocks (ui/live_feed.py)."""
    pictures = race_pictures(live)
    table, history = race_tables(live.trainer)
    blocks = [live_feed.columns([1] * len(pictures), *[[live_feed.picture(src, title=name, stretch=True)]
                                                       for name, src in pictures]),
              live_feed.note(f"{accuracy_caption([])} · {t('runner.live_picture')}"), table_block(table)]
    if history is not None:
        blocks += [live_feed.text(t("lstm.race.history")), table_block(history)]
    return blocks


def table_block(table: pd.DataFrame) -> dict:
    """A table of the page as a live-panel block, its row names in the first column."""
    return live_feed.table([{"": name, **row.to_dict()} for name, row in table.iterrows()])


live_training("lstm_race", build=lambda: RaceTrainer(race_config), config=race_config, draw=draw_race,
              steps_per_click=20, live_frame=race_frame)
st.markdown(t("lstm.race.reading"))

takeaway("lstm", "race")
page.finish()
