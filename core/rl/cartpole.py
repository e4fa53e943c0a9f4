"""CartPole-v1 (Barto, Sutton & Anderson 1983, as in Gymnasium) for many copies at once, in NumPy.

Gymnasium steps one copy per Python call; training steps 8 copies hundreds of thousands of times, so the
same equations are written here over a batch. tests/unit/test_rl_cartpole.py checks every step against
`gymnasium.make("CartPole-v1")` from the same state. Reward 1 per step (the failing step included), an episode
ends when |x| > 2.4 or |θ| > 12°, and is cut (truncated, not failed) after 500 steps.
"""
from __future__ import annotations

import math

import numpy as np

GRAVITY, CART_MASS, POLE_MASS, HALF_LENGTH, FORCE, TAU = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
TOTAL_MASS = CART_MASS + POLE_MASS
POLE_MASS_LENGTH = POLE_MASS * HALF_LENGTH
X_LIMIT = 2.4
THETA_LIMIT = 12 * 2 * math.pi / 360
MAX_STEPS = 500  # CartPole-v1's time limit
SOLVED_RETURN = 475.0  # v1 counts as solved at this mean return over 100 consecutive episodes
RESET_LOW, RESET_HIGH = -0.05, 0.05


def dynamics(state: np.ndarray, action: np.ndarray) -> np.ndarray:
    """One Euler step (τ = 0.02 s) of states (N, 4) = (x, ẋ, θ, θ̇) under actions (N,) in {0: push left, 1: right}."""
    x, x_dot, theta, theta_dot = state.T
    force = np.where(action == 1, FORCE, -FORCE)
    cos, sin = np.cos(theta), np.sin(theta)
    temp = (force + POLE_MASS_LENGTH * theta_dot**2 * sin) / TOTAL_MASS
    theta_acc = (GRAVITY * sin - cos * temp) / (HALF_LENGTH * (4.0 / 3.0 - POLE_MASS * cos**2 / TOTAL_MASS))
    x_acc = temp - POLE_MASS_LENGTH * theta_acc * cos / TOTAL_MASS
    return np.stack([x + TAU * x_dot, x_dot + TAU * x_acc, theta + TAU * theta_dot, theta_dot + TAU * theta_acc],
                    axis=1)


def failed(state: np.ndarray) -> np.ndarray:
    """(N,) True where the cart left the track or the pole leaned past 12°."""
    return (np.abs(state[:, 0]) > X_LIMIT) | (np.abs(state[:, 2]) > THETA_LIMIT)


class CartPoles:
    """N CartPole-v1 copies stepped together; a copy whose episode ended starts a new one at once."""

    def __init__(self, n: int, rng: np.random.Generator):
        self.n, self.rng = n, rng
        self.state = rng.uniform(RESET_LOW, RESET_HIGH, size=(n, 4))  # float64, as Gymnasium keeps it
        self.t = np.zeros(n, dtype=np.int64)
        self.finished_returns: list[float] = []  # every finished episode's return, in order of finishing

    def observe(self) -> np.ndarray:
        return self.state.astype(np.float32)

    def step(self, action: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(next observations — fresh starts where an episode ended —, rewards, terminated, truncated,
        final observations of this step, before any reset: what a value target bootstraps from)."""
        self.state = dynamics(self.state, action)
        self.t += 1
        terminated = failed(self.state)
        truncated = (self.t >= MAX_STEPS) & ~terminated
        final = self.observe()
        ended = terminated | truncated
        if ended.any():
            self.finished_returns.extend(self.t[ended].astype(float).tolist())
            self.state[ended] = self.rng.uniform(RESET_LOW, RESET_HIGH, size=(int(ended.sum()), 4))
            self.t[ended] = 0
        return self.observe(), np.ones(self.n, dtype=np.float32), terminated, truncated, final
