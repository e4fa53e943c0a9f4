"""The seq2seq bottleneck: a plain encoder-decoder beside the attention model, scored per source length.

The plain model is the RNN Encoder-Decoder of Cho et al. 2014 ("Learning Phrase Representations using RNN
Encoder-Decoder", §2.2): the decoder sees the source only through one fixed vector c, here the encoder's two
final states c = [→h_T ; ←h_1], fed to every decoder step and to the output layer, while the attention model
computes a new c_i = Σ_j α_ij h_j for every output word. Everything else (embeddings, the bidirectional GRU
encoder, the GRU decoder, the output layer, s_0) is the same module, so the comparison is fair. Cho et al. 2014
("On the Properties of Neural Machine Translation: Encoder-Decoder Approaches") found the plain model's BLEU
falling as sentences grow; Bahdanau et al. 2015 (Fig. 2) showed attention does not.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from core.attention.bleu import corpus_bleu
from core.attention.compound_corpus import BUCKET_EDGES, CompoundCorpusConfig, bucket_of
from core.attention.corpus import ParallelCorpus, pad_ids
from core.attention.seq2seq import (BahdanauSeq2Seq, Seq2SeqConfig, Seq2SeqTrainConfig, Seq2SeqTrainer,
                                    teacher_forced_step)
from core.attention.vocab import BOS_ID, EOS_ID
from core.trainer import load_named_model_tensors, named_model_tensors

MODELS = ("plain", "attention")
GOAL_GAP = 20.0  # BLEU points attention leads by on the longest sentences ...
GOAL_ATTENTION = 80.0  # ... once attention translates them well: the picture of Bahdanau et al.'s Fig. 2


class PlainSeq2Seq(BahdanauSeq2Seq):
    """The encoder-decoder without attention: every decoder step reads the same fixed vector c."""

    def __init__(self, cfg: Seq2SeqConfig):
        super().__init__(cfg)
        self.attention = None  # nothing to attend with: the decoder never sees h_j one by one

    def encode(self, src: torch.Tensor):
        """c (B, 1, 2H) in the place of the annotations, so `forward`/`step` keep the attention model's shape."""
        annotations, allowed, s0 = self.annotate(src)
        return fixed_vector(annotations, allowed)[:, None, :], None, allowed[:, :1], s0

    def step(self, y_prev, s, fixed, _keys_proj, _allowed):
        """s_i = GRU([E y_{i-1}; c], s_{i-1}); logits from [s_i; c; E y_{i-1}]. α is 1 on the one vector."""
        emb, c = self.tgt_embed(y_prev), fixed[:, 0]
        s = self.decoder(torch.cat([emb, c], -1), s)
        return self.out(torch.cat([s, c, emb], -1)), s, torch.ones_like(fixed[:, :, 0])


def fixed_vector(annotations: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    """c = [→h_T ; ←h_1] (B, 2H): the forward GRU after the last word and the backward GRU after the first."""
    hidden = annotations.shape[-1] // 2
    last = allowed.sum(1) - 1  # (B,) position of each sentence's last token
    forward_end = annotations[torch.arange(len(last)), last, :hidden]
    return torch.cat([forward_end, annotations[:, 0, hidden:]], -1)


@torch.no_grad()
def greedy_batch(model: BahdanauSeq2Seq, src: torch.Tensor, max_len: int) -> list[list[int]]:
    """The most likely next word at every step, for a whole batch of sentences; ids without <eos>."""
    model.eval()
    annotations, keys_proj, allowed, s = model.encode(src)
    y = torch.full((src.shape[0],), BOS_ID, dtype=torch.long, device=src.device)
    done = torch.zeros_like(y, dtype=torch.bool)
    words = []
    for _ in range(max_len):
        logits, s, _ = model.step(y, s, annotations, keys_proj, allowed)
        y = logits.argmax(-1)
        words.append(y)
        done |= y == EOS_ID
        if bool(done.all()):
            break
    rows = torch.stack(words, 1).tolist()
    return [row[: row.index(EOS_ID)] if EOS_ID in row else row for row in rows]


def bucket_bleu(hypotheses: list[list[str]], references: list[list[str]], lengths: list[int],
                edges=BUCKET_EDGES) -> list[float]:
    """Corpus BLEU (0-100) of the sentences in each source-length bucket (NaN for an empty bucket)."""
    scores = []
    for bucket in range(len(edges) + 1):
        chosen = [i for i, n in enumerate(lengths) if bucket_of(n, edges) == bucket]
        scores.append(corpus_bleu([" ".join(hypotheses[i]) for i in chosen], [" ".join(references[i]) for i in chosen])
                      if chosen else float("nan"))
    return scores


@dataclass(frozen=True)
class Evaluation:
    """Both models' greedy translations of the held-out sentences at one step, and their BLEU per length bucket."""

    step: int
    scores: dict[str, list[float]]  # model -> BLEU per bucket, short to long
    translations: dict[str, list[list[str]]]  # model -> output tokens per held-out sentence

    def gap(self) -> float:
        """Attention's BLEU minus the plain model's on the longest sentences."""
        return self.scores["attention"][-1] - self.scores["plain"][-1]


@dataclass(frozen=True)
class BottleneckConfig:
    corpus: CompoundCorpusConfig = CompoundCorpusConfig()  # names the data, so a run's config says what it learns
    hidden: int = 64  # GRU state size of both models (each direction of the encoder)
    train: Seq2SeqTrainConfig = Seq2SeqTrainConfig(batch_size=32, max_steps=1500, eval_every=25)


class BottleneckTrainer(Seq2SeqTrainer):
    """Both models on the same batches (one step = one batch for each); BLEU per length bucket every
    `eval_every` steps, by greedy decoding of the held-out sentences."""

    watch = "loss_attention"
    FIXED = (*Seq2SeqTrainer.FIXED, "test_src", "test_lengths")

    def __init__(self, corpus: ParallelCorpus, cfg: BottleneckConfig = BottleneckConfig(),
                 device: torch.device | str = "cpu"):
        model_cfg = Seq2SeqConfig(len(corpus.src_vocab), len(corpus.tgt_vocab), hidden=cfg.hidden, attn=cfg.hidden)
        super().__init__(corpus, model_cfg, cfg.train, device)  # the attention model, its optimizer, the batches
        with self.own_rng():
            self.plain = PlainSeq2Seq(model_cfg).to(self.device)
        self.models = {"plain": self.plain, "attention": self.model}
        self.optimizers = {"plain": torch.optim.Adam(self.plain.parameters(), lr=cfg.train.lr, foreach=True),
                           "attention": self.optimizer}
        self.test_src = pad_ids([corpus.src_vocab.encode(src) for src, _ in corpus.test], self.device)
        self.test_lengths = [len(src) for src, _ in corpus.test]
        self.evals = {"step": [], **{name: [] for name in MODELS}}  # per evaluation: BLEU per bucket
        self.last_eval: Evaluation | None = None

    def _advance(self, n: int) -> dict[str, float]:
        for model in self.models.values():
            model.train()
        sums = {name: torch.zeros((), device=self.device) for name in MODELS}
        for _ in range(n):
            batch = self._next_batch()
            for name in MODELS:
                sums[name] += teacher_forced_step(self.models[name], self.optimizers[name], batch, self.cfg.clip)[0]
        after = self.steps_done + n
        if after // self.cfg.eval_every > self.steps_done // self.cfg.eval_every or after >= self.max_steps:
            self._record(self.evaluate(after))
        return {f"loss_{name}": float(total) / n for name, total in sums.items()}

    def _record(self, evaluation: Evaluation) -> None:
        self.last_eval = evaluation
        self.evals["step"].append(evaluation.step)
        for name in MODELS:
            self.evals[name].append(evaluation.scores[name])

    def evaluate(self, step: int | None = None) -> Evaluation:
        """Translate the held-out sentences greedily with both models and score them per length bucket."""
        references = [list(tgt) for _, tgt in self.corpus.test]
        max_len = self.corpus.max_len + 5
        translations = {name: [self.corpus.tgt_vocab.decode(ids) for ids in greedy_batch(model, self.test_src, max_len)]
                        for name, model in self.models.items()}
        scores = {name: bucket_bleu(out, references, self.test_lengths) for name, out in translations.items()}
        return Evaluation(self.steps_done if step is None else step, scores, translations)

    def goal_reached(self) -> bool:
        ev = self.last_eval
        return ev is not None and ev.scores["attention"][-1] >= GOAL_ATTENTION and ev.gap() >= GOAL_GAP

    def measure(self) -> dict[str, float]:
        """After loading a model file: evaluate both models once, so the page shows them as trained."""
        self._record(self.evaluate())
        return {}

    def model_tensors(self) -> dict[str, torch.Tensor]:
        return named_model_tensors(self.models)

    def load_model_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        load_named_model_tensors(self.models, tensors)
