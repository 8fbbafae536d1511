"""The summary after a session, filled and saved with the keyboard alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from qltimer.gui.summary import SummaryView
from qltimer.history import History, StepRecord, open_history
from tests.helpers import step_record

T0 = datetime(2026, 6, 1, 7, tzinfo=UTC)


def hold(
    i: int, side: str, seconds: float, start: datetime, reason: str | None = None
) -> StepRecord:
    return step_record(
        i,
        "Side plank",
        "hold",
        side,
        start,
        seconds,
        target_seconds=60.0,
        stopped_early=seconds < 60,
        reason=reason,
    )


def carry(i: int, side: str, laps: int, start: datetime) -> StepRecord:
    return step_record(
        i,
        "Suitcase carry",
        "laps",
        side,
        start,
        120,
        step_index=3,
        target_count=10,
        actual_count=laps,
        load_kg=12,
        stopped_early=laps < 10,
    )


@pytest.fixture
def two_sessions(tmp_path: Path) -> tuple[History, str]:
    hist, _ = open_history(tmp_path / "h.sqlite3")
    first = hist.start_session("ql-level-1", "QL level 1", "", T0)
    hist.record_step(first, hold(1, "left", 50, T0))
    hist.record_step(first, hold(3, "right", 40, T0))
    hist.record_step(first, carry(5, "left", 10, T0))
    hist.finish_session(first, "completed", T0 + timedelta(minutes=9))
    t1 = T0 + timedelta(days=2)
    second = hist.start_session("ql-level-1", "QL level 1", "", t1, pain_before=4)
    hist.record_step(second, hold(1, "left", 55.5, t1))
    hist.record_step(second, hold(3, "right", 44, t1, reason="form"))
    hist.record_step(second, carry(5, "left", 8, t1))
    hist.finish_session(second, "ended early", t1 + timedelta(minutes=8))
    return hist, second


def test_summary_shows_aim_done_best_and_change(qtbot: QtBot, two_sessions) -> None:
    hist, key = two_sessions
    view = SummaryView(hist)
    qtbot.addWidget(view)
    view.show_session(key)
    assert view.heading.text() == "Session ended early: QL level 1"
    assert view.rows_text() == [
        ["Side plank", "LEFT", "60 s", "55.5 s", "★ NEW BEST", "+5.5 s on last time"],
        ["Side plank", "RIGHT", "60 s", "44 s", "★ NEW BEST", "+4.0 s on last time"],
        ["Suitcase carry", "LEFT\nHAND", "10 laps", "8 laps", "", "−2 laps on last time"],
    ]
    assert view.balance.text().splitlines()[0] == (
        "Side plank: your right side held 11.5 s less than your left (79% of it; sides within "
        "5% of each other are usually taken as even)."
    )


def test_pain_effort_and_note_by_keyboard_alone(qtbot: QtBot, two_sessions) -> None:
    hist, key = two_sessions
    view = SummaryView(hist)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.show_session(key)
    assert view.focusWidget() is view.pain
    qtbot.keyClick(view.pain, Qt.Key.Key_3)
    assert view.focusWidget() is view.effort, "a digit picks and moves on"
    qtbot.keyClick(view.effort, Qt.Key.Key_0)  # 0 means 10 on a 1-10 scale
    assert view.focusWidget() is view.note
    qtbot.keyClicks(view.note, "Right side tired")
    with qtbot.waitSignal(view.closed) as closed:
        qtbot.keyClick(view.note, Qt.Key.Key_Return)
    assert closed.args == [key]
    record = hist.session(key)
    assert record is not None
    assert (record.pain_before, record.pain_after, record.effort, record.note) == (
        4,
        3,
        10,
        "Right side tired",
    )


def test_backspace_clears_a_score(qtbot: QtBot, two_sessions) -> None:
    hist, key = two_sessions
    view = SummaryView(hist)
    qtbot.addWidget(view)
    view.show_session(key)
    qtbot.keyClick(view.pain, Qt.Key.Key_7)
    assert view.pain.value() == 7
    qtbot.keyClick(view.pain, Qt.Key.Key_Backspace)
    assert view.pain.value() is None


def test_a_hold_stopped_because_it_hurt_is_no_record_and_no_measure_of_balance(
    qtbot: QtBot, tmp_path: Path
) -> None:
    hist, _ = open_history(tmp_path / "h.sqlite3")
    first = hist.start_session("ql-level-1", "QL level 1", "", T0)
    hist.record_step(first, hold(1, "left", 50, T0))
    hist.record_step(first, hold(3, "right", 20, T0, reason="pain"))
    hist.finish_session(first, "completed", T0 + timedelta(minutes=9))
    view = SummaryView(hist)
    qtbot.addWidget(view)
    view.show_session(first)
    assert view.subheading.text().startswith("You stopped because something hurt")
    assert [r[1:] for r in view.rows_text()] == [
        ["LEFT", "60 s", "50 s", "first record", "first time"],
        ["RIGHT", "60 s", "20 s", "stopped: it hurt", ""],
    ]
    assert view.balance.isHidden(), "a side stopped by pain says nothing about balance"
    assert hist.best_hold("Side plank", "right") is None
    assert [side for _, _, side, _ in hist.holds("Side plank")] == ["left"]

    t1 = T0 + timedelta(days=2)
    second = hist.start_session("ql-level-1", "QL level 1", "", t1)
    hist.record_step(second, hold(1, "left", 52, t1))
    hist.record_step(second, hold(3, "right", 40, t1))
    hist.finish_session(second, "completed", t1 + timedelta(minutes=9))
    view.show_session(second)
    assert view.subheading.text().startswith("Well done")
    assert view.rows_text()[1][1:] == [
        "RIGHT",
        "60 s",
        "40 s",
        "first record",
        "not measured last time",
    ], "measured against nothing, not against the hold that hurt"


def test_on_a_short_screen_the_question_being_answered_scrolls_into_sight(
    qtbot: QtBot, two_sessions
) -> None:
    hist, key = two_sessions
    view = SummaryView(hist)
    qtbot.addWidget(view)
    view.resize(800, 360)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)  # focus moves (and is followed) in the active window
    view.show_session(key)
    viewport = view.page.viewport()

    def in_sight(widget: QWidget) -> bool:
        top_left = widget.mapTo(viewport, QPoint(0, 0))
        return viewport.rect().contains(QRect(top_left, widget.size()))

    assert in_sight(view.heading), "the page opens at the top: what you did"
    qtbot.keyClick(view.pain, Qt.Key.Key_3)
    assert view.focusWidget() is view.effort and in_sight(view.effort)
    qtbot.keyClick(view.effort, Qt.Key.Key_5)
    assert view.focusWidget() is view.note and in_sight(view.note)


def test_answers_that_cant_be_saved_are_said_plainly_and_kept_on_screen(
    qtbot: QtBot, two_sessions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program holds the history: a plain message, never the crash dialog."""
    import sqlite3

    from qltimer.gui.dialogs import Ask

    hist, key = two_sessions
    hist.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(tmp_path / "h.sqlite3", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    said: list[str] = []
    monkeypatch.setattr(Ask, "error", classmethod(lambda cls, p, title, text: said.append(text)))
    view = SummaryView(hist)
    qtbot.addWidget(view)
    view.show_session(key)
    view.note.setText("tired today")
    with qtbot.assertNotEmitted(view.closed):
        view.on_save()
    assert said and said[0].startswith(
        "Your answers could not be saved to your history: another program is using your "
        "history file."
    )
    assert view.note.text() == "tired today"
    other.execute("ROLLBACK")
    with qtbot.waitSignal(view.closed):
        view.on_save()
    record = hist.session(key)
    assert record is not None and record.note == "tired today"
