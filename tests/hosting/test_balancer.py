"""Two replicas behind nginx (`make serve`'s Cluster): one URL, the hygiene headers, metrics hidden, cookie affinity;
one replica killed mid-class: only its students reconnect, to the other replica, with their settings and a notice."""
import asyncio
import concurrent.futures
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from deploy.serve import Cluster
from tests.e2e.conftest import _free_port
from tests.hosting.nginx_required import require_nginx

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from light_session import LightSession  # noqa: E402

pytestmark = pytest.mark.e2e

STUDENTS = [("activation", ""), ("playground", "data=xor&layers=1"), ("losses", "")]
NOTICE = "reconnected to a new server session"


def get(url: str):
    try:
        return urllib.request.urlopen(url, timeout=10)
    except urllib.error.HTTPError as err:
        return err


@pytest.fixture(scope="module")
def cluster():
    require_nginx()
    base = _free_port()
    while base + 2 > 65535:
        base = _free_port()
    with Cluster(2, base, restart=True, log=lambda text: None) as running:
        yield running


def test_one_url_with_headers_affinity_and_no_metrics(cluster):
    page = get(cluster.url + "/")
    assert page.status == 200
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert page.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert any(c.startswith("nnpg_replica=r") for c in page.headers.get_all("Set-Cookie"))
    assert get(cluster.url + "/_stcore/health").status == 200
    for hidden in ("/_stcore/metrics", "/_stcore/agent/openapi.json"):
        answer = get(cluster.url + hidden)
        assert answer.status == 404 and answer.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert get(cluster.replicas[0].url + "/_stcore/metrics").status == 200  # the replicas still have it inside


async def a_class_loses_a_replica(cluster) -> None:
    port = int(cluster.url.rsplit(":", 1)[1])
    sessions = [LightSession(port, slug, query) for slug, query in STUDENTS]
    try:
        for session in sessions:
            await session.open(timeout=120)
            await session.move_slider(1)
            assert not session.exceptions
        assert {s.replica for s in sessions} == {"r1", "r2"}, "least_conn spreads new students"
        links = [s.query for s in sessions]
        assert all(links), "each page's link carries its settings"
        killed = sessions[0].replica
        cluster.kill(int(killed[1:]) - 1)
        started = time.perf_counter()
        victims = [s for s in sessions if s.replica == killed]
        await asyncio.wait_for(asyncio.gather(*(s.lost.wait() for s in victims)), 10)
        recovery = [await s.reconnect(timeout=60) for s in victims]
        print(f"\nreplica {killed} killed: {len(victims)} students reconnected in "
              + ", ".join(f"{r:.2f}" for r in recovery) + f" s (all back {time.perf_counter() - started:.2f} s)")
        dead = cluster.replicas[int(killed[1:]) - 1]
        noticed_by = time.monotonic() + 10  # the watcher polls every 0.5 s; students may be back before it looks
        while dead.restarts < 1 and time.monotonic() < noticed_by:
            await asyncio.sleep(0.2)
        assert dead.restarts == 1  # the watcher started it again
        for session, link in zip(sessions, links):
            if session in victims:
                assert session.replica != killed
                assert any(NOTICE in notice for notice in session.notices)
            else:
                assert not session.lost.is_set() and session.replica != killed
            assert session.query == link, "settings came back from the link"
            await session.move_slider(-1)  # and the page works
            assert not session.exceptions
    finally:
        for session in sessions:
            await session.close()


def test_killed_replica_students_land_on_the_other_with_settings_and_a_notice(cluster):
    # On a thread of its own: the run-wide Playwright (tests/conftest.py) may already hold this thread's event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, a_class_loses_a_replica(cluster)).result()
