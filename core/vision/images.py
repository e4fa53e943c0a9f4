"""Pictures for the vision pages: photos shipped inside scikit-image (no download) and safely checked uploads.

Every image is a float32 NumPy array in [0, 1]: (H, W) for grayscale, (H, W, 3) for colour. Arrays handed
out from caches are read-only, so one page cannot change another page's picture by accident.
"""
from __future__ import annotations

import functools
import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import InputError

# skimage.data pictures bundled with the package itself (the ones that need `pooch` are left out).
PHOTOS: tuple[str, ...] = ("astronaut", "camera", "chelsea", "coffee", "coins", "rocket", "brick", "grass",
                           "moon", "text", "checkerboard")
MAX_UPLOAD_BYTES = 5_000_000  # the upload box refuses bigger files too, with the same number (megabytes of 10^6)
MAX_UPLOAD_PIXELS = 4096 * 4096  # checked from the header, before any pixel is decoded
ALLOWED_FORMATS = ("PNG", "JPEG")
# Magic numbers of formats we recognise but refuse, so the message can say "this is a GIF", not "garbage".
_OTHER_FORMATS = ((b"GIF87a", "GIF"), (b"GIF89a", "GIF"), (b"BM", "BMP"), (b"II*\x00", "TIFF"),
                  (b"MM\x00*", "TIFF"), (b"%PDF", "PDF"), (b"\x00\x00\x01\x00", "ICO"))
# ITU-R BT.601 luma weights, the same ones PIL uses for mode "L".
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


class ImageError(InputError):
    """An upload we cannot use; `code` (+ `detail`) is translated by the UI.

    codes: "empty", "too_many_bytes", "unsupported_format", "not_an_image", "too_many_pixels", "corrupt".
    """



def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _to_float(pil: Image.Image) -> np.ndarray:
    """A decoded PIL image as float32 in [0, 1]: 2-D for gray modes, (H, W, 3) for colour ones."""
    if pil.mode in ("I;16", "I;16B", "I;16L", "I", "F"):  # 16-bit and float grayscale PNGs
        raw = np.asarray(pil, dtype=np.float64)
        top = 65535.0 if pil.mode.startswith("I;16") or raw.max() > 255 else 255.0
        return np.clip(raw / top, 0.0, 1.0).astype(np.float32)
    if pil.mode in ("P", "PA"):
        pil = pil.convert("RGBA")
    if pil.mode in ("LA", "RGBA"):  # transparent parts shown on white, as a browser does
        background = Image.new(pil.mode, pil.size, (255,) * len(pil.mode))
        pil = Image.alpha_composite(background, pil).convert(pil.mode[:-1])
    if pil.mode == "1":
        pil = pil.convert("L")
    if pil.mode != "L":
        pil = pil.convert("RGB")
    return np.asarray(pil, dtype=np.float32) / 255.0


def _shrink(pil: Image.Image, max_side: int) -> Image.Image:
    if max(pil.size) > max_side:
        pil = pil.copy()
        pil.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return pil


@functools.lru_cache(maxsize=32)
def photo(name: str, max_side: int = 256) -> np.ndarray:
    """A scikit-image sample picture, shrunk so its longer side is at most `max_side` pixels."""
    if name not in PHOTOS:
        raise KeyError(name)
    import skimage.data

    raw = np.asarray(getattr(skimage.data, name)())
    if raw.dtype == bool:
        raw = raw.astype(np.uint8) * 255
    pil = Image.fromarray(raw)
    return _frozen(_to_float(_shrink(pil, max_side)))


def decode_image(data: bytes, *, max_side: int = 256, max_bytes: int = MAX_UPLOAD_BYTES,
                 max_pixels: int = MAX_UPLOAD_PIXELS) -> np.ndarray:
    """Decode uploaded PNG/JPEG bytes into a float image no larger than `max_side`, or raise ImageError.

    Checks, cheapest first: size in bytes, the format's signature, the pixel count read from the header
    (before decoding anything: a small file can claim gigapixels — a "decompression bomb"), then the
    decoding itself (a truncated or damaged file).
    """
    if not data:
        raise ImageError("empty")
    if len(data) > max_bytes:
        raise ImageError("too_many_bytes", size_mb=f"{len(data) / 1e6:.1f}", limit_mb=f"{max_bytes / 1e6:.0f}")
    for magic, name in _OTHER_FORMATS:
        if data.startswith(magic):
            raise ImageError("unsupported_format", format=name)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        raise ImageError("unsupported_format", format="WebP")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own, lower limit follows
            pil = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
            width, height = pil.size
            if width < 1 or height < 1:
                raise ImageError("corrupt")
            if width * height > max_pixels:
                raise ImageError("too_many_pixels", limit=_side_limit(max_pixels))
            if pil.format == "JPEG":
                pil.draft("RGB", (max_side, max_side))  # JPEG can decode straight to a smaller size
            pil.load()
            pil = ImageOps.exif_transpose(pil)
            return _to_float(_shrink(pil, max_side))
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError("not_an_image") from None
    except Image.DecompressionBombError:  # PIL's own hard limit, hit while reading the header
        raise ImageError("too_many_pixels", limit=_side_limit(max_pixels)) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, MemoryError):
        raise ImageError("corrupt") from None


def _side_limit(max_pixels: int) -> str:
    side = int(max_pixels ** 0.5)
    return f"{side}×{side}"


def to_gray(image: np.ndarray) -> np.ndarray:
    """Luma of a colour image (BT.601 weights); a gray image is returned as it is."""
    return image if image.ndim == 2 else (image @ LUMA).astype(np.float32)


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resample a float image to exactly (height, width) with area-aware filtering (Lanczos / box)."""
    if image.shape[:2] == (height, width):
        return image.astype(np.float32, copy=False)
    channels = [image] if image.ndim == 2 else [image[..., c] for c in range(image.shape[2])]
    shrinking = height < image.shape[0] and width < image.shape[1]
    method = Image.Resampling.BOX if shrinking else Image.Resampling.LANCZOS
    out = [np.asarray(Image.fromarray(np.ascontiguousarray(ch, dtype=np.float32)).resize((width, height), method))
           for ch in channels]
    result = out[0] if image.ndim == 2 else np.stack(out, axis=-1)
    return np.clip(result, 0.0, 1.0).astype(np.float32)


def fit(image: np.ndarray, max_side: int) -> np.ndarray:
    """Shrink (never enlarge) so the longer side is at most `max_side`, keeping the aspect ratio."""
    h, w = image.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1:
        return image
    return resize(image, max(1, round(h * scale)), max(1, round(w * scale)))


def upscale_nearest(image: np.ndarray, min_side: int) -> np.ndarray:
    """Enlarge by whole-pixel repetition so tiny images (8×8 digits) stay crisp on screen."""
    factor = max(1, int(np.ceil(min_side / max(1, min(image.shape[:2])))))
    if factor == 1:
        return image
    return np.repeat(np.repeat(image, factor, axis=0), factor, axis=1)
