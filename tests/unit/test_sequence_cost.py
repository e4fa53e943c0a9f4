"""Layer costs of an RNN and of self-attention, checked against PyTorch's own FLOP counter on real modules."""
import numpy as np
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from core.attention.sequence_cost import attention_cost, attention_share, rnn_cost


def counted_multiply_adds(fn) -> int:
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops() // 2  # the counter reports 2 FLOPs per multiply-add


@pytest.mark.parametrize("n, d", [(5, 8), (12, 16), (40, 32)])
def test_rnn_layer_multiply_adds_and_steps(n, d):
    rnn = torch.nn.RNN(d, d, bias=False, batch_first=True)
    x = torch.randn(1, n, d, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        counted = counted_multiply_adds(lambda: rnn(x))
    cost = rnn_cost([n], d)
    assert int(cost.multiply_adds[0]) == counted and int(cost.sequential_steps[0]) == n


@pytest.mark.parametrize("n, d, heads", [(5, 8, 1), (12, 16, 4), (40, 32, 2)])
def test_self_attention_layer_multiply_adds_and_one_step(n, d, heads):
    attention = torch.nn.MultiheadAttention(d, heads, bias=False, batch_first=True)
    x = torch.randn(1, n, d, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        counted = counted_multiply_adds(lambda: attention(x, x, x, need_weights=True))
    cost = attention_cost([n], d)
    assert int(cost.multiply_adds[0]) == counted and int(cost.sequential_steps[0]) == 1


def test_the_n_squared_part_takes_over_as_the_sentence_grows():
    lengths = np.array([4, 64, 512])
    d = 64
    assert attention_share(d, d) == pytest.approx(1 / 3)  # 2n²d against 4nd² at n = d
    shares = [attention_share(int(n), d) for n in lengths]
    assert shares == sorted(shares) and shares[-1] == pytest.approx(0.8)  # 2·512²·64 / (4·512·64² + 2·512²·64)
    ratio = attention_cost(lengths, d).multiply_adds / rnn_cost(lengths, d).multiply_adds
    assert np.all(np.diff(ratio) > 0)  # attention's cost per RNN cost grows linearly with n
