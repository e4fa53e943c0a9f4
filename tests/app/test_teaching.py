"""Every page teaches the same way: a visible "Try this" path above its first chart and a takeaway per section,
in both languages (texts in the catalogs, the look in ui/teaching.py)."""
import re
from pathlib import Path

import pytest

from tests.app.harness import by_key, open_page, press
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
    assert any(texts["teaching.try_title"] in m.value and texts["autoencoder.try.step2"] in m.value
               for m in at.markdown)
    assert any(texts["autoencoder.takeaway.codes"] in m.value for m in at.markdown)


# ----- what the pages now show, computed live -----
def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def test_optimizers_theory_switch_is_visible_and_says_what_it_overrides():
    at = open_page("optimizers")
    switch = by_key(at.toggle, "optimizers.theory")
    assert switch.value is True
    assert "Theory settings on" in captions(at) and any("theory switch above is on" in i.value for i in at.info)
    switch.set_value(False).run()
    assert "Theory settings on" not in captions(at) and not any("theory switch" in i.value for i in at.info)


def test_optimizers_narrow_valley_preset_starts_off_the_axis():
    at = press(open_page("optimizers"), "optimizers.preset.ill_conditioned")
    assert by_key(at.slider, "optimizers.y0").value == 1.0 and by_key(at.toggle, "optimizers.theory").value


def test_convolution_compares_with_a_dense_layer_and_moves_the_feature_map():
    at = open_page("convolution", params={"source": "digit", "preset": "sobel_x"})  # 8×8 digit, padding 1
    metrics = {m.label: m.value for m in at.metric}
    assert "80" in metrics.values()  # 8 filters of 3×3×1 plus biases
    assert "33,280" in metrics.values()  # 64 inputs → 8·8·8 outputs, plus biases
    assert "Largest difference" in captions(at) and "e+00" in captions(at).split("Largest difference")[1][:80]
    by_key(at.slider, "convolution.filters").set_value(2).run()
    assert "20" in {m.value for m in at.metric}


def test_cnn_states_why_convolutions():
    at = open_page("cnn")
    assert "conv 1 has 80 weights and biases" in captions(at) and "33,280" in captions(at)


def test_attention_puts_both_scores_through_one_recipe():
    at = open_page("attention")
    assert at.subheader[-1].value == "One recipe, three scores"
    keys = {c.key for c in at.get("plotly_chart")}
    assert {"attention.forms_dot", "attention.forms_additive"} <= keys
    assert "Both rows of weights sum to 1" in captions(at)


def test_transformer_shows_its_cost_against_an_rnn():
    at = open_page("transformer", lang="zh")
    keys = {c.key for c in at.get("plotly_chart")}
    assert {"transformer.versus_cost", "transformer.versus_steps"} <= keys
    assert "n × n" in captions(at)
