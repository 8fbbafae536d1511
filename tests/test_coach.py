"""Coaching rules on hand-built histories, edge cases included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from qltimer import coach
from qltimer.catalog import load_catalog
from qltimer.engine import expand
from qltimer.history import SessionRecord, StepRecord
from qltimer.progress import HoldPoint, week_count
from qltimer.script import Frequency, Per, StepKind
from tests.helpers import session_record, step_record

T0 = datetime(2026, 10, 5, 7, 30, tzinfo=UTC)  # a Monday


def rec(
    sid: str,
    start: datetime,
    before: int | None = 3,
    after: int | None = 3,
    *,
    status: str = "completed",
    variant: str = "normal",
    offset: int = 0,
) -> SessionRecord:
    return session_record(
        sid,
        start,
        pain_before=before,
        pain_after=after,
        status=status,
        variant=variant,
        utc_offset_min=offset,
    )


def planks(left: float, right: float, reason: str | None = None) -> list[StepRecord]:
    return [
        step_record(1, "Side plank", "hold", "left", T0, left, target_seconds=60.0),
        step_record(
            3,
            "Side plank",
            "hold",
            "right",
            T0,
            right,
            target_seconds=60.0,
            stopped_early=right < 60,
            reason=reason,
        ),
    ]


def newest_first(*items: tuple[SessionRecord, list[StepRecord]]):  # type: ignore[no-untyped-def]
    return sorted(items, key=lambda i: i[0].started_at, reverse=True)


# -- pain ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "flagged"),
    [(3, 5, True), (3, 4, False), (0, 2, True), (None, 9, False), (4, None, False), (5, 3, False)],
)
def test_pain_rising_two_points_is_flagged(
    before: int | None, after: int | None, flagged: bool
) -> None:
    flag = coach.pain_flag(rec("ql-level-1", T0, before, after), planks(60, 60))
    assert (flag is not None) is flagged
    if flag:
        assert flag.rise == after - before  # type: ignore[operator]
        assert any("something gentler" in line for line in flag.lines())
        assert flag.lines()[-1] == coach.PROFESSIONAL


def test_stopping_for_pain_is_flagged_even_without_scores() -> None:
    flag = coach.pain_flag(rec("ql-level-1", T0, None, None), planks(60, 20, reason="pain"))
    assert flag is not None and flag.rise is None
    assert flag.lines()[0] == "You stopped Side plank because it hurt."


# -- progression --------------------------------------------------------------------------------


def level1(
    day: int, left: float, right: float, before: int | None = 3, after: int | None = 3, **kw: object
) -> tuple[SessionRecord, list[StepRecord]]:
    return rec("ql-level-1", T0 + timedelta(days=day), before, after, **kw), planks(left, right)  # type: ignore[arg-type]


def test_level_two_is_suggested_after_two_of_three_at_sixty_seconds() -> None:
    history = newest_first(level1(0, 55, 50), level1(2, 60, 60), level1(4, 62.5, 60))
    (s,) = coach.suggestions(history, [], T0 + timedelta(days=5))
    assert s.key == "level-2" and s.session_id == "ql-level-2"
    assert "2 of your last 3 level 1 sessions" in s.reason
    assert "(left 62 s, right 60 s)" in s.reason  # 62.5 s rounds half to even


def test_exactly_sixty_counts_and_one_side_short_does_not() -> None:
    tie = newest_first(level1(0, 60, 60), level1(2, 60, 60))
    assert [s.key for s in coach.suggestions(tie, [], T0 + timedelta(days=3))] == ["level-2"]
    short = newest_first(level1(0, 60, 59.9), level1(2, 61, 59), level1(4, 70, 60))
    assert coach.suggestions(short, [], T0 + timedelta(days=5)) == []


def test_a_pain_rise_in_those_sessions_holds_it_back_but_a_missing_score_does_not() -> None:
    rose = newest_first(level1(0, 60, 60), level1(2, 60, 60, 2, 3), level1(4, 61, 61))
    assert coach.suggestions(rose, [], T0 + timedelta(days=5)) == []
    missing = newest_first(level1(0, 60, 60, None, None), level1(2, 60, 60, 4, None))
    assert [s.key for s in coach.suggestions(missing, [], T0 + timedelta(days=3))] == ["level-2"]


def test_only_the_last_three_level_one_sessions_count() -> None:
    old_good = [level1(d, 60, 60) for d in (0, 2, 4)]
    recent_short = [level1(d, 50, 50) for d in (6, 8)]
    history = newest_first(*old_good, *recent_short)
    assert coach.suggestions(history, [], T0 + timedelta(days=9)) == []


def test_flare_days_and_unfinished_sessions_do_not_count() -> None:
    history = newest_first(
        level1(0, 60, 60, variant="flare"),
        level1(2, 60, 60, status="interrupted"),
        level1(4, 60, 60),
    )
    assert coach.suggestions(history, [], T0 + timedelta(days=5)) == []


def test_declining_keeps_it_quiet_for_two_weeks_and_accepting_for_good() -> None:
    history = newest_first(level1(0, 60, 60), level1(2, 60, 60))
    no = [("level-2", T0 + timedelta(days=3), False)]
    assert coach.suggestions(history, no, T0 + timedelta(days=16)) == []
    assert [s.key for s in coach.suggestions(history, no, T0 + timedelta(days=18))] == ["level-2"]
    yes = [("level-2", T0 + timedelta(days=3), True)]
    assert coach.suggestions(history, yes, T0 + timedelta(days=60)) == []


def phase_one(day: int, before: int | None = 3, after: int | None = 3):  # type: ignore[no-untyped-def]
    return rec("phase-one", T0 + timedelta(days=day), before, after), []


def test_phase_two_is_the_persons_answer_with_their_figures_beside_it() -> None:
    six = newest_first(*(phase_one(d, 2, 0) for d in range(0, 12, 2)))
    (s,) = coach.suggestions(six, [], T0 + timedelta(days=12))
    assert s.key == "level-1" and s.session_id == "ql-level-1"
    assert s.title == "Confident and pain-free?"
    assert "Are you confident and pain-free in everyday movement?" in s.reason
    assert (s.yes, s.no) == ("Yes: move on to Phase Two", "Not yet")
    assert "only you can say" in s.reason
    assert "6 Phase One sessions in a row without your pain going up" in s.reason
    assert "newest first, out of 10: 0, 0, 0, 0, 0, 0" in s.reason
    assert "that number is qltimer's suggestion" in s.reason
    assert "ended with some pain" not in s.reason
    # Steady pain of 4 does not rise, so the question comes, but the figures say it plainly.
    (steady,) = coach.suggestions(
        newest_first(*(phase_one(d, 4, 4) for d in range(0, 12, 2))), [], T0 + timedelta(days=12)
    )
    assert "4, 4, 4, 4, 4, 4" in steady.reason
    assert "6 of them ended with some pain; the program waits until you are pain-free" in (
        steady.reason
    )
    broken = newest_first(*(phase_one(d) for d in range(0, 10, 2)), phase_one(10, 2, 4))
    assert coach.suggestions(broken, [], T0 + timedelta(days=12)) == [], "the run starts over"
    five = newest_first(*(phase_one(d) for d in range(0, 10, 2)))
    assert coach.suggestions(five, [], T0 + timedelta(days=12)) == []
    skipped_through = {r.uuid for r, _ in six[:2]}
    assert (
        coach.suggestions(
            six, [], T0 + timedelta(days=12), worked=lambda u: u not in skipped_through
        )
        == []
    ), "sessions skipped through are not part of the run"


def test_the_no_floor_track_has_its_own_path_and_question() -> None:
    standing = newest_first(
        *((rec("standing-seated", T0 + timedelta(days=d), 1, 0), []) for d in range(0, 12, 2))
    )
    assert coach.suggestions(standing, [], T0 + timedelta(days=12)) == [], "not the floor's"
    (s,) = coach.suggestions(standing, [], T0 + timedelta(days=12), track=coach.NO_FLOOR)
    assert (s.key, s.session_id) == ("standing-two", "standing-strength")
    assert "all standing" in s.reason and "floor" not in s.reason.lower()
    records = [r for r, _ in standing]
    assert coach.current_stage(records, [], track=coach.NO_FLOOR).key == "standing-one"
    assert coach.current_stage(records, []).key == "phase-one", "the floor track is unmoved"
    moved = [("standing-two", T0 + timedelta(days=13), True)]
    assert coach.current_stage(records, moved, track=coach.NO_FLOOR).key == "standing-two"
    assert coach.current_stage(records, moved).key == "phase-one"


def wall(
    day: int, left: float, right: float, target: float = 20
) -> tuple[SessionRecord, list[StepRecord]]:
    at = T0 + timedelta(days=day)
    steps = [
        step_record(0, "Wall side plank", "hold", "left", at, left, target_seconds=target),
        step_record(1, "Wall side plank", "hold", "right", at, right, target_seconds=target),
    ]
    return rec("standing-strength", T0 + timedelta(days=day)), steps


def test_the_no_floor_step_up_comes_from_holding_the_planned_wall_plank() -> None:
    history = newest_first(wall(0, 15, 20), wall(2, 20, 20), wall(4, 21, 20))
    (s,) = coach.suggestions(history, [], T0 + timedelta(days=5), track=coach.NO_FLOOR)
    assert (s.key, s.session_id, s.title) == (
        "standing-three",
        "standing-strength-2",
        "Ready for level 2?",
    )
    assert "for 20 s on both sides in 2 of your last 3 standing strength sessions" in s.reason
    assert "qltimer's suggestion" in s.reason
    assert coach.suggestions(history, [], T0 + timedelta(days=5)) == [], "not on the floor track"
    short = newest_first(wall(0, 15, 20), wall(2, 20, 19), wall(4, 21, 20))
    assert coach.suggestions(short, [], T0 + timedelta(days=5), track=coach.NO_FLOOR) == []


def test_the_stage_follows_choices_then_history() -> None:
    assert coach.current_stage([], []).key == "phase-one"
    sessions = [rec("ql-level-1", T0), rec("phase-one", T0 - timedelta(days=3))]
    stage = coach.current_stage(sessions, [])
    assert stage.key == "level-1"
    assert stage.why == "your sessions: the latest at this stage was ql-level-1 on 5 Oct"
    accepted = [("level-2", T0 + timedelta(days=1), True)]
    stage = coach.current_stage(sessions, accepted)
    assert stage.key == "level-2" and "you chose to move on" in stage.why


# -- the plan -----------------------------------------------------------------------------------


def test_a_session_late_in_the_evening_counts_on_the_local_day() -> None:
    # 23:30 UTC on Sunday 11 Oct is 01:30 on Monday 12 Oct at UTC+2.
    late = rec("ql-level-1", datetime(2026, 10, 11, 23, 30, tzinfo=UTC), offset=120)
    assert coach.days_done([late], ["ql-level-1"]) == [date(2026, 10, 12)]
    assert week_count([date(2026, 10, 12)], date(2026, 10, 14)) == 1


def test_a_time_zone_change_does_not_merge_or_split_days() -> None:
    at_home = rec("ball-release", datetime(2026, 10, 20, 21, 0, tzinfo=UTC), offset=60)
    abroad = rec("ball-release", datetime(2026, 10, 21, 5, 0, tzinfo=UTC), offset=-300)
    assert coach.days_done([at_home, abroad], ["ball-release"]) == [
        date(2026, 10, 20),
        date(2026, 10, 21),
    ]


def test_weekly_streak_counts_weeks_on_plan() -> None:
    week = Frequency(times=3, per=Per.WEEK)
    mon = date(2026, 10, 5)
    days = [mon + timedelta(days=d) for d in (0, 2, 4, 7, 9, 11, 14, 16)]  # wk3 has two so far
    assert coach.streak(week, days, date(2026, 10, 22)) == 2, "this week is not over yet"
    assert coach.streak(week, [*days, date(2026, 10, 22)], date(2026, 10, 22)) == 3
    assert coach.streak(week, days[:5], date(2026, 10, 22)) == 0, "a short week breaks it"


def test_daily_streak_keeps_going_until_a_day_is_missed() -> None:
    daily = Frequency(times=1, per=Per.DAY, for_days=14)
    days = [date(2026, 10, d) for d in (1, 2, 3, 5, 6, 7)]
    assert coach.streak(daily, days, date(2026, 10, 7)) == 3
    assert coach.streak(daily, days, date(2026, 10, 8)) == 3, "not done today yet"
    assert coach.streak(daily, days, date(2026, 10, 9)) == 0


def test_the_release_block_counts_days_and_restarts_after_a_gap() -> None:
    days = [date(2026, 10, d) for d in range(1, 6)]  # days 1-5 done
    block = coach.release_block(days, date(2026, 10, 6))
    assert block == coach.ReleaseBlock(6, False, False), "today would be day 6"
    block = coach.release_block([*days, date(2026, 10, 6)], date(2026, 10, 6))
    assert block == coach.ReleaseBlock(6, True, False)
    interrupted = [*days, date(2026, 10, 7), date(2026, 10, 8)]  # 6 October missed
    assert coach.release_block(interrupted, date(2026, 10, 8)) == coach.ReleaseBlock(2, True, False)
    assert coach.release_block(days, date(2026, 10, 8)) is None, "two days ago: no block now"
    full = [date(2026, 10, 1) + timedelta(days=d) for d in range(14)]
    assert coach.release_block(full, date(2026, 10, 14)).complete  # type: ignore[union-attr]
    assert coach.release_block(full, date(2026, 10, 15)).complete  # type: ignore[union-attr]


# -- left and right, and the endurance test ---------------------------------------------------


def points(*ratios: float) -> list[HoldPoint]:
    return [HoldPoint(T0, T0.date(), 60.0, 60.0 * r) for r in ratios]


def test_the_lagging_side_is_named_with_how_much() -> None:
    lag = coach.side_lag(points(1.0, 0.9, 0.88, 0.9))
    assert lag is not None and lag.side == "right"
    assert lag.percent == pytest.approx(8, abs=0.1)
    assert "Your right side lags" in lag.text() and "8% less than your left" in lag.text()
    assert coach.side_lag(points(1.0, 0.97, 1.03)) is None
    left = coach.side_lag(points(1.2, 1.2))
    assert left is not None and left.side == "left" and left.percent == pytest.approx(16.7, 0.01)
    assert coach.side_lag(points(0.5)) is None, "one session is not a pattern"


def test_balance_verdict_uses_the_point_zero_five_band() -> None:
    assert "balanced" in coach.balance_verdict(70, 68)
    assert "worth training" in coach.balance_verdict(70, 60)
    assert len(coach.REFERENCES) == 3 and "other groups" in coach.REFERENCE_CAVEAT


# -- sore day -----------------------------------------------------------------------------------


def test_the_sore_day_variant_is_lighter_and_still_runs() -> None:
    catalog = load_catalog()
    level1_session = catalog.sessions["ql-level-1"]
    flare = coach.sore_variant(level1_session)
    assert flare.title.endswith("(sore day)") and flare.id == level1_session.id
    by_name = {s.name: s for s in flare.steps}
    assert by_name["Side plank"].seconds == 42
    assert by_name["Suitcase carry"].laps == 5
    assert by_name["Settle in"] == next(s for s in level1_session.steps if s.name == "Settle in")
    cues = by_name["Side plank"].cues
    assert all(c.halfway or (c.before_end or 0) < 42 for c in cues)
    assert expand(flare).total_estimate < expand(level1_session).total_estimate
    release = catalog.sessions["ball-release"]
    assert coach.sore_variant(release).steps == release.steps, "the release is kept"
    lifts = next(
        s
        for s in coach.sore_variant(catalog.sessions["ql-level-2"]).steps
        if s.kind is StepKind.REPS
    )
    assert lifts.reps == 7


# -- which session the home screen offers first -------------------------------------------------

WEEKLY = Frequency(times=3, per=Per.WEEK)
OFFERED = {
    "phase-one": WEEKLY,
    "ql-level-1": WEEKLY,
    "ql-knees": WEEKLY,
    "ql-more": WEEKLY,
    "ql-level-2": WEEKLY,
    "side-plank-test": Frequency(times=1, per=Per.WEEK),
    "ball-release": Frequency(times=1, per=Per.DAY, for_days=14),
}
FRIDAY = date(2026, 10, 9)  # T0 is the Monday of this week


def next_for(
    sessions: list[SessionRecord],
    decisions: list[tuple[str, datetime, bool]] | None = None,
    offered: dict[str, Frequency | None] | None = None,
    today: date = FRIDAY,
) -> str | None:
    sessions = sorted(sessions, key=lambda r: r.started_at, reverse=True)
    stage = coach.current_stage(sessions, decisions or [])
    return coach.next_session(stage, sessions, OFFERED if offered is None else offered, today)


def on(sid: str, days: int, **kw: object) -> SessionRecord:
    """*sid* done *days* days after T0 (Monday 5 October, 07:30 UTC)."""
    return rec(sid, T0 + timedelta(days=days), **kw)  # type: ignore[arg-type]


def test_someone_new_is_offered_phase_one() -> None:
    assert next_for([]) == "phase-one"


def test_the_stage_session_is_offered_while_it_is_due_this_week() -> None:
    level1_twice = [on("ql-level-1", 0), on("ql-level-1", 2)]
    assert next_for(level1_twice) == "ql-level-1", "2 of 3 this week: due"
    chose_level2 = [("level-2", T0 - timedelta(days=1), True)]
    assert next_for(level1_twice, chose_level2) == "ql-level-2"
    releasing = [*level1_twice, *(on("ball-release", d) for d in range(4))]
    assert next_for(releasing) == "ql-level-1", "due strengthening comes before the release"


def test_with_the_week_done_a_release_day_in_progress_comes_next() -> None:
    week_done = [on("ql-level-1", d) for d in (0, 2, 3)]
    release = [on("ball-release", d) for d in range(4)]  # Mon-Thu: Friday is day 5
    assert next_for([*week_done, *release]) == "ball-release"
    assert next_for([*week_done, *release, on("ball-release", 4)]) == "ql-level-1", "done today"
    assert next_for([*week_done, on("ball-release", 2)]) == "ql-level-1", "a gap ended the block"
    assert next_for(week_done) == "ql-level-1", "no release under way: the stage's session anyway"


def test_a_finished_two_week_release_block_is_not_offered_again() -> None:
    week_done = [on("ql-level-1", d) for d in (7, 9, 10)]  # the week of Monday 12 October
    fourteen = [on("ball-release", d) for d in range(-3, 11)]  # 2 to 15 October
    assert next_for([*week_done, *fourteen], today=date(2026, 10, 16)) == "ql-level-1"


def test_a_stages_sessions_count_together_and_the_last_one_done_is_offered() -> None:
    knees = [on("ql-level-1", 0), on("ql-knees", 2)]
    assert next_for(knees) == "ql-knees", "someone on their knees keeps to it"
    week_done = [*knees, on("ql-more", 3)]
    release = [on("ball-release", d) for d in range(4)]
    assert next_for([*week_done, *release]) == "ball-release", "three level 1 sessions: done"
    assert next_for(week_done) == "ql-more"


def test_sore_days_count_and_unfinished_sessions_do_not() -> None:
    flare = [on("ql-level-1", d, variant="flare") for d in (0, 2, 3)]
    assert next_for([*flare, *(on("ball-release", d) for d in range(4))]) == "ball-release"
    stopped = [on("ql-level-1", d, status="interrupted") for d in (0, 2, 3)]
    assert next_for([on("ql-level-1", -3), *stopped]) == "ql-level-1"


def test_sessions_missing_from_the_list_are_never_offered() -> None:
    release = [on("ball-release", d) for d in range(4)]
    assert next_for(release, offered={"ball-release": OFFERED["ball-release"]}) == "ball-release"
    assert next_for([], offered={"side-plank-test": OFFERED["side-plank-test"]}) is None
    no_plan: dict[str, Frequency | None] = {"ql-level-1": None}
    assert next_for([on("ql-level-1", 0)], offered=no_plan) == "ql-level-1"


# -- tracks, pain first, how often ----------------------------------------------------------------


def test_on_the_no_floor_track_nothing_on_the_floor_is_offered_or_due() -> None:
    catalog = load_catalog()
    stage = coach.current_stage([], [], track=coach.NO_FLOOR)
    placed = {sid: coach.placement(stage, s) for sid, s in catalog.sessions.items()}
    assert placed["standing-seated"] is None
    assert placed["standing-strength"] == coach.LATER
    assert placed["phase-one"] == placed["ql-level-1"] == "on the floor track"
    assert placed["ball-release"] == placed["side-plank-test"] == coach.NEEDS_FLOOR
    offered = {sid: s.frequency for sid, s in catalog.sessions.items() if placed[sid] is None}
    assert all(not catalog.sessions[sid].floor for sid in offered)
    releasing = [on("ball-release", d) for d in range(4)]
    assert coach.next_session(stage, releasing, offered, FRIDAY) == "standing-seated"
    floor = coach.current_stage([], [])
    assert coach.placement(floor, catalog.sessions["standing-seated"]) == "on the no-floor track"
    assert coach.placement(floor, catalog.sessions["ball-release"]) is None


def stopped_for_pain(sid: str, day: int) -> tuple[SessionRecord, list[StepRecord]]:
    record = rec(sid, T0 + timedelta(days=day), 2, 3, status="ended early")
    step = step_record(0, "Side plank", "hold", "left", record.started_at, 20, reason="pain")
    return record, [step]


def test_after_a_pain_stop_or_a_rise_the_next_suggestion_is_gentler_and_says_why() -> None:
    level1 = coach.Stage("level-1", "", "").info
    offered = set(OFFERED)
    gentle = coach.gentler_next(level1, stopped_for_pain("ql-level-1", 0), offered)
    assert gentle is not None and gentle.session_id == "phase-one"
    assert "Last time (ql-level-1 on 5 Oct) you stopped Side plank with P" in gentle.reason
    assert "something gentler today: Phase One, chosen below" in gentle.reason
    assert coach.PROFESSIONAL in gentle.reason and "S gives a lighter" in gentle.reason
    told = coach.gentler_next(level1, stopped_for_pain("ql-level-1", 0), offered, T0.date())
    assert told is not None and "(ql-level-1 earlier today)" in told.reason
    rise = (rec("ql-level-1", T0, 1, 4), [])
    gentle = coach.gentler_next(level1, rise, offered)
    assert gentle is not None and "your pain went from 1 to 4 out of 10" in gentle.reason
    assert coach.gentler_next(level1, (rec("ql-level-1", T0, 1, 2), []), offered) is None
    first = coach.Stage("phase-one", "", "").info
    gentle = coach.gentler_next(first, rise, offered)
    assert gentle is not None and gentle.session_id == "ball-release"
    assert "gentler today: the ball release" in gentle.reason
    same = (rec("standing-seated", T0, 1, 4), [])
    start = coach.Stage("standing-one", "", "").info
    gentle = coach.gentler_next(start, same, {"standing-seated"}, T0.date() + timedelta(days=1))
    assert gentle is not None and gentle.session_id == "standing-seated"
    assert "(standing-seated yesterday)" in gentle.reason
    assert "the same session, lighter: press S" in gentle.reason
    standing = coach.Stage("standing-two", "", "").info
    gentle = coach.gentler_next(standing, rise, {"standing-seated", "standing-strength"})
    assert gentle is not None and gentle.session_id == "standing-seated"
    # And home offers it first even though the week's strengthening is due.
    stage = coach.current_stage([rise[0]], [])
    assert coach.next_session(stage, [rise[0]], OFFERED, FRIDAY) == "ql-level-1"
    gentle = coach.gentler_next(stage.info, rise, offered)
    assert coach.next_session(stage, [rise[0]], OFFERED, FRIDAY, gentle) == "phase-one"


def test_the_person_chooses_two_or_three_a_week_for_both_paths() -> None:
    catalog = load_catalog()
    coach.plan_sessions(catalog.sessions, 2)
    for sid, session in catalog.sessions.items():
        assert session.frequency is not None
        if sid in coach.STAGE_OF:
            assert (session.frequency.times, session.frequency.per) == (2, Per.WEEK), sid
    assert catalog.sessions["ball-release"].frequency == Frequency(
        times=1, per=Per.DAY, for_days=14
    )
    assert catalog.sessions["side-plank-test"].frequency == Frequency(times=1, per=Per.WEEK)
    assert catalog.is_builtin(catalog.sessions["ql-level-1"])
    two = Frequency(times=2, per=Per.WEEK)
    days = [date(2026, 10, d) for d in (6, 8, 13, 15)]  # two a week, two weeks
    assert coach.streak(two, days, date(2026, 10, 19)) == 2
    assert coach.streak(Frequency(times=3, per=Per.WEEK), days, date(2026, 10, 19)) == 0
    coach.plan_sessions(catalog.sessions, 5)  # not a choice: the default
    assert catalog.sessions["ql-level-1"].frequency == Frequency(times=3, per=Per.WEEK)


# -- advise: what home shows, decided outside the view -----------------------------------------


def test_advise_on_a_new_history_offers_phase_one_and_puts_the_rest_aside() -> None:
    sessions = load_catalog(user_dir=None).sessions
    advice = coach.advise([], sessions, track=coach.FLOOR, now=T0)
    assert advice.stage.key == "phase-one"
    assert advice.first == "phase-one"
    assert advice.order[0] == "phase-one", "the person's path comes first"
    assert advice.placed["ql-level-2"] == coach.LATER
    assert advice.placed["standing-strength"] == coach.OTHER_TRACK[coach.NO_FLOOR]
    assert [sid for sid in advice.order if advice.placed[sid] is not None] == list(
        advice.order[-sum(1 for p in advice.placed.values() if p is not None) :]
    ), "what is put aside comes last"
    assert advice.status["phase-one"].startswith("not done yet · ● ")
    assert advice.status["ql-level-2"] == "not done yet · later on your path"
    assert advice.gentler is None and advice.suggestion is None
    assert advice.plan_line == (
        f"This week: 0 of 3 strengthening sessions · You are at: {coach.STAGE['phase-one'].name}"
    )


def test_advise_counts_the_week_and_the_release_block() -> None:
    sessions = load_catalog(user_dir=None).sessions
    history = [
        rec("ball-release", T0 + timedelta(days=2, hours=2)),
        rec("phase-one", T0 + timedelta(days=2)),
        rec("ball-release", T0 + timedelta(days=1)),
        rec("phase-one", T0),
    ]
    asked: list[str] = []

    def steps_of(uuid: str) -> list[StepRecord]:
        asked.append(uuid)
        return []

    advice = coach.advise(
        history,
        sessions,
        track=coach.FLOOR,
        now=T0 + timedelta(days=2, hours=5),
        steps_of=steps_of,
    )
    assert advice.plan_line == (
        "This week: 2 of 3 strengthening sessions · Ball release: day 2 of 14, done today"
        f" · You are at: {coach.STAGE['phase-one'].name}"
    )
    assert advice.status["phase-one"] == "last done today · ● due: 2 of 3 this week"
    assert advice.status["ball-release"].startswith("last done today")
    assert asked[0] == history[0].uuid, "the latest session is read for a pain stop"
    assert len(asked) <= len(history)


def test_advise_puts_pain_first_and_holds_back_the_step_up() -> None:
    sessions = load_catalog(user_dir=None).sessions
    history = [
        rec("ql-level-1", T0 + timedelta(days=7), before=1, after=4),
        *[rec("phase-one", T0 + timedelta(days=i)) for i in range(6, 0, -1)],
    ]
    decisions = [("phase-two", T0 + timedelta(days=6, hours=1), True)]
    advice = coach.advise(
        history,
        sessions,
        track=coach.FLOOR,
        now=T0 + timedelta(days=8),
        decisions=decisions,
        worked=lambda uuid: True,
    )
    assert advice.stage.key == "level-1"
    assert advice.gentler is not None and advice.gentler.session_id == "phase-one"
    assert "your pain went from 1 to 4 out of 10" in advice.gentler.reason
    assert advice.first == "phase-one", "the gentler session is offered first"
    assert advice.suggestion is None, "pain first: no step up the same day"


def test_advise_on_the_no_floor_track_never_offers_the_floor() -> None:
    sessions = load_catalog(user_dir=None).sessions
    advice = coach.advise([], sessions, track=coach.NO_FLOOR, now=T0)
    assert advice.first == "standing-seated"
    for sid, session in sessions.items():
        if session.floor:
            assert advice.placed[sid] is not None, sid
            assert "●" not in advice.status[sid]
    assert "Ball release" not in advice.plan_line
    assert advice.plan_line.endswith(f"You are at: {coach.STAGE['standing-one'].name}")


def test_one_two_sided_session_is_too_few_to_call_balanced() -> None:
    """The balance note never says "balanced" on one session 45% apart."""
    one = [HoldPoint(T0, T0.date(), 31.0, 45.0)]
    assert coach.balance_note(one) == coach.TOO_FEW_FOR_BALANCE
    even = [HoldPoint(T0 + timedelta(days=i), T0.date(), 50.0, 50.0) for i in range(3)]
    assert coach.balance_note(even) == coach.BALANCED
    lopsided = [HoldPoint(T0 + timedelta(days=i), T0.date(), 60.0, 40.0) for i in range(3)]
    assert "right" in coach.balance_note(lopsided)
