"""Load test: a class against this machine — the server's view and a student's — through one server or N replicas.

A class arrives: sessions open their page `--ramp` seconds apart (page-load times are reported). Trainers open the
Playground (spiral, 4 hidden layers of 8) and press Start at once. When everyone is in, a window of `--seconds`
is measured: slider users move a slider at a person's pace (move, look at the result for about `--think` seconds —
each look between half and one and a half of it, seeded, see `pauses` — move again), trainers keep training
(pressing Start again when a run pauses).
Two measurements in one run:
- the server's: `--sessions - 1` sessions speak Streamlit's websocket protocol from Python (`light_session.py`), `--training`
  of them training. Each is a full session on the server (script runs, widgets, models, fragment timers) without
  the rendering, which in a real class each student's own computer does. Latency: change sent → "script finished".
- a student's: ONE real Chromium tab (Playwright; `--no-tab` leaves it out) on the Playground, training, moving the
  batch-size slider while it trains (the batch size applies live) and pressing Start again when the run pauses.
  Latency: from the key press reaching the page until the server's "script finished" for that run has arrived and
  the page shows it (script state "notRunning", no stale element left). Chromium and Playwright's driver run at
  idle priority and this process at nice 10 (`idle_priority_children`): the server has the CPU first, as on a
  machine of its own, while the tab renders on what is left of the same two cores.
Targets (issue 23): slider → updated page p95 < 1 s in the tab and in the server's view, zero errors, server
memory back within 10 % after the class leaves (closed tabs are dropped after the server's disconnectedSessionTTL).
Reports p50/p95 of both (and per page); where the server's view went (the servers log each full run's clocks,
NNPG_RUN_LOG / ui/run_log.py: before the script started, the script, after it); errors, the trainers' epochs and
refreshes per second, where the cores went (server processes, nginx, Chromium, Playwright's driver, this process
with the protocol clients), memory.

Replicas (issue 25): `--replicas N` runs the class through `deploy/serve.py`'s cluster — N app processes behind
nginx with cookie affinity; `--compare` runs the same class twice back to back, one server direct and then
`--replicas` (default 2) behind nginx, and prints them side by side. `--kill-at S` SIGKILLs replica r1 S seconds
into the window (it is restarted, as `make serve` does): its protocol sessions reconnect through nginx to another
replica; the run reports which sessions had errors (the killed replica's or others), the time from the kill until
each was served again, whether its link (settings) came back unchanged and whether it showed the notice.

Run: .venv/bin/python benchmarks/load_test.py [--sessions 20] [--training 5] [--seconds 60] [--no-tab]
       [--replicas N | --compare] [--kill-at S] [--no-memory]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import tempfile
import time
import tomllib

from _util import ROOT  # also puts the project on sys.path

from light_session import LightSession
from playwright.async_api import TimeoutError as PlaywrightTimeout
from websockets.exceptions import ConnectionClosed

from deploy.serve import Cluster
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, count_script_finished, start_server

SLIDER_PAGES = ["activation", "playground", "optimizers", "convolution", "losses", "pooling", "fitting", "rnn"]
TRAINING_URL = "/playground?data=spiral&layers=4&n1=8&n2=8&n3=8&n4=8"
BATCH_LABEL = "Batch size"  # the Playground slider the student tab moves while training (applies live)
NOTICE = "reconnected to a new server session"  # assets/i18n/en/app.toml session_lost
TTL_S = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["disconnectedSessionTTL"]
VIEWPORT = {"width": 1366, "height": 768}  # the commonest laptop screen
IDLE = """() => document.querySelector("[data-testid='stApp']")?.getAttribute('data-test-script-state') === 'notRunning'
  && !document.querySelector("[data-stale='true']")"""
# In every tab before the app loads: count the server's "script finished" messages of full runs (0 = finished,
# 1 = compile error; 2 and 3 are a run cut short by a rerun and a fragment run).
COUNT_FINISHED_RUNS = count_script_finished("__nnpgFinished", "v === 0 || v === 1")
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
PROGRESS = "[data-testid='stProgress'], [data-testid='nnpgLiveProgress']"
# A slider's value, lowest and highest: the element Playwright finds by the role "slider" is the range input
# (Streamlit 1.67's slider), whose value is its `value`; a thumb drawn as a div says it in aria-valuenow.
SLIDER_RANGE = """e => [Number(e.getAttribute('aria-valuenow') ?? e.value),
  Number(e.getAttribute('aria-valuemin') ?? e.min), Number(e.getAttribute('aria-valuemax') ?? e.max)]"""
# True when the slider shows a value other than `before` within 2 s.
MOVED = """(e, before) => new Promise(resolve => {
  const started = performance.now();
  const poll = setInterval(() => {
    if (Number(e.getAttribute('aria-valuenow') ?? e.value) !== before) { clearInterval(poll); resolve(true); }
    else if (performance.now() - started > 2000) { clearInterval(poll); resolve(false); }
  }, 5);
})"""
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
    return 0.0  # a process that has ended and not yet been reaped (a zombie) holds no memory


def name_and_cpu_seconds(pid: int) -> tuple[str, float]:
    """A process's name and the CPU seconds (user + system) it used so far: `man 5 proc`, /proc/pid/stat."""
    with open(f"/proc/{pid}/stat") as fh:
        head, tail = fh.read().rsplit(")", 1)
    fields = tail.split()
    return head.split("(", 1)[1], (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


PROGRAMS = ("servers", "nginx", "protocol clients + harness", "Playwright driver", "Chromium")


def parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as fh:
        return int(fh.read().rsplit(")", 1)[1].split()[1])


def with_descendants(pids: set[int]) -> set[int]:
    """The processes and everything they started (a server's training workers count as the server)."""
    family = set(pids)
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            pid = int(entry.name)
            with contextlib.suppress(OSError):
                ancestor = pid
                while ancestor > 1 and ancestor not in pids:
                    ancestor = parent(ancestor)
                if ancestor in pids:
                    family.add(pid)
    return family


def started_here(pid: int) -> bool:
    """The process descends from this one (other people's browsers on a shared machine do not count)."""
    while pid > 1:
        if pid == os.getpid():
            return True
        pid = parent(pid)
    return False


def cpu_by_process(server_pids: set[int]) -> dict[int, tuple[str, float]]:
    """pid -> (program, CPU seconds so far) for the app servers, and of the processes this one started: nginx,
    Playwright's driver, Chromium's processes, and this process itself (the protocol clients and the Playwright
    client): where the machine's cores went."""
    used = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            name, seconds = name_and_cpu_seconds(pid)
            program = ("servers" if pid in server_pids else "protocol clients + harness" if pid == os.getpid()
                       else None if not started_here(pid) else "nginx" if name.startswith("nginx")
                       else "Playwright driver" if name.startswith("node") else "Chromium" if name.startswith("chrom")
                       else None)
        except OSError:  # gone meanwhile
            continue
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


def epochs_shown(text: str) -> int:
    return int(text.split("epoch ")[1].split(" of")[0].replace(",", ""))


def pauses(think: float, seed: int):
    """A person's looks between moves: `think` on average, each between half and one and a half of it (seeded).

    Why not exactly `think`: sessions that look for the same fixed time fall into step. A move made while the
    server is busy finishes when the burst ends, together with the others of the burst; after the same pause they
    all move again at once, and the burst grows until most of the class moves in the same instant, which no class
    does; each move then waits for all the others. Measured, same code, same hour (2026-12-07 13:09 and 13:15, 20
    sessions, 5 training, no tab): looks of exactly 3 s p50 927 / p95 1,484 ms; looks of 1.5–4.5 s p50 141 / p95
    494 ms."""
    rng = random.Random(seed)
    while True:
        yield think * rng.uniform(0.5, 1.5)


async def student_tab(browser, url: str, delay: float, window: Window, think: float, stats: dict) -> None:
    """One student in Chromium: trains on the Playground and moves the batch-size slider while it trains."""
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(COUNT_FINISHED_RUNS)
    page = await context.new_page()
    replica = None
    try:
        await load(page, url + TRAINING_URL, "button:has-text('Start')", stats["load"])
        replica = next((c["value"] for c in await context.cookies() if c["name"] == "nnpg_replica"), None)
        await page.get_by_role("button", name="Start", exact=True).click(timeout=60_000)
        await window.opened.wait()
        first = epochs_shown(await page.locator(PROGRESS).first.inner_text())
        started, direction, looks = time.perf_counter(), "ArrowRight", pauses(think, seed=-1)
        while window.is_open():
            slider = page.locator("[data-testid='stSlider']").filter(has_text=BATCH_LABEL).get_by_role("slider")
            value, low, high = await slider.evaluate(SLIDER_RANGE)
            direction = "ArrowLeft" if value >= high else "ArrowRight" if value <= low else direction
            for _ in range(3):  # a re-render can take the focus away just before the key: then press again
                start = await page.evaluate(WATCH_RERUN)
                await slider.focus()
                await page.keyboard.press(direction)
                # (the tab draws at idle priority: on a busy machine the slider may show the key a while later)
                if moved := await slider.evaluate(MOVED, value):
                    break
                stats["lost_keys"] += 1
            if not moved:
                state = await page.evaluate(STATE)
                stats["errors"].append((replica, f"tab: the slider did not take a key in 3 presses ({state})"))
                break
            try:
                done = await asyncio.wait_for(page.evaluate("() => window.__nnpgRerun"), 30)
            except asyncio.TimeoutError:
                stats["errors"].append((replica, f"tab: a slider move did not finish in 30 s ({await page.evaluate(STATE)})"))
                break
            key_at = await page.evaluate("() => window.__nnpgKeyAt")
            stats["tab_latency"].append((done - (start if key_at is None else max(start, key_at))) / 1000)
            direction = "ArrowLeft" if direction == "ArrowRight" else "ArrowRight"
            if await page.locator("[data-testid='stException']").count():
                stats["errors"].append((replica, "tab: exception shown"))
                break
            start_button = page.get_by_role("button", name="Start", exact=True)
            if await start_button.count():  # the run paused (time budget): a student presses Start again
                with contextlib.suppress(PlaywrightTimeout):  # it turned into Pause meanwhile
                    await start_button.click(timeout=5_000)
            await page.wait_for_timeout(next(looks) * 1000)  # a person looks at the result before moving again
        stats["tab_epochs"].append((epochs_shown(await page.locator(PROGRESS).first.inner_text()) - first)
                                   / (time.perf_counter() - started))
    except Exception as err:  # a failed load or a hang counts as an error of the test, never a crash of it
        stats["errors"].append((replica, f"tab: {type(err).__name__}: {str(err)[:120]}"))
    finally:
        await context.close()


async def recover(session: LightSession, what: str, stats: dict) -> None:
    """The session's server went away: count the error, reconnect through the balancer, check what came back."""
    replica, link = session.replica, session.query
    stats["errors"].append((replica, f"{what}: connection lost"))
    session.notices.clear()
    await session.reconnect(timeout=120)
    stats["reconnects"].append({"from": replica, "to": session.replica, "link_kept": session.query == link,
                                "notice": any(NOTICE in text for text in session.notices),
                                "after_kill": time.perf_counter() - stats.get("killed_at", time.perf_counter())})


async def light_slider_user(port: int, slug: str, delay: float, window: Window, think: float, stats: dict) -> None:
    await asyncio.sleep(delay)
    session = LightSession(port, slug)
    try:
        started = time.perf_counter()
        await session.open(timeout=240)
        stats["load"].append(time.perf_counter() - started)
        await window.opened.wait()
        looks = pauses(think, seed=round(delay * 1000))  # delay differs per session
        await asyncio.sleep((delay * 0.37) % max(think, 0.1))
        sign = 1
        while window.is_open():
            try:
                latency = await session.move_slider(sign)
            except (ConnectionError, ConnectionClosed):
                await recover(session, slug, stats)
                continue
            stats["latency"].append(latency)
            stats["by_page"].setdefault(slug, []).append(latency)
            stats["moves"].append((*session.last_run, slug))
            sign = -sign
            if session.exceptions:
                stats["errors"].append((session.replica, f"{slug}: exception {session.exceptions[0]}"))
                break
            await asyncio.sleep(next(looks))
    except Exception as err:
        stats["errors"].append((session.replica, f"{slug}: {type(err).__name__}: {str(err)[:120]}"))
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
                stats["errors"].append((session.replica, f"training: exception {session.exceptions[0]}"))
                break
            try:
                if session.lost.is_set():
                    await recover(session, "training", stats)
                    first = 0  # a new session: its run starts again at epoch 0 (the old model was lost)
                if not session.live:  # the time budget ran out, the run paused or is new: press Start again
                    await session.press("Start")
            except (ConnectionError, ConnectionClosed):
                continue
        elapsed = time.perf_counter() - started
        stats["epochs"].append(max(0, epochs_shown(session.progress) - first) / elapsed)
        stats["refreshes"].append((session.progress_updates - updates) / elapsed)
    except Exception as err:
        stats["errors"].append((session.replica, f"training: {type(err).__name__}: {str(err)[:120]}"))
    finally:
        await session.close()


def quantile(values: list, q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1] if len(values) > 1 \
        else values[0]


class Target:
    """Where the class connects: one server on its own port, or `replicas` servers behind nginx."""

    def __init__(self, replicas: int, balanced: bool) -> None:
        self.replicas, self.balanced = replicas, balanced
        handle, self.run_log = tempfile.mkstemp(prefix="nnpg-runs-", suffix=".log")  # every full run, timed (ui/run_log.py)
        os.close(handle)
        env = {"NNPG_RUN_LOG": self.run_log}
        self.name = f"{replicas} replica{'s' if replicas > 1 else ''} behind nginx" if balanced else "1 server direct"
        self.port = _free_port()
        if balanced:
            while self.port + replicas > 65535:
                self.port = _free_port()
            self.cluster = Cluster(replicas, self.port, restart=True, env=env, log=lambda text: print(f"  [{text}]"))
            self.cluster.start()
        else:
            self.server = start_server(self.port, env)

    def ports(self) -> list[int]:
        return [r.port for r in self.cluster.replicas] if self.balanced else [self.port]

    def pids(self) -> set[int]:
        """The server processes and their training workers."""
        return with_descendants({r.proc.pid for r in self.cluster.replicas} if self.balanced else {self.server.pid})

    def rss(self) -> float:
        total = 0.0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                total += rss_mb(pid)
        return total

    def kill_first(self) -> str:
        self.cluster.kill(0)
        return self.cluster.replicas[0].name

    def server_runs(self) -> list[tuple[float, float, float, str]]:
        """The servers' full runs so far: (start, end) in Unix time, CPU seconds of the script, page."""
        runs = []
        with open(self.run_log, encoding="utf-8") as log:
            for line in log:
                end, wall_ms, cpu_ms, page = line.split()
                runs.append((float(end) - float(wall_ms) / 1000, float(end), float(cpu_ms) / 1000, page))
        return runs

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.run_log)
        if self.balanced:
            self.cluster.stop()
        else:
            self.server.terminate()
            self.server.wait(15)


async def warm(port: int) -> None:
    """Run every page the class will use once on this server (lazy imports, caches, torch's first training), so
    the baseline is a server that has run them and what stays after the class is what sessions left behind."""
    for slug in SLIDER_PAGES:
        session = LightSession(port, slug)
        await session.open(timeout=240)
        await session.move_slider(1)
        await session.close()
    session = LightSession(port, "playground", TRAINING_URL.split("?", 1)[1])
    await session.open(timeout=240)
    await session.press("Start")
    await asyncio.sleep(5)
    await session.close()


async def run_class(target: Target, browser, args) -> dict:
    for port in target.ports():
        await warm(port)
    if args.memory:
        await asyncio.sleep(TTL_S + 15)  # the warm-up sessions are dropped: the baseline holds no session
    stats = {"latency": [], "tab_latency": [], "errors": [], "epochs": [], "refreshes": [], "tab_epochs": [],
             "load": [], "lost_keys": 0, "by_page": {}, "reconnects": [], "moves": [], "rss_start": target.rss()}
    url = f"http://127.0.0.1:{target.port}"
    window, users = Window(), []
    protocol = args.sessions - (1 if browser else 0)
    for i in range(protocol):
        if i < args.training:
            users.append(light_trainer_user(target.port, args.ramp * i, window, stats))
        else:
            users.append(light_slider_user(target.port, SLIDER_PAGES[i % len(SLIDER_PAGES)], args.ramp * i, window,
                                           args.think, stats))
    if browser:  # the student arrives in the middle of the class
        users.append(student_tab(browser, url, args.ramp * (args.sessions // 2), window, args.think, stats))
    peak, cpu = [stats["rss_start"]], {}

    async def conduct():
        await asyncio.sleep(args.ramp * args.sessions)
        while len(stats["load"]) + len(stats["errors"]) < args.sessions:  # wait until everyone is in
            await asyncio.sleep(1)
        cpu["start"] = (machine_busy_seconds(), time.perf_counter())
        cpu["processes"] = [cpu_by_process(target.pids())]
        window.closes_at = time.perf_counter() + args.seconds
        window.opened.set()
        kill_at = time.perf_counter() + args.kill_at if args.kill_at is not None and target.balanced \
            else float("inf")
        while window.is_open():
            peak[0] = max(peak[0], target.rss())
            if time.perf_counter() >= kill_at:
                stats["killed"], stats["killed_at"], kill_at = target.kill_first(), time.perf_counter(), float("inf")
            await asyncio.sleep(1)
            cpu["processes"].append(cpu_by_process(target.pids()))
        cpu["end"] = (machine_busy_seconds(), time.perf_counter())
    await asyncio.gather(conduct(), *users)
    (m0, t0), (m1, t1) = cpu["start"], cpu["end"]
    used, started, ended = cpu_by_program(cpu["processes"])
    stats.update(peak=peak[0], machine=(m1 - m0) / (t1 - t0), cores={k: v / (t1 - t0) for k, v in used.items()},
                 churn=(started, ended), uptime=os.getloadavg(), split=split_moves(stats["moves"], target.server_runs()))
    if args.memory:
        left = time.time()
        stats["after"] = []
        for wait in (TTL_S + 30, TTL_S + 120):  # closed tabs are dropped after the TTL
            await asyncio.sleep(max(0.0, left + wait - time.time()))
            stats["after"].append((wait, target.rss()))
    return stats


def split_moves(moves: list, runs: list) -> dict[str, list[float]]:
    """Each slider move (change sent → "script finished" received, Unix times, page) split by the server's own log
    of its full runs: the time before its script started, the script (wall and CPU) and after it (the run's
    messages delivered). A move is matched with the last run of its page that started after the change was sent
    and ended before the client heard it was finished (a millisecond's slack for the clocks' rounding)."""
    by_page: dict[str, list] = {}
    for run in runs:
        by_page.setdefault(run[3], []).append(run)
    split = {"before": [], "script": [], "cpu": [], "after": []}
    for sent, heard, page in moves:
        inside = [r for r in by_page.get(page, []) if r[0] >= sent - 0.001 and r[1] <= heard + 0.001]
        if not inside:
            continue
        start, end, cpu, _ = max(inside, key=lambda r: r[1])
        for name, value in (("before", start - sent), ("script", end - start), ("cpu", cpu), ("after", heard - end)):
            split[name].append(value)
    return split


def ms(values: list, q: float) -> str:
    return f"{quantile(values, q) * 1000:.0f} ms" if values else "-"


def report(target: Target, stats: dict, args, tab: bool) -> None:
    print(f"\n== {target.name}: {args.sessions} sessions ({args.training} protocol sessions training"
          f"{'; 1 Chromium tab training and moving a slider' if tab else ''}), arriving {args.ramp:g} s apart, "
          f"{args.seconds:.0f} s measured, slider users look {args.think:g} s between moves; load average at the end "
          + " / ".join(f"{v:.1f}" for v in stats["uptime"]) + f" on {os.cpu_count()} cores")
    if stats["load"]:
        print(f"page load: p50 {statistics.median(stats['load']):.1f} s, max {max(stats['load']):.1f} s")
    for key, what in (("latency", "server's view (protocol sessions), change sent → script finished"),
                      ("tab_latency", "student's view (Chromium tab, while training), key press → page re-rendered")):
        lat = stats[key]
        if lat:
            print(f"slider → update, {what}: p50 {ms(lat, 0.5)}, p95 {ms(lat, 0.95)}, max {max(lat) * 1000:.0f} ms "
                  f"({len(lat)} moves)")
    split = stats.get("split") or {}
    if split.get("script"):
        print(f"  where the server's view went ({len(split['script'])} of {len(stats['latency'])} moves matched with the "
              "server's run log), p50 / p95: " + ", ".join(
                  f"{label} {ms(split[key], 0.5)} / {ms(split[key], 0.95)}" for key, label in (
                      ("before", "before the script started"), ("script", "script"), ("cpu", "its CPU time"),
                      ("after", "after it (messages delivered)"))))
    if stats["by_page"]:
        print("protocol sessions by page (p50 / max ms): " + ", ".join(
            f"{slug} {statistics.median(v) * 1000:.0f} / {max(v) * 1000:.0f}" for slug, v in sorted(stats["by_page"].items())))
    errors = stats["errors"]
    killed = stats.get("killed")
    on_killed = [e for e in errors if killed and e[0] == killed]
    print(f"errors: {len(errors)}" + (f" ({len(on_killed)} in sessions of the killed replica {killed}, "
                                      f"{len(errors) - len(on_killed)} elsewhere)" if killed else "")
          + "".join(f"\n  [{replica or '-'}] {text}" for replica, text in errors[:8]))
    if stats["lost_keys"]:
        print(f"key presses repeated (focus lost to a re-render): {stats['lost_keys']}")
    if stats["epochs"]:
        print("training, protocol sessions: " + ", ".join(f"{e:.0f}" for e in stats["epochs"]) + " epochs/s; "
              + ", ".join(f"{r:.1f}" for r in stats["refreshes"]) + " chart refreshes/s")
    if stats["tab_epochs"]:
        print(f"training, Chromium tab: {stats['tab_epochs'][0]:.0f} epochs/s")
    if killed:
        back = stats["reconnects"]
        print(f"replica {killed} killed {args.kill_at:g} s into the window: {len(back)} sessions reconnected, to "
              + ", ".join(sorted({r['to'] or '-' for r in back})) + "; served again "
              + (f"{min(r['after_kill'] for r in back):.1f}–{max(r['after_kill'] for r in back):.1f} s after the kill"
                 if back else "-") + f"; links unchanged {sum(r['link_kept'] for r in back)}/{len(back)}, "
              f"notice shown {sum(r['notice'] for r in back)}/{len(back)}")
    churn = stats["churn"]
    print(f"CPU in the window, in cores: whole machine {stats['machine']:.2f} of {os.cpu_count()} ("
          + ", ".join(f"{name} {c:.2f}" for name, c in stats["cores"].items())
          + f"; {churn[0]} processes started, {churn[1]} ended in the window)")
    per_session = (stats["peak"] - stats["rss_start"]) / args.sessions
    print(f"server memory (all replicas): start {stats['rss_start']:.0f} MB (pages run once, no session), peak "
          f"{stats['peak']:.0f} MB ({per_session:+.1f} MB per session at the peak)")
    for wait, now in stats.get("after", []):
        print(f"memory {wait:.0f} s after everyone left: {now:.0f} MB ({(now / stats['rss_start'] - 1) * 100:+.1f} % "
              "vs start)")


def side_by_side(results: list[tuple[Target, dict]]) -> None:
    print("\n== side by side")
    print("| | " + " | ".join(t.name for t, _ in results) + " |")
    print("|---|" + "---|" * len(results))
    rows = [("server's view p50 / p95", lambda s: f"{ms(s['latency'], 0.5)} / {ms(s['latency'], 0.95)}"),
            ("tab p50 / p95", lambda s: f"{ms(s['tab_latency'], 0.5)} / {ms(s['tab_latency'], 0.95)}"),
            ("errors", lambda s: str(len(s["errors"]))),
            ("epochs/s per trainer (median)", lambda s: f"{statistics.median(s['epochs']):.0f}" if s["epochs"] else "-"),
            ("cores: servers / nginx / clients / machine", lambda s: f"{s['cores']['servers']:.2f} / "
             f"{s['cores']['nginx']:.2f} / {s['cores']['protocol clients + harness']:.2f} / {s['machine']:.2f}")]
    for name, cell in rows:
        print(f"| {name} | " + " | ".join(cell(s) for _, s in results) + " |")


async def run(args) -> None:
    from playwright.async_api import async_playwright

    plan = [(1, False), (args.replicas or 2, True)] if args.compare else [(args.replicas or 1, bool(args.replicas))]
    # All servers start first, at normal priority. Then the clients, which stand for the students' own computers,
    # step back: this process (nice 10) and what it starts from now on (Playwright's driver and Chromium, at idle
    # priority) run below the servers, so the servers get the CPU they would have on their own machine and the
    # clients use what is left (they still share the two cores). A replica restarted after `--kill-at` is started
    # from here, so it runs at nice 10.
    targets, results = [], []
    try:
        for replicas, balanced in plan:
            targets.append(Target(replicas, balanced))
        os.nice(10)
        drop_the_right_to_raise_priority()
        for target in targets:
            browser = pw = None
            if args.tab:
                with idle_priority_children():
                    pw = await async_playwright().start()
                    browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                stats = await run_class(target, browser, args)
            finally:
                if browser:
                    await browser.close()
                    await pw.stop()
            report(target, stats, args, args.tab)
            results.append((target, stats))
            target.stop()
    finally:
        for target in targets:
            target.stop()
    if len(results) > 1:
        side_by_side(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="the whole class, the Chromium tab included")
    parser.add_argument("--training", type=int, default=5, help="protocol sessions that train")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--ramp", type=float, default=3.0, help="seconds between two sessions' arrivals")
    parser.add_argument("--think", type=float, default=3.0, help="seconds a slider user looks before moving again, on average")
    parser.add_argument("--no-tab", dest="tab", action="store_false", help="no Chromium tab: the server's view only")
    parser.add_argument("--replicas", type=int, help="run the class through N replicas behind nginx")
    parser.add_argument("--compare", action="store_true",
                        help="one server direct, then --replicas (default 2) behind nginx, same class, side by side")
    parser.add_argument("--kill-at", type=float, help="SIGKILL replica r1 this many seconds into the window")
    parser.add_argument("--no-memory", dest="memory", action="store_false",
                        help="skip the memory baseline and the after-class memory checks (~4 minutes of waiting)")
    args = parser.parse_args()
    if args.kill_at is not None and (args.replicas or (2 if args.compare else 0)) < 2:
        parser.error("--kill-at needs 2 or more replicas (a single server's sessions have nowhere to go)")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
