"""Measure the run screen as drawn, on a screen of a given size: run in a subprocess, because the
screen size and scale factor must be set before Qt starts.

    python -m tests.gui.run_probe WIDTHxHEIGHT [--scale 2] [--full-screen] [--theme T] [--shots DIR]

Prints one JSON object: for each state of a real session (get ready, hold, overtime, paced reps,
laps, rest, switch, stopped for pain, keys help), the cap heights of the countdown, side word,
step name and "Then:" line as laid out; the WCAG contrast of every visible text against the pixels
drawn behind it; and every visible widget that is not wholly inside the window.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("screen")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--full-screen", action="store_true")
    ap.add_argument("--theme", default="light", choices=["light", "dark", "high-contrast"])
    ap.add_argument("--shots", type=Path)
    args = ap.parse_args()
    width, height = (int(v) for v in args.screen.split("x"))
    config = Path(tempfile.mkdtemp(prefix="qltimer-probe-")) / "screen.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "probe",
                        "x": 0,
                        "y": 0,
                        "width": width,
                        "height": height,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        )
    )
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    os.environ.setdefault("QLTIMER_DATA_DIR", str(config.parent / "data"))
    print(json.dumps(probe(args.full_screen, args.theme, args.shots)))


SESSION = """
title = "Probe"
get_ready = 5
switch_sides = 5

[[step]]
kind = "hold"
name = "Side plank leg lifts"
sides = "each"
seconds = 60
instruction = "INSTRUCTION"
tips = ["Tuck the buttocks in rather than letting them stick out."]

[[step]]
kind = "reps"
name = "Top-leg lifts"
sides = "left"
reps = 10
cadence = 3
get_ready = 3
sets = 2
rest = 20

[[step]]
kind = "laps"
name = "Light suitcase carry"
sides = "left"
laps = 10
get_ready = 3

[[step]]
kind = "hold"
name = "Side plank test"
sides = "right"
seconds = 5
as_long_as_you_can = true
get_ready = 3
"""


# The longest kind of instruction a built-in session shows in a get-ready.
SESSION = SESSION.replace(
    "INSTRUCTION",
    "Lie on your side, forearm under your shoulder, legs straight and stacked. Lift your hips "
    "so your body is a straight line from head to feet, and hold.",
)


def probe(full_screen: bool, theme: str, shots: Path | None) -> dict[str, Any]:
    from PySide6.QtCore import QPoint, QRect, Qt
    from PySide6.QtGui import QFontMetricsF, QImage, QPalette
    from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

    from qltimer.audio import SilentPlayer
    from qltimer.catalog import Catalog
    from qltimer.engine import PhaseKind
    from qltimer.gui.app import MainWindow, make_app
    from qltimer.gui.run_view import RunView
    from qltimer.gui.theme import contrast
    from qltimer.script import Side, StepKind
    from qltimer.settings import Settings
    from tests.helpers import FakeClock, session_from

    app = make_app()
    screen = app.primaryScreen().availableGeometry()
    session = session_from(SESSION, "probe.toml")
    clock = FakeClock()
    settings = Settings(
        safety_acknowledged=True,
        theme="dark" if theme == "dark" else "light",
        high_contrast=theme == "high-contrast",
    )
    window = MainWindow(
        Catalog(sessions={"probe": session}),
        None,
        player=SilentPlayer(),
        clock=clock,
        settings=settings,
    )
    window.showFullScreen() if full_screen else window.show()
    settle(app)
    if not full_screen:  # a 1280x800 window, or the whole screen with its frame if smaller
        margins = window.frameGeometry().size() - window.geometry().size()
        window.resize(
            min(1280, screen.width() - margins.width()),
            min(800, screen.height() - margins.height()),
        )
        window.move(screen.topLeft())
        settle(app)
    view = window.start_session(session)

    def step() -> None:
        clock.tick(0.25)
        view.controller.tick()

    def until(test: Any) -> None:
        for _ in range(4000):
            if test(view.controller.run.snapshot()):
                settle(app)
                return
            step()
        raise SystemExit(f"probe: state not reached at {view.controller.run.snapshot()}")

    def work(name: str, side: Side | None = None) -> Any:
        return lambda s: (
            s.phase
            and s.phase.is_work
            and s.phase.step.name == name
            and (side is None or s.phase.side is side)
        )

    states: dict[str, Any] = {}

    def measure(name: str) -> None:
        settle(app)
        image = window.grab().toImage()
        if shots is not None:
            image.save(str(shots / f"{name}.png"))
        states[name] = {
            "caps": caps(view),
            "texts": texts(view, image),
            "outside": outside(window),
            "view": [view.width(), view.height()],
            "window": [window.frameGeometry().width(), window.frameGeometry().height()],
            "screen": [screen.width(), screen.height()],
        }

    def caps(v: RunView) -> dict[str, float]:
        out = {"digits": v.big.cap_height()}
        for key, label in (("side", v.side), ("step", v.step_name), ("next", v.next)):
            if label.isVisible() and label.text():
                out[key] = QFontMetricsF(label.font()).capHeight()
        if v.tip.isVisible() and v.tip.text():
            out["tip"] = QFontMetricsF(v.tip.font()).capHeight()
        for panel in (v.pain_panel, v.end_panel):
            if panel.isVisible():
                out["panel"] = QFontMetricsF(panel.heading.font()).capHeight()
                out["choices"] = min(
                    QFontMetricsF(b.font()).capHeight()
                    for b in panel.buttons.values()
                    if b.isVisible()
                )
        return out

    def texts(v: RunView, image: QImage) -> list[dict[str, Any]]:
        """Each visible text: its colour and the colour drawn just inside its box's corner."""
        out = []
        dpr = image.devicePixelRatio()
        for w in v.findChildren(QWidget):
            if not w.isVisible() or not isinstance(w, (QLabel, QAbstractButton)):
                continue
            text = w.text()
            if not text.strip():
                continue
            role = (
                QPalette.ColorRole.ButtonText
                if isinstance(w, QAbstractButton)
                else (QPalette.ColorRole.WindowText)
            )
            fg = w.palette().color(role).name()
            bg = commonest(image, QRect(w.mapTo(window, QPoint(0, 0)), w.size()), dpr, fg)
            out.append(
                {
                    "name": w.accessibleName() or w.objectName(),
                    "text": text[:40],
                    "fg": fg,
                    "bg": bg,
                    "ratio": round(contrast(fg, bg), 2),
                    "cut": cut(w),
                }
            )
        return out

    def cut(w: QWidget) -> bool:
        """Is a line of this text wider than its box (rich text and wrapped labels wrap)?"""
        if isinstance(w, QLabel) and (w.wordWrap() or w.textFormat() == Qt.TextFormat.RichText):
            return w.heightForWidth(w.width()) > w.height() + 2 if w.wordWrap() else False
        room = w.width() - (24 if isinstance(w, QAbstractButton) else 0)
        metrics = QFontMetricsF(w.font())
        return any(metrics.horizontalAdvance(line) > room for line in w.text().split("\n"))

    def outside(top: QWidget) -> list[str]:
        bounds = QRect(QPoint(0, 0), top.size())
        bad = []
        for w in top.findChildren(QWidget):
            if not w.isVisible() or w.width() <= 0 or w.height() <= 0 or w.isWindow():
                continue
            rect = QRect(w.mapTo(top, QPoint(0, 0)), w.size())
            parent = w.parentWidget()
            clipped = parent is not None and not QRect(QPoint(0, 0), parent.size()).contains(
                QRect(w.pos(), w.size())
            )
            if not bounds.contains(rect) or clipped:
                bad.append(f"{type(w).__name__}:{w.accessibleName() or w.objectName()} {rect}")
        frame = top.frameGeometry()
        if not screen.contains(frame):
            bad.append(f"window frame {frame} outside the screen {screen}")
        return bad

    until(lambda s: s.phase and s.phase.kind is PhaseKind.GET_READY and s.elapsed > 1)
    measure("get-ready")
    until(work("Side plank leg lifts", Side.LEFT))
    clock.tick(20)
    view.controller.tick()
    measure("hold")
    view.controller.toggle_pause()
    measure("paused")
    view.controller.toggle_pause()
    until(lambda s: s.phase and s.phase.kind is PhaseKind.SWITCH)
    measure("switch")
    until(lambda s: s.phase and s.phase.is_work and s.phase.step.kind is StepKind.REPS)
    clock.tick(4)
    view.controller.tick()
    measure("paced-reps")
    until(lambda s: s.phase and s.phase.kind is PhaseKind.REST)
    measure("rest")
    until(work("Light suitcase carry"))
    view.controller.add_count()
    measure("laps")
    for _ in range(9):
        view.controller.add_count()
    until(work("Side plank test"))
    clock.tick(9)
    view.controller.tick()
    measure("overtime")
    view.toggle_help()
    measure("help")
    view.toggle_help()
    view.ask_end()
    measure("end")
    view.on_end_choice("go-on")
    view.controller.stop_for_pain()
    measure("pain")
    view.controller.pain_go_on()
    window.close()
    app.processEvents()
    del QApplication
    return {"states": states, "scale": app.primaryScreen().devicePixelRatio()}


def commonest(image: Any, rect: Any, dpr: float, but: str) -> str:
    """The colour most often drawn in *rect* of *image* (the background behind a text), other
    than the text's own colour *but*."""
    counts: dict[str, int] = {}
    step = 2
    for y in range(rect.top(), rect.bottom() + 1, step):
        for x in range(rect.left(), rect.right() + 1, step):
            color = image.pixelColor(round(x * dpr), round(y * dpr)).name()
            if color != but:
                counts[color] = counts.get(color, 0) + 1
    return max(counts, key=lambda c: counts[c]) if counts else but


def settle(app: Any) -> None:
    for _ in range(6):
        app.processEvents()


if __name__ == "__main__":
    sys.exit(main())
