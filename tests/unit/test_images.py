"""Shipped photos and upload checks: every bad upload becomes a typed error, good ones a small float image."""
import io

import numpy as np
import pytest
from PIL import Image

from core.vision.images import PHOTOS, ImageError, decode_image, fit, photo, resize, to_gray, upscale_nearest
from ui.canvas import STROKE_LUMA, ink_from_rgba
from ui.figures.vision.pictures import (draw_box, enlarge, filters_figure, latex_matrix, mosaic, number, probabilities_figure,
                               to_display)


def encoded(image: Image.Image, fmt="PNG") -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt)
    return buf.getvalue()


@pytest.mark.parametrize("name", PHOTOS)
def test_every_photo_loads_offline_small_and_read_only(name):
    img = photo(name, 64)
    assert img.dtype == np.float32 and max(img.shape[:2]) <= 64 and img.ndim in (2, 3)
    assert 0.0 <= img.min() and img.max() <= 1.0
    assert not img.flags.writeable


def test_png_and_jpeg_decode_to_the_same_picture_downscaled():
    rgb = (np.asarray(photo("astronaut", 256)) * 255).astype(np.uint8)
    png = decode_image(encoded(Image.fromarray(rgb)), max_side=256)
    np.testing.assert_allclose(png, rgb / 255.0, atol=1e-6)
    jpeg = decode_image(encoded(Image.fromarray(rgb), "JPEG"), max_side=128)
    assert jpeg.shape == (128, 128, 3) and abs(jpeg.mean() - png.mean()) < 0.02


def test_gray_16_bit_palette_and_transparent_images():
    assert decode_image(encoded(Image.new("L", (30, 20), 128))).shape == (20, 30)
    sixteen = decode_image(encoded(Image.new("I;16", (5, 4), 65535)))
    assert sixteen.shape == (4, 5) and sixteen.max() == pytest.approx(1.0)
    assert decode_image(encoded(Image.new("P", (6, 6)))).shape == (6, 6, 3)
    clear = decode_image(encoded(Image.new("RGBA", (4, 4), (255, 0, 0, 0))))
    np.testing.assert_allclose(clear[0, 0], [1, 1, 1])  # fully transparent: the white background shows
    half = decode_image(encoded(Image.new("LA", (4, 4), (0, 128))))
    assert half.shape == (4, 4) and half[0, 0] == pytest.approx(127 / 255, abs=0.01)  # black at half opacity


@pytest.mark.parametrize("data, code", [
    (b"", "empty"),
    (b"just some text, not a picture", "not_an_image"),
    (b"GIF89a" + bytes(100), "unsupported_format"),
    (b"BM" + bytes(100), "unsupported_format"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "unsupported_format"),
    (bytes(6 * 2**20), "too_many_bytes"),
])
def test_refused_uploads(data, code):
    with pytest.raises(ImageError) as err:
        decode_image(data)
    assert err.value.code == code


def test_truncated_file_is_corrupt():
    data = encoded(Image.fromarray((np.random.default_rng(0).random((64, 64)) * 255).astype(np.uint8)))
    with pytest.raises(ImageError) as err:
        decode_image(data[: len(data) // 2])
    assert err.value.code == "corrupt"


def test_decompression_bomb_is_refused_from_the_header():
    bomb = encoded(Image.new("1", (5000, 5000)))  # a few kB that would decode to 25 megapixels
    assert len(bomb) < 100_000
    with pytest.raises(ImageError) as err:
        decode_image(bomb)
    assert err.value.code == "too_many_pixels"


def test_helpers():
    rgb = np.zeros((4, 6, 3), np.float32)
    rgb[..., 1] = 1.0
    np.testing.assert_allclose(to_gray(rgb), 0.587)
    assert resize(rgb, 2, 3).shape == (2, 3, 3) and fit(rgb, 3).shape == (2, 3, 3) and fit(rgb, 10) is rgb
    up = upscale_nearest(np.eye(2, dtype=np.float32), 8)
    assert up.shape == (8, 8) and up[3, 3] == 1 and up[3, 4] == 0


def test_canvas_pixels_become_ink():
    stroke = [0x11, 0x18, 0x27, 255]
    rgba = np.array([[[255, 255, 255, 255], stroke], [[0, 0, 0, 0], [0x11, 0x18, 0x27, 128]]], dtype=np.uint8)
    ink = ink_from_rgba(rgba)
    np.testing.assert_allclose(ink, [[0, 1], [0, 128 / 255]], atol=2e-3)  # white and clear: none; the pen: full
    assert 0 < STROKE_LUMA < 0.15


def test_display_helpers():
    x = np.array([[-2.0, 0.0], [1.0, 2.0]])
    np.testing.assert_array_equal(to_display(x, "clip"), [[0, 0], [255, 255]])
    np.testing.assert_array_equal(to_display(x, "stretch"), [[0, 128], [191, 255]])  # −2..2 → 0..255, 0 is grey
    np.testing.assert_array_equal(to_display(x, "abs"), [[255, 0], [128, 255]])
    big, factor = enlarge(np.zeros((8, 4), np.uint8), 100)
    assert factor == 12 and big.shape == (96, 48)
    boxed = draw_box(np.zeros((40, 40, 3), np.uint8), -1, 2, 3, 3, scale=10)  # partly in the padding
    assert boxed[0, 20].any() and not boxed[5, 25].any() and boxed[:, :20].sum() == 0
    sheet = mosaic(np.stack([np.eye(3), np.ones((3, 3))]), columns=2)
    assert sheet.shape == (3, 7) and sheet[0, 3] == 1.0 and sheet[0, 4] == 0.0  # a constant map shows as 0
    assert [number(v) for v in (2.0, -0.0625, 1 / 3, float("nan"))] == ["2", "-0.0625", "0.3333", r"\cdot"]
    assert latex_matrix(np.eye(2), np.array([[True, False], [False, False]])) == (
        r"\begin{bmatrix}\color{gray}{1} & 0 \\ 0 & 1\end{bmatrix}")


def test_figures_survive_a_diverged_model():
    filters_figure(np.full((8, 3, 3), np.nan), "filters").to_json()  # NaN weights: no exception, blank tiles
    bars = probabilities_figure(np.full(10, np.nan), "probabilities")
    assert list(bars.data[0].y) == [0.0] * 10
