"""What the voice says for each cue of a run, and the whole list of it for a plan. No Qt here.

The engine's cues carry short words and a recorded sound ("Left side", ``left-side``). With a
speech engine, the cues a person needs in words are spoken instead, with the exercise's name
where it helps: a get-ready says "Side plank, left side. Get ready."; the person's own prompts
(``say = "Hips up"``) are spoken, not only shown with a chime. Counting (3-2-1, "go", paced
ticks) keeps its recorded sounds: they are exact in length, and a voice would only blur them.

:func:`phrase_list` is every phrase a plan's run can ask for, so all of them can be rendered
before the first get-ready ends (:class:`qltimer.speech.PhraseBank`).
"""

from __future__ import annotations

from qltimer.engine import Cue, CueKind, Phase, PhaseKind, Plan, side_label

SPOKEN = frozenset(
    {
        CueKind.ANNOUNCE,
        CueKind.SIDE,
        CueKind.PROMPT,
        CueKind.HALFWAY,
        CueKind.REMAINING,
        CueKind.COMPLETE,
    }
)
SAY_PREFIX = "say:"  # a sound name for a spoken phrase: "say:" + its words
# Cues the engine makes as the run goes (not in the plan's phases) that are spoken.
_LATER = ("Session complete",)


def spoken(phase: Phase | None, cue: Cue) -> str | None:
    """The words the voice says for *cue* of *phase*, or None to play its recorded sound."""
    if cue.kind not in SPOKEN:
        return None
    if cue.kind is CueKind.ANNOUNCE and phase is not None and phase.kind is PhaseKind.GET_READY:
        name = phase.step.name
        if phase.side is not None:
            return f"{name}, {side_label(phase.step.kind, phase.side)}. Get ready."
        return f"{name}. Get ready."
    return cue.text.strip() or None


def sound_name(text: str) -> str:
    return SAY_PREFIX + text


def phrase_list(plan: Plan) -> list[str]:
    """Every phrase a run of *plan* may speak, in the order they are first needed."""
    out: dict[str, None] = {}
    for phase in plan.phases:
        for cue in phase.cues:
            text = spoken(phase, cue)
            if text:
                out.setdefault(text)
    for text in _LATER:
        out.setdefault(text)
    return list(out)
