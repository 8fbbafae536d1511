"""Session files from hypothesis: valid ones load; broken ones get located messages, never a
traceback; each within a second. QLTIMER_FUZZ_EXAMPLES=20000 (or bench/fuzz_sessions.py) for a
long run; CI keeps a few hundred."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qltimer.script import UTF8_BOM
from tests.session_fuzz import check, mutated, render, valid_docs

EXAMPLES = int(os.environ.get("QLTIMER_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.slow
@FUZZ
@given(valid_docs(), st.booleans())
def test_every_generated_valid_session_loads_and_expands(doc: dict[str, object], bom: bool) -> None:
    outcome = check((UTF8_BOM if bom else b"") + render(doc).encode("utf-8"))
    assert outcome.valid
    assert outcome.seconds < 1.0


@pytest.mark.slow
@FUZZ
@given(mutated())
def test_a_broken_session_file_gets_located_messages_never_a_traceback(data: bytes) -> None:
    outcome = check(data)
    assert outcome.seconds < 1.0, f"{outcome.seconds:.2f} s for one file"
