"""Start-up time and memory of the real app, each against a bare PySide6 window in the same run.

    QT_QPA_PLATFORM=offscreen python bench/startup_memory.py [--repeat 7]

- Start-up: from starting the process to the first paint of the home screen (`python -m qltimer`,
  a data folder with a year of history), against a process that imports the same PySide6 modules
  and paints a bare QMainWindow. Runs alternate; medians.
- Memory: peak resident memory (ru_maxrss) of the real window running a ~30-minute session on an
  accelerated clock (every quarter second of the session is drawn, every step recorded in a real
  SQLite history), against the bare window; and the resident memory along the session, to show it
  does not grow. Medians over repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import row  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SESSION_PARTS = ("ql-level-2", "standing-seated", "ql-level-1", "phase-one")


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# -- children ------------------------------------------------------------------------------------


def child_app_startup() -> None:
    """`python -m qltimer`, stopped at the first paint of the home screen."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    import qltimer.gui.app as appmod
    from qltimer.cli import main
    from qltimer.gui.home import HomeView

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and isinstance(obj, HomeView) and not self.seen:
                self.seen = True
                print(json.dumps({"painted": time.monotonic()}), flush=True)
                QTimer.singleShot(0, appmod.QApplication.quit)
            return False

    spy = FirstPaint()
    spy.seen = False  # type: ignore[attr-defined]

    # Like the bare window's probe: a filter on the home page alone. (A filter on the whole
    # application, as this bench had until issue 14, sees every event of every widget and cost
    # the app side 55-70 ms that the bare side never paid.)
    real_init = HomeView.__init__

    def init(self: HomeView, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        self.installEventFilter(spy)

    HomeView.__init__ = init  # type: ignore[method-assign]
    main([])
    modules = sorted(m for m in sys.modules if m.startswith("PySide6.Qt"))
    print(json.dumps({"modules": modules, "peak_mb": peak_mb()}), flush=True)


def child_bare(modules: list[str], memory: bool) -> None:
    """A bare QMainWindow, after importing the same Qt modules."""
    import importlib

    for name in modules:
        importlib.import_module(name)
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and obj is window and not self.seen:
                self.seen = True
                print(json.dumps({"painted": time.monotonic()}), flush=True)
                QTimer.singleShot(500 if memory else 0, app.quit)
            return False

    spy = FirstPaint()
    window = QMainWindow()
    window.setCentralWidget(QLabel("bare"))
    window.resize(1280, 800)
    window.installEventFilter(spy)
    window.show()
    app.exec()
    print(json.dumps({"peak_mb": peak_mb(), "rss_mb": rss_mb()}), flush=True)


def child_session() -> None:
    """The real window through a ~30-minute session on an accelerated clock."""
    from dataclasses import replace

    from qltimer.audio import make_player
    from qltimer.catalog import load_catalog
    from qltimer.gui.app import MainWindow, make_app
    from qltimer.history import open_history
    from qltimer.settings import Settings
    from tests.helpers import FakeClock

    app = make_app()
    catalog = load_catalog()
    parts = [catalog.sessions[k] for k in SESSION_PARTS]
    session = replace(parts[0], steps=tuple(s for p in parts for s in p.steps), id="bench-30")
    history, _ = open_history()
    clock = FakeClock()
    player = make_player(0.8)
    speech = os.environ.get("QLTIMER_BENCH_SPEECH", "on") == "on"  # the default: on
    window = MainWindow(
        catalog,
        history,
        player=player,
        clock=clock,
        settings=Settings(safety_acknowledged=True, speech=speech),
    )
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    view = window.start_session(session)
    ctrl = view.controller
    samples: list[tuple[float, float]] = []
    next_sample = 0.0
    start = clock.now
    while not ctrl.run.finished:
        snap = ctrl.run.snapshot()
        phase = snap.phase
        if phase is not None and phase.duration is None and snap.elapsed >= phase.estimate:
            if phase.step.kind.value == "laps" and (phase.step.laps or 0) > 0:
                ctrl.add_count()
            else:
                ctrl.done_now()
        clock.tick(0.25)
        ctrl.tick()
        app.processEvents()
        if clock.now - start >= next_sample:
            samples.append((clock.now - start, rss_mb()))
            next_sample += 60
    app.processEvents()
    steps = len(history.steps(history.sessions()[0].uuid))
    player.close()
    print(
        json.dumps(
            {
                "session_min": (clock.now - start) / 60,
                "steps": steps,
                "peak_mb": peak_mb(),
                "samples": samples,
            }
        ),
        flush=True,
    )


# -- the parent ----------------------------------------------------------------------------------


def run_child(args: list[str], data: Path) -> tuple[float, list[dict[str, object]]]:
    env = {**os.environ, "QLTIMER_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = str(ROOT)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: pip compiles the bytecode
    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{args}: {done.stderr[-2000:]}")
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return t0, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--memory-repeat", type=int, default=3)
    parser.add_argument("--child", choices=["app", "bare", "bare-memory", "session"])
    parser.add_argument("--modules", default="")
    args = parser.parse_args()
    if args.child == "app":
        return child_app_startup()
    if args.child in ("bare", "bare-memory"):
        return child_bare(args.modules.split(",") if args.modules else [], args.child != "bare")
    if args.child == "session":
        return child_session()

    from bench.gen_history import generate
    from qltimer.history import open_history
    from qltimer.settings import Settings

    me = str(Path(__file__).resolve())
    # Speech renders into a cache of the bench's own, never yours.
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="qltimer-bench-cache-")
    # An installed qltimer has its bytecode compiled by pip; a checkout gets it here.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "qltimer")], check=True)
    data = Path(tempfile.mkdtemp(prefix="qltimer-bench-"))
    Settings(safety_acknowledged=True).save(data / "settings.json")
    hist, _ = open_history(data / "history.sqlite3")
    generate(hist, 1.0, seed=5, end=date(2026, 11, 20))
    hist.close()

    # Once to learn which Qt modules the app imports (and warm the file cache for both).
    _, lines = run_child([me, "--child", "app"], data)
    modules = lines[-1]["modules"]
    assert isinstance(modules, list)
    mods = ",".join(modules)
    run_child([me, "--child", "bare", "--modules", mods], data)
    app_ms, bare_ms = [], []
    for _ in range(args.repeat):
        t0, lines = run_child([me, "--child", "app"], data)
        app_ms.append((float(lines[0]["painted"]) - t0) * 1000)  # type: ignore[arg-type]
        t0, lines = run_child([me, "--child", "bare", "--modules", mods], data)
        bare_ms.append((float(lines[0]["painted"]) - t0) * 1000)  # type: ignore[arg-type]
    a, b = statistics.median(app_ms), statistics.median(bare_ms)
    print(f"Qt modules imported by both: {', '.join(m.removeprefix('PySide6.') for m in modules)}")
    print(f"{'figure':52} {'qltimer':>10} {'bare':>10} {'ratio':>7}")
    print(
        f"{'start-up to first paint (median of ' + str(args.repeat) + ')':52} "
        f"{a:8.0f}ms {b:8.0f}ms {a / b:6.2f}x"
    )
    row(
        "start-up to the first painted home screen",
        f"{a:.0f} ms",
        f"{b:.0f} ms (bare window)",
        a / b,
        "<= 1.3x",
    )

    peaks, bare_peaks, growth, first_rss, last_rss, quiet = [], [], [], [], [], []
    info: dict[str, object] = {}
    for _ in range(args.memory_repeat):
        session_data = Path(tempfile.mkdtemp(prefix="qltimer-bench-mem-"))
        os.environ["QLTIMER_BENCH_SPEECH"] = "off"  # the same session, tones only
        _, lines = run_child([me, "--child", "session"], session_data)
        quiet.append(float(lines[-1]["peak_mb"]))  # type: ignore[arg-type]
        os.environ["QLTIMER_BENCH_SPEECH"] = "on"
        session_data = Path(tempfile.mkdtemp(prefix="qltimer-bench-mem-"))
        _, lines = run_child([me, "--child", "session"], session_data)
        info = lines[-1]
        samples = info["samples"]
        assert isinstance(samples, list)
        peaks.append(float(info["peak_mb"]))  # type: ignore[arg-type]
        settled = [mb for t, mb in samples if t >= 300]  # after the first five minutes
        first_rss.append(settled[0])
        last_rss.append(samples[-1][1])
        growth.append(samples[-1][1] - settled[0])
        _, lines = run_child([me, "--child", "bare-memory", "--modules", mods], data)
        bare_peaks.append(float(lines[-1]["peak_mb"]))  # type: ignore[arg-type]
    p, bp = statistics.median(peaks), statistics.median(bare_peaks)
    label = f"peak memory, {float(info['session_min']):.0f}-min session (median of {len(peaks)})"  # type: ignore[arg-type]
    print(f"{label:52} {p:8.1f}MB {bp:8.1f}MB {p / bp:6.2f}x")
    print(
        f"{'resident memory at 5 min -> at the end (median)':52} "
        f"{statistics.median(first_rss):8.1f}MB -> {statistics.median(last_rss):.1f}MB "
        f"(growth {statistics.median(growth):+.2f} MB; {info['steps']} steps recorded)"
    )
    minutes = f"{float(info['session_min']):.0f}"  # type: ignore[arg-type]
    row(
        f"peak memory, {minutes}-min session (fast clock)",
        f"{p:.1f} MB",
        f"{bp:.1f} MB (bare window)",
        p / bp,
        "<= 1.3x",
    )
    q = statistics.median(quiet)
    print(f"{'the same session, tones only (no speech)':52} {q:8.1f}MB")
    row(
        f"peak memory, {minutes}-min session, speech on (the default)",
        f"{p:.1f} MB",
        f"{q:.1f} MB (tones only)",
        p / q,
    )
    row(
        "memory growth, minute 5 to the end of the session",
        f"{statistics.median(growth):+.2f} MB",
        f"{statistics.median(first_rss):.1f} MB at minute 5",
        None,
        "none",
    )


if __name__ == "__main__":
    main()
