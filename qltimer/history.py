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
import errno
import io
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO, TypeVar

from qltimer import paths
from qltimer.engine import CUT_SHORT, DONE, Status
from qltimer.files import ReadError, plain_error, read_bounded, shown_path
from qltimer.rows import (
    RowError,
    check_uuid,
    decision_values,
    moment,
    session_values,
    step_values,
)

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

# A "flare day" is shown as a "sore day" since; the stored name stays (coach.SORE_VARIANT).
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

_V3_TABLE = """
-- Rows no qltimer should have written (an import before imports were checked, a hand edit):
-- kept here as they were, as JSON, and never read as history.
CREATE TABLE set_aside (
    what    TEXT NOT NULL,
    uuid    TEXT,
    problem TEXT NOT NULL,
    row     TEXT NOT NULL,
    at      TEXT NOT NULL
);
"""


def _v3(conn: sqlite3.Connection, notes: list[str]) -> None:
    """Check every row with the converters that read it back; move what fails to set_aside."""
    for statement in _statements(_V3_TABLE):
        conn.execute(statement)
    set_aside(conn, notes)


Migration = str | Callable[[sqlite3.Connection, list[str]], None]
MIGRATIONS: tuple[Migration, ...] = (_V1, _V2, _v3)
SCHEMA_VERSION = len(MIGRATIONS)


# -- records ------------------------------------------------------------------------------------


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


# The fields as stored and exported, read off the records above (one spelling of each).
SESSION_FIELDS = tuple(f.name for f in fields(SessionRecord))
# Exports from before schema 2 have no variant; they import as normal sessions.
OPTIONAL_SESSION_FIELDS = {"variant": "normal"}
_STEP_COLUMNS = tuple(f.name for f in fields(StepRecord))  # the steps table's, in this order
# An export row holds a session and a step: the step's times are named apart from the session's.
STEP_FIELDS = tuple(f"step_{k}" if k in ("started_at", "ended_at") else k for k in _STEP_COLUMNS)
_EXPORT_FIELDS = SESSION_FIELDS + STEP_FIELDS
_DONE_SQL = "(" + ", ".join(f"'{s}'" for s in DONE) + ")"  # done, as SQL: ('completed', ...)


def to_text(moment: datetime) -> str:
    """UTC, ISO 8601, millisecond precision, sortable as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def local_offset_min(moment: datetime) -> int:
    """Minutes east of UTC of this computer's time zone at *moment*."""
    offset = moment.astimezone().utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def _mapping(row: sqlite3.Row | Mapping[str, Any]) -> Mapping[str, Any]:
    return dict(zip(row.keys(), row, strict=True)) if isinstance(row, sqlite3.Row) else row


def _session_from_row(row: sqlite3.Row | Mapping[str, Any]) -> SessionRecord:
    """Raises :class:`RowError` for a value no qltimer would have written."""
    return SessionRecord(**session_values(_mapping(row)))


def _step_from_row(row: sqlite3.Row | Mapping[str, Any]) -> StepRecord:
    return StepRecord(**step_values(_mapping(row)))


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


def _inspect(path: Path, *, check: bool = True) -> int | None:
    """The schema version of an existing qltimer history, or None if it is not usable.

    Reads only: a file we can't trust is never written to. *check* runs SQLite's quick_check
    (which reads the whole file) as well. Only a file that SQLite itself calls
    corrupt or not a database (or an empty file, or someone else's database) counts as unusable;
    any other failure (locked, no permission) is raised, and the file is left where it is.
    """
    if path.stat().st_size == 0:
        return None
    try:
        conn = _read_only_connect(path)
    except sqlite3.DatabaseError as err:
        if getattr(err, "sqlite_errorname", "") in _CORRUPT_CODES:
            return None
        raise HistoryError(f"can't open your history ({path}): {plain_error(err)}") from None
    try:
        # One read transaction, so a rung the app commits meanwhile is seen whole or not at all.
        conn.execute("BEGIN")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id != APP_ID and (tables or version):
            return None  # somebody else's database
        if check and conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            return None
        return int(version)
    except sqlite3.DatabaseError as err:
        if getattr(err, "sqlite_errorname", "") in _CORRUPT_CODES:
            return None
        raise HistoryError(f"can't read your history ({path}): {plain_error(err)}") from None
    finally:
        conn.close()


@dataclass(frozen=True)
class OpenReport:
    """What happened while opening, for the person to be told."""

    moved_aside: Path | None = None
    backup: Path | None = None
    migrated_from: int | None = None
    interrupted: int = 0
    # Rows no qltimer should have written, moved out of the way (kept in the set_aside table).
    set_aside: tuple[str, ...] = ()


def open_history(
    path: Path | None = None,
    *,
    now: Callable[[], datetime] | None = None,
    recover: bool = True,
    busy_timeout: float = 5.0,
    read_only: bool = False,
) -> tuple[History, OpenReport]:
    """Open (or create) the history at *path*; see the module docstring for what that covers.

    *read_only* (exports, reports) never writes anything: not the file, not its folder, so a
    history on a read-only disk or in a read-only folder can still be looked at.

    ``recover=False`` leaves sessions marked running alone: for a look at the history (an export)
    while the app may be in the middle of one. *busy_timeout* is how long a write waits for
    another program's write to finish before it fails with "database is locked"; the app keeps
    it short so a countdown never stalls (its Recorder tries again later).
    """
    path = path if path is not None else default_path()
    clock = now or (lambda: datetime.now(UTC))
    if read_only:
        notes: list[str] = []
        return _open_read_only(path, clock, notes), OpenReport(set_aside=tuple(notes))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        if err.errno in (errno.EEXIST, errno.ENOTDIR):
            raise HistoryError(_folder_is_a_file(path.parent)) from None
        raise HistoryError(
            f"can't make your qltimer data folder ({shown_path(path.parent)}): {plain_error(err)}"
        ) from None
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
    notes = []
    try:
        conn = _connect(path, busy_timeout)
        _migrate(conn, version, notes)
    except sqlite3.Error as err:
        raise HistoryError(f"can't open your history ({path}): {plain_error(err)}") from None
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
        set_aside=tuple(notes),
    )


def _open_read_only(path: Path, clock: Callable[[], datetime], notes: list[str]) -> History:
    """The history at *path* for reading only. No file yet, or an empty one, gives an empty
    history (in memory); a file at an older schema is copied into memory and brought up to date
    there; a damaged one is said (it is moved aside at the next start of the app, not here)."""
    if path.parent.exists() and not path.parent.is_dir():
        raise HistoryError(_folder_is_a_file(path.parent))
    try:
        # An empty file is one the app has just made and not yet written (or that one ended
        # before writing): it holds nothing, which is what is shown, not "damaged".
        exists = path.is_file() and path.stat().st_size > 0
        # No quick_check: it reads the whole file, and damage found while reading is said then.
        found = _inspect(path, check=False) if exists else 0
    except OSError as err:
        raise HistoryError(f"can't read your history ({path}): {plain_error(err)}") from None
    if found is None:
        raise HistoryError(
            f"your history ({path}) is damaged; start qltimer to set it aside and begin a new one"
        )
    if found > SCHEMA_VERSION:
        raise HistoryTooNewError(
            f"Your history ({path}) was written by a newer version of qltimer (schema {found}; "
            f"this version knows up to {SCHEMA_VERSION}). Update qltimer to read it."
        )
    try:
        if found == SCHEMA_VERSION:
            conn = _read_only_connect(path)
        else:
            conn = sqlite3.connect(":memory:", isolation_level=None)
            conn.row_factory = sqlite3.Row
            if found:
                source = _read_only_connect(path)
                source.backup(conn)
                source.close()
                # The app may have climbed a rung since the version was read: the copy says.
                found = int(conn.execute("PRAGMA user_version").fetchone()[0])
            _migrate(conn, found, notes)
    except sqlite3.Error as err:
        raise HistoryError(f"can't read your history ({path}): {plain_error(err)}") from None
    conn.row_factory = sqlite3.Row
    return History(conn, path, clock)


def _folder_is_a_file(folder: Path) -> str:
    return (
        f"your qltimer data folder ({shown_path(folder)}) is a file, not a folder; move that "
        "file away, or set QLTIMER_DATA_DIR to a folder"
    )


def _read_only_connect(path: Path) -> sqlite3.Connection:
    """A connection that never writes. A WAL file needs its -shm beside it, which a read-only
    folder or disk can't hold: then the file is opened as immutable (nobody can be writing it
    there either)."""
    uri = f"{path.as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=5.0, isolation_level=None)
    try:
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.OperationalError as err:
        conn.close()
        if getattr(err, "sqlite_errorcode", 0) & 0xFF not in (8, 14):  # READONLY, CANTOPEN
            raise
        conn = sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None)
    return conn


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


def _migrate(conn: sqlite3.Connection, version: int, notes: list[str]) -> None:
    """Climb the ladder from *version*; each rung and its version bump in one transaction.

    ``with conn:`` would not roll back DDL; explicit BEGIN/COMMIT does. A rung that is a
    function may add notices for the person to *notes*.
    """
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            rung = MIGRATIONS[target - 1]
            if callable(rung):
                rung(conn, notes)
            else:
                for statement in _statements(rung):
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


def _described(what: str, row: Mapping[str, Any], err: RowError) -> str:
    when = row.get("started_at") or row.get("decided_at")
    name = row.get("title") or row.get("exercise") or row.get("suggestion")
    label = " ".join(str(v)[:40] for v in (name, when) if v is not None)
    return f"a {what} ({label}): {err.field} {err.problem}"


def set_aside(conn: sqlite3.Connection, notes: list[str]) -> int:
    """Move every row the converters refuse into the set_aside table (steps of a refused
    session go with it); add a notice naming each to *notes*. Inside the caller's transaction."""
    at = to_text(datetime.now(UTC))
    moved = 0

    def keep(what: str, row: Mapping[str, Any], problem: str) -> None:
        nonlocal moved
        conn.execute(
            "INSERT INTO set_aside (what, uuid, problem, row, at) VALUES (?, ?, ?, ?, ?)",
            (
                what,
                str(row.get("uuid") or row.get("session_uuid") or ""),
                problem,
                json.dumps(dict(row), default=repr, ensure_ascii=False),
                at,
            ),
        )
        moved += 1

    def refused(table: str, what: str, check: Callable[[Mapping[str, Any]], object]) -> list[Any]:
        """The rowids of *table*'s rows *check* refuses, each kept and named first."""
        out = []
        for r in conn.execute(f"SELECT rowid AS _rowid, * FROM {table}").fetchall():
            row = dict(_mapping(r))
            rowid = row.pop("_rowid")
            try:
                check(row)
            except RowError as err:
                keep(what, row, str(err))
                notes.append(_described(what, row, err))
                out.append(rowid)
        return out

    for rowid in refused("sessions", "session", session_values):
        uuid_ = conn.execute("SELECT uuid FROM sessions WHERE rowid = ?", (rowid,)).fetchone()[0]
        for r in conn.execute("SELECT * FROM steps WHERE session_uuid IS ?", (uuid_,)).fetchall():
            keep("step", _mapping(r), "its session was set aside")
        conn.execute("DELETE FROM steps WHERE session_uuid IS ?", (uuid_,))
        conn.execute("DELETE FROM sessions WHERE rowid = ?", (rowid,))
    for table, what, check in (
        ("steps", "step", step_values),
        ("decisions", "decision", decision_values),
    ):
        for rowid in refused(table, what, check):
            conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
    return moved


# A hold stopped because it hurt (P), or cut short by ending the session, is kept in the history
# but is no measure of what the person can hold: charts and bests leave it out.
_NOT_CUT = f"COALESCE(st.reason, '') NOT IN ({', '.join(repr(r) for r in CUT_SHORT)})"


# -- the store ----------------------------------------------------------------------------------


_R = TypeVar("_R")


class History:
    """Reads and writes the history. One per process; not shared between threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Callable[[], datetime]) -> None:
        self.conn = conn
        self.path = path
        self.now = clock
        self.unreadable: list[str] = []  # rows left out when read; see _read

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
        """Write the session row (status running) and return its UUID (*key*, or a new one).

        Every value is checked as it will be read back (:class:`RowError` if one can't be)."""
        record = _session_from_row(
            {
                "uuid": key or str(uuid.uuid4()),
                "session_id": session_id,
                "title": title,
                "script_sha256": script_sha256,
                "started_at": to_text(started_at),
                "ended_at": None,
                "status": Status.RUNNING,
                "planned_seconds": planned_seconds,
                "utc_offset_min": (
                    local_offset_min(started_at) if utc_offset_min is None else utc_offset_min
                ),
                "pain_before": pain_before,
                "pain_after": None,
                "effort": None,
                "note": "",
                "variant": variant,
            }
        )
        with self._tx() as c:
            _insert_session(c, record)
        return record.uuid

    def record_step(self, session_uuid: str, step: StepRecord) -> None:
        """Commit one finished step. A step run again (after "back") replaces the earlier one."""
        check_uuid({"uuid": session_uuid})
        checked = _step_from_row(step_row(step))
        with self._tx() as c:
            _insert_step(c, session_uuid, checked, "OR REPLACE")

    def finish_session(self, session_uuid: str, status: str, ended_at: datetime) -> None:
        self._update(session_uuid, {"status": status, "ended_at": to_text(ended_at)})

    def annotate(
        self,
        session_uuid: str,
        *,
        pain_after: int | None = None,
        effort: int | None = None,
        note: str | None = None,
    ) -> None:
        """Add what the person says after a session; a None leaves that field as it is."""
        changes = {"pain_after": pain_after, "effort": effort, "note": note}
        self._update(session_uuid, {k: v for k, v in changes.items() if v is not None})

    def _update(self, session_uuid: str, changes: dict[str, Any]) -> None:
        """Change fields of a session, checked together with the rest of its row."""
        if not changes:
            return
        with self._tx() as c:
            row = c.execute("SELECT * FROM sessions WHERE uuid = ?", (session_uuid,)).fetchone()
            if row is None:
                return
            session_values({**_mapping(row), **changes})
            c.execute(
                f"UPDATE sessions SET {', '.join(f'{k} = ?' for k in changes)} WHERE uuid = ?",
                (*changes.values(), session_uuid),
            )

    def close_running(self) -> int:
        """Mark sessions left running (a crash, a power cut) as interrupted; return how many."""
        with self._tx() as c:
            cur = c.execute(
                "UPDATE sessions SET status = ?, ended_at = COALESCE("
                "(SELECT MAX(ended_at) FROM steps WHERE steps.session_uuid = sessions.uuid), "
                "started_at) WHERE status = ?",
                (Status.INTERRUPTED, Status.RUNNING),
            )
            return cur.rowcount

    # -- reading -------------------------------------------------------------------------------
    def sessions(self, limit: int | None = None) -> list[SessionRecord]:
        """Newest first."""
        sql = "SELECT * FROM sessions ORDER BY started_at DESC"
        rows = self.conn.execute(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ())
        return self._read(rows, _session_from_row, "session")

    def worked(self, session_uuid: str) -> bool:
        """Whether the session had at least one exercise part done and no more skipped than
        done: a session started and skipped through is not one that was worked. (One look up
        the steps' index: the path asks only of its newest sessions.)"""
        done, skipped = self.conn.execute(
            "SELECT COALESCE(SUM(skipped = 0), 0), COALESCE(SUM(skipped != 0), 0) FROM steps "
            "WHERE session_uuid = ?",
            (session_uuid,),
        ).fetchone()
        return bool(done) and done >= skipped

    def session(self, session_uuid: str) -> SessionRecord | None:
        row = self.conn.execute("SELECT * FROM sessions WHERE uuid = ?", (session_uuid,))
        return next(iter(self._read(row, _session_from_row, "session")), None)

    def steps(self, session_uuid: str) -> list[StepRecord]:
        rows = self.conn.execute(
            "SELECT * FROM steps WHERE session_uuid = ? ORDER BY phase_index", (session_uuid,)
        )
        return self._read(rows, _step_from_row, "step")

    def _read(
        self, rows: Iterable[sqlite3.Row], convert: Callable[[sqlite3.Row], _R], what: str
    ) -> list[_R]:
        """Each row converted; one no qltimer would have written (a hand edit since it was
        opened) is left out and named in :attr:`unreadable`, never a crash."""
        out = []
        for row in rows:
            try:
                out.append(convert(row))
            except RowError as err:
                note = _described(what, _mapping(row), err)
                if note not in self.unreadable:
                    self.unreadable.append(note)
        return out

    def last_done(self) -> dict[str, datetime]:
        """When each session id was last done (completed or ended early)."""
        rows = self.conn.execute(
            "SELECT session_id, MAX(started_at) AS last FROM sessions "
            f"WHERE status IN {_DONE_SQL} GROUP BY session_id"
        )
        return dict(self._read(rows, lambda r: (r[0], moment(_mapping(r), "last")), "session"))

    def previous(self, session_uuid: str) -> SessionRecord | None:
        """The last earlier run of the same session id, if any."""
        row = self.conn.execute(
            "SELECT p.* FROM sessions AS s JOIN sessions AS p ON p.session_id = s.session_id "
            f"AND p.started_at < s.started_at AND p.status IN {_DONE_SQL} "
            "WHERE s.uuid = ? ORDER BY p.started_at DESC LIMIT 1",
            (session_uuid,),
        )
        return next(iter(self._read(row, _session_from_row, "session")), None)

    def hold_exercises(self) -> list[str]:
        """Hold exercises done on a side (so they can be charted per side), latest done first."""
        rows = self.conn.execute(
            "SELECT exercise FROM steps WHERE kind = 'hold' AND skipped = 0 "
            "AND side IS NOT NULL GROUP BY exercise ORDER BY MAX(started_at) DESC, exercise"
        )
        return [r[0] for r in rows]

    def holds(self, exercise: str) -> list[tuple[datetime, int, str, float]]:
        """Every recorded hold of *exercise* on a side, sore days and holds cut short by pain or
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
        return self._read(rows, lambda r: (moment(_mapping(r), "started_at"), *r[1:]), "hold")

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
        return self._read(rows, lambda r: decision_values(_mapping(r)), "decision")

    # -- export and import ---------------------------------------------------------------------
    def count_export_rows(self) -> int:
        return int(
            self.conn.execute(
                "SELECT (SELECT COUNT(*) FROM steps) + (SELECT COUNT(*) FROM sessions AS s "
                "WHERE NOT EXISTS (SELECT 1 FROM steps WHERE session_uuid = s.uuid))"
            ).fetchone()[0]
        )

    def _export_cursor(self, app_gone: bool, *, as_json: bool = False) -> sqlite3.Cursor:
        """The export's rows, one per step with its session's fields (a session with no steps
        gives one row), streamed off the cursor. With *app_gone* (no qltimer app holds the
        instance lock) a session still marked running is given as it will be after the next
        start: interrupted, ended at its last step's end. With *as_json* each row is one JSON
        object as text, made by SQLite (ten times quicker than a Python loop)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: a third faster than sqlite3.Row here
        columns = [f"s.{k}" for k in SESSION_FIELDS] + [f"st.{k}" for k in _STEP_COLUMNS]
        if app_gone:
            columns[SESSION_FIELDS.index("status")] = (
                f"CASE s.status WHEN '{Status.RUNNING}' THEN '{Status.INTERRUPTED}' "
                "ELSE s.status END"
            )
            columns[SESSION_FIELDS.index("ended_at")] = (
                f"CASE WHEN s.status = '{Status.RUNNING}' THEN COALESCE((SELECT "
                "MAX(e.ended_at) FROM steps AS e WHERE e.session_uuid = s.uuid), s.started_at) "
                "ELSE s.ended_at END"
            )
        for flag in ("skipped", "stopped_early"):
            i = len(SESSION_FIELDS) + _STEP_COLUMNS.index(flag)
            true, false = ("json('true')", "json('false')") if as_json else ("'true'", "'false'")
            columns[i] = f"CASE {columns[i]} WHEN 1 THEN {true} WHEN 0 THEN {false} END"
        if as_json:
            pairs = ", ".join(f"'{k}', {c}" for k, c in zip(_EXPORT_FIELDS, columns, strict=True))
            columns = [f"json_object({pairs})"]
        return cursor.execute(
            f"SELECT {', '.join(columns)} "
            "FROM sessions AS s LEFT JOIN steps AS st ON st.session_uuid = s.uuid "
            "ORDER BY s.started_at, s.uuid, st.phase_index"
        )

    def import_rows(
        self, rows: Iterable[Mapping[str, Any]], *, finish: bool = False
    ) -> tuple[int, int]:
        """Merge exported rows by session UUID; return (sessions added, steps added).

        Every row is checked first, with the converters that read rows back (a
        :class:`HistoryError` names the row and the field); then all are added in one
        transaction, or none. A session already here is kept as it is (importing twice adds
        nothing); a step is added only if its session has no step at that place yet. With
        *finish* (a rescue file of a run that was partly saved), a session here that is still
        running or was closed as interrupted takes the imported end and status.
        """
        checked = check_rows(rows)
        added_sessions = added_steps = 0
        with self._tx() as c:
            for session, step in checked:
                added = _insert_session(c, session, "ON CONFLICT (uuid) DO NOTHING")
                added_sessions += added
                if finish and not added and session.ended_at is not None:
                    c.execute(
                        "UPDATE sessions SET status = ?, ended_at = ? WHERE uuid = ? "
                        "AND status IN (?, ?)",
                        (
                            session.status,
                            to_text(session.ended_at),
                            session.uuid,
                            Status.RUNNING,
                            Status.INTERRUPTED,
                        ),
                    )
                if step is not None:
                    added_steps += _insert_step(
                        c, session.uuid, step, conflict="ON CONFLICT DO NOTHING"
                    )
        return added_sessions, added_steps

    def integrity(self) -> str:
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])


_ALL_FIELDS = frozenset(SESSION_FIELDS + STEP_FIELDS)


def check_rows(
    rows: Iterable[Mapping[str, Any]],
) -> list[tuple[SessionRecord, StepRecord | None]]:
    """Every row of an export, checked value by value; :class:`HistoryError` names the first
    row (counted from 1) and field that can't be taken. A session's fields must be the same on
    each of its rows, and a step's place in its session can't be taken twice."""
    out: list[tuple[SessionRecord, StepRecord | None]] = []
    sessions: dict[str, tuple[int, SessionRecord]] = {}
    places: set[tuple[str, int]] = set()
    for number, raw in enumerate(rows, 1):
        where = f"row {number}"
        if not isinstance(raw, Mapping):
            raise HistoryError(f"{where} is not a set of named values")
        unknown = sorted(str(k) for k in raw if k not in _ALL_FIELDS)
        if unknown:
            raise HistoryError(f"{where}: unknown field {unknown[0][:40]!r}")
        row = {**OPTIONAL_SESSION_FIELDS, **raw}
        missing = [k for k in SESSION_FIELDS if k not in row]
        if missing:
            raise HistoryError(f"{where}: no {', '.join(missing)}")
        try:
            session = _session_from_row(row)
            has_step = any(row.get(k) is not None for k in STEP_FIELDS)
            step = StepRecord(**step_values(row, "step_started_at")) if has_step else None
        except RowError as err:
            raise HistoryError(f"{where}: {err.field} {err.problem}") from None
        first = sessions.setdefault(session.uuid, (number, session))
        if first[1] != session:
            field = next(k for k in SESSION_FIELDS if getattr(first[1], k) != getattr(session, k))
            raise HistoryError(f"{where}: {field} differs from row {first[0]} of the same session")
        if step is not None:
            if (session.uuid, step.phase_index) in places:
                raise HistoryError(
                    f"{where}: phase_index {step.phase_index} is already taken in this session"
                )
            places.add((session.uuid, step.phase_index))
        out.append((first[1], step))
    return out


def step_row(step: StepRecord, started: str = "started_at") -> dict[str, Any]:
    """A step as stored (times as text); *started* names the start field, as in
    :func:`qltimer.rows.step_values`."""
    values = {k: getattr(step, k) for k in _STEP_COLUMNS}
    values.pop("started_at")
    values.pop("ended_at")
    values[started] = to_text(step.started_at)
    values[started.replace("started", "ended")] = to_text(step.ended_at)
    return values


def _insert_session(c: sqlite3.Connection, record: SessionRecord, conflict: str = "") -> int:
    values = [getattr(record, k) for k in SESSION_FIELDS]
    values[SESSION_FIELDS.index("started_at")] = to_text(record.started_at)
    ended = record.ended_at
    values[SESSION_FIELDS.index("ended_at")] = to_text(ended) if ended is not None else None
    cur = c.execute(
        f"INSERT INTO sessions ({', '.join(SESSION_FIELDS)}) "
        f"VALUES ({', '.join('?' * len(SESSION_FIELDS))}) {conflict}",
        values,
    )
    return cur.rowcount


def _insert_step(
    c: sqlite3.Connection, session_uuid: str, step: StepRecord, verb: str = "", conflict: str = ""
) -> int:
    values = step_row(step)
    values["skipped"] = int(step.skipped)
    values["stopped_early"] = int(step.stopped_early)
    cur = c.execute(
        f"INSERT {verb} INTO steps (session_uuid, {', '.join(_STEP_COLUMNS)}) "
        f"VALUES ({', '.join('?' * (len(_STEP_COLUMNS) + 1))}) {conflict}",
        (session_uuid, *(values[k] for k in _STEP_COLUMNS)),
    )
    return cur.rowcount


class ExportCancelled(Exception):
    """The person cancelled an export; what was written so far is to be thrown away."""


Progress = Callable[[int], bool]  # rows written so far -> go on?
_PROGRESS_EVERY = 2000


def write_json(
    history: History, out: TextIO, *, app_gone: bool = False, progress: Progress | None = None
) -> int:
    """Write the export to *out* row by row (one row a line); return how many rows.

    Memory stays flat however long the history. *progress* is called every few thousand rows
    and may return False to stop (:class:`ExportCancelled`)."""
    out.write('{\n "format": "qltimer-history",\n "version": 1,\n "rows": [')
    cursor = history._export_cursor(app_gone, as_json=True)
    n = 0
    while chunk := cursor.fetchmany(_PROGRESS_EVERY):
        out.write(("\n  " if n == 0 else ",\n  ") + ",\n  ".join(r[0] for r in chunk))
        n += len(chunk)
        if progress is not None and not progress(n):
            raise ExportCancelled
    out.write("\n ]\n}\n")
    return n


def write_csv(
    history: History, out: TextIO, *, app_gone: bool = False, progress: Progress | None = None
) -> int:
    """Write the export as CSV to *out*, one row per step, row by row; see :func:`write_json`."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_EXPORT_FIELDS)
    cursor = history._export_cursor(app_gone)
    n = 0
    while chunk := cursor.fetchmany(_PROGRESS_EVERY):
        writer.writerows(chunk)
        n += len(chunk)
        if progress is not None and not progress(n):
            raise ExportCancelled
    return n


def export_json(history: History, *, app_gone: bool = False) -> str:
    out = io.StringIO()
    write_json(history, out, app_gone=app_gone)
    return out.getvalue()


def export_csv(history: History, *, app_gone: bool = False) -> str:
    out = io.StringIO()
    write_csv(history, out, app_gone=app_gone)
    return out.getvalue()


MAX_IMPORT_BYTES = 256 * 1024 * 1024  # ten years of training export to about 70 MB


def import_json(history: History, text: str | bytes, *, finish: bool = False) -> tuple[int, int]:
    """Add an export's rows to *history*, all or none (see :meth:`History.import_rows`)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")  # an export is UTF-8; an editor may add a BOM
        except UnicodeDecodeError:
            raise HistoryError("not a qltimer history export: it is not UTF-8 text") from None
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        if not text.strip():
            raise HistoryError("the file is empty") from None
        if text.lstrip().startswith("uuid,"):
            raise HistoryError(
                "this is a CSV export, which is for spreadsheets; import the JSON export"
            ) from None
        raise HistoryError(
            f"not a qltimer history export (its JSON is broken at line {err.lineno}, column "
            f"{err.colno}: {err.msg.lower()})"
        ) from None
    except (ValueError, RecursionError) as err:  # NaN, nesting deeper than Python goes
        what = "nested too deeply" if isinstance(err, RecursionError) else str(err)
        raise HistoryError(f"not a qltimer history export: {what}") from None
    if not isinstance(doc, dict) or doc.get("format") != "qltimer-history":
        raise HistoryError('not a qltimer history export (no "format": "qltimer-history")')
    rows = doc.get("rows")
    if not isinstance(rows, list):
        raise HistoryError("a qltimer history export needs a list of rows")
    return history.import_rows(rows, finish=finish)


def import_file(history: History, path: Path, *, finish: bool = False) -> tuple[int, int]:
    """:func:`import_json` of the file at *path*: only a regular file, at most
    :data:`MAX_IMPORT_BYTES`. A :class:`HistoryError` names the file."""
    try:
        data = read_bounded(path, MAX_IMPORT_BYTES)
        return import_json(history, data, finish=finish)
    except ReadError as err:
        raise HistoryError(str(err)) from None
    except HistoryError as err:
        raise HistoryError(f"{shown_path(path)}: {err}") from None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number qltimer can keep")
