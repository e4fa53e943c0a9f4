"""Neural agents that learn to balance CartPole: PPO / A2C (learn the policy) and DQN (learn action values).

- PPO (Schulman et al. 2017): collect a rollout with the current policy π_θ, then take several minibatch steps on
  the clipped objective  E[min(ρ A, clip(ρ, 1−ε, 1+ε) A)],  ρ = π_θ(a|s) / π_old(a|s),  advantages A by GAE.
- A2C (Mnih et al. 2016, synchronous): the same rollout, ONE gradient step on it. At that first step ρ = 1, so the
  clipped objective's gradient is exactly the policy gradient E[A ∇ log π(a|s)] (Williams 1992, with a baseline).
- DQN (Mnih et al. 2015): Q_φ(s, a) regressed on y = r + γ (1 − done) max_a' Q_target(s', a'); transitions come
  from a replay buffer (breaks the correlation of consecutive steps) and Q_target is a copy refreshed now and then
  (the target does not move with every step). The policy is ε-greedy on Q.
Each trainer owns a torch.Generator (weights) and a NumPy generator (envs, actions, minibatches); nothing here
touches the global seed.
"""
from __future__ import annotations

import abc
import math
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from core.device import device
from core.rl.cartpole import MAX_STEPS, SOLVED_RETURN, CartPoles, dynamics, failed
from core.rl.returns import gae
from core.trainer import Trainer

ALGORITHMS = ("ppo", "a2c", "dqn")
SOLVED_WINDOW = 100  # consecutive episodes whose mean return must reach SOLVED_RETURN


@dataclass(frozen=True)
class CartPoleConfig:
    """Everything that defines a CartPole run (a change starts a fresh run)."""

    algorithm: str = "ppo"
    width: int = 64  # neurons per hidden layer (tanh)
    depth: int = 2  # hidden layers
    lr: float = 1e-3  # Adam's learning rate
    gamma: float = 0.99  # discount γ
    entropy: float = 0.0  # PPO/A2C: weight of the entropy bonus (keeps the policy exploring)
    explore_steps: int = 10_000  # DQN: ε falls linearly from 1 to EPS_FINAL over this many environment steps
    seed: int = 42
    max_iterations: int = 3000


def mlp(sizes: list[int], generator: torch.Generator, out_gain: float) -> nn.Sequential:
    """tanh MLP with orthogonal weights (gain √2 inside, `out_gain` at the output), zero biases."""
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.utils.skip_init(nn.Linear, fan_in, fan_out)  # no default init: it would draw from the global RNG
        last = i == len(sizes) - 2
        with torch.no_grad():
            nn.init.orthogonal_(linear.weight, out_gain if last else math.sqrt(2), generator=generator)
            linear.bias.zero_()
        layers += [linear] if last else [linear, nn.Tanh()]
    return nn.Sequential(*layers).to(device)


class CartPoleTrainer(Trainer, abc.ABC):
    """Shared by the agents: the environments, episode bookkeeping, the solved rule, what the page draws."""

    unit = "iteration"
    watch = None  # returns are not a loss; only NaN/inf stop a run
    n_envs = 8

    def __init__(self, config: CartPoleConfig):
        super().__init__(config.max_iterations)
        self.config = config
        self.rng = np.random.default_rng(config.seed)
        self.torch_rng = torch.Generator().manual_seed(config.seed)
        self.envs = CartPoles(self.n_envs, self.rng)
        self.obs = self.envs.observe()
        self.env_steps = 0
        self.episode_end_steps: list[int] = []  # env steps done when each episode finished
        self.train_seconds = 0.0
        self.solved: tuple[int, int, float] | None = None  # (episodes, env steps, seconds) when first solved

    @property
    def returns(self) -> list[float]:
        return self.envs.finished_returns

    def hidden(self) -> list[int]:
        return [self.config.width] * self.config.depth

    def _advance(self, n: int) -> dict[str, float]:
        started = time.perf_counter()
        losses = [self.iteration() for _ in range(n)]
        self.train_seconds += time.perf_counter() - started
        recent = self.returns[-SOLVED_WINDOW:]
        mean = float(np.mean(recent)) if recent else 0.0
        if self.solved is None and len(recent) == SOLVED_WINDOW and mean >= SOLVED_RETURN:
            self.solved = (len(self.returns), self.env_steps, self.train_seconds)
        return {"mean_return": mean, "episodes": float(len(self.returns)), "env_steps": float(self.env_steps),
                "loss": float(np.mean(losses))}

    def goal_reached(self) -> bool:
        return self.solved is not None

    def _env_step(self, actions: np.ndarray):
        before = len(self.returns)
        step = self.envs.step(actions)
        self.env_steps += self.n_envs
        self.episode_end_steps += [self.env_steps] * (len(self.returns) - before)
        self.obs = step[0]
        return step

    @abc.abstractmethod
    def iteration(self) -> float:
        """Collect experience and learn from it once; return the loss."""

    # ----- what the page draws -----
    @abc.abstractmethod
    def right_probability(self, obs: torch.Tensor) -> torch.Tensor:
        """(M,) probability that the agent's greedy-or-sampled policy pushes right in each state (M, 4)."""

    @abc.abstractmethod
    def state_value(self, obs: torch.Tensor) -> torch.Tensor:
        """(M,) the agent's estimate of the discounted return from each state."""

    @abc.abstractmethod
    def best_action(self, obs: torch.Tensor) -> torch.Tensor:
        """(M,) the action the agent thinks best (its policy without exploration)."""

    def greedy_episode(self, seed: int, max_steps: int = MAX_STEPS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One episode without exploration from a seeded start: states (T+1, 4), actions (T,), values (T+1,)."""
        start = np.random.default_rng(seed).uniform(-0.05, 0.05, size=(1, 4))
        states, actions = [start[0]], []
        state = start
        with torch.no_grad():
            for _ in range(max_steps):
                action = int(self.best_action(torch.as_tensor(state, dtype=torch.float32, device=device))[0])
                state = dynamics(state, np.array([action]))
                actions.append(action)
                states.append(state[0])
                if failed(state)[0]:
                    break
            all_states = np.array(states)
            values = self.state_value(torch.as_tensor(all_states, dtype=torch.float32, device=device)).cpu().numpy()
        return all_states, np.array(actions, dtype=np.int64), values


class PolicyGradientTrainer(CartPoleTrainer):
    """PPO, or A2C (one epoch, one batch): an actor π_θ(a|s) (2 logits) and a critic V(s), separate tanh MLPs."""

    clip = 0.2
    lam = 0.95  # GAE λ
    max_grad_norm = 0.5

    def __init__(self, config: CartPoleConfig):
        super().__init__(config)
        a2c = config.algorithm == "a2c"
        self.rollout_steps = 16 if a2c else 64  # steps per env per iteration
        self.epochs, self.minibatches = (1, 1) if a2c else (4, 4)
        self.actor = mlp([4, *self.hidden(), 2], self.torch_rng, 0.01)
        self.critic = mlp([4, *self.hidden(), 1], self.torch_rng, 1.0)
        params = [*self.actor.parameters(), *self.critic.parameters()]
        self.params = params
        self.optimizer = torch.optim.Adam(params, lr=config.lr, eps=1e-5)
        self.model = nn.ModuleDict({"actor": self.actor, "critic": self.critic})

    def iteration(self) -> float:
        cfg, steps, n = self.config, self.rollout_steps, self.n_envs
        obs = np.zeros((steps, n, 4), dtype=np.float32)
        finals = np.zeros((steps, n, 4), dtype=np.float32)
        actions = np.zeros((steps, n), dtype=np.int64)
        terminated = np.zeros((steps, n), dtype=np.float32)
        ended = np.zeros((steps, n), dtype=np.float32)
        with torch.no_grad():
            for t in range(steps):
                obs[t] = self.obs
                logits = self.actor(torch.from_numpy(self.obs).to(device))
                p_right = torch.softmax(logits, dim=1)[:, 1].cpu().numpy()
                actions[t] = self.rng.random(n) < p_right
                _, _, term, trunc, final = self._env_step(actions[t])
                finals[t], terminated[t], ended[t] = final, term, term | trunc
            flat_obs = torch.from_numpy(obs.reshape(-1, 4)).to(device)
            values = self.critic(flat_obs).view(steps, n).cpu().numpy()
            next_values = self.critic(torch.from_numpy(finals.reshape(-1, 4)).to(device)).view(steps, n).cpu().numpy()
            flat_actions = torch.from_numpy(actions.reshape(-1)).to(device)
            old_logp = torch.log_softmax(self.actor(flat_obs), dim=1).gather(1, flat_actions[:, None])[:, 0]
        rewards = np.ones((steps, n), dtype=np.float32)
        advantages = gae(rewards, values, next_values, terminated, ended, cfg.gamma, self.lam)
        targets = torch.from_numpy((advantages + values).reshape(-1)).to(device)
        advantages = torch.from_numpy(advantages.reshape(-1)).to(device)
        return self._learn(flat_obs, flat_actions, old_logp, advantages, targets)

    def _learn(self, obs, actions, old_logp, advantages, targets) -> float:
        total = len(obs)
        size = total // self.minibatches
        losses = []
        for _ in range(self.epochs):
            order = torch.from_numpy(self.rng.permutation(total)).to(device)
            for i in range(self.minibatches):
                idx = order[i * size:(i + 1) * size]
                losses.append(self._minibatch_step(obs[idx], actions[idx], old_logp[idx], advantages[idx],
                                                   targets[idx]))
        return float(np.mean(losses))

    def _minibatch_step(self, obs, actions, old_logp, advantages, targets) -> float:
        logp_all = torch.log_softmax(self.actor(obs), dim=1)
        logp = logp_all.gather(1, actions[:, None])[:, 0]
        entropy = -(logp_all.exp() * logp_all).sum(dim=1).mean()
        adv = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
        ratio = torch.exp(logp - old_logp)
        policy_loss = -torch.min(ratio * adv, ratio.clamp(1 - self.clip, 1 + self.clip) * adv).mean()
        value_loss = 0.5 * ((self.critic(obs)[:, 0] - targets) ** 2).mean()
        loss = policy_loss - self.config.entropy * entropy + 0.5 * value_loss
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(self.params, self.max_grad_norm)
        self.optimizer.step()
        return float(loss.detach())

    def right_probability(self, obs: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return torch.softmax(self.actor(obs), dim=1)[:, 1]

    def state_value(self, obs: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return self.critic(obs)[:, 0]

    def best_action(self, obs: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return self.actor(obs).argmax(dim=1)


EPS_FINAL = 0.05


def dqn_targets(rewards: torch.Tensor, next_q_target: torch.Tensor, terminated: torch.Tensor,
                gamma: float) -> torch.Tensor:
    """y = r + γ (1 − terminated) max_a' Q_target(s', a'): a failure has no future; a time-limit cut does."""
    return rewards + gamma * (1.0 - terminated) * next_q_target.max(dim=1).values


class ReplayBuffer:
    """The last `capacity` transitions (s, a, r, s', terminated) in a ring of NumPy arrays."""

    def __init__(self, capacity: int):
        self.obs = np.zeros((capacity, 4), dtype=np.float32)
        self.next_obs = np.zeros((capacity, 4), dtype=np.float32)
        self.actions = np.zeros(capacity, dtype=np.int64)
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.terminated = np.zeros(capacity, dtype=np.float32)
        self.capacity, self.size, self.at = capacity, 0, 0

    def add(self, obs, actions, rewards, next_obs, terminated) -> None:
        idx = (self.at + np.arange(len(obs))) % self.capacity
        self.obs[idx], self.actions[idx], self.rewards[idx] = obs, actions, rewards
        self.next_obs[idx], self.terminated[idx] = next_obs, terminated
        self.at = int(idx[-1] + 1) % self.capacity
        self.size = min(self.size + len(obs), self.capacity)

    def sample(self, batch: int, rng: np.random.Generator):
        idx = rng.integers(self.size, size=batch)
        return tuple(torch.from_numpy(a[idx]).to(device)
                     for a in (self.obs, self.actions, self.rewards, self.next_obs, self.terminated))


class DQNTrainer(CartPoleTrainer):
    """DQN: one iteration = 32 steps of 4 envs (128 transitions into the buffer), then 32 minibatch updates."""

    n_envs = 4
    steps_per_iteration = 32
    updates_per_iteration = 32
    batch = 64
    buffer_size = 50_000
    learning_starts = 1000  # transitions collected before the first update
    target_every = 250  # updates between copies of Q into Q_target

    def __init__(self, config: CartPoleConfig):
        super().__init__(config)
        self.q = mlp([4, *self.hidden(), 2], self.torch_rng, 1.0)
        self.q_target = mlp([4, *self.hidden(), 2], self.torch_rng, 1.0)
        self.q_target.load_state_dict(self.q.state_dict())
        self.optimizer = torch.optim.Adam(self.q.parameters(), lr=config.lr)
        self.buffer = ReplayBuffer(self.buffer_size)
        self.updates = 0
        self.model = self.q

    @property
    def epsilon(self) -> float:
        frac = min(1.0, self.env_steps / max(self.config.explore_steps, 1))
        return 1.0 + frac * (EPS_FINAL - 1.0)

    def iteration(self) -> float:
        n = self.n_envs
        for _ in range(self.steps_per_iteration):
            obs = self.obs
            with torch.no_grad():
                greedy = self.q(torch.from_numpy(obs).to(device)).argmax(dim=1).cpu().numpy()
            explore = self.rng.random(n) < self.epsilon
            actions = np.where(explore, self.rng.integers(2, size=n), greedy)
            _, rewards, term, _, final = self._env_step(actions)
            self.buffer.add(obs, actions, rewards, final, term.astype(np.float32))
        if self.buffer.size < self.learning_starts:
            return 0.0
        losses = []
        for _ in range(self.updates_per_iteration):
            obs, actions, rewards, next_obs, terminated = self.buffer.sample(self.batch, self.rng)
            with torch.no_grad():
                y = dqn_targets(rewards, self.q_target(next_obs), terminated, self.config.gamma)
            q_taken = self.q(obs).gather(1, actions[:, None])[:, 0]
            loss = F.smooth_l1_loss(q_taken, y)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(self.q.parameters(), 10.0)
            self.optimizer.step()
            self.updates += 1
            if self.updates % self.target_every == 0:
                self.q_target.load_state_dict(self.q.state_dict())
            losses.append(float(loss.detach()))
        return float(np.mean(losses))

    def right_probability(self, obs: torch.Tensor) -> torch.Tensor:
        """DQN's policy is greedy on Q: probability 1 where Q(s, right) > Q(s, left), else 0 (ε aside)."""
        with torch.no_grad():
            q = self.q(obs)
            return (q[:, 1] > q[:, 0]).float()

    def state_value(self, obs: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return self.q(obs).max(dim=1).values

    def best_action(self, obs: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return self.q(obs).argmax(dim=1)


def make_trainer(config: CartPoleConfig) -> CartPoleTrainer:
    return DQNTrainer(config) if config.algorithm == "dqn" else PolicyGradientTrainer(config)
