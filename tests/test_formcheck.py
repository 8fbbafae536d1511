"""The form rule on drawn body lines: a side plank seen from the front, 10 frames a second."""

from __future__ import annotations

import math

import pytest

from qltimer.formcheck import (
    LEFT_ANKLE,
    LEFT_HIP,
    LEFT_SHOULDER,
    RIGHT_ANKLE,
    RIGHT_HIP,
    RIGHT_SHOULDER,
    BodyLine,
    FormMonitor,
    State,
    Thresholds,
    body_line,
)

FPS = 10


def plank(sag: float = 0.0, head_left: bool = True, lift: float = 0.0) -> BodyLine:
    """A 400 px body from a raised shoulder down to the feet; *sag* moves the hip down (px),
    *lift* moves it up."""
    shoulder, ankle = (120.0, 200.0), (520.0, 300.0)
    if not head_left:
        shoulder, ankle = (640 - shoulder[0], shoulder[1]), (640 - ankle[0], ankle[1])
    hip = ((shoulder[0] + ankle[0]) / 2, (shoulder[1] + ankle[1]) / 2 + sag - lift)
    return BodyLine(shoulder, hip, ankle)


def run(lines: list[BodyLine | None], thresholds: Thresholds | None = None) -> float | None:
    """When the monitor said form was lost (the first bad frame), or None."""
    m = FormMonitor(thresholds)
    for i, line in enumerate(lines):
        r = m.feed(i / FPS, line)
        if r.state is State.LOST:
            assert r.lost_at is not None
            return r.lost_at
    return None


def test_a_straight_line_has_no_drop_and_a_straight_angle() -> None:
    line = plank()
    assert line.drop == pytest.approx(0.0, abs=1e-9)
    assert line.angle == pytest.approx(180.0)
    assert line.length == pytest.approx(math.dist((120, 200), (520, 300)))


@pytest.mark.parametrize("head_left", [True, False])
def test_a_sagging_hip_is_below_the_line_on_either_side(head_left: bool) -> None:
    sagged = plank(sag=20.0, head_left=head_left)
    assert sagged.drop > 0.04
    assert sagged.angle < 175
    lifted = plank(lift=20.0, head_left=head_left)
    assert lifted.drop < -0.04
    assert lifted.angle < 175  # a pike closes the angle too


def test_straight_then_sag_is_lost_at_the_first_bad_frame_one_second_on() -> None:
    length = plank().length
    lines = [plank() for _ in range(100)]
    # Then the hips drop 12 % of the body length over one second and stay down.
    lines += [plank(sag=0.12 * length * min(1.0, (i + 1) / 10)) for i in range(60)]
    lost = run(lines)
    assert lost is not None
    assert 10.0 <= lost <= 10.5  # it was lost early in the drop, not when noticed
    m = FormMonitor()
    states = [m.feed(i / FPS, line).state for i, line in enumerate(lines)]
    stopped = states.index(State.LOST) / FPS
    assert stopped == pytest.approx(lost + 1.0)


def test_a_wobble_of_half_a_second_is_not_lost() -> None:
    length = plank().length
    lines = [plank() for _ in range(100)]
    lines += [plank(sag=0.12 * length) for _ in range(5)]
    lines += [plank() for _ in range(80)]
    assert run(lines) is None


def test_nobody_in_view_breaks_a_bad_run_and_never_stops_the_hold() -> None:
    length = plank().length
    bad = plank(sag=0.12 * length)
    lines: list[BodyLine | None] = [plank() for _ in range(30)]
    lines += [bad] * 8 + [None] + [bad] * 8 + [None] * 50
    assert run(lines) is None


def test_calibration_is_never_a_stop_and_learns_the_persons_own_line() -> None:
    # A person whose straight is a little saggy: the camera judges against that, not a drawing.
    length = plank().length
    own = plank(sag=0.05 * length)
    m = FormMonitor()
    states = [m.feed(i / FPS, own).state for i in range(15)]
    assert states == [State.CALIBRATING] * 15
    assert m.feed(1.5, own).state is State.GOOD
    assert m.calibrated
    # Badly out of line from the first frame: calibrating, then judged against that.
    m2 = FormMonitor()
    first = [m2.feed(i / FPS, plank(sag=0.2 * length)).state for i in range(15)]
    assert State.LOST not in first


def test_calibration_waits_for_the_person_and_restarts_when_seen_too_rarely() -> None:
    m = FormMonitor()
    assert m.feed(0.0, None).state is State.NOBODY
    assert m.feed(0.1, plank()).state is State.CALIBRATING
    # Seen once more only after the calibration time: too few frames, calibrating again.
    assert m.feed(2.0, plank()).state is State.CALIBRATING
    for i in range(1, 16):
        m.feed(2.0 + i / FPS, plank())
    assert m.calibrated


def test_thresholds_can_be_set_and_are_checked() -> None:
    length = plank().length
    slight = [plank() for _ in range(30)] + [plank(sag=0.05 * length) for _ in range(30)]
    assert run(slight) is not None  # 5 % is past the usual 3.5 %
    assert run(slight, Thresholds(drop=0.1, angle=20.0)) is None
    assert run(slight, Thresholds(lost_after=3.5)) is None
    with pytest.raises(ValueError, match="drop"):
        Thresholds(drop=0.0)
    with pytest.raises(ValueError, match="lost_after"):
        Thresholds(lost_after=60.0)


def test_reset_starts_over_after_a_loss() -> None:
    length = plank().length
    m = FormMonitor()
    for i in range(20):
        m.feed(i / FPS, plank())
    for i in range(20, 40):
        r = m.feed(i / FPS, plank(sag=0.2 * length))
    assert r.state is State.LOST
    m.reset()
    assert not m.calibrated
    assert m.feed(5.0, plank()).state is State.CALIBRATING


def _landmarks(line: BodyLine, width: float, height: float, vis: float = 0.9) -> list:
    pts = [(0.5, 0.5, 0.0)] * 33
    for idx, (x, y) in (
        (LEFT_SHOULDER, line.shoulder),
        (RIGHT_SHOULDER, line.shoulder),
        (LEFT_HIP, line.hip),
        (RIGHT_HIP, line.hip),
        (LEFT_ANKLE, line.ankle),
        (RIGHT_ANKLE, line.ankle),
    ):
        pts[idx] = (x / width, y / height, vis)
    return pts


def test_body_line_from_landmarks_uses_what_was_seen() -> None:
    line = plank(sag=10)
    got = body_line(_landmarks(line, 640, 480), 640, 480)
    assert got is not None
    assert got.hip == pytest.approx(line.hip)
    assert got.drop == pytest.approx(line.drop)
    # One side unseen: the other side alone gives the point.
    pts = _landmarks(line, 640, 480)
    pts[RIGHT_HIP] = (0.0, 0.0, 0.1)
    half = body_line(pts, 640, 480)
    assert half is not None and half.hip == pytest.approx(line.hip)
    # No hip seen on either side, too few points, or a speck of a body: no line.
    pts[LEFT_HIP] = (0.0, 0.0, 0.2)
    assert body_line(pts, 640, 480) is None
    assert body_line(pts[:20], 640, 480) is None
    tiny = BodyLine((100, 100), (101, 101), (102, 102))
    assert body_line(_landmarks(tiny, 640, 480), 640, 480) is None
