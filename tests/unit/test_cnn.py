"""The LeNet-style digit CNN: shapes, reaching 97 % test accuracy by step count, metrics against references,
and drawings turned into 8×8 digits the model reads correctly."""
import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw
from scipy import signal
from sklearn.metrics import confusion_matrix

from core.vision.cnn import (STAGES, TARGET_ACCURACY, TEST_DIGITS, CNNConfig, CNNTrainer, DigitCNN, drawing_to_digit,
                      stroke_thickness)
from core.vision.images import resize


@pytest.fixture(scope="module")
def trained():
    trainer = CNNTrainer(CNNConfig(seed=0), max_steps=800)
    while trainer.reached is None and not trainer.done:
        trainer.step(25)
    return trainer


def test_defaults_reach_the_target_within_a_few_hundred_steps(trained):
    assert trained.reached is not None, trained.history["test_acc"][-1]
    step, seconds = trained.reached
    assert step <= 800 and seconds > 0
    assert trained.history["test_acc"][-1] >= TARGET_ACCURACY
    assert trained.history["loss"][-1] < trained.history["loss"][0]


@pytest.mark.parametrize("kernel", [3, 5, 7])
def test_every_stage_has_the_lenet_shapes(kernel):
    model = DigitCNN(CNNConfig(c1=4, c2=6, kernel=kernel))
    maps = model.stages(torch.zeros(2, 1, 8, 8))
    assert [tuple(maps[s].shape[1:]) for s in STAGES] == [(1, 8, 8), (4, 8, 8), (4, 4, 4), (6, 4, 4), (6, 2, 2)]
    assert maps["logits"].shape == (2, 10)


def test_first_layer_is_a_cross_correlation_like_scipys(trained):
    image, _ = trained.test_image(3)
    maps = trained.feature_maps(image)
    kernel = trained.first_layer_filters()[0]
    bias = float(trained.model.conv1.bias.detach()[0])
    expected = signal.correlate2d(np.pad(image, 1), kernel, mode="valid") + bias
    np.testing.assert_allclose(maps["conv1"][0], np.maximum(expected, 0), atol=1e-5)  # ReLU
    np.testing.assert_allclose(maps["pool1"][0], maps["conv1"][0].reshape(4, 2, 4, 2).max(axis=(1, 3)), atol=1e-6)
    assert maps["probs"].sum() == pytest.approx(1, abs=1e-5)


def test_confusion_matrix_and_accuracy_agree_with_sklearn(trained):
    probs = trained.predict_proba(trained.data.x_test.cpu().numpy()[:, 0])
    predicted, truth = probs.argmax(1), trained.data.y_test.cpu().numpy()
    np.testing.assert_array_equal(trained.confusion(), confusion_matrix(truth, predicted, labels=range(10)))
    assert np.trace(trained.confusion()) / len(truth) == pytest.approx(trained.evaluate()["test_acc"])
    assert trained.first_layer_filters().shape == (8, 3, 3)
    assert len(truth) == TEST_DIGITS  # the page's test-digit slider covers exactly the test set
    fresh = CNNTrainer(CNNConfig(seed=0), max_steps=5)
    fresh.load_model_tensors(trained.model_tensors())  # weights from elsewhere: no stale predictions
    np.testing.assert_array_equal(fresh.confusion(), trained.confusion())


@pytest.mark.parametrize("cfg", [CNNConfig(optimizer="sgd", lr=0.1, activation="tanh", pool="avg", batch_size=32),
                                 CNNConfig(optimizer="momentum", lr=0.03, activation="sigmoid", batch_size="full"),
                                 CNNConfig(c1=2, c2=2, kernel=5, lr=0.003)])
def test_other_settings_train_and_runs_are_reproducible(cfg):
    a, b = CNNTrainer(cfg, max_steps=12), CNNTrainer(cfg, max_steps=12)
    a.step(12)
    b.step(5)
    b.step(7)
    assert a.history["test_loss"][-1] == pytest.approx(b.history["test_loss"][-1], rel=1e-5)  # chunking is invisible
    assert a.history["test_loss"][-1] < np.log(10) + 0.05  # moved from (or stayed near) chance level
    assert a.done and a.steps_done == 12


def embed(digit: np.ndarray, scale: int, top: int, left: int, size: int = 200) -> np.ndarray:
    """An 8×8 digit enlarged and placed on a bigger blank canvas, as someone might draw it."""
    canvas = np.zeros((size, size), np.float32)
    big = resize(digit, 8 * scale, 8 * scale)
    canvas[top:top + 8 * scale, left:left + 8 * scale] = big
    return canvas


def test_drawings_become_digits_the_model_reads(trained):
    assert drawing_to_digit(np.zeros((50, 50))) is None
    bar = np.zeros((100, 100), np.float32)
    bar[10:90, 45:55] = 1.0
    digit = drawing_to_digit(bar)
    assert digit.shape == (8, 8) and digit[:, 3:5].mean() >= 0.4 and digit[:, :2].max() == 0
    rng = np.random.default_rng(0)
    images, labels = trained.data.x_test.cpu().numpy()[:60, 0], trained.data.y_test.cpu().numpy()[:60]
    drawn = [drawing_to_digit(embed(img, int(rng.integers(8, 20)), int(rng.integers(0, 30)),
                                    int(rng.integers(0, 30)))) for img in images]
    accuracy = (trained.predict_proba(np.stack(drawn)).argmax(1) == labels).mean()
    assert accuracy >= 0.85


def seven(pen: int) -> np.ndarray:
    """A "7" drawn with a round pen `pen` pixels wide on a 240×240 pad."""
    img = Image.new("L", (240, 240), 0)
    ImageDraw.Draw(img).line([(50, 40), (190, 40), (100, 210)], fill=255, width=pen, joint="curve")
    return np.asarray(img, np.float32) / 255


def test_thin_and_thick_pens_give_nearly_the_same_digit(trained):
    bar = np.zeros((200, 200), bool)
    bar[50:150, 95:105] = True
    assert stroke_thickness(bar) == pytest.approx(10, rel=0.15)  # a 10-pixel-wide bar
    thin, thick = drawing_to_digit(seven(4)), drawing_to_digit(seven(30))
    assert np.abs(thin - thick).mean() < 0.08  # strokes are widened to a quarter of the height
    assert thin[0].mean() > 0.5  # the top bar of the 7 fills the first row
    assert trained.predict_proba(np.stack([thin, thick])).argmax(1).tolist() == [7, 7]
