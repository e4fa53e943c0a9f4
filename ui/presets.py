"""Lesson presets: curated starting points per page (assets/presets.toml), one click each, each also a link.

A preset is a set of link parameters, so applying it goes through exactly the checks a shared link does,
and the URL it leaves behind is the preset's link.
"""
from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import streamlit as st

from ui.i18n import has, t
from ui.page import apply_values

PRESETS_FILE = Path(__file__).resolve().parent.parent / "assets" / "presets.toml"


@functools.cache
def all_presets() -> dict[str, dict[str, dict[str, str]]]:
    """{page: {preset id: {param: value}}} as written in assets/presets.toml."""
    with PRESETS_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    return {page: {pid: {k: str(v) for k, v in params.items()} for pid, params in presets.items()}
            for page, presets in data.items()}


def preset_buttons(ns: str) -> None:
    """A row of buttons that set the page to each preset (rendered nowhere if the page has none)."""
    presets = all_presets().get(ns, {})
    if not presets:
        return
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    row.markdown(t("presets.heading"))
    for pid, params in presets.items():
        help_key = f"{ns}.presets.{pid}_help"
        row.button(t(f"{ns}.presets.{pid}"), key=f"{ns}.preset.{pid}", on_click=apply_values, args=(ns, params),
                   help=t(help_key) if has(help_key) else None, type="secondary", icon=":material/school:")
