"""Autoencoders on the digits: the VAE loss against its closed form, k-NN and PCA against scikit-learn, training."""
import dataclasses
import math

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA
from sklearn.neighbors import KNeighborsClassifier

from core.generative.autoencoder import (KNN_TARGET, AutoencoderConfig, AutoencoderTrainer, interpolate_codes,
                              kl_to_standard_normal, knn_accuracy, latent_box, pca_fit, pca_project,
                              reconstruction_error)
from core.digits import digit_split


@pytest.fixture(scope="module")
def split():
    return digit_split(seed=42)


def test_kl_matches_torch_distributions_and_hand_values():
    g = torch.Generator().manual_seed(0)
    mu, logvar = (torch.randn(50, 2, generator=g, dtype=torch.float64) for _ in range(2))
    q = torch.distributions.Normal(mu, (0.5 * logvar).exp())
    p = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
    expected = torch.distributions.kl_divergence(q, p).sum(dim=1)
    assert torch.allclose(kl_to_standard_normal(mu, logvar), expected, atol=1e-12)
    # by hand: q = N(0, 1) is the prior itself -> 0; a mean of (1, 0) with unit variance -> ½·1² = 0.5
    assert kl_to_standard_normal(torch.zeros(1, 2), torch.zeros(1, 2)).item() == 0.0
    assert kl_to_standard_normal(torch.tensor([[1.0, 0.0]]), torch.zeros(1, 2)).item() == pytest.approx(0.5)
    # variance e² in one dimension: -½(1 + 2 - e²) = (e² - 3)/2
    value = kl_to_standard_normal(torch.zeros(1, 2), torch.tensor([[2.0, 0.0]])).item()
    assert value == pytest.approx((math.e ** 2 - 3) / 2)


def test_kl_closed_form_agrees_with_monte_carlo():
    mu, logvar = torch.tensor([[0.7, -1.2]]), torch.tensor([[-0.5, 0.3]])
    std = (0.5 * logvar).exp()
    z = mu + std * torch.randn(400_000, 2, generator=torch.Generator().manual_seed(1))
    log_q = torch.distributions.Normal(mu, std).log_prob(z).sum(dim=1)
    log_p = torch.distributions.Normal(0.0, 1.0).log_prob(z).sum(dim=1)
    assert (log_q - log_p).mean().item() == pytest.approx(kl_to_standard_normal(mu, logvar).item(), abs=0.01)


def test_reconstruction_error_is_the_summed_pixel_cross_entropy():
    g = torch.Generator().manual_seed(2)
    logits = torch.randn(4, 64, generator=g, dtype=torch.float64)
    target = torch.rand(4, 64, generator=g, dtype=torch.float64)
    p = 1 / (1 + np.exp(-logits.numpy()))
    expected = -(target.numpy() * np.log(p) + (1 - target.numpy()) * np.log(1 - p)).sum(axis=1)
    assert np.allclose(reconstruction_error(logits, target).numpy(), expected)


def test_vae_loss_terms_follow_the_formula(split):
    tr = AutoencoderTrainer(AutoencoderConfig(kind="vae", beta=2.0), split)
    x = tr.x_train[:16]
    state = tr.rng.get_state()
    recon, kl = tr.loss_terms(x)
    eps = torch.randn(16, 2, generator=torch.Generator().set_state(state))
    with torch.no_grad():
        mu, logvar = tr.model.encode(x)
        z = mu + (0.5 * logvar).exp() * eps
        expected_recon = reconstruction_error(tr.model.decode_logits(z), x)
    assert torch.allclose(recon.detach(), expected_recon, atol=1e-5)
    assert torch.allclose(kl.detach(), kl_to_standard_normal(mu, logvar), atol=1e-6)


def test_denoising_sees_noise_but_is_scored_on_clean_pixels(split):
    tr = AutoencoderTrainer(AutoencoderConfig(kind="dae", noise=0.5), split)
    x = tr.x_train[:8]
    state = tr.rng.get_state()
    recon, kl = tr.loss_terms(x)
    noisy = x + 0.5 * torch.randn(x.shape, generator=torch.Generator().set_state(state))
    with torch.no_grad():
        expected = reconstruction_error(tr.model.decode_logits(tr.model.encode(noisy)[0]), x)
    assert torch.allclose(recon.detach(), expected, atol=1e-5) and kl.abs().sum() == 0
    assert torch.equal(tr.noisy(x), tr.noisy(x))  # the page's picture of the noise is steady


def test_knn_matches_scikit_learn():
    g = torch.Generator().manual_seed(3)
    train, test = torch.randn(300, 2, generator=g), torch.randn(120, 2, generator=g)
    y_train = (train[:, 0] > 0).long() + 2 * (train[:, 1] > 0.3).long()
    y_test = (test[:, 0] > 0).long() + 2 * (test[:, 1] > 0.3).long()
    sk = KNeighborsClassifier(n_neighbors=5).fit(train.numpy(), y_train.numpy())
    assert knn_accuracy(train, y_train, test, y_test) == pytest.approx(sk.score(test.numpy(), y_test.numpy()))


def test_pca_matches_scikit_learn(split):
    mean, components = pca_fit(split.x_train)
    ours = pca_project(split.x_test, mean, components).numpy()
    sk = PCA(n_components=2).fit(split.x_train.reshape(len(split.x_train), -1).numpy())
    theirs = sk.transform(split.x_test.reshape(len(split.x_test), -1).numpy())
    for j in range(2):  # a component's sign is arbitrary
        assert np.allclose(np.abs(ours[:, j]), np.abs(theirs[:, j]), atol=1e-4)


def test_default_autoencoder_reaches_the_knn_target(split):
    """The page's target on its defaults, by epochs (the wall-clock time is measured in benchmarks/)."""
    tr = AutoencoderTrainer(AutoencoderConfig(), split)
    while tr.target_epoch is None and tr.steps_done < 100:
        tr.step(10)
    assert tr.target_epoch is not None, tr.latest()
    assert tr.latest()["knn"] >= KNN_TARGET and tr.target_seconds > 0


def test_vae_trains_and_reports_both_terms(split):
    tr = AutoencoderTrainer(AutoencoderConfig(kind="vae"), split)
    first = tr.step(1)
    for _ in range(4):
        last = tr.step(3)
    assert {"loss", "recon", "kl", "knn"} <= set(last)
    assert last["loss"] == pytest.approx(last["recon"] + last["kl"], rel=1e-5)
    assert last["recon"] < first["recon"]


def test_decode_shapes_box_and_interpolation(split):
    tr = AutoencoderTrainer(dataclasses.replace(AutoencoderConfig(), seed=1), split)
    tr.step(2)
    codes = tr.codes(split.x_test)
    assert codes.shape == (len(split.x_test), 2)
    images = tr.decode(codes[:5])
    assert images.shape == (5, 8, 8) and images.min() >= 0 and images.max() <= 1
    lo1, hi1, lo2, hi2 = latent_box(codes)
    inside = ((codes[:, 0] >= lo1) & (codes[:, 0] <= hi1) & (codes[:, 1] >= lo2) & (codes[:, 1] <= hi2)).float().mean()
    assert inside >= 0.97
    path = interpolate_codes(codes[0], codes[1], 9)
    assert torch.equal(path[0], codes[0]) and torch.allclose(path[-1], codes[1]) and path.shape == (9, 2)
    assert torch.allclose(path[4], (codes[0] + codes[1]) / 2)


def test_model_file_round_trip(split):
    a = AutoencoderTrainer(AutoencoderConfig(seed=1), split)
    b = AutoencoderTrainer(AutoencoderConfig(seed=2), split)
    a.step(1)
    b.load_model_tensors(a.model_tensors())
    assert torch.equal(a.codes(split.x_test), b.codes(split.x_test))


@pytest.mark.parametrize("kind", ["ae", "vae"])
def test_a_loaded_model_is_measured_at_once(split, kind):
    """resume() records the loaded model's losses on the training digits and its k-NN score, without a step and
    without drawing from the run's own noise stream; checked against torch's own BCE and the KL's closed form."""
    a = AutoencoderTrainer(AutoencoderConfig(kind=kind, seed=1), split)
    a.step(3)
    b = AutoencoderTrainer(AutoencoderConfig(kind=kind, seed=2), split)
    stream = b.rng.get_state()
    b.resume(a.model_tensors(), a.steps_done)
    measured = b.latest()
    assert b.history["step"] == [3] and torch.equal(b.rng.get_state(), stream)
    x = b.x_train
    with torch.no_grad():
        mu, logvar = b.model.encode(x)
        kl = 0.5 * (mu ** 2 + logvar.exp() - 1 - logvar).sum(dim=1).mean() if kind == "vae" else torch.tensor(0.0)
        recon_of_mean = torch.nn.BCEWithLogitsLoss(reduction="sum")(b.model.decode_logits(mu), x) / len(x)
    assert measured["knn"] == pytest.approx(a.knn_score())
    if kind == "ae":
        assert measured["recon"] == pytest.approx(float(recon_of_mean), rel=1e-5)
        assert measured["loss"] == measured["recon"]
    else:  # the reconstruction of a sampled code: near the mean's, and the loss adds β·KL
        assert measured["kl"] == pytest.approx(float(kl), rel=1e-5)
        assert measured["recon"] == pytest.approx(float(recon_of_mean), rel=0.25)
        assert measured["loss"] == pytest.approx(measured["recon"] + b.config.beta * measured["kl"], rel=1e-6)
