"""The tiny-MLP engine against PyTorch as the oracle: hand-written gradients vs autograd, flat optimizers vs torch.optim."""
import pytest
import torch
from torch import nn

from core.tinymlp import ACTIVATIONS, FlatOptimizer, TinyMLP, activate, activation_slope

F64 = dict(dtype=torch.float64)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_each_slope_written_with_the_output_equals_autograds_derivative(name):
    z = torch.linspace(-3, 3, 13, **F64).requires_grad_(True)
    y = activate(z, name)
    upstream = torch.linspace(-1, 2, 13, **F64)
    (dz,) = torch.autograd.grad((y * upstream).sum(), z)
    assert torch.allclose(activation_slope(y.detach(), name) * upstream, dz, atol=1e-12)
    assert torch.allclose(ACTIVATIONS[name].backward(upstream, y.detach()), dz, atol=1e-12)


@pytest.mark.parametrize("hidden,out", [("tanh", None), ("relu", "sigmoid"), ("leaky_relu", "tanh"),
                                        ("sigmoid", "linear")])
def test_backward_fills_the_same_gradients_as_autograd(hidden, out):
    net = TinyMLP((3, 5, 4, 2), hidden, out, generator=torch.Generator().manual_seed(0), **F64)
    x = torch.randn(6, 3, generator=torch.Generator().manual_seed(1), **F64)
    upstream = torch.randn(6, 2, generator=torch.Generator().manual_seed(2), **F64)
    y = net.forward(x)
    dx = net.backward(upstream, input_grad=True)
    flat = net.flat.clone().requires_grad_(True)
    xr = x.clone().requires_grad_(True)
    grad_flat, grad_x = torch.autograd.grad((net.functional(flat, xr) * upstream).sum(), (flat, xr))
    assert torch.allclose(y, net.functional(net.flat, x))
    assert torch.allclose(net.grad, grad_flat, atol=1e-12)
    assert torch.allclose(dx, grad_x, atol=1e-12)


def test_views_share_storage_with_the_flat_tensor_and_inits_follow_their_recipes():
    torch_like = TinyMLP((4, 3), "tanh", generator=torch.Generator().manual_seed(0))
    tf_like = TinyMLP((4, 3), "tanh", generator=torch.Generator().manual_seed(0), init="tf_playground")
    assert torch_like.weights[0].abs().max() <= 0.5 and torch_like.biases[0].abs().max() <= 0.5  # 1/√4
    assert torch.equal(tf_like.biases[0], torch.full((3,), 0.1)) and tf_like.weights[0].abs().max() <= 0.5
    tf_like.flat.zero_()
    assert tf_like.weights[0].abs().sum() == 0 and tf_like.biases[0].abs().sum() == 0


@pytest.mark.parametrize("kind,betas", [("sgd", None), ("momentum", None), ("adam", (0.9, 0.999)),
                                        ("adam", (0.5, 0.999))])
def test_flat_optimizers_take_the_steps_of_torch_optim(kind, betas):
    g = torch.Generator().manual_seed(10)
    ours = torch.randn(20, generator=g, **F64)
    theirs = nn.Parameter(ours.clone())
    opt = FlatOptimizer(ours, kind, 0.01, **({"betas": betas} if betas else {}))
    ref = {"sgd": lambda: torch.optim.SGD([theirs], lr=0.01),
           "momentum": lambda: torch.optim.SGD([theirs], lr=0.01, momentum=0.9),
           "adam": lambda: torch.optim.Adam([theirs], lr=0.01, betas=betas)}[kind]()
    for step in range(7):
        if step == 4:  # a live learning-rate change applies from the next step on
            opt.lr = 0.02
            for group in ref.param_groups:
                group["lr"] = 0.02
        grad = torch.randn(20, generator=g, **F64)
        opt.step(grad)
        theirs.grad = grad.clone()
        ref.step()
    assert torch.allclose(ours, theirs.detach(), atol=1e-12)


def test_an_unknown_optimizer_is_refused():
    with pytest.raises(ValueError):
        FlatOptimizer(torch.zeros(3), "lbfgs", 0.1)
