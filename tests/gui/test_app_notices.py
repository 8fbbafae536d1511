"""What the window says at start about the history, a rescued session or a second qltimer."""

from __future__ import annotations

import errno
from pathlib import Path

from qltimer.gui.app import already_running, history_problem, rescue_notices
from qltimer.history import HistoryError, HistoryTooNewError
from qltimer.recording import RescueReport


def test_an_unwritable_history_is_said_in_plain_words_with_the_folder(data_dir: Path) -> None:
    text = history_problem(PermissionError(errno.EACCES, "Permission denied"))
    assert text.startswith(
        f"Your history can't be opened: that folder can't be written to ({data_dir})."
    )
    assert "Sessions still run" in text


def test_other_history_problems_keep_their_own_words() -> None:
    newer = history_problem(HistoryTooNewError("Your history was written by a newer version."))
    assert newer.startswith("Your history was written by a newer version. Sessions still run")
    odd = history_problem(HistoryError("can't open your history (x): something odd"))
    assert odd.startswith("Can't open your history (x): something odd. Sessions still run")


def test_rescued_sessions_and_a_second_instance_are_counted_plainly() -> None:
    one = RescueReport(1, 4, (Path("a.json"),))
    assert rescue_notices(one) == [
        "1 session that could not be saved last time was added to your history now."
    ]
    assert (
        "2 sessions that could not be saved last time were"
        in rescue_notices(RescueReport(2, 8, (Path("a.json"), Path("b.json"))))[0]
    )
    assert already_running(4242).startswith("qltimer is already open (process 4242).")
    assert already_running(None).startswith("qltimer is already open. Only one")


def test_rows_set_aside_at_opening_are_named_in_one_notice(tmp_path: Path, qtbot) -> None:
    """A history holding a bad row opens into the real window, which says which row it left out."""
    from qltimer.audio import SilentPlayer
    from qltimer.catalog import load_catalog
    from qltimer.gui.app import MainWindow, history_notices
    from qltimer.history import open_history
    from qltimer.settings import Settings
    from tests.test_import_checks import _old_history_with_bad_rows

    path = tmp_path / "history.sqlite3"
    _old_history_with_bad_rows(path)
    hist, report = open_history(path)
    notes = history_notices(report)
    window = MainWindow(
        load_catalog(),
        hist,
        notices=notes,
        player=SilentPlayer(),
        settings=Settings(safety_acknowledged=True),
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    (note,) = [n for n in notes if "can't use" in n]
    assert note.startswith(
        "4 records in your history had a value qltimer can't use, so they are left out of lists "
        "and charts (kept aside in the file, not deleted): a session (QL level 1 9999-01-01"
    )
    assert window.home.notice.isVisible() and note in window.home.notice.text()
    assert window.home.status["ql-level-1"].startswith("last done"), "the good rows are there"
