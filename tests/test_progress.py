"""Derived figures, on hand-built histories."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from qltimer.history import SessionRecord, StepRecord
from qltimer.progress import (
    NO_BALANCE,
    NO_HOLDS,
    NO_PAIN,
    NO_PLAN_SESSIONS,
    HoldPoint,
    PlanBars,
    balance_drawn,
    best_of,
    days_trained,
    hold_gaps,
    hold_points,
    holds_drawn,
    in_band,
    pain_drawn,
    pain_points,
    plan_bars,
    summarize,
    weekly_counts,
)
from tests.helpers import session_record, step_record

T0 = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # a Monday, late evening in UTC


def rec(start: datetime, status: str = "completed", offset: int = 0, **kw: object) -> SessionRecord:
    fields: dict[str, object] = {"uuid": str(start), "title": "QL 1", **kw}
    return session_record("ql-level-1", start, status=status, utc_offset_min=offset, **fields)


def st(i: int, side: str | None, actual: float, kind: str = "hold", **kw: object) -> StepRecord:
    kw.setdefault("exercise", "Side plank")
    exercise = str(kw.pop("exercise"))
    target = 60.0 if kind == "hold" else None
    return step_record(i, exercise, kind, side, T0, actual, target_seconds=target, **kw)


def test_hold_points_take_each_sessions_best_per_side() -> None:
    a, b = T0, T0 + timedelta(days=2)
    points = hold_points(
        [(a, 0, "left", 40), (a, 0, "left", 45), (a, 0, "right", 42), (b, 60, "right", 50)]
    )
    assert points == [
        HoldPoint(a, date(2026, 3, 2), 45, 42),
        HoldPoint(b, date(2026, 3, 5), None, 50),  # 23:30 UTC + 1 h is the next local day
    ]
    assert points[0].ratio == pytest.approx(42 / 45)
    assert points[1].ratio is None


def test_best_of_prefers_the_earliest_on_a_tie() -> None:
    points = [HoldPoint(T0, T0.date(), 50, 40), HoldPoint(T0 + timedelta(1), T0.date(), 50, 55)]
    assert best_of(points, "left") is points[0]
    assert best_of(points, "right") is points[1]
    assert best_of([], "left") is None


@pytest.mark.parametrize(
    ("ratio", "inside"), [(0.95, True), (1.05, True), (0.949, False), (1.051, False), (1.0, True)]
)
def test_the_balance_band(ratio: float, inside: bool) -> None:
    assert in_band(ratio) is inside


def test_weekly_counts_use_local_dates_and_fill_empty_weeks() -> None:
    sessions = [
        rec(T0),  # Monday 2 March local (UTC)
        rec(T0, offset=60),  # Tuesday 3 March local
        rec(T0 - timedelta(hours=23), offset=-60),  # 00:30 UTC Mon = 23:30 Sunday local
        rec(T0 + timedelta(days=14)),
        rec(T0 + timedelta(days=15), status="interrupted"),  # not counted
    ]
    assert weekly_counts(sessions, date(2026, 2, 23), date(2026, 3, 16)) == [
        (date(2026, 2, 23), 1),
        (date(2026, 3, 2), 2),
        (date(2026, 3, 9), 0),
        (date(2026, 3, 16), 1),
    ]
    assert days_trained(sessions)[date(2026, 3, 2)] == 1


def test_pain_points_skip_sessions_without_pain() -> None:
    sessions = [
        rec(T0, pain_before=3, pain_after=5),
        rec(T0 + timedelta(1)),
        rec(T0 + timedelta(2), pain_after=1),
    ]
    assert [(p.before, p.after) for p in pain_points(sessions)] == [(3, 5), (None, 1)]


def test_summary_compares_with_last_time_and_marks_a_new_best() -> None:
    now = [
        st(1, "left", 52),
        st(3, "right", 47.5, stopped_early=True, reason="form"),
        st(
            5,
            "left",
            40,
            kind="laps",
            step_index=2,
            exercise="Carry",
            target_count=10,
            actual_count=10,
        ),
        st(
            7,
            "right",
            30,
            kind="laps",
            step_index=2,
            exercise="Carry",
            target_count=10,
            actual_count=7,
        ),
    ]
    before = [st(1, "left", 45), st(3, "right", 49)]
    rows = summarize(now, before, {("Side plank", "left"): 50, ("Side plank", "right"): 55})
    assert [(r.exercise, r.side, r.target, r.actual, r.unit) for r in rows] == [
        ("Side plank", "left", 60, 52, "s"),
        ("Side plank", "right", 60, 47.5, "s"),
        ("Carry", "left", 10, 10, "laps"),
        ("Carry", "right", 10, 7, "laps"),
    ]
    assert [r.new_best for r in rows] == [True, False, False, False]
    assert rows[0].change == 7 and rows[1].change == -1.5 and rows[2].change is None
    assert rows[1].stopped_for == "form"
    assert hold_gaps(rows) == {"Side plank": (-4.5, pytest.approx(47.5 / 52))}


def test_a_first_hold_is_a_first_record_not_a_new_best() -> None:
    (row,) = summarize([st(1, "left", 30)])
    assert row.first_record and not row.new_best and row.previous is None


def test_several_sets_take_the_best_hold_and_sum_counts() -> None:
    rows = summarize(
        [
            st(1, "left", 20, set_number=1),
            st(3, "left", 25, set_number=2),
            st(
                5,
                "left",
                0,
                kind="reps",
                step_index=2,
                exercise="Lifts",
                target_count=10,
                actual_count=None,
            ),
            st(
                6,
                "left",
                0,
                kind="reps",
                step_index=2,
                exercise="Lifts",
                target_count=10,
                actual_count=8,
            ),
        ]
    )
    assert [(r.sets, r.actual, r.target) for r in rows] == [(2, 25, 60), (2, 8, 20)]


def test_a_skipped_exercise_has_no_figure() -> None:
    (row,) = summarize([st(1, "left", 3, skipped=True)])
    assert row.skipped and row.actual is None


def test_due_status_by_week_and_by_day() -> None:
    from qltimer.progress import due_status
    from qltimer.script import Frequency, Per

    week = Frequency(times=3, per=Per.WEEK)
    today = date(2026, 11, 20)  # a Friday
    assert due_status(None, [], today) is None
    assert due_status(week, [], today).text == "due: 0 of 3 this week"  # type: ignore[union-attr]
    last_week = [date(2026, 11, 14), date(2026, 11, 15)]
    this_week = [date(2026, 11, 16), date(2026, 11, 18), date(2026, 11, 20)]
    assert due_status(week, last_week + this_week[:2], today).text == "due: 2 of 3 this week"  # type: ignore[union-attr]
    done = due_status(week, this_week, today)
    assert done is not None and not done.due and done.text == "done 3 of 3 this week"
    daily = Frequency(times=1, per=Per.DAY, for_days=14)
    assert due_status(daily, [date(2026, 11, 19)], today).text == "due today"  # type: ignore[union-attr]
    assert not due_status(daily, [today], today).due  # type: ignore[union-attr]


# -- what each chart draws, or says instead ------------------------------------------------------


def _holds(n: int, *, both: bool = True) -> list[HoldPoint]:
    return [
        HoldPoint(
            T0 + timedelta(days=i),
            (T0 + timedelta(days=i)).date(),
            40 + i % 5,
            38 if both else None,
        )
        for i in range(n)
    ]


def test_holds_drawn_keeps_the_period_and_goes_weekly_over_sixty() -> None:
    points = _holds(100)
    since = T0 + timedelta(days=90)
    recent = holds_drawn(points, since)
    assert [p.when for p in recent.points] == [p.when for p in points[90:]]
    assert not recent.weekly and recent.empty == ""
    everything = holds_drawn(points, None)
    assert everything.weekly and len(everything.points) == 15, "100 days are 15 weeks"
    assert max(p.left or 0 for p in everything.points) == 44, "each week's best"
    none = holds_drawn(points, T0 + timedelta(days=200))
    assert not none and none.empty == NO_HOLDS


def test_balance_needs_both_sides_in_one_session() -> None:
    one_sided = [replace(p, right=None) for p in _holds(3)]
    balance = balance_drawn(one_sided, None)
    assert not balance and balance.empty == NO_BALANCE
    assert holds_drawn(one_sided, None), "the hold chart still draws them"
    assert balance_drawn(_holds(3), None).points == _holds(3)


def test_pain_drawn_keeps_scored_sessions_of_the_period() -> None:
    sessions = [rec(T0 + timedelta(days=i), pain_before=3, pain_after=2) for i in range(5)]
    sessions.append(rec(T0 + timedelta(days=6)))  # no scores
    drawn = pain_drawn(sessions, T0 + timedelta(days=2))
    assert [p.when for p in drawn.points] == [T0 + timedelta(days=i) for i in (2, 3, 4)]
    assert pain_drawn(sessions[5:], None).empty == NO_PAIN


def test_plan_bars_count_weeks_then_months() -> None:
    sessions = [rec(T0 + timedelta(days=i)) for i in range(0, 21, 2)]
    bars = plan_bars(sessions, ["ql-level-1"], 3, None, (T0 + timedelta(days=21)).date())
    assert isinstance(bars, PlanBars) and not bars.monthly
    assert bars.label == "Plan: 3 a week" and bars.plan == 3
    assert sum(n for _, n in bars.bars) == len(sessions)
    assert plan_bars(sessions, ["other"], 3, None, T0.date()) == NO_PLAN_SESSIONS
    years = [rec(T0 + timedelta(days=7 * i)) for i in range(80)]
    long = plan_bars(years, ["ql-level-1"], 2, None, (T0 + timedelta(days=7 * 80)).date())
    assert isinstance(long, PlanBars) and long.monthly
    assert long.label == "Plan: about 8.7 a month"
    assert sum(n for _, n in long.bars) == 80
    assert all(month.day == 1 for month, _ in long.bars)
