"""Scaled dot-product attention step by step: against PyTorch's SDPA kernel, a hand-worked example, and bad input."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from core.attention.attention import MatrixError, allowed_mask, attention_steps, parse_matrix


def sdpa(q, k, v, allowed, scale):
    q, k, v = (torch.tensor(m, dtype=torch.float64) for m in (q, k, v))
    return torch.nn.functional.scaled_dot_product_attention(
        q, k, v, attn_mask=torch.tensor(allowed), scale=scale).numpy()


def test_hand_worked_single_query():
    # scores [1, 0] / √2 = [0.7071, 0]; weights e^0.7071 / (e^0.7071 + 1) = 0.66976, 0.33024
    steps = attention_steps([[1, 0]], [[1, 0], [0, 1]], [[1, 2], [3, 4]])
    w1 = math.exp(1 / math.sqrt(2)) / (math.exp(1 / math.sqrt(2)) + 1)
    assert steps.scaled == pytest.approx(np.array([[1 / math.sqrt(2), 0.0]]))
    assert steps.weights[0] == pytest.approx([w1, 1 - w1])
    assert steps.output[0] == pytest.approx([1 + 2 * (1 - w1), 2 + 2 * (1 - w1)])
    assert w1 == pytest.approx(0.669762, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 4), st.integers(1, 3),
       st.sampled_from(["none", "padding", "causal", "both"]), st.sampled_from([0.25, 1.0, 3.0]),
       st.booleans(), st.integers(0, 2**31 - 1))
def test_equals_torch_sdpa(n_q, n_k, d, d_v, mask, temperature, scale, seed):
    rng = np.random.default_rng(seed)
    q, k, v = rng.normal(size=(n_q, d)), rng.normal(size=(n_k, d)), rng.normal(size=(n_k, d_v))
    padding = min(1, n_k - 1) if mask in ("padding", "both") else 0
    steps = attention_steps(q, k, v, scale=scale, causal=mask in ("causal", "both"), padding=padding,
                            temperature=temperature)
    factor = (1 / math.sqrt(d) if scale else 1.0) / temperature
    np.testing.assert_allclose(steps.output, sdpa(q, k, v, steps.allowed, factor), atol=1e-10)
    np.testing.assert_allclose(steps.weights.sum(axis=1), 1.0)
    assert np.all(steps.weights[~steps.allowed] == 0.0)
    assert np.all(np.isneginf(steps.masked[~steps.allowed]))


def test_causal_mask_matches_torch_is_causal_for_unequal_lengths():
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(3, 2)), rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    steps = attention_steps(q, k, v, causal=True)
    ref = torch.nn.functional.scaled_dot_product_attention(*(torch.tensor(m) for m in (q, k, v)), is_causal=True)
    np.testing.assert_allclose(steps.output, ref.numpy(), atol=1e-12)
    assert allowed_mask(2, 3, causal=True, padding=1).tolist() == [[True, False, False], [True, True, False]]


def test_temperature_sharpens_and_flattens():
    q, k, v = [[1.0, 0.0]], [[2.0, 0.0], [0.0, 0.0], [-1.0, 0.0]], np.eye(3)
    cold = attention_steps(q, k, v, temperature=0.1).weights[0]
    hot = attention_steps(q, k, v, temperature=10.0).weights[0]
    assert cold[0] > 0.99 and np.ptp(hot) < 0.15


def test_parse_matrix_accepts_separators_and_unicode_minus():
    assert parse_matrix("1 0; 0 1", "Q").tolist() == [[1, 0], [0, 1]]
    assert parse_matrix("1, −2\n.5,3e-1", "Q").tolist() == [[1, -2], [0.5, 0.3]]


@pytest.mark.parametrize("text, code", [
    ("", "empty"), ("  ;  ", "empty"), ("1 x", "not_number"), ("nan 1", "not_number"), ("inf", "not_number"),
    ("__import__('os')", "not_number"), ("1 2; 3", "ragged"), ("1e999", "too_large_value"),
    ("1 2 3 4 5 6 7", "too_big"), ("1;2;3;4;5;6;7", "too_big"), ("5000", "too_large_value")])
def test_parse_matrix_refuses_bad_input(text, code):
    with pytest.raises(MatrixError) as err:
        parse_matrix(text, "K")
    assert err.value.code == code


@pytest.mark.parametrize("q, k, v, kwargs, code", [
    ([[1, 0]], [[1, 0, 0]], [[1]], {}, "d_mismatch"),
    ([[1, 0]], [[1, 0]], [[1], [2]], {}, "v_rows"),
    ([[1, 0]], [[1, 0], [0, 1]], [[1], [2]], {"padding": 2}, "all_masked"),
    ([[1, 0]], [[1, 0]], [[1]], {"temperature": 0.0}, "temperature")])
def test_unusable_settings_raise(q, k, v, kwargs, code):
    with pytest.raises(MatrixError) as err:
        attention_steps(q, k, v, **kwargs)
    assert err.value.code == code


# ----- the figures drawn from these numbers -----

def test_heatmap_keeps_repeated_tokens_apart_and_writes_minus_infinity():
    from ui.figures.attention.attention import token_heatmap

    steps = attention_steps([[1, 0], [0, 1]], [[1, 0], [0, 1], [1, 1]], np.eye(3), causal=True)
    fig = token_heatmap(steps.masked, ["the", "the"], ["the", "cat", "the"], title="t", x_title="keys")
    grey, trace = fig.data  # masked cells get a grey layer under the numbers
    assert np.isnan(grey.z[0][0]) and grey.z[0][1] == 0.0
    assert list(fig.layout.xaxis.ticktext) == ["the", "cat", "the"] and list(trace.x) == [0, 1, 2]
    assert trace.text[0][1] == "−∞" and np.isnan(trace.z[0][1])  # masked: blank cell, written −∞
    assert fig.layout.title.subtitle.text == "keys"


def test_head_view_draws_one_line_per_strong_weight():
    from ui.figures.attention.attention import head_view_figure

    weights = np.zeros((2, 3, 3))
    weights[0] = np.eye(3)  # head 1: every token to itself
    weights[1, :, 0] = 1.0  # head 2: every token to the first
    fig = head_view_figure(["a", "b", "c"], weights, [0, 1], title="t", head_name="head")
    lines = [tr for tr in fig.data if tr.mode == "lines"]
    segments = sum(int(np.isnan(np.asarray(tr.y, dtype=float)).sum()) for tr in lines)
    assert segments == 6  # three links per head, nothing for the zero weights
    assert [tr.name for tr in lines if tr.showlegend] == ["head 1", "head 2"]
    single = head_view_figure(["a", "b", "c"], weights, [1], title="t", head_name="head")
    ys = [np.asarray(tr.y, dtype=float) for tr in single.data if tr.mode == "lines"][0]
    assert sorted(ys[1::3].tolist()) == [0.0, 0.0, 0.0]  # all three lines end at the first token


def test_heads_grid_has_one_map_per_head():
    from ui.figures.attention.attention import heads_grid_figure

    maps = np.random.default_rng(0).dirichlet(np.ones(4), size=(6, 3))
    fig = heads_grid_figure(maps, ["x", "y", "z"], ["a", "b", "c", "d"], title="t", head_name="head")
    assert len(fig.data) == 6 and [a.text for a in fig.layout.annotations] == [f"head {i}" for i in range(1, 7)]
    np.testing.assert_allclose(np.asarray(fig.data[5].z), maps[5])
    assert fig.data[5].xaxis == "x6" and fig.layout.xaxis6.domain[0] > fig.layout.xaxis5.domain[0]
