"""Resumable trainers for the Sequences pages: an RNN continuing a noisy sine, one recurrent net recalling a
marked letter, and a race of vanilla RNN vs LSTM vs GRU on that recall task.

Training uses torch's fused `nn.RNN/LSTM/GRU` modules (fast); the pages read the trained weights into the
hand-written cells of core/sequences/rnn.py and core/sequences/gates.py to show what happens inside (tests: the two agree).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.device import device
from core.sequences.gates import GateWeights, lstm_sequence
from core.sequences.sequence_tasks import ALPHABET, WARMUP, encode_letters, persistence_mse, recall_batch, sine_batch
from core.trainer import Trainer

KINDS = ("rnn", "lstm", "gru")
MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


# ----- the RNN page: continue a noisy sine wave -----
SOLVED_RMSE = 0.1  # "solved": held-out forecasts within 0.1 of the clean wave (root mean square)


@dataclass(frozen=True)
class SineConfig:
    hidden: int = 16  # units in h_t
    layers: int = 1  # stacked RNN layers
    act: str = "tanh"  # "tanh" or "relu" (what torch.nn.RNN offers)
    lr: float = 0.01  # Adam step size
    noise: float = 0.1  # standard deviation of the noise added to the wave
    clip: float | None = 1.0  # gradient-norm clipping threshold; None = no clipping
    seed: int = 42
    length: int = 40  # steps per training sequence
    batch: int = 32
    test_size: int = 256
    max_steps: int = 3000


class SineRNN(nn.Module):
    """h_t = act(W_hh h_{t-1} + W_xh x_t + b) (stacked if layers > 1), then a linear read-out: x̂_{t+1}."""

    def __init__(self, cfg: SineConfig):
        super().__init__()
        self.rnn = nn.RNN(1, cfg.hidden, num_layers=cfg.layers, nonlinearity=cfg.act, batch_first=True)
        self.readout = nn.Linear(cfg.hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, 1) -> (B, T, 1)
        states, _ = self.rnn(x)
        return self.readout(states)


class SineTrainer(Trainer):
    """Adam on the one-step-ahead squared error; scored against the clean wave of held-out sequences."""

    unit = "step"
    watch = "loss"

    def __init__(self, cfg: SineConfig):
        super().__init__(cfg.max_steps, seed=cfg.seed)
        self.cfg = cfg
        self.gen = torch.Generator().manual_seed(cfg.seed)
        with self.own_rng():
            self.model = SineRNN(cfg).to(device)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)
        test = sine_batch(cfg.test_size, cfg.length, cfg.noise, torch.Generator().manual_seed(cfg.seed + 1))
        self.baseline_mse = persistence_mse(test)
        self.test = test
        self.solved_at: int | None = None  # first step at which the held-out RMSE fell below SOLVED_RMSE
        self._test_inputs, self._test_clean = test.inputs.to(device), test.clean.to(device)

    def _advance(self, n: int) -> dict[str, float]:
        max_norm = self.cfg.clip if self.cfg.clip is not None else math.inf
        for _ in range(n):
            loss, grad_norm = self._gradients(max_norm)
            self.opt.step()
        test_mse = self.test_mse()
        if test_mse < SOLVED_RMSE**2 and self.solved_at is None:
            self.solved_at = self.steps_done + n  # training goes on: the forecasts keep improving
        return {"loss": loss.item(), "test_mse": test_mse, "grad_norm": float(grad_norm)}

    def _gradients(self, max_norm: float) -> tuple[torch.Tensor, torch.Tensor]:
        """Loss on a fresh batch and its gradients (clipped to max_norm); returns the norm before clipping."""
        batch = sine_batch(self.cfg.batch, self.cfg.length, self.cfg.noise, self.gen)
        error = self.model(batch.inputs.to(device)) - batch.targets.to(device)
        loss = (error[:, WARMUP:] ** 2).mean()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        return loss, nn.utils.clip_grad_norm_(self.model.parameters(), max_norm)

    def measure(self) -> dict[str, float]:
        loss, grad_norm = self._gradients(math.inf)
        self.opt.zero_grad(set_to_none=True)
        return {"loss": loss.item(), "test_mse": self.test_mse(), "grad_norm": float(grad_norm)}

    @torch.no_grad()
    def predictions(self, index: int) -> np.ndarray:
        """x̂_{t+1} for held-out sequence `index`, (T,)."""
        return self.model(self._test_inputs[index:index + 1])[0, :, 0].cpu().numpy()

    @torch.no_grad()
    def test_mse(self) -> float:
        return float(((self.model(self._test_inputs) - self._test_clean)[:, WARMUP:] ** 2).mean())


# ----- the LSTM page: recall the marked letter -----
SOLVED_ACCURACY = 0.95  # "solved": at least 95% of held-out sequences answered right
EVAL_EVERY = 20  # steps between two checks on the held-out sequences
OPEN_BIAS = 3.0  # σ(3) ≈ 0.95: the memory starts out keeping, not overwriting


@dataclass(frozen=True)
class RecallConfig:
    kind: str = "lstm"  # "rnn", "lstm" or "gru"
    distance: int = 20  # at least this many letters follow the marked one
    hidden: int = 16
    open_gates: bool = True  # start gated cells in "keep" mode (see open_memory_gates)
    lr: float = 0.01
    batch: int = 64
    seed: int = 42
    test_size: int = 512
    max_steps: int = 2000
    stop_when_solved: bool = True  # False: keep training to the budget once solved (the race needs True)


def open_memory_gates(module: nn.Module, kind: str, bias: float = OPEN_BIAS) -> None:
    """Start a gated cell remembering: LSTM forget bias +b and input bias −b, GRU update bias +b.

    With torch's default (zero-mean) biases the forget gate starts near 0.5, so a stored value halves every
    step and the learning signal from 20 steps back is ~1e-6: training sits at chance. A positive forget
    bias (Gers, Schmidhuber & Cummins 2000; Jozefowicz et al. 2015) and a matching negative input bias
    (the "chrono" initialisation of Tallec & Ollivier 2018, here with a fixed value) keep the gradient alive.
    """
    if kind not in ("lstm", "gru"):
        return
    h = module.hidden_size
    with torch.no_grad():
        for layer in range(module.num_layers):
            b_ih, b_hh = getattr(module, f"bias_ih_l{layer}"), getattr(module, f"bias_hh_l{layer}")
            if kind == "lstm":  # rows i, f, g, o
                b_ih[:h], b_hh[:h] = -bias, 0.0
                b_ih[h:2 * h], b_hh[h:2 * h] = bias, 0.0
            else:  # rows r, z, n; h' = (1 - z) n + z h, so z near 1 keeps the old state
                b_ih[h:2 * h], b_hh[h:2 * h] = bias, 0.0


class RecallNet(nn.Module):
    """A recurrent layer reads the letters; a linear layer names the marked letter from the last h_T."""

    def __init__(self, kind: str, hidden: int, open_gates: bool):
        super().__init__()
        self.rec = MODULES[kind](len(ALPHABET) + 1, hidden, batch_first=True)
        if open_gates:
            open_memory_gates(self.rec, kind)
        self.readout = nn.Linear(hidden, len(ALPHABET))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, K + 1) -> (B, K) logits
        states, _ = self.rec(x)
        return self.readout(states[:, -1])


class RecallTrainer(Trainer):
    """Adam on cross-entropy; checks held-out accuracy every EVAL_EVERY steps and notes when it is solved."""

    unit = "step"
    watch = "loss"

    def __init__(self, cfg: RecallConfig):
        super().__init__(cfg.max_steps, seed=cfg.seed)
        self.cfg = cfg
        self.gen = torch.Generator().manual_seed(cfg.seed)
        with self.own_rng():
            self.model = RecallNet(cfg.kind, cfg.hidden, cfg.open_gates).to(device)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)
        test = recall_batch(cfg.test_size, cfg.distance, torch.Generator().manual_seed(cfg.seed + 1))
        self._test_x, self._test_y = test.inputs.to(device), test.labels.to(device)
        self.seconds = 0.0  # time spent training this model (for the race's time-to-solve)
        self.evals: list[tuple[int, float, float]] = []  # (step, seconds, held-out accuracy)
        self.solved_at: tuple[int, float] | None = None  # (step, seconds) of the first check ≥ 95%
        self._loss = math.log(len(ALPHABET))

    def _advance(self, n: int) -> dict[str, float]:
        started = time.perf_counter()
        for k in range(1, n + 1):
            if self.goal_reached():
                break
            batch = recall_batch(self.cfg.batch, self.cfg.distance, self.gen)
            loss = nn.functional.cross_entropy(self.model(batch.inputs.to(device)), batch.labels.to(device))
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.opt.step()
            self._loss = loss.item()
            step = self.steps_done + k
            if step % EVAL_EVERY == 0 or k == n:
                self._evaluate(step, started)
        self.seconds += time.perf_counter() - started
        return {"loss": self._loss, "accuracy": self.evals[-1][2] if self.evals else 0.0}

    def _evaluate(self, step: int, started: float) -> None:
        accuracy = self.accuracy()
        seconds = self.seconds + time.perf_counter() - started
        if self.evals and self.evals[-1][0] == step:
            return
        self.evals.append((step, seconds, accuracy))
        if accuracy >= SOLVED_ACCURACY and self.solved_at is None:
            self.solved_at = (step, seconds)

    def measure(self) -> dict[str, float]:
        with torch.no_grad():
            self._loss = float(nn.functional.cross_entropy(self.model(self._test_x), self._test_y))
        self._evaluate(self.steps_done, time.perf_counter())
        return {"loss": self._loss, "accuracy": self.evals[-1][2]}

    @torch.no_grad()
    def accuracy(self) -> float:
        return float((self.model(self._test_x).argmax(1) == self._test_y).float().mean())

    def goal_reached(self) -> bool:
        return self.cfg.stop_when_solved and self.solved_at is not None

    @torch.no_grad()
    def answer(self, letters: list[int], mark_at: int) -> np.ndarray:
        """The network's probability for each letter, after reading the given string."""
        x = encode_letters(torch.tensor([letters]), torch.tensor([mark_at])).to(device)
        return torch.softmax(self.model(x)[0], 0).cpu().numpy()

    def inside(self, letters: list[int], mark_at: int) -> dict[str, np.ndarray]:
        """Gates and states at every step for the given string ((T, H) each), by the hand-written LSTM cell."""
        x = encode_letters(torch.tensor([letters]), torch.tensor([mark_at]))[0].numpy()
        return lstm_sequence(x, GateWeights.from_torch(self.model.rec))


# ----- the race -----
@dataclass(frozen=True)
class RaceConfig:
    distance: int = 20
    hidden: int = 32
    seed: int = 42
    max_steps: int = 2000


class RaceTrainer(Trainer):
    """Vanilla RNN, LSTM and GRU on the same recall task, same data order, one step each per race step.

    A contestant that has solved the task stops training; its time-to-solve counts only its own steps.
    """

    unit = "step"
    watch = None  # each contestant watches its own loss

    def __init__(self, cfg: RaceConfig):
        super().__init__(cfg.max_steps, seed=cfg.seed)
        self.cfg = cfg
        self.contestants = {
            kind: RecallTrainer(RecallConfig(kind=kind, distance=cfg.distance, hidden=cfg.hidden, seed=cfg.seed,
                                             max_steps=cfg.max_steps))
            for kind in KINDS}

    def _advance(self, n: int) -> dict[str, float]:
        metrics = {}
        for kind, contestant in self.contestants.items():
            if not contestant.done:
                contestant.step(n)
            metrics[f"accuracy_{kind}"] = contestant.latest().get("accuracy", 0.0)
        return metrics

    def goal_reached(self) -> bool:
        return all(c.solved_at is not None for c in self.contestants.values())
