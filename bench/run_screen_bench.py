"""The run screen in the real Qt event loop, in real time: cue lateness and CPU while counting.

    QT_QPA_PLATFORM=offscreen python bench/run_screen_bench.py [--seconds 60] [--load]

- Cue lateness: from each cue's deadline (the engine's schedule) to the moment play() is called,
  over a session of holds, paced reps (a tick every second) and a rhythm; p50 / p99 / worst.
  Baseline in the same run: a naive countdown that counts ticks of a 100 ms QTimer (what a simple
  interval timer does), measured the same way against the true second marks.
- CPU while counting: process CPU time during a long hold, as % of one core. Baseline: the same
  process with a bare window open and nothing running, over the same time.
- ``--load`` keeps both cores busy with two spinning processes during the measurement.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from qltimer.audio import SilentPlayer
from qltimer.catalog import Catalog
from qltimer.gui.app import MainWindow, make_app
from qltimer.script import parse_session

CUES = """
title = "Bench: cues"
get_ready = 3
[[step]]
kind = "hold"
name = "Hold"
seconds = 15
cue = [{ at = "halfway" }, { before_end = 5 }]
[[step]]
kind = "reps"
name = "Paced reps"
reps = 20
cadence = 1
get_ready = 2
[[step]]
kind = "timed"
name = "Rhythm"
seconds = 15
rhythm = 1.5
get_ready = 2
"""
LONG_HOLD = """
title = "Bench: a long hold"
get_ready = 1
[[step]]
kind = "hold"
name = "Hold"
seconds = 600
"""


def spin(stop_at: float) -> None:
    while time.monotonic() < stop_at:
        pass


def wait(app: QApplication, seconds: float) -> None:
    """Run the Qt event loop for *seconds* of real time."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def run_session(app: QApplication, text: str, seconds: float) -> tuple[MainWindow, object]:
    session = parse_session(text, "bench.toml")
    window = MainWindow(Catalog(sessions={"b": session}), None, player=SilentPlayer())
    window.resize(1280, 800)
    window.show()
    view = window.start_session(session)
    wait(app, seconds)
    return window, view


def cue_lateness(app: QApplication, seconds: float) -> list[float]:
    window, view = run_session(app, CUES, seconds)
    lateness = list(view.controller.latencies)  # type: ignore[attr-defined]
    window.close()
    return lateness


def naive_lateness(app: QApplication, seconds: float) -> list[float]:
    """A countdown that believes every 100 ms tick: how late each 'second' it announces is."""
    label = QLabel("0")
    label.show()
    timer = QTimer()
    timer.setInterval(100)  # default CoarseTimer, as most simple timers use
    start = time.monotonic()
    ticks = 0
    out: list[float] = []

    def on_tick() -> None:
        nonlocal ticks
        ticks += 1
        if ticks % 10 == 0:
            k = ticks // 10
            out.append(time.monotonic() - (start + k))  # announced "k seconds" now
            label.setText(str(k))

    timer.timeout.connect(on_tick)
    timer.start()
    wait(app, seconds)
    timer.stop()
    label.close()
    return out


def cpu_percent(app: QApplication, seconds: float, *, counting: bool) -> float:
    window = None
    if counting:
        window, _ = run_session(app, LONG_HOLD, 3)  # into the hold
    else:
        window = MainWindow(Catalog(), None, player=SilentPlayer())
        window.show()
        wait(app, 1)
    c0, t0 = time.process_time(), time.monotonic()
    wait(app, seconds)
    used = (time.process_time() - c0) / (time.monotonic() - t0) * 100
    window.close()
    return used


def summary(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):6.2f} ms  p99 {p99:7.2f} ms  worst {ms[-1]:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=55, help="length of the cue run")
    parser.add_argument("--cpu-seconds", type=float, default=20)
    parser.add_argument("--load", action="store_true", help="keep both cores busy meanwhile")
    args = parser.parse_args()
    app = make_app()
    elapsed = QElapsedTimer()
    elapsed.start()
    procs = []
    if args.load:
        stop_at = time.monotonic() + args.seconds * 2 + args.cpu_seconds * 2 + 30
        procs = [multiprocessing.Process(target=spin, args=(stop_at,)) for _ in range(2)]
        for p in procs:
            p.start()
    try:
        cues = cue_lateness(app, args.seconds)
        naive = naive_lateness(app, args.seconds)
        counting = cpu_percent(app, args.cpu_seconds, counting=True)
        idle = cpu_percent(app, args.cpu_seconds, counting=False)
    finally:
        for p in procs:
            p.terminate()
    where = "both cores busy" if args.load else "idle machine"
    print(f"run screen, real Qt event loop, {where}")
    print(f"cue deadline -> play()  ({len(cues)} cues):      {summary(cues)}")
    print(
        f"naive 100 ms tick counter ({len(naive)} seconds): {summary(naive)}"
        f"  (last: {naive[-1] * 1000:.0f} ms)"
    )
    print(
        f"CPU while counting a hold: {counting:5.2f} % of one core; bare window idle: "
        f"{idle:5.2f} %; difference {counting - idle:+.2f} points"
    )


if __name__ == "__main__":
    main()
