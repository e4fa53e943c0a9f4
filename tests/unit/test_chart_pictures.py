"""The live chart pictures: tick choice by hand, and lines and points land on the pixels the axes promise."""
import math

import numpy as np
import pytest

from ui.figures.chart_pictures import (NAMED_COLORS, Series, bar_chart_image, color_name, line_chart_image,
                                       markdown_legend, nice_ticks, rgb, scatter_image, tick_label)
from ui.figures.common import PALETTE


@pytest.mark.parametrize("low, high, expected", [
    (0.0, 1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),  # 1 / 5 = 0.2: step 0.2
    (0.0, 300.0, [0.0, 100.0, 200.0, 300.0]),  # 60: step 100
    (-3.0, 7.0, [-2.0, 0.0, 2.0, 4.0, 6.0]),  # 2: step 2, from the first multiple of 2 ≥ −3
    (0.13, 0.71, [0.2, 0.4, 0.6]),  # 0.116: step 0.2
])
def test_nice_ticks_by_hand(low, high, expected):
    assert nice_ticks(low, high, 5) == pytest.approx(expected)


def test_tick_labels():
    assert [tick_label(v) for v in (0, 0.5, 2.0, 1500, 1e-5, 2e6)] == ["0", "0.5", "2", "1,500", "1e-5", "2e6"]


def test_a_flat_line_lands_on_its_tick_row_and_colour():
    """A line at y = 1 between the data's extremes 0 and 2 sits half-way down the plot area."""
    color = PALETTE[0]
    img = line_chart_image([Series([0.0, 2.0], "#000000", xs=[0, 10]), Series([1.0, 1.0], color, xs=[0, 10])],
                           width=300, height=200)
    assert img.shape == (200, 300, 3)
    rows = np.where((img == rgb(color)).all(-1).any(1))[0]
    # plot area rows 8 … 178 (top 8, bottom 22 px); y range 0 − 0.1 … 2 + 0.1 (5 % pad): y = 1 at its middle
    middle = 8 + (2.1 - 1.0) / 2.2 * 170
    assert abs(rows.mean() - middle) <= 1.5


def test_log_axis_skips_non_positive_and_non_finite_values():
    color = PALETTE[1]
    img = line_chart_image([Series([1e-3, 0.0, math.nan, 1e-1], color, markers=True)], log_y=True,
                           width=300, height=200)
    hit = (img == rgb(color)).all(-1)
    cols = np.where(hit.any(0))[0]
    rows = np.where(hit.any(1))[0]
    assert hit.any()
    # x spans 0 … 3: the markers of x = 0 and x = 3 are at the plot's left and right edges (52 and 290)
    assert cols.min() <= 52 + 3 and cols.max() >= 290 - 3
    # decades −3 … −1 fill the plot height: 1e-3 at the bottom row 178, 1e-1 at the top row 8
    assert rows.min() <= 8 + 3 and rows.max() >= 178 - 3


def test_target_line_and_empty_input():
    img = line_chart_image([Series([0.5, 0.6], PALETTE[0])], hlines=[(0.15, "#16a34a")], y_from_zero=True)
    assert (img == rgb("#16a34a")).all(-1).any()
    blank = line_chart_image([Series([], PALETTE[0])])
    assert blank.shape == (280, 520, 3) and (blank == 255).all(-1).mean() > 0.95


def test_scatter_points_and_arrows_land_where_the_extent_says():
    img = scatter_image([(np.array([[0.0, 0.0]]), PALETTE[0]), (np.array([[1.0, 1.0], [np.nan, 0]]), PALETTE[1])],
                        extent=2.0, size=200, arrows=[(np.array([[-1.0, -1.0]]), np.array([[-1.0, 1.0]]), PALETTE[2])])
    def centre(color):
        ys, xs = np.where((img == rgb(color)).all(-1))
        return xs.mean(), ys.mean()
    assert centre(PALETTE[0]) == pytest.approx((100, 100), abs=1.0)
    assert centre(PALETTE[1]) == pytest.approx((150, 50), abs=1.0)  # y up: +1 is above the middle
    x, _ = centre(PALETTE[2])
    assert x == pytest.approx(50, abs=1.0)


def test_legend_uses_the_theme_names_of_the_palette():
    assert color_name(PALETTE[1]) == "orange" and color_name("#123456") == "gray"
    text = markdown_legend([("Plain", NAMED_COLORS["gray"]), ("Residual", PALETTE[0])])
    assert text.startswith(":gray[━━] Plain") and ":blue[━━] Residual" in text


def test_theme_colours_match_the_palette():
    """`.streamlit/config.toml` sets Markdown's named colours to the palette, so the legend matches the lines."""
    import tomllib
    from pathlib import Path

    theme = tomllib.loads((Path(__file__).parents[2] / ".streamlit" / "config.toml").read_text())["theme"]
    for name, value in NAMED_COLORS.items():
        assert theme[f"{name}Color"].lower() == theme[f"{name}TextColor"].lower() == value.lower()


def test_fixed_y_range_and_category_labels():
    """BLEU 50 on a fixed 0…100 axis is half-way up; three categories sit at the thirds' middles."""
    color = PALETTE[0]
    img = line_chart_image([Series([50.0, 50.0, 50.0], color, markers=True)], y_range=(0, 100),
                           x_labels=["1-5", "6-10", "11-15"], width=352, height=200)
    hit = (img == rgb(color)).all(-1)
    rows, cols = np.where(hit)
    assert abs(rows.mean() - (8 + 170 / 2)) <= 1.5
    # plot area x 52 … 342 (290 px) for positions −0.5 … 2.5: the markers at 52 + 290·(0.5, 1.5, 2.5)/3
    for k in range(3):
        centre = 52 + 290 * (k + 0.5) / 3
        assert hit[:, int(centre) - 1:int(centre) + 2].any()


def test_a_single_evaluation_sits_in_the_middle_and_signs_survive_any_font():
    from ui.figures.chart_pictures import _drawable

    color = PALETTE[1]
    img = line_chart_image([Series([40.0], color, xs=[25])], y_range=(0, 100), width=352, height=200)
    cols = np.where((img == rgb(color)).all(-1).any(0))[0]
    assert abs(cols.mean() - (52 + 290 / 2)) <= 1.5
    assert _drawable("≤10 · −3") == "<=10 · -3"


def test_log_x_axis_places_decades_evenly():
    """x = 1, 10, 100 on a log axis: equally spaced, at the plot's left edge, middle and right edge."""
    color = PALETTE[0]
    img = line_chart_image([Series([1.0, 1.0, 1.0], color, xs=[1, 10, 100], markers=True),
                            Series([0.5, 2.0], "#000000", xs=[0, 50])], log_x=True, width=352, height=200)
    hit = (img == rgb(color)).all(-1)
    for centre in (52, 52 + 145, 342):
        assert hit[:, max(centre - 2, 0):centre + 3].any()


def test_plane_paths_and_crosses_land_on_their_coordinates():
    from ui.figures.chart_pictures import plane_image

    background = np.full((10, 10, 3), 255, dtype=np.uint8)
    img = plane_image(background, (-1.0, 1.0), (-1.0, 1.0), size=380,
                      paths=[(np.array([[-1.0, 0.5], [1.0, 0.5]]), PALETTE[0])], crosses=[(0.5, -0.5, PALETTE[2])])
    plot = 380 - 52 - 10  # 318 px square from (52, 8)
    rows = np.where((img == rgb(PALETTE[0])).all(-1).any(1))[0]
    assert abs(rows.mean() - (8 + 0.25 * plot)) <= 1.5  # y = 0.5 is a quarter down
    ys, xs = np.where((img == rgb(PALETTE[2])).all(-1))
    assert abs(xs.mean() - (52 + 0.75 * plot)) <= 1.5 and abs(ys.mean() - (8 + 0.75 * plot)) <= 1.5


def test_bars_rise_to_their_values_in_their_slots():
    """Bars 0 … 100 on a 0 … 100 axis: the bar of 50 reaches half-way up the plot area, in the second of 4 slots."""
    img = bar_chart_image([100.0, 50.0, 0.0, math.nan], [PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3]],
                          y_max=100.0, hlines=[(90.0, "#64748b")], width=252, height=230)
    # plot area: x 52 … 242 (4 slots of 47.5 px), y 8 … 208 (200 px)
    ys, xs = np.where((img == rgb(PALETTE[1])).all(-1))
    assert ys.min() == pytest.approx(8 + 100, abs=1) and ys.max() == pytest.approx(208, abs=1)
    assert xs.min() == pytest.approx(52 + 47.5 * 1.15, abs=1) and xs.max() == pytest.approx(52 + 47.5 * 1.85, abs=1)
    ys, _ = np.where((img == rgb(PALETTE[0])).all(-1))
    assert ys.min() == pytest.approx(8, abs=1)  # the full bar reaches the top
    assert not (img == rgb(PALETTE[2])).all(-1).any() and not (img == rgb(PALETTE[3])).all(-1).any()
    rows = np.where((img == rgb("#64748b")).all(-1).any(1))[0]
    assert rows.mean() == pytest.approx(8 + 0.1 * 200, abs=1)  # the target at 90


def test_live_png_draws_and_encodes_once_per_model_state():
    from core.trainer import Trainer
    from ui.figures.chart_pictures import live_png
    from ui.runner import Run

    class Counter(Trainer):
        def __init__(self):
            super().__init__(max_steps=10)

        def _advance(self, n):
            return {"loss": 1.0}

    run, drawn = Run(Counter(), config="c"), []
    build = lambda: (drawn.append(1), np.full((4, 4, 3), 255, dtype=np.uint8))[1]  # noqa: E731
    first = live_png(run, "p", build)
    assert first.startswith("data:image/png;base64,") and live_png(run, "p", build) == first and len(drawn) == 1
    run.trainer.step(1)
    live_png(run, "p", build)
    assert len(drawn) == 2  # a training step: drawn again
