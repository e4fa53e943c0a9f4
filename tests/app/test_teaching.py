"""Every page teaches the same way: a visible "Try this" path above its first chart and a takeaway per section,
in both languages (texts in the catalogs, the look in ui/teaching.py)."""
import re
from pathlib import Path

import pytest

from tests.app.harness import open_page
from ui.i18n import LANGUAGES, catalog
from ui.nav import PAGES
from ui.teaching import TRY_STEPS

ROOT = Path(__file__).resolve().parents[2]
SLUGS = [spec.slug for spec in PAGES]


def takeaway_sections(slug: str) -> set[str]:
    """The sections the page script closes with takeaway(<ns>, "<section>")."""
    source = (ROOT / "pages" / f"{slug}.py").read_text(encoding="utf-8")
    found = set(re.findall(r'takeaway\((?:NS|"[a-z_]+"), "([a-z_]+)"\)', source))
    for mapping in re.findall(r"takeaway\(NS, \{([^}]*)\}", source):  # a view-dependent section name
        found |= set(re.findall(r':\s*"([a-z_]+)"', mapping)) | set(re.findall(r'get\(view, "([a-z_]+)"\)', source))
    return found


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_page_has_its_try_path_and_takeaways_in_the_catalogs(slug, lang):
    texts = catalog(lang)
    for step in TRY_STEPS:
        assert texts.get(f"{slug}.try.{step}", "").strip(), f"{lang}:{slug}.try.{step}"
    used = takeaway_sections(slug)
    written = {key.rsplit(".", 1)[1] for key in texts if key.startswith(f"{slug}.takeaway.")}
    assert used, f"{slug} closes no section with a takeaway"
    assert used == written, f"{slug}: page uses {sorted(used)}, catalog has {sorted(written)}"


@pytest.mark.parametrize("slug", SLUGS)
def test_the_page_shows_the_try_path_above_its_first_chart(slug):
    at = open_page(slug)
    texts = catalog("en")
    blocks = [m.value for m in at.markdown]
    first_try = next(i for i, text in enumerate(blocks) if texts["teaching.try_title"] in text)
    for step in TRY_STEPS:
        assert texts[f"{slug}.try.{step}"] in blocks[first_try]
    assert any(texts["teaching.takeaway_title"] in text for text in blocks[first_try + 1:])


def test_the_try_path_in_chinese():
    at = open_page("autoencoder", lang="zh")
    texts = catalog("zh")
    assert any(texts["teaching.try_title"] in m.value and texts["autoencoder.try.step2"] in m.value for m in at.markdown)
    assert any(texts["autoencoder.takeaway.codes"] in m.value for m in at.markdown)
