"""What the voice says for each cue of a run, and the whole list of it for a plan. No Qt here.

The words themselves come from the phrase catalogue (:mod:`qltimer.words`), through the cues
the engine makes: each cue carries what the screen shows and what the voice says. With a speech
engine, the cues a person needs in words are spoken: a get-ready names the exercise and side
("Side plank, left side. Get ready."), a switch or rest says what comes next, the person's own
prompts (``say = "Hips up"``) are spoken, not only shown with a chime, a counted lap or rep is
said as a number ("Eight. Two to go."), and a hold ended early or held past its target says the
time held ("Forty-seven seconds."). Counting (3-2-1, "go", paced ticks, breaths) and the answers
to keys keep their recorded sounds: they are exact in length, and a voice would only blur them.

:func:`phrase_list` is every phrase a plan's run can ask for at a known moment, so all of them
can be rendered before the first get-ready ends (:class:`qltimer.speech.PhraseBank`); the time
held and the result at the end depend on the person and are asked for as the run goes.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import replace

from qltimer import words
from qltimer.engine import (
    CUT_SHORT,
    Cue,
    CueDue,
    CueKind,
    Event,
    Phase,
    PhaseKind,
    Plan,
    StepResult,
)
from qltimer.script import Side, StepKind

SPOKEN = frozenset(
    {
        CueKind.ANNOUNCE,
        CueKind.SIDE,
        CueKind.PROMPT,
        CueKind.HALFWAY,
        CueKind.REMAINING,
        CueKind.TARGET,
        CueKind.COUNTED,
        CueKind.COMPLETE,
    }
)
SAY_PREFIX = "say:"  # a sound name for a spoken phrase: "say:" + its words
UNCOUNTED_LIMIT = 30  # laps or reps said as numbers when a part has no target
ROOM = 0.1  # seconds spoken words must end before the next cue is due, or recorded cues play


def spoken(phase: Phase | None, cue: Cue) -> str | None:
    """The words the voice says for *cue* of *phase*, or None to play its recorded sound."""
    if cue.kind is CueKind.WORK_END:
        return cue.said or None  # the time held, when there is one; "done" stays recorded
    if cue.kind not in SPOKEN:
        return None
    return words.sentence(cue.words) or None


def sound_name(text: str) -> str:
    return SAY_PREFIX + text


def said_before(phase: Phase | None, cue: Cue, ready: Container[str]) -> bool:
    """Whether *cue* only repeats what the voice has just said: the side named again two
    seconds into a switch ("Switch to your right side." said it)."""
    if phase is None or phase.kind is not PhaseKind.SWITCH or cue.kind is not CueKind.SIDE:
        return False
    return any(c.kind is CueKind.ANNOUNCE and spoken(phase, c) in ready for c in phase.cues)


def voiced(
    events: Iterable[Event],
    ready: Mapping[str, float],
    upcoming: Sequence[tuple[float, Cue | None]] = (),
    room: float = ROOM,
) -> list[Event]:
    """*events* (one engine call's) with each cue whose phrase is *ready* (text -> seconds
    long) pointed at that phrase's sound, and those the voice has already said
    (:func:`said_before`) left out.

    *upcoming* is what the run has due next (:meth:`qltimer.engine.Run.upcoming`): when the
    words would still be playing *room* seconds before the next cue heard (a short get-ready's
    3-2-1), the *events* are given back as they are, to play their short recorded cues, so no
    cue is queued behind words.
    """
    events = list(events)
    out: list[Event] = []
    for event in events:
        if isinstance(event, CueDue):
            if said_before(event.phase, event.cue, ready):
                continue
            text = spoken(event.phase, event.cue)
            if text is not None and text in ready:
                event = replace(event, cue=replace(event.cue, sound=sound_name(text)))
        out.append(event)
    said = [e for e in out if isinstance(e, CueDue) and is_spoken(e.cue.sound)]
    if not said:
        return out
    phase = next((e.phase for e in reversed(said) if e.phase is not None), None)
    heard = [at for at, cue in upcoming if cue is None or not said_before(phase, cue, ready)]
    length = sum(ready[e.cue.sound[len(SAY_PREFIX) :]] for e in said)
    if heard and min(e.due for e in said) + length > heard[0] - room:
        return events
    return out


def is_spoken(name: str) -> bool:
    return name.startswith(SAY_PREFIX)


def phrase_list(plan: Plan) -> list[str]:
    """Every phrase a run of *plan* may speak at a moment known beforehand, in the order they
    are first needed."""
    out: dict[str, None] = {}
    for phase in plan.phases:
        for cue in phase.cues:
            text = spoken(phase, cue)
            if text:
                out.setdefault(text)
        step = phase.step
        if phase.is_work and (
            step.kind is StepKind.LAPS or (step.kind is StepKind.REPS and step.cadence is None)
        ):
            target = step.target_count
            # Reaching the target ends the part: what comes next is said, not the number.
            for n in range(1, (target if target is not None else UNCOUNTED_LIMIT + 1)):
                out.setdefault(words.counted_said(n, target))
    out.setdefault(words.sentence(words.SESSION_COMPLETE))
    return list(out)


def result_phrase(results: tuple[StepResult, ...] | list[StepResult]) -> str:
    """The short result said at the end: each side's best hold ("Left thirty-five seconds,
    right sixty."), or the laps carried; "" when there is nothing to say. Parts skipped or cut
    short (pain, the session ended) don't count, as on the summary."""
    latest: dict[int, StepResult] = {}
    for result in results:  # a part run again after "back": the later result stands
        latest[result.phase_index] = result
    kept = [r for r in latest.values() if not r.skipped and r.reason not in CUT_SHORT]
    holds = [r for r in kept if r.kind is StepKind.HOLD and r.side is not None]
    if holds:
        name = holds[0].name  # the first sided hold of the session is its measure
        best: dict[Side, int] = {}
        for r in holds:
            if r.name == name and r.side is not None:
                best[r.side] = max(best.get(r.side, 0), int(r.actual_seconds))
        return words.result_said(list(best.items()))
    laps = [r.actual_count or 0 for r in kept if r.kind is StepKind.LAPS]
    return words.result_said([], laps)
