"""Figures of the grid-world page: the world with values, greedy arrows and a path (its return and length
curves: `ui.figures.rl.curves`).

Builders take plain arrays (cells, Q table, a path of states) and translated labels, and return `go.Figure`s.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import lean_figure

VALUE_SCALE = [[0.0, "#fef3c7"], [0.5, "#93c5fd"], [1.0, "#1e3a8a"]]  # low value pale → high value deep blue
CELL_COLORS = {"#": "#334155", "H": "#0f172a", "C": "#7f1d1d", "G": "#16a34a", "S": "#f59e0b"}
ARROWS_BY_MOVE = {(0, -1): "←", (1, 0): "↓", (0, 1): "→", (-1, 0): "↑"}
PATH_COLOR = "#dc2626"
GREEDY_COLOR = "#9333ea"


def cell_shapes(cells: tuple[str, ...]) -> list[dict]:
    """A filled square per special cell (wall, pit, cliff, goal, start), drawn under the text."""
    shapes = []
    for r, row in enumerate(cells):
        for c, ch in enumerate(row):
            if ch in CELL_COLORS:
                shapes.append(dict(type="rect", x0=c - 0.5, x1=c + 0.5, y0=r - 0.5, y1=r + 0.5, layer="below",
                                   line=dict(width=0), fillcolor=CELL_COLORS[ch],
                                   opacity=0.35 if ch in "SG" else 0.9))
    return shapes


def q_hover(q: np.ndarray, moves: tuple[tuple[int, int], ...], ncol: int, state_label: str) -> list[list[str]]:
    """Per cell, the Q-table row as hover text: "state 17 · Q(←) −3.2 · Q(↓) …"."""
    labels = [f"Q(s,{ARROWS_BY_MOVE[m]}) = " for m in moves]
    text = []
    for s, row in enumerate(q.tolist()):
        text.append("<br>".join([f"{state_label} {s}"] + [f"{label}{v:.3f}" for label, v in zip(labels, row)]))
    return [text[r * ncol:(r + 1) * ncol] for r in range(len(text) // ncol)]


def grid_marks(cells: tuple[str, ...], q: np.ndarray, moves: tuple[tuple[int, int], ...]) -> tuple[list, list, list]:
    """(columns, rows, texts) of the text drawn in the cells: G and H on goals and pits, the greedy action as an
    arrow elsewhere ("·" where every action has the same value: never updated, no preference yet), "S" on the start."""
    ncol = len(cells[0])
    undecided = np.isclose(q.max(axis=1), q.min(axis=1)).tolist()
    best = q.argmax(axis=1).tolist()
    arrows = [ARROWS_BY_MOVE[m] for m in moves]
    marks_x, marks_y, marks = [], [], []
    for s, ch in enumerate("".join(cells)):
        if ch in "GHC#":
            mark = {"G": "G", "H": "H", "C": "", "#": ""}[ch]
        else:
            mark = "·" if undecided[s] else arrows[best[s]]
        if ch == "S":
            mark = "S " + mark
        if mark:
            r, c = divmod(s, ncol)
            marks_x.append(c)
            marks_y.append(r)
            marks.append(mark)
    return marks_x, marks_y, marks


def grid_figure(cells: tuple[str, ...], q: np.ndarray, moves: tuple[tuple[int, int], ...], no_action: np.ndarray,
                path: list[int] | None, names: dict[str, str], *, greedy: list[int] | None = None,
                agent: int | None = None, height: int = 340) -> go.Figure:
    """The world: max_a Q(s, a) as colour, the greedy action as an arrow, special cells, a path and the agent.

    `names`: labels for value (colour bar), path, greedy, agent, state. Cells where every action has the same value
    (never updated) get a dot instead of an arrow: the agent has no preference there yet. Built from plain dicts
    (`lean_figure`): it is redrawn on every live refresh.
    """
    nrow, ncol = len(cells), len(cells[0])
    values = q.max(axis=1).astype(float)
    values[no_action] = np.nan
    z = values.reshape(nrow, ncol)
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    data: list[dict] = [dict(type="heatmap", z=z, x=np.arange(ncol), y=np.arange(nrow), zmin=lo,
                             zmax=hi if hi > lo else lo + 1, colorscale=VALUE_SCALE,
                             text=q_hover(q, moves, ncol, names["state"]), hovertemplate="%{text}<extra></extra>",
                             xgap=1, ygap=1,
                             colorbar=dict(title=dict(text=names["value"], side="top"), thickness=10, len=0.8,
                                           orientation="h", y=-0.04, yanchor="top"))]  # under: a phone keeps the width
    marks_x, marks_y, marks = grid_marks(cells, q, moves)
    data.append(dict(type="scatter", x=np.array(marks_x), y=np.array(marks_y), mode="text", text=marks,
                     hoverinfo="skip", showlegend=False, textfont=dict(size=18 if ncol <= 8 else 15, color="#111827")))
    for states, color, label, width in ((greedy, GREEDY_COLOR, names["greedy"], 4), (path, PATH_COLOR, names["path"], 2)):
        if states:
            rows, cols = np.divmod(np.asarray(states), ncol)
            data.append(dict(type="scatter", x=cols, y=rows, mode="lines", name=label, hoverinfo="skip",
                             line=dict(color=color, width=width), opacity=0.75))
    if agent is not None:
        r, c = divmod(agent, ncol)
        data.append(dict(type="scatter", x=[c], y=[r], mode="markers", name=names["agent"], hoverinfo="skip",
                         marker=dict(size=18, color=PATH_COLOR, symbol="circle", line=dict(color="white", width=2))))
    layout = dict(
        shapes=cell_shapes(cells),
        xaxis=dict(range=[-0.5, ncol - 0.5], showgrid=False, zeroline=False, showticklabels=False,
                   constrain="domain"),
        yaxis=dict(range=[nrow - 0.5, -0.5], showgrid=False, zeroline=False, showticklabels=False,
                   scaleanchor="x", scaleratio=1))
    return lean_figure(data, layout, height=height, revision="gridworld.grid",
                       legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0.0))
