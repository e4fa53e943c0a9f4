"""The bottleneck page's figures carry exactly the data they are given."""
from ui.figures.attention.bottleneck import length_counts_figure, score_by_length_figure


def test_score_by_length_has_one_line_per_model_in_bucket_order():
    fig = score_by_length_figure(["≤10", "11-17"], {"plain": [50.0, 10.0], "attention": [90.0, 88.0]},
                                 title="t", x_title="x", y_title="y")
    assert [tr.name for tr in fig.data] == ["plain", "attention"]
    assert list(fig.data[0].x) == ["≤10", "11-17"] and list(fig.data[1].y) == [90.0, 88.0]
    assert tuple(fig.layout.yaxis.range) == (-2, 102)


def test_length_counts_bars_and_bucket_borders():
    fig = length_counts_figure({7: 3, 6: 1, 12: 2}, (10,), title="t", x_title="x", y_title="y")
    assert list(fig.data[0].x) == [6, 7, 12] and list(fig.data[0].y) == [1, 3, 2]
    assert [shape.x0 for shape in fig.layout.shapes] == [10.5]
