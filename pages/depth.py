"""What makes depth trainable: a deep MLP plain, with skip connections, with batch normalisation, and with both."""
import pandas as pd
import streamlit as st

from core.basics.depth import ACTIVATIONS, START_LOSS, TARGET_LOSS, VARIANTS, DepthConfig, DepthTrainer
from ui.figures.basics.depth import (VARIANT_COLORS, gradient_norms_by_layer_figure, gradient_norms_picture,
                                     variant_loss_figure, variant_loss_picture)
from ui.figures.chart_pictures import live_png, markdown_legend, show_picture
from ui import live_feed
from ui.figures.common import show
from ui.i18n import options, t
from ui.page import Page, seed
from ui.runner import LIGHT_INTERVAL_S, SHORT_TICK_S, live_training
from ui.teaching import takeaway

LR_LADDER = [0.01, 0.03, 0.1, 0.3]

page = Page("depth")
page.header()

st.header(t("depth.problem.heading"))
st.markdown(t("depth.problem.text"))
takeaway("depth", "problem")

st.header(t("depth.race.heading"))
st.markdown(t("depth.race.text", target=TARGET_LOSS))
cols = st.columns(3)
depth = page.slider("depth", 10, 50, 30, 5, where=cols[0])
activation = page.choice("act", ACTIVATIONS, "sigmoid", style="segmented",
                         labels=options("depth.act", list(ACTIVATIONS)), where=cols[1])
lr = page.choice("lr", LR_LADDER, 0.1, style="slider", where=cols[2])
config = DepthConfig(depth=depth, activation=activation, lr=lr, seed=seed())
labels = {name: t(f"depth.variant.{name}") for name in VARIANTS}


def live_charts(run) -> list[tuple[str, str, str]]:
    """The race while it trains, as (title, PNG data URI, caption) pairs: loss curves, gradient norms by layer."""
    trainer: DepthTrainer = run.trainer
    legend = markdown_legend([(labels[name], VARIANT_COLORS[name]) for name in VARIANTS])
    loss = live_png(run, "loss", lambda: variant_loss_picture(trainer.curve_steps, trainer.curves, target=TARGET_LOSS))
    grads = live_png(run, "grads", lambda: gradient_norms_picture(trainer.grad_norms))
    return [(t("depth.race.loss_chart"), loss,
             f"{legend}  \n{t('runner.axes', x=t('depth.race.step_axis'), y=t('depth.race.loss_axis'))}"
             f" · :green[╌╌] {t('depth.race.target_line')}"),
            (t("depth.race.grad_chart"), grads,
             f"{legend}  \n{t('runner.axes', x=t('depth.race.layer_axis'), y=t('depth.race.grad_axis'))}")]


def draw(run) -> None:
    trainer: DepthTrainer = run.trainer
    left, right = st.columns(2, gap="large")
    if run.running:  # live: pictures, which a browser redraws several times a second (ui/figures/chart_pictures.py)
        for (title, src, caption), where in zip(live_charts(run), (left, right)):
            show_picture(src, title=title, where=where, caption=caption)
        st.caption(t("runner.live_picture"))
    else:
        _charts(trainer, left, right)
    st.dataframe(pd.DataFrame(_rows(trainer)), hide_index=True, width="stretch")


def live_frame(run) -> list[dict]:
    """`draw` while training, as live-panel blocks (ui/live_feed.py)."""
    loss, grads = (live_feed.picture(src, title=title, caption=caption, stretch=True)
                   for title, src, caption in live_charts(run))
    return [live_feed.columns([1, 1], [loss], [grads]), live_feed.note(t("runner.live_picture")),
            live_feed.table(_rows(run.trainer))]


def _charts(trainer: DepthTrainer, left, right) -> None:
    with left:
        show(variant_loss_figure(trainer.curve_steps, trainer.curves, labels, target=TARGET_LOSS,
                                 target_label=t("depth.race.target_line"), title=t("depth.race.loss_chart"),
                                 x_title=t("depth.race.step_axis"), y_title=t("depth.race.loss_axis")),
             key="depth.chart_loss")
    with right:
        show(gradient_norms_by_layer_figure(trainer.grad_norms, labels, title=t("depth.race.grad_chart"),
                                            x_title=t("depth.race.layer_axis"), y_title=t("depth.race.grad_axis")),
             key="depth.chart_grads")


def _rows(trainer: DepthTrainer) -> list[dict]:
    rows = []
    for name in VARIANTS:
        loss, reached = trainer.curves[name][-1], trainer.reached_at[name]
        rows.append({t("depth.table.variant"): labels[name], t("depth.table.loss"): f"{loss:.4f}",
                     t("depth.table.change"): f"{(loss / START_LOSS - 1) * 100:+.1f} %",
                     t("depth.table.accuracy"): f"{trainer.accuracy[name] * 100:.1f} %",
                     t("depth.table.first_grad"): f"{trainer.grad_norms[name][0]:.2g}",
                     t("depth.table.reached"): "–" if reached is None else f"{reached:,}"})
    return rows


live_training("depth", lambda: DepthTrainer(config), config, draw, steps_per_click=10, interval_s=LIGHT_INTERVAL_S,
              tick_s=SHORT_TICK_S, live_frame=live_frame)
st.markdown(t("depth.race.explain"))
takeaway("depth", "race")

st.header(t("depth.why.heading"))
st.markdown(t("depth.why.text"))
takeaway("depth", "why")
st.header(t("depth.elsewhere.heading"))
st.markdown(t("depth.elsewhere.text"))
takeaway("depth", "elsewhere")

page.finish()
