"""Every number the pages claim in words, computed from the code the pages run (issue #19)."""
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
import torch
from scipy.stats import chi2, norm

from core.basics import activations as A
from core.basics.fitting import design, learning_curve, truth
from core.basics.linear_regression import critical_lr, gradient_descent, make_line_data
from core.basics.losses import classification_loss
from core.basics.optimizer_race import OPTIMIZERS, Settings, quadratic_theory, race
from core.basics.perceptron import make_points, margin_bound, run_perceptron
from core.sequences.sequence_trainers import SineConfig, SineTrainer
from core.vision.shape_calc import LayerSpec, propagate
from core.basics.surfaces import quadratic, quadratic_eigenvalues

ROOT = Path(__file__).resolve().parents[2]
PRESETS = tomllib.loads((ROOT / "assets" / "presets.toml").read_text(encoding="utf-8"))
PAGE_EPS = 0.01  # the activation page's default "vanishing" threshold ε


def flat_from(name: str, eps: float = PAGE_EPS) -> float:
    """The |x| beyond which |f'(x)| < ε, read off the page's own grid and derivative code."""
    x = A.symmetric_grid(12.0, 240_001)
    _, dy = A.value_and_derivative(A.activation(name), x)
    right = [run for run in A.vanishing_intervals(x.numpy(), dy, eps) if run.hi is None]
    return float(right[0].lo)


def test_tanh_is_flat_from_about_3_and_sigmoid_only_from_about_4_6():
    assert flat_from("tanh") == pytest.approx(math.atanh(math.sqrt(1 - PAGE_EPS)), abs=1e-3)  # 2.993
    assert flat_from("tanh") == pytest.approx(3.0, abs=0.01)
    s = (1 + math.sqrt(1 - 4 * PAGE_EPS)) / 2  # σ(1−σ) = ε  ⇔  σ = s, at x = log(s / (1 − s)) = 4.585
    assert flat_from("sigmoid") == pytest.approx(math.log(s / (1 - s)), abs=1e-3)
    assert flat_from("sigmoid") == pytest.approx(4.6, abs=0.02)


def test_saturation_preset_puts_a_quarter_of_sigmoid_and_nearly_half_of_tanh_on_the_tails():
    sigma = PRESETS["activation"]["saturation"]["sigma"]
    exact = {name: 2 * norm.sf(flat_from(name) / sigma) for name in ("sigmoid", "tanh")}
    assert exact["sigmoid"] == pytest.approx(0.25, abs=0.01) and 0.44 < exact["tanh"] < 0.5
    for seed in range(5):  # the page's own batch, for several seeds
        batch = torch.randn(10_000, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) * sigma
        for name, share in exact.items():
            _, effect = A.batch_effect(A.activation(name), batch, PAGE_EPS)
            assert effect.vanishing == pytest.approx(share, abs=0.02), (name, seed)


def test_overlapping_classes_preset_never_converges_for_any_seed_tried():
    gap = PRESETS["perceptron"]["narrow_margin"]["gap"]
    for seed in range(150):
        points = make_points("separable", 30, gap, seed)
        assert margin_bound(points) is None, seed  # no separating line at all
        assert not run_perceptron(points).converged, seed


def test_too_big_a_step_preset_is_above_two_over_lambda_max_and_diverges_for_every_seed_tried():
    preset = PRESETS["perceptron"]["too_big_step"]
    for seed in range(300):
        data = make_line_data(preset["n"], 0.5, seed)
        assert preset["lr"] > critical_lr(data), seed
        assert gradient_descent(data, -1.5, 3.0, preset["lr"], 200).diverged_at is not None, seed
    assert critical_lr(make_line_data(preset["n"], 0.5, 42)) == pytest.approx(0.16, abs=0.02)  # "about 0.16"


def test_a_step_just_below_two_over_lambda_max_converges():
    data = make_line_data(100, 0.5, 42)
    path = gradient_descent(data, -1.5, 3.0, 0.95 * critical_lr(data), 2000)
    assert path.diverged_at is None and path.loss[-1] < path.loss[0]


def test_vae_prior_mass_inside_radius_three():
    mass = 1 - math.exp(-9 / 2)  # ‖z‖² ~ χ²(2) for z ~ N(0, I₂)
    assert mass == pytest.approx(chi2(2).cdf(9)) and round(100 * mass, 1) == 98.9
    z = torch.randn(200_000, 2, generator=torch.Generator().manual_seed(0))
    assert float((z.norm(dim=1) <= 3).double().mean()) == pytest.approx(mass, abs=2e-3)


def ill_conditioned_race(theory_on: bool, y0: float):
    preset = PRESETS["optimizers"]["ill_conditioned"]
    kappa, angle = preset["kappa"], preset["angle"]
    lr = dict(sgd=0.5, momentum=0.1, nesterov=0.1, rmsprop=0.05, adagrad=0.5, adam=0.1)  # the page's defaults
    betas = {"momentum": 0.9, "nesterov": 0.9}
    if theory_on:
        theory = quadratic_theory(*quadratic_eigenvalues(kappa))
        lr["sgd"], lr["momentum"] = theory.gd_lr, theory.heavy_ball_lr
        betas["momentum"] = theory.heavy_ball_momentum
    settings = Settings(tuple(lr.items()), tuple(betas.items()))
    result = race(quadratic(kappa, angle), (-2.5, y0), settings, 200, OPTIMIZERS)
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    steep = {name: c * result.paths[i, :, 0] + s * result.paths[i, :, 1] for i, name in enumerate(result.names)}
    gap = {name: result.losses[i, -1] for i, name in enumerate(result.names)}
    return steep, gap


def test_narrow_valley_preset_starts_off_axis_so_sgd_zig_zags_and_momentum_wins():
    y0 = PRESETS["optimizers"]["ill_conditioned"]["y0"]
    steep, gap = ill_conditioned_race(theory_on=True, y0=y0)  # the theory switch is on by default
    flips = np.sign(steep["sgd"][1:]) * np.sign(steep["sgd"][:-1]) < 0
    assert flips.all()  # across the valley at every step
    assert gap["sgd"] > 0.1 and gap["momentum"] < 1e-6  # "barely gains" vs "below 10⁻⁶"
    on_axis, _ = ill_conditioned_race(theory_on=True, y0=2.5)  # the old start: on the valley's axis
    assert np.abs(on_axis["sgd"]).max() < 1e-9  # nothing across the valley to zig-zag


def test_kappa_is_the_ratio_of_curvatures():
    for kappa, angle in ((50, 0), (1000, 45)):
        x = torch.zeros(2, dtype=torch.float64, requires_grad=True)
        hessian = torch.autograd.functional.hessian(lambda p: quadratic(kappa, angle).f(p[0], p[1]), x)
        eig = torch.linalg.eigvalsh(hessian)
        assert float(eig[-1] / eig[0]) == pytest.approx(kappa)


@pytest.mark.parametrize("name", ["bce", "cce", "kl"])
@pytest.mark.parametrize("q", [1.0, 0.7])
def test_cross_entropy_gradient_tends_to_minus_q_however_wrong(name, q):
    _, _, grad = classification_loss(name, np.array([-30.0]), q)
    assert float(grad[0]) == pytest.approx(-q, abs=1e-9)


def test_training_and_test_error_meet_at_noise_plus_squared_bias():
    noise = 0.3
    curve = learning_curve("sine", 1, noise, 0.0, seed=42)
    x = np.linspace(-1, 1, 200_001)  # the best straight line through the noiseless truth
    features = design(x, 1)
    coef = np.linalg.lstsq(features, truth("sine", x), rcond=None)[0]
    bias2 = float(np.mean((features @ coef - truth("sine", x)) ** 2))
    assert bias2 > noise**2  # a line cannot follow sin 3x: the bias is no small correction here
    assert curve.train[-1] == pytest.approx(noise**2 + bias2, rel=0.15)
    assert curve.test[-1] == pytest.approx(noise**2 + bias2, rel=0.15)


def test_l2_penalty_is_weight_decay_for_sgd_but_not_for_adam():
    lam, lr = 0.1, 0.05
    w0 = torch.tensor([1.0, -2.0, 0.5])
    loss_of = lambda w: ((w - torch.tensor([0.3, 0.1, -0.2])) ** 2).sum()  # noqa: E731

    def run(make, penalty):
        w = w0.clone().requires_grad_(True)
        opt = make([w])
        for _ in range(20):
            opt.zero_grad()
            (loss_of(w) + (lam / 2 * (w**2).sum() if penalty else 0)).backward()
            opt.step()
        return w.detach()

    sgd_penalty = run(lambda p: torch.optim.SGD(p, lr=lr), penalty=True)
    sgd_decay = run(lambda p: torch.optim.SGD(p, lr=lr, weight_decay=lam), penalty=False)
    assert torch.allclose(sgd_penalty, sgd_decay, atol=1e-6)
    adam_penalty = run(lambda p: torch.optim.Adam(p, lr=lr), penalty=True)
    adamw = run(lambda p: torch.optim.AdamW(p, lr=lr, weight_decay=lam), penalty=False)
    assert (adam_penalty - adamw).abs().max() > 1e-3


def test_stride_cannot_make_a_too_big_window_fit():
    for stride in (1, 2, 3, 5):
        steps = propagate((1, 8, 8), [LayerSpec("conv", 4, kernel=11, stride=stride)])
        assert steps[0].error == "too_small", stride
    assert propagate((1, 8, 8), [LayerSpec("conv", 4, kernel=11, padding=2)])[0].error is None  # padding can


def test_the_rnn_is_scored_once_per_chunk_of_updates():
    trainer = SineTrainer(SineConfig(max_steps=100))
    for chunk in (3, 5, 2):
        trainer.step(chunk)
    assert trainer.history["step"] == [3, 8, 10] and len(trainer.history["test_mse"]) == 3
