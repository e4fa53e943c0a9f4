"""A small encoder-decoder Transformer (Vaswani et al. 2017, "Attention Is All You Need"), readable top to bottom.

Notation follows the paper and the page: d_model, h heads of size d_k = d_model / h, sinusoidal
positional encoding (§3.5), post-norm sub-layers `LayerNorm(x + Dropout(Sublayer(x)))` (§5.4), a
position-wise feed-forward net of width d_ff (§3.3). Every attention module keeps its last weights
(B, h, T_q, T_k) so the page can draw them. Decoding: greedy, and beam search with the GNMT length
penalty (Wu et al. 2016, eq. 14).
"""
from __future__ import annotations

import io
import math
import random
from dataclasses import asdict, dataclass

import sacrebleu  # imported here, not lazily in a training thread (docs/DEVELOPING.md: concurrent first imports)
import torch
from torch import nn

from core.checkpoint import safe_torch_load
from core.attention.corpus import Batch, ParallelCorpus
from core.trainer import Trainer
from core.attention.vocab import BOS_ID, EOS_ID, PAD_ID, Vocab, detokenize

EXPORT_FORMAT = "nnpg-transformer-1"


@dataclass(frozen=True)
class TransformerConfig:
    src_vocab: int
    tgt_vocab: int
    d_model: int = 64  # width of every token vector
    heads: int = 4  # h; d_k = d_model / h
    layers: int = 2  # encoder layers = decoder layers
    d_ff: int = 256  # hidden width of the feed-forward sub-layer
    dropout: float = 0.1
    max_len: int = 64  # longest sequence the positional table covers


def sinusoidal_positions(max_len: int, d_model: int) -> torch.Tensor:
    """PE[pos, 2i] = sin(pos / 10000^(2i/d_model)), PE[pos, 2i+1] = cos(same) — §3.5; shape (max_len, d_model)."""
    pos = torch.arange(max_len, dtype=torch.float32)[:, None]
    rates = torch.exp(-math.log(10000.0) * torch.arange(0, d_model, 2, dtype=torch.float32) / d_model)
    pe = torch.zeros(max_len, d_model)
    pe[:, 0::2] = torch.sin(pos * rates)
    pe[:, 1::2] = torch.cos(pos * rates)[:, : d_model // 2]
    return pe


class MultiHeadAttention(nn.Module):
    """softmax(Q Kᵀ / √d_k + mask) V in h heads, concatenated and projected (§3.2.2)."""

    def __init__(self, d_model: int, heads: int, dropout: float = 0.0):
        super().__init__()
        assert d_model % heads == 0, "d_model must be a multiple of the number of heads"
        self.heads, self.d_k = heads, d_model // heads
        self.w_q, self.w_k, self.w_v, self.w_o = (nn.Linear(d_model, d_model) for _ in range(4))
        self.drop = nn.Dropout(dropout)
        self.weights: torch.Tensor | None = None  # last attention weights (B, h, T_q, T_k)

    def forward(self, x_q: torch.Tensor, x_kv: torch.Tensor, allowed: torch.Tensor | None = None) -> torch.Tensor:
        """x_q (B, T_q, d), x_kv (B, T_k, d); `allowed` (bool, broadcast to (B, h, T_q, T_k)) is False where
        a query may not look (padding, future)."""
        b, t_q, d = x_q.shape
        t_k = x_kv.shape[1]
        q = self.w_q(x_q).view(b, t_q, self.heads, self.d_k).transpose(1, 2)  # (B, h, T_q, d_k)
        k = self.w_k(x_kv).view(b, t_k, self.heads, self.d_k).transpose(1, 2)  # (B, h, T_k, d_k)
        v = self.w_v(x_kv).view(b, t_k, self.heads, self.d_k).transpose(1, 2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_k)  # (B, h, T_q, T_k)
        if allowed is not None:
            scores = scores.masked_fill(~allowed, float("-inf"))
        weights = scores.softmax(dim=-1)
        self.weights = weights.detach()
        out = (self.drop(weights) @ v).transpose(1, 2).reshape(b, t_q, d)  # heads side by side again
        return self.w_o(out)


class FeedForward(nn.Sequential):
    """FFN(x) = max(0, x W1 + b1) W2 + b2, applied to every position alike (§3.3)."""

    def __init__(self, d_model: int, d_ff: int, dropout: float):
        super().__init__(nn.Linear(d_model, d_ff), nn.ReLU(), nn.Dropout(dropout), nn.Linear(d_ff, d_model))


class EncoderLayer(nn.Module):
    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.heads, cfg.dropout)
        self.ffn = FeedForward(cfg.d_model, cfg.d_ff, cfg.dropout)
        self.norm1, self.norm2 = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x, src_allowed):
        x = self.norm1(x + self.drop(self.self_attn(x, x, src_allowed)))  # residual, then layer norm
        return self.norm2(x + self.drop(self.ffn(x)))


class DecoderLayer(nn.Module):
    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.heads, cfg.dropout)  # masked: no peeking ahead
        self.cross_attn = MultiHeadAttention(cfg.d_model, cfg.heads, cfg.dropout)  # queries y, keys/values x
        self.ffn = FeedForward(cfg.d_model, cfg.d_ff, cfg.dropout)
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(cfg.d_model) for _ in range(3))
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, y, memory, causal, src_allowed):
        y = self.norm1(y + self.drop(self.self_attn(y, y, causal)))
        y = self.norm2(y + self.drop(self.cross_attn(y, memory, src_allowed)))
        return self.norm3(y + self.drop(self.ffn(y)))


class Transformer(nn.Module):
    """Encoder-decoder Transformer for translation: `forward(src, tgt_in)` gives next-token logits."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.cfg = cfg
        self.src_embed = nn.Embedding(cfg.src_vocab, cfg.d_model, padding_idx=PAD_ID)
        self.tgt_embed = nn.Embedding(cfg.tgt_vocab, cfg.d_model, padding_idx=PAD_ID)
        self.register_buffer("pe", sinusoidal_positions(cfg.max_len, cfg.d_model), persistent=False)
        self.encoder = nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.layers))
        self.decoder = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.layers))
        self.drop = nn.Dropout(cfg.dropout)
        self.generator = nn.Linear(cfg.d_model, cfg.tgt_vocab)
        for p in self.parameters():  # Glorot/Xavier uniform for matrices, as the reference implementations do
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)

    def _embed(self, table: nn.Embedding, ids: torch.Tensor) -> torch.Tensor:
        """Token embedding × √d_model plus the positional encoding (§3.4, §3.5)."""
        return self.drop(table(ids) * math.sqrt(self.cfg.d_model) + self.pe[: ids.shape[1]])

    def encode(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """src (B, S) -> memory (B, S, d) and the key mask (B, 1, 1, S) that hides padding."""
        src_allowed = (src != PAD_ID)[:, None, None, :]
        x = self._embed(self.src_embed, src)
        for layer in self.encoder:
            x = layer(x, src_allowed)
        return x, src_allowed

    def decode(self, tgt_in: torch.Tensor, memory: torch.Tensor, src_allowed: torch.Tensor) -> torch.Tensor:
        """tgt_in (B, T) -> logits (B, T, V): position t sees target tokens ≤ t and the whole source."""
        t = tgt_in.shape[1]
        causal = torch.ones(t, t, dtype=torch.bool, device=tgt_in.device).tril()
        y = self._embed(self.tgt_embed, tgt_in)
        for layer in self.decoder:
            y = layer(y, memory, causal, src_allowed)
        return self.generator(y)

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        memory, src_allowed = self.encode(src)
        return self.decode(tgt_in, memory, src_allowed)

    def attention_maps(self) -> dict[str, list[torch.Tensor]]:
        """Last weights of every layer: encoder self, decoder masked self, and cross attention."""
        return {"encoder": [layer.self_attn.weights for layer in self.encoder],
                "decoder": [layer.self_attn.weights for layer in self.decoder],
                "cross": [layer.cross_attn.weights for layer in self.decoder]}


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


def export_bytes(model: Transformer, src_vocab: Vocab, tgt_vocab: Vocab) -> bytes:
    """Weights, configuration and both vocabularies in one file for `torch.load(..., weights_only=True)`."""
    buffer = io.BytesIO()
    torch.save({"format": EXPORT_FORMAT, "config": asdict(model.cfg),
                "state_dict": {k: v.detach().clone().cpu() for k, v in model.state_dict().items()},
                "src_vocab": list(src_vocab.tokens), "tgt_vocab": list(tgt_vocab.tokens)}, buffer)
    return buffer.getvalue()


def import_bytes(raw: bytes) -> tuple[Transformer, Vocab, Vocab]:
    """The model and vocabularies from `export_bytes`; refuses anything that is not such a file."""
    blob = safe_torch_load(raw)  # the model-file checks: no compressed storage, no object but tensors
    if not isinstance(blob, dict) or blob.get("format") != EXPORT_FORMAT:
        raise ValueError("not an NN Playground transformer export")
    model = Transformer(TransformerConfig(**blob["config"]))
    model.load_state_dict(blob["state_dict"])
    return model, Vocab(tuple(blob["src_vocab"])), Vocab(tuple(blob["tgt_vocab"]))


# ----- training -----

@dataclass(frozen=True)
class TrainConfig:
    batch_size: int = 64  # sentence pairs per step, grouped by length
    lr: float = 1e-3  # peak learning rate (Adam)
    warmup: int = 200  # steps of linear learning-rate warm-up (0: none)
    max_steps: int = 20_000
    eval_every: int = 100  # steps between held-out evaluations (greedy decoding)
    eval_sentences: int = 500  # held-out sentences decoded at each evaluation (the whole shipped split)
    goal_exact: float = 0.95  # stop when held-out exact match and BLEU both reach these
    goal_bleu: float = 90.0
    samples: int = 6  # held-out sentences whose translations the page shows
    seed: int = 0


def warmup_factor(step: int, warmup: int) -> float:
    """Learning-rate multiplier: rises linearly from 1/warmup to 1 over the first `warmup` steps, then stays."""
    return 1.0 if warmup <= 0 else min(1.0, (step + 1) / warmup)


def corpus_bleu(hypotheses: list[str], references: list[str]) -> float:
    """Corpus BLEU (0-100) with sacrebleu's standard settings (Post 2018, "A Call for Clarity in BLEU")."""
    return float(sacrebleu.corpus_bleu(hypotheses, [references]).score)


class TransformerTrainer(Trainer):
    """Teacher-forced training on length-grouped batches; held-out exact match and BLEU every `eval_every`."""

    unit = "step"
    watch = "loss"

    def __init__(self, corpus: ParallelCorpus, model_cfg: TransformerConfig, train_cfg: TrainConfig = TrainConfig(),
                 device: torch.device | str = "cpu"):
        super().__init__(train_cfg.max_steps, seed=train_cfg.seed)
        self.corpus, self.cfg, self.device = corpus, train_cfg, torch.device(device)
        self.src_vocab, self.tgt_vocab = corpus.src_vocab, corpus.tgt_vocab
        with self.own_rng():
            self.model = Transformer(model_cfg).to(self.device)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=train_cfg.lr, betas=(0.9, 0.98), eps=1e-9,
                                          foreach=True)
        self.batches = corpus.batches("train", train_cfg.batch_size, self.device, seed=train_cfg.seed)
        self.test_pairs = corpus.test[: train_cfg.eval_sentences]
        self.test_batches = corpus.batches("test", 250, self.device, limit=train_cfg.eval_sentences)
        self._rng = random.Random(train_cfg.seed)
        self._queue: list[int] = []
        self.tokens_seen = 0
        self.evals: dict[str, list[float]] = {"step": [], "exact": [], "bleu": []}
        self.samples: list[tuple[str, str, str]] = []  # (source, reference, model output) from the last evaluation

    def _next_batch(self) -> Batch:
        if not self._queue:  # a new epoch: every batch once, in a fresh order
            self._queue = list(range(len(self.batches)))
            self._rng.shuffle(self._queue)
        return self.batches[self._queue.pop()]

    def _advance(self, n: int) -> dict[str, float]:
        self.model.train()
        loss_sum = torch.zeros((), device=self.device)
        correct = torch.zeros((), device=self.device)
        tokens = 0
        for i in range(n):
            batch = self._next_batch()
            for group in self.optimizer.param_groups:
                group["lr"] = self.cfg.lr * warmup_factor(self.steps_done + i, self.cfg.warmup)
            logits = self.model(batch.src, batch.tgt_in)  # (B, T, V)
            loss = nn.functional.cross_entropy(logits.flatten(0, 1), batch.tgt_out.flatten(), ignore_index=PAD_ID)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            real = batch.tgt_out != PAD_ID
            loss_sum += loss.detach()
            correct += ((logits.detach().argmax(-1) == batch.tgt_out) & real).sum()
            tokens += batch.target_tokens
        self.tokens_seen += tokens
        metrics = {"loss": float(loss_sum) / n, "accuracy": float(correct) / max(tokens, 1)}
        before, after = self.steps_done, self.steps_done + n
        if after // self.cfg.eval_every > before // self.cfg.eval_every or after >= self.max_steps:
            self.evaluate(after)
        return metrics

    @torch.no_grad()
    def measure(self) -> dict[str, float]:
        """Loss and token accuracy on the held-out sentences, and one translation check (after loading a model)."""
        self.model.eval()
        loss_sum, correct, tokens = 0.0, 0, 0
        for batch in self.test_batches:
            logits = self.model(batch.src, batch.tgt_in)  # (B, T, V)
            loss_sum += float(nn.functional.cross_entropy(logits.flatten(0, 1), batch.tgt_out.flatten(),
                                                          ignore_index=PAD_ID, reduction="sum"))
            real = batch.tgt_out != PAD_ID
            correct += int(((logits.argmax(-1) == batch.tgt_out) & real).sum())
            tokens += int(real.sum())
        self.evaluate(self.steps_done)
        return {"loss": loss_sum / max(tokens, 1), "accuracy": correct / max(tokens, 1)}

    def evaluate(self, step: int) -> tuple[float, float]:
        """Greedy-decode the held-out split: share of sentences exactly right, and corpus BLEU."""
        self.model.eval()
        hyps: dict[int, list[str]] = {}
        for batch in self.test_batches:
            out = greedy_decode(self.model, batch.src, batch.tgt_out.shape[1] + 2)
            for row, i in zip(out.tolist(), batch.index):
                hyps[i] = self.tgt_vocab.decode(row)
        refs = [list(tgt) for _, tgt in self.test_pairs]
        outs = [hyps[i] for i in range(len(refs))]
        exact = sum(h == r for h, r in zip(outs, refs)) / len(refs)
        bleu = corpus_bleu([detokenize(h) for h in outs], [detokenize(r) for r in refs])
        self.evals["step"].append(step)
        self.evals["exact"].append(exact)
        self.evals["bleu"].append(bleu)
        self.samples = [(detokenize(src, capitalize=True), detokenize(tgt, capitalize=True),
                         detokenize(outs[i], capitalize=True)) for i, (src, tgt) in
                        enumerate(self.test_pairs[: self.cfg.samples])]
        return exact, bleu

    def goal_reached(self) -> bool:
        return bool(self.evals["step"]) and (self.evals["exact"][-1] >= self.cfg.goal_exact
                                             and self.evals["bleu"][-1] >= self.cfg.goal_bleu)
