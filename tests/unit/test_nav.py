"""Every page in the navigation exists on disk, has a unique slug, and belongs to a known section."""
from pathlib import Path

from ui.nav import PAGES

ROOT = Path(__file__).resolve().parents[2]


def test_pages_exist_and_slugs_are_unique():
    assert len({spec.slug for spec in PAGES}) == len(PAGES) == 19
    for spec in PAGES:
        assert (ROOT / spec.path).is_file(), spec.path
        assert spec.section in {"basics", "vision", "sequences", "generative", "attention"}
