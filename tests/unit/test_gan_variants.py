"""GAN variants: losses against hand-written formulas and torch.nn.functional, the networks' shapes and receptive
field, short trainings that must improve by step count, and the page's figures (valid by plotly's full checks)."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.digits import digit_split
from core.generative import conditional, cyclegan, infogan, pix2pix
from core.generative.digit_judge import JUDGE_SEED, digit_judge, judge_accuracy
from core.generative.variant_nets import build, d_loss, g_loss, init_from, mlp
from ui.compat.plotly_internals import layout_dict, trace_dicts
from ui.figures.common import PALETTE
from ui.figures.generative.gan_variants import (coded_points_figure, cycle_figure, per_class_figure,
                                                variant_curves_figure)
from ui.figures.margins import needed_margins
from tests.unit.figure_checks import validated


@pytest.fixture(scope="module")
def split():
    return digit_split(seed=JUDGE_SEED)


@pytest.fixture(scope="module")
def judge():
    return digit_judge()


# ---------- shared pieces ----------

def test_gan_losses_match_the_hand_written_cross_entropy():
    s_real, s_fake = torch.tensor([[2.0], [-1.0]]), torch.tensor([[0.5], [-3.0]])
    sig = lambda s: 1 / (1 + math.exp(-s))  # noqa: E731
    expected_d = ((-math.log(sig(2.0)) - math.log(sig(-1.0))) / 2
                  + (-math.log(1 - sig(0.5)) - math.log(1 - sig(-3.0))) / 2)
    assert d_loss(s_real, s_fake).item() == pytest.approx(expected_d, rel=1e-6)
    assert g_loss(s_fake).item() == pytest.approx((-math.log(sig(0.5)) - math.log(sig(-3.0))) / 2, rel=1e-6)


def test_weights_come_from_the_runs_generator_and_leave_the_global_one_alone():
    before = torch.get_rng_state()
    a = init_from(mlp((3, 5, 2)), torch.Generator().manual_seed(7))
    b = init_from(mlp((3, 5, 2)), torch.Generator().manual_seed(7))
    torch.manual_seed(123)  # whatever happens to the global generator in between...
    c = init_from(mlp((3, 5, 2)), torch.Generator().manual_seed(7))
    for pa, pb, pc in zip(a.parameters(), b.parameters(), c.parameters()):
        assert torch.equal(pa, pb) and torch.equal(pa, pc)
    bound = 1 / math.sqrt(3)  # nn.Linear's default range for fan_in = 3
    assert a[0].weight.abs().max() <= bound and a[0].bias.abs().max() <= bound
    torch.set_rng_state(before)


def test_trainers_never_touch_the_global_generator(split):
    state = torch.get_rng_state()
    infogan.InfoGanTrainer(infogan.InfoGanConfig(batch=16)).step(2)
    cyclegan.CycleGanTrainer(cyclegan.CycleGanConfig(batch=16)).step(2)
    pix2pix.Pix2PixTrainer(pix2pix.Pix2PixConfig(batch=8), split.x_train, split.x_test, split.y_test).step(1)
    assert torch.equal(state, torch.get_rng_state())
    with torch.device("meta"):  # why `build` constructs there: a meta layer draws nothing
        mlp((3, 4))
    assert torch.equal(state, torch.get_rng_state())


def test_the_judge_reads_real_test_digits(split, judge):
    assert judge_accuracy(split.x_test, split.y_test, judge) >= 0.95


# ---------- conditional GAN / AC-GAN ----------

def cond_trainer(split, judge, kind, **kw):
    cfg = conditional.ConditionalConfig(kind=kind, **kw)
    return conditional.ConditionalGanTrainer(cfg, split.x_train, split.y_train, split.x_test, split.y_test,
                                             lambda: judge)


def test_acgan_losses_add_the_class_cross_entropy(split, judge):
    tr = cond_trainer(split, judge, "acgan")
    real, y = tr.real[:5], tr.labels[:5]
    fake_y = torch.tensor([1, 2, 3, 4, 5])
    fake = tr.generate(torch.randn(5, 16, generator=torch.Generator().manual_seed(0)), fake_y)
    out_real, out_fake = tr.discriminator(real), tr.discriminator(fake)

    def ce(logits, labels):  # −mean log softmax at the true class, written out
        return -(logits - logits.exp().sum(1, keepdim=True).log()).gather(1, labels[:, None]).mean()

    expected_d = d_loss(out_real[:, :1], out_fake[:, :1]) + ce(out_real[:, 1:], y) + ce(out_fake[:, 1:], fake_y)
    expected_g = g_loss(out_fake[:, :1]) + ce(out_fake[:, 1:], fake_y)
    assert tr.d_loss(real, y, fake, fake_y).item() == pytest.approx(expected_d.item(), rel=1e-5)
    assert tr.g_loss(fake, fake_y).item() == pytest.approx(expected_g.item(), rel=1e-5)


def test_cgan_discriminator_reads_the_label(split, judge):
    tr = cond_trainer(split, judge, "cgan")
    x = tr.real[:4]
    s3, none = tr.judge_d(x, torch.full((4,), 3))
    s7, _ = tr.judge_d(x, torch.full((4,), 7))
    assert none is None and s3.shape == (4, 1) and not torch.allclose(s3, s7)
    assert tr.d_loss(x, tr.labels[:4], x, tr.labels[:4]).item() == pytest.approx(
        d_loss(*[tr.judge_d(x, tr.labels[:4])[0]] * 2).item())


def test_acgan_learns_to_draw_the_requested_digit(split, judge):
    tr = cond_trainer(split, judge, "acgan")
    tr.step(1)
    first = tr.recognised
    for _ in range(6):
        tr.step(50)
    assert first < 0.5 and tr.recognised >= 0.9 and tr.judged["step"][-1] == tr.steps_done
    assert tr.grid().shape == (10 * conditional.SAMPLES_PER_CLASS, 8, 8) and tr.draw(4, 6).shape == (6, 8, 8)
    assert 0.5 < tr.latest()["aux_real"] <= 1.0


# ---------- InfoGAN ----------

def test_information_term_is_the_cross_entropy_of_q():
    rows, c = [[2.0, 0.0, -1.0], [0.1, 0.2, 0.3]], [0, 2]
    q = torch.tensor(rows)
    by_hand = -sum(math.log(math.exp(r[ci]) / sum(math.exp(v) for v in r)) for r, ci in zip(rows, c)) / 2
    c = torch.tensor(c)
    assert infogan.information_term(q, c).item() == pytest.approx(float(by_hand), rel=1e-6)
    assert infogan.information_term(q, c).item() == pytest.approx(F.cross_entropy(q, c).item())


def test_code_purity_by_hand():
    modes = torch.tensor([[0.0, 0.0], [10.0, 0.0]])
    samples = torch.tensor([[0.1, 0.0], [0.2, 0.0], [9.0, 0.0], [10.0, 1.0], [10.0, 0.0], [0.0, 0.3]])
    codes = torch.tensor([0, 0, 0, 1, 1, 1])
    counts = infogan.code_mode_counts(samples, codes, modes, 2)
    assert counts.tolist() == [[2, 1], [1, 2]]
    purity, chosen = infogan.code_purity(counts)
    assert purity == pytest.approx([2 / 3, 2 / 3]) and chosen == [0, 1]


def test_code_mode_information_by_hand():
    # p = [[1/3, 1/6], [1/6, 1/3]], both marginals uniform: I = Σ p log(p / ¼), over log 2
    expected = (2 / 3 * math.log(4 / 3) + 1 / 3 * math.log(2 / 3)) / math.log(2)
    assert infogan.code_mode_information(torch.tensor([[2, 1], [1, 2]])) == pytest.approx(expected)
    assert infogan.code_mode_information(torch.eye(4, dtype=torch.long) * 50) == pytest.approx(1.0)
    assert infogan.code_mode_information(torch.tensor([[50, 0], [50, 0]])) == pytest.approx(0.0)  # one mode
    assert infogan.code_mode_information(torch.full((3, 3), 7)) == pytest.approx(0.0, abs=1e-12)  # ignored


def test_the_code_comes_to_select_the_mode():
    tr = infogan.InfoGanTrainer(infogan.InfoGanConfig())
    tr.step(1)
    assert not tr.code_selects_mode()
    start_ce = tr.latest()["info_ce"]
    for _ in range(6):
        tr.step(50)
    assert tr.code_selects_mode() and tr.latest()["info_ce"] < 0.5 * start_ce
    assert tr.latest()["mi_bound"] == pytest.approx(math.log(4) - tr.latest()["info_ce"])
    assert not tr.code_selects_mode("plain")  # the same code, ignored without the information term


def test_samples_are_those_of_the_current_networks():
    tr = infogan.InfoGanTrainer(infogan.InfoGanConfig())
    fresh = lambda: tr.info.generate(tr.eval_noise, tr.eval_codes, tr.k)  # noqa: E731
    before = tr.samples("info")
    assert torch.equal(before, fresh())
    tr.step(5)  # made once per training state: measured by `evaluate`, then drawn
    assert not torch.equal(tr.samples("info"), before) and torch.equal(tr.samples("info"), fresh())
    assert torch.equal(tr.samples("plain"), tr.plain.generate(tr.eval_noise, tr.eval_codes, tr.k))


# ---------- CycleGAN ----------

def test_cycle_and_least_squares_losses_by_hand():
    a, a_back = torch.tensor([[0.0, 0.0], [1.0, 1.0]]), torch.tensor([[1.0, -1.0], [1.0, 1.5]])
    b, b_back = torch.tensor([[2.0, 0.0]]), torch.tensor([[2.0, 3.0]])
    assert cyclegan.cycle_loss(a, a_back, b, b_back).item() == pytest.approx((2 + 0.5) / 2 + 3)
    s_real, s_fake = torch.tensor([[1.5], [0.0]]), torch.tensor([[0.5]])
    assert cyclegan.lsgan_d_loss(s_real, s_fake).item() == pytest.approx(0.5 * ((0.25 + 1) / 2 + 0.25))
    assert cyclegan.lsgan_g_loss(s_fake).item() == pytest.approx(0.25)


def test_domain_b_is_domain_a_turned():
    tr = cyclegan.CycleGanTrainer(cyclegan.CycleGanConfig(angle=90))
    a = tr.domain_a(50, torch.Generator().manual_seed(3))
    b = tr.domain_b(50, torch.Generator().manual_seed(3))
    rel_a, rel_b = a - torch.tensor(cyclegan.CENTER_A), b - torch.tensor(cyclegan.CENTER_B)
    assert torch.allclose(rel_b, torch.stack([-rel_a[:, 1], rel_a[:, 0]], dim=1), atol=1e-5)


def test_the_cycle_loss_brings_round_trips_back():
    errors = {}
    for on in (True, False):
        tr = cyclegan.CycleGanTrainer(cyclegan.CycleGanConfig(cycle=on))
        for _ in range(5):
            tr.step(50)
        errors[on] = tr.latest()["cycle_error"]
        a, there, back = tr.round_trip(10)
        assert a.shape == there.shape == back.shape == (10, 2)
    assert errors[True] < 0.2 and errors[True] < 0.5 * errors[False]


# ---------- pix2pix ----------

def test_views_of_a_digit():
    x = torch.arange(64, dtype=torch.float32).reshape(1, 1, 8, 8)
    up = pix2pix.make_view("upscale", x)
    assert up[0, 0, 0, 0] == up[0, 0, 1, 1] == (0 + 1 + 8 + 9) / 4 and up.shape == x.shape
    inpaint = pix2pix.make_view("inpaint", x)
    assert torch.equal(inpaint[..., :4, :], x[..., :4, :]) and inpaint[..., 4:, :].abs().sum() == 0


def test_unet_and_patch_discriminator_shapes():
    g = pix2pix.TinyUNet()
    v = torch.rand(3, 1, 8, 8)
    y = g(v)
    assert y.shape == (3, 1, 8, 8) and ((y > 0) & (y < 1)).all()
    assert pix2pix.PatchDiscriminator()(v, y).shape == (3, 1, 4, 4)


def test_patch_discriminator_sees_a_5x5_patch():
    assert pix2pix.receptive_field() == 5
    d = build(pix2pix.PatchDiscriminator, torch.Generator().manual_seed(0), torch.device("cpu")).double()
    view = torch.rand(1, 1, 8, 8, dtype=torch.float64, requires_grad=True)
    image = torch.rand(1, 1, 8, 8, dtype=torch.float64, requires_grad=True)
    d(view, image)[0, 0, 1, 2].backward()  # an interior output unit: row 1, column 2 of the 4×4 map
    seen = (view.grad[0, 0] != 0) | (image.grad[0, 0] != 0)
    rows, cols = seen.nonzero(as_tuple=True)
    # stride 2 puts output (i, j) over input (2i, 2j); it reaches ±2 pixels around it
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (0, 4, 2, 6)


def test_pix2pix_training_lowers_the_test_error(split, judge):
    tr = pix2pix.Pix2PixTrainer(pix2pix.Pix2PixConfig(), split.x_train, split.x_test, split.y_test, lambda: judge)
    first = tr.step(1)
    for _ in range(3):
        tr.step(20)
    last = tr.latest()
    assert last["test_l1_l1"] < 0.8 * first["test_l1_l1"] and last["test_l1_gan"] < 0.8 * first["test_l1_gan"]
    rows = tr.shown()  # the outputs of the current generators for the first test views, and the truth
    v, n = tr.test_v[:pix2pix.N_SHOWN], pix2pix.N_SHOWN
    with torch.no_grad():
        expected = torch.cat([v, tr.g_l1(v), tr.g_gan(v), tr.test_x[:n]])[:, 0]
    torch.testing.assert_close(rows, expected)
    assert 0 <= tr.judged["gan"] <= 1 and 0 <= tr.judged["l1"] <= 1


def test_a_judge_still_in_training_only_delays_the_readings(split):
    tr = conditional.ConditionalGanTrainer(conditional.ConditionalConfig(), split.x_train, split.y_train,
                                           split.x_test, split.y_test, lambda: None)
    tr.step(3)
    assert tr.recognised is None and tr.judged["step"] == [] and "aux_real" in tr.latest()


# ---------- figures ----------
def test_coded_points_colour_each_sample_by_its_code():
    rng = np.random.default_rng(0)
    real, samples, codes = rng.normal(size=(50, 2)), rng.normal(size=(12, 2)), np.repeat(np.arange(4), 3)
    fig = validated(coded_points_figure(real, samples, codes, title="T", real_name="real", sample_name="samples",
                                        modes=np.zeros((4, 2)), mode_radius=0.3, box=2.5, revision="r"))
    real_trace, rings, points = fig.data
    np.testing.assert_allclose(real_trace.x, real[:, 0])
    np.testing.assert_allclose(points.y, samples[:, 1])
    assert list(points.marker.color) == [PALETTE[c] for c in codes]
    assert rings.showlegend is False and np.nanmax(np.hypot(rings.x, rings.y)) == pytest.approx(0.3)
    assert fig.layout.yaxis.scaleanchor == "x" and list(fig.layout.xaxis.range) == [-2.5, 2.5]
    assert fig.layout.title.text == "T" and fig.layout.uirevision == "r"


def test_cycle_figure_draws_an_arrow_there_and_one_back_per_point():
    starts, there, back = np.zeros((3, 2)), np.ones((3, 2)), np.full((3, 2), 0.1)
    names = {name: name.upper() for name in ("a", "b", "there", "back", "start")}
    fig = validated(cycle_figure(np.ones((5, 2)), -np.ones((6, 2)), starts, there, back, names, box=2.0,
                                 revision="c"))
    assert [trace.name for trace in fig.data] == ["A", "B", "THERE", "BACK", "START"]
    arrows_there, arrows_back = fig.data[2], fig.data[3]
    assert np.isnan(arrows_there.x).sum() == 3 and list(arrows_there.marker.size).count(7) == 3
    np.testing.assert_allclose(np.asarray(arrows_back.x)[1::3], back[:, 0])
    assert list(fig.layout.yaxis.range) == [-1.2, 1.2] and fig.layout.legend.y == -0.02


def test_per_class_bars_in_percent_with_the_chosen_digit_and_the_target_line():
    fig = validated(per_class_figure([0.5] * 10, title="P", chosen=3, target=0.8))
    bars = fig.data[0]
    assert list(bars.y) == [50.0] * 10 and list(bars.x) == [str(i) for i in range(10)]
    assert [i for i, c in enumerate(bars.marker.color) if c != PALETTE[0]] == [3]
    (line,) = fig.layout.shapes
    assert (line.y0, line.y1, line.x0, line.x1, line.xref) == (80.0, 80.0, 0, 1, "x domain")
    assert fig.layout.showlegend is False
    assert not validated(per_class_figure([0.5] * 10, title="P")).layout.shapes


def test_variant_curves_show_a_legend_below_only_for_several_lines():
    below = dict(orientation="h", yanchor="top", y=-0.35, xanchor="left", x=0.0)
    two = validated(variant_curves_figure([1, 2, 3], {"a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0]}, title="C",
                                          x_title="iterations", legend=below))
    assert two.layout.showlegend is True and two.layout.legend.y == -0.35
    needed = needed_margins(trace_dicts(two), layout_dict(two))  # the legend under the x-axis title: room reserved
    assert all(two.layout.margin[side] >= px for side, px in needed.items()) and needed["b"] > 80
    assert [list(trace.y) for trace in two.data] == [[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]
    assert two.layout.xaxis.title.text == "iterations"
    one = validated(variant_curves_figure([1, 2], {"a": [0.5, 0.7]}, title="C", x_title="i", legend=below))
    assert one.layout.showlegend is False
