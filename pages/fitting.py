"""Over- and underfitting: capacity against data, the U-curve, learning curves, and remedies trained live."""
import numpy as np
import pandas as pd
import streamlit as st

from core.basics.fitting import (FUNCTIONS, L2_LADDER, MAX_DEGREE, average_degree_curve, degree_curve, fit_polynomial,
                          l2_curve, learning_curve, make_data, mse, predict, truth)
from core.basics.fitting_mlp import REMEDIES, RemedyConfig, remedy_trainer
from ui import live_feed
from ui.figures.common import show
from ui.figures.basics.fitting import (MODEL_COLORS, TEST_COLOR, TRAIN_COLOR, error_curves_picture, error_figure_memo,
                                      fit_figure_memo, fit_picture)
from ui.figures.chart_pictures import live_png, markdown_legend, show_picture
from ui.i18n import options, t
from ui.page import Page, seed
from ui.runner import live_training
from ui.teaching import takeaway

GRID = np.linspace(-1, 1, 241)
WIDTHS = [4, 8, 16, 32, 64, 128]
L2_NET = [1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1]
L2_LABELS = ["0" if v == 0 else f"{v:g}" for v in L2_LADDER]

page = Page("fitting")
page.header()


@st.cache_data(max_entries=64)
def polynomial_view(function: str, n: int, noise: float, degree: int, l2: float, seed_: int):
    data = make_data(function, n, noise, seed_)
    coef = fit_polynomial(data.x_train, data.y_train, degree, l2)
    errors = (mse(predict(coef, data.x_train), data.y_train), mse(predict(coef, data.x_test), data.y_test))
    return data, predict(coef, GRID), errors, degree_curve(data, l2), l2_curve(data, degree)


@st.cache_data(max_entries=32)
def typical_u_curve(function: str, n: int, noise: float, l2: float, seed_: int):
    return average_degree_curve(function, n, noise, l2, seed_)


@st.cache_data(max_entries=32)
def data_curve(function: str, degree: int, noise: float, l2: float, seed_: int):
    return learning_curve(function, degree, noise, l2, seed_)


# ----- 1 · capacity -----
st.header(t("fitting.capacity.heading"))
st.markdown(t("fitting.capacity.text"))
cols = st.columns([1.3, 1, 1])
function = page.choice("function", FUNCTIONS, "sine", style="segmented",
                       labels=options("fitting.functions", list(FUNCTIONS)), where=cols[0])
noise = page.slider("noise", 0.05, 0.6, 0.2, 0.05, where=cols[1])
n_train = page.slider("n", 8, 200, 15, where=cols[2])
cols = st.columns(2)
degree = page.slider("degree", 0, MAX_DEGREE, 8, where=cols[0])
l2 = page.choice("l2", L2_LADDER, 0.0, style="slider", where=cols[1],
                 labels=lambda v: "0" if v == 0 else f"{v:g}")
data, fit_y, (train_err, test_err), u_curve, lam_curve = polynomial_view(function, n_train, noise, degree, l2, seed())
floor = noise**2
point_labels = {"train": t("fitting.train_points"), "test": t("fitting.test_points"), "truth": t("fitting.truth")}
left, right = st.columns([1.2, 1], gap="large")
with left:
    show(fit_figure_memo(data.x_train, data.y_train, data.x_test, data.y_test, GRID, truth(function, GRID),
                         {"fit": fit_y}, {**point_labels, "fit": t("fitting.capacity.fit", degree=degree)},
                         title=t("fitting.capacity.fit_chart"), colors={"fit": TEST_COLOR}), key="fitting.chart_fit")
with right:
    m = st.columns(3)
    m[0].metric(t("fitting.train_error"), f"{train_err:.4f}")
    m[1].metric(t("fitting.test_error"), f"{test_err:.4g}")
    m[2].metric(t("fitting.noise_floor"), f"{floor:.4f}", help=t("fitting.noise_floor_help"))
    typical = typical_u_curve(function, n_train, noise, l2, seed())
    series = {"train": u_curve.train, "test": u_curve.test, "typical": typical.test}
    show(error_figure_memo(u_curve.axis, series, {"train": t("fitting.train_error"), "test": t("fitting.test_error"),
                                                  "typical": t("fitting.capacity.typical")},
                           title=t("fitting.capacity.u_chart"), x_title=t("fitting.capacity.degree_axis"),
                           y_title=t("fitting.error_axis"), floor=floor, floor_label=t("fitting.sigma2"),
                           marker=degree, marker_label=t("fitting.now"),
                           styles={"train": {"color": TRAIN_COLOR}, "test": {"color": TEST_COLOR},
                                   "typical": {"color": TEST_COLOR, "dash": "dot", "mode": "lines"}}),
         key="fitting.chart_u")
st.markdown(t("fitting.capacity.explain"))

# ----- 2 · more data and L2, on the polynomial -----
takeaway("fitting", "capacity")
st.header(t("fitting.remedies.heading"))
st.markdown(t("fitting.remedies.text"))
left, right = st.columns(2, gap="large")
with left:
    curve = data_curve(function, degree, noise, l2, seed())
    show(error_figure_memo(curve.axis, {"train": curve.train, "test": curve.test},
                           {"train": t("fitting.train_error"), "test": t("fitting.test_error")},
                           title=t("fitting.remedies.data_chart", degree=degree), x_title=t("fitting.remedies.n_axis"),
                           y_title=t("fitting.error_axis"), floor=floor, floor_label=t("fitting.sigma2"),
                           marker=n_train, marker_label=t("fitting.now"), log_x=True,
                           styles={"train": {"color": TRAIN_COLOR}, "test": {"color": TEST_COLOR}}),
         key="fitting.chart_data")
with right:
    show(error_figure_memo(L2_LABELS, {"train": lam_curve.train, "test": lam_curve.test},
                           {"train": t("fitting.train_error"), "test": t("fitting.test_error")},
                           title=t("fitting.remedies.l2_chart", degree=degree), x_title=t("fitting.remedies.l2_axis"),
                           y_title=t("fitting.error_axis"), floor=floor, floor_label=t("fitting.sigma2"),
                           marker=L2_LABELS[L2_LADDER.index(l2)], marker_label=t("fitting.now"),
                           styles={"train": {"color": TRAIN_COLOR}, "test": {"color": TEST_COLOR}}),
         key="fitting.chart_l2")
st.markdown(t("fitting.remedies.explain"))

# ----- 3 · a neural network, remedies trained live -----
takeaway("fitting", "remedies")
st.header(t("fitting.network.heading"))
st.markdown(t("fitting.network.text"))
cols = st.columns(3)
width = page.choice("width", WIDTHS, 64, style="slider", where=cols[0])
depth = page.slider("depth", 1, 4, 2, where=cols[1])
chosen = page.choices("remedies", list(REMEDIES[1:]), list(REMEDIES[1:]),
                      labels=options("fitting.remedy", list(REMEDIES[1:])), where=cols[2])
cols = st.columns(4)
net_l2 = page.choice("net_l2", L2_NET, 1e-3, style="slider", where=cols[0], labels=lambda v: f"{v:g}")
dropout = page.slider("dropout", 0.05, 0.5, 0.2, 0.05, where=cols[1])
patience = page.slider("patience", 50, 1000, 200, 50, where=cols[2])
factor = page.slider("factor", 2, 10, 5, where=cols[3])
config = RemedyConfig(function, n_train, noise, seed(), width, depth, net_l2, dropout, patience, factor,
                      ("none", *[r for r in REMEDIES[1:] if r in chosen]))
remedy_labels = {name: t(f"fitting.remedy.{name}") for name in REMEDIES}


def model_legend(names) -> str:
    """The networks' colours as Markdown; no remedy in the text's own near-black, as its curve."""
    return " \u2003 ".join(f"━━ {remedy_labels[name]}" if name == "none" else markdown_legend([(remedy_labels[name],
                                                                                             MODEL_COLORS[name])])
                            for name in names)


def live_charts(run) -> list[tuple[str, str, str]]:
    """The networks while they train, as (title, PNG data URI, caption) pairs: the fits, and once there are two
    points on them, the test-error curves."""
    trainer, names = run.trainer, config.remedies
    legend = model_legend(names)
    charts = [(t("fitting.network.fit_chart"), live_png(run, "fit", lambda: fit_picture(
                  *fit_data(trainer), dict(zip(names, trainer.predict(GRID))), MODEL_COLORS)),
               f":gray[●] {point_labels['test']} \u2003 :gray[╌╌] {point_labels['truth']} \u2003 "
               f":blue[✕] {point_labels['train']}  \n{legend}  \n{t('runner.axes', x='x', y='y')}")]
    if len(trainer.curve_steps) >= 2:
        charts.append((t("fitting.network.curve_chart"),
                       live_png(run, "curves", lambda: error_curves_picture(trainer.curve_steps, test_curves(trainer),
                                                                            MODEL_COLORS, floor=floor)),
                       f"{legend} \u2003 :green[╌╌] {t('fitting.sigma2')}  \n"
                       f"{t('runner.axes', x=t('fitting.network.step_axis'), y=t('fitting.test_error'))}"))
    return charts


def fit_data(trainer) -> tuple:
    base = trainer.data
    return base.x_train[:n_train], base.y_train[:n_train], base.x_test, base.y_test, GRID, truth(function, GRID)


def test_curves(trainer) -> dict:
    return {name: np.array(trainer.curves["test"][m]) for m, name in enumerate(config.remedies)}


def draw(run) -> None:
    trainer = run.trainer
    names = config.remedies
    left, right = st.columns([1.1, 1], gap="large")
    curves_shown = len(trainer.curve_steps) >= 2  # one point at step 0: the curves chart would look empty
    if run.running:  # live: pictures, which a browser redraws several times a second (ui/figures/chart_pictures.py)
        for (title, src, caption), where in zip(live_charts(run), (left, right)):
            show_picture(src, title=title, where=where, caption=caption)
        st.caption(t("runner.live_picture"))
    else:
        fits = dict(zip(names, trainer.predict(GRID)))
        show(fit_figure_memo(*fit_data(trainer), fits, {**point_labels, **remedy_labels},
                             title=t("fitting.network.fit_chart"), colors=MODEL_COLORS), key="fitting.chart_net_fit",
             where=left)
    if not curves_shown:
        right.info(t("fitting.network.press_start"), icon=":material/play_arrow:")
    elif not run.running:
        show(error_figure_memo(trainer.curve_steps, test_curves(trainer), remedy_labels,
                               title=t("fitting.network.curve_chart"), x_title=t("fitting.network.step_axis"),
                               y_title=t("fitting.test_error"), floor=floor, floor_label=t("fitting.sigma2"),
                               styles={name: {"color": MODEL_COLORS[name], "mode": "lines"} for name in names}),
             key="fitting.chart_net_curves", where=right)
    st.dataframe(pd.DataFrame(network_rows(trainer)), hide_index=True, width="stretch")


def network_rows(trainer) -> list[dict]:
    rows = []
    for m, name in enumerate(config.remedies):
        stopped = trainer.stopped_at[m]
        rows.append({t("fitting.network.model"): remedy_labels[name],
                     t("fitting.train_error"): f"{trainer.curves['train'][m][-1]:.4f}",
                     t("fitting.test_error"): f"{trainer.curves['test'][m][-1]:.4f}",
                     t("fitting.network.best"): f"{trainer.best_test[m]:.4f}",
                     t("fitting.network.best_step"): str(trainer.best_step[m]),
                     t("fitting.network.stopped"): "–" if stopped is None else str(stopped)})
    return rows


def live_frame(run) -> list[dict]:
    """`draw` while training, as live-panel blocks (ui/live_feed.py)."""
    pictures = [live_feed.picture(src, title=title, caption=caption, stretch=True)
                for title, src, caption in live_charts(run)]
    right = pictures[1:] or [live_feed.note(t("fitting.network.press_start"))]
    return [live_feed.columns([1.1, 1], pictures[:1], right), live_feed.note(t("runner.live_picture")),
            live_feed.table(network_rows(run.trainer))]


live_training("fitting", lambda: remedy_trainer(config), config, draw, steps_per_click=100, live_frame=live_frame)
st.markdown(t("fitting.network.explain"))

takeaway("fitting", "network")
page.finish()
