"""Optimizers: six torch.optim optimizers race on 2-D surfaces; theory next to measurement on the quadratic."""
import numpy as np
import pandas as pd
import streamlit as st

from core.formula import parse_formula
from core.basics.optimizer_race import (OPTIMIZERS, Settings, measured_rate, predicted_rate, quadratic_theory, race,
                                 steps_to_shrink)
from core.basics.surfaces import (BUILT_IN, FORMULA_RANGE, FORMULA_START, built_in, formula_surface, grid,
                           quadratic_eigenvalues)
from ui.figures.common import show
from ui.figures.basics.optimizers import loss_figure_memo, race_figure_memo
from ui.i18n import options, t
from ui.page import Page
from ui.teaching import takeaway
from ui.widgets import formula_input

SURFACES = (*BUILT_IN, "formula")
KAPPAS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
LR_LADDER = [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0]
DEFAULT_FORMULA = "x^2 + 2*y^2 + 2*sin(2*x)*cos(2*y)"
DEFAULT_LR = {  # per surface: reasonable, not tuned to win (the learner can do better)
    "quadratic": dict(sgd=0.5, momentum=0.1, nesterov=0.1, rmsprop=0.05, adagrad=0.5, adam=0.1),
    "rosenbrock": dict(sgd=0.002, momentum=0.001, nesterov=0.001, rmsprop=0.05, adagrad=1.0, adam=0.1),
    "beale": dict(sgd=0.01, momentum=0.001, nesterov=0.001, rmsprop=0.1, adagrad=1.0, adam=0.2),
    "saddle": dict(sgd=0.02, momentum=0.01, nesterov=0.01, rmsprop=0.01, adagrad=0.2, adam=0.05),
    "formula": dict(sgd=0.05, momentum=0.02, nesterov=0.02, rmsprop=0.05, adagrad=0.5, adam=0.1),
}
CLOSE = 1e-3  # "reached the minimum": f − f* below this

page = Page("optimizers")
page.header()


def make_surface(name: str, shape: tuple, formula_text: str):
    """shape = (κ, angle) of the quadratic (ignored by the other surfaces)."""
    if name == "formula":
        return formula_surface(parse_formula(formula_text, ("x", "y")))
    return built_in(name, *shape)


@st.cache_data(max_entries=64)
def run_race(name: str, shape: tuple, formula_text: str, start: tuple, settings: Settings, steps: int,
             racers: tuple):
    return race(make_surface(name, shape, formula_text), start, settings, steps, racers)


@st.cache_data(max_entries=32)
def surface_grid(name: str, shape: tuple, formula_text: str, box: tuple):
    return grid(make_surface(name, shape, formula_text), box[:2], box[2:])


def plot_box(paths: np.ndarray, x_range: tuple, y_range: tuple) -> tuple:
    """The surface's box, widened to show the paths (at most to twice its size), rounded so the cached
    contour grid is reused while the paths move a little."""
    points = paths.reshape(-1, 2)
    points = points[np.isfinite(points).all(axis=1)]
    box = []
    for axis, (lo, hi) in enumerate((x_range, y_range)):
        span = hi - lo
        low = max(min(lo, points[:, axis].min()), lo - span / 2)
        high = min(max(hi, points[:, axis].max()), hi + span / 2)
        box += [np.floor(low * 2) / 2, np.ceil(high * 2) / 2]
    return tuple(float(v) for v in box)


def results_table(result, surface, settings: Settings, labels: dict, eigen: tuple | None) -> pd.DataFrame:
    """One row per racer: its learning rate, how close it got, how fast; on the quadratic (eigenvalues
    `eigen`) also the contraction per step it showed and the one theory predicts for its settings."""
    known = surface.f_min is not None
    rows = []
    for i, name in enumerate(result.names):
        gap = result.losses[i] - (surface.f_min if known else 0.0)
        final = (t("optimizers.table.diverged", step=result.diverged_at[i]) if result.diverged_at[i] is not None
                 else f"{gap[-1]:.3g}")
        row = {t("optimizers.table.optimizer"): labels[name], t("optimizers.table.lr"): f"{settings.lr_of(name):.4g}",
               t("optimizers.table.final" if known else "optimizers.table.final_f"): final}
        if known:
            reached = np.flatnonzero(gap < CLOSE)
            row[t("optimizers.table.reached")] = str(int(reached[0])) if reached.size else "–"
        if eigen is not None:
            rate = measured_rate(result.paths[i]) if result.diverged_at[i] is None else None
            row[t("optimizers.table.measured")] = "–" if rate is None else f"{rate:.4f}"
            row[t("optimizers.table.predicted")] = (
                f"{predicted_rate(name, settings.lr_of(name), settings.beta_of(name), *eigen):.4f}"
                if name in ("sgd", "momentum", "nesterov") else "–")
        rows.append(row)
    return pd.DataFrame(rows)


top = st.columns([1.2, 1.6, 1])
surface_name = page.choice("surface", SURFACES, "quadratic", labels=options("optimizers.surfaces", list(SURFACES)),
                           where=top[0])
kappa, angle, formula_text = 10, 0, ""
if surface_name == "quadratic":
    kappa = page.choice("kappa", KAPPAS, 50, style="slider", where=top[1])
    angle = page.slider("angle", 0, 90, 0, 5, where=top[1])
elif surface_name == "formula":
    try:
        formula = formula_input(page, "formula", DEFAULT_FORMULA, ("x", "y"), where=top[1])
    except ArithmeticError:  # a constant division by zero such as 1/0 escapes the parser's own checks
        top[1].error(t("optimizers.formula_arithmetic"), icon=":material/function:")
        formula = None
    formula_text = formula.text if formula is not None else None
steps = page.slider("steps", 20, 500, 200, 10, where=top[2])
st.markdown(t(f"optimizers.about.{surface_name}"))

surface = make_surface(surface_name, (kappa, angle), formula_text) if formula_text is not None else None
x_range, y_range, start = ((surface.x_range, surface.y_range, surface.start) if surface is not None
                           else (FORMULA_RANGE, FORMULA_RANGE, FORMULA_START))  # a refused formula keeps its box
lrs = DEFAULT_LR[surface_name]
# A new surface brings its own start point and learning rates (a link, a preset or a model file set them first).
for name, value in {"x0": start[0], "y0": start[1], **{f"lr_{n}": v for n, v in lrs.items()}}.items():
    page.reset_on_change(name, surface_name, value)

cols = st.columns([1, 1, 2.2])
x0 = page.slider("x0", *x_range, start[0], 0.05, where=cols[0])
y0 = page.slider("y0", *y_range, start[1], 0.01, where=cols[1])
racers = page.choices("racers", OPTIMIZERS, list(OPTIMIZERS), labels=options("optimizers.names", list(OPTIMIZERS)),
                      where=cols[2], style="pills")  # all six in view (a drop-down's chips cut "Adam" off)

theory = quadratic_theory(*quadratic_eigenvalues(kappa)) if surface_name == "quadratic" else None
use_theory = theory is not None and page.toggle("theory", True)  # visible, not inside the collapsed settings
if use_theory:
    st.caption(t("optimizers.theory_active", lr=f"{theory.gd_lr:.4f}", alpha=f"{theory.heavy_ball_lr:.4f}",
                 beta=f"{theory.heavy_ball_momentum:.4f}"))
with st.expander(t("optimizers.settings_heading"), icon=":material/tune:", expanded=False):
    if use_theory:
        st.info(t("optimizers.theory_overrides"), icon=":material/lock:")
    lr_cols = st.columns(3)
    lr = {name: page.choice(f"lr_{name}", LR_LADDER, lrs[name], style="slider", where=lr_cols[i % 3])
          for i, name in enumerate(OPTIMIZERS)}
    beta = page.slider("beta", 0.0, 0.99, 0.9, 0.01)
    st.caption(t("optimizers.settings_note"))

betas = {"momentum": beta, "nesterov": beta}
if use_theory:
    lr["sgd"], lr["momentum"] = theory.gd_lr, theory.heavy_ball_lr
    betas["momentum"] = theory.heavy_ball_momentum
settings = Settings(tuple(lr.items()), tuple(betas.items()))
labels = {name: t(f"optimizers.names.{name}") for name in OPTIMIZERS}

if surface is None:
    pass  # the formula box shows why the formula was refused
elif not racers:
    st.warning(t("optimizers.no_racers"), icon=":material/group_off:")
else:
    ordered = tuple(name for name in OPTIMIZERS if name in racers)
    result = run_race(surface_name, (kappa, angle), formula_text, (x0, y0), settings, steps, ordered)
    box = plot_box(result.paths, x_range, y_range)
    xs, ys, values = surface_grid(surface_name, (kappa, angle), formula_text, box)
    paths = {name: result.paths[i] for i, name in enumerate(result.names)}
    names = {"start": t("optimizers.start"), "minimum": t("optimizers.minimum")}
    # the paths over the page's width (x and y at one scale: a narrow column made the valley a thin strip)
    show(race_figure_memo(xs, ys, values, paths, labels, (x0, y0), surface.minimum, names,
                          title=t("optimizers.race_chart", steps=steps)), key="optimizers.chart_race")
    known = surface.f_min is not None
    losses = {name: result.losses[i] - (surface.f_min if known else 0.0) for i, name in enumerate(result.names)}
    show(loss_figure_memo(losses, labels, log=known, title=t("optimizers.loss_chart"),
                          x_title=t("optimizers.step_axis"),
                          y_title=t("optimizers.gap_axis" if known else "optimizers.loss_axis")),
         key="optimizers.chart_loss")
    eigen = quadratic_eigenvalues(kappa) if surface_name == "quadratic" else None
    st.dataframe(results_table(result, surface, settings, labels, eigen), hide_index=True, width="stretch")
    if not np.isfinite(result.losses[:, 0]).all():
        st.warning(t("optimizers.start_not_finite", x=f"{x0:g}", y=f"{y0:g}"), icon=":material/warning:")
    elif any(d is not None for d in result.diverged_at):
        st.warning(t("optimizers.diverged_note"), icon=":material/warning:")

takeaway("optimizers", "race")
if theory is not None:
    st.subheader(t("optimizers.theory.heading"))
    st.markdown(t("optimizers.theory.text"))
    row = st.container(horizontal=True, gap="large")  # each number as wide as its label, wrapping to a new line
    for name, value in (("gd_lr", theory.gd_lr), ("gd_rate", theory.gd_rate), ("hb_lr", theory.heavy_ball_lr),
                        ("hb_beta", theory.heavy_ball_momentum), ("hb_rate", theory.heavy_ball_rate)):
        row.metric(t(f"optimizers.theory.{name}"), f"{value:.4f}", width="content")
    st.caption(t("optimizers.theory.steps_note", gd=steps_to_shrink(theory.gd_rate),
                 hb=steps_to_shrink(theory.heavy_ball_rate)))
    takeaway("optimizers", "theory")

with st.expander(t("optimizers.rules_heading"), icon=":material/school:"):
    st.markdown(t("optimizers.rules"))

page.finish()
