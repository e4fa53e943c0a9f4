"""Translations: every visible string comes from `assets/i18n/<lang>/<namespace>.toml`, looked up by key.

A key is "<namespace>.<path>": `t("runner.start")` reads `start` in `runner.toml`; nested tables
give dotted paths. Placeholders use str.format: `t("runner.progress", n=3)`. With NNPG_STRICT_I18N=1
(set by the tests) a missing key raises, so a page that shows an untranslated string fails its test.
"""
from __future__ import annotations

import functools
import logging
import os
import re
import threading
import tomllib
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

CATALOG_DIR = Path(__file__).resolve().parent.parent / "assets" / "i18n"
LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"
_log = logging.getLogger(__name__)


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """All strings of one language, flattened to dotted keys."""
    flat: dict[str, str] = {}
    for path in sorted((CATALOG_DIR / lang).glob("*.toml")):
        with path.open("rb") as fh:
            _flatten(path.stem, tomllib.load(fh), flat)
    return flat


def _flatten(prefix: str, table: dict, out: dict[str, str]) -> None:
    for key, value in table.items():
        if isinstance(value, dict):
            _flatten(f"{prefix}.{key}", value, out)
        else:
            out[f"{prefix}.{key}"] = value


_speaking = threading.local()


@contextmanager
def speaking(lang: str):
    """`t` in `lang` in this thread, outside any page run (a live panel's frames are made in a server thread)."""
    before = getattr(_speaking, "lang", None)
    _speaking.lang = lang
    try:
        yield
    finally:
        _speaking.lang = before


def current_language() -> str:
    lang = getattr(_speaking, "lang", None)
    if lang is None:
        lang = st.session_state.get("app.lang", DEFAULT_LANGUAGE)  # the sidebar switch (key "app.lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def has(key: str) -> bool:
    return key in catalog(current_language())


def t(key: str, **values: object) -> str:
    """The current language's text for `key`, with `values` filled into its placeholders."""
    text = catalog(current_language()).get(key)
    if text is None:
        if os.environ.get("NNPG_STRICT_I18N") == "1":
            raise KeyError(f"missing translation: {current_language()}:{key}")
        _log.warning("missing translation %s:%s", current_language(), key)
        text = catalog(DEFAULT_LANGUAGE).get(key, key)
    if isinstance(text, list):
        return "\n".join(text)
    return text.format(**values) if values else text


def literal(text: object) -> str:
    """`text` as a Markdown code span: shown exactly as typed, never read as Markdown, HTML, LaTeX, a link, an
    emoji or an icon. Streamlit turns URLs, `:emoji:` and `:material/…:` into links and pictures even after
    backslash escapes (on the parsed text); code spans are the one place it leaves alone. Every visitor-made
    string (a link's value, a formula, a file's settings) goes into a message through this."""
    text = " ".join(str(text).splitlines())  # a blank line would end the span and the paragraph
    if not text:
        return "` `"
    fence = "`" * (1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    pad = " " if text[0] == "`" or text[-1] == "`" or (text[0] == " " and text[-1] == " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def literal_list(items) -> str:
    """Visitor-made words (tokens of a typed sentence, an uploaded corpus's vocabulary) as "`a`, `b`, `c`"."""
    return ", ".join(literal(item) for item in items)


_PLAIN = re.compile(r"[^\W_]+|[-+]?\d[\d,]*(\.\d+)?([eE][-+]?\d+)?|\d+×\d+")  # a word or a number: no Markdown


def error_text(prefix: str, err) -> str:
    """The translated message `<prefix>.<err.code>` of an InputError, its text details shown as `literal`s
    (they may repeat what the visitor typed); plain words and numbers stay as they are."""
    detail = {name: literal(value) if isinstance(value, str) and not _PLAIN.fullmatch(value) else value
              for name, value in err.detail.items()}
    return t(f"{prefix}.{err.code}", **detail)


def options(prefix: str, names: list[str]) -> dict[str, str]:
    """Translated labels for a list of option names: {name: t(prefix.name)}."""
    return {name: t(f"{prefix}.{name}") for name in names}
