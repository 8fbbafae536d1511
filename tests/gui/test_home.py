"""The home screen in a real (offscreen) Qt window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from qltimer.catalog import load_catalog
from qltimer.gui.app import MainWindow
from qltimer.history import open_history
from qltimer.settings import Settings
from tests.helpers import simulate_run


def by_name(root: QWidget, name: str) -> QWidget:
    found = [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def test_home_lists_every_session_and_previews_the_chosen_one(qtbot: QtBot) -> None:
    window = MainWindow(load_catalog(), settings=Settings(safety_acknowledged=True))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    home = window.home
    assert home.list.count() == 10
    assert home.list.item(0).text().startswith("Phase One")
    ids = [home.list.item(row).data(Qt.ItemDataRole.UserRole) for row in range(10)]
    assert ids[:2] == ["phase-one", "ball-release"], "what is for the person now comes first"
    assert ids[2:6] == ["ql-level-1", "ql-knees", "ql-more", "ql-level-2"], "then the path on"
    assert set(ids[6:]) == {
        "side-plank-test",
        "standing-seated",
        "standing-strength",
        "standing-strength-2",
    }
    steps = by_name(window, "session steps")
    assert "Slow belly breathing" in steps.text()  # type: ignore[attr-defined]
    # Arrow keys alone choose another session.
    with qtbot.waitSignal(home.session_chosen) as chosen:
        qtbot.keyClick(home.list, Qt.Key.Key_Down)
    assert chosen.args == ["ball-release"]
    assert "90 s each side" in steps.text()  # type: ignore[attr-defined]
    home.list.setCurrentRow(2)
    assert "60 s each side" in steps.text()  # type: ignore[attr-defined]
    assert "10 laps of 10 m each side" in steps.text()  # type: ignore[attr-defined]
    home.list.setCurrentRow(ids.index("standing-seated"))
    assert "no floor needed" in home.preview.meta.text()


def test_home_tells_about_broken_and_clashing_user_files(qtbot: QtBot, data_dir: Path) -> None:
    own = data_dir / "sessions"
    own.mkdir()
    (own / "broken.toml").write_text('title = "x"\n')
    (own / "ball-release.toml").write_text(
        'title = "My release"\n[[step]]\nkind = "timed"\nname = "Ball"\nseconds = 60\n'
    )
    window = MainWindow(load_catalog())
    qtbot.addWidget(window)
    notice = window.home.notice
    assert not notice.isHidden()
    assert "broken.toml:1:1" in notice.text()
    assert "ball-release" in notice.text() and "in its place" in notice.text()


def shown(qtbot: QtBot, window: MainWindow) -> MainWindow:
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # keys go to the active window
    return window


def test_the_first_arrow_key_moves_the_choice_even_with_start_focused(qtbot: QtBot) -> None:
    window = shown(qtbot, MainWindow(load_catalog(), settings=Settings(safety_acknowledged=True)))
    home = window.home
    qtbot.waitUntil(home.start.hasFocus)
    assert home.current_session().id == "phase-one"  # type: ignore[union-attr]
    with qtbot.waitSignal(home.session_chosen) as chosen:
        qtbot.keyClick(home.start, Qt.Key.Key_Down)
    assert chosen.args == ["ball-release"] and home.start.hasFocus()
    qtbot.keyClick(home.start, Qt.Key.Key_PageDown)
    assert home.list.currentRow() == 6, "five on"
    qtbot.keyClick(home.start, Qt.Key.Key_PageDown)
    assert home.list.currentRow() == home.list.count() - 1, "or the last"
    qtbot.keyClick(home.start, Qt.Key.Key_Up)
    qtbot.keyClick(home.start, Qt.Key.Key_PageUp)
    assert home.list.currentRow() == 3, "five back"
    qtbot.keyClick(home.start, Qt.Key.Key_PageUp)
    assert home.list.currentRow() == 0, "or the first"
    qtbot.keyClick(home.start, Qt.Key.Key_Down)
    qtbot.keyClick(home.start, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.before
    assert window.before.session is not None and window.before.session.id == "ball-release"


def test_home_offers_what_the_program_suggests_next(qtbot: QtBot, tmp_path: Path) -> None:
    history, _ = open_history(tmp_path / "history.sqlite3")
    now = datetime.now(UTC)
    history.decide("level-2", True, now - timedelta(days=1))  # moved on to level 2
    simulate_run(history, load_catalog().sessions["ball-release"], now - timedelta(days=1))
    window = shown(
        qtbot, MainWindow(load_catalog(), history, settings=Settings(safety_acknowledged=True))
    )
    assert window.home.current_session().id == "ql-level-2"  # type: ignore[union-attr]
    assert window.home.start.text().startswith("Start: QL level 2")
    qtbot.keyClick(window.home.start, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.before
    assert window.before.session is not None and window.before.session.id == "ql-level-2"
    # Esc there goes back to the list, with the same session chosen.
    qtbot.keyClick(window.before, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.home and window.run_view is None
    assert window.home.current_session().id == "ql-level-2"  # type: ignore[union-attr]


def test_nothing_beyond_the_persons_stage_is_due_and_a_skipped_session_moves_nobody_on(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Issue 13, item 1: on a first run level 2 and the endurance test were "due", and one
    level-1 session with every step skipped made home say "You are at: Phase Two"."""
    from qltimer.audio import SilentPlayer
    from tests.helpers import FakeClock

    history, _ = open_history(tmp_path / "history.sqlite3")
    catalog = load_catalog()
    clock = FakeClock()
    settings = Settings(safety_acknowledged=True, speech=False)
    window = shown(
        qtbot, MainWindow(catalog, history, player=SilentPlayer(), clock=clock, settings=settings)
    )
    status = window.home.status
    assert "later on your path" in status["ql-level-2"] and "due" not in status["ql-level-2"]
    assert "later on your path" in status["side-plank-test"]
    assert "● due" in status["phase-one"]
    # A level-1 session, every part skipped with the arrow key, to its end.
    view = window.start_session(catalog.sessions["ql-level-1"], pain_before=0)
    for _ in range(60):
        if view.controller.run.finished:
            break
        qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.controller.run.finished
    window.on_summary_closed("")
    assert window.home.stage().key == "phase-one"
    assert "You are at: Phase One" in window.home.plan.text()
    assert window.home.current_session().id == "phase-one"  # type: ignore[union-attr]
    assert "later on your path" in window.home.status["ql-level-2"]
    (record,) = history.sessions()
    assert record.status == "completed" and not history.worked(record.uuid)
    # The same session with its exercises done does count.
    done = simulate_run(history, catalog.sessions["ql-level-1"], datetime.now(UTC))
    assert history.worked(done)
    window.on_history_changed()
    assert window.home.stage().key == "level-1"
    assert "later on your path" not in window.home.status["side-plank-test"]
