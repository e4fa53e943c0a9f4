"""The hand-written RNN (core/sequences/rnn.py) against torch: nn.RNN for the forward pass, autograd for BPTT."""
import numpy as np
import pytest
import torch

from core.sequences.rnn import (ACTIVATIONS, BPTT, CellWeights, bptt, clip_scale, cycle_to_length, layers_from_torch,
                      random_cell, run_layers, spectral_radius, unroll)
from ui.figures.sequences.equations import num, rnn_step_tex
from ui.figures.sequences.charts import (clipping_figure, error_curves_figure, forecast_figure, gradient_norms_figure,
                                  loop_figure, unrolled_figure)
from tests.unit.figure_checks import validated


def torch_act(act):
    return {"tanh": torch.tanh, "relu": torch.relu, "linear": lambda a: a}[act]


def test_one_step_worked_by_hand():
    w = CellWeights(np.array([[1.0], [-2.0]]), np.array([[0.5, 0.0], [0.0, 0.5]]), np.array([0.0, 1.0]))
    run = unroll(np.array([[1.0], [0.0]]), w, "linear")
    # step 1: a = W_xh x + b = (1, -1); step 2: a = 0.5 * (1, -1) + b = (0.5, 0.5)
    np.testing.assert_allclose(run.states, [[1.0, -1.0], [0.5, 0.5]])
    assert np.allclose(unroll(np.array([[1.0]]), w, "relu").states, [[1.0, 0.0]])


@pytest.mark.parametrize("layers,bidirectional,act", [(1, False, "tanh"), (2, False, "relu"), (1, True, "tanh"),
                                                      (3, True, "relu")])
def test_stacked_and_bidirectional_match_torch_nn_rnn(layers, bidirectional, act):
    torch.manual_seed(0)
    module = torch.nn.RNN(2, 5, num_layers=layers, nonlinearity=act, bidirectional=bidirectional, batch_first=True,
                          dtype=torch.float64)
    xs = torch.randn(7, 2, dtype=torch.float64)
    expected, h_n = module(xs[None])
    ours = run_layers(xs.numpy(), layers_from_torch(module), act)
    last = np.concatenate([r.states for r in ours[-1]], axis=1)
    np.testing.assert_allclose(last, expected[0].detach().numpy(), atol=1e-12)
    # h_n: the last state of every layer and direction (backward's "last" is at t = 0)
    finals = [r.states[-1] if d == 0 else r.states[0] for layer in ours for d, r in enumerate(layer)]
    np.testing.assert_allclose(np.array(finals), h_n[:, 0].detach().numpy(), atol=1e-12)


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_bptt_matches_autograd(act):
    cell = random_cell(4, 1, 1.2, seed=3)
    xs = np.random.default_rng(1).standard_normal((12, 1))
    readout = np.array([0.5, -0.5, 0.5, 0.5])
    ours = bptt(xs, cell, act, readout)

    w_xh, w_hh, b = (torch.tensor(m, requires_grad=True) for m in (cell.w_xh, cell.w_hh, cell.b))
    h, states = torch.zeros(4, dtype=torch.float64), []
    for x in torch.tensor(xs):
        h = torch_act(act)(w_hh @ h + w_xh @ x + b)
        h.retain_grad()
        states.append(h)
    loss = torch.tensor(readout) @ h
    loss.backward()
    np.testing.assert_allclose(ours.state_grad_norms, [s.grad.norm().item() for s in states], rtol=1e-10)
    np.testing.assert_allclose(ours.grad_w_hh, w_hh.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(ours.grad_w_xh, w_xh.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(ours.grad_b, b.grad.numpy(), atol=1e-12)


def test_step_contributions_are_the_norms_of_each_steps_share():
    cell = random_cell(3, 1, 0.9, seed=5)
    xs = np.random.default_rng(2).standard_normal((6, 1))
    full = bptt(xs, cell, "tanh", np.ones(3) / np.sqrt(3))
    # step t's share of (dW_xh, dW_hh, db) is outer(dL/da_t, x_t), outer(dL/da_t, h_{t-1}), dL/da_t;
    # the shares of all steps add up to the full gradient
    run = unroll(xs, cell, "tanh")
    grad_h, total = np.ones(3) / np.sqrt(3), 0.0
    for t in range(5, -1, -1):
        grad_a = grad_h * (1 - run.states[t] ** 2)
        prev = run.states[t - 1] if t else np.zeros(3)
        share = np.concatenate([np.outer(grad_a, xs[t]).ravel(), np.outer(grad_a, prev).ravel(), grad_a])
        assert full.step_contributions[t] == pytest.approx(np.linalg.norm(share), rel=1e-12)
        total = total + share
        grad_h = cell.w_hh.T @ grad_a
    np.testing.assert_allclose(total, np.concatenate([full.grad_w_xh.ravel(), full.grad_w_hh.ravel(), full.grad_b]))


def test_linear_gradients_scale_like_the_spectral_radius():
    """With f = identity and a symmetric W_hh, ||dL/dh_t|| along the top eigenvector is exactly rho^(T-t)."""
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    w_hh = q @ np.diag([1.5, 0.5, -0.3, 0.1]) @ q.T
    cell = CellWeights(np.ones((4, 1)), w_hh, np.zeros(4))
    result = bptt(np.zeros((10, 1)), cell, "linear", q[:, 0])
    np.testing.assert_allclose(result.state_grad_norms, 1.5 ** np.arange(9, -1, -1), rtol=1e-10)


def test_random_cell_has_the_requested_spectral_radius_and_is_seeded():
    cell = random_cell(6, 1, 1.3, seed=11)
    assert spectral_radius(cell.w_hh) == pytest.approx(1.3)
    np.testing.assert_array_equal(cell.w_hh, random_cell(6, 1, 1.3, seed=11).w_hh)


def test_clip_scale_matches_torch_clip_grad_norm():
    result = bptt(np.ones((20, 1)), random_cell(4, 1, 1.5, seed=0), "linear", np.ones(4) / 2)
    params = [torch.zeros_like(torch.tensor(g)) for g in (result.grad_w_xh, result.grad_w_hh, result.grad_b)]
    for p, g in zip(params, (result.grad_w_xh, result.grad_w_hh, result.grad_b)):
        p.grad = torch.tensor(g)
    total = torch.nn.utils.clip_grad_norm_(params, 1.0)
    assert float(total) == pytest.approx(result.total_norm, rel=1e-12)
    clipped = np.sqrt(sum(float((p.grad ** 2).sum()) for p in params))
    assert clipped == pytest.approx(result.total_norm * clip_scale(result.total_norm, 1.0), rel=1e-9)
    assert clip_scale(0.5, 1.0) == 1.0 and clip_scale(10.0, None) == 1.0


def test_cycle_to_length():
    np.testing.assert_array_equal(cycle_to_length([1, 2, 3], 7), [1, 2, 3, 1, 2, 3, 1])
    assert isinstance(bptt(np.ones((2, 1)), random_cell(2, 1, 1.0, 0), "tanh", np.ones(2)), BPTT)


# ----- the page's figures and formula (ui/figures/sequences/charts.py, sequence_equations.py) -----
LABELS = {"input": "x", "output": "h", "layer": "layer {n}", "forward": "fwd", "backward": "bwd", "time": "t",
          "unit": "unit", "cell": "RNN"}



def test_unrolled_figure_shows_every_state_and_the_current_step():
    values = [1.0, 0.0, -0.5, 2.0]
    layers = layers_from_torch(torch.nn.RNN(1, 3, num_layers=2, bidirectional=True))
    runs = run_layers(np.array(values)[:, None], layers, "tanh")
    blocks = [(f"{k}{d}", r.states) for k, layer in enumerate(runs) for d, r in enumerate(layer)]
    fig = validated(unrolled_figure(values, blocks, layers=2, bidirectional=True, current=3, labels=LABELS))
    heatmaps = [trace for trace in fig.data if trace.type == "heatmap"]
    assert len(heatmaps) == 4
    for trace, (_, states) in zip(heatmaps, blocks):
        np.testing.assert_allclose(np.asarray(trace.z), states.T)
    cells = [trace for trace in fig.data if trace.type == "scatter" and trace.marker.symbol == "square"]
    assert len(cells) == 4 and all(len(c.x) == 4 for c in cells)  # 2 layers x 2 directions, one cell per step
    highlight = fig.layout.shapes[0]
    assert (highlight.x0, highlight.x1) == (2.5, 3.5)
    assert list(fig.layout.yaxis.ticktext) == ["x", "layer 1", "layer 2", "h"]


def test_bptt_and_training_figures_are_valid_and_log_safe():
    result = bptt(np.ones((6, 1)), random_cell(3, 1, 0.9, 0), "relu", np.ones(3) / np.sqrt(3))
    fig = validated(gradient_norms_figure({"a": result.state_grad_norms, "b": np.array([0.0, 1.0])}, "a",
                                          title="t", x_title="x", y_title="y"))
    assert list(fig.data[0].y) == [v if v > 0 else None for v in result.state_grad_norms[::-1]]
    assert fig.data[1].y[1] is None  # an exact zero cannot sit on a log axis: a gap instead
    assert fig.layout.yaxis.type == "log"
    fig = validated(clipping_figure(np.array([4.0, 2.0]), np.array([2.0, 1.0]), names=("a", "b"), title="t",
                                    x_title="x", y_title="y"))
    assert list(fig.data[0].y) == [2.0, 4.0] and list(fig.data[1].y) == [1.0, 2.0]
    validated(forecast_figure(np.zeros(10), np.ones(10), np.ones(10), warmup=3, names=("a", "b", "c"), title="t",
                              x_title="x"))
    validated(error_curves_figure([10, 20], [0.1, 0.05], baseline=0.1, goal=0.01, names=("a", "b", "c"), title="t",
                                  x_title="x"))
    validated(loop_figure(LABELS, title="loop"))


def test_step_formula_carries_the_numbers():
    cell = CellWeights(np.array([[1.0], [-2.0]]), np.array([[0.5, 0.0], [0.0, 0.5]]), np.array([0.0, 1.0]))
    run = unroll(np.array([[1.0], [0.0]]), cell, "tanh")
    tex = rnn_step_tex(2, 0.0, run.states[0], cell.w_xh, cell.w_hh, cell.b, run.pre[1], run.states[1], "tanh")
    assert r"h_{2} &= \tanh" in tex and "h_{1}" in tex
    assert f"{run.states[1][0]:.2f}" in tex and f"{run.pre[1][1]:.2f}" in tex
    assert num(-1.5) == "(-1.50)" and num(-0.001) == "0.00" and num(2) == "2.00"
