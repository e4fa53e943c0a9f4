"""GAN variants, one tab each: conditional GAN / AC-GAN on digits, InfoGAN's codes, CycleGAN's round trips, pix2pix."""
from typing import NamedTuple

import numpy as np
import streamlit as st
import torch

from core.digits import digit_split
from core.generative import conditional, cyclegan, infogan, pix2pix
from core.generative.digit_judge import JUDGE_SEED, ready_judge, start_judge
from ui import live_feed
from ui.figures.chart_pictures import NAMED_COLORS, live_png, markdown_legend, show_picture
from ui.figures.common import PALETTE, show
from ui.figures.generative.digit_pictures import digit_picture, thin
from ui.figures.generative.gan_variants import (BACK_COLOR, DOMAIN_A, DOMAIN_B, THERE_COLOR,
                                                coded_points_figure, coded_points_picture, cycle_figure,
                                                cycle_picture, per_class_figure, per_class_picture,
                                                variant_curves_figure, variant_curves_picture)
from ui.i18n import current_language, options, t
from ui.page import Page, seed
from ui.runner import LIGHT_INTERVAL_S, live_training
from ui.teaching import takeaway

COND_LRS = [2e-4, 5e-4, 1e-3, 2e-3]
COND_NOISE_DIMS = [4, 8, 16, 32]
DIGITS = list(range(10))
INFO_LAMBDAS = [0.25, 0.5, 1.0, 2.0]
CYCLE_LAMBDAS = [1.0, 2.0, 5.0, 10.0]
CYCLE_ARROWS = 40
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.35, xanchor="left", x=0.0)
INFO_SHOWN = 60  # samples drawn per code value (all 200 are measured)
INFO_GANS = ("info", "plain")

page = Page("gan_variants")
lang = current_language()  # figures kept between refreshes carry translated labels: rebuilt when it changes
page.header()
start_judge()  # the digit-judging CNN trains in the background (once per server) while the visitor reads
cond_tab, info_tab, cycle_tab, pix_tab = st.tabs([t(f"gan_variants.tab.{name}")
                                                  for name in ("cond", "info", "cycle", "pix")])


def about(name: str) -> None:
    """What the variant changes in the objective, its formula and paper: open at the top of its tab.

    An expander, not a plain box: its header is the tab's first focusable element. The tab panel (react-aria's
    useHasTabbableChild) searches its DOM for one after every React commit — ~20 per live refresh — and without it
    each search crossed the formulas' hundreds of KaTeX nodes: 1.7 s of Chromium's main thread per 5 s of training."""
    with st.expander(t("gan_variants.about_label"), expanded=True, icon=":material/function:"):
        st.markdown(t(f"gan_variants.{name}.about"))


class Curves(NamedTuple):
    """Training curves of the named metrics: history name → translated label."""
    key: str
    history: dict[str, list[float]]
    series: dict[str, str]
    title: str
    percent: bool = False

    def values(self):
        """The named metrics that have readings, their steps and values (thinned for the browser), or None."""
        names = [name for name in self.series if name in self.history]
        if not self.history["step"] or not names:
            return None
        steps, *values = thin(self.history["step"], *[self.history[name] for name in names])
        return names, steps, [(100 if self.percent else 1) * np.asarray(ys, dtype=float) for ys in values]


def curve_chart(run, spec: Curves) -> tuple[str, str, str] | None:
    """The curves while the run trains, as (title, PNG data URI, caption: legend and axes); None before the first
    reading."""
    drawn = spec.values()
    if drawn is None:
        return None
    names, steps, values = drawn
    legend = markdown_legend([(spec.series[name], PALETTE[i]) for i, name in enumerate(names)]) + "  \n" \
        if len(names) > 1 else ""
    return (spec.title, live_png(run, spec.key, lambda: variant_curves_picture(steps, values)),
            legend + t("runner.axes", x=t("gan_variants.iterations"), y=spec.title))


def curves(where, run, spec: Curves) -> None:
    """The curves: a picture while the run trains (its legend and axes in text under it), an interactive chart when
    paused."""
    if run.running:
        show_chart(curve_chart(run, spec), where)
        return
    drawn = spec.values()
    if drawn is not None:
        names, steps, values = drawn
        show(variant_curves_figure(steps, {spec.series[name]: ys for name, ys in zip(names, values)},
                                   title=spec.title, x_title=t("gan_variants.iterations"), legend=LEGEND_BELOW),
             key=spec.key, where=where)


def show_chart(chart: tuple[str, str, str] | None, where) -> None:
    if chart is not None:
        title, src, caption = chart
        show_picture(src, title=title, caption=caption, where=where)


def live_note(run) -> None:
    """Under a live panel: its charts are pictures until the run is paused."""
    if run.running:
        st.caption(t("runner.live_picture"))


def block(chart: tuple[str, str, str] | None) -> list[dict]:
    """A (title, PNG data URI, caption) chart as live-panel blocks (none for None)."""
    return [] if chart is None else [live_feed.picture(chart[1], title=chart[0], caption=chart[2], stretch=True)]


def image_blocks(images: list[tuple[str, str]]) -> list[dict]:
    """Digit grids as (PNG data URI, caption), as live-panel blocks."""
    return [live_feed.picture(src, caption=caption, stretch=True) for src, caption in images]


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


# ---------------- conditional GAN / AC-GAN ----------------
with cond_tab:
    about("cond")
    cols = st.columns(3, gap="medium")
    kind = page.choice("kind", conditional.KINDS, "acgan", labels=options("gan_variants.kind", list(conditional.KINDS)),
                       style="segmented", where=cols[0])
    cond_noise = page.choice("cond_noise", COND_NOISE_DIMS, 16, style="slider", where=cols[1])
    cond_lr = page.choice("cond_lr", COND_LRS, 1e-3, style="slider", where=cols[2])
    digit = page.choice("digit", DIGITS, 3, style="segmented")
    cond_config = conditional.ConditionalConfig(kind=kind, noise_dim=cond_noise, lr=cond_lr, seed=seed())

    def build_cond() -> conditional.ConditionalGanTrainer:
        split = digit_split(seed=cond_config.seed)
        return conditional.ConditionalGanTrainer(cond_config, split.x_train, split.y_train, split.x_test,
                                                 split.y_test, ready_judge)

    def cond_images(run) -> list[tuple[str, str]]:
        """G's digits drawn as `digit`, and a row of each class, as (PNG data URI, caption)."""
        tr: conditional.ConditionalGanTrainer = run.trainer
        return [(run.per_model_state("pick", lambda: digit_picture(tr.draw(digit).cpu().numpy(), 4, scale=8), digit),
                 t("gan_variants.cond.pick_caption", digit=digit)),
                (run.per_model_state("grid", lambda: digit_picture(tr.grid().cpu().numpy(),
                                                                   conditional.SAMPLES_PER_CLASS)),
                 t("gan_variants.cond.grid_caption"))]

    def cond_metrics(tr: conditional.ConditionalGanTrainer) -> list[tuple[str, str, str]]:
        """The judge's reading of G's digits (and AC-GAN's own classifier): (label, value, help)."""
        metrics = [(t("gan_variants.cond.recognised"), percent(tr.recognised), t("gan_variants.cond.recognised_help"))]
        if kind == "acgan":
            latest = tr.latest()
            metrics.append((t("gan_variants.cond.aux"), percent(latest.get("aux_real")),
                            t("gan_variants.cond.aux_help", fake=percent(latest.get("aux_fake")))))
        return metrics

    def per_class_chart(run) -> tuple[str, str, str]:
        """The judge's reading per class while training, as (title, PNG data URI, caption)."""
        target = f"{100 * conditional.TARGET_RECOGNISED:.0f} %"
        legend = (markdown_legend([(t("gan_variants.cond.chosen"), PALETTE[1])], mark="■")
                  + f" \u2003 :gray[╌╌] {t('gan_variants.cond.target', target=target)}")
        axes = t("runner.axes", x=t("gan_variants.cond.digit_axis"), y=t("gan_variants.cond.per_class"))
        return (t("gan_variants.cond.per_class"), live_png(run, "per_class", lambda: per_class_picture(
            run.trainer.per_class, chosen=digit, target=conditional.TARGET_RECOGNISED), digit), f"{legend}  \n{axes}")

    def cond_reached(tr: conditional.ConditionalGanTrainer) -> str | None:
        return None if tr.reached is None else t("gan_variants.cond.reached", iteration=f"{tr.reached[0]:,}",
                                                 seconds=f"{tr.reached[1]:.1f}")

    def cond_curves(tr: conditional.ConditionalGanTrainer) -> Curves:
        return Curves("gan_variants.cond.curves", tr.judged, {"recognised": t("gan_variants.cond.recognised")},
                      t("gan_variants.cond.curves_title"), percent=True)

    def draw_cond(run) -> None:
        tr: conditional.ConditionalGanTrainer = run.trainer
        pick_col, grid_col, side_col = st.columns([1, 1.2, 1.6], gap="medium")
        for where, (src, caption) in zip((pick_col, grid_col), cond_images(run)):
            where.image(src, caption=caption, width="stretch")
        for where, (label, value, help_) in zip(side_col.columns(2), cond_metrics(tr)):
            where.metric(label, value, help=help_)
        if tr.recognised is None:
            side_col.caption(t("gan_variants.cond.judge_note"))
            return
        if run.running:
            show_chart(per_class_chart(run), side_col)
        else:
            show(per_class_figure(tr.per_class, title=t("gan_variants.cond.per_class"), chosen=digit,
                                  target=conditional.TARGET_RECOGNISED), key="gan_variants.cond.per_class",
                 where=side_col)
        if tr.reached is not None:
            side_col.caption(cond_reached(tr))
        curves(side_col, run, cond_curves(tr))
        live_note(run)

    def cond_frame(run) -> list[dict]:
        """`draw_cond` while it trains, as live-panel blocks (ui/live_feed.py)."""
        tr: conditional.ConditionalGanTrainer = run.trainer
        side = [live_feed.metrics(*[(label, value) for label, value, _ in cond_metrics(tr)])]
        if tr.recognised is None:
            side.append(live_feed.note(t("gan_variants.cond.judge_note")))
        else:
            side += block(per_class_chart(run))
            side += [live_feed.note(cond_reached(tr))] if tr.reached is not None else []
            side += block(curve_chart(run, cond_curves(tr)))
        pick, grid = image_blocks(cond_images(run))
        return [live_feed.columns([1, 1.2, 1.6], [pick], [grid], side)] + \
            ([live_feed.note(t("runner.live_picture"))] if tr.recognised is not None else [])

    live_training("gan_variants_cond", build_cond, cond_config, draw_cond, steps_per_click=50,
                  interval_s=LIGHT_INTERVAL_S, live_frame=cond_frame)
    takeaway("gan_variants", "cond")


# ---------------- InfoGAN ----------------
with info_tab:
    about("info")
    cols = st.columns(2, gap="medium")
    info_target = page.choice("info_target", infogan.TARGETS, "blobs",
                              labels=options("gan_variants.info_target", list(infogan.TARGETS)), where=cols[0])
    info_lam = page.choice("info_lam", INFO_LAMBDAS, 1.0, style="slider", where=cols[1])
    info_config = infogan.InfoGanConfig(target=info_target, lam=info_lam, seed=seed())

    def info_view(tr: infogan.InfoGanTrainer, name: str):
        """Samples of one GAN coloured by their code (the first INFO_SHOWN of each code value)."""
        shown = (torch.arange(len(tr.eval_codes), device=tr.eval_codes.device) % infogan.EVAL_PER_CODE) < INFO_SHOWN
        return coded_points_figure(tr.real_pool[:400].cpu().numpy(), tr.samples(name)[shown].cpu().numpy(),
                                   tr.eval_codes[shown].cpu().numpy(), title=t(f"gan_variants.info.{name}_title"),
                                   real_name=t("gan_variants.info.real"), sample_name=t("gan_variants.info.samples"),
                                   modes=tr.modes.cpu().numpy(), mode_radius=3 * tr.target.jitter, box=2.5,
                                   revision=f"gan_variants.info.{name}")

    def info_picture(tr: infogan.InfoGanTrainer, name: str):
        shown = (torch.arange(len(tr.eval_codes), device=tr.eval_codes.device) % infogan.EVAL_PER_CODE) < INFO_SHOWN
        return coded_points_picture(tr.real_pool[:400].cpu().numpy(), tr.samples(name)[shown].cpu().numpy(),
                                    tr.eval_codes[shown].cpu().numpy(), modes=tr.modes.cpu().numpy(),
                                    mode_radius=3 * tr.target.jitter, box=2.5)

    def info_legend() -> str:
        codes = "".join(f":{color}[●]" for color in ("blue", "orange", "green", "red"))
        return (markdown_legend([(t("gan_variants.info.real"), NAMED_COLORS["gray"])], mark="●")
                + f" \u2003 {codes} {t('gan_variants.info.samples')} \u2003 :gray[◯] {t('gan_variants.info.rings')}")

    def info_charts(run) -> list[tuple[str, str, str]]:
        """Both GANs' samples while training, as (title, PNG data URI, caption)."""
        tr: infogan.InfoGanTrainer = run.trainer
        return [(t(f"gan_variants.info.{name}_title"), live_png(run, f"picture.{name}", lambda: info_picture(tr, name)),
                 info_legend()) for name in INFO_GANS]

    def info_purity(tr: infogan.InfoGanTrainer, name: str) -> str:
        return t("gan_variants.info.purity", purity=percent(min(tr.purity[name])),
                 distinct=len(set(tr.chosen_modes[name])), k=tr.k)

    def info_curves(tr: infogan.InfoGanTrainer) -> list[Curves]:
        return [Curves("gan_variants.info.mi", tr.history, {"info_ce": t("gan_variants.info.ce"),
                                                            "mi_bound": t("gan_variants.info.bound")},
                       t("gan_variants.info.mi_title", log_k=f"{tr.entropy:.2f}")),
                Curves("gan_variants.info.code_info", tr.history,
                       {"code_info_info": t("gan_variants.info.info_name"),
                        "code_info_plain": t("gan_variants.info.plain_name")},
                       t("gan_variants.info.code_info_title"), percent=True)]

    def info_reached(tr: infogan.InfoGanTrainer) -> str:
        return t("gan_variants.info.reached", iteration=f"{tr.reached[0]:,}", seconds=f"{tr.reached[1]:.1f}")

    def draw_info(run) -> None:
        tr: infogan.InfoGanTrainer = run.trainer
        columns = st.columns(2, gap="medium")
        for name, where, chart in zip(INFO_GANS, columns, info_charts(run) if run.running else [None] * 2):
            if chart is not None:
                show_chart(chart, where)
            else:
                view = run.per_model_state(f"view.{name}", lambda: info_view(tr, name), lang)
                show(view, key=f"gan_variants.info.{name}", where=where, csv=False)
            if tr.history["step"]:
                where.caption(info_purity(tr, name))
        if not tr.history["step"]:
            live_note(run)
            return
        if tr.reached is not None:
            st.success(info_reached(tr), icon=":material/check_circle:")
        for where, spec in zip(st.columns(2, gap="medium"), info_curves(tr)):
            curves(where, run, spec)
        live_note(run)

    def info_frame(run) -> list[dict]:
        """`draw_info` while it trains, as live-panel blocks (ui/live_feed.py)."""
        tr: infogan.InfoGanTrainer = run.trainer
        measured = bool(tr.history["step"])
        views = [block(chart) + ([live_feed.note(info_purity(tr, name))] if measured else [])
                 for name, chart in zip(INFO_GANS, info_charts(run))]
        blocks = [live_feed.columns([1, 1], *views)]
        if measured:
            blocks += [live_feed.text(info_reached(tr))] if tr.reached is not None else []
            blocks.append(live_feed.columns([1, 1], *[block(curve_chart(run, spec)) for spec in info_curves(tr)]))
        return blocks + [live_feed.note(t("runner.live_picture"))]

    live_training("gan_variants_info", lambda: infogan.InfoGanTrainer(info_config), info_config, draw_info,
                  steps_per_click=50, interval_s=LIGHT_INTERVAL_S, live_frame=info_frame)
    takeaway("gan_variants", "info")


# ---------------- CycleGAN ----------------
with cycle_tab:
    about("cycle")
    cols = st.columns(4, gap="medium")
    cycle_shape = page.choice("cycle_shape", cyclegan.SHAPES, "ell",
                              labels=options("gan_variants.shape", list(cyclegan.SHAPES)), where=cols[0])
    cycle_angle = page.choice("cycle_angle", cyclegan.ANGLES, 90, style="segmented",
                              labels=lambda a: f"{a}°", where=cols[1])
    cycle_on = page.toggle("cycle", True, where=cols[2])
    cycle_lam = page.choice("cycle_lam", CYCLE_LAMBDAS, 5.0, style="slider", where=cols[3])
    cycle_config = cyclegan.CycleGanConfig(shape=cycle_shape, angle=cycle_angle, cycle=cycle_on, lam=cycle_lam,
                                           seed=seed())

    def cycle_points(tr: cyclegan.CycleGanTrainer) -> tuple[np.ndarray, ...]:
        """Points of A and of B, and CYCLE_ARROWS round trips: a, G(a), F(G(a))."""
        return (tr.eval_a[:300].cpu().numpy(), tr.eval_b[:300].cpu().numpy(),
                *(v.cpu().numpy() for v in tr.round_trip(CYCLE_ARROWS)))

    def cycle_view(tr: cyclegan.CycleGanTrainer):
        names = {name: t(f"gan_variants.cycle.{name}") for name in ("a", "b", "there", "back", "start")}
        return cycle_figure(*cycle_points(tr), names, box=2.6, revision="gan_variants.cycle")

    def cycle_legend() -> str:
        name = lambda key: t(f"gan_variants.cycle.{key}")  # noqa: E731
        return (markdown_legend([(name("a"), DOMAIN_A), (name("b"), DOMAIN_B), (name("start"), DOMAIN_A)], mark="●")
                + " \u2003 " + markdown_legend([(name("there"), THERE_COLOR), (name("back"), BACK_COLOR)]))

    def cycle_metrics(latest: dict) -> list[tuple[str, str, str]]:
        """How far round trips and partners land, and how many land on B: (label, value, help)."""
        return [(t("gan_variants.cycle.cycle_error"), f"{latest['cycle_error']:.2f}",
                 t("gan_variants.cycle.cycle_error_help")),
                (t("gan_variants.cycle.partner_error"), f"{latest['partner_error']:.2f}",
                 t("gan_variants.cycle.partner_error_help")),
                (t("gan_variants.cycle.on_shape"), percent(latest["on_shape"]),
                 t("gan_variants.cycle.on_shape_help", d=cyclegan.ON_SHAPE))]

    def cycle_curves(tr: cyclegan.CycleGanTrainer) -> Curves:
        return Curves("gan_variants.cycle.curves", tr.history, {"cycle_error": t("gan_variants.cycle.cycle_error"),
                                                                "partner_error": t("gan_variants.cycle.partner_error")},
                      t("gan_variants.cycle.curves_title"))

    def cycle_png(run) -> str:
        """The round trips while training, as a PNG data URI (untitled, as the chart; `cycle_legend` under it)."""
        return live_png(run, "picture", lambda: cycle_picture(*cycle_points(run.trainer), box=2.6))

    def draw_cycle(run) -> None:
        tr: cyclegan.CycleGanTrainer = run.trainer
        view_col, side_col = st.columns([3, 2], gap="medium")
        if run.running:
            view_col.image(cycle_png(run), caption=cycle_legend(), width="stretch")
        else:
            show(run.per_model_state("view", lambda: cycle_view(tr), lang), key="gan_variants.cycle.view",
                 where=view_col, csv=False)
        latest = tr.latest()
        if not latest:
            side_col.caption(t("gan_variants.cycle.before"))
            return
        for where, (label, value, help_) in zip(side_col.columns(3), cycle_metrics(latest)):
            where.metric(label, value, help=help_)
        curves(side_col, run, cycle_curves(tr))
        live_note(run)

    def cycle_frame(run) -> list[dict]:
        """`draw_cycle` while it trains, as live-panel blocks (ui/live_feed.py)."""
        tr: cyclegan.CycleGanTrainer = run.trainer
        latest = tr.latest()
        view = [live_feed.picture(cycle_png(run), caption=cycle_legend(), stretch=True)]
        if not latest:
            return [live_feed.columns([3, 2], view, [live_feed.note(t("gan_variants.cycle.before"))])]
        side = [live_feed.metrics(*[(label, value) for label, value, _ in cycle_metrics(latest)])]
        return [live_feed.columns([3, 2], view, side + block(curve_chart(run, cycle_curves(tr)))),
                live_feed.note(t("runner.live_picture"))]

    live_training("gan_variants_cycle", lambda: cyclegan.CycleGanTrainer(cycle_config), cycle_config, draw_cycle,
                  steps_per_click=50, interval_s=LIGHT_INTERVAL_S, live_frame=cycle_frame)
    takeaway("gan_variants", "cycle")


# ---------------- pix2pix ----------------
with pix_tab:
    about("pix")
    cols = st.columns(2, gap="medium")
    pix_task = page.choice("pix_task", pix2pix.TASKS, "inpaint",
                           labels=options("gan_variants.task", list(pix2pix.TASKS)), where=cols[0])
    pix_lam = page.choice("pix_lam", pix2pix.LAMBDAS, 10.0, style="slider", where=cols[1])
    pix_config = pix2pix.Pix2PixConfig(task=pix_task, lam=pix_lam, seed=seed())

    def build_pix() -> pix2pix.Pix2PixTrainer:
        split = digit_split(seed=JUDGE_SEED)  # the judge's split: it never saw these test digits
        return pix2pix.Pix2PixTrainer(pix_config, split.x_train, split.x_test, split.y_test, ready_judge)

    def pix_rows(run) -> list[tuple[str, str]]:
        """What each generator sees, both generators' digits and the real ones, as (PNG data URI, caption)."""
        rows = run.per_model_state("rows", lambda: run.trainer.shown().cpu().numpy())
        n = pix2pix.N_SHOWN
        return [(run.per_model_state(f"row.{row}", lambda: digit_picture(rows[i * n:(i + 1) * n], n)),
                 t(f"gan_variants.pix.row_{row}")) for i, row in enumerate(("view", "l1", "gan", "truth"))]

    def pix_metrics(tr: pix2pix.Pix2PixTrainer, latest: dict) -> list[list[tuple[str, str, str | None]]]:
        """Per generator: its test L1, sharpness and the judge's reading, as (label, value, help)."""
        return [[(t(f"gan_variants.pix.test_l1_{name}"), f"{latest[f'test_l1_{name}']:.3f}", None),
                 (t("gan_variants.pix.sharp"), f"{latest[f'sharp_{name}']:.3f}",
                  t("gan_variants.pix.sharp_help", real=f"{tr.real_sharpness:.3f}")),
                 (t("gan_variants.pix.judge"), percent(tr.judged.get(name)), t("gan_variants.pix.judge_help"))]
                for name in ("l1", "gan")]

    def pix_curves(tr: pix2pix.Pix2PixTrainer) -> Curves:
        return Curves("gan_variants.pix.curves", tr.history, {"test_l1_l1": t("gan_variants.pix.row_l1"),
                                                              "test_l1_gan": t("gan_variants.pix.row_gan")},
                      t("gan_variants.pix.curves_title"))

    def draw_pix(run) -> None:
        tr: pix2pix.Pix2PixTrainer = run.trainer
        pictures, side_col = st.columns([1, 1], gap="medium")
        for src, caption in pix_rows(run):
            pictures.image(src, caption=caption, width="stretch")
        latest = tr.latest()
        if not latest:
            side_col.caption(t("gan_variants.pix.before"))
            return
        for row in pix_metrics(tr, latest):
            for where, (label, value, help_) in zip(side_col.columns(3), row):
                where.metric(label, value, help=help_)
        curves(side_col, run, pix_curves(tr))
        live_note(run)

    def pix_frame(run) -> list[dict]:
        """`draw_pix` while it trains, as live-panel blocks (ui/live_feed.py)."""
        tr: pix2pix.Pix2PixTrainer = run.trainer
        latest = tr.latest()
        rows = image_blocks(pix_rows(run))
        if not latest:
            return [live_feed.columns([1, 1], rows, [live_feed.note(t("gan_variants.pix.before"))])]
        side = [live_feed.metrics(*[(label, value) for label, value, _ in row]) for row in pix_metrics(tr, latest)]
        return [live_feed.columns([1, 1], rows, side + block(curve_chart(run, pix_curves(tr)))),
                live_feed.note(t("runner.live_picture"))]

    live_training("gan_variants_pix", build_pix, pix_config, draw_pix, steps_per_click=20,
                  interval_s=LIGHT_INTERVAL_S, live_frame=pix_frame)
    takeaway("gan_variants", "pix")

page.finish()
