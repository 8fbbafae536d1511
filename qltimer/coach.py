"""Coaching rules, as pure functions of the history. No Qt, no SQL.

Everything here suggests; nothing diagnoses or blocks. Each rule explains itself with the person's
own figures, using only what PROGRAM.md says: strengthen at least three times a week, release daily
for two weeks, start with Phase One, move to level 2 once a straight 60 s side plank is
comfortable, stop and seek advice if an exercise hurts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from qltimer.history import SessionRecord, StepRecord
from qltimer.progress import (
    BALANCE_BAND,
    HOLD_TARGET,
    HoldPoint,
    due_status,
    in_band,
    local_date,
    week_start,
)
from qltimer.script import CueSpec, Frequency, Per, Session, Step, StepKind

DONE = ("completed", "ended early")
PAIN_RISE = 2  # points of pain after over before that the summary speaks about
DECLINE_FOR = timedelta(days=14)  # a declined suggestion stays quiet this long
FLARE_SCALE = 0.7
PHASE_ONE_RUN = 6  # Phase One sessions in a row without pain rising before Phase Two is offered
RELEASE_DAYS = 14
RELEASE_ID = "ball-release"  # the daily release with a ball, two weeks in a row

PROFESSIONAL = (
    "If you have pain going down a leg, numbness, tingling or weakness, or the pain is sharp or "
    "getting worse, stop and see a health professional before you go on."
)

# The program as a path. Each stage names the built-in sessions that belong to it.
STAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("phase-one", "Phase One: foundation", ("phase-one", "standing-seated")),
    ("level-1", "Phase Two, level 1: side plank holds", ("ql-level-1",)),
    ("level-2", "Phase Two, level 2: side plank leg lifts", ("ql-level-2",)),
)
STAGE_OF = {sid: key for key, _, ids in STAGES for sid in ids}
STAGE_NAME = {key: name for key, name, _ in STAGES}


# -- pain ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PainFlag:
    """Why the summary speaks about pain, in plain words."""

    rise: int | None  # pain after minus before, when both were given and rose by PAIN_RISE+
    stopped_for_pain: tuple[str, ...]  # exercises stopped with P

    def lines(self) -> list[str]:
        out = []
        if self.rise is not None:
            out.append(f"Your pain was {self.rise} points higher after this session than before.")
        if self.stopped_for_pain:
            names = ", ".join(dict.fromkeys(self.stopped_for_pain))
            out.append(f"You stopped {names} because it hurt.")
        out.append(
            "Next time, think about a gentler session: Phase One, or only the release with a "
            "ball, or a flare-day version."
        )
        out.append(PROFESSIONAL)
        return out


def pain_flag(record: SessionRecord, steps: Sequence[StepRecord]) -> PainFlag | None:
    rise = None
    if record.pain_before is not None and record.pain_after is not None:
        change = record.pain_after - record.pain_before
        rise = change if change >= PAIN_RISE else None
    stopped = tuple(s.exercise for s in steps if s.reason == "pain")  # stopped, or left out
    if rise is None and not stopped:
        return None
    return PainFlag(rise, stopped)


def pain_rose(record: SessionRecord) -> bool:
    """Pain after was higher than before (unknown when either is missing: not a rise)."""
    return (
        record.pain_before is not None
        and record.pain_after is not None
        and record.pain_after > record.pain_before
    )


# -- progression --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    key: str  # the stage it moves to, e.g. "level-2"
    title: str
    reason: str  # with the person's own figures
    session_id: str  # the session to do next if accepted


def _recent_declined(
    decisions: Iterable[tuple[str, datetime, bool]], key: str, now: datetime
) -> bool:
    return any(k == key and not ok and now - when < DECLINE_FOR for k, when, ok in decisions)


def _accepted(decisions: Iterable[tuple[str, datetime, bool]], key: str) -> bool:
    return any(k == key and ok for k, _, ok in decisions)


def _best_per_side(steps: Sequence[StepRecord], exercise: str) -> dict[str, float]:
    best: dict[str, float] = {}
    for s in steps:
        if s.exercise == exercise and s.kind == "hold" and s.side and not s.skipped:
            best[s.side] = max(best.get(s.side, 0.0), s.actual_seconds)
    return best


def suggestions(
    sessions: Sequence[tuple[SessionRecord, Sequence[StepRecord]]],
    decisions: Sequence[tuple[str, datetime, bool]],
    now: datetime,
) -> list[Suggestion]:
    """Progression suggestions open now. *sessions* newest first, each with its steps."""
    done = [(r, s) for r, s in sessions if r.status in DONE and r.variant == "normal"]
    out: list[Suggestion] = []

    # Phase One -> Phase Two, after a run of Phase One sessions with no pain rise.
    phase_one = [(r, s) for r, s in done if STAGE_OF.get(r.session_id) == "phase-one"]
    run = 0
    for record, _ in phase_one:
        if pain_rose(record):
            break
        run += 1
    key = "level-1"
    if (
        run >= PHASE_ONE_RUN
        and not _accepted(decisions, key)
        and not _recent_declined(decisions, key, now)
        and not any(STAGE_OF.get(r.session_id) in ("level-1", "level-2") for r, _ in done)
    ):
        out.append(
            Suggestion(
                key,
                "Ready to try Phase Two?",
                f"Your last {run} Phase One sessions went by without your pain going up. If you "
                "feel confident, you could start the QL strengthening at level 1: side plank holds "
                "and a one-sided carry.",
                "ql-level-1",
            )
        )

    # Level 1 -> level 2: both sides at 60 s in at least two of the last three level-1
    # sessions, with pain not rising in them.
    level1 = [(r, s) for r, s in done if r.session_id == "ql-level-1"][:3]
    key = "level-2"
    if (
        len(level1) >= 2
        and not _accepted(decisions, key)
        and not _recent_declined(decisions, key, now)
    ):
        reached = []
        rose = []
        for record, steps in level1:
            best = _best_per_side(steps, "Side plank")
            if (
                best.get("left", 0) >= HOLD_TARGET - 1e-9
                and best.get("right", 0) >= HOLD_TARGET - 1e-9
            ):
                reached.append((record, best))
            if pain_rose(record):
                rose.append(record)
        if len(reached) >= 2 and not rose:
            days = ", ".join(
                f"{r.local_start.strftime('%d %b').lstrip('0')} (left {b['left']:.0f} s, right "
                f"{b['right']:.0f} s)"
                for r, b in reached
            )
            out.append(
                Suggestion(
                    key,
                    "Ready for level 2?",
                    f"You held the side plank for 60 s on both sides in {len(reached)} of your "
                    f"last {len(level1)} level 1 sessions: {days}, and your pain did not go up. "
                    "Level 2 "
                    "adds top-leg lifts in the side plank: 3 sets of 10 a side (fewer at first is "
                    "fine).",
                    "ql-level-2",
                )
            )
    return out


@dataclass(frozen=True)
class Stage:
    key: str
    name: str
    why: str


def current_stage(
    sessions: Sequence[SessionRecord],
    decisions: Sequence[tuple[str, datetime, bool]],
    worked: Callable[[str], bool] | None = None,
) -> Stage:
    """Where the person is on the path, and why we think so. *sessions* newest first.

    Only sessions completed with their exercises done count: *worked(uuid)* says whether a
    session had more of its parts done than skipped (:meth:`qltimer.history.History.worked`;
    None takes every completed session as worked). A session started, ended early or skipped
    through moves nobody along the path. Each stage, from the furthest, is asked of its newest
    sessions until one was worked, so a long history costs a few look-ups.
    """
    accepted = [(k, when) for k, when, ok in decisions if ok and k in STAGE_NAME]
    order = [k for k, _, _ in STAGES]
    completed = [r for r in sessions if r.status == "completed" and r.session_id in STAGE_OF]
    # The newest worked session of the furthest stage that has one.
    last = next(
        (
            r
            for key in reversed(order)
            for r in completed
            if STAGE_OF[r.session_id] == key and (worked is None or worked(r.uuid))
        ),
        None,
    )
    from_history = order.index(STAGE_OF[last.session_id]) if last is not None else -1
    from_choice = max((order.index(k) for k, _ in accepted), default=-1)
    if from_choice >= from_history and from_choice >= 0:
        key, when = max(accepted, key=lambda a: order.index(a[0]))
        return Stage(
            key, STAGE_NAME[key], f"you chose to move on ({when.strftime('%d %b %Y').lstrip('0')})"
        )
    if last is not None:
        key = order[from_history]
        return Stage(
            key,
            STAGE_NAME[key],
            f"your sessions: the latest at this stage was "
            f"{last.title.split(':')[0]} on {last.local_start.strftime('%d %b').lstrip('0')}",
        )
    return Stage(
        "phase-one",
        STAGE_NAME["phase-one"],
        "nothing done yet: for a sore back the foundation comes first",
    )


def beyond(stage: Stage, session_id: str, phase: int | None) -> bool:
    """Whether a session lies further along the path than *stage*: a later stage's own
    session, or any Phase Two session (the endurance test too) while the person is in Phase
    One. Nothing beyond the person's stage is due or offered first."""
    order = [k for k, _, _ in STAGES]
    needs = STAGE_OF.get(session_id) or ("level-1" if phase == 2 else None)
    return needs is not None and order.index(needs) > order.index(stage.key)


# -- the plan: weeks, streaks, the release block ------------------------------------------------


def days_done(sessions: Iterable[SessionRecord], ids: Iterable[str]) -> list[date]:
    wanted = set(ids)
    return sorted(
        {
            local_date(r.started_at, r.utc_offset_min)
            for r in sessions
            if r.status in DONE and r.session_id in wanted
        }
    )


def streak(frequency: Frequency, days: Sequence[date], today: date) -> int:
    """Weeks in a row on plan (weekly plans; this week counts once met), or days in a row
    (daily plans; today counts once done, and a streak still ending yesterday is kept)."""
    done = set(days)
    if frequency.per is Per.DAY:
        day = today if today in done else today - timedelta(days=1)
        n = 0
        while day in done:
            n += 1
            day -= timedelta(days=1)
        return n
    per_week: dict[date, int] = {}
    for d in done:
        per_week[week_start(d)] = per_week.get(week_start(d), 0) + 1
    week = week_start(today)
    if per_week.get(week, 0) < frequency.times:
        week -= timedelta(days=7)  # this week is not over yet
    n = 0
    while per_week.get(week, 0) >= frequency.times:
        n += 1
        week -= timedelta(days=7)
    return n


@dataclass(frozen=True)
class ReleaseBlock:
    day: int  # today's day in the block (1..14), counting today whether or not done yet
    done_today: bool
    complete: bool  # 14 days in a row are done


def release_block(days: Sequence[date], today: date) -> ReleaseBlock | None:
    """The current run of daily releases. A missed day ends a block; the next starts at day 1."""
    done = set(days)
    end = today if today in done else today - timedelta(days=1)
    run = 0
    day = end
    while day in done:
        run += 1
        day -= timedelta(days=1)
    if run == 0:
        return None
    if run >= RELEASE_DAYS and end == today - timedelta(days=1) and today not in done:
        return ReleaseBlock(RELEASE_DAYS, False, True)
    if run >= RELEASE_DAYS:
        return ReleaseBlock(RELEASE_DAYS, today in done, True)
    day_n = run if today in done else run + 1
    return ReleaseBlock(day_n, today in done, False)


def next_session(
    stage: Stage,
    sessions: Sequence[SessionRecord],
    offered: Mapping[str, Frequency | None],
    today: date,
) -> str | None:
    """The session the home screen offers first: what the program suggests doing next.

    *sessions* newest first; *offered* the sessions on the list, each with how often it is meant
    to be done. In order: the stage's own session while it is due this week (the sessions of a
    stage count together towards its plan); else today's ball release, while a two-week block is
    under way and today's is not done; else the stage's session anyway. Of a stage with two
    sessions (Phase One on the floor, or standing and seated) it is the one done last. None when
    the stage has no session on the list.
    """
    ids = [sid for key, _, stage_ids in STAGES if key == stage.key for sid in stage_ids]
    ids = [sid for sid in ids if sid in offered]
    own = next((r.session_id for r in sessions if r.status in DONE and r.session_id in ids), None)
    own = own or (ids[0] if ids else None)
    if own is not None:
        due = due_status(offered[own], days_done(sessions, ids), today)
        if due is not None and due.due:
            return own
    if RELEASE_ID in offered:
        block = release_block(days_done(sessions, [RELEASE_ID]), today)
        if block is not None and not block.complete and not block.done_today:
            return RELEASE_ID
    return own


# -- left and right -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Lag:
    side: str  # the side that holds less
    percent: float  # how much less, on average
    ratio: float  # mean right/left
    sessions: int

    def text(self) -> str:
        other = "left" if self.side == "right" else "right"
        return (
            f"Your {self.side} side lags: over your last {self.sessions} sessions it held "
            f"{self.percent:.0f}% less than your {other} on average (sides within "
            f"{round((BALANCE_BAND[1] - 1) * 100)}% of each other are usually taken as even)."
        )


def side_lag(points: Sequence[HoldPoint], recent: int = 5) -> Lag | None:
    """When the mean right/left ratio of the last *recent* two-sided sessions is out of band."""
    ratios = [p.ratio for p in points if p.ratio is not None][-recent:]
    if len(ratios) < 2:
        return None
    mean = sum(ratios) / len(ratios)
    if in_band(mean):
        return None
    side = "right" if mean < 1 else "left"
    percent = (1 - mean) * 100 if mean < 1 else (1 - 1 / mean) * 100
    return Lag(side, percent, mean, len(ratios))


# -- the endurance test against published figures -----------------------------------------------

REFERENCES: tuple[tuple[str, str, float, float, str], ...] = (
    # source, people, right s, left s, note
    ("J Sport Rehabil 2003;12(3):199", "28 healthy young women", 68, 70, "± 23"),
    (
        "Evans et al. 2007, as quoted in a practitioner summary",
        "state-level athletes",
        104,
        103,
        "",
    ),
    ("Anderson et al. 2014, as quoted in a practitioner summary", "general adults", 54, 55, ""),
)
REFERENCE_CAVEAT = (
    "These figures come from other groups of people, measured their way; they are context for "
    "your own numbers, not a target or a judgement."
)


def balance_verdict(left: float, right: float) -> str:
    ratio = right / left if left else math.inf
    if not math.isfinite(ratio):
        return "right/left can't be worked out without a left-side time"
    where = (
        "within 0.05 of 1.00, the range usually taken as balanced"
        if in_band(ratio)
        else "more than 0.05 from 1.00, which McGill's work is commonly quoted as calling an "
        "imbalance worth training"
    )
    return f"right/left {ratio:.2f}, {where}"


# -- a gentler day ------------------------------------------------------------------------------


def _keeps(step: Step) -> bool:
    """Breathing and the ball release stay as they are on a flare day."""
    return step.kind in (StepKind.BREATHE, StepKind.REST) or "release" in step.name.lower()


def _fits(cue: CueSpec, length: float) -> bool:
    """Whether a written cue still has a place in a work period of *length* seconds."""
    if cue.halfway:
        return True
    place = cue.before_end if cue.before_end is not None else cue.at
    return place is not None and place < length - 0.5


def _scaled_cues(cues: tuple[CueSpec, ...], length: float) -> tuple[CueSpec, ...]:
    return tuple(cue for cue in cues if _fits(cue, length))


def flare_variant(session: Session) -> Session:
    """A gentler version for a bad day: holds, timed work and reps at about 70%, carries halved,
    breathing and the release kept. Recorded as a flare day."""
    steps = []
    for step in session.steps:
        if _keeps(step):
            steps.append(step)
            continue
        changes: dict[str, object] = {}
        if step.kind in (StepKind.HOLD, StepKind.TIMED) and step.seconds is not None:
            seconds = max(1.0, float(round(step.seconds * FLARE_SCALE)))
            changes["seconds"] = seconds
            changes["cues"] = _scaled_cues(step.cues, seconds)
        elif step.kind is StepKind.REPS and step.reps is not None:
            reps = max(1, round(step.reps * FLARE_SCALE))
            changes["reps"] = reps
            if step.cadence is not None:
                changes["cues"] = _scaled_cues(step.cues, reps * step.cadence)
        elif step.kind is StepKind.LAPS and step.laps is not None:
            changes["laps"] = max(1, math.ceil(step.laps / 2))
        steps.append(replace(step, **changes))  # type: ignore[arg-type]
    return replace(session, title=f"{session.title} (flare day)", steps=tuple(steps))
