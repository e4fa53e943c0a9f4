"""The backprop page's pictures: the 2-2-2 network graph, the loss curve, and the chain-rule formulas with
the numbers filled in (LaTeX built from the same values core/basics/backprop.py computed; notation as in the
worked example: net = weighted sum, out = activation of it, E = the loss). The charts are `lean_figure(data, layout)`
calls, from plain dicts: plotly's validated objects cost several milliseconds per figure (tests validate them)."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from core.basics.backprop import LEAKY_SLOPE, Backward, Example, Forward, Params
from ui.figures.common import PALETTE, lean_figure

# ----- numbers and symbols in LaTeX -----

ACT_SYMBOL = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\mathrm{ReLU}", "leaky_relu": r"\mathrm{LReLU}",
              "identity": r"\mathrm{id}"}


def num(value: float, paren: bool = False) -> str:
    """A value as the worked example prints it (9 significant digits); negatives bracketed inside products."""
    if not math.isfinite(value):
        return r"\text{" + ("NaN" if math.isnan(value) else ("∞" if value > 0 else "−∞")) + "}"
    text = f"{value:.9g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return f"({text})" if paren and value < 0 else text


def _net(node: str) -> str:
    return rf"\mathit{{net}}_{{{node}}}"


def _out(node: str) -> str:
    return rf"\mathit{{out}}_{{{node}}}"


def _d(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


def derivative_terms(act: str, node: str, net: float, out: float) -> tuple[str, str]:
    """f'(net) for the activation: in symbols (via out where the worked example does) and with numbers."""
    if act == "sigmoid":
        return rf"{_out(node)}\,(1-{_out(node)})", rf"{num(out)}\,(1-{num(out)})"
    if act == "tanh":
        return rf"1-{_out(node)}^{{2}}", rf"1-{num(out, True)}^{{2}}"
    if act == "relu":
        return rf"[{_net(node)}>0]", rf"[{num(net)}>0]"
    if act == "leaky_relu":  # 1 where net > 0, else the leak slope; [..] is 1 when true, 0 when false
        a, rest = f"{LEAKY_SLOPE:g}", f"{1 - LEAKY_SLOPE:g}"
        return rf"{a} + {rest}\,[{_net(node)}>0]", rf"{a} + {rest}\,[{num(net)}>0]"
    return "1", "1"


def forward_latex(p: Params, x: Example, fw: Forward, act: str) -> list[str]:
    """Each neuron's weighted sum and activation, numbers filled in."""
    f = ACT_SYMBOL[act]
    rows = []
    hidden = (("h1", "w_1", "w_2", p.w1, p.w2, fw.net_h1, fw.out_h1),
              ("h2", "w_3", "w_4", p.w3, p.w4, fw.net_h2, fw.out_h2))
    for node, wa, wb, va, vb, net, out in hidden:
        rows.append(rf"{_net(node)} = {wa}\,i_1 + {wb}\,i_2 + b_1 = {num(va)}\times{num(x.i1, True)} + "
                    rf"{num(vb)}\times{num(x.i2, True)} + {num(p.b1, True)} = {num(net)}")
        rows.append(rf"{_out(node)} = {f}({_net(node)}) = {f}({num(net)}) = {num(out)}")
    output = (("o1", "w_5", "w_6", p.w5, p.w6, fw.net_o1, fw.out_o1),
              ("o2", "w_7", "w_8", p.w7, p.w8, fw.net_o2, fw.out_o2))
    for node, wa, wb, va, vb, net, out in output:
        rows.append(rf"{_net(node)} = {wa}\,{_out('h1')} + {wb}\,{_out('h2')} + b_2"
                    rf" = {num(va)}\times{num(fw.out_h1, True)} + {num(vb)}\times{num(fw.out_h2, True)}"
                    rf" + {num(p.b2, True)} = {num(net)}")
        rows.append(rf"{_out(node)} = {f}({_net(node)}) = {f}({num(net)}) = {num(out)}")
    return rows


def loss_latex(x: Example, fw: Forward) -> list[str]:
    rows = [rf"E_{{{node}}} = \tfrac12\,(t_{k} - {_out(node)})^2 = \tfrac12\,({num(t)} - {num(out, True)})^2 = {num(e)}"
            for k, node, t, out, e in ((1, "o1", x.t1, fw.out_o1, fw.E_o1), (2, "o2", x.t2, fw.out_o2, fw.E_o2))]
    return rows + [rf"E = E_{{o1}} + E_{{o2}} = {num(fw.E_o1)} + {num(fw.E_o2)} = {num(fw.E)}"]


def _weight_row(w: str, node: str, d_out: float, d_net: float, d_input: float, grad: float) -> str:
    """The chain rule for one weight: dE/dw = dE/dout · dout/dnet · dnet/dw (the last is the weight's input)."""
    return (rf"{_d('E', w)} = {_d('E', _out(node))}\cdot{_d(_out(node), _net(node))}\cdot{_d(_net(node), w)}"
            rf" = {num(d_out, True)}\times{num(d_net, True)}\times{num(d_input, True)} = {num(grad)}")


def _bias_row(b: str, nodes: tuple[str, str], deltas: tuple[float, float], grad: float) -> str:
    """A bias shared by a layer's two neurons: its gradient is the sum of their deltas dE/dnet."""
    return (rf"{_d('E', b)} = {_d('E', _net(nodes[0]))}\cdot 1 + {_d('E', _net(nodes[1]))}\cdot 1"
            rf" = {num(deltas[0])} + {num(deltas[1], True)} = {num(grad)}")


def output_layer_latex(x: Example, fw: Forward, bw: Backward, act: str) -> list[str]:
    """dE/dout, dout/dnet for both outputs, then the chain rule for w5..w8 and b2."""
    rows = []
    for node, t_sym, t_val, out, net, dE, dnet in (
            ("o1", "t_1", x.t1, fw.out_o1, fw.net_o1, bw.dE_dout_o1, bw.dout_dnet_o1),
            ("o2", "t_2", x.t2, fw.out_o2, fw.net_o2, bw.dE_dout_o2, bw.dout_dnet_o2)):
        rows.append(rf"{_d('E', _out(node))} = {_out(node)} - {t_sym} = {num(out)} - {num(t_val, True)} = {num(dE)}")
        sym, nums = derivative_terms(act, node, net, out)
        rows.append(rf"{_d(_out(node), _net(node))} = {sym} = {nums} = {num(dnet)}")
    for w, node, h, h_val, dE, dnet in (
            ("w_5", "o1", "h1", fw.out_h1, bw.dE_dout_o1, bw.dout_dnet_o1),
            ("w_6", "o1", "h2", fw.out_h2, bw.dE_dout_o1, bw.dout_dnet_o1),
            ("w_7", "o2", "h1", fw.out_h1, bw.dE_dout_o2, bw.dout_dnet_o2),
            ("w_8", "o2", "h2", fw.out_h2, bw.dE_dout_o2, bw.dout_dnet_o2)):
        rows.append(_weight_row(w, node, dE, dnet, h_val, bw.grads[w.replace("_", "")]))
    rows.append(_bias_row("b_2", ("o1", "o2"), (bw.delta_o1, bw.delta_o2), bw.grads["b2"]))
    return rows


def hidden_layer_latex(p: Params, x: Example, fw: Forward, bw: Backward, act: str) -> list[str]:
    """dE/dout_h (h feeds both outputs), dout/dnet, then the chain rule for w1..w4 and b1."""
    rows = []
    for node, wa, wb, va, vb, dout, net, out, dnet in (
            ("h1", "w_5", "w_7", p.w5, p.w7, bw.dE_dout_h1, fw.net_h1, fw.out_h1, bw.dout_dnet_h1),
            ("h2", "w_6", "w_8", p.w6, p.w8, bw.dE_dout_h2, fw.net_h2, fw.out_h2, bw.dout_dnet_h2)):
        rows.append(rf"{_d('E', _out(node))} = {_d('E', _net('o1'))}\,{wa} + {_d('E', _net('o2'))}\,{wb}"
                    rf" = {num(bw.delta_o1, True)}\times{num(va, True)} + {num(bw.delta_o2, True)}\times{num(vb, True)}"
                    rf" = {num(dout)}")
        sym, nums = derivative_terms(act, node, net, out)
        rows.append(rf"{_d(_out(node), _net(node))} = {sym} = {nums} = {num(dnet)}")
    for w, node, i_sym, i_val, dout, dnet in (
            ("w_1", "h1", "i_1", x.i1, bw.dE_dout_h1, bw.dout_dnet_h1),
            ("w_2", "h1", "i_2", x.i2, bw.dE_dout_h1, bw.dout_dnet_h1),
            ("w_3", "h2", "i_1", x.i1, bw.dE_dout_h2, bw.dout_dnet_h2),
            ("w_4", "h2", "i_2", x.i2, bw.dE_dout_h2, bw.dout_dnet_h2)):
        rows.append(_weight_row(w, node, dout, dnet, i_val, bw.grads[w.replace("_", "")]))
    rows.append(_bias_row("b_1", ("h1", "h2"), (bw.delta_h1, bw.delta_h2), bw.grads["b1"]))
    return rows


def update_latex(name: str, before: float, grad: float, lr: float, after: float) -> str:
    sym = f"{name[0]}_{name[1:]}"
    return (rf"{sym}^{{+}} = {sym} - \eta\,{_d('E', sym)} = {num(before)} - {num(lr)}\times{num(grad, True)}"
            rf" = {num(after)}")


# ----- the network graph -----

NODES = {"i1": (0.0, 1.0), "i2": (0.0, 0.0), "h1": (1.0, 1.0), "h2": (1.0, 0.0), "o1": (2.0, 1.0), "o2": (2.0, 0.0),
         "b1": (0.5, -0.55), "b2": (1.5, -0.55)}
EDGES = {"w1": ("i1", "h1"), "w2": ("i2", "h1"), "w3": ("i1", "h2"), "w4": ("i2", "h2"),
         "w5": ("h1", "o1"), "w6": ("h2", "o1"), "w7": ("h1", "o2"), "w8": ("h2", "o2")}
BIAS_EDGES = {"b1": ("h1", "h2"), "b2": ("o1", "o2")}
LOSS_COLOR = PALETTE[3]  # E: the loss curve and the per-output losses on the graph
NODE_COLOR = {"i": "#64748b", "h": PALETTE[0], "o": PALETTE[4], "b": "#94a3b8"}


def network_figure(p: Params, x: Example, fw: Forward | None, grads: dict[str, float] | None,
                   after: Params | None, *, title: str, height: int = 430) -> go.Figure:
    """Nodes with their values, edges labelled with weights (and gradients, and new values once known).

    Edge width follows |w|, colour its sign (blue +, orange −). Labels of the crossing diagonals sit near
    their start so they do not overlap in the middle.
    """
    weights = p.as_dict()
    data, notes = [], []
    for name, (a, b) in EDGES.items():
        (x0, y0), (x1, y1) = NODES[a], NODES[b]
        w = weights[name]
        data.append(dict(type="scatter", x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="skip", showlegend=False,
                         line=dict(color=PALETTE[0] if w >= 0 else PALETTE[1],
                                   width=float(np.clip(1.5 + 3 * abs(w), 1.5, 9)))))
        frac = 0.5 if y0 == y1 else 0.27
        lines = [f"<b>{name}</b> = {w:.4g}"]
        if grads is not None:
            lines.append(f"∂E/∂{name} = {grads[name]:.4g}")
        if after is not None:
            lines.append(f"→ {getattr(after, name):.6g}")
        notes.append(dict(x=x0 + frac * (x1 - x0), y=y0 + frac * (y1 - y0), text="<br>".join(lines), showarrow=False,
                          font=dict(size=11, color="#0f172a"), bgcolor="rgba(255,255,255,0.85)", borderpad=2))
    for bias, targets in BIAS_EDGES.items():
        bx, by = NODES[bias]
        for node in targets:
            nx, ny = NODES[node]
            data.append(dict(type="scatter", x=[bx, nx], y=[by, ny], mode="lines", hoverinfo="skip", showlegend=False,
                             line=dict(color="#cbd5e1", width=1.5, dash="dot")))
    node_text = {"i1": [f"i1 = {x.i1:.4g}"], "i2": [f"i2 = {x.i2:.4g}"],
                 "b1": [f"b1 = {p.b1:.4g}"], "b2": [f"b2 = {p.b2:.4g}"]}
    if fw is not None:
        for node in ("h1", "h2", "o1", "o2"):
            node_text[node] = [f"net = {getattr(fw, 'net_' + node):.6g}", f"out = {getattr(fw, 'out_' + node):.6g}"]
    if grads is not None:
        for bias in ("b1", "b2"):
            node_text[bias].append(f"∂E/∂{bias} = {grads[bias]:.4g}")
            if after is not None:
                node_text[bias].append(f"→ {getattr(after, bias):.6g}")
    for node, lines in node_text.items():
        nx, ny = NODES[node]
        if node[0] == "b":  # biases: text to the left of the node, so the plot's bottom edge never cuts it
            notes.append(dict(x=nx - 0.09, y=ny, text="<br>".join(lines), showarrow=False, xanchor="right",
                              font=dict(size=11, color="#334155")))
            continue
        above = ny > 0.5
        notes.append(dict(x=nx, y=ny + (0.17 if above else -0.17), text="<br>".join(lines), showarrow=False,
                          yanchor="bottom" if above else "top", font=dict(size=11, color="#334155")))
    for node, target, value in (("o1", "t1", x.t1), ("o2", "t2", x.t2)):
        nx, ny = NODES[node]
        notes.append(dict(x=nx + 0.22, y=ny, text=f"{target} = {value:.4g}", showarrow=False, xanchor="left",
                          font=dict(size=12, color=PALETTE[2])))
        if fw is not None:
            loss = getattr(fw, "E_" + node)
            notes.append(dict(x=nx + 0.22, y=ny - 0.09, xanchor="left", showarrow=False,
                              font=dict(size=11, color=PALETTE[3]), text=f"E<sub>{node}</sub> = {loss:.6g}"))
    names = list(NODES)
    data.append(dict(type="scatter", x=[NODES[n][0] for n in names], y=[NODES[n][1] for n in names],
                     mode="markers+text", text=names, textfont=dict(color="white", size=14), hoverinfo="skip",
                     showlegend=False, marker=dict(size=[44 if n[0] != "b" else 30 for n in names],
                                                   color=[NODE_COLOR[n[0]] for n in names],
                                                   line=dict(color="white", width=2))))
    layout = dict(xaxis=dict(visible=False, range=[-0.3, 2.75]), yaxis=dict(visible=False, range=[-0.85, 1.5]),
                  annotations=notes, plot_bgcolor="white")
    return lean_figure(data, layout, title=title, height=height, legend=False)


def loss_curve_figure(steps: Sequence[int], losses: Sequence[float], *, title: str, x_title: str,
                      y_title: str) -> go.Figure:
    """E after s updates on log-log axes: the first steps and the millionth both stay visible (s = 0 left out)."""
    s = np.asarray(steps, dtype=float)
    e = np.asarray(losses, dtype=float)
    keep = (s > 0) & (e > 0) & np.isfinite(e)
    data = [dict(type="scatter", x=s[keep], y=e[keep], mode="lines+markers", marker=dict(size=4),
                 line=dict(color=LOSS_COLOR, width=2), name="E", hovertemplate="%{x:,}: E = %{y:.6g}<extra></extra>")]
    layout = dict(xaxis=dict(title=dict(text=x_title), type="log", exponentformat="power"),
                  yaxis=dict(title=dict(text=y_title), type="log", exponentformat="power"))
    return lean_figure(data, layout, title=title, height=320, legend=False)


def loss_curve_picture(steps: Sequence[int], losses: Sequence[float]) -> np.ndarray:
    """The loss curve as a picture for the live view: the same log-log line and colour, no hover (s = 0 left out
    by the log axis)."""
    from ui.figures.chart_pictures import Series, line_chart_image

    return line_chart_image([Series(losses, LOSS_COLOR, xs=steps, markers=True)], log_x=True, log_y=True,
                            height=260)
