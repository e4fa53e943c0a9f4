"""A GRU encoder-decoder with additive attention (Bahdanau, Cho & Bengio 2015, "Neural Machine Translation by
Jointly Learning to Align and Translate", §3 and appendix A.1).

The encoder reads the source both ways; its annotations h_j (forward and backward states side by side)
are what the decoder attends to. Before emitting word i the decoder scores every annotation against its
previous state s_{i-1}:  e_ij = v_aᵀ tanh(W_a s_{i-1} + U_a h_j),  α_ij = softmax_j(e_ij),
c_i = Σ_j α_ij h_j,  then s_i = GRU([E y_{i-1}; c_i], s_{i-1}). The matrix α is the alignment the page draws.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import torch
from torch import nn

from core.attention.corpus import Batch, ParallelCorpus
from core.trainer import Trainer
from core.attention.vocab import BOS_ID, EOS_ID, PAD_ID


@dataclass(frozen=True)
class Seq2SeqConfig:
    src_vocab: int
    tgt_vocab: int
    embed: int = 32  # word vector size
    hidden: int = 64  # GRU state size (each direction of the encoder)
    attn: int = 64  # size of the additive-attention layer (W_a, U_a, v_a)


class AdditiveAttention(nn.Module):
    """e_ij = v_aᵀ tanh(W_a s + U_a h_j); masked softmax over j; context c = Σ α_j h_j."""

    def __init__(self, query_size: int, key_size: int, attn_size: int):
        super().__init__()
        self.w_a = nn.Linear(query_size, attn_size, bias=False)
        self.u_a = nn.Linear(key_size, attn_size)
        self.v_a = nn.Linear(attn_size, 1, bias=False)

    def forward(self, s: torch.Tensor, keys_proj: torch.Tensor, values: torch.Tensor,
                allowed: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """s (B, Q); keys_proj = U_a h (B, S, A), computed once per sentence; values h (B, S, K); allowed (B, S)."""
        e = self.v_a(torch.tanh(self.w_a(s)[:, None, :] + keys_proj)).squeeze(-1)  # (B, S)
        alpha = e.masked_fill(~allowed, float("-inf")).softmax(-1)  # (B, S)
        context = torch.bmm(alpha[:, None, :], values).squeeze(1)  # (B, K)
        return context, alpha


class BahdanauSeq2Seq(nn.Module):
    def __init__(self, cfg: Seq2SeqConfig):
        super().__init__()
        self.cfg = cfg
        h = cfg.hidden
        self.src_embed = nn.Embedding(cfg.src_vocab, cfg.embed, padding_idx=PAD_ID)
        self.tgt_embed = nn.Embedding(cfg.tgt_vocab, cfg.embed, padding_idx=PAD_ID)
        self.encoder = nn.GRU(cfg.embed, h, batch_first=True, bidirectional=True)
        self.init_state = nn.Linear(h, h)  # s_0 = tanh(W_s h_1 backward), as in appendix A.1.2
        self.attention = AdditiveAttention(h, 2 * h, cfg.attn)
        self.decoder = nn.GRUCell(cfg.embed + 2 * h, h)
        self.out = nn.Linear(h + 2 * h + cfg.embed, cfg.tgt_vocab)  # reads s_i, c_i and the previous word

    def annotate(self, src: torch.Tensor):
        """Annotations h_j (B, S, 2H), the mask (B, S) and the decoder's first state s_0 (B, H).

        Packing makes the backward GRU start at each sentence's own last word, not on the padding after it.
        """
        allowed = src != PAD_ID
        lengths = allowed.sum(1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(self.src_embed(src), lengths, batch_first=True,
                                                   enforce_sorted=False)
        annotations, _ = nn.utils.rnn.pad_packed_sequence(self.encoder(packed)[0], batch_first=True,
                                                          total_length=src.shape[1])
        first_backward = annotations[:, 0, self.cfg.hidden:]
        return annotations, allowed, torch.tanh(self.init_state(first_backward))

    def encode(self, src: torch.Tensor):
        """Annotations (B, S, 2H), their projection U_a h (B, S, A), the mask (B, S) and s_0 (B, H)."""
        annotations, allowed, s0 = self.annotate(src)
        return annotations, self.attention.u_a(annotations), allowed, s0

    def step(self, y_prev, s, annotations, keys_proj, allowed):
        """One decoder step: attend with s_{i-1}, update the state, predict word i; returns logits, s_i, α_i."""
        emb = self.tgt_embed(y_prev)
        context, alpha = self.attention(s, keys_proj, annotations, allowed)
        s = self.decoder(torch.cat([emb, context], -1), s)
        return self.out(torch.cat([s, context, emb], -1)), s, alpha

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Teacher forcing: logits (B, T, V) and attention α (B, T, S) for every target position."""
        annotations, keys_proj, allowed, s = self.encode(src)
        logits, alphas = [], []
        for i in range(tgt_in.shape[1]):
            out, s, alpha = self.step(tgt_in[:, i], s, annotations, keys_proj, allowed)
            logits.append(out)
            alphas.append(alpha)
        return torch.stack(logits, 1), torch.stack(alphas, 1)

    @torch.no_grad()
    def translate(self, src_ids: list[int], max_len: int) -> tuple[list[int], torch.Tensor]:
        """Greedy translation of one sentence: output ids (without <eos>) and α (T_out + 1, S) incl. <eos>'s row."""
        self.eval()
        device = next(self.parameters()).device
        src = torch.tensor([src_ids], dtype=torch.long, device=device)
        annotations, keys_proj, allowed, s = self.encode(src)
        y = torch.tensor([BOS_ID], device=device)
        out, alphas = [], []
        for _ in range(max_len):
            logits, s, alpha = self.step(y, s, annotations, keys_proj, allowed)
            alphas.append(alpha[0])
            y = logits.argmax(-1)
            if int(y) == EOS_ID:
                break
            out.append(int(y))
        return out, torch.stack(alphas).cpu()


def alignment_accuracy(alpha: torch.Tensor, links) -> tuple[int, int]:
    """How many gold links (target i, source j) have α_i's largest weight on j; returns (hits, links)."""
    hits = sum(int(alpha[i].argmax()) == j for i, j in links if i < alpha.shape[0])
    return hits, len(links)


def teacher_forced_step(model: BahdanauSeq2Seq, optimizer: torch.optim.Optimizer, batch: Batch,
                        clip: float) -> tuple[torch.Tensor, torch.Tensor]:
    """One update on one batch (cross-entropy of every target word, gradient clipping); returns the loss and
    logits, detached."""
    logits, _ = model(batch.src, batch.tgt_in)
    loss = nn.functional.cross_entropy(logits.flatten(0, 1), batch.tgt_out.flatten(), ignore_index=PAD_ID)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    return loss.detach(), logits.detach()


@dataclass(frozen=True)
class Seq2SeqTrainConfig:
    batch_size: int = 64
    lr: float = 3e-3  # Adam
    max_steps: int = 3000
    eval_every: int = 50  # steps between held-out alignment checks
    eval_sentences: int = 200  # held-out sentences (with gold alignments) used for that check
    clip: float = 1.0  # gradient-norm clipping, usual for recurrent nets
    seed: int = 0


MEASURE_BATCHES = 10  # training batches a loaded model is measured on


class Seq2SeqTrainer(Trainer):
    """Teacher-forced training; the held-out alignment accuracy is measured every `eval_every` steps."""

    unit = "step"
    watch = "loss"
    FIXED = ("corpus", "batches", "eval_batches")

    def __init__(self, corpus: ParallelCorpus, model_cfg: Seq2SeqConfig | None = None,
                 train_cfg: Seq2SeqTrainConfig = Seq2SeqTrainConfig(), device: torch.device | str = "cpu"):
        super().__init__(train_cfg.max_steps, seed=train_cfg.seed)
        self.corpus, self.cfg, self.device = corpus, train_cfg, torch.device(device)
        model_cfg = model_cfg or Seq2SeqConfig(len(corpus.src_vocab), len(corpus.tgt_vocab))
        with self.own_rng():
            self.model = BahdanauSeq2Seq(model_cfg).to(self.device)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=train_cfg.lr, foreach=True)
        self.batches = corpus.batches("train", train_cfg.batch_size, self.device, seed=train_cfg.seed)
        n_eval = min(train_cfg.eval_sentences, len(corpus.test))
        self.eval_batches = corpus.batches("test", n_eval, self.device, limit=n_eval)
        self._rng = random.Random(train_cfg.seed)
        self._queue: list[int] = []
        self.tokens_seen = 0
        self.evals: dict[str, list[float]] = {"step": [], "alignment": []}

    def _next_batch(self) -> Batch:
        if not self._queue:
            self._queue = list(range(len(self.batches)))
            self._rng.shuffle(self._queue)
        return self.batches[self._queue.pop()]

    def _advance(self, n: int) -> dict[str, float]:
        self.model.train()
        loss_sum, correct, tokens = torch.zeros((), device=self.device), torch.zeros((), device=self.device), 0
        for _ in range(n):
            batch = self._next_batch()
            loss, logits = teacher_forced_step(self.model, self.optimizer, batch, self.cfg.clip)
            loss_sum += loss
            correct += ((logits.argmax(-1) == batch.tgt_out) & (batch.tgt_out != PAD_ID)).sum()
            tokens += batch.target_tokens
        self.tokens_seen += tokens
        before, after = self.steps_done, self.steps_done + n
        if self.corpus.align_test and (after // self.cfg.eval_every > before // self.cfg.eval_every
                                       or after >= self.max_steps):
            self.evals["step"].append(after)
            self.evals["alignment"].append(self.evaluate_alignment())
        return {"loss": float(loss_sum) / n, "accuracy": float(correct) / max(tokens, 1)}

    @torch.no_grad()
    def measure(self) -> dict[str, float]:
        """Teacher-forced loss and token accuracy over training batches — what `_advance` reports while it trains —
        and one alignment check: the page shows a loaded model as it stands. Batches are sorted by length: every
        k-th one samples all lengths in ~0.2 s (all 94 of the shipped corpus take 2 s, once per loaded file)."""
        self.model.eval()
        loss_sum, correct, tokens = 0.0, 0, 0
        for batch in self.measure_batches():
            logits, _ = self.model(batch.src, batch.tgt_in)  # (B, T, V)
            loss_sum += float(nn.functional.cross_entropy(logits.flatten(0, 1), batch.tgt_out.flatten(),
                                                          ignore_index=PAD_ID, reduction="sum"))
            real = batch.tgt_out != PAD_ID
            correct += int(((logits.argmax(-1) == batch.tgt_out) & real).sum())
            tokens += int(real.sum())
        if self.corpus.align_test:
            self.evals["step"].append(self.steps_done)
            self.evals["alignment"].append(self.evaluate_alignment())
        return {"loss": loss_sum / max(tokens, 1), "accuracy": correct / max(tokens, 1)}

    def measure_batches(self) -> list[Batch]:
        return self.batches[::max(1, len(self.batches) // MEASURE_BATCHES)]

    @torch.no_grad()
    def evaluate_alignment(self) -> float:
        """Share of gold word links (held-out sentences, teacher-forced) where attention peaks on the right word."""
        self.model.eval()
        hits = total = 0
        for batch in self.eval_batches:
            _, alpha = self.model(batch.src, batch.tgt_in)
            for row, i in enumerate(batch.index):
                h, n = alignment_accuracy(alpha[row], self.corpus.align_test[i])
                hits, total = hits + h, total + n
        return hits / max(total, 1)
