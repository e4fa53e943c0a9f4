"""A topic page's frame: translated header, and controls whose values live in the URL (shareable links).

Every control has a stable short name (`lr`, `w1`, the name in the formula). Its value is written to the
URL's query string when it differs from the default, so a copied link reopens the page as it was; on a
page's first run the link's values are read back, checked, clamped to range or ignored, and each
correction is shown as a notice at the top of the page. URL values are language-independent option
names, never translated labels. Widget keys are "<page>.<name>", so pages never share a widget's state;
a shadow copy keeps each value while the user visits other pages.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Hashable, Sequence

import streamlit as st

from ui.compat.streamlit_internals import leave_legacy_multipage_mode
from ui.i18n import current_language, has, literal, t
from ui.pending import LESSON
from ui.presets import preset_buttons
from ui.reconnect import note_new_session
from ui.teaching import TRY_STEPS, try_this

GLOBAL_PARAMS = {"lang", "seed"}  # owned by the sidebar in app.py
DEFAULT_SEED = 42


class LinkValueError(ValueError):
    """A link parameter that cannot be used as it is."""


def seed() -> int:
    """The app-wide random seed chosen in the sidebar (and carried by links)."""
    return int(st.session_state.get("app.seed", DEFAULT_SEED))


def _leave_legacy_multipage_mode() -> None:
    """Make sure app.py (navigation, sidebar) runs even when a fresh server's first visit is a page URL."""
    if leave_legacy_multipage_mode():
        st.rerun()


class Page:
    """Header, bound controls and link notices of one page; `ns` is its catalog namespace."""

    def __init__(self, ns: str):
        note_new_session()  # before anything can rerun: the first run's widget values tell a reconnect
        _leave_legacy_multipage_mode()
        self.ns = ns
        visited = f"_visited.{ns}"
        self.first_run = visited not in st.session_state
        st.session_state[visited] = True
        # values to apply as if they came from a link: a lesson preset or an uploaded model's settings
        self.pending: dict[str, str] | None = st.session_state.pop(f"_pending.{ns}", None)
        self.names: set[str] = set()
        # The browser keeps a radio's or drop-down's choice by its label: after a language switch the labels are
        # new, and it showed the old language's label or no choice at all until the value was sent again.
        lang_key = f"_lang.{ns}"
        self.relabel = st.session_state.get(lang_key, current_language()) != current_language()
        st.session_state[lang_key] = current_language()
        self._notices: list[str] = []
        self._notice_box = None
        self._presets_shown = False

    # ----- layout -----
    def header(self, intro: bool = True) -> None:
        """The frame every topic page opens with: title, the one-paragraph introduction, the place where link
        notices appear, the lesson presets and the "Try this" path (where the page has them)."""
        st.title(t(f"{self.ns}.title"))
        if intro and has(f"{self.ns}.intro"):
            st.markdown(t(f"{self.ns}.intro"))
        self._notice_box = st.container()
        self.presets()
        if has(f"{self.ns}.try.{TRY_STEPS[0]}"):
            try_this(self.ns)

    def presets(self) -> None:
        """One-click lesson presets for this page (assets/presets.toml), each also a shareable link; once a run."""
        if not self._presets_shown:
            self._presets_shown = True
            preset_buttons(self.ns)

    def finish(self, *, where=None, unknown: bool = True) -> None:
        """Call last: notices for unknown link parameters, then all notices of this run."""
        st.session_state[f"_names.{self.ns}"] = sorted(self.names)
        lesson = st.session_state.get(f"{LESSON}.{self.ns}")
        if lesson is not None and lesson["settings"] is None:  # the run that applied a lesson: remember its values
            lesson["settings"] = {name: st.session_state.get(f"{self.ns}.{name}") for name in self.names}
        if self.first_run and unknown:
            for name in list(st.query_params.keys()):
                if name not in self.names and name not in GLOBAL_PARAMS:
                    self._notices.append(t("link.unknown", name=literal(name[:40])))
                    del st.query_params[name]
        if self._notices:
            box = where or (self._notice_box if self._notice_box is not None else st)
            box.warning("\n\n".join(self._notices), icon=":material/link_off:")

    # ----- controls -----
    def slider(self, name: str, lo: float, hi: float, default: float, step: float | None = None,
               *, fmt: str | None = None, where=None, label: str | None = None) -> float:
        """A numeric slider; link values outside [lo, hi] are clamped with a notice."""
        is_int = all(isinstance(v, int) for v in (lo, hi, default)) and (step is None or isinstance(step, int))
        decode = _number_decoder(lo, hi, is_int)
        render = lambda key, label, help: (where or st).slider(  # noqa: E731
            label, min_value=lo, max_value=hi, step=step, format=fmt, key=key, help=help)
        return self._control(name, default, decode, _encode_number, render, label)

    def number(self, name: str, lo: float, hi: float, default: float, step: float | None = None,
               *, fmt: str | None = None, where=None, label: str | None = None) -> float:
        """A typed number (for exact values such as weights); clamped like the slider."""
        is_int = all(isinstance(v, int) for v in (lo, hi, default)) and (step is None or isinstance(step, int))
        decode = _number_decoder(lo, hi, is_int)

        def render(key, label, help):
            # value=None: a cleared or unreadable box ("abc", 1e999) arrives as None instead of as the minimum,
            # and _keep_number puts the previous value back with a note
            value = (where or st).number_input(label, min_value=lo, max_value=hi, value=None, step=step,
                                               format=fmt, key=key, help=help, on_change=_keep_number,
                                               args=(key, label, lo, hi))
            note = st.session_state.pop(f"_number_note.{key}", None)
            if note:
                (where or st).warning(note, icon=":material/edit_off:")
            return value

        return self._control(name, default, decode, _encode_number, render, label)

    def choice(self, name: str, options: Sequence[Any], default: Any, *, labels: dict | Callable | None = None,
               style: str = "select", where=None, label: str | None = None) -> Any:
        """Pick one of `options` (strings or numbers). `labels` translates them for display only.

        style: "select" (drop-down), "radio", "segmented" (buttons), or "slider" (ordered values, e.g. a
        learning rate ladder).
        """
        options = list(options)
        by_text = {str(option): option for option in options}

        def decode(raw: str):
            if raw in by_text:
                return by_text[raw], None
            for option in options:  # numbers written another way: "10" for 10.0, "1e-3" for 0.001
                if isinstance(option, (int, float)) and not isinstance(option, bool) and float(raw) == option:
                    return option, None
            raise LinkValueError

        fmt = _formatter(labels)
        container = where or st

        def render(key, label, help):
            if style == "radio":
                return container.radio(label, options, key=key, help=help, format_func=fmt, horizontal=True)
            if style == "segmented":
                return container.segmented_control(label, options, key=key, help=help, format_func=fmt,
                                                   selection_mode="single", required=True)
            if style == "slider":
                return container.select_slider(label, options, key=key, help=help, format_func=fmt)
            return container.selectbox(label, options, key=key, help=help, format_func=fmt)

        return self._control(name, default, decode, str, render, label)

    def choices(self, name: str, options: Sequence[str], default: Sequence[str], *,
                labels: dict | Callable | None = None, style: str = "select", where=None,
                label: str | None = None) -> list[str]:
        """Pick several options; the link holds them comma-separated. style: "select" (a drop-down whose chosen
        options show as chips) or "pills" (every option a button that wraps to new lines: all always in view)."""
        options = list(options)

        def decode(raw: str):
            picked = [part for part in raw.split(",") if part]
            kept = [p for p in picked if p in options]
            if not kept and picked:
                raise LinkValueError
            return kept, (None if len(kept) == len(picked) else ",".join(kept))

        def render(key, label, help):
            if style == "pills":
                return (where or st).pills(label, options, selection_mode="multi", key=key, help=help,
                                           format_func=_formatter(labels))
            return (where or st).multiselect(label, options, key=key, help=help, format_func=_formatter(labels))

        return self._control(name, list(default), decode, ",".join, render, label)

    def toggle(self, name: str, default: bool, *, where=None, label: str | None = None) -> bool:
        def decode(raw: str):
            if raw.lower() in ("1", "true", "yes", "on"):
                return True, None
            if raw.lower() in ("0", "false", "no", "off"):
                return False, None
            raise LinkValueError

        # wrap: in a column Streamlit cut a long label off with "…" ("Update the biases …")
        render = lambda key, label, help: (where or st).toggle(label, key=key, help=help, wrap=True)  # noqa: E731
        return self._control(name, default, decode, lambda v: "1" if v else "0", render, label)

    def text(self, name: str, default: str, *, max_chars: int = 200, area: bool = False, where=None,
             label: str | None = None) -> str:
        """Free text (sentences, formulas, sequences); links longer than `max_chars` are cut with a notice."""
        def decode(raw: str):
            return (raw[:max_chars], None) if len(raw) <= max_chars else (raw[:max_chars], raw[:max_chars])

        container = where or st

        def render(key, label, help):
            if area:
                return container.text_area(label, key=key, help=help, max_chars=max_chars)
            return container.text_input(label, key=key, help=help, max_chars=max_chars)

        return self._control(name, default, decode, str, render, label)

    def limit(self, name: str, hi: int) -> None:
        """Keep a position control inside a range that just shrank (a smaller picture, new settings)."""
        for key in (f"{self.ns}.{name}", f"_keep.{self.ns}.{name}"):
            if isinstance(st.session_state.get(key), int) and st.session_state[key] > hi:
                st.session_state[key] = hi

    def reset_on_change(self, name: str, signature: Hashable, value: Any) -> None:
        """Set control `name` to `value` when `signature` (the data or choice behind it) changed since the last
        run. A control not yet set (first visit, a link, a preset) is left to its default or the link's value.
        Call before the control is drawn."""
        key, seen = f"{self.ns}.{name}", f"_signature.{self.ns}.{name}"
        if key in st.session_state and st.session_state.get(seen) not in (None, signature):
            st.session_state[key] = value
        st.session_state[seen] = signature

    def set_value(self, name: str, value: Any) -> None:
        """Set control `name` from an on_click callback: the control shows `value` on the next run."""
        st.session_state[f"{self.ns}.{name}"] = value

    def value(self, name: str, default: Any = None) -> Any:
        """The current value of control `name` (e.g. inside a callback), or `default` before it exists."""
        return st.session_state.get(f"{self.ns}.{name}", default)

    def declare(self, *names: str) -> None:
        """Link parameters this page owns but did not draw this run (a control shown for another mode only):
        a link that carries them gets no "unknown parameter" notice, and a preset resets them too."""
        self.names.update(names)

    # ----- the binding itself -----
    def _control(self, name, default, decode, encode, render, label):
        key = f"{self.ns}.{name}"
        self.names.add(name)
        if key not in st.session_state:
            if self.pending is not None:  # a preset or a model's settings: unnamed controls go to default
                value, raw = default, self.pending.get(name)
            else:
                value = st.session_state.get(f"_keep.{key}", default)
                raw = st.query_params.get(name) if self.first_run else None
            if raw is not None:
                try:
                    value, corrected = decode(str(raw))
                    if corrected is not None:
                        self._notices.append(t("link.clamped", setting=literal(f"{name}={str(raw)[:40]}"),
                                                           value=literal(corrected)))
                except (LinkValueError, ValueError, OverflowError):
                    value = default
                    self._notices.append(t("link.ignored", setting=literal(f"{name}={str(raw)[:40]}"),
                                           value=literal(encode(default))))
            st.session_state[key] = value
        elif self.relabel:
            st.session_state[key] = st.session_state[key]  # sends the value with the new labels
        label = label if label is not None else t(f"{self.ns}.controls.{name}")
        help_key = f"{self.ns}.controls.{name}_help"
        value = render(key, label, t(help_key) if has(help_key) else None)
        if isinstance(value, float):
            value += 0.0  # -0.0 (typed, or from a link) is 0.0: NumPy refuses a scale of -0.0, links show "0"
        st.session_state[f"_keep.{key}"] = value
        self._sync_url(name, None if value == default else encode(value))
        return value

    @staticmethod
    def _sync_url(name: str, encoded: str | None) -> None:
        current = st.query_params.get(name)
        if encoded is None:
            if current is not None:
                del st.query_params[name]
        elif current != encoded:
            st.query_params[name] = encoded


def _keep_number(key: str, label: str, lo: float, hi: float) -> None:
    """on_change of a number box: an empty, unreadable or out-of-range entry keeps the previous value."""
    value = st.session_state.get(key)
    if value is not None and math.isfinite(value) and lo <= value <= hi:
        return
    previous = st.session_state.get(f"_keep.{key}")
    if previous is None:
        return
    st.session_state[key] = previous
    st.session_state[f"_number_note.{key}"] = t("controls.number_kept", label=label, lo=_encode_number(lo),
                                                 hi=_encode_number(hi), value=_encode_number(previous))


def _formatter(labels: dict | Callable | None) -> Callable[[Any], str]:
    if labels is None:
        return str
    if callable(labels):
        return labels
    return lambda option: labels.get(option, str(option))


def _encode_number(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:.6g}"


def _number_decoder(lo: float, hi: float, is_int: bool):
    def decode(raw: str):
        x = float(raw) + 0.0  # "-0" is 0: a signed zero passes `x < lo` yet NumPy refuses it as a scale
        if not math.isfinite(x):
            raise LinkValueError
        if is_int:
            if x != int(x):
                raise LinkValueError
            x = int(x)
        if x < lo or x > hi:
            clamped = min(max(x, lo), hi)
            return clamped, _encode_number(clamped)
        return x, None

    return decode
