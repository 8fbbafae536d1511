"""The run screen: followed from two or three metres away, with hands busy.

:class:`RunController` drives an engine :class:`~qltimer.engine.Run` from a single-shot precise
QTimer that sleeps until the next cue or the next change of the displayed second (about one redraw
a second, never a busy loop), plays cues, records each finished step, keeps the screen awake while
running and pauses the run if the computer slept. :class:`RunView` shows it: the time as the
largest thing on screen, the side as a big word, the phase as colour + word + shape.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from PySide6.QtCore import QObject, QPointF, QRect, QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
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

from qltimer import words
from qltimer.audio import CuePlayer
from qltimer.cuemix import TOGETHER, mix_cues
from qltimer.engine import (
    CueDue,
    CueKind,
    Event,
    PainStopped,
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
from qltimer.formats import countdown_text, format_dose, format_seconds
from qltimer.formcheck import Reading, State
from qltimer.gui.camera import OUTLINE, CameraCheck, Seen, camera_phase
from qltimer.gui.inhibit import ScreenInhibitor
from qltimer.gui.saving import SaveKeeper
from qltimer.gui.theme import DARK, HIGH_CONTRAST, LIGHT, run_colors
from qltimer.history import History
from qltimer.phrases import (
    phrase_list,
    result_phrase,
    sound_name,
    voiced,
)
from qltimer.recording import Recorder
from qltimer.script import Session, Side, StepKind
from qltimer.sleepwatch import SleepWatch
from qltimer.speech import DEFAULT_VOICE, PhraseBank
from qltimer.words import side_label

PHASES: dict[PhaseKind, tuple[str, str]] = {
    # word, shape (the colours are the theme's: qltimer.gui.theme)
    PhaseKind.GET_READY: ("GET READY", "triangle"),
    PhaseKind.WORK: ("WORK", "circle"),
    PhaseKind.REST: ("REST", "bars"),
    PhaseKind.SWITCH: ("SWITCH SIDES", "arrows"),
}
ANIMATE_EVERY = 1 / 15  # seconds between frames of the breathing pacer (only while breathing)
FLASH_SHORT, FLASH_LONG = 0.35, 1.5  # seconds the frame flash stays (ticks and counts / prompts)
WORDS_STAY = 2.5  # seconds a cue's words stay on screen
FIRST_PHRASE_WAIT = 0.5  # seconds a session's start may wait for its first phrase to render
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


def side_words(phase: Phase) -> str:
    """The side (or hand) in capitals with an arrow pointing to it: "◀  LEFT SIDE"."""
    if phase.side is None:
        return ""
    label = side_label(phase.step.kind, phase.side).upper()
    return f"◀  {label}" if phase.side is Side.LEFT else f"{label}  ▶"


class RunController(QObject):
    """Plays a session in real (or injected) time.

    Signals:
        phase_changed(object): a new Phase began.
        cue_fired(object): a CueDue happened (sound already sent).
        ticked(object): a new Snapshot to show.
        notice_changed(str): a one-line notice to show ("" clears it).
        camera_seen(object, object): the camera check's Seen and Reading (or None), and
            (None, None) when the camera goes off.
        pain_stopped(object): P was pressed (a PainStopped), or None once the person chose.
        finished(str, str): session UUID ("" when not saved) and status.
    """

    pain_stopped = Signal(object)
    phase_changed = Signal(object)
    cue_fired = Signal(object)
    ticked = Signal(object)
    notice_changed = Signal(str)
    camera_seen = Signal(object, object)
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
        speak: bool = False,
        voice: str = DEFAULT_VOICE,
        rate: float = 1.0,
        camera_factory: Callable[[], CameraCheck] | None = None,
        parent: QObject | None = None,
    ) -> None:
        """*camera_factory*: makes the camera form check when it is first wanted (see
        :meth:`set_camera_check`). *speak*: render the run's phrases with the speech engine's
        *voice* at *rate* as it starts, and say them in place of the recorded cues once each is
        ready (see :mod:`qltimer.phrases`)."""
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
        self.phrases: PhraseBank | None = None
        if speak:
            self.phrases = PhraseBank(
                phrase_list(self.plan),
                player.add_sounds,
                voice=voice,
                rate=rate,
                name=sound_name,
                drop=player.forget,
            )
        self._held: set[str] = set()  # times held asked for, in the hold now
        self._held_second = -1  # the whole second of the hold they were asked at
        self._problems_said = 0
        self.notices: dict[str, str] = {}
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.tick)
        self.camera_factory = camera_factory
        self.camera_on = False  # the person turned the camera check on (V, or the menu)
        self.camera: CameraCheck | None = None

    # -- driving -------------------------------------------------------------------------------
    def start(self) -> None:
        # What may take a while (a D-Bus call to keep the screen awake) comes first, so the
        # session's recorded start is the moment its first get-ready begins.
        self.inhibitor.inhibit()
        self.sleepwatch.reset()
        checked = any(p.step.form_check for p in self.plan.phases)
        if self.camera_on and checked and self.camera_factory is not None:
            # The pose model loads before the clock starts, not beside the first countdown.
            self._make_camera().prepare()
        if self.phrases is not None:
            # The first get-ready names the exercise at once: give its phrase a moment to be
            # rendered (cached, it is there already), before the clock starts.
            self.phrases.first.wait(FIRST_PHRASE_WAIT)
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
                write_now=False,  # after the first cues: a commit may take a while
            )
        self._handle(self.run.start())
        if self.recorder is not None:
            self.recorder.flush()
            self.keeper.watch(self.recorder)

    @Slot()
    def tick(self) -> None:
        """Catch up with the clock: the timer calls this; tests call it after moving the clock."""
        if not self.run.started or self.run.finished:
            return
        slept = None if self.run.paused else self.sleepwatch.check()
        if slept is not None:
            minutes = max(1, round(slept.seconds / 60))
            self._handle(self.run.pause(at=min(slept.last_awake, self.clock())))
            self.show_notice(
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
        # Sound first, cues due together as one utterance (see cuemix): nothing the screen
        # redraws may delay a cue.
        for said in mix_cues(self._voiced(events)):
            self.latencies.append(self.clock() - said.due)
            self.player.play_together(said.names, due=said.due)
        for event in events:
            if isinstance(event, CueDue):
                self.cue_fired.emit(event)
            elif isinstance(event, PainStopped):
                self.pain_stopped.emit(event)
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
                self.show_notice("sleep", "")
                self.show_notice("window", "")
            elif isinstance(event, SessionEnded):
                self.inhibitor.release()
                if self.camera is not None:
                    self.camera.shut_down()  # the camera's light goes off; the model's thread ends
                    self.camera_seen.emit(None, None)
                self._say_result(event)
                if self.recorder is not None:
                    self.recorder.session_ended(event.status.value, event.at)
                    self.keeper.watch(self.recorder)
                self.ticked.emit(self.run.snapshot())
                self.finished.emit(self.recorder.uuid if self.recorder else "", event.status.value)
                return
        if self.player.notice and "sound" not in self.notices:
            detail = getattr(self.player, "detail", "")
            if detail:  # the sound system's own words, for whoever looks into it
                print(f"qltimer: no sound: {detail}", file=sys.stderr)
            self.show_notice("sound", self.player.notice)
        snap = self.run.snapshot()
        self._follow_camera(new_hold=any(isinstance(e, PhaseStarted | Resumed) for e in events))
        self._ask_held(snap)
        self.ticked.emit(snap)
        self._schedule()

    # -- the camera form check -------------------------------------------------------------------
    def set_camera_check(self, on: bool) -> None:
        """Turn the camera form check on or off for this run's form-checked holds."""
        self.camera_on = on
        # Off clears the camera's line; on again brings back why it can't run, if it can't.
        self.show_notice("camera", self.camera_failed() if on else "")
        self._follow_camera(new_hold=True)

    def camera_failed(self) -> str:
        """Why the camera check can't run in this session ("" when it can, or is not known)."""
        return self.camera.failed if self.camera is not None else ""

    def camera_wanted(self) -> str | None:
        """ "hold", "ready" or None: what the camera is for right now (see camera_phase)."""
        run = self.run
        if not self.camera_on or not run.started or run.finished or run.paused:
            return None
        if run.pain_stop is not None:
            return None
        return camera_phase(run.phase, run.next_phase)

    def _follow_camera(self, new_hold: bool = False) -> None:
        """Open the camera for a form-checked hold and its get-ready, close it otherwise; begin
        judging afresh as each such hold starts (or goes on after a pause)."""
        want = self.camera_wanted()
        camera = self.camera
        if want is None:
            if camera is not None and camera.is_open:
                camera.close()
                self.camera_seen.emit(None, None)
            return
        if camera is None:
            if self.camera_factory is None:
                return
            camera = self._make_camera()
        if camera.failed:
            return
        camera.open()
        if want == "hold":
            if new_hold or not camera.watching:
                camera.watch_hold()
        elif camera.watching:
            camera.stop_watching()

    def _make_camera(self) -> CameraCheck:
        if self.camera is None:
            assert self.camera_factory is not None
            camera = self.camera = self.camera_factory()
            camera.form_lost.connect(self.on_form_lost)
            camera.notice.connect(lambda text: self.show_notice("camera", text))
            camera.seen.connect(self.camera_seen)
        return self.camera

    @Slot(float)
    def on_form_lost(self, lost_at: float) -> None:
        """The camera saw the body line go at clock time *lost_at*: the hold ends, recorded as
        held until then, like a tester stopping the clock."""
        self._handle(self.run.form_lost(lost_at))

    def _ask_held(self, snap: Snapshot) -> None:
        """In a hold, have the time held ready to say a second or two before it can be needed:
        when the person ends the hold early (or past its target), "Forty-seven seconds." is
        said at once, with what comes next."""
        phase = snap.phase
        if self.phrases is None or phase is None or not phase.is_work or snap.paused:
            return
        if phase.step.kind is not StepKind.HOLD or phase.target_seconds is None:
            return
        now = int(snap.elapsed)
        if now == self._held_second:
            return  # asked already this second
        self._held_second = now
        near = [words.held_said(n) for n in (now, now + 1, now + 2, now - 1) if n >= 0]
        if self.camera is not None and self.camera.watching:
            # The camera ends a hold about a second after form went: "Form lost. N seconds."
            near += [words.form_lost_said(n) for n in (now - 1, now - 2, now) if n >= 0]
        # The seconds gone by are let go, so a long hold keeps four short phrases, not one a
        # second (about 130 KB each, scaled copy included).
        self.phrases.forget(self._held - set(near))
        self._held = set(near)
        for text in near:
            self.phrases.want(text)

    def _say_result(self, event: SessionEnded) -> None:
        """The short result, said after "session complete" once it is rendered (it depends on
        what was done, so it can't be ready before); the bank ends after it."""
        bank = self.phrases
        if bank is None:
            return
        text = result_phrase(event.results) if event.results else ""
        player = self.player
        if text:
            bank.want(text, then=lambda said: player.play_together((sound_name(said),)))
        bank.finish()

    @Slot(str)
    def on_save_notice(self, text: str) -> None:
        self.show_notice("save", text)

    def show_notice(self, key: str, text: str) -> None:
        """Show (or with "" clear) the notice *key*; notices show together, one line each."""
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

    def stop_for_pain(self) -> None:
        """P: stop at once; nothing goes on until the person chooses (see the engine)."""
        self._handle(self.run.stop_for_pain())

    def pain_go_on(self) -> None:
        self._after_pain(self.run.pain_go_on())

    def pain_skip_exercise(self) -> None:
        self._after_pain(self.run.pain_skip_exercise())

    def _after_pain(self, events: list[Event]) -> None:
        if self.run.pain_stop is None:
            self.pain_stopped.emit(None)
        self._handle(events)

    def stop(self) -> None:
        """Leave without ending (the window is closing): release what we hold."""
        self.timer.stop()
        self.inhibitor.release()
        if self.camera is not None:
            self.camera.shut_down()
        if self.phrases is not None and not self.run.finished:
            self.phrases.stop()  # a finished run's bank ends by itself, after the result

    def _voiced(self, events: list[Event]) -> list[Event]:
        """*events* with each cue that has its phrase ready to speak pointed at that phrase."""
        bank = self.phrases
        if bank is None:
            return events
        problems = list(bank.problems)
        if problems and len(problems) != self._problems_said:
            self._problems_said = len(problems)
            # One short line, so it never crowds the countdown on a small screen.
            self.show_notice("speech", f"Speech: {bank.reason}; recorded cues play instead.")
        return voiced(events, bank.lengths, self.run.upcoming())


# -- painted pieces ------------------------------------------------------------------------------


class PhaseShape(QWidget):
    """The phase's shape, so phases differ without colour: ● work, ❚❚ rest, ▶ get ready,
    ⇄ switch sides."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shape = "circle"
        self.color = QColor("white")
        self.setMinimumSize(8, 8)  # sized by the run screen, with the phase word

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
        font.setPixelSize(100)
        m = QFontMetricsF(font)
        digit = max(m.horizontalAdvance(c) for c in "0123456789")
        # Digits are as tall as capitals and have no descenders: the cap height may nearly fill
        # the box; the rows above and below give the air.
        scale = min(
            self.width() * 0.96 / (digit * self.cells), self.height() * 0.94 / m.capHeight()
        )
        font.setPixelSize(max(8, int(100 * scale)))
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
        total = sum(self._cell_w if ch.isdigit() else m.horizontalAdvance(ch) for ch in self.text)
        x = (self.width() - total) / 2
        baseline = (self.height() + m.capHeight()) / 2
        for ch in self.text:
            w = m.horizontalAdvance(ch)
            cell = self._cell_w if ch.isdigit() else w
            p.drawText(QPointF(x + (cell - w) / 2, baseline), ch)
            x += cell
        p.end()

    def cap_height(self) -> float:
        """Height of the digits as drawn, in pixels."""
        self._fit()
        return QFontMetricsF(self._font).capHeight()


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
    return phase.is_work and phase.step.counted_by_key


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


class CameraPanel(QWidget):
    """The camera check's corner: a live outline of the body the model found (never the picture
    itself) so the person can place the camera, and a few words on what the check sees."""

    WORDS: ClassVar[dict[State, str]] = {
        State.NOBODY: "Nobody in view",
        State.CALIBRATING: "Learning your line",
        State.GOOD: "Line held",
        State.BAD: "Hips out of line",
        State.LOST: "Form lost",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("camera check")
        self.seen: Seen | None = None
        self.words = "Camera starting"
        self.color = QColor("#ffffff")
        self.text_px = 18

    def show_seen(self, seen: Seen | None, reading: Reading | None) -> None:
        self.seen = seen
        if seen is None:
            self.words = "Camera starting"
        elif reading is not None:
            self.words = self.WORDS[reading.state]
        elif seen.points is None or seen.line is None:
            self.words = "Nobody in view"
        else:
            self.words = "You're in view"
        self.setAccessibleDescription(self.words)
        self.update()

    def set_look(self, color: QColor, text_px: int) -> None:
        self.color = color
        self.text_px = text_px
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setPixelSize(self.text_px)
        font.setBold(True)
        p.setFont(font)
        text_h = QFontMetrics(font).height()
        box = QRectF(self.rect()).adjusted(2, 2, -2, -text_h - 6)
        p.setPen(QPen(self.color, 2))
        p.drawRoundedRect(box, 8, 8)
        seen = self.seen
        points = seen.points if seen is not None else None
        if seen is not None and points is not None and seen.width and seen.height:
            # The picture's shape, fitted in the box: the outline where the camera saw it.
            scale = min(box.width() / seen.width, box.height() / seen.height)
            ox = box.x() + (box.width() - seen.width * scale) / 2
            oy = box.y() + (box.height() - seen.height * scale) / 2

            def at(i: int) -> QPointF:
                x, y, _v = points[i]
                return QPointF(ox + x * seen.width * scale, oy + y * seen.height * scale)

            p.setPen(QPen(self.color, max(3.0, box.width() / 60)))
            for a, b in OUTLINE:
                if points[a][2] >= 0.5 and points[b][2] >= 0.5:
                    p.drawLine(at(a), at(b))
            if points[0][2] >= 0.5:  # the head, round the nose
                p.drawEllipse(at(0), box.width() / 30, box.width() / 30)
        p.setPen(self.color)
        p.drawText(
            QRectF(0, self.height() - text_h - 2, self.width(), text_h),
            Qt.AlignmentFlag.AlignCenter,
            self.words,
        )
        p.end()


@dataclass(frozen=True)
class Sizes:
    """Pixel font sizes for a run screen of a given size: larger windows, larger words.

    Fitted so that at a 1280x800 window the step name and side word have capitals >= 42 px and
    the "Then:" line >= 34 px, and at 800x480 full screen the side word >= 30 px and the step
    name >= 26 px (DejaVu Sans Bold: capitals are 0.73 of the pixel size).
    """

    title: float  # step name and side word
    line: float  # counter, cue words, "Then:"
    tip: float
    band: float  # the phase word at the top
    small: float  # buttons, progress, notices
    digits_min: float  # the least box height the countdown is given, before tips shrink

    @classmethod
    def for_window(cls, width: int, height: int) -> Sizes:
        e = min(height, width * 0.625)  # a narrow window scales with its width
        return cls(
            title=max(0.0694 * e + 6, 0.052 * e + 19.5),
            line=0.061 * e,
            tip=max(15.0, 0.042 * e),
            band=0.05 * e,
            small=max(13.0, 0.026 * e),
            digits_min=0.345 * e,
        )


def _font(base: QFont, px: float, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPixelSize(max(9, round(px)))
    font.setBold(bold)
    return font


def _text_height(font: QFont, width: int, text: str, wrap: bool = True) -> int:
    flags = int(Qt.TextFlag.TextWordWrap) if wrap else 0
    rect = QFontMetrics(font).boundingRect(QRect(0, 0, max(1, width), 100_000), flags, text)
    return rect.height()


def _fit_line(base: QFont, px: float, width: int, text: str, bold: bool, least: float) -> QFont:
    """A one-line font of *px*, made smaller (down to *least*) until *text* fits *width*."""
    font = _font(base, px, bold)
    while px > least and QFontMetrics(font).horizontalAdvance(text) > width:
        px -= 1
        font = _font(base, px, bold)
    return font


class ChoicePanel(QFrame):
    """Covers the run screen, large, when the run waits for a choice made by letter key: the
    heading, a few lines of advice, a line on what is recorded, and one button per choice.

    Signals:
        chosen(str): the key of the choice made.
    """

    chosen = Signal(str)

    def __init__(
        self,
        obj: str,
        name: str,
        heading: str,
        advice: str,
        choices: tuple[tuple[str, str, str, str], ...],  # key, letter, words, more words
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(obj)
        self.setAccessibleName(name)
        layout = QVBoxLayout(self)
        self.heading = QLabel(heading)
        self.heading.setObjectName("panelHeading")
        self.heading.setWordWrap(True)
        self.advice = QLabel(advice)
        self.advice.setObjectName("panelAdvice")
        self.advice.setWordWrap(True)
        self.recorded = QLabel()
        self.recorded.setObjectName("panelRecorded")
        self.recorded.setWordWrap(True)
        self.recorded.hide()
        for w in (self.heading, self.advice, self.recorded):
            layout.addWidget(w)
        layout.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for key, letter, text, more in choices:
            button = QPushButton()
            button.setObjectName("panelChoice")
            button.setAccessibleName(text)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, k=key: self.chosen.emit(k))
            layout.addWidget(button)
            self.buttons[key] = button
            self._set_text(key, letter, text, more)
        self.hide()

    def _set_text(self, key: str, letter: str, text: str, more: str) -> None:
        self.buttons[key].setText(f"{letter}   {text}" + (f" ({more})" if more else ""))

    def show_stop(self, recorded: str, next_exercise: str | None, go_on: str) -> None:
        """The pain panel's words for this stop (see :data:`PAIN_CHOICES`)."""
        self.recorded.setText(recorded)
        self.recorded.setVisible(bool(recorded))
        self._set_text("next", "N", "Skip to the next exercise", next_exercise or "")
        self.buttons["next"].setVisible(next_exercise is not None)
        self._set_text("go-on", "G", "Go on", go_on)
        self.show()
        self.raise_()

    def set_sizes(self, sizes: Sizes, base: QFont, width: int, height: int) -> None:
        """Fit the panel's words to its size: as large as will fit, never cut."""
        margin = round(sizes.small)
        layout = self.layout()
        assert layout is not None, "built in __init__"
        layout.setContentsMargins(margin * 2, margin, margin * 2, margin)
        layout.setSpacing(round(margin * 0.6))
        inner = width - 4 * margin
        buttons = [b for b in self.buttons.values() if not b.isHidden()]
        scale = 1.0
        while True:
            head = _font(base, sizes.title * scale, bold=True)
            body = _font(base, sizes.line * 0.8 * scale)
            small = _font(base, max(12.0, sizes.line * 0.62 * scale))
            fitted = [
                _fit_line(base, sizes.line * scale, inner - 30, b.text(), True, 11) for b in buttons
            ]
            least = min(fitted, key=lambda f: f.pixelSize(), default=None)
            fonts = [least for _ in fitted] if least is not None else []
            button_h = [QFontMetrics(f).height() + 16 for f in fonts]
            recorded = self.recorded.text() if not self.recorded.isHidden() else ""
            used = (
                _text_height(head, inner, self.heading.text())
                + _text_height(body, inner, self.advice.text())
                + (_text_height(small, inner, recorded) if recorded else 0)
                + sum(button_h)
                + 2 * margin
                + (3 + len(buttons)) * layout.spacing()
            )
            if used <= height or scale < 0.4:
                break
            scale *= 0.92
        self.heading.setFont(head)
        self.advice.setFont(body)
        self.recorded.setFont(small)
        for button, font, h in zip(buttons, fonts, button_h, strict=True):
            button.setFont(font)
            button.setMinimumHeight(h)


PAIN_CHOICES = (
    ("end", "E", "End the session", "everything you finished is kept"),
    ("next", "N", "Skip to the next exercise", ""),
    ("go-on", "G", "Go on", ""),
)
END_CHOICES = (
    ("end", "E", "End the session", ""),
    ("go-on", "G", "Keep going", "or Space, Enter, Esc"),
)
PAIN_ADVICE = (
    "Stop and rest. Don't work through pain: get advice from a health professional or "
    "qualified trainer before you do this exercise again. If pain goes down a leg, or you have "
    "numbness, tingling or weakness, see a health professional before going on."
)


class RunView(QWidget):
    """The run screen. Painted in the phase's colour; every word sized from the window.

    Signals:
        help_toggled(bool): the keys overlay was shown or hidden.
        theme_toggled(bool): high contrast was switched on (True) or off with C.
        camera_toggled(bool): the camera form check was switched on or off with V.
    """

    help_toggled = Signal(bool)
    theme_toggled = Signal(bool)
    camera_toggled = Signal(bool)

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
        ("C", "high contrast on / off"),
        ("V", "camera form check on / off"),
        ("?", "this help"),
        ("F1", "safety advice"),
    )

    def __init__(
        self,
        controller: RunController,
        parent: QWidget | None = None,
        *,
        dark: bool = False,
        high_contrast: bool = False,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.dark = dark
        self.high_contrast = high_contrast
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("run screen")
        self._flash_until = 0.0
        self._paused_for_end = False  # Esc paused the run: keeping going un-pauses it
        self._shown_paused = False  # painted grey: the clock is stopped
        self._phase: Phase | None = None
        self._tip_index = 0
        self._colors = run_colors(self.theme, None)
        self._build()
        controller.phase_changed.connect(self.on_phase_changed)
        controller.ticked.connect(self.on_ticked)
        controller.cue_fired.connect(self.on_cue_fired)
        controller.notice_changed.connect(self.on_notice)
        controller.pain_stopped.connect(self.on_pain_stopped)
        controller.camera_seen.connect(self.on_camera_seen)
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self.on_flash_over)
        self._words_timer = QTimer(self)
        self._words_timer.setSingleShot(True)
        self._words_timer.timeout.connect(self.on_words_over)
        # A time held just shown ("47 s held"), kept to go before what comes next with it.
        self._held_words: tuple[float, str] | None = None
        self._apply_theme()

    @property
    def theme(self) -> str:
        return HIGH_CONTRAST if self.high_contrast else DARK if self.dark else LIGHT

    # -- building -------------------------------------------------------------------------------
    def _label(self, name: str, obj: str, wrap: bool = True) -> QLabel:
        label = QLabel(self)
        label.setObjectName(obj)
        label.setAccessibleName(name)
        label.setWordWrap(wrap)
        return label

    def _build(self) -> None:
        self.shape = PhaseShape(self)
        self.phase_word = self._label("phase", "phaseWord", wrap=False)
        self.progress_text = self._label("progress", "progressText", wrap=False)
        self.progress_text.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("session progress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.step_name = self._label("step", "stepName")
        self.side = self._label("side", "sideWord", wrap=False)
        self.side.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.big = BigTime(self)
        self.pacer = Pacer(self)
        self.pacer.setVisible(False)
        self.counter = self._label("counter", "counterLine", wrap=False)
        self.counter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cue_text = self._label("cue", "cueText", wrap=False)
        self.cue_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tip = self._label("tip", "tipLine")
        self.tip.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next = self._label("next", "nextLine")
        self.next.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice = self._label("notice", "runNotice")
        self.notice.setVisible(False)
        self.camera_panel = CameraPanel(self)
        self.camera_panel.setVisible(False)

        self.button_row = QWidget(self)
        self.button_row.setObjectName("runButtons")
        row = QHBoxLayout(self.button_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("pause", "Pause\nSpace", self.controller.toggle_pause),
            ("done", "Done\nEnter", lambda: self.controller.done_now()),
            ("lap", "Lap\nL", self.controller.add_count),
            ("pain", "It hurts\nP", self.controller.stop_for_pain),
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
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[key] = button

        self.help = QLabel(self)
        self.help.setObjectName("helpOverlay")
        self.help.setAccessibleName("keys help")
        self.help.setTextFormat(Qt.TextFormat.RichText)
        self.help.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.help.setWordWrap(True)
        half = (len(self.KEYS) + 1) // 2
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td align='right' style='padding:2px 10px'><b>{k}</b></td>"
                f"<td style='padding:2px 24px 2px 4px'>{v}</td>"
                for k, v in (self.KEYS[i], *(self.KEYS[i + half : i + half + 1]))
            )
            + "</tr>"
            for i in range(half)
        )
        self.help.setText(
            "<b>Keys</b><table>" + rows + "</table><p>Stop if an exercise hurts (P). With pain "
            "going down a leg, numbness, tingling or weakness, see a health professional before "
            "going on.</p><p>Press ? or Esc to close.</p>"
        )
        self.help.hide()
        self.pain_panel = ChoicePanel(
            "painPanel",
            "stopped because it hurts",
            "Stopped: it hurts",
            PAIN_ADVICE,
            PAIN_CHOICES,
            self,
        )
        self.pain_panel.chosen.connect(self.on_pain_choice)
        self.end_panel = ChoicePanel(
            "endPanel",
            "end the session?",
            "End the session?",
            "Everything you have finished so far is kept in your history. The clock is stopped "
            "while you choose.",
            END_CHOICES,
            self,
        )
        self.end_panel.chosen.connect(self.on_end_choice)

    # -- sizing -----------------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def frame_widths(self) -> tuple[int, int]:
        """The phase-coloured frame of the dark and high-contrast themes, (sides, top and
        bottom): wide at the sides, to be seen from the corner of an eye, thin above and below,
        where the countdown needs the room."""
        if self._colors.frame is None:
            return 0, 0
        return max(14, round(self.width() * 0.04)), max(6, round(self.height() * 0.012))

    def flash_width(self) -> int:
        return max(8, self.height() // 60)

    def _relayout(self) -> None:
        """Place every piece by hand: fixed rows get their fitted sizes, the countdown the rest,
        tips shrink (never cut) before the countdown does."""
        w, h = self.width(), self.height()
        if w < 50 or h < 50:
            return
        s = Sizes.for_window(w, h)
        base = QFont(self.font())
        fw, fh = self.frame_widths()
        pad = self.flash_width() + round(max(4.0, s.small * 0.3))  # the cue flash never covers text
        left, right = fw + pad, w - fw - pad
        inner = right - left
        gap = round(s.small * 0.3)

        # Top row: shape and phase word on the left, the side word (large, boxed) on the right.
        title = _font(base, s.title, bold=True)
        title_h = QFontMetrics(title).height()
        side_text = self.side.text() if self.side.isVisibleTo(self) else ""
        side_h = title_h + 8
        side_w = QFontMetrics(title).horizontalAdvance(side_text) + 2 * pad if side_text else 0
        band_font = _font(base, s.band, bold=True)
        band_h = QFontMetrics(band_font).height()
        top_h = max(side_h, band_h)
        y = fh + pad
        self.side.setFont(title)
        self.side.setGeometry(right - side_w, y, side_w, side_h)
        self.shape.setGeometry(left, y + (top_h - band_h) // 2, band_h, band_h)
        self.phase_word.setFont(band_font)
        word_x = left + band_h + gap
        word_w = QFontMetrics(band_font).horizontalAdvance(self.phase_word.text() or "W") + 4
        self.phase_word.setGeometry(word_x, y, word_w, top_h)
        small = _font(base, s.small)
        self.progress_text.setFont(small)
        text_x = word_x + word_w + 2 * gap
        text_w = QFontMetrics(small).horizontalAdvance(self.progress_text.text() or "Part 8 of 88")
        room = right - side_w - gap - text_x
        self.progress_text.setGeometry(text_x, y, max(0, room), top_h)
        self.progress_text.setVisible(room >= text_w + 4)
        y += top_h + gap
        bar_h = max(5, round(s.small * 0.35))
        self.progress.setGeometry(left, y, inner, bar_h)
        y += bar_h + gap

        # The step name, full width; it wraps (two lines at most) and only then gets smaller.
        name = self.step_name.text()
        name_font, px = title, s.title
        while px > s.title * 0.75 and _text_height(name_font, inner, name) > 2 * title_h:
            px -= 1
            name_font = _font(base, px, bold=True)
        self.step_name.setFont(name_font)
        name_h = max(_text_height(name_font, inner, name), title_h) if name else 0
        self.step_name.setGeometry(left, y, inner, name_h)
        y += name_h + gap

        # From the bottom up: buttons, notice, "Then:", tip, and the counter row (cue words
        # show there while they last); the countdown takes what is left.
        button_font = _font(base, s.small)
        button_h = max(34, round(QFontMetrics(button_font).height() * 2 + 8))
        bottom = h - fh - pad
        for b in self.buttons.values():
            b.setFont(button_font)
        self.button_row.setGeometry(left, bottom - button_h, inner, button_h)
        bottom -= button_h + gap
        if self.notice.isVisibleTo(self):
            note_font = _font(base, s.small)
            self.notice.setFont(note_font)
            note_h = _text_height(note_font, inner - 24, self.notice.text()) + 10
            self.notice.setGeometry(left, bottom - note_h, inner, note_h)
            bottom -= note_h + gap
        next_font = _fit_line(base, s.line, inner, self.next.text(), False, s.line * 0.7)
        next_h = _text_height(next_font, inner, self.next.text())
        self.next.setFont(next_font)
        self.next.setGeometry(left, bottom - next_h, inner, next_h)
        bottom -= next_h + gap
        line_h = QFontMetrics(_font(base, s.line, bold=True)).height()
        room = bottom - y - line_h - gap
        tip_px = s.tip
        tip_font = _font(base, tip_px)
        tip_h = _text_height(tip_font, inner, self.tip.text()) if self.tip.text() else 0
        while tip_h and room - tip_h - gap < s.digits_min and tip_px > 15:
            tip_px -= 1
            tip_font = _font(base, tip_px)
            tip_h = _text_height(tip_font, inner, self.tip.text())
        self.tip.setFont(tip_font)
        self.tip.setGeometry(left, bottom - tip_h, inner, tip_h)
        self.tip.setVisible(bool(tip_h))
        bottom -= tip_h + (gap if tip_h else 0)
        for label in (self.cue_text, self.counter):
            label.setGeometry(left, bottom - line_h, inner, line_h)
            self._fit_row(label)
        bottom -= line_h + gap
        digits_h = max(20, bottom - y)
        if self.pacer.isVisibleTo(self):
            pacer_w = min(digits_h, round(inner * 0.3))
            self.big.setGeometry(left, y, inner - pacer_w - gap, digits_h)
            self.pacer.setGeometry(right - pacer_w, y, pacer_w, digits_h)
        elif self.camera_panel.isVisibleTo(self):
            # A 4:3 picture's outline with a line of words under it, beside the countdown.
            # Its words as large as a line of the screen, made smaller only to fit its width.
            text_px = max(12, round(s.line * 0.8))
            words_h = QFontMetrics(_font(base, text_px, bold=True)).height() + 8
            cam_w = min(round(inner * 0.3), round((digits_h - words_h) * 4 / 3))
            longest = max(CameraPanel.WORDS.values(), key=len)
            while (
                text_px > 12
                and QFontMetrics(_font(base, text_px, bold=True)).horizontalAdvance(longest)
                > cam_w - 4
            ):
                text_px -= 1
            words_h = QFontMetrics(_font(base, text_px, bold=True)).height() + 8
            cam_h = min(digits_h, round(cam_w * 3 / 4) + words_h)
            self.big.setGeometry(left, y, inner - cam_w - gap, digits_h)
            self.camera_panel.setGeometry(right - cam_w, y + (digits_h - cam_h) // 2, cam_w, cam_h)
            self.camera_panel.set_look(QColor(self._colors.text), text_px)
        else:
            self.big.setGeometry(left, y, inner, digits_h)

        # Overlays: the keys help and the pain panel cover the screen.
        over = self.rect().adjusted(fw + pad, fh + pad, -fw - pad, -fh - pad)
        self._fit_help(over, s, base)
        for panel in (self.pain_panel, self.end_panel):
            panel.setGeometry(self.rect().adjusted(fw, fh, -fw, -fh))
            panel.set_sizes(s, base, panel.width(), panel.height())

    def _fit_help(self, rect: QRect, s: Sizes, base: QFont) -> None:
        px = s.line * 0.8
        while True:
            font = _font(base, px)
            self.help.setFont(font)
            if self.help.heightForWidth(rect.width() - 40) + 40 <= rect.height() or px <= 11:
                break
            px -= 1
        self.help.setGeometry(rect)

    def _apply_theme(self) -> None:
        """Colours for the theme and phase: one style sheet, set when either changes."""
        kind = self._phase.kind if self._phase is not None else None
        run = self.controller.run
        self._shown_paused = run.paused and run.pain_stop is None and not run.finished
        c = run_colors(self.theme, kind, paused=self._shown_paused)
        self._colors = c
        p = run_colors(self.theme, kind, pain=True)
        border = max(2, round(self.height() / 250))
        self.setStyleSheet(
            f"QLabel {{ color: {c.text}; background: transparent; }}"
            f"QLabel#cueText {{ color: {c.accent}; }}"
            f"QLabel#sideWord {{ border: {border + 1}px solid {c.text}; border-radius: 10px; }}"
            f"QLabel#runNotice {{ background: #fff3cd; color: #3d2c00; padding: 4px 10px; "
            f"border-left: 6px solid #c77700; }}"
            f"QPushButton#runButton {{ color: {c.text}; background: {c.button}; "
            f"border: {border}px solid {c.text}; border-radius: 8px; padding: 2px 6px; }}"
            f"QPushButton#runButton:pressed {{ background: {c.background}; }}"
            f"QProgressBar {{ background: {c.button}; border: {border}px solid {c.text}; "
            f"border-radius: 4px; }}"
            f"QProgressBar::chunk {{ background: {c.text}; }}"
            f"QLabel#helpOverlay {{ background: #181818; color: #ffffff; border-radius: 16px; "
            f"padding: 20px; border: 3px solid #ffffff; }}"
            + "".join(
                f"QFrame#{name} {{ background: {q.background}; "
                f"border: 6px solid {q.frame or q.text}; }}"
                f"QFrame#{name} QLabel {{ color: {q.text}; }}"
                f"QFrame#{name} QPushButton {{ color: {q.text}; background: {q.button}; "
                f"border: {border + 1}px solid {q.text}; border-radius: 10px; "
                f"padding: 4px 12px; text-align: left; }}"
                for name, q in (("painPanel", p), ("endPanel", c))
            )
        )
        self.shape.set_shape(self.shape.shape, QColor(c.text))
        self.update()

    def set_high_contrast(self, on: bool) -> None:
        self.high_contrast = on
        self._apply_theme()
        self._relayout()
        self.on_ticked(self.controller.run.snapshot())

    def set_dark(self, on: bool) -> None:
        self.dark = on
        self._apply_theme()
        self._relayout()

    # -- showing --------------------------------------------------------------------------------
    @Slot(object)
    def on_phase_changed(self, phase: Phase) -> None:
        self._phase = phase
        word, shape = PHASES[phase.kind]
        self.phase_word.setText(word)
        self.shape.set_shape(shape, QColor(self._colors.text))
        step = phase.step
        own_name = phase.kind is PhaseKind.WORK or step.kind is StepKind.REST
        self.step_name.setText(step.name if own_name else f"Next: {step.name}")
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
        phases = self.controller.plan.phases
        if not own_name and nxt is not None:
            # The step name already says what comes next ("Next: Side plank"): say what follows.
            after = coming(phases, nxt.index + 1)
            self.next.setText(f"After that: {describe(after)}" if after else "After that: the end")
        else:
            nxt = coming(phases, nxt.index) if nxt else None
            self.next.setText(f"Then: {describe(nxt)}" if nxt else "Then: the end")
        self.pacer.setVisible(phase.is_work and step.kind is StepKind.BREATHE)
        self._set_words("")
        self.buttons["lap"].setVisible(counted(phase))
        self._apply_theme()
        self._relayout()

    @Slot(object)
    def on_ticked(self, snap: Snapshot) -> None:
        phase = snap.phase
        total = len(self.controller.plan.phases)
        text_color = QColor(self._colors.text)
        if phase is None:
            self.big.set_time("✓" if snap.finished else "", 1, text_color)
            self.progress.setValue(1000 if snap.finished or snap.progress >= 1 else 0)
            self.phase_word.setText("FINISHED" if snap.finished else "")
            return
        self.progress.setValue(round(snap.progress * 1000))
        self.progress_text.setText(f"Part {phase.index + 1} of {total}")
        step = phase.step
        color = text_color
        if snap.remaining is not None and paced(phase):
            # Paced reps: the rep you are on is what matters; the time goes below.
            text = str(min((snap.count or 0) + 1, step.reps or 1))
            cells = len(str(step.reps or 0))
        elif snap.remaining is not None:
            text = countdown_text(math.ceil(snap.remaining - 1e-6))
            cells = len(countdown_text(phase.duration or 0))
        elif counted(phase):
            # Walking laps or counting reps: the count matters most; the time goes below.
            text = str(snap.count or 0)
            cells = len(str(step.target_count or 0))
        elif snap.overtime > 0:
            text = "+" + countdown_text(snap.overtime)
            cells = len(text)
            color = QColor(self._colors.accent)
        else:
            text = countdown_text(snap.elapsed)
            cells = max(2, len(text))
        self.big.set_time(text, cells, color)
        counter = self._counter(phase, snap)
        if counter != self.counter.text():
            self.counter.setText(counter)
            self._fit_row(self.counter)
        if phase.is_work and step.kind is StepKind.BREATHE:
            word, level, n = breath_state(phase, snap.elapsed)
            self.pacer.set_level(level, QColor(self._colors.text))
            self._set_words(f"{word} · {n} of {step.breaths}")
        run = self.controller.run
        paused_word = "STOPPED" if run.pain_stop is not None else "PAUSED"
        word = f"{paused_word} · {PHASES[phase.kind][0]}" if snap.paused else PHASES[phase.kind][0]
        self.buttons["pause"].setText("Go on\nSpace" if snap.paused else "Pause\nSpace")
        if word != self.phase_word.text():
            self.phase_word.setText(word)
            self._relayout()  # the top row is laid out for the word's width
        if self._shown_paused != (snap.paused and run.pain_stop is None):
            self._apply_theme()  # grey while paused, the phase's colour again after
        self.buttons["mute"].setText("Sound on\nM" if self.controller.player.muted else "Mute\nM")

    def _fit_row(self, label: QLabel) -> None:
        """A one-line row keeps its height; its words shrink to fit its width if they must."""
        s = Sizes.for_window(self.width(), self.height())
        label.setFont(
            _fit_line(QFont(self.font()), s.line, label.width(), label.text(), True, s.line * 0.6)
        )

    def _set_words(self, text: str) -> None:
        """Cue words show, large, in the counter's row while they last."""
        if text != self.cue_text.text():
            self.cue_text.setText(text)
            self._fit_row(self.cue_text)
        self.cue_text.setVisible(bool(text))
        self.counter.setVisible(not text)

    def _counter(self, phase: Phase, snap: Snapshot) -> str:
        step = phase.step
        sets = f"Set {phase.set_number} of {step.sets}" if step.sets > 1 else ""
        bits = []
        if phase.is_work:
            if step.kind is StepKind.REPS and step.reps:
                if step.cadence is not None and snap.remaining is not None:
                    left = countdown_text(math.ceil(snap.remaining - 1e-6))
                    unit = " s" if snap.remaining < 60 else ""
                    bits.append(f"rep of {step.reps} · {left}{unit} left")
                else:
                    bits.append(f"of {step.reps} reps · press L for each")
            elif step.kind is StepKind.LAPS and step.laps:
                walked = countdown_text(snap.elapsed) + (" s" if snap.elapsed < 60 else "")
                bits.append(f"of {step.laps} laps · {walked} walked · L after each lap")
            elif step.kind is StepKind.HOLD:
                target = format_dose(phase.estimate)
                if step.as_long_as_you_can:
                    bits.append(
                        f"OVERTIME · {countdown_text(snap.elapsed)} held, target {target}"
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

    @Slot(object)
    def on_cue_fired(self, event: CueDue) -> None:
        cue = event.cue
        if cue.kind in SHOWN_CUES and cue.text:
            text = cue.text
            held = self._held_words
            if held is not None and abs(event.due - held[0]) <= TOGETHER:
                text = f"{held[1]} · {text}"  # as the voice says it: the time, then what next
            self._held_words = (
                (event.due, cue.text) if cue.kind is CueKind.WORK_END and cue.count else None
            )
            self._set_words(text)
            self._words_timer.start(int(WORDS_STAY * 1000))
        long = cue.kind in (CueKind.HALFWAY, CueKind.REMAINING, CueKind.PROMPT, CueKind.TARGET)
        self._flash(FLASH_LONG if long else FLASH_SHORT)

    def _flash(self, seconds: float) -> None:
        """Every cue is seen as well as heard: a thick frame around the screen, briefly."""
        self._flash_until = time.monotonic() + seconds
        self._flash_timer.start(int(seconds * 1000))
        self.update()

    @Slot()
    def on_words_over(self) -> None:
        phase = self._phase
        if not (phase and phase.is_work and phase.step.kind is StepKind.BREATHE):
            self._set_words("")

    @Slot()
    def on_flash_over(self) -> None:
        self._flash_until = 0.0
        self.update()

    @property
    def flashing(self) -> bool:
        return self._flash_until > 0.0

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        c = self._colors
        p.fillRect(self.rect(), QColor(c.background))
        fw, fh = self.frame_widths()
        if c.frame is not None:
            frame = QColor(c.frame)
            p.fillRect(0, 0, fw, self.height(), frame)
            p.fillRect(self.width() - fw, 0, fw, self.height(), frame)
            p.fillRect(0, 0, self.width(), fh, frame)
            p.fillRect(0, self.height() - fh, self.width(), fh, frame)
        if self._flash_until:
            width = self.flash_width()
            p.setPen(QPen(QColor(c.flash), width))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(
                QRectF(self.rect()).adjusted(
                    fw + width / 2, fh + width / 2, -fw - width / 2, -fh - width / 2
                )
            )
        p.end()

    @Slot(str)
    def on_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        self._relayout()

    # -- stopped because it hurts ----------------------------------------------------------------
    @Slot(object)
    def on_pain_stopped(self, stop: PainStopped | None) -> None:
        if stop is None:
            self.pain_panel.hide()
            self._apply_theme()
            self.setFocus()
            return
        if self.help.isVisible():
            self.toggle_help()
        result = stop.result
        run = self.controller.run
        here = run.phase
        if result is not None:
            side = f", {side_label(result.kind, result.side)}" if result.side else ""
            what = result.name + side
            done = format_seconds(result.actual_seconds).replace(" ", "\u00a0")
            recorded = f"Noted in your history: {what}, stopped because it hurt, after {done}."
            go_on = f"next: {describe(here)}" if here is not None else "and finish the session"
        elif stop.coming is not None:
            recorded = (
                f"{describe(stop.coming)} has not started. If you end or skip, it is noted in "
                "your history as left out because it hurt."
            )
            go_on = (
                "back to your rest"
                if stop.phase.kind is PhaseKind.REST
                else "back to the countdown"
            )
        else:
            recorded = "Noted: you stopped because it hurt."
            go_on = "and finish the session"
        target = run.next_exercise()
        same = target is not None and run.phase is not None and target == run.phase.index
        nxt = run.plan.phases[target].step.name if target is not None and not same else None
        self.pain_panel.show_stop(recorded, f"{nxt}" if nxt else None, go_on)
        self._apply_theme()
        self._relayout()

    @Slot(str)
    def on_pain_choice(self, choice: str) -> None:
        if choice == "end":
            self.controller.end_early()
        elif choice == "next":
            self.controller.pain_skip_exercise()
        else:
            self.controller.pain_go_on()

    # -- keys -----------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if event.isAutoRepeat():
            return
        panel = self.end_panel if self.end_panel.isVisible() else None
        if panel is None and self.pain_panel.isVisible():
            panel = self.pain_panel
        if panel is not None:  # only the panel's choices, and the look of the screen
            choices = self._panel_keys(panel)
            choice = choices.get(Qt.Key(key))
            if choice is not None:
                (self.on_end_choice if panel is self.end_panel else self.on_pain_choice)(choice)
            elif key == Qt.Key.Key_C:
                self.toggle_high_contrast()
            elif key == Qt.Key.Key_F11:
                self.toggle_fullscreen()
            return
        if self.help.isVisible() and key in (Qt.Key.Key_Escape, Qt.Key.Key_Question):
            self.toggle_help()
            return
        actions: dict[int, Callable[[], None]] = {
            Qt.Key.Key_Space: self.controller.toggle_pause,
            Qt.Key.Key_Return: self.controller.done_now,
            Qt.Key.Key_Enter: self.controller.done_now,
            Qt.Key.Key_P: self.controller.stop_for_pain,
            Qt.Key.Key_L: self.controller.add_count,
            Qt.Key.Key_Right: self.controller.skip,
            Qt.Key.Key_Left: self.controller.back,
            Qt.Key.Key_M: self.toggle_mute,
            Qt.Key.Key_Escape: self.ask_end,
            Qt.Key.Key_Question: self.toggle_help,
            Qt.Key.Key_F11: self.toggle_fullscreen,
            Qt.Key.Key_C: self.toggle_high_contrast,
            Qt.Key.Key_V: self.toggle_camera,
        }
        action = actions.get(Qt.Key(key))
        if action is None:
            super().keyPressEvent(event)
            return
        action()

    def _panel_keys(self, panel: ChoicePanel) -> dict[Qt.Key, str]:
        """The keys a waiting panel answers to: its letters, and the usual keys for the same."""
        if panel is self.end_panel:
            keep = (Qt.Key.Key_G, Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
            return {Qt.Key.Key_E: "end", Qt.Key.Key_Escape: "go-on"} | dict.fromkeys(keep, "go-on")
        choices = {Qt.Key.Key_E: "end", Qt.Key.Key_Escape: "end", Qt.Key.Key_G: "go-on"}
        if panel.buttons["next"].isVisibleTo(panel):
            choices |= {Qt.Key.Key_N: "next", Qt.Key.Key_Right: "next"}
        return choices

    @Slot()
    def toggle_high_contrast(self) -> None:
        self.set_high_contrast(not self.high_contrast)
        self.theme_toggled.emit(self.high_contrast)

    @Slot()
    def toggle_camera(self) -> None:
        """V: the camera form check on or off (the window keeps the choice for next time)."""
        on = not self.controller.camera_on
        self.controller.set_camera_check(on)
        failed = on and self.controller.camera_failed()
        self._set_words(
            "Camera check off"
            if not on
            else "Camera check: not running"
            if failed
            else "Camera check on"
        )
        self._words_timer.start(int(WORDS_STAY * 1000))
        self.camera_toggled.emit(on)

    @Slot(object, object)
    def on_camera_seen(self, seen: Seen | None, reading: Reading | None) -> None:
        """The camera's outline beside the countdown while the camera is on; gone when it
        goes off."""
        on = self.controller.camera is not None and self.controller.camera.is_open
        if on:
            self.camera_panel.show_seen(seen, reading)
        if on != self.camera_panel.isVisible():
            self.camera_panel.setVisible(on)
            self._relayout()

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
        """Esc: the clock stops and the question covers the screen, answered by key."""
        run = self.controller.run
        if run.finished or self.end_panel.isVisible() or self.pain_panel.isVisible():
            return
        self._paused_for_end = not run.paused
        if self._paused_for_end:
            self.controller.toggle_pause()
        if self.help.isVisible():
            self.toggle_help()
        self.end_panel.show()
        self.end_panel.raise_()
        self._relayout()

    @Slot(str)
    def on_end_choice(self, choice: str) -> None:
        self.end_panel.hide()
        self.setFocus()
        if choice == "end":
            self.controller.end_early()
        elif self._paused_for_end and self.controller.run.paused:
            self.controller.toggle_pause()
        self._paused_for_end = False


def paced(phase: Phase) -> bool:
    """Reps with a pace: the screen counts them."""
    step = phase.step
    return phase.is_work and step.kind is StepKind.REPS and step.cadence is not None


def coming(phases: tuple[Phase, ...] | list[Phase], index: int) -> Phase | None:
    """The part from *index* on worth naming as what comes: a get-ready is named by the
    exercise it leads to."""
    for phase in phases[index:]:
        if phase.kind is not PhaseKind.GET_READY:
            return phase
    return None


def describe(phase: Phase) -> str:
    """A part in a few words, for "Then:" and the pain panel."""
    if phase.kind is PhaseKind.WORK:
        side = f" ({side_label(phase.step.kind, phase.side)})" if phase.side else ""
        return f"{phase.step.name}{side}"
    word = PHASES[phase.kind][0].capitalize()
    return f"{word} {format_dose(phase.estimate)}"
