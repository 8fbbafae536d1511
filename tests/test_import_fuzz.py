"""Import files from hypothesis: valid exports, mutated (wrong types, out-of-range values, missing
and extra keys, deep nesting, huge numbers, broken JSON). Each import either adds rows that all
read back, chart and export again, or is refused whole with a message naming the file; never a
traceback, never a partial import. QLTIMER_FUZZ_EXAMPLES=N for a longer run (300 in CI)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qltimer.history import (
    SESSION_FIELDS,
    STEP_FIELDS,
    History,
    HistoryError,
    export_json,
    import_file,
    open_history,
)
from tests.test_history import T0, fill, fixed_now

EXAMPLES = int(os.environ.get("QLTIMER_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _valid_rows() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        hist, _ = open_history(Path(tmp) / "source.sqlite3", now=fixed_now)
        fill(hist, 3)
        empty = hist.start_session("ball-release", "Release", "", T0 + timedelta(days=30))
        hist.finish_session(empty, "ended early", T0 + timedelta(days=30, minutes=1))
        rows: list[dict[str, Any]] = json.loads(export_json(hist))["rows"]
        hist.close()
    return rows


VALID = _valid_rows()
FIELDS = SESSION_FIELDS + STEP_FIELDS


def _nested(depth: int) -> Any:
    value: Any = 1
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 10**30, 2**63, 2**63 - 1, -(2**63)]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e308, 5e-324, -0.0, 0.5]),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z",
            "2026-03-02T07:30:00",
            "not a date",
            "left",
            "hold",
            "completed",
            "running",
            "a" * 5000,
            "\x00",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
        ]
    ),
    st.integers(min_value=1, max_value=600).map(_nested),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@st.composite
def mutated_docs(draw: st.DrawFn) -> bytes:
    rows = [dict(r) for r in VALID]
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        i = draw(st.integers(min_value=0, max_value=len(rows) - 1))
        what = draw(st.sampled_from(["set", "set", "set", "drop", "extra", "duplicate", "swap"]))
        if what == "set":
            rows[i][draw(st.sampled_from(FIELDS))] = draw(ODD_VALUES)
        elif what == "drop":
            rows[i].pop(draw(st.sampled_from(FIELDS)), None)
        elif what == "extra":
            rows[i][draw(st.text(min_size=1, max_size=12))] = draw(ODD_VALUES)
        elif what == "duplicate":
            rows.append(dict(rows[i]))
        else:
            j = draw(st.integers(min_value=0, max_value=len(rows) - 1))
            key = draw(st.sampled_from(FIELDS))
            rows[i][key], rows[j][key] = rows[j].get(key), rows[i].get(key)
    doc: Any = {"format": "qltimer-history", "version": 1, "rows": rows}
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        doc = draw(ODD_VALUES)  # not an export at all
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()))
    cut = draw(st.integers(min_value=0, max_value=20))
    if cut == 0:
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]  # cut short
    elif cut == 1:
        text = text.replace("1", "NaN", 1)
    return text.encode("utf-8")


@contextmanager
def _history() -> Iterator[tuple[History, Path]]:
    with tempfile.TemporaryDirectory() as tmp:
        hist, _ = open_history(Path(tmp) / "history.sqlite3", now=fixed_now)
        try:
            yield hist, Path(tmp)
        finally:
            hist.close()


def _counts(hist: History) -> tuple[int, int]:
    sessions = hist.conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    steps = hist.conn.execute("SELECT COUNT(*) FROM steps").fetchone()[0]
    return sessions, steps


@pytest.mark.slow
@FUZZ
@given(mutated_docs())
def test_a_mutated_export_is_taken_whole_and_reads_back_or_refused_whole(data: bytes) -> None:
    with _history() as (hist, folder):
        path = folder / "import.json"
        path.write_bytes(data)
        try:
            added = import_file(hist, path)
        except HistoryError as err:
            assert str(err).startswith(str(path)), err
            assert _counts(hist) == (0, 0), "refused, yet something was added"
            return
        assert added == _counts(hist)
        # Everything taken reads back through the same converters, charts and exports again.
        for record in hist.sessions():
            hist.steps(record.uuid)
            hist.previous(record.uuid)
            _ = record.local_start, record.duration
        hist.last_done()
        for exercise in hist.hold_exercises():
            hist.holds(exercise)
            hist.best_hold(exercise, "left")
        assert hist.unreadable == []
        again = folder / "again.json"
        again.write_text(export_json(hist), encoding="utf-8")
        with _history() as (other, _):
            assert import_file(other, again) == added


def test_the_unmutated_export_imports_whole() -> None:
    with _history() as (hist, folder):
        path = folder / "import.json"
        path.write_text(json.dumps({"format": "qltimer-history", "rows": VALID}))
        assert import_file(hist, path) == (4, 6)
