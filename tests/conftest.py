"""Test-wide settings: strict translations, offline Hugging Face, one torch thread, CPU."""
import os
import tempfile

os.environ["NNPG_STRICT_I18N"] = "1"  # a missing translation is a failure, not a fallback
os.environ.setdefault("NNPG_DEVICE", "cpu")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="nnpg-hf-"))
# AppTests run pages in this process and simulate timer refreshes: they train in threads. The training worker is
# tested on its own (tests/unit/test_train_process.py, test_offload.py) and by the real servers of tests/e2e.
os.environ["NNPG_TRAINING_PROCESS"] = "0"

import torch  # noqa: E402

torch.set_num_threads(1)

from streamlit import config as _streamlit_config  # noqa: E402

_streamlit_config.set_option("client.showErrorDetails", "full")


# One Chromium for the whole run, shared by the page tests (tests/e2e) and the hosting tests (tests/hosting): a second
# session-wide Playwright started while the first still runs fails ("Sync API inside the asyncio loop").
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def browser():
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI: Chromium not found at {CHROMIUM}; the test command installs it (apt chromium)")
        pytest.skip(f"Chromium not found at {CHROMIUM} (outside CI only)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:  # Playwright gives each launch a fresh, empty profile
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
