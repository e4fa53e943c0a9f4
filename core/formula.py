"""Safe formulas typed by users (e.g. `x * sigmoid(1.7*x)`): parsed to a whitelisted tree, never `eval`-ed.

Python's `ast` module only *parses* the text; we then walk the tree ourselves and accept numbers, the
allowed variables, + - * / ** and unary minus, and the functions below. Anything else (attributes, calls
to unknown names, subscripts, lambdas, strings, comparisons...) is rejected with an error code the UI
translates. Evaluation is on torch tensors, so autograd gives derivatives of user formulas for free.
"""
from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F

from core.errors import InputError

MAX_LENGTH = 200  # characters: a formula, not a program
MAX_NODES = 200
MAX_POWER = 12.0  # a constant exponent above this overflows float32 anywhere but near 0

FUNCTIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "sin": torch.sin, "cos": torch.cos, "tan": torch.tan, "exp": torch.exp,
    "log": torch.log, "sqrt": torch.sqrt, "abs": torch.abs, "tanh": torch.tanh,
    "sigmoid": torch.sigmoid, "relu": torch.relu, "softplus": F.softplus, "erf": torch.erf,
    "sinh": torch.sinh, "cosh": torch.cosh, "atan": torch.atan, "sign": torch.sign,
}
CONSTANTS = {"pi": math.pi, "e": math.e}


class FormulaError(InputError):
    """A formula that is not allowed or not well formed; `code` + `detail` are translated by the UI."""



@dataclass(frozen=True)
class Formula:
    """A checked formula: call it with tensors for its variables."""

    text: str
    variables: tuple[str, ...]
    tree: ast.expr

    def __call__(self, **values: torch.Tensor) -> torch.Tensor:
        out = _evaluate(self.tree, values)
        first = next(iter(values.values()))
        if not isinstance(out, torch.Tensor):  # a constant formula such as "2": keep it on the graph
            out = first * 0.0 + float(out)
        return out if out.shape == first.shape else out.expand_as(first)


def parse_formula(text: str, variables: tuple[str, ...] = ("x",)) -> Formula:
    """Check `text` against the whitelist and return a callable Formula; raise FormulaError otherwise."""
    text = (text or "").strip().replace("^", "**")
    if not text:
        raise FormulaError("empty")
    if len(text) > MAX_LENGTH:
        raise FormulaError("too_long", limit=MAX_LENGTH)
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as err:
        raise FormulaError("syntax", column=err.offset or 0) from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise FormulaError("too_long", limit=MAX_LENGTH)
    for node in nodes:
        _check_node(node, variables)
    formula = Formula(text, variables, tree)
    formula(**{name: torch.zeros(1) for name in variables})  # trial run: constant overflow, misuse of names
    return formula


_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)


def _check_node(node: ast.AST, variables: tuple[str, ...]) -> None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError("bad_constant", text=repr(node.value)[:20])
    elif isinstance(node, ast.Name):
        if node.id not in variables and node.id not in CONSTANTS and node.id not in FUNCTIONS:
            raise FormulaError("unknown_name", name=node.id[:30], allowed=", ".join(variables))
    elif isinstance(node, ast.BinOp):
        if not isinstance(node.op, _OPERATORS):
            raise FormulaError("bad_operator")
        if isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant):
            if isinstance(node.right.value, (int, float)) and abs(node.right.value) > MAX_POWER:
                raise FormulaError("power_too_big", limit=MAX_POWER)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise FormulaError("bad_operator")
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise FormulaError("unknown_function", name=_called_name(node.func)[:30],
                               allowed=", ".join(sorted(FUNCTIONS)))
        if len(node.args) != 1 or node.keywords:
            raise FormulaError("one_argument", name=node.func.id)
    elif not isinstance(node, (ast.operator, ast.unaryop, ast.Load)):
        raise FormulaError("not_allowed", what=type(node).__name__)


def _called_name(func: ast.expr) -> str:
    """The dotted name a call names ("np.exp", "system" in `__import__('os').system`), for the message."""
    parts = []
    while isinstance(func, ast.Attribute):
        parts.insert(0, func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.insert(0, func.id)
    return ".".join(parts) or type(func).__name__


def _evaluate(node: ast.expr, values: dict[str, torch.Tensor]):
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id in values:
            return values[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise FormulaError("function_as_value", name=node.id)
    if isinstance(node, ast.UnaryOp):
        inner = _evaluate(node.operand, values)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, values), _evaluate(node.right, values)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            if not isinstance(left, torch.Tensor) and not isinstance(right, torch.Tensor) and right == 0:
                return math.copysign(math.inf, left) if left else math.nan  # as torch divides: ±inf or nan
            return left / right
        if not isinstance(left, torch.Tensor) and not isinstance(right, torch.Tensor):
            return _constant_power(left, right)
        return torch.pow(left, right) if isinstance(left, torch.Tensor) else torch.pow(torch.tensor(left), right)
    if isinstance(node, ast.Call):
        arg = _evaluate(node.args[0], values)
        tensor = arg if isinstance(arg, torch.Tensor) else torch.tensor(float(arg))
        return FUNCTIONS[node.func.id](tensor)
    raise FormulaError("not_allowed", what=type(node).__name__)


def _constant_power(base: float, exponent: float) -> float:
    """Powers of constants are computed by hand so `9**9**9` cannot hang or overflow the server."""
    if abs(exponent) > MAX_POWER or abs(base) > 1e6:
        raise FormulaError("power_too_big", limit=MAX_POWER)
    try:
        return float(base**exponent) if not (base < 0 and exponent != int(exponent)) else math.nan
    except (OverflowError, ZeroDivisionError):
        return math.inf
