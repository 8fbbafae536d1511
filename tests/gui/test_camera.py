"""The camera form check in a real run: rendered side-plank frames, each with its time, go through
a QVideoSink (where a camera's frames arrive) into the real pose model and the form rule, and the
run ends the hold the way a person sees and the history records it.

Only the camera is replaced, by a sink the test feeds: the model (LiteRT with the bundled BlazePose
files), its thread, the rule, the engine, the window and the SQLite history are the real ones.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame, QVideoSink
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from qltimer.engine import CAMERA, PhaseKind
from qltimer.formcheck import State
from qltimer.gui.app import MainWindow
from qltimer.gui.camera import NO_CAMERA, NO_EXTRA, CameraCheck, Seen
from qltimer.gui.run_view import RunView
from qltimer.history import History, open_history
from qltimer.script import Side
from qltimer.words import CAMERA_PRIVACY
from tests.fixture_render import load_renderer
from tests.gui.test_run_view import at_work, start, until
from tests.gui.windows import session_window
from tests.helpers import FakeClock

pytest.importorskip("ai_edge_litert", reason="the camera extra is not installed")

rpv = load_renderer()

# Where there is no VA-API the FFmpeg backend says so, and offscreen has no GPU for
# QVideoFrame.toImage(); neither is ours to fix.
QUIET = pytest.mark.qt_log_ignore(
    r"Couldn't (load|resolve) va",
    r"No RHI backend\. Using CPU conversion",
    extend=True,
)
pytestmark = [QUIET]

PLANK = """
title = "Camera plank"
get_ready = 3
switch_sides = 3

[[step]]
kind = "hold"
name = "Side plank"
sides = "each"
seconds = 30
form_check = true
"""
FPS = 10


@pytest.fixture
def history(tmp_path: Path) -> Iterator[History]:
    hist, _ = open_history(tmp_path / "history.sqlite3")
    yield hist
    hist.close()


def frame(image: QImage, t: float) -> QVideoFrame:
    f = QVideoFrame(image)
    f.setStartTime(round(t * 1e6))
    f.setEndTime(round((t + 1 / FPS) * 1e6))
    return f


def feed(
    qtbot: QtBot, camera: CameraCheck, sink: QVideoSink, image: QImage, t: float
) -> tuple[Seen, object]:
    """One frame into the sink; wait (on the signal, never a sleep) for the model's answer."""
    with qtbot.waitSignal(camera.seen, timeout=10_000) as got:
        sink.setVideoFrame(frame(image, t))
    seen, reading = got.args
    return seen, reading


def camera_window(
    qtbot: QtBot, history: History, sink: QVideoSink, size: tuple[int, int] = (1280, 800)
) -> tuple[MainWindow, FakeClock]:
    window, clock, _player = session_window(qtbot, history, PLANK, "plank", size=size)
    window.settings.camera_check = True
    window.settings.camera_told = True
    # The one part replaced: frames come from the test's sink, not a camera.
    window.make_camera = lambda: CameraCheck(  # type: ignore[method-assign]
        window.clock, window.settings.camera_thresholds, window, sink=sink
    )
    return window, clock


def hold_frames(scenario: str, side: str, seconds: float) -> Iterator[tuple[float, QImage]]:
    for i in range(round(seconds * FPS)):
        t = i / FPS
        yield t, rpv.render_frame(scenario, side, t)


@pytest.mark.slow  # a few hundred frames through the real model
def test_the_pipeline_through_a_sink_ends_a_sagging_hold_once(qtbot: QtBot) -> None:
    """Frames with times through a QVideoSink: calibration, a straight line held, the sag, and
    form lost at its first bad frame, confirmed a second on."""
    sink = QVideoSink()
    clock = FakeClock()
    camera = CameraCheck(clock, sink=sink)
    lost: list[float] = []
    camera.form_lost.connect(lost.append)
    camera.open()
    camera.watch_hold()
    start = clock.now
    states = []
    try:
        for t, image in hold_frames("sag", "left", 13.0):
            clock.now = start + t
            _seen, reading = feed(qtbot, camera, sink, image, t)
            states.append((t, reading.state if reading is not None else None))  # type: ignore[attr-defined]
    finally:
        camera.shut_down()
    assert [s for t, s in states if t < 1.5] == [State.CALIBRATING] * 15
    assert all(s is State.GOOD for t, s in states if 1.6 <= t < 10.0), "no stop while straight"
    assert len(lost) == 1
    lost_in_hold = lost[0] - start
    stopped = next(t for t, s in states if s is State.LOST)
    assert 10.0 <= lost_in_hold <= 11.0, lost_in_hold
    assert stopped == pytest.approx(lost_in_hold + 1.0, abs=0.11)
    assert camera.log.found == camera.log.seen == len(states)
    assert all(s is None for t, s in states if t > stopped), "judged no more once lost"


@pytest.mark.slow  # a few hundred frames through the real model
def test_a_real_run_the_camera_ends_the_left_hold_and_enter_ends_the_right(
    qtbot: QtBot, history: History
) -> None:
    sink = QVideoSink()
    window, clock = camera_window(qtbot, history, sink)
    view = start(window)
    controller = view.controller
    # The get-ready: the camera is on, the outline beside the countdown says the person is seen.
    assert controller.camera is not None and controller.camera.is_open
    camera = controller.camera
    for i in range(5):
        clock.tick(0.1)
        controller.tick()
        feed(qtbot, camera, sink, rpv.render_frame("straight", "left", i / FPS), i / FPS)
    assert view.camera_panel.isVisible()
    assert view.camera_panel.words == "You're in view"
    assert view.camera_panel.seen is not None and view.camera_panel.seen.points is not None
    assert view.big.width() > view.camera_panel.width() * 2, "the time stays the largest"

    hold = until(view, clock, at_work("Side plank", Side.LEFT))
    began = clock.now - hold.elapsed
    assert camera.watching
    held_to = None
    for t, image in hold_frames("sag", "left", 14.0):
        clock.now = began + t
        controller.tick()
        feed(qtbot, camera, sink, image, t)
        if controller.run.phase is not None and controller.run.phase.kind is PhaseKind.SWITCH:
            held_to = t
            break
    assert held_to is not None, "the camera ended the hold"
    assert 11.0 <= held_to <= 12.0
    left = controller.run.results[-1]
    assert left.reason == CAMERA and left.stopped_early
    assert 10.0 <= left.actual_seconds <= 11.0
    # Seen and heard: the words on screen, the recorded "form lost" cue.
    assert view.cue_text.isVisible() and view.cue_text.text().startswith("Form lost: 1")
    assert "form-lost" in window.player.asked  # type: ignore[attr-defined]
    # The switch is a lead-in to the right side's checked hold: the camera stays on, not judging.
    assert camera.is_open and not camera.watching
    snap = controller.run.snapshot()
    assert snap.remaining == pytest.approx(3.0, abs=0.15), "the switch countdown starts whole"

    right = until(view, clock, at_work("Side plank", Side.RIGHT))
    began = clock.now - right.elapsed
    for t, image in hold_frames("straight", "right", 4.0):
        clock.now = began + t
        controller.tick()
        feed(qtbot, camera, sink, image, t)
    QTest.keyClick(view, Qt.Key.Key_Return)  # Enter still works
    assert controller.run.finished
    assert not camera.is_open, "the camera goes off when the session ends"
    uuid = controller.recorder.uuid  # type: ignore[union-attr]
    steps = history.steps(uuid)
    assert [(s.side, s.reason) for s in steps] == [("left", CAMERA), ("right", None)]
    assert steps[0].actual_seconds == pytest.approx(left.actual_seconds)
    # The summary after the session says why the left hold ended; the camera's time is the
    # person's true limit, so it stands as a time held, like one ended with Enter.
    summary = window.summary
    assert summary is not None and window.stack.currentWidget() is summary
    rows = summary.rows_text()
    assert [r[1] for r in rows] == ["LEFT", "RIGHT"]
    assert "first record\nform lost: the camera ended it" in rows[0]


def test_v_turns_the_check_on_and_off_and_is_kept(qtbot: QtBot, history: History) -> None:
    sink = QVideoSink()
    window, clock = camera_window(qtbot, history, sink)
    window.settings.camera_check = False
    window.settings.camera_told = False
    view = start(window)
    controller = view.controller
    assert controller.camera is None, "off: no camera opened"
    QTest.keyClick(view, Qt.Key.Key_V)
    assert controller.camera_on and window.settings.camera_check
    assert window.camera_action.isChecked()
    assert controller.camera is not None and controller.camera.is_open  # in the get-ready
    assert view.cue_text.text() == "Camera check on"
    assert CAMERA_PRIVACY in view.notice.text(), "the first use says what happens to the picture"
    QTest.keyClick(view, Qt.Key.Key_V)
    assert not controller.camera_on and not window.settings.camera_check
    assert not controller.camera.is_open and not view.camera_panel.isVisible()
    until(view, clock, at_work("Side plank", Side.LEFT))
    assert not controller.camera.is_open, "off stays off in the hold"


def test_without_the_extra_a_notice_and_the_hold_runs_as_today(
    qtbot: QtBot, history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "qltimer.pose", None)  # as if the extra were not installed
    sink = QVideoSink()
    window, clock = camera_window(qtbot, history, sink)
    view = start(window)
    camera = view.controller.camera
    assert camera is not None
    qtbot.waitUntil(lambda: bool(camera.failed), timeout=5000)
    assert NO_EXTRA in view.notice.text() and view.notice.isVisible()
    hold = until(view, clock, at_work("Side plank", Side.LEFT))
    assert hold.remaining is not None
    snap = until(view, clock, lambda s: s.phase is not None and s.phase.kind is PhaseKind.SWITCH)
    assert snap.phase is not None
    assert view.controller.run.results[-1].reason is None  # the hold ran its time


def test_with_no_camera_a_notice_and_the_hold_runs_as_today(qtbot: QtBot, history: History) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    if not QMediaDevices.defaultVideoInput().isNull():
        pytest.skip("this machine has a camera")
    window, clock, _ = session_window(qtbot, history, PLANK, "plank")
    window.settings.camera_check = True
    window.settings.camera_told = True
    view: RunView = start(window)
    assert view.controller.camera is not None
    assert view.controller.camera.failed == NO_CAMERA
    assert NO_CAMERA in view.notice.text()
    until(view, clock, at_work("Side plank", Side.LEFT))
    until(view, clock, lambda s: s.phase is not None and s.phase.kind is PhaseKind.SWITCH)
    assert view.controller.run.results[-1].reason is None


def test_the_camera_menu_turns_it_on_and_first_says_what_happens_to_the_picture(
    qtbot: QtBot, history: History, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QApplication

    from qltimer.gui.coaching import CameraAboutDialog
    from qltimer.settings import Settings

    window, _clock, _ = session_window(qtbot, history, PLANK, "plank", size=(800, 480))
    saved = tmp_path / "settings.json"
    window.settings.save = lambda path=None: Settings.save(window.settings, saved)  # type: ignore[method-assign]
    assert not window.camera_action.isChecked()
    window.camera_action.trigger()

    def dialogs() -> list[CameraAboutDialog]:
        return [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, CameraAboutDialog) and w.isVisible()
        ]

    qtbot.waitUntil(lambda: bool(dialogs()))
    dialog = dialogs()[0]
    text = " ".join(dialog.text.widget().text().split())  # type: ignore[union-attr]
    assert "No picture is ever saved, and nothing is sent anywhere." in text
    # It fits a small screen: the words scroll, the button stays in sight.
    screen = window.screen().availableGeometry()
    assert dialog.frameGeometry().height() <= screen.height()
    assert dialog.ok.isVisible()
    QTest.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialogs())
    kept = Settings.load(saved)
    assert kept.camera_check and kept.camera_told, "remembered for next time"
    window.camera_action.trigger()  # off, then on again: told once only
    window.camera_action.trigger()
    assert not dialogs()
    assert Settings.load(saved).camera_check


def test_v_off_and_on_with_no_camera_still_says_so(qtbot: QtBot, history: History) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    if not QMediaDevices.defaultVideoInput().isNull():
        pytest.skip("this machine has a camera")
    window, _clock, _ = session_window(qtbot, history, PLANK, "plank")
    window.settings.camera_check = True
    view = start(window)
    assert NO_CAMERA in view.notice.text()
    assert CAMERA_PRIVACY not in view.notice.text(), "no word of pictures without a camera"
    QTest.keyClick(view, Qt.Key.Key_V)
    assert NO_CAMERA not in view.notice.text() and view.cue_text.text() == "Camera check off"
    QTest.keyClick(view, Qt.Key.Key_V)
    assert NO_CAMERA in view.notice.text()
    assert view.cue_text.text() == "Camera check: not running"
    assert CAMERA_PRIVACY not in view.notice.text()
