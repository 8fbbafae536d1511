"""Session scripts: TOML files -> validated, immutable dataclasses.

The format is documented for people in ``docs/session-format.md``. Every problem in a file is
reported at once, each as ``PATH:LINE:COL: message`` (see :class:`Problem`), with a "did you mean"
for misspelt keys and the allowed range for impossible values. Reading a file never raises anything
but :class:`ScriptError`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qltimer.formats import short_number
from qltimer.tomlpos import KeyPath, Locations, Shape, locate, shape

if TYPE_CHECKING:
    import tomllib

# tomllib and difflib are imported where they are used: sessions taken from the cache of checked
# ones (qltimer.sessioncache) need neither, and the app starts sooner without them.

# CPython's own SHA-256: hashlib would map all of OpenSSL (4 MB resident) for one digest.
# Exported (as sha256) for the other readers of session files' bytes.
try:
    from _sha2 import sha256 as sha256  # type: ignore[import-not-found,unused-ignore]  # 3.12+
except ImportError:  # pragma: no cover - depends on the Python version
    try:
        from _sha256 import sha256 as sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
    except ImportError:
        from hashlib import sha256 as sha256  # type: ignore[assignment,unused-ignore]

MAX_FILE_BYTES = 1024 * 1024
# Lists and { } tables inside one another, and parts of a dotted key (a.b.c), at most: a session
# needs two (cue = [{ ... }]). Far below what would exhaust Python's stack while parsing (tomllib
# and the locator recurse into each level) and what makes long dotted keys slow (cost grows with
# the square of their length).
MAX_NESTING = 10
UTF8_BOM = b"\xef\xbb\xbf"
DAY = 86_400.0


class StepKind(StrEnum):
    HOLD = "hold"
    REPS = "reps"
    LAPS = "laps"
    TIMED = "timed"
    BREATHE = "breathe"
    REST = "rest"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"


class Sides(StrEnum):
    EACH = "each"
    LEFT = "left"
    RIGHT = "right"
    NONE = "none"

    def order(self) -> tuple[Side | None, ...]:
        """The sides a set goes through, in order: left first, as PROGRAM.md does."""
        if self is Sides.EACH:
            return (Side.LEFT, Side.RIGHT)
        if self is Sides.LEFT:
            return (Side.LEFT,)
        if self is Sides.RIGHT:
            return (Side.RIGHT,)
        return (None,)


class Per(StrEnum):
    DAY = "day"
    WEEK = "week"


# Sounds a cue may name; assets/cues/<name>.wav carries each (see docs/session-format.md).
CUE_SOUNDS = (
    "chime",
    "tick",
    "go",
    "done",
    "rest",
    "get-ready",
    "left-side",
    "right-side",
    "switch-sides",
    "halfway",
    "ten-seconds",
    "five-seconds",
    "count-1",
    "count-2",
    "count-3",
    "breathe-in",
    "breathe-out",
    "target",
    "shift-ball",
    "complete",
    "left-hand",
    "right-hand",
    "lap",
)


@dataclass(frozen=True, kw_only=True)
class CueSpec:
    """A cue written in a session file, placed within a work period.

    Exactly one of ``at`` (seconds after the work starts), ``halfway`` or ``before_end`` is set.
    """

    at: float | None = None
    halfway: bool = False
    before_end: float | None = None
    say: str = ""
    sound: str | None = None

    def offset(self, length: float) -> float:
        """Seconds after the start of a work period of *length* seconds."""
        if self.halfway:
            return length / 2
        if self.before_end is not None:
            return length - self.before_end
        assert self.at is not None
        return self.at


@dataclass(frozen=True, kw_only=True)
class Frequency:
    """How often the session is meant to be done: ``times`` per ``per``, for ``for_days`` days."""

    times: int
    per: Per
    for_days: int | None = None

    def describe(self) -> str:
        unit = "a day" if self.per is Per.DAY else "a week"
        what = (
            "daily" if (self.per is Per.DAY and self.times == 1) else f"{self.times} times {unit}"
        )
        if self.times == 1 and self.per is Per.WEEK:
            what = "once a week"
        return f"{what} for {self.for_days} days" if self.for_days else what


@dataclass(frozen=True, kw_only=True)
class Step:
    """One exercise (or a rest) in a session, with everything needed to time it."""

    kind: StepKind
    name: str
    instruction: str = ""
    tips: tuple[str, ...] = ()
    sides: Sides = Sides.NONE
    sets: int = 1
    rest: float = 0.0  # between sets
    get_ready: float = 0.0
    switch_sides: float = 0.0
    cues: tuple[CueSpec, ...] = ()
    # hold, timed, rest
    seconds: float | None = None
    as_long_as_you_can: bool = False
    form_check: bool = False  # the camera may watch this hold's body line (qltimer.formcheck)
    # reps
    reps: int | None = None
    cadence: float | None = None
    # laps
    laps: int | None = None
    distance_m: float | None = None
    load_kg: float | None = None
    lap_seconds: float = 15.0
    # timed
    rhythm: float | None = None
    rhythm_words: tuple[str, ...] = ()
    # breathe
    breaths: int | None = None
    inhale: float = 0.0
    hold_in: float = 0.0
    exhale: float = 0.0
    hold_out: float = 0.0
    line: int = 0  # where the step starts in its file, for messages

    @property
    def breath_cycle(self) -> float:
        return self.inhale + self.hold_in + self.exhale + self.hold_out

    @property
    def open_ended(self) -> bool:
        """True when a work period has no fixed end and finishes on the person's word."""
        if self.kind is StepKind.HOLD:
            return self.as_long_as_you_can
        if self.kind is StepKind.REPS:
            return self.cadence is None
        return self.kind is StepKind.LAPS

    @property
    def counted_by_key(self) -> bool:
        """True when the person counts the work with a key (laps, and reps without a pace):
        the one rule the engine counts by and the run screen shows its count key by."""
        return self.kind is StepKind.LAPS or (self.kind is StepKind.REPS and self.cadence is None)

    @property
    def work_seconds(self) -> float:
        """Planned length of one work period (or of the rest); an estimate when open-ended."""
        if self.kind in (StepKind.HOLD, StepKind.TIMED, StepKind.REST):
            assert self.seconds is not None
            return self.seconds
        if self.kind is StepKind.REPS:
            assert self.reps is not None
            return self.reps * (self.cadence if self.cadence is not None else REPS_ESTIMATE)
        if self.kind is StepKind.LAPS:
            assert self.laps is not None
            return self.laps * self.lap_seconds
        assert self.breaths is not None
        return self.breaths * self.breath_cycle

    @property
    def target_count(self) -> int | None:
        if self.kind is StepKind.REPS:
            return self.reps
        if self.kind is StepKind.LAPS:
            return self.laps
        return None


REPS_ESTIMATE = 3.0  # seconds a rep is assumed to take when no cadence is set


@dataclass(frozen=True, kw_only=True)
class Session:
    """A whole routine, as read from one file. ``id`` is the file name without ``.toml``."""

    id: str
    title: str
    summary: str = ""
    phase: int | None = None
    level: int | None = None
    frequency: Frequency | None = None
    equipment: tuple[str, ...] = ()
    floor: bool = True
    steps: tuple[Step, ...] = ()
    source: Path | None = None
    sha256: str = ""

    @property
    def level_label(self) -> str:
        if self.phase is None:
            return ""
        phase = {1: "Phase One", 2: "Phase Two"}.get(self.phase, f"Phase {self.phase}")
        return f"{phase}, level {self.level}" if self.level else phase


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a file, located for an editor: ``PATH:LINE:COL: message``."""

    path: str
    line: int
    col: int
    message: str = field(compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class ScriptError(Exception):
    """A session file could not be used; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# -- the schema ---------------------------------------------------------------------------------

SESSION_KEYS = (
    "title",
    "summary",
    "phase",
    "level",
    "frequency",
    "equipment",
    "floor",
    "get_ready",
    "switch_sides",
    "step",
)
FREQUENCY_KEYS = ("times", "per", "for_days")
CUE_KEYS = ("at", "before_end", "say", "sound")
COMMON_STEP_KEYS = (
    "kind",
    "name",
    "instruction",
    "tips",
    "sides",
    "sets",
    "rest",
    "get_ready",
    "switch_sides",
    "cue",
)
KIND_KEYS: dict[StepKind, tuple[str, ...]] = {
    StepKind.HOLD: ("seconds", "as_long_as_you_can", "form_check"),
    StepKind.REPS: ("reps", "cadence"),
    StepKind.LAPS: ("laps", "distance_m", "load_kg", "lap_seconds"),
    StepKind.TIMED: ("seconds", "rhythm", "rhythm_words"),
    StepKind.BREATHE: ("breaths", "inhale", "hold_in", "exhale", "hold_out"),
    StepKind.REST: ("seconds",),
}
REST_STEP_KEYS = ("kind", "name", "instruction", "tips", "seconds", "cue")

DEFAULT_GET_READY = 10.0
DEFAULT_SWITCH_SIDES = 10.0
DEFAULT_SET_REST = 30.0

# Allowed ranges, in the units the file uses.
WORK_RANGE = (1.0, 7200.0)  # one work period: a second to two hours
REST_RANGE = (1.0, DAY)  # a rest step: up to a day
PAUSE_RANGE = (0.0, 600.0)  # get-ready and switch-sides lead-ins
SET_REST_RANGE = (0.0, DAY)


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 40 else f'"{value[:37]}..."'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, float) and math.isfinite(value):
        return short_number(value)
    return str(value)


class _Checker:
    """Reads values out of parsed TOML, noting a located problem for each thing wrong."""

    def __init__(self, path: str, loc: Locations) -> None:
        self.path = path
        self.loc = loc
        self.problems: list[Problem] = []
        # Keys already suggested for a misspelling, so "needs 'x'" isn't said twice for one typo.
        self.suggested: set[KeyPath] = set()

    def missing(self, kp: KeyPath, key: str, message: str) -> None:
        if (*kp, key) not in self.suggested:
            self.key_problem(kp, message)

    def problem_at(self, where: tuple[int, int], message: str) -> None:
        self.problems.append(Problem(self.path, where[0], where[1], message))

    def value_problem(self, kp: KeyPath, message: str) -> None:
        self.problem_at(self.loc.value(kp), message)

    def key_problem(self, kp: KeyPath, message: str) -> None:
        self.problem_at(self.loc.key(kp), message)

    def unknown_keys(
        self,
        table: Mapping[str, Any],
        kp: KeyPath,
        allowed: Iterable[str],
        what: str,
        elsewhere: Mapping[str, str] | None = None,
    ) -> None:
        allowed = tuple(allowed)
        for key in table:
            if key in allowed:
                continue
            if elsewhere and key in elsewhere:
                self.key_problem((*kp, key), f"'{key}' is not used by {what} ({elsewhere[key]})")
                continue
            import difflib

            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if close:
                self.suggested.add((*kp, close[0]))
            hint = (
                f"; did you mean '{close[0]}'?"
                if close
                else f"; {what} takes: " + ", ".join(allowed)
            )
            self.key_problem((*kp, key), f"unknown key '{key}' in {what}{hint}")

    def number(
        self,
        table: Mapping[str, Any],
        kp: KeyPath,
        key: str,
        lo: float,
        hi: float,
        *,
        unit: str = "seconds",
        integer: bool = False,
        default: float | None = None,
        required: bool = False,
        where: str = "",
    ) -> float | None:
        if key not in table:
            if required:
                self.missing(kp, key, f"{where or 'this table'} needs '{key}'")
            return default
        value = table[key]
        kind = "a whole number" if integer else "a number"
        allowed = f"{short_number(lo)} to {short_number(hi)}" + (f" {unit}" if unit else "")
        ok_type = (
            isinstance(value, int)
            if integer
            else isinstance(value, int | float)
            and not (isinstance(value, float) and not math.isfinite(value))
        )
        if isinstance(value, bool) or not ok_type:
            self.value_problem(
                (*kp, key), f"'{key}' must be {kind} from {allowed}, not {_describe(value)}"
            )
            return default
        if not lo <= value <= hi:
            if value <= 0 < lo:
                why = "zero" if value == 0 else "negative"
                self.value_problem(
                    (*kp, key),
                    f"'{key}' can't be {why} ({_describe(value)}); allowed: {allowed}",
                )
            else:
                self.value_problem((*kp, key), f"'{key}' is {_describe(value)}; allowed: {allowed}")
            return default
        return float(value)

    def integer(
        self,
        table: Mapping[str, Any],
        kp: KeyPath,
        key: str,
        lo: int,
        hi: int,
        *,
        unit: str = "",
        default: int | None = None,
        required: bool = False,
        where: str = "",
    ) -> int | None:
        got = self.number(
            table,
            kp,
            key,
            lo,
            hi,
            unit=unit,
            integer=True,
            default=None if default is None else float(default),
            required=required,
            where=where,
        )
        return None if got is None else int(got)

    def text(
        self,
        table: Mapping[str, Any],
        kp: KeyPath,
        key: str,
        *,
        max_len: int,
        required: bool = False,
        default: str = "",
        where: str = "",
    ) -> str:
        if key not in table:
            if required:
                self.missing(kp, key, f"{where or 'this table'} needs '{key}'")
            return default
        value = table[key]
        if not isinstance(value, str):
            self.value_problem(
                (*kp, key), f"'{key}' must be text in quotes, not {_describe(value)}"
            )
            return default
        value = value.strip()
        if required and not value:
            self.value_problem((*kp, key), f"'{key}' can't be empty")
            return default
        if len(value) > max_len:
            self.value_problem(
                (*kp, key), f"'{key}' is {len(value)} characters long; at most {max_len}"
            )
            return value[:max_len]
        return value

    def texts(
        self, table: Mapping[str, Any], kp: KeyPath, key: str, *, max_len: int, max_items: int
    ) -> tuple[str, ...]:
        """A list of short texts; a single text is taken as a list of one."""
        if key not in table:
            return ()
        value = table[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.value_problem(
                (*kp, key), f"'{key}' must be a list of texts in quotes, not {_describe(value)}"
            )
            return ()
        if len(value) > max_items:
            self.value_problem((*kp, key), f"'{key}' has {len(value)} entries; at most {max_items}")
        out: list[str] = []
        for i, item in enumerate(value[:max_items]):
            if not isinstance(item, str):
                self.value_problem(
                    (*kp, key, i),
                    f"each entry of '{key}' must be text in quotes, not {_describe(item)}",
                )
            elif len(item.strip()) > max_len:
                self.value_problem(
                    (*kp, key, i),
                    f"an entry of '{key}' is {len(item.strip())} characters long; "
                    f"at most {max_len}",
                )
            elif item.strip():
                out.append(item.strip())
        return tuple(out)

    def boolean(self, table: Mapping[str, Any], kp: KeyPath, key: str, default: bool) -> bool:
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, bool):
            self.value_problem(
                (*kp, key), f"'{key}' must be true or false (no quotes), not {_describe(value)}"
            )
            return default
        return value

    def choice(
        self,
        table: Mapping[str, Any],
        kp: KeyPath,
        key: str,
        choices: Iterable[str],
        *,
        default: str | None = None,
        required: bool = False,
        where: str = "",
    ) -> str | None:
        choices = tuple(choices)
        if key not in table:
            if required:
                self.missing(
                    kp, key, f"{where or 'this table'} needs '{key}' (one of: {', '.join(choices)})"
                )
            return default
        value = table[key]
        if isinstance(value, str) and value.strip().lower() in choices:
            return value.strip().lower()
        import difflib

        close = (
            difflib.get_close_matches(value.strip().lower(), choices, n=1, cutoff=0.5)
            if isinstance(value, str)
            else []
        )
        hint = f'did you mean "{close[0]}"? ' if close else ""
        self.value_problem(
            (*kp, key),
            f"'{key}' can't be {_describe(value)}; {hint}choose one of: "
            + ", ".join(f'"{c}"' for c in choices),
        )
        return default

    def tables(self, table: Mapping[str, Any], kp: KeyPath, key: str) -> list[dict[str, Any]]:
        """An array of tables (``[[key]]`` or ``key = [{...}]``); anything else is a problem."""
        if key not in table:
            return []
        value = table[key]
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.value_problem(
                (*kp, key),
                f"'{key}' must be written as [[{key}]] tables (or a list of {{ ... }}), "
                f"not {_describe(value)}",
            )
            return []
        return value


# -- reading ------------------------------------------------------------------------------------

_TOML_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


def _syntax_problem(path: str, text: str, err: tomllib.TOMLDecodeError) -> Problem:
    message = str(getattr(err, "msg", None) or err)
    line, col = 1, 1
    if m := _TOML_POS.search(message):
        line, col = int(m.group(1)), int(m.group(2))
        message = message[: m.start()]
    elif m := _TOML_END.search(message):
        lines = text.split("\n")
        line, col = len(lines), len(lines[-1]) + 1
        message = message[: m.start()] + " at the end of the file"
    # Python 3.14+ gives the position as attributes; earlier versions only in the message.
    lineno, colno = getattr(err, "lineno", None), getattr(err, "colno", None)
    if isinstance(lineno, int) and isinstance(colno, int) and lineno:
        line, col = lineno, colno
    message = message[0].lower() + message[1:] if message else "not valid TOML"
    return Problem(path, line, col, f"not valid TOML: {message}")


def _decode(path: str, data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise ScriptError(
            [
                Problem(
                    path,
                    1,
                    1,
                    f"the file is {len(data):,} bytes; a session file may be at most "
                    f"{MAX_FILE_BYTES:,} bytes",
                )
            ]
        )
    # A byte-order mark is allowed by TOML and written by some editors; it is not a character an
    # editor shows, so it counts for neither parsing nor columns.
    body = data.removeprefix(UTF8_BOM)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        before = body[: err.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        raise ScriptError(
            [
                Problem(
                    path,
                    line,
                    col,
                    f"the file is not UTF-8 text (byte 0x{body[err.start]:02x}); "
                    "save it as UTF-8 in your editor",
                )
            ]
        ) from None


def parse_session(text: str | bytes, path: str | Path, *, session_id: str | None = None) -> Session:
    """Validate session text from *path* (used for messages and the id); raise ScriptError."""
    path_str = str(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    decoded = _decode(path_str, data)
    found = shape(decoded, MAX_NESTING)
    if found.too_deep is not None:
        if found.too_deep_key:
            message = f"this dotted key is nested too deeply (at most {MAX_NESTING} parts)"
        else:
            message = f"lists and tables are nested too deeply here (at most {MAX_NESTING} levels)"
        raise ScriptError([Problem(path_str, *found.too_deep, message)])
    sid = session_id if session_id is not None else Path(path_str).stem
    try:
        return _parse(data, decoded, path_str, sid, found)
    except RecursionError:  # a backstop: shape() keeps nesting far below Python's stack
        message = f"the file is nested too deeply to read (at most {MAX_NESTING} levels)"
        raise ScriptError([Problem(path_str, 1, 1, message)]) from None


def _parse(data: bytes, decoded: str, path: str, sid: str, found: Shape) -> Session:
    import tomllib

    try:
        doc = tomllib.loads(decoded)
    except tomllib.TOMLDecodeError as err:
        problem = _syntax_problem(path, decoded, err)
        # tomllib finds an unclosed multi-line string only at the end of the file (or at
        # something in the rest of the file, now read as the string): say where it begins.
        if found.unclosed is not None and (problem.line, problem.col) >= found.unclosed:
            quote = found.unclosed_quote
            problem = Problem(
                path,
                *found.unclosed,
                f"not valid TOML: the {quote} text that starts here is never closed; "
                f"end it with {quote}",
            )
        raise ScriptError([problem]) from None
    return _build_session(doc, locate(decoded), path, sid, sha256(data).hexdigest())


def load_session(path: Path) -> Session:
    """Read and validate one session file; raise ScriptError (never anything else)."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ScriptError(
            [Problem(str(path), 1, 1, f"can't read the file: {err.strerror}")]
        ) from None
    return replace(parse_session(data, path), source=path)


def _build_session(
    doc: dict[str, Any], loc: Locations, path: str, sid: str, digest: str
) -> Session:
    c = _Checker(path, loc)
    c.unknown_keys(doc, (), SESSION_KEYS, "a session")
    title = c.text(doc, (), "title", max_len=120, required=True, where="a session")
    summary = c.text(doc, (), "summary", max_len=2000)
    phase = c.integer(doc, (), "phase", 1, 2)
    level = c.integer(doc, (), "level", 1, 9)
    equipment = c.texts(doc, (), "equipment", max_len=80, max_items=20)
    floor = c.boolean(doc, (), "floor", True)
    get_ready = c.number(doc, (), "get_ready", *PAUSE_RANGE, default=DEFAULT_GET_READY)
    switch = c.number(doc, (), "switch_sides", *PAUSE_RANGE, default=DEFAULT_SWITCH_SIDES)
    assert get_ready is not None and switch is not None

    frequency: Frequency | None = None
    if "frequency" in doc:
        f = doc["frequency"]
        if not isinstance(f, dict):
            c.value_problem(
                ("frequency",),
                'frequency must be a table such as { times = 3, per = "week" }, '
                f"not {_describe(f)}",
            )
        else:
            kp: KeyPath = ("frequency",)
            c.unknown_keys(f, kp, FREQUENCY_KEYS, "frequency")
            per = c.choice(f, kp, "per", [p.value for p in Per], required=True, where="frequency")
            hi = 14 if per == Per.WEEK else 6
            times = c.integer(f, kp, "times", 1, hi, required=True, where="frequency")
            for_days = c.integer(f, kp, "for_days", 1, 366, unit="days")
            if per is not None and times is not None:
                frequency = Frequency(times=times, per=Per(per), for_days=for_days)

    steps_raw = c.tables(doc, (), "step")
    if "step" not in doc:
        c.problem_at((1, 1), "a session needs at least one [[step]]")
    steps = [
        s
        for i, raw in enumerate(steps_raw)
        if (s := _build_step(c, raw, ("step", i), get_ready, switch)) is not None
    ]

    if c.problems:
        raise ScriptError(c.problems)
    return Session(
        id=sid,
        title=title,
        summary=summary,
        phase=phase,
        level=level,
        frequency=frequency,
        equipment=equipment,
        floor=floor,
        steps=tuple(steps),
        sha256=digest,
    )


def _kind_owner(key: str) -> str:
    owners = [k.value for k, keys in KIND_KEYS.items() if key in keys]
    return "it belongs to " + " and ".join(f"{o} steps" for o in owners)


def _build_step(
    c: _Checker, raw: dict[str, Any], kp: KeyPath, get_ready: float, switch: float
) -> Step | None:
    before = len(c.problems)
    line = c.loc.value(kp)[0]
    kinds = [k.value for k in StepKind]
    kind_s = c.choice(raw, kp, "kind", kinds, required=True, where="a step")
    name_default = "Rest" if kind_s == StepKind.REST else ""
    name = (
        c.text(
            raw,
            kp,
            "name",
            max_len=80,
            required=kind_s != StepKind.REST,
            default=name_default,
            where="a step",
        )
        or name_default
    )
    instruction = c.text(raw, kp, "instruction", max_len=600)
    tips = c.texts(raw, kp, "tips", max_len=200, max_items=10)
    if kind_s is None:
        # Without a kind the other keys can't be judged; the kind problem is enough.
        return None
    kind = StepKind(kind_s)
    what = f"a {kind.value} step"

    if kind is StepKind.REST:
        elsewhere = {k: "a rest has no sides, sets or lead-in" for k in COMMON_STEP_KEYS}
        elsewhere.update({k: _kind_owner(k) for keys in KIND_KEYS.values() for k in keys})
        c.unknown_keys(raw, kp, REST_STEP_KEYS, what, elsewhere)
        seconds = c.number(raw, kp, "seconds", *REST_RANGE, required=True, where=what)
        cues = _build_cues(c, raw, kp, kind, seconds, open_ended=False)
        if len(c.problems) > before or seconds is None:
            return None
        return Step(
            kind=kind,
            name=name,
            instruction=instruction,
            tips=tips,
            seconds=seconds,
            cues=cues,
            line=line,
        )

    allowed = COMMON_STEP_KEYS + KIND_KEYS[kind]
    elsewhere = {k: _kind_owner(k) for keys in KIND_KEYS.values() for k in keys if k not in allowed}
    c.unknown_keys(raw, kp, allowed, what, elsewhere)
    sides_s = c.choice(raw, kp, "sides", [s.value for s in Sides], default=Sides.NONE.value)
    sides = Sides(sides_s or Sides.NONE.value)
    sets = c.integer(raw, kp, "sets", 1, 20, default=1) or 1
    rest = c.number(raw, kp, "rest", *SET_REST_RANGE, default=DEFAULT_SET_REST if sets > 1 else 0.0)
    step_ready = c.number(raw, kp, "get_ready", *PAUSE_RANGE, default=get_ready)
    step_switch = c.number(raw, kp, "switch_sides", *PAUSE_RANGE, default=switch)
    extra: dict[str, Any] = {}
    open_ended = False
    length: float | None = None

    if kind is StepKind.HOLD:
        extra["seconds"] = length = c.number(
            raw, kp, "seconds", *WORK_RANGE, required=True, where=what
        )
        extra["as_long_as_you_can"] = open_ended = c.boolean(raw, kp, "as_long_as_you_can", False)
        extra["form_check"] = c.boolean(raw, kp, "form_check", False)
    elif kind is StepKind.REPS:
        extra["reps"] = reps = c.integer(raw, kp, "reps", 1, 500, required=True, where=what)
        extra["cadence"] = cadence = c.number(raw, kp, "cadence", 0.5, 60.0)
        open_ended = "cadence" not in raw
        if reps is not None and cadence is not None:
            length = reps * cadence
            if length > WORK_RANGE[1]:
                c.value_problem(
                    (*kp, "cadence"),
                    f"{reps} reps at {short_number(cadence)} seconds each "
                    f"take {short_number(length)} seconds; at most {short_number(WORK_RANGE[1])}",
                )
    elif kind is StepKind.LAPS:
        extra["laps"] = c.integer(raw, kp, "laps", 1, 500, required=True, where=what)
        extra["distance_m"] = c.number(raw, kp, "distance_m", 0.5, 10_000.0, unit="metres")
        extra["load_kg"] = c.number(raw, kp, "load_kg", 0.0, 500.0, unit="kg")
        extra["lap_seconds"] = c.number(raw, kp, "lap_seconds", 1.0, 3600.0, default=15.0)
        open_ended = True
    elif kind is StepKind.TIMED:
        extra["seconds"] = length = c.number(
            raw, kp, "seconds", *WORK_RANGE, required=True, where=what
        )
        extra["rhythm"] = c.number(raw, kp, "rhythm", 0.5, 600.0)
        extra["rhythm_words"] = c.texts(raw, kp, "rhythm_words", max_len=30, max_items=8)
        if extra["rhythm_words"] and "rhythm" not in raw:
            c.key_problem((*kp, "rhythm_words"), "'rhythm_words' needs a 'rhythm' (seconds a beat)")
    elif kind is StepKind.BREATHE:
        extra["breaths"] = breaths = c.integer(
            raw, kp, "breaths", 1, 500, required=True, where=what
        )
        phases = {}
        for key, lo, req in (
            ("inhale", 1.0, True),
            ("hold_in", 0.0, False),
            ("exhale", 1.0, True),
            ("hold_out", 0.0, False),
        ):
            phases[key] = c.number(raw, kp, key, lo, 60.0, required=req, where=what, default=0.0)
        extra.update({k: v for k, v in phases.items() if v is not None})
        if breaths is not None and all(v is not None for v in phases.values()):
            length = breaths * sum(v for v in phases.values() if v is not None)
            if length > WORK_RANGE[1]:
                c.value_problem(
                    (*kp, "breaths"),
                    f"{breaths} breaths take {short_number(length)} seconds; "
                    f"at most {short_number(WORK_RANGE[1])}",
                )

    if sides is not Sides.EACH and "switch_sides" in raw:
        c.key_problem((*kp, "switch_sides"), "'switch_sides' needs sides = \"each\"")
    if sets == 1 and "rest" in raw and rest:
        c.key_problem((*kp, "rest"), "'rest' is the pause between sets, but this step has one set")

    cues = _build_cues(c, raw, kp, kind, length, open_ended=open_ended)
    if len(c.problems) > before:
        return None
    assert rest is not None and step_ready is not None and step_switch is not None
    return Step(
        kind=kind,
        name=name,
        instruction=instruction,
        tips=tips,
        sides=sides,
        sets=sets,
        rest=rest if sets > 1 else 0.0,
        get_ready=step_ready,
        switch_sides=step_switch if sides is Sides.EACH else 0.0,
        cues=cues,
        line=line,
        **{k: v for k, v in extra.items() if v is not None},
    )


def _build_cues(
    c: _Checker,
    raw: dict[str, Any],
    kp: KeyPath,
    kind: StepKind,
    length: float | None,
    *,
    open_ended: bool,
) -> tuple[CueSpec, ...]:
    out: list[CueSpec] = []
    for i, cue in enumerate(c.tables(raw, kp, "cue")):
        ckp: KeyPath = (*kp, "cue", i)
        before = len(c.problems)
        c.unknown_keys(cue, ckp, CUE_KEYS, "a cue")
        say = c.text(cue, ckp, "say", max_len=80)
        sound = c.choice(cue, ckp, "sound", CUE_SOUNDS)
        given = [k for k in ("at", "before_end") if k in cue]
        if len(given) != 1:
            c.key_problem(
                ckp,
                "a cue needs exactly one of 'at' (seconds from the start, or \"halfway\") "
                "or 'before_end' (seconds before the end)",
            )
            continue
        spec: CueSpec | None = None
        limit = length if length is not None else WORK_RANGE[1]
        if "at" in cue and cue["at"] == "halfway":
            if open_ended and length is None:
                c.value_problem((*ckp, "at"), '"halfway" needs a step with a set length')
            else:
                spec = CueSpec(halfway=True, say=say, sound=sound)
        elif "at" in cue:
            if isinstance(cue["at"], str):
                c.value_problem(
                    (*ckp, "at"),
                    f"'at' must be a number of seconds or \"halfway\", not {_describe(cue['at'])}",
                )
            else:
                hi = limit if open_ended else max(limit - 0.5, 0.5)
                at = c.number(cue, ckp, "at", 0.5, hi)
                if at is not None:
                    spec = CueSpec(at=at, say=say, sound=sound)
        else:
            if open_ended:
                c.key_problem(
                    (*ckp, "before_end"),
                    "'before_end' needs a step with a set end; this one ends when you say so",
                )
            else:
                hi = max(limit - 0.5, 0.5)
                be = c.number(cue, ckp, "before_end", 0.5, hi)
                if be is not None:
                    spec = CueSpec(before_end=be, say=say, sound=sound)
        if spec is not None and len(c.problems) == before:
            out.append(spec)
    return tuple(out)
