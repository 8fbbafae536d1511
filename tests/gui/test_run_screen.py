"""The run screen as the person 3 m away meets it: sizes and colours as drawn, and every key
answered - above all P, which must stop at once, whatever is on screen."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from qltimer.audio import SilentPlayer
from qltimer.catalog import Catalog
from qltimer.engine import PhaseKind, Snapshot
from qltimer.gui import theme
from qltimer.gui.app import MainWindow
from qltimer.gui.run_view import RunView
from qltimer.history import History, open_history
from qltimer.script import Side
from qltimer.settings import Settings
from tests.conftest import REPO
from tests.gui.windows import session_window
from tests.helpers import FakeClock, session_from

SESSION = """
title = "Two sides"
get_ready = 5
switch_sides = 5

[[step]]
kind = "hold"
name = "Side plank"
sides = "each"
seconds = 30
sets = 2
rest = 10

[[step]]
kind = "laps"
name = "Suitcase carry"
sides = "left"
laps = 4

[[step]]
kind = "reps"
name = "Leg lifts"
reps = 8
cadence = 3
"""

# -- sizes, contrast and fit, measured on real screens (a subprocess each: the screen's size and
# -- scale are fixed before Qt starts) ----------------------------------------------------------

SCREENS = {
    "1280x800 window": ["1280x800"],
    "800x480 full screen": ["800x480", "--full-screen"],
    "scale 2 (2560x1600)": ["2560x1600", "--scale", "2"],
}
AIMS = {  # cap heights in pixels: the figures
    "1280x800 window": {"digits": 250, "side": 42, "step": 42, "next": 34},
    "800x480 full screen": {"digits": 150, "side": 30, "step": 26},
    "scale 2 (2560x1600)": {"digits": 250, "side": 42, "step": 42, "next": 34},
}
CONTRAST = {"light": 4.5, "dark": 4.5, "high-contrast": 7.0}


@pytest.fixture(scope="module")
def probes() -> dict[tuple[str, str], dict[str, Any]]:
    """Every screen in every theme, probed two at a time (this machine has two cores)."""
    jobs = [(screen, name) for screen in SCREENS for name in CONTRAST]
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for i in range(0, len(jobs), 2):
        running = [
            (
                job,
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "tests.gui.run_probe",
                        *SCREENS[job[0]],
                        "--theme",
                        job[1],
                    ],
                    cwd=REPO,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
            for job in jobs[i : i + 2]
        ]
        for job, proc in running:
            stdout, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 0, stderr
            out[job] = json.loads(stdout)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("name", CONTRAST)
def test_every_state_reads_from_three_metres(
    probes: dict[tuple[str, str], dict[str, Any]], screen: str, name: str
) -> None:
    states = probes[(screen, name)]["states"]
    assert set(states) >= {
        *("get-ready", "hold", "paused", "switch", "rest", "laps", "overtime", "pain", "end")
    }
    for state, got in states.items():
        assert got["outside"] == [], f"{state}: not all on screen: {got['outside']}"
        cut = [t for t in got["texts"] if t["cut"]]
        assert not cut, f"{state}: words cut short: {cut}"
        low = [t for t in got["texts"] if t["ratio"] < CONTRAST[name]]
        assert not low, f"{state}: text below {CONTRAST[name]}:1 contrast: {low}"
        if state in ("pain", "end"):  # panels: as large as the step name, choices a line's size
            assert got["caps"]["panel"] >= AIMS[screen]["step"] * 0.8, got["caps"]
            assert got["caps"]["choices"] >= AIMS[screen]["step"] * 0.5, got["caps"]
        if state in ("help", "pain", "end"):
            continue  # overlays: their own sizes, checked by the fit and contrast above
        for key, aim in AIMS[screen].items():
            if key in got["caps"]:
                assert got["caps"][key] >= aim, f"{state}: {key} capitals {got['caps'][key]:.1f}"
        assert "digits" in got["caps"] and "step" in got["caps"]


# -- through the window, in this process ---------------------------------------------------------


@pytest.fixture
def history(tmp_path: Path) -> History:
    hist, _ = open_history(tmp_path / "history.sqlite3")
    return hist


@pytest.fixture
def window(qtbot: QtBot, history: History) -> tuple[MainWindow, FakeClock, SilentPlayer]:
    return session_window(qtbot, history, SESSION, "two", size=(1280, 800))


def begin(win: MainWindow, qtbot: QtBot) -> RunView:
    qtbot.keyClick(win.home, Qt.Key.Key_Return)
    qtbot.keyClick(win.before, Qt.Key.Key_Return)  # no score today
    assert win.run_view is not None
    return win.run_view


def until(view: RunView, clock: FakeClock, test: Callable[[Snapshot], bool]) -> Snapshot:
    for _ in range(5000):
        snap = view.controller.run.snapshot()
        if test(snap):
            return snap
        clock.tick(0.25)
        view.controller.tick()
    raise AssertionError(f"not reached: {view.controller.run.snapshot()}")


def in_phase(kind: PhaseKind, side: Side | None = None, set_number: int = 1) -> Any:
    return lambda s: bool(
        s.phase
        and s.phase.kind is kind
        and (side is None or s.phase.side is side)
        and s.phase.set_number == set_number
    )


def time_passes(view: RunView, clock: FakeClock, seconds: float = 60) -> None:
    for _ in range(int(seconds)):
        clock.tick(1)
        view.controller.tick()


def assert_stopped_and_still(view: RunView, clock: FakeClock) -> None:
    """The advice is up, and nothing moves however long the person takes or what else they press."""
    assert view.pain_panel.isVisible() and "health professional" in view.pain_panel.advice.text()
    run = view.controller.run
    phase, elapsed = run.phase, run.elapsed()
    time_passes(view, clock)
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_P, Qt.Key.Key_L, Qt.Key.Key_Left):
        QApplication.sendEvent(view, _key(key))
    time_passes(view, clock)
    assert run.paused and run.phase is phase and run.elapsed() == elapsed
    assert view.pain_panel.isVisible()


def _key(key: Qt.Key) -> Any:
    from PySide6.QtGui import QKeyEvent

    return QKeyEvent(QKeyEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier)


def test_p_mid_hold_stops_records_pain_and_waits_then_go_on(
    window: tuple[MainWindow, FakeClock, SilentPlayer], history: History, qtbot: QtBot
) -> None:
    win, clock, player = window
    view = begin(win, qtbot)
    until(view, clock, in_phase(PhaseKind.WORK, Side.LEFT))
    clock.tick(12)
    view.controller.tick()
    qtbot.keyClick(view, Qt.Key.Key_P)
    assert player.asked[-1] == "stopped", "P is heard"
    assert win.windowTitle().startswith("Stopped")
    uuid = view.controller.recorder.uuid  # type: ignore[union-attr]
    [step] = history.steps(uuid)
    assert (step.side, step.reason, step.stopped_early) == ("left", "pain", True)
    assert step.actual_seconds == pytest.approx(12, abs=0.3)
    assert_stopped_and_still(view, clock)
    phase = view.controller.run.phase
    assert phase is not None and phase.kind is PhaseKind.SWITCH, (
        "never straight into the other side"
    )
    qtbot.keyClick(view, Qt.Key.Key_G)  # go on
    assert not view.pain_panel.isVisible() and not view.controller.run.paused
    snap = until(view, clock, in_phase(PhaseKind.WORK, Side.RIGHT))
    assert snap.phase is not None and len(history.steps(uuid)) == 1


def test_p_in_a_get_ready_starts_nothing_and_g_goes_back_to_the_countdown(
    window: tuple[MainWindow, FakeClock, SilentPlayer], history: History, qtbot: QtBot
) -> None:
    win, clock, _ = window
    view = begin(win, qtbot)
    snap = until(view, clock, lambda s: s.elapsed > 2)  # in the get-ready countdown
    left = snap.remaining
    qtbot.keyClick(view, Qt.Key.Key_P)
    assert_stopped_and_still(view, clock)
    panel = view.pain_panel
    assert "has not started" in panel.recorded.text()
    assert "back to the countdown" in panel.buttons["go-on"].text()
    uuid = view.controller.recorder.uuid  # type: ignore[union-attr]
    assert history.steps(uuid) == [], "nothing is recorded while the person decides"
    qtbot.keyClick(view, Qt.Key.Key_G)
    run = view.controller.run
    assert not panel.isVisible() and not run.paused
    snap = run.snapshot()
    assert snap.phase is not None and snap.phase.kind is PhaseKind.GET_READY
    assert snap.remaining == pytest.approx(left, abs=0.01), "the countdown goes on where it was"
    assert win.windowTitle().startswith("Get ready")
    until(view, clock, in_phase(PhaseKind.WORK, Side.LEFT))


def test_p_in_a_get_ready_then_e_notes_the_coming_side_as_left_out(
    window: tuple[MainWindow, FakeClock, SilentPlayer], history: History, qtbot: QtBot
) -> None:
    win, clock, _ = window
    view = begin(win, qtbot)
    until(view, clock, lambda s: s.elapsed > 2)
    qtbot.keyClick(view, Qt.Key.Key_P)
    with qtbot.waitSignal(view.controller.finished) as finished:
        qtbot.keyClick(view, Qt.Key.Key_E)
    uuid, status = finished.args
    assert status == "ended early"
    got = [(s.side, s.reason, s.skipped, s.actual_seconds) for s in history.steps(uuid)]
    assert got == [("left", "pain", True, 0.0)]


def test_p_at_rest_then_the_next_exercise(
    window: tuple[MainWindow, FakeClock, SilentPlayer], history: History, qtbot: QtBot
) -> None:
    win, clock, _ = window
    view = begin(win, qtbot)
    until(view, clock, in_phase(PhaseKind.REST, Side.LEFT, set_number=2))
    qtbot.keyClick(view, Qt.Key.Key_P)
    assert_stopped_and_still(view, clock)
    assert "Suitcase carry" in view.pain_panel.buttons["next"].text()
    assert "back to your rest" in view.pain_panel.buttons["go-on"].text()
    qtbot.keyClick(view, Qt.Key.Key_N)  # skip to the next exercise
    phase = view.controller.run.phase
    assert phase is not None and phase.step.name == "Suitcase carry"
    uuid = view.controller.recorder.uuid  # type: ignore[union-attr]
    got = [(s.set_number, s.side, s.reason, s.skipped) for s in history.steps(uuid)]
    assert got == [(1, "left", None, False), (1, "right", None, False), (2, "left", "pain", True)]


def test_p_then_e_ends_the_session_keeping_everything(
    window: tuple[MainWindow, FakeClock, SilentPlayer], history: History, qtbot: QtBot
) -> None:
    win, clock, _ = window
    view = begin(win, qtbot)
    until(view, clock, in_phase(PhaseKind.WORK, Side.RIGHT))
    clock.tick(4)
    qtbot.keyClick(view, Qt.Key.Key_P)
    with qtbot.waitSignal(view.controller.finished) as finished:
        qtbot.keyClick(view, Qt.Key.Key_E)
    uuid, status = finished.args
    assert status == "ended early"
    got = [(s.side, s.reason, round(s.actual_seconds)) for s in history.steps(uuid)]
    assert got == [("left", None, 30), ("right", "pain", 4)]
    assert win.stack.currentWidget() is win.summary


def test_high_contrast_toggles_both_ways_and_is_remembered(
    window: tuple[MainWindow, FakeClock, SilentPlayer], qtbot: QtBot
) -> None:
    win, clock, _ = window
    view = begin(win, qtbot)
    until(view, clock, in_phase(PhaseKind.WORK, Side.LEFT))
    qtbot.keyClick(view, Qt.Key.Key_C)
    assert view.high_contrast and Settings.load().high_contrast
    assert sampled_background(view) == "#000000"
    qtbot.keyClick(view, Qt.Key.Key_C)
    assert not view.high_contrast and not Settings.load().high_contrast
    assert sampled_background(view) == theme.run_colors(theme.LIGHT, PhaseKind.WORK).background


def sampled_background(view: RunView) -> str:
    """The colour drawn near the middle of the left edge, inside any frame and cue flash."""
    image = view.grab().toImage()
    fw, _ = view.frame_widths()
    return image.pixelColor(fw + view.flash_width() + 3, image.height() // 2).name()


def test_the_phase_colour_survives_resizing_and_full_screen(
    window: tuple[MainWindow, FakeClock, SilentPlayer], qtbot: QtBot
) -> None:
    win, clock, _ = window
    view = begin(win, qtbot)
    until(view, clock, in_phase(PhaseKind.WORK, Side.LEFT))
    work = theme.run_colors(theme.LIGHT, PhaseKind.WORK).background
    assert sampled_background(view) == work
    for size in ((800, 480), (1920, 1080)):
        win.resize(*size)
        qtbot.waitUntil(lambda s=size: win.width() == s[0])
        assert sampled_background(view) == work
    qtbot.keyClick(view, Qt.Key.Key_F11)
    qtbot.waitUntil(win.isFullScreen)
    assert sampled_background(view) == work and not win.menuBar().isVisible()
    qtbot.keyClick(view, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not win.isFullScreen())
    assert sampled_background(view) == work and win.menuBar().isVisible()


def test_the_dark_theme_follows_the_desktop(
    qtbot: QtBot, history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(theme, "desktop_is_dark", lambda: True)
    session = session_from(SESSION, "two.toml")
    clock = FakeClock()
    win = MainWindow(
        Catalog(sessions={"two": session}),
        history,
        clock=clock,
        # Tones only: these tests hear the recorded cues (tests/gui/test_speech_run.py the voice)
        settings=Settings(safety_acknowledged=True, theme="auto", speech=False),
    )
    qtbot.addWidget(win)
    win.show()
    try:
        assert win.dark
        window_bg = win.palette().window().color().name()
        assert theme.contrast(win.palette().windowText().color().name(), window_bg) >= 7
        view = begin(win, qtbot)
        until(view, clock, in_phase(PhaseKind.WORK, Side.LEFT))
        assert sampled_background(view) == theme.run_colors(theme.DARK, PhaseKind.WORK).background
        win.theme_actions["light"].trigger()  # the person's own choice wins
        assert not win.dark and Settings.load().theme == "light"
        assert sampled_background(view) == theme.run_colors(theme.LIGHT, PhaseKind.WORK).background
    finally:
        win.apply_theme("light")


@pytest.mark.parametrize("opener", ["F1", "Ctrl+H"])
def test_a_window_over_the_session_pauses_it_until_space(
    window: tuple[MainWindow, FakeClock, SilentPlayer], qtbot: QtBot, opener: str
) -> None:
    win, clock, _ = window
    view = begin(win, qtbot)
    until(view, clock, in_phase(PhaseKind.WORK, Side.LEFT))
    if opener == "F1":
        qtbot.keyClick(view, Qt.Key.Key_F1)
        other: QWidget | None = win.safety
    else:
        qtbot.keyClick(view, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
        other = win.history_window
    assert other is not None and other.isVisible()
    assert view.controller.run.paused and "Press Space to go on" in view.notice.text()
    elapsed = view.controller.run.elapsed()
    other.close()
    time_passes(view, clock, 30)
    assert view.controller.run.paused and view.controller.run.elapsed() == elapsed
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert not view.controller.run.paused and not view.notice.isVisible()


def test_keys_are_heard_and_seen(
    window: tuple[MainWindow, FakeClock, SilentPlayer], qtbot: QtBot
) -> None:
    win, clock, player = window
    view = begin(win, qtbot)
    until(view, clock, lambda s: bool(s.phase and s.phase.step.name == "Suitcase carry"))
    # Its get-ready names it once ("Next:"), and below says what follows it.
    assert (view.step_name.text(), view.next.text()) == (
        "Next: Suitcase carry",
        "After that: Leg lifts",
    )
    assert "LEFT HAND" in view.side.text() and player.asked[-1] == "left-hand"
    until(view, clock, lambda s: bool(s.phase and s.phase.is_work))
    assert win.windowTitle() == "Suitcase carry - left hand - qltimer"
    view.on_flash_over()
    qtbot.keyClick(view, Qt.Key.Key_L)
    assert player.asked[-1] == "lap" and view.flashing and view.big.text == "1"
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert player.asked[-1] == "paused"
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert "resumed" in player.asked[-2:]


def test_paced_reps_show_the_rep_as_the_big_figure(
    window: tuple[MainWindow, FakeClock, SilentPlayer], qtbot: QtBot
) -> None:
    win, clock, _ = window
    view = begin(win, qtbot)
    until(view, clock, lambda s: bool(s.phase and s.phase.is_work and s.phase.step.laps))
    for _ in range(4):
        qtbot.keyClick(view, Qt.Key.Key_L)  # four laps of the carry
    until(view, clock, lambda s: bool(s.phase and s.phase.step.name == "Leg lifts"))
    for _ in range(4):
        qtbot.keyClick(view, Qt.Key.Key_L)  # not counted: paced reps count themselves
    until(view, clock, lambda s: bool(s.phase and s.phase.is_work and s.elapsed >= 7))
    assert view.big.text == "3", "the third rep of eight"
    assert "rep of 8" in view.counter.text() and "left" in view.counter.text()


def test_any_other_window_taking_the_keys_pauses_the_session(
    window: tuple[MainWindow, FakeClock, SilentPlayer], qtbot: QtBot
) -> None:
    from PySide6.QtWidgets import QDialog

    win, clock, _ = window
    view = begin(win, qtbot)
    until(view, clock, in_phase(PhaseKind.WORK, Side.LEFT))
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWindow() is win.windowHandle())
    dialog = QDialog(win)  # a file dialog, a message: any window of ours over the session
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: view.controller.run.paused)
    assert "another window was open" in view.notice.text()
    dialog.close()
    time_passes(view, clock, 10)
    assert view.controller.run.paused
