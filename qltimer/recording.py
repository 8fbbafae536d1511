"""Recording a run into the history without ever losing it. No Qt here.

Every write of a run (the session row, each finished step, the end) goes into a queue first;
:meth:`Recorder.flush` applies the queue in order and stops at the first failure, keeping the rest
for the next try. So a history that is locked by another program for a moment, a full disk that
is freed, or a data folder that cannot be written at all, costs nothing as long as qltimer runs.

When writes keep failing, :func:`write_rescue` puts the whole run (not only the unsaved part)
into a small JSON file in the history's export format, in the first folder that takes it, and
:func:`import_rescued` adds such files to the history at the next start (merging by session
UUID, so a run that was partly saved is completed, not doubled). A rescue file that was added
is renamed ``*.imported``, not deleted.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from qltimer import paths
from qltimer.engine import Status, StepResult
from qltimer.files import plain_error, shown_path
from qltimer.history import (
    SESSION_FIELDS,
    STEP_FIELDS,
    History,
    HistoryError,
    StepRecord,
    import_file,
    local_offset_min,
    to_text,
)
from qltimer.rows import RowError

RESCUE_PREFIX = "unsaved-"
RESCUE_FORMAT = "qltimer-history"


def rescue_dirs() -> list[Path]:
    """Where a run that can't reach the history is kept: the data folder first, then home."""
    return [paths.data_dir() / "unsaved", Path.home() / "qltimer-unsaved"]


@dataclass(frozen=True)
class _Start:
    pass


@dataclass(frozen=True)
class _Step:
    record: StepRecord


@dataclass(frozen=True)
class _Finish:
    status: str
    ended_at: datetime


_Op = _Start | _Step | _Finish


class Recorder:
    """Writes one run into the history as it happens, keeping what could not be written yet.

    Wall-clock times come from the session's start plus monotonic seconds, so a change of the
    computer's clock during the session moves nothing. *history* may be None (it could not be
    opened): then everything waits for :func:`write_rescue`.
    """

    def __init__(
        self,
        history: History | None,
        *,
        session_id: str,
        title: str,
        script_sha256: str,
        planned_seconds: float,
        started_wall: datetime,
        started_mono: float,
        pain_before: int | None = None,
        variant: str = "normal",
        write_now: bool = True,
    ) -> None:
        """*write_now* False leaves the session's first write to the caller's :meth:`flush`
        (a run starts its clock first, then writes)."""
        self.history = history
        self.wall0 = started_wall
        self.mono0 = started_mono
        self.uuid = str(uuid.uuid4())
        self.session: dict[str, Any] = {
            "uuid": self.uuid,
            "session_id": session_id,
            "title": title,
            "script_sha256": script_sha256,
            "started_at": started_wall,
            "ended_at": None,
            "status": Status.RUNNING,
            "planned_seconds": planned_seconds,
            "utc_offset_min": local_offset_min(started_wall),
            "pain_before": pain_before,
            "pain_after": None,
            "effort": None,
            "note": "",
            "variant": variant,
        }
        self.steps: dict[int, StepRecord] = {}  # by phase index: a step run again replaces
        self._queue: list[_Op] = [_Start()]
        self.error: str | None = None  # why the last flush stopped, None when all is written
        self.rescue_path: Path | None = None
        if write_now:
            self.flush()

    # -- what the run reports ------------------------------------------------------------------
    def wall(self, mono: float) -> datetime:
        return self.wall0 + timedelta(seconds=mono - self.mono0)

    def step_finished(self, result: StepResult) -> bool:
        """Keep *result* and try to write it; False when it (or an earlier write) is waiting."""
        record = StepRecord(
            phase_index=result.phase_index,
            step_index=result.step_index,
            exercise=result.name,
            kind=result.kind.value,
            side=result.side.value if result.side else None,
            set_number=result.set_number,
            target_seconds=result.target_seconds,
            actual_seconds=round(result.actual_seconds, 3),
            target_count=result.target_count,
            actual_count=result.actual_count,
            load_kg=result.load_kg,
            skipped=result.skipped,
            stopped_early=result.stopped_early,
            reason=result.reason,
            started_at=self.wall(result.started_at),
            ended_at=self.wall(result.ended_at),
        )
        self.steps[record.phase_index] = record
        self._queue.append(_Step(record))
        return self.flush()

    def session_ended(self, status: str, ended_mono: float) -> bool:
        ended = self.wall(ended_mono)
        self.session.update(status=status, ended_at=ended)
        self._queue.append(_Finish(status, ended))
        return self.flush()

    # -- writing -------------------------------------------------------------------------------
    @property
    def pending(self) -> int:
        """How many writes are still waiting."""
        return len(self._queue)

    @property
    def saved(self) -> bool:
        return not self._queue

    def flush(self) -> bool:
        """Write what waits, in order; stop at the first failure. True when nothing waits."""
        if self.history is None:
            self.error = self.error or "your history could not be opened"
            return False
        while self._queue:
            op = self._queue[0]
            try:
                self._apply(self.history, op)
            except (sqlite3.Error, OSError, RowError) as err:
                self.error = plain_error(err)  # said plainly, by SQLite's code or errno
                return False
            self._queue.pop(0)
        self.error = None
        if self.rescue_path is not None:
            self.rescue_path.unlink(missing_ok=True)  # our own copy; the history has it all now
            self.rescue_path = None
        return True

    def _apply(self, history: History, op: _Op) -> None:
        s = self.session
        if isinstance(op, _Start):
            history.start_session(
                s["session_id"],
                s["title"],
                s["script_sha256"],
                self.wall0,
                planned_seconds=s["planned_seconds"],
                pain_before=s["pain_before"],
                utc_offset_min=s["utc_offset_min"],
                variant=s["variant"],
                key=self.uuid,
            )
        elif isinstance(op, _Step):
            history.record_step(self.uuid, op.record)
        else:
            history.finish_session(self.uuid, op.status, op.ended_at)

    def rows(self) -> list[dict[str, Any]]:
        """Everything recorded so far, in the history's export format."""
        session = {k: _text(self.session[k]) for k in SESSION_FIELDS}
        if not self.steps:
            return [{**session, **dict.fromkeys(STEP_FIELDS)}]
        rows = []
        for index in sorted(self.steps):
            step = self.steps[index]
            values = {
                k: getattr(step, k)
                for k in STEP_FIELDS
                if k not in ("step_started_at", "step_ended_at")
            }
            values["step_started_at"] = to_text(step.started_at)
            values["step_ended_at"] = to_text(step.ended_at)
            rows.append({**session, **values})
        return rows


def _text(value: Any) -> Any:
    return to_text(value) if isinstance(value, datetime) else value


def write_rescue(recorder: Recorder, folders: Iterable[Path] | None = None) -> Path:
    """Write the whole run to ``unsaved-<uuid>.json`` in the first folder that takes it.

    Written to a temporary name, flushed to disk and renamed, so a crash leaves either the old
    copy or the new one. Raises OSError (the last folder's) when none takes it.
    """
    text = json.dumps(
        {"format": RESCUE_FORMAT, "version": 1, "rows": recorder.rows()},
        indent=1,
        ensure_ascii=False,
    )
    last: OSError | None = None
    for folder in list(folders) if folders is not None else rescue_dirs():
        target = folder / f"{RESCUE_PREFIX}{recorder.uuid}.json"
        temp = target.with_name(target.name + ".tmp")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with temp.open("w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            temp.replace(target)
        except OSError as err:
            last = err
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
            continue
        if recorder.rescue_path is not None and recorder.rescue_path != target:
            recorder.rescue_path.unlink(missing_ok=True)
        recorder.rescue_path = target
        return target
    assert last is not None
    raise last


@dataclass(frozen=True)
class RescueReport:
    sessions: int = 0
    steps: int = 0
    files: tuple[Path, ...] = ()
    problems: tuple[str, ...] = ()


def import_rescued(history: History, folders: Iterable[Path] | None = None) -> RescueReport:
    """Add every rescue file found to *history*; each added file is renamed ``*.imported``."""
    sessions = steps = 0
    done: list[Path] = []
    problems: list[str] = []
    for folder in list(folders) if folders is not None else rescue_dirs():
        try:
            found = sorted(folder.glob(f"{RESCUE_PREFIX}*.json"))
        except OSError:
            continue
        for path in found:
            try:
                added = import_file(history, path, finish=True)
                path.replace(path.with_name(path.name + ".imported"))
            except HistoryError as err:  # it names the file
                problems.append(str(err))
                continue
            except (OSError, sqlite3.Error) as err:
                problems.append(f"{shown_path(path)}: {plain_error(err)}")
                continue
            sessions += added[0]
            steps += added[1]
            done.append(path)
    return RescueReport(sessions, steps, tuple(done), tuple(problems))
