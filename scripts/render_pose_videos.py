"""Render the camera form-check fixture videos: a drawn mannequin in a side plank, never a person.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/render_pose_videos.py OUTDIR [--only NAME]

Writes OUTDIR/<scenario>-<side>.avi for every scenario in SCENARIOS and both sides, with its
ground truth beside it (<scenario>-<side>.truth.json: per frame the time, whether anyone is in the
room, the hip drop in cm and the drawn joints in pixels under BlazePose's names), plus a few PNG
stills (OUTDIR/still-*.png). Each video is 640x480 at 15 frames/s, Motion JPEG (quality 75) in an
AVI container written by the small RIFF writer below (no OpenCV, no ffmpeg binary, no numpy:
PySide6 only), 1-4 MB, and the same bytes on every run: the only motion besides the scenario's is
a breath (about a pixel) and a seeded camera shake under half a pixel. All ten videos take about
15 s on two cores, 27 s in one process (--jobs, default one process a core).

For tests: SCENARIOS (name -> Scenario: duration, fps, sag_start, person_present(t),
hip_drop_cm(t)), render_frame(scenario, side, t) -> QImage, write_video(scenario, side, path,
fps=15, until=None) -> Path, joints(scenario, side, t), ground_truth(scenario, side) and
read_avi_frames(data). bench/fixture_check.py runs the videos through MediaPipe Pose.

The scene: a person about 170 cm tall in a side plank on a mat, seen by a camera at floor level
(35 cm up) about 2.5 m in front of them, facing their chest; a plain wall 1 m behind. The body is
a straight diagonal from the raised shoulders (propped on the floor-side forearm, elbow under the
shoulder, forearm pointing at the camera) down to the stacked feet; the top hand rests on the top
hip. Side: ``left`` is propped on the LEFT forearm, so (facing the camera) the head is at the
right of the picture and the feet at the left; ``right`` is propped on the right forearm, the
mirror image: head at the left.

Geometry is in centimetres of the figure (2.4 px per cm at the person's distance), so a hip drop of
12 cm is 12 cm of a 170 cm body: the hips move straight down (toward the floor) with the thighs,
knees and lower torso following; shoulders, head and feet stay put.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import multiprocessing
import os
import random
import struct
import sys
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QImageWriter,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QRadialGradient,
    QTransform,
)

WIDTH = 640
HEIGHT = 480
FPS = 15
JPEG_QUALITY = 75
SIDES = ("left", "right")

# --- scenarios -------------------------------------------------------------------------------


def _smooth(x: float) -> float:
    """0 -> 1 with zero slope at both ends (half a cosine)."""
    x = min(1.0, max(0.0, x))
    return 0.5 - 0.5 * math.cos(math.pi * x)


@dataclass(frozen=True)
class Dip:
    """The hips go down ``depth_cm`` over ``down`` s from ``start``, stay ``hold`` s, come back
    over ``up`` s (``up`` = 0 with an infinite hold: they stay down)."""

    start: float
    down: float
    hold: float
    up: float
    depth_cm: float

    def drop_cm(self, t: float) -> float:
        if t <= self.start:
            return 0.0
        t -= self.start
        if t < self.down:
            return self.depth_cm * _smooth(t / self.down)
        t -= self.down
        if t <= self.hold:
            return self.depth_cm
        t -= self.hold
        if self.up <= 0:
            return self.depth_cm
        return self.depth_cm * (1.0 - _smooth(t / self.up))


@dataclass(frozen=True)
class Scenario:
    """One fixture video and its ground truth (times in seconds from the first frame)."""

    name: str
    duration: float
    description: str
    dips: tuple[Dip, ...] = ()
    absent: tuple[tuple[float, float], ...] = ()  # [start, end) spans with nobody in the room
    sag_start: float | None = None  # when a sag that should end the hold begins (None: never)
    fps: int = FPS

    def person_present(self, t: float) -> bool:
        return not any(a <= t < b for a, b in self.absent)

    def hip_drop_cm(self, t: float) -> float:
        """How far the hips are below the straight line, in cm of the figure (toward the floor)."""
        return max((d.drop_cm(t) for d in self.dips), default=0.0)

    def frame_count(self, fps: int | None = None) -> int:
        return round(self.duration * (fps or self.fps))

    def frame_times(self, fps: int | None = None) -> list[float]:
        rate = fps or self.fps
        return [i / rate for i in range(self.frame_count(rate))]


SAG_CM = 12.0

SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("straight", 20.0, "held straight throughout"),
        Scenario(
            "sag",
            17.0,
            "10 s straight, the hips drop 12 cm over 1.0 s, then stay down 6 s",
            dips=(Dip(10.0, 1.0, math.inf, 0.0, SAG_CM),),
            sag_start=10.0,
        ),
        Scenario(
            "wobble",
            18.5,
            "10 s straight, a 0.5 s dip of 12 cm and back, 8 s straight",
            dips=(Dip(10.0, 0.25, 0.0, 0.25, SAG_CM),),
        ),
        Scenario(
            "gap",
            18.0,
            "6 s straight, 4 s of the empty room (stepped out), 8 s straight",
            absent=((6.0, 10.0),),
        ),
        Scenario("nobody", 10.0, "the empty room", absent=((0.0, math.inf),)),
    )
}

# --- the figure --------------------------------------------------------------------------------
# Person frame, in cm: v runs up the body as if standing (0 = soles, 170 = top of the head), w
# across it, positive toward the floor side. Joint heights follow the usual proportions of
# stature (shoulder 0.82, hip joint 0.52, knee 0.285, ankle 0.04).

V_ANKLE = 8.0
V_KNEE = 48.0
V_HIP = 88.0
V_SHOULDER = 140.0
W_SHOULDER = 19.0  # half the shoulder width
UPPER_ARM = 32.0
ELBOW_R = 4.0  # the elbow's pad: the shoulder sits UPPER_ARM + ELBOW_R above the floor
ANKLE_MID_Y = 10.0  # height of the mid-ankle point above the floor (feet stacked on their side)

PX_PER_CM = 2.4  # at the person's distance (a 600 px focal length at 2.5 m)
FOCAL_PX = 600.0
PERSON_DEPTH_CM = 250.0
WALL_DEPTH_CM = 350.0
CAMERA_HEIGHT_CM = 35.0
FLOOR_Y = 342.0  # pixel row of the floor at the person's distance
HORIZON_Y = FLOOR_Y - CAMERA_HEIGHT_CM * PX_PER_CM

# The body's tilt: the floor-side shoulder rests UPPER_ARM + ELBOW_R above the floor.
#   ANKLE_MID_Y + L sin(a) - W_SHOULDER cos(a) = UPPER_ARM + ELBOW_R, L = shoulder-ankle length
_L = V_SHOULDER - V_ANKLE
_rise = UPPER_ARM + ELBOW_R - ANKLE_MID_Y
_r = math.hypot(_L, W_SHOULDER)
TILT = math.asin(_rise / _r) + math.atan2(W_SHOULDER, _L)  # radians above horizontal
_COS, _SIN = math.cos(TILT), math.sin(TILT)
ANKLE_MID_X = -(V_SHOULDER - V_ANKLE + 30.0) * _COS / 2 - 8.0  # centres the figure
CAMERA_X = 0.0  # world x (cm) straight in front of the camera

SKIN = QColor(214, 160, 122)
SKIN_DARK = QColor(160, 104, 74)
HAIR = QColor(52, 34, 24)
SHIRT = QColor(196, 54, 48)  # a plain red top
SHIRT_DARK = QColor(118, 26, 26)
TIGHTS = QColor(34, 46, 84)  # navy leggings
TIGHTS_DARK = QColor(14, 18, 38)
SHOE = QColor(236, 236, 232)
SHOE_DARK = QColor(150, 150, 150)
WALL_TOP = QColor(206, 210, 200)
WALL_BOTTOM = QColor(188, 192, 182)
FLOOR_FAR = QColor(150, 116, 80)
FLOOR_NEAR = QColor(176, 138, 96)
MAT = QColor(70, 130, 120)
MAT_DARK = QColor(44, 92, 84)


def world_to_px(x: float, y: float) -> QPointF:
    """World cm (x across the room, y up from the floor, at the person's depth) to pixels."""
    return QPointF(WIDTH / 2 + (x - CAMERA_X) * PX_PER_CM, FLOOR_Y - y * PX_PER_CM)


def floor_px(x: float, depth_cm: float) -> QPointF:
    """A point on the floor at ``depth_cm`` from the camera."""
    k = FOCAL_PX / depth_cm
    return QPointF(WIDTH / 2 + (x - CAMERA_X) * k, HORIZON_Y + CAMERA_HEIGHT_CM * k)


@dataclass
class Pose:
    """Where the figure is this frame: the hip drop (cm) and the breath (-1..1)."""

    drop_cm: float = 0.0
    breath: float = 0.0
    shake: tuple[float, float] = (0.0, 0.0)

    def sag_weight(self, v: float) -> float:
        """How much of the hip drop a point at height v of the body takes (1 at the hips)."""
        if v <= V_ANKLE or v >= V_SHOULDER:
            return 0.0
        if v <= V_HIP:
            return (v - V_ANKLE) / (V_HIP - V_ANKLE)
        return (V_SHOULDER - v) / (V_SHOULDER - V_HIP)

    def world(self, w: float, v: float) -> tuple[float, float]:
        x = ANKLE_MID_X + (v - V_ANKLE) * _COS + w * _SIN
        y = ANKLE_MID_Y + (v - V_ANKLE) * _SIN - w * _COS
        return x, y - self.drop_cm * self.sag_weight(v)

    def px(self, w: float, v: float) -> QPointF:
        x, y = self.world(w, v)
        p = world_to_px(x, y)
        return QPointF(p.x() + self.shake[0], p.y() + self.shake[1])

    def transform(self) -> QTransform:
        """Person frame -> pixels for the parts the sag does not bend (head, neck, feet)."""
        k = PX_PER_CM
        dx = WIDTH / 2 + (ANKLE_MID_X - V_ANKLE * _COS - CAMERA_X) * k + self.shake[0]
        dy = FLOOR_Y - (ANKLE_MID_Y - V_ANKLE * _SIN) * k + self.shake[1]
        return QTransform(_SIN * k, _COS * k, _COS * k, -_SIN * k, dx, dy)


def _capsule(
    a: tuple[float, float], b: tuple[float, float], ra: float, rb: float, steps: int = 10
) -> list[tuple[float, float]]:
    """Outline of a tapered limb from a to b ((w, v) points) with end radii ra, rb."""
    (wa, va), (wb, vb) = a, b
    length = math.hypot(wb - wa, vb - va)
    ux, uy = (wb - wa) / length, (vb - va) / length
    nx, ny = -uy, ux
    pts: list[tuple[float, float]] = []
    for i in range(steps + 1):  # one side, a -> b
        f = i / steps
        r = ra + (rb - ra) * f
        pts.append((wa + (wb - wa) * f + nx * r, va + (vb - va) * f + ny * r))
    for i in range(1, 8):  # round end at b
        ang = math.pi * i / 8
        pts.append(
            (wb + rb * (nx * math.cos(ang) + ux * math.sin(ang)),
             vb + rb * (ny * math.cos(ang) + uy * math.sin(ang)))
        )  # fmt: skip
    for i in range(steps + 1):  # other side, b -> a
        f = 1 - i / steps
        r = ra + (rb - ra) * f
        pts.append((wa + (wb - wa) * f - nx * r, va + (vb - va) * f - ny * r))
    for i in range(1, 8):  # round end at a
        ang = math.pi * i / 8
        pts.append(
            (wa + ra * (-nx * math.cos(ang) - ux * math.sin(ang)),
             va + ra * (-ny * math.cos(ang) - uy * math.sin(ang)))
        )  # fmt: skip
    return pts


def _shade(
    p: QPainter, poly: QPolygonF, light: QPointF, dark: QPointF, base: QColor, shadow: QColor
) -> None:
    """Fill with a gradient across the part: lit edge, base colour, shadowed edge."""
    g = QLinearGradient(light, dark)
    g.setColorAt(0.0, base.lighter(118))
    g.setColorAt(0.45, base)
    g.setColorAt(1.0, shadow)
    p.setBrush(QBrush(g))
    p.drawPolygon(poly)


def _limb(
    p: QPainter,
    pose: Pose,
    a: tuple[float, float],
    b: tuple[float, float],
    ra: float,
    rb: float,
    base: QColor,
    shadow: QColor,
) -> None:
    poly = QPolygonF([pose.px(w, v) for w, v in _capsule(a, b, ra, rb)])
    mid_w, mid_v = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    r = (ra + rb) / 2
    # light from above the person: the side away from the floor (w < 0) is lit
    _shade(p, poly, pose.px(mid_w - r, mid_v), pose.px(mid_w + r, mid_v), base, shadow)


def _world_limb(
    p: QPainter,
    pose: Pose,
    a: tuple[float, float],
    b: tuple[float, float],
    ra: float,
    rb: float,
    base: QColor,
    shadow: QColor,
) -> None:
    """A limb given in world cm (x, y) instead of the person frame."""
    sx, sy = pose.shake

    def px(x: float, y: float) -> QPointF:
        q = world_to_px(x, y)
        return QPointF(q.x() + sx, q.y() + sy)

    pts = _capsule(a, b, ra, rb)
    poly = QPolygonF([px(x, y) for x, y in pts])
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    r = (ra + rb) / 2
    _shade(p, poly, px(mx - r, my), px(mx + r, my), base, shadow)


def _body_poly(pose: Pose, outline: Sequence[tuple[float, float]]) -> QPolygonF:
    """Map an outline in the person frame, adding points every 3 cm so the sag bends it."""
    out: list[QPointF] = []
    n = len(outline)
    for i in range(n):
        (w0, v0), (w1, v1) = outline[i], outline[(i + 1) % n]
        steps = max(1, int(math.hypot(w1 - w0, v1 - v0) / 3.0))
        for j in range(steps):
            f = j / steps
            out.append(pose.px(w0 + (w1 - w0) * f, v0 + (v1 - v0) * f))
    return QPolygonF(out)


def _draw_head(p: QPainter, pose: Pose) -> None:
    p.save()
    p.setTransform(pose.transform(), True)
    # neck
    neck = QLinearGradient(QPointF(-6, 0), QPointF(6, 0))
    neck.setColorAt(0.0, SKIN.lighter(110))
    neck.setColorAt(1.0, SKIN_DARK)
    p.setBrush(QBrush(neck))
    p.drawRoundedRect(QRectF(-5.5, 138.0, 11.0, 16.0), 4.0, 4.0)
    # hair behind the head
    p.setBrush(HAIR)
    p.drawEllipse(QRectF(-9.8, 148.5, 19.6, 24.0))
    # ears
    for side in (-1, 1):
        p.setBrush(SKIN_DARK)
        p.drawEllipse(QRectF(side * 8.6 - 2.0, 155.0, 4.0, 6.5))
        p.setBrush(SKIN)
        p.drawEllipse(QRectF(side * 8.6 - 1.4, 155.6, 2.8, 5.3))
    # face
    face = QRadialGradient(QPointF(-2.5, 161.0), 13.0)
    face.setColorAt(0.0, SKIN.lighter(112))
    face.setColorAt(0.7, SKIN)
    face.setColorAt(1.0, SKIN_DARK)
    p.setBrush(QBrush(face))
    path = QPainterPath()
    path.moveTo(0.0, 147.5)  # chin
    path.cubicTo(5.5, 147.5, 8.6, 152.0, 8.6, 158.0)
    path.cubicTo(8.6, 164.0, 6.0, 168.5, 0.0, 168.5)
    path.cubicTo(-6.0, 168.5, -8.6, 164.0, -8.6, 158.0)
    path.cubicTo(-8.6, 152.0, -5.5, 147.5, 0.0, 147.5)
    p.drawPath(path)
    # fringe / hairline
    p.setBrush(HAIR)
    fringe = QPainterPath()
    fringe.moveTo(-9.0, 161.0)
    fringe.cubicTo(-8.0, 170.0, 8.0, 170.0, 9.0, 161.0)
    fringe.cubicTo(6.0, 166.0, 2.0, 165.0, 0.0, 166.5)
    fringe.cubicTo(-3.0, 165.0, -6.0, 166.5, -9.0, 161.0)
    p.drawPath(fringe)
    # brows
    p.setPen(QPen(HAIR, 0.9, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.setBrush(Qt.BrushStyle.NoBrush)
    for side in (-1, 1):
        brow = QPainterPath()
        brow.moveTo(side * 1.6, 163.0)
        brow.quadTo(side * 3.6, 164.2, side * 5.8, 163.2)
        p.drawPath(brow)
    p.setPen(Qt.PenStyle.NoPen)
    # eyes
    for side in (-1, 1):
        cx = side * 3.5
        p.setBrush(QColor(245, 242, 236))
        p.drawEllipse(QRectF(cx - 1.8, 159.9, 3.6, 2.0))
        p.setBrush(QColor(70, 50, 34))
        p.drawEllipse(QRectF(cx - 0.9, 160.0, 1.8, 1.8))
        p.setBrush(QColor(10, 8, 6))
        p.drawEllipse(QRectF(cx - 0.45, 160.45, 0.9, 0.9))
        p.setPen(QPen(QColor(60, 36, 28), 0.45))
        p.setBrush(Qt.BrushStyle.NoBrush)
        lid = QPainterPath()
        lid.moveTo(cx - 1.9, 160.9)
        lid.quadTo(cx, 162.4, cx + 1.9, 160.9)
        p.drawPath(lid)
        p.setPen(Qt.PenStyle.NoPen)
    # nose: a shaded ridge and nostrils
    p.setBrush(SKIN_DARK)
    nose = QPainterPath()
    nose.moveTo(-0.6, 160.0)
    nose.lineTo(-1.8, 155.6)
    nose.quadTo(0.0, 154.6, 1.8, 155.6)
    nose.lineTo(0.6, 160.0)
    nose.closeSubpath()
    p.drawPath(nose)
    p.setBrush(QColor(90, 50, 40))
    for side in (-1, 1):
        p.drawEllipse(QRectF(side * 0.9 - 0.5, 155.4, 1.0, 0.6))
    # mouth
    p.setBrush(QColor(150, 60, 60))
    mouth = QPainterPath()
    mouth.moveTo(-2.8, 152.6)
    mouth.quadTo(0.0, 153.6, 2.8, 152.6)
    mouth.quadTo(0.0, 150.8, -2.8, 152.6)
    p.drawPath(mouth)
    p.restore()


def _draw_figure(p: QPainter, pose: Pose) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    b = 0.4 * pose.breath  # cm of chest movement
    # shadow on the mat under the body
    x0, _ = pose.world(0.0, 0.0)
    x1, _ = pose.world(0.0, 150.0)
    a, c = floor_px(x0, PERSON_DEPTH_CM - 10), floor_px(x1, PERSON_DEPTH_CM + 12)
    shadow = QRadialGradient((a + c) / 2, (c.x() - a.x()) / 2)
    shadow.setColorAt(0.0, QColor(0, 0, 0, 90))
    shadow.setColorAt(1.0, QColor(0, 0, 0, 0))
    p.setBrush(QBrush(shadow))
    p.drawEllipse(QRectF(a.x(), a.y() - 10, c.x() - a.x(), 18).translated(*pose.shake))

    # top (far from the floor) leg first, then the floor-side leg
    for side in (-1, 1):
        _limb(p, pose, (side * 9.0, V_HIP), (side * 6.0, V_KNEE), 8.5, 6.0, TIGHTS, TIGHTS_DARK)
        _limb(
            p, pose, (side * 6.0, V_KNEE), (side * 4.0, V_ANKLE + 1), 6.0, 3.8, TIGHTS, TIGHTS_DARK
        )
    # shoes (stacked feet, toes toward the camera: seen from the front)
    p.save()
    p.setTransform(pose.transform(), True)
    for side in (-1, 1):
        sg = QLinearGradient(QPointF(-side * 5.0, 0.0), QPointF(side * 5.0, 0.0))
        sg.setColorAt(0.0, SHOE)
        sg.setColorAt(1.0, SHOE_DARK)
        p.setBrush(QBrush(sg))
        p.drawRoundedRect(QRectF(side * 4.3 - 5.0, -1.0, 10.0, 11.0), 4.5, 4.5)
        p.setBrush(QColor(60, 60, 64))
        p.drawRoundedRect(QRectF(side * 4.3 - 5.0, -1.5, 10.0, 3.0), 1.5, 1.5)
    p.restore()

    # shorts over the top of the leggings
    shorts = [
        (-16.5, 101.0), (-17.5, 90.0), (-15.5, 76.0), (-1.5, 74.0), (0.0, 78.0),
        (1.5, 74.0), (15.5, 76.0), (17.5, 90.0), (16.5, 101.0),
    ]  # fmt: skip
    _shade(
        p, _body_poly(pose, shorts), pose.px(-17, 90), pose.px(17, 90), TIGHTS.darker(130),
        TIGHTS_DARK,
    )  # fmt: skip
    # torso (a plain short-sleeved top)
    torso = [
        (-15.5, 97.0), (-14.5, 108.0), (-16.0 - b, 124.0), (-17.0 - b, 134.0),
        (-20.5, 140.0), (-18.0, 144.0), (-6.0, 146.0), (0.0, 143.5),
        (6.0, 146.0), (18.0, 144.0), (20.5, 140.0), (17.0 + b, 134.0),
        (16.0 + b, 124.0), (14.5, 108.0), (15.5, 97.0),
    ]  # fmt: skip
    _shade(p, _body_poly(pose, torso), pose.px(-18, 125), pose.px(18, 125), SHIRT, SHIRT_DARK)
    # neckline
    p.save()
    p.setTransform(pose.transform(), True)
    p.setBrush(SKIN)
    neckline = QPainterPath()
    neckline.moveTo(-6.0, 146.0)
    neckline.quadTo(0.0, 138.5, 6.0, 146.0)
    neckline.closeSubpath()
    p.drawPath(neckline)
    p.restore()

    _draw_head(p, pose)

    # the floor-side arm: upper arm straight down to the elbow on the mat, under the shoulder
    sx, sy = pose.world(W_SHOULDER - 4.0, V_SHOULDER)
    elbow = (sx, ELBOW_R)
    _world_limb(p, pose, (sx, sy), elbow, 6.0, 4.6, SKIN, SKIN_DARK)
    _world_limb(p, pose, (sx, sy), (sx, sy - 10.0), 7.0, 6.2, SHIRT, SHIRT_DARK)  # sleeve
    # its forearm on the mat, pointing at the camera: short, with the fist nearest
    _world_limb(p, pose, elbow, (sx, -3.0), 4.6, 4.4, SKIN, SKIN_DARK)
    fist = world_to_px(sx, -4.0)
    fist = QPointF(fist.x() + pose.shake[0], fist.y() + pose.shake[1])
    g = QRadialGradient(QPointF(fist.x() - 3, fist.y() - 3), 14)
    g.setColorAt(0.0, SKIN.lighter(110))
    g.setColorAt(1.0, SKIN_DARK)
    p.setBrush(QBrush(g))
    p.drawEllipse(fist, 5.2 * PX_PER_CM * 1.1, 4.6 * PX_PER_CM * 1.1)

    # the top arm: elbow out toward the ceiling, hand on the top hip
    shoulder, elbow_t, hand = (-W_SHOULDER + 3.0, V_SHOULDER), (-36.0, 118.0), (-17.0, 96.0)
    _limb(p, pose, shoulder, elbow_t, 5.6, 4.4, SKIN, SKIN_DARK)
    _limb(p, pose, shoulder, (-25.0, 132.0), 6.8, 6.0, SHIRT, SHIRT_DARK)  # sleeve
    _limb(p, pose, elbow_t, hand, 4.4, 3.4, SKIN, SKIN_DARK)
    hx, hv = hand
    p.setBrush(SKIN)
    p.drawPolygon(
        QPolygonF([pose.px(w, v) for w, v in _capsule((hx, hv), (hx + 2, hv - 8), 3.6, 3.0)])
    )


# --- the room ----------------------------------------------------------------------------------


ROOM_MARGIN = 2  # px of room drawn beyond each edge, for the camera shake


@functools.cache
def _room_image() -> QImage:
    """The empty room, drawn once (ROOM_MARGIN px bigger all round)."""
    m = ROOM_MARGIN
    img = QImage(WIDTH + 2 * m, HEIGHT + 2 * m, QImage.Format.Format_RGB32)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.translate(m, m)
    _draw_room(p)
    p.end()
    return img


def _draw_room(p: QPainter) -> None:
    p.save()
    wall_base = floor_px(0.0, WALL_DEPTH_CM).y()
    g = QLinearGradient(QPointF(0, -10), QPointF(0, wall_base))
    g.setColorAt(0.0, WALL_TOP)
    g.setColorAt(1.0, WALL_BOTTOM)
    p.fillRect(QRectF(-10, -10, WIDTH + 20, wall_base + 10), QBrush(g))
    # skirting board
    p.fillRect(QRectF(-10, wall_base - 9, WIDTH + 20, 9), QColor(232, 230, 224))
    p.fillRect(QRectF(-10, wall_base - 9, WIDTH + 20, 1.2), QColor(200, 198, 190))
    # floor
    g = QLinearGradient(QPointF(0, wall_base), QPointF(0, HEIGHT + 10))
    g.setColorAt(0.0, FLOOR_FAR)
    g.setColorAt(1.0, FLOOR_NEAR)
    p.fillRect(QRectF(-10, wall_base, WIDTH + 20, HEIGHT + 20 - wall_base), QBrush(g))
    # the mat: 190 x 65 cm, a trapezoid in perspective
    x0, x1 = ANKLE_MID_X - 25.0, ANKLE_MID_X + 165.0
    d0, d1 = PERSON_DEPTH_CM - 32.0, PERSON_DEPTH_CM + 33.0
    mat = QPolygonF([floor_px(x0, d1), floor_px(x1, d1), floor_px(x1, d0), floor_px(x0, d0)])
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(MAT)
    p.drawPolygon(mat)
    near0, near1 = floor_px(x0, d0), floor_px(x1, d0)
    edge = QPolygonF([near0, near1, near1 + QPointF(0, 2.5), near0 + QPointF(0, 2.5)])
    p.setBrush(MAT_DARK)
    p.drawPolygon(edge)
    p.restore()


# --- frames ------------------------------------------------------------------------------------

_app: QGuiApplication | None = None


def _ensure_app() -> None:
    """QPainter on a QImage needs a QGuiApplication for fonts only; make one if none exists."""
    global _app
    if QGuiApplication.instance() is None:
        _app = QGuiApplication(sys.argv[:1])


def _shake(scenario: str, side: str, t: float) -> tuple[float, float]:
    rng = random.Random(f"{scenario}/{side}/{round(t * 1000)}")
    return (rng.uniform(-0.4, 0.4), rng.uniform(-0.4, 0.4))


def render_frame(scenario: str, side: str, t: float) -> QImage:
    """The frame of ``scenario`` (a key of SCENARIOS) for ``side`` ("left"/"right") at t s."""
    if scenario not in SCENARIOS:
        raise KeyError(f"no scenario {scenario!r}; there are {sorted(SCENARIOS)}")
    if side not in SIDES:
        raise ValueError(f"side must be one of {SIDES}, not {side!r}")
    _ensure_app()
    img = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    if side == "right":  # the mirror image: propped on the right forearm, head to the left
        p.translate(WIDTH, 0)
        p.scale(-1, 1)
    shake = _shake(scenario, side, t)
    # the room moves with the camera shake too (resampled: a fraction of a pixel)
    p.save()
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    p.drawImage(QPointF(shake[0] - ROOM_MARGIN, shake[1] - ROOM_MARGIN), _room_image())
    p.restore()
    pose = _pose_at(scenario, side, t)
    if pose is not None:
        _draw_figure(p, pose)
    p.end()
    return img


def _pose_at(scenario: str, side: str, t: float) -> Pose | None:
    sc = SCENARIOS[scenario]
    if not sc.person_present(t):
        return None
    breath = math.sin(2 * math.pi * t / 3.7)
    return Pose(drop_cm=sc.hip_drop_cm(t), breath=breath, shake=_shake(scenario, side, t))


# Joint centres as drawn, in the person frame (w, v); w > 0 is the floor side.
_JOINTS: dict[str, tuple[float, float]] = {
    "shoulder": (W_SHOULDER - 2.0, V_SHOULDER),
    "hip": (9.0, V_HIP),
    "knee": (6.0, V_KNEE),
    "ankle": (4.0, V_ANKLE + 1.0),
}


def joints(scenario: str, side: str, t: float) -> dict[str, tuple[float, float]] | None:
    """Where the drawn joints are in the frame, in pixels, named as BlazePose names them
    ("left_shoulder", ..., "right_ankle", and "nose"); None when nobody is in the frame."""
    pose = _pose_at(scenario, side, t)
    if pose is None:
        return None
    floor, top = ("left", "right") if side == "left" else ("right", "left")
    out: dict[str, tuple[float, float]] = {}

    def put(name: str, w: float, v: float) -> None:
        q = pose.px(w, v)
        x = WIDTH - q.x() if side == "right" else q.x()
        out[name] = (round(x, 2), round(q.y(), 2))

    for joint, (w, v) in _JOINTS.items():
        put(f"{floor}_{joint}", w, v)
        put(f"{top}_{joint}", -w, v)
    put("nose", 0.0, 156.5)
    return out


def ground_truth(scenario: str, side: str, *, fps: int = FPS) -> dict[str, object]:
    """Per-frame truth for a video as write_video makes it (JSON-ready)."""
    sc = SCENARIOS[scenario]
    return {
        "scenario": scenario,
        "side": side,
        "fps": fps,
        "duration": sc.duration,
        "sag_start": sc.sag_start,
        "description": sc.description,
        "body_length_cm": V_SHOULDER - V_ANKLE - 1.0,
        "px_per_cm": PX_PER_CM,
        "frames": [
            {
                "i": i,
                "t": round(t, 6),
                "present": sc.person_present(t),
                "hip_drop_cm": round(sc.hip_drop_cm(t), 4),
                "joints": joints(scenario, side, t),
            }
            for i, t in enumerate(sc.frame_times(fps))
        ],
    }


def encode_jpeg(img: QImage, quality: int = JPEG_QUALITY) -> bytes:
    """Baseline JPEG with optimised Huffman tables (about 20% smaller, same pixels)."""
    buf = QByteArray()
    dev = QBuffer(buf)
    dev.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(dev, QByteArray(b"jpeg"))
    writer.setQuality(quality)
    writer.setOptimizedWrite(True)
    if not writer.write(img):
        raise RuntimeError(f"JPEG encoding failed: {writer.errorString()}")
    dev.close()
    return bytes(buf.data())


# --- AVI (RIFF) writer -------------------------------------------------------------------------


def _chunk(fourcc: bytes, data: bytes) -> bytes:
    pad = b"\0" if len(data) % 2 else b""
    return fourcc + struct.pack("<I", len(data)) + data + pad


def _list(kind: bytes, body: bytes) -> bytes:
    return b"LIST" + struct.pack("<I", len(body) + 4) + kind + body


def mjpeg_avi(frames: Iterable[bytes], width: int, height: int, fps: int) -> bytes:
    """An AVI 1.0 file of one Motion JPEG video stream, every frame a key frame, with idx1."""
    movi = bytearray()
    index = bytearray()
    count = 0
    biggest = 0
    for jpeg in frames:
        offset = 4 + len(movi)  # from the 'movi' fourcc, as most readers expect
        movi += _chunk(b"00dc", jpeg)
        index += b"00dc" + struct.pack("<III", 0x10, offset, len(jpeg))  # AVIIF_KEYFRAME
        count += 1
        biggest = max(biggest, len(jpeg))
    usec = round(1_000_000 / fps)
    buffer = biggest + 8
    avih = struct.pack(
        "<10I4I",
        usec,  # dwMicroSecPerFrame
        buffer * fps,  # dwMaxBytesPerSec
        0,  # dwPaddingGranularity
        0x10,  # dwFlags: AVIF_HASINDEX
        count,  # dwTotalFrames
        0,  # dwInitialFrames
        1,  # dwStreams
        buffer,  # dwSuggestedBufferSize
        width,
        height,
        0, 0, 0, 0,
    )  # fmt: skip
    strh = struct.pack(
        "<4s4sIHHIIIIIIIIhhhh",
        b"vids",
        b"MJPG",
        0,  # dwFlags
        0,  # wPriority
        0,  # wLanguage
        0,  # dwInitialFrames
        1,  # dwScale
        fps,  # dwRate: fps / 1
        0,  # dwStart
        count,  # dwLength (frames)
        buffer,  # dwSuggestedBufferSize
        0xFFFFFFFF,  # dwQuality: default
        0,  # dwSampleSize: varies
        0, 0, width, height,  # rcFrame
    )  # fmt: skip
    strf = struct.pack(
        "<IiiHH4sIiiII", 40, width, height, 1, 24, b"MJPG", width * height * 3, 0, 0, 0, 0
    )
    hdrl = _list(
        b"hdrl",
        _chunk(b"avih", avih) + _list(b"strl", _chunk(b"strh", strh) + _chunk(b"strf", strf)),
    )
    body = b"AVI " + hdrl + _list(b"movi", bytes(movi)) + _chunk(b"idx1", bytes(index))
    return b"RIFF" + struct.pack("<I", len(body)) + body


def read_avi_frames(data: bytes) -> list[bytes]:
    """The '00dc' payloads of an AVI written by mjpeg_avi, in order (for checks and tests)."""
    start = data.index(b"movi") + 4
    end = data.index(b"idx1", start)
    frames = []
    pos = start
    while pos < end:
        fourcc, size = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        if fourcc == b"00dc":
            frames.append(data[pos + 8 : pos + 8 + size])
        pos += 8 + size + (size & 1)
    return frames


def write_video(
    scenario: str, side: str, path: Path, *, fps: int = FPS, until: float | None = None
) -> Path:
    """Render ``scenario`` for ``side`` into an MJPEG AVI at ``path``; returns the path.
    ``until`` (s) keeps only the frames before that time (short videos for tests)."""
    sc = SCENARIOS[scenario]
    times = [t for t in sc.frame_times(fps) if until is None or t < until - 1e-9]
    frames = (encode_jpeg(render_frame(scenario, side, t)) for t in times)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(mjpeg_avi(frames, WIDTH, HEIGHT, fps))
    return path


STILLS: tuple[tuple[str, str, float], ...] = (
    ("straight", "left", 1.0),
    ("straight", "right", 1.0),
    ("sag", "left", 14.0),
    ("sag", "right", 14.0),
    ("nobody", "left", 1.0),
)


def _write_one(job: tuple[str, str, Path]) -> tuple[Path, int, float]:
    name, side, path = job
    t0 = time.perf_counter()
    write_video(name, side, path)
    return path, SCENARIOS[name].frame_count(), time.perf_counter() - t0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--only", choices=sorted(SCENARIOS), help="one scenario (both sides)")
    ap.add_argument("--no-stills", action="store_true", help="videos only")
    ap.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: one a core)"
    )
    args = ap.parse_args(argv)
    outdir: Path = args.outdir
    outdir.mkdir(parents=True, exist_ok=True)
    names = [args.only] if args.only else list(SCENARIOS)
    jobs = [(name, side, outdir / f"{name}-{side}.avi") for name in names for side in SIDES]
    started = time.perf_counter()
    if args.jobs > 1:
        # spawn, not fork: each worker starts Qt afresh
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(min(args.jobs, len(jobs)), mp_context=ctx) as pool:
            done = list(pool.map(_write_one, jobs))
    else:
        done = [_write_one(job) for job in jobs]
    for name, side, path in jobs:
        truth = path.with_suffix(".truth.json")
        truth.write_text(json.dumps(ground_truth(name, side), indent=1) + "\n")
    for path, frames, took in done:
        print(f"{path}  {frames} frames  {path.stat().st_size / 1e6:.2f} MB  {took:.2f} s")
    if not args.no_stills:
        for name, side, t in STILLS:
            if name in names:
                still = outdir / f"still-{name}-{side}-{t:g}s.png"
                render_frame(name, side, t).save(str(still))
                print(still)
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
