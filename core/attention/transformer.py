"""A small encoder-decoder Transformer (Vaswani et al. 2017, "Attention Is All You Need"), readable top to bottom.

Notation follows the paper and the page: d_model, h heads of size d_k = d_model / h, sinusoidal
positional encoding (§3.5), post-norm sub-layers `LayerNorm(x + Dropout(Sublayer(x)))` (§5.4), a
position-wise feed-forward net of width d_ff (§3.3). Every attention module keeps its last weights
(B, h, T_q, T_k) so the page can draw them. Beside it: decoding (core/attention/decoding.py), the model file
(transformer_file.py) and the trainer (transformer_trainer.py).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from core.attention.vocab import PAD_ID

@dataclass(frozen=True)
class TransformerConfig:
    src_vocab: int
    tgt_vocab: int
    d_model: int = 64  # width of every token vector
    heads: int = 4  # h; d_k = d_model / h
    layers: int = 2  # encoder layers = decoder layers
    d_ff: int = 256  # hidden width of the feed-forward sub-layer
    dropout: float = 0.1
    max_len: int = 64  # longest sequence the positional table covers


def sinusoidal_positions(max_len: int, d_model: int) -> torch.Tensor:
    """PE[pos, 2i] = sin(pos / 10000^(2i/d_model)), PE[pos, 2i+1] = cos(same) — §3.5; shape (max_len, d_model)."""
    pos = torch.arange(max_len, dtype=torch.float32)[:, None]
    rates = torch.exp(-math.log(10000.0) * torch.arange(0, d_model, 2, dtype=torch.float32) / d_model)
    pe = torch.zeros(max_len, d_model)
    pe[:, 0::2] = torch.sin(pos * rates)
    pe[:, 1::2] = torch.cos(pos * rates)[:, : d_model // 2]
    return pe


class MultiHeadAttention(nn.Module):
    """softmax(Q Kᵀ / √d_k + mask) V in h heads, concatenated and projected (§3.2.2)."""

    def __init__(self, d_model: int, heads: int, dropout: float = 0.0):
        super().__init__()
        assert d_model % heads == 0, "d_model must be a multiple of the number of heads"
        self.heads, self.d_k = heads, d_model // heads
        self.w_q, self.w_k, self.w_v, self.w_o = (nn.Linear(d_model, d_model) for _ in range(4))
        self.drop = nn.Dropout(dropout)
        self.weights: torch.Tensor | None = None  # last attention weights (B, h, T_q, T_k)

    def forward(self, x_q: torch.Tensor, x_kv: torch.Tensor, allowed: torch.Tensor | None = None) -> torch.Tensor:
        """x_q (B, T_q, d), x_kv (B, T_k, d); `allowed` (bool, broadcast to (B, h, T_q, T_k)) is False where
        a query may not look (padding, future)."""
        b, t_q, d = x_q.shape
        t_k = x_kv.shape[1]
        q = self.w_q(x_q).view(b, t_q, self.heads, self.d_k).transpose(1, 2)  # (B, h, T_q, d_k)
        k = self.w_k(x_kv).view(b, t_k, self.heads, self.d_k).transpose(1, 2)  # (B, h, T_k, d_k)
        v = self.w_v(x_kv).view(b, t_k, self.heads, self.d_k).transpose(1, 2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_k)  # (B, h, T_q, T_k)
        if allowed is not None:
            scores = scores.masked_fill(~allowed, float("-inf"))
        weights = scores.softmax(dim=-1)
        self.weights = weights.detach()
        out = (self.drop(weights) @ v).transpose(1, 2).reshape(b, t_q, d)  # heads side by side again
        return self.w_o(out)


class FeedForward(nn.Sequential):
    """FFN(x) = max(0, x W1 + b1) W2 + b2, applied to every position alike (§3.3)."""

    def __init__(self, d_model: int, d_ff: int, dropout: float):
        super().__init__(nn.Linear(d_model, d_ff), nn.ReLU(), nn.Dropout(dropout), nn.Linear(d_ff, d_model))


class EncoderLayer(nn.Module):
    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.heads, cfg.dropout)
        self.ffn = FeedForward(cfg.d_model, cfg.d_ff, cfg.dropout)
        self.norm1, self.norm2 = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x, src_allowed):
        x = self.norm1(x + self.drop(self.self_attn(x, x, src_allowed)))  # residual, then layer norm
        return self.norm2(x + self.drop(self.ffn(x)))


class DecoderLayer(nn.Module):
    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.heads, cfg.dropout)  # masked: no peeking ahead
        self.cross_attn = MultiHeadAttention(cfg.d_model, cfg.heads, cfg.dropout)  # queries y, keys/values x
        self.ffn = FeedForward(cfg.d_model, cfg.d_ff, cfg.dropout)
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(cfg.d_model) for _ in range(3))
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, y, memory, causal, src_allowed):
        y = self.norm1(y + self.drop(self.self_attn(y, y, causal)))
        y = self.norm2(y + self.drop(self.cross_attn(y, memory, src_allowed)))
        return self.norm3(y + self.drop(self.ffn(y)))


class Transformer(nn.Module):
    """Encoder-decoder Transformer for translation: `forward(src, tgt_in)` gives next-token logits."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.cfg = cfg
        self.src_embed = nn.Embedding(cfg.src_vocab, cfg.d_model, padding_idx=PAD_ID)
        self.tgt_embed = nn.Embedding(cfg.tgt_vocab, cfg.d_model, padding_idx=PAD_ID)
        self.register_buffer("pe", sinusoidal_positions(cfg.max_len, cfg.d_model), persistent=False)
        self.encoder = nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.layers))
        self.decoder = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.layers))
        self.drop = nn.Dropout(cfg.dropout)
        self.generator = nn.Linear(cfg.d_model, cfg.tgt_vocab)
        for p in self.parameters():  # Glorot/Xavier uniform for matrices, as the reference implementations do
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)

    def _embed(self, table: nn.Embedding, ids: torch.Tensor) -> torch.Tensor:
        """Token embedding × √d_model plus the positional encoding (§3.4, §3.5)."""
        return self.drop(table(ids) * math.sqrt(self.cfg.d_model) + self.pe[: ids.shape[1]])

    def encode(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """src (B, S) -> memory (B, S, d) and the key mask (B, 1, 1, S) that hides padding."""
        src_allowed = (src != PAD_ID)[:, None, None, :]
        x = self._embed(self.src_embed, src)
        for layer in self.encoder:
            x = layer(x, src_allowed)
        return x, src_allowed

    def decode(self, tgt_in: torch.Tensor, memory: torch.Tensor, src_allowed: torch.Tensor) -> torch.Tensor:
        """tgt_in (B, T) -> logits (B, T, V): position t sees target tokens ≤ t and the whole source."""
        t = tgt_in.shape[1]
        causal = torch.ones(t, t, dtype=torch.bool, device=tgt_in.device).tril()
        y = self._embed(self.tgt_embed, tgt_in)
        for layer in self.decoder:
            y = layer(y, memory, causal, src_allowed)
        return self.generator(y)

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        memory, src_allowed = self.encode(src)
        return self.decode(tgt_in, memory, src_allowed)

    def attention_maps(self) -> dict[str, list[torch.Tensor]]:
        """Last weights of every layer: encoder self, decoder masked self, and cross attention."""
        return {"encoder": [layer.self_attn.weights for layer in self.encoder],
                "decoder": [layer.self_attn.weights for layer in self.decoder],
                "cross": [layer.cross_attn.weights for layer in self.decoder]}
