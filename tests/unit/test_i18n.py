"""The catalogs: English and Chinese complete and alike for every page, and every static key in code exists."""
import re
from pathlib import Path

import pytest

from ui.i18n import LANGUAGES, catalog
from ui.nav import PAGES

ROOT = Path(__file__).resolve().parents[2]


def placeholders(text):
    """Named fields such as {count}; LaTeX braces like x_{i} or \\frac{a}{b} are not placeholders."""
    return set(re.findall(r"(?<![_^\\{])\{([A-Za-z][A-Za-z0-9_]*)\}(?!\})", text))


def test_both_languages_have_the_same_keys():
    en, zh = catalog("en"), catalog("zh")
    assert sorted(set(en) - set(zh)) == [], "missing in Chinese"
    assert sorted(set(zh) - set(en)) == [], "missing in English"


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_no_empty_strings_and_same_placeholders(lang):
    en, other = catalog("en"), catalog(lang)
    for key, text in other.items():
        text = "\n".join(text) if isinstance(text, list) else text
        assert text.strip(), key
        ref = "\n".join(en[key]) if isinstance(en[key], list) else en[key]
        assert placeholders(text) == placeholders(ref), key


def test_every_page_has_its_navigation_title_and_heading():
    en = catalog("en")
    for spec in PAGES:
        assert f"{spec.slug}.nav" in en and f"{spec.slug}.title" in en, spec.slug
        assert f"nav.{spec.section}" in en


def test_every_literal_key_in_the_code_exists():
    en = catalog("en")
    pattern = re.compile(r"""\bt\(\s*["']([a-z0-9_]+(?:\.[A-Za-z0-9_]+)+)["']""")
    missing = []
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/**/*.py")]:
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if key not in en:
                missing.append(f"{path.name}: {key}")
    assert missing == []
