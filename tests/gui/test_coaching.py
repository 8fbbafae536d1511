"""Coaching flows through the real window: safety, pain check, suggestions, flare days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from qltimer.audio import SilentPlayer
from qltimer.catalog import load_catalog
from qltimer.gui.app import MainWindow
from qltimer.gui.coaching import AboutQLDialog, ProgramView, SafetyDialog
from qltimer.history import History, open_history
from qltimer.settings import Settings
from tests.gui.test_run_view import ACKNOWLEDGED, walk
from tests.helpers import FakeClock, simulate_run


@pytest.fixture
def history(tmp_path: Path) -> History:
    hist, _ = open_history(tmp_path / "history.sqlite3")
    return hist


def make_window(
    qtbot: QtBot, history: History, settings: Settings | None = None, clock: FakeClock | None = None
) -> MainWindow:
    window = MainWindow(
        load_catalog(),
        history,
        player=SilentPlayer(),
        settings=settings or ACKNOWLEDGED,
        clock=clock or FakeClock(),
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def open_dialogs(kind: type) -> list[object]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def test_safety_is_shown_once_then_stays_one_key_away(qtbot: QtBot, history: History) -> None:
    window = make_window(qtbot, history, settings=Settings())
    dialogs = open_dialogs(SafetyDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    text = " ".join(w.text() for w in dialog.findChildren(QLabel))
    for words in (
        "See a health professional first",
        "numbness, tingling or weakness",
        "Stop if an exercise hurts",
        "can't answer questions about conditions",
    ):
        assert words in text
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert Settings.load().safety_acknowledged
    window.close()
    again = make_window(qtbot, history, settings=Settings.load())
    assert open_dialogs(SafetyDialog) == [], "never in the way after that"
    again.activateWindow()
    qtbot.waitUntil(again.isActiveWindow)  # shortcuts go to the active window
    qtbot.keyClick(again.home, Qt.Key.Key_F1)
    assert len(open_dialogs(SafetyDialog)) == 1, "and never gone: F1"


def test_the_help_menu_has_a_page_about_the_ql_in_plain_words(
    qtbot: QtBot, history: History
) -> None:
    """Issue 13, item 4: where the QL is, what it does, where it refers pain, why one side is
    often worse; opened from the Help menu, it pauses a session like the other pages."""
    window = make_window(qtbot, history)
    action = next(a for a in window.menuBar().actions() if a.text() == "H&elp")
    about = next(a for a in action.menu().actions() if "About your QL" in a.text())
    about.trigger()
    (dialog,) = open_dialogs(AboutQLDialog)
    text = " ".join(" ".join(w.text() for w in dialog.findChildren(QLabel)).split())
    for words in (
        "deep in your low back, one on each side of your spine",
        "top of your pelvis",
        "lowest rib",
        "bends your trunk to that side",
        "steady your low back",
        "mistaken for sciatica",
        "one leg is shorter",
        "One side is often worse than the other",
        "safety advice (F1)",
    ):
        assert words in text, words
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)


def test_pain_before_by_keyboard_alone_and_a_flare_day_is_recorded(
    qtbot: QtBot, history: History
) -> None:
    clock = FakeClock()
    window = make_window(qtbot, history, clock=clock)
    window.home.list.setCurrentRow(list(window.catalog.sessions).index("ql-level-1"))
    qtbot.keyClick(window.home, Qt.Key.Key_Return)
    before = window.before
    assert window.stack.currentWidget() is before
    qtbot.keyClick(before, Qt.Key.Key_1)
    qtbot.keyClick(before, Qt.Key.Key_0)  # "1 0" is ten
    assert before.pain.value() == 10
    qtbot.keyClick(before, Qt.Key.Key_4)
    qtbot.keyClick(before, Qt.Key.Key_F)
    assert before.flare.isChecked() and "about 70%" in before.flare_note.text()
    qtbot.keyClick(before, Qt.Key.Key_Return)
    view = window.run_view
    assert view is not None and view.controller.session.title.endswith("(flare day)")
    with qtbot.waitSignal(view.controller.finished, timeout=10_000) as done:
        for _ in range(4000):
            if view.controller.run.finished:
                break
            phase = view.controller.run.phase
            if phase is not None and phase.is_work and phase.duration is None:
                walk(view, clock, 12)
                view.controller.add_count()
            else:
                walk(view, clock, 0.5)
    uuid, _ = done.args
    record = history.session(uuid)
    assert record is not None
    assert (record.variant, record.pain_before) == ("flare", 4)
    holds = [s for s in history.steps(uuid) if s.exercise == "Side plank"]
    assert [s.target_seconds for s in holds] == [42.0, 42.0]
    carries = [s for s in history.steps(uuid) if s.kind == "laps"]
    assert [s.target_count for s in carries] == [5, 5]
    assert history.best_hold("Side plank", "left") is None, "kept out of best times"


def test_the_summary_speaks_up_when_pain_rises(qtbot: QtBot, history: History) -> None:
    session = load_catalog().sessions["ql-level-1"]
    key = simulate_run(history, session, datetime(2026, 11, 2, 8, tzinfo=UTC))
    history.conn.execute("UPDATE sessions SET pain_before = 3 WHERE uuid = ?", (key,))
    window = make_window(qtbot, history)
    summary = window.summary
    assert summary is not None
    summary.show_session(key)
    assert summary.pain_note.isHidden()
    qtbot.keyClick(summary.pain, Qt.Key.Key_5)
    assert not summary.pain_note.isHidden()
    text = summary.pain_note.text()
    assert "2 points higher" in text and "Phase One" in text and "health professional" in text
    qtbot.keyClick(summary.pain, Qt.Key.Key_Backspace)
    assert summary.pain_note.isHidden()


def test_the_endurance_test_sits_beside_published_figures(qtbot: QtBot, history: History) -> None:
    session = load_catalog().sessions["side-plank-test"]
    key = simulate_run(
        history, session, datetime(2026, 11, 2, 8, tzinfo=UTC), holds={"left": 72, "right": 61}
    )
    window = make_window(qtbot, history)
    summary = window.summary
    assert summary is not None
    summary.show_session(key)
    text = summary.reference.text()
    assert not summary.reference.isHidden()
    assert "right 61 s, left 72 s" in text and "right/left 0.85" in text
    assert "worth training" in text
    assert "J Sport Rehabil 2003;12(3):199" in text and "other groups of people" in text


def test_a_suggestion_can_be_declined_then_accepted(qtbot: QtBot, history: History) -> None:
    level1 = load_catalog().sessions["ql-level-1"]
    start = datetime.now(UTC) - timedelta(days=6)
    for day in (0, 2, 4):
        simulate_run(history, level1, start + timedelta(days=day))  # 60 s each side
    window = make_window(qtbot, history)
    banner = window.home.suggestion
    assert not banner.isHidden() and banner.title.text() == "Ready for level 2?"
    assert "60 s on both sides in 3 of your last 3" in banner.reason.text()
    banner.decline.click()
    assert banner.isHidden()
    assert [(k, ok) for k, _, ok in history.decisions()] == [("level-2", False)]
    second = make_window(qtbot, history)
    assert second.home.suggestion.isHidden(), "declining is remembered for a while"
    history.conn.execute("DELETE FROM decisions")
    third = make_window(qtbot, history)
    assert third.home.stage().key == "level-1"
    third.home.suggestion.accept.click()
    assert third.home.stage().key == "level-2"
    third.show_program()
    program = next(w for w in open_dialogs(ProgramView))
    assert program.boxes["level-2"].objectName() == "stageHere"  # type: ignore[attr-defined]
    assert "you chose to move on" in program.why.text()  # type: ignore[attr-defined]
    assert "You are at: Phase Two, level 2" in third.home.plan.text()


def test_the_home_plan_line_counts_the_week_and_the_release(qtbot: QtBot, history: History) -> None:
    release = load_catalog().sessions["ball-release"]
    now = datetime.now(UTC)
    for day in (2, 1):
        simulate_run(history, release, now - timedelta(days=day))
    window = make_window(qtbot, history)
    assert "Ball release: day 3 of 14, due today" in window.home.plan.text()
    assert "This week:" in window.home.plan.text()


def test_before_a_session_esc_goes_back_and_enter_starts_without_a_score(
    qtbot: QtBot, history: History
) -> None:
    window = make_window(qtbot, history)
    window.home.list.setCurrentRow(list(window.catalog.sessions).index("ql-level-1"))
    qtbot.keyClick(window.home, Qt.Key.Key_Return)
    before = window.before
    assert "Enter to start without a score. Esc goes back." in before.hint.text()
    qtbot.keyClick(before, Qt.Key.Key_3)
    with qtbot.waitSignal(before.cancelled):
        qtbot.keyClick(before, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.home and window.run_view is None
    assert window.home.start.hasFocus() or window.home.focusWidget() is window.home.start
    qtbot.keyClick(window.home, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is before and before.pain.value() is None, "asked afresh"
    with qtbot.waitSignal(before.go) as go:
        qtbot.keyClick(before, Qt.Key.Key_Return)
    assert go.args == [-1, False]
    view = window.run_view
    assert view is not None and view.controller.session.id == "ql-level-1"
    view.controller.end_early()
