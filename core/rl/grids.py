"""Grid worlds for tabular RL: Gymnasium's FrozenLake and CliffWalking, and a maze the learner draws as text.

Every world is a Gymnasium `Env` with the toy-text transition table `P[s][a] = [(prob, next, reward, terminated)]`;
`GridWorld` wraps one with what the page draws (the cell letters, how each action moves) and what the
"solved" check needs (the optimal return, by value iteration on `P`).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import gymnasium as gym
import numpy as np
from gymnasium import spaces

MAZE_ID = "nnpg/Maze-v0"
MAZE_MIN, MAZE_MAX = 2, 12  # rows and columns a drawn maze may have
MAZE_CHARS = "#SGH."  # wall, start, goal, pit (hole), free floor
STEP_REWARD, PIT_REWARD = -1.0, -100.0  # every move costs 1; falling into a pit costs 100 and ends the episode
DEFAULT_MAZE = "\n".join([
    "S..#....",
    ".#.#.##.",
    ".#...#..",
    ".####.#.",
    "...H..#G",
])
# (row, column) change of each action; FrozenLake and our maze use 0 left, 1 down, 2 right, 3 up.
LAKE_MOVES = ((0, -1), (1, 0), (0, 1), (-1, 0))
CLIFF_MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))  # CliffWalking: 0 up, 1 right, 2 down, 3 left
WORLDS = ("cliff", "lake4", "lake4_slippery", "lake8", "lake8_slippery", "maze")


class MazeError(ValueError):
    """A drawn maze that cannot be used; `code` names the catalog message, `detail` fills it."""

    def __init__(self, code: str, **detail):
        super().__init__(code)
        self.code, self.detail = code, detail


def parse_maze(text: str) -> tuple[str, ...]:
    """The maze's rows, checked: a rectangle of known letters within the size bounds, one S, a reachable G."""
    rows = tuple(line.strip() for line in text.strip().splitlines() if line.strip())
    if not rows:
        raise MazeError("empty")
    if not MAZE_MIN <= len(rows) <= MAZE_MAX:
        raise MazeError("rows", found=len(rows), lo=MAZE_MIN, hi=MAZE_MAX)
    for r, row in enumerate(rows):
        if len(row) != len(rows[0]):
            raise MazeError("ragged", row=r + 1, found=len(row), expected=len(rows[0]))
        for c, ch in enumerate(row):
            if ch not in MAZE_CHARS:
                raise MazeError("unknown", char=ch[:1], row=r + 1, col=c + 1)
    if not MAZE_MIN <= len(rows[0]) <= MAZE_MAX:
        raise MazeError("cols", found=len(rows[0]), lo=MAZE_MIN, hi=MAZE_MAX)
    starts = sum(row.count("S") for row in rows)
    if starts != 1:
        raise MazeError("starts", found=starts)
    if not any("G" in row for row in rows):
        raise MazeError("no_goal")
    if not _goal_reachable(rows):
        raise MazeError("no_path")
    return rows


def _goal_reachable(rows: tuple[str, ...]) -> bool:
    """Breadth-first search from S through floor cells (walls block, pits end the walk)."""
    start = next((r, row.index("S")) for r, row in enumerate(rows) if "S" in row)
    seen, frontier = {start}, deque([start])
    while frontier:
        r, c = frontier.popleft()
        if rows[r][c] == "G":
            return True
        for dr, dc in LAKE_MOVES:
            nr, nc = r + dr, c + dc
            if 0 <= nr < len(rows) and 0 <= nc < len(rows[0]) and (nr, nc) not in seen and rows[nr][nc] not in "#H":
                seen.add((nr, nc))
                frontier.append((nr, nc))
    return False


class MazeEnv(gym.Env):
    """A drawn maze as a Gymnasium environment (toy-text style, deterministic moves).

    Moving costs STEP_REWARD; into a wall or off the grid the agent stays put (and still pays); a pit costs
    PIT_REWARD and ends the episode; reaching a goal ends it. Actions: 0 left, 1 down, 2 right, 3 up.
    """

    metadata = {"render_modes": []}

    def __init__(self, desc: tuple[str, ...] | list[str] = tuple(DEFAULT_MAZE.splitlines())):
        self.desc = parse_maze("\n".join(desc))
        self.nrow, self.ncol = len(self.desc), len(self.desc[0])
        n = self.nrow * self.ncol
        self.observation_space = spaces.Discrete(n)
        self.action_space = spaces.Discrete(4)
        start = next(r * self.ncol + row.index("S") for r, row in enumerate(self.desc) if "S" in row)
        self.initial_state_distrib = np.eye(n)[start]
        self.P = {s: {a: [self._outcome(s, a)] for a in range(4)} for s in range(n)}
        self.s = start

    def _outcome(self, s: int, a: int) -> tuple[float, int, float, bool]:
        r, c = divmod(s, self.ncol)
        if self.desc[r][c] in "GH#":  # terminal (or unreachable) cells: absorbing, never stepped from
            return 1.0, s, 0.0, True
        dr, dc = LAKE_MOVES[a]
        nr, nc = r + dr, c + dc
        if not (0 <= nr < self.nrow and 0 <= nc < self.ncol) or self.desc[nr][nc] == "#":
            nr, nc = r, c
        cell = self.desc[nr][nc]
        reward = PIT_REWARD if cell == "H" else STEP_REWARD
        return 1.0, nr * self.ncol + nc, reward, cell in "GH"

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self.s = int(np.argmax(self.initial_state_distrib))
        return self.s, {"prob": 1.0}

    def step(self, a: int):
        prob, s, reward, terminated = self.P[self.s][int(a)][0]
        self.s = s
        return int(s), reward, terminated, False, {"prob": prob}


if MAZE_ID not in gym.registry:
    gym.register(id=MAZE_ID, entry_point=MazeEnv, max_episode_steps=200)


@dataclass
class GridWorld:
    """A grid world as the agents and the page see it."""

    name: str
    env: gym.Env  # the unwrapped Gymnasium env (steps without the checker wrappers: much faster)
    cells: tuple[str, ...]  # one letter per cell, row by row: S start, G goal, H pit/hole, C cliff, # wall, . floor
    moves: tuple[tuple[int, int], ...]  # (row, column) change of each action
    max_episode_steps: int
    slippery: bool
    _tables: tuple | None = field(default=None, repr=False)

    @property
    def nrow(self) -> int:
        return len(self.cells)

    @property
    def ncol(self) -> int:
        return len(self.cells[0])

    @property
    def n_states(self) -> int:
        return int(self.env.observation_space.n)

    @property
    def n_actions(self) -> int:
        return int(self.env.action_space.n)

    @property
    def start(self) -> int:
        return int(np.argmax(self.env.initial_state_distrib))

    def no_action_cells(self) -> np.ndarray:
        """True for the cells the agent never acts in (goals, pits, cliff, walls): their Q values stay 0."""
        return np.array([ch in "GHC#" for ch in "".join(self.cells)])

    def tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Expected model from P: probabilities T[s, a, s'], expected rewards R[s, a], and P(terminal | s, a, s')."""
        if self._tables is None:
            self._tables = self._build_tables()
        return self._tables

    def _build_tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n, k = self.n_states, self.n_actions
        trans, reward, ends = np.zeros((n, k, n)), np.zeros((n, k)), np.zeros((n, k, n))
        for s in range(n):
            for a in range(k):
                for prob, nxt, r, done in self.env.P[s][a]:
                    trans[s, a, nxt] += prob
                    reward[s, a] += prob * r
                    ends[s, a, nxt] = float(done)
        return trans, reward, ends

    def optimal_q(self, gamma: float, sweeps: int = 2000, tol: float = 1e-10) -> np.ndarray:
        """Q* by value iteration on the transition table (the yardstick for "solved")."""
        trans, reward, ends = self.tables()
        cont = trans * (1 - ends)  # probability of going on into s' (a terminal transition adds no future)
        q = np.zeros((self.n_states, self.n_actions))
        for _ in range(sweeps):
            new = reward + gamma * cont @ q.max(axis=1)
            if np.abs(new - q).max() < tol:
                return new
            q = new
        return q

    def policy_value(self, policy: np.ndarray, gamma: float, sweeps: int = 2000, tol: float = 1e-9) -> np.ndarray:
        """V^π(s) of a deterministic policy (one action per state) by iterating its Bellman equation.

        Iterated, not solved: with γ = 1 a policy that walks in circles has no finite value, and `sweeps` caps it.
        """
        trans, reward, ends = self.tables()
        idx = np.arange(self.n_states)
        cont, r = (trans * (1 - ends))[idx, policy], reward[idx, policy]
        v = np.zeros(self.n_states)
        for _ in range(sweeps):
            new = r + gamma * cont @ v
            if np.abs(new - v).max() < tol:
                return new
            v = new
        return v


def make_world(name: str, maze: tuple[str, ...] = ()) -> GridWorld:
    """One of WORLDS through `gym.make` (the drawn maze too, via its registered id)."""
    if name == "cliff":
        env = gym.make("CliffWalking-v1")
        cells = ("." * 12, "." * 12, "." * 12, "S" + "C" * 10 + "G")
        return GridWorld(name, env.unwrapped, cells, CLIFF_MOVES, 500, False)
    if name.startswith("lake"):
        slippery = name.endswith("slippery")
        size = "8x8" if name.startswith("lake8") else "4x4"
        env = gym.make("FrozenLake-v1", map_name=size, is_slippery=slippery)
        cells = tuple(bytes(row).decode().replace("F", ".") for row in env.unwrapped.desc)
        return GridWorld(name, env.unwrapped, cells, LAKE_MOVES, env.spec.max_episode_steps, slippery)
    if name == "maze":
        env = gym.make(MAZE_ID, desc=tuple(maze or DEFAULT_MAZE.splitlines()))
        return GridWorld(name, env.unwrapped, env.unwrapped.desc, LAKE_MOVES, env.spec.max_episode_steps, False)
    raise ValueError(f"unknown world {name!r}")
