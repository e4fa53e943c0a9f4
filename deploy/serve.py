"""`make serve`: N app processes and nginx in front of them, one URL for the class, Ctrl-C stops everything.

Each replica is a Streamlit server on 127.0.0.1 (balancer port + 1, + 2, ...); nginx (Debian's package, `make
nginx` installs it) listens on ADDRESS:PORT with cookie affinity, WebSocket upgrade, the hygiene headers and
`/_stcore/metrics` hidden (deploy/nginx.py). A replica that dies is started again; its students' tabs reconnect
to another replica at once (their settings come back from their links, with a notice that the live model was
lost). Default: one replica per core but one, at least one — one process can use about one core (the Python
interpreter lock), and a core stays free for nginx and the system.

Run: .venv/bin/python deploy/serve.py [--replicas N] [--port 8501] [--address 0.0.0.0]
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.nginx import render  # noqa: E402

NGINX = os.environ.get("NNPG_NGINX", shutil.which("nginx") or "/usr/sbin/nginx")


def default_replicas() -> int:
    return max(1, (os.cpu_count() or 1) - 1)


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


class Replica:
    """One Streamlit server process on 127.0.0.1:port."""

    def __init__(self, name: str, port: int, env: dict) -> None:
        self.name, self.port, self.env = name, port, env
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None
        self.restarts = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "asgi.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


class Cluster:
    """N replicas behind nginx on `address:port`; a watcher thread restarts replicas that die."""

    def __init__(self, replicas: int, port: int, address: str = "127.0.0.1", restart: bool = True,
                 env: dict | None = None, log=print) -> None:
        if not (os.path.exists(NGINX) and os.access(NGINX, os.X_OK)):
            raise FileNotFoundError(f"nginx not found at {NGINX}: `make nginx` installs Debian's package")
        self.port, self.address, self.restart, self.log = port, address, restart, log
        host = "127.0.0.1" if address in ("0.0.0.0", "") else address
        self.url = f"http://{host}:{port}"
        env = {**os.environ, **(env or {})}
        self.replicas = [Replica(f"r{i + 1}", port + i + 1, env) for i in range(replicas)]
        self.dir = Path(tempfile.mkdtemp(prefix="nnpg-nginx-"))
        self.dir.chmod(0o755)  # nginx's workers (user nobody when started by root) create temp files below
        self.nginx: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def __enter__(self) -> "Cluster":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 180) -> None:
        for replica in self.replicas:
            replica.start()
        deadline = time.time() + timeout
        for replica in self.replicas:
            while not healthy(replica.url):
                if replica.proc.poll() is not None:
                    raise RuntimeError(f"replica {replica.name} exited with code {replica.proc.returncode}")
                if time.time() > deadline:
                    raise RuntimeError(f"replica {replica.name} not healthy after {timeout:.0f} s")
                time.sleep(0.3)
        config = self.dir / "nginx.conf"
        config.write_text(render([f"127.0.0.1:{r.port}" for r in self.replicas], f"{self.address}:{self.port}",
                                 self.dir))
        check = subprocess.run([NGINX, "-t", "-q", "-p", str(self.dir), "-e", str(self.dir / "error.log"),
                                "-c", str(config)], capture_output=True, text=True)
        if check.returncode:
            raise RuntimeError(f"nginx rejected its configuration: {check.stderr.strip()}")
        self.nginx = subprocess.Popen([NGINX, "-p", str(self.dir), "-e", str(self.dir / "error.log"), "-c",
                                       str(config), "-g", "daemon off;"], start_new_session=True)
        while not healthy(self.url):
            if self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.dir / 'error.log').read_text()[-2000:]}")
            if time.time() > deadline:
                raise RuntimeError("the balancer did not answer")
            time.sleep(0.2)
        if self.restart:
            self._watcher = threading.Thread(target=self._watch, name="nnpg-replica-watcher", daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        """Start again any replica that died (its sessions' live models are lost; their links restore the rest)."""
        while not self._stopping.wait(0.5):
            for replica in self.replicas:
                code = replica.proc.poll()
                if code is not None and not self._stopping.is_set():
                    self.log(f"replica {replica.name} (port {replica.port}) exited with code {code}: starting it "
                             "again; its students continue on the other replicas")
                    replica.restarts += 1
                    replica.start()

    def kill(self, index: int) -> None:
        """SIGKILL one replica, as a crash or an out-of-memory kill would."""
        self.replicas[index].proc.send_signal(signal.SIGKILL)

    def stop(self) -> None:
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join(5)
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.terminate()  # fast shutdown: open WebSockets would hold a graceful one forever
            try:
                self.nginx.wait(10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
        for replica in self.replicas:
            replica.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=default_replicas())
    parser.add_argument("--port", type=int, default=8501, help="the class's port (replicas use the next ones)")
    parser.add_argument("--address", default="0.0.0.0", help="where nginx listens (replicas: 127.0.0.1 only)")
    args = parser.parse_args()
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    for stop in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C and `kill` stop cleanly (SIGINT even if inherited ignored)
        signal.signal(stop, _interrupt)
    print(f"starting {args.replicas} replica(s) on 127.0.0.1:{args.port + 1}-{args.port + args.replicas} "
          f"and nginx on {args.address}:{args.port} ...", flush=True)
    cluster = Cluster(args.replicas, args.port, args.address, log=lambda text: print(text, flush=True))
    try:
        cluster.start()
        print(f"NN Playground for the class: http://{'<this machine>' if args.address == '0.0.0.0' else args.address}"
              f":{args.port}/  (Ctrl-C stops it)", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("stopping ...", flush=True)
    finally:
        cluster.stop()
        print("stopped", flush=True)


if __name__ == "__main__":
    main()
