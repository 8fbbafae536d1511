"""Regenerate docs/screenshots/ from the real windows, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [NAME...]

Uses a throwaway data folder with a generated history (bench/gen_history.py), never yours.
"pages" shows every page but the run screen as the app opens on an 800x480 and a 1280x800
screen (each in a process of its own: a screen's size is fixed when Qt starts). "x11" runs the
real app on an 800x480 X screen (Xvfb on display :91, or QLTIMER_SHOTS_DISPLAY) with Openbox
drawing the window frame, and grabs the whole screen.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    # A screen with room for every window size asked for below (offscreen's own is 800x800,
    # and windows keep within their screen).
    _screen = Path(tempfile.mkdtemp(prefix="qltimer-screen-")) / "screen.json"
    _screen.write_text(json.dumps({"screens": [{"name": "shots", "width": 1920, "height": 1200}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"
os.environ["QLTIMER_DATA_DIR"] = tempfile.mkdtemp(prefix="qltimer-shots-")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from bench.gen_history import generate  # noqa: E402
from qltimer.audio import SilentPlayer  # noqa: E402
from qltimer.catalog import load_catalog  # noqa: E402
from qltimer.gui.app import MainWindow, make_app  # noqa: E402
from qltimer.gui.coaching import AboutQLDialog, SafetyDialog, SoreDayDialog  # noqa: E402
from qltimer.gui.history_window import HistoryWindow  # noqa: E402
from qltimer.gui.report import write_report  # noqa: E402
from qltimer.gui.summary import SummaryView  # noqa: E402
from qltimer.history import open_history  # noqa: E402
from qltimer.settings import Settings  # noqa: E402
from tests.apprun import NO_DEVICE_RC, start_app, stop, wait_for  # noqa: E402
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
    def pages(app: QApplication) -> None:
        """Each page but the run screen, on each screen size, in a process of its own."""
        for w, h in SIZES:
            folder = Path(tempfile.mkdtemp(prefix="qltimer-screen-"))
            config = folder / "screen.json"
            config.write_text(json.dumps({"screens": [{"name": "shots", "width": w, "height": h}]}))
            subprocess.run(
                [sys.executable, __file__, f"pages-{w}x{h}"],
                env={**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"},
                check=True,
            )

    def x11(app: QApplication) -> None:
        """Home, the safety advice and the check before a session from the real app on X."""
        display = os.environ.get("QLTIMER_SHOTS_DISPLAY", ":91")
        folder = Path(tempfile.mkdtemp(prefix="qltimer-x11-"))
        data = folder / "data"
        hist, _ = open_history(data / "history.sqlite3")
        generate(hist, 1.0, seed=3, end=datetime.now(UTC).date())
        hist.conn.close()
        server = subprocess.Popen(
            ["Xvfb", display, "-screen", "0", "800x480x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        number = display.lstrip(":")
        wait_for(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), 30, "Xvfb")
        ready = folder / "openbox-ready"
        env = {**os.environ, "DISPLAY": display, "HOME": str(folder)}
        wm = subprocess.Popen(["openbox", "--startup", f"touch {ready}"], env=env)
        qltimer = None
        try:
            wait_for(ready.exists, 30, "Openbox")
            qltimer = start_app([], folder / "home", data, display=display, asoundrc=NO_DEVICE_RC)

            def xdo(*args: str) -> str:
                done = subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True)
                return done.stdout.strip()

            def window(title: str) -> str:
                found: list[str] = [""]

                def look() -> bool:
                    found[0] = xdo("search", "--onlyvisible", "--name", title)
                    return bool(found[0])

                wait_for(look, 60, title)
                return found[0].split()[0]

            def grab(name: str) -> None:
                # Let the window manager and the app finish drawing (a script, not a test).
                time.sleep(1.0)
                path = OUT / f"{name}.png"
                subprocess.run(
                    [sys.executable, str(ROOT / "tests" / "grab_window.py"), "0", str(path)],
                    env={**env, "QT_QPA_PLATFORM": "xcb"},
                    check=True,
                )
                print(path.relative_to(ROOT))

            safety = window("^qltimer - safety$")
            grab("safety-800x480-x11")
            xdo("windowfocus", "--sync", safety)
            xdo("key", "Return")
            about = window("^qltimer - about your QL$")  # the first run: then the muscle
            grab("first-run-about-ql-800x480-x11")
            xdo("windowfocus", "--sync", about)
            xdo("key", "Return")
            home = window("^qltimer$")
            grab("home-800x480-x11")
            xdo("windowfocus", "--sync", home)
            xdo("key", "alt+s")  # the Sound menu: volume, mute, the voice and its choices
            grab("sound-menu-800x480-x11")
            xdo("key", "Up", "Right")  # Voice: the installed voices, asked of flite
            grab("sound-voice-800x480-x11")
            xdo("key", "Escape", "Escape")
            xdo("windowfocus", "--sync", home)
            xdo("key", "Return")
            grab("before-session-800x480-x11")
            xdo("key", "Escape", "ctrl+q")
            wait_for(lambda: qltimer is not None and qltimer.poll() is not None, 30, "quit")
        finally:
            if qltimer is not None:
                stop(qltimer)
            for proc in (wm, server):
                proc.terminate()
                proc.wait(timeout=30)

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
        window.on_start_requested("ql-level-1")
        window.before.pain.set_value(3)
        window.before._set_sore(True)
        save(window, "before-session-sore-day", app)
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
    def held(app: QApplication) -> None:
        """The run screen just after Enter ends a side plank early: the time held with what
        comes next, as the voice says them."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        catalog = load_catalog()
        for width, height in ((800, 480), (1280, 800)):
            clock = FakeClock()
            window = MainWindow(
                catalog,
                None,
                player=SilentPlayer(),
                clock=clock,
                settings=Settings(safety_acknowledged=True, speech=False),
            )
            window.resize(width, height)
            window.show()
            view = window.start_session(catalog.sessions["ql-level-1"])
            run = view.controller
            while not (
                run.run.phase and run.run.phase.is_work and run.run.phase.step.kind.value == "hold"
            ):
                clock.tick(0.25)
                run.tick()
            for _ in range(189):  # 47.25 s into the hold
                clock.tick(0.25)
                run.tick()
            QTest.keyClick(view, Qt.Key.Key_Return)
            save(window, f"run-held-early-{width}x{height}", app)
            run.stop()
            window.close()

    def camera(app: QApplication) -> None:
        """The camera form check in the side plank test, fed rendered frames through a
        QVideoSink (no camera here): the outline in the get-ready, the line held in the hold,
        and the moment form is lost. With QT_SCALE_FACTOR=2 set, 1280x800 at scale 2."""
        from PySide6.QtMultimedia import QVideoFrame, QVideoSink

        from qltimer.gui.camera import CameraCheck
        from tests.fixture_render import load_renderer

        rpv = load_renderer()
        catalog = load_catalog()
        scaled = os.environ.get("QT_SCALE_FACTOR") == "2"
        sizes = ((1280, 800),) if scaled else ((800, 480), (1280, 800), (1920, 1080))
        for width, height in sizes:
            suffix = "scale2" if scaled else f"{width}x{height}"
            clock = FakeClock()
            window = MainWindow(
                catalog,
                None,
                player=SilentPlayer(),
                clock=clock,
                settings=Settings(
                    safety_acknowledged=True, speech=False, camera_check=True, camera_told=True
                ),
            )
            sink = QVideoSink()
            window.make_camera = lambda w=window, k=sink: CameraCheck(  # type: ignore[method-assign]
                w.clock, w.settings.camera_thresholds, w, sink=k
            )
            window.resize(width, height)
            window.show()
            view = window.start_session(catalog.sessions["side-plank-test"])
            run = view.controller
            camera = run.camera
            assert camera is not None

            def show(
                scenario: str, t: float, camera: CameraCheck = camera, sink: QVideoSink = sink
            ) -> None:
                before = camera.log.seen
                sink.setVideoFrame(QVideoFrame(rpv.render_frame(scenario, "left", t)))
                while camera.log.seen == before:
                    app.processEvents()

            for i in range(20):  # two seconds into the 15 s get-ready
                clock.tick(0.1)
                run.tick()
                show("straight", i / 10)
            save(window, f"camera-get-ready-{suffix}", app)
            while not (run.run.phase and run.run.phase.is_work):
                clock.tick(0.25)
                run.tick()
            for i in range(120):  # 12 s of the hold: straight, then the sag
                clock.tick(0.1)
                run.tick()
                show("sag", i / 10)
                if i == 50:
                    save(window, f"camera-hold-{suffix}", app)
                if not (run.run.phase and run.run.phase.is_work):
                    break
            save(window, f"camera-form-lost-{suffix}", app)
            run.stop()
            window.close()

    return {
        "camera": camera,
        "held": held,
        "faults": faults,
        "history": history,
        "summary": summary,
        "pages": pages,
        "run": run,
        "coaching": coaching,
        "x11": x11,
    }


def pages_on_this_screen(app: QApplication) -> None:
    """Home, before a session, the summary, safety, the program and the history window as they
    open on this process's screen (which is 800x480 or 1280x800)."""
    area = app.primaryScreen().geometry()
    size = f"{area.width()}x{area.height()}"
    hist, _ = open_history()
    if not hist.sessions():
        generate(hist, 1.0, seed=3, end=TODAY)
    catalog = load_catalog()
    window = MainWindow(catalog, hist, settings=Settings(safety_acknowledged=True), today=TODAY)
    window.show()
    save(window, f"home-{size}", app)
    window.home.on_start()
    window.before.pain.set_value(3)
    save(window, f"before-session-{size}", app)
    window.before.cancelled.emit()
    key = simulate_run(
        hist,
        catalog.sessions["ql-level-2"],
        datetime(2026, 11, 20, 18, 5, tzinfo=UTC),
        laps={"left": 10, "right": 8},
    )
    assert window.summary is not None
    window.summary.show_session(key)
    window.stack.setCurrentWidget(window.summary)
    save(window, f"summary-{size}", app)
    safety = SafetyDialog(window, first_time=True)
    safety.show()
    save(safety, f"safety-{size}", app)
    safety.close()
    about = AboutQLDialog(window)
    about.show()
    save(about, f"about-ql-{size}", app)
    about.close()
    window.show_program()
    assert window.program is not None
    save(window.program, f"program-{size}", app)
    window.program.close()
    sore = SoreDayDialog(window)
    sore.show()
    save(sore, f"sore-day-{size}", app)
    sore.close()
    history = HistoryWindow(hist, catalog, today=TODAY)
    history.show()
    save(history, f"history-{size}", app)
    history.tabs.setCurrentIndex(1)
    save(history, f"history-charts-{size}", app)
    history.close()
    window.close()
    # Someone ready for level 2: the suggestion takes room on home.
    ready, _ = open_history(Path(tempfile.mkdtemp(prefix="qltimer-ready-")) / "history.sqlite3")
    for day in (0, 2, 4, 7, 9):
        simulate_run(
            ready, catalog.sessions["ql-level-1"], datetime(2026, 11, 9 + day, 7, 30, tzinfo=UTC)
        )
    window = MainWindow(catalog, ready, settings=Settings(safety_acknowledged=True), today=TODAY)
    window.show()
    save(window, f"home-suggestion-{size}", app)
    window.close()
    # The no-floor track: home and the program view, six foundation sessions done, so the
    # program's own question comes with the person's figures.
    standing, _ = open_history(Path(tempfile.mkdtemp(prefix="qltimer-nf-")) / "history.sqlite3")
    for day in (0, 2, 4, 7, 9, 10):
        simulate_run(
            standing,
            catalog.sessions["standing-seated"],
            datetime(2026, 11, 9 + day, 7, 30, tzinfo=UTC),
        )
    no_floor = Settings(safety_acknowledged=True, track="no-floor")
    window = MainWindow(catalog, standing, settings=no_floor, today=TODAY)
    window.show()
    save(window, f"home-no-floor-{size}", app)
    window.show_program()
    assert window.program is not None
    save(window.program, f"program-no-floor-{size}", app)
    window.program.close()
    window.close()
    # Pain first: a level 1 session stopped with P, and home offering something gentler.
    sore_hist, _ = open_history(Path(tempfile.mkdtemp(prefix="qltimer-p-")) / "history.sqlite3")
    sore_hist.decide("level-1", True, datetime(2026, 11, 18, 7, 0, tzinfo=UTC))
    simulate_run(
        sore_hist,
        catalog.sessions["ql-level-1"],
        datetime(2026, 11, 19, 7, 30, tzinfo=UTC),
        holds={"left": 24},
        reason="pain",
    )
    window = MainWindow(
        catalog, sore_hist, settings=Settings(safety_acknowledged=True), today=TODAY
    )
    window.show()
    save(window, f"home-gentler-{size}", app)
    window.close()
    # The dark theme (the desktop's choice, or View > Dark): home, before a session, the summary.
    dark = Settings(safety_acknowledged=True, theme="dark")
    window = MainWindow(catalog, hist, settings=dark, today=TODAY)
    window.show()
    save(window, f"home-{size}-dark", app)
    window.home.on_start()
    window.before.pain.set_value(3)
    save(window, f"before-session-{size}-dark", app)
    window.before.cancelled.emit()
    assert window.summary is not None
    window.summary.show_session(key)
    window.stack.setCurrentWidget(window.summary)
    save(window, f"summary-{size}-dark", app)
    window.apply_theme("light")
    window.close()


def main() -> None:
    app = make_app()
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = sys.argv[1:] or list(shots())
    for name in wanted:
        if name.startswith("pages-"):
            pages_on_this_screen(app)
        else:
            shots()[name](app)


if __name__ == "__main__":
    main()
