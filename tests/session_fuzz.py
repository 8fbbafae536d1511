"""Hypothesis strategies for session files: valid ones, and valid ones broken the ways people and
disks break them. Shared by tests/test_session_fuzz.py (a few hundred in CI) and
bench/fuzz_sessions.py (tens of thousands).

A broken file must get ``PATH:LINE:COL: message`` lines (never a traceback), a valid one must load
and expand, and either way within a second.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from qltimer.engine import expand
from qltimer.script import (
    CUE_SOUNDS,
    MAX_FILE_BYTES,
    MAX_NESTING,
    UTF8_BOM,
    ScriptError,
    parse_session,
)

PATH = "fuzz/session.toml"
LOCATED = re.compile(r"^fuzz/session\.toml:(\d+):(\d+): \S")

names = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(str.strip)
seconds = st.integers(1, 120) | st.floats(1.0, 120.0, allow_nan=False).map(lambda x: round(x, 1))
pauses = st.integers(0, 30)


@st.composite
def cues(draw: st.DrawFn, length: float | None) -> list[dict[str, Any]]:
    out = []
    for _ in range(draw(st.integers(0, 2))):
        cue: dict[str, Any] = {}
        if length is not None and length >= 2 and draw(st.booleans()):
            cue["at"] = draw(st.sampled_from(["halfway", 1]))
        elif length is not None and length >= 2:
            cue["before_end"] = 1
        else:
            continue
        if draw(st.booleans()):
            cue["say"] = draw(names)
        else:
            cue["sound"] = draw(st.sampled_from(sorted(CUE_SOUNDS)))
        out.append(cue)
    return out


@st.composite
def steps(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["hold", "reps", "laps", "timed", "breathe", "rest"]))
    step: dict[str, Any] = {"kind": kind}
    if kind != "rest" or draw(st.booleans()):
        step["name"] = draw(names)
    length: float | None = None
    if kind in ("hold", "timed", "rest"):
        step["seconds"] = length = draw(seconds)
    elif kind == "reps":
        step["reps"] = draw(st.integers(1, 30))
        if draw(st.booleans()):
            step["cadence"] = draw(st.sampled_from([1, 2, 2.5, 3]))
            length = step["reps"] * step["cadence"]
    elif kind == "laps":
        step["laps"] = draw(st.integers(1, 10))
        if draw(st.booleans()):
            step["load_kg"] = draw(st.integers(0, 40))
    else:
        step["breaths"] = draw(st.integers(1, 10))
        step["inhale"] = draw(st.integers(1, 8))
        step["exhale"] = draw(st.integers(1, 10))
    if kind != "rest":
        sides = draw(st.sampled_from(["none", "each", "left", "right"]))
        step["sides"] = sides
        if sides == "each" and draw(st.booleans()):
            step["switch_sides"] = draw(pauses)
        if draw(st.booleans()):
            step["sets"] = sets = draw(st.integers(1, 4))
            if sets > 1:
                step["rest"] = draw(pauses)
        if draw(st.booleans()):
            step["tips"] = draw(st.lists(names, max_size=3))
    step["cue"] = draw(cues(length)) if kind in ("hold", "timed") else []
    if not step["cue"]:
        del step["cue"]
    return step


@st.composite
def valid_docs(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {"title": draw(names)}
    if draw(st.booleans()):
        doc["phase"] = draw(st.integers(1, 2))
        doc["level"] = draw(st.integers(1, 9))
    if draw(st.booleans()):
        doc["frequency"] = {"times": draw(st.integers(1, 6)), "per": "week"}
    if draw(st.booleans()):
        doc["get_ready"] = draw(pauses)
    doc["step"] = draw(st.lists(steps(), min_size=1, max_size=6))
    return doc


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return (
            '"'
            + "".join(c if ord(c) >= 0x20 and c != "\x7f" else f"\\u{ord(c):04x}" for c in escaped)
            + '"'
        )
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def render(doc: dict[str, Any]) -> str:
    """The TOML text of *doc* (top-level keys, then one [[step]] table per step)."""
    lines = [f"{k} = {toml_value(v)}" for k, v in doc.items() if k != "step"]
    listed = doc.get("step")
    for step in listed if isinstance(listed, list) else []:
        if isinstance(step, dict):
            lines += ["", "[[step]]"] + [f"{k} = {toml_value(v)}" for k, v in step.items()]
        else:
            lines += ["", f"# a step that is not a table: {toml_value(step)}"]
    if "step" in doc and not isinstance(doc["step"], list):
        lines.append(f"step = {toml_value(doc['step'])}")
    return "\n".join(lines) + "\n"


EXTREME = st.sampled_from(
    [
        0,
        -1,
        -0.0,
        0.5,
        10**30,
        -(10**30),
        2**63,
        1e308,
        -1e308,
        5e-324,
        math.inf,
        -math.inf,
        math.nan,
    ]
)
WRONG = st.sampled_from(["ten", True, [1, 2], {"a": 1}, [], {}, 1.5, 7, ""])
BREAKERS = st.sampled_from(
    ['"', "[", "]", "=", "[[", "\n=", "{", "\\", "'''", '"""', "\n[step]\n", "\t", "#"]
)


@st.composite
def deep(draw: st.DrawFn) -> bytes:
    """A line of lists, inline tables or dotted keys nested around the limit or far past it
    (Python's stack gave out at a few hundred), sometimes left unclosed."""
    levels = draw(st.sampled_from([MAX_NESTING, MAX_NESTING + 1, 500, 5000]))
    if draw(st.integers(0, 3)) == 0:
        return ("a." * levels + "b = 1\n").encode()
    opener, closer = draw(st.sampled_from([("[", "]"), ("{ a = ", " }"), ("[{ a = ", " }]")]))
    closers = closer * draw(st.sampled_from([levels, levels // 2]))
    return f"deep = {opener * levels}1{closers}\n".encode()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid session file, then one to three of: a key removed, renamed or given a wrong type
    or an extreme number; characters of TOML syntax inserted or deleted; the file cut short;
    bytes that are not UTF-8; a byte-order mark; a line nested too deeply; or padding past the
    size limit."""
    doc = draw(valid_docs())
    for _ in range(draw(st.integers(1, 3))):
        listed = doc.get("step")
        tables = (
            [doc, *[s for s in listed if isinstance(s, dict)]]
            if isinstance(listed, list)
            else [doc]
        )
        table = draw(st.sampled_from(tables))
        if not table:
            continue
        key = draw(st.sampled_from(sorted(table)))
        what = draw(st.sampled_from(["remove", "rename", "wrong", "extreme", "text"]))
        if what == "remove":
            del table[key]
        elif what == "rename":
            new = draw(
                st.sampled_from([key[:-1], key + "s", key.upper(), key.replace("_", ""), "x" + key])
            )
            if new and new != key and new not in table:
                table[new] = table.pop(key)
        elif what == "wrong":
            table[key] = draw(WRONG)
        elif what == "extreme":
            table[key] = draw(EXTREME)
        else:
            break
    text = render(doc).encode("utf-8")
    for _ in range(draw(st.integers(0, 2))):
        how = draw(
            st.sampled_from(["insert", "delete", "truncate", "bytes", "bom", "deep", "none"])
        )
        at = draw(st.integers(0, len(text)))
        if how == "insert":
            text = text[:at] + draw(BREAKERS).encode() + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)) :]
        elif how == "truncate":
            text = text[:at]
        elif how == "bytes":
            text = (
                text[:at]
                + draw(st.sampled_from([b"\xff", b"\xfe\xff", b"\xc3", b"\x80\x80", b"\x00"]))
                + text[at:]
            )
        elif how == "bom":
            text = UTF8_BOM + text
        elif how == "deep":
            line_start = text.rfind(b"\n", 0, at) + 1
            text = text[:line_start] + draw(deep()) + text[line_start:]
    if draw(st.integers(0, 99)) == 0:  # now and then a file too big to be a session
        text += b"# " + b"x" * (MAX_FILE_BYTES + draw(st.integers(-10, 10))) + b"\n"
    return text


@dataclass
class Outcome:
    valid: bool
    problems: int
    seconds: float


def check(data: bytes) -> Outcome:
    """Validate *data*; fail unless the answer is a loaded session or located problems."""
    start = time.perf_counter()
    try:
        session = parse_session(data, PATH)
    except ScriptError as err:
        elapsed = time.perf_counter() - start
        assert err.problems, "a ScriptError with no problem in it"
        lines = data.count(b"\n") + 1
        for problem in err.problems:
            match = LOCATED.match(str(problem))
            assert match, f"not PATH:LINE:COL: {problem!r}"
            line, col = int(match[1]), int(match[2])
            assert 1 <= line <= lines and col >= 1, f"outside the file: {problem!r}"
        return Outcome(False, len(err.problems), elapsed)
    plan = expand(session)
    elapsed = time.perf_counter() - start
    assert plan.phases, "a valid session with nothing to do"
    return Outcome(True, 0, elapsed)
