"""Every lesson preset of every page applies cleanly: known parameters, valid values, no error, a title."""
import pytest

from tests.app.harness import open_page, press, warnings_text
from ui.i18n import catalog
from ui.nav import PAGES
from ui.presets import all_presets

CASES = [(spec.slug, pid) for spec in PAGES for pid in all_presets().get(spec.slug, {})]


def test_presets_belong_to_pages_and_have_titles():
    slugs = {spec.slug for spec in PAGES}
    en, zh = catalog("en"), catalog("zh")
    for page, presets in all_presets().items():
        assert page in slugs, page
        for pid in presets:
            assert f"{page}.presets.{pid}" in en and f"{page}.presets.{pid}" in zh


@pytest.mark.parametrize("slug, pid", CASES, ids=[f"{s}-{p}" for s, p in CASES])
def test_preset_applies_without_notices(slug, pid):
    at = open_page(slug)
    press(at, f"{slug}.preset.{pid}")
    assert warnings_text(at) == "" or "link" not in warnings_text(at).lower(), warnings_text(at)
    for name, value in all_presets()[slug][pid].items():
        if name != "seed":
            assert name in at.session_state[f"_names.{slug}"], name
