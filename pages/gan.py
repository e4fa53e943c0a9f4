"""GAN training live: a generator learns a 2-D distribution against a discriminator; a second tab does digits."""
import streamlit as st

from core.generative import gan_targets as targets
from core.digits import digit_split
from core.generative.digits_gan import DigitsGanConfig, DigitsGanTrainer
from core.generative.gan import ACTIVATIONS, NOISES, OPTIMIZERS, GanConfig, GanTrainer
from core.generative.gan_losses import DIGIT_LOSSES, GAN_LOSSES, LOSSES
from ui.figures.chart_pictures import live_png, markdown_legend, show_picture
from ui.figures.common import CHART_CONFIG, PALETTE, curves_figure, png_data_uri, show, with_room
from ui.figures.generative.gan import FAKE_COLOR, REAL_COLOR, coverage_figure, draw_pad_figure, gan_view_figure
from ui.figures.generative.digit_pictures import digit_picture, thin
from ui.figures.generative.live_pictures import coverage_picture, curves_picture, gan_view_picture
from ui.i18n import error_text, options, t
from ui.page import Page, seed
from ui.runner import INTERVAL_S, live_training
from ui import live_feed
from ui.teaching import takeaway

LR_LADDER = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1]
WIDTHS = [4, 8, 16, 32, 64, 128]
BATCHES = [32, 64, 150, 256, 512]
DIGIT_LRS = [2e-4, 5e-4, 1e-3, 2e-3]
DIGIT_NOISE_DIMS = [2, 4, 8, 16, 32]
NETWORK_CONTROLS = ("g_layers", "g_width", "g_lr", "d_layers", "d_width", "d_lr", "noise_dim", "noise", "optimizer",
                    "activation")
SLOW_INTERVAL_S = 0.7  # slow motion: one network update per refresh, this far apart

page = Page("gan")
page.header()
points_tab, digits_tab = st.tabs([t("gan.tab.points"), t("gan.tab.digits")])


# ---------------- 2-D points ----------------
def custom_target(kind: str):
    """The user's drawn or uploaded target and its fingerprint, or (None, "") after saying what is missing."""
    if kind == "drawn":
        version = st.session_state.setdefault("_gan.pad_version", 0)
        event = st.plotly_chart(with_room(draw_pad_figure(targets.draw_cell_centers(), targets.BOX, t("gan.draw.title"),
                                                          t("gan.draw.hint"))),
                                key=f"gan.pad.{version}", on_select="rerun", selection_mode=("points", "box", "lasso"),
                                config=CHART_CONFIG)
        picked = sorted(set(event.selection.point_indices)) if event is not None else []
        if picked:
            st.session_state["_gan.drawn_cells"] = picked
        cells = st.session_state.get("_gan.drawn_cells", [])
        left, right = st.columns([3, 1])
        left.caption(t("gan.draw.count", n=len(cells)))
        if right.button(t("gan.draw.clear"), key="gan.draw_clear", icon=":material/ink_eraser:"):
            st.session_state["_gan.drawn_cells"] = []
            st.session_state["_gan.pad_version"] = version + 1
            st.rerun()
        try:
            return targets.drawn(cells), targets.points_digest(cells)
        except targets.PointsError as err:
            st.info(error_text("gan.points_error", err), icon=":material/draw:")
            return None, ""
    upload = st.file_uploader(t("gan.upload.label"), type=["csv", "txt"], key="gan.upload_file",
                              help=t("gan.upload.help", kb=targets.CSV_MAX_BYTES // 1024, rows=targets.CSV_MAX_ROWS))
    if upload is None:
        st.info(t("gan.upload.waiting"), icon=":material/upload_file:")
        return None, ""
    try:
        if upload.size > targets.CSV_MAX_BYTES:
            raise targets.PointsError("too_big", {"kb": targets.CSV_MAX_BYTES // 1024})
        points = targets.parse_points_csv(upload.getvalue())
    except targets.PointsError as err:
        st.error(error_text("gan.points_error", err), icon=":material/error:")
        return None, ""
    st.caption(t("gan.upload.loaded", n=len(points)))
    return targets.uploaded(points), targets.points_digest(points)


def metric_row(trainer: GanTrainer, where) -> None:
    latest = trainer.latest()
    first, second = where.columns(2)
    first.metric(t("gan.metrics.iterations"), f"{trainer.iterations:,}")
    precision_recall = f"{100 * latest.get('precision', 0):.0f}% · {100 * latest.get('recall', 0):.0f}%"
    if trainer.modes is None:
        second.metric(t("gan.metrics.precision_recall"), precision_recall)
        return
    total = len(trainer.modes)
    covered = int(latest.get("modes", 0))
    second.metric(t("gan.metrics.modes"), t("gan.metrics.modes_value", covered=covered, total=total))
    first, second = where.columns(2)
    first.metric(t("gan.metrics.high_quality"), f"{100 * latest.get('high_quality', 0):.0f}%")
    second.metric(t("gan.metrics.precision_recall"), precision_recall)
    if trainer.first_all_modes_seconds is not None:
        where.caption(t("gan.metrics.first_all", total=total, seconds=f"{trainer.first_all_modes_seconds:.1f}",
                        iteration=f"{trainer.first_all_modes_step // trainer.updates_per_iteration:,}"))


def slow_motion_note(trainer: GanTrainer, where) -> None:
    if trainer.last_update is not None:
        where.info(t(f"gan.slow.did_{trainer.last_update}"), icon=":material/slow_motion_video:")
    k = trainer.config.d_steps
    phase = trainer.steps_done % trainer.updates_per_iteration
    where.caption(t("gan.slow.next_g") if trainer.next_update() == "g" else t("gan.slow.next_d", i=phase + 1, k=k))


def loss_curves(run, where, key: str, x_title: str, height: int) -> None:
    """D's and G's losses: a picture while the run trains (legend and axes in text under it), else a chart."""
    h = run.trainer.history
    steps, d_loss, g_loss = thin(h["step"], h["d_loss"], h["g_loss"])
    if run.running:
        legend = markdown_legend([(t("gan.curves.d_loss"), PALETTE[0]), (t("gan.curves.g_loss"), PALETTE[1])])
        show_picture(live_png(run, key, lambda: curves_picture(steps, [d_loss, g_loss], height=height)),
                     title=t("gan.curves.losses"), where=where,
                     caption=f"{legend}  \n{t('runner.axes', x=x_title, y=t('gan.curves.losses'))}")
        return
    show(curves_figure(steps, {t("gan.curves.d_loss"): d_loss, t("gan.curves.g_loss"): g_loss},
                       title=t("gan.curves.losses"), x_title=x_title, height=height), key=key, where=where)


VIOLET, GRAY = "#9333ea", "#6b7280"  # .streamlit/config.toml's Markdown colours, as `view_legend` uses them
_LIVE_TEXTS = ("gan.metrics.iterations", "gan.metrics.precision_recall", "gan.metrics.modes", "gan.metrics.modes_value",
               "gan.metrics.high_quality", "gan.metrics.first_all", "gan.curves.losses", "gan.curves.d_loss",
               "gan.curves.g_loss", "gan.curves.x", "runner.axes", "gan.curves.coverage", "gan.curves.modes",
               "gan.curves.high_quality", "gan.curves.precision", "gan.curves.recall", "gan.curves.pr",
               "gan.view.surface_bar", "gan.view.warped_slice", "runner.live_picture")


def gan_live_frame(names: dict, surface: bool, arrows: bool, grid: bool, noise_dim: int):
    """`draw_points`' live view as live-panel blocks: the same pictures, numbers and legends. The texts are
    translated here, in the page's run; the blocks are made later, outside it."""
    text = {key: t(key) for key in _LIVE_TEXTS}  # templates: their {placeholders} are filled below

    def frame(run) -> list[dict]:
        trainer: GanTrainer = run.trainer
        view = run.per_model_state("view", lambda: trainer.view(surface=surface, arrows=arrows, warped=grid),
                                   surface, arrows, grid)
        src = run.per_model_state("picture.png", lambda: png_data_uri(gan_view_picture(view)), surface, arrows, grid)
        legend = [("●", names["real"], REAL_COLOR), ("●", names["fake"], FAKE_COLOR)]
        legend += [(mark, names[name], color) for mark, name, color, shown in (
            ("→", "arrows", VIOLET, view.pull), ("┼", "warped", VIOLET, view.warped), ("◌", "modes", GRAY, view.modes))
                   if shown is not None]
        notes = [text["gan.view.surface_bar"].format(name=names["surface"])] if view.surface is not None else []
        if grid and noise_dim > 2:
            notes.append(text["gan.view.warped_slice"].format(dim=noise_dim))
        view_col = [live_feed.picture(src, legend=legend, caption="\n".join(notes), stretch=True)]
        return [live_feed.columns([3, 2], view_col, live_metrics(trainer, text) + live_history(run, text)),
                live_feed.note(text["runner.live_picture"])]

    return frame


def live_metrics(trainer: GanTrainer, text: dict) -> list[dict]:
    """`metric_row` as blocks."""
    latest = trainer.latest()
    iterations = (text["gan.metrics.iterations"], f"{trainer.iterations:,}")
    pr = (text["gan.metrics.precision_recall"],
          f"{100 * latest.get('precision', 0):.0f}% · {100 * latest.get('recall', 0):.0f}%")
    if trainer.modes is None:
        return [live_feed.metrics(iterations, pr)]
    total = len(trainer.modes)
    modes = (text["gan.metrics.modes"], text["gan.metrics.modes_value"].format(covered=int(latest.get("modes", 0)),
                                                                               total=total))
    blocks = [live_feed.metrics(iterations, modes),
              live_feed.metrics((text["gan.metrics.high_quality"], f"{100 * latest.get('high_quality', 0):.0f}%"), pr)]
    if trainer.first_all_modes_seconds is not None:
        blocks.append(live_feed.note(text["gan.metrics.first_all"].format(
            total=total, seconds=f"{trainer.first_all_modes_seconds:.1f}",
            iteration=f"{trainer.first_all_modes_step // trainer.updates_per_iteration:,}")))
    return blocks


def history_pictures(run, text: dict) -> list[tuple[str, str, list, str]]:
    """`history_charts` while training: the loss and coverage pictures as (title, PNG data URI, legend entries
    (mark, label, colour), axes caption); none before the first measurement."""
    trainer: GanTrainer = run.trainer
    h, x_title = trainer.history, text["gan.curves.x"]
    if not h["step"] or "d_loss" not in h:
        return []
    steps, d_loss, g_loss = thin(h["step"], h["d_loss"], h["g_loss"])
    losses = live_png(run, "gan.losses", lambda: curves_picture(steps, [d_loss, g_loss], height=220))
    pictures = [(text["gan.curves.losses"], losses,
                 [("━━", text["gan.curves.d_loss"], PALETTE[0]), ("━━", text["gan.curves.g_loss"], PALETTE[1])],
                 text["runner.axes"].format(x=x_title, y=text["gan.curves.losses"]))]
    if trainer.modes is not None:
        total = len(trainer.modes)
        steps, modes, hq = thin(h["step"], h["modes"], h["high_quality"])
        build = lambda: coverage_picture(steps, [list(modes)], (0, total + 0.5), [[100 * v for v in hq]])  # noqa: E731
        modes_label = text["gan.curves.modes"].format(total=total)
        legend = [("━━", modes_label, REAL_COLOR), ("╌╌", text["gan.curves.high_quality"], FAKE_COLOR)]
        title, y_title = text["gan.curves.coverage"], modes_label
    else:
        steps, precision, recall = thin(h["step"], h["precision"], h["recall"])
        build = lambda: coverage_picture(steps, [[100 * v for v in precision], [100 * v for v in recall]],  # noqa: E731
                                         (0, 100))
        legend = [("━━", text["gan.curves.precision"], REAL_COLOR), ("━━", text["gan.curves.recall"], FAKE_COLOR)]
        title = y_title = text["gan.curves.pr"]
    pictures.append((title, live_png(run, "gan.coverage", build), legend,
                     text["runner.axes"].format(x=x_title, y=y_title)))
    return pictures


def live_history(run, text: dict) -> list[dict]:
    """`history_pictures` as live-panel blocks."""
    return [live_feed.picture(src, title=title, legend=legend, caption=caption, stretch=True)
            for title, src, legend, caption in history_pictures(run, text)]


def history_charts(run, where) -> None:
    trainer: GanTrainer = run.trainer
    h = trainer.history
    if not h["step"] or "d_loss" not in h:
        return
    x_title = t("gan.curves.x")
    if run.running:  # pictures, their legends and axes in text (the live panel draws the same ones)
        for title, src, legend, caption in history_pictures(run, {key: t(key) for key in _LIVE_TEXTS}):
            marks = " \u2003 ".join(markdown_legend([(label, color)], mark=mark) for mark, label, color in legend)
            show_picture(src, title=title, where=where, caption=f"{marks}  \n{caption}")
        return
    loss_curves(run, where, "gan.losses", x_title, 220)
    if trainer.modes is not None:
        steps, modes, hq = thin(h["step"], h["modes"], h["high_quality"])
        total = len(trainer.modes)
        show(coverage_figure(steps, {t("gan.curves.modes", total=total): list(modes)}, title=t("gan.curves.coverage"),
                             x_title=x_title, left_range=(0, total + 0.5),
                             right={t("gan.curves.high_quality"): [100 * v for v in hq]}),
             key="gan.coverage", where=where)
    else:
        steps, precision, recall = thin(h["step"], h["precision"], h["recall"])
        show(coverage_figure(steps, {t("gan.curves.precision"): [100 * v for v in precision],
                                     t("gan.curves.recall"): [100 * v for v in recall]},
                             title=t("gan.curves.pr"), x_title=x_title, left_range=(0, 100)),
             key="gan.coverage", where=where)


with points_tab:
    top = st.columns(4, gap="medium")
    target = page.choice("target", targets.TARGETS, "ring", labels=options("gan.target", list(targets.TARGETS)),
                         where=top[0])
    loss = page.choice("loss", LOSSES, "minimax", labels=options("gan.loss", list(LOSSES)), where=top[1])
    d_steps = page.slider("d_steps", 1, 5, 2, where=top[2])
    batch = page.choice("batch", BATCHES, 150, style="slider", where=top[3])
    tuned = any(name in st.query_params for name in NETWORK_CONTROLS)  # a link that changed them opens the box
    with st.expander(t("gan.section.networks"), expanded=tuned, icon=":material/tune:"):
        g_col, d_col, noise_col, train_col = st.columns(4, gap="medium")
        g_col.markdown(t("gan.section.generator"))
        g_layers = page.slider("g_layers", 1, 4, 2, where=g_col)
        g_width = page.choice("g_width", WIDTHS, 64, style="slider", where=g_col)
        g_lr = page.choice("g_lr", LR_LADDER, 1e-3, style="slider", where=g_col)
        d_col.markdown(t("gan.section.discriminator"))
        d_layers = page.slider("d_layers", 1, 4, 2, where=d_col)
        d_width = page.choice("d_width", WIDTHS, 64, style="slider", where=d_col)
        d_lr = page.choice("d_lr", LR_LADDER, 1e-3, style="slider", where=d_col)
        noise_col.markdown(t("gan.section.noise"))
        noise_dim = page.slider("noise_dim", 1, 8, 2, where=noise_col)
        noise = page.choice("noise", NOISES, "uniform", labels=options("gan.noise", list(NOISES)),
                            style="segmented", where=noise_col)
        train_col.markdown(t("gan.section.training"))
        optimizer = page.choice("optimizer", OPTIMIZERS, "adam", labels=options("gan.optimizer", list(OPTIMIZERS)),
                                style="segmented", where=train_col)
        activation = page.choice("activation", ACTIVATIONS, "relu",
                                 labels=options("gan.activation", list(ACTIVATIONS)), where=train_col)

    layer_row = st.columns(4)
    show_surface = page.toggle("show_surface", True, where=layer_row[0])
    show_arrows = page.toggle("show_arrows", True, where=layer_row[1])
    show_grid = page.toggle("show_grid", False, where=layer_row[2])
    slow = page.toggle("slow", False, where=layer_row[3])

    if target in targets.BUILT_IN:
        chosen, digest = targets.BUILT_IN[target](), ""
    else:
        chosen, digest = custom_target(target)

    if chosen is not None:
        config = GanConfig(target=target, g_layers=g_layers, g_width=g_width, d_layers=d_layers, d_width=d_width,
                           activation=activation, noise_dim=noise_dim, noise=noise, loss=loss, optimizer=optimizer,
                           g_lr=g_lr, d_lr=d_lr, d_steps=d_steps, batch=batch, seed=seed(), points_digest=digest)
        names = {name: t(f"gan.view.{name}") for name in ("real", "fake", "arrows", "warped", "modes")}
        names["surface"] = t(f"gan.view.surface_{GAN_LOSSES[loss].d_output}")

        def view_legend(view) -> str:
            """The live view's legend, in text under its picture: only the layers it shows."""
            entries = [markdown_legend([(names["real"], REAL_COLOR), (names["fake"], FAKE_COLOR)], mark="●")]
            if view.pull is not None:
                entries.append(f":violet[→] {names['arrows']}")
            if view.warped is not None:
                entries.append(f":violet[┼] {names['warped']}")
            if view.modes is not None:
                entries.append(f":gray[◌] {names['modes']}")
            surface = t("gan.view.surface_bar", name=names["surface"]) if view.surface is not None else ""
            return " \u2003 ".join(entries) + (f"  \n{surface}" if surface else "")

        def draw_points(run) -> None:
            trainer: GanTrainer = run.trainer
            view_col, side_col = st.columns([3, 2], gap="medium")
            view = run.per_model_state("view", lambda: trainer.view(surface=show_surface, arrows=show_arrows,
                                                                    warped=show_grid), show_surface, show_arrows, show_grid)
            if run.running:
                picture = run.per_model_state("picture", lambda: gan_view_picture(view), show_surface, show_arrows,
                                              show_grid)
                view_col.image(png_data_uri(picture), caption=view_legend(view), width="stretch")
            else:
                show(gan_view_figure(view, names), key="gan.view", where=view_col)
            if show_grid and noise_dim > 2:
                view_col.caption(t("gan.view.warped_slice", dim=noise_dim))
            metric_row(trainer, side_col)
            if slow:
                slow_motion_note(trainer, side_col)
            history_charts(run, side_col)
            if run.running:
                st.caption(t("runner.live_picture"))

        k = d_steps + 1
        live_training("gan", lambda: GanTrainer(config, chosen), config, draw_points,
                      steps_per_click=1 if slow else k, steps_per_tick=1 if slow else None,
                      interval_s=SLOW_INTERVAL_S if slow else INTERVAL_S,
                      live_frame=gan_live_frame(names, show_surface, show_arrows, show_grid, noise_dim))
        st.caption(t("gan.step_note", k=k, d=d_steps))

    with st.expander(t("gan.explain.heading"), icon=":material/school:"):
        st.markdown(t("gan.explain.body"))
    takeaway("gan", "points")


# ---------------- handwritten digits ----------------
@st.cache_data(max_entries=4, show_spinner=False)
def real_digits_picture(seed_value: int) -> str:
    """64 training digits, for comparison with G's: the same for the whole run."""
    return digit_picture(digit_split(seed=seed_value).x_train[:64, 0].cpu().numpy(), 8)


with digits_tab:
    st.markdown(t("gan.digits.intro"))
    cols = st.columns(3)
    digits_lr = page.choice("digits_lr", DIGIT_LRS, 1e-3, style="slider", where=cols[0])
    digits_noise = page.choice("digits_noise", DIGIT_NOISE_DIMS, 16, style="slider", where=cols[1])
    digits_loss = page.choice("digits_loss", DIGIT_LOSSES, "nonsat", labels=options("gan.loss", list(DIGIT_LOSSES)),
                              where=cols[2])
    digits_config = DigitsGanConfig(noise_dim=digits_noise, loss=digits_loss, lr=digits_lr, seed=seed())

    def build_digits() -> DigitsGanTrainer:
        split = digit_split(seed=digits_config.seed)
        return DigitsGanTrainer(digits_config, split.x_train, split.x_test)

    def draw_digits(run) -> None:
        trainer: DigitsGanTrainer = run.trainer
        fake_col, real_col, curve_col = st.columns([1, 1, 1.4], gap="medium")
        fake_col.image(run.per_model_state("samples", lambda: digit_picture(trainer.samples().cpu().numpy(), 8)),
                       caption=t("gan.digits.samples"), width="stretch")
        real_col.image(real_digits_picture(digits_config.seed), caption=t("gan.digits.real"), width="stretch")
        h = trainer.history
        if h["step"]:
            loss_curves(run, curve_col, "gan_digits.losses", t("gan.digits.x"), 200)
            steps, one_nn = thin(h["step"], [100 * v for v in h["one_nn"]])
            if run.running:
                show_picture(live_png(run, "gan_digits.one_nn", lambda: curves_picture(steps, [one_nn],
                                                                                             height=200)),
                             title=t("gan.digits.one_nn_title"), where=curve_col,
                             caption=t("runner.axes", x=t("gan.digits.x"), y=t("gan.digits.one_nn")))
            else:
                show(curves_figure(steps, {t("gan.digits.one_nn"): one_nn}, title=t("gan.digits.one_nn_title"),
                                   x_title=t("gan.digits.x"), height=200), key="gan_digits.one_nn", where=curve_col)
            curve_col.caption(t("gan.digits.one_nn_note", value=f"{one_nn[-1]:.0f}"))
            if run.running:
                st.caption(t("runner.live_picture"))

    live_training("gan_digits", build_digits, digits_config, draw_digits, steps_per_click=50)
    takeaway("gan", "digits")

page.finish()
