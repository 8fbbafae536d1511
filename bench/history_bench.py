"""History speed with ten years of daily use, against the same work on an empty history.

    QT_QPA_PLATFORM=offscreen python bench/history_bench.py [--years 10] [--repeat 9]

Figures (medians over repeats; these machines are shared and noisy):
- opening the history window with its first chart drawn (All time, so every session counts);
- switching to each chart;
- committing one finished step (WAL, synchronous=FULL: on disk when it returns), p50 and p99.
Each is also measured on an empty history in the same run, and the ratio printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.gen_history import generate
from bench.report import row
from qltimer.catalog import Catalog, load_catalog
from qltimer.gui.app import make_app
from qltimer.gui.history_window import CHARTS, HistoryWindow
from qltimer.history import History, open_history
from tests.helpers import step_record

END = date(2026, 11, 20)
PAD = 26


def _settle(app: object) -> None:
    for _ in range(3):
        app.processEvents()  # type: ignore[attr-defined]


def open_window(app: object, hist: History, catalog: Catalog) -> tuple[float, HistoryWindow]:
    """Seconds from nothing to the window shown with its first chart painted (All time)."""
    t0 = time.perf_counter()
    window = HistoryWindow(hist, catalog, today=END, period=2)
    window.tabs.setCurrentIndex(1)
    window.resize(1280, 800)
    window.show()
    _settle(app)
    window.chart_view.viewport().repaint()
    return time.perf_counter() - t0, window


def switch_charts(app: object, window: HistoryWindow) -> list[float]:
    times = []
    for index in [*range(1, len(CHARTS)), 0]:
        t0 = time.perf_counter()
        window.chart_list.setCurrentRow(index)
        _settle(app)
        window.chart_stack.currentWidget().repaint()
        times.append(time.perf_counter() - t0)
    return times


def commit_times(hist: History, n: int) -> list[float]:
    t = datetime(2026, 11, 21, 8, tzinfo=UTC)
    key = hist.start_session("ql-level-1", "QL level 1", "", t)
    out = []
    for i in range(n):
        side = "left" if i % 2 else "right"
        rec = step_record(
            i, "Side plank", "hold", side, t, 45.0, target_seconds=60.0, stopped_early=True
        )
        t0 = time.perf_counter()
        hist.record_step(key, rec)
        out.append(time.perf_counter() - t0)
    hist.finish_session(key, "completed", t + timedelta(minutes=10))
    return out


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=float, default=10)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--commits", type=int, default=300)
    args = parser.parse_args()
    app = make_app()
    folder = Path(tempfile.mkdtemp(prefix="qltimer-bench-"))
    big, _ = open_history(folder / "ten-years.sqlite3")
    t0 = time.perf_counter()
    # Padded so ten years reach the ~100,000 steps the history must stay quick at.
    sessions = generate(big, args.years, seed=11, end=END, pad=PAD)
    steps = big.conn.execute("SELECT COUNT(*) FROM steps").fetchone()[0]
    print(
        f"history: {sessions} sessions, {steps} steps over {args.years:g} years "
        f"(generated in {time.perf_counter() - t0:.1f} s)"
    )
    empty, _ = open_history(folder / "empty.sqlite3")
    catalog = load_catalog()  # the running app has it already

    results: dict[str, dict[str, list[float]]] = {"big": {}, "empty": {}}
    for _ in range(args.repeat):
        for name, hist in (("big", big), ("empty", empty)):
            seconds, window = open_window(app, hist, catalog)
            results[name].setdefault("open", []).append(seconds)
            sw = switch_charts(app, window)
            results[name].setdefault("switch", []).append(statistics.median(sw))
            results[name].setdefault("switch_worst", []).append(max(sw))
            window.close()
            window.deleteLater()
            _settle(app)

    def med(name: str, key: str) -> float:
        return statistics.median(results[name][key]) * 1000

    print(f"{'figure':44} {'10 years':>10} {'empty':>10} {'ratio':>7}")
    for key, label in (
        ("open", "open window + first chart (median)"),
        ("switch", "switch chart (median of the five)"),
        ("switch_worst", "switch chart (slowest of the five, median)"),
    ):
        b, e = med("big", key), med("empty", key)
        print(f"{label:44} {b:8.1f}ms {e:8.1f}ms {b / e:6.2f}x")
        row(f"history, 10 years: {label}", f"{b:.1f} ms", f"{e:.1f} ms (empty)", b / e, "< 150 ms")
    big_c = commit_times(big, args.commits)
    empty_c = commit_times(empty, args.commits)
    for q, label in ((0.5, "commit one step p50"), (0.99, "commit one step p99")):
        b, e = p(big_c, q) * 1000, p(empty_c, q) * 1000
        print(f"{label:44} {b:8.2f}ms {e:8.2f}ms {b / e:6.2f}x")
        aim = "< 10 ms" if q > 0.5 else ""
        row(f"history, 10 years: {label}", f"{b:.2f} ms", f"{e:.2f} ms (empty)", b / e, aim)


if __name__ == "__main__":
    main()
