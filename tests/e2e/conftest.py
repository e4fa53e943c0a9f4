"""A real server and a real Chromium (Debian's, driven by Playwright) for the browser tests."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("NNPG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
# A test run leaves the work tree as it found it: screenshots go to a scratch folder unless `make screenshots`
# asks for the README's pictures (NNPG_SCREENSHOTS=docs/screenshots).
SCREENSHOTS = ROOT / os.environ.get("NNPG_SCREENSHOTS", "build/screenshots")
SCREENSHOTS.mkdir(parents=True, exist_ok=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def count_script_finished(counter: str, condition: str = "true") -> str:
    """An init script for a tab: `window[counter]` counts the server's "script finished" messages whose status `v`
    meets `condition` (JavaScript). The websocket carries protobuf ForwardMsg; its top-level field 6 is
    script_finished (streamlit/proto/ForwardMsg.proto)."""
    return """(() => {
  window.%s = 0;
  const finished = data => {
    if (!(data instanceof ArrayBuffer)) return false;
    const b = new Uint8Array(data); let i = 0;
    const varint = () => { let x = 0, s = 0, c; do { c = b[i++]; x += (c & 0x7f) * 2 ** s; s += 7; } while (c & 0x80); return x; };
    while (i < b.length) {
      const key = varint(), field = Math.floor(key / 8), wire = key & 7;
      if (wire === 0) { const v = varint(); if (field === 6) return %s; }
      else if (wire === 2) { const length = varint(); i += length; }  // (not `i += varint()`: i is read first)
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return false;
    }
    return false;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => { if (finished(e.data)) window.%s++; });
    }
  };
})();""" % (counter, condition, counter)


def start_server(port: int, extra_env: dict | None = None) -> subprocess.Popen:
    """Start the app on 127.0.0.1:port and wait for its health check."""
    # A real server trains as in production: between refreshes in a worker process (unless a benchmark says
    # NNPG_SERVER_TRAINING_PROCESS=0); the test process itself turned it off for its AppTests (tests/conftest.py).
    env = {**os.environ, "NNPG_STRICT_I18N": "1",
           "NNPG_TRAINING_PROCESS": os.environ.get("NNPG_SERVER_TRAINING_PROCESS", "1"), **(extra_env or {})}
    # Its log goes to a file, never to a pipe nobody reads: once a pipe's buffer (64 KB) is full, the next line the
    # server (or its training worker, which shares it) writes would stop that thread for good.
    log = Path(tempfile.gettempdir()) / f"nnpg-e2e-server-{port}.log"
    with open(log, "wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "asgi.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=sink)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace")[-2000:])
    proc.kill()
    raise RuntimeError("server did not become healthy in 90 s")


@pytest.fixture(scope="session")
def server_url():
    port = _free_port()
    proc = start_server(port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
