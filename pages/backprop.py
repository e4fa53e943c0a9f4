"""Backprop step-through: the 2-2-2 worked example, forward → loss → backward → update, every number editable."""
import pandas as pd
import streamlit as st

from core.basics.backprop import (ACTIVATIONS, PARAMS, BackpropConfig, BackpropTrainer, Example, Params, autograd_gradients,
                           backward, forward, update)
from ui import i18n, live_feed
from ui.figures.basics import backprop as fig
from ui.figures.chart_pictures import live_png, show_picture
from ui.figures.common import show
from ui.i18n import t
from ui.page import Page
from ui.runner import Run, current_run, live_training
from ui.teaching import takeaway

PHASES = ("forward", "loss", "backward", "update")
PHASE_KEY = "backprop.phase"  # how many phases of the current step are revealed (0..4): page state, not a link
AGREE_TOLERANCE = 1e-9  # hand and autograd gradients are both float64: they agree to ~1e-16 unless one is wrong


def next_phase() -> None:
    """Reveal the next phase; after the update, apply it and show the forward pass of the next step."""
    shown = st.session_state.get(PHASE_KEY, 0)
    if shown < len(PHASES):
        st.session_state[PHASE_KEY] = shown + 1
        return
    run: Run | None = current_run("backprop")  # (which waits for any training between refreshes to stop)
    if run is not None and not run.trainer.done:
        run.trainer.step(1)
    st.session_state[PHASE_KEY] = 1


def restart_phases() -> None:
    st.session_state[PHASE_KEY] = 0


def latex_rows(rows: list[str]) -> None:
    for row in rows:
        st.latex(row)


def metric_pairs(tr: BackpropTrainer) -> list[tuple[str, str]]:
    """The loss at the start and now, and the outputs against their targets, as (label, value) pairs."""
    fw = forward(tr.params, tr.config.example, tr.config.act)
    x = tr.config.example
    return [(t("backprop.train.start_loss"), f"{tr.curve_loss[0]:.9g}"),
            (t("backprop.train.loss_now", n=f"{tr.steps_done:,}"), f"{fw.E:.9g}"),
            (t("backprop.train.output", o="o1", t="t1", target=f"{x.t1:g}"), f"{fw.out_o1:.6f}"),
            (t("backprop.train.output", o="o2", t="t2", target=f"{x.t2:g}"), f"{fw.out_o2:.6f}")]


def live_chart(run: Run) -> tuple[str, str, str]:
    """The loss curve while training, as (title, PNG data URI, caption): a picture the browser redraws cheaply."""
    tr: BackpropTrainer = run.trainer
    src = live_png(run, "curve", lambda: fig.loss_curve_picture(tr.curve_steps, tr.curve_loss))
    return (t("backprop.train.curve_title"), src,
            f":red[━━] E  \n{t('runner.axes', x=t('backprop.train.steps_axis'), y='E')}")


def draw_training(run: Run) -> None:
    """The live panel: loss so far and the outputs against their targets."""
    tr: BackpropTrainer = run.trainer
    for where, (label, value) in zip(st.columns(4), metric_pairs(tr)):
        where.metric(label, value)
    if tr.steps_done and run.running:  # live: a picture, which a browser redraws several times a second
        title, src, caption = live_chart(run)
        show_picture(src, title=title, caption=caption)
        st.caption(t("runner.live_picture"))
    elif tr.steps_done:
        show(fig.loss_curve_figure(tr.curve_steps, tr.curve_loss, title=t("backprop.train.curve_title"),
                                   x_title=t("backprop.train.steps_axis"), y_title="E"), key="backprop.curve")
    else:
        st.caption(t("backprop.train.no_steps"))


def live_frame(run: Run) -> list[dict]:
    """`draw_training` while it trains, as live-panel blocks (ui/live_feed.py)."""
    blocks = [live_feed.metrics(*metric_pairs(run.trainer))]
    if not run.trainer.steps_done:
        return blocks + [live_feed.note(t("backprop.train.no_steps"))]
    title, src, caption = live_chart(run)
    return blocks + [live_feed.picture(src, title=title, caption=caption, stretch=True),
                     live_feed.note(t("runner.live_picture"))]


page = Page("backprop")
page.header()
labels = i18n.options("backprop.acts", list(ACTIVATIONS))

# ----- every number of the example is editable -----
with st.expander(t("backprop.edit.title"), expanded=True, icon=":material/edit:"):
    top = st.columns([1, 1, 1, 1, 1.4, 1.4, 1.9])
    example_values = {name: page.number(name, -10.0, 10.0, getattr(Example(), name), 0.01, fmt="%.4f", where=col)
                      for name, col in zip(("i1", "i2", "t1", "t2"), top)}
    lr = page.number("lr", 0.0, 10.0, 0.5, 0.05, fmt="%.4f", where=top[4])
    act = page.choice("act", list(ACTIVATIONS), "sigmoid", labels=labels, where=top[5])
    with top[6]:
        st.write("")  # aligns the toggle with the inputs beside it
        train_biases = page.toggle("biases", False)
    bottom = st.columns(len(PARAMS))
    param_values = {name: page.number(name, -10.0, 10.0, getattr(Params(), name), 0.01, fmt="%.4f", where=col)
                    for name, col in zip(PARAMS, bottom)}

config = BackpropConfig(Params(**param_values), Example(**example_values), act)
stepper = st.container()  # filled below, after the runner has made (or renewed) the run it shows

st.divider()
st.subheader(t("backprop.train.title"))
st.markdown(t("backprop.train.text"))
run = live_training("backprop", build=lambda: BackpropTrainer(config, lr, train_biases), config=config,
                    draw=draw_training, live=(lr, train_biases),  # the step rule applies live, without a restart
                    live_frame=live_frame)

takeaway("backprop", "train")
with stepper:
    st.subheader(t("backprop.step.title"))
    trainer: BackpropTrainer = run.trainer
    p, x = trainer.params, config.example
    shown = st.session_state.setdefault(PHASE_KEY, 0)
    if trainer.steps_done:
        st.info(t("backprop.step.after_steps", n=f"{trainer.steps_done:,}"), icon=":material/history:")
    buttons = st.columns([2.2, 1.8, 5], vertical_alignment="center")
    next_label = t(f"backprop.step.next.{PHASES[shown] if shown < len(PHASES) else 'apply'}")
    buttons[0].button(next_label, key="backprop.next", on_click=next_phase, type="primary", width="stretch",
                      icon=":material/arrow_forward:", disabled=run.running or trainer.done)
    buttons[1].button(t("backprop.step.restart"), key="backprop.restart", on_click=restart_phases, width="stretch",
                      icon=":material/first_page:", disabled=shown == 0)
    buttons[2].markdown(" → ".join(f"**{t('backprop.phase.' + name)}**" if i < shown else t("backprop.phase." + name)
                                   for i, name in enumerate(PHASES)))
    if run.running:
        st.caption(t("backprop.step.running"))

    fw = forward(p, x, act) if shown >= 1 else None
    bw = backward(p, x, fw, act) if shown >= 3 and fw is not None else None
    after = update(p, bw.grads, lr, train_biases) if shown >= 4 and bw is not None else None
    show(fig.network_figure(p, x, fw, bw.grads if bw else None, after, title=t("backprop.step.graph_title")),
         key="backprop.graph")
    if shown == 0:
        st.markdown(t("backprop.step.ready"))

    if fw is not None:
        with st.expander(t("backprop.forward.title"), expanded=shown == 1, icon=":material/east:"):
            st.markdown(t("backprop.forward.text"))
            latex_rows(fig.forward_latex(p, x, fw, act))
    if shown >= 2 and fw is not None:
        with st.expander(t("backprop.loss.title"), expanded=shown == 2, icon=":material/flag:"):
            st.markdown(t("backprop.loss.text"))
            latex_rows(fig.loss_latex(x, fw))
    if bw is not None and fw is not None:
        with st.expander(t("backprop.backward.title"), expanded=shown == 3, icon=":material/west:"):
            st.markdown(t("backprop.backward.text"))
            out_tab, hidden_tab, check_tab = st.tabs([t("backprop.backward.output_tab"),
                                                      t("backprop.backward.hidden_tab"),
                                                      t("backprop.backward.check_tab")])
            with out_tab:
                latex_rows(fig.output_layer_latex(x, fw, bw, act))
            with hidden_tab:
                st.markdown(t("backprop.backward.hidden_text"))
                latex_rows(fig.hidden_layer_latex(p, x, fw, bw, act))
            with check_tab:
                auto = autograd_gradients(p, x, act)
                worst = max(abs(bw.grads[name] - auto[name]) for name in PARAMS)
                st.dataframe(pd.DataFrame({
                    t("backprop.table.param"): list(PARAMS),
                    t("backprop.table.by_hand"): [f"{bw.grads[name]:.12g}" for name in PARAMS],
                    t("backprop.table.autograd"): [f"{auto[name]:.12g}" for name in PARAMS],
                    t("backprop.table.difference"): [f"{abs(bw.grads[name] - auto[name]):.1e}" for name in PARAMS],
                }), hide_index=True, width="stretch")
                if worst <= AGREE_TOLERANCE:
                    st.success(t("backprop.backward.agree", diff=f"{worst:.1e}"), icon=":material/check_circle:")
                else:
                    st.error(t("backprop.backward.disagree", diff=f"{worst:.1e}"), icon=":material/error:")
    if after is not None and bw is not None and fw is not None:
        with st.expander(t("backprop.update.title"), expanded=True, icon=":material/update:"):
            st.markdown(t("backprop.update.text"))
            st.latex(fig.update_latex("w5", p.w5, bw.grads["w5"], lr, after.w5))
            fixed = t("backprop.table.fixed")
            before_values, after_values = p.as_dict(), after.as_dict()
            st.dataframe(pd.DataFrame({
                t("backprop.table.param"): list(PARAMS),
                t("backprop.table.before"): [f"{before_values[name]:.9g}" for name in PARAMS],
                t("backprop.table.gradient"): [f"{bw.grads[name]:.9g}" for name in PARAMS],
                t("backprop.table.after"): [f"{after_values[name]:.9g}" if train_biases or name[0] == "w"
                                            else f"{after_values[name]:.9g} ({fixed})" for name in PARAMS],
            }), hide_index=True, width="stretch")
            fw_after = forward(after, x, act)
            st.dataframe(pd.DataFrame({
                t("backprop.table.value"): ["out_o1", "out_o2", "E"],
                t("backprop.table.target"): [f"{x.t1:g}", f"{x.t2:g}", ""],
                t("backprop.table.before"): [f"{fw.out_o1:.9g}", f"{fw.out_o2:.9g}", f"{fw.E:.9g}"],
                t("backprop.table.after"): [f"{fw_after.out_o1:.9g}", f"{fw_after.out_o2:.9g}", f"{fw_after.E:.9g}"],
            }), hide_index=True, width="stretch")
            key = "fell" if fw_after.E < fw.E else "rose"
            st.markdown(t(f"backprop.update.{key}", before=f"{fw.E:.9g}", after=f"{fw_after.E:.9g}"))
with stepper:  # the step-by-step part sits above the training section
    takeaway("backprop", "step")
page.finish()
