"""What one row of the history may hold, checked value by value. No Qt here.

The same converters read rows back from the history file and take rows in from an import or a
rescue file, so a value that could not be shown, charted or reported never gets in, and one
that got in before (an older qltimer, a hand-edited file) is found and left out when read.

Each converter takes a mapping of raw values (from SQLite, or from JSON) and returns a record,
or raises :class:`RowError` naming the field and what is wrong with it in plain words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from qltimer.engine import Status
from qltimer.script import DAY, Side, StepKind

# Dates: from the start of the Unix era to well past any life; a year 9999 or year 1 would
# overflow when the time zone or a week is added to it.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
MAX_SESSION = timedelta(days=7)  # from a session's start to its end
MAX_OFFSET_MIN = 18 * 60  # a time zone's distance from UTC, in minutes
STATUSES = tuple(Status)
VARIANTS = ("normal", "flare")
KINDS = tuple(k.value for k in StepKind)
SIDES = tuple(s.value for s in Side)
MAX_ID = 200  # a session id is a file name
MAX_TITLE = 120  # as a session file allows
MAX_NOTE = 2000
MAX_NAME = 80  # an exercise's name, as a session file allows
MAX_REASON = 200
MAX_PHASE = 100_000
MAX_SETS = 20
MAX_COUNT = 100_000
MAX_LOAD_KG = 500.0
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SHA256 = re.compile(r"[0-9a-f]{1,64}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab and newline are allowed in a note


class RowError(ValueError):
    """One value of a row can't be taken; *field* names it, the message says why."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _text(
    row: Mapping[str, Any], key: str, max_len: int, *, empty: bool = False, lines: bool = False
) -> str:
    value = row.get(key)
    if not isinstance(value, str):
        raise RowError(key, f"must be text, not {_show(value)}")
    if not empty and not value.strip():
        raise RowError(key, "is empty")
    if len(value) > max_len:
        raise RowError(key, f"is {len(value)} characters long; at most {max_len}")
    bad = _CONTROL.search(value) if lines else re.search(r"[\x00-\x1f\x7f]", value)
    if bad:
        raise RowError(key, f"holds a control character ({bad.group()!r})")
    return value


def _optional_text(row: Mapping[str, Any], key: str, max_len: int) -> str | None:
    return None if row.get(key) is None else _text(row, key, max_len)


def _choice(row: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = row.get(key)
    if value not in allowed or not isinstance(value, str):
        raise RowError(key, f"is {_show(value)}; it must be one of {', '.join(allowed)}")
    return value


def _integer(
    row: Mapping[str, Any], key: str, lo: int, hi: int, *, optional: bool = False
) -> int | None:
    value = row.get(key)
    if value is None and optional:
        return None
    if type(value) is not int:  # exact: true is not a number, 2.0 is not a count
        raise RowError(key, f"must be a whole number, not {_show(value)}")
    if not lo <= value <= hi:
        raise RowError(key, f"is {value}; it must be from {lo} to {hi}")
    return value


def _number(
    row: Mapping[str, Any], key: str, lo: float, hi: float, *, optional: bool = False
) -> float | None:
    value = row.get(key)
    if value is None and optional:
        return None
    if type(value) not in (int, float):
        raise RowError(key, f"must be a number, not {_show(value)}")
    assert isinstance(value, int | float)
    if not math.isfinite(value):
        raise RowError(key, f"is {value}; it must be a finite number")
    if not lo <= value <= hi:
        raise RowError(key, f"is {value:g}; it must be from {lo:g} to {hi:g}")
    return float(value)


def _flag(row: Mapping[str, Any], key: str) -> bool:
    value = row.get(key)
    if value in (0, 1) and type(value) in (bool, int):  # JSON says true, SQLite says 1
        return bool(value)
    raise RowError(key, f"must be true or false, not {_show(value)}")


def moment(row: Mapping[str, Any], key: str, *, optional: bool = False) -> datetime | None:
    """A stored time: ISO 8601 text with its time zone, between 1970 and 2200; in UTC."""
    value = row.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise RowError(key, f"must be a date and time as text, not {_show(value)}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RowError(key, f"is {_show(value)}, not a date and time") from None
    if parsed.tzinfo is None:
        raise RowError(key, f"is {_show(value)}, with no time zone (UTC ends in Z)")
    if not EARLIEST <= parsed < LATEST:
        raise RowError(key, f"is {_show(value)}; it must be from 1970 to 2199")
    return parsed.astimezone(UTC)


def check_uuid(row: Mapping[str, Any], key: str = "uuid") -> str:
    value = row.get(key)
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        raise RowError(key, f"is {_show(value)}, not a well-formed UUID (like 0f8fad5b-d9cb-...)")
    return value


def session_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a session row, checked, as a :class:`qltimer.history.SessionRecord` takes
    them. Cross-field rules: a session that is not running has an end, and it ends after it
    starts and within a week."""
    key = check_uuid(row)  # first: it names the session
    started = moment(row, "started_at")
    ended = moment(row, "ended_at", optional=True)
    status = _choice(row, "status", STATUSES)
    assert started is not None
    if ended is None and status != Status.RUNNING:
        raise RowError("ended_at", f"is missing, but the session is {status}")
    if ended is not None and not started <= ended <= started + MAX_SESSION:
        raise RowError("ended_at", "must be after started_at and within 7 days of it")
    sha = row.get("script_sha256")
    if not isinstance(sha, str) or (sha and not _SHA256.fullmatch(sha)):
        raise RowError("script_sha256", f"is {_show(sha)}, not empty or up to 64 hex digits")
    return {
        "uuid": key,
        "session_id": _text(row, "session_id", MAX_ID),
        "title": _text(row, "title", MAX_TITLE),
        "script_sha256": sha,
        "started_at": started,
        "ended_at": ended,
        "status": status,
        "planned_seconds": _number(row, "planned_seconds", 0.0, 7 * DAY, optional=True),
        "utc_offset_min": _integer(row, "utc_offset_min", -MAX_OFFSET_MIN, MAX_OFFSET_MIN),
        "pain_before": _integer(row, "pain_before", 0, 10, optional=True),
        "pain_after": _integer(row, "pain_after", 0, 10, optional=True),
        "effort": _integer(row, "effort", 1, 10, optional=True),
        "note": _text(row, "note", MAX_NOTE, empty=True, lines=True),
        "variant": _choice(row, "variant", VARIANTS),
    }


def step_values(row: Mapping[str, Any], started: str = "started_at") -> dict[str, Any]:
    """The fields of a step row, checked, as a :class:`qltimer.history.StepRecord` takes them.
    *started* is the name of the start field (an export says ``step_started_at``); the end's
    name follows it."""
    ended = started.replace("started", "ended")
    start = moment(row, started)
    end = moment(row, ended)
    assert start is not None and end is not None
    if not start <= end <= start + timedelta(seconds=DAY):
        raise RowError(ended, f"must be after {started} and within a day of it")
    return {
        "phase_index": _integer(row, "phase_index", 0, MAX_PHASE),
        "step_index": _integer(row, "step_index", 0, MAX_PHASE),
        "exercise": _text(row, "exercise", MAX_NAME),
        "kind": _choice(row, "kind", KINDS),
        "side": None if row.get("side") is None else _choice(row, "side", SIDES),
        "set_number": _integer(row, "set_number", 1, MAX_SETS),
        "target_seconds": _number(row, "target_seconds", 0.0, DAY, optional=True),
        "actual_seconds": _number(row, "actual_seconds", 0.0, DAY),
        "target_count": _integer(row, "target_count", 0, MAX_COUNT, optional=True),
        "actual_count": _integer(row, "actual_count", 0, MAX_COUNT, optional=True),
        "load_kg": _number(row, "load_kg", 0.0, MAX_LOAD_KG, optional=True),
        "skipped": _flag(row, "skipped"),
        "stopped_early": _flag(row, "stopped_early"),
        "reason": _optional_text(row, "reason", MAX_REASON),
        "started_at": start,
        "ended_at": end,
    }


def decision_values(row: Mapping[str, Any]) -> tuple[str, datetime, bool]:
    when = moment(row, "decided_at")
    assert when is not None
    return _text(row, "suggestion", MAX_NAME * 2), when, _flag(row, "accepted")
