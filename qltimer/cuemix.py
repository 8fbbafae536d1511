"""What the person hears of the cues one engine call produced. No Qt here.

The engine fires every cue that falls due; several can fall due at the same moment (a work phase
ends with "done" exactly when the next phase announces itself). Played one after another, the
second is heard late by the whole length of the first. :func:`mix_cues` turns the
:class:`~qltimer.engine.CueDue` events of one engine call into :class:`Utterance` s, each to be
played as one sound, by these rules:

1. A cue fired 1 s or more after it was due (``lateness >= TOO_LATE``) is not heard: said that
   late it would only confuse. It is dropped before anything else, so it silences nothing.
2. Cues whose due times are within 50 ms (``TOGETHER``) of the first cue of their group are
   *due together*. Groups are made of consecutive events, which the engine gives in due order.
3. Within a group, "done" (``WORK_END``) is dropped when a ``COMPLETE``, ``ANNOUNCE``, ``SIDE`` or
   ``GO`` cue is due with it: "switch sides", "rest", "left side" or "session complete" already
   says that the work is over. A spoken time held ("Forty-seven seconds.") says more, and stays,
   first: "Forty-seven seconds. Rest. Next: side plank, right side." is one utterance. So does
   "form lost", which says why the camera ended the hold: "Form lost. Switch sides."
4. Within a group, the answer to a key ("paused", "going on", the lap blip) is dropped when
   anything else is due with it: the cue that follows the key says more (after the last lap,
   what comes next; on going on, the part's own first cue).
5. Within a group, a sound already heard in it is dropped (exact duplicates).
6. What is left is one utterance: its sounds play back to back in one buffer, in the order the
   engine gave them, except that "session complete" comes after everything else. Its due time is
   the earliest of its cues'.

Cues from different engine calls are never merged: each call's cues are what is due by then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qltimer.engine import FORM_LOST_SOUND, CueDue, CueKind, Event
from qltimer.phrases import is_spoken

TOGETHER = 0.05  # seconds: cues due within this of each other are heard as one utterance
TOO_LATE = 1.0  # seconds: a cue fired this late is not heard at all

# A "done" is redundant next to any of these: each says the work is over and what comes next.
_SAYS_DONE = frozenset({CueKind.COMPLETE, CueKind.ANNOUNCE, CueKind.SIDE, CueKind.GO})
# Answers to a key press: enough alone, redundant next to any other cue.
_ANSWERS = frozenset({CueKind.PAUSED, CueKind.RESUMED, CueKind.COUNTED})


@dataclass(frozen=True)
class Utterance:
    """Sounds to play back to back as one, due at ``due`` (monotonic clock), and their words."""

    names: tuple[str, ...]
    due: float
    texts: tuple[str, ...]


def mix_cues(events: Iterable[Event]) -> list[Utterance]:
    """The utterances to play for one engine call's *events* (other event types are ignored)."""
    heard = [e for e in events if isinstance(e, CueDue) and e.lateness < TOO_LATE]
    groups: list[list[CueDue]] = []
    for event in heard:
        if groups and abs(event.due - groups[-1][0].due) <= TOGETHER + 1e-9:
            groups[-1].append(event)
        else:
            groups.append([event])
    return [_utterance(group) for group in groups]


def _utterance(group: list[CueDue]) -> Utterance:
    kinds = {e.cue.kind for e in group}
    if kinds & _SAYS_DONE:
        group = [
            e
            for e in group
            if e.cue.kind is not CueKind.WORK_END
            or is_spoken(e.cue.sound)
            or e.cue.sound == FORM_LOST_SOUND
        ]
    if kinds - _ANSWERS and kinds & _ANSWERS:
        group = [e for e in group if e.cue.kind not in _ANSWERS]
    kept: list[CueDue] = []
    for event in group:
        if all(k.cue.sound != event.cue.sound for k in kept):
            kept.append(event)
    kept.sort(key=lambda e: e.cue.kind is CueKind.COMPLETE)  # stable: the rest keep their order
    return Utterance(
        names=tuple(e.cue.sound for e in kept),
        due=min(e.due for e in kept),
        texts=tuple(e.cue.text for e in kept),
    )
