"""Properties of plan expansion over randomly built sessions (hypothesis)."""

from __future__ import annotations

import math
from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st

from qltimer.engine import PhaseKind, expand
from qltimer.script import CueSpec, Session, Sides, Step, StepKind

seconds = st.integers(min_value=1, max_value=600).map(float)
pauses = st.integers(min_value=0, max_value=60).map(float)


@st.composite
def steps(draw: st.DrawFn) -> Step:
    kind = draw(st.sampled_from(list(StepKind)))
    if kind is StepKind.REST:
        return Step(kind=kind, name="Rest", seconds=draw(seconds))
    common = dict(
        name=kind.value,
        sides=draw(st.sampled_from(list(Sides))),
        sets=draw(st.integers(min_value=1, max_value=4)),
        rest=draw(pauses),
        get_ready=draw(pauses),
        switch_sides=draw(pauses),
    )
    if kind is StepKind.HOLD:
        length = draw(seconds)
        return Step(
            kind=kind,
            seconds=length,
            as_long_as_you_can=draw(st.booleans()),
            cues=(CueSpec(halfway=True),),
            **common,
        )
    if kind is StepKind.REPS:
        cadence = draw(st.none() | st.sampled_from([1.0, 2.5, 3.0, 4.0]))
        return Step(kind=kind, reps=draw(st.integers(1, 30)), cadence=cadence, **common)
    if kind is StepKind.LAPS:
        return Step(kind=kind, laps=draw(st.integers(1, 20)), lap_seconds=draw(seconds), **common)
    if kind is StepKind.TIMED:
        return Step(
            kind=kind,
            seconds=draw(seconds),
            rhythm=draw(st.none() | st.sampled_from([1.0, 3.0, 4.0, 7.5])),
            **common,
        )
    return Step(
        kind=kind,
        breaths=draw(st.integers(1, 20)),
        inhale=draw(st.integers(1, 8).map(float)),
        hold_in=draw(st.integers(0, 4).map(float)),
        exhale=draw(st.integers(1, 8).map(float)),
        hold_out=draw(st.integers(0, 4).map(float)),
        **common,
    )


sessions = st.lists(steps(), min_size=1, max_size=8).map(
    lambda s: Session(id="gen", title="Generated", steps=tuple(s))
)


@given(sessions)
def test_total_duration_is_the_sum_of_its_phases(session: Session) -> None:
    plan = expand(session)
    assert math.isclose(plan.total_estimate, math.fsum(p.estimate for p in plan.phases))
    # ...and equals what the steps ask for, counted another way.
    expected = 0.0
    for step in session.steps:
        if step.kind is StepKind.REST:
            expected += step.work_seconds
            continue
        per_set = len(step.sides.order())
        expected += step.get_ready + step.sets * per_set * step.work_seconds
        expected += (step.sets - 1) * step.rest + step.sets * (per_set - 1) * step.switch_sides
    assert math.isclose(plan.total_estimate, expected)


@given(sessions)
def test_each_side_gets_the_same_time(session: Session) -> None:
    plan = expand(session)
    per_step: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for phase in plan.work_phases():
        if phase.step.sides is Sides.EACH:
            assert phase.side is not None
            per_step[phase.step_index][phase.side.value] += phase.estimate
    for sides in per_step.values():
        assert sides["left"] == sides["right"] > 0


@given(sessions)
def test_no_phase_is_zero_or_negative(session: Session) -> None:
    plan = expand(session)
    assert plan.phases
    for phase in plan.phases:
        assert phase.estimate > 0
        assert phase.duration is None or phase.duration > 0
        assert all(c.offset >= 0 for c in phase.cues)
        if phase.duration is not None:
            assert all(c.offset < phase.duration for c in phase.cues)
        assert [c.offset for c in phase.cues] == sorted(c.offset for c in phase.cues)


@given(sessions)
def test_every_work_set_and_side_appears_once_in_order(session: Session) -> None:
    plan = expand(session)
    for index, step in enumerate(session.steps):
        work = [(p.set_number, p.side) for p in plan.work_phases() if p.step_index == index]
        if step.kind is StepKind.REST:
            assert work == []
            rests = [p for p in plan.phases if p.step_index == index]
            assert [p.kind for p in rests] == [PhaseKind.REST]
            continue
        assert work == [(n, side) for n in range(1, step.sets + 1) for side in step.sides.order()]
