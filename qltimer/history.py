"""The history: one SQLite file that never loses a finished step. No Qt here.

- Opening (:func:`open_history`) first looks at the file read-only. A file that is not a usable
  qltimer history (corrupt, truncated, empty, someone else's) is moved aside as
  ``<name>.corrupt-<timestamp>`` and a fresh one is started; a file from a newer qltimer is never
  written to (:class:`HistoryTooNewError`).
- The schema is versioned with ``PRAGMA user_version`` and upgraded by an append-only ladder of
  migrations, each in one transaction with its version bump, after a backup copy of the file.
- WAL journal with ``synchronous=FULL``: every commit is on disk when it returns. A session row
  is written when the session starts; each step is committed the moment it finishes
  (:class:`qltimer.recording.Recorder`, which keeps what could not be written yet); a session
  still marked running at the next start is closed as ``interrupted``.
- Times are stored as UTC ISO-8601 text; a step's times come from the session's wall-clock start
  plus monotonic seconds, so changing the computer's clock mid-session changes nothing.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from qltimer import paths
from qltimer.engine import CUT_SHORT

FILE_NAME = "history.sqlite3"
APP_ID = 0x514C5449  # "QLTI": marks the file as ours (PRAGMA application_id)


class HistoryError(Exception):
    """Something about the history file the person must be told about (not a bug)."""


class HistoryTooNewError(HistoryError):
    """The file was written by a newer qltimer; it is left untouched."""


# -- schema ladder ------------------------------------------------------------------------------
# Append only. Each entry takes the schema from version i to i + 1, inside one transaction.

_V1 = """
CREATE TABLE sessions (
    uuid            TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL,
    title           TEXT NOT NULL,
    script_sha256   TEXT NOT NULL DEFAULT '',
    started_at      TEXT NOT NULL,
    ended_at        TEXT,
    status          TEXT NOT NULL
                    CHECK (status IN ('running', 'completed', 'ended early', 'interrupted')),
    planned_seconds REAL,
    utc_offset_min  INTEGER NOT NULL DEFAULT 0,
    pain_before     INTEGER CHECK (pain_before BETWEEN 0 AND 10),
    pain_after      INTEGER CHECK (pain_after BETWEEN 0 AND 10),
    effort          INTEGER CHECK (effort BETWEEN 1 AND 10),
    note            TEXT NOT NULL DEFAULT ''
);
CREATE TABLE steps (
    session_uuid   TEXT NOT NULL REFERENCES sessions(uuid) ON DELETE CASCADE,
    phase_index    INTEGER NOT NULL,
    step_index     INTEGER NOT NULL,
    exercise       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    side           TEXT CHECK (side IN ('left', 'right')),
    set_number     INTEGER NOT NULL,
    target_seconds REAL,
    actual_seconds REAL NOT NULL,
    target_count   INTEGER,
    actual_count   INTEGER,
    load_kg        REAL,
    skipped        INTEGER NOT NULL DEFAULT 0,
    stopped_early  INTEGER NOT NULL DEFAULT 0,
    reason         TEXT,
    started_at     TEXT NOT NULL,
    ended_at       TEXT NOT NULL,
    PRIMARY KEY (session_uuid, phase_index)
);
CREATE INDEX sessions_by_start ON sessions(started_at);
"""

_V2 = """
-- A flare day runs a gentler variant: it counts for the plan but not for personal bests.
ALTER TABLE sessions ADD COLUMN variant TEXT NOT NULL DEFAULT 'normal'
    CHECK (variant IN ('normal', 'flare'));
-- The person's answers to progression suggestions (accepted moves them along the program).
CREATE TABLE decisions (
    suggestion TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    accepted   INTEGER NOT NULL CHECK (accepted IN (0, 1))
);
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2)
SCHEMA_VERSION = len(MIGRATIONS)


# -- records ------------------------------------------------------------------------------------

SESSION_FIELDS = (
    "uuid",
    "session_id",
    "title",
    "script_sha256",
    "started_at",
    "ended_at",
    "status",
    "planned_seconds",
    "utc_offset_min",
    "pain_before",
    "pain_after",
    "effort",
    "note",
    "variant",
)
# Exports from before schema 2 have no variant; they import as normal sessions.
OPTIONAL_SESSION_FIELDS = {"variant": "normal"}
STEP_FIELDS = (
    "phase_index",
    "step_index",
    "exercise",
    "kind",
    "side",
    "set_number",
    "target_seconds",
    "actual_seconds",
    "target_count",
    "actual_count",
    "load_kg",
    "skipped",
    "stopped_early",
    "reason",
    "step_started_at",
    "step_ended_at",
)
_STEP_COLUMNS = (*STEP_FIELDS[:-2], "started_at", "ended_at")


@dataclass(frozen=True)
class StepRecord:
    phase_index: int
    step_index: int
    exercise: str
    kind: str
    side: str | None
    set_number: int
    target_seconds: float | None
    actual_seconds: float
    target_count: int | None
    actual_count: int | None
    load_kg: float | None
    skipped: bool
    stopped_early: bool
    reason: str | None
    started_at: datetime
    ended_at: datetime


@dataclass(frozen=True)
class SessionRecord:
    uuid: str
    session_id: str
    title: str
    script_sha256: str
    started_at: datetime
    ended_at: datetime | None
    status: str
    planned_seconds: float | None
    utc_offset_min: int
    pain_before: int | None
    pain_after: int | None
    effort: int | None
    note: str
    variant: str = "normal"

    @property
    def duration(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    @property
    def local_start(self) -> datetime:
        """The start in the time zone the person was in when they trained."""
        return self.started_at + timedelta(minutes=self.utc_offset_min)


def to_text(moment: datetime) -> str:
    """UTC, ISO 8601, millisecond precision, sortable as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def local_offset_min(moment: datetime) -> int:
    """Minutes east of UTC of this computer's time zone at *moment*."""
    offset = moment.astimezone().utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def from_text(text: str) -> datetime:
    # fromisoformat reads the trailing Z since Python 3.11, and is ~20x faster than strptime.
    return datetime.fromisoformat(text)


def _session_from_row(row: sqlite3.Row) -> SessionRecord:
    values = {k: row[k] for k in SESSION_FIELDS}
    values["started_at"] = from_text(values["started_at"])
    values["ended_at"] = from_text(values["ended_at"]) if values["ended_at"] else None
    return SessionRecord(**values)


def _step_from_row(row: sqlite3.Row) -> StepRecord:
    values = {k: row[k] for k in _STEP_COLUMNS}
    values["skipped"] = bool(values["skipped"])
    values["stopped_early"] = bool(values["stopped_early"])
    values["started_at"] = from_text(values["started_at"])
    values["ended_at"] = from_text(values["ended_at"])
    return StepRecord(**values)


# -- opening ------------------------------------------------------------------------------------


def default_path() -> Path:
    return paths.data_dir() / FILE_NAME


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _aside(path: Path, label: str, now: datetime) -> Path:
    """Move *path* (and its WAL files) to a free ``<name>.<label>-<timestamp>`` name."""
    base = path.with_name(f"{path.name}.{label}-{_stamp(now)}")
    target = base
    n = 1
    while target.exists():
        target = base.with_name(f"{base.name}-{n}")
        n += 1
    path.replace(target)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            extra.replace(target.with_name(target.name + suffix))
    return target


_CORRUPT_CODES = {"SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CORRUPT_INDEX", "SQLITE_CORRUPT_VTAB"}


def _inspect(path: Path) -> int | None:
    """The schema version of an existing qltimer history, or None if it is not usable.

    Reads only: a file we can't trust is never written to. Only a file that SQLite itself calls
    corrupt or not a database (or an empty file, or someone else's database) counts as unusable;
    any other failure (locked, no permission) is raised, and the file is left where it is.
    """
    if path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error as err:
        raise HistoryError(f"can't open your history ({path}): {err}") from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id != APP_ID and (tables or version):
            return None  # somebody else's database
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            return None
        return int(version)
    except sqlite3.DatabaseError as err:
        if getattr(err, "sqlite_errorname", "") in _CORRUPT_CODES:
            return None
        raise HistoryError(f"can't read your history ({path}): {err}") from None
    finally:
        conn.close()


@dataclass(frozen=True)
class OpenReport:
    """What happened while opening, for the person to be told."""

    moved_aside: Path | None = None
    backup: Path | None = None
    migrated_from: int | None = None
    interrupted: int = 0


def open_history(
    path: Path | None = None,
    *,
    now: Callable[[], datetime] | None = None,
    recover: bool = True,
    busy_timeout: float = 5.0,
) -> tuple[History, OpenReport]:
    """Open (or create) the history at *path*; see the module docstring for what that covers.

    ``recover=False`` leaves sessions marked running alone: for a look at the history (an export)
    while the app may be in the middle of one. *busy_timeout* is how long a write waits for
    another program's write to finish before it fails with "database is locked"; the app keeps
    it short so a countdown never stalls (its Recorder tries again later).
    """
    path = path if path is not None else default_path()
    clock = now or (lambda: datetime.now(UTC))
    path.parent.mkdir(parents=True, exist_ok=True)
    moved: Path | None = None
    backup: Path | None = None
    version = 0
    if path.exists():
        found = _inspect(path)
        if found is None:
            moved = _aside(path, "corrupt", clock())
        elif found > SCHEMA_VERSION:
            raise HistoryTooNewError(
                f"Your history ({path}) was written by a newer version of qltimer (schema "
                f"{found}; this version knows up to {SCHEMA_VERSION}). Update qltimer to keep "
                "using it; this version will not change it."
            )
        else:
            version = found
    if 0 < version < SCHEMA_VERSION:
        backup = path.with_name(f"{path.name}.v{version}-backup-{_stamp(clock())}")
        _copy_database(path, backup)
    try:
        conn = _connect(path, busy_timeout)
        _migrate(conn, version)
    except sqlite3.Error as err:
        raise HistoryError(f"can't open your history ({path}): {err}") from None
    history = History(conn, path, clock)
    interrupted = 0
    if recover:
        with contextlib.suppress(sqlite3.Error):  # busy or read-only: done at the next start
            interrupted = history.close_running()
    return history, OpenReport(
        moved_aside=moved,
        backup=backup,
        migrated_from=version if 0 < version < SCHEMA_VERSION else None,
        interrupted=interrupted,
    )


def _connect(path: Path, busy_timeout: float = 5.0) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _copy_database(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Climb the ladder from *version*; each rung and its version bump in one transaction.

    ``with conn:`` would not roll back DDL; explicit BEGIN/COMMIT does.
    """
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[target - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APP_ID}")
            conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _statements(script: str) -> Iterator[str]:
    buf = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


# A hold stopped because it hurt (P), or cut short by ending the session, is kept in the history
# but is no measure of what the person can hold: charts and bests leave it out.
_NOT_CUT = f"COALESCE(st.reason, '') NOT IN ({', '.join(repr(r) for r in CUT_SHORT)})"


# -- the store ----------------------------------------------------------------------------------


class History:
    """Reads and writes the history. One per process; not shared between threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Callable[[], datetime]) -> None:
        self.conn = conn
        self.path = path
        self.now = clock

    def close(self) -> None:
        self.conn.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    # -- writing -------------------------------------------------------------------------------
    def start_session(
        self,
        session_id: str,
        title: str,
        script_sha256: str,
        started_at: datetime,
        *,
        planned_seconds: float | None = None,
        pain_before: int | None = None,
        utc_offset_min: int | None = None,
        variant: str = "normal",
        key: str | None = None,
    ) -> str:
        """Write the session row (status running) and return its UUID (*key*, or a new one)."""
        key = key or str(uuid.uuid4())
        if utc_offset_min is None:
            utc_offset_min = local_offset_min(started_at)
        with self._tx() as c:
            c.execute(
                "INSERT INTO sessions (uuid, session_id, title, script_sha256, started_at, "
                "status, planned_seconds, utc_offset_min, pain_before, variant) "
                "VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)",
                (
                    key,
                    session_id,
                    title,
                    script_sha256,
                    to_text(started_at),
                    planned_seconds,
                    utc_offset_min,
                    pain_before,
                    variant,
                ),
            )
        return key

    def record_step(self, session_uuid: str, step: StepRecord) -> None:
        """Commit one finished step. A step run again (after "back") replaces the earlier one."""
        values = (
            session_uuid,
            step.phase_index,
            step.step_index,
            step.exercise,
            step.kind,
            step.side,
            step.set_number,
            step.target_seconds,
            step.actual_seconds,
            step.target_count,
            step.actual_count,
            step.load_kg,
            int(step.skipped),
            int(step.stopped_early),
            step.reason,
            to_text(step.started_at),
            to_text(step.ended_at),
        )
        with self._tx() as c:
            c.execute(
                f"INSERT OR REPLACE INTO steps (session_uuid, {', '.join(_STEP_COLUMNS)}) "
                f"VALUES ({', '.join('?' * (len(_STEP_COLUMNS) + 1))})",
                values,
            )

    def finish_session(self, session_uuid: str, status: str, ended_at: datetime) -> None:
        with self._tx() as c:
            c.execute(
                "UPDATE sessions SET status = ?, ended_at = ? WHERE uuid = ?",
                (status, to_text(ended_at), session_uuid),
            )

    def annotate(
        self,
        session_uuid: str,
        *,
        pain_after: int | None = None,
        effort: int | None = None,
        note: str | None = None,
    ) -> None:
        """Add what the person says after a session; a None leaves that field as it is."""
        sets = []
        values: list[Any] = []
        for column, value in (("pain_after", pain_after), ("effort", effort), ("note", note)):
            if value is not None:
                sets.append(f"{column} = ?")
                values.append(value)
        if not sets:
            return
        with self._tx() as c:
            c.execute(
                f"UPDATE sessions SET {', '.join(sets)} WHERE uuid = ?", (*values, session_uuid)
            )

    def close_running(self) -> int:
        """Mark sessions left running (a crash, a power cut) as interrupted; return how many."""
        with self._tx() as c:
            cur = c.execute(
                "UPDATE sessions SET status = 'interrupted', ended_at = COALESCE("
                "(SELECT MAX(ended_at) FROM steps WHERE steps.session_uuid = sessions.uuid), "
                "started_at) WHERE status = 'running'"
            )
            return cur.rowcount

    # -- reading -------------------------------------------------------------------------------
    def sessions(self, limit: int | None = None) -> list[SessionRecord]:
        """Newest first."""
        sql = "SELECT * FROM sessions ORDER BY started_at DESC"
        rows = self.conn.execute(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ())
        return [_session_from_row(r) for r in rows]

    def session(self, session_uuid: str) -> SessionRecord | None:
        row = self.conn.execute("SELECT * FROM sessions WHERE uuid = ?", (session_uuid,)).fetchone()
        return _session_from_row(row) if row else None

    def steps(self, session_uuid: str) -> list[StepRecord]:
        rows = self.conn.execute(
            "SELECT * FROM steps WHERE session_uuid = ? ORDER BY phase_index", (session_uuid,)
        )
        return [_step_from_row(r) for r in rows]

    def last_done(self) -> dict[str, datetime]:
        """When each session id was last done (completed or ended early)."""
        rows = self.conn.execute(
            "SELECT session_id, MAX(started_at) FROM sessions "
            "WHERE status IN ('completed', 'ended early') GROUP BY session_id"
        )
        return {r[0]: from_text(r[1]) for r in rows}

    def previous(self, session_uuid: str) -> SessionRecord | None:
        """The last earlier run of the same session id, if any."""
        row = self.conn.execute(
            "SELECT p.* FROM sessions AS s JOIN sessions AS p ON p.session_id = s.session_id "
            "AND p.started_at < s.started_at AND p.status IN ('completed', 'ended early') "
            "WHERE s.uuid = ? ORDER BY p.started_at DESC LIMIT 1",
            (session_uuid,),
        ).fetchone()
        return _session_from_row(row) if row else None

    def hold_exercises(self) -> list[str]:
        """Hold exercises done on a side (so they can be charted per side), latest done first."""
        rows = self.conn.execute(
            "SELECT exercise FROM steps WHERE kind = 'hold' AND skipped = 0 "
            "AND side IS NOT NULL GROUP BY exercise ORDER BY MAX(started_at) DESC, exercise"
        )
        return [r[0] for r in rows]

    def holds(self, exercise: str) -> list[tuple[datetime, int, str, float]]:
        """Every recorded hold of *exercise* on a side, flare days and holds cut short by pain or
        by ending the session left out (they would pull the line down): (session start, utc
        offset, side, seconds)."""
        rows = self.conn.execute(
            "SELECT s.started_at, s.utc_offset_min, st.side, st.actual_seconds FROM steps AS st "
            "JOIN sessions AS s ON s.uuid = st.session_uuid "
            "WHERE st.exercise = ? AND st.kind = 'hold' AND st.skipped = 0 "
            f"AND st.side IS NOT NULL AND s.variant = 'normal' AND {_NOT_CUT} "
            "ORDER BY s.started_at",
            (exercise,),
        )
        return [(from_text(r[0]), r[1], r[2], r[3]) for r in rows]

    def best_hold(
        self, exercise: str, side: str | None, before: datetime | None = None
    ) -> float | None:
        sql = (
            "SELECT MAX(st.actual_seconds) FROM steps AS st JOIN sessions AS s "
            "ON s.uuid = st.session_uuid WHERE st.exercise = ? AND st.kind = 'hold' "
            f"AND st.skipped = 0 AND st.side IS ? AND s.variant = 'normal' AND {_NOT_CUT}"
        )
        args: list[Any] = [exercise, side]
        if before is not None:
            sql += " AND s.started_at < ?"
            args.append(to_text(before))
        value = self.conn.execute(sql, args).fetchone()[0]
        return float(value) if value is not None else None

    # -- decisions on suggestions ----------------------------------------------------------------
    def decide(self, suggestion: str, accepted: bool, when: datetime) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT INTO decisions (suggestion, decided_at, accepted) VALUES (?, ?, ?)",
                (suggestion, to_text(when), int(accepted)),
            )

    def decisions(self) -> list[tuple[str, datetime, bool]]:
        """(suggestion, when, accepted), oldest first."""
        rows = self.conn.execute(
            "SELECT suggestion, decided_at, accepted FROM decisions ORDER BY decided_at"
        )
        return [(r[0], from_text(r[1]), bool(r[2])) for r in rows]

    # -- export and import ---------------------------------------------------------------------
    def export_rows(self) -> Iterator[dict[str, Any]]:
        """One row per step with its session's fields; a session with no steps gives one row."""
        rows = self.conn.execute(
            "SELECT s.*, st.phase_index, st.step_index, st.exercise, st.kind, st.side, "
            "st.set_number, st.target_seconds, st.actual_seconds, st.target_count, "
            "st.actual_count, st.load_kg, st.skipped, st.stopped_early, st.reason, "
            "st.started_at AS step_started_at, st.ended_at AS step_ended_at "
            "FROM sessions AS s LEFT JOIN steps AS st ON st.session_uuid = s.uuid "
            "ORDER BY s.started_at, s.uuid, st.phase_index"
        )
        for r in rows:
            row = {k: r[k] for k in SESSION_FIELDS + STEP_FIELDS}
            if row["phase_index"] is not None:
                row["skipped"] = bool(row["skipped"])
                row["stopped_early"] = bool(row["stopped_early"])
            yield row

    def import_rows(
        self, rows: Iterable[dict[str, Any]], *, finish: bool = False
    ) -> tuple[int, int]:
        """Merge exported rows by session UUID; return (sessions added, steps added).

        A session already here is kept as it is (importing twice adds nothing); a step is added
        only if its session has no step at that place yet. All or nothing. With *finish* (a
        rescue file of a run that was partly saved), a session here that is still running or was
        closed as interrupted takes the imported end and status.
        """
        added_sessions = added_steps = 0
        with self._tx() as c:
            for row in rows:
                row = {**OPTIONAL_SESSION_FIELDS, **row}
                missing = [k for k in SESSION_FIELDS if k not in row]
                if missing:
                    raise HistoryError(f"an imported row lacks {', '.join(missing)}")
                cur = c.execute(
                    f"INSERT OR IGNORE INTO sessions ({', '.join(SESSION_FIELDS)}) "
                    f"VALUES ({', '.join('?' * len(SESSION_FIELDS))})",
                    tuple(row[k] for k in SESSION_FIELDS),
                )
                added_sessions += cur.rowcount
                if finish and not cur.rowcount and row["ended_at"] is not None:
                    c.execute(
                        "UPDATE sessions SET status = ?, ended_at = ? WHERE uuid = ? "
                        "AND status IN ('running', 'interrupted')",
                        (row["status"], row["ended_at"], row["uuid"]),
                    )
                if row.get("phase_index") is None:
                    continue
                cur = c.execute(
                    f"INSERT OR IGNORE INTO steps (session_uuid, {', '.join(_STEP_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * (len(_STEP_COLUMNS) + 1))})",
                    (row["uuid"], *(_plain(row.get(k)) for k in STEP_FIELDS)),
                )
                added_steps += cur.rowcount
        return added_sessions, added_steps

    def integrity(self) -> str:
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])


def _plain(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def export_json(history: History) -> str:
    return json.dumps(
        {"format": "qltimer-history", "version": 1, "rows": list(history.export_rows())},
        indent=1,
        ensure_ascii=False,
    )


def export_csv(history: History) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SESSION_FIELDS + STEP_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(history.export_rows())
    return out.getvalue()


def import_json(history: History, text: str) -> tuple[int, int]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise HistoryError(
            f"not a qltimer history export: {err.msg} at line {err.lineno}"
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != "qltimer-history":
        raise HistoryError('not a qltimer history export (no "format": "qltimer-history")')
    rows = doc.get("rows")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise HistoryError("a qltimer history export needs a list of rows")
    try:
        return history.import_rows(rows)
    except sqlite3.IntegrityError as err:
        raise HistoryError(f"the export has a value this history can't take: {err}") from None
