"""Small GANs trained live: 2-D points (the GAN page's playground) and 8×8 handwritten digits.

The networks are tiny MLPs, so PyTorch's per-operation overhead — not arithmetic — sets the pace
(DESIGN.md). Each network therefore keeps all its parameters in ONE flat tensor (the optimizer update is a
handful of operations, whatever the depth) and runs a hand-written backward pass under `torch.no_grad`:
the chain rule written out layer by layer, checked against autograd in tests/unit/test_gan.py. Only the
gradient penalty of WGAN-GP, a derivative of a derivative, goes through autograd.

The four losses, with D's raw output s = D(x) (a logit, a score or a critic value) and σ the logistic:
- minimax (Goodfellow et al. 2014): L_D = −log σ(s_real) − log(1−σ(s_fake)), L_G = log(1−σ(s_fake))
- non-saturating (same paper, §3): L_D as above, L_G = −log σ(s_fake)
- least squares (Mao et al. 2017, a=0, b=c=1): L_D = ½(s_real−1)² + ½ s_fake², L_G = ½(s_fake−1)²
- Wasserstein + gradient penalty (Gulrajani et al. 2017): L_D = s_fake − s_real + λ(‖∇ₓD(x̂)‖−1)²,
  x̂ on random lines between real and fake points, L_G = −s_fake.
Each term is averaged over its batch.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from core.device import device
from core.gan_targets import Target
from core.mode_coverage import knn_radii, mode_coverage, one_nn_accuracy, precision_recall
from core.trainer import Trainer

ACTIVATIONS = ("relu", "leaky_relu", "tanh")
LOSSES = ("minimax", "nonsat", "lsgan", "wgan_gp")
OPTIMIZERS = ("sgd", "adam")
NOISES = ("uniform", "gaussian")
LEAK = 0.2  # slope of leaky ReLU for negative inputs
ADAM_BETAS = (0.5, 0.999)  # β1 = 0.5 as in DCGAN (Radford et al. 2015): calmer GAN dynamics than 0.9
ADAM_EPS = 1e-8
GP_WEIGHT = 10.0  # λ of WGAN-GP, the paper's value


# ---------- a tiny MLP with its backward pass written out ----------

class TinyMLP:
    """Fully connected layers `sizes[0] → … → sizes[-1]`; hidden activation `activation`, output `out`.

    Parameters: one flat tensor `flat`; `weights[l]` (in, out) and `biases[l]` (out,) are views into it,
    so y = x @ W + b. `forward` remembers what `backward` needs; `backward(dL/dy)` fills `grad` (same
    layout as `flat`) and returns dL/dx.
    """

    def __init__(self, sizes: tuple[int, ...], activation: str, out: str | None = None, *,
                 generator: torch.Generator, dtype: torch.dtype = torch.float32, dev: torch.device = device):
        self.sizes, self.activation, self.out = tuple(sizes), activation, out
        count = sum(i * o + o for i, o in zip(sizes[:-1], sizes[1:]))
        self.flat = torch.empty(count, dtype=dtype, device=dev)
        self.grad = torch.zeros_like(self.flat)
        self.weights, self.biases = self._views(self.flat)
        self.grad_weights, self.grad_biases = self._views(self.grad)
        for w, b in zip(self.weights, self.biases):  # nn.Linear's default: U(±1/√fan_in) for W and b
            bound = 1.0 / math.sqrt(w.shape[0])
            w.copy_((torch.rand(w.shape, generator=generator, dtype=dtype) * 2 - 1) * bound)
            b.copy_((torch.rand(b.shape, generator=generator, dtype=dtype) * 2 - 1) * bound)
        self._inputs: list[torch.Tensor] = []
        self._outputs: list[torch.Tensor] = []

    def _views(self, flat: torch.Tensor) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        weights, biases, at = [], [], 0
        for i, o in zip(self.sizes[:-1], self.sizes[1:]):
            weights.append(flat[at:at + i * o].view(i, o))
            at += i * o
            biases.append(flat[at:at + o])
            at += o
        return weights, biases

    @property
    def n_params(self) -> int:
        return self.flat.numel()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._inputs, self._outputs = [], []
        last = len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            self._inputs.append(x)
            x = _act(torch.addmm(b, x, w), self.activation if l < last else self.out)
            self._outputs.append(x)
        return x

    def backward(self, grad_out: torch.Tensor, *, param_grads: bool = True, input_grad: bool = False):
        """Back-propagate dL/dy of the last forward; fill `grad` (if param_grads); return dL/dx (if input_grad)."""
        d = grad_out
        last = len(self.weights) - 1
        for l in range(last, -1, -1):
            d = _act_backward(d, self._outputs[l], self.activation if l < last else self.out)
            if param_grads:
                torch.mm(self._inputs[l].T, d, out=self.grad_weights[l])
                torch.sum(d, dim=0, out=self.grad_biases[l])
            if l > 0 or input_grad:
                d = torch.mm(d, self.weights[l].T)
        return d if input_grad else None

    def functional(self, flat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """The same network with parameters `flat` (may require grad): for autograd, e.g. the GP term."""
        weights, biases = self._views(flat)
        last = len(weights) - 1
        for l, (w, b) in enumerate(zip(weights, biases)):
            x = _act(x @ w + b, self.activation if l < last else self.out)
        return x


def _act(a: torch.Tensor, name: str | None) -> torch.Tensor:
    if name is None:
        return a
    if name == "relu":
        return torch.relu(a)
    if name == "leaky_relu":
        return F.leaky_relu(a, LEAK)
    if name == "tanh":
        return torch.tanh(a)
    if name == "sigmoid":
        return torch.sigmoid(a)
    raise ValueError(name)


def _act_backward(d: torch.Tensor, y: torch.Tensor, name: str | None) -> torch.Tensor:
    """dL/da from dL/dy, written with the activation's output y (every one here allows that)."""
    if name is None:
        return d
    if name == "relu":
        return d * (y > 0)
    if name == "leaky_relu":
        return torch.where(y > 0, d, d * LEAK)
    if name == "tanh":
        return d * (1 - y * y)
    if name == "sigmoid":
        return d * (y * (1 - y))
    raise ValueError(name)


class FlatOptimizer:
    """Plain SGD or Adam (Kingma & Ba 2015, with bias correction) on one flat parameter tensor."""

    def __init__(self, params: torch.Tensor, kind: str, lr: float, betas: tuple[float, float] = ADAM_BETAS):
        self.params, self.kind, self.lr, self.betas = params, kind, float(lr), betas
        self.t = 0
        if kind == "adam":
            self.m = torch.zeros_like(params)
            self.v = torch.zeros_like(params)
        elif kind != "sgd":
            raise ValueError(kind)

    def step(self, grad: torch.Tensor) -> None:
        if self.kind == "sgd":
            self.params.add_(grad, alpha=-self.lr)
            return
        b1, b2 = self.betas
        self.t += 1
        self.m.mul_(b1).add_(grad, alpha=1 - b1)
        self.v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
        # θ ← θ − lr·m̂/(√v̂ + ε) with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ), the same update as torch.optim.Adam
        bias1, bias2 = 1 - b1 ** self.t, 1 - b2 ** self.t
        denom = (self.v.sqrt() / math.sqrt(bias2)).add_(ADAM_EPS)
        self.params.addcdiv_(self.m, denom, value=-self.lr / bias1)


# ---------- the losses: values and their gradients with respect to D's outputs ----------

def d_loss_value(loss: str, s_real: torch.Tensor, s_fake: torch.Tensor) -> torch.Tensor:
    """L_D without the gradient penalty (WGAN-GP adds it separately)."""
    if loss in ("minimax", "nonsat"):
        return F.softplus(-s_real).mean() + F.softplus(s_fake).mean()
    if loss == "lsgan":
        return 0.5 * ((s_real - 1) ** 2).mean() + 0.5 * (s_fake ** 2).mean()
    if loss == "wgan_gp":
        return s_fake.mean() - s_real.mean()
    raise ValueError(loss)


def g_loss_value(loss: str, s_fake: torch.Tensor) -> torch.Tensor:
    if loss == "minimax":
        return -F.softplus(s_fake).mean()  # log(1 − σ(s)) = −softplus(s)
    if loss == "nonsat":
        return F.softplus(-s_fake).mean()  # −log σ(s) = softplus(−s)
    if loss == "lsgan":
        return 0.5 * ((s_fake - 1) ** 2).mean()
    if loss == "wgan_gp":
        return -s_fake.mean()
    raise ValueError(loss)


def d_loss_grad(loss: str, s: torch.Tensor, is_real: torch.Tensor, n_real: int) -> torch.Tensor:
    """dL_D/ds for D's outputs s on [real; fake] stacked; `is_real` is 1 for real rows, 0 for fake ones."""
    if loss in ("minimax", "nonsat"):
        return (torch.sigmoid(s) - is_real) / n_real  # d/ds softplus(∓s) = σ(s) − 1 or σ(s)
    if loss == "lsgan":
        return (s - is_real) / n_real
    raise ValueError(loss)  # WGAN-GP's D step goes through autograd


def g_loss_grad(loss: str, s_fake: torch.Tensor) -> torch.Tensor:
    """dL_G/ds_fake."""
    n = s_fake.shape[0]
    if loss == "minimax":
        return torch.sigmoid(s_fake) / -n
    if loss == "nonsat":
        return (torch.sigmoid(s_fake) - 1) / n
    if loss == "lsgan":
        return (s_fake - 1) / n
    if loss == "wgan_gp":
        return torch.full_like(s_fake, -1.0 / n)
    raise ValueError(loss)


def gradient_penalty(critic: TinyMLP, flat: torch.Tensor, real: torch.Tensor, fake: torch.Tensor,
                     eps: torch.Tensor) -> torch.Tensor:
    """mean (‖∇ₓ D(x̂)‖ − 1)² at x̂ = ε·real + (1−ε)·fake, differentiable with respect to `flat`."""
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad_x,) = torch.autograd.grad(critic.functional(flat, x_hat).sum(), x_hat, create_graph=True)
    norm = torch.sqrt((grad_x ** 2).sum(dim=1) + 1e-12)  # +1e-12: finite gradient where ∇ₓD = 0
    return ((norm - 1) ** 2).mean()


# ---------- the 2-D GAN ----------

@dataclass(frozen=True)
class GanConfig:
    """Everything that defines a 2-D GAN run (a change starts a fresh run)."""

    target: str = "ring"
    g_layers: int = 2  # hidden layers of the generator
    g_width: int = 64  # neurons per hidden layer
    d_layers: int = 2
    d_width: int = 64
    activation: str = "relu"
    noise_dim: int = 2
    noise: str = "uniform"  # uniform on [−1, 1]^dim or standard normal
    loss: str = "minimax"
    optimizer: str = "adam"
    g_lr: float = 1e-3
    d_lr: float = 1e-3
    d_steps: int = 2  # discriminator updates per generator update
    batch: int = 150
    seed: int = 42
    points_digest: str = ""  # identity of the user's points for "drawn" / "upload"
    max_updates: int = 1_500_000


N_EVAL = 1000  # fixed-noise samples measured (and drawn) after every chunk of updates
N_PR = 500  # of them, used for precision/recall
MIN_MODE_COUNT = 10  # high-quality samples (of N_EVAL) a mode needs to count as captured
REAL_POOL = 20_000  # real points drawn once; batches are taken from this pool


def sample_noise(n: int, dim: int, kind: str, generator: torch.Generator) -> torch.Tensor:
    """Noise for the generator (drawn on the CPU generator, then moved: reproducible on any device)."""
    if kind == "uniform":
        return (torch.rand(n, dim, generator=generator) * 2 - 1).to(device)
    return torch.randn(n, dim, generator=generator).to(device)


class GanTrainer(Trainer):
    """A 2-D GAN; one step = one update of one network: `d_steps` discriminator updates, then one generator update.

    `iterations` counts finished (D…D, G) rounds. After each chunk of steps: losses, and the coverage
    measures on N_EVAL generated points from fixed noise (so curves do not flicker with the sampling).
    """

    unit = "step"
    watch = None  # GAN losses rise and fall by design; only NaN/inf stop a run

    def __init__(self, config: GanConfig, target: Target):
        super().__init__(config.max_updates)
        self.config, self.target = config, target
        gen = torch.Generator().manual_seed(config.seed)
        self.rng = gen
        self.generator = TinyMLP((config.noise_dim, *[config.g_width] * config.g_layers, 2),
                                 config.activation, generator=gen)
        self.discriminator = TinyMLP((2, *[config.d_width] * config.d_layers, 1), config.activation,
                                     generator=gen)
        self.g_opt = FlatOptimizer(self.generator.flat, config.optimizer, config.g_lr)
        self.d_opt = FlatOptimizer(self.discriminator.flat, config.optimizer, config.d_lr)
        self.real_pool = target.sample(REAL_POOL, gen).to(device)
        self.real_eval = self.real_pool[:N_EVAL]
        self.real_radii = knn_radii(self.real_eval[:N_PR])
        self.eval_noise = sample_noise(N_EVAL, config.noise_dim, config.noise, gen)
        self.modes = None if target.modes is None else torch.as_tensor(target.modes, dtype=torch.float32)
        b = config.batch
        self._is_real = torch.cat([torch.ones(b, 1), torch.zeros(b, 1)]).to(device)
        self.last_d_loss, self.last_g_loss = self.current_losses()  # curves start before the first update
        self.last_update = None  # "d" or "g": which network the latest step updated (slow motion shows it)
        self.train_seconds = 0.0
        self.first_all_modes_step: int | None = None  # when every mode was first captured
        self.first_all_modes_seconds: float | None = None

    @property
    def updates_per_iteration(self) -> int:
        return self.config.d_steps + 1

    @property
    def iterations(self) -> int:
        return self.steps_done // self.updates_per_iteration

    def next_update(self) -> str:
        """"d" or "g": the network the next step will update."""
        return "g" if self.steps_done % self.updates_per_iteration == self.config.d_steps else "d"

    # ----- one update of each network -----
    def _real_batch(self) -> torch.Tensor:
        idx = torch.randint(REAL_POOL, (self.config.batch,), generator=self.rng)
        return self.real_pool[idx.to(device)]

    def _noise(self, n: int) -> torch.Tensor:
        return sample_noise(n, self.config.noise_dim, self.config.noise, self.rng)

    def d_update(self, want_loss: bool = False) -> None:
        cfg, disc = self.config, self.discriminator
        real = self._real_batch()
        fake = self.generator.forward(self._noise(cfg.batch))
        if cfg.loss == "wgan_gp":
            self._wgan_d_update(real, fake, want_loss)
            return
        s = disc.forward(torch.cat([real, fake]))
        disc.backward(d_loss_grad(cfg.loss, s, self._is_real, cfg.batch))
        self.d_opt.step(disc.grad)
        if want_loss:
            self.last_d_loss = float(d_loss_value(cfg.loss, s[:cfg.batch], s[cfg.batch:]))

    def _wgan_d_update(self, real: torch.Tensor, fake: torch.Tensor, want_loss: bool) -> None:
        disc = self.discriminator
        eps = torch.rand(len(real), 1, generator=self.rng).to(real.device)
        with torch.enable_grad():
            flat = disc.flat.detach().requires_grad_(True)
            s = disc.functional(flat, torch.cat([real, fake]))
            loss = d_loss_value("wgan_gp", s[:len(real)], s[len(real):])
            loss = loss + GP_WEIGHT * gradient_penalty(disc, flat, real, fake, eps)
            (grad,) = torch.autograd.grad(loss, flat)
        disc.grad.copy_(grad)
        self.d_opt.step(disc.grad)
        if want_loss:
            self.last_d_loss = float(loss)

    def current_losses(self) -> tuple[float, float]:
        """(L_D, L_G) on a fresh batch, without updating anything."""
        cfg, disc = self.config, self.discriminator
        real, fake = self._real_batch(), self.generator.forward(self._noise(cfg.batch))
        with torch.no_grad():
            s = disc.forward(torch.cat([real, fake]))
            d_loss = float(d_loss_value(cfg.loss, s[:cfg.batch], s[cfg.batch:]))
            g_loss = float(g_loss_value(cfg.loss, s[cfg.batch:]))
        if cfg.loss == "wgan_gp":
            eps = torch.rand(cfg.batch, 1, generator=self.rng).to(real.device)
            with torch.enable_grad():
                d_loss += GP_WEIGHT * gradient_penalty(disc, disc.flat.detach(), real, fake, eps).item()
        return d_loss, g_loss

    def g_update(self, want_loss: bool = False) -> None:
        cfg = self.config
        fake = self.generator.forward(self._noise(cfg.batch))
        s = self.discriminator.forward(fake)
        d_fake = self.discriminator.backward(g_loss_grad(cfg.loss, s), param_grads=False, input_grad=True)
        self.generator.backward(d_fake)
        self.g_opt.step(self.generator.grad)
        if want_loss:
            self.last_g_loss = float(g_loss_value(cfg.loss, s))

    # ----- the Trainer protocol -----
    def _advance(self, n: int) -> dict[str, float]:
        started = time.perf_counter()
        with torch.no_grad():
            k = self.updates_per_iteration
            for i in range(n):
                step = self.steps_done + i
                want_loss = i >= n - k  # losses only for the last round of this chunk: fewer operations
                if step % k == self.config.d_steps:
                    self.g_update(want_loss)
                    self.last_update = "g"
                else:
                    self.d_update(want_loss)
                    self.last_update = "d"
            metrics = self._measure()
        self.train_seconds += time.perf_counter() - started
        if self.first_all_modes_step is None and self.modes is not None and metrics["modes"] == len(self.modes):
            self.first_all_modes_step = self.steps_done + n
            self.first_all_modes_seconds = self.train_seconds
        return metrics

    def measure(self) -> dict[str, float]:
        self.last_d_loss, self.last_g_loss = self.current_losses()
        return self._measure()

    def _measure(self) -> dict[str, float]:
        fake = self.generator.forward(self.eval_noise)
        metrics = {"d_loss": self.last_d_loss, "g_loss": self.last_g_loss}
        if not torch.isfinite(fake).all():  # every series gets its point, so the curves stay aligned; the run stops
            names = ["modes", "high_quality"] if self.modes is not None else []
            return {**metrics, **{name: math.nan for name in [*names, "precision", "recall"]}}
        if self.modes is not None:
            cover = mode_coverage(fake, self.modes, self.target.jitter, MIN_MODE_COUNT)
            metrics.update(modes=float(cover.covered), high_quality=cover.high_quality)
        precision, recall = precision_recall(self.real_eval[:N_PR], fake[:N_PR], real_radii=self.real_radii)
        metrics.update(precision=precision, recall=recall)
        return metrics

    # ----- model file (download / continue from an upload) -----
    def model_tensors(self) -> dict[str, torch.Tensor]:
        return {"generator": self.generator.flat.clone(), "discriminator": self.discriminator.flat.clone()}

    def load_model_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        self.generator.flat.copy_(tensors["generator"])
        self.discriminator.flat.copy_(tensors["discriminator"])

    # ----- what the views draw -----
    def samples(self) -> torch.Tensor:
        """The generator's output on the fixed evaluation noise: (N_EVAL, 2)."""
        with torch.no_grad():
            return self.generator.forward(self.eval_noise)

    def d_surface(self, xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
        """D's output on the grid xs × ys, shaped (len(ys), len(xs)): a probability for the logistic losses."""
        with torch.no_grad():
            gx, gy = torch.meshgrid(xs, ys, indexing="xy")
            s = self.discriminator.forward(torch.stack([gx.ravel(), gy.ravel()], dim=1))
            if self.config.loss in ("minimax", "nonsat"):
                s = torch.sigmoid(s)
            return s.view(len(ys), len(xs))

    def generator_pull(self, noise: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Generated points G(z) and −dL_G/dx at each: the direction the generator's update moves them."""
        with torch.no_grad():
            points = self.generator.forward(noise)
            s = self.discriminator.forward(points)
            grad = self.discriminator.backward(g_loss_grad(self.config.loss, s) * len(points),
                                               param_grads=False, input_grad=True)
            return points, -grad

    def warped_grid(self, lines: int = 11, points_per_line: int = 24) -> torch.Tensor:
        """G applied to a grid of lines in noise space (first two noise coordinates; the rest held at 0).

        Returns (2·lines, points_per_line, 2): first the lines of constant z₁, then those of constant z₂
        (for 1-D noise: the single curve G([−span, span]), shaped (1, points_per_line, 2)).
        """
        span = 1.0 if self.config.noise == "uniform" else 2.0  # uniform: the whole square; normal: ±2σ
        ticks = torch.linspace(-span, span, lines)
        along = torch.linspace(-span, span, points_per_line)
        dim = self.config.noise_dim
        if dim == 1:  # one noise number: G maps a line to a curve
            with torch.no_grad():
                return self.generator.forward(along[:, None].to(device)).view(1, points_per_line, 2)
        z = torch.zeros(2, lines, points_per_line, dim)
        z[0, :, :, 0] = ticks[:, None]
        z[1, :, :, 0] = along[None, :]
        z[0, :, :, 1] = along[None, :]
        z[1, :, :, 1] = ticks[:, None]
        with torch.no_grad():
            return self.generator.forward(z.view(-1, dim).to(device)).view(2 * lines, points_per_line, 2)


# ---------- a small GAN on the 8×8 digits ----------

@dataclass(frozen=True)
class DigitsGanConfig:
    noise_dim: int = 16
    hidden: int = 128
    loss: str = "nonsat"
    lr: float = 1e-3
    batch: int = 64
    seed: int = 42
    max_iterations: int = 200_000


N_DIGIT_SAMPLES = 64  # an 8 × 8 grid of samples from fixed noise
N_DIGIT_EVAL = 300


class DigitsGanTrainer(Trainer):
    """G: noise → hidden → 64 pixels in [0, 1] (sigmoid); D: 64 pixels → hidden → 1. A step: one D, one G update."""

    unit = "iteration"
    watch = None

    def __init__(self, config: DigitsGanConfig, train_images: torch.Tensor, test_images: torch.Tensor):
        super().__init__(config.max_iterations)
        self.config = config
        gen = torch.Generator().manual_seed(config.seed)
        self.rng = gen
        self.real = train_images.reshape(len(train_images), -1).to(device)
        self.real_eval = test_images.reshape(len(test_images), -1)[:N_DIGIT_EVAL].to(device)
        self.generator = TinyMLP((config.noise_dim, config.hidden, 64), "leaky_relu", "sigmoid", generator=gen)
        self.discriminator = TinyMLP((64, config.hidden, 1), "leaky_relu", generator=gen)
        self.g_opt = FlatOptimizer(self.generator.flat, "adam", config.lr)
        self.d_opt = FlatOptimizer(self.discriminator.flat, "adam", config.lr)
        self.fixed_noise = torch.randn(N_DIGIT_SAMPLES, config.noise_dim, generator=gen).to(device)
        self.eval_noise = torch.randn(N_DIGIT_EVAL, config.noise_dim, generator=gen).to(device)
        b = config.batch
        self._is_real = torch.cat([torch.ones(b, 1), torch.zeros(b, 1)]).to(device)

    def _advance(self, n: int) -> dict[str, float]:
        cfg = self.config
        with torch.no_grad():
            for _ in range(n):
                real = self.real[torch.randint(len(self.real), (cfg.batch,), generator=self.rng).to(device)]
                fake = self.generator.forward(sample_noise(cfg.batch, cfg.noise_dim, "gaussian", self.rng))
                s = self.discriminator.forward(torch.cat([real, fake]))
                self.discriminator.backward(d_loss_grad(cfg.loss, s, self._is_real, cfg.batch))
                self.d_opt.step(self.discriminator.grad)
                s_fake = self.discriminator.forward(
                    self.generator.forward(sample_noise(cfg.batch, cfg.noise_dim, "gaussian", self.rng)))
                d_fake = self.discriminator.backward(g_loss_grad(cfg.loss, s_fake), param_grads=False,
                                                     input_grad=True)
                self.generator.backward(d_fake)
                self.g_opt.step(self.generator.grad)
            d_loss = d_loss_value(cfg.loss, s[:cfg.batch], s[cfg.batch:])
            g_loss = g_loss_value(cfg.loss, s_fake)
            fake_eval = self.generator.forward(self.eval_noise)
            return {"d_loss": float(d_loss), "g_loss": float(g_loss),
                    "one_nn": one_nn_accuracy(self.real_eval, fake_eval)}

    def model_tensors(self) -> None:
        """No model file for this tab: its settings live under the page's namespace, not the runner's."""
        return None

    def samples(self) -> torch.Tensor:
        """The generator's images for the fixed noise: (N_DIGIT_SAMPLES, 8, 8)."""
        with torch.no_grad():
            return self.generator.forward(self.fixed_noise).view(-1, 8, 8)
