"""3-D convolution: one voxel by hand and the output sizes against torch, kernel costs against torch.nn modules,
clips that move as labelled (and whose single frames say nothing about the label), and the three-model race."""
import itertools

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from core.vision import conv3d
from core.vision.clips import (DIRECTIONS, SIDE, SPRITE, STEPS, ClipSettings, cached_clips, make_clips, render,
                               sprite_position, sprites)
from core.vision.motion import CHANCE, TEST_CLIPS, VIEWS, MotionConfig, MotionNet, MotionRace, count_params

SETTINGS = [conv3d.Conv3dSettings(),
            conv3d.Conv3dSettings((3, 3, 3), (1, 2, 2), (1, 1, 1), (1, 1, 1)),
            conv3d.Conv3dSettings((2, 3, 5), (2, 1, 3), (1, 2, 0), (2, 1, 1)),
            conv3d.Conv3dSettings((5, 1, 3), (1, 3, 1), (3, 0, 2), (1, 1, 3))]


def brute_force(clip: np.ndarray, kernel: np.ndarray, s: conv3d.Conv3dSettings) -> np.ndarray:
    """The defining triple sum, written out with NumPy loops (an oracle independent of torch)."""
    padded = np.pad(clip, [(p, p) for p in s.padding])
    out = np.zeros(conv3d.output_shape(clip.shape, s))
    for i, j, l in itertools.product(*(range(n) for n in out.shape)):
        for a, b, c in itertools.product(*(range(k) for k in kernel.shape)):
            out[i, j, l] += padded[i * s.stride[0] + a * s.dilation[0], j * s.stride[1] + b * s.dilation[1],
                                   l * s.stride[2] + c * s.dilation[2]] * kernel[a, b, c]
    return out


@pytest.mark.parametrize("settings", SETTINGS)
def test_every_voxel_by_hand_matches_conv3d(settings):
    rng = np.random.default_rng(1)
    clip = rng.normal(size=(6, 9, 8))
    kernel = rng.normal(size=settings.kernel)
    expected = F.conv3d(torch.tensor(clip)[None, None], torch.tensor(kernel)[None, None], stride=settings.stride,
                        padding=settings.padding, dilation=settings.dilation)[0, 0].numpy()
    output = conv3d.cross_correlate3d(clip, kernel, settings)
    np.testing.assert_allclose(output, expected, atol=1e-5)
    np.testing.assert_allclose(brute_force(clip, kernel, settings), expected, atol=1e-9)
    for position in itertools.product(*(range(n) for n in expected.shape)):
        vox = conv3d.voxel(clip, kernel, settings, position)
        assert vox.total == pytest.approx(expected[position], abs=1e-9)
        np.testing.assert_allclose(vox.products, vox.values * kernel)
        assert not vox.values[~vox.inside].any()  # padding reads zeros


def test_voxel_taps_name_the_frames_rows_and_columns_read():
    clip = np.arange(4 * 5 * 6, dtype=float).reshape(4, 5, 6)
    settings = conv3d.Conv3dSettings((3, 2, 2), (1, 2, 1), (1, 0, 0), (1, 1, 2))
    vox = conv3d.voxel(clip, np.ones((3, 2, 2)), settings, (0, 1, 1))
    frames, rows, cols = vox.taps
    assert list(frames) == [-1, 0, 1] and list(rows) == [2, 3] and list(cols) == [1, 3]
    assert not vox.inside[0].any() and vox.inside[1:].all()
    assert vox.values[1, 0, 0] == clip[0, 2, 1] and vox.values[2, 1, 1] == clip[1, 3, 3]


def test_output_sizes_match_nn_conv3d_over_a_grid_of_settings():
    checked = refused = 0
    for n, k, s, p, d in itertools.product((1, 2, 5, 8), (1, 2, 3, 5), (1, 2, 3), (0, 1, 2), (1, 2, 3)):
        shape = (n, 7, 6)
        settings = conv3d.Conv3dSettings((k, 3, 2), (s, 2, 1), (p, 1, 0), (d, 1, 2))
        layer = nn.Conv3d(1, 1, settings.kernel, settings.stride, settings.padding, settings.dilation, bias=False)
        try:
            expected = tuple(layer(torch.zeros(1, 1, *shape)).shape[2:])
        except RuntimeError:
            expected = None
        if expected is None or min(expected) < 1:
            with pytest.raises(conv3d.Conv3dShapeError) as err:
                conv3d.output_shape(shape, settings)
            assert err.value.code == "too_small" and err.value.detail["axis"] == "t"
            assert err.value.detail == {"axis": "t", "span": d * (k - 1) + 1, "size": n + 2 * p}
            refused += 1
        else:
            assert conv3d.output_shape(shape, settings) == expected
            checked += 1
    assert checked > 200 and refused > 20


def test_the_first_axis_without_room_is_named():
    with pytest.raises(conv3d.Conv3dShapeError) as err:
        conv3d.output_shape((8, 16, 4), conv3d.Conv3dSettings((3, 3, 5), dilation=(1, 1, 2)))
    assert err.value.detail == {"axis": "w", "span": 9, "size": 4}


def flops_of(module: nn.Module, x: torch.Tensor) -> int:
    with FlopCounterMode(display=False) as counter:
        module(x)
    return counter.get_total_flops()


@pytest.mark.parametrize("c_in, c_out, k, k_t", [(1, 8, 3, 3), (3, 5, 3, 1), (16, 32, 5, 3), (7, 4, 1, 5)])
def test_kernel_costs_match_torch_modules(c_in, c_out, k, k_t):
    frames, height, width = 4, 6, 5
    costs = conv3d.kernel_costs(c_in, c_out, k, k_t, frames, height, width)
    mid = conv3d.factorized_width(c_in, c_out, k, k_t)
    same = (k_t // 2, k // 2, k // 2)
    modules = {
        "2d": nn.Conv3d(c_in, c_out, (1, k, k), padding=(0, k // 2, k // 2)),
        "r2plus1d": nn.Sequential(nn.Conv3d(c_in, mid, (1, k, k), padding=(0, k // 2, k // 2)), nn.ReLU(),
                                  nn.Conv3d(mid, c_out, (k_t, 1, 1), padding=(k_t // 2, 0, 0))),
        "3d": nn.Conv3d(c_in, c_out, (k_t, k, k), padding=same),
    }
    x = torch.zeros(1, c_in, frames, height, width)
    for kind, module in modules.items():
        assert costs[kind].params == count_params(module), kind
        assert tuple(module(x).shape[2:]) == (frames, height, width)
        assert 2 * costs[kind].macs == flops_of(module, x), kind  # the counter counts a multiply-add as 2 FLOPs
    assert costs["3d"].macs == k_t * costs["2d"].macs


def test_factorized_width_follows_the_r2plus1d_paper():
    # Tran et al. (2018), section 3.5: 3×3×3, 64 → 64 becomes 1×3×3 to M = 110,592 / 768 = 144, then 3×1×1
    assert conv3d.factorized_width(64, 64, 3, 3) == 144
    costs = conv3d.kernel_costs(64, 64, 3, 3, 8, 28, 28)
    weights = {kind: cost.params for kind, cost in costs.items()}
    assert abs(weights["r2plus1d"] - weights["3d"]) / weights["3d"] < 0.01  # "matched" in the paper's sense


@pytest.mark.parametrize("name", conv3d.KERNELS)
def test_preset_kernels_have_the_requested_shape(name):
    for size in [(1, 1, 1), (3, 3, 3), (2, 5, 4), (5, 1, 3)]:
        kernel = conv3d.preset_kernel(name, size)
        assert kernel.shape == size and np.isfinite(kernel).all()
    if name in ("right", "left", "up", "down", "change"):
        assert conv3d.preset_kernel(name, (3, 3, 3)).sum() == pytest.approx(0, abs=1e-12)  # still scenes give 0


def test_the_motion_kernel_prefers_its_own_direction():
    settings = ClipSettings(frames=6, noise=0.0, sprite="square")
    responses = {}
    for direction in DIRECTIONS:
        clip = make_clips(1, settings, seed=5, direction=direction).x[0]
        out = conv3d.cross_correlate3d(clip, conv3d.preset_kernel("right", (3, 3, 3)), conv3d.Conv3dSettings())
        responses[direction] = float(out.max())
    assert responses["right"] == max(responses.values()) and responses["right"] > 1.5 * responses["left"]
    assert not conv3d.preset_kernel("change", (1, 3, 3)).any()


# ----- the clips -----
@pytest.mark.parametrize("sprite", ["digit", "square"])
@pytest.mark.parametrize("speed", [1, 2])
def test_clips_move_as_labelled(sprite, speed):
    clips = make_clips(40, ClipSettings(frames=5, noise=0.0, speed=speed, sprite=sprite), seed=3)
    assert np.bincount(clips.y, minlength=4).tolist() == [10, 10, 10, 10]
    for i, label in enumerate(clips.y):
        dy, dx = STEPS[DIRECTIONS[label]]
        for t in range(4):  # each frame is the previous one shifted by speed pixels in the labelled direction
            np.testing.assert_array_equal(clips.x[i, t + 1], np.roll(clips.x[i, t], (speed * dy, speed * dx), (0, 1)))
        row, col = sprite_position(clips, speed, i, 4)
        window = np.roll(clips.x[i, 4], (-row, -col), (0, 1))  # the sprite back at the top-left
        assert window[SPRITE:].sum() == 0 and window[:, SPRITE:].sum() == 0 and window.sum() > 0


def test_a_single_frame_carries_no_information_about_the_direction():
    """Over all start positions, every direction shows exactly the same set of middle frames: whatever a model
    computes from one frame, its answer is distributed the same way for every label (chance is the best)."""
    art = sprites("digit", 1, np.random.default_rng(0))
    starts = np.array(list(itertools.product(range(SIDE), range(SIDE))))
    middle = {}
    for direction in DIRECTIONS:
        steps = np.tile(np.array(STEPS[direction]) * 2, (len(starts), 1))
        frames = render(np.repeat(art, len(starts), 0), starts, steps, 7)[:, 3]
        middle[direction] = sorted(frame.tobytes() for frame in frames)
    assert all(middle[d] == middle["left"] for d in DIRECTIONS)
    assert len(set(middle["left"])) == SIDE * SIDE  # 256 different pictures, each once per direction


def test_clips_are_reproducible_and_cached_read_only():
    a = make_clips(12, ClipSettings(), seed=(4, 0))
    b = make_clips(12, ClipSettings(), seed=(4, 0))
    np.testing.assert_array_equal(a.x, b.x)
    assert not np.array_equal(a.x, make_clips(12, ClipSettings(), seed=(4, 1)).x)
    cached = cached_clips(12, ClipSettings(), (4, 0))
    np.testing.assert_array_equal(cached.x, a.x)
    assert not cached.x.flags.writeable
    assert set(make_clips(8, ClipSettings(), direction="up").y) == {DIRECTIONS.index("up")}


# ----- the race -----
def test_models_see_what_their_names_say():
    clips = torch.zeros(2, 6, SIDE, SIDE)
    for view in VIEWS:
        model = MotionNet(view, 6, 4)
        assert model(clips).shape == (2, 4)
    assert MotionNet("3d", 6, 4).conv1.weight.shape == (4, 1, 3, 3, 3)
    assert MotionNet("stack", 6, 4).conv1.weight.shape == (4, 6, 3, 3)
    assert MotionNet("frame", 6, 4).conv1.weight.shape == (4, 1, 3, 3)
    clips[:, 3] = 1.0  # only the middle frame is seen by the one-frame model
    torch.testing.assert_close(MotionNet("frame", 6, 4).inputs(clips), torch.ones(2, 1, SIDE, SIDE))


@pytest.fixture(scope="module")
def race():
    trainer = MotionRace(MotionConfig(seed=0), max_steps=120)
    while not trainer.done:
        trainer.step(20)
    return trainer


def test_the_3d_cnn_learns_the_direction_and_one_frame_stays_at_chance(race):
    acc = {view: race.history[f"test_acc_{view}"][-1] for view in VIEWS}
    assert acc["3d"] >= 0.9, acc
    assert abs(acc["frame"] - CHANCE) <= 0.06, acc
    assert race.history["loss_frame"][-1] > 0.95 * np.log(4)  # it cannot do better than answering 25 % each
    assert race.history["loss_3d"][-1] < 0.5 * race.history["loss_3d"][0]
    assert "3d" in race.reached and "frame" not in race.reached
    assert race.reached["3d"][0] <= 120


def test_predictions_are_distributions_and_tensors_round_trip(race):
    clip, label = race.test_clip(7)
    probs = race.predict(clip)
    assert set(probs) == set(VIEWS) and all(p.sum() == pytest.approx(1, abs=1e-5) for p in probs.values())
    assert int(np.argmax(probs["3d"])) == label
    fresh = MotionRace(MotionConfig(seed=0), max_steps=5)
    fresh.load_model_tensors(race.model_tensors())
    assert fresh.evaluate() == race.evaluate()
    assert len(race.y_test) == TEST_CLIPS


def test_runs_are_reproducible_and_leave_the_global_generator_alone():
    cfg = MotionConfig(frames=5, channels=4, sprite="square", seed=3)
    before = torch.get_rng_state()
    a = MotionRace(cfg, max_steps=6)
    a.step(6)
    assert torch.equal(torch.get_rng_state(), before)
    b = MotionRace(cfg, max_steps=6)
    b.step(2)
    torch.rand(3)  # another session drawing between two ticks changes nothing
    b.step(4)
    for name, value in a.model_tensors().items():  # the same weights after 6 steps, however they were chunked
        torch.testing.assert_close(b.model_tensors()[name], value, rtol=1e-5, atol=1e-6)
    assert a.history["test_acc_3d"][-1] == b.history["test_acc_3d"][-1]
    assert a.done and a.steps_done == 6
