"""Coaching flows through the real window: safety, pain check, suggestions, sore days, tracks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from qltimer.audio import SilentPlayer
from qltimer.catalog import load_catalog
from qltimer.gui.app import MainWindow
from qltimer.gui.coaching import AboutQLDialog, ProgramView, SafetyDialog, SoreDayDialog
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
    # Then, on this first run only, the page about the QL (issue 13, item 4).
    (about,) = open_dialogs(AboutQLDialog)
    assert "About your QL" in " ".join(w.text() for w in about.findChildren(QLabel))  # type: ignore[attr-defined]
    with qtbot.waitSignal(about.finished):  # type: ignore[attr-defined]
        qtbot.keyClick(about, Qt.Key.Key_Return)  # type: ignore[arg-type]
    window.close()
    again = make_window(qtbot, history, settings=Settings.load())
    assert open_dialogs(SafetyDialog) == [], "never in the way after that"
    assert open_dialogs(AboutQLDialog) == []
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


def test_pain_before_by_keyboard_alone_and_a_sore_day_is_recorded_after_the_red_flags(
    qtbot: QtBot, history: History
) -> None:
    clock = FakeClock()
    window = make_window(qtbot, history, clock=clock)
    assert window.home.choose("ql-level-1")
    qtbot.keyClick(window.home, Qt.Key.Key_Return)
    before = window.before
    assert window.stack.currentWidget() is before
    qtbot.keyClick(before, Qt.Key.Key_1)
    qtbot.keyClick(before, Qt.Key.Key_0)  # "1 0" is ten
    assert before.pain.value() == 10
    qtbot.keyClick(before, Qt.Key.Key_4)
    # S shows the red flags first (issue 13, item 3); Esc there changes nothing.
    qtbot.keyClick(before, Qt.Key.Key_S)
    (flags,) = open_dialogs(SoreDayDialog)
    text = " ".join(" ".join(w.text() for w in flags.findChildren(QLabel)).split())  # type: ignore[attr-defined]
    for words in (
        "Don't exercise today, and see a health professional,",
        "new, sudden or severe pain",
        "pain going down a leg",
        "numbness or tingling",
        "weakness",
        "qltimer's suggestion",
    ):
        assert words in text, words
    with qtbot.waitSignal(flags.rejected):  # type: ignore[attr-defined]
        qtbot.keyClick(flags, Qt.Key.Key_Escape)  # type: ignore[arg-type]
    assert not before.sore_day and "S shows the warning signs first" in before.sore_note.text()
    qtbot.keyClick(before, Qt.Key.Key_S)
    (flags,) = open_dialogs(SoreDayDialog)
    with qtbot.waitSignal(flags.accepted):  # type: ignore[attr-defined]
        qtbot.keyClick(flags, Qt.Key.Key_Return)  # type: ignore[arg-type]
    assert before.sore_day and "about 70%" in before.sore_note.text()
    assert before.sore.text().startswith("✓ A sore day")
    qtbot.keyClick(before, Qt.Key.Key_Return)
    view = window.run_view
    assert view is not None and view.controller.session.title.endswith("(sore day)")
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
    assert (
        "2 points higher" in text and "something gentler" in text and "health professional" in text
    )
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
    assert window.home.choose("ql-level-1")
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


def test_after_a_pain_stop_home_offers_something_gentler_and_says_why(
    qtbot: QtBot, history: History
) -> None:
    """Issue 13, item 3: pain first. A real run stopped with P, in Phase Two."""
    from qltimer.engine import Side
    from tests.gui.test_run_view import at_work, until

    history.decide("level-1", True, datetime.now(UTC) - timedelta(days=1))
    clock = FakeClock()
    window = make_window(qtbot, history, clock=clock)
    assert window.home.current_session().id == "ql-level-1"  # type: ignore[union-attr]
    assert not window.home.gentle.isVisibleTo(window.home)
    view = window.start_session(window.catalog.sessions["ql-level-1"], pain_before=2)
    until(view, clock, at_work("Side plank", Side.LEFT))
    walk(view, clock, 20)
    qtbot.keyClick(view, Qt.Key.Key_P)
    with qtbot.waitSignal(view.controller.finished):
        qtbot.keyClick(view, Qt.Key.Key_E)
    window.on_summary_closed("")
    home = window.home
    assert home.current_session().id == "phase-one", "gentler: the foundation"  # type: ignore[union-attr]
    assert home.gentle.isVisibleTo(home)
    text = home.gentle.text()
    assert "you stopped Side plank with P" in text and "something gentler" in text
    assert "see a health professional" in text
    assert not home.suggestion.isVisibleTo(home), "no moving on right after pain"


def test_the_track_and_how_often_are_the_persons_choice_in_the_program_view(
    qtbot: QtBot, history: History
) -> None:
    """Issue 13, items 2 and 5: T moves to the no-floor track, where nothing on the floor is
    offered or due; 2 sets two strengthening sessions a week, and everything follows."""
    release = load_catalog().sessions["ball-release"]
    simulate_run(history, release, datetime.now(UTC) - timedelta(days=1))
    window = make_window(qtbot, history)
    home = window.home
    assert home.current_session().id == "phase-one"  # type: ignore[union-attr]
    assert "of 3 strengthening sessions" in home.plan.text()
    window.show_program()
    program = window.program
    assert program is not None and list(program.boxes) == ["phase-one", "level-1", "level-2"]
    qtbot.keyClick(program, Qt.Key.Key_T)
    program = window.program
    assert program is not None and program.track == "no-floor"
    assert list(program.boxes) == ["standing-one", "standing-two", "standing-three"]
    words = " ".join(w.text() for w in program.findChildren(QLabel))
    assert "nothing asks you to get down on the floor" in words
    assert Settings.load().track == "no-floor", "remembered"
    assert home.current_session().id == "standing-seated"  # type: ignore[union-attr]
    for sid, session in window.catalog.sessions.items():
        if session.floor:
            assert "due" not in home.status[sid] and (
                "needs the floor" in home.status[sid] or "on the floor track" in home.status[sid]
            ), sid
    assert "Ball release" not in home.plan.text()
    assert "You are at: No floor, Phase One" in home.plan.text()
    # Two a week: the plan line, the sessions' plan and the history's weekly chart follow.
    history_window = window.open_history()
    history_window.reload()
    qtbot.keyClick(program, Qt.Key.Key_2)
    assert Settings.load().strength_per_week == 2
    assert "of 2 strengthening sessions" in home.plan.text()
    assert window.catalog.sessions["standing-seated"].frequency.times == 2  # type: ignore[union-attr]
    plans = [history_window.plan.itemText(i) for i in range(history_window.plan.count())]
    assert "2 times a week" in plans
    words = " ".join(w.text() for w in program.findChildren(QPushButton))
    assert "✓ 2 a week" in words
    # Back to the floor: its path again, the release and its day count too.
    qtbot.keyClick(program, Qt.Key.Key_T)
    assert window.program is not None and window.program.track == "floor"
    assert "Ball release: day 2 of 14" in home.plan.text()
    history_window.close()


def test_a_long_page_scrolls_from_the_keyboard_on_a_short_screen(qtbot: QtBot) -> None:
    """Found in a tryout at 800x480: the end of the safety advice (where the no-floor track is
    named) could only be reached with a mouse wheel."""
    dialog = SafetyDialog(first_time=True)
    qtbot.addWidget(dialog)
    dialog.resize(700, 300)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # keys go to the active window
    assert dialog.ok.hasFocus()
    bar = dialog.text.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    assert bar.value() == 0
    qtbot.keyClick(dialog.ok, Qt.Key.Key_PageDown)  # the keyboard is on the button
    assert bar.value() == min(bar.pageStep(), bar.maximum())
    qtbot.keyClick(dialog.ok, Qt.Key.Key_End)
    assert bar.value() == bar.maximum()
    qtbot.keyClick(dialog.ok, Qt.Key.Key_Up)
    assert bar.value() < bar.maximum()
    qtbot.keyClick(dialog.ok, Qt.Key.Key_Home)
    assert bar.value() == 0
    assert dialog.isVisible(), "scrolling never answers the page"
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.ok, Qt.Key.Key_Return)
