"""MiniLM's attention: loaded offline from the package, checked against a hand computation of layer 1, and
failures that become a clear reason instead of a crash."""
import math

import numpy as np
import pytest
import torch

from core.attention.pretrained import PretrainedUnavailable, load_encoder, model_path, sentence_attention


@pytest.fixture(scope="module")
def encoder():
    return load_encoder(model_path())


def test_shapes_and_rows(encoder):
    tokens, weights = sentence_attention(encoder, "The cat sat on the mat.")
    assert tokens[0] == "[CLS]" and tokens[-1] == "[SEP]" and "cat" in tokens
    assert weights.shape == (6, 12, len(tokens), len(tokens)) == (encoder.layers, encoder.heads) + (len(tokens),) * 2
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-5)


def test_first_layer_equals_softmax_of_its_own_queries_and_keys(encoder):
    """Recompute layer 1's weights from its Q and K projections: rows are queries, columns keys."""
    text = "Attention is all you need."
    tokens, weights = sentence_attention(encoder, text)
    model = encoder.model
    enc = encoder.tokenizer(text, return_tensors="pt")
    with torch.no_grad():
        hidden = model.embeddings(input_ids=enc["input_ids"], token_type_ids=enc["token_type_ids"])[0]
        layer = model.encoder.layer[0].attention.self
        heads, d_k = encoder.heads, hidden.shape[-1] // encoder.heads
        q = layer.query(hidden).view(-1, heads, d_k).transpose(0, 1)  # (h, T, d_k)
        k = layer.key(hidden).view(-1, heads, d_k).transpose(0, 1)
        expected = (q @ k.transpose(-1, -2) / math.sqrt(d_k)).softmax(-1).numpy()
    np.testing.assert_allclose(weights[0], expected, atol=1e-5)


def test_long_text_is_cut(encoder):
    tokens, weights = sentence_attention(encoder, "word " * 500)
    assert len(tokens) == 64 and weights.shape[-1] == 64


def test_missing_and_broken_models_raise_a_reason(tmp_path, monkeypatch):
    with pytest.raises(PretrainedUnavailable) as err:
        load_encoder(str(tmp_path / "nowhere"))
    assert err.value.code == "missing"
    (tmp_path / "config.json").write_text("{ not json")
    with pytest.raises(PretrainedUnavailable) as err:
        load_encoder(str(tmp_path))
    assert err.value.code == "broken"
    monkeypatch.setenv("NNPG_MINILM_PATH", str(tmp_path / "elsewhere"))
    assert model_path() == str(tmp_path / "elsewhere")


def test_the_heads_the_page_points_to_do_what_it_says(encoder):
    """The page's text: on its default sentence, layer 1 head 3 looks at the previous word, layer 4 head 2
    links "it" to "cat"."""
    text = "The cat that the dog chased ran up a tall tree because it was scared."  # pages/attention.py's default
    tokens, weights = sentence_attention(encoder, text)
    previous = np.mean([weights[0, 2, i, i - 1] for i in range(1, len(tokens))])
    assert previous > 0.9
    row = weights[3, 1, tokens.index("it")]
    assert tokens[int(np.argmax(row))] == "cat"
