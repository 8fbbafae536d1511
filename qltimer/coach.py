"""Coaching rules, as pure functions of the history. No Qt, no SQL.

Everything here suggests; nothing diagnoses or blocks. Each rule explains itself with the person's
own figures, using only what PROGRAM.md says: start with Phase One, move on once confident and
pain-free, strengthen two or three times a week, release daily for two weeks, move to level 2 once
a straight 60 s side plank is comfortable, stop and seek advice if an exercise hurts. Where a
figure is qltimer's own (how many sessions before it asks, how much lighter a sore day is) it is
named as qltimer's suggestion wherever the person reads it. docs/coaching.md lists every rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from qltimer.engine import DONE, Status
from qltimer.formats import day_words
from qltimer.history import SessionRecord, StepRecord
from qltimer.progress import (
    BALANCE_BAND,
    HOLD_TARGET,
    HoldPoint,
    due_status,
    in_band,
    local_date,
    week_count,
    week_start,
)
from qltimer.script import CueSpec, Frequency, Per, Session, Step, StepKind

PAIN_RISE = 2  # points of pain after over before that the summary speaks about
DECLINE_FOR = timedelta(days=14)  # a declined suggestion stays quiet this long
SORE_SCALE = 0.7  # qltimer's suggestion: a sore day at about 70%
SORE_VARIANT = "flare"  # how the history stores a sore day (its name before it was renamed)
PHASE_ONE_RUN = 6  # qltimer's suggestion: Phase One sessions without pain rising before it asks
RELEASE_DAYS = 14
RELEASE_ID = "ball-release"  # the daily release with a ball, two weeks in a row
PER_WEEK_CHOICES = (2, 3)  # the program: "2-3 times a week", "at least three"
PER_WEEK_DEFAULT = 3

PROFESSIONAL = (
    "If you have pain going down a leg, numbness, tingling or weakness, or the pain is sharp or "
    "getting worse, stop and see a health professional before you go on."
)
RED_FLAGS = (
    "new, sudden or severe pain",
    "pain going down a leg",
    "numbness or tingling",
    "weakness",
)

# -- the two tracks and their paths ---------------------------------------------------------------

FLOOR = "floor"
NO_FLOOR = "no-floor"
TRACK_NAME = {FLOOR: "the floor track", NO_FLOOR: "the no-floor track"}


@dataclass(frozen=True)
class StageInfo:
    key: str
    name: str
    track: str
    ids: tuple[str, ...]  # the built-in sessions that belong to it; the first is its main one
    what: str  # in the program view: what it holds, where each figure comes from


STAGES: tuple[StageInfo, ...] = (
    StageInfo(
        "phase-one",
        "Phase One: foundation",
        FLOOR,
        ("phase-one",),
        "breathing, pelvic control, mobility and gentle holds, lying on a mat (the counts and "
        "times are qltimer's suggestion)",
    ),
    StageInfo(
        "level-1",
        "Phase Two, level 1: side plank holds",
        FLOOR,
        ("ql-level-1", "ql-knees", "ql-more"),
        "side plank, aiming for 60 s a side, and a one-sided carry of 10 laps a hand; from the "
        "knees while a straight side plank is too much (30 s, qltimer's suggestion); and side "
        "lunges, lifts on hands and knees, side bends and turns (counts are qltimer's suggestion)",
    ),
    StageInfo(
        "level-2",
        "Phase Two, level 2: side plank leg lifts",
        FLOOR,
        ("ql-level-2",),
        "top-leg lifts in the side plank, 3 sets of 10 a side, once a straight 60 s side plank "
        "is comfortable",
    ),
    StageInfo(
        "standing-one",
        "No floor, Phase One: seated and standing foundation",
        NO_FLOOR,
        ("standing-seated",),
        "breathing, pelvic tilts and side bends on a chair, standing side bends and a gentle "
        "hold (the counts and times are qltimer's suggestion)",
    ),
    StageInfo(
        "standing-two",
        "No floor, Phase Two: standing strength",
        NO_FLOOR,
        ("standing-strength",),
        "a side plank against a wall (20 s a side), slow side bends and turns, a light suitcase "
        "carry of 6 laps a hand (all qltimer's suggestion)",
    ),
    StageInfo(
        "standing-three",
        "No floor, Phase Two, level 2: longer holds and carries",
        NO_FLOOR,
        ("standing-strength-2",),
        "the wall side plank for 40 s a side, side lunges holding a chair, and 10 laps of the "
        "carry a hand, a little heavier if you like (all qltimer's suggestion)",
    ),
)
STAGE = {s.key: s for s in STAGES}
STAGE_OF = {sid: s.key for s in STAGES for sid in s.ids}


def path(track: str) -> tuple[StageInfo, ...]:
    """The stages of *track*, in order (an unknown track is the floor track)."""
    track = track if track in TRACK_NAME else FLOOR
    return tuple(s for s in STAGES if s.track == track)


def track_sessions(track: str) -> list[str]:
    """The built-in sessions on *track*'s path, in path order (its strengthening sessions)."""
    return [sid for stage in path(track) for sid in stage.ids]


def track_of(session_id: str) -> str | None:
    """The track a built-in path session belongs to (None: on no path, such as the release)."""
    key = STAGE_OF.get(session_id)
    return STAGE[key].track if key is not None else None


def plan_sessions(sessions: MutableMapping[str, Session], per_week: int) -> None:
    """Set how often the strengthening sessions on both paths are meant to be done: the
    person's choice of 2 or 3 a week (the program says 2-3, and at least three). The plan
    lines, streaks, due marks and the weekly chart all read it from the sessions."""
    times = per_week if per_week in PER_WEEK_CHOICES else PER_WEEK_DEFAULT
    for sid, session in list(sessions.items()):
        f = session.frequency
        if sid in STAGE_OF and f is not None and f.per is Per.WEEK and f.times != times:
            sessions[sid] = replace(session, frequency=replace(f, times=times))


# -- pain ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PainFlag:
    """Why the summary speaks about pain, in plain words."""

    rise: int | None  # pain after minus before, when both were given and rose by PAIN_RISE+
    stopped_for_pain: tuple[str, ...]  # exercises stopped with P
    before: int | None = None  # the scores the rise is between
    after: int | None = None

    def lines(self) -> list[str]:
        out = []
        if self.rise is not None:
            out.append(f"Your pain was {self.rise} points higher after this session than before.")
        if self.stopped_for_pain:
            names = ", ".join(dict.fromkeys(self.stopped_for_pain))
            out.append(f"You stopped {names} because it hurt.")
        out.append(
            "Next time, home will offer something gentler first, and a lighter sore-day "
            "version is there too (S, before you start)."
        )
        out.append(PROFESSIONAL)
        return out

    def said(self) -> str:
        """What happened, in the person's figures, for the next suggestion."""
        bits = []
        if self.stopped_for_pain:
            bits.append(f"you stopped {', '.join(dict.fromkeys(self.stopped_for_pain))} with P")
        if self.rise is not None:
            bits.append(f"your pain went from {self.before} to {self.after} out of 10")
        return " and ".join(bits)


def pain_flag(record: SessionRecord, steps: Sequence[StepRecord]) -> PainFlag | None:
    rise = None
    if record.pain_before is not None and record.pain_after is not None:
        change = record.pain_after - record.pain_before
        rise = change if change >= PAIN_RISE else None
    stopped = tuple(s.exercise for s in steps if s.reason == "pain")  # stopped, or left out
    if rise is None and not stopped:
        return None
    return PainFlag(rise, stopped, record.pain_before, record.pain_after)


def pain_rose(record: SessionRecord) -> bool:
    """Pain after was higher than before (unknown when either is missing: not a rise)."""
    return (
        record.pain_before is not None
        and record.pain_after is not None
        and record.pain_after > record.pain_before
    )


def _short(record: SessionRecord, today: date | None = None) -> str:
    """The session by its short name and when: "QL level 1 yesterday", "Phase One on 5 Oct"."""
    day = record.local_start.date()
    when = f"on {day.strftime('%d %b').lstrip('0')}"
    if today is not None and day == today:
        when = "earlier today"
    elif today is not None and day == today - timedelta(days=1):
        when = "yesterday"
    return f"{record.title.split(':')[0]} {when}"


@dataclass(frozen=True)
class Gentler:
    """Pain first: after a pain stop or a rise, the next suggestion is gentler, and says why."""

    session_id: str
    reason: str


def gentler_next(
    stage: StageInfo,
    latest: tuple[SessionRecord, Sequence[StepRecord]] | None,
    offered: Iterable[str],
    today: date | None = None,
) -> Gentler | None:
    """The gentler session to offer after the last session done hurt (a P stop, or pain up
    by :data:`PAIN_RISE` or more), or None. In Phase Two that is the track's Phase One; in
    Phase One the ball release on the floor track, else Phase One again, lighter (a sore day).
    """
    if latest is None:
        return None
    record, steps = latest
    flag = pain_flag(record, steps)
    if flag is None:
        return None
    ids = set(offered)
    first = path(stage.track)[0]
    choices = [sid for sid in first.ids if sid in ids]
    if stage.key == first.key and stage.track == FLOOR and RELEASE_ID in ids:
        choices.insert(0, RELEASE_ID)
    if not choices:
        return None
    figures = flag.said()
    choice = choices[0]
    if choice == record.session_id:
        advice = (
            "So today qltimer suggests the same session, lighter: press S before you start "
            "for the sore-day version."
        )
    else:
        name = "the ball release" if choice == RELEASE_ID else first.name.split(":")[0]
        advice = (
            f"So qltimer suggests something gentler today: {name}, chosen below. (Before any "
            "session, S gives a lighter sore-day version.)"
        )
    return Gentler(
        choice, f"Last time ({_short(record, today)}) {figures}. {advice} " + PROFESSIONAL
    )


# -- progression --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    key: str  # the stage it moves to, e.g. "level-2"
    title: str
    reason: str  # with the person's own figures
    session_id: str  # the session to do next if accepted
    yes: str = "Yes, move on"
    no: str = "Not now"


def _recent_declined(
    decisions: Iterable[tuple[str, datetime, bool]], key: str, now: datetime
) -> bool:
    return any(k == key and not ok and now - when < DECLINE_FOR for k, when, ok in decisions)


def _accepted(decisions: Iterable[tuple[str, datetime, bool]], key: str) -> bool:
    return any(k == key and ok for k, _, ok in decisions)


def _open(decisions: Sequence[tuple[str, datetime, bool]], key: str, now: datetime) -> bool:
    return not _accepted(decisions, key) and not _recent_declined(decisions, key, now)


def _best_per_side(steps: Sequence[StepRecord], exercise: str) -> dict[str, float]:
    best: dict[str, float] = {}
    for s in steps:
        if s.exercise == exercise and s.kind == "hold" and s.side and not s.skipped:
            best[s.side] = max(best.get(s.side, 0.0), s.actual_seconds)
    return best


def _target_per_side(steps: Sequence[StepRecord], exercise: str) -> float | None:
    planned = [s.target_seconds for s in steps if s.exercise == exercise and s.target_seconds]
    return max(planned) if planned else None


def _pain_after(records: Sequence[SessionRecord]) -> str:
    scores = [r.pain_after for r in records]
    if all(p is None for p in scores):
        return "you gave no pain scores after them"
    shown = ", ".join("-" if p is None else str(p) for p in scores)
    return f"your pain after them, newest first, out of 10: {shown}"


PHASE_TWO_NEXT = {
    FLOOR: "Phase Two starts with side plank holds (from the knees while a straight one is too "
    "much) and a one-sided carry.",
    NO_FLOOR: "Phase Two on this track is all standing: a side plank against a wall, slow side "
    "bends and turns, and a light suitcase carry.",
}

# Holding the full time on both sides in 2 of the last 3 sessions moves a person on a step:
# (from session, its name, exercise, target (None: the planned time), to stage, to session, its
# name, the words).
HOLD_STEPS: tuple[tuple[str, str, str, float | None, str, str, str, str], ...] = (
    (
        "ql-level-1",
        "level 1",
        "Side plank",
        HOLD_TARGET,
        "level-2",
        "ql-level-2",
        "level 2",
        "Level 2 adds top-leg lifts in the side plank: 3 sets of 10 a side (fewer at first is "
        "fine).",
    ),
    (
        "standing-strength",
        "standing strength",
        "Wall side plank",
        None,
        "standing-three",
        "standing-strength-2",
        "level 2",
        "Level 2 here holds the wall side plank for 40 s, adds side lunges holding a chair, and "
        "carries for 10 laps a hand. Going on once the full time is held is qltimer's "
        "suggestion.",
    ),
)


def suggestions(
    sessions: Sequence[tuple[SessionRecord, Sequence[StepRecord]]],
    decisions: Sequence[tuple[str, datetime, bool]],
    now: datetime,
    *,
    track: str = FLOOR,
    worked: Callable[[str], bool] | None = None,
) -> list[Suggestion]:
    """Progression suggestions open now on *track*. *sessions* newest first, each with its
    steps (the steps of the last few sessions of each step-up rule are enough). *worked* as
    for :func:`current_stage`."""
    done = [(r, s) for r, s in sessions if r.status in DONE and r.variant == "normal"]
    stages = path(track)
    out: list[Suggestion] = []

    # Phase One -> Phase Two: the program's own question, once a run of worked Phase One
    # sessions went by without pain rising (how many is qltimer's suggestion).
    first, second = stages[0], stages[1]
    run: list[SessionRecord] = []
    for record, _ in done:
        if record.session_id not in first.ids or record.status != Status.COMPLETED:
            continue
        if worked is not None and not worked(record.uuid):
            continue
        if pain_rose(record):
            break
        run.append(record)
        if len(run) == PHASE_ONE_RUN:
            break
    later = {sid for s in stages[1:] for sid in s.ids}
    if (
        len(run) >= PHASE_ONE_RUN
        and _open(decisions, second.key, now)
        and not any(r.session_id in later for r, _ in done)
    ):
        not_free = sum(1 for r in run if r.pain_after)
        caution = (
            f" {not_free} of them ended with some pain; the program waits until you are "
            "pain-free, so there is no hurry."
            if not_free
            else ""
        )
        out.append(
            Suggestion(
                second.key,
                "Confident and pain-free?",
                "Are you confident and pain-free in everyday movement? The program moves on to "
                "strengthening the QL once you are; only you can say. Your figures: "
                f"{len(run)} Phase One sessions in a row without your pain going up; "
                f"{_pain_after(run)}.{caution} (qltimer asks after {PHASE_ONE_RUN} such "
                "sessions: that number is qltimer's suggestion.) "
                + PHASE_TWO_NEXT[stages[0].track],
                second.ids[0],
                yes="Yes: move on to Phase Two",
                no="Not yet",
            )
        )

    # A step up: the full hold on both sides in at least two of the last three sessions, with
    # pain not rising in them.
    keys = {s.key for s in stages}
    for from_id, from_name, exercise, target, key, to_id, to_name, words in HOLD_STEPS:
        if key not in keys or not _open(decisions, key, now):
            continue
        recent = [(r, s) for r, s in done if r.session_id == from_id][:3]
        if len(recent) < 2:
            continue
        reached = []
        rose = []
        aim = target
        for record, steps in recent:
            best = _best_per_side(steps, exercise)
            aim = target if target is not None else _target_per_side(steps, exercise)
            if (
                aim is not None
                and best.get("left", 0) >= aim - 1e-9
                and best.get("right", 0) >= aim - 1e-9
            ):
                reached.append((record, best))
            if pain_rose(record):
                rose.append(record)
        if len(reached) >= 2 and not rose and aim is not None:
            days = ", ".join(
                f"{r.local_start.strftime('%d %b').lstrip('0')} (left {b['left']:.0f} s, right "
                f"{b['right']:.0f} s)"
                for r, b in reached
            )
            out.append(
                Suggestion(
                    key,
                    f"Ready for {to_name}?",
                    f"You held the {exercise.lower()} for {aim:.0f} s on both sides in "
                    f"{len(reached)} of your last {len(recent)} {from_name} sessions: {days}, "
                    "and your pain did not go up. " + words,
                    to_id,
                )
            )
    return out


def steps_needed(sessions: Sequence[SessionRecord], track: str) -> set[str]:
    """The uuids whose steps :func:`suggestions` reads on *track*: the last three sessions (of
    *sessions*, newest first) of each step-up rule's session."""
    keys = {s.key for s in path(track)}
    wanted = {rule[0] for rule in HOLD_STEPS if rule[4] in keys}
    counts: dict[str, int] = {}
    out: set[str] = set()
    for r in sessions:
        if r.session_id in wanted and counts.get(r.session_id, 0) < 3:
            counts[r.session_id] = counts.get(r.session_id, 0) + 1
            out.add(r.uuid)
    return out


@dataclass(frozen=True)
class Stage:
    key: str
    name: str
    why: str

    @property
    def track(self) -> str:
        return STAGE[self.key].track

    @property
    def info(self) -> StageInfo:
        return STAGE[self.key]


def current_stage(
    sessions: Sequence[SessionRecord],
    decisions: Sequence[tuple[str, datetime, bool]],
    worked: Callable[[str], bool] | None = None,
    track: str = FLOOR,
) -> Stage:
    """Where the person is on *track*'s path, and why we think so. *sessions* newest first.

    Only sessions completed with their exercises done count: *worked(uuid)* says whether a
    session had more of its parts done than skipped (:meth:`qltimer.history.History.worked`;
    None takes every completed session as worked). A session started, ended early or skipped
    through moves nobody along the path. Each stage, from the furthest, is asked of its newest
    sessions until one was worked, so a long history costs a few look-ups. Sessions and choices
    on the other track do not move this one.
    """
    stages = path(track)
    order = [s.key for s in stages]
    accepted = [(k, when) for k, when, ok in decisions if ok and k in order]
    completed = [
        r for r in sessions if r.status == Status.COMPLETED and STAGE_OF.get(r.session_id) in order
    ]
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
            key, STAGE[key].name, f"you chose to move on ({when.strftime('%d %b %Y').lstrip('0')})"
        )
    if last is not None:
        key = order[from_history]
        return Stage(
            key,
            STAGE[key].name,
            f"your sessions: the latest at this stage was "
            f"{last.title.split(':')[0]} on {last.local_start.strftime('%d %b').lstrip('0')}",
        )
    return Stage(
        order[0],
        STAGE[order[0]].name,
        "nothing done yet on this track: for a sore back the foundation comes first",
    )


LATER = "later on your path"
OTHER_TRACK = {FLOOR: "on the floor track", NO_FLOOR: "on the no-floor track"}
NEEDS_FLOOR = "needs the floor"


def placement(stage: Stage, session: Session) -> str | None:
    """Why a session is not for the person now, or None when it is: further along their path
    (a later stage's own session, or any Phase Two session while in Phase One), on the other
    track, or on the floor while the person is on the no-floor track. Nothing placed is ever
    due or offered first."""
    track = stage.track
    other = track_of(session.id)
    if other is not None and other != track:
        return OTHER_TRACK[other]
    if track == NO_FLOOR and session.floor:
        return NEEDS_FLOOR
    # Further along: a later stage's own session, or any other Phase Two session (the
    # endurance test too) while the person is in Phase One.
    order = [s.key for s in path(track)]
    needs = STAGE_OF.get(session.id) or (order[1] if session.phase == 2 else None)
    return LATER if needs is not None and order.index(needs) > order.index(stage.key) else None


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
    gentler: Gentler | None = None,
) -> str | None:
    """The session the home screen offers first: what the program suggests doing next.

    *sessions* newest first; *offered* the sessions on the list that are for the person now
    (nothing :func:`placement` puts aside), each with how often it is meant to be done. In
    order: the gentler session after pain (pain first); the stage's own session while it is
    due this week (the sessions of a stage count together towards its plan); else today's ball
    release, while a two-week block is under way and today's is not done; else the stage's
    session anyway. Of a stage with more than one session it is the one done last. None when
    the stage has no session on the list.
    """
    if gentler is not None and gentler.session_id in offered:
        return gentler.session_id
    ids = [sid for sid in stage.info.ids if sid in offered]
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


# -- what the home screen shows, decided in one place ------------------------------------------


@dataclass(frozen=True)
class Advice:
    """Everything the home screen says about the person's sessions, from their history."""

    stage: Stage
    placed: Mapping[str, str | None]  # session id -> why not now ("later on your path"), or None
    order: tuple[str, ...]  # the session ids in the order home lists them
    status: Mapping[str, str]  # session id -> "last done yesterday · ● 1 of 3 this week"
    gentler: Gentler | None  # after pain: what is offered instead, and why
    plan_line: str  # "This week: 1 of 3 strengthening sessions · ... · You are at: Phase One"
    suggestion: Suggestion | None  # a step up to offer now; never beside a gentler session
    first: str | None  # the session offered first (:func:`next_session`)


def plan_line(
    sessions: Sequence[SessionRecord],
    catalog: Mapping[str, Session],
    stage: Stage,
    track: str,
    today: date,
) -> str:
    """This week against the plan, the streak, the ball-release block and the stage, as one line.
    The strengthening sessions of a track count together towards its plan; the release is left
    out on the no-floor track when it needs the floor."""
    weekly = [
        s
        for sid in track_sessions(track)
        if (s := catalog.get(sid)) is not None
        and s.frequency is not None
        and s.frequency.per is Per.WEEK
    ]
    bits = []
    if weekly and weekly[0].frequency is not None:
        plan = weekly[0].frequency
        days = days_done(sessions, [s.id for s in weekly])
        bits.append(f"This week: {week_count(days, today)} of {plan.times} strengthening sessions")
        weeks = streak(plan, days, today)
        if weeks:
            bits.append(f"on plan {weeks} week{'s' if weeks > 1 else ''} in a row")
    release = catalog.get(RELEASE_ID)
    if release is not None and not (track == NO_FLOOR and release.floor):
        block = release_block(days_done(sessions, [release.id]), today)
        if block is not None and block.complete:
            bits.append(f"Ball release: {RELEASE_DAYS} days done")
        elif block is not None:
            bits.append(
                f"Ball release: day {block.day} of {RELEASE_DAYS}"
                + (", done today" if block.done_today else ", due today")
            )
    bits.append(f"You are at: {stage.name}")
    return " · ".join(bits)


def advise(
    sessions: Sequence[SessionRecord],
    catalog: Mapping[str, Session],
    *,
    track: str,
    now: datetime,
    decisions: Sequence[tuple[str, datetime, bool]] = (),
    worked: Callable[[str], bool] | None = None,
    steps_of: Callable[[str], Sequence[StepRecord]] = lambda uuid: (),
) -> Advice:
    """What home shows, from *sessions* (newest first) and the *catalog* of sessions on the list.

    Pain first: after a pain stop or a rise the gentler session is offered, and no suggestion
    to move on is made that day. *steps_of(uuid)* is asked only for the sessions a rule reads.
    """
    today = now.date()
    read: dict[str, Sequence[StepRecord]] = {}

    def steps(uuid: str) -> Sequence[StepRecord]:  # the newest is read by two rules: once
        if uuid not in read:
            read[uuid] = steps_of(uuid)
        return read[uuid]

    stage = current_stage(sessions, decisions, worked, track)
    placed = {sid: placement(stage, s) for sid, s in catalog.items()}
    latest = next((r for r in sessions if r.status in DONE), None)
    offered_ids = [sid for sid, aside in placed.items() if aside is None]
    gentler = None
    if latest is not None:
        latest_steps = steps(latest.uuid)
        gentler = gentler_next(stage.info, (latest, latest_steps), offered_ids, today)
    # The person's track first, in path order; then what is on no path; then what is put
    # aside (later on the path, on the other track, or needing the floor).
    on_path = {sid: i for i, sid in enumerate(track_sessions(track))}
    order = sorted(
        catalog,
        key=lambda sid: (placed[sid] is not None, sid not in on_path, on_path.get(sid, 0)),
    )
    last: dict[str, date] = {}
    done_days: dict[str, list[date]] = {}
    for record in sessions:
        if record.status in DONE:
            done_days.setdefault(record.session_id, []).append(record.local_start.date())
            last.setdefault(record.session_id, record.local_start.date())
    strength_days = days_done(sessions, on_path)
    status = {}
    for sid in order:
        when = last.get(sid)
        bits = [f"last done {day_words(when, today)}" if when else "not done yet"]
        aside = placed[sid]
        if aside is not None:
            bits.append(aside)  # never "due" before its time, or off the person's track
        else:
            days = strength_days if sid in on_path else done_days.get(sid, [])
            due = due_status(catalog[sid].frequency, days, today)
            if due is not None:
                bits.append(("● " if due.due else "✓ ") + due.text)
        status[sid] = " · ".join(bits)
    suggestion = None
    if gentler is None:
        # The step-up rules read the steps of a few recent sessions only.
        recent = steps_needed(sessions, track)
        with_steps = [(r, steps(r.uuid) if r.uuid in recent else ()) for r in sessions]
        found = suggestions(with_steps, decisions, now, track=track, worked=worked)
        suggestion = found[0] if found else None
    offered = {sid: catalog[sid].frequency for sid in offered_ids}
    return Advice(
        stage=stage,
        placed=placed,
        order=tuple(order),
        status=status,
        gentler=gentler,
        plan_line=plan_line(sessions, catalog, stage, track, today),
        suggestion=suggestion,
        first=next_session(stage, sessions, offered, today, gentler),
    )


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


BALANCED = "Your last sessions are within the balanced range."
TOO_FEW_FOR_BALANCE = (
    "One session with both sides held so far: the balance over your last sessions is judged "
    "from the second on."
)


def balance_note(points: Sequence[HoldPoint]) -> str:
    """What the balance chart (and the report) says under it: which side lags over the last
    sessions, that they are balanced, or that one session is too few to say."""
    lag = side_lag(points)
    if lag is not None:
        return lag.text()
    if sum(1 for p in points if p.ratio is not None) < 2:
        return TOO_FEW_FOR_BALANCE
    return BALANCED


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


# -- a sore day ------------------------------------------------------------------------------


def _keeps(step: Step) -> bool:
    """Breathing and the ball release stay as they are on a sore day."""
    return step.kind in (StepKind.BREATHE, StepKind.REST) or "release" in step.name.lower()


def _fits(cue: CueSpec, length: float) -> bool:
    """Whether a written cue still has a place in a work period of *length* seconds."""
    if cue.halfway:
        return True
    place = cue.before_end if cue.before_end is not None else cue.at
    return place is not None and place < length - 0.5


def _scaled_cues(cues: tuple[CueSpec, ...], length: float) -> tuple[CueSpec, ...]:
    return tuple(cue for cue in cues if _fits(cue, length))


def sore_variant(session: Session) -> Session:
    """A lighter version for a sore day (qltimer's suggestion, not the program's): holds, timed
    work and reps at about 70%, carries halved, breathing and the release kept. Offered only
    after the red flags are read again (:data:`RED_FLAGS`); recorded as a sore day."""
    steps = []
    for step in session.steps:
        if _keeps(step):
            steps.append(step)
            continue
        changes: dict[str, object] = {}
        if step.kind in (StepKind.HOLD, StepKind.TIMED) and step.seconds is not None:
            seconds = max(1.0, float(round(step.seconds * SORE_SCALE)))
            changes["seconds"] = seconds
            changes["cues"] = _scaled_cues(step.cues, seconds)
        elif step.kind is StepKind.REPS and step.reps is not None:
            reps = max(1, round(step.reps * SORE_SCALE))
            changes["reps"] = reps
            if step.cadence is not None:
                changes["cues"] = _scaled_cues(step.cues, reps * step.cadence)
        elif step.kind is StepKind.LAPS and step.laps is not None:
            changes["laps"] = max(1, math.ceil(step.laps / 2))
        steps.append(replace(step, **changes))  # type: ignore[arg-type]
    return replace(session, title=f"{session.title} (sore day)", steps=tuple(steps))
