"""Load test: a class of N sessions against one server on this machine, some of them real Chromium tabs.

A class arrives: sessions open their page `--ramp` seconds apart (page-load times are reported). Trainers open the
Playground (spiral, 4 hidden layers of 8) and press Start at once. When everyone is in, a window of `--seconds`
is measured: slider users move a slider at a person's pace (move, look at the result for `--think` seconds, move
again), trainers keep training (pressing Start again when a run pauses).
`--browsers` of the sessions are real Chromium tabs (Playwright), spread over the class with their share of the
trainers; their latency is measured inside the page, from the key press reaching the page until the server's
"script finished" message for that run has arrived and the page shows the result (script state "notRunning", no
stale element left). Chromium and Playwright's driver run at idle priority, this process at nice 10 (see
`idle_priority_children`), so the server has the CPU first, as on its own machine.
The other sessions speak Streamlit's websocket protocol from Python (`light_session.py`): each is a full
session on the server (script runs, widgets, models, fragment timers) without the cost of rendering, which
on a real class is paid by each student's own computer. (Measured: a tab showing a live training at ~5 refreshes/s
keeps ~0.7 of a core busy and a slider move costs a tab 0.3–0.8 s of main-thread time, so 20 tabs alone saturate
these 2 cores and the test would measure the browser.)
Reports p50/p95 latency of both kinds (and p50/max per page), errors (exception boxes, failed loads, moves that
never finished), the trainers' epochs and chart refreshes per second, where the cores went (server, Chromium,
Playwright's driver, this process with the protocol clients, the whole machine), server memory while loaded,
and memory after everyone left (closed tabs are dropped after the server's disconnectedSessionTTL).
Targets (issue 8): 20 sessions, 5 training, p95 < 1 s, zero errors, memory back within 10 % of the start.

Run: .venv/bin/python benchmarks/load_test.py [--sessions 20] [--training 5] [--browsers 6] [--seconds 60]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import time
import tomllib
import urllib.request

from _util import ROOT  # also puts the project on sys.path

from light_session import LightSession
from playwright.async_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, start_server

SLIDER_PAGES = ["activation", "playground", "optimizers", "convolution", "losses", "pooling", "fitting", "rnn"]
TRAINING_URL = "/playground?data=spiral&layers=4&n1=8&n2=8&n3=8&n4=8"
TTL_S = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["disconnectedSessionTTL"]
VIEWPORT = {"width": 1366, "height": 768}  # the commonest laptop screen
IDLE = """() => document.querySelector("[data-testid='stApp']")?.getAttribute('data-test-script-state') === 'notRunning'
  && !document.querySelector("[data-stale='true']")"""
# In every tab before the app loads: count the server's "script finished" messages of full runs. The websocket
# carries protobuf ForwardMsg; its top-level field 6 is script_finished (0 = finished, 1 = compile error; 2 and 3
# are a run cut short by a rerun and a fragment run): streamlit/proto/ForwardMsg.proto.
COUNT_FINISHED_RUNS = """(() => {
  window.__nnpgFinished = 0;
  const finishedRun = data => {
    if (!(data instanceof ArrayBuffer)) return false;
    const b = new Uint8Array(data); let i = 0;
    const varint = () => { let x = 0, s = 0, c; do { c = b[i++]; x += (c & 0x7f) * 2 ** s; s += 7; } while (c & 0x80); return x; };
    while (i < b.length) {
      const key = varint(), field = Math.floor(key / 8), wire = key & 7;
      if (wire === 0) { const v = varint(); if (field === 6) return v === 0 || v === 1; }
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
      this.addEventListener('message', e => { if (finishedRun(e.data)) window.__nnpgFinished++; });
    }
  };
})();"""
# Installed before a move: resolves (with performance.now()) once the server has finished the run the move caused
# and the page has rendered it (script state back to "notRunning", no stale element left). It also notes when the
# key press reached the page (the event's own time stamp, same clock): the latency starts there, as for a person,
# whose key press is not first relayed by a busy test driver.
WATCH_RERUN = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  const before = window.__nnpgFinished;
  window.__nnpgKeyAt = null;
  document.addEventListener('keydown', e => { window.__nnpgKeyAt ??= e.timeStamp; }, {capture: true, once: true});
  window.__nnpgRerun = new Promise(resolve => {
    const poll = setInterval(() => {
      if (window.__nnpgFinished > before && app.getAttribute('data-test-script-state') === 'notRunning'
          && !document.querySelector("[data-stale='true']")) { clearInterval(poll); resolve(performance.now()); }
    }, 5);
  });
  return performance.now();
}"""
PROGRESS = "[data-testid='stProgress']"
STATE = """() => { const app = document.querySelector("[data-testid='stApp']");
  return `script ${app.getAttribute('data-test-script-state')}, connection ${app.getAttribute('data-test-connection-state')}, `
    + `${document.querySelectorAll("[data-stale='true']").length} stale elements`; }"""


def drop_the_right_to_raise_priority() -> None:
    """Programs this process starts from now on can only lower their priority, never raise it.

    Run as root, Chromium gives its display and IO threads nice -8 (seen with `ps -eLo ni,comm`:
    Chrome_ChildIOThread and renderer threads at -8), above the server's 0, so the "students' computers" took the
    CPU from the server. A desktop user's Chromium has no right to do that: without CAP_SYS_NICE (and with the
    usual RLIMIT_NICE of 0) a process can only lower its priority. Dropping the capability from this process's
    bounding set takes it from every program started after this (root's inheritable set is empty here), while
    this process keeps its own. Linux only; elsewhere a no-op. `man 7 capabilities` (PR_CAPBSET_DROP).
    """
    import ctypes
    import ctypes.util

    pr_capbset_drop, cap_sys_nice = 24, 23  # <linux/prctl.h>, <linux/capability.h>
    try:
        ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).prctl(pr_capbset_drop, cap_sys_nice, 0, 0, 0)
    except (OSError, AttributeError, TypeError):
        pass


@contextlib.contextmanager
def idle_priority_children():
    """What this thread starts inside the block (Playwright's driver, and through it Chromium) runs at idle
    priority: it gets only CPU time nobody else wants, and a waking server thread always takes the CPU from it
    at once (`man 7 sched`, SCHED_IDLE; nice 10 alone left the server waiting for a core). This thread goes back
    to its normal policy after the block, so the protocol clients and the timing here are not starved."""
    idle = hasattr(os, "SCHED_IDLE")
    if idle:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    try:
        yield
    finally:
        if idle:
            os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def name_and_cpu_seconds(pid: int) -> tuple[str, float]:
    """A process's name and the CPU seconds (user + system) it used so far: `man 5 proc`, /proc/pid/stat."""
    with open(f"/proc/{pid}/stat") as fh:
        head, tail = fh.read().rsplit(")", 1)
    fields = tail.split()
    return head.split("(", 1)[1], (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    return name_and_cpu_seconds(pid)[1]


PROGRAMS = ("server", "protocol clients + harness", "Playwright driver", "Chromium")


def cpu_by_process(server_pid: int) -> dict[int, tuple[str, float]]:
    """pid -> (program, CPU seconds so far) for the server, this process (the protocol clients and the Playwright
    client), Playwright's driver and Chromium's processes: where the machine's cores went."""
    used = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            name, seconds = name_and_cpu_seconds(pid)
        except OSError:  # gone meanwhile
            continue
        program = ("server" if pid == server_pid else "protocol clients + harness" if pid == os.getpid()
                   else "Playwright driver" if name.startswith("node") else "Chromium" if name.startswith("chrom")
                   else None)
        if program:
            used[pid] = (program, seconds)
    return used


def cpu_by_program(snapshots: list[dict]) -> tuple[dict[str, float], int, int]:
    """CPU seconds each program used over `cpu_by_process` snapshots taken a second apart (a process counts from
    its first snapshot, or from zero if it started after the first one, to its last: one that ended meanwhile
    loses at most its last second), and how many processes started and ended in between."""
    first, last = {}, {}
    for snapshot in snapshots:
        for pid, entry in snapshot.items():
            first.setdefault(pid, entry if pid in snapshots[0] else (entry[0], 0.0))
            last[pid] = entry
    used = dict.fromkeys(PROGRAMS, 0.0)
    for pid, (program, seconds) in last.items():
        used[program] += seconds - first[pid][1]
    return used, len(set(last) - set(snapshots[0])), len(set(last) - set(snapshots[-1]))


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent not idle (closed tabs' processes are gone, so count it here)."""
    with open("/proc/stat") as fh:
        fields = [int(v) for v in fh.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class Window:
    """The measured stretch: opens when the whole class has arrived, closes `seconds` later."""

    def __init__(self) -> None:
        self.opened = asyncio.Event()
        self.closes_at = float("inf")

    def is_open(self) -> bool:
        return self.opened.is_set() and time.perf_counter() < self.closes_at


async def load(page, url: str, ready: str, load_times: list) -> None:
    started = time.perf_counter()
    await page.goto(url, timeout=240_000)
    await page.locator(ready).first.wait_for(timeout=240_000)
    await page.wait_for_function(IDLE, timeout=240_000)
    load_times.append(time.perf_counter() - started)


async def slider_user(browser, url: str, slug: str, delay: float, window: Window, think: float, stats: dict) -> None:
    await asyncio.sleep(delay)  # people arrive one after another, not all in the same millisecond
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(COUNT_FINISHED_RUNS)
    page = await context.new_page()
    try:
        await load(page, f"{url}/{slug}", "[data-testid='stSlider']", stats["load"])
        await window.opened.wait()
        await asyncio.sleep((delay * 0.37) % max(think, 0.1))  # not all in step
        direction = "ArrowRight"
        while window.is_open():
            slider = page.get_by_role("slider").first
            await slider.focus()
            value, low, high = await slider.evaluate("e => [Number(e.value ?? e.getAttribute('aria-valuenow')), "
                                                     "Number(e.min ?? e.getAttribute('aria-valuemin')), "
                                                     "Number(e.max ?? e.getAttribute('aria-valuemax'))]")
            if value >= high:  # at an end an arrow key changes nothing: go the other way
                direction = "ArrowLeft"
            elif value <= low:
                direction = "ArrowRight"
            for _ in range(3):  # a re-render can take the focus away just before the key: then press again
                start = await page.evaluate(WATCH_RERUN)
                await slider.focus()
                await page.keyboard.press(direction)
                if await slider.evaluate("e => Number(e.value ?? e.getAttribute('aria-valuenow'))") != value:
                    break
                stats["lost_keys"] += 1
            try:
                done = await asyncio.wait_for(page.evaluate("() => window.__nnpgRerun"), 30)
            except asyncio.TimeoutError:
                state = await page.evaluate(STATE)
                stats["errors"].append(f"{slug}: a slider move did not finish in 30 s ({state})")
                break
            key_at = await page.evaluate("() => window.__nnpgKeyAt")
            latency = (done - (start if key_at is None else max(start, key_at))) / 1000
            stats["latency"].append(latency)
            stats["by_page"].setdefault(slug, []).append(latency)
            direction = "ArrowLeft" if direction == "ArrowRight" else "ArrowRight"
            if await page.locator("[data-testid='stException']").count():
                stats["errors"].append(f"{slug}: exception shown")
                break
            await page.wait_for_timeout(think * 1000)  # a person looks at the result before moving again
    except Exception as err:  # a failed load or a hang counts as an error of the test, never a crash of it
        stats["errors"].append(f"{slug}: {type(err).__name__}: {str(err)[:120]}")
    finally:
        await context.close()


def epochs_shown(text: str) -> int:
    return int(text.split("epoch ")[1].split(" of")[0].replace(",", ""))


async def trainer_user(browser, url: str, delay: float, window: Window, stats: dict) -> None:
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(COUNT_FINISHED_RUNS)
    page = await context.new_page()
    try:
        await load(page, url + TRAINING_URL, "button:has-text('Start')", stats["load"])
        await page.get_by_role("button", name="Start", exact=True).click(timeout=60_000)
        await window.opened.wait()
        first = last = epochs_shown(await page.locator(PROGRESS).first.inner_text())
        refreshes, started = 0, time.perf_counter()
        while window.is_open():
            await page.wait_for_timeout(100)
            now = epochs_shown(await page.locator(PROGRESS).first.inner_text())
            refreshes += now != last
            last = now
            if await page.locator("[data-testid='stException']").count():
                stats["errors"].append("playground training: exception shown")
                break
            start = page.get_by_role("button", name="Start", exact=True)
            if await start.count():  # the time budget ran out or the run paused: a student presses Start again
                try:
                    await start.click(timeout=5_000)
                except PlaywrightTimeout:  # the button turned into Pause meanwhile
                    pass
        elapsed = time.perf_counter() - started
        stats["epochs"].append((last - first) / elapsed)
        stats["refreshes"].append(refreshes / elapsed)
    except Exception as err:
        stats["errors"].append(f"training: {type(err).__name__}: {str(err)[:120]}")
    finally:
        await context.close()


async def light_slider_user(port: int, slug: str, delay: float, window: Window, think: float, stats: dict) -> None:
    await asyncio.sleep(delay)
    session = LightSession(port, slug)
    try:
        started = time.perf_counter()
        await session.open(timeout=240)
        stats["load"].append(time.perf_counter() - started)
        await window.opened.wait()
        await asyncio.sleep((delay * 0.37) % max(think, 0.1))
        sign = 1
        while window.is_open():
            latency = await session.move_slider(sign)
            stats["light_latency"].append(latency)
            stats["light_by_page"].setdefault(slug, []).append(latency)
            sign = -sign
            if session.exceptions:
                stats["errors"].append(f"{slug} (protocol session): exception {session.exceptions[0]}")
                break
            await asyncio.sleep(think)
    except Exception as err:
        stats["errors"].append(f"{slug} (protocol session): {type(err).__name__}: {str(err)[:120]}")
    finally:
        await session.close()


async def light_trainer_user(port: int, delay: float, window: Window, stats: dict) -> None:
    await asyncio.sleep(delay)
    session = LightSession(port, "playground", TRAINING_URL.split("?", 1)[1])
    try:
        started = time.perf_counter()
        await session.open(timeout=240)
        stats["load"].append(time.perf_counter() - started)
        await session.press("Start")
        await window.opened.wait()
        first, updates, started = epochs_shown(session.progress), session.progress_updates, time.perf_counter()
        while window.is_open():
            await asyncio.sleep(1)
            if session.exceptions:
                stats["errors"].append(f"playground training (protocol session): exception {session.exceptions[0]}")
                break
            if not session.live:  # the time budget ran out or the run paused: press Start again
                await session.press("Start")
        elapsed = time.perf_counter() - started
        stats["light_epochs"].append((epochs_shown(session.progress) - first) / elapsed)
        stats["light_refreshes"].append((session.progress_updates - updates) / elapsed)
    except Exception as err:
        stats["errors"].append(f"training (protocol session): {type(err).__name__}: {str(err)[:120]}")
    finally:
        await session.close()


def quantile(values: list, q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1] if len(values) > 1 \
        else values[0]


def class_of(sessions: int, training: int, browsers: int) -> list[tuple[str, bool]]:
    """Who arrives, in order: (role, in Chromium?). Chromium sessions are spread evenly over the class and get
    their share of the trainers; the rest are protocol sessions."""
    roles = ["train"] * training + ["slide"] * (sessions - training)
    in_browser = [round((i + 1) * browsers / sessions) > round(i * browsers / sessions) for i in range(sessions)]
    return list(zip(roles, in_browser))


async def run(sessions: int, training: int, seconds: float, ramp: float, think: float, browsers: int,
              memory: bool = True) -> None:
    from playwright.async_api import async_playwright

    port = _free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}"
    # The clients stand for the students' own computers: from here on this process (nice 10) and what it starts
    # (Playwright's driver and Chromium, at idle priority) run below the server, so the server gets the CPU it
    # would have on its own machine and the clients use what is left (they still share the two cores).
    os.nice(10)
    drop_the_right_to_raise_priority()
    try:
        urllib.request.urlopen(f"{url}/playground").read()
        with idle_priority_children():
            pw_manager = async_playwright()
            pw = await pw_manager.__aenter__()
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # warm the server once (lazy imports, caches, torch's first training) so the baseline is a server that
            # has run what the class will run, and what stays after the class is what sessions left behind
            warm = await browser.new_context()
            warm_page = await warm.new_page()
            for slug in SLIDER_PAGES:
                await load(warm_page, f"{url}/{slug}", "[data-testid='stSlider']", [])
            await load(warm_page, url + TRAINING_URL, "button:has-text('Start')", [])
            await warm_page.get_by_role("button", name="Start", exact=True).click()
            await warm_page.wait_for_timeout(5_000)
            await warm_page.get_by_role("button", name="Pause", exact=True).click()
            await warm.close()
            if memory:
                await asyncio.sleep(TTL_S + 15)  # the warm-up session is dropped: the baseline holds no session
            rss_start = rss_mb(server.pid)
            stats = {"latency": [], "errors": [], "epochs": [], "refreshes": [], "load": [], "light_latency": [],
                     "light_epochs": [], "light_refreshes": [], "lost_keys": 0, "by_page": {},
                     "light_by_page": {}}
            window = Window()
            users = []
            for i, (role, real) in enumerate(class_of(sessions, training, browsers)):
                slug = SLIDER_PAGES[i % len(SLIDER_PAGES)]
                if role == "train":
                    users.append(trainer_user(browser, url, ramp * i, window, stats) if real
                                 else light_trainer_user(port, ramp * i, window, stats))
                else:
                    users.append(slider_user(browser, url, slug, ramp * i, window, think, stats) if real
                                 else light_slider_user(port, slug, ramp * i, window, think, stats))
            peak = [rss_start]
            cpu = {}

            async def conduct():
                await asyncio.sleep(ramp * sessions)
                while len(stats["load"]) + len(stats["errors"]) < sessions:  # wait until everyone is in
                    await asyncio.sleep(1)
                cpu["start"] = (cpu_seconds(server.pid), machine_busy_seconds(), time.perf_counter())
                cpu["processes"] = [cpu_by_process(server.pid)]
                window.closes_at = time.perf_counter() + seconds
                window.opened.set()
                while window.is_open():
                    peak[0] = max(peak[0], rss_mb(server.pid))
                    await asyncio.sleep(1)
                    cpu["processes"].append(cpu_by_process(server.pid))
                cpu["end"] = (cpu_seconds(server.pid), machine_busy_seconds(), time.perf_counter())
            await asyncio.gather(conduct(), *users)
            await browser.close()
        finally:
            await pw_manager.__aexit__(None, None, None)
        (s0, m0, t0), (s1, m1, t1) = cpu["start"], cpu["end"]
        in_browser = sum(real for _, real in class_of(sessions, training, browsers))
        trainers_in_browser = sum(real for role, real in class_of(sessions, training, browsers) if role == "train")
        print(f"{sessions} sessions ({training} training) arriving {ramp:g} s apart: {in_browser} in Chromium "
              f"({trainers_in_browser} training), {sessions - in_browser} protocol sessions; then {seconds:.0f} s "
              f"measured with everyone in; slider users look {think:g} s between moves; server, Chromium and "
              f"protocol clients on this machine's {os.cpu_count()} cores")
        loads = stats["load"]
        if loads:
            print(f"page load (open → controls shown, no run pending): p50 {statistics.median(loads):.1f} s, "
                  f"max {max(loads):.1f} s")
        for key, what in (("latency", "in Chromium, key press → page re-rendered"),
                          ("light_latency", "protocol sessions, change sent → script finished")):
            lat = stats[key]
            if lat:
                print(f"slider-to-update latency, {what}: p50 {statistics.median(lat) * 1000:.0f} ms, "
                      f"p95 {quantile(lat, 0.95) * 1000:.0f} ms, max {max(lat) * 1000:.0f} ms ({len(lat)} moves)")
        for key, where in (("by_page", "in Chromium"), ("light_by_page", "protocol sessions")):
            if stats[key]:
                print(f"{where}, by page (p50 / max ms): " + ", ".join(
                    f"{slug} {statistics.median(v) * 1000:.0f} / {max(v) * 1000:.0f}"
                    for slug, v in sorted(stats[key].items())))
        errors = stats["errors"]
        print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:10]))
        if stats["lost_keys"]:
            print(f"key presses that did not reach the slider (focus lost to a re-render) and were repeated: "
                  f"{stats['lost_keys']}")
        for epochs, refreshes, where in (("epochs", "refreshes", "in Chromium"),
                                         ("light_epochs", "light_refreshes", "protocol sessions")):
            if stats[epochs]:
                print(f"training, {where}: " + ", ".join(f"{e:.0f}" for e in stats[epochs]) + " epochs/s; "
                      + ", ".join(f"{r:.1f}" for r in stats[refreshes]) + " chart refreshes/s")
        used, started, ended = cpu_by_program(cpu["processes"])
        print(f"CPU in the window, in cores: server {(s1 - s0) / (t1 - t0):.2f}, whole machine "
              f"{(m1 - m0) / (t1 - t0):.2f} of {os.cpu_count()} ("
              + ", ".join(f"{name} {seconds / (t1 - t0):.2f}" for name, seconds in used.items() if name != "server")
              + f"; {started} of their processes started and {ended} ended in the window)")
        print(f"server memory: start {rss_start:.0f} MB (app loaded, no session), peak {peak[0]:.0f} MB")
        left = time.time()
        for wait in (TTL_S + 30, TTL_S + 120) if memory else ():  # closed tabs are dropped after the TTL
            await asyncio.sleep(max(0.0, left + wait - time.time()))
            now = rss_mb(server.pid)
            print(f"memory {wait:.0f} s after everyone left: {now:.0f} MB ({(now / rss_start - 1) * 100:+.1f} % "
                  f"vs start)")
    finally:
        server.terminate()
        server.wait(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--training", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--ramp", type=float, default=3.0, help="seconds between two sessions' arrivals")
    parser.add_argument("--think", type=float, default=3.0, help="seconds a slider user looks before moving again")
    parser.add_argument("--browsers", type=int, default=6,
                        help="how many of the sessions are real Chromium tabs (the rest speak the protocol)")
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the memory baseline and the after-class memory checks (~4 minutes of waiting)")
    args = parser.parse_args()
    asyncio.run(run(args.sessions, args.training, args.seconds, args.ramp, args.think,
                    min(args.browsers, args.sessions), not args.no_memory))


if __name__ == "__main__":
    main()
