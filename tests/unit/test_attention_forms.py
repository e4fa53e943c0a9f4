"""One recipe, two scores: the Attention page's comparison against PyTorch and the translator's own module."""
import numpy as np
import pytest
import torch

from core.attention.attention import allowed_mask, attention_steps
from core.attention.attention_forms import additive_scores, dot_product_scores, random_additive, weighted_average
from core.attention.seq2seq import AdditiveAttention

RNG = np.random.default_rng(3)
Q, K, V = RNG.normal(size=(3, 4)), RNG.normal(size=(5, 4)), RNG.normal(size=(5, 2))


@pytest.mark.parametrize("causal, padding", [(False, 0), (True, 0), (False, 2)])
def test_dot_product_form_is_scaled_dot_product_attention(causal, padding):
    allowed = allowed_mask(3, 5, causal=causal, padding=padding)
    weights, output = weighted_average(dot_product_scores(Q, K), V, allowed)
    reference = torch.nn.functional.scaled_dot_product_attention(
        *(torch.tensor(m) for m in (Q, K, V)), attn_mask=torch.tensor(allowed)).numpy()
    assert np.allclose(output, reference, atol=1e-12)
    steps = attention_steps(Q, K, V, causal=causal, padding=padding)  # part 1 of the page
    assert np.allclose(weights, steps.weights) and np.allclose(weights.sum(axis=1), 1)


def test_additive_form_is_the_translators_additive_attention():
    net = random_additive(4, 4, 6, seed=11)
    allowed = allowed_mask(3, 5, padding=1)
    weights, output = weighted_average(additive_scores(Q, K, net), V, allowed)
    module = AdditiveAttention(query_size=4, key_size=4, attn_size=6).double()
    with torch.no_grad():
        module.w_a.weight.copy_(torch.tensor(net.w))
        module.u_a.weight.copy_(torch.tensor(net.u))
        module.u_a.bias.copy_(torch.tensor(net.b))
        module.v_a.weight.copy_(torch.tensor(net.v)[None, :])
        keys = torch.tensor(K)[None]
        for i in range(3):
            context, alpha = module(torch.tensor(Q[i])[None], module.u_a(keys), torch.tensor(V)[None],
                                    torch.tensor(allowed[i])[None])
            assert np.allclose(alpha[0].numpy(), weights[i], atol=1e-12)
            assert np.allclose(context[0].numpy(), output[i], atol=1e-12)


def test_additive_scores_take_queries_and_keys_of_different_widths():
    net = random_additive(3, 5, 4, seed=0)
    scores = additive_scores(RNG.normal(size=(2, 3)), RNG.normal(size=(7, 5)), net)
    assert scores.shape == (2, 7) and np.all(np.abs(scores) <= np.abs(net.v).sum())
