"""A link cannot make the server stream a data set from the internet: the hub is off unless the host turns it
on (NNPG_HUB_DATASETS=1, docs/HOSTING.md), and the shipped corpus loads without any network attempt."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from core.attention.corpus import CorpusError, load_hub
from tests.app.harness import by_key, open_page, warnings_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_network(monkeypatch):
    """Every connection attempt fails, and is recorded."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access is disabled in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_the_hub_is_off_by_default(monkeypatch, no_network):
    monkeypatch.delenv("NNPG_HUB_DATASETS", raising=False)
    with pytest.raises(CorpusError) as info:
        load_hub("any/dataset", "en-fr")
    assert info.value.code == "hub_disabled" and not no_network


def test_a_hub_link_loads_nothing_and_says_so(monkeypatch, no_network):
    monkeypatch.delenv("NNPG_HUB_DATASETS", raising=False)
    at = open_page("transformer", params={"corpus": "hub", "hub": "any/dataset"})
    assert "corpus" in warnings_text(at)  # "not valid here": the hub is not one of the choices
    assert "Hugging Face hub" not in by_key(at.segmented_control, "transformer.corpus").options
    assert at.session_state["transformer.corpus"] == "shipped" and not no_network


def test_the_host_can_turn_the_hub_on(monkeypatch, no_network):
    monkeypatch.setenv("NNPG_HUB_DATASETS", "1")
    with pytest.raises(CorpusError) as info:  # on, but this machine (and this test) is offline
        load_hub("Helsinki-NLP/opus_books", "en-fr")
    assert info.value.code == "hub_offline"


SHIPPED_WITHOUT_NETWORK = """
import socket
attempts = []
def refuse(*args, **kwargs):
    attempts.append(args)
    raise OSError("network access is disabled in this test")
socket.create_connection = socket.getaddrinfo = socket.socket.connect = refuse
from core.attention.corpus import shipped_corpus
corpus = shipped_corpus()
assert len(corpus.train) > 1000, len(corpus.train)
assert not attempts, attempts
"""


def test_the_shipped_corpus_loads_with_no_network_attempt(tmp_path):
    """In a fresh process that does not tell the Hugging Face libraries to stay offline (as the tests do)."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_OFFLINE") and k != "NNPG_HUB_DATASETS"}
    env.update(HF_HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", SHIPPED_WITHOUT_NETWORK], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_hub_name_is_shown_as_text_where_the_hub_is_on(monkeypatch, no_network):
    from tests.security.markdown_check import PAYLOADS, page_problems

    monkeypatch.setenv("NNPG_HUB_DATASETS", "1")
    for payload in PAYLOADS:
        at = open_page("transformer", params={"corpus": "hub", "hub": payload, "hub_config": payload})
        assert at.error and not page_problems(at), page_problems(at)
