"""CNN trained live on handwritten digits, the classic architectures explorer, and a shape calculator."""
import numpy as np
import pandas as pd
import streamlit as st

from core.vision import architectures as arch
from core.vision import shape_calc
from core.vision.cnn import (ACTIVATIONS, FULL_BATCH, HIDDEN, KERNELS, OPTIMIZERS, POOLS, STAGES, TARGET_ACCURACY,
                      TEST_DIGITS, CNNConfig, CNNTrainer, drawing_to_digit)
from core.vision.conv_vs_dense import parameter_counts
from ui import live_feed
from ui.canvas import drawing_canvas
from ui.figures.chart_pictures import live_png, markdown_legend, show_picture
from ui.figures.common import png_data_uri, show
from ui.figures.vision.live_pictures import (ACCURACY_COLORS, LOSS_COLORS, accuracy_picture, confusion_picture,
                                             filters_picture, loss_picture)
from ui.figures.vision.pictures import (architecture_figure, as_rgb, confusion_figure, enlarge, filters_figure,
                               inception_dot, inverted_residual_dot, mosaic, probabilities_figure, to_display,
                               training_figure)
from ui.i18n import options, t
from ui.page import Page, seed
from ui.runner import live_training
from ui.teaching import takeaway

NS = "cnn"
VIEWS = ["train", "arch", "shapes"]
LR_LADDER = [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
BATCHES = [16, 32, 64, 128, 256, FULL_BATCH]
STACKS = {  # (kind, channels, kernel, stride, padding, dilation) rows the shape calculator starts from
    "lenet": [("conv", 6, 5, 1, 0, 1), ("avgpool", None, 2, 2, 0, None), ("conv", 16, 5, 1, 0, 1),
              ("avgpool", None, 2, 2, 0, None), ("conv", 120, 5, 1, 0, 1)],
    "vgg": [("conv", 64, 3, 1, 1, 1), ("conv", 64, 3, 1, 1, 1), ("maxpool", None, 2, 2, 0, None),
            ("conv", 128, 3, 1, 1, 1), ("conv", 128, 3, 1, 1, 1), ("maxpool", None, 2, 2, 0, None)],
    "dilated": [("conv", 16, 3, 1, 1, 1), ("conv", 16, 3, 1, 2, 2), ("conv", 16, 3, 1, 4, 4)],
    "too_deep": [("conv", 6, 5, 1, 0, 1), ("avgpool", None, 2, 2, 0, None), ("conv", 16, 5, 1, 0, 1),
                 ("avgpool", None, 2, 2, 0, None), ("conv", 120, 5, 1, 0, 1), ("maxpool", None, 2, 2, 0, None)],
}

page = Page(NS)
page.header()
view = page.choice("view", VIEWS, "train", labels=options(f"{NS}.view", VIEWS), style="segmented")


# ----- 1. training live -----
def training_controls() -> CNNConfig:
    cols = st.columns(4, gap="medium")
    c1 = page.slider("c1", 2, 16, 8, where=cols[0])
    c2 = page.slider("c2", 2, 32, 16, where=cols[0])
    kernel = page.choice("kernel", list(KERNELS), 3, labels=lambda k: f"{k}×{k}", style="segmented", where=cols[1])
    pool = page.choice("pool", list(POOLS), "max", labels=options(f"{NS}.pool", list(POOLS)), style="segmented",
                       where=cols[1])
    act = page.choice("act", list(ACTIVATIONS), "relu", labels=options(f"{NS}.act", list(ACTIVATIONS)),
                      style="segmented", where=cols[2])
    opt = page.choice("opt", list(OPTIMIZERS), "adam", labels=options(f"{NS}.opt", list(OPTIMIZERS)), where=cols[2])
    lr = page.choice("lr", LR_LADDER, 0.01, style="slider", where=cols[3])
    batch = page.choice("batch", BATCHES, 64, style="slider", where=cols[3],
                        labels=lambda b: t(f"{NS}.full_batch") if b == FULL_BATCH else str(b))
    return CNNConfig(c1, c2, kernel, pool, act, opt, lr, batch, seed())


def architecture_caption(cfg: CNNConfig) -> str:
    return t(f"{NS}.shapes_line", c1=cfg.c1, c2=cfg.c2, k=cfg.kernel, flat=cfg.c2 * 4, hidden=HIDDEN)


def panel_metrics(trainer: CNNTrainer) -> list[tuple[str, str]]:
    """Accuracies, epochs and when the target was reached, as (label, value) pairs (once there is a reading)."""
    latest = trainer.latest()
    reached = (t(f"{NS}.metric.reached_value", step=trainer.reached[0], seconds=f"{trainer.reached[1]:.1f}")
               if trainer.reached else "—")
    return [(t(f"{NS}.metric.test_acc"), f"{latest['test_acc']:.1%}"),
            (t(f"{NS}.metric.train_acc"), f"{latest['train_acc']:.1%}"),
            (t(f"{NS}.metric.epoch"), f"{latest['epoch']:.1f}"),
            (t(f"{NS}.metric.reached", target=f"{TARGET_ACCURACY:.0%}"), reached)]


def curve_charts(run) -> list[tuple[str, str, str]]:
    """The loss and accuracy curves while training, as (title, PNG data URI, caption): legends and axes in text."""
    history = run.trainer.history
    names = series_names()
    loss_legend = markdown_legend([(names[key], color) for key, color in zip(("loss", "test_loss"), LOSS_COLORS)])
    acc_legend = markdown_legend([(names[key], color) for key, color in zip(("train_acc", "test_acc"),
                                                                            ACCURACY_COLORS)])
    axis = t(f"{NS}.step_axis")
    return [(t(f"{NS}.loss_title"), live_png(run, "loss", lambda: loss_picture(history)),
             f"{loss_legend}  \n{t('runner.axes', x=axis, y=t(f'{NS}.loss_title'))}"),
            (t(f"{NS}.acc_title"), live_png(run, "accuracy", lambda: accuracy_picture(history, TARGET_ACCURACY)),
             f"{acc_legend} \u2003 :gray[╌╌] {TARGET_ACCURACY:.0%}  \n"
             f"{t('runner.axes', x=axis, y=t(f'{NS}.acc_title'))}")]


def model_charts(run) -> list[tuple[str, str, str]]:
    """The first-layer filters and the confusion matrix while training, as (title, PNG data URI, caption)."""
    trainer: CNNTrainer = run.trainer
    return [(t(f"{NS}.filters_title"), live_png(run, "filters", lambda: filters_picture(trainer.first_layer_filters())),
             t(f"{NS}.filters_text")),
            (t(f"{NS}.confusion_title"), live_png(run, "confusion", lambda: confusion_picture(trainer.confusion())),
             t("runner.matrix_axes", x=t(f"{NS}.predicted"), y=t(f"{NS}.true")))]


def feature_maps(run, sample: int) -> tuple[str, list[tuple[str, str]]]:
    """What the network makes of test digit `sample`: a sentence, and each stage's maps as (PNG data URI, caption)."""
    def build():
        image, label = run.trainer.test_image(sample)
        maps = run.trainer.feature_maps(image)
        sheets = [(png_data_uri(enlarge(as_rgb(to_display(mosaic(maps[stage], columns=min(len(maps[stage]), 4)))),
                                        240)[0]), maps[stage].shape) for stage in STAGES]
        return label, maps["probs"], sheets

    label, probs, sheets = run.per_model_state("maps", build, sample)
    guess = int(np.argmax(probs))
    return (t(f"{NS}.maps_text", label=label, guess=guess, p=f"{probs[guess]:.0%}"),
            [(src, t(f"{NS}.stage.{stage}", c=c, h=h, w=w)) for stage, (src, (c, h, w)) in zip(STAGES, sheets)])


def series_names() -> dict[str, str]:
    return {key: t(f"{NS}.series.{key}") for key in ("loss", "test_loss", "train_acc", "test_acc")}


def show_charts(charts: list[tuple[str, str, str]]) -> None:
    for (title, src, caption), where in zip(charts, st.columns(2, gap="medium")):
        show_picture(src, title=title, caption=caption, where=where)


def draw_panel(run, sample: int) -> None:
    """The live charts: metrics, curves, first-layer filters, confusion matrix, feature maps."""
    trainer: CNNTrainer = run.trainer
    if not trainer.latest():
        st.info(t(f"{NS}.press_start"), icon=":material/play_arrow:")
    else:
        for where, (label, value) in zip(st.columns(4), panel_metrics(trainer)):
            where.metric(label, value)
        if run.running:
            show_charts(curve_charts(run))
        else:
            show(training_figure(trainer.history, series_names(), (t(f"{NS}.loss_title"), t(f"{NS}.acc_title")),
                                 t(f"{NS}.step_axis")), key=f"{NS}.curves")
    if run.running:  # live: pictures, which a browser redraws several times a second (ui/figures/chart_pictures.py)
        show_charts(model_charts(run))
        st.caption(t("runner.live_picture"))
    else:
        left, right = st.columns(2, gap="medium")
        with left:
            show(filters_figure(trainer.first_layer_filters(), t(f"{NS}.filters_title")), key=f"{NS}.filters")
            st.caption(t(f"{NS}.filters_text"))
        with right:
            show(confusion_figure(trainer.confusion(), t(f"{NS}.confusion_title"), t(f"{NS}.predicted"),
                                  t(f"{NS}.true")), key=f"{NS}.confusion")
    st.markdown(f"##### {t(f'{NS}.maps_header')}")
    text, maps = feature_maps(run, sample)
    st.markdown(text)
    for where, (src, caption) in zip(st.columns(len(maps)), maps):
        where.image(src, width="stretch", caption=caption)


def live_frame(run, sample: int) -> list[dict]:
    """`draw_panel` while it trains, as live-panel blocks (ui/live_feed.py)."""
    def pair(charts):
        return live_feed.columns([1, 1], *[[live_feed.picture(src, title=title, caption=caption, stretch=True)]
                                           for title, src, caption in charts])

    trainer: CNNTrainer = run.trainer
    blocks = ([live_feed.metrics(*panel_metrics(trainer)), pair(curve_charts(run))] if trainer.latest() else
              [live_feed.note(t(f"{NS}.press_start"))])
    text, maps = feature_maps(run, sample)
    return blocks + [pair(model_charts(run)), live_feed.note(t("runner.live_picture")),
                     live_feed.text(f"**{t(f'{NS}.maps_header')}**"), live_feed.text(text),
                     live_feed.columns([1] * len(maps), *[[live_feed.picture(src, caption=caption, stretch=True)]
                                                          for src, caption in maps])]


def drawing_section(area, run) -> None:
    """Classify what the user draws with the model as it is right now."""
    canvas_col, digit_col, probs_col = area.columns([1.1, 0.7, 1.6], gap="medium")
    canvas_col.caption(t("vision.canvas.hint"))
    ink = drawing_canvas(f"{NS}.canvas", canvas_px=240, stroke_width=20, where=canvas_col)
    digit = drawing_to_digit(ink) if ink is not None else None
    if digit is None:
        probs_col.info(t("vision.canvas.blank"), icon=":material/draw:")
        return
    digit_col.image(enlarge(as_rgb(to_display(digit)), 160)[0], caption=t(f"{NS}.as_seen"), width="stretch")
    probs = run.trainer.predict_proba(digit)[0]
    with probs_col:
        show(probabilities_figure(probs, t(f"{NS}.probs_title", step=run.trainer.steps_done)), key=f"{NS}.probs",
             csv=False)


def training_view() -> None:
    st.markdown(t(f"{NS}.train_text"))
    cfg = training_controls()
    st.caption(architecture_caption(cfg))
    counts = parameter_counts(8, 8, 1, cfg.kernel, cfg.c1, 8, 8)  # conv 1 keeps 8×8 ("same" padding)
    st.caption(t(f"{NS}.why.dense", conv=f"{counts.conv:,}", c1=cfg.c1, dense=f"{counts.dense:,}",
                 ratio=f"{counts.ratio:,.0f}"))
    sample = page.slider("sample", 0, TEST_DIGITS - 1, 0)
    panel_area = st.container()
    st.subheader(t(f"{NS}.draw_header"))
    draw_area = st.container()
    with panel_area:
        run = live_training(NS, build=lambda: CNNTrainer(cfg), config=cfg, draw=lambda r: draw_panel(r, sample),
                            live_frame=lambda r: live_frame(r, sample))
    drawing_section(draw_area, run)


# ----- 2. classic architectures -----
def layer_words(row: arch.LayerRow) -> str:
    settings = dict(row.settings)
    kind = row.kind
    if kind == "inverted_residual" and settings.pop("residual"):
        kind = "inverted_residual_skip"
    return t(f"{NS}.kind.{kind}", **settings)


def shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(str(s) for s in shape)


def architectures_view() -> None:
    name = page.choice("arch", list(arch.MODELS), "lenet5", labels=options(f"{NS}.arch", list(arch.MODELS)),
                       style="segmented")
    st.markdown(t(f"{NS}.about.{name}"))
    rows = arch.layer_table(name)
    total_params, total_macs = sum(r.params for r in rows), sum(r.macs for r in rows)
    m = st.columns(3)
    m[0].metric(t(f"{NS}.total_params"), f"{total_params:,}")
    m[1].metric(t(f"{NS}.total_macs"), f"{total_macs / 1e9:.3f} G" if total_macs > 1e8 else f"{total_macs:,}")
    m[2].metric(t(f"{NS}.input_shape"), shape_text(arch.INPUT_SHAPES[name]))
    table = pd.DataFrame({
        t(f"{NS}.col.layer"): [r.name for r in rows],
        t(f"{NS}.col.type"): [layer_words(r) for r in rows],
        t(f"{NS}.col.shape"): [shape_text(r.shape) for r in rows],
        t(f"{NS}.col.params"): [r.params for r in rows],
        t(f"{NS}.col.macs"): [r.macs for r in rows],
    })
    st.dataframe(table, hide_index=True, height=min(38 + 35 * len(rows), 560), column_config={
        t(f"{NS}.col.params"): st.column_config.NumberColumn(format="localized"),
        t(f"{NS}.col.macs"): st.column_config.NumberColumn(format="localized")})
    show(architecture_figure([r.name for r in rows], [r.params for r in rows], [r.macs for r in rows],
                             (t(f"{NS}.col.params"), t(f"{NS}.col.macs"))), key=f"{NS}.arch_chart")
    st.caption(t(f"{NS}.macs_note"))

    st.subheader(t(f"{NS}.cheap_header"))
    left, right = st.columns(2, gap="large")
    direct, reduced = arch.inception_cost(192, 16, 32, 5, 28, 28)  # inception 3a, the 5×5 branch
    with left:
        st.markdown(f"**{t(f'{NS}.inception.title')}**")
        st.graphviz_chart(inception_dot({key: t(f"{NS}.inception.{key}") for key in
                                         ("prev", "b1", "r3", "c3", "r5", "c5", "pool", "proj", "concat")}))
        st.markdown(t(f"{NS}.inception.text", direct=f"{direct.params:,}", reduced=f"{reduced.params:,}",
                      ratio=f"{direct.params / reduced.params:.1f}", direct_macs=f"{direct.macs / 1e6:.0f}",
                      reduced_macs=f"{reduced.macs / 1e6:.1f}"))
    standard, separable = arch.separable_cost(576, 576, 3, 14, 14)  # a MobileNetV2 block's expanded width
    with right:
        st.markdown(f"**{t(f'{NS}.residual.title')}**")
        st.graphviz_chart(inverted_residual_dot({key: t(f"{NS}.residual.{key}") for key in
                                                 ("input", "expand", "depthwise", "project", "add")}))
        st.markdown(t(f"{NS}.residual.text", standard=f"{standard.params:,}", separable=f"{separable.params:,}",
                      ratio=f"{standard.params / separable.params:.1f}"))


# ----- 3. shape calculator -----
def stack_frame(preset: str) -> pd.DataFrame:
    return pd.DataFrame(STACKS[preset], columns=["kind", "channels", "kernel", "stride", "padding", "dilation"])


def shapes_view() -> None:
    st.markdown(t(f"{NS}.calc_text"))
    preset = page.choice("stack", list(STACKS), "lenet", labels=options(f"{NS}.stack", list(STACKS)),
                         style="segmented")
    dims = st.columns(3)
    c = page.number("in_c", 1, 4096, 1, 1, where=dims[0])
    h = page.number("in_h", 1, 4096, 32, 1, where=dims[1])
    w = page.number("in_w", 1, 4096, 32, 1, where=dims[2])
    kinds = list(shape_calc.KINDS)
    defaults = {"channels": 8, "kernel": 3, "stride": 1, "padding": 0, "dilation": 1}  # for added rows
    number = lambda col, lo, hi: st.column_config.NumberColumn(  # noqa: E731
        t(f"{NS}.calc_col.{col}"), min_value=lo, max_value=hi, step=1, format="%d", default=defaults[col])
    edited = st.data_editor(stack_frame(preset), key=f"{NS}.stack_grid.{preset}", num_rows="dynamic",
                            hide_index=True, placeholder="—", column_config={
                                "kind": st.column_config.SelectboxColumn(
                                    t(f"{NS}.calc_col.kind"), options=kinds, required=True, default="conv",
                                    format_func=lambda k: t(f"{NS}.layer.{k}") if k in kinds else str(k)),
                                **{col: number(col, *shape_calc.LIMITS[col]) for col in
                                   ("channels", "kernel", "stride", "padding", "dilation")}})
    records = edited.to_dict("records")
    if len(records) > shape_calc.MAX_LAYERS:
        st.warning(t(f"{NS}.calc_too_many", n=shape_calc.MAX_LAYERS), icon=":material/playlist_remove:")
        records = records[:shape_calc.MAX_LAYERS]
    layers, problems = [], []
    for rec in records:
        spec, problem = shape_calc.clean_spec(rec.get("kind"), rec.get("channels"), rec.get("kernel"),
                                              rec.get("stride"), rec.get("padding"), rec.get("dilation"))
        layers.append(spec)
        problems.append(problem)
    steps = shape_calc.propagate((int(c), int(h), int(w)), layers, problems)
    result = pd.DataFrame({
        t(f"{NS}.calc_col.index"): list(range(1, len(steps) + 1)),
        t(f"{NS}.calc_col.kind"): [t(f"{NS}.layer.{s.spec.kind}") if s.spec else "—" for s in steps],
        t(f"{NS}.calc_col.shape_in"): [shape_text(s.shape_in) for s in steps],
        t(f"{NS}.calc_col.shape_out"): [shape_text(s.shape_out) if s.shape_out else "✗" for s in steps],
        t(f"{NS}.calc_col.params"): [s.params for s in steps],
    })
    st.dataframe(result, hide_index=True, column_config={
        t(f"{NS}.calc_col.params"): st.column_config.NumberColumn(format="localized")})
    last = steps[-1] if steps else None
    if last is not None and last.error:
        detail = dict(last.detail)
        if last.error == "bad_value":
            field = detail.get("field", "kind")
            detail = {"field": t(f"{NS}.calc_col.{field}"), "lo": detail.get("lo", ""), "hi": detail.get("hi", "")}
            key = "bad_kind" if field == "kind" else "bad_value"
        else:
            key = last.error
        st.error(t(f"{NS}.calc_error.{key}", layer=len(steps), **detail), icon=":material/error:")
        if len(steps) < len(layers):
            st.caption(t(f"{NS}.calc_skipped", n=len(layers) - len(steps)))
    elif steps:
        out = steps[-1].shape_out
        st.success(t(f"{NS}.calc_ok", shape=shape_text(out), values=f"{int(np.prod(out)):,}",
                     params=f"{sum(s.params for s in steps):,}"), icon=":material/check_circle:")
    st.markdown(t(f"{NS}.calc_rules"))


if view == "train":
    training_view()
elif view == "arch":
    architectures_view()
else:
    shapes_view()
takeaway(NS, {"train": "train", "arch": "arch"}.get(view, "shapes"))

page.finish()
