"""The history store: a real SQLite file, its schema ladder, bad files, export and import."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from qltimer import history as h
from qltimer.engine import Run, StepResult, expand
from qltimer.history import (
    MIGRATIONS,
    SCHEMA_VERSION,
    History,
    HistoryError,
    HistoryTooNewError,
    StepRecord,
    export_csv,
    export_json,
    import_json,
    open_history,
)
from qltimer.recording import Recorder
from tests.helpers import FakeClock, session_from, step_record

T0 = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def fixed_now() -> datetime:
    return NOW


def step(i: int, side: str | None, seconds: float, start: datetime = T0) -> StepRecord:
    short = seconds < 60
    return step_record(
        i,
        "Side plank",
        "hold",
        side,
        start,
        seconds,
        target_seconds=60.0,
        stopped_early=short,
        reason="form" if short else None,
    )


def fill(hist: History, n: int = 3) -> list[str]:
    keys = []
    for k in range(n):
        start = T0 + timedelta(days=2 * k)
        key = hist.start_session(
            "ql-level-1",
            "QL level 1",
            "abc",
            start,
            planned_seconds=540,
            pain_before=3,
            utc_offset_min=60,
        )
        hist.record_step(key, step(1, "left", 40 + k, start))
        hist.record_step(key, step(3, "right", 38.5 + k, start + timedelta(seconds=90)))
        hist.finish_session(key, "completed", start + timedelta(minutes=9))
        hist.annotate(key, pain_after=2, effort=6, note=f"day {k}")
        keys.append(key)
    return keys


@pytest.fixture
def store(tmp_path: Path) -> History:
    hist, report = open_history(tmp_path / "history.sqlite3", now=fixed_now)
    assert report == h.OpenReport()
    return hist


def test_a_fresh_file_is_created_in_the_data_folder(data_dir: Path) -> None:
    hist, _ = open_history()
    assert hist.path == data_dir / "history.sqlite3"
    assert hist.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert hist.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert hist.integrity() == "ok"


def test_sessions_and_steps_are_written_and_read_back(store: History) -> None:
    keys = fill(store)
    listed = store.sessions()
    assert [s.uuid for s in listed] == keys[::-1], "newest first"
    first = store.session(keys[0])
    assert first is not None
    assert (first.status, first.pain_before, first.pain_after, first.effort, first.note) == (
        "completed",
        3,
        2,
        6,
        "day 0",
    )
    assert first.duration == 540
    assert first.local_start == T0 + timedelta(hours=1)
    steps = store.steps(keys[0])
    assert [(s.side, s.actual_seconds, s.reason) for s in steps] == [
        ("left", 40, "form"),
        ("right", 38.5, "form"),
    ]
    assert steps[0].started_at == T0
    assert store.last_done() == {"ql-level-1": T0 + timedelta(days=4)}
    prev = store.previous(keys[2])
    assert prev is not None and prev.uuid == keys[1]
    assert store.previous(keys[0]) is None
    assert store.best_hold("Side plank", "left") == 42
    assert store.best_hold("Side plank", "left", before=T0 + timedelta(days=3)) == 41
    assert store.hold_exercises() == ["Side plank"]
    test_hold = step(9, "left", 70, T0 + timedelta(days=1))
    store.record_step(keys[0], StepRecord(**{**test_hold.__dict__, "exercise": "Side plank test"}))
    assert store.hold_exercises() == ["Side plank", "Side plank test"], "latest done first"


def test_a_step_run_again_replaces_the_earlier_one(store: History) -> None:
    key = store.start_session("x", "X", "", T0)
    store.record_step(key, step(1, "left", 20))
    store.record_step(key, step(1, "left", 55))
    assert [s.actual_seconds for s in store.steps(key)] == [55]


def test_running_sessions_are_closed_as_interrupted_on_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    hist, _ = open_history(path)
    key = hist.start_session("x", "X", "", T0)
    hist.record_step(key, step(1, "left", 30))
    hist.close()
    hist, report = open_history(path)
    assert report.interrupted == 1
    record = hist.session(key)
    assert record is not None and record.status == "interrupted"
    assert record.ended_at == T0 + timedelta(seconds=30), "ended when its last step did"
    assert len(hist.steps(key)) == 1


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(b""), id="0-byte"),
        pytest.param(lambda p: p.write_bytes(bytes(range(256)) * 64), id="random-bytes"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[: 4096 + 100]), id="truncated"),
        pytest.param(lambda p: _foreign(p), id="someone-elses-database"),
    ],
)
def test_a_damaged_file_is_moved_aside_and_a_fresh_one_started(tmp_path: Path, damage) -> None:
    path = tmp_path / "history.sqlite3"
    hist, _ = open_history(path)
    fill(hist, 40)
    hist.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    hist.close()
    damage(path)
    original = path.read_bytes()
    hist, report = open_history(path, now=fixed_now)
    assert report.moved_aside == tmp_path / "history.sqlite3.corrupt-20261121T120000Z"
    assert report.moved_aside.read_bytes() == original, "nothing is ever deleted"
    assert hist.sessions() == [] and hist.integrity() == "ok"
    # Damaged twice the same second: the second copy gets its own name.
    hist.close()
    path.write_bytes(b"junk" * 100)
    _, again = open_history(path, now=fixed_now)
    assert again.moved_aside == tmp_path / "history.sqlite3.corrupt-20261121T120000Z-1"


def _foreign(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()


def test_a_file_from_a_newer_version_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    hist, _ = open_history(path)
    fill(hist, 2)
    hist.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    hist.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    hist.close()
    before = path.read_bytes()
    with pytest.raises(HistoryTooNewError, match="newer version of qltimer"):
        open_history(path)
    assert path.read_bytes() == before
    # No backup, no copy aside, no migration. (A read-only look at a WAL database leaves SQLite's
    # empty -wal/-shm side files; the database itself is byte for byte the same.)
    names = {p.name for p in tmp_path.iterdir()}
    assert names <= {"history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm"}
    wal = tmp_path / "history.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_look_while_the_app_is_making_its_history_never_calls_it_damaged(
    tmp_path: Path,
) -> None:
    """`qltimer history --json` run while the app starts: the file the app has just made is
    empty, then climbs the ladder rung by rung. Each look sees a whole rung or none (a look
    that read the version before a rung and the tables after it once said "damaged", and a copy
    taken after a rung was migrated again: "duplicate column")."""
    empty = tmp_path / "empty" / "history.sqlite3"
    empty.parent.mkdir()
    empty.touch()
    hist, _ = open_history(empty, read_only=True)
    assert hist.sessions() == []
    hist.close()
    assert empty.stat().st_size == 0  # not written, not moved

    failures: list[str] = []
    for i in range(40):
        path = tmp_path / f"h{i}" / "history.sqlite3"
        path.parent.mkdir()
        maker = threading.Thread(target=lambda p=path: open_history(p)[0].close())
        maker.start()
        while True:
            making = maker.is_alive()
            try:
                look, _ = open_history(path, read_only=True)
                look.sessions()
                look.close()
            except HistoryError as err:
                failures.append(str(err))
            if not making:
                break
        maker.join()
    assert failures == []


def test_a_locked_or_unreadable_file_is_reported_not_moved(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    hist, _ = open_history(path)
    hist.close()
    path.chmod(0)
    try:
        if path.stat().st_mode & 0o777 == 0 and not _can_read(path):
            with pytest.raises(HistoryError, match="can't"):
                open_history(path)
            assert path.exists()
    finally:
        path.chmod(0o644)


def _can_read(path: Path) -> bool:
    try:
        path.read_bytes()
    except PermissionError:
        return False
    return True  # root reads anything; the test then has nothing to prove


U1 = "5a1c1e52-0000-4000-8000-000000000001"


def build_at(path: Path, version: int) -> None:
    """A history at an earlier schema *version*, made by its own rungs, with rows in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    for target in range(1, version + 1):
        rung = MIGRATIONS[target - 1]
        if callable(rung):
            rung(conn, [])
        else:
            for statement in h._statements(rung):
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {h.APP_ID}")
        conn.execute(f"PRAGMA user_version = {target}")
    # Version 1 columns, which every later version keeps.
    conn.execute(
        "INSERT INTO sessions (uuid, session_id, title, started_at, ended_at, status) "
        "VALUES (?, 'ql-level-1', 'QL 1', '2026-03-02T07:30:00.000Z', "
        "'2026-03-02T07:39:00.000Z', 'completed')",
        (U1,),
    )
    conn.execute(
        "INSERT INTO steps (session_uuid, phase_index, step_index, exercise, kind, side, "
        "set_number, actual_seconds, started_at, ended_at) VALUES (?, 1, 1, 'Side plank', "
        "'hold', 'left', 1, 41.5, '2026-03-02T07:31:00.000Z', '2026-03-02T07:31:41.500Z')",
        (U1,),
    )
    conn.close()


def schema_of(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    return sorted((r[0], r[1]) for r in rows)


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_every_earlier_schema_migrates_to_the_same_as_a_fresh_one(
    tmp_path: Path, version: int
) -> None:
    fresh, _ = open_history(tmp_path / "fresh.sqlite3")
    old = tmp_path / "old.sqlite3"
    build_at(old, version)
    hist, report = open_history(old, now=fixed_now)
    assert schema_of(hist.conn) == schema_of(fresh.conn)
    assert hist.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [(s.side, s.actual_seconds) for s in hist.steps(U1)] == [("left", 41.5)]
    if version < SCHEMA_VERSION:
        assert report.migrated_from == version
        assert report.backup is not None
        backup = sqlite3.connect(report.backup)
        assert backup.execute("PRAGMA user_version").fetchone()[0] == version
    else:
        assert report.backup is None and report.migrated_from is None


def test_a_failing_migration_rolls_back_whole(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "h.sqlite3"
    monkeypatch.setattr(h, "MIGRATIONS", (*MIGRATIONS, "CREATE TABLE extra (x);\nBROKEN SQL;"))
    monkeypatch.setattr(h, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(HistoryError, match="syntax error"):
        open_history(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "extra" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}


def test_export_then_import_round_trips_exactly_and_twice_adds_nothing(
    tmp_path: Path, store: History
) -> None:
    fill(store, 5)
    empty = store.start_session("ball-release", "Release", "", T0 + timedelta(days=30))
    store.finish_session(empty, "ended early", T0 + timedelta(days=30, minutes=1))
    exported = export_json(store)
    other, _ = open_history(tmp_path / "other.sqlite3")
    assert import_json(other, exported) == (6, 10)
    assert export_json(other) == exported
    assert import_json(other, exported) == (0, 0)
    assert export_json(other) == exported
    rows = json.loads(exported)["rows"]
    assert len(rows) == 11 and rows[-1]["phase_index"] is None


def test_csv_has_one_row_per_step_with_its_session(store: History) -> None:
    fill(store, 2)
    lines = export_csv(store).splitlines()
    assert lines[0].startswith("uuid,session_id,title,")
    assert len(lines) == 1 + 4
    assert ",left,1,60.0,40.0," in lines[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not a qltimer history export"),
        ('{"rows": []}', 'no "format"'),
        ('{"format": "qltimer-history", "rows": 3}', "a list of rows"),
        ('{"format": "qltimer-history", "rows": [{"uuid": "x"}]}', "row 1: no session_id"),
    ],
)
def test_a_bad_import_is_refused_and_changes_nothing(
    store: History, text: str, message: str
) -> None:
    fill(store, 1)
    before = export_json(store)
    with pytest.raises(HistoryError, match=message):
        import_json(store, text)
    assert export_json(store) == before


def test_the_recorder_turns_a_run_into_rows_with_utc_times(store: History) -> None:
    plan = expand(
        session_from(
            'title = "x"\nget_ready = 5\n[[step]]\nkind = "hold"\nname = "Side plank"\n'
            'sides = "each"\nseconds = 30\nswitch_sides = 5\n'
        )
    )
    clock = FakeClock()
    run = Run(plan, clock)
    rec = Recorder(
        store,
        session_id="x",
        title="X",
        script_sha256="abc",
        planned_seconds=plan.total_estimate,
        started_wall=T0,
        started_mono=clock.now,
    )
    run.start()
    for gap in (5, 30, 5, 12.5):
        clock.tick(gap)
        for event in run.advance():
            if isinstance(event, StepResult):
                rec.step_finished(event)
    for event in run.done_now():
        if isinstance(event, StepResult):
            rec.step_finished(event)
    rec.session_ended(run.status.value if run.status else "", clock.now)
    steps = store.steps(rec.uuid)
    assert [(s.side, s.actual_seconds, s.stopped_early) for s in steps] == [
        ("left", 30, False),
        ("right", 12.5, True),
    ]
    assert steps[0].started_at == T0 + timedelta(seconds=5)
    assert steps[1].ended_at == T0 + timedelta(seconds=52.5)
    record = store.session(rec.uuid)
    assert record is not None and record.status == "completed"
    assert record.ended_at == T0 + timedelta(seconds=52.5)


def test_flare_days_count_as_sessions_but_not_for_bests_or_charts(store: History) -> None:
    key = store.start_session("ql-level-1", "QL 1", "", T0, variant="flare")
    store.record_step(key, step(1, "left", 90, T0))
    store.finish_session(key, "completed", T0 + timedelta(minutes=5))
    record = store.session(key)
    assert record is not None and record.variant == "flare"
    assert store.best_hold("Side plank", "left") is None
    assert store.holds("Side plank") == []
    assert store.last_done() == {"ql-level-1": T0}, "a flare day is still a day trained"


def test_an_export_from_before_variants_still_imports(tmp_path: Path, store: History) -> None:
    fill(store, 1)
    doc = json.loads(export_json(store))
    for row in doc["rows"]:
        del row["variant"]
    other, _ = open_history(tmp_path / "other.sqlite3")
    assert import_json(other, json.dumps(doc)) == (1, 2)
    assert all(r.variant == "normal" for r in other.sessions())


def test_decisions_are_kept_in_order(store: History) -> None:
    store.decide("level-2", False, T0)
    store.decide("level-2", True, T0 + timedelta(days=15))
    assert store.decisions() == [("level-2", T0, False), ("level-2", T0 + timedelta(days=15), True)]


# -- one spelling of each field --------------------------------------------------------------------


def test_the_tables_and_the_export_hold_the_records_fields(tmp_path: Path) -> None:
    """The SQL and the export are read off the dataclasses: a field added to a record and not to
    the schema (or the other way round) fails here, not in someone's history."""
    from dataclasses import fields

    from qltimer.history import SESSION_FIELDS, STEP_FIELDS, SessionRecord
    from qltimer.rows import step_values

    hist, _ = open_history(tmp_path / "history.sqlite3", now=fixed_now)
    columns = {
        table: [r[1] for r in hist.conn.execute(f"PRAGMA table_info({table})")]
        for table in ("sessions", "steps")
    }
    assert columns["sessions"] == [f.name for f in fields(SessionRecord)] == list(SESSION_FIELDS)
    assert columns["steps"] == ["session_uuid", *(f.name for f in fields(StepRecord))]
    assert STEP_FIELDS[-2:] == ("step_started_at", "step_ended_at"), "named apart in an export"
    row = h.step_row(step(1, "left", 45.0))
    assert set(step_values(row)) == {f.name for f in fields(StepRecord)}


def test_the_stored_statuses_are_the_enum(tmp_path: Path) -> None:
    """The table's CHECK takes each Status and nothing else."""
    from qltimer.engine import Status

    hist, _ = open_history(tmp_path / "history.sqlite3", now=fixed_now)
    for status in [*Status, "finished"]:
        try:
            with hist.conn:
                hist.conn.execute(
                    "INSERT INTO sessions (uuid, session_id, title, started_at, status) "
                    "VALUES (?, 's', 't', '2026-03-02T07:30:00+00:00', ?)",
                    (f"u-{status}", status),
                )
            taken = True
        except sqlite3.IntegrityError:
            taken = False
        assert taken == (status in list(Status)), status
    stored = {r[0] for r in hist.conn.execute("SELECT status FROM sessions")}
    assert stored == {s.value for s in Status}
