"""A character-level language model that writes: an embedding, a recurrent layer (torch.nn.LSTM/GRU/RNN) and a
softmax over the characters, trained with teacher forcing on the English side of the shipped translation corpus,
then run free, one sampled character at a time.

The idea of a character-level RNN that writes follows Karpathy's "The unreasonable effectiveness of recurrent
neural networks" (2015); the code here is our own. Sampling with a temperature T divides the logits by T before
the softmax: p_i = exp(z_i / T) / Σ_j exp(z_j / T). T → 0 is greedy (always the most likely character), T = 1 the
model's own distribution, T > 1 flatter than the model believes.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

import torch
from torch import nn

from core.attention.translation_corpus import TEST_FILE, TRAIN_FILE
from core.device import device
from core.errors import InputError
from core.trainer import Trainer

CELLS = ("lstm", "gru", "rnn")
MAX_PROMPT = 80  # characters of user text accepted as a prompt
MAX_GENERATE = 400
DEFAULT_PROMPT = "The "
TARGET_PERPLEXITY = 2.0  # the page's stated goal for the validation perplexity (per character)
VALIDATION_CHARS = 3000  # the validation perplexity is measured on this many characters of held-out text
EVAL_EVERY = 25  # steps between validation measurements


def english_text(path) -> str:
    """The English sentences of a JSON-lines corpus file, one per line."""
    with open(path, encoding="utf-8") as fh:
        return "".join(json.loads(line)["en"] + "\n" for line in fh if line.strip())


class CharVocab:
    """The characters of the training text, each with an index."""

    def __init__(self, text: str):
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> torch.Tensor:
        return torch.tensor([self.index[c] for c in text], dtype=torch.long)

    def unknown(self, text: str) -> list[str]:
        """Characters of `text` the model has never seen, each once, in order."""
        return list(dict.fromkeys(c for c in text if c not in self.index))


def check_prompt(prompt: str, vocab: CharVocab) -> str:
    """The prompt to start from: empty → DEFAULT_PROMPT; too long or with unseen characters → InputError."""
    if not prompt:
        return DEFAULT_PROMPT
    if len(prompt) > MAX_PROMPT:
        raise InputError("too_long", limit=MAX_PROMPT)
    missing = vocab.unknown(prompt)
    if missing:
        raise InputError("unknown", chars=" ".join(repr(c) for c in missing[:10]))
    return prompt


class CharLM(nn.Module):
    """Characters → embedding (E) → recurrent layer (H) → logits over the vocabulary (V)."""

    def __init__(self, vocab_size: int, hidden: int, cell: str, embed: int = 32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed)
        self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell](embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, idx: torch.Tensor, state=None):
        """idx (B, T) → logits (B, T, V) and the recurrent state after the last character."""
        out, state = self.rnn(self.embed(idx), state)  # (B, T, H)
        return self.head(out), state


def one_step(model: CharLM):
    """`step(char (1,), state) -> (h (H,), state)`: one character through the model's recurrent layer, by the
    formulas of torch's nn.LSTM / nn.GRU / nn.RNN documentation, with each character's input projection looked up
    from a table (E·W_ih + biases for the whole vocabulary) — a few tensor ops instead of an nn.LSTM call (~0.3 ms
    of dispatch for one character). States keep nn's shapes: (1, 1, H), and (h, c) for the LSTM."""
    rnn = model.rnn
    table = model.embed.weight @ rnn.weight_ih_l0.T + rnn.bias_ih_l0  # (V, gates·H)
    w_hh, b_hh = rnn.weight_hh_l0.T, rnn.bias_hh_l0
    if isinstance(rnn, nn.LSTM):
        table = table + b_hh

        def lstm_step(char, state):
            h, c = state
            i, f, g, o = (table[char] + h[0] @ w_hh)[0].chunk(4)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            return h[0, 0], (h, c)
        return lstm_step
    if isinstance(rnn, nn.GRU):
        def gru_step(char, state):
            h = state[0, 0]
            r_i, z_i, n_i = table[char][0].chunk(3)
            r_h, z_h, n_h = torch.addmm(b_hh[None], h[None], w_hh)[0].chunk(3)
            r, z = torch.sigmoid(r_i + r_h), torch.sigmoid(z_i + z_h)
            h = (1 - z) * torch.tanh(n_i + r * n_h) + z * h
            return h, h.view(1, 1, -1)
        return gru_step

    def rnn_step(char, state):  # nn.RNN's default tanh
        h = torch.tanh(table[char][0] + b_hh + state[0, 0] @ w_hh)
        return h, h.view(1, 1, -1)
    return rnn_step


def temperature_probs(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """softmax(z / T); T = 0 puts all mass on the most likely character (greedy)."""
    if temperature <= 0:
        return nn.functional.one_hot(logits.argmax(-1), logits.shape[-1]).to(logits.dtype)
    return torch.softmax(logits / temperature, dim=-1)


@dataclass(frozen=True)
class TextGenConfig:
    cell: str = "lstm"
    hidden: int = 128
    lr: float = 0.005  # Adam
    seq_len: int = 64  # characters per training window (truncated backpropagation through time)
    batch: int = 32
    seed: int = 0
    max_steps: int = 3000


@dataclass(frozen=True)
class Sample:
    """Free-running output: the text, and for every generated character the temperature-scaled distribution."""

    prompt: str
    text: str  # generated characters only
    probs: torch.Tensor  # (len(text), V)
    model_probs: torch.Tensor  # (len(text), V) at T = 1, for comparison


class TextGenTrainer(Trainer):
    """Adam on random windows of the training text, teacher forcing; validation perplexity every EVAL_EVERY steps."""

    unit = "step"
    watch = None  # the perplexity is reported; NaN/inf still stop the run
    FIXED = ("vocab", "data", "valid")

    def __init__(self, cfg: TextGenConfig, train_text: str, valid_text: str):
        super().__init__(cfg.max_steps)
        self.cfg = cfg
        self.vocab = CharVocab(train_text)
        self.data = self.vocab.encode(train_text)
        valid = "".join(c for c in valid_text if c in self.vocab.index)[:VALIDATION_CHARS]
        self.valid = self.vocab.encode(valid).to(device)
        init = torch.Generator().manual_seed(cfg.seed)
        self.model = CharLM(len(self.vocab), cfg.hidden, cfg.cell).to(device)
        with torch.no_grad():  # weights from our own generator, as each module's reset_parameters would draw them
            for p in self.model.parameters():
                bound = 1.0 / math.sqrt(cfg.hidden)
                p.copy_(torch.empty_like(p, device="cpu").uniform_(-bound, bound, generator=init))
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)
        self.windows = torch.Generator().manual_seed(cfg.seed + 1)
        self.curve_steps: list[int] = []
        self.train_curve: list[float] = []  # mean training cross-entropy since the last measurement (nats/char)
        self.valid_curve: list[float] = []  # validation perplexity
        self.reached_at: int | None = None
        self._losses: list[float] = []
        self._measure(0)

    def _batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        """B random windows: inputs are characters 0..T−1, targets 1..T (teacher forcing: the true previous
        character is always the input, whatever the model predicted)."""
        starts = torch.randint(0, len(self.data) - self.cfg.seq_len - 1, (self.cfg.batch,), generator=self.windows)
        chunk = torch.stack([self.data[s:s + self.cfg.seq_len + 1] for s in starts.tolist()]).to(device)
        return chunk[:, :-1], chunk[:, 1:]

    def _advance(self, n: int) -> dict[str, float]:
        self.model.train()
        for i in range(n):
            x, y = self._batch()
            logits, _ = self.model(x)
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.optimizer.step()
            self._losses.append(loss.item())
            if (self.steps_done + i + 1) % EVAL_EVERY == 0:
                self._measure(self.steps_done + i + 1)
        return {"valid_perplexity": self.valid_curve[-1], "train_loss": self.train_curve[-1]}

    @torch.no_grad()
    def validation_perplexity(self) -> float:
        """exp(mean cross-entropy per character) on the held-out text, read with teacher forcing."""
        self.model.eval()
        logits, _ = self.model(self.valid[None, :-1])
        ce = nn.functional.cross_entropy(logits[0], self.valid[1:])
        self.model.train()
        return math.exp(float(ce))

    def _measure(self, step: int) -> None:
        self.curve_steps.append(step)
        self.valid_curve.append(self.validation_perplexity())
        self.train_curve.append(sum(self._losses) / len(self._losses) if self._losses else math.log(len(self.vocab)))
        self._losses = []
        if self.reached_at is None and self.valid_curve[-1] <= TARGET_PERPLEXITY:
            self.reached_at = step

    def sample(self, prompt: str, temperature: float, length: int, generator: torch.Generator) -> Sample:
        """Read the prompt, then run free for `length` characters: each sampled character becomes the next input."""
        return FreeRun(self, prompt, temperature, generator).extend_to(length)


class FreeRun:
    """Free-running sampling that can be continued. Each step draws from the same generator stream, so the first
    n characters never depend on how many follow: a longer text extends a shorter one, and a learner lengthening
    the text pays only for the new characters. Per character only what the choice needs (a softmax, a draw, one
    recurrent step); the model's own distributions are computed for all steps at once."""

    def __init__(self, trainer: TextGenTrainer, prompt: str, temperature: float, generator: torch.Generator):
        self.trainer, self.prompt, self.temperature, self.generator = trainer, prompt, temperature, generator
        self.steps = trainer.steps_done  # the model state it samples (a trained model needs a new run)
        with torch.no_grad():
            trainer.model.eval()
            logits, self._state = trainer.model(trainer.vocab.encode(prompt)[None].to(device))
            trainer.model.train()
        self._last = logits[0, -1]
        self._chosen: list[torch.Tensor] = []
        self._probs: list[torch.Tensor] = []
        self._lasts: list[torch.Tensor] = []
        self._made: tuple[int, Sample] | None = None

    @property
    def drawn(self) -> int:
        """Characters sampled so far."""
        return len(self._chosen)

    @torch.no_grad()  # hundreds of steps of autograd graph, kept for nothing, cost more than the steps themselves
    def extend_to(self, length: int) -> Sample:
        """The first `length` characters (at most MAX_GENERATE), sampling only those not drawn yet."""
        length = max(1, min(int(length), MAX_GENERATE))
        if self._made is not None and self._made[0] == length:
            return self._made[1]
        model = self.trainer.model
        if len(self._chosen) < length:
            model.eval()
            step, last, state = one_step(model), self._last, self._state
            for _ in range(length - len(self._chosen)):
                p = temperature_probs(last, self.temperature)
                nxt = torch.multinomial(p, 1, generator=self.generator) if self.temperature > 0 else p.argmax().view(1)
                self._chosen.append(nxt)
                self._probs.append(p)
                self._lasts.append(last)
                h, state = step(nxt, state)
                last = model.head(h)
            self._last, self._state = last, state
            model.train()
        chars = self.trainer.vocab.chars
        text = "".join(chars[i] for i in torch.cat(self._chosen[:length]).tolist())
        sample = Sample(self.prompt, text, torch.stack(self._probs[:length]).cpu(),
                        torch.softmax(torch.stack(self._lasts[:length]), -1).cpu())
        self._made = (length, sample)
        return sample


def corpus_texts() -> tuple[str, str]:
    """Training and validation text: the English sentences of the shipped corpus (held-out file for validation)."""
    return english_text(TRAIN_FILE), english_text(TEST_FILE)
