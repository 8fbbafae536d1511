"""Regenerate docs/screenshots/ from the real windows, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [NAME...]

Uses a throwaway data folder with a generated history (bench/gen_history.py), never yours.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QLTIMER_DATA_DIR"] = tempfile.mkdtemp(prefix="qltimer-shots-")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from bench.gen_history import generate  # noqa: E402
from qltimer.audio import SilentPlayer  # noqa: E402
from qltimer.catalog import load_catalog  # noqa: E402
from qltimer.gui.app import MainWindow, make_app  # noqa: E402
from qltimer.gui.coaching import SafetyDialog  # noqa: E402
from qltimer.gui.history_window import HistoryWindow  # noqa: E402
from qltimer.gui.report import write_report  # noqa: E402
from qltimer.gui.summary import SummaryView  # noqa: E402
from qltimer.history import open_history  # noqa: E402
from qltimer.settings import Settings  # noqa: E402
from tests.helpers import FakeClock, simulate_run  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
TODAY = date(2026, 11, 20)
SIZES = ((1280, 800), (800, 480))


def settle(app: QApplication) -> None:
    for _ in range(10):
        app.processEvents()


def save(widget: QWidget, name: str, app: QApplication) -> None:
    settle(app)
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(path.relative_to(ROOT))


def shots() -> dict[str, Callable[[QApplication], None]]:
    def home(app: QApplication) -> None:
        hist, _ = open_history()
        if not hist.sessions():
            generate(hist, 1.0, seed=3, end=TODAY)
        for w, h in SIZES:
            window = MainWindow(load_catalog(), hist, today=TODAY)
            window.resize(w, h)
            window.show()
            save(window, f"home-{w}x{h}", app)
            window.close()

    def history(app: QApplication) -> None:
        hist, _ = open_history()
        if not hist.sessions():
            generate(hist, 1.0, seed=3, end=TODAY)
        window = HistoryWindow(hist, load_catalog(), today=TODAY)
        window.resize(1280, 800)
        window.show()
        save(window, "history-sessions", app)
        window.tabs.setCurrentIndex(1)
        for row in range(window.chart_list.count()):
            window.chart_list.setCurrentRow(row)
            key = window.chart_list.item(row).data(256)
            save(window, f"chart-{key}", app)
        window.chart_list.setCurrentRow(0)
        window.exercise.setCurrentText("Side plank test")
        save(window, "chart-hold-endurance-test", app)
        window.close()

    def summary(app: QApplication) -> None:
        hist, _ = open_history()
        if not hist.sessions():
            generate(hist, 1.0, seed=3, end=TODAY)
        session = load_catalog().sessions["ql-level-2"]
        key = simulate_run(
            hist, session, datetime(2026, 11, 20, 18, 5, tzinfo=UTC), laps={"left": 10, "right": 8}
        )
        view = SummaryView(hist)
        view.resize(1280, 800)
        view.show()
        view.show_session(key)
        save(view, "summary", app)
        view.close()

    def run(app: QApplication) -> None:
        """The run screen in each state, on each screen and in each theme, as the proof tests
        measure it (tests/gui/run_probe.py: the real window on a screen of that size)."""
        shown = ("get-ready", "hold", "switch", "paced-reps", "rest", "laps", "overtime", "help")
        for screen, extra, suffix in (
            ("1280x800", [], "1280x800"),
            ("800x480", ["--full-screen"], "800x480"),
            ("2560x1600", ["--scale", "2"], "scale2"),
        ):
            for theme in ("light", "dark", "high-contrast"):
                with tempfile.TemporaryDirectory() as tmp:
                    subprocess.run(
                        [
                            sys.executable,
                            "-m",
                            "tests.gui.run_probe",
                            screen,
                            *extra,
                            "--theme",
                            theme,
                            "--shots",
                            tmp,
                        ],
                        cwd=ROOT,
                        check=True,
                        capture_output=True,
                    )
                    states = (*shown, "pain") if theme == "light" else ("hold", "pain")
                    for state in states:
                        name = f"run-{state}-{suffix}" + ("" if theme == "light" else f"-{theme}")
                        if suffix == "scale2" and state not in ("hold", "pain"):
                            continue
                        target = OUT / f"{name}.png"
                        target.write_bytes((Path(tmp) / f"{state}.png").read_bytes())
                        print(target.relative_to(ROOT))

    def coaching(app: QApplication) -> None:
        """A fresh history where level 2 is about to be suggested, and an endurance test."""
        folder = Path(tempfile.mkdtemp(prefix="qltimer-coach-"))
        hist, _ = open_history(folder / "history.sqlite3")
        catalog = load_catalog()
        start = datetime(2026, 11, 9, 7, 30, tzinfo=UTC)
        for day in (0, 2, 4, 7, 9):
            simulate_run(hist, catalog.sessions["ql-level-1"], start + timedelta(days=day))
        test = simulate_run(
            hist,
            catalog.sessions["side-plank-test"],
            start + timedelta(days=10, hours=2),
            holds={"left": 74, "right": 63},
        )
        window = MainWindow(catalog, hist, settings=Settings(safety_acknowledged=True), today=TODAY)
        window.resize(1280, 800)
        window.show()
        save(window, "home-suggestion", app)
        window.show_program()
        assert window.program is not None
        save(window.program, "program", app)
        window.program.close()
        window.home.suggestion.accept.click()
        window.show_program()
        save(window.program, "program-after-accepting", app)
        window.program.close()
        assert window.summary is not None
        window.summary.show_session(test)
        window.stack.setCurrentWidget(window.summary)
        save(window, "summary-endurance-test", app)
        window.home.list.setCurrentRow(2)
        window.on_start_requested("ql-level-1")
        window.before.pain.set_value(3)
        window.before.flare.setChecked(True)
        save(window, "before-session-flare-day", app)
        window.close()
        safety = SafetyDialog(first_time=True)
        safety.show()
        save(safety, "safety", app)
        safety.close()
        report = OUT / "report.pdf"
        big, _ = open_history()
        if not big.sessions():
            generate(big, 1.0, seed=3, end=TODAY)
        write_report(big, catalog, report, today=TODAY)
        subprocess.run(
            ["pdftoppm", "-r", "80", "-png", str(report), str(OUT / "report-page")], check=True
        )
        report.unlink()
        print("docs/screenshots/report-page-1.png, -2.png")

    def faults(app: QApplication) -> None:
        """The run screen and home while another program holds the history locked."""
        catalog = load_catalog()
        path = Path(os.environ["QLTIMER_DATA_DIR"]) / "locked.sqlite3"
        hist, _ = open_history(path, busy_timeout=0.05)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        clock = FakeClock()
        window = MainWindow(catalog, hist, player=SilentPlayer(), clock=clock, today=TODAY)
        window.resize(1280, 800)
        window.show()
        view = window.start_session(catalog.sessions["ql-level-1"])
        while not (view.controller.run.phase and view.controller.run.phase.is_work):
            clock.tick(0.5)
            view.controller.tick()
        clock.tick(12)
        view.controller.tick()
        view.on_flash_over()
        view.on_words_over()
        save(window, "fault-locked-run-1280x800", app)
        view.controller.end_early()
        save(window, "fault-locked-home-1280x800", app)
        other.execute("ROLLBACK")
        window.keeper.retry()
        window.close()

    # History first, so the home screen shows when sessions were last done.
    return {
        "faults": faults,
        "history": history,
        "summary": summary,
        "home": home,
        "run": run,
        "coaching": coaching,
    }


def main() -> None:
    app = make_app()
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = sys.argv[1:] or list(shots())
    for name in wanted:
        shots()[name](app)


if __name__ == "__main__":
    main()
