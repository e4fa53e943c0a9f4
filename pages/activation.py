"""Activation functions: their shapes and derivatives, what they do to a batch, and to a deep stack."""
import numpy as np
import pandas as pd
import streamlit as st
import torch

from core.basics import activations as A
from core.formula import FormulaError, parse_formula
from core.basics.init_stats import INIT_LATEX, INITS, StackStats, deep_stack
from ui import i18n
from ui.figures.basics.activation import color_of, curve_figure, histogram_figure, spread_figure
from ui.figures.common import show
from ui.i18n import t
from ui.page import Page, seed
from ui.teaching import takeaway
from ui.widgets import formula_input

GRID_POINTS = 801  # x grid of the curves (float64, so thresholds such as a 0.01 slope compare exactly; 0 included)
BATCH = 4000  # inputs in the histogram section
EPS_LADDER = [0.001, 0.01, 0.05, 0.1]
SIGMA_LADDER = [0.001, 0.01, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0]
WIDTHS = [16, 32, 64, 128, 256]
DEFAULT_CUSTOM = "x * tanh(softplus(x))"  # Mish (Misra 2019): one a learner can type but is not built in


@st.cache_data(max_entries=48, show_spinner=False)
def stack_stats(act: str, slope: float, alpha: float, custom_text: str, depth: int, width: int, init: str,
                sigma: float, seed_value: int) -> StackStats:
    """The deep-stack experiment is the page's only heavy work: cached per setting (pure function)."""
    custom = parse_formula(custom_text) if act == A.CUSTOM else None
    return deep_stack(A.activation(act, slope=slope, alpha=alpha, custom=custom), depth, width, init, sigma,
                      seed_value)


def fmt(value: float, digits: int = 3) -> str:
    return "–" if not np.isfinite(value) else f"{value:.{digits}g}"


def where_text(intervals: list[A.Interval]) -> str:
    """'x ≤ −4.59; x ≥ 4.59' style description of the grid points where the derivative is below ε."""
    if not intervals:
        return t("activation.vanish.nowhere")
    parts = []
    for iv in intervals:
        lo, hi = (None if v is None else f"{v + 0.0:.2f}" for v in (iv.lo, iv.hi))
        if lo is None and hi is None:
            return t("activation.vanish.everywhere")
        parts.append(t("activation.vanish.below", b=hi) if lo is None else
                     t("activation.vanish.above", a=lo) if hi is None else t("activation.vanish.between", a=lo, b=hi))
    return t("activation.vanish.sep").join(parts)


page = Page("activation")
page.header()
names = i18n.options("activation.names", list(A.NAMES))

# ----- 1. The functions and their derivatives -----
st.subheader(t("activation.curves.title"))
picked = page.choices("funcs", A.NAMES, ["sigmoid", "tanh", "relu"], labels=names)
controls, charts = st.columns([1, 2.8], gap="large")
slope = page.slider("slope", 0.0, 0.5, 0.01, 0.01, where=controls)
alpha = page.slider("alpha", 0.1, 3.0, 1.0, 0.1, where=controls)
custom = formula_input(page, "custom", DEFAULT_CUSTOM, where=controls)
xmax = page.slider("xmax", 1.0, 10.0, 6.0, 0.5, where=controls)
eps = page.choice("eps", EPS_LADDER, 0.01, style="slider", where=controls)

usable = [name for name in A.NAMES if name != A.CUSTOM or custom is not None]
shown = [name for name in picked if name in usable]
fns = {name: A.activation(name, slope=slope, alpha=alpha, custom=custom) for name in usable}
x = A.symmetric_grid(xmax, GRID_POINTS)
ys, dys, masks, rows = {}, {}, {}, []
for name in shown:
    y, dy = A.value_and_derivative(fns[name], x)
    if not (np.isfinite(y).all() and np.isfinite(dy).all()):
        controls.warning(t("activation.custom_not_finite", name=names[name]), icon=":material/warning:")
    ys[name], dys[name] = np.where(np.isfinite(y), y, np.nan), np.where(np.isfinite(dy), dy, np.nan)
    masks[name] = np.abs(np.nan_to_num(dy, nan=np.inf)) < eps
    _, slope_at_zero = A.value_and_derivative(fns[name], torch.zeros(1, dtype=torch.float64))
    rows.append({t("activation.table.function"): names[name], t("activation.table.grad_at_zero"): fmt(slope_at_zero[0]),
                 t("activation.table.max_grad"): fmt(float(np.nanmax(np.abs(dys[name]), initial=np.nan))),
                 t("activation.table.vanishes"): where_text(A.vanishing_intervals(x.numpy(), dy, eps))})

with charts:
    if not shown:
        st.info(t("activation.pick_one"), icon=":material/touch_app:")
    else:
        labels = {name: names[name] for name in shown}
        left, right = st.columns(2)
        show(curve_figure(x.numpy(), ys, masks, labels, title=t("activation.curves.f"), y_title="f(x)",
                          vanish_label=t("activation.curves.vanish_band", eps=eps)), key="activation.f", where=left)
        show(curve_figure(x.numpy(), dys, masks, labels, title=t("activation.curves.df"), y_title="f′(x)", eps=eps,
                          vanish_label=t("activation.curves.vanish_band", eps=eps)), key="activation.df", where=right)
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        st.caption(t("activation.curves.caption", eps=eps))
with st.expander(t("activation.formulas.title"), icon=":material/function:"):
    st.markdown(t("activation.formulas.text"))
    for name in shown:
        fx, dfx = A.latex(name, slope=slope, alpha=alpha, custom_text=custom.text if custom else "")
        st.markdown(f"**{names[name]}**")
        st.latex(rf"{fx}\qquad {dfx}")
st.markdown(t("activation.curves.text"))

takeaway("activation", "curves")
# ----- 2. What a batch of inputs becomes -----
st.divider()
st.subheader(t("activation.batch.title"))
controls, charts = st.columns([1, 2.8], gap="large")
mu = page.slider("mu", -3.0, 3.0, 0.0, 0.1, where=controls)
sigma = page.slider("sigma", 0.1, 5.0, 1.0, 0.1, where=controls)
controls.markdown(t("activation.batch.text"))
with charts:
    if shown:
        batch = torch.randn(BATCH, generator=torch.Generator().manual_seed(seed()), dtype=torch.float64) * sigma + mu
        outputs, stats = {}, []
        for name in shown:
            y, effect = A.batch_effect(fns[name], batch, eps)
            outputs[names[name]] = y
            stats.append({t("activation.table.function"): names[name], t("activation.table.mean"): fmt(effect.mean),
                          t("activation.table.std"): fmt(effect.std),
                          t("activation.table.mean_grad"): fmt(effect.mean_grad),
                          t("activation.table.vanishing_share"): f"{effect.vanishing:.0%}",
                          t("activation.table.dead_share"): f"{effect.dead:.0%}"})
        before_edges, before = A.shared_histograms({"x": batch.numpy()})
        after_edges, after = A.shared_histograms(outputs)
        left, right = st.columns(2)
        show(histogram_figure(before_edges, before, title=t("activation.batch.before", mu=mu, sigma=sigma),
                              x_title="x", y_title=t("activation.batch.share"), fill=True),
             key="activation.before", where=left)
        show(histogram_figure(after_edges, after, title=t("activation.batch.after"), x_title="f(x)",
                              y_title=t("activation.batch.share"),
                              colors={names[name]: color_of(name) for name in shown}),
             key="activation.after", where=right)
        st.dataframe(pd.DataFrame(stats), hide_index=True, width="stretch")
        st.caption(t("activation.batch.caption", eps=eps))
    else:
        st.info(t("activation.pick_one"), icon=":material/touch_app:")

takeaway("activation", "batch")
# ----- 3. Initialisation and activation together: a deep stack -----
st.divider()
st.subheader(t("activation.stack.title"))
st.markdown(t("activation.stack.text"))
controls, charts = st.columns([1, 2.8], gap="large")
stack_act = page.choice("stack_act", list(A.NAMES), "tanh", labels=names, where=controls)
init = page.choice("init", list(INITS), "xavier", labels=i18n.options("activation.inits", list(INITS)),
                   style="segmented", where=controls)
init_sigma = page.choice("init_sigma", SIGMA_LADDER, 0.01, style="slider", where=controls) if init == "normal" else 0.01
depth = page.slider("depth", 1, 50, 20, where=controls)
width = page.choice("width", WIDTHS, 64, style="slider", where=controls)
controls.latex(INIT_LATEX[init])
with charts:
    if stack_act == A.CUSTOM and custom is None:
        st.info(t("activation.stack.custom_invalid"), icon=":material/function:")
    else:
        try:
            stats = stack_stats(stack_act, slope, alpha, custom.text if custom else "", depth, width, init,
                                init_sigma, seed())
        except (FormulaError, RuntimeError):  # a formula that passed its check but fails on a whole layer
            stats = None
            st.error(t("activation.stack.custom_invalid"), icon=":material/function:")
        if stats is not None:
            series = {t("activation.stack.act_std"): stats.act_std, t("activation.stack.grad_std"): stats.grad_std,
                      t("activation.stack.weight_grad_std"): stats.weight_grad_std}
            starts = dict(zip(series, (0, 0, 1)))
            left, right = st.columns(2)
            show(spread_figure(series, title=t("activation.stack.spread_title", name=names[stack_act]),
                               x_title=t("activation.stack.layer_axis"), y_title=t("activation.stack.std_axis"),
                               starts=starts), key="activation.spread", where=left)
            edges, shares = A.shared_histograms(
                {t("activation.stack.layer", n=n): values for n, values in stats.layers.items()})
            show(histogram_figure(edges, shares, title=t("activation.stack.hist_title"), x_title="h",
                                  y_title=t("activation.batch.share")), key="activation.layers", where=right)
            if stats.first_bad_layer is not None:
                st.warning(t("activation.stack.overflow", n=stats.first_bad_layer), icon=":material/warning:")
            act_ratio = stats.act_std[-1] / stats.act_std[0]
            grad_ratio = stats.grad_std[0] / stats.grad_std[-1]
            st.markdown(t("activation.stack.summary", depth=depth, act=fmt(act_ratio), grad=fmt(grad_ratio),
                          flat=f"{stats.flat_share:.0%}"))
            for kind, ratio in (("act", act_ratio), ("grad", grad_ratio)):
                if not np.isfinite(ratio) or ratio > 10:
                    st.warning(t(f"activation.stack.{kind}_explodes"), icon=":material/trending_up:")
                elif ratio < 0.1:
                    st.warning(t(f"activation.stack.{kind}_vanishes"), icon=":material/trending_down:")
                else:
                    st.success(t(f"activation.stack.{kind}_healthy"), icon=":material/check_circle:")
st.markdown(t("activation.stack.after"))
takeaway("activation", "stack")
page.finish()
