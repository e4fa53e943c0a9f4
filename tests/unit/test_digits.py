"""The shipped digits: shapes, value range, a split that is stratified, disjoint and reproducible."""
import torch

from core.digits import digit_split, digits_arrays


def test_arrays_are_the_sklearn_digits_scaled_to_unit_range():
    images, labels = digits_arrays()
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    assert images.min() == 0.0 and images.max() == 1.0
    assert set(labels.tolist()) == set(range(10))


def test_split_is_disjoint_stratified_and_reproducible():
    a, b = digit_split(seed=3), digit_split(seed=3)
    assert torch.equal(a.x_test, b.x_test)
    assert a.x_train.shape[0] + a.x_test.shape[0] == 1797
    assert a.x_train.shape[1:] == (1, 8, 8)
    counts = torch.bincount(a.y_test, minlength=10)
    assert counts.min() >= 43 and counts.max() <= 46  # a quarter of each class (174-183 per class)
    assert not torch.equal(digit_split(seed=4).x_test, a.x_test)
