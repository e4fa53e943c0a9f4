"""The Transformer against torch.nn's own modules with the same weights, decoding against brute force, export."""
import itertools
import math
import random

import numpy as np
import pytest
import torch
from torch import nn

from core.attention.corpus import ParallelCorpus
from core.attention.bleu import corpus_bleu
from core.attention.decoding import attention_for, beam_search, greedy_decode, translate
from core.attention.transformer import MultiHeadAttention, Transformer, TransformerConfig, sinusoidal_positions
from core.attention.transformer_file import export_bytes, import_bytes
from core.attention.transformer_trainer import TrainConfig, TransformerTrainer, warmup_factor
from core.attention.vocab import BOS_ID, EOS_ID, Vocab


def copy_attention(ours: MultiHeadAttention, theirs: nn.MultiheadAttention) -> None:
    with torch.no_grad():
        theirs.in_proj_weight.copy_(torch.cat([ours.w_q.weight, ours.w_k.weight, ours.w_v.weight]))
        theirs.in_proj_bias.copy_(torch.cat([ours.w_q.bias, ours.w_k.bias, ours.w_v.bias]))
        theirs.out_proj.weight.copy_(ours.w_o.weight)
        theirs.out_proj.bias.copy_(ours.w_o.bias)


def test_positional_encoding_matches_the_formula():
    pe = sinusoidal_positions(50, 16).numpy()
    pos, i = 7, 3
    assert pe[pos, 2 * i] == pytest.approx(math.sin(pos / 10000 ** (2 * i / 16)), abs=1e-6)
    assert pe[pos, 2 * i + 1] == pytest.approx(math.cos(pos / 10000 ** (2 * i / 16)), abs=1e-6)
    assert pe[0].tolist() == [0.0, 1.0] * 8
    assert sinusoidal_positions(4, 5).shape == (4, 5)  # odd widths work too


@pytest.mark.parametrize("masking", ["none", "padding", "causal"])
def test_multi_head_attention_equals_torch_multihead_attention(masking):
    torch.manual_seed(0)
    ours = MultiHeadAttention(16, 4).eval()
    theirs = nn.MultiheadAttention(16, 4, batch_first=True).eval()
    copy_attention(ours, theirs)
    x, mem = torch.randn(3, 5, 16), torch.randn(3, 6, 16)
    if masking == "padding":
        pad = torch.zeros(3, 6, dtype=torch.bool)
        pad[0, 4:] = pad[2, 5:] = True  # torch: True means "ignore"
        out = ours(x, mem, (~pad)[:, None, None, :])
        ref, ref_w = theirs(x, mem, mem, key_padding_mask=pad, average_attn_weights=False)
    elif masking == "causal":
        allowed = torch.ones(5, 5, dtype=torch.bool).tril()
        out = ours(x, x, allowed)
        ref, ref_w = theirs(x, x, x, attn_mask=~allowed, average_attn_weights=False)
    else:
        out = ours(x, mem)
        ref, ref_w = theirs(x, mem, mem, average_attn_weights=False)
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(ours.weights, ref_w, atol=1e-6, rtol=1e-5)


def small_model(**kw) -> Transformer:
    torch.manual_seed(1)
    cfg = TransformerConfig(src_vocab=11, tgt_vocab=9, d_model=16, heads=2, layers=2, d_ff=32, dropout=0.0, **kw)
    return Transformer(cfg).eval()


def test_layers_equal_torch_transformer_layers():
    """Our post-norm encoder/decoder layers compute what nn.TransformerEncoderLayer/DecoderLayer compute."""
    model = small_model()
    enc, dec = model.encoder[0], model.decoder[0]
    ref_enc = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True).eval()
    ref_dec = nn.TransformerDecoderLayer(16, 2, 32, dropout=0.0, batch_first=True).eval()
    copy_attention(enc.self_attn, ref_enc.self_attn)
    copy_attention(dec.self_attn, ref_dec.self_attn)
    copy_attention(dec.cross_attn, ref_dec.multihead_attn)
    pairs = [(ref_enc.linear1, enc.ffn[0]), (ref_enc.linear2, enc.ffn[3]), (ref_enc.norm1, enc.norm1),
             (ref_enc.norm2, enc.norm2), (ref_dec.linear1, dec.ffn[0]), (ref_dec.linear2, dec.ffn[3]),
             (ref_dec.norm1, dec.norm1), (ref_dec.norm2, dec.norm2), (ref_dec.norm3, dec.norm3)]
    for theirs, ours in pairs:
        theirs.load_state_dict(ours.state_dict())
    x, y = torch.randn(2, 6, 16), torch.randn(2, 4, 16)
    pad = torch.tensor([[False] * 6, [False] * 4 + [True] * 2])
    with torch.no_grad():
        torch.testing.assert_close(enc(x, (~pad)[:, None, None, :]), ref_enc(x, src_key_padding_mask=pad),
                                   atol=1e-5, rtol=1e-5)
        causal = torch.ones(4, 4, dtype=torch.bool).tril()
        torch.testing.assert_close(dec(y, x, causal, (~pad)[:, None, None, :]),
                                   ref_dec(y, x, tgt_mask=~causal, memory_key_padding_mask=pad),
                                   atol=1e-5, rtol=1e-5)


def test_decoder_cannot_see_the_future_and_padding_does_not_matter():
    model = small_model()
    src = torch.tensor([[5, 6, 7, EOS_ID]])
    tgt = torch.tensor([[BOS_ID, 4, 5, 6]])
    changed = tgt.clone()
    changed[0, 3] = 7
    with torch.no_grad():
        a, b = model(src, tgt), model(src, changed)
        torch.testing.assert_close(a[:, :3], b[:, :3])  # positions before the change are untouched
        padded = model(torch.tensor([[5, 6, 7, EOS_ID, 0, 0]]), tgt)
        torch.testing.assert_close(a, padded, atol=1e-5, rtol=1e-5)


def sequence_logp(model, src, tokens):
    """log P(tokens | src) by teacher forcing; tokens end with <eos>."""
    with torch.no_grad():
        logits = model(src, torch.tensor([[BOS_ID] + tokens[:-1]]))[0].log_softmax(-1)
    return float(sum(logits[i, t] for i, t in enumerate(tokens)))


def test_beam_search_finds_the_best_sequence_by_brute_force():
    model = small_model()
    src = torch.tensor([[4, 8, 9, EOS_ID]])
    best, best_score = None, -math.inf
    words = [t for t in range(9) if t != EOS_ID]
    for length in range(0, 3):  # every output of up to 3 tokens counting <eos>
        for body in itertools.product(words, repeat=length):
            score = sequence_logp(model, src, list(body) + [EOS_ID])
            if score > best_score:
                best, best_score = list(body), score
    tokens, score = beam_search(model, src, beam=9 ** 3, max_len=3, alpha=0.0)
    assert tokens == best and score == pytest.approx(best_score, abs=1e-4)


def test_greedy_decode_takes_the_argmax_each_step_and_batches_agree():
    model = small_model()
    src = torch.tensor([[4, 5, EOS_ID, 0], [6, 7, 8, EOS_ID]])
    out = greedy_decode(model, src, max_len=5)
    for row in range(2):
        ys = [BOS_ID]
        for _ in range(5):
            with torch.no_grad():
                ys.append(int(model(src[row:row + 1], torch.tensor([ys]))[0, -1].argmax()))
            if ys[-1] == EOS_ID:
                break
        assert out[row, : len(ys) - 1].tolist() == ys[1:]


def test_attention_maps_have_one_row_per_query():
    model = small_model()
    maps = attention_for(model, [4, 5, 6, EOS_ID], [3, 4])
    assert [m.shape for m in maps["encoder"]] == [(2, 4, 4)] * 2
    assert [m.shape for m in maps["decoder"]] == [(2, 3, 3)] * 2
    assert [m.shape for m in maps["cross"]] == [(2, 3, 4)] * 2
    assert np.allclose(maps["cross"][1].sum(-1), 1.0, atol=1e-5)
    assert np.all(np.triu(maps["decoder"][0][0], 1) == 0)


def test_export_round_trip_and_refusals(tmp_path):
    model = small_model()
    src_vocab, tgt_vocab = Vocab(("<pad>", "<bos>", "<eos>", "<unk>", "a")), Vocab(("<pad>", "<bos>", "<eos>", "<unk>"))
    raw = export_bytes(model, src_vocab, tgt_vocab)
    loaded, sv, tv = import_bytes(raw)
    src, tgt = torch.tensor([[4, 5, EOS_ID]]), torch.tensor([[BOS_ID, 3]])
    with torch.no_grad():
        torch.testing.assert_close(loaded.eval()(src, tgt), model(src, tgt))
    assert sv == src_vocab and tv == tgt_vocab
    path = tmp_path / "m.pt"
    path.write_bytes(raw)
    assert torch.load(path, weights_only=True)["format"] == "nnpg-transformer-1"
    other = tmp_path / "other.pt"
    torch.save({"hello": 1}, other)
    with pytest.raises(ValueError):
        import_bytes(other.read_bytes())
    with pytest.raises(Exception):
        import_bytes(b"not a checkpoint")


def test_warmup_and_bleu_reference_values():
    assert [warmup_factor(s, 4) for s in range(6)] == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    assert warmup_factor(0, 0) == 1.0
    assert corpus_bleu(["le chat noir dort ."], ["le chat noir dort ."]) == pytest.approx(100.0)
    assert corpus_bleu(["un deux trois quatre"], ["cinq six sept huit"]) == pytest.approx(0.0)


def toy_corpus():
    """Swap the first two of four words and add a full stop — learnable in a few hundred steps."""
    words = "a b c d e f g".split()
    pairs = [(p, (p[1], p[0], p[2], p[3], ".")) for p in itertools.permutations(words, 4)]
    random.Random(0).shuffle(pairs)
    return ParallelCorpus("toy", tuple(pairs[:300]), tuple(pairs[300:330]))


def test_trainer_learns_and_reports_exact_match_and_bleu():
    corpus = toy_corpus()
    cfg = TransformerConfig(len(corpus.src_vocab), len(corpus.tgt_vocab), d_model=32, heads=2, layers=1, d_ff=64,
                            dropout=0.0)
    tr = TransformerTrainer(corpus, cfg, TrainConfig(batch_size=32, lr=3e-3, warmup=20, max_steps=600,
                                                     eval_every=50, seed=0, samples=3))
    first = tr.step(5)["loss"]
    while not tr.done:
        tr.step(25)
    assert tr.goal_reached() and tr.steps_done < 600, tr.evals
    assert tr.history["loss"][-1] < 0.1 * first
    # the reported scores are what translating each held-out sentence gives
    outs = [corpus.tgt_vocab.decode(translate(tr.model, corpus.src_vocab.encode(s), 8)) for s, _ in corpus.test]
    hits = sum(out == list(ref) for out, (_, ref) in zip(outs, corpus.test))
    assert tr.evals["exact"][-1] == pytest.approx(hits / len(corpus.test))
    assert tr.evals["bleu"][-1] == pytest.approx(corpus_bleu([" ".join(o) for o in outs],
                                                             [" ".join(r) for _, r in corpus.test]))
    assert [s[1] for s in tr.samples] == [" ".join(r[:4]).capitalize() + "." for _, r in corpus.test[:3]]
