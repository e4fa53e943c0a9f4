"""The perceptron rule against a hand-worked run, Novikoff's mistake bound, and the XOR impossibility."""
import numpy as np
import pytest

from core.basics.perceptron import Points, accuracy, make_points, margin_bound, run_perceptron


def test_hand_worked_run():
    # w = 0 scores 0 on the first point: a mistake, so w = (2, 1) and b = 1; then
    # (-1, -2) scores -2 - 2 + 1 = -3 with y = -1: correct, and so is everything in pass 2.
    points = Points(np.array([[2.0, 1.0], [-1.0, -2.0]]), np.array([1.0, -1.0]))
    run = run_perceptron(points)
    np.testing.assert_array_equal(run.weights, [[0, 0, 0], [2, 1, 1]])
    assert run.culprits.tolist() == [0] and run.mistakes_per_epoch == [1, 0] and run.converged


def test_every_update_adds_the_misclassified_point():
    points = make_points("separable", 30, 0.05, seed=3)
    run = run_perceptron(points)
    xs = np.hstack([points.x, np.ones((30, 1))])
    for k, i in enumerate(run.culprits):
        before, after = run.weights[k], run.weights[k + 1]
        assert points.y[i] * (xs[i] @ before) <= 0
        np.testing.assert_allclose(after, before + points.y[i] * xs[i])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("gap", [0.0, 0.1, 0.3])
def test_separable_data_converge_within_novikoffs_bound(seed, gap):
    points = make_points("separable", 40, gap, seed)
    bound = margin_bound(points)
    run = run_perceptron(points, max_epochs=500)
    assert bound is not None and run.converged
    assert accuracy(points, run.weights[-1]) == 1.0
    assert len(run.culprits) <= bound.max_mistakes


def test_margin_bound_finds_the_widest_margin():
    """No direction among 200,000 random ones separates with a wider margin than the one found."""
    points = make_points("separable", 25, 0.2, seed=1)
    bound = margin_bound(points)
    xs = np.hstack([points.x, np.ones((25, 1))])
    margins = points.y[:, None] * (xs @ bound.separator[:, None]) / np.linalg.norm(bound.separator)
    assert margins.min() == pytest.approx(bound.margin)
    directions = np.random.default_rng(0).normal(size=(200_000, 3))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    best_random = (points.y[:, None] * (xs @ directions.T)).min(axis=0).max()
    assert best_random <= bound.margin + 1e-9
    assert bound.radius == pytest.approx(np.linalg.norm(xs, axis=1).max())


def test_learning_rate_only_scales_the_weights_from_zero():
    points = make_points("separable", 30, 0.1, seed=5)
    one, half = run_perceptron(points, lr=1.0), run_perceptron(points, lr=0.5)
    np.testing.assert_allclose(half.weights, 0.5 * one.weights)
    assert half.culprits.tolist() == one.culprits.tolist()


def test_xor_is_never_separated():
    points = make_points("xor", 40, 0.0, seed=2)
    assert margin_bound(points) is None
    run = run_perceptron(points, max_epochs=30)
    assert not run.converged and min(run.mistakes_per_epoch) > 0
    assert max(accuracy(points, w) for w in run.weights) <= 0.8  # at best three corners of four


def test_overlapping_classes_have_no_separator():
    points = Points(np.array([[0.0, 0.0], [1.0, 0.0], [0.5, 0.0]]), np.array([1.0, 1.0, -1.0]))
    assert margin_bound(points) is None


def test_points_are_reproducible_and_both_classes_present():
    a, b = make_points("separable", 12, 0.1, 9), make_points("separable", 12, 0.1, 9)
    np.testing.assert_array_equal(a.x, b.x)
    for seed in range(30):
        assert set(make_points("separable", 8, 0.4, seed).y) == {-1.0, 1.0}
