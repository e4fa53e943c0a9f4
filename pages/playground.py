"""Playground: a 2-D classifier (or regressor) trained live, TensorFlow Playground's experiment and more."""
import streamlit as st

from core.basics.playground import ACTIVATIONS, LOSSES, OPTIMIZERS, REGULARIZERS, Hyper, PlaygroundConfig, PlaygroundTrainer
from core.basics.playground import parameter_count
from core.basics.playground_data import CLASSIFICATION_SETS, FEATURES, NUM_POINTS, REGRESSION_SETS, train_count
from core.basics.playground_export import export_script
from ui.figures.common import PALETTE, curves_figure, show
from ui.figures.basics.playground import boundary_figure, live_view_pictures, neurons_figure
from ui.i18n import options, t
from ui.page import Page, seed
from ui.runner import LIGHT_INTERVAL_S, live_training
from ui import live_feed
from ui.teaching import takeaway

LR_LADDER = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]  # TF Playground's choices
RATE_LADDER = [0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
MAX_LAYERS, MAX_WIDTH = 6, 8
EXTENT = 6.0

page = Page("playground")
page.header()

top = st.columns(5)
lr = page.choice("lr", LR_LADDER, 0.03, style="select", where=top[0])
activation = page.choice("act", ACTIVATIONS, "tanh", labels=options("playground.act", ACTIVATIONS), where=top[1])
regularization = page.choice("reg", REGULARIZERS, "none", labels=options("playground.reg", REGULARIZERS),
                             where=top[2])
reg_rate = page.choice("rate", RATE_LADDER, 0.0, where=top[3])
optimizer = page.choice("opt", OPTIMIZERS, "sgd", labels=options("playground.opt", OPTIMIZERS), where=top[4])

data_col, out_col = st.columns([1, 1.9], gap="large")
with data_col:
    st.subheader(t("playground.data_heading"))
    problem = page.choice("problem", ["classification", "regression"], "classification", style="segmented",
                          labels=options("playground.problem", ["classification", "regression"]))
    if problem == "classification":
        dataset = page.choice("data", CLASSIFICATION_SETS, "circle", style="segmented",
                              labels=options("playground.dataset", list(CLASSIFICATION_SETS)))
        left, right = st.columns(2)
        classes = page.slider("classes", 2, 4, 2, where=left)
        loss = page.choice("loss", LOSSES, "squared", labels=options("playground.loss", LOSSES), where=right)
    else:
        dataset = page.choice("rdata", REGRESSION_SETS, "plane", style="segmented",
                              labels=options("playground.dataset", list(REGRESSION_SETS)))
        classes, loss = 2, "squared"
    left, right = st.columns(2)
    train_pct = page.slider("train", 10, 90, 50, 10, fmt="%d%%", where=left)
    noise = page.slider("noise", 0, 50, 0, 5, fmt="%d%%", where=right)
    batch = page.slider("batch", 1, 30, 10, where=left)
    features = page.choices("features", FEATURES, ["x1", "x2"], labels=options("playground.feature", list(FEATURES)))

    st.subheader(t("playground.network_heading"))
    layers = page.slider("layers", 0, MAX_LAYERS, 2)
    width_cols = st.columns(3)
    defaults = [4, 2, 2, 2, 2, 2]
    hidden = tuple(page.slider(f"n{i + 1}", 1, MAX_WIDTH, defaults[i], where=width_cols[i % 3])
                   for i in range(layers))

config = PlaygroundConfig(dataset=dataset, problem=problem, classes=classes, noise=noise / 100,
                          train_fraction=train_pct / 100, features=tuple(features), hidden=hidden,
                          activation=activation, loss=loss, optimizer=optimizer, regularization=regularization,
                          seed=seed())
hyper = Hyper(lr=lr, reg_rate=reg_rate, batch_size=batch)

with out_col:
    st.subheader(t("playground.output_heading"))
    show_test = page.toggle("show_test", False)
    if not features:
        st.warning(t("playground.no_features"), icon=":material/input:")
    else:
        st.caption(t("playground.size", params=parameter_count(config),
                     train=train_count(NUM_POINTS[problem], config.train_fraction)))

        def draw(run) -> None:
            trainer = run.trainer
            metrics = trainer.latest() or trainer.evaluate()
            cols = st.columns(3)
            cols[0].metric(t("playground.epoch"), f"{trainer.steps_done:,}")
            cols[1].metric(t("playground.test_loss"), f"{metrics['test_loss']:.3f}")
            cols[2].metric(t("playground.train_loss"), f"{metrics['train_loss']:.3f}")
            data = trainer.data
            regression = problem == "regression"
            if run.running:  # live: pictures, which a browser redraws several times a second
                pictures = run.per_model_state("pictures", lambda: live_view_pictures(trainer, EXTENT, show_test,
                                                                                     PALETTE[:2]), show_test)
                st.image(pictures["boundary"], caption=t("playground.live_caption"))
            else:
                grid, _ = trainer.predict_grid(80, EXTENT)
                names = {"train": t("playground.train_points"), "test": t("playground.test_points"),
                         "class": t("playground.class")}
                show(boundary_figure(grid, EXTENT, data.points, data.labels, data.train_idx, data.test_idx,
                                     classes=classes, regression=regression, show_test=show_test, names=names),
                     key="playground.boundary")
            history = trainer.history
            if run.running and "curves" in pictures:
                st.image(pictures["curves"], caption=t("playground.curves_caption"))
            elif history.get("train_loss"):
                show(curves_figure(history["step"], {t("playground.train_loss"): history["train_loss"],
                                                     t("playground.test_loss"): history["test_loss"]},
                                   x_title=t("playground.epoch"), y_title=t("playground.loss_axis"), height=200),
                     key="playground.curves")
            if hidden:
                st.markdown(t("playground.neurons_heading"))
                if run.running and "neurons" in pictures:
                    st.image(pictures["neurons"])
                else:
                    _, neuron_maps = trainer.predict_grid(24, EXTENT)
                    show(neurons_figure(neuron_maps, t("playground.layer"), height=60 * max(hidden) + 50),
                         key="playground.neurons")

        labels = {name: t(f"playground.{name}") for name in ("epoch", "test_loss", "train_loss", "live_caption",
                                                                  "curves_caption", "neurons_heading")}

        def live_frame(run) -> list[dict]:
            """`draw`'s live view as live-panel blocks (made outside the page run: labels translated above)."""
            trainer = run.trainer
            metrics = trainer.latest() or trainer.evaluate()
            pictures = run.per_model_state("pictures", lambda: live_view_pictures(trainer, EXTENT, show_test,
                                                                                 PALETTE[:2]), show_test)
            blocks = [live_feed.metrics((labels["epoch"], f"{trainer.steps_done:,}"),
                                        (labels["test_loss"], f"{metrics['test_loss']:.3f}"),
                                        (labels["train_loss"], f"{metrics['train_loss']:.3f}")),
                      live_feed.picture(pictures["boundary"], caption=labels["live_caption"])]
            if "curves" in pictures:
                blocks.append(live_feed.picture(pictures["curves"], caption=labels["curves_caption"]))
            if "neurons" in pictures:
                blocks += [live_feed.text(labels["neurons_heading"]), live_feed.picture(pictures["neurons"])]
            return blocks

        live_training("playground", lambda: PlaygroundTrainer(config, hyper), config, draw, live=hyper,
                      steps_per_click=1, tick_s=0.1, interval_s=LIGHT_INTERVAL_S, live_frame=live_frame)

takeaway("playground", "train")
with st.expander(t("playground.explain_heading"), icon=":material/school:"):
    st.markdown(t("playground.explain"))
with st.expander(t("playground.export_heading"), icon=":material/code:"):
    if features:
        script = export_script(config, hyper)
        st.download_button(t("playground.export_download"), script, file_name="playground_model.py",
                           mime="text/x-python", icon=":material/download:", key="playground.export")
        st.code(script, language="python", line_numbers=False)
    else:
        st.info(t("playground.no_features"))

page.finish()
