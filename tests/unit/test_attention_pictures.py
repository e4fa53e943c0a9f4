"""The live alignment picture: each weight shaded in its own cell, in Plotly's Blues, gold links framed."""
import numpy as np

from ui.figures.attention.pictures import BLUES, GOLD, alignment_picture, drawable_token
from ui.figures.chart_pictures import rgb


def test_blues_ends_match_plotly():
    import plotly.colors

    assert [c for _, c in BLUES] == ["#%02x%02x%02x" % tuple(int(v) for v in s[4:-1].split(","))
                                     for s in plotly.colors.sequential.Blues]


def test_each_weight_lands_in_its_cell_and_gold_links_are_framed():
    """A 2 × 3 map, a one-hot row per output word: the cell holding the 1 is the darkest blue, the others white-ish;
    the gold link (1, 2) is framed in orange. Cells: the picture's right and bottom edges end 2 pixels after them."""
    alpha = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    img = alignment_picture(alpha, ["a", "b", "⟨eos⟩"], ["x", "⟨eos⟩"], gold=[(1, 2)], width=200)
    height, width = img.shape[:2]
    dark, pale = rgb(BLUES[-1][1]), rgb(BLUES[0][1])
    dark_mask = (img == dark).all(-1)
    ys, xs = np.nonzero(dark_mask)
    cols, rows = 3, 2
    cell = (width - 2 - xs.min()) // cols  # the first column's left edge is the leftmost dark pixel
    left, top = xs.min(), height - 2 - rows * cell
    assert cell >= 14
    def share(color, i, j):
        block = img[top + i * cell + 3: top + (i + 1) * cell - 3, left + j * cell + 3: left + (j + 1) * cell - 3]
        return (block == color).all(-1).mean()
    assert share(dark, 0, 0) > 0.5 and share(pale, 0, 1) > 0.5 and share(dark, 1, 2) > 0.3
    assert share(dark, 1, 0) == 0 and share(dark, 0, 2) == 0
    gold = np.nonzero((img == rgb(GOLD)).all(-1))
    assert gold[0].min() >= top + cell and gold[1].min() >= left + 2 * cell  # only around cell (1, 2)


def test_tokens_are_written_with_plain_brackets():
    assert drawable_token("⟨unk⟩") == "<unk>" and drawable_token("chat") == "chat"


def test_curve_pictures_take_the_size_of_their_column():
    from ui.figures.attention.attention import metric_curves_picture
    from ui.figures.common import PALETTE

    img = metric_curves_picture([([0, 1, 2], [0.0, 0.5, 1.0])], y_range=(0, 1.02), width=360, height=260)
    assert img.shape == (260, 360, 3)
    # y = 1 of 0 … 1.02 over plot rows 8 … 238: the last point's dot near the top
    assert abs(np.nonzero((img == rgb(PALETTE[0])).all(-1))[0].min() - (8 + 0.02 / 1.02 * 230)) <= 3
