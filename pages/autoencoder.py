"""Autoencoder latent space: 8×8 digits squeezed through a 2-D code, trained live, compared with PCA."""
import numpy as np
import streamlit as st
import torch

from core.generative.autoencoder import (KINDS, KNN_K, KNN_TARGET, AutoencoderConfig, AutoencoderTrainer, interpolate_codes,
                              knn_accuracy, latent_box, pca_fit, pca_project)
from core.digits import digit_split
from ui.figures.generative.autoencoder import PATH_COLOR, code_scatter_figure, manifold_figure
from ui.figures.chart_pictures import live_png, markdown_legend, show_picture
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


def score_row(trainer: AutoencoderTrainer, score: float) -> None:
    row = st.columns(3)
    row[0].metric(t("autoencoder.metrics.knn"), f"{100 * score:.1f}%",
                  delta=f"{100 * (score - pca_score):+.1f} {t('autoencoder.metrics.vs_pca')}",
                  help=t("autoencoder.metrics.knn_help", k=KNN_K))
    row[1].metric(t("autoencoder.metrics.pca"), f"{100 * pca_score:.1f}%")
    if trainer.target_seconds is not None:
        row[2].metric(t("autoencoder.metrics.target", target=int(100 * KNN_TARGET)), f"{trainer.target_seconds:.1f} s",
                      help=t("autoencoder.metrics.target_epoch", epoch=trainer.target_epoch))
    else:
        row[2].metric(t("autoencoder.metrics.target", target=int(100 * KNN_TARGET)), t("autoencoder.metrics.not_yet"))


def explore(trainer: AutoencoderTrainer, box, where) -> tuple[tuple[float, float], torch.Tensor, tuple[int, int]]:
    """The probe sliders and the interpolation pickers: the probe's code, the path's codes, its two end digits."""
    sliders = where.columns(2)
    s1 = page.slider("z1", -1.0, 1.0, 0.0, 0.05, where=sliders[0])
    s2 = page.slider("z2", -1.0, 1.0, 0.0, 0.05, where=sliders[1])
    probe = (box[0] + (s1 + 1) / 2 * (box[1] - box[0]), box[2] + (s2 + 1) / 2 * (box[3] - box[2]))
    pickers = where.columns(2)
    start = page.choice("from", DIGITS, 1, where=pickers[0])
    end = page.choice("to", DIGITS, 7, where=pickers[1])
    ends = torch.from_numpy(images[examples[[start, end]]])
    a, b = trainer.codes(ends)
    return probe, interpolate_codes(a, b, INTERPOLATION_STEPS), (start, end)


def draw(run) -> None:
    trainer: AutoencoderTrainer = run.trainer
    codes = run.per_model_state("codes", lambda: trainer.codes(torch.from_numpy(images)).cpu())
    score = trainer.latest().get("knn")
    score_row(trainer, trainer.knn_score() if score is None else score)
    box = latent_box(codes)
    map_col, side_col = st.columns([3, 2], gap="medium")
    probe, path, (start, end) = explore(trainer, box, side_col)
    picked = st.session_state.get(PICKED_KEY)
    codes_np = codes.numpy()
    if run.running:
        picture = run.per_model_state("codes_picture", lambda: code_scatter_picture(
            codes_np, labels, box, probe=probe, path=path.cpu().numpy(),
            picked=None if picked is None else tuple(codes_np[picked])), probe, start, end, picked)
        map_col.markdown(f"**{t('autoencoder.codes_title')}**")
        axes = t("runner.axes", x=axis_names[0], y=axis_names[1])
        map_col.image(png_data_uri(picture), width="stretch", caption=f"{code_legend(picked is not None)}  \n{axes}")
    else:
        code_chart(codes_np, box, probe, path, picked, map_col)
    map_col.caption(t("autoencoder.codes_note"))
    side_panel(trainer, probe, path, picked, start, end, side_col)
    manifold_and_pca(run, box, current_language())
    reconstructions(trainer)
    curves(run)


def code_legend(picked: bool) -> str:
    """The live code map's legend: each digit's colour, then the path, the picked digit and the cross."""
    digits = " ".join(f":{name}[●]" for name in ("blue", "orange", "green", "red", "violet"))
    entries = [markdown_legend([(t("autoencoder.path"), PATH_COLOR)])]
    if picked:
        entries.append(f"◯ {t('autoencoder.picked')}")
    entries.append(f"✕ {t('autoencoder.probe')}")
    return f"{digits} … {t('autoencoder.legend_digits')}  \n" + " \u2003 ".join(entries)


def code_chart(codes_np, box, probe, path, picked, map_col) -> None:
    figure = code_scatter_figure(
        codes_np, labels, hover, title=t("autoencoder.codes_title"),
        axis_names=axis_names, revision=f"codes.{config}", probe=probe, probe_name=t("autoencoder.probe"),
        path=path.cpu().numpy(), path_name=t("autoencoder.path"), box=box,
        picked=None if picked is None else tuple(codes_np[picked]), picked_name=t("autoencoder.picked"))
    map_col.plotly_chart(with_room(figure), key="autoencoder.codes", on_select=remember_pick, selection_mode="points",
                         config=CHART_CONFIG)


def side_panel(trainer: AutoencoderTrainer, probe, path, picked, start: int, end: int, side_col) -> None:
    """The decoded probe, the picked digit and its reconstruction, the interpolation strip."""
    probe_image = trainer.decode(torch.tensor([probe])).cpu().numpy()
    side_col.image(digit_picture(probe_image, 1, scale=14), caption=t("autoencoder.probe_caption",
                   z1=f"{probe[0]:.2f}", z2=f"{probe[1]:.2f}"), width=120)
    if picked is not None:
        rebuilt = trainer.reconstruct(torch.from_numpy(images[picked:picked + 1])).cpu().numpy()
        side_col.image(digit_picture(np.concatenate([images[picked:picked + 1], rebuilt]), 2, scale=10), width=180,
                       caption=t("autoencoder.picked_caption", digit=int(labels[picked])))
    else:
        side_col.caption(t("autoencoder.pick_hint"))

    strip = trainer.decode(path).cpu().numpy()
    blend = np.linspace(0, 1, INTERPOLATION_STEPS)[:, None, None]
    start_img, end_img = images[examples[start]], images[examples[end]]
    side_col.image(digit_picture(np.concatenate([strip, (1 - blend) * start_img + blend * end_img]),
                                 INTERPOLATION_STEPS, scale=4), width="stretch",
                   caption=t("autoencoder.interpolation_caption"))


def manifold_and_pca(run, box, lang: str) -> None:
    """The decoded grid over the code plane beside the PCA map: pictures while training, charts when paused."""
    trainer: AutoencoderTrainer = run.trainer
    grid_col, pca_col = st.columns(2, gap="medium")
    z1 = np.linspace(box[0], box[1], MANIFOLD_SIDE)
    z2 = np.linspace(box[2], box[3], MANIFOLD_SIDE)
    mesh = torch.tensor(np.stack(np.meshgrid(z1, z2), axis=-1).reshape(-1, 2), dtype=torch.float32)
    decoded = run.per_model_state("manifold", lambda: trainer.decode(mesh).cpu().numpy().reshape(
        MANIFOLD_SIDE, MANIFOLD_SIDE, 8, 8), box)
    if not run.running:
        show(manifold_figure(decoded, box, title=t("autoencoder.manifold_title"), axis_names=axis_names),
             key="autoencoder.manifold", where=grid_col, csv=False)
        show(pca_figure(config.seed, lang), key="autoencoder.pca", where=pca_col)
        return
    axes = t("runner.axes", x=axis_names[0], y=axis_names[1])
    show_picture(live_png(run, "manifold_picture", lambda: manifold_picture(decoded, box), box),
                 title=t("autoencoder.manifold_title"), caption=axes, where=grid_col)
    pca_col.markdown(f"**{t('autoencoder.pca_title', score=f'{100 * pca_score:.0f}')}**")
    pca_col.image(pca_picture(config.seed), width="stretch", caption=t(
        "runner.axes", x=t("autoencoder.axis.pc1"), y=t("autoencoder.axis.pc2")))


def reconstructions(trainer: AutoencoderTrainer) -> None:
    rows = [images[examples]]
    if trainer.config.kind == "dae":
        rows.append(np.clip(trainer.noisy(torch.from_numpy(images[examples])).cpu().numpy(), 0, 1))
    rows.append(trainer.reconstruct(torch.from_numpy(images[examples])).cpu().numpy())
    caption = "autoencoder.recon_caption_dae" if trainer.config.kind == "dae" else "autoencoder.recon_caption"
    st.image(digit_picture(np.concatenate(rows), 10, scale=6), caption=t(caption))


def curves(run) -> None:
    """The loss terms and the k-NN score (with PCA's and the target's levels) over epochs: pictures while training."""
    h = run.trainer.history
    if not h["step"]:
        return
    loss_col, knn_col = st.columns(2, gap="medium")
    series = {t("autoencoder.curves.recon"): h["recon"]}
    if "kl" in h:
        series[t("autoencoder.curves.kl")] = h["kl"]
        series[t("autoencoder.curves.total")] = h["loss"]
    steps, *values = thin(h["step"], *series.values())
    knn_steps, knn = thin(h["step"], h["knn"])
    scores = {t("autoencoder.curves.knn"): [100 * v for v in knn],
              t("autoencoder.curves.pca"): [100 * pca_score] * len(knn_steps),
              t("autoencoder.curves.target"): [100 * KNN_TARGET] * len(knn_steps)}
    x_title = t("autoencoder.curves.x")
    if run.running:
        for where, key, xs, named, title in ((loss_col, "losses", steps, dict(zip(series, values)),
                                              t("autoencoder.curves.loss_title")),
                                             (knn_col, "knn", knn_steps, scores, t("autoencoder.curves.knn_title"))):
            legend = markdown_legend([(name, PALETTE[i]) for i, name in enumerate(named)])
            show_picture(live_png(run, key, lambda: curves_picture(xs, list(named.values()))), title=title,
                         caption=f"{legend}  \n{t('runner.axes', x=x_title, y=title)}", where=where)
        st.caption(t("runner.live_picture"))
        return
    show(curves_figure(steps, dict(zip(series, values)), title=t("autoencoder.curves.loss_title"), x_title=x_title,
                       height=240), key="autoencoder.losses", where=loss_col)
    show(curves_figure(knn_steps, scores, title=t("autoencoder.curves.knn_title"), x_title=x_title, height=240),
         key="autoencoder.knn", where=knn_col)


def build() -> AutoencoderTrainer:
    return AutoencoderTrainer(config, digit_split(seed=config.seed))


live_training("autoencoder", build, config, draw, steps_per_click=5)
takeaway("autoencoder", "codes")
page.finish()
