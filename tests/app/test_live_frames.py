"""Every page that gives the runner a `live_frame` draws it right: run in AppTest as if its run trained in the
worker and the live route were there, in both languages. The first frame (made in the page's run) and a frame made
outside any page run (as the live panel's requests are answered, ui/live_feed.py) hold the progress line, the
page's pictures as PNG and its texts in the page's language."""
import json
import re

import pytest

from tests.app.harness import assert_no_exception, open_page, press
from ui import live_feed, runner

# test id -> (page, its run's namespace, pictures in the frame after a tick at least)
RUNS = {"playground": ("playground", "playground", 3), "gan": ("gan", "gan", 3), "depth": ("depth", "depth", 2),
        "fitting": ("fitting", "fitting", 1), "rnn": ("rnn", "rnn", 2), "cnn": ("cnn", "cnn", 9),
        "conv3d": ("conv3d", "conv3d", 2), "autoencoder": ("autoencoder", "autoencoder", 8),
        "backprop": ("backprop", "backprop", 1), "attention": ("attention", "attention", 2),
        # before its first evaluation (every 25 steps) the page shows only a note, and so does the frame
        "seq2seq_bottleneck": ("seq2seq_bottleneck", "seq2seq_bottleneck", 0),
        "transformer": ("transformer", "transformer", 2), "lstm": ("lstm", "lstm", 3),
        "lstm_race": ("lstm", "lstm_race", 3), "textgen": ("textgen", "textgen", 2),
        "cartpole": ("cartpole", "cartpole", 3),
        **{f"gan_variants_{tab}": ("gan_variants", f"gan_variants_{tab}", pictures)
           for tab, pictures in {"cond": 2, "info": 4, "cycle": 2, "pix": 5}.items()}}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _walk(blocks):
    for block in blocks:
        if block["k"] == "columns":
            for column in block["cols"]:
                yield from _walk(column)
        else:
            yield block


def _texts(blocks) -> str:
    parts = []
    for block in _walk(blocks):
        parts += [block.get("text", ""), block.get("title", "")]
        parts += [run[0] for line in block.get("lines", []) + block.get("caption", []) for run in line]
        parts += [label for pair in block.get("items", []) for label in pair[:1]]
        parts += block.get("columns", [])
    return " ".join(parts)


@pytest.fixture
def fed(monkeypatch):
    """The runner as in a timer refresh of a run in the worker, with the route mounted; frames recorded."""
    shown = []
    monkeypatch.setattr(live_feed, "available", lambda: True)
    monkeypatch.setattr(live_feed, "show", lambda token, first, **_: shown.append((token, first)))
    monkeypatch.setattr(runner, "_draw_from_worker", lambda run, session, budget: run.running)
    # a request answered outside the page run builds its frame (the worker's part is tested in tests/unit)
    monkeypatch.setattr(runner, "_poll_feed", lambda run, session, blocks: {"state": "live", "blocks": blocks()})
    return shown


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", list(RUNS))
def test_the_live_frame_of_each_page(fed, name, lang):
    slug, ns, least = RUNS[name]
    at = open_page(slug, lang=lang)
    press(at, f"{ns}.run.start")
    at.run()  # a refresh of the running panel: the live panel takes over
    assert_no_exception(at)
    assert fed, "no live panel shown"
    token, first = fed[-1]
    status, body = live_feed.answer(token)  # here: no page run, no session
    later = json.loads(body)
    for frame in (first, later):
        blocks = frame["blocks"]
        assert frame["state"] == "live" and blocks[0]["k"] == "progress" and blocks[0]["text"]
        pictures = [b for b in _walk(blocks) if b["k"] == "picture"]
        assert len(pictures) >= least
        assert all(p["src"].startswith("data:image/png;base64,") for p in pictures)
        text = _texts(blocks[1:])  # the page's own texts (the progress line is the runner's)
        assert bool(CJK.search(text)) == (lang == "zh"), text[:200]
    live_feed.close_feed(token)  # as an "ended" answer does: the next refresh of the running panel opens a new one
    at.run()
    assert_no_exception(at)
    assert fed[-1][0] != token and live_feed.is_open(fed[-1][0])
    live_feed.close_feed(fed[-1][0])
