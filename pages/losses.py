"""Loss functions: shapes and gradients, robustness to outliers, and why cross-entropy trains classifiers faster."""
import numpy as np
import pandas as pd
import streamlit as st

from core.basics.losses import (REGRESSION, TRUE_LINE, classification_loss, confidently_wrong_logits, fit_line,
                         logit_gradient, make_outlier_data, regression_loss, steps_to_learn, train_logits)
from ui.figures.common import show
from ui.figures.basics.losses import curves_with_marker_memo, outlier_fit_figure_memo, race_figure_memo
from ui.i18n import t
from ui.page import Page, seed
from ui.teaching import takeaway

CLASS_CURVES = ("bce", "cce", "kl", "sq")
RACE_STEPS = 200
LR_LADDER = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0]

page = Page("losses")
page.header()
labels = {name: t(f"losses.names.{name}") for name in (*REGRESSION, *CLASS_CURVES)}


@st.cache_data(max_entries=64)
def outlier_fits(n_outliers: int, outlier_y: float, outlier_x: float, delta: float, seed_: int):
    data = make_outlier_data(n_outliers, outlier_y, outlier_x, seed_)
    return data, {name: fit_line(name, data.x, data.y, delta) for name in REGRESSION}


@st.cache_data(max_entries=64)
def wrong_race(confidence: float, lr: float):
    start = confidently_wrong_logits(confidence)
    sweep = np.linspace(0.0, 14.0, 141)
    norms = {name: np.array([np.linalg.norm(logit_gradient(name, confidently_wrong_logits(s))) for s in sweep])
             for name in ("cce", "mse")}
    runs = {name: train_logits(name, start, lr, RACE_STEPS) for name in ("cce", "mse")}
    return sweep, norms, runs


# ----- 1 · shapes and gradients -----
st.header(t("losses.shapes.heading"))
st.markdown(t("losses.shapes.text"))
cols = st.columns(2)
target = page.slider("target", -2.0, 2.0, 0.0, 0.1, where=cols[0])
delta = page.slider("delta", 0.1, 3.0, 1.0, 0.1, where=cols[1])
pred = np.linspace(target - 4, target + 4, 321)
values = {name: regression_loss(name, pred, target, delta) for name in REGRESSION}
left, right = st.columns(2)
with left:
    show(curves_with_marker_memo(pred, {n: v[0] for n, v in values.items()}, labels, target,
                                 t("losses.target_mark"), title=t("losses.shapes.regression_loss"),
                                 x_title=t("losses.shapes.pred_axis"), y_title=t("losses.shapes.loss_axis"),
                                 y_range=[-0.3, 8]), key="losses.chart_reg_loss")
with right:
    show(curves_with_marker_memo(pred, {n: v[1] for n, v in values.items()}, labels, target,
                                 t("losses.target_mark"), title=t("losses.shapes.regression_grad"),
                                 x_title=t("losses.shapes.pred_axis"), y_title=t("losses.shapes.grad_axis"),
                                 y_range=[-4.5, 4.5]), key="losses.chart_reg_grad")
st.markdown(t("losses.shapes.regression_text"))

cols = st.columns(2)
q = page.slider("q", 0.5, 1.0, 1.0, 0.05, where=cols[0])
z = np.linspace(-8, 8, 321)
class_values = {name: classification_loss(name, z, q) for name in CLASS_CURVES}
left, right = st.columns(2)
with left:
    show(curves_with_marker_memo(z, {n: v[1] for n, v in class_values.items()}, labels, 0.0, "z = 0",
                                 title=t("losses.shapes.class_loss"), x_title=t("losses.shapes.logit_axis"),
                                 y_title=t("losses.shapes.loss_axis"), y_range=[-0.3, 6],
                                 hover_extra=class_values["bce"][0], hover_name="σ(z)"), key="losses.chart_cls_loss")
with right:
    show(curves_with_marker_memo(z, {n: v[2] for n, v in class_values.items()}, labels, 0.0, "z = 0",
                                 title=t("losses.shapes.class_grad"), x_title=t("losses.shapes.logit_axis"),
                                 y_title=t("losses.shapes.grad_z_axis"), y_range=[-1.1, 0.6]),
         key="losses.chart_cls_grad")
st.markdown(t("losses.shapes.class_text"))

takeaway("losses", "shapes")
# ----- 2 · outliers -----
st.header(t("losses.outliers.heading"))
st.markdown(t("losses.outliers.text"))
cols = st.columns(3)
n_outliers = page.slider("outliers", 0, 8, 3, where=cols[0])
outlier_y = page.slider("outlier_y", -10.0, 10.0, -6.0, 0.5, where=cols[1])
outlier_x = page.slider("outlier_x", -3.0, 3.0, 2.5, 0.25, where=cols[2])
data, lines = outlier_fits(n_outliers, outlier_y, outlier_x, delta, seed())
left, right = st.columns([1.5, 1], gap="large")
with left:
    point_labels = {"clean": t("losses.outliers.clean"), "outliers": t("losses.outliers.outliers"),
                    "truth": t("losses.outliers.truth")}
    show(outlier_fit_figure_memo(data.x, data.y, data.is_outlier, lines, TRUE_LINE, {**labels, **point_labels},
                                 title=t("losses.outliers.chart")),
         key="losses.chart_outliers")
with right:
    st.caption(t("losses.outliers.delta_note", delta=delta))
    rows = [{t("losses.outliers.loss"): labels[name], t("losses.outliers.slope"): f"{slope:.3f}",
             t("losses.outliers.intercept"): f"{intercept:.3f}",
             t("losses.outliers.error"): f"{abs(slope - TRUE_LINE[0]) + abs(intercept - TRUE_LINE[1]):.3f}"}
            for name, (slope, intercept) in lines.items()]
    rows.append({t("losses.outliers.loss"): t("losses.outliers.truth"),
                 t("losses.outliers.slope"): f"{TRUE_LINE[0]:.3f}",
                 t("losses.outliers.intercept"): f"{TRUE_LINE[1]:.3f}", t("losses.outliers.error"): "0"})
    st.table(pd.DataFrame(rows), hide_index=True)  # a static table wraps its headers; the grid cut them off
    st.markdown(t("losses.outliers.why"))

takeaway("losses", "outliers")
# ----- 3 · confidently wrong -----
st.header(t("losses.wrong.heading"))
st.markdown(t("losses.wrong.text"))
cols = st.columns(2)
confidence = page.slider("confidence", 0.0, 14.0, 8.0, 0.5, where=cols[0])
lr = page.choice("lr", LR_LADDER, 1.0, style="slider", where=cols[1])
sweep, norms, runs = wrong_race(confidence, lr)
start = confidently_wrong_logits(confidence)
p_start = float(np.exp(start[0]) / np.exp(start).sum())
race_labels = {"cce": t("losses.wrong.ce_softmax"), "mse": t("losses.wrong.mse_softmax")}
learned = {name: steps_to_learn(runs[name]) for name in runs}
st.caption(t("losses.wrong.p_start", p=f"{p_start:.2g}"))
m = st.columns(4)
for i, name in enumerate(("cce", "mse")):
    m[i].metric(t(f"losses.wrong.grad_{name}"), f"{np.linalg.norm(logit_gradient(name, start)):.4f}")
    m[2 + i].metric(t(f"losses.wrong.steps_{name}"), "–" if learned[name] is None else str(learned[name]),
                    help=t("losses.wrong.steps_help"))
left, right = st.columns(2)
with left:
    show(race_figure_memo(sweep, norms, race_labels, title=t("losses.wrong.norm_chart"),
                          x_title=t("losses.wrong.confidence_axis"), y_title=t("losses.wrong.norm_axis"), log_y=True,
                          marker=confidence, marker_label=t("losses.wrong.now")), key="losses.chart_norms")
with right:
    show(race_figure_memo(np.arange(RACE_STEPS + 1), runs, race_labels,
                          title=t("losses.wrong.race_chart", lr=lr), x_title=t("losses.wrong.step_axis"),
                          y_title=t("losses.wrong.p_axis")), key="losses.chart_race")
st.markdown(t("losses.wrong.explain"))

takeaway("losses", "wrong")
page.finish()
