"""Tabular temporal-difference control in NumPy: Q-learning, SARSA and Expected SARSA (Sutton & Barto, ch. 6).

All three nudge Q(s, a) towards a one-step target with step size α:

    Q(s, a) ← Q(s, a) + α [ target − Q(s, a) ]
    Q-learning (Watkins 1989):  target = r + γ max_a' Q(s', a')                 (off-policy: the greedy next move)
    SARSA (Rummery & Niranjan 1994): target = r + γ Q(s', a'), a' the move actually taken next (on-policy)
    Expected SARSA (van Seijen et al. 2009): target = r + γ Σ_a' π(a'|s') Q(s', a'), π the ε-greedy policy
A terminal s' contributes no future: target = r. A time-limit cut is not terminal, so it still bootstraps.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from core.rl.grids import GridWorld, make_world
from core.trainer import Trainer

ALGORITHMS = ("q_learning", "sarsa", "expected_sarsa")
MIN_EPSILON = 0.01  # a decaying ε stops here (unless it started lower)


def epsilon_greedy_probs(q_row: np.ndarray, epsilon: float) -> np.ndarray:
    """π(·|s) of the ε-greedy policy: ε spread evenly, 1 − ε shared by the greedy actions (ties split it)."""
    best = q_row == q_row.max()
    return epsilon / len(q_row) + (1 - epsilon) * best / best.sum()


def td_target(algorithm: str, q: np.ndarray, reward: float, next_state: int, next_action: int | None,
              terminated: bool, gamma: float, epsilon: float) -> tuple[float, float]:
    """(target, the bootstrapped next-state value used in it) for one transition."""
    if terminated:
        return float(reward), 0.0
    row = q[next_state]
    if algorithm == "q_learning":
        ahead = max(row.tolist())
    elif algorithm == "sarsa":
        ahead = float(row[next_action])
    else:
        ahead = float(epsilon_greedy_probs(row, epsilon) @ row)
    return float(reward) + gamma * ahead, ahead


@dataclass(frozen=True)
class Update:
    """One Q update, written out for the page's worked example."""

    state: int
    action: int
    reward: float
    next_state: int
    next_action: int | None
    terminated: bool
    old: float  # Q(s, a) before
    ahead: float  # max / chosen / expected Q(s', ·)
    target: float
    new: float  # Q(s, a) after


@dataclass(frozen=True)
class TabularConfig:
    """Everything that defines a tabular run (a change starts a fresh one)."""

    world: str = "cliff"
    maze: tuple[str, ...] = ()  # the drawn maze's rows (world "maze")
    algorithm: str = "q_learning"
    alpha: float = 0.5  # step size α
    gamma: float = 1.0  # discount γ
    epsilon: float = 0.1  # exploration ε at the first episode
    decay: float = 1.0  # ε is multiplied by this after every episode (1: fixed ε)
    seed: int = 42
    max_episodes: int = 3000


@dataclass
class Episode:
    """One episode's states (start included), actions, and undiscounted return."""

    states: list[int] = field(default_factory=list)
    actions: list[int] = field(default_factory=list)
    total: float = 0.0
    reached_end: bool = False  # ended in a terminal state (not cut by the step limit)


class TabularTrainer(Trainer):
    """One step = one training episode with ε-greedy exploration; Q is a (states × actions) NumPy table."""

    unit = "episode"
    watch = None  # returns are not a loss; only NaN/inf stop a run

    def __init__(self, config: TabularConfig, world: GridWorld | None = None):
        super().__init__(config.max_episodes)
        self.config = config
        self.world = world or make_world(config.world, config.maze)
        self.q = np.zeros((self.world.n_states, self.world.n_actions))
        self.rng = np.random.default_rng(config.seed)
        self.world.env.reset(seed=config.seed)  # seeds the env's own generator (slippery moves)
        self.returns: list[float] = []  # per episode, undiscounted
        self.lengths: list[int] = []
        self.last_episode = Episode()
        self.last_update: Update | None = None  # the latest update that bootstrapped (the interesting kind)
        self.optimal_value = float(self.world.optimal_q(config.gamma)[self.world.start].max())  # V*(start), discounted
        # the best undiscounted return (deterministic worlds; shown beside the greedy walk's)
        self.optimal_return = math.nan if self.world.slippery else float(self.world.optimal_q(1.0)[self.world.start].max())
        self.train_seconds = 0.0
        self.solved_episode: int | None = None  # first check at which the greedy policy was optimal
        self.solved_seconds: float | None = None

    @property
    def epsilon(self) -> float:
        """ε for the next episode."""
        cfg = self.config
        if cfg.decay >= 1:
            return cfg.epsilon
        return max(min(cfg.epsilon, MIN_EPSILON), cfg.epsilon * cfg.decay ** len(self.returns))

    def act(self, state: int, epsilon: float) -> int:
        """ε-greedy, ties among the greedy actions broken at random (so an all-zero table explores)."""
        if self.rng.random() < epsilon:
            return int(self.rng.integers(self.world.n_actions))
        row = self.q[state].tolist()  # a handful of numbers: plain Python beats NumPy's per-call overhead here
        top = max(row)
        best = [a for a, value in enumerate(row) if value == top]
        return best[0] if len(best) == 1 else best[int(self.rng.integers(len(best)))]

    def run_episode(self) -> Episode:
        cfg, env, q = self.config, self.world.env, self.q
        eps, alpha, gamma, algorithm = self.epsilon, cfg.alpha, cfg.gamma, cfg.algorithm
        state, _ = env.reset()
        episode = Episode(states=[state])
        action = self.act(state, eps)
        for _ in range(self.world.max_episode_steps):
            nxt, reward, terminated, _, _ = env.step(action)
            episode.actions.append(action)
            episode.states.append(nxt)
            episode.total += reward
            # SARSA needs the next action before its update; the others choose it from the updated table.
            next_action = self.act(nxt, eps) if algorithm == "sarsa" and not terminated else None
            target, ahead = td_target(algorithm, q, reward, nxt, next_action, terminated, gamma, eps)
            old = q[state, action]
            q[state, action] = old + alpha * (target - old)
            if not terminated:
                self.last_update = Update(state, action, float(reward), nxt, next_action, False, float(old), ahead,
                                          target, float(q[state, action]))
            if terminated:
                episode.reached_end = True
                break
            state = nxt
            action = next_action if next_action is not None else self.act(state, eps)
        return episode

    def _advance(self, n: int) -> dict[str, float]:
        started = time.perf_counter()
        chunk = []
        for _ in range(n):
            episode = self.run_episode()
            self.returns.append(episode.total)
            self.lengths.append(len(episode.actions))
            chunk.append(episode)
        self.last_episode = chunk[-1]
        greedy = self.greedy_value()
        self.train_seconds += time.perf_counter() - started
        if self.solved_episode is None and self.is_optimal(greedy):
            self.solved_episode, self.solved_seconds = len(self.returns), self.train_seconds
        return {"return": float(np.mean([e.total for e in chunk])),
                "length": float(np.mean([len(e.actions) for e in chunk])),
                "epsilon": self.epsilon, "greedy_value": greedy}

    # ----- reading the table -----
    def greedy_policy(self) -> np.ndarray:
        """The greedy action of every state (lowest index on ties: deterministic for drawing and checking)."""
        return self.q.argmax(axis=1)

    def state_values(self) -> np.ndarray:
        """max_a Q(s, a) per state."""
        return self.q.max(axis=1)

    def greedy_value(self) -> float:
        """The discounted value of the start state under the greedy policy: exact, from the transition table
        (deterministic worlds: the discounted return of the one greedy walk, cut at the episode step limit)."""
        policy, gamma = self.greedy_policy(), self.config.gamma
        if self.world.slippery:
            return float(self.world.policy_value(policy, gamma)[self.world.start])
        value, discount, state = 0.0, 1.0, self.world.start
        for _ in range(self.world.max_episode_steps):
            _, state, reward, terminated = self.world.env.P[state][int(policy[state])][0]
            value += discount * reward
            discount *= gamma
            if terminated:
                break
        return value

    def is_optimal(self, value: float) -> bool:
        best = self.optimal_value
        tolerance = 1e-6 * max(1.0, abs(best)) if not self.world.slippery else 0.01 * max(abs(best), 1e-3)
        return value >= best - tolerance

    def greedy_episode(self, seed: int = 0) -> Episode:
        """Play the greedy policy once, without learning, on the environment's transition table `P` (slippery
        worlds draw their slips from `seed`): the training environment and its random stream stay untouched."""
        rng, policy, table = np.random.default_rng(seed), self.greedy_policy(), self.world.env.P
        state = self.world.start
        episode = Episode(states=[state])
        for _ in range(self.world.max_episode_steps):
            action = int(policy[state])
            outcomes = table[state][action]
            pick = 0 if len(outcomes) == 1 else int(rng.choice(len(outcomes), p=[o[0] for o in outcomes]))
            _, state, reward, terminated = outcomes[pick]
            episode.actions.append(action)
            episode.states.append(int(state))
            episode.total += reward
            if terminated:
                episode.reached_end = True
                break
        return episode


def moving_average(values: list[float] | np.ndarray, window: int) -> np.ndarray:
    """Mean of the last `window` values at each point (fewer at the start)."""
    x = np.asarray(values, dtype=float)
    if not len(x):
        return x
    sums = np.cumsum(np.insert(x, 0, 0.0))
    idx = np.arange(1, len(x) + 1)
    lo = np.maximum(0, idx - window)
    return (sums[idx] - sums[lo]) / (idx - lo)
