"""The convolution page: pictures, kernels and sliding settings, the hand-worked pixel, bad links and uploads."""
import io
import re

import numpy as np
import pytest
from PIL import Image

from core.vision import convolution as conv
from core.digits import digits_arrays
from tests.app.harness import assert_no_exception, by_key, open_page, warnings_text

NS = "convolution"


def check_value(at) -> float:
    """The number the page says the chosen output pixel holds."""
    caption = next(c.value for c in at.caption if "0" in c.value and ("row" in c.value or "行" in c.value))
    return float(re.search(r"(-?\d+(?:\.\d+)?(?:e-?\d+)?)", caption.split("holds")[-1] if "holds" in caption
                           else caption.split("值正是")[-1]).group(1))


def png_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_page_shows_input_kernel_output_and_the_worked_pixel(lang):
    at = open_page(NS, lang=lang)
    assert at.title[0].value and not at.error and not warnings_text(at)
    assert len(at.image) == 4 and len(at.latex) >= 3  # input, output, shifted pair; product, sum, size formulas
    assert any(r"\odot" in latex.value for latex in at.latex)


def test_the_worked_pixel_matches_the_filtered_digit():
    at = open_page(NS, params={"source": "digit", "digit": "5", "preset": "laplacian", "row": "2", "col": "6"})
    image = digits_arrays()[0][5]
    expected = conv.cross_correlate(image, conv.preset_kernel("laplacian"), conv.ConvSettings(padding=1))[2, 6]
    assert check_value(at) == pytest.approx(float(expected), abs=5e-4)
    assert any("8×8" in c for img in at.image for c in img.captions)


def test_controls_change_the_output_size_and_rgb_adds_a_channel_choice():
    at = open_page(NS, params={"photo": "astronaut", "size": "32"})
    by_key(at.slider, f"{NS}.stride").set_value(2).run()
    by_key(at.slider, f"{NS}.dilation").set_value(2).run()
    assert_no_exception(at)
    assert any("15×15" in c for img in at.image for c in img.captions)  # ⌊(32 + 2·1 − 2·(3−1) − 1)/2⌋ + 1
    by_key(at.segmented_control, f"{NS}.color").set_value("rgb").run()
    assert_no_exception(at)
    assert by_key(at.segmented_control, f"{NS}.channel").value == "r"
    by_key(at.selectbox, f"{NS}.preset").set_value("gaussian").run()
    by_key(at.segmented_control, f"{NS}.ksize").set_value(5).run()
    by_key(at.segmented_control, f"{NS}.pad_mode").set_value("reflect").run()
    by_key(at.toggle, f"{NS}.flip").set_value(True).run()
    assert_no_exception(at)
    assert not at.error


def test_settings_that_leave_no_output_explain_why():
    at = open_page(NS, params={"source": "digit", "ksize": "5", "dilation": "3", "padding": "0"})
    assert "fits nowhere" in at.error[0].value and not at.image  # 13×13 kernel span on an 8×8 digit


def test_edited_kernel_is_used_and_an_empty_cell_is_refused():
    at = open_page(NS, params={"source": "digit", "preset": "identity", "row": "3", "col": "3"})
    image = digits_arrays()[0][0]
    assert check_value(at) == pytest.approx(float(image[3, 3]), abs=5e-4)
    at.session_state[f"{NS}.grid.identity.3"] = {"edited_rows": {1: {"2": 2.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert_no_exception(at)
    assert check_value(at) == pytest.approx(2 * float(image[3, 3]), abs=5e-4)
    at.session_state[f"{NS}.grid.identity.3"] = {"edited_rows": {0: {"1": None}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert_no_exception(at)
    assert "empty" in at.error[0].value
    next(b for b in at.button if b.key == f"{NS}.restore").click().run()  # back to the preset's numbers
    assert_no_exception(at)
    assert not at.error and check_value(at) == pytest.approx(float(image[3, 3]), abs=5e-4)


def test_uploads_good_and_bad():
    at = open_page(NS, params={"source": "upload"})
    assert at.info and not at.image  # waiting for a file
    rng = np.random.default_rng(0)
    at.file_uploader[0].set_value(("noise.png", png_bytes((rng.random((40, 50, 3)) * 255).astype(np.uint8)),
                                   "image/png")).run()
    assert_no_exception(at)
    assert any("51×64" in c or "40×50" in c for img in at.image for c in img.captions)
    for name, data, words in [("notes.png", b"definitely not a picture", "not a picture"),
                              ("half.png", png_bytes((rng.random((64, 64)) * 255).astype(np.uint8))[:300], "damaged"),
                              ("huge.png", bytes(6 * 2**20), "MB")]:
        at.file_uploader[0].set_value((name, data, "image/png")).run()
        assert_no_exception(at)
        assert words in at.error[0].value and not at.image


def test_drawing_source_waits_for_a_drawing():
    at = open_page(NS, params={"source": "drawing"})
    assert any("Nothing drawn" in i.value for i in at.info) and not at.image


def test_tampered_link_gets_notices():
    at = open_page(NS, params={"stride": "99", "preset": "banana", "row": "abc", "zzz": "1"})
    text = warnings_text(at)
    assert "stride" in text and "banana" in text and "zzz" in text
    assert by_key(at.slider, f"{NS}.stride").value == 4
