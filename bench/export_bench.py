"""Exporting a long history: time and memory of the real command, and the window's stalls.

    QT_QPA_PLATFORM=offscreen python bench/export_bench.py [--years 10 30] [--repeat 5]

For each history size (generated like bench/history_bench.py's: padded to about 26 steps a
session, so ten years hold about 97,000 steps):
- ``qltimer history --json -o FILE`` and ``--csv -o FILE`` in a child process: wall time, and
  peak memory above the same child's on an empty history (ru_maxrss of the child);
- the baseline, in the same run: the whole export built as one string first and then written
  (how qltimer exported before it streamed), in a child of its own;
- the window: the longest gap between 10 ms timer ticks of the Qt event loop while the
  History window's export (worker thread, progress dialog) runs; the aim is under 100 ms.
Medians over *repeat* runs; these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.gen_history import generate
from bench.history_bench import END, PAD
from bench.report import row
from qltimer.history import open_history

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# The old way: every row in a list, one json.dumps, one write (kept here as the baseline).
BASELINE = """
import json, sys
from pathlib import Path
from qltimer.history import open_history, _EXPORT_FIELDS
hist, _ = open_history(Path(sys.argv[1]), read_only=True)
cur = hist.conn.cursor()
cur.row_factory = None
rows = [dict(zip(_EXPORT_FIELDS, r)) for r in hist._export_cursor(False)]
text = json.dumps({"format": "qltimer-history", "version": 1, "rows": rows}, indent=1,
                  ensure_ascii=False)
Path(sys.argv[2]).write_text(text, encoding="utf-8")
"""

MEASURE = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, check=False)
wall = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(wall, peak, done.returncode)
sys.stderr.write(done.stderr.decode(errors="replace")[-500:])
"""


def _child(argv: list[str], data: Path) -> tuple[float, float]:
    """Seconds and peak MB of one child process running *argv* with *data* as its data folder."""
    env = {**os.environ, "QLTIMER_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *argv], capture_output=True, text=True, env=env, check=True
    )
    wall, peak, code = done.stdout.split()
    if code != "0":
        raise SystemExit(f"{argv} failed: {done.stderr}")
    return float(wall), int(peak) / 1024


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def window_stall(data: Path, kind: str) -> tuple[float, float]:
    """(seconds the export took, longest gap between 10 ms ticks) through the History window."""
    from PySide6.QtCore import QEventLoop, QTimer

    from qltimer.catalog import load_catalog
    from qltimer.gui.app import make_app
    from qltimer.gui.dialogs import Ask
    from qltimer.gui.history_window import HistoryWindow

    app = make_app([])
    hist, _ = open_history(data / "history.sqlite3")
    window = HistoryWindow(hist, load_catalog())
    window.show()
    app.processEvents()
    target = data / f"gui.{kind}"
    Ask.save_path = classmethod(lambda cls, *a: target)  # type: ignore[method-assign]
    Ask.info = classmethod(lambda cls, *a: None)  # type: ignore[method-assign]
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    loop = QEventLoop()
    timer.start()
    t0 = time.perf_counter()
    last[0] = t0
    job = window.on_export_json() if kind == "json" else window.on_export_csv()
    assert job is not None
    job.finished.connect(loop.quit)
    job.failed.connect(loop.quit)
    loop.exec()
    took = time.perf_counter() - t0
    timer.stop()
    window.close()
    hist.close()
    return took, max(gaps, default=0.0)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=float, nargs="+", default=[10.0, 30.0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        empty = folder / "empty"
        empty.mkdir()
        open_history(empty / "history.sqlite3")[0].close()
        out = folder / "out"
        qltimer = [sys.executable, "-m", "qltimer", "history"]
        idle = {
            kind: _median(
                [_child([*qltimer, f"--{kind}", "-o", str(out)], empty) for _ in range(3)]
            )
            for kind in ("json", "csv")
        }
        for kind, (wall, peak) in idle.items():
            print(f"empty history, --{kind}: {wall * 1000:.0f} ms, peak {peak:.1f} MB")
        for years in args.years:
            data = folder / f"y{years:g}"
            data.mkdir()
            hist, _ = open_history(data / "history.sqlite3")
            sessions = generate(hist, years, seed=11, end=END, pad=PAD)
            steps = hist.conn.execute("SELECT COUNT(*) FROM steps").fetchone()[0]
            hist.close()
            label = f"export, {years:g} years ({steps:,} steps)"
            print(f"{years:g} years: {sessions} sessions, {steps} steps")
            for kind in ("json", "csv"):
                runs = [
                    _child([*qltimer, f"--{kind}", "-o", str(out)], data)
                    for _ in range(args.repeat)
                ]
                wall, peak = _median(runs)
                size = out.stat().st_size / 1e6
                above = peak - idle[kind][1]
                base = (
                    _median(
                        [
                            _child(
                                [
                                    sys.executable,
                                    "-c",
                                    BASELINE,
                                    str(data / "history.sqlite3"),
                                    str(out),
                                ],
                                data,
                            )
                            for _ in range(max(1, args.repeat // 2))
                        ]
                    )
                    if kind == "json"
                    else None
                )
                print(
                    f"  --{kind}: {wall:.2f} s, peak {peak:.1f} MB ({above:+.1f} MB over the "
                    f"empty export), file {size:.1f} MB"
                    + (f"; whole-string baseline {base[0]:.2f} s, {base[1]:.1f} MB" if base else "")
                )
                aim = "<= 0.6 s" if years == 10 else "linear"
                if base:
                    row(
                        f"{label}: `history --{kind} -o` time",
                        f"{wall:.2f} s",
                        f"{base[0]:.2f} s (whole string first)",
                        wall / base[0],
                        aim,
                    )
                    row(
                        f"{label}: `history --{kind} -o` memory above an empty export",
                        f"{above:+.1f} MB",
                        f"{base[1] - idle[kind][1]:+.1f} MB (whole string first)",
                        None,
                        "<= 50 MB" if years == 10 else "linear",
                    )
                else:
                    row(f"{label}: `history --{kind} -o` time", f"{wall:.2f} s", "", None, aim)
            stalls = [window_stall(data, "json") for _ in range(max(1, args.repeat // 2))]
            took = statistics.median(s[0] for s in stalls)
            worst = max(s[1] for s in stalls)
            print(f"  window: export {took:.2f} s, longest event-loop gap {worst * 1000:.0f} ms")
            row(
                f"{label}: window's longest stall during an export",
                f"{worst * 1000:.0f} ms",
                "10 ms (timer interval)",
                None,
                "< 100 ms",
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
