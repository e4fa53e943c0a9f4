"""Attacks that were already closed before, kept here so none can come back: picture bombs, code in formulas."""
from __future__ import annotations

import struct
import zlib

import pytest
import torch

from core.formula import FormulaError, parse_formula
from core.vision.images import MAX_UPLOAD_BYTES, ImageError, decode_image
from tests.app.harness import open_page


def png(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height grey pixels; its data is a few deflated zeros (a bomb's start)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(bytes(4096), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [5000, 30_000, 2**31 - 1])
def test_a_decompression_bomb_picture_is_refused_from_its_header(side):
    data = png(side, side)
    assert len(data) < MAX_UPLOAD_BYTES
    with pytest.raises(ImageError) as info:
        decode_image(data)
    assert info.value.code == "too_many_pixels"


def test_a_bomb_picture_upload_shows_a_message_in_the_page():
    at = open_page("convolution", params={"source": "upload"})
    boxes = [box for box in at.file_uploader]
    assert boxes, "the convolution page offers a picture upload"
    boxes[0].set_value(("bomb.png", png(40_000, 40_000), "image/png"))
    at.run()
    assert any("pixels" in e.value or "×" in e.value for e in at.error), [e.value for e in at.error]


INJECTIONS = ["__import__('os').system('touch /tmp/nnpg-pwned')", "().__class__.__bases__[0].__subclasses__()",
              "open('/etc/passwd').read()", "(lambda: 1)()", "x.__class__", "globals()", "exec('1')",
              "[x for x in ()]", "x if x else x", "9**9**9**9", "x @ x", "sigmoid", "f'{x}'", "x[0]",
              "(" * 100 + "x" + ")" * 100, "-" * 199 + "x", "1e999 * x"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_a_formula_is_never_code(text, tmp_path):
    try:
        formula = parse_formula(text, ("x",))
    except FormulaError:
        return
    value = formula(x=torch.linspace(-1, 1, 5))  # what parses is arithmetic on tensors only
    assert isinstance(value, torch.Tensor)


def test_a_formula_box_refuses_code_with_a_message():
    at = open_page("activation")
    boxes = [box for box in at.text_input if box.key == "activation.custom"]
    assert boxes, "the activation page has a formula box"
    boxes[0].input("__import__('os').system('id')").run()
    assert at.error and not at.exception
