"""The race chart keeps every step on each path's line and caps only the markers drawn on it."""
import numpy as np

from ui.figures.basics.optimizers import MAX_MARKERS, race_figure


def test_paths_keep_every_step_and_cap_the_markers():
    xs = ys = np.linspace(-1, 1, 5)
    values = np.add.outer(ys ** 2, xs ** 2)
    path = np.stack([np.linspace(-1, 0, 201), np.linspace(1, 0, 201)], 1)
    fig = race_figure(xs, ys, values, {"sgd": path, "adam": path * 0.5}, {"sgd": "SGD", "adam": "Adam"},
                      (-1.0, 1.0), (0.0, 0.0), {"start": "start", "minimum": "minimum"}, title="race")
    racers = [trace for trace in fig.data if trace.name in ("SGD", "Adam")]
    assert [len(trace.x) for trace in racers] == [201, 201]  # the line goes through every step
    assert all(trace.marker.maxdisplayed == MAX_MARKERS for trace in racers)
    assert np.allclose(racers[1].x, path[:, 0] * 0.5)
