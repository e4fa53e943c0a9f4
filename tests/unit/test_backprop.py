"""The 2-2-2 network: hand-worked numbers of the worked example, and torch (nn.Linear + autograd + SGD) as oracle."""
import math

import numpy as np
import pytest
import torch

from core.basics.backprop import (ACTIVATIONS, LEAKY_SLOPE, PARAMS, BackpropConfig, BackpropTrainer, Example, Params,
                           autograd_gradients, backward, forward, update)

# Matt Mazur, "A Step by Step Backpropagation Example" (2015), printed to 9 digits.
WORKED = dict(net_h1=0.3775, out_h1=0.593269992, out_h2=0.596884378, out_o1=0.75136507, out_o2=0.772928465,
              E_o1=0.274811083, E_o2=0.023560026)
WORKED_AFTER = dict(w5=0.35891648, w6=0.408666186, w7=0.511301270, w8=0.561370121,
                    w1=0.149780716, w2=0.19956143, w3=0.24975114, w4=0.29950229)


def test_forward_pass_and_loss_match_the_worked_example():
    fw = forward(Params(), Example())
    for name, value in WORKED.items():
        assert getattr(fw, name) == pytest.approx(value, abs=5e-9), name
    assert fw.E == pytest.approx(0.298371109, abs=5e-9)


def test_chain_rule_factors_and_gradients_match_the_worked_example():
    p, x = Params(), Example()
    bw = backward(p, x, forward(p, x))
    assert bw.dE_dout_o1 == pytest.approx(0.74136507, abs=5e-9)
    assert bw.dout_dnet_o1 == pytest.approx(0.186815602, abs=5e-9)
    assert bw.delta_o1 == pytest.approx(0.138498562, abs=5e-9)
    assert bw.delta_o1 * p.w5 == pytest.approx(0.055399425, abs=5e-9)  # dE_o1/dout_h1
    assert bw.delta_o2 * p.w7 == pytest.approx(-0.019049119, abs=5e-9)  # dE_o2/dout_h1
    assert bw.dE_dout_h1 == pytest.approx(0.036350306, abs=5e-9)
    assert bw.dout_dnet_h1 == pytest.approx(0.241300709, abs=5e-9)
    assert bw.grads["w5"] == pytest.approx(0.082167041, abs=5e-9)
    assert bw.grads["w1"] == pytest.approx(0.000438568, abs=5e-9)


def test_one_update_gives_the_worked_example_weights_and_keeps_the_biases():
    p, x = Params(), Example()
    after = update(p, backward(p, x, forward(p, x)).grads, lr=0.5)
    for name, value in WORKED_AFTER.items():
        assert getattr(after, name) == pytest.approx(value, abs=5e-9), name
    assert (after.b1, after.b2) == (p.b1, p.b2)
    # E after the update, recomputed independently by torch below (the blog's 0.291027924 is a known misprint)
    assert forward(after, x).E == pytest.approx(0.291027774, abs=5e-9)


# ----- torch as the oracle: the same network built from nn.Linear, its autograd, and torch.optim.SGD -----

TORCH_ACT = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
             "leaky_relu": lambda v: torch.nn.functional.leaky_relu(v, LEAKY_SLOPE), "identity": lambda v: v}


class TorchNet(torch.nn.Module):
    def __init__(self, p: Params, act: str):
        super().__init__()
        self.hidden = torch.nn.Linear(2, 2, bias=False, dtype=torch.float64)
        self.out = torch.nn.Linear(2, 2, bias=False, dtype=torch.float64)
        with torch.no_grad():
            self.hidden.weight.copy_(torch.tensor([[p.w1, p.w2], [p.w3, p.w4]], dtype=torch.float64))
            self.out.weight.copy_(torch.tensor([[p.w5, p.w6], [p.w7, p.w8]], dtype=torch.float64))
        self.b1 = torch.nn.Parameter(torch.tensor(p.b1, dtype=torch.float64))  # one bias shared per layer
        self.b2 = torch.nn.Parameter(torch.tensor(p.b2, dtype=torch.float64))
        self.f = TORCH_ACT[act]

    def loss(self, x: Example) -> torch.Tensor:
        i = torch.tensor([x.i1, x.i2], dtype=torch.float64)
        t = torch.tensor([x.t1, x.t2], dtype=torch.float64)
        out = self.f(self.out(self.f(self.hidden(i) + self.b1)) + self.b2)
        return torch.nn.functional.mse_loss(out, t, reduction="sum") / 2

    def grads(self) -> dict[str, float]:
        gh, go = self.hidden.weight.grad.flatten().tolist(), self.out.weight.grad.flatten().tolist()
        return dict(zip(PARAMS, gh + go + [self.b1.grad.item(), self.b2.grad.item()]))

    def params(self) -> dict[str, float]:
        wh, wo = self.hidden.weight.flatten().tolist(), self.out.weight.flatten().tolist()
        return dict(zip(PARAMS, wh + wo + [self.b1.item(), self.b2.item()]))


def random_cases(n=4, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        values = rng.uniform(-1.5, 1.5, size=14)
        yield Params(*values[:10]), Example(*values[10:])


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_hand_gradients_equal_torch_autograd_for_every_activation(act):
    for p, x in [(Params(), Example()), *random_cases()]:
        net = TorchNet(p, act)
        net.loss(x).backward()
        reference = net.grads()
        hand = backward(p, x, forward(p, x, act), act).grads
        page_check = autograd_gradients(p, x, act)
        for name in PARAMS:
            assert hand[name] == pytest.approx(reference[name], rel=1e-12, abs=1e-15), (act, name)
            assert page_check[name] == pytest.approx(reference[name], rel=1e-12, abs=1e-15), (act, name)
        assert forward(p, x, act).E == pytest.approx(net.loss(x).item(), rel=1e-12)


@pytest.mark.parametrize("train_biases", [False, True])
@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
def test_trainer_steps_follow_torch_sgd(act, train_biases):
    cfg = BackpropConfig(act=act)
    trainer = BackpropTrainer(cfg, lr=0.5, train_biases=train_biases)
    trainer.step(3)
    trainer.step(27)
    trainer.lr = 0.2  # the page changes the learning rate live
    trainer.step(20)
    net = TorchNet(cfg.params, act)
    trainable = list(net.parameters()) if train_biases else [net.hidden.weight, net.out.weight]
    opt = torch.optim.SGD(trainable, lr=0.5)
    for step in range(50):
        if step == 30:
            opt.param_groups[0]["lr"] = 0.2
        opt.zero_grad()
        net.loss(cfg.example).backward()
        opt.step()
    reference = net.params()
    for name in PARAMS:
        assert getattr(trainer.params, name) == pytest.approx(reference[name], rel=1e-10), name
    assert trainer.latest()["loss"] == pytest.approx(net.loss(cfg.example).item(), rel=1e-10)


def test_ten_thousand_steps_come_close_to_the_worked_example():
    trainer = BackpropTrainer(BackpropConfig())
    trainer.step(10_000)
    # the blog reports 0.0000351085 and outputs 0.015912196 / 0.984065734 (its own run, printed rounded)
    assert trainer.latest()["loss"] == pytest.approx(0.0000351085, rel=1e-3)
    assert trainer.latest()["out_o1"] == pytest.approx(0.015912196, abs=1e-5)
    assert trainer.latest()["out_o2"] == pytest.approx(0.984065734, abs=1e-5)


def test_loss_curve_logs_every_early_step_then_log_spaced_points():
    trainer = BackpropTrainer(BackpropConfig())
    assert trainer.curve_steps == [0] and trainer.curve_loss[0] == pytest.approx(0.298371109, abs=5e-9)
    trainer.step(1)
    trainer.step(4_999)
    steps = trainer.curve_steps
    assert steps[:101] == list(range(101))
    assert steps[-1] == 5_000 and all(b > a for a, b in zip(steps, steps[1:]))
    assert len(steps) < 250
    losses = np.array(trainer.curve_loss)
    assert np.all(np.diff(losses) < 0)  # the default example's loss falls at every step


def test_an_exploding_run_stops_with_a_problem_instead_of_crashing():
    cfg = BackpropConfig(params=Params(*([3.0] * 10)), example=Example(5.0, 5.0, -9.0, 9.0), act="identity")
    trainer = BackpropTrainer(cfg, lr=10.0)
    for _ in range(20):
        trainer.step(50)
    assert trainer.problem in ("not_finite", "diverged")
    assert trainer.done


def test_stable_sigmoid_never_overflows():
    p = Params(*([10.0] * 10))
    fw = forward(p, Example(-10.0, -10.0, 0.0, 1.0), "sigmoid")
    assert all(math.isfinite(v) for v in (fw.out_h1, fw.out_h2, fw.out_o1, fw.out_o2, fw.E))
