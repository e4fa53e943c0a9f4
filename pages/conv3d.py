"""3-D convolution: a (t, h, w) kernel slid over a clip, one voxel by hand, and why time needs its own kernel axis."""
import math

import pandas as pd
import streamlit as st

from core.vision import conv3d
from core.vision.clips import DIRECTIONS, SPRITES, make_clips
from core.vision.motion import CHANCE, TARGET_ACCURACY, VIEWS, MotionConfig, MotionRace, count_params
from ui import live_feed
from ui.figures.chart_pictures import live_png, markdown_legend
from ui.figures.common import show
from ui.figures.vision.conv3d import (MODEL_COLORS, MODEL_TEXT_COLORS, costs_memo, frames_strip, kernel_slices_memo,
                                      predictions_figure, race_figure, race_picture, voxel_latex)
from ui.figures.vision.pictures import conv_size_latex
from ui.i18n import options, t
from ui.page import Page, seed
from ui.runner import LIGHT_INTERVAL_S, live_training
from ui.teaching import takeaway

NS = "conv3d"
LR_LADDER = [0.001, 0.003, 0.01, 0.03, 0.1]
AXIS_SYMBOLS = {"t": "T", "h": "H", "w": "W"}

page = Page(NS)
page.header()


# ----- 1. the clip and the sliding kernel -----
def clip_controls() -> MotionConfig:
    """What the clips look like; the same settings feed the example clip and the training race."""
    cols = st.columns(4, gap="medium")
    sprite = page.choice("sprite", list(SPRITES), "digit", labels=options(f"{NS}.sprite", list(SPRITES)),
                         style="segmented", where=cols[0])
    frames = page.slider("frames", 4, 12, 8, where=cols[1])
    speed = page.slider("speed", 1, 3, 1, where=cols[2])
    noise = page.slider("noise", 0.0, 0.6, 0.2, 0.05, where=cols[3])
    return MotionConfig(frames=frames, noise=noise, speed=speed, sprite=sprite, seed=seed())


def kernel_controls() -> tuple[str, conv3d.Conv3dSettings]:
    preset = page.choice("kernel", list(conv3d.KERNELS), "right", labels=options(f"{NS}.kernel", list(conv3d.KERNELS)))
    st.caption(t(f"{NS}.kernel_help.{preset}"))
    cols = st.columns(3, gap="medium")
    values = {}
    for axis, where in zip(conv3d.AXES, cols):
        where.markdown(f"**{t(f'{NS}.axis.{axis}')}**")
        values[axis] = (page.slider(f"k{axis}", 1, conv3d.MAX_KERNEL[0], 3, where=where),
                        page.slider(f"s{axis}", 1, 3, 1, where=where),
                        page.slider(f"p{axis}", 0, 3, 1 if axis != "t" else 0, where=where),
                        page.slider(f"d{axis}", 1, 3, 1, where=where))
    k, s, p, d = (tuple(values[axis][i] for axis in conv3d.AXES) for i in range(4))
    return preset, conv3d.Conv3dSettings(k, s, p, d)


def output_picker(out_shape: tuple[int, int, int]) -> tuple[int, int, int]:
    cols = st.columns(3)
    position = []
    for axis, size, where in zip(("ot", "oy", "ox"), out_shape, cols):
        if size > 1:
            page.limit(axis, size - 1)
            position.append(page.slider(axis, 0, size - 1, size // 2, where=where))
        else:
            position.append(0)
    return tuple(position)


def sliding_section(cfg: MotionConfig):
    """The example clip, the kernel over it, one voxel by hand and the size formula; returns clip and direction."""
    st.header(t(f"{NS}.clip_header"))
    direction = page.choice("direction", list(DIRECTIONS), "right", labels=options(f"{NS}.direction",
                            list(DIRECTIONS)), style="segmented")
    clip = make_clips(1, cfg.clips, (cfg.seed, 2), direction).x[0]  # (T, H, W): cheap, so not cached
    clip_area = st.container()
    st.subheader(t(f"{NS}.kernel_header"))
    st.markdown(t(f"{NS}.kernel_text"))
    preset, settings = kernel_controls()
    kernel = conv3d.preset_kernel(preset, settings.kernel, seed=cfg.seed)
    try:
        out_shape = conv3d.output_shape(clip.shape, settings)
    except conv3d.Conv3dShapeError as err:
        clip_area.image(frames_strip(clip), caption=t(f"{NS}.clip_caption", t=clip.shape[0]), width="stretch")
        st.error(t(f"{NS}.error.too_small", axis=t(f"{NS}.axis.{err.detail['axis']}"), span=err.detail["span"],
                   size=err.detail["size"]), icon=":material/crop_free:")
        return clip, direction
    output = conv3d.cross_correlate3d(clip, kernel, settings)
    show(kernel_slices_memo(kernel, [t(f"{NS}.slice_title", a=a) for a in range(settings.kernel[0])]),
         key=f"{NS}.kernel_chart", csv=False)
    st.subheader(t(f"{NS}.voxel_header"))
    st.markdown(t(f"{NS}.voxel_text"))
    position = output_picker(out_shape)
    vox = conv3d.voxel(clip, kernel, settings, position)
    frames, rows, cols = vox.taps
    span_h, span_w = settings.span(1), settings.span(2)
    boxes = {int(f): (int(rows[0]), int(cols[0]), span_h, span_w) for f in frames if 0 <= f < clip.shape[0]}
    clip_area.image(frames_strip(clip, boxes), width="stretch",
                    caption=t(f"{NS}.clip_caption_boxes", t=clip.shape[0],
                              frames=", ".join(str(int(f)) for f in frames if 0 <= f < clip.shape[0]) or "—"))
    out_box = {position[0]: (position[1], position[2], 1, 1)}
    st.image(frames_strip(output, out_box, mode="stretch"), width="stretch",
             caption=t(f"{NS}.output_caption", t=out_shape[0], h=out_shape[1], w=out_shape[2],
                       lo=f"{float(output.min()):.3g}", hi=f"{float(output.max()):.3g}"))
    for line in voxel_latex(vox.values, vox.weights, vox.products, vox.inside, frames, vox.total,
                            t(f"{NS}.frame_word"), t(f"{NS}.padding_word")):
        st.latex(line)
    st.caption(t(f"{NS}.voxel_check", value=f"{float(output[position]):.4g}", t=position[0], y=position[1],
                 x=position[2]))

    st.subheader(t(f"{NS}.size_header"))
    st.markdown(t(f"{NS}.size_text"))
    for i, axis in enumerate(conv3d.AXES):
        st.latex(conv_size_latex(AXIS_SYMBOLS[axis], clip.shape[i], settings.kernel[i], settings.stride[i],
                                 settings.padding[i], settings.dilation[i], out_shape[i]))
    return clip, direction


# ----- 2. the race: 3-D CNN vs stacked frames vs one frame -----
def model_names() -> dict[str, str]:
    return {view: t(f"{NS}.model.{view}") for view in VIEWS}


def race_metrics(trainer: MotionRace) -> list[tuple[str, str, str]]:
    """Each model's test accuracy as (name, value, when it reached the target)."""
    latest, names, target = trainer.latest(), model_names(), f"{TARGET_ACCURACY:.0%}"
    rows = []
    for view in VIEWS:
        reached = trainer.reached.get(view)
        rows.append((names[view], f"{latest[f'test_acc_{view}']:.1%}" if latest else "—",
                     t(f"{NS}.reached", target=target, step=reached[0], seconds=f"{reached[1]:.1f}") if reached
                     else t(f"{NS}.not_reached", target=target)))
    return rows


def race_charts(run) -> list[tuple[str, str, str]]:
    """Accuracy and loss while training, as (title, PNG data URI, caption): legends and axes in text."""
    trainer: MotionRace = run.trainer
    legend = markdown_legend([(name, MODEL_COLORS[view]) for view, name in model_names().items()])
    return [(t(f"{NS}.{metric}_title"),
             live_png(run, f"race.{metric}", lambda: race_picture(trainer.history, VIEWS, metric, reference)),
             f"{legend} \u2003 :gray[╌╌] {t(f'{NS}.{metric}_reference')}  \n"
             f"{t('runner.axes', x=t(f'{NS}.step_axis'), y=t(f'{NS}.{metric}_title'))}")
            for metric, reference in (("test_acc", CHANCE), ("loss", math.log(1 / CHANCE)))]


def draw_race(run, example, direction: str) -> None:
    trainer: MotionRace = run.trainer
    names = model_names()
    for where, view, (name, value, reached) in zip(st.columns(len(VIEWS)), VIEWS, race_metrics(trainer)):
        where.metric(f":{MODEL_TEXT_COLORS[view]}[**{name}**]", value, help=t(f"{NS}.metric_help"))
        where.caption(reached)
    if not trainer.latest():
        st.info(t(f"{NS}.press_start"), icon=":material/play_arrow:")
    elif run.running:  # live: pictures, which a browser redraws several times a second
        for where, (title, src, caption) in zip(st.columns(2, gap="medium"), race_charts(run)):
            where.markdown(f"###### {title}")
            where.image(src, width="stretch")
            where.caption(caption)
    else:
        axis = t(f"{NS}.step_axis")
        for where, metric, reference in zip(st.columns(2, gap="medium"), ("test_acc", "loss"),
                                            (CHANCE, math.log(1 / CHANCE))):
            where.markdown(f"###### {t(f'{NS}.{metric}_title')}")
            chart = run.per_model_state(f"race.{metric}", lambda: race_figure(
                trainer.history, names, metric, axis, reference, legend=metric == "test_acc"), axis)
            show(chart, key=f"{NS}.race.{metric}", where=where)
    if run.running:  # a chart less to redraw on every refresh; it comes back at Pause
        st.caption(f"{t('runner.live_picture')} {t(f'{NS}.predictions_paused')}")
        return
    labels = [t(f"{NS}.direction.{d}") for d in DIRECTIONS]
    show(run.per_model_state("predictions", lambda: predictions_figure(
        trainer.predict(example), names, labels, t(f"{NS}.predictions_title", step=trainer.steps_done)),
        direction, *labels), key=f"{NS}.predictions", csv=False)


def live_frame(run) -> list[dict]:
    """`draw_race` while it trains, as live-panel blocks (ui/live_feed.py)."""
    trainer: MotionRace = run.trainer
    blocks = [live_feed.columns([1] * len(VIEWS), *[[live_feed.metrics((name, value)), live_feed.note(reached)]
                                                    for name, value, reached in race_metrics(trainer)])]
    if not trainer.latest():
        blocks.append(live_feed.note(t(f"{NS}.press_start")))
    else:
        blocks.append(live_feed.columns([1, 1], *[[live_feed.picture(src, title=title, caption=caption, stretch=True)]
                                                  for title, src, caption in race_charts(run)]))
    return blocks + [live_feed.note(f"{t('runner.live_picture')} {t(f'{NS}.predictions_paused')}")]


def race_section(clip_cfg: MotionConfig, example, direction: str) -> None:
    st.header(t(f"{NS}.race_header"))
    st.markdown(t(f"{NS}.race_text"))
    cols = st.columns(2, gap="medium")
    channels = page.slider("channels", 4, 16, 8, where=cols[0])
    lr = page.choice("lr", LR_LADDER, 0.01, style="slider", where=cols[1])
    cfg = MotionConfig(clip_cfg.frames, clip_cfg.noise, clip_cfg.speed, clip_cfg.sprite, channels, lr,
                       seed=clip_cfg.seed)
    run = live_training(NS, build=lambda: MotionRace(cfg), config=cfg, draw=lambda r: draw_race(r, example, direction),
                        interval_s=LIGHT_INTERVAL_S, live_frame=live_frame)
    sizes = {view: f"{count_params(model):,}" for view, model in run.trainer.models.items()}
    st.caption(t(f"{NS}.params_line", frames=cfg.frames, **{f"p_{view}": n for view, n in sizes.items()}))
    st.markdown(t(f"{NS}.race_explain"))


# ----- 3. what the time axis costs -----
def cost_section() -> None:
    st.header(t(f"{NS}.cost_header"))
    st.markdown(t(f"{NS}.cost_text"))
    cols = st.columns(4, gap="medium")
    c_in = page.number("c_in", 1, 1024, 64, 1, where=cols[0])
    c_out = page.number("c_out", 1, 1024, 128, 1, where=cols[0])
    k = page.slider("ck", 1, 7, 3, where=cols[1])
    k_t = page.slider("ckt", 1, 7, 3, where=cols[1])
    frames = page.number("ct", 1, 64, 16, 1, where=cols[2])
    height = page.number("ch", 1, 512, 56, 1, where=cols[3])
    width = page.number("cw", 1, 512, 56, 1, where=cols[3])
    costs = conv3d.kernel_costs(int(c_in), int(c_out), k, k_t, int(frames), int(height), int(width))
    kinds = list(costs)
    labels = [t(f"{NS}.cost_kind.{kind}", k=k, kt=k_t) for kind in kinds]
    table = pd.DataFrame({t(f"{NS}.cost_col.kind"): labels,
                          t(f"{NS}.cost_col.params"): [costs[kind].params for kind in kinds],
                          t(f"{NS}.cost_col.macs"): [costs[kind].macs for kind in kinds],
                          t(f"{NS}.cost_col.motion"): [t(f"{NS}.cost_motion.{kind}") for kind in kinds]})
    st.dataframe(table, hide_index=True, column_config={
        t(f"{NS}.cost_col.params"): st.column_config.NumberColumn(format="localized"),
        t(f"{NS}.cost_col.macs"): st.column_config.NumberColumn(format="localized")})
    base = costs["2d"]
    show(costs_memo(labels, [costs[kind].params / base.params for kind in kinds],
                    [costs[kind].macs / base.macs for kind in kinds],
                    (t(f"{NS}.cost_col.params"), t(f"{NS}.cost_col.macs")), t(f"{NS}.cost_ratio_axis")),
         key=f"{NS}.costs")
    st.markdown(t(f"{NS}.cost_after", mid=conv3d.factorized_width(int(c_in), int(c_out), k, k_t),
                  ratio=f"{costs['3d'].macs / costs['2d'].macs:.1f}"))


clip_cfg = clip_controls()
example_clip, example_direction = sliding_section(clip_cfg)
takeaway(NS, "clip")
race_section(clip_cfg, example_clip, example_direction)
takeaway(NS, "race")
cost_section()
takeaway(NS, "cost")
with st.expander(t(f"{NS}.explain_header"), icon=":material/school:"):
    st.markdown(t(f"{NS}.explain"))

page.finish()
