"""Bahdanau attention against a NumPy re-computation, padding that cannot leak, alignment scoring, training."""
import numpy as np
import pytest
import torch

from core.attention.corpus import shipped_corpus
from core.attention.seq2seq import (AdditiveAttention, BahdanauSeq2Seq, Seq2SeqConfig, Seq2SeqTrainConfig, Seq2SeqTrainer,
                          alignment_accuracy)
from core.attention.vocab import BOS_ID, EOS_ID


def test_additive_attention_matches_numpy():
    torch.manual_seed(0)
    attn = AdditiveAttention(3, 4, 5)
    s, h = torch.randn(2, 3), torch.randn(2, 6, 4)
    allowed = torch.ones(2, 6, dtype=torch.bool)
    allowed[1, 4:] = False
    with torch.no_grad():
        context, alpha = attn(s, attn.u_a(h), h, allowed)
    W, U, b, v = (p.detach().numpy() for p in (attn.w_a.weight, attn.u_a.weight, attn.u_a.bias, attn.v_a.weight))
    for n in range(2):
        keep = allowed[n].numpy()
        e = np.array([(v @ np.tanh(W @ s[n].numpy() + U @ h[n, j].numpy() + b))[0] for j in range(6)])
        a = np.where(keep, np.exp(e - e[keep].max()), 0.0)
        a /= a.sum()
        np.testing.assert_allclose(alpha[n].numpy(), a, atol=1e-6)
        np.testing.assert_allclose(context[n].numpy(), a @ h[n].numpy(), atol=1e-6)
    assert torch.all(alpha[1, 4:] == 0)


def test_padding_does_not_change_the_annotations_or_the_output():
    torch.manual_seed(0)
    model = BahdanauSeq2Seq(Seq2SeqConfig(src_vocab=12, tgt_vocab=10, embed=8, hidden=8, attn=8)).eval()
    alone = torch.tensor([[5, 6, 7, EOS_ID]])
    padded = torch.tensor([[5, 6, 7, EOS_ID, 0, 0], [4, 5, 6, 7, 8, EOS_ID]])
    tgt = torch.tensor([[BOS_ID, 4, 5], [BOS_ID, 6, 7]])
    with torch.no_grad():
        a1, _, _, s1 = model.encode(alone)
        a2, _, _, s2 = model.encode(padded)
        torch.testing.assert_close(a1[0], a2[0, :4])
        torch.testing.assert_close(s1[0], s2[0])
        l1, al1 = model(alone, tgt[:1])
        l2, al2 = model(padded, tgt)
    torch.testing.assert_close(l1[0], l2[0], atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(al1[0], al2[0, :, :4], atol=1e-6, rtol=1e-5)
    out, alpha = model.translate([5, 6, 7, EOS_ID], max_len=6)
    assert alpha.shape[1] == 4 and torch.allclose(alpha.sum(-1), torch.ones(alpha.shape[0]))
    assert alpha.shape[0] == len(out) + (1 if len(out) < 6 else 0)


def test_alignment_accuracy_counts_peaks_on_gold_links():
    alpha = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]])
    assert alignment_accuracy(alpha, [(0, 0), (1, 2), (2, 0)]) == (2, 3)
    assert alignment_accuracy(alpha, [(5, 0)]) == (0, 1)  # a link past the output cannot be a hit


@pytest.fixture(scope="module")
def corpus():
    return shipped_corpus()


def test_trainer_learns_to_translate_and_align(corpus):
    tr = Seq2SeqTrainer(corpus, train_cfg=Seq2SeqTrainConfig(max_steps=100, eval_every=50, eval_sentences=60))
    first = tr.step(25)["loss"]
    while not tr.done:
        tr.step(25)
    assert tr.history["loss"][-1] < 0.5 * first
    assert tr.evals["step"] == [50, 100]
    assert tr.evals["alignment"][-1] > tr.evals["alignment"][0]  # attention finds the corresponding words
    assert tr.evals["alignment"][-1] > 0.3


def test_a_loaded_model_is_measured_at_once(corpus):
    """resume() records the loaded model's teacher-forced loss and accuracy — the numbers its own training step
    reports at learning rate 0 on the same batches — and one alignment check."""
    cfg = Seq2SeqTrainConfig(max_steps=100, eval_every=50, eval_sentences=40)
    trained = Seq2SeqTrainer(corpus, train_cfg=cfg)
    trained.step(10)
    loaded = Seq2SeqTrainer(corpus, train_cfg=Seq2SeqTrainConfig(max_steps=100, eval_sentences=40, seed=1))
    loaded.resume(trained.model_tensors(), trained.steps_done)
    assert loaded.history["step"] == [10] and loaded.evals["step"] == [10]
    assert loaded.evals["alignment"] == [pytest.approx(trained.evaluate_alignment())]
    frozen = Seq2SeqTrainer(corpus, train_cfg=Seq2SeqTrainConfig(lr=0.0, max_steps=100, eval_every=1000))
    frozen.load_model_tensors(trained.model_tensors())
    losses, accuracies, tokens = [], [], []
    for batch in loaded.measure_batches():  # one training step of lr 0 per batch: that batch's loss and accuracy
        frozen.batches, frozen._queue = [batch], []
        step = frozen.step(1)
        losses.append(step["loss"]), accuracies.append(step["accuracy"]), tokens.append(batch.target_tokens)
    weights = np.array(tokens) / sum(tokens)
    assert loaded.latest()["loss"] == pytest.approx(float(np.dot(weights, losses)), rel=1e-5)
    assert loaded.latest()["accuracy"] == pytest.approx(float(np.dot(weights, accuracies)), rel=1e-6)
    assert torch.equal(frozen.model.encode(loaded.batches[0].src)[0], loaded.model.encode(loaded.batches[0].src)[0])
