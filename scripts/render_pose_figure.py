"""Render tests/data/pose/standing.png: a flat-shaded person standing, facing the camera.

    QT_QPA_PLATFORM=offscreen python scripts/render_pose_figure.py

The figure of tests/test_pose.py (a real-model test needs something BlazePose takes for a person;
its detector keys on the face, hence eyes, brows, nose and mouth). Drawn with QPainter at 640x480;
the same code gives the same file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QLinearGradient, QPainter, QPen, QPolygonF

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "pose" / "standing.png"

SKIN = QColor(222, 178, 146)
SHIRT = QColor(52, 96, 160)
TROUSERS = QColor(48, 52, 64)
HAIR = QColor(70, 45, 30)


def limb(p: QPainter, a: tuple[float, float], b: tuple[float, float], w: float, c: QColor) -> None:
    p.setPen(QPen(c, w, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawLine(QPointF(*a), QPointF(*b))


def render(path: Path) -> None:
    img = QImage(640, 480, QImage.Format.Format_RGB888)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    sky = QLinearGradient(0, 0, 0, 480)
    sky.setColorAt(0, QColor(214, 222, 230))
    sky.setColorAt(1, QColor(176, 170, 160))
    p.fillRect(0, 0, 640, 480, QBrush(sky))
    p.fillRect(0, 400, 640, 80, QColor(150, 128, 104))  # floor
    cx = 320.0
    # legs (trousers) and shoes
    for side in (-1, 1):
        limb(p, (cx + side * 22, 250), (cx + side * 30, 335), 34, TROUSERS)
        limb(p, (cx + side * 30, 335), (cx + side * 34, 420), 28, TROUSERS)
        limb(p, (cx + side * 34, 428), (cx + side * 50, 432), 16, QColor(25, 25, 25))
    # arms: sleeve to the elbow, then skin, a hand
    for side in (-1, 1):
        limb(p, (cx + side * 52, 130), (cx + side * 66, 195), 24, SHIRT)
        limb(p, (cx + side * 66, 195), (cx + side * 72, 255), 18, SKIN)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(SKIN)
        p.drawEllipse(QPointF(cx + side * 73, 266), 11, 13)
    # torso
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(SHIRT)
    p.drawPolygon(
        QPolygonF(
            [QPointF(cx + x, y) for x, y in
             [(-58, 122), (58, 122), (50, 200), (46, 258), (-46, 258), (-50, 200)]]
        )
    )  # fmt: skip
    p.setBrush(QColor(30, 30, 30))
    p.drawRect(QRectF(cx - 47, 246, 94, 10))  # belt
    # neck, head, hair, face
    p.setBrush(SKIN)
    p.drawRect(QRectF(cx - 11, 96, 22, 30))
    p.drawEllipse(QPointF(cx, 76), 27, 34)
    for side in (-1, 1):
        p.drawEllipse(QPointF(cx + side * 27, 78), 5, 9)  # ears
    p.setBrush(HAIR)
    p.drawChord(QRectF(cx - 29, 40, 58, 44), 0, 180 * 16)
    p.setBrush(Qt.GlobalColor.white)
    for side in (-1, 1):
        p.drawEllipse(QPointF(cx + side * 10, 72), 5.5, 3.5)
    p.setBrush(QColor(40, 30, 25))
    for side in (-1, 1):
        p.drawEllipse(QPointF(cx + side * 10, 72), 2.6, 2.6)
    p.setPen(QPen(HAIR, 2.5))
    for side in (-1, 1):
        p.drawLine(QPointF(cx + side * 5, 65), QPointF(cx + side * 16, 64))  # brows
    p.setPen(QPen(QColor(170, 120, 95), 2))
    p.drawLine(QPointF(cx, 74), QPointF(cx - 2, 86))  # nose
    p.setPen(QPen(QColor(160, 60, 60), 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawLine(QPointF(cx - 8, 94), QPointF(cx + 8, 94))  # mouth
    p.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not img.save(str(path), "PNG"):
        sys.exit(f"could not write {path}")


if __name__ == "__main__":
    render(OUT)
    print(OUT, OUT.stat().st_size, "bytes")
