"""GAN variants, one tab each: conditional GAN / AC-GAN on digits, InfoGAN's codes, CycleGAN's round trips, pix2pix."""
import numpy as np
import streamlit as st
import torch

from core.digits import digit_split
from core.generative import conditional, cyclegan, infogan, pix2pix
from core.generative.digit_judge import JUDGE_SEED, ready_judge, start_judge
from ui.figures.chart_pictures import NAMED_COLORS, live_png, markdown_legend, show_picture
from ui.figures.common import PALETTE, png_data_uri, show
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


def curves(where, key: str, run, history: dict[str, list[float]], series: dict[str, str], title: str, *,
           percent: bool = False) -> None:
    """Training curves of the named metrics (history name → translated label), thinned for the browser: a picture
    while the run trains (its legend and axes in text under it), an interactive chart when paused."""
    h = history
    names = [name for name in series if name in h]
    if not h["step"] or not names:
        return
    steps, *values = thin(h["step"], *[h[name] for name in names])
    values = [(100 if percent else 1) * np.asarray(ys, dtype=float) for ys in values]
    if run.running:
        legend = markdown_legend([(series[name], PALETTE[i]) for i, name in enumerate(names)]) + "  \n" \
            if len(names) > 1 else ""
        show_picture(live_png(run, key, lambda: variant_curves_picture(steps, values)), title=title,
                     caption=legend + t("runner.axes", x=t("gan_variants.iterations"), y=title), where=where)
        return
    show(variant_curves_figure(steps, {series[name]: ys for name, ys in zip(names, values)},
                               title=title, x_title=t("gan_variants.iterations"), legend=LEGEND_BELOW),
         key=key, where=where)


def live_note(run) -> None:
    """Under a live panel: its charts are pictures until the run is paused."""
    if run.running:
        st.caption(t("runner.live_picture"))


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

    def draw_cond(run) -> None:
        tr: conditional.ConditionalGanTrainer = run.trainer
        pick_col, grid_col, side_col = st.columns([1, 1.2, 1.6], gap="medium")
        pick_col.image(run.per_model_state("pick", lambda: digit_picture(tr.draw(digit).cpu().numpy(), 4, scale=8),
                                           digit), caption=t("gan_variants.cond.pick_caption", digit=digit),
                       width="stretch")
        grid_col.image(run.per_model_state("grid", lambda: digit_picture(tr.grid().cpu().numpy(),
                                                                         conditional.SAMPLES_PER_CLASS)),
                       caption=t("gan_variants.cond.grid_caption"), width="stretch")
        latest = tr.latest()
        first, second = side_col.columns(2)
        first.metric(t("gan_variants.cond.recognised"), percent(tr.recognised),
                     help=t("gan_variants.cond.recognised_help"))
        if kind == "acgan":
            second.metric(t("gan_variants.cond.aux"), percent(latest.get("aux_real")),
                          help=t("gan_variants.cond.aux_help", fake=percent(latest.get("aux_fake"))))
        if tr.recognised is None:
            side_col.caption(t("gan_variants.cond.judge_note"))
            return
        if run.running:
            target = f"{100 * conditional.TARGET_RECOGNISED:.0f} %"
            legend = (markdown_legend([(t("gan_variants.cond.chosen"), PALETTE[1])], mark="■")
                      + f" \u2003 :gray[╌╌] {t('gan_variants.cond.target', target=target)}")
            axes = t("runner.axes", x=t("gan_variants.cond.digit_axis"), y=t("gan_variants.cond.per_class"))
            show_picture(live_png(run, "per_class", lambda: per_class_picture(
                tr.per_class, chosen=digit, target=conditional.TARGET_RECOGNISED), digit),
                title=t("gan_variants.cond.per_class"), caption=f"{legend}  \n{axes}", where=side_col)
        else:
            show(per_class_figure(tr.per_class, title=t("gan_variants.cond.per_class"), chosen=digit,
                                  target=conditional.TARGET_RECOGNISED), key="gan_variants.cond.per_class",
                 where=side_col)
        if tr.reached is not None:
            side_col.caption(t("gan_variants.cond.reached", iteration=f"{tr.reached[0]:,}",
                               seconds=f"{tr.reached[1]:.1f}"))
        curves(side_col, "gan_variants.cond.curves", run, tr.judged,
               {"recognised": t("gan_variants.cond.recognised")}, t("gan_variants.cond.curves_title"), percent=True)
        live_note(run)

    live_training("gan_variants_cond", build_cond, cond_config, draw_cond, steps_per_click=50,
                  interval_s=LIGHT_INTERVAL_S)
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

    def draw_info(run) -> None:
        tr: infogan.InfoGanTrainer = run.trainer
        columns = st.columns(2, gap="medium")
        for name, where in zip(("info", "plain"), columns):
            if run.running:
                show_picture(live_png(run, f"picture.{name}", lambda: info_picture(tr, name)),
                             title=t(f"gan_variants.info.{name}_title"), caption=info_legend(), where=where)
            else:
                view = run.per_model_state(f"view.{name}", lambda: info_view(tr, name), lang)
                show(view, key=f"gan_variants.info.{name}", where=where, csv=False)
            if tr.history["step"]:
                where.caption(t("gan_variants.info.purity", purity=percent(min(tr.purity[name])),
                                distinct=len(set(tr.chosen_modes[name])), k=tr.k))
        if not tr.history["step"]:
            live_note(run)
            return
        if tr.reached is not None:
            st.success(t("gan_variants.info.reached", iteration=f"{tr.reached[0]:,}", seconds=f"{tr.reached[1]:.1f}"),
                       icon=":material/check_circle:")
        left, right = st.columns(2, gap="medium")
        curves(left, "gan_variants.info.mi", run, tr.history, {"info_ce": t("gan_variants.info.ce"),
                                                       "mi_bound": t("gan_variants.info.bound")},
               t("gan_variants.info.mi_title", log_k=f"{tr.entropy:.2f}"))
        curves(right, "gan_variants.info.code_info", run, tr.history,
               {"code_info_info": t("gan_variants.info.info_name"),
                "code_info_plain": t("gan_variants.info.plain_name")},
               t("gan_variants.info.code_info_title"), percent=True)
        live_note(run)

    live_training("gan_variants_info", lambda: infogan.InfoGanTrainer(info_config), info_config, draw_info,
                  steps_per_click=50, interval_s=LIGHT_INTERVAL_S)
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

    def draw_cycle(run) -> None:
        tr: cyclegan.CycleGanTrainer = run.trainer
        view_col, side_col = st.columns([3, 2], gap="medium")
        if run.running:
            view_col.image(png_data_uri(run.per_model_state("picture", lambda: cycle_picture(*cycle_points(tr),
                                                                                             box=2.6))),
                           caption=cycle_legend(), width="stretch")  # untitled, as the chart
        else:
            show(run.per_model_state("view", lambda: cycle_view(tr), lang), key="gan_variants.cycle.view",
                 where=view_col, csv=False)
        latest = tr.latest()
        if not latest:
            side_col.caption(t("gan_variants.cycle.before"))
            return
        first, second, third = side_col.columns(3)
        first.metric(t("gan_variants.cycle.cycle_error"), f"{latest['cycle_error']:.2f}",
                     help=t("gan_variants.cycle.cycle_error_help"))
        second.metric(t("gan_variants.cycle.partner_error"), f"{latest['partner_error']:.2f}",
                      help=t("gan_variants.cycle.partner_error_help"))
        third.metric(t("gan_variants.cycle.on_shape"), percent(latest["on_shape"]),
                     help=t("gan_variants.cycle.on_shape_help", d=cyclegan.ON_SHAPE))
        curves(side_col, "gan_variants.cycle.curves", run, tr.history,
               {"cycle_error": t("gan_variants.cycle.cycle_error"),
                "partner_error": t("gan_variants.cycle.partner_error")}, t("gan_variants.cycle.curves_title"))
        live_note(run)

    live_training("gan_variants_cycle", lambda: cyclegan.CycleGanTrainer(cycle_config), cycle_config, draw_cycle,
                  steps_per_click=50, interval_s=LIGHT_INTERVAL_S)
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

    def draw_pix(run) -> None:
        tr: pix2pix.Pix2PixTrainer = run.trainer
        rows = run.per_model_state("rows", lambda: tr.shown().cpu().numpy())
        n = pix2pix.N_SHOWN
        pictures, side_col = st.columns([1, 1], gap="medium")
        for i, row in enumerate(("view", "l1", "gan", "truth")):
            pictures.image(run.per_model_state(f"row.{row}", lambda: digit_picture(rows[i * n:(i + 1) * n], n)),
                           caption=t(f"gan_variants.pix.row_{row}"), width="stretch")
        latest = tr.latest()
        if not latest:
            side_col.caption(t("gan_variants.pix.before"))
            return
        for name in ("l1", "gan"):
            first, second, third = side_col.columns(3)
            first.metric(t(f"gan_variants.pix.test_l1_{name}"), f"{latest[f'test_l1_{name}']:.3f}")
            second.metric(t("gan_variants.pix.sharp"), f"{latest[f'sharp_{name}']:.3f}",
                          help=t("gan_variants.pix.sharp_help", real=f"{tr.real_sharpness:.3f}"))
            third.metric(t("gan_variants.pix.judge"), percent(tr.judged.get(name)),
                         help=t("gan_variants.pix.judge_help"))
        curves(side_col, "gan_variants.pix.curves", run, tr.history, {"test_l1_l1": t("gan_variants.pix.row_l1"),
                                                               "test_l1_gan": t("gan_variants.pix.row_gan")},
               t("gan_variants.pix.curves_title"))
        live_note(run)

    live_training("gan_variants_pix", build_pix, pix_config, draw_pix, steps_per_click=20,
                  interval_s=LIGHT_INTERVAL_S)
    takeaway("gan_variants", "pix")

page.finish()
