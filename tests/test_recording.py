"""Recording a run when the history can't take it: locked, unwritable; and one app at a time."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from qltimer.history import History, SessionRecord, StepRecord, open_history
from qltimer.instance import InstanceLock
from qltimer.recording import Recorder, import_rescued, write_rescue
from tests.conftest import REPO
from tests.helpers import session_from, simulate_recording

T0 = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
SCRIPT = (
    'title = "Two sides"\nget_ready = 2\n[[step]]\nkind = "hold"\nname = "Side plank"\n'
    'sides = "each"\nseconds = 20\nswitch_sides = 3\n'
    '[[step]]\nkind = "laps"\nname = "Carry"\nsides = "each"\nlaps = 2\nlap_seconds = 20\n'
)


def play(
    history: History | None, between: list[Callable[[Recorder], object]] | None = None
) -> Recorder:
    """Run SCRIPT to the end; call each of *between* with the Recorder after a step result."""
    return simulate_recording(history, session_from(SCRIPT), T0, pain_before=2, after_steps=between)


def dump(history: History, uuid: str) -> tuple[SessionRecord, tuple[StepRecord, ...]]:
    session = history.session(uuid)
    assert session is not None
    return session, tuple(history.steps(uuid))


def reference(tmp_path: Path) -> tuple[SessionRecord, tuple[StepRecord, ...]]:
    """The same run written to a history that never fails."""
    hist, _ = open_history(tmp_path / "reference.sqlite3")
    rec = play(hist)
    assert rec.saved
    session, steps = dump(hist, rec.uuid)
    return replace(session, uuid="-"), steps


def same_as_reference(history: History, uuid: str, tmp_path: Path) -> None:
    session, steps = dump(history, uuid)
    ref_session, ref_steps = reference(tmp_path)
    assert replace(session, uuid="-") == ref_session
    assert steps == ref_steps
    assert len(steps) == 4


def with_other_writer(path: Path) -> tuple[History, sqlite3.Connection]:
    """A history that waits 50 ms for writers, and a second connection to play another program."""
    hist, _ = open_history(path, busy_timeout=0.05)
    return hist, sqlite3.connect(path, isolation_level=None)


def test_writes_wait_while_another_program_holds_the_history_and_none_is_lost(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    hist, other = with_other_writer(path)
    other.execute("BEGIN IMMEDIATE")  # another qltimer in the middle of a long write
    seen: list[int] = []

    def release_after_two(rec: Recorder) -> None:
        seen.append(rec.pending)
        if len(seen) == 2:
            other.execute("COMMIT")

    rec = play(hist, [release_after_two, release_after_two])
    assert seen == [2, 3]  # start + the first step, then + the second, all waiting
    assert rec.saved and rec.error is None  # the third step's write took the whole queue
    same_as_reference(hist, rec.uuid, tmp_path)


def test_a_failed_write_says_why_in_plain_words(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    hist, other = with_other_writer(path)
    other.execute("BEGIN EXCLUSIVE")
    rec = play(hist)
    assert not rec.saved and rec.pending == 6  # start, four steps, end
    assert rec.error == "another program is using your history file"
    other.execute("ROLLBACK")
    assert rec.flush() and rec.saved
    same_as_reference(hist, rec.uuid, tmp_path)


def test_a_run_with_no_history_goes_whole_into_a_rescue_file_and_in_at_the_next_start(
    tmp_path: Path,
) -> None:
    rec = play(None)
    assert not rec.saved
    folders = [tmp_path / "data" / "unsaved"]
    path = write_rescue(rec, folders)
    assert path.parent == folders[0] and path.name == f"unsaved-{rec.uuid}.json"
    hist, _ = open_history(tmp_path / "data" / "history.sqlite3")
    report = import_rescued(hist, folders)
    assert (report.sessions, report.steps, report.files) == (1, 4, (path,))
    assert not path.exists() and path.with_name(path.name + ".imported").exists()
    same_as_reference(hist, rec.uuid, tmp_path)
    assert import_rescued(hist, folders).files == ()  # an added file is not read again


def test_a_partly_saved_run_is_completed_by_its_rescue_file_after_a_crash(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    hist, other = with_other_writer(path)
    folders = [tmp_path / "unsaved"]
    rec = play(hist, [lambda _: other.execute("BEGIN IMMEDIATE")])  # locked after the first step
    write_rescue(rec, folders)
    assert rec.pending == 4
    other.close()
    hist.close()  # the app dies here
    again, report = open_history(path)
    assert report.interrupted == 1
    assert len(again.steps(rec.uuid)) == 1
    added = import_rescued(again, folders)
    assert (added.sessions, added.steps) == (0, 3)
    same_as_reference(again, rec.uuid, tmp_path)


def test_the_rescue_file_goes_to_the_next_folder_when_one_cannot_take_it(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    rec = play(None)
    path = write_rescue(rec, [blocked / "unsaved", tmp_path / "home"])
    assert path.parent == tmp_path / "home"
    with pytest.raises(OSError):
        write_rescue(rec, [blocked / "unsaved"])
    assert path.exists()  # a failed attempt leaves the last good copy alone


def test_a_flush_that_succeeds_removes_the_rescue_copy(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    hist, other = with_other_writer(path)
    other.execute("BEGIN IMMEDIATE")
    rec = play(hist)
    copy = write_rescue(rec, [tmp_path / "unsaved"])
    other.execute("COMMIT")
    assert rec.flush()
    assert not copy.exists() and rec.rescue_path is None


# -- one app at a time -----------------------------------------------------------------------

HOLDER = """
import sys, time
from pathlib import Path
from qltimer.instance import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
print(lock.acquire(), lock.holder, flush=True)
sys.stdin.readline()
"""


def holder(path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


def test_a_second_process_is_refused_and_told_who_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "qltimer.lock"
    with InstanceLock(path) as mine:
        assert mine.acquire() and mine.held
        other = holder(path)
        out, _ = other.communicate("\n", timeout=30)
        assert out.split() == ["False", str(os.getpid())]
    other = holder(path)
    out, _ = other.communicate("\n", timeout=30)
    assert out.split()[0] == "True"  # released: the next one gets it


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    path = tmp_path / "qltimer.lock"
    first = holder(path)
    assert first.stdout is not None and first.stdout.readline().split()[0] == "True"
    first.kill()
    first.wait(timeout=30)
    assert path.exists()  # the file stays behind, its lock does not
    lock = InstanceLock(path)
    assert lock.acquire() and lock.held
    lock.release()
    if first.stdin is not None:
        first.stdin.close()
    if first.stdout is not None:
        first.stdout.close()


def test_a_folder_that_cannot_hold_a_lock_file_does_not_stop_the_app(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("x")
    lock = InstanceLock(blocked / "qltimer.lock")
    assert lock.acquire() and not lock.held
