"""The main window remembers where it was, and F11 makes it full screen from every page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from qltimer.audio import SilentPlayer
from qltimer.catalog import load_catalog
from qltimer.gui.app import MainWindow
from qltimer.history import History, open_history
from qltimer.settings import Settings
from tests.helpers import FakeClock, simulate_run


@pytest.fixture
def history(tmp_path: Path) -> History:
    hist, _ = open_history(tmp_path / "history.sqlite3")
    return hist


def shown(qtbot: QtBot, settings: Settings, history: History | None = None) -> MainWindow:
    window = MainWindow(
        load_catalog(), history, player=SilentPlayer(), settings=settings, clock=FakeClock()
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def active(qtbot: QtBot, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts go to the active window


def test_the_window_comes_back_where_it_was_and_as_it_was(qtbot: QtBot) -> None:
    window = shown(qtbot, Settings(safety_acknowledged=True))
    window.setGeometry(30, 40, 600, 500)
    qtbot.waitUntil(lambda: window.geometry().getRect() == (30, 40, 600, 500))
    window.close()
    saved = Settings.load()
    assert (saved.window_x, saved.window_y, saved.window_width, saved.window_height) == (
        30,
        40,
        600,
        500,
    )
    assert not saved.window_full_screen and not saved.window_maximized
    again = shown(qtbot, saved)
    assert again.geometry().getRect() == (30, 40, 600, 500)
    active(qtbot, again)
    qtbot.keyClick(again.home.start, Qt.Key.Key_F11)
    qtbot.waitUntil(again.isFullScreen)
    assert Settings.load().window_full_screen, "kept at once, not only at closing"
    again.close()
    saved = Settings.load()
    assert saved.window_full_screen and saved.window_width == 600, "the size to go back to"
    third = shown(qtbot, saved)
    qtbot.waitUntil(third.isFullScreen)
    assert third.full_screen_action.isChecked()
    active(qtbot, third)
    qtbot.keyClick(third.home.start, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not third.isFullScreen())
    assert not Settings.load().window_full_screen


def test_a_maximised_window_opens_maximised(qtbot: QtBot) -> None:
    window = shown(qtbot, Settings(safety_acknowledged=True))
    window.showMaximized()
    qtbot.waitUntil(window.isMaximized)
    window.close()
    assert Settings.load().window_maximized
    again = shown(qtbot, Settings.load())
    qtbot.waitUntil(again.isMaximized)


@pytest.mark.parametrize(
    ("saved", "why"),
    [
        (dict(window_x=5000, window_y=40, window_width=600, window_height=500), "off the screen"),
        (dict(window_x=-700, window_y=40, window_width=600, window_height=500), "off the screen"),
        (dict(window_x=30, window_y=40, window_width=3000, window_height=500), "too wide"),
    ],
)
def test_a_place_off_the_screen_or_a_size_too_big_is_not_used(
    qtbot: QtBot, saved: dict[str, int], why: str
) -> None:
    window = shown(qtbot, Settings(safety_acknowledged=True, **saved))  # type: ignore[arg-type]
    area = window.screen().availableGeometry()
    assert area.contains(window.frameGeometry()), why
    if why == "off the screen":
        assert window.size().toTuple() == (600, 500), "the size still fits: kept"


def test_a_new_window_fits_the_screen_it_opens_on(qtbot: QtBot) -> None:
    window = shown(qtbot, Settings(safety_acknowledged=True))
    area = window.screen().availableGeometry()  # 800x800 offscreen
    assert area.contains(window.frameGeometry())
    assert window.width() < 800 and window.height() < 800


def pages(window: MainWindow, history: History) -> dict[str, Callable[[], QWidget]]:
    """Each page opened as a person would; returns the widget that has the keyboard there."""

    def before() -> QWidget:
        window.home.on_start()
        return window.before

    def run() -> QWidget:
        window.home.on_start()
        window.before.on_go()
        assert window.run_view is not None
        return window.run_view

    def summary() -> QWidget:
        key = simulate_run(history, load_catalog().sessions["ball-release"], datetime.now(UTC))
        assert window.summary is not None
        window.summary.show_session(key)
        window.stack.setCurrentWidget(window.summary)
        return window.summary.pain

    def safety() -> QWidget:
        window.show_safety()
        assert window.safety is not None
        return window.safety.ok

    def program() -> QWidget:
        window.show_program()
        assert window.program is not None
        return window.program

    def history_window() -> QWidget:
        hw = window.open_history()
        hw.show()
        return hw.table

    return {
        "home": lambda: window.home.start,
        "before": before,
        "run": run,
        "summary": summary,
        "safety": safety,
        "program": program,
        "history": history_window,
    }


@pytest.mark.parametrize(
    "page", ["home", "before", "run", "summary", "safety", "program", "history"]
)
def test_f11_switches_full_screen_on_every_page(qtbot: QtBot, history: History, page: str) -> None:
    window = shown(qtbot, Settings(safety_acknowledged=True), history)
    target = pages(window, history)[page]()
    top = target.window()
    if top is not window:
        qtbot.addWidget(top)
        top.show()
        qtbot.waitExposed(top)
    active(qtbot, top)
    target.setFocus()
    # A dialog's F11 works on the window behind it; the history window is a window of its own.
    goes_full = top if page == "history" else window
    qtbot.keyClick(target, Qt.Key.Key_F11)
    qtbot.waitUntil(goes_full.isFullScreen)
    if top.isVisible():
        active(qtbot, top)
        qtbot.keyClick(target, Qt.Key.Key_F11)
        qtbot.waitUntil(lambda: not goes_full.isFullScreen())
    if window.run_view is not None:
        window.run_view.controller.end_early()
    for widget in QApplication.topLevelWidgets():
        if widget is not window and widget.isVisible():
            widget.close()


def test_home_and_the_history_window_show_an_import_and_saved_answers_at_once(
    qtbot: QtBot, history: History, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11, item 4: no waiting for the next start to see what was added."""
    from datetime import timedelta

    from qltimer.gui.dialogs import Ask
    from qltimer.history import export_json

    source, _ = open_history(tmp_path / "other.sqlite3")
    # Done earlier today, even just after midnight (20 minutes back would be yesterday then).
    now = datetime.now().astimezone()
    back = min(timedelta(minutes=20), (now - now.replace(hour=0, minute=0, second=0)) / 2)
    started = (now - back).astimezone(UTC)
    key = source.start_session("phase-one", "Phase one", "", started)
    source.finish_session(key, "completed", started + back / 2)
    export = tmp_path / "export.json"
    export.write_text(export_json(source), encoding="utf-8")
    window = shown(qtbot, Settings(safety_acknowledged=True), history)
    assert window.home.status["phase-one"].startswith("not done yet")
    told: list[str] = []
    monkeypatch.setattr(Ask, "open_path", classmethod(lambda cls, *a: export))
    monkeypatch.setattr(Ask, "info", classmethod(lambda cls, p, t, text: told.append(text)))
    hw = window.open_history()
    hw.show()
    qtbot.waitExposed(hw)
    hw.on_import()
    assert told == ["Added 1 session and 0 steps that were not here yet."]
    assert window.home.status["phase-one"].startswith("last done today")
    assert hw.model.rowCount() == 1
    # Answers saved on the main window's summary show in the open History window at once.
    assert window.summary is not None
    window.summary.show_session(key)
    window.summary.note.setText("felt strong")
    window.summary.on_save()
    assert hw.model.records[0].note == "felt strong"
