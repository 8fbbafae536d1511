"""Figures derived from the history: bests, left/right balance, weekly counts, the summary.

No Qt, no SQL: plain functions of records, so every rule can be tested on a hand-built history.
Dates are the person's local dates (each session keeps the UTC offset it was done at).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Generic, TypeVar

from qltimer.engine import CUT_SHORT, DONE
from qltimer.history import SessionRecord, StepRecord
from qltimer.script import Frequency, Per

BALANCE_BAND = (0.95, 1.05)  # right/left hold ratio commonly quoted as balanced (PROGRAM.md)
HOLD_TARGET = 60.0


def local_date(moment: datetime, utc_offset_min: int) -> date:
    return (moment + timedelta(minutes=utc_offset_min)).date()


def week_start(day: date) -> date:
    """The Monday of *day*'s week."""
    return day - timedelta(days=day.weekday())


# -- holds over time ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldPoint:
    """The best hold on each side in one session."""

    when: datetime  # session start, UTC
    day: date  # local date
    left: float | None
    right: float | None

    @property
    def ratio(self) -> float | None:
        """Right / left, when both sides were held."""
        if self.left and self.right:
            return self.right / self.left
        return None


def hold_points(holds: Iterable[tuple[datetime, int, str, float]]) -> list[HoldPoint]:
    """Per session, the best hold on each side, in time order (input as History.holds gives)."""
    best: dict[datetime, dict[str, float]] = {}
    offsets: dict[datetime, int] = {}
    for when, offset, side, seconds in holds:
        sides = best.setdefault(when, {})
        sides[side] = max(seconds, sides.get(side, 0.0))
        offsets[when] = offset
    return [
        HoldPoint(when, local_date(when, offsets[when]), s.get("left"), s.get("right"))
        for when, s in sorted(best.items())
    ]


def best_of(points: Sequence[HoldPoint], side: str) -> HoldPoint | None:
    """The session with the longest hold on *side* (the earliest, on a tie)."""
    found: HoldPoint | None = None
    for p in points:
        value = p.left if side == "left" else p.right
        if value is None:
            continue
        current = None if found is None else (found.left if side == "left" else found.right)
        if current is None or value > current:
            found = p
    return found


def _week_moment(day: date) -> datetime:
    monday = week_start(day)
    return datetime(monday.year, monday.month, monday.day, 12, tzinfo=UTC)


def weekly_best(points: Sequence[HoldPoint]) -> list[HoldPoint]:
    """One point a week: the best hold that week on each side (for long periods)."""
    weeks: dict[date, tuple[float | None, float | None]] = {}
    for p in points:
        monday = week_start(p.day)
        left, right = weeks.get(monday, (None, None))
        weeks[monday] = (
            max(left or 0.0, p.left) if p.left is not None else left,
            max(right or 0.0, p.right) if p.right is not None else right,
        )
    return [
        HoldPoint(_week_moment(m), m, left, right) for m, (left, right) in sorted(weeks.items())
    ]


def weekly_pain(points: Sequence[PainPoint]) -> list[PainPoint]:
    """One point a week: the average pain before and after that week's sessions."""
    weeks: dict[date, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for p in points:
        before, after = weeks[week_start(p.day)]
        if p.before is not None:
            before.append(p.before)
        if p.after is not None:
            after.append(p.after)
    return [
        PainPoint(
            _week_moment(m), m, sum(b) / len(b) if b else None, sum(a) / len(a) if a else None
        )
        for m, (b, a) in sorted(weeks.items())
    ]


def in_band(ratio: float) -> bool:
    lo, hi = BALANCE_BAND
    return lo <= ratio <= hi


# -- training against the plan ------------------------------------------------------------------


def done(sessions: Iterable[SessionRecord]) -> list[SessionRecord]:
    return [s for s in sessions if s.status in DONE]


def days_trained(sessions: Iterable[SessionRecord]) -> dict[date, int]:
    """How many sessions were done on each local date."""
    days: dict[date, int] = defaultdict(int)
    for s in done(sessions):
        days[local_date(s.started_at, s.utc_offset_min)] += 1
    return dict(days)


def weekly_counts(
    sessions: Iterable[SessionRecord], first: date, last: date
) -> list[tuple[date, int]]:
    """Sessions done per week (weeks starting Monday), every week from *first* to *last*."""
    counts: dict[date, int] = defaultdict(int)
    for day, n in days_trained(sessions).items():
        counts[week_start(day)] += n
    out = []
    week = week_start(first)
    while week <= last:
        out.append((week, counts.get(week, 0)))
        week += timedelta(days=7)
    return out


@dataclass(frozen=True)
class PainPoint:
    when: datetime
    day: date
    before: float | None
    after: float | None


def pain_points(sessions: Iterable[SessionRecord]) -> list[PainPoint]:
    """Sessions where pain was recorded, before and/or after, in time order."""
    return sorted(
        (
            PainPoint(
                s.started_at,
                local_date(s.started_at, s.utc_offset_min),
                s.pain_before,
                s.pain_after,
            )
            for s in sessions
            if s.pain_before is not None or s.pain_after is not None
        ),
        key=lambda p: p.when,
    )


# -- what each progress chart draws, or says instead --------------------------------------------

WEEKLY_ABOVE = 60  # more points than this in the period: one a week reads better
MONTHLY_ABOVE = 60  # more weeks than this: the plan's bars count months

NO_HOLDS = (
    "No holds recorded yet in this period.\n\nFinish a side plank session and your time on "
    "each side will be drawn here."
)
NO_BALANCE = (
    "No session with both sides held in this period.\n\nThe balance compares your right side "
    "with your left in the same session."
)
NO_PLAN = "No session in the list has a plan (a frequency) to compare with."
NO_PLAN_SESSIONS = (
    "No sessions of this plan in this period.\n\nEach one you finish is counted here against "
    "how often the plan suggests."
)
NO_PAIN = (
    "No pain scores recorded in this period.\n\nAfter a session you can note your pain from 0 "
    "to 10; they are drawn here."
)


P = TypeVar("P")


@dataclass(frozen=True)
class Drawn(Generic[P]):
    """The points a chart draws (one a week over a long period), or what to say instead."""

    points: list[P]
    weekly: bool = False
    empty: str = ""  # said in the chart's place when there is nothing to draw

    def __bool__(self) -> bool:
        return bool(self.points)


def _in_period(when: datetime, since: datetime | None) -> bool:
    return since is None or when >= since


def holds_drawn(points: Sequence[HoldPoint], since: datetime | None) -> Drawn[HoldPoint]:
    """Hold time per side since *since*: each hold, or each week's best over a long period."""
    mine = [p for p in points if _in_period(p.when, since)]
    weekly = len(mine) > WEEKLY_ABOVE
    mine = weekly_best(mine) if weekly else mine
    return Drawn(mine, weekly, "" if mine else NO_HOLDS)


def balance_drawn(points: Sequence[HoldPoint], since: datetime | None) -> Drawn[HoldPoint]:
    """Right against left since *since*; nothing to draw without a session holding both."""
    drawn = holds_drawn(points, since)
    if any(p.ratio is not None for p in drawn.points):
        return drawn
    return Drawn([], drawn.weekly, NO_BALANCE)


def pain_drawn(sessions: Iterable[SessionRecord], since: datetime | None) -> Drawn[PainPoint]:
    """Pain before and after since *since*: each session, or each week's over a long period."""
    points = pain_points(s for s in sessions if _in_period(s.started_at, since))
    weekly = len(points) > WEEKLY_ABOVE
    points = weekly_pain(points) if weekly else points
    return Drawn(points, weekly, "" if points else NO_PAIN)


@dataclass(frozen=True)
class PlanBars:
    """Sessions done per week (or per month over a long period) against the plan's figure."""

    bars: list[tuple[date, int]]
    plan: float
    label: str  # "Plan: 3 a week", "Plan: about 13 a month"
    monthly: bool


def plan_bars(
    sessions: Sequence[SessionRecord],
    ids: Iterable[str],
    per_week: float,
    since: datetime | None,
    today: date,
) -> PlanBars | str:
    """The plan's bars for the sessions with *ids* since *since*, or what to say instead."""
    wanted = set(ids)
    mine = [s for s in sessions if s.session_id in wanted and _in_period(s.started_at, since)]
    if not mine:
        return NO_PLAN_SESSIONS
    first = min(s.started_at for s in mine).date()
    if since is not None:
        first = min(first, since.date())
    weeks = weekly_counts(mine, first, today)
    if len(weeks) <= MONTHLY_ABOVE:
        return PlanBars(weeks, per_week, f"Plan: {per_week:g} a week", monthly=False)
    months: dict[date, int] = {}
    for week, n in weeks:
        key = week.replace(day=1)
        months[key] = months.get(key, 0) + n
    per_month = round(per_week * 52 / 12, 1)
    return PlanBars(
        sorted(months.items()), per_month, f"Plan: about {per_month:g} a month", monthly=True
    )


# -- the summary after a session ----------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    """One exercise on one side: what was asked, what was done, and how it compares."""

    exercise: str
    kind: str
    side: str | None
    sets: int
    target: float | None  # seconds for holds and timed work, a count for reps and laps
    actual: float | None
    unit: str  # "s", "reps", "laps"
    skipped: bool
    new_best: bool  # beat the best hold of every earlier session
    first_record: bool  # the first hold ever recorded for this exercise and side
    previous: float | None  # the same figure the last time this session was done
    stopped_for: str | None  # a reason given for stopping early, if any
    previous_cut: bool = False  # last time it was cut short (by pain, or the session's end)

    @property
    def change(self) -> float | None:
        if self.actual is None or self.previous is None:
            return None
        return self.actual - self.previous


def _figure(steps: Sequence[StepRecord]) -> tuple[float | None, float | None, str]:
    """(target, actual, unit) for the sets of one exercise on one side."""
    kind = steps[0].kind
    done_steps = [s for s in steps if not s.skipped]
    if kind == "hold":
        target = steps[0].target_seconds
        actual = max((s.actual_seconds for s in done_steps), default=None)
        return target, actual, "s"
    if kind in ("reps", "laps"):
        unit = "reps" if kind == "reps" else "laps"
        target = float(sum(s.target_count or 0 for s in steps))
        counted = [s.actual_count for s in done_steps if s.actual_count is not None]
        return target, (float(sum(counted)) if counted else None), unit
    target = float(sum(s.target_seconds or 0 for s in steps))
    return target, float(sum(s.actual_seconds for s in done_steps)) or None, "s"


def summarize(
    steps: Sequence[StepRecord],
    previous: Sequence[StepRecord] = (),
    best_before: dict[tuple[str, str | None], float | None] | None = None,
) -> list[SummaryRow]:
    """Rows for the summary screen, in the order the exercises were done.

    *previous* are the steps of the last run of the same session; *best_before* the best hold of
    each (exercise, side) before this session, for marking a new personal best.
    """
    groups: dict[tuple[int, str, str | None], list[StepRecord]] = {}
    for s in sorted(steps, key=lambda s: s.phase_index):
        groups.setdefault((s.step_index, s.exercise, s.side), []).append(s)
    before: dict[tuple[str, str | None], list[StepRecord]] = defaultdict(list)
    for s in previous:
        before[(s.exercise, s.side)].append(s)
    bests = best_before or {}
    rows = []
    for (_, exercise, side), group in groups.items():
        target, actual, unit = _figure(group)
        last = before.get((exercise, side), [])
        prev = [s for s in last if not _cut_short(s)]
        prev_figure = _figure(prev)[1] if prev else None
        old_best = bests.get((exercise, side))
        # A hold cut short - by pain, by ending the session - is recorded, but it is no record.
        is_hold = group[0].kind == "hold" and bool(actual) and not any(map(_cut_short, group))
        new_best = is_hold and old_best is not None and actual is not None and actual > old_best
        first_record = is_hold and old_best is None
        reasons = [s.reason for s in group if (s.stopped_early or s.skipped) and s.reason]
        rows.append(
            SummaryRow(
                exercise=exercise,
                kind=group[0].kind,
                side=side,
                sets=len(group),
                target=target,
                actual=actual,
                unit=unit,
                skipped=all(s.skipped for s in group),
                new_best=new_best,
                first_record=first_record,
                previous=prev_figure,
                stopped_for=reasons[0] if reasons else None,
                previous_cut=bool(last) and not prev,
            )
        )
    return rows


def _cut_short(step: StepRecord) -> bool:
    """Stopped because it hurt, or by the end of the session: not the person's own limit."""
    return step.reason in CUT_SHORT


def hold_gaps(rows: Sequence[SummaryRow]) -> dict[str, tuple[float, float]]:
    """For each hold exercise done on both sides: (right - left seconds, right / left). A side
    cut short (by pain, or by ending the session) is no measure of balance and is left out."""
    by_exercise: dict[str, dict[str | None, float]] = defaultdict(dict)
    for row in rows:
        cut = row.skipped or row.stopped_for in CUT_SHORT
        if row.kind == "hold" and row.actual is not None and not cut:
            by_exercise[row.exercise][row.side] = row.actual
    out = {}
    for exercise, sides in by_exercise.items():
        left, right = sides.get("left"), sides.get("right")
        if left and right:
            out[exercise] = (right - left, right / left)
    return out


# -- what is due ---------------------------------------------------------------------------------


def week_count(days: Sequence[date], today: date) -> int:
    """How many of *days* fall in *today*'s week (Monday to today)."""
    monday = week_start(today)
    return sum(1 for d in days if monday <= d <= today)


@dataclass(frozen=True)
class DueStatus:
    due: bool
    text: str  # "due today", "2 of 3 this week", "done today"


def due_status(
    frequency: Frequency | None, days_done: Iterable[date], today: date
) -> DueStatus | None:
    """Whether a session with *frequency* is due, given the local dates it was done on."""
    if frequency is None:
        return None
    days = list(days_done)
    if frequency.per is Per.DAY:
        count = sum(1 for d in days if d == today)
        if count >= frequency.times:
            return DueStatus(False, "done today")
        left = frequency.times - count
        return DueStatus(True, "due today" if left == 1 else f"due today: {left} more")
    count = week_count(days, today)
    if count >= frequency.times:
        return DueStatus(False, f"done {count} of {frequency.times} this week")
    return DueStatus(True, f"due: {count} of {frequency.times} this week")
