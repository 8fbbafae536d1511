"""The engine: plan expansion, and a run that never drifts, against a hand-driven clock."""

from __future__ import annotations

import random

import pytest

from qltimer.engine import (
    BACK_RESTARTS_AFTER,
    CueDue,
    CueKind,
    EndReason,
    Paused,
    PhaseEnded,
    PhaseKind,
    PhaseStarted,
    Plan,
    Run,
    RunError,
    SessionEnded,
    Status,
    StepResult,
    expand,
)
from qltimer.script import Side, StepKind
from tests.helpers import FakeClock, session_from

# About 31 minutes, every fixed-length kind of step, sides, sets, rests and written cues.
LONG_SESSION = """
title = "Half an hour of everything"
get_ready = 10
switch_sides = 10

[[step]]
kind = "breathe"
name = "Breathe"
breaths = 10
inhale = 4
exhale = 6

[[step]]
kind = "hold"
name = "Side plank"
sides = "each"
seconds = 60
sets = 3
rest = 60
cue = [{ at = "halfway" }, { before_end = 10 }, { at = 15, say = "Tuck in" }]

[[step]]
kind = "reps"
name = "Leg lifts"
sides = "each"
reps = 10
cadence = 3
sets = 3
rest = 45

[[step]]
kind = "timed"
name = "Ball release"
sides = "each"
seconds = 120
rhythm = 4
rhythm_words = ["out", "in"]
cue = [{ at = 60, say = "Shift the ball", sound = "shift-ball" }]

[[step]]
kind = "rest"
seconds = 120

[[step]]
kind = "hold"
name = "Brace"
seconds = 45
sets = 4
rest = 30

[[step]]
kind = "breathe"
name = "Box breathing"
breaths = 20
inhale = 4
hold_in = 2
exhale = 6
hold_out = 2
"""


def exact_schedule(plan: Plan, t0: float) -> list[tuple[float, int | None, CueKind]]:
    """Every cue of a fixed-length plan at its exact due time, computed independently."""
    out: list[tuple[float, int | None, CueKind]] = []
    t = t0
    for phase in plan.phases:
        assert phase.duration is not None
        out += [(t + c.offset, phase.index, c.kind) for c in phase.cues]
        t += phase.duration
        if phase.is_work:
            out.append((t, phase.index, CueKind.WORK_END))
    out.append((t, None, CueKind.COMPLETE))
    return out


def cues_of(events: list[object]) -> list[CueDue]:
    return [e for e in events if isinstance(e, CueDue)]


# -- expansion ----------------------------------------------------------------------------------


def test_long_session_is_about_half_an_hour() -> None:
    plan = expand(session_from(LONG_SESSION))
    assert plan.total_estimate == pytest.approx(1890)
    assert all(p.duration is not None for p in plan.phases)


def test_sides_sets_and_pauses_are_laid_out_in_order() -> None:
    plan = expand(
        session_from(
            """
title = "x"
[[step]]
kind = "hold"
name = "Side plank"
sides = "each"
seconds = 30
sets = 2
rest = 20
get_ready = 5
switch_sides = 8
"""
        )
    )
    layout = [(p.kind, p.side, p.set_number, p.duration) for p in plan.phases]
    assert layout == [
        (PhaseKind.GET_READY, Side.LEFT, 1, 5),
        (PhaseKind.WORK, Side.LEFT, 1, 30),
        (PhaseKind.SWITCH, Side.RIGHT, 1, 8),
        (PhaseKind.WORK, Side.RIGHT, 1, 30),
        (PhaseKind.REST, Side.LEFT, 2, 20),
        (PhaseKind.WORK, Side.LEFT, 2, 30),
        (PhaseKind.SWITCH, Side.RIGHT, 2, 8),
        (PhaseKind.WORK, Side.RIGHT, 2, 30),
    ]
    assert [p.index for p in plan.phases] == list(range(8))
    assert plan.total_estimate == 5 + 4 * 30 + 2 * 8 + 20


def test_lead_ins_announce_the_side_and_count_down_into_work() -> None:
    plan = expand(
        session_from(
            'title = "x"\n[[step]]\nkind = "hold"\nname = "P"\nsides = "each"\nseconds = 30\n'
            "get_ready = 10\nswitch_sides = 10\n"
        )
    )
    ready, work, switch = plan.phases[0], plan.phases[1], plan.phases[2]
    assert [(c.offset, c.sound) for c in ready.cues] == [
        (0, "left-side"),
        (7, "count-3"),
        (8, "count-2"),
        (9, "count-1"),
    ]
    assert [(c.offset, c.sound) for c in switch.cues] == [
        (0, "switch-sides"),
        (2, "right-side"),
        (7, "count-3"),
        (8, "count-2"),
        (9, "count-1"),
    ]
    assert work.cues[0].kind is CueKind.GO


def test_zero_length_lead_ins_are_left_out() -> None:
    plan = expand(
        session_from(
            'title = "x"\n[[step]]\nkind = "hold"\nname = "P"\nsides = "each"\nseconds = 30\n'
            "get_ready = 0\nswitch_sides = 0\n"
        )
    )
    assert [p.kind for p in plan.phases] == [PhaseKind.WORK, PhaseKind.WORK]


def test_written_cues_are_placed_in_the_work_period() -> None:
    plan = expand(session_from(LONG_SESSION))
    plank = next(p for p in plan.phases if p.is_work and p.step.name == "Side plank")
    placed = {(c.kind, c.offset, c.sound, c.text) for c in plank.cues}
    assert (CueKind.HALFWAY, 30, "halfway", "Halfway") in placed
    assert (CueKind.REMAINING, 50, "ten-seconds", "10 seconds") in placed
    assert (CueKind.PROMPT, 15, "chime", "Tuck in") in placed
    release = next(p for p in plan.phases if p.is_work and p.step.name == "Ball release")
    ticks = [c for c in release.cues if c.kind is CueKind.TICK]
    assert [c.offset for c in ticks] == [4 * k for k in range(1, 30)]
    assert [c.text for c in ticks[:3]] == ["in", "out", "in"]


def test_paced_reps_tick_each_rep_and_breaths_alternate() -> None:
    plan = expand(session_from(LONG_SESSION))
    lifts = next(p for p in plan.phases if p.is_work and p.step.name == "Leg lifts")
    assert [c.offset for c in lifts.cues if c.kind is CueKind.TICK] == [3 * k for k in range(1, 10)]
    box = next(p for p in plan.phases if p.is_work and p.step.name == "Box breathing")
    kinds = [(c.kind, c.offset) for c in box.cues][:4]
    assert kinds == [
        (CueKind.INHALE, 0),
        (CueKind.EXHALE, 6),
        (CueKind.INHALE, 14),
        (CueKind.EXHALE, 20),
    ]


# -- running: no drift --------------------------------------------------------------------------


def run_with_jitter(
    plan: Plan, seed: int, lo: float = 0.005, hi: float = 0.250
) -> tuple[FakeClock, float, list[object]]:
    rng = random.Random(seed)
    clock = FakeClock()
    run = Run(plan, clock)
    t0 = clock.now
    events: list[object] = list(run.start())
    while not run.finished:
        clock.tick(rng.uniform(lo, hi))
        events += run.advance()
    return clock, t0, events


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_thirty_minutes_with_jitter_fire_every_cue_within_one_tick(seed: int) -> None:
    plan = expand(session_from(LONG_SESSION))
    _, t0, events = run_with_jitter(plan, seed)
    expected = exact_schedule(plan, t0)
    fired = cues_of(events)
    got = [(c.phase.index if c.phase else None, c.cue.kind) for c in fired]
    assert got == [(i, k) for _, i, k in expected], "every cue, once, in order"
    for cue, (due, _, _) in zip(fired, expected, strict=True):
        assert cue.due == pytest.approx(due, abs=1e-6), "due times are exact: no drift"
        assert 0 <= cue.lateness <= 0.250, "fired within one tick of its due time"
        assert not cue.late
    # The error does not grow along the session: the last ten minutes are no worse than the first.
    first = [c.lateness for c in fired if c.due < t0 + 600]
    last = [c.lateness for c in fired if c.due > t0 + 1290]
    assert max(last) <= 0.250 and max(first) <= 0.250
    drift = [abs(c.due - d) for c, (d, _, _) in zip(fired, expected, strict=True)]
    assert max(drift) < 1e-6


def test_phase_boundaries_are_exact_and_reported_within_a_tick() -> None:
    plan = expand(session_from(LONG_SESSION))
    _, t0, events = run_with_jitter(plan, 7)
    starts = [e for e in events if isinstance(e, PhaseStarted)]
    t = t0
    for phase, event in zip(plan.phases, starts, strict=True):
        assert event.phase is phase
        assert event.at == pytest.approx(t, abs=1e-6)
        assert 0 <= event.reported - event.at <= 0.250
        assert phase.duration is not None
        t += phase.duration
    ended = [e for e in events if isinstance(e, SessionEnded)]
    assert len(ended) == 1 and ended[0].status is Status.COMPLETED


def test_a_stall_fires_missed_cues_once_late_and_shifts_nothing_after() -> None:
    plan = expand(session_from(LONG_SESSION))
    clock = FakeClock()
    run = Run(plan, clock)
    t0 = clock.now
    events: list[object] = list(run.start())
    expected = exact_schedule(plan, t0)
    # Run to just before the first countdown "3" of the first side plank, then stall 2.5 s.
    plank = next(p for p in plan.phases if p.kind is PhaseKind.GET_READY and p.step_index == 1)
    plank_start = t0 + sum(p.duration or 0 for p in plan.phases[: plank.index])
    while clock.now < plank_start + 6.8:
        clock.tick(0.1)
        events += run.advance()
    clock.now = plank_start + 6.9
    events += run.advance()
    before = len(cues_of(events))
    clock.tick(2.5)  # to 9.4 s: the 3, 2 and 1 of the countdown (due at 7, 8, 9 s) were missed
    stalled = cues_of(run.advance())
    assert [c.cue.text for c in stalled] == ["3", "2", "1"]
    assert [round(c.lateness, 3) for c in stalled] == [2.4, 1.4, 0.4]
    assert [c.late for c in stalled] == [True, True, False]  # late means more than 0.5 s
    events += stalled
    while not run.finished:
        clock.tick(0.1)
        events += run.advance()
    fired = cues_of(events)
    assert len(fired) == len(expected), "nothing fired twice, nothing lost"
    for cue, (due, _, _) in zip(fired[before + 3 :], expected[before + 3 :], strict=True):
        assert cue.due == pytest.approx(due, abs=1e-6)
        assert cue.lateness <= 0.1 + 1e-9 and not cue.late


def test_pause_time_is_excluded_exactly() -> None:
    plan = expand(
        session_from(
            'title = "x"\nget_ready = 0\n[[step]]\nkind = "hold"\nname = "H"\nseconds = 60\n'
        )
    )
    clock = FakeClock()
    run = Run(plan, clock)
    run.start()
    clock.tick(20)
    run.advance()
    assert run.pause()
    clock.tick(37.25)
    assert run.advance() == []  # nothing happens while paused
    assert run.snapshot().remaining == pytest.approx(40)
    resumed = run.resume()
    assert resumed and resumed[0].paused_for == pytest.approx(37.25)  # type: ignore[union-attr]
    clock.tick(39.99)
    assert not any(isinstance(e, PhaseEnded) for e in run.advance())
    clock.tick(0.02)
    events = run.advance()
    end = next(e for e in events if isinstance(e, CueDue) and e.cue.kind is CueKind.WORK_END)
    assert end.due == pytest.approx(1000 + 60 + 37.25)
    result = next(e for e in events if isinstance(e, StepResult))
    assert result.actual_seconds == pytest.approx(60)
    assert not result.stopped_early


# -- running: the controls ----------------------------------------------------------------------

HOLDS = """
title = "x"
get_ready = 5
switch_sides = 5
[[step]]
kind = "hold"
name = "Side plank"
sides = "each"
seconds = 60
[[step]]
kind = "laps"
name = "Carry"
sides = "each"
laps = 3
load_kg = 8
[[step]]
kind = "reps"
name = "Lifts"
reps = 5
"""


def started(text: str = HOLDS) -> tuple[Run, FakeClock]:
    clock = FakeClock()
    run = Run(expand(session_from(text)), clock)
    run.start()
    return run, clock


def go_to_work(run: Run, clock: FakeClock) -> None:
    phase = run.phase
    assert phase is not None and phase.duration is not None
    clock.tick(phase.duration - run.elapsed())
    run.advance()
    assert run.phase is not None and run.phase.is_work


def test_done_now_records_the_actual_hold() -> None:
    run, clock = started()
    go_to_work(run, clock)
    clock.tick(42.3)
    events = run.done_now()
    result = next(e for e in events if isinstance(e, StepResult))
    assert result.side is Side.LEFT
    assert result.actual_seconds == pytest.approx(42.3)
    assert result.target_seconds == 60
    assert result.stopped_early and not result.skipped
    assert any(isinstance(e, CueDue) and e.cue.kind is CueKind.WORK_END for e in events)
    assert run.phase is not None and run.phase.kind is PhaseKind.SWITCH


def test_done_now_with_a_reason_keeps_it() -> None:
    run, clock = started()
    go_to_work(run, clock)
    clock.tick(12)
    result = next(e for e in run.done_now("pain") if isinstance(e, StepResult))
    assert result.reason == "pain" and result.stopped_early


def test_laps_count_on_key_press_and_end_at_the_target() -> None:
    run, clock = started()
    go_to_work(run, clock)
    run.done_now()  # left hold
    go_to_work(run, clock)
    run.done_now()  # right hold
    go_to_work(run, clock)
    phase = run.phase
    assert phase is not None and phase.step.name == "Carry" and phase.duration is None
    clock.tick(14)
    run.add_count()
    assert run.count() == 1
    clock.tick(14)
    run.add_count()
    clock.tick(14)
    events = run.add_count()
    result = next(e for e in events if isinstance(e, StepResult))
    assert (result.actual_count, result.target_count, result.load_kg) == (3, 3, 8)
    assert result.actual_seconds == pytest.approx(42)
    assert not result.stopped_early


def test_unpaced_reps_not_counted_are_recorded_as_not_counted() -> None:
    run, clock = started()
    while run.phase is not None and run.phase.step.name != "Lifts":
        run.skip()
    go_to_work(run, clock)
    clock.tick(20)
    result = next(e for e in run.done_now() if isinstance(e, StepResult))
    assert result.actual_count is None and result.target_count == 5


def test_paced_reps_count_themselves_and_done_now_keeps_the_count() -> None:
    run, clock = started(
        'title = "x"\nget_ready = 0\n[[step]]\nkind = "reps"\nname = "L"\nreps = 10\ncadence = 3\n'
    )
    clock.tick(10)
    run.advance()
    assert run.count() == 3
    result = next(e for e in run.done_now() if isinstance(e, StepResult))
    assert (result.actual_count, result.target_count, result.stopped_early) == (3, 10, True)


def test_skip_records_a_skipped_step_and_moves_on() -> None:
    run, clock = started()
    go_to_work(run, clock)
    clock.tick(3)
    events = run.skip()
    result = next(e for e in events if isinstance(e, StepResult))
    assert result.skipped and not result.stopped_early
    assert not any(isinstance(e, CueDue) and e.cue.kind is CueKind.WORK_END for e in events)
    ended = next(e for e in events if isinstance(e, PhaseEnded))
    assert ended.reason is EndReason.SKIPPED


def test_back_restarts_a_phase_or_goes_to_the_one_before() -> None:
    run, clock = started()
    go_to_work(run, clock)
    work = run.phase
    clock.tick(BACK_RESTARTS_AFTER + 1)
    run.back()
    assert run.phase is work and run.elapsed() == 0
    clock.tick(1)
    run.back()
    assert run.phase is not None and run.phase.kind is PhaseKind.GET_READY
    assert run.results == [], "an interrupted phase is not a result"


def test_end_early_keeps_finished_steps_and_the_one_in_progress() -> None:
    run, clock = started()
    go_to_work(run, clock)
    clock.tick(60)
    run.advance()
    go_to_work(run, clock)
    clock.tick(25)
    events = run.end_early()
    ended = next(e for e in events if isinstance(e, SessionEnded))
    assert ended.status is Status.ENDED_EARLY
    assert [(r.side, round(r.actual_seconds, 6), r.stopped_early) for r in ended.results] == [
        (Side.LEFT, 60, False),
        (Side.RIGHT, 25, True),
    ]
    assert run.finished and run.advance() == []
    assert not any(isinstance(e, CueDue) and e.cue.kind is CueKind.COMPLETE for e in events)


def test_as_long_as_you_can_counts_past_the_target() -> None:
    run, clock = started(
        'title = "x"\nget_ready = 0\n[[step]]\nkind = "hold"\nname = "T"\nseconds = 60\n'
        "as_long_as_you_can = true\n"
    )
    clock.tick(59)
    assert not any(isinstance(e, CueDue) and e.cue.kind is CueKind.TARGET for e in run.advance())
    clock.tick(2)
    assert any(isinstance(e, CueDue) and e.cue.kind is CueKind.TARGET for e in run.advance())
    clock.tick(20)
    run.advance()
    snap = run.snapshot()
    assert snap.remaining is None and snap.overtime == pytest.approx(21)
    result = next(e for e in run.done_now() if isinstance(e, StepResult))
    assert result.actual_seconds == pytest.approx(81) and not result.stopped_early


def test_progress_goes_from_zero_to_one() -> None:
    plan = expand(session_from(LONG_SESSION))
    clock = FakeClock()
    run = Run(plan, clock)
    run.start()
    assert run.snapshot().progress == 0
    clock.tick(plan.total_estimate / 2)
    run.advance()
    assert run.snapshot().progress == pytest.approx(0.5, abs=0.01)
    clock.tick(plan.total_estimate)
    run.advance()
    assert run.finished and run.snapshot().progress == 1


def test_controls_before_start_are_refused() -> None:
    run = Run(expand(session_from(HOLDS)), FakeClock())
    with pytest.raises(RunError):
        run.pause()
    assert run.advance() == []
    run.start()
    with pytest.raises(RunError):
        run.start()


def test_next_due_is_the_next_cue_or_deadline() -> None:
    run, clock = started()  # get-ready of 5 s: cues at 0 (side), 2, 3, 4 (3-2-1)
    assert run.next_due() == pytest.approx(clock.now + 2)
    clock.tick(2.5)
    run.advance()
    assert run.next_due() == pytest.approx(clock.now + 0.5)
    run.pause()
    assert run.next_due() is None
    run.resume()
    go_to_work(run, clock)
    # A 60 s hold: halfway-less, so the next thing is its end.
    assert run.next_due() == pytest.approx(clock.now + 60)


def test_next_due_is_none_in_an_open_ended_phase_without_cues() -> None:
    run, _clock = started(
        'title = "x"\nget_ready = 0\n[[step]]\nkind = "laps"\nname = "C"\nlaps = 3\n'
    )
    run.advance()  # the "go" at 0 s
    assert run.next_due() is None


def test_a_back_dated_pause_stops_the_clock_where_it_was() -> None:
    run, clock = started(
        'title = "x"\nget_ready = 0\n[[step]]\nkind = "hold"\nname = "H"\nseconds = 60\n'
    )
    clock.tick(10)
    run.advance()
    last_seen = clock.now
    clock.tick(3600)  # the machine slept an hour and its monotonic clock ran on
    events = run.pause(at=last_seen)
    assert any(isinstance(e, Paused) for e in events)
    assert not any(isinstance(e, StepResult) for e in events), "the hold did not end in the sleep"
    assert run.snapshot().remaining == pytest.approx(50)
    run.resume()
    assert run.snapshot().remaining == pytest.approx(50)


# -- P: stopped because it hurts ----------------------------------------------------------------


def pain(run: Run) -> list[object]:
    events: list[object] = list(run.stop_for_pain())
    assert run.paused and run.pain_stop is not None
    assert any(isinstance(e, CueDue) and e.cue.kind is CueKind.STOPPED for e in events)
    return events


def nothing_moves(run: Run, clock: FakeClock) -> None:
    """While the person decides, no key but the three choices moves anything, nor does time."""
    phase, elapsed, results = run.phase, run.elapsed(), list(run.results)
    for control in (run.advance, run.resume, run.toggle_pause, run.done_now, run.skip, run.back):
        clock.tick(30)
        assert control() == []
    assert run.add_count() == []
    assert (run.phase, run.elapsed(), run.results) == (phase, elapsed, results)


def test_p_mid_hold_records_the_time_so_far_and_waits_before_the_other_side() -> None:
    run, clock = started()
    go_to_work(run, clock)
    clock.tick(21.5)
    events = pain(run)
    result = next(e for e in events if isinstance(e, StepResult))
    assert (result.side, result.reason, result.stopped_early) == (Side.LEFT, "pain", True)
    assert result.actual_seconds == pytest.approx(21.5)
    assert not any(isinstance(e, CueDue) and e.cue.kind is CueKind.WORK_END for e in events)
    nothing_moves(run, clock)
    phase = run.phase
    assert phase is not None and phase.kind is PhaseKind.SWITCH and run.elapsed() == 0
    # Go on: the switch counts down from its start, then the other side.
    events = run.pain_go_on()
    assert not run.paused and run.pain_stop is None
    kinds = [e.cue.kind for e in cues_of(events)]
    assert kinds == [CueKind.RESUMED, CueKind.ANNOUNCE]
    go_to_work(run, clock)
    assert run.phase is not None and run.phase.side is Side.RIGHT


def test_p_in_a_get_ready_starts_nothing_and_go_on_carries_on_with_the_countdown() -> None:
    run, clock = started()
    clock.tick(2)
    run.advance()
    events = pain(run)
    assert not any(isinstance(e, StepResult) for e in events), "nothing has begun to record"
    stop = run.pain_stop
    assert stop is not None and stop.coming is not None and stop.coming.side is Side.LEFT
    nothing_moves(run, clock)
    assert not any(isinstance(e, CueDue) and e.cue.kind is CueKind.GO for e in events)
    phase = run.phase
    assert phase is not None and phase.kind is PhaseKind.GET_READY and run.elapsed() == 2
    run.pain_go_on()
    assert run.phase is phase and run.elapsed() == 2 and not run.paused, "where it was"
    go_to_work(run, clock)
    assert run.phase is not None and run.phase.side is Side.LEFT and run.results == []


def test_p_in_a_get_ready_then_end_notes_the_coming_part_as_left_out_for_pain() -> None:
    run, clock = started()
    clock.tick(2)
    run.advance()
    pain(run)
    clock.tick(40)  # reading the advice
    ended = next(e for e in run.end_early() if isinstance(e, SessionEnded))
    [result] = ended.results
    assert (result.side, result.reason, result.skipped, result.actual_seconds) == (
        Side.LEFT,
        "pain",
        True,
        0,
    )
    assert ended.status is Status.ENDED_EARLY and ended.at == pytest.approx(1002)


def test_p_in_a_rest_between_sets_then_the_next_exercise() -> None:
    run, clock = started(HOLDS.replace("seconds = 60\n", "seconds = 60\nsets = 2\nrest = 30\n"))
    for _ in range(2):  # left and right of set 1
        go_to_work(run, clock)
        clock.tick(60)
        run.advance()
    phase = run.phase
    assert phase is not None and phase.kind is PhaseKind.REST
    clock.tick(4)
    run.advance()
    assert not any(isinstance(e, StepResult) for e in pain(run))
    nothing_moves(run, clock)
    events = run.pain_skip_exercise()
    [left_out] = [e for e in events if isinstance(e, StepResult)]
    assert (left_out.set_number, left_out.side, left_out.skipped, left_out.reason) == (
        2,
        Side.LEFT,
        True,
        "pain",
    )
    phase = run.phase
    assert phase is not None and phase.step.name == "Carry" and not run.paused
    assert [r.side for r in run.results] == [Side.LEFT, Side.RIGHT, Side.LEFT], (
        "set 2's right side is left out, not recorded"
    )


def test_skipping_after_p_goes_past_a_rest_to_the_next_exercise() -> None:
    rest = '[[step]]\nkind = "rest"\nname = "Rest"\nseconds = 45\n'
    text = HOLDS.replace('[[step]]\nkind = "laps"', rest + '[[step]]\nkind = "laps"', 1)
    run, clock = started(text)
    go_to_work(run, clock)
    clock.tick(60)
    run.advance()
    go_to_work(run, clock)  # the right side
    clock.tick(5)
    pain(run)
    phase = run.phase
    assert phase is not None and phase.step.kind is StepKind.REST, "G would go on to the rest"
    target = run.next_exercise()
    assert target is not None and run.plan.phases[target].step.name == "Carry"


def test_p_then_end_keeps_everything_and_ends_when_it_hurt() -> None:
    run, clock = started()
    go_to_work(run, clock)
    clock.tick(10)
    pain(run)
    clock.tick(120)  # reading the advice
    events = run.end_early()
    ended = next(e for e in events if isinstance(e, SessionEnded))
    assert ended.status is Status.ENDED_EARLY and ended.at == pytest.approx(1015)
    assert [(r.side, r.reason) for r in ended.results] == [(Side.LEFT, "pain")]
    assert run.pain_stop is None and run.finished


def test_p_in_the_last_part_then_go_on_completes_the_session() -> None:
    run, clock = started(
        'title = "x"\nget_ready = 0\n[[step]]\nkind = "hold"\nname = "H"\nseconds = 20\n'
    )
    clock.tick(7)
    pain(run)
    assert run.phase is None and run.snapshot().progress == 1.0 and not run.finished
    events = run.pain_go_on()
    ended = next(e for e in events if isinstance(e, SessionEnded))
    assert ended.status is Status.COMPLETED and ended.at == pytest.approx(1007)
    assert [r.reason for r in ended.results] == ["pain"]


def test_p_while_paused_records_the_time_before_the_pause() -> None:
    run, clock = started()
    go_to_work(run, clock)
    clock.tick(8)
    run.pause()
    clock.tick(50)
    result = next(e for e in pain(run) if isinstance(e, StepResult))
    assert result.actual_seconds == pytest.approx(8)


def test_keys_are_answered_with_a_cue() -> None:
    run, clock = started()
    go_to_work(run, clock)
    assert [c.cue.sound for c in cues_of(run.pause())] == ["paused"]
    assert [c.cue.sound for c in cues_of(run.resume())] == ["resumed"]
    run.done_now()
    go_to_work(run, clock)
    run.done_now()
    go_to_work(run, clock)
    counted = cues_of(run.add_count())
    assert [(c.cue.kind, c.cue.text, c.cue.sound) for c in counted] == [
        (CueKind.COUNTED, "Lap 1", "lap")
    ]


def test_carries_say_hand() -> None:
    plan = expand(session_from(HOLDS))
    said = [
        (c.text, c.sound)
        for p in plan.phases
        if not p.is_work and p.step.name == "Carry"
        for c in p.cues
        if c.kind in (CueKind.ANNOUNCE, CueKind.SIDE)
    ]
    assert ("Left hand", "left-hand") in said and ("Right hand", "right-hand") in said
    assert all("side" not in text.lower() or text == "Switch sides" for text, _ in said)
