"""The resumable-trainer protocol every live demo follows: `step(n)` as often as you like, history, a stop rule."""
from __future__ import annotations

import abc
import contextlib
import math
import time

import torch


class Trainer(abc.ABC):
    """A training run that can be advanced a few steps at a time and paused between calls.

    Subclasses implement `_advance(n)`: run n steps (an SGD update, an epoch, a GAN iteration — `unit` says
    which) and return the metrics after them. The base class counts steps, keeps the history of metrics
    (one point per `step` call, x = steps done), and stops on the step budget, on a goal, or on trouble:
    a metric that is NaN/inf, or a watched loss that grew `diverge_factor` times past its first value.
    """

    unit: str = "step"  # what one step is; the UI labels the counter with it
    # Attributes set when the trainer is built and only read afterwards (its data): a training worker process gets
    # them once, and its snapshots of the trainer leave them out (core/train_process.py).
    FIXED: tuple[str, ...] = ()
    watch: str | None = "loss"  # metric checked for divergence (None: only NaN/inf are checked)
    diverge_factor: float = 1e3

    def __init__(self, max_steps: int, seed: int = 0):
        self.max_steps = int(max_steps)
        self.steps_done = 0
        self.history: dict[str, list[float]] = {"step": []}
        self.problem: str | None = None  # "not_finite" or "diverged": why the run stopped on its own
        self.problem_metric: str | None = None
        self._first_watch: float | None = None
        # The run's own stream of the global torch RNG (see `own_rng`), started from the seed.
        self._torch_rng: torch.Tensor = torch.Generator().manual_seed(int(seed)).get_state()
        self.past_goal = False  # the learner chose to train on after the goal was met

    @property
    def finished(self) -> bool:
        """Whether the run cannot go on: its step budget is spent, or a problem stopped it."""
        return self.steps_done >= self.max_steps or self.problem is not None

    @abc.abstractmethod
    def _advance(self, n: int) -> dict[str, float]:
        """Run n training steps and return the metrics measured after them."""

    def apply_live(self, settings) -> None:
        """Take settings a learner changed while the run goes on (learning rate, batch size …); the runner calls
        this before every step with what the page passed as `live`. Override where a trainer has such settings."""
        raise TypeError(f"{type(self).__name__} has no settings that change while it trains")

    def goal_reached(self) -> bool:
        """Whether the run has met its target (override: e.g. accuracy reached); the runner then stops."""
        return False

    @property
    def done(self) -> bool:
        return self.finished or (self.goal_reached() and not self.past_goal)

    def measure(self) -> dict[str, float]:
        """The metrics of the current model without training (override; used once after loading a model file)."""
        return {}

    def resume(self, tensors: dict[str, torch.Tensor], steps: int) -> None:
        """Continue a downloaded run: its weights, its step count, and one measurement of where it stands."""
        self.load_model_tensors(tensors)
        self.steps_done = min(max(int(steps), 0), self.max_steps)
        with self.own_rng():
            metrics = self.measure()
        if metrics:
            self.history["step"].append(self.steps_done)
            for name, value in metrics.items():
                self.history.setdefault(name, []).append(float(value))

    def step(self, n: int = 1) -> dict[str, float]:
        """Advance up to n steps (never past the budget or a problem); return the latest metrics."""
        n = max(0, min(int(n), self.max_steps - self.steps_done))
        if n == 0 or self.problem is not None:
            return self.latest()
        with self.own_rng():
            metrics = self._advance(n)
        self.steps_done += n
        self.history["step"].append(self.steps_done)
        for name, value in metrics.items():
            self.history.setdefault(name, []).append(float(value))
        self._check(metrics)
        return metrics

    @contextlib.contextmanager
    def own_rng(self):
        """Inside, torch's global CPU generator is this run's own stream; outside, as it was.

        The one seeding idiom of the app: what draws from the global generator (nn.Module initialisation,
        dropout, `torch.randn` without a generator) does so inside `own_rng()` — `step` wraps `_advance` in it,
        and a trainer builds its modules in it — so a run depends only on its seed: other sessions drawing
        between two ticks change nothing. Never call `torch.manual_seed` (it resets every session's stream).
        Draws that can take a generator should take one of the trainer's own `torch.Generator`s instead.
        (Between calls only: two trainings in threads at the same instant would still share the generator.)
        """
        outside = torch.get_rng_state()
        torch.set_rng_state(self._torch_rng)
        try:
            yield
        finally:
            self._torch_rng = torch.get_rng_state()
            torch.set_rng_state(outside)

    def model_tensors(self) -> dict[str, torch.Tensor] | None:
        """The trained tensors a user can download (default: `self.model`'s state_dict; None: nothing to save)."""
        model = getattr(self, "model", None)
        if isinstance(model, torch.nn.Module):
            return {name: value.detach() for name, value in model.state_dict().items()}
        return None

    def load_model_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        """Continue from downloaded tensors; the caller has checked names, shapes and dtypes against ours."""
        model = getattr(self, "model", None)
        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"{type(self).__name__} has no model to load into")
        device = next(iter(model.state_dict().values())).device
        model.load_state_dict({name: value.to(device) for name, value in tensors.items()}, strict=True)

    def latest(self) -> dict[str, float]:
        """The most recent value of every metric recorded so far."""
        return {name: values[-1] for name, values in self.history.items() if values and name != "step"}

    def _check(self, metrics: dict[str, float]) -> None:
        for name, value in metrics.items():
            if not math.isfinite(float(value)):
                self.problem, self.problem_metric = "not_finite", name
                return
        if self.watch is None or self.watch not in metrics:
            return
        value = abs(float(metrics[self.watch]))
        if self._first_watch is None:
            self._first_watch = value
        elif value > self.diverge_factor * max(self._first_watch, 1.0):
            self.problem, self.problem_metric = "diverged", self.watch


@contextlib.contextmanager
def seeded_rng(seed: int):
    """Inside, torch's global CPU generator starts from `seed`; outside, as it was: the same idiom as
    `Trainer.own_rng`, for modules built outside a trainer (e.g. torch's default initialisation of a cell)."""
    outside = torch.get_rng_state()
    torch.set_rng_state(torch.Generator().manual_seed(int(seed)).get_state())
    try:
        yield
    finally:
        torch.set_rng_state(outside)


def train_for(trainer: Trainer, seconds: float, *, steps: int | None = None, live=None,
              sec_per_step: float | None = None) -> float | None:
    """One live-training tick: the learner's `live` settings applied, then exactly `steps` steps, or steps in
    chunks sized from the measured time per step until `seconds` are used. Returns the updated seconds per step
    (a running mean), which sizes the next tick's chunks."""
    started = time.perf_counter()
    if live is not None:
        trainer.apply_live(live)
    if steps is not None:
        if not trainer.done:
            trainer.step(steps)
        return sec_per_step
    while True:
        now = time.perf_counter()
        left = seconds - (now - started)
        if left <= 0 or trainer.done:
            return sec_per_step
        n = 1 if sec_per_step is None else max(1, int(left / max(sec_per_step, 1e-6)))
        trainer.step(n)
        per_step = (time.perf_counter() - now) / n
        sec_per_step = per_step if sec_per_step is None else 0.5 * sec_per_step + 0.5 * per_step


def why_done(trainer: Trainer) -> str | None:
    """Why a run stops by itself now: the trainer's problem, "goal" (met and not trained past), "steps" (budget
    spent), or None to go on."""
    if trainer.problem is not None:
        return trainer.problem
    if trainer.goal_reached() and not trainer.past_goal:
        return "goal"
    if trainer.steps_done >= trainer.max_steps:
        return "steps"
    return None


def named_model_tensors(models: dict[str, torch.nn.Module]) -> dict[str, torch.Tensor]:
    """The tensors of several models in one model file: "<model>.<parameter>" -> tensor."""
    return {f"{name}.{key}": value.detach() for name, model in models.items()
            for key, value in model.state_dict().items()}


def load_named_model_tensors(models: dict[str, torch.nn.Module], tensors: dict[str, torch.Tensor]) -> None:
    """Load what `named_model_tensors` wrote back into each model (on its own device)."""
    for name, model in models.items():
        prefix = f"{name}."
        device = next(iter(model.state_dict().values())).device
        model.load_state_dict({key[len(prefix):]: value.to(device) for key, value in tensors.items()
                               if key.startswith(prefix)}, strict=True)
