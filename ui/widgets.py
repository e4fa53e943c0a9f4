"""Small widgets several pages share."""
from __future__ import annotations

import streamlit as st

from core.formula import Formula, FormulaError, parse_formula
from ui.i18n import error_text
from ui.page import Page


def formula_error_text(err: FormulaError) -> str:
    """The user's language's explanation of why a formula was refused."""
    return error_text("formula.error", err)


def formula_input(page: Page, name: str, default: str, variables: tuple[str, ...] = ("x",), *,
                  where=None, label: str | None = None) -> Formula | None:
    """A text box for a formula in `variables`; shows a clear message and returns None when it is refused."""
    text = page.text(name, default, max_chars=200, where=where, label=label)
    try:
        return parse_formula(text, variables)
    except FormulaError as err:
        (where or st).error(formula_error_text(err), icon=":material/function:")
        return None
