"""Reading a trained Transformer: greedy decoding, beam search with the GNMT length penalty (Wu et al. 2016,
eq. 14), one sentence's translation, and every head's attention while producing it."""
from __future__ import annotations

import math

import torch

from core.attention.transformer import Transformer
from core.attention.vocab import BOS_ID, EOS_ID, PAD_ID


@torch.no_grad()
def greedy_decode(model: Transformer, src: torch.Tensor, max_len: int) -> torch.Tensor:
    """Most likely next token at every step, for a whole batch at once; (B, ≤ max_len) ids, <pad> after <eos>."""
    memory, src_allowed = model.encode(src)
    ys = torch.full((src.shape[0], 1), BOS_ID, dtype=torch.long, device=src.device)
    done = torch.zeros(src.shape[0], dtype=torch.bool, device=src.device)
    for _ in range(max_len):
        nxt = model.decode(ys, memory, src_allowed)[:, -1].argmax(-1)
        nxt = torch.where(done, torch.full_like(nxt, PAD_ID), nxt)
        ys = torch.cat([ys, nxt[:, None]], dim=1)
        done |= nxt == EOS_ID
        if bool(done.all()):
            break
    return ys[:, 1:]


def length_penalty(length: int, alpha: float) -> float:
    """GNMT's lp(Y) = ((5 + |Y|) / 6)^α; scores are log P / lp so longer outputs are not unfairly punished."""
    return ((5.0 + length) / 6.0) ** alpha


@torch.no_grad()
def beam_search(model: Transformer, src: torch.Tensor, beam: int, max_len: int,
                alpha: float = 0.6) -> tuple[list[int], float]:
    """The best-scoring output for one sentence src (1, S): `beam` hypotheses kept at each step.

    Returns its ids (without <bos>/<eos>) and its score log P(y | x) / lp(|y|), |y| counting <eos>.
    """
    memory, src_allowed = model.encode(src)
    alive = [([BOS_ID], 0.0)]  # (tokens, summed log-probability)
    finished: list[tuple[list[int], float]] = []
    for _ in range(max_len):
        ys = torch.tensor([tokens for tokens, _ in alive], dtype=torch.long, device=src.device)
        n = ys.shape[0]
        logp = model.decode(ys, memory.expand(n, -1, -1), src_allowed.expand(n, -1, -1, -1))[:, -1]
        logp = logp.log_softmax(-1) + torch.tensor([s for _, s in alive], device=src.device)[:, None]
        top, flat = logp.flatten().topk(min(2 * beam, logp.numel()))
        candidates = []
        for score, index in zip(top.tolist(), flat.tolist()):
            row, token = divmod(index, logp.shape[1])
            tokens = alive[row][0] + [token]
            if token == EOS_ID:
                finished.append((tokens, score / length_penalty(len(tokens) - 1, alpha)))
            elif len(candidates) < beam:
                candidates.append((tokens, score))
        alive = candidates
        best_alive = max((s / length_penalty(len(t), alpha) for t, s in alive), default=-math.inf)
        if len(finished) >= beam and max(s for _, s in finished) >= best_alive:
            break
        if not alive:
            break
    pool = finished or [(t, s / length_penalty(len(t) - 1, alpha)) for t, s in alive]
    tokens, score = max(pool, key=lambda item: item[1])
    return [t for t in tokens[1:] if t != EOS_ID], score


def translate(model: Transformer, src_ids: list[int], max_len: int, beam: int = 1) -> list[int]:
    """Output ids for one source sentence: greedy when beam == 1, beam search otherwise."""
    model.eval()
    device = next(model.parameters()).device
    src = torch.tensor([src_ids], dtype=torch.long, device=device)
    if beam <= 1:
        out = greedy_decode(model, src, max_len)[0].tolist()
        return out[: out.index(EOS_ID)] if EOS_ID in out else out
    return beam_search(model, src, beam, max_len)[0]


@torch.no_grad()
def attention_for(model: Transformer, src_ids: list[int], out_ids: list[int]) -> dict[str, list]:
    """Every layer's and head's weights while reading src and producing out (teacher-forced once).

    Returns numpy arrays (h, T_q, T_k) per layer under "encoder", "decoder" and "cross".
    """
    model.eval()
    device = next(model.parameters()).device
    src = torch.tensor([src_ids], dtype=torch.long, device=device)
    tgt_in = torch.tensor([[BOS_ID] + out_ids], dtype=torch.long, device=device)
    model(src, tgt_in)
    return {kind: [w[0].cpu().numpy() for w in maps] for kind, maps in model.attention_maps().items()}
