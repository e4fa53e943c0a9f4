"""The reinforcement-learning pages' figures: what each draws, and every property valid by plotly's full checks
(the builders skip them: `lean_figure`)."""
import math

import numpy as np
import pytest

from core.rl.grids import make_world
from core.rl.tabular import moving_average
from tests.unit.figure_checks import validated
from ui.figures.common import PALETTE, figure_csv
from ui.figures.rl.cartpole import cart_figure, policy_map_figure, returns_figure, value_figure
from ui.figures.common import thinned_index
from ui.figures.rl.curves import episode_curves_figure
from ui.figures.rl.gridworld import GREEDY_COLOR, PATH_COLOR, grid_figure

GRID_NAMES = {"value": "value", "path": "path", "greedy": "greedy", "agent": "agent", "state": "state"}
CURVE_NAMES = {"each": "each", "average": "average", "x": "episode", "solved": "solved"}


def test_grid_shows_values_greedy_arrows_and_the_path():
    world = make_world("maze", ("S.G", "..."))
    q = np.zeros((world.n_states, world.n_actions))
    right, down = world.moves.index((0, 1)), world.moves.index((1, 0))
    q[0, right] = 2.0  # S prefers →
    q[3, down] = -1.0  # bottom-left: ↓ looks worst, the others tie: an arrow, not ↓
    fig = validated(grid_figure(world.cells, q, world.moves, world.no_action_cells(), [0, 1, 4], GRID_NAMES,
                                greedy=[0, 1, 2], agent=1))
    heat, marks, greedy, path, agent = fig.data
    z = np.asarray(heat.z, dtype=float)
    assert z.shape == (2, 3) and z[0, 0] == 2.0 and np.isnan(z[0, 2])  # the goal never acts: no value
    assert (heat.zmin, heat.zmax) == (0.0, 2.0)
    text = dict(zip(zip(marks.x, marks.y), marks.text))
    assert text[(0, 0)] == "S →" and text[(2, 0)] == "G" and text[(1, 0)] == "·"  # untouched cell: a dot
    assert text[(0, 1)] in "←→↑"
    assert "Q(s,→) = 2.000" in heat.text[0][0]
    assert list(greedy.x) == [0, 1, 2] and list(greedy.y) == [0, 0, 0] and greedy.line.color == GREEDY_COLOR
    assert list(path.x) == [0, 1, 1] and list(path.y) == [0, 0, 1] and path.line.color == PATH_COLOR
    assert (agent.x[0], agent.y[0]) == (1, 0)
    assert fig.layout.yaxis.range == (1.5, -0.5)  # row 0 on top


def test_thinning_keeps_the_last_episode_and_few_points():
    assert thinned_index(5).tolist() == [0, 1, 2, 3, 4]
    idx = thinned_index(1000, limit=300)
    assert idx[0] == 0 and idx[-1] == 999 and len(idx) <= 301 and np.all(np.diff(idx) > 0)


def test_episode_curves_plot_each_value_at_its_own_episode_number():
    values = [float(v) for v in np.random.default_rng(0).normal(size=1500)]
    average = moving_average(values, 20)
    fig = validated(episode_curves_figure(values, average, CURVE_NAMES, title="returns", color=PALETTE[1]))
    each, mean = fig.data
    assert each.x[-1] == 1500 and len(each.x) <= 601  # thinned, the latest episode kept
    for x, y, m in zip(each.x, each.y, mean.y):  # the value drawn at episode x is episode x's
        assert y == values[x - 1] and m == pytest.approx(average[x - 1])
    assert each.line.color == PALETTE[1] and fig.layout.xaxis.title.text == "episode"


def test_returns_show_the_solved_line():
    returns = [10.0, 20.0, 500.0]
    fig = validated(returns_figure(returns, moving_average(returns, 100), 475.0, CURVE_NAMES, title="returns"))
    (line,), (label,) = fig.layout.shapes, fig.layout.annotations
    assert (line.y0, line.y1, line.xref) == (475.0, 475.0, "x domain") and label.text == "solved"
    assert fig.layout.yaxis.range == (0, 520)
    assert "500" in figure_csv(fig)


@pytest.mark.parametrize("action, side", [(None, 0), (0, -1), (1, 1)])
def test_cart_draws_the_pole_at_its_angle_and_the_push(action, side):
    theta = 0.3
    fig = validated(cart_figure(np.array([0.5, 0.0, theta, 0.0]), "cart", action=action))
    pole = fig.layout.shapes[4]
    assert pole.x1 - pole.x0 == pytest.approx(math.sin(theta)) and pole.y1 - pole.y0 == pytest.approx(math.cos(theta))
    if action is None:
        assert not fig.data
    else:  # the arrow starts on the far side of the cart and points along the push
        (arrow,) = fig.data
        assert np.sign(arrow.x[1] - arrow.x[0]) == side


def test_policy_map_and_values():
    thetas, omegas = np.linspace(-0.2, 0.2, 5), np.linspace(-2, 2, 3)
    p = np.linspace(0, 1, 15).reshape(3, 5)
    fig = validated(policy_map_figure(thetas, omegas, p, {"prob": "P", "path": "path", "x": "θ", "y": "θ̇"},
                                      title="map", path=np.array([[0.1, 0.5], [0.0, 0.2]])))
    heat, path = fig.data
    assert heat.x[-1] == pytest.approx(math.degrees(0.2)) and path.x[0] == pytest.approx(math.degrees(0.1))
    assert fig.layout.xaxis.range[1] == pytest.approx(math.degrees(0.2))
    fig = validated(value_figure(np.array([1.0, 2.0, 3.0], dtype=np.float32), np.array([3.0, 2.0, 1.0]),
                                 {"value": "V", "return": "G", "x": "t"}, title="values", frame=1))
    (line,) = fig.layout.shapes
    assert (line.x0, line.x1, line.yref) == (1, 1, "y domain")
    assert list(fig.data[1].y) == [3.0, 2.0, 1.0]
