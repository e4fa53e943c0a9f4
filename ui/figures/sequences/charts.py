"""Figures of the Sequences pages: the RNN as a loop and unrolled, BPTT gradient norms, forecasts, LSTM gate heat
maps, and the RNN / LSTM / GRU race. Pure builders: arrays and translated labels in, `go.Figure` out.

Speed: building plotly objects trace by trace (and `make_subplots`) costs 15-60 ms per figure here, more than a
whole control change may take. So each figure is assembled as a plain dict and wrapped once without plotly's
per-property validation; the look comes from `common.styled`, computed once per title/height (tests validate
every figure with plotly's full checks).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import DIVERGING, PALETTE, lean_figure

FORWARD, BACKWARD, HIGHLIGHT, MUTED, GOOD, INK = PALETTE[0], PALETTE[1], "#fde68a", "#94a3b8", PALETTE[2], "#334155"
GATE_SCALE = [[0.0, "#f8fafc"], [0.5, "#93c5fd"], [1.0, "#1e3a8a"]]  # gates in (0, 1): closed white, open dark blue
BOTTOM_LEGEND = {"legend": dict(orientation="h", x=0, xanchor="left", y=-0.25, yanchor="top")}  # long titles


def _rows(heights: list[float], gap: float) -> list[tuple[float, float]]:
    """Vertical domains [(bottom, top)] for rows listed top to bottom, sized in proportion to `heights`."""
    usable = 1.0 - gap * (len(heights) - 1)
    total = sum(heights)
    domains, top = [], 1.0
    for h in heights:
        bottom = max(0.0, top - usable * h / total)
        domains.append((bottom, top))
        top = bottom - gap
    return domains


def _axis_name(k: int, letter: str) -> tuple[str, str]:
    """(trace reference, layout key) of axis number k: ("y", "yaxis"), ("y2", "yaxis2"), …"""
    suffix = "" if k == 1 else str(k)
    return f"{letter}{suffix}", f"{letter}axis{suffix}"


def _row_title(text: str, top: float) -> dict:
    return dict(text=text, x=0, xref="paper", xanchor="left", y=top, yref="paper", yanchor="bottom",
                showarrow=False, font=dict(size=12))


def _arrows(pairs, symbol: str, color: str, yaxis: str, size: int = 9) -> list[dict]:
    """Segments [((x0, y0), (x1, y1))] as one line trace, plus an arrowhead at the end of each."""
    if not pairs:
        return []
    xs, ys = [], []
    for (x0, y0), (x1, y1) in pairs:
        xs += [x0, x1, None]
        ys += [y0, y1, None]
    common = dict(type="scatter", xaxis="x", yaxis=yaxis, hoverinfo="skip", showlegend=False)
    return [dict(common, x=xs, y=ys, mode="lines", line=dict(color=color, width=1.5)),
            dict(common, x=[p[1][0] for p in pairs], y=[p[1][1] for p in pairs], mode="markers",
                 marker=dict(symbol=symbol, size=size, color=color))]


def _diagram(inputs, layers: int, bidirectional: bool, labels: dict, yaxis: str) -> tuple[list[dict], dict]:
    """Input row y=0, one row per layer (two cells per step if bidirectional), outputs on top."""
    steps = len(inputs)
    times = list(range(1, steps + 1))
    size = float(np.clip(260 / steps, 7, 26))
    directions = [(-0.2, FORWARD, labels["forward"]), (0.2, BACKWARD, labels["backward"])] if bidirectional \
        else [(0.0, FORWARD, labels["forward"])]
    top = layers + 1
    numbers = [f"{v:.2g}" for v in inputs]
    data = [dict(type="scatter", xaxis="x", yaxis=yaxis, x=times, y=[0] * steps, showlegend=False,
                 mode="markers+text" if steps <= 20 else "markers", text=numbers, textposition="bottom center",
                 textfont=dict(size=11), marker=dict(size=size * 0.6, color=MUTED),
                 hovertemplate=labels["input"] + " t=%{x}: %{text}<extra></extra>"),
            dict(type="scatter", xaxis="x", yaxis=yaxis, x=times, y=[top] * steps, mode="markers", showlegend=False,
                 marker=dict(size=size * 0.6, color=INK), hoverinfo="skip")]
    right, left = [], []
    for layer in range(1, layers + 1):
        for d, (off, color, name) in enumerate(directions):
            layer_name = labels["layer"].format(n=layer)
            data.append(dict(type="scatter", xaxis="x", yaxis=yaxis, x=[t + off for t in times], y=[layer] * steps,
                             mode="markers", name=name, showlegend=layer == 1, legendgroup=name,
                             marker=dict(symbol="square", size=size, color=color, line=dict(color="white", width=1)),
                             hovertemplate=f"{name}, {layer_name}, t=%{{x:.0f}}<extra></extra>"))
            lift = 0.0 if not bidirectional else 0.3 if d == 0 else -0.3
            for t in range(1, steps):
                a, b = (t + off + 0.12, layer + lift), (t + 1 + off - 0.12, layer + lift)
                if d == 0:
                    right.append((a, b))
                else:  # the backward direction carries its state from step t + 1 to step t
                    left.append((b, a))
    up = [((t, y + 0.22), (t, y + 0.78)) for y in range(top) for t in times]
    data += _arrows(up, "arrow-up", MUTED, yaxis, size=7)
    data += _arrows(right, "arrow-right", FORWARD, yaxis)
    data += _arrows(left, "arrow-left", BACKWARD, yaxis)
    axis = dict(range=[-0.7, top + 0.5], showgrid=False, zeroline=False, tickvals=list(range(top + 1)),
                ticktext=[labels["input"], *[labels["layer"].format(n=k) for k in range(1, layers + 1)],
                          labels["output"]])
    return data, axis


def unrolled_figure(inputs, blocks: list[tuple[str, np.ndarray]], *, layers: int = 1, bidirectional: bool = False,
                    current: int | None = None, labels: dict, title: str | None = None) -> go.Figure:
    """The unrolled network on top, and under it one heat map per (layer, direction) of h_t over time.

    blocks: (row title, states (T, H)); labels: input, output, layer ("… {n}"), forward, backward, time, unit.
    `current` (1-based) shades that time step through every row. All rows share one time axis.
    """
    steps = len(inputs)
    sizes = [states.shape[1] for _, states in blocks]
    domains = _rows([0.9 + 0.35 * layers] + [0.25 + 0.12 * h for h in sizes], gap=0.07)
    bottom_axis = _axis_name(len(domains), "y")[0]
    layout = {"xaxis": dict(range=[0.4, steps + 0.6], showgrid=False, anchor=bottom_axis,
                            title=dict(text=labels["time"]), dtick=1 if steps <= 24 else 5),
              "annotations": [], "shapes": []}
    data, axis = _diagram(inputs, layers, bidirectional, labels, "y")
    layout["yaxis"] = dict(axis, domain=list(domains[0]), anchor="x")
    limit = max([float(np.max(np.abs(s))) for _, s in blocks] + [1e-9])
    with_text = steps <= 16 and max(sizes, default=0) <= 8
    for k, ((name, states), domain) in enumerate(zip(blocks, domains[1:]), start=2):
        ref, key = _axis_name(k, "y")
        z = states.T
        data.append(dict(type="heatmap", xaxis="x", yaxis=ref, z=z, x=list(range(1, steps + 1)),
                         y=[str(u) for u in range(1, z.shape[0] + 1)], coloraxis="coloraxis",
                         text=np.round(z, 2) if with_text else None, texttemplate="%{text}" if with_text else None,
                         hovertemplate=f"t=%{{x}}, {labels['unit']} %{{y}}: %{{z:.3f}}<extra></extra>"))
        layout[key] = dict(domain=list(domain), anchor="x", autorange="reversed", title=dict(text=labels["unit"]))
        layout["annotations"].append(_row_title(name, domain[1]))
    layout["coloraxis"] = dict(colorscale=DIVERGING, cmin=-limit, cmax=limit,
                               colorbar=dict(thickness=10, len=0.5, y=0.25))
    if current is not None:
        layout["shapes"].append(dict(type="rect", xref="x", yref="paper", x0=current - 0.5, x1=current + 0.5, y0=0,
                                     y1=1, fillcolor=HIGHLIGHT, opacity=0.35, line=dict(width=0), layer="below"))
    height = int(150 + 70 * layers + sum(45 + 18 * h for h in sizes))
    return lean_figure(data, layout, title=title, height=height, revision="unrolled")


def loop_figure(labels: dict, title: str | None = None) -> go.Figure:
    """The same cell drawn as a loop: x_t in, h_t out, and h fed back into the cell for the next step."""
    arrow = dict(showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=2, axref="x", ayref="y", text="")
    note = dict(showarrow=False)
    layout = {
        "shapes": [dict(type="rect", x0=-0.45, x1=0.45, y0=0.7, y1=1.3, fillcolor=FORWARD, line=dict(color=FORWARD)),
                   dict(type="path", line=dict(color=FORWARD, width=2),
                        path="M 0,1.3 L 0,1.75 C 0,2.0 1.05,2.0 1.05,1.6 L 1.05,1.2 C 1.05,0.85 0.8,0.85 0.62,0.85")],
        "annotations": [
            dict(arrow, x=0.46, y=0.85, ax=0.64, ay=0.85, arrowcolor=FORWARD),
            dict(arrow, x=0, y=0.68, ax=0, ay=0.1, arrowcolor=MUTED),
            dict(arrow, x=0, y=2.45, ax=0, ay=1.75, arrowcolor=INK),
            dict(note, x=0, y=1.0, text=labels["cell"], font=dict(color="white", size=14)),
            dict(note, x=0, y=-0.05, text="x<sub>t</sub>", font=dict(size=15)),
            dict(note, x=0, y=2.6, text="h<sub>t</sub>", font=dict(size=15)),
            dict(note, x=1.12, y=1.4, xanchor="left", text="h<sub>t−1</sub><br>W<sub>hh</sub>",
                 font=dict(size=12, color=FORWARD)),
            dict(note, x=0.1, y=0.4, xanchor="left", text="W<sub>xh</sub>", font=dict(size=12, color=MUTED))],
        "xaxis": dict(visible=False, range=[-1.2, 1.8]),
        "yaxis": dict(visible=False, range=[-0.3, 2.8], scaleanchor="x"),
    }
    return lean_figure([], layout, title=title, height=300, revision="loop", legend=False)


def _positive(values) -> list:
    """Values for a log axis: exact zeros (a ReLU switched off) become gaps."""
    return [float(v) if v > 0 else None for v in np.asarray(values, dtype=float)]


def gradient_norms_figure(curves: dict[str, np.ndarray], chosen: str, *, title: str, x_title: str,
                          y_title: str) -> go.Figure:
    """||dL/dh_t|| against steps back from the loss, log scale; the chosen setting bold, references dotted."""
    data = []
    for name, norms in curves.items():
        norms = np.asarray(norms, dtype=float)[::-1]  # index k = steps back from the last step
        bold = name == chosen
        data.append(dict(type="scatter", x=list(range(len(norms))), y=_positive(norms), name=name, mode="lines",
                         line=dict(color=BACKWARD if bold else MUTED, width=3.5 if bold else 1.2,
                                   dash="solid" if bold else "dot"),
                         hovertemplate=f"{name}: %{{x}} → %{{y:.3g}}<extra></extra>"))
    layout = {"xaxis": dict(title=dict(text=x_title)),
              "yaxis": dict(title=dict(text=y_title), type="log", exponentformat="power"),
              "shapes": [dict(type="line", xref="paper", x0=0, x1=1, y0=1, y1=1, line=dict(color=INK, width=1))]}
    layout.update(BOTTOM_LEGEND)
    return lean_figure(data, layout, title=title, height=380, revision="bptt")


def clipping_figure(before: np.ndarray, after: np.ndarray, *, names: tuple[str, str], title: str, x_title: str,
                    y_title: str) -> go.Figure:
    """Each step's share of the weight gradient before and after clipping (log scale, steps back on x)."""
    data = [dict(type="bar", x=list(range(len(values))), y=_positive(np.asarray(values)[::-1]), name=name,
                 marker=dict(color=color), hovertemplate=f"{name}: %{{x}} → %{{y:.3g}}<extra></extra>")
            for values, name, color in ((before, names[0], MUTED), (after, names[1], FORWARD))]
    layout = {"barmode": "group", "bargap": 0.15, "xaxis": dict(title=dict(text=x_title)),
              "yaxis": dict(title=dict(text=y_title), type="log", exponentformat="power")}
    layout.update(BOTTOM_LEGEND)
    return lean_figure(data, layout, title=title, height=380, revision="clip")


def forecast_figure(inputs: np.ndarray, clean_next: np.ndarray, predicted: np.ndarray, *, warmup: int,
                    names: tuple[str, str, str], title: str, x_title: str) -> go.Figure:
    """One held-out wave: noisy inputs x_t (dots), the clean next value and the network's forecast (lines)."""
    steps = len(inputs)
    now, ahead = list(range(1, steps + 1)), list(range(2, steps + 2))
    data = [dict(type="scatter", x=now, y=np.asarray(inputs), mode="markers", name=names[0],
                 marker=dict(color=MUTED, size=6)),
            dict(type="scatter", x=ahead, y=np.asarray(clean_next), mode="lines", name=names[1],
                 line=dict(color=INK, width=2)),
            dict(type="scatter", x=ahead, y=np.asarray(predicted), mode="lines+markers", name=names[2],
                 line=dict(color=BACKWARD, width=2.5), marker=dict(size=5))]
    layout = {"xaxis": dict(title=dict(text=x_title)), "yaxis": dict(range=[-1.8, 1.8]),
              "shapes": [dict(type="rect", xref="x", yref="paper", x0=0.5, x1=warmup + 1.5, y0=0, y1=1,
                              fillcolor="#e2e8f0", opacity=0.5, line=dict(width=0), layer="below")]}
    layout.update(BOTTOM_LEGEND)
    return lean_figure(data, layout, title=title, height=340, revision="forecast")


def error_curves_figure(steps, test_mse, *, baseline: float, goal: float, names: tuple[str, str, str], title: str,
                        x_title: str) -> go.Figure:
    """Held-out error over training (log scale), with the 'repeat the last value' baseline and the goal."""
    steps = list(steps)
    end = max(steps or [1])
    data = [dict(type="scatter", x=steps, y=list(test_mse), mode="lines", name=names[0],
                 line=dict(color=FORWARD, width=2))]
    data += [dict(type="scatter", x=[0, end], y=[y, y], mode="lines", name=name,
                  line=dict(color=color, dash="dash", width=1.5))
             for y, name, color in ((baseline, names[1], MUTED), (goal, names[2], GOOD))]
    layout = {"xaxis": dict(title=dict(text=x_title)), "yaxis": dict(type="log", exponentformat="power", dtick=1)}
    layout.update(BOTTOM_LEGEND)
    return lean_figure(data, layout, title=title, height=340, revision="sine-curves")


def gate_values_figure(rows: list[tuple[str, float, str]], *, title: str) -> go.Figure:
    """Horizontal bars of one step's values (gates in 0..1, candidate and states in −1..1 or beyond)."""
    values = [float(r[1]) for r in rows]
    limit = max(1.0, *[abs(v) for v in values]) * 1.3
    data = [dict(type="bar", orientation="h", x=values, y=[r[0] for r in rows], marker=dict(color=[r[2] for r in rows]),
                 text=[f"{v:.3f}" for v in values], textposition="outside", cliponaxis=False,
                 hovertemplate="%{y}: %{x:.4f}<extra></extra>")]
    layout = {"xaxis": dict(range=[-limit, limit], zeroline=True, zerolinecolor=INK),
              "yaxis": dict(autorange="reversed")}
    return lean_figure(data, layout, title=title, height=70 + 34 * len(rows), revision="gates", legend=False)


def gates_figure(inside: dict[str, np.ndarray], *, row_titles: dict[str, str], x_labels: list[str],
                 mark_at: int | None, unit: str, title: str | None = None) -> go.Figure:
    """Heat maps over time of every LSTM gate (0..1, white to blue), of the candidate and hidden state (−1..1),
    and of the cell state (unbounded: its own symmetric scale). mark_at is 0-based; the time axis counts from 1."""
    names = [name for name in ("i", "f", "g", "o", "c", "h") if name in inside]
    domains = _rows([1.0] * len(names), gap=0.045)
    x = list(range(1, len(x_labels) + 1))
    c_limit = max(1e-6, float(np.max(np.abs(inside.get("c", np.zeros(1))))))
    bottom_axis = _axis_name(len(names), "y")[0]
    bar = dict(thickness=10, len=0.3)
    layout = {"xaxis": dict(tickvals=x, ticktext=x_labels, tickangle=0, showgrid=False, anchor=bottom_axis),
              "annotations": [], "shapes": [],
              "coloraxis": dict(colorscale=GATE_SCALE, cmin=0, cmax=1, colorbar=dict(bar, y=0.85)),
              "coloraxis2": dict(colorscale=DIVERGING, cmin=-1, cmax=1, colorbar=dict(bar, y=0.5)),
              "coloraxis3": dict(colorscale=DIVERGING, cmin=-c_limit, cmax=c_limit, colorbar=dict(bar, y=0.15))}
    axis_of = {"i": "coloraxis", "f": "coloraxis", "o": "coloraxis", "g": "coloraxis2", "h": "coloraxis2",
               "c": "coloraxis3"}
    data = []
    for k, (name, domain) in enumerate(zip(names, domains), start=1):
        ref, key = _axis_name(k, "y")
        z = inside[name].T
        data.append(dict(type="heatmap", xaxis="x", yaxis=ref, z=z, x=x, y=[str(u) for u in range(1, z.shape[0] + 1)],
                         coloraxis=axis_of[name], name=row_titles[name],
                         hovertemplate=f"{row_titles[name]}<br>t=%{{x}}, {unit} %{{y}}: %{{z:.3f}}<extra></extra>"))
        layout[key] = dict(domain=list(domain), anchor="x", showticklabels=False, autorange="reversed")
        layout["annotations"].append(_row_title(row_titles[name], domain[1]))
    if mark_at is not None:
        layout["shapes"].append(dict(type="rect", xref="x", yref="paper", x0=mark_at + 0.5, x1=mark_at + 1.5, y0=0,
                                     y1=1, line=dict(color=BACKWARD, width=2), layer="above"))
    return lean_figure(data, layout, title=title, height=110 + 100 * len(names), revision="gates-over-time", legend=False)


def answer_figure(probabilities: np.ndarray, letters: str, correct: int, *, title: str) -> go.Figure:
    """The network's probability for each letter; the right answer in green."""
    probabilities = [float(p) for p in probabilities]
    data = [dict(type="bar", x=list(letters), y=probabilities,
                 marker=dict(color=[GOOD if k == correct else MUTED for k in range(len(letters))]),
                 text=[f"{p:.0%}" for p in probabilities], textposition="outside", cliponaxis=False,
                 hovertemplate="%{x}: %{y:.3f}<extra></extra>")]
    layout = {"yaxis": dict(range=[0, 1.15], tickformat=".0%")}
    return lean_figure(data, layout, title=title, height=240, revision="answer", legend=False)


def accuracy_figure(curves: dict[str, tuple[list, list]], *, solved: dict[str, int | None], goal: float,
                    chance: float, title: str | None, x_title: str, y_title: str, goal_name: str,
                    chance_name: str) -> go.Figure:
    """Held-out accuracy against training steps, one panel per model side by side, goal and chance marked."""
    names = list(curves)
    gap = 0.05
    width = (1.0 - gap * (len(names) - 1)) / len(names)
    layout = {"yaxis": dict(range=[0, 1.05], tickformat=".0%", title=dict(text=y_title), anchor="x"),
              "annotations": []}
    data = []
    for col, name in enumerate(names, start=1):
        ref, key = _axis_name(col, "x")
        left = (col - 1) * (width + gap)
        layout[key] = dict(domain=[left, left + width], anchor="y", title=dict(text=x_title))
        if col > 1:
            layout[key]["matches"] = "x"  # one step scale for all: who got there first is plain to see
        if len(names) > 1:
            layout["annotations"].append(dict(text=f"<b>{name}</b>", x=left + width / 2, xref="paper",
                                              xanchor="center", y=1.0, yref="paper", yanchor="bottom",
                                              showarrow=False))
        steps, accuracy = curves[name]
        end = max(list(steps) or [1])
        color = PALETTE[(col - 1) % len(PALETTE)]
        data.append(dict(type="scatter", xaxis=ref, yaxis="y", x=list(steps), y=list(accuracy), mode="lines",
                         name=name, line=dict(color=color, width=2.5), showlegend=False,
                         hovertemplate=f"{name}: %{{x}} → %{{y:.1%}}<extra></extra>"))
        if solved.get(name) is not None:
            star = dict(symbol="star", size=16, color=GOOD, line=dict(color="white"))
            data.append(dict(type="scatter", xaxis=ref, yaxis="y", x=[solved[name]], y=[goal], mode="markers",
                             showlegend=False, marker=star, hovertemplate=f"{name}: %{{x}}<extra></extra>"))
        for y, line_name, line_color in ((goal, goal_name, GOOD), (chance, chance_name, MUTED)):
            data.append(dict(type="scatter", xaxis=ref, yaxis="y", x=[0, end], y=[y, y], mode="lines",
                             name=line_name, legendgroup=line_name, showlegend=col == 1, hoverinfo="skip",
                             line=dict(color=line_color, dash="dash", width=1.2)))
    layout.update(BOTTOM_LEGEND)
    if len(names) > 1 and not title:
        layout["margin"] = dict(t=30)  # room for the panel names
    return lean_figure(data, layout, title=title, height=340, revision="accuracy")
