"""RNN unrolling: one cell as a loop and unrolled over your sequence, trained live on a noisy sine, gradients
flowing back through time, and what stacking and a second direction change."""
import math

import numpy as np
import streamlit as st
import torch

from core.sequences import rnn
from core.sequences.sequence_tasks import WARMUP, SequenceInputError, parse_numbers
from core.sequences.sequence_trainers import SOLVED_RMSE, SineConfig, SineTrainer
from core.trainer import seeded_rng
from ui import i18n
from ui import live_feed
from ui.figures.chart_pictures import live_png, markdown_legend, show_picture
from ui.figures.common import show
from ui.figures.sequences.equations import rnn_step_tex
from ui.figures.sequences.charts import (BACKWARD, FORWARD, GOOD, INK, MUTED, clipping_figure, error_curves_figure,
                                         forecast_figure, gradient_norms_figure, loop_figure, unrolled_figure)
from ui.figures.sequences.pictures import error_curves_picture, forecast_picture
from ui.i18n import error_text, t
from ui.page import Page, seed
from ui.runner import live_training
from ui.teaching import takeaway

PRESETS = {
    "impulse": "1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0",
    "sine": "0, 0.5, 0.87, 1, 0.87, 0.5, 0, -0.5, -0.87, -1, -0.87, -0.5",
    "steps": "0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1",
    "alternating": "1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1",
}
REFERENCE_RADII = (0.5, 0.9, 1.0, 1.1, 1.5)
CLIP_OPTIONS = ["off", "0.1", "1", "10", "100"]
LR_LADDER = [0.001, 0.003, 0.01, 0.03, 0.1]


def clip_value(option: str) -> float | None:
    return None if option == "off" else float(option)


def diagram_labels() -> dict:
    return {name: t(f"rnn.diagram.{name}") for name in
            ("input", "output", "layer", "forward", "backward", "time", "unit", "cell")}


@st.cache_data(max_entries=64)
def gradient_curves(values: tuple, hidden: int, act: str, rho: float, length: int, seed_: int):
    """||dL/dh_t|| for the chosen radius and the reference radii (same random direction of W_hh)."""
    xs = rnn.cycle_to_length(list(values), length)[:, None]
    readout = np.ones(hidden) / math.sqrt(hidden)
    chosen = rnn.bptt(xs, rnn.random_cell(hidden, 1, rho, seed_), act, readout)
    others = {r: rnn.bptt(xs, rnn.random_cell(hidden, 1, r, seed_), act, readout).state_grad_norms
              for r in REFERENCE_RADII if not math.isclose(r, rho)}
    return chosen, others


@st.cache_data(max_entries=32)
def deep_weights(hidden: int, layers: int, bidirectional: bool, seed_: int) -> list[list[rnn.CellWeights]]:
    """torch's own initialisation of an nn.RNN, read into the hand-written cells."""
    with seeded_rng(seed_):  # without touching other sessions' random state
        module = torch.nn.RNN(1, hidden, num_layers=layers, bidirectional=bidirectional)
    return rnn.layers_from_torch(module)


page = Page("rnn")
page.header()

# ----- 1. one cell, as a loop and unrolled -----
st.subheader(t("rnn.cell.title"))
st.markdown(t("rnn.cell.body"))
c1, c2, c3 = st.columns(3)
act = page.choice("act", list(rnn.ACTIVATIONS), "tanh", style="segmented", where=c1,
                  labels=i18n.options("rnn.act", list(rnn.ACTIVATIONS)))
rho = page.slider("rho", 0.1, 2.0, 0.9, 0.05, where=c2)
hidden = page.slider("hidden", 2, 6, 3, where=c3)

preset_cols = st.columns([2, 1, 1, 1, 1, 2])
preset_cols[0].markdown(t("rnn.pick.label"))
for col, name in zip(preset_cols[1:], PRESETS):
    col.button(t(f"rnn.pick.{name}"), key=f"rnn.pick.{name}", on_click=page.set_value, args=("seq", PRESETS[name]),
               width="stretch")
text = page.text("seq", PRESETS["impulse"], max_chars=400)
try:
    values = parse_numbers(text)
except SequenceInputError as err:
    st.error(error_text("rnn.error", err) + " " + t("rnn.error.fallback"), icon=":material/error:")
    values = parse_numbers(PRESETS["impulse"])

steps = len(values)
page.limit("t", steps)
now = page.slider("t", 1, steps, 1)

cell = rnn.random_cell(hidden, 1, rho, seed())
run = rnn.unroll(np.array(values)[:, None], cell, act)
labels = diagram_labels()
left, right = st.columns([1, 3])
with left:
    show(loop_figure(labels, title=t("rnn.cell.loop_title")), key="rnn.fig.loop", csv=False)
    st.caption(t("rnn.cell.loop_caption"))
with right:
    show(unrolled_figure(values, [(t("rnn.cell.states_title"), run.states)], current=now, labels=labels,
                         title=t("rnn.cell.unrolled_title")), key="rnn.fig.unrolled", csv=False)
st.markdown(t("rnn.cell.step_caption", t=now, x=f"{values[now - 1]:g}",
              radius=f"{rnn.spectral_radius(cell.w_hh):.2f}"))
h_prev = run.states[now - 2] if now > 1 else np.zeros(hidden)
st.latex(rnn_step_tex(now, values[now - 1], h_prev, cell.w_xh, cell.w_hh, cell.b, run.pre[now - 1],
                      run.states[now - 1], act))

takeaway("rnn", "cell")
# ----- 2. trained live on a noisy sine -----
st.subheader(t("rnn.train.title"))
st.markdown(t("rnn.train.body", goal=f"{SOLVED_RMSE:g}", warmup=WARMUP))
c1, c2, c3 = st.columns(3)
units = page.choice("units", [4, 8, 16, 32, 64], 16, style="slider", where=c1)
layers = page.slider("layers", 1, 3, 1, where=c2)
train_act = page.choice("train_act", ["tanh", "relu"], "tanh", style="segmented", where=c3,
                        labels=i18n.options("rnn.act", ["tanh", "relu"]))
c1, c2, c3 = st.columns(3)
lr = page.choice("lr", LR_LADDER, 0.01, style="slider", where=c1)
noise = page.choice("noise", [0.0, 0.05, 0.1, 0.2], 0.1, style="slider", where=c2)
clip = page.choice("clip", CLIP_OPTIONS[:4], "1", style="segmented", where=c3,
                   labels={"off": t("rnn.clip_off")})
wave = page.slider("wave", 1, 8, 1)
config = SineConfig(hidden=units, layers=layers, act=train_act, lr=lr, noise=noise, clip=clip_value(clip),
                    seed=seed())


def status_line(trainer: SineTrainer) -> str:
    """How far the run is, in words (Markdown)."""
    baseline = math.sqrt(trainer.baseline_mse)
    if not trainer.history.get("test_mse"):
        return t("rnn.train.untrained", baseline=f"{baseline:.3f}", goal=f"{SOLVED_RMSE:g}")
    numbers = dict(rmse=f"{math.sqrt(trainer.history['test_mse'][-1]):.3f}", goal=f"{SOLVED_RMSE:g}",
                   baseline=f"{baseline:.3f}", grad=f"{trainer.history['grad_norm'][-1]:.3g}")
    if trainer.solved_at is not None:
        return t("rnn.train.solved", step=f"{trainer.solved_at:,}", **numbers)
    return t("rnn.train.status", **numbers)


def draw_training(live) -> None:
    trainer: SineTrainer = live.trainer
    st.markdown(status_line(trainer))
    left, right = st.columns(2)
    # live: pictures, which a browser redraws several times a second (ui/figures/chart_pictures.py); paused: Plotly
    (_training_pictures if live.running else _training_charts)(live, left, right)


def live_frame(live) -> list[dict]:
    """`draw_training` while it trains, as live-panel blocks (ui/live_feed.py)."""
    forecast, curve = (live_feed.picture(src, title=title, caption=caption, stretch=True)
                       for title, src, caption in live_charts(live))
    return [live_feed.text(status_line(live.trainer)), live_feed.columns([1, 1], [forecast], [curve]),
            live_feed.note(t("runner.live_picture"))]


def _training_charts(live, left, right) -> None:
    trainer: SineTrainer = live.trainer
    k = wave - 1
    with left:
        show(forecast_figure(trainer.test.inputs[k, :, 0].numpy(), trainer.test.clean[k, :, 0].numpy(),
                             trainer.predictions(k), warmup=WARMUP,
                             names=(t("rnn.train.noisy"), t("rnn.train.truth"), t("rnn.train.forecast")),
                             title=t("rnn.train.forecast_title", wave=wave), x_title=t("rnn.diagram.time")),
             key="rnn.fig.forecast")
    with right:
        show(error_curves_figure(trainer.history["step"], trainer.history.get("test_mse", []),
                                 baseline=trainer.baseline_mse, goal=SOLVED_RMSE**2,
                                 names=(t("rnn.train.test_mse"), t("rnn.train.baseline"), t("rnn.train.goal")),
                                 title=t("rnn.train.curve_title"), x_title=t("rnn.train.steps")),
             key="rnn.fig.curves")


def live_charts(live) -> list[tuple[str, str, str]]:
    """The forecast and the error curve as (title, PNG data URI, caption) pairs: legends and axes in text."""
    trainer: SineTrainer = live.trainer
    k = wave - 1
    legend = (f"{markdown_legend([(t('rnn.train.noisy'), MUTED)], mark='●')} \u2003 "
              f"{markdown_legend([(t('rnn.train.truth'), INK), (t('rnn.train.forecast'), BACKWARD)])}")
    forecast = live_png(live, "rnn.forecast", lambda: forecast_picture(
        trainer.test.inputs[k, :, 0].numpy(), trainer.test.clean[k, :, 0].numpy(), trainer.predictions(k),
        warmup=WARMUP), wave)
    curve = live_png(live, "rnn.curve", lambda: error_curves_picture(
        trainer.history["step"], trainer.history.get("test_mse", []), baseline=trainer.baseline_mse,
        goal=SOLVED_RMSE**2))
    marks = markdown_legend([(t("rnn.train.baseline"), MUTED), (t("rnn.train.goal"), GOOD)], mark="╌╌")
    return [(t("rnn.train.forecast_title", wave=wave), forecast,
             f"{legend}  \n{t('rnn.train.warmup_band', warmup=WARMUP)} · "
             f"{t('runner.axes', x=t('rnn.diagram.time'), y=t('rnn.train.value_axis'))}"),
            (t("rnn.train.curve_title"), curve,
             f"{markdown_legend([(t('rnn.train.test_mse'), FORWARD)])} \u2003 {marks}  \n"
             f"{t('runner.axes', x=t('rnn.train.steps'), y=t('rnn.train.mse_axis'))}")]


def _training_pictures(live, left, right) -> None:
    """The forecast and the error curve as pictures, their legends and axes in text."""
    for (title, src, caption), where in zip(live_charts(live), (left, right)):
        show_picture(src, title=title, where=where, caption=caption)
    st.caption(t("runner.live_picture"))


live_training("rnn", build=lambda: SineTrainer(config), config=config, draw=draw_training, steps_per_click=10,
              live_frame=live_frame)

takeaway("rnn", "train")
# ----- 3. backpropagation through time -----
st.subheader(t("rnn.bptt.title"))
st.markdown(t("rnn.bptt.body"))
c1, c2 = st.columns(2)
length = page.slider("length", 5, 100, 40, where=c1)
clip_at = page.choice("clip_at", CLIP_OPTIONS, "1", style="segmented", where=c2, labels={"off": t("rnn.clip_off")})
chosen, others = gradient_curves(tuple(values), hidden, act, rho, length, seed())
curves = {t("rnn.bptt.reference", rho=f"{r:g}"): norms for r, norms in others.items()}
mine = t("rnn.bptt.yours", rho=f"{rho:g}", act=t(f"rnn.act.{act}"))
curves[mine] = chosen.state_grad_norms
ratio = chosen.state_grad_norms[0] / chosen.state_grad_norms[-1]
regime = "vanishing" if ratio < 1e-3 else "exploding" if ratio > 1e3 else "steady"
st.info(t(f"rnn.bptt.{regime}", steps=length - 1, ratio=f"{ratio:.2g}"), icon=":material/insights:")
scale = rnn.clip_scale(chosen.total_norm, clip_value(clip_at))
left, right = st.columns(2)
with left:
    show(gradient_norms_figure(curves, mine, title=t("rnn.bptt.norms_title"), x_title=t("rnn.bptt.steps_back"),
                               y_title=t("rnn.bptt.norm_axis")), key="rnn.fig.bptt")
with right:
    show(clipping_figure(chosen.step_contributions, chosen.step_contributions * scale,
                         names=(t("rnn.bptt.before"), t("rnn.bptt.after")), title=t("rnn.bptt.clip_title"),
                         x_title=t("rnn.bptt.steps_back"), y_title=t("rnn.bptt.share_axis")), key="rnn.fig.clip")
st.markdown(t("rnn.bptt.clip_result", norm=f"{chosen.total_norm:.3g}", scale=f"{scale:.3g}",
              clipped=f"{chosen.total_norm * scale:.3g}"))
st.markdown(t("rnn.bptt.clip_explain"))

takeaway("rnn", "bptt")
# ----- 4. stacked and bidirectional -----
st.subheader(t("rnn.deep.title"))
st.markdown(t("rnn.deep.body"))
c1, c2 = st.columns(2)
depth = page.slider("depth", 1, 3, 2, where=c1)
bidir = page.toggle("bidir", True, where=c2)
deep = rnn.run_layers(np.array(values)[:, None], deep_weights(hidden, depth, bidir, seed()), act)
blocks = []
for number, directions in enumerate(deep, start=1):
    for direction, unrolled in zip(("forward", "backward"), directions):
        blocks.append((t(f"rnn.deep.block_{direction}", layer=number), unrolled.states))
show(unrolled_figure(values, blocks, layers=depth, bidirectional=bidir, current=now, labels=labels,
                     title=t("rnn.deep.figure_title")), key="rnn.fig.deep", csv=False)
st.markdown(t("rnn.deep.output_bi", size=2 * hidden, hidden=hidden) if bidir else
            t("rnn.deep.output_uni", hidden=hidden))

takeaway("rnn", "deep")
page.finish()
