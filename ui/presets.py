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
from ui.pending import LESSON, apply_values

PRESETS_FILE = Path(__file__).resolve().parent.parent / "assets" / "presets.toml"


@functools.cache
def all_presets() -> dict[str, dict[str, dict[str, str]]]:
    """{page: {preset id: {param: value}}} as written in assets/presets.toml."""
    with PRESETS_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    return {page: {pid: {k: str(v) for k, v in params.items()} for pid, params in presets.items()}
            for page, presets in data.items()}


def preset_buttons(ns: str) -> None:
    """A row of buttons that set the page to each preset (rendered nowhere if the page has none).

    The pressed lesson stays marked, with its "what to look for" note on the page (a tooltip is invisible on a
    touch screen), until the learner changes a control.
    """
    presets = all_presets().get(ns, {})
    if not presets:
        return
    active = active_lesson(ns)
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    row.markdown(t("presets.heading"))
    for pid, params in presets.items():
        help_key = f"{ns}.presets.{pid}_help"
        row.button(t(f"{ns}.presets.{pid}"), key=f"{ns}.preset.{pid}", on_click=_start_lesson, args=(ns, pid, params),
                   help=t(help_key) if has(help_key) else None, type="primary" if pid == active else "secondary",
                   icon=":material/check:" if pid == active else ":material/school:")
    if active is not None:
        note_key = f"{ns}.presets.{active}_help"
        note = t(note_key) if has(note_key) else ""
        st.info(t("presets.active", name=t(f"{ns}.presets.{active}"), note=note), icon=":material/school:")


def active_lesson(ns: str) -> str | None:
    """The lesson last pressed on this page, while its settings are unchanged (forgotten at the first change)."""
    lesson = st.session_state.get(f"{LESSON}.{ns}")
    if lesson is None:
        return None
    settings = lesson.get("settings")  # the controls as the lesson left them (recorded by Page.finish)
    if settings is not None and any(st.session_state.get(f"{ns}.{name}") != value for name, value in settings.items()):
        del st.session_state[f"{LESSON}.{ns}"]
        return None
    return lesson["id"]


def _start_lesson(ns: str, pid: str, params: dict[str, str]) -> None:
    apply_values(ns, params)
    st.session_state[f"{LESSON}.{ns}"] = {"id": pid, "settings": None}
