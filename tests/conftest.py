"""Test-wide settings: strict translations, offline Hugging Face, one torch thread, CPU."""
import os
import tempfile

os.environ["NNPG_STRICT_I18N"] = "1"  # a missing translation is a failure, not a fallback
os.environ.setdefault("NNPG_DEVICE", "cpu")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="nnpg-hf-"))

import torch  # noqa: E402

torch.set_num_threads(1)

from streamlit import config as _streamlit_config  # noqa: E402

_streamlit_config.set_option("client.showErrorDetails", "full")
