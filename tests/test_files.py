"""Writing what the person asked for never loses the old file (issue 11, data loss first)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qltimer.files import WriteError, replacing


def test_a_finished_write_replaces_the_file_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    with replacing(target) as temp:
        temp.write_text("new")
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_failure_while_writing_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old and good")
    with pytest.raises(RuntimeError), replacing(target) as temp:
        temp.write_text("half")
        raise RuntimeError("the writer crashed")
    assert target.read_text() == "old and good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_folder_as_the_target_is_refused_in_plain_words(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="that is a folder, not a file"), replacing(tmp_path):
        pass


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_said_plainly_and_the_old_file_stays(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "out.pdf"
    target.write_bytes(b"%PDF- old report %%EOF")
    folder.chmod(0o555)
    try:
        with pytest.raises(WriteError, match="can't be written to"), replacing(target) as temp:
            temp.write_text("new")
    finally:
        folder.chmod(0o755)
    assert target.read_bytes() == b"%PDF- old report %%EOF"


def test_a_missing_folder_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="does not exist"), replacing(tmp_path / "no" / "x.csv"):
        pass


def test_every_failure_is_worded_by_its_code_not_its_message(tmp_path: Path) -> None:
    """SQLite's result code and the OS's errno decide the words; the message text never does."""
    import errno
    import sqlite3

    from qltimer.files import plain_error

    locked = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(locked, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(locked, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as busy:
        other.execute("INSERT INTO t VALUES (1)")
    assert plain_error(busy.value) == "another program is using your history file"
    with pytest.raises(sqlite3.OperationalError) as cant_open:
        sqlite3.connect(tmp_path / "missing" / "h.sqlite3").execute("SELECT 1")
    assert "folder is missing" in plain_error(cant_open.value)
    holder.execute("ROLLBACK")
    ro = sqlite3.connect(f"{locked.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as readonly:
        ro.execute("INSERT INTO t VALUES (1)")
    assert plain_error(readonly.value) == "your history file or its folder can't be written to"
    full = OSError(errno.ENOSPC, "whatever the message says")
    assert plain_error(full) == "the disk is full"
    in_the_way = FileExistsError(errno.EEXIST, "File exists")
    assert plain_error(in_the_way) == "a file is in the way where a folder should be"


def test_a_file_name_with_control_characters_is_shown_escaped() -> None:
    from qltimer.files import shown_path

    assert shown_path("/tmp/a\nb\x1b[31m.json") == "/tmp/a\\nb\\x1b[31m.json"
    assert shown_path("/tmp/naïve café.json") == "/tmp/naïve café.json"
