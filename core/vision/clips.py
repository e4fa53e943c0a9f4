"""Tiny videos of one shape moving left, right, up or down: the data the 3-D convolution page learns from.

A clip is T frames of a 16×16 canvas (T, H, W) with values around [0, 1]. An 8×8 sprite (a handwritten
digit from scikit-learn or a filled square) starts at a uniformly random place and moves `speed` pixels per
frame in its direction. The canvas wraps around like an old video game — what leaves on the right comes
back on the left — so in *every single frame* the sprite's position is uniform over the canvas whatever the
direction: one frame carries no information about the label (the tests check this), only the change
between frames does.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from core.digits import digits_arrays

DIRECTIONS = ("left", "right", "up", "down")
# (dy, dx) per frame for each direction, rows growing downwards as in an image
STEPS = {"left": (0, -1), "right": (0, 1), "up": (-1, 0), "down": (1, 0)}
SPRITES = ("digit", "square")
SIDE = 16  # canvas side in pixels
SPRITE = 8  # sprite side in pixels


@dataclass(frozen=True)
class ClipSettings:
    frames: int = 8  # T
    noise: float = 0.2  # standard deviation of the Gaussian pixel noise added to every frame
    speed: int = 1  # pixels per frame
    sprite: str = "digit"  # one of SPRITES


@dataclass(frozen=True)
class Clips:
    """A batch of clips (N, T, H, W) float32, labels (N,) int64 indexing DIRECTIONS, and where each sprite
    started (N, 2) as (row, column) of its top-left pixel in frame 0."""

    x: np.ndarray
    y: np.ndarray
    start: np.ndarray


def sprites(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """n sprites (n, 8, 8) in [0, 1]: random handwritten digits, or squares of random size and brightness."""
    if kind == "digit":
        images, _ = digits_arrays()
        return images[rng.integers(0, len(images), n)].copy()
    if kind != "square":
        raise KeyError(kind)
    side = rng.integers(3, 7, n)  # 3..6 pixels
    top = rng.integers(0, SPRITE - side + 1)
    left = rng.integers(0, SPRITE - side + 1)
    rows = np.arange(SPRITE)
    inside_r = (rows[None, :] >= top[:, None]) & (rows[None, :] < (top + side)[:, None])
    inside_c = (rows[None, :] >= left[:, None]) & (rows[None, :] < (left + side)[:, None])
    brightness = rng.uniform(0.6, 1.0, n).astype(np.float32)
    return (inside_r[:, :, None] & inside_c[:, None, :]).astype(np.float32) * brightness[:, None, None]


def render(art: np.ndarray, start: np.ndarray, steps: np.ndarray, frames: int) -> np.ndarray:
    """Noise-free clips (n, T, H, W): sprite i (8×8) with its top-left pixel at start[i] + t·steps[i] in frame t,
    wrapped around the canvas."""
    n = len(art)
    canvas = np.zeros((n, SIDE, SIDE), np.float32)
    canvas[:, :SPRITE, :SPRITE] = art  # the sprite at the top-left; frames are wrapped shifts of this
    t = np.arange(frames)
    dy = start[:, 0, None] + t[None, :] * steps[:, 0, None]  # (n, T): top row of the sprite in frame t
    dx = start[:, 1, None] + t[None, :] * steps[:, 1, None]
    grid = np.arange(SIDE)
    rows = (grid[None, None, :] - dy[:, :, None]) % SIDE  # (n, T, H): canvas row shown at each frame row
    cols = (grid[None, None, :] - dx[:, :, None]) % SIDE  # (n, T, W)
    return canvas[np.arange(n)[:, None, None, None], rows[:, :, :, None], cols[:, :, None, :]]


def make_clips(n: int, settings: ClipSettings = ClipSettings(), seed: int | tuple[int, ...] = 0,
               direction: str | None = None) -> Clips:
    """n labelled clips; the same seed gives the same clips. Directions are balanced (n/4 each, shuffled),
    or all `direction` when one is given."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(DIRECTIONS))
    if direction is not None:
        labels = np.full(n, DIRECTIONS.index(direction))
    art = sprites(settings.sprite, n, rng)
    start = rng.integers(0, SIDE, (n, 2))
    steps = np.array([STEPS[d] for d in DIRECTIONS])[labels] * settings.speed  # (n, 2)
    frames = render(art, start, steps, settings.frames)
    if settings.noise > 0:
        frames = frames + rng.normal(0.0, settings.noise, frames.shape).astype(np.float32)
    return Clips(frames.astype(np.float32), labels.astype(np.int64), start)


def sprite_position(clips: Clips, speed: int, index: int, frame: int) -> tuple[int, int]:
    """(row, column) of the sprite's top-left pixel in one frame of one clip (modulo the canvas side)."""
    dy, dx = STEPS[DIRECTIONS[int(clips.y[index])]]
    row, col = clips.start[index]
    return int((row + frame * speed * dy) % SIDE), int((col + frame * speed * dx) % SIDE)


@functools.lru_cache(maxsize=4)  # a training set of 2,048 clips of 8 frames is 17 MB (12 frames: 25 MB)
def cached_clips(n: int, settings: ClipSettings, seed: tuple[int, ...], direction: str | None = None) -> Clips:
    """`make_clips` for the data sets of the last few settings (Reset and going back to earlier settings
    rebuild a run without generating its clips again); arrays are read-only."""
    clips = make_clips(n, settings, seed, direction)
    for array in (clips.x, clips.y, clips.start):
        array.flags.writeable = False
    return clips
