"""The plain encoder-decoder against the attention model: what the decoder can see, the loss, batched greedy
decoding, BLEU per length bucket on hand-worked numbers, and training by step count."""
import math

import pytest
import torch
from torch import nn

from core.attention.bottleneck import (BottleneckConfig, BottleneckTrainer, Evaluation, PlainSeq2Seq,
                                       bucket_bleu, fixed_vector, greedy_batch)
from core.attention.compound_corpus import CompoundCorpusConfig, compound_corpus
from core.attention.corpus import pad_ids
from core.attention.seq2seq import BahdanauSeq2Seq, Seq2SeqConfig, Seq2SeqTrainConfig, teacher_forced_step
from core.attention.vocab import BOS_ID, PAD_ID
from core.trainer import seeded_rng

CFG = Seq2SeqConfig(src_vocab=20, tgt_vocab=15, embed=8, hidden=12, attn=10)
SMALL = CompoundCorpusConfig(n_train=600, n_test_per_bucket=4, seed=3)


def models():
    with seeded_rng(0):
        return PlainSeq2Seq(CFG), BahdanauSeq2Seq(CFG)


def source_batch():
    """Two sentences of 7 and 4 tokens (padded), and teacher-forcing inputs of 5."""
    src = pad_ids([[5, 6, 7, 8, 9, 10, 2], [11, 12, 13, 2]], "cpu")
    tgt_in = torch.tensor([[BOS_ID, 4, 5, 6, 7], [BOS_ID, 8, 9, 10, PAD_ID]])
    return src, tgt_in


def test_plain_model_shapes_and_no_attention_parameters():
    plain, attention = models()
    src, tgt_in = source_batch()
    logits, alpha = plain(src, tgt_in)
    assert logits.shape == (2, 5, CFG.tgt_vocab) and alpha.shape == (2, 5, 1)
    assert not any(name.startswith("attention.") for name, _ in plain.named_parameters())
    shared = {n: p.shape for n, p in attention.named_parameters() if not n.startswith("attention.")}
    assert {n: p.shape for n, p in plain.named_parameters()} == shared  # same sizes everywhere else


def test_fixed_vector_is_the_grus_own_final_states():
    plain, _ = models()
    src, _ = source_batch()
    annotations, allowed, _ = plain.annotate(src)
    packed = nn.utils.rnn.pack_padded_sequence(plain.src_embed(src), allowed.sum(1), batch_first=True,
                                               enforce_sorted=False)
    _, h_n = plain.encoder(packed)  # (2 directions, B, H): torch's final forward and backward states
    torch.testing.assert_close(fixed_vector(annotations, allowed), torch.cat([h_n[0], h_n[1]], -1))


def perturbed_middle(model, scale: float = 5.0):
    """`model.annotate` with every annotation except the first and each sentence's last replaced by noise."""
    original = model.annotate
    noise = torch.Generator().manual_seed(1)

    def annotate(src):
        annotations, allowed, s0 = original(src)
        noisy = annotations.clone()
        for row, n in enumerate(allowed.sum(1).tolist()):
            noisy[row, 1:n - 1] = scale * torch.randn(noisy[row, 1:n - 1].shape, generator=noise)
        return noisy, allowed, s0
    return annotate


def test_plain_decoder_sees_only_the_final_states():
    src, tgt_in = source_batch()
    for model, should_change in zip(models(), (False, True)):
        before, _ = model(src, tgt_in)
        model.annotate = perturbed_middle(model)
        after, _ = model(src, tgt_in)
        assert torch.allclose(before, after) != should_change, type(model).__name__


def test_loss_is_torchs_cross_entropy_over_real_target_words():
    plain, _ = models()
    src, tgt_in = source_batch()
    tgt_out = torch.tensor([[4, 5, 6, 7, 2], [8, 9, 10, 2, PAD_ID]])
    batch = type("B", (), {"src": src, "tgt_in": tgt_in, "tgt_out": tgt_out})
    with torch.no_grad():
        logits, _ = plain(src, tgt_in)
    log_p = logits.log_softmax(-1)
    real = tgt_out != PAD_ID
    expected = -(log_p.gather(-1, tgt_out.clamp(min=0)[..., None]).squeeze(-1)[real]).mean()
    optimizer = torch.optim.SGD(plain.parameters(), lr=0.1)
    loss, _ = teacher_forced_step(plain, optimizer, batch, clip=1.0)
    torch.testing.assert_close(loss, expected)
    assert torch.isclose(loss, nn.functional.cross_entropy(logits.flatten(0, 1), tgt_out.flatten(),
                                                           ignore_index=PAD_ID))
    with torch.no_grad():
        assert not torch.allclose(plain(src, tgt_in)[0], logits)  # the step did update the model


@pytest.mark.parametrize("which", [0, 1])
def test_batched_greedy_decoding_matches_one_sentence_at_a_time(which):
    model = models()[which]
    src, _ = source_batch()
    batched = greedy_batch(model, src, max_len=9)
    alone = [model.translate([i for i in row.tolist() if i != PAD_ID], max_len=9)[0] for row in src]
    assert batched == alone


def test_bleu_per_bucket_on_a_hand_worked_example():
    ref = "a b c d e f".split()
    hyps = [ref, "a b c d e x".split(), "q r s".split()]
    refs = [ref, ref, "a b c".split()]
    # bucket edges (3, 8): lengths 2 -> bucket 0, 5 and 6 -> bucket 1, no sentence in bucket 2
    scores = bucket_bleu(hyps, refs, [2, 5, 6], edges=(3, 8))
    assert scores[0] == pytest.approx(100.0)
    # bucket 1 is one corpus of two sentences; n-gram matches/totals summed over both, n = 1..4:
    # (5+0)/(6+3), (4+0)/(5+2), (3+0)/(4+1), (2+0)/(3+0); output and reference both 9 words (no brevity penalty)
    precisions = [5 / 9, 4 / 7, 3 / 5, 2 / 3]
    expected = 100 * math.exp(sum(math.log(p) for p in precisions) / 4)
    assert scores[1] == pytest.approx(expected, abs=1e-6)
    assert math.isnan(scores[2])


def test_a_single_wrong_word_in_six_scores_the_textbook_value():
    ref = "a b c d e f".split()
    score = bucket_bleu(["a b c d e x".split()], [ref], [4], edges=(10,))[0]
    assert score == pytest.approx(100 * (5 / 6 * 4 / 5 * 3 / 4 * 2 / 3) ** 0.25, abs=1e-6)


def tiny_trainer(seed: int = 0, **train) -> BottleneckTrainer:
    cfg = BottleneckConfig(SMALL, hidden=16, train=Seq2SeqTrainConfig(batch_size=8, max_steps=50, eval_every=4,
                                                                      seed=seed, **train))
    return BottleneckTrainer(compound_corpus(SMALL), cfg)


def test_both_models_train_on_the_same_batch_each_step():
    tr = tiny_trainer()
    seen = []
    original = tr._next_batch
    tr._next_batch = lambda: seen.append(original()) or seen[-1]
    calls = {"plain": [], "attention": []}
    for name, model in tr.models.items():
        model.register_forward_pre_hook(lambda m, args, name=name: calls[name].append(args[0]))
    tr.step(3)
    assert len(seen) == 3 and len(calls["plain"]) == len(calls["attention"]) == 3
    assert all(a is b is batch.src for a, b, batch in zip(calls["plain"], calls["attention"], seen))
    assert set(tr.history) == {"step", "loss_plain", "loss_attention"}


def test_evaluations_follow_the_schedule_and_the_goal():
    tr = tiny_trainer()
    tr.step(5)
    assert tr.evals["step"] == [5] and len(tr.evals["plain"][0]) == 5  # one BLEU per length bucket
    assert len(tr.last_eval.translations["attention"]) == len(tr.corpus.test)
    good = Evaluation(5, {"plain": [90, 60, 40, 30, 55], "attention": [99, 98, 97, 96, 85]}, {})
    tr._record(good)
    assert good.gap() == 30 and tr.goal_reached()
    tr._record(Evaluation(6, {"plain": [90, 60, 40, 30, 70], "attention": [99, 98, 97, 96, 85]}, {}))
    assert not tr.goal_reached()  # only 15 points ahead
    tr._record(Evaluation(7, {"plain": [0] * 5, "attention": [99, 98, 97, 96, 60]}, {}))
    assert not tr.goal_reached()  # far ahead, but attention does not yet translate the long ones well


def test_same_seed_same_run_and_model_files_round_trip():
    a, b = tiny_trainer(seed=4), tiny_trainer(seed=4)
    a.step(3)
    b.step(3)
    assert a.history == b.history
    tensors = a.model_tensors()
    assert any(k.startswith("plain.") for k in tensors) and any(k.startswith("attention.attention.") for k in tensors)
    c = tiny_trainer(seed=9)
    c.resume(tensors, 3)
    assert c.evals["step"] == [3]
    src = a.test_src[:3]
    for name in ("plain", "attention"):
        assert greedy_batch(a.models[name], src, 12) == greedy_batch(c.models[name], src, 12)


def test_attention_beats_the_plain_model_on_the_longest_sentences():
    """By step count: the page's models and corpus at its fastest learning rate, 100 steps (~10 s on a quiet core)."""
    tr = BottleneckTrainer(compound_corpus(), BottleneckConfig(train=Seq2SeqTrainConfig(
        batch_size=32, lr=0.01, max_steps=100, eval_every=100, seed=0)))
    tr.step(100)
    ev = tr.last_eval
    assert ev.step == 100
    assert ev.gap() >= 20, ev.scores
    assert ev.scores["plain"][0] > ev.scores["plain"][-1]  # the plain model already does best on short ones
