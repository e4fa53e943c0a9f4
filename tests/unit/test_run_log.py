"""The class test's split of a slider move (before the script, the script, after it) from the server's run log."""
import sys
import time
from pathlib import Path

import pytest

from ui import run_log

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from load_test import split_moves  # noqa: E402


def test_a_run_is_logged_only_when_the_server_was_asked_to(tmp_path, monkeypatch):
    monkeypatch.delenv("NNPG_RUN_LOG", raising=False)
    assert run_log.started() is None
    run_log.finished(None, "activation")  # nothing to do, nothing written anywhere

    log = tmp_path / "runs.log"
    monkeypatch.setenv("NNPG_RUN_LOG", str(log))
    start = run_log.started()
    busy_until = time.thread_time() + 0.02
    while time.thread_time() < busy_until:  # some CPU work for the thread clock to count
        pass
    run_log.finished(start, "activation")
    end, wall_ms, cpu_ms, page = log.read_text().split()
    assert page == "activation" and abs(float(end) - time.time()) < 5
    assert float(wall_ms) >= float(cpu_ms) >= 15


def test_a_move_is_split_by_the_run_of_its_page_inside_it():
    # server runs: (start, end, CPU seconds, page)
    runs = [(10.05, 10.30, 0.08, "activation"),  # this move's run
            (10.10, 10.20, 0.05, "losses"),  # another page's run at the same time: not this move's
            (9.00, 9.50, 0.10, "activation")]  # before the change was sent: not this move's
    split = split_moves([(10.00, 10.50, "activation")], runs)
    assert split["before"] == [pytest.approx(0.05)] and split["script"] == [pytest.approx(0.25)]
    assert split["cpu"] == [pytest.approx(0.08)] and split["after"] == [pytest.approx(0.20)]
    # a move whose run is missing from the log (cut short, or not logged) is left out, not guessed
    assert split_moves([(20.0, 20.5, "activation")], runs) == {"before": [], "script": [], "cpu": [], "after": []}


def test_of_two_runs_inside_a_move_the_later_one_answered_it():
    runs = [(1.01, 1.10, 0.02, "rnn"), (1.12, 1.40, 0.09, "rnn")]  # a run cut short by the rerun, then the rerun
    split = split_moves([(1.00, 1.45, "rnn")], runs)
    assert split["before"] == [pytest.approx(0.12)] and split["after"] == [pytest.approx(0.05)]
