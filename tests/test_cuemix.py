"""Cues due together become one utterance; the redundant "done" is dropped. Real engine output."""

from __future__ import annotations

from qltimer.cuemix import Utterance, mix_cues
from qltimer.engine import Cue, CueDue, CueKind, Event, Paused, Run, expand
from qltimer.script import Session, StepKind
from tests.helpers import FakeClock, session_from

MIX = """
title = "Mix test"
frequency = { times = 3, per = "week" }
get_ready = 3
switch_sides = 2

[[step]]
kind = "hold"
name = "Side plank"
sides = "each"
seconds = 6
cue = [{ at = "halfway" }, { at = 3, say = "Hips up", sound = "shift-ball" }]

[[step]]
kind = "rest"
seconds = 12

[[step]]
kind = "laps"
name = "Carry"
sides = "each"
laps = 2
"""


def calls(session: Session, clock: FakeClock | None = None) -> list[list[Event]]:
    """The events of each engine call for a whole run: every cue on time, laps counted by key."""
    clock = clock or FakeClock()
    run = Run(expand(session), clock)
    out = [run.start()]
    while not run.finished:
        phase = run.phase
        assert phase is not None
        if phase.is_work and phase.step.kind is StepKind.LAPS:
            for _ in range(phase.step.laps or 0):
                clock.tick(9.0)
                out.append(run.add_count())
        else:
            due = run.next_due()
            assert due is not None
            clock.now = due
            out.append(run.advance())
    return out


def sounds(events: list[Event]) -> list[str]:
    return [e.cue.sound for e in events if isinstance(e, CueDue)]


def test_done_gives_way_to_what_comes_next_and_halfway_joins_the_written_prompt() -> None:
    batches = calls(session_from(MIX))
    mixed = [mix_cues(b) for b in batches]
    changed = [(sounds(b), [u.names for u in m]) for b, m in zip(batches, mixed, strict=True)]
    changed = [(raw, out) for raw, out in changed if [(s,) for s in raw] != out]
    assert changed == [
        (["halfway", "shift-ball"], [("halfway", "shift-ball")]),  # left side
        (["done", "switch-sides"], [("switch-sides",)]),
        (["halfway", "shift-ball"], [("halfway", "shift-ball")]),  # right side
        (["done", "rest"], [("rest",)]),
        # carry, left hand: the second lap (L's own blip gives way too)
        (["lap", "done", "switch-sides"], [("switch-sides",)]),
        (["lap", "done", "complete"], [("complete",)]),  # carry, right hand: the end
    ]
    together = [u for m in mixed for u in m if len(u.names) == 2]
    assert {u.texts for u in together} == {("Halfway", "Hips up")}


def test_nothing_else_changes() -> None:
    batches = calls(session_from(MIX))
    raw = [e for b in batches for e in b if isinstance(e, CueDue)]
    heard = [(u.names, u.due) for b in batches for u in mix_cues(b)]

    def alone(e: CueDue) -> bool:  # an L blip is heard unless the lap ended the carry
        batch = next(b for b in batches if e in b)
        return sum(isinstance(x, CueDue) for x in batch) == 1

    singles = [
        ((e.cue.sound,), e.due)
        for e in raw
        if e.cue.kind is not CueKind.WORK_END
        and not (e.cue.kind is CueKind.PROMPT or e.cue.kind is CueKind.HALFWAY)
        and (e.cue.kind is not CueKind.COUNTED or alone(e))
    ]
    assert [h for h in heard if len(h[0]) == 1] == singles
    # Only the four "done" cues and the two blips of a carry's last lap go unheard.
    assert len(raw) == sum(len(n) for n, _ in heard) + 4 + 2


def test_the_utterance_is_due_when_its_first_sound_was() -> None:
    for batch in calls(session_from(MIX)):
        due = {e.cue.sound: e.due for e in batch if isinstance(e, CueDue)}
        assert all(u.due == due[u.names[0]] for u in mix_cues(batch))


def test_cues_fired_a_second_late_or_more_are_not_heard() -> None:
    clock = FakeClock()
    run = Run(expand(session_from(MIX)), clock)
    assert [u.names for u in mix_cues(run.start())] == [("left-side",)]
    clock.tick(3.5)  # a stall: count-2 (due at 1 s), count-1 (2 s) and go (3 s) fire together
    events = run.advance()
    assert sounds(events) == ["count-2", "count-1", "go"]
    assert [e.lateness for e in events if isinstance(e, CueDue)] == [2.5, 1.5, 0.5]
    assert mix_cues(events) == [Utterance(("go",), clock.now - 0.5, ("Go",))]


WRITTEN = """
title = "Written cues"
frequency = { times = 3, per = "week" }
get_ready = 0

[[step]]
kind = "hold"
name = "Hold"
seconds = 8
cue = [
  { at = "halfway" },
  { at = 4, say = "Halfway, again", sound = "halfway" },
  { at = 6, say = "Soon" },
  { at = 6.04, say = "Nearly", sound = "tick" },
  { at = 6.1, say = "Later", sound = "shift-ball" },
]
"""


def test_duplicates_go_and_only_cues_within_50_ms_are_together() -> None:
    clock = FakeClock()
    run = Run(expand(session_from(WRITTEN)), clock)
    assert [u.names for u in mix_cues(run.start())] == [("go",)]
    clock.tick(4.0)
    assert [u.names for u in mix_cues(run.advance())] == [("halfway",)]
    clock.tick(2.2)  # past 6, 6.04 and 6.1 in one call
    mixed = mix_cues(run.advance())
    assert [u.names for u in mixed] == [("chime", "tick"), ("shift-ball",)]
    assert [u.texts for u in mixed] == [("Soon", "Nearly"), ("Later",)]


def test_complete_comes_last_and_other_events_are_ignored() -> None:
    def due(kind: CueKind, sound: str, at: float = 5.0) -> CueDue:
        return CueDue(None, Cue(0.0, kind, sound.title(), sound), at, at, False)

    events: list[Event] = [
        due(CueKind.COMPLETE, "complete"),
        Paused(5.0),
        due(CueKind.TARGET, "target", 5.02),
        due(CueKind.WORK_END, "done", 5.03),
    ]
    assert mix_cues(events) == [Utterance(("target", "complete"), 5.0, ("Target", "Complete"))]


def test_the_answer_to_a_key_gives_way_to_what_follows_it() -> None:
    from qltimer.engine import Run, expand

    clock = FakeClock()
    run = Run(
        expand(
            session_from(
                'title = "x"\nget_ready = 0\n[[step]]\nkind = "laps"\nname = "Carry"\nlaps = 2\n'
                '[[step]]\nkind = "hold"\nname = "H"\nseconds = 5\nget_ready = 4\n'
            )
        ),
        clock,
    )
    run.start()
    clock.tick(10)
    assert [u.names for u in mix_cues(run.add_count())] == [("lap",)], "alone, it is heard"
    clock.tick(10)
    assert [u.names for u in mix_cues(run.add_count())] == [("get-ready",)], "the last lap"
    assert [u.names for u in mix_cues(run.pause())] == [("paused",)]
    assert [u.names for u in mix_cues(run.resume())] == [("resumed",)]
