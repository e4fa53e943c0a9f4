"""The text-generation core: temperature softmax against NumPy, prompt checks, free running against re-reading,
perplexity against an independent cross-entropy, and training to the stated perplexity by step count."""
import math

import numpy as np
import pytest
import torch

from core.errors import InputError
from core.sequences.textgen import (DEFAULT_PROMPT, MAX_PROMPT, TARGET_PERPLEXITY, CharVocab, FreeRun, TextGenConfig,
                                    TextGenTrainer, check_prompt, corpus_texts, one_step, temperature_probs)

TRAIN, VALID = corpus_texts()


def test_temperature_softmax_matches_numpy():
    z = torch.tensor([2.0, 1.0, -0.5, 0.3])
    for temp in (0.2, 1.0, 2.5):
        e = np.exp(z.numpy() / temp - np.max(z.numpy() / temp))
        np.testing.assert_allclose(temperature_probs(z, temp).numpy(), e / e.sum(), rtol=1e-6)
    assert temperature_probs(z, 0.0).tolist() == [1.0, 0.0, 0.0, 0.0]
    assert temperature_probs(z, 0.2)[0] > temperature_probs(z, 1.0)[0] > temperature_probs(z, 2.5)[0]


def test_prompt_checks():
    vocab = CharVocab("abc .\n")
    assert check_prompt("", vocab) == DEFAULT_PROMPT
    assert check_prompt("ab c.", vocab) == "ab c."
    with pytest.raises(InputError) as err:
        check_prompt("abxé", vocab)
    assert err.value.code == "unknown" and "'x'" in err.value.detail["chars"] and "'é'" in err.value.detail["chars"]
    with pytest.raises(InputError) as err:
        check_prompt("a" * (MAX_PROMPT + 1), vocab)
    assert err.value.code == "too_long"


def small_trainer(**kw) -> TextGenTrainer:
    return TextGenTrainer(TextGenConfig(hidden=32, seq_len=16, batch=4, **kw), TRAIN[:5000], VALID[:800])


def test_validation_perplexity_is_exp_of_the_mean_cross_entropy():
    trainer = small_trainer()
    with torch.no_grad():
        logits, _ = trainer.model(trainer.valid[None, :-1])
    z = logits[0].double().numpy()
    log_p = z - z.max(1, keepdims=True) - np.log(np.exp(z - z.max(1, keepdims=True)).sum(1, keepdims=True))
    ce = -log_p[np.arange(len(z)), trainer.valid[1:].numpy()].mean()
    assert trainer.validation_perplexity() == pytest.approx(math.exp(ce), rel=1e-5)


def test_free_running_equals_reading_the_whole_text_again():
    trainer = small_trainer(seed=2)
    trainer.step(5)
    sample = trainer.sample("The ", 1.0, 12, torch.Generator().manual_seed(0))
    assert len(sample.text) == 12 and torch.allclose(sample.probs.sum(1), torch.ones(12))
    for k in (0, 5, 11):
        text = "The " + sample.text[:k]
        with torch.no_grad():
            logits, _ = trainer.model(trainer.vocab.encode(text)[None])
        torch.testing.assert_close(sample.model_probs[k], torch.softmax(logits[0, -1], -1), rtol=1e-4, atol=1e-6)
    greedy = trainer.sample("The ", 0.0, 8, torch.Generator().manual_seed(1))
    assert all(p.max() == 1.0 for p in greedy.probs)


def test_a_longer_text_continues_the_shorter_one_exactly():
    trainer = small_trainer(seed=4)
    trainer.step(5)
    whole = trainer.sample("The ", 0.8, 30, torch.Generator().manual_seed(3))
    run = FreeRun(trainer, "The ", 0.8, torch.Generator().manual_seed(3))
    short, longer, back = run.extend_to(10), run.extend_to(30), run.extend_to(20)
    assert run.drawn == 30 and longer.text == whole.text and short.text == whole.text[:10] == back.text[:10]
    torch.testing.assert_close(longer.probs, whole.probs)
    torch.testing.assert_close(back.model_probs, whole.model_probs[:20])


def test_training_reaches_the_stated_perplexity():
    """The page's goal by step count: the default LSTM gets below TARGET_PERPLEXITY within 400 steps."""
    torch.set_num_threads(1)
    trainer = TextGenTrainer(TextGenConfig(max_steps=400), TRAIN, VALID)
    start = trainer.valid_curve[0]
    while not trainer.done and trainer.reached_at is None:
        trainer.step(25)
    assert start > 20 and trainer.reached_at is not None, trainer.valid_curve
    assert trainer.valid_curve[-1] <= TARGET_PERPLEXITY


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_one_sampling_step_equals_torchs_recurrent_layer(cell):
    trainer = TextGenTrainer(TextGenConfig(cell=cell, hidden=32, max_steps=10), TRAIN, VALID)
    model = trainer.model
    with torch.no_grad():
        _, state = model(trainer.vocab.encode("The cat")[None])
        step = one_step(model)
        for char in (3, 7, 3):
            expected, expected_state = model.rnn(model.embed(torch.tensor([[char]])), state)
            h, state = step(torch.tensor([char]), state)
            torch.testing.assert_close(h, expected[0, -1], rtol=1e-5, atol=1e-6)
            for mine, theirs in zip(state if cell == "lstm" else (state,),
                                    expected_state if cell == "lstm" else (expected_state,)):
                torch.testing.assert_close(mine, theirs, rtol=1e-5, atol=1e-6)


def test_figures_pass_plotly_validation_and_show_the_top_characters():
    import plotly.graph_objects as go

    from ui.figures.sequences.textgen import next_char_figure, perplexity_figure

    ppl = perplexity_figure([0, 50, 100], [40.0, 9.5, 4.2], target=TARGET_PERPLEXITY, target_label="goal", floor=40,
                            floor_label="uniform", title="ppl", x_title="step", y_title="perplexity", name="valid")
    probs = np.array([0.1, 0.6, 0.05, 0.25], dtype=np.float32)
    bars = next_char_figure(["a", " ", "\n", "b"], probs, probs, chosen=3, top=3, title="next",
                            labels={"scaled": "T", "model": "T=1", "axis": "p"})
    for fig in (ppl, bars):
        go.Figure(fig.to_dict())  # every property through plotly's checks (the builders skip them for speed)
    assert list(ppl.data[0].y) == [40.0, 9.5, 4.2] and [s.y0 for s in ppl.layout.shapes] == [TARGET_PERPLEXITY, 40]
    assert list(bars.data[0].x) == ["␣", "b", "a"]  # most likely first, the space made visible
    assert list(bars.data[0].marker.color).count(bars.data[0].marker.color[1]) == 1  # the sampled one stands out
