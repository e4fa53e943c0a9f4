"""The live panel's server side (ui/live_feed.py): tokens, answers, the route, the blocks; and the runner's
answers for a run training in a real worker (frames while it trains, "wait" once the page holds it, "ended" when
the worker stopped it)."""
import base64
import json
import re
import time
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from core.basics.playground import Hyper, PlaygroundConfig, PlaygroundTrainer
from ui import live_feed, offload, runner
from ui.runner import Run

PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()
JS = Path(live_feed.__file__).resolve().parent.parent / "assets" / "live_feed" / "live.js"


def test_a_token_answers_its_own_feed_only_and_is_long_and_random():
    mine = live_feed.open_feed(lambda: {"state": "live", "blocks": [live_feed.note("mine")]})
    theirs = live_feed.open_feed(lambda: {"state": "live", "blocks": [live_feed.note("theirs")]})
    try:
        assert mine != theirs and len(mine) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", mine)
        status, body = live_feed.answer(mine)
        assert status == 200 and json.loads(body)["blocks"][0]["lines"] == [[["mine", "", False]]]
        assert json.loads(live_feed.answer(theirs)[1])["blocks"][0]["lines"] == [[["theirs", "", False]]]
        assert json.loads(live_feed.answer(mine[:-1] + "x")[1]) == {"state": "gone"}  # a guess gets nothing
    finally:
        live_feed.close_feed(mine)
        live_feed.close_feed(theirs)
    assert json.loads(live_feed.answer(mine)[1]) == {"state": "gone"}


def test_a_feed_nobody_asks_for_is_forgotten_and_an_ended_one_closes(monkeypatch):
    stale = live_feed.open_feed(lambda: {"state": "live"})
    clock = time.monotonic() + live_feed.FORGET_S + 1
    monkeypatch.setattr(live_feed.time, "monotonic", lambda: clock)
    fresh = live_feed.open_feed(lambda: {"state": "ended"})
    assert json.loads(live_feed.answer(stale)[1]) == {"state": "gone"}  # its tab closed long ago
    assert live_feed.is_open(fresh)
    assert json.loads(live_feed.answer(fresh)[1]) == {"state": "ended"}
    assert json.loads(live_feed.answer(fresh)[1]) == {"state": "gone"} and not live_feed.is_open(fresh)


def test_a_failing_poll_answers_wait_not_an_error():
    def broken():
        raise RuntimeError("boom")

    token = live_feed.open_feed(broken)
    try:
        assert live_feed.answer(token) == (200, b'{"state":"wait"}')
    finally:
        live_feed.close_feed(token)


def test_one_request_at_a_time_per_feed():
    import threading

    entered, release = threading.Event(), threading.Event()

    def slow():
        entered.set()
        release.wait(5)
        return {"state": "live", "blocks": []}

    token = live_feed.open_feed(slow)
    try:
        first = threading.Thread(target=live_feed.answer, args=(token,))
        first.start()
        assert entered.wait(5)
        assert live_feed.answer(token) == (200, b'{"state": "same"}')  # a second one at once: no second thread held
        release.set()
        first.join(5)
    finally:
        live_feed.close_feed(token)


def test_the_route_answers_json_that_no_cache_keeps_and_only_to_get(monkeypatch):
    monkeypatch.setattr(live_feed, "_mounted", False)  # (restored after: AppTests run with no route)
    app = Starlette(routes=[live_feed.route()])
    assert live_feed.available()
    token = live_feed.open_feed(lambda: {"state": "live", "blocks": []})
    try:
        with TestClient(app) as client:
            for prefix in ("", "/course"):  # a server.baseUrlPath: the page asks relative to itself
                got = client.get(f"{prefix}/_nnpg/live/{token}")
                assert got.status_code == 200 and got.json() == {"state": "live", "blocks": []}
                assert got.headers["cache-control"] == "no-store"
                assert got.headers["x-content-type-options"] == "nosniff"
                assert got.headers["content-type"].startswith("application/json")
            assert client.post(f"/_nnpg/live/{token}").status_code == 405
            assert client.get("/_nnpg/live/nope").json() == {"state": "gone"}
    finally:
        live_feed.close_feed(token)


def test_blocks_carry_text_and_png_pictures_only():
    assert live_feed.picture(PNG, title="T", legend=[("●", "real", "#16a34a")], caption="c", stretch=True) == {
        "k": "picture", "src": PNG, "title": "T", "legend": [["●", "real", "#16a34a"]], "caption": [[["c", "", False]]],
        "stretch": True}
    for src in ("javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "http://elsewhere/pixel.png"):
        with pytest.raises(ValueError):
            live_feed.picture(src)
    assert live_feed.text("**What each neuron computes** (its output)") == {"k": "text", "lines": [
        [["What each neuron computes", "", True], [" (its output)", "", False]]]}
    assert live_feed.note(":blue[━━] train \u2003 :nope[x] <b>y</b>  \nsteps") == {"k": "note", "lines": [
        [["━━", "#2563eb", False], [" train \u2003 ", "", False], ["x", "", False], [" <b>y</b>", "", False]],
        [["steps", "", False]]]}  # an unknown colour draws plain; HTML stays text (the script sets textContent)
    assert live_feed.table([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]) == {
        "k": "table", "columns": ["a", "b"], "rows": [["1", "x"], ["2", "y"]]}
    assert live_feed.progress(1.7, "done")["value"] == 1.0 and live_feed.progress(-1, "x")["value"] == 0.0
    assert live_feed.metrics(("Epoch", "12")) == {"k": "metrics", "items": [["Epoch", "12"]]}
    # model output and visitor text as it is: no Markdown read, no HTML (the script sets textContent)
    assert live_feed.literal("the **cat** <i>sat</i>\n:red[x]") == {"k": "literal",
                                                                      "text": "the **cat** <i>sat</i>\n:red[x]"}


def test_the_panel_script_sets_text_never_html():
    script = JS.read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function("):
        assert sink not in script
    assert "textContent" in script and 'startsWith("data:image/png;base64,")' in script


def _frames(run, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = runner._poll_feed(run, "me", lambda: [live_feed.metrics(("Epoch", f"{run.trainer.steps_done}"))])
        if answer["state"] != "same":
            yield answer
    raise AssertionError("no answer but 'same'")


def test_the_runner_feeds_frames_while_the_worker_trains_and_waits_once_held(alone_with_a_worker):
    run = Run(PlaygroundTrainer(PlaygroundConfig(), Hyper()), config="c", running=True)
    assert runner._train_in_worker(run, "me", 0.2, 0.05, time_budget_s=60)
    shown = []
    for answer in _frames(run):
        assert answer["state"] == "live"
        shown.append(int(answer["blocks"][0]["items"][0][1]))
        if len(shown) == 4:
            break
    assert shown == sorted(shown) and shown[-1] > shown[0] > 0  # the trainer moves on between frames
    assert run.trainer.steps_done == shown[-1] and "me" in runner._last_ticks
    assert run.remote is not None and run.remote.until > time.monotonic() + runner.FEED_WATCHDOG_S  # extended
    runner.hold(run)  # a button or a slider: the page takes the run back
    assert runner._poll_feed(run, "me", list) == {"state": "wait"}
    run.running = False  # paused
    assert runner._poll_feed(run, "me", list) == {"state": "wait"}  # the page's own run shows it, not a trigger


def test_the_runner_says_ended_when_the_worker_stopped_the_run(alone_with_a_worker):
    run = Run(PlaygroundTrainer(PlaygroundConfig(), Hyper()), config="c", running=True, seconds=59.9)
    assert runner._train_in_worker(run, "me", 0.2, 0.05, time_budget_s=60)
    for answer in _frames(run):
        if answer["state"] == "ended":
            break
    assert not run.running and run.stop_reason == "budget" and run.remote is None
    assert offload._slots[0].lease is None


def test_another_session_wanting_to_train_ends_the_feed_at_once(alone_with_a_worker):
    run = Run(PlaygroundTrainer(PlaygroundConfig(), Hyper()), config="c", running=True)
    assert runner._train_in_worker(run, "me", 0.2, 0.05, time_budget_s=60)
    runner._last_ticks["someone else"] = time.monotonic()  # their refresh asked for a slot
    assert runner._poll_feed(run, "me", list) == {"state": "ended"}  # the page refreshes and hands the slot over
    assert run.running
    runner.hold(run)
