"""Markdown, HTML and LaTeX from visitors stay text: in link notices, error messages and anything else a page
shows, on every page, through every link parameter, every text box, and the settings inside a model file.

(`/playground?lr=![x](http://host/pixel)` once made every browser opening the link fetch an outside picture.)
"""
from __future__ import annotations

import pytest

from core.checkpoint import save_checkpoint
from tests.app.harness import assert_no_exception, open_page
from tests.security.markdown_check import PAYLOADS, markdown_problems, page_problems
from ui.i18n import literal
from ui.nav import PAGES

SLUGS = [spec.slug for spec in PAGES]  # (home has no controls, and AppTest cannot run its page links)


def test_the_checker_sees_raw_payloads_and_passes_literal_ones():
    for payload in PAYLOADS:
        assert markdown_problems(f"The link set lr={payload}, outside its range."), payload
        assert not markdown_problems(f"The link set lr={literal(payload)}, outside its range."), payload


def control_names(slug: str) -> list[str]:
    return sorted(open_page(slug).session_state[f"_names.{slug}"])


@pytest.mark.parametrize("slug", SLUGS)
def test_payloads_in_every_link_parameter_and_text_box_stay_text(slug):
    names = control_names(slug)
    for i, payload in enumerate(PAYLOADS):
        # every control's parameter, plus the payload as an unknown parameter's name
        at = open_page(slug, params={**{name: payload for name in names}, payload: "1"})
        assert not page_problems(at), (payload, page_problems(at))
        boxes = [*at.text_input, *at.text_area]
        for box in boxes:
            box.input(payload[: box.max_chars] if box.max_chars else payload)
        if boxes:
            at.run()
            assert_no_exception(at)
            assert not page_problems(at), (payload, page_problems(at))


def test_payloads_in_uploaded_model_files_settings_stay_text():
    """Every page whose runner offers a model file (a trainer with tensors to save) gets a file whose settings are
    payloads, and one that names a payload as its page."""
    checked = []
    for slug in (spec.slug for spec in PAGES):
        at = open_page(slug)
        uploads = [box for box in at.file_uploader if box.key == f"{slug}.model.upload"]
        if not uploads:  # this page trains nothing that can be saved
            continue
        names = sorted(at.session_state[f"_names.{slug}"])
        params = {name: PAYLOADS[i % len(PAYLOADS)] for i, name in enumerate(names)}
        data = save_checkpoint(slug, params, 3, {"w": __import__("torch").zeros(2)})
        uploads[0].set_value(("model.pt", data, "application/octet-stream"))
        at.run()
        at.run()  # the settings are applied on the run after the upload
        assert_no_exception(at)
        assert not page_problems(at), page_problems(at)
        other_page = save_checkpoint(PAYLOADS[0], {}, 3, {"w": __import__("torch").zeros(2)})
        uploads = [box for box in at.file_uploader if box.key == f"{slug}.model.upload"]
        uploads[0].set_value(("model.pt", other_page, "application/octet-stream"))
        at.run()
        assert not page_problems(at), page_problems(at)
        checked.append(slug)
    assert len(checked) >= 8, checked
