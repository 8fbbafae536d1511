"""Test helpers: a clock the test moves by hand, and compact ways to build sessions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from qltimer.engine import Event, Run, SessionEnded, StepResult, expand
from qltimer.history import History, SessionRecord, StepRecord
from qltimer.recording import Recorder
from qltimer.script import Session, Step, StepKind, parse_session


@dataclass
class FakeClock:
    """A monotonic clock that only moves when told to."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> float:
        self.now += seconds
        return self.now


def step_record(
    phase_index: int,
    exercise: str,
    kind: str,
    side: str | None,
    started: datetime,
    seconds: float,
    **fields: Any,
) -> StepRecord:
    """A history step with the usual defaults (set 1, nothing skipped); *fields* override."""
    values: dict[str, Any] = dict(
        phase_index=phase_index,
        step_index=1,
        exercise=exercise,
        kind=kind,
        side=side,
        set_number=1,
        target_seconds=None,
        actual_seconds=seconds,
        target_count=None,
        actual_count=None,
        load_kg=None,
        skipped=False,
        stopped_early=False,
        reason=None,
        started_at=started,
        ended_at=started + timedelta(seconds=seconds),
    )
    values.update(fields)
    return StepRecord(**values)


def session_record(session_id: str, started: datetime, **fields: Any) -> SessionRecord:
    """A finished 9-minute session in UTC with no scores; *fields* override."""
    values: dict[str, Any] = dict(
        uuid=f"{session_id}-{started.isoformat()}",
        session_id=session_id,
        title=session_id,
        script_sha256="",
        started_at=started,
        ended_at=started + timedelta(minutes=9),
        status="completed",
        planned_seconds=540.0,
        utc_offset_min=0,
        pain_before=None,
        pain_after=None,
        effort=None,
        note="",
        variant="normal",
    )
    values.update(fields)
    return SessionRecord(**values)


def session_from(text: str, name: str = "test.toml") -> Session:
    return parse_session(text, name)


def make_session(*steps: Step, sid: str = "t") -> Session:
    return Session(id=sid, title="Test", steps=tuple(steps))


def simulate_run(
    history: History,
    session: Session,
    started: datetime,
    *,
    holds: dict[str, float] | None = None,
    laps: dict[str, int] | None = None,
    reason: str | None = None,
) -> str:
    """Run *session* through the real engine and Recorder with a hand-moved clock.

    Returns the session UUID; see :func:`simulate_recording`.
    """
    return simulate_recording(history, session, started, holds=holds, laps=laps, reason=reason).uuid


def simulate_recording(
    history: History | None,
    session: Session,
    started: datetime,
    *,
    holds: dict[str, float] | None = None,
    laps: dict[str, int] | None = None,
    reason: str | None = None,
    pain_before: int | None = None,
    after_steps: list[Callable[[Recorder], object]] | None = None,
) -> Recorder:
    """Run *session* through the real engine and Recorder with a hand-moved clock.

    *holds* gives seconds held per side ("left"/"right"; stopping there with Enter), *laps* the
    laps counted per side; everything else runs to its deadline. Each of *after_steps* is called
    with the Recorder after a step result, in turn. Returns the Recorder.
    """
    clock = FakeClock()
    plan = expand(session)
    run = Run(plan, clock)
    rec = Recorder(
        history,
        session_id=session.id,
        title=session.title,
        script_sha256=session.sha256,
        planned_seconds=plan.total_estimate,
        started_wall=started,
        started_mono=clock.now,
        pain_before=pain_before,
    )
    hooks = list(after_steps or [])

    def feed(events: list[Event]) -> None:
        for event in events:
            if isinstance(event, StepResult):
                rec.step_finished(event)
                if hooks:
                    hooks.pop(0)(rec)
            elif isinstance(event, SessionEnded):
                rec.session_ended(event.status.value, event.at)

    feed(run.start())
    while not run.finished:
        phase = run.phase
        assert phase is not None
        side = phase.side.value if phase.side else ""
        if phase.is_work and phase.step.kind is StepKind.HOLD and holds and side in holds:
            clock.tick(holds[side] - run.elapsed())
            feed(run.advance())
            feed(run.done_now(reason if holds[side] < phase.estimate else None))
        elif phase.is_work and phase.step.kind is StepKind.LAPS:
            count = (laps or {}).get(side, phase.step.laps or 0)
            for _ in range(count):
                clock.tick(phase.step.lap_seconds)
                feed(run.add_count())
            if run.phase is phase:
                feed(run.done_now())
        elif phase.duration is None:
            clock.tick(phase.estimate)
            feed(run.done_now())
        else:
            clock.tick(phase.duration - run.elapsed())
            feed(run.advance())
    return rec
