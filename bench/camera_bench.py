"""The camera form check running beside a session: what it costs the timer, the CPU and memory.

    QT_QPA_PLATFORM=offscreen python bench/camera_bench.py [--seconds 30] [--repeat 3] [--load]

The real window runs a side-plank hold marked ``form_check`` with a cue every two seconds, in the
real Qt event loop and real time, twice in each repeat (alternating which goes first): once with
the camera check on, once off. With it on, a 30 frames/s source (a QTimer handing rendered
side-plank frames to a QVideoSink, where a camera's frames arrive) feeds the real pipeline:
frames to 640 px, the LiteRT BlazePose model in its own thread at up to 10 frames/s, the form
rule on the GUI thread.

- Cue lateness: each cue's deadline to its play() call, p50 / p99, check on against off.
- CPU: the pose thread's own CPU time per second of the hold (% of one core), and the whole
  process's, check on against off.
- Memory: the process's peak resident size (VmHWM) with the check on, against the same process
  before the camera was first opened.
- ``--load`` keeps both cores busy with two spinning processes meanwhile.
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
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtMultimedia import QVideoFrame, QVideoSink

from bench.report import row
from qltimer.audio import SilentPlayer
from qltimer.catalog import Catalog
from qltimer.gui.app import MainWindow, make_app
from qltimer.gui.camera import CameraCheck
from qltimer.script import parse_session
from qltimer.settings import Settings
from tests.fixture_render import load_renderer

HOLD = 40
SESSION = f"""
title = "Bench: a checked hold"
get_ready = 2
[[step]]
kind = "hold"
name = "Side plank"
seconds = {HOLD}
form_check = true
cue = [{", ".join(f'{{ at = {t}, say = "Hold" }}' for t in range(2, HOLD - 1, 2))}]
"""


def spin(stop_at: float) -> None:
    while time.monotonic() < stop_at:
        pass


def wait(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def vm(field: str) -> float:
    """A /proc/self/status figure (VmRSS, VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one_run(seconds: float, camera_on: bool, frames: list) -> dict[str, float]:
    session = parse_session(SESSION, "bench.toml")
    window = MainWindow(
        Catalog(sessions={"b": session}),
        None,
        player=SilentPlayer(),
        settings=Settings(
            speech=False, safety_acknowledged=True, camera_check=camera_on, camera_told=True
        ),
    )
    sink = QVideoSink()
    cameras: list[CameraCheck] = []

    def make() -> CameraCheck:
        camera = CameraCheck(window.clock, window.settings.camera_thresholds, window, sink=sink)
        cameras.append(camera)
        return camera

    window.make_camera = make  # type: ignore[method-assign]
    window.resize(1280, 800)
    window.show()
    shown = {"i": 0}

    def push() -> None:  # a 30 frames/s camera
        image = frames[shown["i"] % len(frames)]
        shown["i"] += 1
        sink.setVideoFrame(QVideoFrame(image))

    feeder = QTimer()
    feeder.setInterval(33)
    feeder.timeout.connect(push)
    if camera_on:
        feeder.start()
    view = window.start_session(session)
    wait(2.5)  # the get-ready, and into the hold
    controller = view.controller
    worker_cpu0 = cameras[0].pipeline.worker.cpu_seconds if cameras else 0.0
    seen0 = cameras[0].log.seen if cameras else 0
    c0, t0 = time.process_time(), time.monotonic()
    wait(seconds)
    wall = time.monotonic() - t0
    process = (time.process_time() - c0) / wall * 100
    out = {"process": process, "wall": wall}
    if cameras:
        camera = cameras[0]
        out["worker"] = (camera.pipeline.worker.cpu_seconds - worker_cpu0) / wall * 100
        out["fps"] = (camera.log.seen - seen0) / wall
        out["found"] = camera.log.found / max(1, camera.log.seen)
    feeder.stop()
    lateness = sorted(x * 1000 for x in controller.latencies)
    out["p50"] = statistics.median(lateness)
    out["p99"] = lateness[min(len(lateness) - 1, round(0.99 * (len(lateness) - 1)))]
    out["cues"] = len(lateness)
    controller.stop()
    window.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30, help="seconds of the hold measured")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; medians printed")
    parser.add_argument("--load", action="store_true", help="keep both cores busy meanwhile")
    args = parser.parse_args()
    if args.seconds > HOLD - 4:
        parser.error(f"--seconds: at most {HOLD - 4}")
    make_app()
    rpv = load_renderer()
    frames = [rpv.render_frame("straight", "left", i / 15) for i in range(30)]
    before = vm("VmHWM")
    procs = []
    if args.load:
        stop_at = time.monotonic() + (args.seconds + 8) * 2 * args.repeat + 30
        procs = [multiprocessing.Process(target=spin, args=(stop_at,)) for _ in range(2)]
        for p in procs:
            p.start()
    on: list[dict[str, float]] = []
    off: list[dict[str, float]] = []
    peak = 0.0
    try:
        for r in range(args.repeat):
            for camera in (True, False) if r % 2 == 0 else (False, True):
                (on if camera else off).append(one_run(args.seconds, camera, frames))
                if not peak:
                    peak = vm("VmHWM")  # the first run has the camera on: its own peak
    finally:
        for p in procs:
            p.terminate()
    after = vm("VmRSS")  # after every run: what stays once the runs are over

    def med(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    where = "both cores busy" if args.load else "idle machine"
    print(f"camera check beside a session, real time, {where}; medians of {args.repeat} runs")
    print(
        f"cue deadline -> play(), {on[0]['cues']:.0f} cues a run: check on p50 "
        f"{med(on, 'p50'):.2f} ms p99 {med(on, 'p99'):.2f} ms; off p50 {med(off, 'p50'):.2f} ms "
        f"p99 {med(off, 'p99'):.2f} ms"
    )
    print(
        f"pose thread: {med(on, 'worker'):.1f} % of one core at {med(on, 'fps'):.1f} frames/s "
        f"looked at (of 30 offered; a body found in {med(on, 'found') * 100:.0f} %)"
    )
    print(
        f"whole process during the hold: {med(on, 'process'):.1f} % with the check, "
        f"{med(off, 'process'):.1f} % without"
    )
    print(
        f"peak memory: {peak:.0f} MB in the first run with the check; {before:.0f} MB before "
        f"it was first opened; {after:.0f} MB resident after all {2 * args.repeat} runs"
    )
    tag = "loaded" if args.load else "idle"
    row(
        f"cue lateness p99, camera check on, {tag}",
        f"{med(on, 'p99'):.2f} ms",
        f"{med(off, 'p99'):.2f} ms (check off)",
        None,
        "<= 10 ms" if not args.load else "",
    )
    row(
        f"pose thread CPU at 10 frames/s, {tag}",
        f"{med(on, 'worker'):.1f} %",
        f"{med(on, 'fps'):.1f} frames/s",
        None,
        "<= 25 % of a core",
    )
    row(
        f"process CPU in a checked hold, {tag}",
        f"{med(on, 'process'):.1f} %",
        f"{med(off, 'process'):.1f} % (check off)",
        med(on, "process") / max(0.01, med(off, "process")),
    )
    row(
        "peak memory with the camera check",
        f"{peak:.0f} MB",
        f"{before:.0f} MB (before)",
        peak / before,
    )


if __name__ == "__main__":
    main()
