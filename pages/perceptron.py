"""Perceptron and linear regression: one neuron learning a line, mistake by mistake and step by step."""
import numpy as np
import streamlit as st

from core.basics.linear_regression import critical_lr, gradient_descent, least_squares, make_line_data, mse
from core.basics.perceptron import DATASETS, accuracy, make_points, margin_bound, run_perceptron
from ui.figures.common import show
from ui.figures.basics.perceptron import (curves_figure_memo, loss_surface_figure_memo, mistakes_figure_memo,
                                    perceptron_figure_memo, regression_fit_figure_memo)
from ui.i18n import options, t
from ui.page import Page, seed
from ui.teaching import takeaway

GD_STEPS = 200
LR_LADDER = [0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.15, 0.16, 0.17, 0.2, 0.3]

page = Page("perceptron")
page.header()


@st.cache_data(max_entries=64)
def perceptron_run(kind: str, n: int, gap: float, seed_: int):
    points = make_points(kind, n, gap, seed_)
    return points, run_perceptron(points), margin_bound(points)


@st.cache_data(max_entries=64)
def descent(n: int, noise: float, seed_: int, w0: float, b0: float, lr: float):
    data = make_line_data(n, noise, seed_)
    return data, least_squares(data), gradient_descent(data, w0, b0, lr, GD_STEPS), critical_lr(data)


@st.cache_data(max_entries=64)
def bowl(n: int, noise: float, seed_: int, box: tuple[float, float, float, float]):
    data = make_line_data(n, noise, seed_)
    ws, bs = np.linspace(box[0], box[1], 70), np.linspace(box[2], box[3], 70)
    gw, gb = np.meshgrid(ws, bs)
    return ws, bs, mse(data, gw, gb)


def step_update(page: Page, delta: int, top: int) -> None:
    page.set_value("update", int(min(max(page.value("update", 0) + delta, 0), top)))


# ----- 1 · the perceptron rule -----
st.header(t("perceptron.rule.heading"))
st.markdown(t("perceptron.rule.text"))
cols = st.columns([1.2, 1, 1])
kind = page.choice("data", DATASETS, "separable", style="segmented",
                   labels=options("perceptron.datasets", list(DATASETS)), where=cols[0])
n_points = page.slider("points", 8, 80, 30, where=cols[1])
gap = page.slider("gap", -1.0, 0.6, 0.1, 0.05, where=cols[2]) if kind == "separable" else 0.0

points, result, bound = perceptron_run(kind, n_points, gap, seed())
total = len(result.culprits)
page.reset_on_change("update", (kind, n_points, gap, seed()), total)  # new data: jump to its last update
page.limit("update", total)
slider_col, back_col, next_col = st.columns([6, 1, 1], vertical_alignment="bottom")
back_col.button(t("perceptron.rule.back"), key="perceptron.back", icon=":material/chevron_left:",
                on_click=step_update, args=(page, -1, total), width="stretch")
next_col.button(t("perceptron.rule.next"), key="perceptron.next", icon=":material/chevron_right:",
                on_click=step_update, args=(page, 1, total), width="stretch")
k = page.slider("update", 0, total, total, where=slider_col)

weights = result.weights[k]
epoch = int(result.epoch_of_update[k - 1]) if k else None
names = {name: t(f"perceptron.rule.legend.{name}") for name in ("positive", "negative", "line", "before", "culprit")}
left, right = st.columns([1.3, 1], gap="large")
with left:
    show(perceptron_figure_memo(points.x, points.y, weights, result.weights[k - 1] if k else None,
                                int(result.culprits[k - 1]) if k else None, names,
                                title=t("perceptron.rule.chart", k=k, total=total)), key="perceptron.chart_points")
with right:
    m = st.columns(3)
    m[0].metric(t("perceptron.rule.metric_update"), str(k))
    m[1].metric(t("perceptron.rule.metric_pass"), "–" if epoch is None else str(epoch))
    m[2].metric(t("perceptron.rule.metric_accuracy"), f"{accuracy(points, weights):.0%}")
    st.latex(rf"w = ({weights[0]:+.2f},\ {weights[1]:+.2f}),\quad b = {weights[2]:+.2f}")
    if k:
        i = int(result.culprits[k - 1])
        before = result.weights[k - 1]
        score = float(points.x[i] @ before[:2] + before[2])
        st.markdown(t("perceptron.rule.explain_update", i=i + 1, x1=f"{points.x[i, 0]:+.2f}",
                      x2=f"{points.x[i, 1]:+.2f}", y=f"{points.y[i]:+.0f}", score=f"{points.y[i] * score:+.2f}"))
    else:
        st.markdown(t("perceptron.rule.explain_start"))
    show(mistakes_figure_memo(result.mistakes_per_epoch, epoch, title=t("perceptron.rule.mistakes_chart"),
                              x_title=t("perceptron.rule.pass_axis"), y_title=t("perceptron.rule.mistakes_axis")),
         key="perceptron.chart_mistakes")

if result.converged:
    st.success(t("perceptron.rule.converged", updates=total, passes=len(result.mistakes_per_epoch)),
               icon=":material/check_circle:")
else:
    st.warning(t("perceptron.rule.not_converged", passes=len(result.mistakes_per_epoch)),
               icon=":material/sync_problem:")
if bound is not None:
    st.info(t("perceptron.rule.bound", radius=f"{bound.radius:.2f}", margin=f"{bound.margin:.3f}",
              bound=f"{bound.max_mistakes:.0f}", updates=total), icon=":material/straighten:")
else:
    st.info(t("perceptron.rule.no_separator"), icon=":material/block:")
with st.expander(t("perceptron.xor.heading"), icon=":material/school:", expanded=kind == "xor"):
    st.markdown(t("perceptron.xor.text"))

takeaway("perceptron", "rule")
# ----- 2 · linear regression by gradient descent -----
st.header(t("perceptron.regression.heading"))
st.markdown(t("perceptron.regression.text"))
cols = st.columns(5)
n_line = page.slider("n", 5, 100, 30, where=cols[0])
noise = page.slider("noise", 0.0, 2.0, 0.5, 0.1, where=cols[1])
lr = page.choice("lr", LR_LADDER, 0.05, style="slider", where=cols[2])
w0 = page.slider("w0", -2.0, 3.0, -1.5, 0.1, where=cols[3])
b0 = page.slider("b0", -4.0, 4.0, 3.0, 0.1, where=cols[4])
data, (w_star, b_star), path, lr_max = descent(n_line, noise, seed(), w0, b0, lr)
step = page.slider("step", 0, GD_STEPS, GD_STEPS)

shown = path.params[: step + 1]
finite = shown[np.isfinite(shown).all(axis=1)]
now = shown[-1]
if path.diverged_at is not None or lr >= lr_max:
    st.error(t("perceptron.regression.diverges", lr=lr, lr_max=f"{lr_max:.3f}"), icon=":material/warning:")
else:
    st.caption(t("perceptron.regression.stable", lr=lr, lr_max=f"{lr_max:.3f}"))

corners = np.vstack([finite, [[w_star, b_star], [w0, b0]]])
corners = np.clip(corners, [w_star - 6, b_star - 12], [w_star + 6, b_star + 12])
lo, hi = corners.min(axis=0), corners.max(axis=0)
pad = 0.15 * (hi - lo) + [0.3, 0.6]
box = tuple(round(float(v), 1) for v in (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1]))
ws, bs, loss_grid = bowl(n_line, noise, seed(), box)
names = {name: t(f"perceptron.regression.legend.{name}") for name in ("path", "now", "optimum", "data")}
left, right = st.columns(2, gap="large")
with left:
    show(loss_surface_figure_memo(ws, bs, loss_grid, finite if len(finite) else shown[:1], (w_star, b_star), names,
                                  title=t("perceptron.regression.surface_chart")), key="perceptron.chart_surface")
with right:
    show(regression_fit_figure_memo(data.x, data.y, tuple(now), (w_star, b_star), names,
                                    title=t("perceptron.regression.fit_chart")), key="perceptron.chart_fit")
m = st.columns(4)
m[0].metric(t("perceptron.regression.metric_step"), str(step))
finite_now = bool(np.isfinite(now).all())
m[1].metric(t("perceptron.regression.metric_loss"), f"{path.loss[step]:.4f}" if finite_now else "–")
m[2].metric(t("perceptron.regression.metric_params"), f"{now[0]:.3f}, {now[1]:.3f}" if finite_now else "–")
m[3].metric(t("perceptron.regression.metric_optimum"), f"{w_star:.3f}, {b_star:.3f}",
            help=t("perceptron.regression.metric_optimum_help", loss=f"{float(mse(data, w_star, b_star)):.4f}"))
losses = np.where(np.isfinite(path.loss[: step + 1]), path.loss[: step + 1], np.nan)
show(curves_figure_memo(np.arange(step + 1), {t("perceptron.regression.loss_series"): losses,
                                              t("perceptron.regression.optimum_series"):
                                                  np.full(step + 1, float(mse(data, w_star, b_star)))},
                        title=t("perceptron.regression.loss_chart"), x_title=t("perceptron.regression.step_axis"),
                        y_title=t("perceptron.regression.loss_axis"), log_y=True, height=240),
     key="perceptron.chart_loss")
with st.expander(t("perceptron.regression.closed_form_heading"), icon=":material/school:"):
    st.markdown(t("perceptron.regression.closed_form"))

takeaway("perceptron", "regression")
page.finish()
