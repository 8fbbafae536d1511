"""The run screen: followed from two or three metres away, with hands busy.

:class:`RunController` drives an engine :class:`~qltimer.engine.Run` from a single-shot precise
QTimer that sleeps until the next cue or the next change of the displayed second (about one redraw
a second, never a busy loop), plays cues, records each finished step, keeps the screen awake while
running and pauses the run if the computer slept. :class:`RunView` shows it: the time as the
largest thing on screen, the side as a big word, the phase as colour + word + shape.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QPointF, QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from qltimer.audio import CuePlayer
from qltimer.cli import format_dose
from qltimer.engine import (
    CueDue,
    CueKind,
    Event,
    Paused,
    Phase,
    PhaseKind,
    PhaseStarted,
    Resumed,
    Run,
    SessionEnded,
    Snapshot,
    StepResult,
    expand,
)
from qltimer.gui.dialogs import Ask
from qltimer.gui.inhibit import ScreenInhibitor
from qltimer.gui.saving import SaveKeeper
from qltimer.history import History
from qltimer.recording import Recorder
from qltimer.script import Session, Side, StepKind
from qltimer.sleepwatch import SleepWatch

PHASES: dict[PhaseKind, tuple[str, str, str]] = {
    # word, colour, shape
    PhaseKind.GET_READY: ("GET READY", "#a85d00", "triangle"),
    PhaseKind.WORK: ("WORK", "#18713a", "circle"),
    PhaseKind.REST: ("REST", "#1c5aa6", "bars"),
    PhaseKind.SWITCH: ("SWITCH SIDES", "#6b3a9e", "arrows"),
}
ANIMATE_EVERY = 1 / 15  # seconds between frames of the breathing pacer (only while breathing)
FLASH_SHORT, FLASH_LONG = 0.35, 1.5  # seconds the frame flash stays (ticks and counts / prompts)
WORDS_STAY = 2.5  # seconds a cue's words stay on screen
SHOWN_CUES = {
    CueKind.HALFWAY,
    CueKind.REMAINING,
    CueKind.PROMPT,
    CueKind.TARGET,
    CueKind.SIDE,
    CueKind.ANNOUNCE,
    CueKind.GO,
    CueKind.WORK_END,
    CueKind.COMPLETE,
}


def clock_text(seconds: float) -> str:
    """``45`` under a minute, ``1:30`` above; whole seconds."""
    s = max(0, int(seconds))
    return f"{s // 60}:{s % 60:02d}" if s >= 60 else str(s)


def side_words(phase: Phase) -> str:
    if phase.side is None:
        return ""
    word = "LEFT" if phase.side is Side.LEFT else "RIGHT"
    thing = "HAND" if phase.step.kind is StepKind.LAPS else "SIDE"
    return f"◀  {word} {thing}" if phase.side is Side.LEFT else f"{word} {thing}  ▶"


class RunController(QObject):
    """Plays a session in real (or injected) time.

    Signals:
        phase_changed(object): a new Phase began.
        cue_fired(object): a CueDue happened (sound already sent).
        ticked(object): a new Snapshot to show.
        notice_changed(str): a one-line notice to show ("" clears it).
        finished(str, str): session UUID ("" when not saved) and status.
    """

    phase_changed = Signal(object)
    cue_fired = Signal(object)
    ticked = Signal(object)
    notice_changed = Signal(str)
    finished = Signal(str, str)

    def __init__(
        self,
        session: Session,
        player: CuePlayer,
        history: History | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleepwatch: SleepWatch | None = None,
        inhibitor: ScreenInhibitor | None = None,
        pain_before: int | None = None,
        variant: str = "normal",
        keeper: SaveKeeper | None = None,
        record_without_history: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        # Without a history (it could not be opened) the run can still go to a rescue file.
        self.record = history is not None or record_without_history
        self.keeper = keeper if keeper is not None else SaveKeeper(self)
        self.keeper.changed.connect(self.on_save_notice)
        self.session = session
        self.variant = variant
        self.plan = expand(session)
        self.clock = clock
        self.run = Run(self.plan, clock)
        self.player = player
        self.history = history
        self.recorder: Recorder | None = None
        self.pain_before = pain_before
        if sleepwatch is None:
            # The boot clock only means something next to the real monotonic clock.
            real = clock is time.monotonic
            sleepwatch = SleepWatch(clock) if real else SleepWatch(clock, lambda: None)
        self.sleepwatch = sleepwatch
        self.inhibitor = inhibitor if inhibitor is not None else ScreenInhibitor()
        self.latencies: list[float] = []  # seconds from each cue's due time to its play() call
        self.notices: dict[str, str] = {}
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.tick)

    # -- driving -------------------------------------------------------------------------------
    def start(self) -> None:
        if self.record:
            self.recorder = Recorder(
                self.history,
                session_id=self.session.id,
                title=self.session.title,
                script_sha256=self.session.sha256,
                planned_seconds=self.plan.total_estimate,
                started_wall=datetime.now(UTC),
                started_mono=self.clock(),
                pain_before=self.pain_before,
                variant=self.variant,
            )
            self.keeper.watch(self.recorder)
        self.inhibitor.inhibit()
        self.sleepwatch.reset()
        self._handle(self.run.start())

    @Slot()
    def tick(self) -> None:
        """Catch up with the clock: the timer calls this; tests call it after moving the clock."""
        if not self.run.started or self.run.finished:
            return
        slept = None if self.run.paused else self.sleepwatch.check()
        if slept is not None:
            minutes = max(1, round(slept.seconds / 60))
            self._handle(self.run.pause(at=min(slept.last_awake, self.clock())))
            self._notice(
                "sleep",
                f"The computer was asleep for about {minutes} min, so the "
                "session is paused. Press Space to go on.",
            )
        else:
            self._handle(self.run.advance())

    def _schedule(self) -> None:
        self.timer.stop()
        if self.run.finished or not self.run.started:
            return
        snap = self.run.snapshot()
        if snap.paused:
            return
        now = self.clock()
        waits = []
        due = self.run.next_due()
        if due is not None:
            waits.append(due - now)
        if snap.remaining is not None:
            frac = snap.remaining % 1.0
            waits.append(frac if frac > 1e-3 else 1.0)
        else:
            waits.append(1.0 - snap.elapsed % 1.0)
        if (
            snap.phase is not None
            and snap.phase.is_work
            and snap.phase.step.kind is StepKind.BREATHE
        ):
            waits.append(ANIMATE_EVERY)
        wait = max(0.0, min(waits))
        self.timer.start(math.ceil(wait * 1000) + 1)

    def _handle(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, CueDue):
                if event.lateness < 1.0:  # a cue later than that would only confuse
                    self.latencies.append(self.clock() - event.due)
                    self.player.play(event.cue.sound, due=event.due)
                self.cue_fired.emit(event)
            elif isinstance(event, PhaseStarted):
                self.phase_changed.emit(event.phase)
            elif isinstance(event, StepResult):
                if self.recorder is not None:
                    self.recorder.step_finished(event)
                    self.keeper.watch(self.recorder)
            elif isinstance(event, Paused):
                self.inhibitor.release()
            elif isinstance(event, Resumed):
                self.inhibitor.inhibit()
                self.sleepwatch.reset()
                self._notice("sleep", "")
            elif isinstance(event, SessionEnded):
                self.inhibitor.release()
                if self.recorder is not None:
                    self.recorder.session_ended(event.status.value, event.at)
                    self.keeper.watch(self.recorder)
                self.ticked.emit(self.run.snapshot())
                self.finished.emit(self.recorder.uuid if self.recorder else "", event.status.value)
                return
        if self.player.notice:
            self._notice("sound", self.player.notice)
        self.ticked.emit(self.run.snapshot())
        self._schedule()

    @Slot(str)
    def on_save_notice(self, text: str) -> None:
        self._notice("save", text)

    def _notice(self, key: str, text: str) -> None:
        if self.notices.get(key, "") == text:
            return
        if text:
            self.notices[key] = text
        else:
            self.notices.pop(key, None)
        self.notice_changed.emit("  ".join(self.notices.values()))

    # -- controls ------------------------------------------------------------------------------
    def toggle_pause(self) -> None:
        self._handle(self.run.toggle_pause())

    def done_now(self, reason: str | None = None) -> None:
        self._handle(self.run.done_now(reason))

    def skip(self) -> None:
        self._handle(self.run.skip())

    def back(self) -> None:
        self._handle(self.run.back())

    def add_count(self) -> None:
        self._handle(self.run.add_count())

    def end_early(self) -> None:
        self._handle(self.run.end_early())

    def stop(self) -> None:
        """Leave without ending (the window is closing): release what we hold."""
        self.timer.stop()
        self.inhibitor.release()


# -- painted pieces ------------------------------------------------------------------------------


class PhaseShape(QWidget):
    """The phase's shape, so phases differ without colour: ● work, ❚❚ rest, ▶ get ready,
    ⇄ switch sides."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shape = "circle"
        self.color = QColor("white")
        self.setMinimumSize(36, 36)

    def set_shape(self, shape: str, color: QColor) -> None:
        self.shape, self.color = shape, color
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(64, 64)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height()) * 0.8
        r = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.color)
        if self.shape == "circle":
            p.drawEllipse(r)
        elif self.shape == "bars":
            w = side * 0.32
            p.drawRoundedRect(QRectF(r.left() + side * 0.08, r.top(), w, side), 4, 4)
            p.drawRoundedRect(QRectF(r.right() - side * 0.08 - w, r.top(), w, side), 4, 4)
        elif self.shape == "triangle":
            p.drawPolygon(
                QPolygonF(
                    [
                        r.topLeft() + QPointF(side * 0.1, 0),
                        r.bottomLeft() + QPointF(side * 0.1, 0),
                        QPointF(r.right(), r.center().y()),
                    ]
                )
            )
        else:  # two opposing arrows
            pen = QPen(
                self.color,
                side * 0.12,
                Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin,
            )
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            y1, y2 = r.top() + side * 0.3, r.top() + side * 0.7
            path = QPainterPath()
            path.moveTo(r.left(), y1)
            path.lineTo(r.right(), y1)
            path.moveTo(r.right() - side * 0.25, y1 - side * 0.2)
            path.lineTo(r.right(), y1)
            path.lineTo(r.right() - side * 0.25, y1 + side * 0.2)
            path.moveTo(r.right(), y2)
            path.lineTo(r.left(), y2)
            path.moveTo(r.left() + side * 0.25, y2 - side * 0.2)
            path.lineTo(r.left(), y2)
            path.lineTo(r.left() + side * 0.25, y2 + side * 0.2)
            p.drawPath(path)
        p.end()


class BigTime(QWidget):
    """Text drawn as large as its box allows, each character in a fixed-width cell, so the digits
    never jiggle as they change. ``cells`` keeps the size steady across a phase."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.cells = 2
        self.color = QColor("black")
        self.setAccessibleName("countdown")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._font_key: tuple[int, int, int] | None = None
        self._font = QFont()
        self._cell_w = 1.0

    def set_time(self, text: str, cells: int, color: QColor) -> None:
        if (text, cells, color) != (self.text, self.cells, self.color):
            self.text, self.cells, self.color = text, max(cells, len(text)), color
            self.setAccessibleDescription(text)
            self.update()

    def _fit(self) -> None:
        key = (self.width(), self.height(), self.cells)
        if key == self._font_key:
            return
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(100)
        m = QFontMetricsF(font)
        digit = max(m.horizontalAdvance(c) for c in "0123456789")
        height = m.capHeight() * 1.0
        scale = min(self.width() * 0.96 / (digit * self.cells), self.height() * 0.82 / height)
        font.setPointSizeF(max(8.0, 100 * scale))
        self._font = font
        self._cell_w = QFontMetricsF(font).horizontalAdvance("0")
        self._font_key = key

    def paintEvent(self, event: QPaintEvent) -> None:
        self._fit()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.setFont(self._font)
        p.setPen(self.color)
        m = QFontMetricsF(self._font)
        total = self._cell_w * len(self.text)
        x = (self.width() - total) / 2
        baseline = (self.height() + m.capHeight()) / 2
        for ch in self.text:
            w = m.horizontalAdvance(ch)
            cell = self._cell_w if ch.isdigit() else w
            p.drawText(QPointF(x + (cell - w) / 2, baseline), ch)
            x += cell
        p.end()


class Pacer(QWidget):
    """A circle that grows as you breathe in and shrinks as you breathe out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = 0.0  # 0 empty lungs .. 1 full
        self.color = QColor("#18713a")
        self.setMinimumSize(80, 80)

    def set_level(self, level: float, color: QColor) -> None:
        self.level, self.color = max(0.0, min(1.0, level)), color
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height())
        c = QPointF(self.width() / 2, self.height() / 2)
        ring = QColor(self.color)
        ring.setAlpha(70)
        p.setPen(QPen(ring, 4))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(c, side * 0.45, side * 0.45)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.color)
        radius = side * (0.12 + 0.33 * self.level)
        p.drawEllipse(c, radius, radius)
        p.end()


def counted(phase: Phase) -> bool:
    """Work that is counted by key press (laps, reps without a pace), not timed."""
    step = phase.step
    return phase.is_work and (
        step.kind is StepKind.LAPS or (step.kind is StepKind.REPS and step.cadence is None)
    )


def breath_state(phase: Phase, elapsed: float) -> tuple[str, float, int]:
    """For a breathing step: the word to show, lung level 0..1, and which breath (from 1)."""
    step = phase.step
    cycle = step.breath_cycle or 1.0
    n = min(int(elapsed // cycle), (step.breaths or 1) - 1)
    t = elapsed - n * cycle
    if t < step.inhale:
        return "BREATHE IN", t / step.inhale, n + 1
    t -= step.inhale
    if t < step.hold_in:
        return "HOLD", 1.0, n + 1
    t -= step.hold_in
    if t < step.exhale:
        return "BREATHE OUT", 1 - t / step.exhale, n + 1
    return "HOLD", 0.0, n + 1


# -- the view ------------------------------------------------------------------------------------


class RunView(QWidget):
    """Signals:
    help_toggled(bool): the keys overlay was shown or hidden.
    """

    help_toggled = Signal(bool)

    KEYS = (
        ("Space", "pause / go on"),
        ("Enter", "done: stop this now, keep the time"),
        ("P", "stop because it hurts"),
        ("L", "count a lap (or a rep)"),
        ("→", "skip to the next part"),
        ("←", "go back"),
        ("M", "sound on / off"),
        ("Esc", "end the session (what you did is kept)"),
        ("F11", "full screen"),
        ("C", "high contrast"),
        ("?", "this help"),
        ("F1", "safety advice"),
    )

    def __init__(self, controller: RunController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.high_contrast = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("run screen")
        self._flash_until = 0.0
        self._flash_color = QColor("white")
        self._phase: Phase | None = None
        self._tip_index = 0
        self._build()
        controller.phase_changed.connect(self.on_phase_changed)
        controller.ticked.connect(self.on_ticked)
        controller.cue_fired.connect(self.on_cue_fired)
        controller.notice_changed.connect(self.on_notice)
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self.on_flash_over)
        self._words_timer = QTimer(self)
        self._words_timer.setSingleShot(True)
        self._words_timer.timeout.connect(self.on_words_over)

    # -- layout ---------------------------------------------------------------------------------
    def _label(self, name: str, obj: str, wrap: bool = True) -> QLabel:
        label = QLabel()
        label.setObjectName(obj)
        label.setAccessibleName(name)
        label.setWordWrap(wrap)
        return label

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.band = QFrame()
        self.band.setObjectName("phaseBand")
        self.band.setAutoFillBackground(True)
        band = QHBoxLayout(self.band)
        band.setContentsMargins(20, 8, 20, 8)
        self.shape = PhaseShape()
        self.phase_word = self._label("phase", "phaseWord", wrap=False)
        self.progress_text = self._label("progress", "progressText", wrap=False)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("session progress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(220)
        band.addWidget(self.shape)
        band.addWidget(self.phase_word, 1)
        band.addWidget(self.progress_text)
        band.addWidget(self.progress)
        outer.addWidget(self.band)

        body = QVBoxLayout()
        body.setContentsMargins(24, 10, 24, 10)
        body.setSpacing(6)
        top = QHBoxLayout()
        self.step_name = self._label("step", "stepName")
        self.side = self._label("side", "sideWord", wrap=False)
        self.side.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.step_name, 1)
        top.addWidget(self.side)
        body.addLayout(top)
        middle = QHBoxLayout()
        self.big = BigTime()
        self.pacer = Pacer()
        self.pacer.setVisible(False)
        middle.addWidget(self.big, 3)
        middle.addWidget(self.pacer, 1)
        body.addLayout(middle, 1)
        self.counter = self._label("counter", "counterLine")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cue_text = self._label("cue", "cueText")
        self.cue_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tip = self._label("tip", "tipLine")
        self.next = self._label("next", "nextLine")
        self.notice = self._label("notice", "runNotice")
        self.notice.setVisible(False)
        for w in (self.counter, self.cue_text, self.tip, self.next, self.notice):
            body.addWidget(w)
        outer.addLayout(body, 1)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(16, 4, 16, 12)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("pause", "Pause\nSpace", self.controller.toggle_pause),
            ("done", "Done\nEnter", lambda: self.controller.done_now()),
            ("lap", "Lap\nL", self.controller.add_count),
            ("back", "Back\n←", self.controller.back),
            ("skip", "Skip\n→", self.controller.skip),
            ("mute", "Sound\nM", self.toggle_mute),
            ("end", "End\nEsc", self.ask_end),
            ("help", "Keys\n?", self.toggle_help),
        ):
            button = QPushButton(text)
            button.setObjectName("runButton")
            button.setAccessibleName(key)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the screen, not a button
            button.setMinimumHeight(64)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[key] = button
        outer.addLayout(buttons)

        self.help = QLabel(self)
        self.help.setObjectName("helpOverlay")
        self.help.setAccessibleName("keys help")
        self.help.setTextFormat(Qt.TextFormat.RichText)
        self.help.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.help.setWordWrap(True)
        rows = "".join(
            f"<tr><td align='right' style='padding:4px 18px'><b>{k}</b></td>"
            f"<td style='padding:4px 18px'>{v}</td></tr>"
            for k, v in self.KEYS
        )
        self.help.setText(
            "<h2>Keys</h2><table>" + rows + "</table><p style='margin-top:18px'>Stop if an "
            "exercise hurts. With pain going down a leg, numbness, tingling or weakness, see a "
            "health professional before going on.</p><p>Press ? or Esc to close.</p>"
        )
        self.help.hide()
        self._apply_sizes()

    # -- sizing and theme ---------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_sizes()
        self.help.setGeometry(self.rect().adjusted(40, 30, -40, -30))

    def _apply_sizes(self) -> None:
        """Font sizes follow the window height, so 800x480 and 1920x1080 both read from afar."""
        h = max(300, self.height())
        scale = h / 800
        bg, fg, dim = self._colors()
        pt = lambda n: max(9, round(n * scale))  # noqa: E731
        self.setStyleSheet(
            f"QWidget {{ color: {fg}; }}"
            f"RunView {{ background: {bg}; }}"
            f"QLabel#phaseWord {{ color: white; font-size: {pt(40)}pt; font-weight: 800; }}"
            f"QLabel#progressText {{ color: white; font-size: {pt(16)}pt; }}"
            f"QLabel#stepName {{ font-size: {pt(30)}pt; font-weight: 700; }}"
            f"QLabel#sideWord {{ font-size: {pt(40)}pt; font-weight: 800; padding: 2px 14px; "
            f"border: 4px solid {fg}; border-radius: 10px; }}"
            f"QLabel#counterLine {{ font-size: {pt(30)}pt; font-weight: 700; }}"
            f"QLabel#cueText {{ font-size: {pt(28)}pt; font-weight: 800; color: {dim}; }}"
            f"QLabel#tipLine {{ font-size: {pt(19)}pt; }}"
            f"QLabel#nextLine {{ font-size: {pt(19)}pt; color: {dim}; }}"
            f"QLabel#runNotice {{ font-size: {pt(16)}pt; background: #fff3cd; color: #3d2c00; "
            f"padding: 6px 10px; border-left: 6px solid #c77700; }}"
            f"QPushButton#runButton {{ font-size: {pt(15)}pt; padding: 4px 8px; }}"
            f"QLabel#helpOverlay {{ background: rgb(24, 24, 24); color: white; "
            f"font-size: {pt(20)}pt; border-radius: 16px; padding: 20px; }}"
        )
        self.shape.setFixedSize(pt(60), pt(60))
        for b in self.buttons.values():
            b.setMinimumHeight(max(44, round(64 * scale)))

    def _colors(self) -> tuple[str, str, str]:
        if self.high_contrast:
            return "#000000", "#ffffff", "#ffe14d"
        pal = self.palette()
        return (
            pal.window().color().name(),
            pal.windowText().color().name(),
            pal.placeholderText().color().name(),
        )

    def set_high_contrast(self, on: bool) -> None:
        self.high_contrast = on
        self._apply_sizes()
        if self._phase is not None:
            self.on_phase_changed(self._phase)
        self.on_ticked(self.controller.run.snapshot())

    # -- showing --------------------------------------------------------------------------------
    def _phase_color(self, phase: Phase) -> QColor:
        color = QColor(PHASES[phase.kind][1])
        return color.lighter(135) if self.high_contrast else color

    @Slot(object)
    def on_phase_changed(self, phase: Phase) -> None:
        self._phase = phase
        word, _, shape = PHASES[phase.kind]
        color = self._phase_color(phase)
        pal = self.band.palette()
        pal.setColor(self.band.backgroundRole(), color)
        self.band.setPalette(pal)
        self.phase_word.setText(word)
        self.shape.set_shape(shape, QColor("white"))
        step = phase.step
        own_name = phase.kind is PhaseKind.WORK or step.kind is StepKind.REST
        if own_name:
            self.step_name.setText(step.name)
        else:
            self.step_name.setText(f"Next: {step.name}")
        self.side.setText(side_words(phase))
        self.side.setVisible(bool(phase.side))
        tips = step.tips or ((step.instruction,) if step.instruction else ())
        if phase.kind is PhaseKind.GET_READY and step.instruction:
            self.tip.setText(step.instruction)
        elif tips:
            self.tip.setText(tips[self._tip_index % len(tips)])
            self._tip_index += 1
        else:
            self.tip.setText("")
        nxt = self.controller.run.next_phase
        self.next.setText(f"Then: {self._describe(nxt)}" if nxt else "Then: the end")
        self.pacer.setVisible(phase.is_work and step.kind is StepKind.BREATHE)
        self.cue_text.setText("")
        self.buttons["lap"].setVisible(counted(phase))

    def _describe(self, phase: Phase) -> str:
        if phase.kind is PhaseKind.WORK:
            side = f" ({phase.side.value} side)" if phase.side else ""
            return f"{phase.step.name}{side}"
        word = PHASES[phase.kind][0].capitalize()
        return f"{word} {format_dose(phase.estimate)}"

    @Slot(object)
    def on_ticked(self, snap: Snapshot) -> None:
        phase = snap.phase
        total = len(self.controller.plan.phases)
        if phase is None:
            self.big.set_time("✓" if snap.finished else "", 1, self._fg())
            self.progress.setValue(1000 if snap.finished else 0)
            self.phase_word.setText("FINISHED" if snap.finished else "")
            return
        self.progress.setValue(round(snap.progress * 1000))
        self.progress_text.setText(f"Part {phase.index + 1} of {total}")
        step = phase.step
        color = self._fg()
        if snap.remaining is not None:
            text = clock_text(math.ceil(snap.remaining - 1e-6))
            cells = len(clock_text(phase.duration or 0))
            if snap.remaining <= 3.0 and phase.kind is not PhaseKind.WORK:
                color = self._phase_color(phase)
        elif counted(phase):
            # Walking laps or counting reps: the count matters most; the time goes below.
            text = str(snap.count or 0)
            cells = len(str(step.target_count or 0))
        elif snap.overtime > 0:
            text = "+" + clock_text(snap.overtime)
            cells = len(text)
            color = QColor("#d49b00") if not self.high_contrast else QColor("#ffe14d")
        else:
            text = clock_text(snap.elapsed)
            cells = max(2, len(text))
        self.big.set_time(text, cells, color)
        self.counter.setText(self._counter(phase, snap))
        if phase.is_work and step.kind is StepKind.BREATHE:
            word, level, _ = breath_state(phase, snap.elapsed)
            self.pacer.set_level(level, self._phase_color(phase))
            self.cue_text.setText(word)
        if snap.paused:
            self.phase_word.setText(f"PAUSED · {PHASES[phase.kind][0]}")
            self.buttons["pause"].setText("Go on\nSpace")
        else:
            self.phase_word.setText(PHASES[phase.kind][0])
            self.buttons["pause"].setText("Pause\nSpace")
        self.buttons["mute"].setText("Sound on\nM" if self.controller.player.muted else "Mute\nM")

    def _counter(self, phase: Phase, snap: Snapshot) -> str:
        step = phase.step
        sets = f"Set {phase.set_number} of {step.sets}" if step.sets > 1 else ""
        bits = []
        if phase.is_work:
            if step.kind is StepKind.REPS and step.reps:
                done = snap.count or 0
                if step.cadence is not None:
                    bits.append(f"Rep {min(done + 1, step.reps)} of {step.reps}")
                else:
                    bits.append(f"of {step.reps} reps · press L for each")
            elif step.kind is StepKind.LAPS and step.laps:
                done = clock_text(snap.elapsed) + (" s" if snap.elapsed < 60 else "")
                bits.append(f"of {step.laps} laps done · {done} · press L after each lap")
            elif step.kind is StepKind.HOLD:
                target = format_dose(phase.estimate)
                if step.as_long_as_you_can:
                    bits.append(
                        f"OVERTIME · {clock_text(snap.elapsed)} held, past your {target} target"
                        if snap.overtime > 0
                        else f"Target {target} · keep going if you can"
                    )
                else:
                    bits.append(f"Hold for {target}")
            elif step.kind is StepKind.BREATHE:
                _, _, n = breath_state(phase, snap.elapsed)
                bits.append(f"Breath {n} of {step.breaths}")
            elif step.kind is StepKind.TIMED and step.rhythm:
                beat = int(snap.elapsed // step.rhythm)
                words = step.rhythm_words or ()
                if words:
                    bits.append(words[beat % len(words)].upper())
        bits.append(sets)
        return " · ".join(b for b in bits if b)

    def _fg(self) -> QColor:
        return QColor(self._colors()[1])

    @Slot(object)
    def on_cue_fired(self, event: CueDue) -> None:
        cue = event.cue
        if cue.kind in SHOWN_CUES and cue.text:
            self.cue_text.setText(cue.text)
            self._words_timer.start(int(WORDS_STAY * 1000))
        long = cue.kind in (CueKind.HALFWAY, CueKind.REMAINING, CueKind.PROMPT, CueKind.TARGET)
        self._flash(FLASH_LONG if long else FLASH_SHORT)

    def _flash(self, seconds: float) -> None:
        """Every cue is seen as well as heard: a thick frame around the screen, briefly."""
        phase = self._phase
        self._flash_color = self._phase_color(phase) if phase else QColor("#ffd000")
        self._flash_until = time.monotonic() + seconds
        self._flash_timer.start(int(seconds * 1000))
        self.update()

    @Slot()
    def on_words_over(self) -> None:
        phase = self._phase
        if not (phase and phase.is_work and phase.step.kind is StepKind.BREATHE):
            self.cue_text.setText("")

    @Slot()
    def on_flash_over(self) -> None:
        self._flash_until = 0.0
        self.update()

    @property
    def flashing(self) -> bool:
        return self._flash_until > 0.0

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._flash_until:
            p = QPainter(self)
            pen = QPen(self._flash_color, max(10, self.height() // 45))
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            inset = pen.width() // 2
            p.drawRect(self.rect().adjusted(inset, inset, -inset, -inset))
            p.end()

    @Slot(str)
    def on_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # -- keys -----------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self.help.isVisible() and key in (Qt.Key.Key_Escape, Qt.Key.Key_Question):
            self.toggle_help()
            return
        actions: dict[int, Callable[[], None]] = {
            Qt.Key.Key_Space: self.controller.toggle_pause,
            Qt.Key.Key_Return: self.controller.done_now,
            Qt.Key.Key_Enter: self.controller.done_now,
            Qt.Key.Key_P: lambda: self.controller.done_now("pain"),
            Qt.Key.Key_L: self.controller.add_count,
            Qt.Key.Key_Right: self.controller.skip,
            Qt.Key.Key_Left: self.controller.back,
            Qt.Key.Key_M: self.toggle_mute,
            Qt.Key.Key_Escape: self.ask_end,
            Qt.Key.Key_Question: self.toggle_help,
            Qt.Key.Key_F11: self.toggle_fullscreen,
            Qt.Key.Key_C: lambda: self.set_high_contrast(not self.high_contrast),
        }
        action = actions.get(Qt.Key(key))
        if action is None or event.isAutoRepeat():
            super().keyPressEvent(event)
            return
        action()

    @Slot()
    def toggle_help(self) -> None:
        show = not self.help.isVisible()
        self.help.setVisible(show)
        if show:
            self.help.raise_()
        self.help_toggled.emit(show)

    @Slot()
    def toggle_mute(self) -> None:
        self.controller.player.muted = not self.controller.player.muted
        self.on_ticked(self.controller.run.snapshot())

    @Slot()
    def toggle_fullscreen(self) -> None:
        window = self.window()
        window.showNormal() if window.isFullScreen() else window.showFullScreen()

    @Slot()
    def ask_end(self) -> None:
        run = self.controller.run
        if run.finished:
            return
        was_paused = run.paused
        if not was_paused:
            self.controller.toggle_pause()
        if Ask.confirm(
            self,
            "End the session?",
            "End the session now? Everything you have finished so far is kept.",
            yes="End session",
            no="Keep going",
        ):
            self.controller.end_early()
        elif not was_paused:
            self.controller.toggle_pause()
