"""Discounted returns and advantages: the credit-assignment arithmetic of policy-gradient methods.

G_t = r_t + γ r_{t+1} + γ² r_{t+2} + …   (the discounted return from step t; an episode's end stops the sum)
GAE (Schulman et al. 2016): δ_t = r_t + γ V(s_{t+1}) − V(s_t),  A_t = δ_t + γλ A_{t+1};
λ = 1 gives G_t − V(s_t) (REINFORCE with a baseline, Williams 1992), λ = 0 the one-step TD error.
"""
from __future__ import annotations

import numpy as np


def discounted_returns(rewards: np.ndarray, gamma: float) -> np.ndarray:
    """G_t of one finished episode, computed backwards: G_t = r_t + γ G_{t+1}."""
    out = np.zeros(len(rewards))
    running = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * running
        out[t] = running
    return out


def gae(rewards: np.ndarray, values: np.ndarray, next_values: np.ndarray, terminated: np.ndarray,
        ended: np.ndarray, gamma: float, lam: float) -> np.ndarray:
    """Advantages A_t for rollouts of shape (T, N) from N environments that restart when an episode ends.

    `next_values[t]` is V of the state step t arrived in (before any restart); `terminated[t]` means that state
    was a failure, which has no future (value 0); `ended[t]` (failure or time limit) stops A_t from reaching into
    the next episode. A cut at the time limit still bootstraps from V of the state it reached.
    """
    steps = len(rewards)
    advantages = np.zeros_like(values)
    following = np.zeros(values.shape[1:], dtype=values.dtype)
    for t in range(steps - 1, -1, -1):
        delta = rewards[t] + gamma * (1.0 - terminated[t]) * next_values[t] - values[t]
        following = delta + gamma * lam * (1.0 - ended[t]) * following
        advantages[t] = following
    return advantages
