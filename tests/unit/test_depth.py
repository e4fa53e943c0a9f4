"""The depth page's core: the four variants against hand-written references, lock-step training, the targets."""
import copy

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from core.basics.depth import (N_POINTS, START_LOSS, VARIANTS, DepthConfig, DepthTrainer, build_variants,
                               two_spirals)

SMALL = DepthConfig(depth=6, width=8, seed=3)


def test_spirals_are_balanced_and_in_the_unit_square():
    x, y = two_spirals(200, seed=1)
    assert x.shape == (200, 2) and y.sum() == 100
    assert np.abs(x).max() < 1.2
    assert not np.allclose(x, two_spirals(200, seed=2)[0])


def reference_forward(net, x, residual, norm, act):
    """The block formulas of the page written out with functional ops (batch statistics, biased variance)."""
    def pre(z, l):
        if norm:
            bn = net.norms[l]
            z = (z - z.mean(0)) / torch.sqrt(z.var(0, unbiased=False) + bn.eps) * bn.weight + bn.bias
        return act(z)

    z = x @ net.inp.weight.T + net.inp.bias
    for l, block in enumerate(net.blocks):
        f = pre(z, l) @ block.weight.T + block.bias
        z = z + f if residual else f
    return (pre(z, len(net.blocks)) @ net.out.weight.T + net.out.bias)[:, 0]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_variants_compute_the_block_formulas(activation):
    nets = build_variants(DepthConfig(depth=5, width=8, activation=activation))
    x = torch.randn(16, 2, generator=torch.Generator().manual_seed(0))
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[activation]
    for name, net in nets.items():
        with torch.no_grad():
            torch.nn.init.normal_(net.out.weight)  # a non-zero output layer, so the outputs differ
            for bn in net.norms:
                bn.weight.uniform_(0.5, 1.5)
                bn.bias.uniform_(-0.2, 0.2)
        net.train()
        expected = reference_forward(net, x, name in ("residual", "both"), name in ("norm", "both"), act)
        torch.testing.assert_close(net(x), expected, rtol=1e-4, atol=1e-5)


def test_variants_start_from_the_same_weights_at_loss_ln2():
    nets = build_variants(SMALL)
    plain = nets["plain"].state_dict()
    for net in nets.values():
        for key, value in net.state_dict().items():
            if key in plain:
                assert torch.equal(value, plain[key]), key
    trainer = DepthTrainer(SMALL)
    for name in VARIANTS:
        assert trainer.curves[name][0] == pytest.approx(START_LOSS, abs=1e-7)
        with torch.no_grad():  # the start's shortcut (a zero output layer) against running every layer
            logits = trainer.nets[name].eval()(trainer.x)
        assert trainer.curves[name][0] == pytest.approx(float(F.binary_cross_entropy_with_logits(logits, trainer.y)))
        assert trainer.accuracy[name] == float(((logits > 0).float() == trainer.y).float().mean())


def test_lock_step_equals_training_each_net_alone_on_the_same_batches():
    trainer = DepthTrainer(SMALL)
    alone = copy.deepcopy(trainer.nets["both"]).train()  # the trainer left it in evaluation mode
    opt = torch.optim.SGD(alone.parameters(), lr=SMALL.lr, momentum=0.9)
    batches = torch.Generator().manual_seed(SMALL.seed + 1)
    for _ in range(5):
        idx = torch.randint(0, N_POINTS, (SMALL.batch,), generator=batches)
        opt.zero_grad()
        F.binary_cross_entropy_with_logits(alone(trainer.x[idx]), trainer.y[idx]).backward()
        opt.step()
    trainer.step(5)
    for a, b in zip(alone.state_dict().values(), trainer.nets["both"].state_dict().values()):
        torch.testing.assert_close(a, b)
    norms = [float(w.grad.norm()) for w in alone.block_weights()]
    assert trainer.grad_norms["both"] == pytest.approx(norms, rel=1e-5)
    assert trainer.evaluate("both")[0] == pytest.approx(trainer.curves["both"][-1])


def test_plain_gradient_vanishes_towards_the_input_and_residual_does_not():
    trainer = DepthTrainer(DepthConfig(seed=1))
    trainer.step(20)
    plain, residual = trainer.grad_norms["plain"], trainer.grad_norms["residual"]
    assert plain[0] < 1e-9 * plain[-1]
    assert residual[0] > 1e-2 * residual[-1]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_plain_stays_stuck_while_residual_plus_norm_reaches_the_target(seed):
    """The page's claim, by step count: within 500 steps the residual + BatchNorm net reaches TARGET_LOSS,
    while the plain net's loss never leaves 5 % of ln 2."""
    torch.set_num_threads(1)
    trainer = DepthTrainer(DepthConfig(seed=seed, max_steps=500))
    while not trainer.done and trainer.reached_at["both"] is None:
        trainer.step(25)
    assert trainer.reached_at["both"] is not None and trainer.reached_at["both"] <= 500
    assert all(abs(v / START_LOSS - 1) < 0.05 for v in trainer.curves["plain"])


def test_figures_pass_plotly_validation_and_plot_every_variant():
    import plotly.graph_objects as go

    from ui.figures.basics.depth import gradient_norms_by_layer_figure, variant_loss_figure

    trainer = DepthTrainer(SMALL)
    trainer.step(3)
    labels = {name: name.upper() for name in VARIANTS}
    loss = variant_loss_figure(trainer.curve_steps, trainer.curves, labels, target=0.3, target_label="goal",
                               title="loss", x_title="step", y_title="BCE")
    grads = gradient_norms_by_layer_figure(trainer.grad_norms, labels, title="g", x_title="layer", y_title="norm")
    for fig in (loss, grads):
        go.Figure(fig.to_dict())  # every property through plotly's checks (the builders skip them for speed)
        assert [trace.name for trace in fig.data] == [labels[name] for name in VARIANTS]
    assert list(loss.data[3].y) == pytest.approx(trainer.curves["both"])
    assert list(grads.data[0].x) == list(range(SMALL.depth + 2))
    assert grads.layout.yaxis.type == "log" and loss.layout.shapes[0].y0 == 0.3
