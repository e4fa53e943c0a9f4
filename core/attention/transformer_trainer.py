"""Training the Transformer live: teacher-forced steps on length-grouped batches, a warm-up schedule, and
held-out exact match and BLEU every `eval_every` steps."""
from __future__ import annotations

import random
from dataclasses import dataclass

import torch
from torch import nn

from core.attention.bleu import corpus_bleu
from core.attention.corpus import Batch, ParallelCorpus
from core.attention.decoding import greedy_decode
from core.attention.transformer import Transformer, TransformerConfig
from core.attention.vocab import PAD_ID, detokenize
from core.trainer import Trainer


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


class TransformerTrainer(Trainer):
    """Teacher-forced training on length-grouped batches; held-out exact match and BLEU every `eval_every`."""

    unit = "step"
    watch = "loss"
    FIXED = ("corpus", "src_vocab", "tgt_vocab", "batches", "test_pairs", "test_batches")

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
