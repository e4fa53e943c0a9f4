"""Settings applied to a page as if they came from a link: a lesson preset, or an uploaded model's settings.

Its own module so that the page frame (ui/page.py), the presets (ui/presets.py) and the model files
(ui/checkpoints.py) share it without importing each other in a circle.
"""
from __future__ import annotations

import streamlit as st

LESSON = "_lesson"  # session key prefix of the lesson preset last pressed on a page (ui/presets.py)


def apply_values(ns: str, values: dict[str, str]) -> None:
    """Set a page's controls from link-style values on its next run (use in an on_click callback).

    Every control of the page is reset first, so controls the values don't name return to their defaults;
    the values then go through the same checks as a link's.
    """
    if "seed" in values:  # the seed is the sidebar's (app-wide) control
        try:
            st.session_state["app.seed"] = min(max(int(float(values["seed"])), 0), 2**31 - 1)
        except (TypeError, ValueError, OverflowError):
            pass
        values = {name: value for name, value in values.items() if name != "seed"}
    for name in st.session_state.get(f"_names.{ns}", []):
        for key in (f"{ns}.{name}", f"_keep.{ns}.{name}"):
            if key in st.session_state:
                del st.session_state[key]
    st.session_state[f"_pending.{ns}"] = {name: str(value) for name, value in values.items()}
