"""Imports, rescue files and old histories are checked value by value (issue 11): real files,
real SQLite. A bad row is refused with its file, row and field named, and nothing is added; a
history that already holds one still opens, the row kept aside."""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from qltimer import history as h
from qltimer.history import (
    HistoryError,
    export_json,
    import_file,
    import_json,
    open_history,
)
from qltimer.recording import RESCUE_PREFIX, import_rescued
from tests.test_history import T0, fill, fixed_now

Mutation = Callable[[list[dict[str, Any]]], None]


def _set(row: int, key: str, value: Any) -> Mutation:
    def apply(rows: list[dict[str, Any]]) -> None:
        rows[row][key] = value

    return apply


def _drop(row: int, key: str) -> Mutation:
    def apply(rows: list[dict[str, Any]]) -> None:
        del rows[row][key]

    return apply


BAD: list[tuple[str, Mutation, str]] = [
    ("NaN duration", _set(1, "actual_seconds", math.nan), "not a number qltimer can keep"),
    ("pain 99", _set(0, "pain_before", 99), "row 1: pain_before is 99; it must be from 0 to 10"),
    ("no uuid", _drop(0, "uuid"), "row 1: no uuid"),
    ("uuid not well formed", _set(0, "uuid", "abc"), "row 1: uuid is 'abc', not a well-formed"),
    ("year 9999", _set(2, "started_at", "9999-01-01T00:00:00Z"), "row 3: started_at is"),
    ("not a date", _set(0, "started_at", "not a date"), "row 1: started_at is 'not a date', not"),
    ("a number for a date", _set(0, "started_at", 5), "row 1: started_at must be a date"),
    ("date with no zone", _set(0, "started_at", "2026-03-02T07:30:00"), "with no time zone"),
    ("unknown status", _set(0, "status", "paused"), "row 1: status is 'paused'; it must be one"),
    ("unknown kind", _set(1, "kind", "jump"), "row 2: kind is 'jump'"),
    ("unknown side", _set(1, "side", "middle"), "row 2: side is 'middle'"),
    ("nested title", _set(0, "title", {"a": [1]}), "row 1: title must be text"),
    ("list for a count", _set(1, "actual_count", [3]), "row 2: actual_count must be a whole"),
    ("true for a pain", _set(0, "pain_before", True), "row 1: pain_before must be a whole"),
    ("huge number", _set(1, "actual_seconds", 1e308), "row 2: actual_seconds is 1e+308"),
    ("huge integer", _set(1, "set_number", 2**70), "row 2: set_number is 1180591620717411303424"),
    ("negative time", _set(1, "actual_seconds", -1), "row 2: actual_seconds is -1"),
    ("control character", _set(0, "title", "a\x00b"), "row 1: title holds a control character"),
    ("extra key", _set(0, "colour", "red"), "row 1: unknown field 'colour'"),
    ("step with no place", _set(1, "phase_index", None), "row 2: phase_index must be a whole"),
    ("end before start", _set(0, "ended_at", "2020-01-01T00:00:00Z"), "row 1: ended_at must be"),
    ("session differs", _set(1, "title", "Other"), "row 2: title differs from row 1"),
    ("same place twice", _set(1, "phase_index", 1), "row 2: phase_index 1 is already taken"),
]


@pytest.fixture
def exported(tmp_path: Path) -> list[dict[str, Any]]:
    source, _ = open_history(tmp_path / "source.sqlite3", now=fixed_now)
    fill(source, 3)
    rows: list[dict[str, Any]] = json.loads(export_json(source))["rows"]
    source.close()
    return rows


def _file(tmp_path: Path, rows: list[dict[str, Any]], name: str = "import.json") -> Path:
    path = tmp_path / name
    path.write_text(
        json.dumps({"format": "qltimer-history", "version": 1, "rows": rows}), encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(("label", "mutate", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_value_refuses_the_whole_file_naming_file_row_and_field(
    tmp_path: Path, exported: list[dict[str, Any]], label: str, mutate: Mutation, message: str
) -> None:
    target, _ = open_history(tmp_path / "history.sqlite3", now=fixed_now)
    mutate(exported)
    path = _file(tmp_path, exported)
    with pytest.raises(HistoryError) as caught:
        import_file(target, path)
    assert str(caught.value).startswith(f"{path}: "), caught.value
    assert message in str(caught.value)
    assert target.sessions() == [], "all or nothing: not one session from the file"
    assert target.conn.execute("SELECT COUNT(*) FROM steps").fetchone()[0] == 0


def test_the_good_file_imports_whole_and_twice_adds_nothing(
    tmp_path: Path, exported: list[dict[str, Any]]
) -> None:
    target, _ = open_history(tmp_path / "history.sqlite3", now=fixed_now)
    path = _file(tmp_path, exported)
    assert import_file(target, path) == (3, 6)
    assert import_file(target, path) == (0, 0)
    without = [{k: v for k, v in r.items() if k != "uuid"} for r in exported]
    with pytest.raises(HistoryError, match="row 1: no uuid"):
        import_file(target, _file(tmp_path, without, "no-uuid.json"))
    assert len(target.sessions()) == 3, "a file with no uuids is never added again and again"


def test_a_fifo_is_refused_at_once_not_read_for_ever(tmp_path: Path) -> None:
    target, _ = open_history(tmp_path / "history.sqlite3")
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    worker = threading.Thread(target=lambda: _catch(outcome, import_file, target.path, fifo))
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "reading a FIFO hung"
    assert "not a regular file" in str(outcome[0])


def _catch(out: list[BaseException], fn: Callable[..., Any], db: Path, path: Path) -> None:
    hist, _ = open_history(db)  # a connection of this thread's own
    try:
        fn(hist, path)
    except BaseException as err:
        out.append(err)
    finally:
        hist.close()


def test_a_device_and_a_file_too_big_are_refused(tmp_path: Path, monkeypatch) -> None:
    target, _ = open_history(tmp_path / "history.sqlite3")
    with pytest.raises(HistoryError, match="/dev/zero: it is not a regular file"):
        import_file(target, Path("/dev/zero"))
    monkeypatch.setattr(h, "MAX_IMPORT_BYTES", 1000)
    big = tmp_path / "big.json"
    big.write_text(" " * 1001 + "{}")
    with pytest.raises(HistoryError, match="at most 1,000"):
        import_file(target, big)
    with pytest.raises(HistoryError, match="there is no such file"):
        import_file(target, tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"format": "qltimer-history", "rows": [' + "1e999" + "]}", "row 1 is not"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b"\xef\xbb\xbf{}", 'no "format"'),
        ('{"format": "qltimer-history", "rows": [Infinity]}', "Infinity is not a number"),
    ],
)
def test_broken_json_is_said_plainly(tmp_path: Path, text: str | bytes, message: str) -> None:
    target, _ = open_history(tmp_path / "history.sqlite3")
    with pytest.raises(HistoryError, match=message):
        import_json(target, text)


def test_a_bad_rescue_file_is_kept_and_named_and_the_good_one_added(
    tmp_path: Path, exported: list[dict[str, Any]]
) -> None:
    folder = tmp_path / "unsaved"
    folder.mkdir()
    good = exported[:2]
    bad = [dict(r, started_at="9999-01-01T00:00:00Z") for r in exported[2:]]
    _file(folder, good, f"{RESCUE_PREFIX}good.json")
    _file(folder, bad, f"{RESCUE_PREFIX}bad.json")
    os.mkfifo(folder / f"{RESCUE_PREFIX}pipe.json")
    target, _ = open_history(tmp_path / "history.sqlite3")
    report = import_rescued(target, [folder])
    assert (report.sessions, report.steps) == (1, 2)
    assert len(report.problems) == 2
    assert any("bad.json: row 1: started_at" in p for p in report.problems)
    assert any("pipe.json: it is not a regular file" in p for p in report.problems)
    assert (folder / f"{RESCUE_PREFIX}bad.json").exists(), "a file not added stays for a retry"
    assert (folder / f"{RESCUE_PREFIX}good.json.imported").exists()
    target.sessions()  # and the history reads back


# -- a history that already holds a bad row --------------------------------------------------


def _old_history_with_bad_rows(path: Path) -> list[str]:
    """A schema-2 history as an older qltimer could leave it, after unchecked imports."""
    hist, _ = open_history(path, now=fixed_now)
    keys = fill(hist, 3)
    hist.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE set_aside")
    conn.execute("PRAGMA user_version = 2")
    conn.execute(
        "UPDATE sessions SET started_at = '9999-01-01T00:00:00.000Z' WHERE uuid = ?", (keys[0],)
    )
    conn.execute(
        "UPDATE steps SET actual_seconds = 1e308 WHERE session_uuid = ? AND side = 'left'",
        (keys[1],),
    )
    conn.execute(
        "INSERT INTO sessions (uuid, session_id, title, started_at, status) "
        "VALUES ('x', 'ql-level-1', 'Bad', 'not a date', 'completed')"
    )
    conn.execute("INSERT INTO decisions (suggestion, decided_at, accepted) VALUES ('go-on', 5, 1)")
    conn.close()
    return keys


def test_an_old_history_with_bad_rows_opens_with_them_set_aside_and_named(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    keys = _old_history_with_bad_rows(path)
    hist, report = open_history(path, now=fixed_now)
    notes = "\n".join(report.set_aside)
    assert len(report.set_aside) == 4, notes
    assert "a session (QL level 1 9999-01-01T00:00:00.000Z): started_at" in notes
    assert "a step (Side plank 2026-03-04T07:30:00.000Z): actual_seconds is 1e+308" in notes
    assert "a session (Bad not a date): uuid is 'x'" in notes
    assert "a decision (go-on 5): decided_at is '5', not a date" in notes
    assert [s.uuid for s in hist.sessions()] == [keys[2], keys[1]]
    assert [s.side for s in hist.steps(keys[1])] == ["right"]
    assert hist.unreadable == []
    kept = hist.conn.execute("SELECT what, row FROM set_aside ORDER BY rowid").fetchall()
    assert [k[0] for k in kept] == ["session", "session", "step", "step", "step", "decision"]
    assert json.loads(kept[0][1])["started_at"] == "9999-01-01T00:00:00.000Z", "kept as it was"
    assert report.backup is not None and report.backup.exists()
    hist.close()
    _, again = open_history(path, now=fixed_now)
    assert again.set_aside == (), "said once, when it was found"


def test_a_row_spoiled_by_hand_after_opening_is_left_out_when_read(tmp_path: Path) -> None:
    hist, _ = open_history(tmp_path / "history.sqlite3", now=fixed_now)
    keys = fill(hist, 2)
    hist.conn.execute("UPDATE sessions SET ended_at = 'soon' WHERE uuid = ?", (keys[0],))
    assert [s.uuid for s in hist.sessions()] == [keys[1]]
    assert hist.last_done() == {"ql-level-1": T0 + timedelta(days=2)}
    assert len(hist.unreadable) == 1 and "ended_at is 'soon'" in hist.unreadable[0]


def test_a_report_and_an_export_of_an_old_history_with_bad_rows_work(
    tmp_path: Path, data_dir: Path
) -> None:
    """The issue's case: a session dated year 9999 crashed `report` and left a 0-byte PDF."""
    from tests.apprun import run_cli

    _old_history_with_bad_rows(data_dir / "history.sqlite3")
    pdf = tmp_path / "r.pdf"
    for args in (["report", "-o", str(pdf), "--weeks", "520"], ["history", "--json"]):
        done = run_cli(*args, env={"QT_QPA_PLATFORM": "offscreen"}, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        assert "note: left out of your history (kept aside in the file): a session" in done.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert len(json.loads(done.stdout)["rows"]) == 3  # the good steps of the two good sessions
