"""Transformer translation: a small encoder-decoder trained live on English→French, then taken apart —
your own sentence with greedy or beam search, every head's attention, the positional encodings, and the
trained weights to download."""
import numpy as np
import pandas as pd
import streamlit as st

from core.attention.corpus import (MAX_UPLOAD_BYTES, CorpusError, ParallelCorpus, hub_enabled, load_hub, parse_upload,
                                   shipped_corpus)
from core.device import device
from core.attention.sequence_cost import attention_cost, attention_share, rnn_cost
from core.attention.decoding import attention_for, translate
from core.attention.transformer import TransformerConfig, sinusoidal_positions
from core.attention.transformer_file import export_bytes
from core.attention.transformer_trainer import TrainConfig, TransformerTrainer
from core.attention.vocab import detokenize, tokenize
from ui import live_feed
from ui.figures.attention.attention import (heads_grid_figure, metric_curves_figure, metric_curves_picture,
                                            positional_encoding_figure, positional_waves_figure)
from ui.figures.chart_pictures import live_png, markdown_legend, show_picture
from ui.figures.common import PALETTE, curves_figure, show
from ui.figures.memo import memoized
from ui.i18n import error_text, literal_list, options, t
from ui.page import Page, seed
from ui.runner import Run, live_training
from ui.teaching import takeaway

NS = "transformer"
SOURCES = ["shipped", "upload"] + (["hub"] if hub_enabled() else [])  # the hub: only where the host allows
KINDS = ["encoder", "decoder", "cross"]
SENTENCE = "My small white dogs do not like the big red car."
curves_memo = memoized(curves_figure, max_entries=16)  # the cost charts change only with the width
MAX_INPUT_TOKENS = 60  # a user's sentence is cut here (the positional table covers 128)
UNK_LABEL, BOS_LABEL, EOS_LABEL = "⟨unk⟩", "⟨bos⟩", "⟨eos⟩"


@st.cache_resource(max_entries=1, show_spinner=False)
def shipped() -> ParallelCorpus:
    return shipped_corpus()


@st.cache_resource(max_entries=4, show_spinner=False)
def uploaded(raw: bytes, filename: str) -> ParallelCorpus:
    return parse_upload(raw, filename)


@st.cache_resource(max_entries=2, ttl=3600, show_spinner=False)
def from_hub(name: str, config: str, src: str, tgt: str) -> ParallelCorpus:
    return load_hub(name, config, src, tgt)


def corpus_error(err: CorpusError) -> None:
    st.error(error_text("transformer.corpus.error", err), icon=":material/dataset:")
    st.info(t("transformer.corpus.fallback"), icon=":material/undo:")


page = Page(NS)
page.header()

# ----- data -----
st.subheader(t("transformer.corpus.heading"))
source = page.choice("corpus", SOURCES, "shipped", labels=options("transformer.corpus.source", SOURCES),
                     style="segmented")
data = shipped()
if source == "upload":
    file = st.file_uploader(t("transformer.controls.upload"), type=["csv", "tsv", "txt"], key="transformer.upload",
                            help=t("transformer.controls.upload_help"), max_upload_size=MAX_UPLOAD_BYTES // 1_000_000)
    if file is not None:
        try:
            data = uploaded(file.getvalue(), file.name)
        except CorpusError as err:
            corpus_error(err)
if source == "hub":
    c1, c2 = st.columns(2)
    hub_name = page.text("hub", "Helsinki-NLP/opus_books", max_chars=120, where=c1)
    hub_config = page.text("hub_config", "en-fr", max_chars=60, where=c2)
    langs = hub_config.split("-") if hub_config.count("-") == 1 else ["en", "fr"]
    with st.spinner(t("transformer.corpus.hub_loading")):
        try:
            data = from_hub(hub_name, hub_config, langs[0], langs[1])
        except CorpusError as err:
            corpus_error(err)
st.caption(t("transformer.corpus.stats", train=f"{len(data.train):,}", test=f"{len(data.test):,}",
             src=len(data.src_vocab), tgt=len(data.tgt_vocab), skipped=data.skipped))

# ----- model and training -----
st.subheader(t("transformer.model.heading"))
with st.expander(t("transformer.model.how"), icon=":material/school:"):
    st.markdown(t("transformer.model.explain"))
cols = st.columns(6)
layers = page.slider("layers", 1, 4, 2, where=cols[0])
heads = page.choice("heads", [1, 2, 4, 8], 4, where=cols[1])
width = page.choice("width", [32, 64, 128], 64, where=cols[2])
dropout = page.choice("dropout", [0.0, 0.1, 0.2, 0.3], 0.0, where=cols[3])
warmup = page.choice("warmup", [0, 50, 100, 200, 400, 800], 200, where=cols[4])
lr = page.choice("lr", [0.0003, 0.001, 0.002, 0.005], 0.001, where=cols[5])


# everything that defines the model and its data (core dataclasses, equal across reruns): a change starts afresh
model_cfg = TransformerConfig(len(data.src_vocab), len(data.tgt_vocab), d_model=width, heads=heads, layers=layers,
                              d_ff=2 * width, dropout=dropout, max_len=128)
train_cfg = TrainConfig(lr=lr, warmup=warmup, seed=seed())


def build() -> TransformerTrainer:
    return TransformerTrainer(data, model_cfg, train_cfg, device)


def draw(run: Run) -> None:
    tr: TransformerTrainer = run.trainer
    if not tr.history["step"]:
        st.info(t("transformer.live.start"), icon=":material/play_arrow:")
        return
    columns = st.columns(3)
    # live: pictures, which a browser redraws several times a second (ui/figures/chart_pictures.py); paused: Plotly
    if run.running:
        for (title, src, caption), where in zip(live_charts(run), columns):
            show_picture(src, title=title, where=where, caption=caption)
    else:
        _curve_charts(tr, *columns)
    if tr.evals["step"]:
        st.markdown(summary_text(tr))
        st.dataframe(pd.DataFrame(sample_rows(tr)), hide_index=True, width="stretch")
    else:
        columns[2].info(t("transformer.live.first_eval", n=tr.cfg.eval_every), icon=":material/hourglass_top:")
    if run.running:
        st.caption(t("runner.live_picture"))


def live_frame(run: Run) -> list[dict]:
    """`draw` while it trains, as live-panel blocks (ui/live_feed.py)."""
    tr: TransformerTrainer = run.trainer
    if not tr.history["step"]:
        return [live_feed.note(t("transformer.live.start"))]
    columns = [[live_feed.picture(src, title=title, caption=caption, stretch=True)]
               for title, src, caption in live_charts(run)]
    if tr.evals["step"]:
        blocks = [live_feed.columns([1, 1, 1], *columns), live_feed.text(summary_text(tr)),
                  live_feed.table(sample_rows(tr))]
    else:
        blocks = [live_feed.columns([1, 1, 1], *columns, [live_feed.note(t("transformer.live.first_eval",
                                                                           n=tr.cfg.eval_every))])]
    return blocks + [live_feed.note(t("runner.live_picture"))]


def summary_text(tr: TransformerTrainer) -> str:
    return t("transformer.live.summary", step=tr.evals["step"][-1], exact=f"{100 * tr.evals['exact'][-1]:.1f}",
             bleu=f"{tr.evals['bleu'][-1]:.1f}", n=len(tr.test_pairs))


def sample_rows(tr: TransformerTrainer) -> list[dict]:
    """The held-out examples of the last test: source, reference, output and whether they match."""
    names = [t("transformer.live.source"), t("transformer.live.reference"), t("transformer.live.output"),
             t("transformer.live.match")]
    return [dict(zip(names, (src, ref, out, "✓" if out == ref else "✗"))) for src, ref, out in tr.samples]


def _curve_charts(tr: TransformerTrainer, left, middle, right) -> None:
    steps = t("transformer.live.steps")
    show(metric_curves_figure([(t("transformer.live.loss"), tr.history["step"], tr.history["loss"])],
                              title=t("transformer.live.loss_title"), x_title=steps, log_y=True),
         key="transformer.loss", where=left)
    accuracy = [(t("transformer.live.token_accuracy"), tr.history["step"], tr.history["accuracy"]),
                (t("transformer.live.exact"), tr.evals["step"], tr.evals["exact"])]
    show(metric_curves_figure(accuracy, title=t("transformer.live.accuracy_title"), x_title=steps, y_range=(0, 1.02)),
         key="transformer.accuracy", where=middle)
    if tr.evals["step"]:
        show(metric_curves_figure([("BLEU", tr.evals["step"], tr.evals["bleu"])], x_title=steps, y_range=(0, 101),
                                  title=t("transformer.live.bleu_title")), key="transformer.bleu", where=right)


def live_charts(run: Run) -> list[tuple[str, str, str]]:
    """The training curves as (title, PNG data URI, caption) tuples, their names and axes in text: the loss, the
    accuracies and, after the first test, BLEU."""
    tr: TransformerTrainer = run.trainer

    def caption(names: list[str], axis: str) -> str:
        legend = markdown_legend([(name, PALETTE[k]) for k, name in enumerate(names)])
        return f"{legend}  \n{t('runner.axes', x=t('transformer.live.steps'), y=t(f'transformer.live.{axis}_axis'))}"

    size = dict(width=360, height=260)  # a third of the page wide
    charts = [(t("transformer.live.loss_title"),
               live_png(run, "transformer.loss", lambda: metric_curves_picture(
                   [(tr.history["step"], tr.history["loss"])], log_y=True, **size)),
               caption([t("transformer.live.loss")], "loss")),
              (t("transformer.live.accuracy_title"),
               live_png(run, "transformer.accuracy", lambda: metric_curves_picture(
                   [(tr.history["step"], tr.history["accuracy"]), (tr.evals["step"], tr.evals["exact"])],
                   y_range=(0, 1.02), **size)),
               caption([t("transformer.live.token_accuracy"), t("transformer.live.exact")], "accuracy"))]
    if tr.evals["step"]:
        charts.append((t("transformer.live.bleu_title"),
                       live_png(run, "transformer.bleu", lambda: metric_curves_picture(
                           [(tr.evals["step"], tr.evals["bleu"])], y_range=(0, 101), **size)),
                       caption(["BLEU"], "bleu")))
    return charts


run = live_training(NS, build=build, config=(data.name, model_cfg, train_cfg), draw=draw, live_frame=live_frame)
model = run.trainer.model
st.download_button(t("transformer.download"), data=lambda: export_bytes(model, data.src_vocab, data.tgt_vocab),
                   file_name="nnpg-transformer.pt", mime="application/octet-stream", on_click="ignore",
                   key="transformer.download", icon=":material/download:", help=t("transformer.download_help"))

takeaway(NS, "model")
# ----- your own sentence -----
st.divider()
st.subheader(t("transformer.translate.heading"))
st.markdown(t("transformer.translate.explain"))
sentence = page.text("sentence", SENTENCE, max_chars=200)
c1, c2 = st.columns([2, 3])
decoding = page.choice("decode", ["greedy", "beam"], "greedy", labels=options("transformer.decode", ["greedy", "beam"]),
                       style="segmented", where=c1)
beam = page.slider("beam", 2, 8, 4, where=c2)
kind = page.choice("kind", KINDS, "cross", labels=options("transformer.maps.kind", KINDS), style="segmented")
src_tokens = tokenize(sentence)[:MAX_INPUT_TOKENS]
if not src_tokens:
    st.info(t("transformer.translate.empty"), icon=":material/edit:")
else:
    if len(tokenize(sentence)) > MAX_INPUT_TOKENS:
        st.caption(t("transformer.translate.cut", n=MAX_INPUT_TOKENS))
    unknown = data.src_vocab.unknown(src_tokens)
    if unknown:
        st.warning(t("transformer.translate.unknown", words=literal_list(unknown[:8]),
                     examples=literal_list(data.src_vocab.tokens[4:16])), icon=":material/help:")
    if run.trainer.steps_done == 0:
        st.info(t("transformer.translate.untrained"), icon=":material/info:")
    elif run.running:
        st.caption(t("transformer.translate.running"))
    src_ids = data.src_vocab.encode(src_tokens)
    width_of_beam = beam if decoding == "beam" else 1
    # translating is the slow part of a rerun: keep the result while the model and the request stay the same
    def translated() -> tuple:
        out = translate(model, src_ids, max_len=min(2 * len(src_ids) + 5, 120), beam=width_of_beam)
        return out, attention_for(model, src_ids, out)
    out_ids, all_maps = run.per_model_state("translation", translated, tuple(src_ids), width_of_beam)
    out_tokens = data.tgt_vocab.decode(out_ids)
    st.markdown(t("transformer.translate.output", text=detokenize(out_tokens, capitalize=True) or "…"))

    st.markdown(t("transformer.maps.explain"))
    maps = all_maps[kind]
    src_labels = [tok if tok in data.src_vocab else UNK_LABEL for tok in src_tokens] + [EOS_LABEL]
    tgt_labels = [BOS_LABEL] + out_tokens  # decoder position i reads token i and predicts token i + 1
    rows, cols = {"encoder": (src_labels, src_labels), "decoder": (tgt_labels, tgt_labels),
                  "cross": (tgt_labels, src_labels)}[kind]
    for i, layer_maps in enumerate(maps):
        show(heads_grid_figure(layer_maps, rows, cols, head_name=t("transformer.maps.head"),
                               title=t(f"transformer.maps.title.{kind}", layer=i + 1), revision=f"{kind}-{i}"),
             key=f"transformer.map.{i}")

takeaway(NS, "translate")
# ----- positional encoding -----
st.divider()
st.subheader(t("transformer.pe.heading"))
st.markdown(t("transformer.pe.explain"))
pe = sinusoidal_positions(40, width).numpy()
left, right = st.columns(2)
show(positional_encoding_figure(pe, title=t("transformer.pe.map_title", d=width), x_title=t("transformer.pe.dimension"),
                                y_title=t("transformer.pe.position")), key="transformer.pe", where=left)
show(positional_waves_figure(pe, [0, width // 8, width // 4, width // 2], title=t("transformer.pe.waves_title"),
                             x_title=t("transformer.pe.position"), dim_name=t("transformer.pe.dim")),
     key="transformer.pe_waves", where=right)

takeaway(NS, "pe")

# ----- against an RNN: parallel steps, n² cost, position added -----
st.divider()
st.subheader(t("transformer.versus.heading"))
st.markdown(t("transformer.versus.text"))
lengths = np.arange(1, 129)
rnn_layer, attention_layer = rnn_cost(lengths, width), attention_cost(lengths, width)
left, right = st.columns(2)
show(curves_memo(lengths, {t("transformer.versus.rnn"): rnn_layer.multiply_adds,
                             t("transformer.versus.attention"): attention_layer.multiply_adds,
                             t("transformer.versus.quadratic"): 2 * lengths**2 * width},
                   title=t("transformer.versus.cost_title", d=width), x_title=t("transformer.versus.x"), log_y=True),
     key="transformer.versus_cost", where=left)
show(curves_memo(lengths, {t("transformer.versus.rnn"): rnn_layer.sequential_steps,
                             t("transformer.versus.attention"): attention_layer.sequential_steps},
                   title=t("transformer.versus.steps_title"), x_title=t("transformer.versus.x")),
     key="transformer.versus_steps", where=right)
if src_tokens:
    n = len(src_tokens) + 1  # the encoder also reads the end token
    st.caption(t("transformer.versus.share", n=n, share=f"{attention_share(n, width):.0%}",
                 share128=f"{attention_share(128, width):.0%}"))
takeaway(NS, "versus")
page.finish()
