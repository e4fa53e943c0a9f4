"""Signed zeros in links: `/perceptron?noise=-0` passed the range check and then NumPy refused a scale of -0.0
(an error box, and the bad value stayed in the URL). Every number a link sets is now a plain zero."""
from __future__ import annotations

import math

import pytest

from tests.app.harness import open_page
from ui.nav import PAGES
from ui.page import _number_decoder

SIGNED_ZEROS = ["-0", "-0.0", "-0e0", "-0.000", "-0e-5", "-.0"]


@pytest.mark.parametrize("raw", SIGNED_ZEROS)
def test_a_signed_zero_decodes_to_zero(raw):
    value, corrected = _number_decoder(0.0, 2.0, False)(raw)
    assert value == 0 and math.copysign(1.0, value) == 1.0 and corrected is None
    value, _ = _number_decoder(0, 10, True)(raw) if raw in ("-0", "-0.0", "-0e0") else (0, None)
    assert math.copysign(1.0, value) == 1.0


def test_the_noise_link_of_the_issue():
    at = open_page("perceptron", params={"noise": "-0"})
    assert not at.error and at.session_state["perceptron.noise"] == 0.0
    assert math.copysign(1.0, at.session_state["perceptron.noise"]) == 1.0
    assert at.query_params.get("noise") != ["-0"]


def numbers(at, slug: str) -> dict[str, float]:
    """The page's numeric controls: link name -> value."""
    return {w.key.split(".", 1)[1]: w.value for w in [*at.slider, *at.number_input]
            if w.key and w.key.startswith(f"{slug}.") and isinstance(w.value, (int, float))}


@pytest.mark.parametrize("slug", [spec.slug for spec in PAGES])
def test_signed_zeros_in_every_number_of_every_page(slug):
    names = list(numbers(open_page(slug), slug))
    for raw in SIGNED_ZEROS[:2]:
        at = open_page(slug, params={name: raw for name in names})  # asserts no exception
        for name, value in numbers(at, slug).items():
            assert not (value == 0 and math.copysign(1.0, value) < 0), (name, raw)
            assert not str(at.query_params.get(name, [""])[0]).startswith("-0"), (name, raw)
