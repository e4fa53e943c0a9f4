"""The hand-written LSTM and GRU steps (core/sequences/gates.py) against torch.nn.LSTMCell, GRUCell and LSTM."""
import math

import numpy as np
import pytest
import torch

from core.sequences.gates import GateWeights, gru_step, lstm_sequence, lstm_step, scalar_gru, scalar_lstm, sigmoid
from ui.figures.sequences.equations import gru_step_tex, lstm_step_tex
from ui.figures.sequences.charts import accuracy_figure, answer_figure, gate_values_figure, gates_figure
from tests.unit.figure_checks import validated


@pytest.mark.parametrize("inputs,hidden,seed", [(1, 1, 0), (3, 4, 1), (5, 2, 2)])
def test_lstm_step_equals_torch_lstm_cell(inputs, hidden, seed):
    torch.manual_seed(seed)
    cell = torch.nn.LSTMCell(inputs, hidden, dtype=torch.float64)
    x, h, c = torch.randn(inputs, dtype=torch.float64), torch.randn(hidden, dtype=torch.float64), \
        torch.randn(hidden, dtype=torch.float64)
    h_ref, c_ref = cell(x[None], (h[None], c[None]))
    ours = lstm_step(x.numpy(), h.numpy(), c.numpy(), GateWeights.from_torch(cell))
    np.testing.assert_allclose(ours.h, h_ref[0].detach().numpy(), atol=1e-13)
    np.testing.assert_allclose(ours.c, c_ref[0].detach().numpy(), atol=1e-13)


@pytest.mark.parametrize("inputs,hidden,seed", [(1, 1, 0), (3, 4, 1), (5, 2, 2)])
def test_gru_step_equals_torch_gru_cell(inputs, hidden, seed):
    torch.manual_seed(seed)
    cell = torch.nn.GRUCell(inputs, hidden, dtype=torch.float64)
    x, h = torch.randn(inputs, dtype=torch.float64), torch.randn(hidden, dtype=torch.float64)
    h_ref = cell(x[None], h[None])
    ours = gru_step(x.numpy(), h.numpy(), GateWeights.from_torch(cell))
    np.testing.assert_allclose(ours.h, h_ref[0].detach().numpy(), atol=1e-13)


def test_lstm_sequence_equals_torch_lstm_module():
    torch.manual_seed(3)
    module = torch.nn.LSTM(4, 6, batch_first=True, dtype=torch.float64)
    xs = torch.randn(9, 4, dtype=torch.float64)
    out, (h_n, c_n) = module(xs[None])
    ours = lstm_sequence(xs.numpy(), GateWeights.from_torch(module))
    np.testing.assert_allclose(ours["h"], out[0].detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(ours["c"][-1], c_n[0, 0].detach().numpy(), atol=1e-12)
    assert set(ours) == {"i", "f", "g", "o", "c", "h"} and ours["f"].shape == (9, 6)
    assert (0 < ours["f"]).all() and (ours["f"] < 1).all()


def test_scalar_lstm_worked_by_hand():
    """All weights 0 except the biases: i = σ(0) = ½, f = σ(ln 3) = ¾, g = tanh(0) = 0, o = ½."""
    w = scalar_lstm({"i": (0.0, 0.0, 0.0), "f": (0.0, 0.0, math.log(3)), "g": (0.0, 0.0, 0.0),
                     "o": (0.0, 0.0, 0.0)})
    step = lstm_step(2.0, 1.0, 0.8, w)
    assert step.i[0] == pytest.approx(0.5) and step.f[0] == pytest.approx(0.75)
    assert step.c[0] == pytest.approx(0.75 * 0.8)  # c' = f c + i g = 0.6
    assert step.h[0] == pytest.approx(0.5 * math.tanh(0.6))


def test_scalar_lstm_and_gru_equal_torch_with_the_same_numbers():
    lstm_params = {"i": (0.5, -0.3, 0.1), "f": (0.2, 0.4, 1.5), "g": (1.1, -0.7, 0.0), "o": (-0.6, 0.9, 0.2)}
    cell = torch.nn.LSTMCell(1, 1, dtype=torch.float64)
    with torch.no_grad():
        for row, gate in enumerate("ifgo"):
            cell.weight_ih[row, 0], cell.weight_hh[row, 0] = lstm_params[gate][0], lstm_params[gate][1]
            cell.bias_ih[row], cell.bias_hh[row] = lstm_params[gate][2], 0.0
    x, h, c = 0.7, -0.2, 0.4
    h_ref, c_ref = cell(torch.tensor([[x]], dtype=torch.float64), (torch.tensor([[h]], dtype=torch.float64),
                                                                    torch.tensor([[c]], dtype=torch.float64)))
    ours = lstm_step(x, h, c, scalar_lstm(lstm_params))
    assert ours.h[0] == pytest.approx(h_ref.item(), abs=1e-13) and ours.c[0] == pytest.approx(c_ref.item(), abs=1e-13)

    gru_params = {"r": (0.3, -0.8, 0.2), "z": (-0.4, 0.6, 1.0), "n": (1.2, 0.5, -0.1, 0.3)}
    gcell = torch.nn.GRUCell(1, 1, dtype=torch.float64)
    with torch.no_grad():
        for row, gate in enumerate("rzn"):
            gcell.weight_ih[row, 0], gcell.weight_hh[row, 0] = gru_params[gate][0], gru_params[gate][1]
        gcell.bias_ih.copy_(torch.tensor([0.2, 1.0, -0.1], dtype=torch.float64))
        gcell.bias_hh.copy_(torch.tensor([0.0, 0.0, 0.3], dtype=torch.float64))
    ref = gcell(torch.tensor([[x]], dtype=torch.float64), torch.tensor([[h]], dtype=torch.float64))
    step = gru_step(x, h, scalar_gru(gru_params))
    assert step.h[0] == pytest.approx(ref.item(), abs=1e-13)
    # the reset gate scales only the old state's term inside n
    assert step.pre["n"][0] == pytest.approx(1.2 * x - 0.1 + step.r[0] * (0.5 * h + 0.3))


def test_sigmoid_is_stable_and_exact():
    np.testing.assert_allclose(sigmoid(np.array([-800.0, 0.0, 2.0, 800.0])), [0.0, 0.5, 1 / (1 + math.exp(-2)), 1.0])


# ----- the page's figures and formulas -----

def test_lstm_formula_shows_each_gate_with_its_numbers():
    params = {"i": (0.0, 0.0, 0.0), "f": (0.0, 0.0, math.log(3)), "g": (0.0, 0.0, 0.0), "o": (0.0, 0.0, 0.0)}
    step = lstm_step(2.0, 1.0, 0.8, scalar_lstm(params))
    tex = lstm_step_tex(params, 2.0, 1.0, 0.8, step)
    assert r"\sigma(1.099) = 0.750" in tex  # f = σ(ln 3) = 3/4
    assert r"0.750 \cdot 0.80 + 0.500 \cdot 0.000 = 0.600" in tex  # c = f c + i g
    assert tex.count(r"\\[3pt]") == 5  # six lines


def test_gru_formula_keeps_the_reset_gate_inside_the_candidate():
    params = {"r": (0.0, 0.0, 0.0), "z": (0.0, 0.0, 0.0), "n": (1.0, 2.0, 0.0, -1.0)}
    step = gru_step(1.0, 1.0, scalar_gru(params))  # r = z = 1/2; n = tanh(1 + ½(2 - 1)) = tanh(1.5)
    tex = gru_step_tex(params, 1.0, 1.0, step)
    assert r"\tanh(1.500)" in tex and f"{math.tanh(1.5):.3f}" in tex
    assert step.h[0] == pytest.approx(0.5 * math.tanh(1.5) + 0.5)


def test_gate_figures_are_valid_and_carry_the_values():
    rng = np.random.default_rng(0)
    inside = {name: rng.uniform(0, 1, (5, 3)) for name in ("i", "f", "g", "o", "h")}
    inside["c"] = rng.normal(0, 3, (5, 3))
    fig = validated(gates_figure(inside, row_titles={k: k for k in inside}, x_labels=list("abCde"), mark_at=2,
                                 unit="u"))
    assert [t.name for t in fig.data] == ["i", "f", "g", "o", "c", "h"]
    np.testing.assert_allclose(np.asarray(fig.data[4].z), inside["c"].T)
    assert fig.data[4].coloraxis == "coloraxis3"  # the cell state on its own scale
    assert fig.layout.coloraxis3.cmax == pytest.approx(np.abs(inside["c"]).max())
    assert (fig.layout.shapes[0].x0, fig.layout.shapes[0].x1) == (2.5, 3.5)  # the third letter, C
    fig = validated(gate_values_figure([("i", 0.25, "#000"), ("c", -1.5, "#111")], title="t"))
    assert list(fig.data[0].x) == [0.25, -1.5]
    fig = validated(answer_figure(np.full(8, 0.125), "abcdefgh", 3, title="t"))
    assert fig.data[0].marker.color[3] != fig.data[0].marker.color[0]
    fig = validated(accuracy_figure({"A": ([20, 40], [0.2, 0.96]), "B": ([20], [0.1])}, solved={"A": 40, "B": None},
                                    goal=0.95, chance=0.125, title=None, x_title="x", y_title="y", goal_name="g",
                                    chance_name="c"))
    stars = [t for t in fig.data if t.mode == "markers"]
    assert len(stars) == 1 and list(stars[0].x) == [40] and stars[0].xaxis == "x"
    assert {t.xaxis for t in fig.data} == {"x", "x2"} and fig.layout.xaxis2.matches == "x"
