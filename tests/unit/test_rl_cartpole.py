"""CartPole agents: our batched dynamics equal Gymnasium's, returns/GAE/DQN targets equal references, PPO learns."""
import gymnasium as gym
import numpy as np
import pytest
import torch

from core.rl.cartpole import MAX_STEPS, CartPoles, dynamics, failed
from core.rl.neural import (CartPoleConfig, DQNTrainer, PolicyGradientTrainer, ReplayBuffer, dqn_targets,
                            make_trainer)
from core.rl.returns import discounted_returns, gae


def test_dynamics_equal_gymnasium_step_by_step():
    env = gym.make("CartPole-v1").unwrapped
    rng = np.random.default_rng(0)
    for episode in range(5):
        obs, _ = env.reset(seed=episode)
        state = np.array(env.state, dtype=np.float64)[None]
        done = False
        while not done:
            action = int(rng.integers(2))
            obs, reward, done, _, _ = env.step(action)
            state = dynamics(state, np.array([action]))
            assert np.array_equal(state[0].astype(np.float32), obs)
            assert failed(state)[0] == done and reward == 1.0


def test_dynamics_equal_gymnasium_from_random_states():
    env = gym.make("CartPole-v1").unwrapped
    env.reset(seed=0)
    states = np.random.default_rng(1).uniform(-2, 2, size=(200, 4))
    actions = np.arange(200) % 2
    ours = dynamics(states, actions)
    for state, action, mine in zip(states, actions, ours):
        env.state = state.copy()
        env.steps_beyond_terminated = None
        obs, _, terminated, _, _ = env.step(int(action))
        assert np.array_equal(mine.astype(np.float32), obs) and failed(mine[None])[0] == terminated


def test_copies_restart_and_are_cut_at_500_steps():
    envs = CartPoles(3, np.random.default_rng(0))
    envs.state[:] = 0.0
    envs.t[:] = [MAX_STEPS - 1, 10, 0]
    envs.state[2, 2] = 0.5  # leaning 29°: fails at once
    _, rewards, terminated, truncated, final = envs.step(np.zeros(3, dtype=np.int64))
    assert list(terminated) == [False, False, True] and list(truncated) == [True, False, False]
    assert sorted(envs.finished_returns) == [1.0, float(MAX_STEPS)] and list(envs.t) == [0, 11, 0]
    assert final[2, 2] > 0.2 and abs(envs.state[2, 2]) <= 0.05  # the final state is kept; the copy restarted
    assert np.all(rewards == 1)


def test_discounted_returns_match_a_reference():
    rewards = np.random.default_rng(0).normal(size=30)
    gamma = 0.9
    reference = [sum(gamma ** k * rewards[t + k] for k in range(30 - t)) for t in range(30)]
    assert discounted_returns(rewards, gamma) == pytest.approx(reference)
    assert discounted_returns(np.ones(3), 0.5) == pytest.approx([1.75, 1.5, 1.0])


def test_gae_special_cases():
    rng = np.random.default_rng(0)
    steps = 12
    rewards = rng.normal(size=(steps, 1))
    values = rng.normal(size=(steps, 1))
    next_values = np.append(values[1:], [[0.0]], axis=0)  # one episode that fails at its last step
    terminated = np.zeros((steps, 1))
    terminated[-1] = 1
    ended = terminated.copy()
    gamma = 0.95
    # λ = 1: the discounted return minus the baseline (REINFORCE with a baseline)
    a1 = gae(rewards, values, next_values, terminated, ended, gamma, 1.0)
    assert a1[:, 0] == pytest.approx(discounted_returns(rewards[:, 0], gamma) - values[:, 0])
    # λ = 0: the one-step TD error
    a0 = gae(rewards, values, next_values, terminated, ended, gamma, 0.0)
    assert a0[:, 0] == pytest.approx(rewards[:, 0] + gamma * next_values[:, 0] * (1 - terminated[:, 0]) - values[:, 0])


def test_gae_stops_at_an_episode_end_and_bootstraps_a_time_limit_cut():
    rewards = np.ones((3, 1))
    values = np.full((3, 1), 2.0)
    next_values = np.full((3, 1), 4.0)
    ended = np.array([[0.0], [1.0], [0.0]])
    cut = gae(rewards, values, next_values, np.zeros((3, 1)), ended, 0.5, 1.0)
    failed_ = gae(rewards, values, next_values, ended, ended, 0.5, 1.0)
    # step 1 ends its episode: its advantage does not reach step 2. Cut: 1 + 0.5·4 − 2 = 1; failed: 1 − 2 = −1.
    assert cut[1, 0] == pytest.approx(1.0) and failed_[1, 0] == pytest.approx(-1.0)
    assert cut[0, 0] == pytest.approx((1 + 0.5 * 4 - 2) + 0.5 * 1.0)


def test_dqn_targets_by_hand():
    y = dqn_targets(torch.tensor([1.0, 1.0]), torch.tensor([[3.0, 5.0], [7.0, 2.0]]), torch.tensor([0.0, 1.0]), 0.9)
    assert y.tolist() == pytest.approx([1 + 0.9 * 5, 1.0])


def test_replay_buffer_wraps_around():
    buffer = ReplayBuffer(5)
    for start in (0, 3):
        obs = np.arange(start, start + 3, dtype=np.float32)[:, None].repeat(4, axis=1)
        buffer.add(obs, np.zeros(3), np.ones(3), obs + 1, np.zeros(3))
    assert buffer.size == 5 and buffer.at == 1
    assert sorted(buffer.obs[:, 0].tolist()) == [1, 2, 3, 4, 5]  # the oldest (0) was overwritten


def test_dqn_copies_q_into_the_target_network_on_schedule():
    trainer = DQNTrainer(CartPoleConfig(algorithm="dqn", width=16, depth=1))
    trainer.learning_starts, trainer.target_every = 64, 40
    trainer.step(2)  # 64 updates: the copy happened at update 40, then Q moved on
    q = dict(trainer.q.named_parameters())
    target = dict(trainer.q_target.named_parameters())
    assert trainer.updates == 64 and not torch.equal(q["0.weight"], target["0.weight"])
    trainer.target_every = 64
    trainer.updates = 63
    trainer.step(1)
    assert trainer.updates == 95 and not torch.equal(q["0.weight"], target["0.weight"])
    assert 0.05 <= trainer.epsilon < 1


def test_ppo_gets_better_by_iteration_count():
    torch.set_num_threads(1)
    trainer = PolicyGradientTrainer(CartPoleConfig(algorithm="ppo", seed=0))
    trainer.step(30)
    first, last = np.mean(trainer.returns[:20]), np.mean(trainer.returns[-20:])
    assert last > 3 * first and last > 80, (first, last)


def test_training_leaves_the_global_generator_alone_and_is_reproducible():
    before = torch.get_rng_state()
    runs = [make_trainer(CartPoleConfig(algorithm=algo, seed=5)) for algo in ("a2c", "a2c")]
    for run in runs:
        run.step(3)
    assert torch.equal(before, torch.get_rng_state())
    assert runs[0].returns == runs[1].returns
    assert torch.equal(runs[0].actor[0].weight, runs[1].actor[0].weight)


def test_greedy_episode_values_and_policy_shapes():
    trainer = make_trainer(CartPoleConfig(width=16, depth=1))
    states, actions, values = trainer.greedy_episode(seed=0)
    assert len(states) == len(actions) + 1 == len(values) and set(actions.tolist()) <= {0, 1}
    probs = trainer.right_probability(torch.zeros(7, 4))
    assert probs.shape == (7,) and torch.all((probs >= 0) & (probs <= 1))
