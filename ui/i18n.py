"""Translations: every visible string comes from `assets/i18n/<lang>/<namespace>.toml`, looked up by key.

A key is "<namespace>.<path>": `t("runner.start")` reads `start` in `runner.toml`; nested tables
give dotted paths. Placeholders use str.format: `t("runner.progress", n=3)`. With NNPG_STRICT_I18N=1
(set by the tests) a missing key raises, so a page that shows an untranslated string fails its test.
"""
from __future__ import annotations

import functools
import logging
import os
import tomllib
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


def current_language() -> str:
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


def options(prefix: str, names: list[str]) -> dict[str, str]:
    """Translated labels for a list of option names: {name: t(prefix.name)}."""
    return {name: t(f"{prefix}.{name}") for name in names}
