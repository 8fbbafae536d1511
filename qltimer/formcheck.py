"""The side-plank form rule: is the body still one straight line?

No Qt and no model here: this module takes where the shoulders, hips and ankles were seen, frame
by frame with the time each frame was taken, and says when form was lost. The camera pipeline
(``qltimer.gui.camera``) and ``qltimer camera-check`` both feed it, so a recording and a live
camera are judged by the same rule.

The rule, as the side-bridge endurance test is scored by a tester watching:

1. **Calibrate** on the person's own straight line over the first :attr:`Thresholds.calibrate`
   seconds in which they are seen: how far the hip sits from the shoulder-ankle line, and the
   angle at the hip. Nobody's line is perfectly straight, and a camera is never perfectly level;
   the rule compares the person with themselves, not with a drawing.
2. A frame is **bad** when the hip sits more than :attr:`Thresholds.drop` body lengths (shoulder
   to ankle) further below that line than at calibration, or the hip angle has closed by more than
   :attr:`Thresholds.angle` degrees (a pike, hips up and back, closes it too).
3. Form is **lost** when the frames have been bad for :attr:`Thresholds.lost_after` seconds
   without a break. The moment it was lost is the first bad frame of that run: that is when the
   tester would have stopped the clock. A frame with nobody in it breaks a run of bad frames, so
   a person who steps out of view is never stopped by the camera.

Points are in image coordinates (x right, y down), in any unit; "below" is toward the bottom of
the picture, where the floor is.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

# BlazePose's landmark numbers for the joints the rule reads (qltimer.pose names all 33).
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_HIP, RIGHT_HIP = 23, 24
LEFT_ANKLE, RIGHT_ANKLE = 27, 28
MIN_VISIBILITY = 0.5  # a joint the model is less sure of than this is not used
MIN_BODY = 0.05  # a shoulder-ankle distance under 5 % of the picture is nobody, or a speck
MIN_CALIBRATION_FRAMES = 3  # fewer frames than this in the calibration time is no baseline

# What the rule measures, and the bounds a setting may take (the settings file and the command
# line's options are checked against these).
DROP_RANGE = (0.005, 0.5)  # body lengths
ANGLE_RANGE = (1.0, 90.0)  # degrees
CALIBRATE_RANGE = (0.5, 10.0)  # seconds
LOST_AFTER_RANGE = (0.2, 10.0)  # seconds
CAMERA_RANGES = {
    "calibrate": CALIBRATE_RANGE,
    "drop": DROP_RANGE,
    "angle": ANGLE_RANGE,
    "lost_after": LOST_AFTER_RANGE,
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    calibrate: float = 1.5  # seconds of the person's own straight line
    drop: float = 0.035  # body lengths further below the line than at calibration
    angle: float = 8.0  # degrees the hip angle may close
    lost_after: float = 1.0  # seconds of bad frames in a row

    def __post_init__(self) -> None:
        for name, (low, high) in (
            ("calibrate", CALIBRATE_RANGE),
            ("drop", DROP_RANGE),
            ("angle", ANGLE_RANGE),
            ("lost_after", LOST_AFTER_RANGE),
        ):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and low <= value <= high):
                raise ValueError(f"{name} must be between {low} and {high}, not {value!r}")


@dataclass(frozen=True, slots=True)
class BodyLine:
    """Shoulder, hip and ankle (each the middle of the two sides the model saw) in one frame."""

    shoulder: tuple[float, float]
    hip: tuple[float, float]
    ankle: tuple[float, float]

    @property
    def length(self) -> float:
        """Shoulder to ankle: the body length the drop is measured in."""
        return math.dist(self.shoulder, self.ankle)

    @property
    def drop(self) -> float:
        """How far the hip sits below the shoulder-ankle line, in body lengths (negative: above)."""
        (sx, sy), (hx, hy), (ax, ay) = self.shoulder, self.hip, self.ankle
        length = self.length
        # The line's normal, turned to point down the picture (toward the floor).
        nx, ny = -(ay - sy) / length, (ax - sx) / length
        if ny < 0 or (ny == 0 and nx < 0):
            nx, ny = -nx, -ny
        return ((hx - sx) * nx + (hy - sy) * ny) / length

    @property
    def angle(self) -> float:
        """The angle at the hip between shoulder and ankle, in degrees (180: a straight line)."""
        (sx, sy), (hx, hy), (ax, ay) = self.shoulder, self.hip, self.ankle
        a = math.atan2(sy - hy, sx - hx)
        b = math.atan2(ay - hy, ax - hx)
        turn = abs(math.degrees(a - b)) % 360.0
        return 360.0 - turn if turn > 180.0 else turn


Point = tuple[float, float, float]  # x, y, visibility


def body_line(points: Sequence[Point], width: float = 1.0, height: float = 1.0) -> BodyLine | None:
    """The body line from a pose's landmarks (x, y normalised to the picture, and visibility),
    in pixels of a *width* x *height* picture; None when a joint is not seen well enough on
    either side, or the body is too small to judge."""
    if len(points) <= max(LEFT_ANKLE, RIGHT_ANKLE):
        return None

    def middle(left: int, right: int) -> tuple[float, float] | None:
        seen = [points[i] for i in (left, right) if points[i][2] >= MIN_VISIBILITY]
        if not seen:
            return None
        return (
            sum(p[0] for p in seen) / len(seen) * width,
            sum(p[1] for p in seen) / len(seen) * height,
        )

    shoulder = middle(LEFT_SHOULDER, RIGHT_SHOULDER)
    hip = middle(LEFT_HIP, RIGHT_HIP)
    ankle = middle(LEFT_ANKLE, RIGHT_ANKLE)
    if shoulder is None or hip is None or ankle is None:
        return None
    line = BodyLine(shoulder, hip, ankle)
    if line.length < MIN_BODY * max(width, height):
        return None
    return line


class State(StrEnum):
    NOBODY = "nobody"  # no body line in this frame
    CALIBRATING = "calibrating"  # learning this person's straight line
    GOOD = "good"
    BAD = "bad"  # out of line, not yet for long enough
    LOST = "lost"  # out of line for long enough: the hold ends


@dataclass(frozen=True, slots=True)
class Reading:
    """The rule's view of one frame."""

    t: float  # when the frame was taken (seconds, the caller's clock)
    state: State
    line: BodyLine | None
    drop: float | None = None  # body lengths further below the line than at calibration
    closed: float | None = None  # degrees the hip angle has closed since calibration
    lost_at: float | None = None  # with LOST: when form was lost (the first bad frame)


class FormMonitor:
    """Feeds frames to the rule, in time order, for one hold. ``reset()`` starts over (a new
    hold, or the person paused and gets back into position)."""

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds()
        self.reset()

    def reset(self) -> None:
        self._calibration: list[BodyLine] = []
        self._calibration_start: float | None = None
        self._baseline: tuple[float, float] | None = None  # drop, angle
        self._bad_since: float | None = None
        self.lost_at: float | None = None

    @property
    def calibrated(self) -> bool:
        return self._baseline is not None

    def feed(self, t: float, line: BodyLine | None) -> Reading:
        th = self.thresholds
        if self.lost_at is not None:  # the verdict stands until reset
            return Reading(t, State.LOST, line, lost_at=self.lost_at)
        if line is None:
            self._bad_since = None
            return Reading(t, State.NOBODY, None)
        if self._baseline is None:
            if self._calibration_start is None:
                self._calibration_start = t
            if t - self._calibration_start < th.calibrate:
                self._calibration.append(line)
                return Reading(t, State.CALIBRATING, line)
            if len(self._calibration) < MIN_CALIBRATION_FRAMES:
                # Seen too rarely to know their line: start calibrating again from here.
                self._calibration = [line]
                self._calibration_start = t
                return Reading(t, State.CALIBRATING, line)
            self._baseline = (
                statistics.median(c.drop for c in self._calibration),
                statistics.median(c.angle for c in self._calibration),
            )
        base_drop, base_angle = self._baseline
        drop = line.drop - base_drop
        closed = base_angle - line.angle
        if drop <= th.drop and closed <= th.angle:
            self._bad_since = None
            return Reading(t, State.GOOD, line, drop, closed)
        if self._bad_since is None:
            self._bad_since = t
        if t - self._bad_since >= th.lost_after:
            self.lost_at = self._bad_since
            return Reading(t, State.LOST, line, drop, closed, lost_at=self.lost_at)
        return Reading(t, State.BAD, line, drop, closed)
