"""The engine's side of the camera form check: a hold ended because form was lost."""

from __future__ import annotations

import pytest

from qltimer.engine import (
    CAMERA,
    CueDue,
    CueKind,
    EndReason,
    PhaseEnded,
    PhaseKind,
    Run,
    StepResult,
    expand,
)
from qltimer.script import ScriptError
from tests.helpers import FakeClock, session_from

T0 = 1000.0  # FakeClock starts here
PLANK = """
title = "Plank"
get_ready = 5
[[step]]
kind = "hold"
name = "Side plank"
sides = "each"
seconds = 60
switch_sides = 10
form_check = true
"""


def started(text: str = PLANK) -> tuple[Run, FakeClock]:
    clock = FakeClock()
    run = Run(expand(session_from(text)), clock)
    run.start()
    clock.now = T0 + 5.0  # the get-ready is over: the left side's hold begins
    run.advance()
    assert run.phase is not None and run.phase.is_work
    return run, clock


def test_form_lost_ends_the_hold_recorded_until_form_went() -> None:
    run, clock = started()
    clock.now = T0 + 5.0 + 31.3  # noticed at 31.3 s into the hold...
    events = run.form_lost(T0 + 5.0 + 30.2)  # ...form went at 30.2 s
    result = next(e for e in events if isinstance(e, StepResult))
    assert result.actual_seconds == pytest.approx(30.2)
    assert result.stopped_early and not result.skipped
    assert result.reason == CAMERA
    ended = next(e for e in events if isinstance(e, PhaseEnded))
    assert ended.reason is EndReason.FORM_LOST
    cue = next(e for e in events if isinstance(e, CueDue) and e.cue.kind is CueKind.WORK_END)
    assert cue.cue.sound == "form-lost"
    assert cue.cue.text == "Form lost: 30 s held"
    assert cue.cue.said == "Form lost. Thirty seconds."
    # On to the switch, as a timed end would: its countdown starts now, whole.
    assert run.phase is not None and run.phase.kind is PhaseKind.SWITCH
    assert run.snapshot().remaining == pytest.approx(10.0)


def test_form_lost_is_ignored_outside_a_checked_running_hold() -> None:
    run, clock = started()
    run.pause()
    assert run.form_lost(clock.now) == []
    run.resume()
    run.done_now()  # the person ended it first: now in the switch
    assert run.form_lost(clock.now) == []
    no_check = PLANK.replace("form_check = true\n", "")
    run2, clock2 = started(no_check)
    assert run2.form_lost(clock2.now) == []


def test_a_verdict_after_the_deadline_changes_nothing() -> None:
    run, clock = started()
    clock.now = T0 + 5.0 + 60.5  # the hold's time ran out before the verdict was handled
    events = run.form_lost(T0 + 5.0 + 59.0)
    result = next(e for e in events if isinstance(e, StepResult))
    assert result.reason is None and not result.stopped_early  # the deadline came first
    assert run.phase is not None and run.phase.kind is PhaseKind.SWITCH


def test_form_check_is_a_hold_key_only() -> None:
    bad = PLANK.replace('kind = "hold"', 'kind = "reps"\nreps = 3').replace("seconds = 60\n", "")
    with pytest.raises(ScriptError, match="form_check"):
        session_from(bad)
    with pytest.raises(ScriptError, match="true or false"):
        session_from(PLANK.replace("form_check = true", 'form_check = "yes"'))
