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
    # the lesson changes something, stays marked and says on the page what to look at (no tooltip needed)
    assert {k for k in at.query_params if k not in ("lang", "seed")}, "the lesson equals the page's defaults"
    assert [b.proto.type for b in at.button if b.key == f"{slug}.preset.{pid}"] == ["primary"]
    title = catalog("en")[f"{slug}.presets.{pid}"]
    assert any(title in info.value for info in at.info), [i.value for i in at.info]


def test_the_lesson_note_goes_when_the_learner_changes_something():
    at = open_page("pooling")
    press(at, "pooling.preset.overlapping")
    note = catalog("en")["pooling.presets.overlapping_help"]
    assert any(note in info.value for info in at.info)
    at.run()  # a rerun without a change keeps it
    assert any(note in info.value for info in at.info)
    next(s for s in at.slider if s.key == "pooling.kernel").set_value(2).run()
    assert not any(note in info.value for info in at.info)
    assert [b.proto.type for b in at.button if b.key == "pooling.preset.overlapping"] == ["secondary"]
