"""The phrase catalogue: numbers and times said as a person says them, and the cues of a real
plan carrying the same message on screen and in the voice."""

from __future__ import annotations

import pytest

from qltimer import words
from qltimer.cuemix import mix_cues
from qltimer.engine import CueKind, Run, expand
from qltimer.phrases import phrase_list, result_phrase, spoken, voiced
from qltimer.script import Side
from tests.helpers import FakeClock, session_from


@pytest.mark.parametrize(
    ("n", "said"),
    [
        (0, "zero"),
        (7, "seven"),
        (13, "thirteen"),
        (40, "forty"),
        (47, "forty-seven"),
        (100, "one hundred"),
        (125, "one hundred and twenty-five"),
        (1005, "one thousand and five"),
        (2345, "two thousand three hundred and forty-five"),
    ],
)
def test_numbers_are_words(n: int, said: str) -> None:
    assert words.number(n) == said


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (1, "one second"),
        (47, "forty-seven seconds"),
        (60, "sixty seconds"),
        (90, "ninety seconds"),
        (120, "two minutes"),
        (121, "two minutes and one second"),
        (185, "three minutes and five seconds"),
    ],
)
def test_durations_are_said_in_seconds_up_to_two_minutes(seconds: int, said: str) -> None:
    assert words.duration(seconds) == said


def test_a_count_says_how_many_are_left_near_the_end_only() -> None:
    said = [words.counted_said(n, 10) for n in range(1, 10)]
    assert said[:6] == ["One.", "Two.", "Three.", "Four.", "Five.", "Six."]
    assert said[6:] == ["Seven. Three to go.", "Eight. Two to go.", "Nine. One to go."]
    assert words.counted_said(31, None) == "Thirty-one."


def test_the_result_says_the_unit_once() -> None:
    assert (
        words.result_said([(Side.LEFT, 35), (Side.RIGHT, 60)])
        == "Left thirty-five seconds, right sixty."
    )
    assert (
        words.result_said([(Side.LEFT, 130), (Side.RIGHT, 60)])
        == "Left two minutes and ten seconds, right sixty seconds."
    )
    assert words.result_said([], [10, 10]) == "Twenty laps."
    assert words.result_said([]) == ""


PLAN = """
title = "Words"
get_ready = 3
switch_sides = 6
[[step]]
kind = "hold"
name = "Side plank"
sides = "each"
seconds = 60
sets = 2
rest = 20
cue = [{ at = 20, say = "hips up" }, { before_end = 10 }]
[[step]]
kind = "rest"
seconds = 15
[[step]]
kind = "laps"
name = "Suitcase carry"
sides = "left"
laps = 4
"""


def test_each_lead_in_says_what_comes_next_and_the_screen_shows_the_short_form() -> None:
    plan = expand(session_from(PLAN))
    said = [(p.kind.value, c.text, spoken(p, c)) for p in plan.phases for c in p.cues]
    announced = [(k, t, s) for k, t, s in said if s and k != "work"]
    assert announced == [
        ("get-ready", "Left side", "Side plank, left side. Get ready."),
        ("switch-sides", "Switch sides", "Switch to your right side."),
        ("switch-sides", "Right side", "Right side."),
        ("rest", "Rest", "Rest. Next: Side plank, left side."),
        ("rest", "Left side next", "Left side next."),
        ("switch-sides", "Switch sides", "Switch to your right side."),
        ("switch-sides", "Right side", "Right side."),
        ("rest", "Rest", "Rest. Next: Suitcase carry, left hand."),
        ("get-ready", "Left hand", "Suitcase carry, left hand. Get ready."),
    ]
    work = {(t, s) for k, t, s in said if s and k == "work"}
    assert work == {("hips up", "Hips up."), ("10 seconds", "Ten seconds.")}
    counting = [c for p in plan.phases for c in p.cues if c.kind is CueKind.COUNTDOWN]
    assert counting and all(spoken(None, c) is None for c in counting), "3-2-1 stays recorded"
    assert phrase_list(plan)[-4:] == [
        "One. Three to go.",
        "Two. Two to go.",
        "Three. One to go.",
        "Session complete.",
    ]


def test_a_hold_ended_early_says_its_time_before_what_comes_next_in_one_utterance() -> None:
    clock = FakeClock()
    run = Run(expand(session_from(PLAN)), clock)
    run.start()
    clock.tick(3 + 41.7)
    run.advance()
    events = run.done_now()
    ends = [e for e in events if getattr(e, "cue", None) and e.cue.kind is CueKind.WORK_END]
    assert [(e.cue.text, e.cue.said, e.cue.count) for e in ends] == [
        ("41 s held", "Forty-one seconds.", 41)
    ]
    ready = {"Forty-one seconds.": 1.2, "Switch to your right side.": 1.5}
    (heard,) = mix_cues(voiced(events, ready, run.upcoming()))
    assert heard.names == ("say:Forty-one seconds.", "say:Switch to your right side.")
    # The switch's own "Right side" two seconds in is not said again; the count at 3 s left
    # has room after 2.7 s of words in a 6 s switch (the "3" is due 3 s in).
    assert [at for at, _ in run.upcoming()] == [
        clock.now + 2,
        clock.now + 3,
        clock.now + 4,
        clock.now + 5,
        clock.now + 6,
    ]
    # Words that would run into the count give way to the recorded cues.
    slow = {"Forty-one seconds.": 1.5, "Switch to your right side.": 1.6}
    (plain_too,) = mix_cues(voiced(events, slow, run.upcoming()))
    assert plain_too.names == ("switch-sides",)
    # Without speech the recorded "done" still gives way to "switch sides".
    (plain,) = mix_cues(events)
    assert plain.names == ("switch-sides",)


def test_the_result_is_each_sides_best_hold_leaving_out_parts_cut_short() -> None:
    clock = FakeClock()
    run = Run(expand(session_from(PLAN)), clock)
    run.start()
    clock.tick(3 + 35.2)
    run.advance()
    run.done_now()  # left 35 s
    clock.tick(6 + 60 + 20 + 50.9)  # right 60 s in full, the rest, left set 2 into its 50th s
    run.advance()
    run.done_now()  # left 50 s: the best left
    clock.tick(6 + 12)
    run.advance()
    run.stop_for_pain()  # right set 2 stopped because it hurt: not a measure
    events = run.end_early()
    ended = events[-1]
    assert result_phrase(ended.results) == "Left fifty seconds, right sixty."
