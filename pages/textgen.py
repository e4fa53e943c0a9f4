"""An RNN language model that writes: a character-level LSTM trained live, then sampled with a temperature."""
import streamlit as st
import torch

from core.errors import InputError
from core.sequences.textgen import (CELLS, DEFAULT_PROMPT, MAX_GENERATE, MAX_PROMPT, TARGET_PERPLEXITY, FreeRun,
                                    TextGenConfig, TextGenTrainer, check_prompt, corpus_texts)
from ui import live_feed
from ui.figures.chart_pictures import live_png, markdown_legend, show_picture
from ui.figures.common import PALETTE, show
from ui.figures.sequences.textgen import (char_label, next_char_figure, next_char_picture, perplexity_figure,
                                          perplexity_picture)
from ui.i18n import error_text, options, t
from ui.page import Page, seed
from ui.runner import LIGHT_INTERVAL_S, live_training
from ui.teaching import takeaway

TEMPERATURES = [0.0, 0.2, 0.5, 0.8, 1.0, 1.5, 2.0]
TOP = 12  # characters in the bar chart

page = Page("textgen")
page.header()


@st.cache_resource(max_entries=1)
def texts() -> tuple[str, str]:
    return corpus_texts()


train_text, valid_text = texts()
st.header(t("textgen.train.heading"))
st.markdown(t("textgen.train.text"))
cols = st.columns(2)
cell = page.choice("cell", CELLS, "lstm", style="segmented", labels=options("textgen.cell", list(CELLS)),
                   where=cols[0])
hidden = page.choice("hidden", [32, 64, 128, 256], 128, style="slider", where=cols[1])
config = TextGenConfig(cell=cell, hidden=hidden, seed=seed())
takeaway("textgen", "train")

st.header(t("textgen.write.heading"))
st.markdown(t("textgen.write.text"))
cols = st.columns([2, 1, 1])
raw_prompt = page.text("prompt", DEFAULT_PROMPT, max_chars=MAX_PROMPT, where=cols[0])
temperature = page.choice("temp", TEMPERATURES, 0.8, style="slider", where=cols[1],
                          labels=lambda v: t("textgen.greedy") if v == 0 else f"{v:g}")
length = page.slider("length", 20, MAX_GENERATE, 200, 20, where=cols[2])
position = page.slider("pos", 1, MAX_GENERATE, 1)
sample_seed = seed()  # read here: the live panel's frames are made outside the page's run


def draw(run) -> None:
    trainer: TextGenTrainer = run.trainer
    left, right = st.columns([1, 1.3], gap="large")
    # live: pictures, which a browser redraws several times a second (ui/figures/chart_pictures.py); paused: Plotly
    if run.running:
        title, src, caption = perplexity_chart(run)
        show_picture(src, title=title, caption=caption, where=left)
    else:
        show(perplexity_figure(trainer.curve_steps, trainer.valid_curve, target=TARGET_PERPLEXITY,
                               target_label=t("textgen.train.target_line"), floor=len(trainer.vocab),
                               floor_label=t("textgen.train.uniform_line"), title=t("textgen.train.chart"),
                               x_title=t("textgen.train.step_axis"), y_title=t("textgen.train.ppl_axis"),
                               name=t("textgen.train.valid")), key="textgen.chart_ppl", where=left)
    left.caption(perplexity_now(trainer))
    if run.running:
        left.caption(t("runner.live_picture"))
    with right:
        try:
            prompt = check_prompt(raw_prompt, trainer.vocab)
        except InputError as err:
            st.error(error_text("textgen.prompt_error", err), icon=":material/error:")
            return
        if not raw_prompt:
            st.info(t("textgen.write.default_used", prompt=DEFAULT_PROMPT.strip()), icon=":material/info:")
        sample, k = written(run, prompt)
        st.markdown(t("textgen.write.output"))
        st.code(sample.prompt + sample.text, language=None, wrap_lines=True)
        if run.running:
            title, src, caption = next_char_chart(run, sample, k)
            show_picture(src, title=title, caption=caption)
        else:
            show(next_char_figure(trainer.vocab.chars, sample.probs[k].numpy(), sample.model_probs[k].numpy(),
                                  trainer.vocab.index[sample.text[k]], top=TOP, title=next_char_title(sample, k),
                                  labels={"scaled": t("textgen.write.scaled", temp=temperature),
                                          "model": t("textgen.write.model"), "axis": t("textgen.write.prob_axis")}),
                 key="textgen.chart_next")


def live_frame(run) -> list[dict]:
    """`draw` while it trains, as live-panel blocks (ui/live_feed.py); the text as a paragraph."""
    trainer: TextGenTrainer = run.trainer
    title, src, caption = perplexity_chart(run)
    left = [live_feed.picture(src, title=title, caption=caption, stretch=True),
            live_feed.note(perplexity_now(trainer)), live_feed.note(t("runner.live_picture"))]
    try:
        prompt = check_prompt(raw_prompt, trainer.vocab)
    except InputError as err:
        return [live_feed.columns([1, 1.3], left, [live_feed.text(error_text("textgen.prompt_error", err))])]
    right = [] if raw_prompt else [live_feed.note(t("textgen.write.default_used", prompt=DEFAULT_PROMPT.strip()))]
    sample, k = written(run, prompt)
    title, src, caption = next_char_chart(run, sample, k)
    right += [live_feed.text(t("textgen.write.output")), live_feed.literal(sample.prompt + sample.text),
              live_feed.picture(src, title=title, caption=caption, stretch=True)]
    return [live_feed.columns([1, 1.3], left, right)]


def perplexity_now(trainer: TextGenTrainer) -> str:
    reached = trainer.reached_at
    return t("textgen.train.now", ppl=f"{trainer.valid_curve[-1]:.2f}",
             reached="–" if reached is None else f"{reached:,}")


def written(run, prompt: str):
    """The model's text after `prompt` and the position the bar chart explains.

    Written again after each validation measurement (every EVAL_EVERY steps), not after every step: writing 200
    characters one at a time costs more than a tick's drawing should. A longer text continues the one shown (same
    model state): only the new characters are drawn."""
    trainer: TextGenTrainer = run.trainer
    key = (len(trainer.curve_steps), prompt, temperature, sample_seed)
    held = run.extra.get("sample")
    if held is None or held[0] != key or (held[1].drawn < length and held[1].steps != trainer.steps_done):
        held = run.extra["sample"] = (key, FreeRun(trainer, prompt, temperature,
                                                   torch.Generator().manual_seed(sample_seed)))
    sample = held[1].extend_to(length)
    return sample, min(position, len(sample.text)) - 1


def next_char_title(sample, k: int) -> str:
    shown = (sample.prompt + sample.text[:k])[-30:]
    return t("textgen.write.bar_chart", k=k + 1, context=shown.replace("\n", "↵"), char=char_label(sample.text[k]))


def perplexity_chart(run) -> tuple[str, str, str]:
    """The validation perplexity while training as (title, PNG data URI, caption): legend and axes in text."""
    trainer: TextGenTrainer = run.trainer
    src = live_png(run, "textgen.perplexity", lambda: perplexity_picture(
        trainer.curve_steps, trainer.valid_curve, target=TARGET_PERPLEXITY, floor=len(trainer.vocab)))
    legend = (f"{markdown_legend([(t('textgen.train.valid'), PALETTE[0])])} \u2003 "
              f":green[╌╌] {t('textgen.train.target_line')} \u2003 :gray[╌╌] {t('textgen.train.uniform_line')}")
    return (t("textgen.train.chart"), src,
            f"{legend}  \n{t('runner.axes', x=t('textgen.train.step_axis'), y=t('textgen.train.ppl_axis'))}")


def next_char_chart(run, sample, k: int) -> tuple[str, str, str]:
    """The distribution of character k + 1 as (title, PNG data URI, caption): legend and axes in text."""
    chars = run.trainer.vocab.chars
    chosen = run.trainer.vocab.index[sample.text[k]]
    src = live_png(run, "textgen.next", lambda: next_char_picture(chars, sample.probs[k].numpy(),
                                                                   sample.model_probs[k].numpy(), chosen, top=TOP),
                   sample.prompt + sample.text, temperature, k)
    bars = markdown_legend([(t("textgen.write.scaled", temp=temperature), PALETTE[0]),
                            (t("textgen.write.picked"), PALETTE[1])], mark="■")
    legend = f"{bars} \u2003 ━ {t('textgen.write.model')}"
    return (next_char_title(sample, k), src,
            f"{legend}  \n{t('runner.axes', x=t('textgen.write.char_axis'), y=t('textgen.write.prob_axis'))}")


live_training("textgen", lambda: TextGenTrainer(config, train_text, valid_text), config, draw, steps_per_click=25,
              interval_s=LIGHT_INTERVAL_S, live_frame=live_frame)
st.markdown(t("textgen.write.explain"))
takeaway("textgen", "write")

st.header(t("textgen.theory.heading"))
st.markdown(t("textgen.theory.text"))
takeaway("textgen", "theory")

page.finish()
