"""A trained Transformer as a downloadable file: weights, configuration and both vocabularies, loaded back only
through the checked model-file loader (core/checkpoint.py)."""
from __future__ import annotations

import io
from dataclasses import asdict

import torch

from core.attention.transformer import Transformer, TransformerConfig
from core.attention.vocab import Vocab
from core.checkpoint import safe_torch_load

EXPORT_FORMAT = "nnpg-transformer-1"


def export_bytes(model: Transformer, src_vocab: Vocab, tgt_vocab: Vocab) -> bytes:
    """Weights, configuration and both vocabularies in one file for `torch.load(..., weights_only=True)`."""
    buffer = io.BytesIO()
    torch.save({"format": EXPORT_FORMAT, "config": asdict(model.cfg),
                "state_dict": {k: v.detach().clone().cpu() for k, v in model.state_dict().items()},
                "src_vocab": list(src_vocab.tokens), "tgt_vocab": list(tgt_vocab.tokens)}, buffer)
    return buffer.getvalue()


def import_bytes(raw: bytes) -> tuple[Transformer, Vocab, Vocab]:
    """The model and vocabularies from `export_bytes`; refuses anything that is not such a file."""
    blob = safe_torch_load(raw)  # the model-file checks: no compressed storage, no object but tensors
    if not isinstance(blob, dict) or blob.get("format") != EXPORT_FORMAT:
        raise ValueError("not an NN Playground transformer export")
    model = Transformer(TransformerConfig(**blob["config"]))
    model.load_state_dict(blob["state_dict"])
    return model, Vocab(tuple(blob["src_vocab"])), Vocab(tuple(blob["tgt_vocab"]))
