"""Autoencoder latent space: 8×8 digits squeezed through a 2-D code, trained live, compared with PCA."""
from typing import NamedTuple

import numpy as np
import streamlit as st
import torch

from core.generative.autoencoder import (KINDS, KNN_K, KNN_TARGET, AutoencoderConfig, AutoencoderTrainer, interpolate_codes,
                              knn_accuracy, latent_box, pca_fit, pca_project)
from core.digits import digit_split
from ui.figures.generative.autoencoder import PATH_COLOR, code_scatter_figure, manifold_figure
from ui.figures.chart_pictures import live_png, markdown_legend, show_picture
from ui import live_feed
from ui.figures.common import CHART_CONFIG, PALETTE, curves_figure, png_data_uri, show, with_room
from ui.figures.generative.digit_pictures import digit_art, digit_picture, thin
from ui.figures.generative.live_pictures import code_scatter_picture, curves_picture, manifold_picture
from ui.i18n import current_language, options, t
from ui.page import Page, seed
from ui.runner import live_training
from ui.teaching import takeaway

NOISE_LADDER = [0.1, 0.2, 0.3, 0.5, 0.8]
BETA_LADDER = [0.1, 0.25, 0.5, 1.0, 2.0, 4.0]
LR_LADDER = [3e-4, 1e-3, 3e-3, 1e-2]
DIGITS = list(range(10))
MANIFOLD_SIDE = 15  # decoded images per side of the manifold grid
INTERPOLATION_STEPS = 9
PICKED_KEY = "_autoencoder.picked"  # index (into the held-out digits) of the digit clicked in the code map


@st.cache_data(max_entries=8, show_spinner=False)
def held_out_digits(seed_value: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Held-out images (N, 8, 8), labels, and each digit drawn in characters for the hover labels."""
    split = digit_split(seed=seed_value)
    images = split.x_test[:, 0].cpu().numpy()
    return images, split.y_test.cpu().numpy(), [digit_art(image) for image in images]


@st.cache_data(max_entries=8, show_spinner=False)
def pca_baseline(seed_value: int) -> tuple[np.ndarray, float]:
    """PCA fitted on the training digits: the test digits' 2-D projections and their k-NN score."""
    split = digit_split(seed=seed_value)
    mean, components = pca_fit(split.x_train)
    train_codes, test_codes = pca_project(split.x_train, mean, components), pca_project(split.x_test, mean, components)
    return test_codes.numpy(), knn_accuracy(train_codes, split.y_train, test_codes, split.y_test)


@st.cache_data(max_entries=8, show_spinner=False)
def pca_picture(seed_value: int) -> str:
    """The PCA map as a picture for the live panel: it never changes during a run, so it is drawn once per seed."""
    return png_data_uri(code_scatter_picture(pca_baseline(seed_value)[0], held_out_digits(seed_value)[1]))


def hover_texts(digit_labels: np.ndarray, art: list[str]) -> list[str]:
    return [t("autoencoder.hover", digit=int(d)) + "<br>" + a for d, a in zip(digit_labels, art)]


def first_of_each_digit(labels: np.ndarray) -> np.ndarray:
    return np.array([int(np.flatnonzero(labels == d)[0]) for d in DIGITS])


def remember_pick() -> None:
    """on_select of the code map: keep the clicked digit (the chart's own selection resets when it redraws)."""
    state = st.session_state.get("autoencoder.codes")
    for point in (state.selection.points if state is not None else []):
        index = point.get("point_index")
        if point.get("curve_number") == 0 and isinstance(index, int) and 0 <= index < len(images):
            st.session_state[PICKED_KEY] = index
            return


@st.cache_resource(max_entries=16, show_spinner=False)
def pca_figure(seed_value: int, lang: str):
    """The PCA map never changes during a run: built once per seed and language, then only re-sent."""
    codes, score = pca_baseline(seed_value)
    _, digit_labels, digit_hover = held_out_digits(seed_value)
    return code_scatter_figure(codes, digit_labels, hover_texts(digit_labels, digit_hover),
                               title=t("autoencoder.pca_title", score=f"{100 * score:.0f}"),
                               axis_names=(t("autoencoder.axis.pc1"), t("autoencoder.axis.pc2")), revision="pca")


page = Page("autoencoder")
page.header()

cols = st.columns([3, 2, 2])
kind = page.choice("kind", KINDS, "ae", labels=options("autoencoder.kind", list(KINDS)), style="segmented",
                   where=cols[0])
noise = page.choice("noise", NOISE_LADDER, 0.3, style="slider", where=cols[1]) if kind == "dae" else 0.0
beta = page.choice("beta", BETA_LADDER, 1.0, style="slider", where=cols[1]) if kind == "vae" else 1.0
page.declare("noise", "beta")  # shown for one model only; a link may carry them for another
lr = page.choice("lr", LR_LADDER, 3e-3, style="slider", where=cols[2])
config = AutoencoderConfig(kind=kind, noise=noise, beta=beta, lr=lr, seed=seed())

with st.expander(t("autoencoder.explain.heading"), icon=":material/school:"):
    st.markdown(t("autoencoder.explain.body"))

images, labels, art = held_out_digits(config.seed)
pca_score = pca_baseline(config.seed)[1]
examples = first_of_each_digit(labels)
hover = hover_texts(labels, art)
axis_names = (t("autoencoder.axis.z1"), t("autoencoder.axis.z2"))


class CodeView(NamedTuple):
    codes: np.ndarray  # the held-out digits' codes
    box: tuple[float, float, float, float]  # the code plane shown
    probe: tuple[float, float]  # the decoded point's code
    path: torch.Tensor  # the interpolation's codes
    ends: tuple[int, int]  # its two end digits


def explore_controls() -> tuple[float, float, int, int]:
    """The probe's place across the code plane (−1 … 1) and the interpolation's end digits. Outside the live panel:
    while training in the worker, the panel draws itself from frames that hold no widgets (ui/live_feed.py)."""
    cols = st.columns(4)
    return (page.slider("z1", -1.0, 1.0, 0.0, 0.05, where=cols[0]),
            page.slider("z2", -1.0, 1.0, 0.0, 0.05, where=cols[1]),
            page.choice("from", DIGITS, 1, where=cols[2]), page.choice("to", DIGITS, 7, where=cols[3]))


def code_view(run) -> CodeView:
    trainer: AutoencoderTrainer = run.trainer
    codes = run.per_model_state("codes", lambda: trainer.codes(torch.from_numpy(images)).cpu())
    box = latent_box(codes)
    s1, s2, start, end = knobs
    probe = (box[0] + (s1 + 1) / 2 * (box[1] - box[0]), box[2] + (s2 + 1) / 2 * (box[3] - box[2]))
    a, b = trainer.codes(torch.from_numpy(images[examples[[start, end]]]))
    return CodeView(codes.numpy(), box, probe, interpolate_codes(a, b, INTERPOLATION_STEPS), (start, end))


def score_metrics(run) -> list[tuple[str, str, str | None, str | None]]:
    """The k-NN scores of the code and of PCA, and when the target was reached: (label, value, delta, help)."""
    trainer: AutoencoderTrainer = run.trainer
    score = trainer.latest().get("knn")
    score = run.per_model_state("knn", trainer.knn_score) if score is None else score
    target = t("autoencoder.metrics.target", target=int(100 * KNN_TARGET))
    reached = (target, f"{trainer.target_seconds:.1f} s", None,
               t("autoencoder.metrics.target_epoch", epoch=trainer.target_epoch)) \
        if trainer.target_seconds is not None else (target, t("autoencoder.metrics.not_yet"), None, None)
    return [(t("autoencoder.metrics.knn"), f"{100 * score:.1f}%",
             f"{100 * (score - pca_score):+.1f} {t('autoencoder.metrics.vs_pca')}",
             t("autoencoder.metrics.knn_help", k=KNN_K)),
            (t("autoencoder.metrics.pca"), f"{100 * pca_score:.1f}%", None, None), reached]


def code_map(run, view: CodeView, picked: int | None) -> tuple[str, str, str]:
    """The code map while training, as (title, PNG data URI, caption)."""
    spot = None if picked is None else tuple(view.codes[picked])
    src = live_png(run, "codes_picture", lambda: code_scatter_picture(
        view.codes, labels, view.box, probe=view.probe, path=view.path.cpu().numpy(), picked=spot),
        view.probe, view.ends, picked)
    axes = t("runner.axes", x=axis_names[0], y=axis_names[1])
    return t("autoencoder.codes_title"), src, f"{code_legend(picked is not None)}  \n{axes}"


def draw(run) -> None:
    view = code_view(run)
    for where, (label, value, delta, help_) in zip(st.columns(3), score_metrics(run)):
        where.metric(label, value, delta=delta, help=help_)
    map_col, side_col = st.columns([3, 2], gap="medium")
    picked = st.session_state.get(PICKED_KEY)
    if run.running:
        title, src, caption = code_map(run, view, picked)
        map_col.markdown(f"**{title}**")
        map_col.image(src, width="stretch", caption=caption)
    else:
        code_chart(view, picked, map_col)
    map_col.caption(t("autoencoder.codes_note"))
    for src, caption, width in side_pictures(run, view, picked):
        if src:
            side_col.image(src, caption=caption, width=width)
        else:
            side_col.caption(caption)
    manifold_and_pca(run, view.box, current_language())
    recon, caption = reconstructions(run)
    st.image(recon, caption=caption)
    curves(run)


def live_frame(run) -> list[dict]:
    """`draw` while it trains, as live-panel blocks (ui/live_feed.py)."""
    def pictures(charts) -> dict:
        return live_feed.columns([1, 1], *[[live_feed.picture(src, title=title, caption=caption, stretch=True)]
                                           for title, src, caption in charts])

    view = code_view(run)
    title, src, caption = code_map(run, view, picked_at_start)
    codes = [live_feed.picture(src, title=title, caption=caption, stretch=True),
             live_feed.note(t("autoencoder.codes_note"))]
    side = [live_feed.picture(image, caption=text, stretch=width == "stretch") if image else live_feed.note(text)
            for image, text, width in side_pictures(run, view, picked_at_start)]
    recon, recon_caption = reconstructions(run)
    blocks = [live_feed.metrics(*[(label, f"{value} ({delta})" if delta else value)
                                  for label, value, delta, _ in score_metrics(run)]),
              live_feed.columns([3, 2], codes, side), pictures(plane_charts(run, view.box)),
              live_feed.picture(recon, caption=recon_caption)]
    charts = curve_charts(run)
    return blocks + ([pictures(charts), live_feed.note(t("runner.live_picture"))] if charts else [])


def code_legend(picked: bool) -> str:
    """The live code map's legend: each digit's colour, then the path, the picked digit and the cross."""
    digits = " ".join(f":{name}[●]" for name in ("blue", "orange", "green", "red", "violet"))
    entries = [markdown_legend([(t("autoencoder.path"), PATH_COLOR)])]
    if picked:
        entries.append(f"◯ {t('autoencoder.picked')}")
    entries.append(f"✕ {t('autoencoder.probe')}")
    return f"{digits} … {t('autoencoder.legend_digits')}  \n" + " \u2003 ".join(entries)


def code_chart(view: CodeView, picked, map_col) -> None:
    figure = code_scatter_figure(
        view.codes, labels, hover, title=t("autoencoder.codes_title"),
        axis_names=axis_names, revision=f"codes.{config}", probe=view.probe, probe_name=t("autoencoder.probe"),
        path=view.path.cpu().numpy(), path_name=t("autoencoder.path"), box=view.box,
        picked=None if picked is None else tuple(view.codes[picked]), picked_name=t("autoencoder.picked"))
    map_col.plotly_chart(with_room(figure), key="autoencoder.codes", on_select=remember_pick, selection_mode="points",
                         config=CHART_CONFIG)


def side_pictures(run, view: CodeView, picked: int | None) -> list[tuple[str | None, str, int | str]]:
    """The decoded probe, the picked digit beside its reconstruction (or how to pick one), the interpolation strip:
    (PNG data URI, or None for a line of text; caption; width)."""
    trainer: AutoencoderTrainer = run.trainer

    def build() -> tuple[str, str | None, str]:
        probe_image = trainer.decode(torch.tensor([view.probe])).cpu().numpy()
        pair = None
        if picked is not None:
            rebuilt = trainer.reconstruct(torch.from_numpy(images[picked:picked + 1])).cpu().numpy()
            pair = digit_picture(np.concatenate([images[picked:picked + 1], rebuilt]), 2, scale=10)
        strip = trainer.decode(view.path).cpu().numpy()
        blend = np.linspace(0, 1, INTERPOLATION_STEPS)[:, None, None]
        start_img, end_img = images[examples[view.ends[0]]], images[examples[view.ends[1]]]
        return (digit_picture(probe_image, 1, scale=14), pair,
                digit_picture(np.concatenate([strip, (1 - blend) * start_img + blend * end_img]), INTERPOLATION_STEPS,
                              scale=4))

    probe, pair, strip = run.per_model_state("side", build, view.probe, view.ends, picked)
    return [(probe, t("autoencoder.probe_caption", z1=f"{view.probe[0]:.2f}", z2=f"{view.probe[1]:.2f}"), 120),
            (pair, t("autoencoder.picked_caption", digit=int(labels[picked])), 180) if pair else
            (None, t("autoencoder.pick_hint"), 0),
            (strip, t("autoencoder.interpolation_caption"), "stretch")]


def decoded_grid(run, box) -> np.ndarray:
    """The decoder's digits on a grid over the code plane."""
    z1 = np.linspace(box[0], box[1], MANIFOLD_SIDE)
    z2 = np.linspace(box[2], box[3], MANIFOLD_SIDE)
    mesh = torch.tensor(np.stack(np.meshgrid(z1, z2), axis=-1).reshape(-1, 2), dtype=torch.float32)
    return run.per_model_state("manifold", lambda: run.trainer.decode(mesh).cpu().numpy().reshape(
        MANIFOLD_SIDE, MANIFOLD_SIDE, 8, 8), box)


def plane_charts(run, box) -> list[tuple[str, str, str]]:
    """The decoded grid and the PCA map while training, as (title, PNG data URI, caption)."""
    axes = t("runner.axes", x=axis_names[0], y=axis_names[1])
    return [(t("autoencoder.manifold_title"),
             live_png(run, "manifold_picture", lambda: manifold_picture(decoded_grid(run, box), box), box), axes),
            (t("autoencoder.pca_title", score=f"{100 * pca_score:.0f}"), pca_png,
             t("runner.axes", x=t("autoencoder.axis.pc1"), y=t("autoencoder.axis.pc2")))]


def manifold_and_pca(run, box, lang: str) -> None:
    """The decoded grid over the code plane beside the PCA map: pictures while training, charts when paused."""
    grid_col, pca_col = st.columns(2, gap="medium")
    if run.running:
        for (title, src, caption), where in zip(plane_charts(run, box), (grid_col, pca_col)):
            show_picture(src, title=title, caption=caption, where=where)
        return
    show(manifold_figure(decoded_grid(run, box), box, title=t("autoencoder.manifold_title"), axis_names=axis_names),
         key="autoencoder.manifold", where=grid_col, csv=False)
    show(pca_figure(config.seed, lang), key="autoencoder.pca", where=pca_col)


def reconstructions(run) -> tuple[str, str]:
    """A digit of each kind (noised, for the denoising model) over its reconstruction: (PNG data URI, caption)."""
    trainer: AutoencoderTrainer = run.trainer

    def build() -> str:
        rows = [images[examples]]
        if trainer.config.kind == "dae":
            rows.append(np.clip(trainer.noisy(torch.from_numpy(images[examples])).cpu().numpy(), 0, 1))
        rows.append(trainer.reconstruct(torch.from_numpy(images[examples])).cpu().numpy())
        return digit_picture(np.concatenate(rows), 10, scale=6)

    dae = trainer.config.kind == "dae"
    return (run.per_model_state("reconstructions", build),
            t("autoencoder.recon_caption_dae" if dae else "autoencoder.recon_caption"))


def curve_series(run) -> tuple[list, dict[str, list], list, dict[str, list]]:
    """The loss terms and the k-NN score (with PCA's and the target's levels) over epochs, thinned, by label."""
    h = run.trainer.history
    series = {t("autoencoder.curves.recon"): h["recon"]}
    if "kl" in h:
        series[t("autoencoder.curves.kl")] = h["kl"]
        series[t("autoencoder.curves.total")] = h["loss"]
    steps, *values = thin(h["step"], *series.values())
    knn_steps, knn = thin(h["step"], h["knn"])
    scores = {t("autoencoder.curves.knn"): [100 * v for v in knn],
              t("autoencoder.curves.pca"): [100 * pca_score] * len(knn_steps),
              t("autoencoder.curves.target"): [100 * KNN_TARGET] * len(knn_steps)}
    return steps, dict(zip(series, values)), knn_steps, scores


def curve_charts(run) -> list[tuple[str, str, str]]:
    """The loss and k-NN curves while training, as (title, PNG data URI, caption); none before the first epoch."""
    if not run.trainer.history["step"]:
        return []
    steps, losses, knn_steps, scores = curve_series(run)
    charts = []
    for key, xs, named, title in (("losses", steps, losses, t("autoencoder.curves.loss_title")),
                                  ("knn", knn_steps, scores, t("autoencoder.curves.knn_title"))):
        legend = markdown_legend([(name, PALETTE[i]) for i, name in enumerate(named)])
        charts.append((title, live_png(run, key, lambda: curves_picture(xs, list(named.values()))),
                       f"{legend}  \n{t('runner.axes', x=t('autoencoder.curves.x'), y=title)}"))
    return charts


def curves(run) -> None:
    """The loss terms and the k-NN score over epochs: pictures while training, charts when paused."""
    if not run.trainer.history["step"]:
        return
    loss_col, knn_col = st.columns(2, gap="medium")
    if run.running:
        for (title, src, caption), where in zip(curve_charts(run), (loss_col, knn_col)):
            show_picture(src, title=title, caption=caption, where=where)
        st.caption(t("runner.live_picture"))
        return
    steps, losses, knn_steps, scores = curve_series(run)
    x_title = t("autoencoder.curves.x")
    show(curves_figure(steps, losses, title=t("autoencoder.curves.loss_title"), x_title=x_title, height=240),
         key="autoencoder.losses", where=loss_col)
    show(curves_figure(knn_steps, scores, title=t("autoencoder.curves.knn_title"), x_title=x_title, height=240),
         key="autoencoder.knn", where=knn_col)


def build() -> AutoencoderTrainer:
    return AutoencoderTrainer(config, digit_split(seed=config.seed))


knobs = explore_controls()
picked_at_start = st.session_state.get(PICKED_KEY)  # (a click on the map, paused, is followed by a full run)
pca_png = pca_picture(config.seed)
live_training("autoencoder", build, config, draw, steps_per_click=5, live_frame=live_frame)
takeaway("autoencoder", "codes")
page.finish()
