"""Tabular TD control: update rules against hand-worked numbers, the worlds, and Sutton & Barto's cliff experiment."""
import gymnasium as gym
import numpy as np
import pytest

from core.rl.grids import MAZE_ID, PIT_REWARD, MazeError, make_world, parse_maze
from core.rl.tabular import (TabularConfig, TabularTrainer, epsilon_greedy_probs, moving_average, td_target)

NEXT_ROW = np.array([-2.0, -1.0, -3.0, -4.0])


def table_with_next_row():
    q = np.zeros((2, 4))
    q[1] = NEXT_ROW
    return q


def test_targets_by_hand():
    q = table_with_next_row()
    # Q-learning: r + γ max Q(s') = −1 + 0.9 · (−1)
    assert td_target("q_learning", q, -1.0, 1, None, False, 0.9, 0.2) == pytest.approx((-1.9, -1.0))
    # SARSA with the next action 2: −1 + 0.9 · (−3)
    assert td_target("sarsa", q, -1.0, 1, 2, False, 0.9, 0.2) == pytest.approx((-3.7, -3.0))
    # Expected SARSA, ε = 0.2: π = (0.05, 0.85, 0.05, 0.05); E[Q] = −0.1 − 0.85 − 0.15 − 0.2 = −1.3
    assert td_target("expected_sarsa", q, -1.0, 1, None, False, 0.9, 0.2) == pytest.approx((-1 + 0.9 * -1.3, -1.3))
    for algorithm in ("q_learning", "sarsa", "expected_sarsa"):  # a terminal next state has no future
        assert td_target(algorithm, q, 5.0, 1, 0, True, 0.9, 0.2) == (5.0, 0.0)


def test_epsilon_greedy_probabilities_split_ties():
    p = epsilon_greedy_probs(np.array([1.0, 3.0, 3.0, 0.0]), 0.2)
    assert p == pytest.approx([0.05, 0.45, 0.45, 0.05])
    assert epsilon_greedy_probs(NEXT_ROW, 0.0) == pytest.approx([0, 1, 0, 0])


def test_one_episode_of_q_learning_by_hand():
    """Maze S . G on top of a free row; ε = 0 and a prepared table make the agent walk right twice."""
    trainer = TabularTrainer(TabularConfig(world="maze", maze=("S.G", "..."), alpha=0.5, gamma=0.9, epsilon=0.0))
    trainer.q[0] = [-5, -5, 0, -5]  # in S: right looks best
    trainer.q[1] = [-3, -4, -2, -6]  # in the middle: right (−2) looks best
    trainer.step(1)
    # step 1: r = −1, s' = 1, target = −1 + 0.9 · max(−3, −4, −2, −6) = −2.8; Q ← 0 + 0.5 · (−2.8 − 0) = −1.4
    assert trainer.q[0, 2] == pytest.approx(-1.4)
    # step 2: into G (terminal), target = −1; Q ← −2 + 0.5 · (−1 − (−2)) = −1.5
    assert trainer.q[1, 2] == pytest.approx(-1.5)
    assert trainer.returns == [-2.0] and trainer.last_episode.states == [0, 1, 2]
    u = trainer.last_update  # the latest update that bootstrapped: the first one
    assert (u.state, u.action, u.next_state, u.old, u.ahead, u.target, u.new) == (0, 2, 1, 0.0, -2.0, pytest.approx(-2.8),
                                                                                   pytest.approx(-1.4))


def test_sarsa_uses_the_action_it_takes_next():
    trainer = TabularTrainer(TabularConfig(world="maze", maze=("S.G", "..."), algorithm="sarsa", alpha=1.0,
                                           gamma=1.0, epsilon=0.0))
    trainer.q[0] = [-5, -5, 0, -5]
    trainer.q[1] = [-3, -4, -2.5, -6]  # greedy next action: right, Q = −2.5
    trainer.step(1)
    assert trainer.q[0, 2] == pytest.approx(-1 + -2.5)
    assert trainer.last_update.next_action == 2


@pytest.mark.parametrize("text, code", [
    ("", "empty"), ("S.G", "rows"), ("S\nG", "cols"), ("S..\n.G", "ragged"), ("S.x\n..G", "unknown"),
    ("S.S\n..G", "starts"), ("...\n..G", "starts"), ("S..\n...", "no_goal"), ("S#G\n#..", "no_path"),
    ("SH.\nH.G", "no_path"), ("\n".join(["S" + "." * 12] * 2), "cols"),
])
def test_bad_mazes_are_refused_with_a_reason(text, code):
    with pytest.raises(MazeError) as err:
        parse_maze(text)
    assert err.value.code == code


def test_maze_env_through_gymnasium():
    env = gym.make(MAZE_ID, desc=("S#.", ".HG", "..."))
    state, _ = env.reset(seed=0)
    assert state == 0
    assert env.step(1)[:3] == (3, -1.0, False)  # down
    assert env.step(2)[:3] == (4, PIT_REWARD, True)  # right, into the pit: −100, the end
    env.reset()
    assert env.step(2)[0] == 0  # into the wall: stays put
    assert env.step(3)[0] == 0  # off the grid: stays put


def test_optimal_returns_of_the_worlds():
    assert TabularTrainer(TabularConfig(world="cliff")).optimal_return == -13
    assert TabularTrainer(TabularConfig(world="lake4", gamma=0.9)).optimal_return == 1
    lake = TabularTrainer(TabularConfig(world="lake4", gamma=0.9))
    assert lake.optimal_value == pytest.approx(0.9 ** 5)  # 6 moves to the goal, the reward on the last
    assert TabularTrainer(TabularConfig(world="maze", maze=("S.G", "..."))).optimal_return == -2


def test_policy_value_matches_a_linear_solve_on_slippery_ice():
    world = make_world("lake4_slippery")
    policy = np.random.default_rng(0).integers(4, size=world.n_states)
    trans, reward, ends = world.tables()
    idx = np.arange(world.n_states)
    cont = (trans * (1 - ends))[idx, policy]
    exact = np.linalg.solve(np.eye(world.n_states) - 0.95 * cont, reward[idx, policy])
    assert world.policy_value(policy, 0.95) == pytest.approx(exact, abs=1e-7)


def test_frozen_lake_is_learned_within_a_few_hundred_episodes():
    trainer = TabularTrainer(TabularConfig(world="lake4", gamma=0.9, epsilon=0.5, decay=0.95))
    while trainer.solved_episode is None and trainer.steps_done < 400:
        trainer.step(10)
    assert trainer.solved_episode is not None
    assert trainer.greedy_episode().total == 1.0 and len(trainer.greedy_episode().actions) == 6


def cliff_run(algorithm: str, seed: int) -> TabularTrainer:
    trainer = TabularTrainer(TabularConfig(world="cliff", algorithm=algorithm, alpha=0.5, gamma=1.0, epsilon=0.1,
                                           seed=seed))
    trainer.step(500)
    return trainer


def test_the_cliff_sarsa_walks_safe_q_learning_walks_the_edge():
    """Sutton & Barto, Example 6.6: ε = 0.1 fixed, α = 0.5, 500 episodes (benchmarks/rl.py runs more seeds)."""
    q, sarsa = cliff_run("q_learning", 0), cliff_run("sarsa", 0)
    q_path, sarsa_path = q.greedy_episode(), sarsa.greedy_episode()
    edge = {2 * 12 + c for c in range(1, 11)}  # the row right above the cliff
    assert q_path.total == -13 and edge <= set(q_path.states)
    assert sarsa_path.reached_end and sarsa_path.total < -13 and not edge & set(sarsa_path.states)
    # online (exploring) return: Q-learning falls off the edge now and then, so it earns less on average
    assert np.mean(q.returns[100:]) < np.mean(sarsa.returns[100:])
    # and while exploring, SARSA's own walks keep off the edge far more often than Q-learning's
    assert edge_visits(sarsa, 50) < 0.25 * edge_visits(q, 50)


def edge_visits(trainer: TabularTrainer, episodes: int) -> int:
    """Visits to the row above the cliff during `episodes` more training episodes."""
    edge, count = {2 * 12 + c for c in range(1, 11)}, 0
    for _ in range(episodes):
        trainer.step(1)
        count += sum(state in edge for state in trainer.last_episode.states)
    return count


def test_runs_are_reproducible_from_the_seed():
    runs = [TabularTrainer(TabularConfig(world="lake4_slippery", algorithm="expected_sarsa", seed=3)) for _ in "ab"]
    for run in runs:
        run.step(100)
    assert runs[0].returns == runs[1].returns and np.array_equal(runs[0].q, runs[1].q)


def test_moving_average_matches_a_reference():
    x = np.random.default_rng(1).normal(size=50)
    reference = [x[max(0, i - 9):i + 1].mean() for i in range(50)]
    assert moving_average(x, 10) == pytest.approx(reference)
    assert len(moving_average([], 10)) == 0


def test_watching_the_greedy_policy_does_not_change_training():
    plain, watched = (TabularTrainer(TabularConfig(world="lake4_slippery", seed=9)) for _ in "ab")
    for _ in range(5):
        plain.step(10)
        watched.step(10)
        watched.greedy_episode(seed=3)
        watched.greedy_value()
    assert plain.returns == watched.returns and np.array_equal(plain.q, watched.q)
