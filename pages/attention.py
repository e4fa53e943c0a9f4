"""Attention heat maps: scaled dot-product attention by hand, a Bahdanau translator's alignment as it trains,
and a pretrained Transformer's heads on the learner's own sentence."""
import numpy as np
import streamlit as st
import torch

from core.attention.attention import MatrixError, attention_steps, parse_matrix
from core.attention.attention_forms import additive_scores, dot_product_scores, random_additive, weighted_average
from core.attention.corpus import shipped_corpus
from core.device import device
from core.attention.pretrained import PretrainedUnavailable, load_encoder, model_path, sentence_attention
from core.attention.seq2seq import Seq2SeqTrainer, Seq2SeqTrainConfig
from core.attention.vocab import detokenize, tokenize
from ui import live_feed
from ui.figures.attention.attention import (alignment_figure, head_view_figure, metric_curves_figure,
                                            metric_curves_picture, token_heatmap)
from ui.figures.attention.pictures import GOLD, alignment_picture
from ui.figures.chart_pictures import live_png, markdown_legend, show_picture
from ui.figures.common import PALETTE, show
from ui.i18n import error_text, literal_list, options, t
from ui.page import Page, seed
from ui.runner import Run, live_training
from ui.teaching import takeaway

NS = "attention"
TEMPERATURES = [0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0]
MASKS = ["none", "padding", "causal", "both"]
ADDITIVE_SIZE = 8  # hidden size of the additive score's small network in part 4
SENTENCE = "These small black cats do not see any yellow balls."  # a held-out sentence: never trained on
UNK_LABEL, EOS_LABEL = "⟨unk⟩", "⟨eos⟩"  # angle brackets that neither Markdown nor Plotly read as HTML
MINI_SENTENCE = "The cat that the dog chased ran up a tall tree because it was scared."


@st.cache_resource(max_entries=1, show_spinner=False)
def pretrained_encoder(path: str):
    """The ~90 MB MiniLM, loaded once per server process (None and the reason if it cannot be)."""
    try:
        return load_encoder(path, device), None
    except PretrainedUnavailable as err:
        return None, err


@st.cache_data(max_entries=64, show_spinner=False)
def pretrained_attention(path: str, text: str):
    encoder, _ = pretrained_encoder(path)
    return sentence_attention(encoder, text)


@st.cache_resource(max_entries=1, show_spinner=False)
def corpus():
    return shipped_corpus()


@st.cache_resource(max_entries=1, show_spinner=False)
def gold_alignments() -> dict:
    """English tokens -> (French tokens, gold links) for every corpus sentence, to mark the true alignment."""
    data = corpus()
    return {src: (tgt, links) for (src, tgt), links in zip(data.train + data.test, data.align_train + data.align_test)}


page = Page(NS)
page.header()

# ----- 1. scaled dot-product attention by hand -----
st.subheader(t("attention.sdpa.heading"))
st.markdown(t("attention.sdpa.explain"))
cols = st.columns(3)
texts = {"q": page.text("q", "1 0; 0 1; 1 1", area=True, where=cols[0]),
         "k": page.text("k", "1 0; 0 1; 1 1; -1 0", area=True, where=cols[1]),
         "v": page.text("v", "1 0; 0 1; 0.5 0.5; 2 -1", area=True, where=cols[2])}
c1, c2, c3 = st.columns([2, 2, 1])
temperature = page.choice("temperature", TEMPERATURES, 1.0, style="slider", where=c1)
mask = page.choice("mask", MASKS, "none", labels=options("attention.mask", MASKS), style="segmented", where=c2)
pad_keys = page.slider("padding", 0, 5, 1, where=c3)
padding = pad_keys if mask in ("padding", "both") else 0
scale = page.toggle("scale", True)

matrices, failed = {}, False
for name, text in texts.items():
    try:
        matrices[name] = parse_matrix(text, name.upper())
    except MatrixError as err:
        st.error(error_text("attention.error", err), icon=":material/grid_off:")
        failed = True
steps = None
if not failed:
    try:
        steps = attention_steps(matrices["q"], matrices["k"], matrices["v"], scale=scale,
                                causal=mask in ("causal", "both"), padding=padding, temperature=temperature)
    except MatrixError as err:
        st.error(error_text("attention.error", err), icon=":material/grid_off:")

if steps is not None:
    q_labels = [f"q{i + 1}" for i in range(steps.scores.shape[0])]
    n_k = steps.scores.shape[1]
    k_labels = [f"k{j + 1}" + (t("attention.sdpa.pad_label") if j >= n_k - padding else "") for j in range(n_k)]
    d = matrices["q"].shape[1]
    row1 = st.columns(3)
    show(token_heatmap(steps.scores, q_labels, k_labels, title=t("attention.sdpa.scores"), diverging=True),
         key="attention.scores", where=row1[0])
    show(token_heatmap(steps.scaled, q_labels, k_labels, diverging=True,
                       title=t("attention.sdpa.scaled", d=d) if scale else t("attention.sdpa.unscaled")),
         key="attention.scaled", where=row1[1])
    show(token_heatmap(steps.masked, q_labels, k_labels, title=t("attention.sdpa.masked"), diverging=True),
         key="attention.masked", where=row1[2])
    row2 = st.columns([1, 1])
    show(token_heatmap(steps.weights, q_labels, k_labels, title=t("attention.sdpa.weights", T=temperature)),
         key="attention.weights", where=row2[0])
    v_labels = [f"v{c + 1}" for c in range(steps.output.shape[1])]
    show(token_heatmap(steps.output, q_labels, v_labels, title=t("attention.sdpa.output"), diverging=True),
         key="attention.output", where=row2[1])
    # the same numbers from PyTorch's own kernel: scale 1/(√d·T), mask True where a query may look
    q, k, v = (torch.tensor(matrices[n]) for n in ("q", "k", "v"))
    reference = torch.nn.functional.scaled_dot_product_attention(
        q, k, v, attn_mask=torch.tensor(steps.allowed), scale=steps.scale / temperature).numpy()
    st.caption(t("attention.sdpa.check", diff=f"{np.abs(reference - steps.output).max():.1e}"))

takeaway(NS, "sdpa")
# ----- 2. Bahdanau attention, trained live -----
st.divider()
st.subheader(t("attention.align.heading"))
st.markdown(t("attention.align.explain"))
data = corpus()
sentence = page.text("sentence", SENTENCE, max_chars=160)
src_tokens = tokenize(sentence)
unknown = data.src_vocab.unknown(src_tokens)
if not src_tokens:
    st.info(t("attention.align.empty"), icon=":material/edit:")
elif unknown:
    st.warning(t("attention.align.unknown", words=literal_list(unknown[:8]),
                 examples=literal_list(data.src_vocab.tokens[4:16])), icon=":material/help:")
golds = gold_alignments()  # here: the live panel's frames are made outside the page's run


def draw(run: Run) -> None:
    tr: Seq2SeqTrainer = run.trainer
    left, right = st.columns([2, 3])
    # live: pictures, which a browser redraws several times a second (ui/figures/chart_pictures.py); paused: Plotly
    if not tr.history["step"]:
        left.info(t("attention.align.start"), icon=":material/play_arrow:")
    elif run.running:
        for title, src, caption in curve_pictures(run):
            show_picture(src, title=title, where=left, caption=caption)
        left.caption(t("runner.live_picture"))
    else:
        _curve_charts(tr, left)
    if not src_tokens:
        return
    out_tokens, alpha, shown_src, gold = translation(run)
    if run.running:
        title, src, caption = alignment_chart(run)
        show_picture(src, title=title, where=right, caption=caption)
    else:
        show(alignment_figure(alpha.numpy(), shown_src, out_tokens + [EOS_LABEL], title=t("attention.align.map_title"),
                              x_title=t("attention.align.source"), y_title=t("attention.align.output"), gold=gold,
                              gold_name=t("attention.align.gold")), key="attention.alignment_map", where=right)
    right.markdown(translation_text(out_tokens))


def live_frame(run: Run) -> list[dict]:
    """`draw` while it trains, as live-panel blocks (ui/live_feed.py)."""
    left = [live_feed.picture(src, title=title, caption=caption, stretch=True)
            for title, src, caption in curve_pictures(run)]
    left.append(live_feed.note(t("runner.live_picture") if left else t("attention.align.start")))
    right = []
    if src_tokens:
        title, src, caption = alignment_chart(run)
        right = [live_feed.picture(src, title=title, caption=caption, stretch=True),
                 live_feed.text(translation_text(translation(run)[0]))]
    return [live_feed.columns([2, 3], left, right)]


def translation(run: Run) -> tuple[list[str], torch.Tensor, list[str], tuple]:
    """The model's translation of the sentence: its tokens, the attention weights, the source as the map labels it,
    and the true alignment when the translation is the corpus's own."""
    tr: Seq2SeqTrainer = run.trainer
    ids = data.src_vocab.encode(src_tokens)
    # same model, same sentence: reuse (other controls and waiting ticks rerun the panel)
    # an untrained decoder never says <eos>: as many rows as the sentence has words, not a page-long map of noise
    max_len = 2 * len(ids) + 5 if tr.steps_done else len(ids)
    out, alpha = run.per_model_state("translation", lambda: tr.model.translate(ids, max_len=max_len), tuple(ids))
    out_tokens = data.tgt_vocab.decode(out)
    shown_src = [tok if tok in data.src_vocab else UNK_LABEL for tok in src_tokens] + [EOS_LABEL]
    reference, links = golds.get(tuple(src_tokens), ((), ()))
    gold = links if list(reference) == out_tokens else ()  # gold positions only fit a correct translation
    return out_tokens, alpha, shown_src, gold


def translation_text(out_tokens: list[str]) -> str:
    return t("attention.align.translation", text=detokenize(out_tokens, capitalize=True) or "…")


def alignment_chart(run: Run) -> tuple[str, str, str]:
    """The attention map while training as (title, PNG data URI, caption): the axes and the gold marks in text."""
    out_tokens, alpha, shown_src, gold = translation(run)
    src = live_png(run, "attention.alignment", lambda: alignment_picture(alpha.numpy(), shown_src,
                                                                         out_tokens + [EOS_LABEL], gold=gold),
                   tuple(src_tokens))
    marks = f" · {markdown_legend([(t('attention.align.gold'), GOLD)], mark='□')}" if gold else ""
    return (t("attention.align.map_title"), src,
            t("attention.align.map_picture", x=t("attention.align.source"), y=t("attention.align.output")) + marks)


def _curve_charts(tr: Seq2SeqTrainer, where) -> None:
    show(metric_curves_figure([(t("attention.align.loss"), tr.history["step"], tr.history["loss"])],
                              title=t("attention.align.loss_title"), x_title=t("attention.align.steps"),
                              height=260), key="attention.loss", where=where)
    if tr.evals["step"]:
        show(metric_curves_figure([(t("attention.align.alignment"), tr.evals["step"], tr.evals["alignment"])],
                                  title=t("attention.align.alignment_title"), x_title=t("attention.align.steps"),
                                  y_range=(0, 1.02)), key="attention.alignment_curve", where=where)


def curve_pictures(run: Run) -> list[tuple[str, str, str]]:
    """The loss and alignment curves while training as (title, PNG data URI, caption) tuples, the curve's name and
    the axis in text; none before the first step."""
    tr: Seq2SeqTrainer = run.trainer

    def chart(name: str, steps: list, values: list, **y_range) -> tuple[str, str, str]:
        label = t(f"attention.align.{name}")
        src = live_png(run, f"attention.{name}", lambda: metric_curves_picture(
            [(steps, values)], width=400, height=260, **y_range))  # two fifths of the page wide
        across = t("runner.axes", x=t("attention.align.steps"), y=label)
        return t(f"attention.align.{name}_title"), src, f"{markdown_legend([(label, PALETTE[0])])}  \n{across}"

    charts = [chart("loss", tr.history["step"], tr.history["loss"])] if tr.history["step"] else []
    if tr.evals["step"]:
        charts.append(chart("alignment", tr.evals["step"], tr.evals["alignment"], y_range=(0, 1.02)))
    return charts


train_cfg = Seq2SeqTrainConfig(seed=seed())  # a core dataclass: equal across reruns, so the run survives them
live_training(NS, build=lambda: Seq2SeqTrainer(data, train_cfg=train_cfg, device=device), config=train_cfg, draw=draw,
              live_frame=live_frame)

takeaway(NS, "align")
# ----- 3. a pretrained Transformer's heads -----
st.divider()
st.subheader(t("attention.pretrained.heading"))
st.markdown(t("attention.pretrained.explain"))
mini_text = page.text("mini", MINI_SENTENCE, max_chars=300)
try:
    path = model_path()
    encoder, problem = pretrained_encoder(path)
except PretrainedUnavailable as err:
    encoder, problem = None, err
if encoder is None:
    st.warning(error_text("attention.pretrained.unavailable", problem), icon=":material/cloud_off:")
elif not mini_text.strip():
    st.info(t("attention.pretrained.empty"), icon=":material/edit:")
else:
    c1, c2 = st.columns(2)
    layer = page.slider("layer", 1, encoder.layers, 1, where=c1)
    head_names = ["all"] + [str(h) for h in range(1, encoder.heads + 1)]
    head = page.choice("head", head_names, "3", where=c2,  # layer 1, head 3 attends to the previous word
                       labels=lambda h: t("attention.pretrained.all_heads") if h == "all" else h)
    tokens, weights = pretrained_attention(path, mini_text)
    heads = list(range(encoder.heads)) if head == "all" else [int(head) - 1]
    left, right = st.columns([2, 3])
    show(head_view_figure(tokens, weights[layer - 1], heads, title=t("attention.pretrained.head_view", layer=layer),
                          head_name=t("attention.pretrained.head")), key="attention.head_view", where=left)
    matrix = weights[layer - 1].mean(0) if head == "all" else weights[layer - 1, heads[0]]
    title = (t("attention.pretrained.mean_map", layer=layer) if head == "all"
             else t("attention.pretrained.head_map", layer=layer, head=head))
    show(token_heatmap(matrix, tokens, tokens, title=title, text=len(tokens) <= 16, fmt=".2f",
                       x_title=t("attention.pretrained.keys"), y_title=t("attention.pretrained.queries")),
         key="attention.head_map", where=right)
    if len(tokens) >= 64:
        st.caption(t("attention.pretrained.cut", n=len(tokens)))

takeaway(NS, "pretrained")

# ----- 4. one recipe, three scores -----
st.divider()
st.subheader(t("attention.forms.heading"))
st.markdown(t("attention.forms.text"))
if steps is not None:
    q_m, k_m, v_m = matrices["q"], matrices["k"], matrices["v"]
    dot_weights, dot_out = weighted_average(dot_product_scores(q_m, k_m), v_m, steps.allowed)
    net = random_additive(q_m.shape[1], k_m.shape[1], ADDITIVE_SIZE, seed())
    add_weights, add_out = weighted_average(additive_scores(q_m, k_m, net), v_m, steps.allowed)
    left, right = st.columns(2)
    show(token_heatmap(dot_weights, q_labels, k_labels, title=t("attention.forms.dot_title")),
         key="attention.forms_dot", where=left)
    show(token_heatmap(add_weights, q_labels, k_labels, title=t("attention.forms.add_title")),
         key="attention.forms_additive", where=right)
    st.caption(t("attention.forms.check", diff=f"{np.abs(dot_out - add_out).max():.3g}"))
takeaway(NS, "forms")
page.finish()
