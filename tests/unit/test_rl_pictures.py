"""The RL pages' live pictures: cells, arrows, paths, the cart and pole and the policy map land where they should."""
import math

import numpy as np
import pytest

from core.rl.grids import LAKE_MOVES
from ui.figures.chart_pictures import rgb
from ui.figures.common import PALETTE
from ui.figures.rl.gridworld import CELL_COLORS, PATH_COLOR, VALUE_SCALE
from ui.figures.rl.pictures import (blend, cart_image, episode_curves_image, grid_image, policy_map_image,
                                    value_rgb)
from ui.figures.rl.cartpole import CART_H, TRACK

CELLS = ("S.#", "..G")  # 2 × 3: start top left, a wall, the goal bottom right
CELL = 60


def lake_q(best: dict[int, int]) -> np.ndarray:
    """A Q table for CELLS (6 states × 4 lake moves) where state s prefers action best[s]; others tie at 0."""
    q = np.zeros((6, 4))
    for state, action in best.items():
        q[state, action] = 1.0 + state  # different values: a colour gradient
    return q


def no_action() -> np.ndarray:
    return np.array([ch in "#G" for ch in "".join(CELLS)])


def cell_box(img: np.ndarray, state: int, ncol: int = 3) -> np.ndarray:
    r, c = divmod(state, ncol)
    return img[r * CELL:(r + 1) * CELL - 1, c * CELL:(c + 1) * CELL - 1]


def test_value_colours_follow_the_scale_by_hand():
    assert np.allclose(value_rgb(np.array([0.0, 1.0])), [rgb(VALUE_SCALE[0][1]), rgb(VALUE_SCALE[-1][1])])
    halfway = (np.array(rgb(VALUE_SCALE[0][1])) + np.array(rgb(VALUE_SCALE[1][1]))) / 2  # level 0.25: between stops
    assert np.allclose(value_rgb(np.array([0.25])), halfway)
    assert np.allclose(blend("#000000", 0.25), [191.25] * 3)


def test_special_cells_and_values_take_their_colours_at_their_cells():
    img = grid_image(CELLS, lake_q({0: 2, 1: 1, 3: 2, 4: 2}), LAKE_MOVES, no_action(), cell=CELL)
    assert img.shape == (2 * CELL, 3 * CELL, 3)
    corner = (4, 4)  # a pixel near the cell's top-left corner: no letter, arrow or outline there
    goal, wall = cell_box(img, 5)[corner], cell_box(img, 2)[corner]
    assert np.abs(goal.astype(float) - blend(CELL_COLORS["G"], 0.35)).max() <= 1
    assert np.abs(wall.astype(float) - blend(CELL_COLORS["#"], 0.9)).max() <= 1
    # state 4 has the table's largest value (5): the deep end of the scale; state 5 (the goal) is not counted
    assert np.abs(cell_box(img, 4)[corner].astype(float) - rgb(VALUE_SCALE[-1][1])).max() <= 1
    assert (img[CELL - 1, :CELL - 1] == 255).all()  # the white gap under the first row's first cell


@pytest.mark.parametrize("action, axis, sign", [(0, 1, -1), (1, 0, 1), (2, 1, 1), (3, 0, -1)])  # ← ↓ → ↑
def test_an_arrow_points_along_its_move(action, axis, sign):
    """The arrow lies along the move's axis, centred across it, and its wide end (the head) is on the move's side."""
    img = grid_image(CELLS, lake_q({1: action}), LAKE_MOVES, no_action(), cell=CELL)
    box = cell_box(img, 1).astype(int)
    ink = np.argwhere(np.abs(box - box[4, 4]).sum(-1) > 60) - (CELL - 2) / 2  # offsets of the arrow's pixels
    along, across = ink[:, axis] * sign, ink[:, 1 - axis]
    assert np.ptp(along) > np.ptp(across) and abs(across.mean()) < 1
    head, tail = across[along > 3], across[along < -3]
    assert np.ptp(head) >= 2 * np.ptp(tail) + 2


def test_a_cell_without_preference_gets_a_dot_not_an_arrow():
    img = grid_image(CELLS, lake_q({}), LAKE_MOVES, no_action(), cell=CELL)
    box = cell_box(img, 1).astype(int)
    ink = np.argwhere(np.abs(box - box[4, 4]).sum(-1) > 60)
    assert 0 < len(ink) < 30 and np.abs(ink.mean(0) - (CELL - 2) / 2).max() < 1.5


def test_the_path_and_the_agent_are_drawn_through_the_cell_centres():
    img = grid_image(CELLS, lake_q({}), LAKE_MOVES, no_action(), path=[0, 3, 4], agent=4, cell=CELL)
    red = (img == rgb(PATH_COLOR)).all(-1)
    centre = (CELL - 1) // 2
    assert red[centre + 1:CELL + centre - 16, centre].all()  # down from state 0's centre towards state 3's
    assert red[CELL + centre, centre + 16:CELL + centre - 14].all()  # right from 3 (a rounded corner) to 4's disc
    assert red[CELL + centre, CELL + centre]  # the agent at state 4's centre
    assert not red[:, 2 * CELL:].any()  # nothing in the last column


@pytest.mark.parametrize("x, theta", [(0.0, 0.0), (1.0, 0.15), (-1.5, -0.2)])
def test_the_cart_sits_at_x_and_the_pole_leans_at_theta(x, theta):
    width = 560
    img = cart_image(np.array([x, 0.0, theta, 0.0]), width=width)
    scale = width / (2 * TRACK + 0.8)
    cart = np.argwhere((img == rgb("#334155")).all(-1))
    assert abs(cart[:, 1].mean() / scale - (TRACK + 0.4) - x) < 0.02
    pole = np.argwhere((img == rgb("#ca8a04")).all(-1))
    tip = pole[pole[:, 0].argmin()]  # the pole's top pixel
    hinge_row = (1.45 - CART_H) * scale
    hinge_col = (x + TRACK + 0.4) * scale
    measured = math.atan2(tip[1] - hinge_col, hinge_row - tip[0])
    assert abs(measured - theta) < 0.04


def test_a_push_arrow_points_the_way_of_the_push():
    left, right = (np.argwhere((cart_image(np.zeros(4), action=a) == rgb(PALETTE[0])).all(-1))[:, 1]
                   for a in (0, 1))
    centre = 520 / 2
    assert left.min() > centre and right.max() < centre  # pushing left comes from the right side of the cart
    # the heavy end of each arrow (its head) is the end nearer the cart
    assert left.mean() < (left.min() + left.max()) / 2 and right.mean() > (right.min() + right.max()) / 2


def test_the_policy_map_puts_high_angular_velocity_on_top_and_right_in_blue():
    thetas, omegas = np.linspace(-0.2, 0.2, 5), np.linspace(-2, 2, 5)
    p_right = (omegas[:, None] > 0) * np.ones((5, 5))  # push right exactly when θ̇ > 0
    img = policy_map_image(thetas, omegas, p_right, width=200, height=150).astype(int)
    top, bottom = img[10, 100], img[140 - 20, 100]  # inside the plot area: upper and lower parts
    assert np.abs(top - rgb("#2563eb")).max() <= 2 and np.abs(bottom - rgb("#f97316")).max() <= 2


def test_episode_curves_draw_the_average_bold_the_episodes_faint_and_the_threshold():
    returns = [10.0, 20.0, 30.0, 500.0]
    img = episode_curves_image(returns, np.array([10.0, 15.0, 20.0, 140.0]), PALETTE[0],
                               threshold=(475.0, PALETTE[2]), width=300, height=200)
    faint = tuple(int(round(v)) for v in blend(PALETTE[0], 0.35))
    for color in (rgb(PALETTE[0]), faint, rgb(PALETTE[2])):
        assert (img == color).all(-1).any(), color
    green_rows = np.where((img == rgb(PALETTE[2])).all(-1).any(1))[0]
    # y spans 10 … 500 with a 5 % pad: 475 lies 0.0918 of the way down the 170-pixel plot area from row 8
    assert abs(green_rows.mean() - (8 + (500 + 24.5 - 475) / (490 * 1.1) * 170)) <= 1.5
