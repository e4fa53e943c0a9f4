"""The seq2seq bottleneck: a plain encoder-decoder (one fixed vector) beside the attention model, trained on the
same sentences, scored by BLEU per source length — the plain model falls off on long sentences, attention not.

Not named pages/bottleneck.py: pandas imports the optional package `bottleneck` by name, and a page script of that
name on the path (AppTest puts pages/ there) would be imported in its place."""
from collections import Counter

import streamlit as st

from core.attention.bottleneck import GOAL_ATTENTION, GOAL_GAP, MODELS, BottleneckConfig, BottleneckTrainer
from core.attention.compound_corpus import (BUCKET_EDGES, MAX_CLAUSES, CompoundCorpusConfig, bucket_labels,
                                            compound_corpus)
from core.attention.seq2seq import Seq2SeqTrainConfig
from core.attention.vocab import detokenize
from core.device import device
from ui import live_feed
from ui.figures.attention.attention import metric_curves_figure, metric_curves_picture
from ui.figures.attention.bottleneck import length_counts_figure, score_by_length_figure, score_by_length_picture
from ui.figures.chart_pictures import live_png, markdown_legend, show_picture
from ui.figures.common import PALETTE, show
from ui.i18n import t
from ui.page import Page, seed
from ui.runner import LIGHT_INTERVAL_S, SHORT_TICK_S, Run, live_training
from ui.teaching import takeaway

NS = "seq2seq_bottleneck"
HIDDEN_SIZES = [32, 64, 128]
LEARNING_RATES = [0.001, 0.003, 0.01]
CORPUS = CompoundCorpusConfig()
BUCKETS = bucket_labels()


@st.cache_resource(max_entries=1, show_spinner=False)
def corpus():
    return compound_corpus(CORPUS)


page = Page(NS)
page.header()

st.subheader(t("seq2seq_bottleneck.idea.heading"))
st.markdown(t("seq2seq_bottleneck.idea.text"))
takeaway(NS, "idea")

st.divider()
st.subheader(t("seq2seq_bottleneck.race.heading"))
data = corpus()
counts = Counter(len(src) for src, _ in data.train)
st.markdown(t("seq2seq_bottleneck.race.text", gap=int(GOAL_GAP), good=int(GOAL_ATTENTION), clauses=MAX_CLAUSES,
              shortest=min(counts), longest=max(counts)))
show(length_counts_figure(counts, BUCKET_EDGES, title=t("seq2seq_bottleneck.race.corpus_chart", n=f"{len(data.train):,}"),
                          x_title=t("seq2seq_bottleneck.race.length_axis"), y_title=t("seq2seq_bottleneck.race.count_axis")),
     key="seq2seq_bottleneck.corpus")
cols = st.columns(2)
hidden = page.choice("hidden", HIDDEN_SIZES, 64, style="segmented", where=cols[0])
lr = page.choice("lr", LEARNING_RATES, 0.003, style="segmented", where=cols[1])
cols = st.columns(2)
bucket = page.choice("length", list(range(len(BUCKETS))), len(BUCKETS) - 1, style="segmented",
                     labels=lambda i: BUCKETS[i], where=cols[0])
example = page.slider("example", 1, CORPUS.n_test_per_bucket, 1, where=cols[1])
config = BottleneckConfig(CORPUS, hidden, Seq2SeqTrainConfig(batch_size=32, lr=lr, max_steps=1500, eval_every=25,
                                                             seed=seed()))
names = {name: t(f"seq2seq_bottleneck.model.{name}") for name in MODELS}


def current_evaluation(run: Run):
    """The last scheduled evaluation; when paused after Step clicks, one of the model as it is now."""
    tr: BottleneckTrainer = run.trainer
    if tr.steps_done and not run.running and (tr.last_eval is None or tr.last_eval.step != tr.steps_done):
        return run.per_model_state("evaluation", tr.evaluate)
    return tr.last_eval


def draw(run: Run) -> None:
    tr: BottleneckTrainer = run.trainer
    ev = current_evaluation(run)
    if ev is None:
        st.info(t("seq2seq_bottleneck.race.start", every=tr.cfg.eval_every), icon=":material/play_arrow:")
        return
    # live: pictures, which a browser redraws several times a second (ui/figures/chart_pictures.py); paused: Plotly
    right = _pictures(run, ev) if run.running else _charts(tr, ev)
    right.markdown(example_text(ev))


def live_frame(run: Run) -> list[dict]:
    """`draw` while it trains, as live-panel blocks (ui/live_feed.py)."""
    ev = current_evaluation(run)
    if ev is None:
        return [live_feed.note(t("seq2seq_bottleneck.race.start", every=run.trainer.cfg.eval_every))]
    by_length, longest, loss = (live_feed.picture(src, title=title, caption=caption, stretch=True)
                                for title, src, caption in live_charts(run, ev))
    return [live_feed.columns([1, 1], [by_length], [longest]), live_feed.note(gap_text(ev)),
            live_feed.columns([1, 1], [loss], [live_feed.text(example_text(ev))])]


def example_text(ev) -> str:
    """The chosen held-out sentence, its reference and both models' translations (Markdown)."""
    index = bucket * CORPUS.n_test_per_bucket + example - 1  # held-out sentences are stored bucket by bucket
    source, reference = data.test[index]
    return t("seq2seq_bottleneck.race.example", n=len(source), source=detokenize(source, capitalize=True),
             reference=detokenize(reference, capitalize=True),
             plain=detokenize(ev.translations["plain"][index], capitalize=True) or "…",
             attention=detokenize(ev.translations["attention"][index], capitalize=True) or "…")


def gap_text(ev) -> str:
    return t("seq2seq_bottleneck.race.gap", bucket=BUCKETS[-1], gap=f"{ev.gap():+.1f}")


def _charts(tr: BottleneckTrainer, ev):
    """The interactive charts; returns the column beside the loss chart, for the example."""
    left, right = st.columns(2)
    show(score_by_length_figure(BUCKETS, {names[m]: ev.scores[m] for m in MODELS},
                                title=t("seq2seq_bottleneck.race.chart", step=f"{ev.step:,}"),
                                x_title=t("seq2seq_bottleneck.race.length_axis"), y_title=t("seq2seq_bottleneck.race.bleu_axis")),
         key="seq2seq_bottleneck.by_length", where=left)
    steps = tr.evals["step"]
    show(metric_curves_figure([(names[m], steps, [s[-1] for s in tr.evals[m]]) for m in MODELS],
                              title=t("seq2seq_bottleneck.race.longest_chart", bucket=BUCKETS[-1]),
                              x_title=t("seq2seq_bottleneck.race.steps"), y_range=(-2, 102)),
         key="seq2seq_bottleneck.longest", where=right)
    st.caption(gap_text(ev))
    left, right = st.columns(2)
    show(metric_curves_figure([(names[m], tr.history["step"], tr.history[f"loss_{m}"]) for m in MODELS],
                              title=t("seq2seq_bottleneck.race.loss_chart"), x_title=t("seq2seq_bottleneck.race.steps"), log_y=True),
         key="seq2seq_bottleneck.loss", where=left)
    return right


def live_charts(run: Run, ev) -> list[tuple[str, str, str]]:
    """The same three charts as (title, PNG data URI, caption) tuples, the legend and axis titles in text: BLEU by
    length, BLEU on the longest sentences, the training losses."""
    tr: BottleneckTrainer = run.trainer
    legend = markdown_legend([(names[m], PALETTE[k]) for k, m in enumerate(MODELS)])
    steps_axis, bleu_axis = t("seq2seq_bottleneck.race.steps"), t("seq2seq_bottleneck.race.bleu_axis")
    steps = tr.evals["step"]
    return [(t("seq2seq_bottleneck.race.chart", step=f"{ev.step:,}"),
             live_png(run, "by_length", lambda: score_by_length_picture(BUCKETS, [ev.scores[m] for m in MODELS])),
             f"{legend}  \n{t('runner.axes', x=t('seq2seq_bottleneck.race.length_axis'), y=bleu_axis)}"),
            (t("seq2seq_bottleneck.race.longest_chart", bucket=BUCKETS[-1]),
             live_png(run, "longest", lambda: metric_curves_picture(
                 [(steps, [s[-1] for s in tr.evals[m]]) for m in MODELS], y_range=(-2, 102))),
             f"{legend}  \n{t('runner.axes', x=steps_axis, y=bleu_axis)}"),
            (t("seq2seq_bottleneck.race.loss_chart"),
             live_png(run, "loss", lambda: metric_curves_picture(
                 [(tr.history["step"], tr.history[f"loss_{m}"]) for m in MODELS], log_y=True)),
             f"{legend}  \n{t('runner.axes', x=steps_axis, y=t('seq2seq_bottleneck.race.loss_axis'))}"
             f" · {t('runner.live_picture')}")]


def _pictures(run: Run, ev):
    """`live_charts` on the page; returns the column beside the loss picture, for the example."""
    by_length, longest, (title, src, caption) = live_charts(run, ev)
    for chart, where in zip((by_length, longest), st.columns(2)):
        show_picture(chart[1], title=chart[0], where=where, caption=chart[2])
    st.caption(gap_text(ev))
    left, right = st.columns(2)
    show_picture(src, title=title, where=left, caption=caption)
    return right


live_training(NS, build=lambda: BottleneckTrainer(data, config, device), config=config, draw=draw,
              interval_s=LIGHT_INTERVAL_S, tick_s=SHORT_TICK_S, live_frame=live_frame)
takeaway(NS, "race")

st.divider()
st.subheader(t("seq2seq_bottleneck.why.heading"))
st.markdown(t("seq2seq_bottleneck.why.text"))
takeaway(NS, "why")
page.finish()
