"""The attention pages' live views as pictures: an alignment matrix with its words, for the live panel.

While a run trains, Chromium spends ~70 ms of its main thread per Plotly chart and redraw on this machine
(ui/figures/chart_pictures.py); a PNG costs it a few ms. So the live alignment map is drawn here with Pillow in the
interactive heat map's colours (`token_heatmap`, Plotly's "Blues" on 0 … 1); the chart comes back when the run pauses.
Its words are the shipped corpus's vocabulary (English and French: Latin letters, which the pictures' font draws);
the axis names and the legend stay in Markdown.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ui.figures.chart_pictures import label_font, rgb, scale_rgb
from ui.figures.common import PALETTE


# Plotly's "Blues" (plotly.colors.sequential.Blues), the scale `token_heatmap` gives attention weights
BLUES = [[k / 8, "#%02x%02x%02x" % c] for k, c in enumerate(
    [(247, 251, 255), (222, 235, 247), (198, 219, 239), (158, 202, 225), (107, 174, 214), (66, 146, 198),
     (33, 113, 181), (8, 81, 156), (8, 48, 107)])]
GOLD = PALETTE[1]
_INK, _WHITE = (51, 65, 85), (255, 255, 255)


def drawable_token(token: str) -> str:
    """A token as the picture writes it: the angle brackets of ⟨eos⟩ and ⟨unk⟩ as plain < >."""
    return token.replace("⟨", "<").replace("⟩", ">")


def alignment_picture(alpha, src_tokens: Sequence[str], out_tokens: Sequence[str], *,
                      gold: Sequence[tuple[int, int]] = (), width: int = 620) -> np.ndarray:
    """`alignment_figure` as a picture: output words down the left, source words up the top (turned a quarter), a
    cell per weight α_ij shaded 0 … 1 white to dark blue, its value written in it while there is room (as the chart:
    up to 14 source words), gold links as orange frames."""
    from PIL import Image, ImageDraw

    alpha = np.asarray(alpha, dtype=float)
    rows, cols = alpha.shape
    font = label_font(12)
    rows_text = [drawable_token(tok) for tok in out_tokens[:rows]]
    cols_text = [drawable_token(tok) for tok in src_tokens[:cols]]
    left = int(max([font.getlength(s) for s in rows_text] + [10])) + 8
    top = int(max([font.getlength(s) for s in cols_text] + [10])) + 8
    cell = int(np.clip((width - left - 2) / max(cols, 1), 14, 44))
    picture = Image.new("RGB", (left + cols * cell + 2, top + rows * cell + 2), _WHITE)
    colors = scale_rgb(alpha, BLUES, 0.0, 1.0)
    picture.paste(Image.fromarray(colors).resize((cols * cell, rows * cell), Image.NEAREST), (left, top))
    draw = ImageDraw.Draw(picture)
    for k in range(1, max(rows, cols)):  # the 1-pixel gaps between cells, as the chart's xgap / ygap
        draw.line((left + k * cell, top, left + k * cell, top + rows * cell), fill=_WHITE)
        draw.line((left, top + k * cell, left + cols * cell, top + k * cell), fill=_WHITE)
    for i, text in enumerate(rows_text):
        draw.text((left - 5, top + (i + 0.5) * cell), text, fill=_INK, font=font, anchor="rm")
    for j, text in enumerate(cols_text):  # written sideways, read bottom to top, ending just above its column
        label = Image.new("RGB", (int(font.getlength(text)) + 2, 16), _WHITE)
        ImageDraw.Draw(label).text((0, 8), text, fill=_INK, font=font, anchor="lm")
        turned = label.rotate(90, expand=True)
        picture.paste(turned, (int(left + (j + 0.5) * cell - turned.width / 2), top - 4 - turned.height))
    if cols <= 14:
        small = label_font(11)
        for i in range(rows):
            for j in range(cols):
                value = alpha[i, j]
                draw.text((left + (j + 0.5) * cell, top + (i + 0.5) * cell), f"{value:.1f}", font=small, anchor="mm",
                          fill=_WHITE if value > 0.55 else _INK)
    for i, j in gold:
        if i < rows and j < cols:
            x0, y0 = left + j * cell, top + i * cell
            draw.rectangle((x0 + 1, y0 + 1, x0 + cell - 1, y0 + cell - 1), outline=rgb(GOLD), width=2)
    return np.asarray(picture)
