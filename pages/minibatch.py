"""Batch, mini-batch and stochastic gradient descent: the noise of a gradient estimate, and three runs raced."""
import numpy as np
import streamlit as st

from core.basics.minibatch import (BATCH_LADDER, N_POINTS, RUNS, START, BatchRace, RaceConfig, full_gradient,
                                   gradient_covariance, least_squares, loss, make_points, sample_batch_gradients)
from ui.figures.basics.minibatch import (PLANE_PIXELS, RUN_COLORS, gradient_spread_figure, loss_bands_image,
                                         paths_figure, paths_picture, race_curves_figure, race_curves_picture,
                                         variance_figure)
from ui.figures.chart_pictures import markdown_legend, show_picture
from ui.figures.common import show
from ui.i18n import t
from ui.page import Page, seed
from ui.runner import LIGHT_INTERVAL_S, live_training
from ui.teaching import takeaway

LR_LADDER = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2]
DRAWS = 200  # sampled mini-batch gradients drawn as arrows, and per batch size for the spread chart
W_GRID, B_GRID = np.linspace(-3.0, 4.0, 71), np.linspace(-3.5, 3.5, 71)  # contours need no finer grid

page = Page("minibatch")
page.header()


@st.cache_data(max_entries=16)
def surface(seed_: int):
    x, y = make_points(seed_)
    ww, bb = np.meshgrid(W_GRID, B_GRID)
    return x, y, loss(x, y, ww, bb), least_squares(x, y)


@st.cache_data(max_entries=16)
def loss_bands(seed_: int):
    return loss_bands_image(surface(seed_)[2], PLANE_PIXELS)


def race_pace(race: BatchRace) -> int:
    """Updates per live refresh: 2 at first, then 1/8 more each refresh (the first 50 updates, where the runs
    part ways, take ~4 s; all 2,000 ~10 s): even steps on the examples-seen chart's log axis."""
    return max(2, race.steps_done // 8)


@st.cache_data(max_entries=64)
def spread(batch: int, seed_: int):
    """Sampled mini-batch gradients at START for this B, and tr Cov measured and predicted for every B."""
    x, y, _, _ = surface(seed_)
    rng = np.random.default_rng([seed_, 13])
    samples = sample_batch_gradients(x, y, *START, batch, DRAWS, rng)
    measured, predicted = [], []
    for b in BATCH_LADDER:
        g = sample_batch_gradients(x, y, *START, b, DRAWS, rng)
        measured.append(float(np.trace(np.cov(g.T))))
        predicted.append(float(np.trace(gradient_covariance(x, y, *START, b))))
    return samples, measured, predicted


st.header(t("minibatch.noise.heading"))
st.markdown(t("minibatch.noise.text"))
cols = st.columns(2)
batch = page.choice("batch", BATCH_LADDER, 16, style="slider", where=cols[0])
lr = page.choice("lr", LR_LADDER, 0.05, style="slider", where=cols[1])
x, y, loss_grid, minimum = surface(seed())
samples, measured, predicted = spread(batch, seed())
full = full_gradient(x, y, *START)
plane = dict(x_title=t("minibatch.w_axis"), y_title=t("minibatch.b_axis"))
left, right = st.columns(2, gap="large")
with left:
    show(gradient_spread_figure(W_GRID, B_GRID, loss_grid, START, -lr * samples, -lr * full, minimum,
                                {"samples": t("minibatch.noise.samples", batch=batch, draws=DRAWS),
                                 "full": t("minibatch.noise.full"), "minimum": t("minibatch.minimum")},
                                title=t("minibatch.noise.arrows_chart", batch=batch), **plane),
         key="minibatch.chart_arrows")
with right:
    show(variance_figure(list(BATCH_LADDER), measured, predicted, title=t("minibatch.noise.spread_chart"),
                         x_title=t("minibatch.noise.batch_axis"), y_title=t("minibatch.noise.spread_axis"),
                         labels={"formula": t("minibatch.noise.formula"), "measured": t("minibatch.noise.measured")}),
         key="minibatch.chart_spread")
m = st.columns(3)
i = BATCH_LADDER.index(batch)
m[0].metric(t("minibatch.noise.metric_measured"), f"{measured[i]:.3g}")
m[1].metric(t("minibatch.noise.metric_formula"), f"{predicted[i]:.3g}")
m[2].metric(t("minibatch.noise.metric_full"), f"{float(np.sum(full**2)):.3g}")
st.markdown(t("minibatch.noise.explain"))
takeaway("minibatch", "noise")

st.header(t("minibatch.race.heading"))
st.markdown(t("minibatch.race.text", n=N_POINTS))
config = RaceConfig(batch=batch, lr=lr, seed=seed())
labels = {"full": t("minibatch.run.full", n=N_POINTS), "mini": t("minibatch.run.mini", batch=batch),
          "single": t("minibatch.run.single"), "minimum": t("minibatch.minimum")}
floor = float(loss(x, y, *minimum))


def draw(run) -> None:
    race: BatchRace = run.trainer
    if run.running:  # live: pictures, which a browser redraws several times a second (ui/figures/chart_pictures.py)
        _pictures(race)
        return
    curves = dict(floor=floor, floor_label=t("minibatch.race.floor"), y_title=t("minibatch.race.loss_axis"))
    left, right = st.columns(2, gap="large")
    with left:
        show(race_curves_figure({name: list(range(len(race.losses[name]))) for name in RUNS}, race.losses, labels,
                                title=t("minibatch.race.updates_chart"), x_title=t("minibatch.race.updates_axis"),
                                **curves), key="minibatch.chart_updates")
    with right:
        show(race_curves_figure({name: race.examples_seen(name) for name in RUNS}, race.losses, labels, log_x=True,
                                title=t("minibatch.race.examples_chart"), x_title=t("minibatch.race.examples_axis"),
                                **curves), key="minibatch.chart_examples")
    show(paths_figure(W_GRID, B_GRID, loss_grid, race.paths, labels, minimum, title=t("minibatch.race.paths_chart"),
                      **plane), key="minibatch.chart_paths")


def _pictures(race: BatchRace) -> None:
    legend = markdown_legend([(labels[name], RUN_COLORS[name]) for name in RUNS])
    floor_line = f":green[╌╌] {t('minibatch.race.floor')}"
    loss_axis = t("minibatch.race.loss_axis")
    left, right = st.columns(2, gap="large")
    show_picture(race_curves_picture({name: list(range(len(race.losses[name]))) for name in RUNS}, race.losses,
                                     floor=floor), title=t("minibatch.race.updates_chart"), where=left,
                 caption=f"{legend}  \n{t('runner.axes', x=t('minibatch.race.updates_axis'), y=loss_axis)} · "
                         f"{floor_line}")
    show_picture(race_curves_picture({name: race.examples_seen(name) for name in RUNS}, race.losses, floor=floor,
                                     log_x=True), title=t("minibatch.race.examples_chart"), where=right,
                 caption=f"{legend}  \n{t('runner.axes', x=t('minibatch.race.examples_axis'), y=loss_axis)} · "
                         f"{floor_line}")
    show_picture(paths_picture(W_GRID, B_GRID, loss_bands(seed()), race.paths, minimum),
                 title=t("minibatch.race.paths_chart"), where=st.columns([1, 2, 1])[1],  # square: not the full width
                 caption=f"{legend} \u2003 :green[✕] {labels['minimum']}  \n"
                         f"{t('runner.axes', x=plane['x_title'], y=plane['y_title'])} · {t('runner.live_picture')}")


live_training("minibatch", lambda: BatchRace(config), config, draw, steps_per_click=10, steps_per_tick=race_pace,
              interval_s=LIGHT_INTERVAL_S)
st.markdown(t("minibatch.race.explain"))
takeaway("minibatch", "race")

st.header(t("minibatch.why.heading"))
st.markdown(t("minibatch.why.text"))
takeaway("minibatch", "why")

page.finish()
