"""The session engine: a session becomes a flat plan, and a plan runs against a clock.

No Qt here. :func:`expand` turns a :class:`~qltimer.script.Session` into a :class:`Plan` of
phases (get-ready, work per set and side, switch-sides, rest) with their cues. :class:`Run` plays a
plan against an injected monotonic clock: each call (``advance``, ``pause``, ``done_now``...)
returns the events that happened since the last one.

Time is never counted. Each phase keeps the *active* time it started at (clock time less time spent
paused); its deadline and each cue's due time are that start plus a fixed offset. A phase that ends
on its deadline hands exactly that deadline to the next phase as its start, so however late or
irregular the calls are, nothing drifts: a stall fires what it missed once, flagged late, and
shifts nothing after it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from qltimer import words
from qltimer.script import Session, Side, Step, StepKind
from qltimer.words import side_label

Clock = Callable[[], float]

COUNTDOWN_FROM = 3  # spoken 3-2-1 before work starts
BACK_RESTARTS_AFTER = 3.0  # "back" within this many seconds of a phase start goes to the one before
LATE_AFTER = 0.5  # a cue fired more than this after its due time is flagged late


class PhaseKind(StrEnum):
    GET_READY = "get-ready"
    WORK = "work"
    SWITCH = "switch-sides"
    REST = "rest"


class CueKind(StrEnum):
    ANNOUNCE = "announce"  # what the coming phase is: get ready / left side / switch / rest
    SIDE = "side"  # which side is next, said within a switch or a rest
    COUNTDOWN = "countdown"
    GO = "go"
    HALFWAY = "halfway"
    REMAINING = "remaining"
    PROMPT = "prompt"
    TICK = "tick"  # a paced rep or a rhythm beat
    INHALE = "inhale"
    EXHALE = "exhale"
    TARGET = "target"  # an as-long-as-you-can hold reached its target and keeps counting
    WORK_END = "work-end"
    COMPLETE = "complete"
    # Answers to the person's keys, so a key press is heard as well as seen.
    PAUSED = "paused"
    RESUMED = "resumed"
    COUNTED = "counted"  # a lap or rep counted with L
    STOPPED = "stopped"  # stopped because it hurts (P)


@dataclass(frozen=True)
class Cue:
    """Something to say or sound ``offset`` seconds into a phase."""

    offset: float
    kind: CueKind
    text: str
    sound: str
    count: int | None = None
    said: str = ""  # the words a voice says for it, when they are more than ``text``

    @property
    def words(self) -> str:
        """What the voice says: ``said``, or the shown ``text`` when that is all there is."""
        return self.said or self.text


@dataclass(frozen=True)
class Phase:
    """One stretch of the plan. ``duration`` is None when the phase ends on the person's word."""

    index: int
    kind: PhaseKind
    step_index: int
    step: Step
    side: Side | None
    set_number: int
    duration: float | None
    estimate: float
    cues: tuple[Cue, ...]

    @property
    def is_work(self) -> bool:
        return self.kind is PhaseKind.WORK

    @property
    def target_seconds(self) -> float | None:
        if self.is_work and self.step.kind in (StepKind.HOLD, StepKind.TIMED, StepKind.BREATHE):
            return self.step.work_seconds
        return None


@dataclass(frozen=True)
class Plan:
    session: Session
    phases: tuple[Phase, ...]

    @property
    def total_estimate(self) -> float:
        """Estimated seconds for the whole session (open-ended work at its estimate)."""
        return math.fsum(p.estimate for p in self.phases)

    def work_phases(self) -> tuple[Phase, ...]:
        return tuple(p for p in self.phases if p.is_work)


# -- expansion ----------------------------------------------------------------------------------

_REMAINING_SOUND = {10.0: "ten-seconds", 5.0: "five-seconds"}


def _side_cue(step: Step, side: Side) -> tuple[str, str]:
    """Words and sound announcing *side* for *step*: ("Left hand", "left-hand")..."""
    return words.side_shown(step.kind, side), side_label(step.kind, side).replace(" ", "-")


def _countdown(duration: float) -> list[Cue]:
    return [
        Cue(duration - n, CueKind.COUNTDOWN, str(n), f"count-{n}", count=n)
        for n in range(COUNTDOWN_FROM, 0, -1)
        if duration - n > 0
    ]


def _end_cue(phase: Phase, held: float, reason: EndReason) -> Cue:
    """ "Done" as a work phase ends; a hold the person ended before its time, or held past its
    target, also gives the time held ("47 s held", said "Forty-seven seconds."), its whole
    seconds in ``count``."""
    target = phase.target_seconds
    step = phase.step
    if reason is EndReason.FORM_LOST:
        whole = int(held)
        return Cue(
            held,
            CueKind.WORK_END,
            words.form_lost_shown(whole),
            FORM_LOST_SOUND,
            count=whole,
            said=words.form_lost_said(whole),
        )
    if (
        reason is EndReason.DONE
        and step.kind is StepKind.HOLD
        and target is not None
        and (held < target - 0.5 or (step.as_long_as_you_can and held >= target + 1))
    ):
        whole = int(held)
        shown, said = words.held_shown(whole), words.held_said(whole)
        return Cue(held, CueKind.WORK_END, shown, "done", count=whole, said=said)
    return Cue(held, CueKind.WORK_END, words.DONE, "done")


def _lead_in_cues(
    kind: PhaseKind, duration: float, work: Phase | None, then: Phase | None = None
) -> tuple[Cue, ...]:
    """Cues for a get-ready, switch or rest phase; *work* is the work phase right after, if any;
    *then* is the next work phase of the session, which a rest names ("Rest. Next: ...")."""
    cues: list[Cue] = []
    said = _side_cue(work.step, work.side) if work is not None and work.side else None
    if kind is PhaseKind.GET_READY:
        name = words.get_ready_said(work.step.name, work.step.kind, work.side) if work else ""
        if said is not None:
            cues.append(Cue(0.0, CueKind.ANNOUNCE, *said, said=name))
        else:
            cues.append(Cue(0.0, CueKind.ANNOUNCE, words.GET_READY, "get-ready", said=name))
    elif kind is PhaseKind.SWITCH:
        to = words.switch_said(work.step.kind, work.side) if work is not None else ""
        cues.append(Cue(0.0, CueKind.ANNOUNCE, words.SWITCH_SIDES, "switch-sides", said=to))
        if said is not None and duration >= 5:
            cues.append(Cue(2.0, CueKind.SIDE, *said))
    else:
        nxt = then if then is not None else work
        rest = words.rest_said(
            *((nxt.step.name, nxt.step.kind, nxt.side) if nxt is not None else (None, None, None))
        )
        cues.append(Cue(0.0, CueKind.ANNOUNCE, words.REST, "rest", said=rest))
        if said is not None and work is not None and work.side is not None and duration >= 10:
            shown = words.side_next_shown(work.step.kind, work.side)
            cues.append(Cue(duration - 6, CueKind.SIDE, shown, said[1]))
    if work is not None:
        cues.extend(_countdown(duration))
    return tuple(sorted(cues, key=lambda c: c.offset))


def _work_cues(step: Step) -> tuple[Cue, ...]:
    length = step.work_seconds
    cues: list[Cue] = []
    if step.kind is not StepKind.BREATHE:  # a breathing drill starts on its first "breathe in"
        cues.append(Cue(0.0, CueKind.GO, words.GO, "go"))
    if step.kind is StepKind.REPS and step.cadence is not None and step.reps is not None:
        cues += [
            Cue(k * step.cadence, CueKind.TICK, str(k + 1), "tick", count=k)
            for k in range(1, step.reps)
        ]
    elif step.kind is StepKind.TIMED and step.rhythm is not None:
        beat_words = step.rhythm_words or ("",)
        beats = math.ceil(length / step.rhythm - 1e-9)
        cues += [
            Cue(k * step.rhythm, CueKind.TICK, beat_words[k % len(beat_words)], "tick", count=k)
            for k in range(1, beats)
        ]
    elif step.kind is StepKind.BREATHE and step.breaths is not None:
        cycle = step.breath_cycle
        for k in range(step.breaths):
            start = k * cycle
            cues.append(Cue(start, CueKind.INHALE, words.BREATHE_IN, "breathe-in", count=k + 1))
            cues.append(
                Cue(
                    start + step.inhale + step.hold_in,
                    CueKind.EXHALE,
                    words.BREATHE_OUT,
                    "breathe-out",
                    count=k + 1,
                )
            )
    if step.kind is StepKind.HOLD and step.as_long_as_you_can:
        cues.append(
            Cue(
                length,
                CueKind.TARGET,
                words.target_shown(length),
                "target",
                said=words.target_said(length),
            )
        )
    for spec in step.cues:
        offset = spec.offset(length)
        if spec.halfway:
            text = spec.say or words.HALFWAY
            said = words.user_said(text)
            cues.append(Cue(offset, CueKind.HALFWAY, text, spec.sound or "halfway", said=said))
        elif spec.before_end is not None:
            sound = spec.sound or _REMAINING_SOUND.get(spec.before_end, "chime")
            text = spec.say or words.remaining_shown(spec.before_end)
            said = words.user_said(spec.say) if spec.say else words.remaining_said(spec.before_end)
            cues.append(Cue(offset, CueKind.REMAINING, text, sound, said=said))
        else:
            text = spec.say or ""
            said = words.user_said(text)
            cues.append(Cue(offset, CueKind.PROMPT, text, spec.sound or "chime", said=said))
    # Stable sort: at equal offsets the built-in cue comes before the written one.
    return tuple(sorted(cues, key=lambda c: c.offset))


def expand(session: Session) -> Plan:
    """The flat list of phases a session runs through, in order, with zero-length ones left out.

    For each step: a get-ready lead-in, then for each set each side in turn (left first), with a
    switch-sides pause between sides and a rest between sets. A rest step is a single rest phase.
    """
    raw: list[tuple[PhaseKind, int, Step, Side | None, int, float]] = []
    for si, step in enumerate(session.steps):
        if step.kind is StepKind.REST:
            assert step.seconds is not None
            raw.append((PhaseKind.REST, si, step, None, 1, step.seconds))
            continue
        for set_number in range(1, step.sets + 1):
            for j, side in enumerate(step.sides.order()):
                if set_number == 1 and j == 0:
                    lead = (PhaseKind.GET_READY, step.get_ready)
                elif j > 0:
                    lead = (PhaseKind.SWITCH, step.switch_sides)
                else:
                    lead = (PhaseKind.REST, step.rest)
                if lead[1] > 0:
                    raw.append((lead[0], si, step, side, set_number, lead[1]))
                raw.append((PhaseKind.WORK, si, step, side, set_number, step.work_seconds))

    phases: list[Phase] = []
    work_cues: dict[int, tuple[Cue, ...]] = {}  # one step's work periods share their cues
    # Build back to front so a lead-in knows the work phase that follows it.
    following: Phase | None = None
    then: Phase | None = None  # the next work phase, whatever lies between
    for kind, si, step, side, set_number, length in reversed(raw):
        duration: float | None = length
        if kind is PhaseKind.WORK:
            if si not in work_cues:
                work_cues[si] = _work_cues(step)
            cues = work_cues[si]
            duration = None if step.open_ended else length
        else:
            work = following if following is not None and following.is_work else None
            cues = _lead_in_cues(kind, length, work, then)
        following = Phase(-1, kind, si, step, side, set_number, duration, length, cues)
        if following.is_work:
            then = following
        phases.append(following)
    phases.reverse()
    return Plan(session, tuple(replace(p, index=i) for i, p in enumerate(phases)))


# -- events -------------------------------------------------------------------------------------


# The reason recorded on the part in progress when the session is ended early: its time is cut
# short by the ending, not by the person's limit (so it is no record and no side's true figure).
ENDED_HERE = "session ended"
# The reason recorded on a part stopped, or left out, because it hurt (P).
PAIN = "pain"
# The reason recorded on a hold the camera ended because the body line was lost (the side-bridge
# test's rule): the person's true limit, so it counts like a hold they ended themselves.
CAMERA = "form lost (camera)"
FORM_LOST_SOUND = "form-lost"  # the recorded "Form lost" (assets/cues/form-lost.wav)
# Parts with these reasons were cut short by something other than the person's limit: kept in the
# history, but no record, no comparison and no measure of balance.
CUT_SHORT = (PAIN, ENDED_HERE)


class EndReason(StrEnum):
    DEADLINE = "deadline"  # its time ran out
    DONE = "done"  # the person said done (or the count was reached)
    SKIPPED = "skipped"
    BACK = "back"
    ENDED = "ended"  # the whole session was ended early
    PAIN = "pain"  # stopped because it hurts (P)
    FORM_LOST = "form lost"  # the camera saw the body line go (qltimer.formcheck)


class Status(StrEnum):
    """Where a session stands, as the history stores it (its CHECK lists the same values)."""

    RUNNING = "running"  # under way, or left so by a crash until the next start closes it
    COMPLETED = "completed"
    ENDED_EARLY = "ended early"
    INTERRUPTED = "interrupted"  # found running at a start: the app stopped mid-session


DONE = (Status.COMPLETED, Status.ENDED_EARLY)  # the sessions that count as done


@dataclass(frozen=True)
class PhaseStarted:
    phase: Phase
    at: float  # clock time the phase began (its exact scheduled time when it followed a deadline)
    reported: float  # clock time this event was produced


@dataclass(frozen=True)
class PhaseEnded:
    phase: Phase
    at: float
    reported: float
    reason: EndReason


@dataclass(frozen=True)
class CueDue:
    phase: Phase | None  # None for the session-complete cue
    cue: Cue
    due: float  # clock time it was due
    fired: float  # clock time it was produced
    late: bool

    @property
    def lateness(self) -> float:
        return self.fired - self.due


@dataclass(frozen=True)
class StepResult:
    """What was done in one work phase. A phase run again after "back" gives a new result with
    the same ``phase_index``; the later one stands."""

    phase_index: int
    step_index: int
    name: str
    kind: StepKind
    side: Side | None
    set_number: int
    sets: int
    target_seconds: float | None
    actual_seconds: float
    target_count: int | None
    actual_count: int | None
    load_kg: float | None
    skipped: bool
    stopped_early: bool
    reason: str | None
    started_at: float
    ended_at: float


@dataclass(frozen=True)
class Paused:
    at: float


@dataclass(frozen=True)
class Resumed:
    at: float
    paused_for: float


@dataclass(frozen=True)
class SessionEnded:
    at: float
    status: Status
    results: tuple[StepResult, ...]


@dataclass(frozen=True)
class PainStopped:
    """P was pressed: the run is paused until the person chooses to end, skip to the next
    exercise, or go on. ``result`` is the exercise part recorded as stopped for pain (None when
    P came in a get-ready, switch or rest: then ``coming`` is the part it led to)."""

    at: float
    phase: Phase  # where the person was when it hurt
    result: StepResult | None
    coming: Phase | None = None  # P in a countdown: the exercise part it led to, not begun


Event = (
    PhaseStarted | PhaseEnded | CueDue | StepResult | Paused | Resumed | PainStopped | SessionEnded
)


@dataclass(frozen=True)
class Snapshot:
    """What the screen shows at one moment."""

    phase: Phase | None
    elapsed: float  # active seconds into the phase
    remaining: float | None  # None when open-ended
    overtime: float  # seconds past the target of an as-long-as-you-can hold
    count: int | None  # reps or laps so far in a work phase
    paused: bool
    finished: bool
    progress: float  # 0..1 over the whole session's estimate


class RunError(RuntimeError):
    """A control was used when it makes no sense (before start or after the end)."""


@dataclass
class _Current:
    index: int
    start: float  # active time
    next_cue: int = 0
    taps: int = 0  # laps or reps counted by key press


@dataclass
class Run:
    """A plan played against ``clock`` (seconds, monotonic). Not thread-safe; one caller."""

    plan: Plan
    clock: Clock
    late_after: float = LATE_AFTER
    results: list[StepResult] = field(default_factory=list)
    status: Status | None = None
    _cur: _Current | None = None
    _paused_total: float = 0.0
    _paused_at: float | None = None
    _started: bool = False
    pain_stop: PainStopped | None = None  # set from P until the person chooses what next

    # -- reading state -------------------------------------------------------------------------
    @property
    def started(self) -> bool:
        return self._started

    @property
    def finished(self) -> bool:
        return self.status is not None

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    @property
    def phase(self) -> Phase | None:
        return None if self._cur is None else self.plan.phases[self._cur.index]

    @property
    def next_phase(self) -> Phase | None:
        if self._cur is None or self._cur.index + 1 >= len(self.plan.phases):
            return None
        return self.plan.phases[self._cur.index + 1]

    def _active(self, now: float) -> float:
        paused_now = now - self._paused_at if self._paused_at is not None else 0.0
        return now - self._paused_total - paused_now

    def _clock_of(self, active: float) -> float:
        return active + self._paused_total

    def elapsed(self) -> float:
        """Active seconds since the current phase began."""
        if self._cur is None:
            return 0.0
        return max(0.0, self._active(self.clock()) - self._cur.start)

    def count(self) -> int | None:
        """Reps or laps done so far in the current work phase (paced reps count themselves)."""
        phase = self.phase
        if phase is None or not phase.is_work or self._cur is None:
            return None
        step = phase.step
        if step.kind is StepKind.REPS and step.cadence is not None and step.reps is not None:
            return min(step.reps, int(self.elapsed() / step.cadence + 1e-9))
        if step.kind in (StepKind.REPS, StepKind.LAPS):
            return self._cur.taps
        return None

    def next_due(self) -> float | None:
        """Clock time of the next cue or phase end, or None when nothing is scheduled (paused,
        finished, or an open-ended phase with no cue left). The caller sleeps until then."""
        coming = self.upcoming()
        return min(at for at, _ in coming) if coming else None

    def upcoming(self) -> list[tuple[float, Cue | None]]:
        """The current phase's cues still to come, with the clock time each is due, then its
        end (``None``) when it has one; [] when paused, finished or not started."""
        if not self._started or self.finished or self.paused or self._cur is None:
            return []
        phase = self.plan.phases[self._cur.index]
        out: list[tuple[float, Cue | None]] = [
            (self._clock_of(self._cur.start + cue.offset), cue)
            for cue in phase.cues[self._cur.next_cue :]
        ]
        if phase.duration is not None:
            out.append((self._clock_of(self._cur.start + phase.duration), None))
        return out

    def snapshot(self) -> Snapshot:
        phase = self.phase
        elapsed = self.elapsed()
        remaining: float | None = None
        overtime = 0.0
        if phase is not None and phase.duration is not None:
            remaining = max(0.0, phase.duration - elapsed)
        elif phase is not None and phase.step.kind is StepKind.HOLD:
            overtime = max(0.0, elapsed - phase.estimate)
        done_before = math.fsum(p.estimate for p in self.plan.phases[: phase.index]) if phase else 0
        total = self.plan.total_estimate
        current = min(elapsed, phase.estimate) if phase is not None else 0.0
        if self.finished or (phase is None and self.pain_stop is not None):
            progress = 1.0
        else:
            progress = (done_before + current) / total if total else 0.0
        return Snapshot(
            phase,
            elapsed,
            remaining,
            overtime,
            self.count(),
            self.paused,
            self.finished,
            min(1.0, progress),
        )

    # -- driving -------------------------------------------------------------------------------
    def start(self) -> list[Event]:
        if self._started:
            raise RunError("the run has already started")
        if not self.plan.phases:
            raise RunError("the session has no phases")
        self._started = True
        now = self.clock()
        events: list[Event] = []
        self._begin(0, self._active(now), now, events)
        events += self._catch_up(now)
        return events

    def advance(self) -> list[Event]:
        """Everything due up to now: cues, phase ends on their deadlines, the next phases."""
        if not self._started or self.finished or self.paused:
            return []
        return self._catch_up(self.clock())

    def _catch_up(self, now: float) -> list[Event]:
        events: list[Event] = []
        t = self._active(now)
        while self._cur is not None and not self.finished:
            cur = self._cur
            phase = self.plan.phases[cur.index]
            while (
                cur.next_cue < len(phase.cues) and cur.start + phase.cues[cur.next_cue].offset <= t
            ):
                cue = phase.cues[cur.next_cue]
                self._fire(phase, cue, self._clock_of(cur.start + cue.offset), now, events)
                cur.next_cue += 1
            if phase.duration is not None and cur.start + phase.duration <= t:
                deadline = cur.start + phase.duration
                self._finish(EndReason.DEADLINE, deadline, now, events)
                continue
            break
        return events

    def _fire(
        self, phase: Phase | None, cue: Cue, due: float, now: float, events: list[Event]
    ) -> None:
        events.append(CueDue(phase, cue, due, now, now - due > self.late_after))

    def _begin(self, index: int, at: float, now: float, events: list[Event]) -> None:
        self._cur = _Current(index=index, start=at)
        events.append(PhaseStarted(self.plan.phases[index], self._clock_of(at), now))

    def _finish(
        self,
        reason: EndReason,
        at: float,
        now: float,
        events: list[Event],
        why: str | None = None,
        go_to: int | None = None,
        held_to: float | None = None,
    ) -> None:
        """End the current phase at active time *at*, record it, and start the next one. A hold
        whose form was lost earlier is recorded as held to active time *held_to*."""
        assert self._cur is not None
        cur = self._cur
        phase = self.plan.phases[cur.index]
        at_clock = self._clock_of(at)
        if phase.is_work and reason is not EndReason.BACK:
            held = at if held_to is None else min(at, max(cur.start, held_to))
            if reason in (EndReason.DEADLINE, EndReason.DONE, EndReason.FORM_LOST):
                end_cue = _end_cue(phase, held - cur.start, reason)
                self._fire(phase, end_cue, at_clock, now, events)
            result = self._result(phase, cur, held, reason, why)
            self.results.append(result)
            events.append(result)
        events.append(PhaseEnded(phase, at_clock, now, reason))
        if reason is EndReason.ENDED:
            self._end_session(Status.ENDED_EARLY, now, events, at=at_clock)
            return
        nxt = cur.index + 1 if go_to is None else go_to
        if nxt >= len(self.plan.phases):
            complete = Cue(0.0, CueKind.COMPLETE, words.SESSION_COMPLETE, "complete")
            self._fire(None, complete, at_clock, now, events)
            self._end_session(Status.COMPLETED, now, events, at=at_clock)
            return
        self._begin(nxt, at, now, events)

    def _end_session(
        self, status: Status, now: float, events: list[Event], at: float | None = None
    ) -> None:
        """End the session; it ended *at* (its last phase's end, on the clock) or now."""
        self.status = status
        self._cur = None
        self.pain_stop = None
        if self._paused_at is not None:
            self._paused_total += now - self._paused_at
            self._paused_at = None
        events.append(SessionEnded(now if at is None else at, status, tuple(self.results)))

    def _result(
        self, phase: Phase, cur: _Current, at: float, reason: EndReason, why: str | None
    ) -> StepResult:
        step = phase.step
        actual = max(0.0, at - cur.start)
        target_s = phase.target_seconds
        target_n = step.target_count
        if step.kind is StepKind.REPS and step.cadence is not None and target_n is not None:
            count: int | None = min(target_n, int(actual / step.cadence + 1e-9))
        elif step.kind is StepKind.REPS:
            # Unpaced reps that nobody counted are recorded as not counted, not guessed.
            count = cur.taps if cur.taps or reason is EndReason.SKIPPED else None
        elif step.kind is StepKind.LAPS:
            count = cur.taps
        else:
            count = None
        if reason is EndReason.DEADLINE:
            short = False
        elif reason in (EndReason.PAIN, EndReason.FORM_LOST):
            short = True  # whatever was reached, it hurt, or form went
        elif count is not None and target_n is not None:
            short = count < target_n
        elif target_s is not None:
            short = actual < target_s - 1e-9
        else:
            short = reason is not EndReason.DONE
        skipped = reason is EndReason.SKIPPED
        return StepResult(
            phase_index=phase.index,
            step_index=phase.step_index,
            name=step.name,
            kind=step.kind,
            side=phase.side,
            set_number=phase.set_number,
            sets=step.sets,
            target_seconds=target_s,
            actual_seconds=actual,
            target_count=target_n,
            actual_count=count,
            load_kg=step.load_kg,
            skipped=skipped,
            stopped_early=short and not skipped,
            reason=why if short or why else None,
            started_at=self._clock_of(cur.start),
            ended_at=self._clock_of(at),
        )

    def _control(self) -> tuple[float, list[Event]]:
        """Catch up to now before acting, so nothing due before the key press is lost."""
        if not self._started:
            raise RunError("the run has not started")
        now = self.clock()
        events = [] if self.paused or self.finished else self._catch_up(now)
        return now, events

    def pause(self, at: float | None = None) -> list[Event]:
        """Pause now, or back-dated to clock time *at* (not before anything already processed):
        for a computer found to have slept, whose clock ran on while nobody was training."""
        if at is None:
            now, events = self._control()
        else:
            if not self._started:
                raise RunError("the run has not started")
            now = at
            events = [] if self.paused or self.finished else self._catch_up(at)
        if not self.paused and not self.finished:
            self._paused_at = now
            events.append(Paused(now))
            self._fire(
                self.phase, Cue(0.0, CueKind.PAUSED, words.PAUSED, "paused"), now, now, events
            )
        return events

    def resume(self) -> list[Event]:
        """Go on after a pause. After P only :meth:`pain_go_on` and the other choices do."""
        if self.pain_stop is not None:
            return []
        now, events = self._control()
        if self._paused_at is not None and not self.finished:
            gap = now - self._paused_at
            self._paused_total += gap
            self._paused_at = None
            events.append(Resumed(now, gap))
            self._fire(
                self.phase, Cue(0.0, CueKind.RESUMED, words.GO_ON, "resumed"), now, now, events
            )
            events += self._catch_up(now)
        return events

    def toggle_pause(self) -> list[Event]:
        return self.resume() if self.paused else self.pause()

    def done_now(self, reason: str | None = None) -> list[Event]:
        """End the current phase now: a hold records the time held, reps or laps the count."""
        if self.pain_stop is not None:
            return []
        now, events = self._control()
        if not self.finished:
            self._finish(EndReason.DONE, self._active(now), now, events, why=reason)
            events += self._catch_up(now) if not self.paused else []
        return events

    def form_lost(self, lost_at: float) -> list[Event]:
        """The camera saw form go at clock time *lost_at* (when the body line first went, which
        the rule confirms a second later): end the hold now, recorded as held until then. Only
        a hold marked ``form_check``, running and not paused; anything else is ignored (the
        verdict came too late, or the person already moved on)."""
        if self.pain_stop is not None or not self._started or self.finished or self.paused:
            return []
        phase = self.phase
        if phase is None or not phase.is_work or not phase.step.form_check:
            return []
        now, events = self._control()
        if self.finished or self.phase is not phase:
            return events  # its time ran out first
        self._finish(
            EndReason.FORM_LOST,
            self._active(now),
            now,
            events,
            why=CAMERA,
            held_to=self._active(min(lost_at, now)),
        )
        events += self._catch_up(now)
        return events

    def skip(self) -> list[Event]:
        if self.pain_stop is not None:
            return []
        now, events = self._control()
        if not self.finished:
            self._finish(EndReason.SKIPPED, self._active(now), now, events)
            events += self._catch_up(now) if not self.paused else []
        return events

    def back(self) -> list[Event]:
        """Restart this phase, or go to the one before if this one has only just begun."""
        if self.pain_stop is not None:
            return []
        now, events = self._control()
        if self.finished or self._cur is None:
            return events
        t = self._active(now)
        index = self._cur.index
        target = index if (t - self._cur.start >= BACK_RESTARTS_AFTER or index == 0) else index - 1
        self._finish(EndReason.BACK, t, now, events, go_to=target)
        events += self._catch_up(now) if not self.paused else []
        return events

    def add_count(self) -> list[Event]:
        """Count one lap (or an unpaced rep); reaching the target ends the phase."""
        if self.pain_stop is not None:
            return []
        now, events = self._control()
        phase = self.phase
        if self.finished or phase is None or not phase.is_work or self._cur is None:
            return events
        step = phase.step
        if not step.counted_by_key:
            return events
        self._cur.taps += 1
        target = step.target_count
        n = self._cur.taps
        shown, said = words.counted_shown(step.kind, n), words.counted_said(n, target)
        tap = Cue(0.0, CueKind.COUNTED, shown, "lap", n, said=said)
        self._fire(phase, tap, now, now, events)
        if target is not None and self._cur.taps >= target:
            self._finish(EndReason.DONE, self._active(now), now, events)
            events += self._catch_up(now) if not self.paused else []
        return events

    def end_early(self) -> list[Event]:
        """End the session now, keeping every result so far and the work phase in progress."""
        now, events = self._control()
        self._record_coming(now, events)
        if self.pain_stop is not None and self._cur is None and not self.finished:
            # P in the last part: nothing is left to end but the session itself.
            self._end_session(Status.ENDED_EARLY, now, events, at=self.pain_stop.at)
            return events
        if not self.finished and self._cur is not None:
            phase = self.plan.phases[self._cur.index]
            if phase.is_work and self._active(now) - self._cur.start <= 0:
                self._end_session(Status.ENDED_EARLY, now, events)
            else:
                self._finish(EndReason.ENDED, self._active(now), now, events, why=ENDED_HERE)
        return events

    # -- stopped because it hurts ----------------------------------------------------------------
    def stop_for_pain(self) -> list[Event]:
        """P: stop at once because it hurts, at any moment; nothing moves until the person
        chooses :meth:`end_early`, :meth:`pain_skip_exercise` or :meth:`pain_go_on`.

        In an exercise, the part is recorded at once as stopped for pain with the time done so
        far, and the run waits, paused, at the start of the part after it. In a get-ready,
        switch or rest, nothing is recorded yet and the run waits where it is: going on carries
        on with the countdown; ending or skipping records the part that was coming as left out
        because it hurt.
        """
        now, events = self._control()
        if self.finished or self.pain_stop is not None or self._cur is None:
            return events
        cur = self._cur
        phase = self.plan.phases[cur.index]
        t = self._active(now)
        at_clock = self._clock_of(t)
        result: StepResult | None = None
        coming: Phase | None = None
        if phase.is_work:
            result = self._result(phase, cur, t, EndReason.PAIN, PAIN)
            self.results.append(result)
            events.append(result)
            events.append(PhaseEnded(phase, at_clock, now, EndReason.PAIN))
            after = cur.index + 1
            if after < len(self.plan.phases):
                self._begin(after, t, now, events)
            else:
                self._cur = None
        else:
            work = self._next_work(cur.index)
            coming = self.plan.phases[work] if work is not None else None
        if self._paused_at is None:
            self._paused_at = now
            events.append(Paused(now))
        stopped = PainStopped(at_clock, phase, result, coming)
        self.pain_stop = stopped
        self._fire(phase, Cue(0.0, CueKind.STOPPED, words.STOPPED, "stopped"), now, now, events)
        events.append(stopped)
        return events

    def _next_work(self, index: int) -> int | None:
        for phase in self.plan.phases[index + 1 :]:
            if phase.is_work:
                return phase.index
        return None

    def next_exercise(self) -> int | None:
        """After P: the first phase (its get-ready) of the exercise after the one that hurt -
        the one stopped, or the one that was coming - if there is one. Rests are not exercises:
        skipping goes past them."""
        stop = self.pain_stop
        if stop is None:
            return None
        hurt = stop.result or stop.coming
        stopped = hurt.step_index if hurt is not None else stop.phase.step_index
        return next(
            (
                p.index
                for p in self.plan.phases
                if p.step_index > stopped and p.step.kind is not StepKind.REST
            ),
            None,
        )

    def pain_go_on(self) -> list[Event]:
        """After P: go on from where the run waits (in an exercise, the part after the one
        stopped; in a get-ready, switch or rest, that countdown, where it was)."""
        if self.pain_stop is None:
            return []
        self.pain_stop = None
        if self._cur is None and not self.finished:
            return self._complete_now()
        return self.resume()

    def _record_coming(self, now: float, events: list[Event]) -> None:
        """P in a get-ready, switch or rest, then end or skip: the part that was coming is
        recorded as left out because it hurt (0 s, skipped)."""
        stop = self.pain_stop
        if stop is None or stop.coming is None or self._cur is None:
            return
        t = self._active(now)
        result = self._result(
            stop.coming, _Current(index=stop.coming.index, start=t), t, EndReason.SKIPPED, PAIN
        )
        self.results.append(result)
        events.append(result)

    def pain_skip_exercise(self) -> list[Event]:
        """After P: leave the rest of that exercise (its other side, later sets) and go on with
        the next one. What is left out is not recorded, as after ending early - but for the part
        that was coming when P was pressed in a countdown, which is recorded as left out."""
        if self.pain_stop is None:
            return []
        target = self.next_exercise()
        now, events = self._control()
        self._record_coming(now, events)
        self.pain_stop = None
        if self._cur is None:
            return events + self._complete_now()
        if target is None:
            return events + self._complete_now()
        if target != self._cur.index:
            t = self._active(now)
            events.append(
                PhaseEnded(
                    self.plan.phases[self._cur.index], self._clock_of(t), now, EndReason.SKIPPED
                )
            )
            self._begin(target, t, now, events)
        return events + self.resume()

    def _complete_now(self) -> list[Event]:
        """Nothing is left to run: the session is complete (its end is when P was pressed)."""
        now = self.clock()
        at = self._clock_of(self._active(now))
        events: list[Event] = []
        self._fire(
            None, Cue(0.0, CueKind.COMPLETE, words.SESSION_COMPLETE, "complete"), at, now, events
        )
        self._end_session(Status.COMPLETED, now, events, at=at)
        return events
