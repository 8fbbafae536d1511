"""The run screen in the real Qt event loop, in real time: cue lateness and CPU while counting.

    QT_QPA_PLATFORM=offscreen python bench/run_screen_bench.py [--seconds 60] [--load]

- Cue lateness: from each cue's deadline (the engine's schedule) to the moment play() is called,
  over a session of holds, paced reps (a tick every second) and a rhythm; p50 / p99 / worst.
  Baseline in the same run and the same event loop, at the same time: a naive countdown that
  counts ticks of a 100 ms QTimer (what a simple interval timer does) and "plays" a cue every
  tenth tick, measured the same way against the true second marks.
- CPU while counting: process CPU time during a long hold, as % of one core. Baseline: the same
  process with a bare window open and nothing running, over the same time.
- ``--load`` keeps both cores busy with two spinning processes during the measurement.
- Speech: the cue run is made twice in each repeat, alternating, with speech off (recorded
  cues only) and on (the run's phrases rendered by flite on their own thread as the run starts,
  from an empty cache each time, and said in place of the recorded cues): the same lateness,
  speech on against off.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QLTIMER_DATA_DIR"] = tempfile.mkdtemp(prefix="qltimer-bench-")  # never yours

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from bench.report import row
from qltimer.audio import SilentPlayer
from qltimer.catalog import Catalog
from qltimer.gui.app import MainWindow, make_app
from qltimer.script import parse_session
from qltimer.settings import Settings

CACHES = Path(tempfile.mkdtemp(prefix="qltimer-bench-cache-"))

CUES = """
title = "Bench: cues"
get_ready = 2
[[step]]
kind = "reps"
name = "Paced reps"
reps = 20
cadence = 1
[[step]]
kind = "hold"
name = "Hold"
seconds = 15
get_ready = 2
cue = [{ at = "halfway" }, { before_end = 5 }, { at = 3, say = "Hips up, breathe" }]
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


def run_session(
    app: QApplication, text: str, seconds: float, speech: bool = False
) -> tuple[MainWindow, object]:
    session = parse_session(text, "bench.toml")
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(dir=CACHES)  # nothing rendered yet
    window = MainWindow(
        Catalog(sessions={"b": session}),
        None,
        player=SilentPlayer(),
        settings=Settings(speech=speech, safety_acknowledged=True),
    )
    window.resize(1280, 800)
    window.show()
    view = window.start_session(session)
    wait(app, seconds)
    return window, view


def cue_lateness(
    app: QApplication, seconds: float, speech: bool = False
) -> tuple[list[float], list[float], int]:
    """(engine cue lateness, naive counter lateness, cues spoken), from the same stretch."""
    naive: list[float] = []
    counter = naive_counter(naive)
    window, view = run_session(app, CUES, seconds, speech)
    counter.stop()
    controller = view.controller  # type: ignore[attr-defined]
    lateness = list(controller.latencies)
    player = controller.player
    said = sum(name.startswith("say:") for name in player.asked)
    if controller.phrases is not None:
        controller.phrases.stop()
    window.close()
    return lateness, naive, said


def naive_counter(out: list[float]) -> QTimer:
    """A countdown that believes every 100 ms tick: how late each 'second' it announces is."""
    label = QLabel("0")  # not shown: a second window would pause the session (as it should)
    timer = QTimer()
    timer.setInterval(100)  # default CoarseTimer, as most simple timers use
    start = time.monotonic()
    ticks = 0

    def on_tick() -> None:
        nonlocal ticks
        ticks += 1
        if ticks % 10 == 0:
            k = ticks // 10
            out.append(time.monotonic() - (start + k))  # announced "k seconds" now
            label.setText(str(k))

    timer.timeout.connect(on_tick)
    timer.start()
    timer.setProperty("label", label)  # kept alive with the timer
    return timer


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


def p50_p99(values: list[float]) -> tuple[float, float]:
    ms = sorted(v * 1000 for v in values)
    return statistics.median(ms), ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=55, help="length of the cue run")
    parser.add_argument("--cpu-seconds", type=float, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="runs; medians are printed")
    parser.add_argument("--load", action="store_true", help="keep both cores busy meanwhile")
    args = parser.parse_args()
    app = make_app()
    procs = []
    if args.load:
        total = (args.seconds + args.cpu_seconds * 2 + 5) * args.repeat + 30
        stop_at = time.monotonic() + total
        procs = [multiprocessing.Process(target=spin, args=(stop_at,)) for _ in range(2)]
        for p in procs:
            p.start()
    runs = []
    spoken = []  # (p50, p99, cues spoken) with speech on
    try:
        for r in range(args.repeat):
            order = (False, True) if r % 2 == 0 else (True, False)
            for speech in order:
                cues, naive, said = cue_lateness(app, args.seconds, speech)
                if speech:
                    spoken.append((*p50_p99(cues), said))
                else:
                    plain = (cues, naive)
            cues, naive = plain
            counting = cpu_percent(app, args.cpu_seconds, counting=True)
            idle = cpu_percent(app, args.cpu_seconds, counting=False)
            runs.append((*p50_p99(cues), *p50_p99(naive), counting, idle, len(cues), naive))
    finally:
        for p in procs:
            p.terminate()
    med = [statistics.median(r[i] for r in runs) for i in range(6)]
    drift = [r[7][-1] * 1000 for r in runs]
    where = "both cores busy" if args.load else "idle machine"
    print(f"run screen, real Qt event loop, {where}; medians of {args.repeat} runs")
    print(
        f"cue deadline -> play(), {runs[0][6]} cues a run:   "
        f"p50 {med[0]:6.2f} ms  p99 {med[1]:6.2f} ms"
    )
    print(
        f"naive 100 ms tick counter, same time: p50 {med[2]:6.2f} ms  p99 {med[3]:6.2f} ms  "
        f"(last second of each run: {', '.join(f'{d:+.0f}' for d in drift)} ms)"
    )
    talk = [statistics.median(r[i] for r in spoken) for i in range(3)]
    print(
        f"the same with speech on ({talk[2]:.0f} cues spoken a run, rendered from an empty "
        f"cache as the run starts): p50 {talk[0]:6.2f} ms  p99 {talk[1]:6.2f} ms"
    )
    print(f"CPU while counting a hold: {med[4]:5.2f} % of one core; bare window: {med[5]:5.2f} %")
    tag = "loaded" if args.load else "idle"
    aim = "<= 30 ms" if args.load else "<= 10 ms"
    row(f"cue lateness p50, {tag}", f"{med[0]:.2f} ms", f"{med[2]:.2f} ms (naive counter)")
    row(
        f"cue lateness p99, {tag}",
        f"{med[1]:.2f} ms",
        f"{med[3]:.2f} ms (naive counter)",
        None,
        aim,
    )
    row(
        f"cue lateness p99 with speech on, {tag}",
        f"{talk[1]:.2f} ms",
        f"{med[1]:.2f} ms (speech off)",
        None,
        aim,
    )
    row(
        f"CPU counting a hold, {tag}",
        f"{med[4]:.2f} %",
        f"{med[5]:.2f} % (bare window)",
        None,
        "<= 1 %",
    )


if __name__ == "__main__":
    main()
