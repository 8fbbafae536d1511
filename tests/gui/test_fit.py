"""Every page shows all of itself on small and large screens, through the real window.

A screen's size and Qt's scale factor are fixed before the QApplication exists, so the page
checks run in a child pytest process for each screen: offscreen with a configured screen
(800x480 and 1280x800, and at QT_SCALE_FACTOR=2 on 1600x960 and 2560x1600, which are 800x480
and 1280x800 to the app), and on a real X server (Xvfb) where a window manager (Openbox) draws a
title bar and a frame. In each child the app's own window opens as it would for a person, and on
every page: the window and its frame are on the screen, no visible widget is outside the window
or cut off by its panel, no text has less room than it needs, the main buttons are in sight and
not in a scrolling part, and the smallest the window can be still fits the screen.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from qltimer.audio import SilentPlayer
from qltimer.catalog import load_catalog
from qltimer.engine import PhaseKind
from qltimer.gui.app import MainWindow, make_app
from qltimer.gui.coaching import ProgramView
from qltimer.gui.fitting import FRAME_GUESS
from qltimer.gui.summary import SummaryView
from qltimer.history import History, open_history
from qltimer.settings import Settings
from tests.apprun import Xvfb, wait_for
from tests.conftest import REPO
from tests.gui.fit import in_scroll_area, outside, squeezed
from tests.gui.test_run_view import until
from tests.helpers import FakeClock, simulate_run

CHILD = os.environ.get("QLTIMER_FIT_SCREEN")  # in a child: "800x480" or "1600x960@2"
FRAMED = os.environ.get("QLTIMER_FIT_FRAMED") == "1"  # a window manager draws frames
PAGES = [
    "home",
    "before",
    "summary",
    "summary-endurance-test",
    "safety",
    "program",
    "history-sessions",
    "history-charts",
    "history-annotate",
    "run",
    "help",
]
child_only = pytest.mark.skipif(CHILD is None, reason="runs in a child process for one screen")
parent_only = pytest.mark.skipif(CHILD is not None, reason="the child checks one screen")


# -- in the child: one screen ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def qapp() -> QApplication:
    """The application as qltimer makes it, with its large type and style sheet."""
    return make_app()


@pytest.fixture
def history(tmp_path: Path) -> tuple[History, dict[str, str]]:
    """A history that fills every page: a suggestion on home, pain advice, published figures."""
    hist, _ = open_history(tmp_path / "history.sqlite3")
    catalog = load_catalog()
    start = datetime.now(UTC) - timedelta(days=6)
    for day in (0, 2, 4):
        simulate_run(hist, catalog.sessions["ql-level-1"], start + timedelta(days=day))
    for day in (1, 3):
        simulate_run(hist, catalog.sessions["ball-release"], start + timedelta(days=day))
    test = simulate_run(
        hist,
        catalog.sessions["side-plank-test"],
        start + timedelta(days=5),
        holds={"left": 74, "right": 61},
    )
    sore = simulate_run(  # before the three that bring up the suggestion to move on
        hist,
        catalog.sessions["ql-level-1"],
        start - timedelta(days=1),
        holds={"left": 50, "right": 38},
        reason="pain",
    )
    hist.conn.execute("UPDATE sessions SET pain_before = 2, pain_after = 6 WHERE uuid = ?", (sore,))
    return hist, {"summary": sore, "summary-endurance-test": test}


def show(qtbot: QtBot, top: QWidget) -> None:
    top.show()
    qtbot.waitExposed(top)
    if FRAMED:  # the window manager frames the window a moment after it is shown
        qtbot.waitUntil(lambda: top.frameGeometry() != top.geometry())
    qtbot.wait(0)  # let queued layout and the frame check run


def open_page(
    qtbot: QtBot, page: str, hist: History, uuids: dict[str, str]
) -> tuple[QWidget, list[QWidget]]:
    """Show *page* the way a person gets to it; the top-level to check and its main buttons."""
    clock = FakeClock()
    settings = Settings(safety_acknowledged=page != "safety")
    window = MainWindow(load_catalog(), hist, player=SilentPlayer(), settings=settings, clock=clock)
    window.home.add_notices(["Your history was updated to this version of qltimer; a copy of it"])
    qtbot.addWidget(window)
    show(qtbot, window)
    if page == "home":
        assert not window.home.suggestion.isHidden(), "the suggestion is part of the page"
        return window, [window.home.start]
    if page == "safety":
        dialog = window.safety
        assert dialog is not None
        show(qtbot, dialog)
        return dialog, [dialog.ok]
    if page == "program":
        window.show_program()
        assert window.program is not None
        show(qtbot, window.program)
        return window.program, [window.program.close_button]
    if page.startswith("summary"):
        assert window.summary is not None
        window.summary.show_session(uuids[page])
        window.stack.setCurrentWidget(window.summary)
        return window, [window.summary.save]
    if page.startswith("history"):
        window.on_show_history()
        hw = window.history_window
        assert hw is not None
        qtbot.addWidget(hw)
        show(qtbot, hw)
        hw.tabs.setCurrentIndex(1 if page == "history-charts" else 0)
        if page != "history-annotate":
            return hw, []
        dialog = hw.annotate_dialog(0)
        assert isinstance(dialog, QDialog)
        show(qtbot, dialog)
        view = dialog.findChild(SummaryView)
        assert view is not None
        return dialog, [view.save]
    assert window.home.choose("ql-level-1")
    qtbot.keyClick(window.home, Qt.Key.Key_Return)
    before = window.before
    if page == "before":
        before._set_sore(True)  # the longer note
        return window, [before.start, before.back]
    qtbot.keyClick(before, Qt.Key.Key_Return)
    view = window.run_view
    assert view is not None
    until(view, clock, lambda s: bool(s.phase and s.phase.is_work))
    view.on_flash_over()
    view.on_words_over()
    if page == "help":
        view.toggle_help()
    return window, []


def settle() -> None:
    """Let Qt lay out what changed (layouts update on posted events, not at once)."""
    for _ in range(3):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def problems(top: QWidget, main: list[QWidget]) -> list[str]:
    settle()
    found = outside(top) + squeezed(top)
    screen = top.screen()
    area = screen.availableGeometry()
    if not area.contains(top.frameGeometry()):
        found.append(f"the window {_rect(top.frameGeometry())} is not on the screen {_rect(area)}")
    left, top_, right, bottom = FRAME_GUESS
    room = QSize(area.width() - left - right, area.height() - top_ - bottom)
    least = top.minimumSizeHint().expandedTo(top.minimumSize())
    if least.width() > room.width() or least.height() > room.height():
        found.append(f"the window can't be smaller than {least.toTuple()}: room {room.toTuple()}")
    for button in main:
        if not button.isVisibleTo(top) or in_scroll_area(button):
            found.append(f"{button.text()!r} is not always in sight")
    return found


def _rect(rect: QRect) -> str:
    return f"({rect.x()},{rect.y()} {rect.width()}x{rect.height()})"


@child_only
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen, the history window
def test_child_page_fits_the_screen(
    qtbot: QtBot, history: tuple[History, dict[str, str]], page: str
) -> None:
    top, main = open_page(qtbot, page, *history)
    assert problems(top, main) == []
    if page == "program":  # where the person is shows first, even when the path scrolls
        program = top
        assert isinstance(program, ProgramView) and program.here is not None
        here = program.here
        where = QRect(here.mapTo(program.page.viewport(), QPoint(0, 0)), here.size())
        assert program.page.viewport().rect().contains(where)
    if page in ("run", "help"):
        view, clock = top.run_view, top.clock  # type: ignore[attr-defined]
        for kind in (PhaseKind.SWITCH, PhaseKind.REST, PhaseKind.GET_READY):
            until(view, clock, lambda s, k=kind: bool(s.phase and s.phase.kind is k))
            assert problems(top, main) == [], kind


@child_only
def test_child_a_new_window_opens_within_the_screen(qtbot: QtBot) -> None:
    window = MainWindow(load_catalog(), settings=Settings(safety_acknowledged=True))
    qtbot.addWidget(window)
    show(qtbot, window)
    area = window.screen().availableGeometry()
    assert area.contains(window.frameGeometry()), (window.frameGeometry(), area)
    left, top, right, bottom = FRAME_GUESS
    want = (min(1280, area.width() - left - right), min(800, area.height() - top - bottom))
    assert window.size().toTuple() == want


# -- in the parent: one child per screen ----------------------------------------------------------


def start_child(env: dict[str, str], screen: str) -> subprocess.Popen[str]:
    """This file's child tests in a new process with *env* (a screen, a platform, a scale)."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("QT_", "DISPLAY", "WAYLAND", "QLTIMER_FIT", "PYTEST_"))
    }
    args = ["-q", "-rxX", "-p", "no:cacheprovider", "-k", "child"]
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", __file__, *args],
        env={**base, "PYTHONPATH": str(REPO), "QLTIMER_FIT_SCREEN": screen, **env},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish_child(proc: subprocess.Popen[str], screen: str) -> None:
    """Wait for a child; its failures become this test's, with what it printed."""
    try:
        out, _ = proc.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    lines = out.strip().splitlines()
    print(f"{screen}: {lines[-1] if lines else ''}")
    assert proc.returncode == 0, f"{screen}:\n{out[-8000:]}"
    assert " passed" in out and "skipped" not in out and "xfail" not in out, out[-2000:]


OFFSCREEN = [(800, 480, 1), (1280, 800, 1), (1600, 960, 2), (2560, 1600, 2)]
Children = dict[tuple[int, int, int], subprocess.Popen[str]]


@pytest.fixture(scope="module")
def offscreen_children(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Children]:
    """One child per offscreen screen, all started at once (each takes a few seconds)."""
    children: Children = {}
    for width, height, scale in OFFSCREEN:
        config = tmp_path_factory.mktemp("screen") / "screen.json"
        screen = {"name": "test", "x": 0, "y": 0, "width": width, "height": height}
        config.write_text(json.dumps({"screens": [screen]}))
        env = {"QT_QPA_PLATFORM": f"offscreen:configfile={config}", "QT_SCALE_FACTOR": str(scale)}
        children[(width, height, scale)] = start_child(env, f"{width}x{height}@{scale}")
    yield children
    for proc in children.values():
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.slow
@parent_only
@pytest.mark.parametrize(("width", "height", "scale"), OFFSCREEN)
def test_every_page_fits_offscreen(
    offscreen_children: Children, width: int, height: int, scale: int
) -> None:
    finish_child(offscreen_children[(width, height, scale)], f"{width}x{height}@{scale}")


@contextmanager
def framed_display(tmp_path: Path, width: int, height: int) -> Iterator[str]:
    """A virtual X screen with Openbox drawing window frames; yields its DISPLAY.

    QLTIMER_TEST_DISPLAY=91 uses :91 (where several people share a machine); else a free one.
    """
    missing = [tool for tool in ("Xvfb", "openbox") if shutil.which(tool) is None]
    assert not missing, f"missing {missing}: run scripts/system-deps.sh --test"
    number = os.environ.get("QLTIMER_TEST_DISPLAY")
    if number:
        proc = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        display, stop, xvfb = f":{number}", proc, None
        wait_for(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), 30, "Xvfb to start")
    else:
        xvfb = Xvfb(width, height)
        display, stop = xvfb.display, xvfb.proc
    ready = tmp_path / "openbox-ready"
    home = tmp_path / "home"
    home.mkdir()
    wm = subprocess.Popen(
        ["openbox", "--startup", f"touch {ready}"],
        env={**os.environ, "DISPLAY": display, "HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(ready.exists, 30, "Openbox to start")
        yield display
    finally:
        wm.terminate()
        wm.wait(timeout=30)
        if xvfb is not None:
            xvfb.close()  # also closes the pipe Xvfb told its display number on
        else:
            stop.terminate()
            stop.wait(timeout=30)


@pytest.mark.slow
@parent_only
@pytest.mark.parametrize(("width", "height"), [(800, 480), (1280, 800)])
def test_every_page_fits_on_x11_with_a_window_frame(
    tmp_path: Path, width: int, height: int
) -> None:
    with framed_display(tmp_path, width, height) as display:
        env = {"QT_QPA_PLATFORM": "xcb", "DISPLAY": display, "QLTIMER_FIT_FRAMED": "1"}
        finish_child(start_child(env, f"{width}x{height}"), f"{width}x{height} on X11")
