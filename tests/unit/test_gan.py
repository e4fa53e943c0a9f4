"""The GAN's hand-written backward pass, losses and optimizers against torch.nn + autograd; the trainer's behaviour."""
import dataclasses
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from core.generative import gan_targets as targets
from core.digits import digit_split
from core.generative.digits_gan import DigitsGanConfig, DigitsGanTrainer
from core.generative.gan import GanConfig, GanTrainer, sample_noise
from core.generative.gan_losses import (GAN_LOSSES, GP_WEIGHT, d_loss_grad, d_loss_value, g_loss_grad, g_loss_value,
                                        gradient_penalty)
from core.tinymlp import TinyMLP

F64 = dict(dtype=torch.float64)
TORCH_ACT = {"relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.2), "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
             None: nn.Identity}


def mlp(sizes, act="tanh", out=None, seed=0):
    return TinyMLP(sizes, act, out, generator=torch.Generator().manual_seed(seed), dtype=torch.float64,
                   dev=torch.device("cpu"))


def reference(net: TinyMLP) -> nn.Sequential:
    """The same network as torch.nn modules (nn.Linear stores W transposed)."""
    layers, last = [], len(net.weights) - 1
    for l, (w, b) in enumerate(zip(net.weights, net.biases)):
        linear = nn.Linear(w.shape[0], w.shape[1], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(w.T)
            linear.bias.copy_(b)
        layers += [linear, TORCH_ACT[net.activation if l < last else net.out]()]
    return nn.Sequential(*layers)


def reference_grad(ref: nn.Sequential) -> torch.Tensor:
    """The reference's parameter gradients in TinyMLP's flat layout."""
    parts = []
    for module in ref:
        if isinstance(module, nn.Linear):
            parts += [module.weight.grad.T.reshape(-1), module.bias.grad]
    return torch.cat(parts)


def reference_d_loss(loss, s_real, s_fake):
    """D's losses written independently with torch's own loss functions."""
    if loss in ("minimax", "nonsat"):
        return (F.binary_cross_entropy_with_logits(s_real, torch.ones_like(s_real))
                + F.binary_cross_entropy_with_logits(s_fake, torch.zeros_like(s_fake)))
    if loss == "lsgan":
        return 0.5 * F.mse_loss(s_real, torch.ones_like(s_real)) + 0.5 * F.mse_loss(s_fake, torch.zeros_like(s_fake))
    return s_fake.mean() - s_real.mean()


def reference_g_loss(loss, s_fake):
    if loss == "minimax":
        return torch.log1p(-torch.sigmoid(s_fake)).mean()
    if loss == "nonsat":
        return F.binary_cross_entropy_with_logits(s_fake, torch.ones_like(s_fake))
    if loss == "lsgan":
        return 0.5 * F.mse_loss(s_fake, torch.ones_like(s_fake))
    return -s_fake.mean()


@pytest.mark.parametrize("act,out", [("relu", None), ("leaky_relu", None), ("tanh", None), ("leaky_relu", "sigmoid")])
def test_forward_and_backward_match_autograd(act, out):
    net = mlp((3, 7, 5, 2), act, out)
    ref = reference(net)
    x = torch.randn(11, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1), requires_grad=True)
    upstream = torch.randn(11, 2, dtype=torch.float64)
    y_ref = ref(x)
    (y_ref * upstream).sum().backward()
    with torch.no_grad():
        y = net.forward(x.detach())
        dx = net.backward(upstream, input_grad=True)
    assert torch.allclose(y, y_ref, atol=1e-12)
    assert torch.allclose(net.grad, reference_grad(ref), atol=1e-12)
    assert torch.allclose(dx, x.grad, atol=1e-12)
    assert torch.allclose(net.functional(net.flat, x.detach()), y, atol=1e-12)


def test_losses_on_hand_worked_numbers():
    zero = torch.zeros(4, 1)
    assert d_loss_value("minimax", zero, zero).item() == pytest.approx(2 * math.log(2))  # D unsure: log 2 + log 2
    assert g_loss_value("minimax", zero).item() == pytest.approx(-math.log(2))  # log(1 - 1/2)
    assert g_loss_value("nonsat", zero).item() == pytest.approx(math.log(2))  # -log(1/2)
    assert d_loss_value("lsgan", zero, zero).item() == pytest.approx(0.5)  # ½(0-1)² + ½·0²
    assert g_loss_value("wgan_gp", torch.full((4, 1), 3.0)).item() == pytest.approx(-3.0)
    # saturation: a confidently rejected fake (s = -10) gives the minimax generator almost no gradient
    s = torch.full((1, 1), -10.0)
    assert abs(g_loss_grad("minimax", s).item()) < 1e-4 and g_loss_grad("nonsat", s).item() == pytest.approx(-1.0, 1e-4)


@pytest.mark.parametrize("loss", ["minimax", "nonsat", "lsgan"])
def test_discriminator_gradient_matches_autograd(loss):
    disc = mlp((2, 6, 6, 1), "relu", seed=3)
    ref = reference(disc)
    g = torch.Generator().manual_seed(4)
    real, fake = torch.randn(9, 2, generator=g, **F64), torch.randn(9, 2, generator=g, **F64)
    s_real, s_fake = ref(real), ref(fake)
    reference_d_loss(loss, s_real, s_fake).backward()
    is_real = torch.cat([torch.ones(9, 1), torch.zeros(9, 1)]).double()
    with torch.no_grad():
        s = disc.forward(torch.cat([real, fake]))
        disc.backward(d_loss_grad(loss, s, is_real, 9))
        value = d_loss_value(loss, s[:9], s[9:])
    assert value.item() == pytest.approx(reference_d_loss(loss, s_real, s_fake).item(), rel=1e-10)
    assert torch.allclose(disc.grad, reference_grad(ref), atol=1e-12)


@pytest.mark.parametrize("loss", ["minimax", "nonsat", "lsgan", "wgan_gp"])
def test_generator_gradient_flows_through_the_discriminator_like_autograd(loss):
    gen, disc = mlp((3, 8, 2), "leaky_relu", seed=5), mlp((2, 8, 1), "tanh", seed=6)
    ref_g, ref_d = reference(gen), reference(disc)
    z = torch.randn(10, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(7))
    s_ref = ref_d(ref_g(z))
    reference_g_loss(loss, s_ref).backward()
    with torch.no_grad():
        s = disc.forward(gen.forward(z))
        d_fake = disc.backward(g_loss_grad(loss, s), param_grads=False, input_grad=True)
        gen.backward(d_fake)
        value = g_loss_value(loss, s)
    assert value.item() == pytest.approx(reference_g_loss(loss, s_ref).item(), rel=1e-10)
    assert torch.allclose(gen.grad, reference_grad(ref_g), atol=1e-12)


def test_gradient_penalty_matches_an_nn_reference():
    disc = mlp((2, 8, 8, 1), "tanh", seed=8)
    ref = reference(disc)
    g = torch.Generator().manual_seed(9)
    real, fake = torch.randn(12, 2, generator=g, **F64), torch.randn(12, 2, generator=g, **F64)
    eps = torch.rand(12, 1, dtype=torch.float64, generator=g)
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad_x,) = torch.autograd.grad(ref(x_hat).sum(), x_hat, create_graph=True)
    penalty_ref = ((grad_x.norm(dim=1) - 1) ** 2).mean()
    loss_ref = ref(fake).mean() - ref(real).mean() + GP_WEIGHT * penalty_ref
    loss_ref.backward()
    flat = disc.flat.clone().requires_grad_(True)
    loss = (d_loss_value("wgan_gp", disc.functional(flat, real), disc.functional(flat, fake))
            + GP_WEIGHT * gradient_penalty(disc, flat, real, fake, eps))
    (grad,) = torch.autograd.grad(loss, flat)
    assert loss.item() == pytest.approx(loss_ref.item(), rel=1e-9)
    assert torch.allclose(grad, reference_grad(ref), atol=1e-9)


def small_config(**changes):
    return dataclasses.replace(GanConfig(), g_width=16, d_width=16, batch=32, **changes)


@pytest.mark.parametrize("loss", ["nonsat", "wgan_gp"])
def test_one_d_update_is_one_optimizer_step_on_the_reference_gradient(loss):
    """The trainer's whole D update (batch, noise, loss, backward, step) against an independent autograd rerun."""
    tr = GanTrainer(small_config(loss=loss, optimizer="sgd", d_lr=0.05), targets.ring())
    before_d, g_flat = tr.discriminator.flat.clone(), tr.generator.flat.clone()
    replay = torch.Generator().set_state(tr.rng.get_state())
    with torch.no_grad():
        tr.d_update()
    real = tr.real_pool[torch.randint(len(tr.real_pool), (32,), generator=replay)]
    z = sample_noise(32, 2, "uniform", replay)
    flat_d = before_d.clone().requires_grad_(True)
    fake = tr.generator.functional(g_flat, z)
    s_real, s_fake = tr.discriminator.functional(flat_d, real), tr.discriminator.functional(flat_d, fake)
    value = reference_d_loss(loss, s_real, s_fake)
    if loss == "wgan_gp":
        eps = torch.rand(32, 1, generator=replay)
        x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
        (grad_x,) = torch.autograd.grad(tr.discriminator.functional(flat_d, x_hat).sum(), x_hat, create_graph=True)
        value = value + GP_WEIGHT * ((grad_x.norm(dim=1) - 1) ** 2).mean()
    (grad,) = torch.autograd.grad(value, flat_d)
    assert torch.allclose(tr.discriminator.flat, before_d - 0.05 * grad, atol=1e-6)
    assert torch.equal(tr.generator.flat, g_flat)  # a D update leaves G alone


def test_steps_alternate_d_then_g_and_count_iterations():
    tr = GanTrainer(small_config(d_steps=2), targets.ring())
    seen = []
    for _ in range(6):
        seen.append(tr.next_update())
        tr.step(1)
        assert tr.last_update == seen[-1]
    assert seen == ["d", "d", "g", "d", "d", "g"]
    assert tr.iterations == 2


def test_same_seed_same_run_and_metrics_are_recorded():
    a, b = GanTrainer(small_config(seed=3), targets.grid()), GanTrainer(small_config(seed=3), targets.grid())
    a.step(30)
    b.step(10)
    b.step(20)
    assert torch.equal(a.samples(), b.samples())
    assert {"d_loss", "g_loss", "modes", "high_quality", "precision", "recall"} <= set(a.latest())
    assert 0 <= a.latest()["modes"] <= 25


def test_default_settings_cover_all_eight_modes_of_the_ring():
    """The page's target on its defaults (seed 42), by iteration count — the wall-clock part is benchmarks/."""
    tr = GanTrainer(GanConfig(), targets.ring())
    while tr.first_all_modes_step is None and tr.iterations < 2500:
        tr.step(300)
    assert tr.first_all_modes_step is not None, tr.latest()
    tr.step(1500)  # and it keeps them
    assert tr.latest()["modes"] == 8 and tr.latest()["high_quality"] > 0.3


def test_a_diverging_run_stops_with_aligned_curves():
    tr = GanTrainer(small_config(loss="lsgan", optimizer="sgd", g_lr=1e4, d_lr=1e4), targets.ring())
    for _ in range(20):
        tr.step(3)
        if tr.problem:
            break
    assert tr.problem == "not_finite"
    assert {len(v) for v in tr.history.values()} == {len(tr.history["step"])}


def test_generator_pull_is_minus_the_loss_gradient_per_point():
    tr = GanTrainer(small_config(loss="nonsat"), targets.ring())
    tr.step(20)
    z = tr.eval_noise[:15]
    points, pull = tr.generator_pull(z)
    x = points.clone().requires_grad_(True)
    flat = tr.discriminator.flat.clone()
    g_loss = F.softplus(-tr.discriminator.functional(flat, x)).sum()  # per-point loss −log σ(s), summed
    (grad,) = torch.autograd.grad(g_loss, x)
    assert torch.allclose(pull, -grad, atol=1e-6)


def test_views_have_the_right_shapes_and_ranges():
    for dim in (1, 2, 3):
        tr = GanTrainer(small_config(noise_dim=dim, noise="gaussian"), targets.moons())
        lines = tr.warped_grid(lines=5, points_per_line=7)
        assert lines.shape == ((1, 7, 2) if dim == 1 else (10, 7, 2))
    surface = tr.d_surface(torch.linspace(-2, 2, 6), torch.linspace(-1, 1, 4))
    assert surface.shape == (4, 6) and surface.min() >= 0 and surface.max() <= 1
    assert tr.modes is None and "modes" not in tr.step(3)


def test_model_tensors_round_trip():
    a, b = GanTrainer(small_config(seed=1), targets.ring()), GanTrainer(small_config(seed=2), targets.ring())
    a.step(9)
    b.load_model_tensors(a.model_tensors())
    z = a.eval_noise[:50]
    assert torch.equal(a.generator.forward(z), b.generator.forward(z))
    assert torch.equal(a.discriminator.forward(z), b.discriminator.forward(z))


def test_noise_distributions():
    g = torch.Generator().manual_seed(0)
    uniform, normal = sample_noise(20000, 2, "uniform", g), sample_noise(20000, 2, "gaussian", g)
    assert uniform.min() >= -1 and uniform.max() <= 1 and abs(uniform.var().item() - 1 / 3) < 0.01
    assert abs(normal.std().item() - 1) < 0.02 and normal.abs().max() > 2.5


# ---------- targets ----------

def test_mixtures_sample_their_modes_evenly_with_their_sigma():
    for target, n_modes in ((targets.ring(), 8), (targets.grid(), 25)):
        x = target.sample(25000, torch.Generator().manual_seed(1))
        modes = torch.tensor(target.modes, dtype=torch.float32)
        nearest = torch.cdist(x, modes).argmin(dim=1)
        counts = torch.bincount(nearest, minlength=n_modes).float()
        assert counts.min() > 0.8 * counts.mean()
        offsets = x - modes[nearest]
        assert offsets.std().item() == pytest.approx(target.jitter, rel=0.05)
        assert x.abs().max() < targets.BOX


def test_curves_stay_in_the_view():
    for target in (targets.moons(), targets.spiral()):
        x = target.sample(5000, torch.Generator().manual_seed(2))
        assert x.abs().max() < targets.BOX and x.std(dim=0).min() > 0.3


def test_a_drawing_fills_its_cells():
    centers = targets.draw_cell_centers()
    assert centers.shape == (targets.DRAW_CELLS ** 2, 2)
    cells = [0, 1, 2, 312]
    x = targets.drawn(cells).sample(4000, torch.Generator().manual_seed(3)).numpy()
    nearest = np.linalg.norm(x[:, None, :] - centers[cells][None], axis=2).min(axis=1)
    assert np.quantile(nearest, 0.99) < 2 * targets.BOX / targets.DRAW_CELLS
    with pytest.raises(targets.PointsError) as err:
        targets.drawn([5, 5, 99999])  # duplicates and out-of-range indices do not count
    assert err.value.code == "too_few_cells" and err.value.detail["found"] == 1


# ---------- CSV uploads ----------

def test_csv_with_header_and_various_separators():
    text = "x,y\n" + "\n".join(f"{i};{i * 2}" if i % 2 else f"{i}\t{-i}" for i in range(20)) + "\n# a comment\n\n"
    points = targets.parse_points_csv(text.encode())
    assert points.shape == (20, 2)
    assert np.abs(points).max() == pytest.approx(targets.CSV_SCALE)
    assert np.allclose((points.min(axis=0) + points.max(axis=0)) / 2, 0)


@pytest.mark.parametrize("data,code", [
    (b"1,2\n" * 5, "too_few"),
    (b"1,2,3\n" * 20, "columns"),
    (b"x,y\n1,2\nfoo,bar\n" + b"1,2\n" * 20, "not_number"),
    (b"1,2\n" * 20 + b"inf,3\n", "not_finite"),
    (b"1,nan\n" * 20, "not_finite"),
    (b"\xff\xfe\x00bad" * 10, "not_text"),
    (b"3,3\n" * 30, "all_same"),
    (("1,2\n" * (targets.CSV_MAX_ROWS + 1)).encode(), "too_many"),
    (b"1" * (targets.CSV_MAX_BYTES + 1), "too_big"),
])
def test_bad_csv_is_refused_with_a_reason(data, code):
    with pytest.raises(targets.PointsError) as err:
        targets.parse_points_csv(data)
    assert err.value.code == code


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=600) | st.text(max_size=300).map(str.encode))
def test_any_upload_is_parsed_or_refused_cleanly(data):
    try:
        points = targets.parse_points_csv(data)
    except targets.PointsError:
        return
    assert np.isfinite(points).all() and np.abs(points).max() <= targets.CSV_SCALE + 1e-9


# ---------- the digits GAN ----------

@pytest.fixture(scope="module")
def digits():
    return digit_split(seed=0)


def test_digits_gan_learns_the_ink_level(digits):
    tr = DigitsGanTrainer(DigitsGanConfig(seed=0), digits.x_train, digits.x_test)
    start = tr.samples()
    assert start.shape == (64, 8, 8) and 0 <= start.min() and start.max() <= 1
    tr.step(1500)
    fake, real = tr.samples(), digits.x_train
    assert abs(fake.mean().item() - real.mean().item()) < 0.05
    assert all(math.isfinite(v) for v in tr.latest().values())
    assert tr.model_tensors() is None


def test_the_loss_table_says_what_each_discriminator_output_means_and_how_it_trains():
    """The page reads D's meaning and the digits tab's choices from the table: check them against the losses."""
    s = torch.tensor([[-3.0], [0.0], [2.0]])
    for name, loss in GAN_LOSSES.items():
        if loss.d_output == "prob":  # a logit: L_D is the logistic loss of σ(s) as P(real)
            ref = F.binary_cross_entropy_with_logits(s, torch.ones_like(s)) + F.binary_cross_entropy_with_logits(
                s, torch.zeros_like(s))
            assert d_loss_value(name, s, s).item() == pytest.approx(ref.item(), rel=1e-6)
        # only a loss whose D step runs without autograd can train the digits GAN (its engine has no autograd path)
        assert loss.digits == (loss.d_grad is not None)
    assert GAN_LOSSES["wgan_gp"].d_output == "critic" and GAN_LOSSES["lsgan"].d_output == "score"
