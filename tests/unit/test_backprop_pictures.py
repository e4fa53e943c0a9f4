"""The Backprop page's live loss picture: on log-log axes, step 0 left out, each point where its decade says."""
import numpy as np

from ui.figures.basics.backprop import LOSS_COLOR, loss_curve_picture
from ui.figures.chart_pictures import rgb


def test_loss_points_land_on_their_decades_and_step_zero_is_left_out():
    # step 0 (loss 5) cannot sit on a log axis: the axes span steps 10^0 … 10^2 and losses 10^-2 … 10^0
    img = loss_curve_picture([0, 1, 10, 100], [5.0, 1.0, 0.1, 0.01])
    assert img.shape == (260, 520, 3)
    hit = (img == rgb(LOSS_COLOR)).all(-1)
    # plot area: columns 52 … 510, rows 8 … 238; the line runs corner to corner through the middle point
    for x, y in ((52, 8), (281, 123), (510, 238)):
        assert hit[y - 2:y + 3, x - 2:x + 3].any(), (x, y)
    rows, cols = np.where(hit)
    assert rows.min() >= 8 - 3 and cols.min() >= 52 - 3  # nothing above the loss-1 row (step 0's loss 5 is out)
    assert not hit[8:60, 400:].any()  # the top right stays empty: the loss falls
