"""Application wiring: the QApplication, the main window, and the last-resort error dialog."""

from __future__ import annotations

import contextlib
import linecache
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPaintEvent,
    QShowEvent,
    QWindow,
)
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QWidget

from qltimer import __version__, coach, display, paths, speech
from qltimer.audio import CuePlayer, SilentPlayer, make_player
from qltimer.catalog import Catalog, load_catalog
from qltimer.coach import SORE_VARIANT, sore_variant
from qltimer.desktop import APP_ID
from qltimer.engine import Phase, PhaseKind
from qltimer.files import plain_error
from qltimer.gui.coaching import (
    AboutQLDialog,
    BeforeSession,
    ProgramView,
    SafetyDialog,
    safety_shortcut,
)
from qltimer.gui.fitting import FRAME_GUESS, FrameWatch, screen_areas, toggle_full_screen
from qltimer.gui.home import HomeView
from qltimer.gui.saving import SaveKeeper
from qltimer.gui.stopsignals import StopSignals, exit_code, signal_name
from qltimer.gui.theme import dark_palette, wants_dark
from qltimer.history import History, HistoryError, OpenReport, open_history
from qltimer.instance import InstanceLock
from qltimer.recording import RescueReport, import_rescued
from qltimer.script import Session
from qltimer.sessioncache import SessionCache
from qltimer.settings import Settings, place_window
from qltimer.words import CAMERA_PRIVACY, SAMPLE, side_label

if TYPE_CHECKING:
    from qltimer.gui.camera import CameraCheck
    from qltimer.gui.history_window import HistoryWindow
    from qltimer.gui.run_view import RunView
    from qltimer.gui.summary import SummaryView
    from qltimer.speech import PhraseBank

# Home is painted first: what it does not show (the run screen, the summary, the dialogs, the
# History window) is imported and built when first wanted, and the cue player is made this long
# after home's first paint, so that a key pressed as home appears (Enter, say) is answered first,
# without the cues being loaded and scaled meanwhile.
AFTER_FIRST_PAINT_MS = 250
BASE_POINTS = 15  # the app's text size; set as the application font so widgets can size their own
STYLE = """
QLabel#heading { font-size: 24pt; font-weight: 600; margin-bottom: 8px; }
QLabel#previewTitle { font-size: 22pt; font-weight: 600; }
QLabel#previewMeta { font-size: 14pt; }
QLabel#notice { background: palette(alternate-base); border-left: 6px solid #c77700;
                padding: 8px 12px; }
QLabel#emptyState { font-size: 16pt; color: palette(placeholder-text); }
QLabel#summaryDone { font-weight: 600; }
QLabel#newBest { font-weight: 700; color: #1b7a31; }
QPushButton:checked { background: #1f6fb4; color: white; font-weight: 700; }
QPushButton#startButton { font-size: 20pt; font-weight: 700; }
QLabel#painFlag { background: #fde8e8; color: #5c1010; border-left: 6px solid #c62828;
                  padding: 8px 12px; font-size: 15pt; }
QLabel#reference { padding: 6px 0; }
QFrame#suggestion { border: 3px solid #1f6fb4; border-radius: 10px; padding: 6px; }
QFrame#stage { border: 2px solid palette(mid); border-radius: 10px; }
QFrame#stageHere { border: 4px solid #18713a; border-radius: 10px; }
QLabel#stageTitle { font-size: 18pt; font-weight: 700; }
QLabel#stageArrow { font-size: 22pt; }
QLabel#planLine { font-size: 14pt; }
QLabel#safetyText { font-size: 17pt; }
"""
# Colours above that would be too faint on the dark palette.
DARK_STYLE = """
QLabel#newBest { color: #7ee29a; }
QLabel#painFlag { background: #3a1212; color: #ffd9d6; }
QFrame#stageHere { border-color: #3fbf6a; }
"""


class MainWindow(QMainWindow):
    """Home -> run -> summary -> home, in one window."""

    def __init__(
        self,
        catalog: Catalog,
        history: History | None = None,
        parent: QWidget | None = None,
        *,
        notices: list[str] | None = None,
        player: CuePlayer | None = None,
        player_factory: Callable[[float, bool], CuePlayer] | None = None,
        settings: Settings | None = None,
        clock: Callable[[], float] = time.monotonic,
        today: date | None = None,
        rescue_without_history: bool = False,
    ) -> None:
        """*rescue_without_history*: the history could not be opened, so runs go to rescue files.

        *player_factory* (volume, muted) makes the cue player AFTER_FIRST_PAINT_MS after the
        window's first paint, or when something is to be heard before that: loading and scaling
        the cues would hold up the first paint. Until then *player* (by default a silent one)
        keeps volume and mute."""
        super().__init__(parent)
        self.setWindowTitle("qltimer")
        self.rescue_without_history = rescue_without_history
        self.catalog = catalog
        self.history = history
        # A copy: the window keeps its own place and size in it, not in the caller's object.
        self.settings = replace(settings) if settings is not None else Settings()
        self.player: CuePlayer = player if player is not None else SilentPlayer()
        self.player.volume = self.settings.volume / 100
        self.player.muted = self.settings.muted
        self._player_factory = player_factory
        self._painted = False
        self.clock = clock
        self.theme_choice = self.settings.theme
        self.dark = False
        self.run_view: RunView | None = None
        self.stopping = False  # closing for SIGINT or SIGTERM: no question asked
        self.theme_actions: dict[str, QAction] = {}  # View menu: auto, light, dark
        self.apply_theme(self.theme_choice)
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(lambda _scheme: self.apply_theme(self.theme_choice))
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.connect(self.on_focus_window)
        self.history_window: HistoryWindow | None = None
        self.keeper = SaveKeeper(self)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        # The person's choice of how often to strengthen, on both paths' sessions.
        coach.plan_sessions(catalog.sessions, self.settings.strength_per_week)
        self.home = HomeView(catalog, history=history, today=today, track=self.settings.track)
        if notices:
            self.home.add_notices(notices)
        self.keeper.changed.connect(lambda text: self.home.set_notice("save", text))
        self.home.start_requested.connect(self.on_start_requested)
        self.home.suggestion.answered.connect(self.on_suggestion_answered)
        self.home.program_button.clicked.connect(self.show_program)
        self._before: BeforeSession | None = None  # the pages after home: built when wanted
        self._summary: SummaryView | None = None
        self.safety: SafetyDialog | None = None
        self.program: ProgramView | None = None
        self.about_ql: AboutQLDialog | None = None
        self.about_on_first_run = True  # not when `qltimer run` goes straight into a session
        safety_shortcut(self, self.show_safety)
        self.stack.addWidget(self.home)
        self._build_menu()
        self.stack.setCurrentWidget(self.home)
        self.place_on_screen()

    @property
    def before(self) -> BeforeSession:
        """The question before a session, built the first time it is asked."""
        if self._before is None:
            self._before = BeforeSession()
            self._before.go.connect(self.on_go)
            self._before.cancelled.connect(self.on_before_cancelled)
            self.stack.addWidget(self._before)
        return self._before

    @property
    def summary(self) -> SummaryView | None:
        """The summary after a session (None without a history), built the first time it is
        shown."""
        if self._summary is None and self.history is not None:
            from qltimer.gui.summary import SummaryView

            self._summary = SummaryView(self.history)
            self._summary.closed.connect(self.on_summary_closed)
            self._summary.saved.connect(self.on_history_changed)
            self.stack.addWidget(self._summary)
        return self._summary

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(AFTER_FIRST_PAINT_MS, self.after_first_paint)

    @Slot()
    def after_first_paint(self) -> None:
        """What home did not need: the cue player, and forgetting the sources of the modules
        imported to show it."""
        self.real_player()
        forget_sources()

    def real_player(self) -> CuePlayer:
        """The cue player, made now if it was still to come (see *player_factory*)."""
        if self._player_factory is not None:
            make, self._player_factory = self._player_factory, None
            self.player = make(self.player.volume, self.player.muted)
        return self.player

    # -- theme ---------------------------------------------------------------------------------
    def apply_theme(self, choice: str) -> None:
        """Light or dark for every page ("auto" follows the desktop); remembered."""
        self.theme_choice = choice
        dark = wants_dark(choice)
        app = QApplication.instance()
        if isinstance(app, QApplication) and bool(app.property("qltimerDark")) != dark:
            app.setPalette(dark_palette() if dark else app.style().standardPalette())
            app.setStyleSheet(STYLE + (DARK_STYLE if dark else ""))
            app.setProperty("qltimerDark", dark)
        self.dark = dark
        if self.run_view is not None:
            self.run_view.set_dark(dark)
        for key, action in self.theme_actions.items():
            action.setChecked(key == choice)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange:
            self._menu_for_run()
            self.full_screen_action.setChecked(self.isFullScreen())
            if self.isVisible():
                self.remember_window()  # full screen (F11) or maximised: kept at once

    def _menu_for_run(self) -> None:
        """Full screen during a session gives the menu bar's room to the countdown."""
        self.menuBar().setVisible(not (self.isFullScreen() and self.run_view is not None))

    # -- running a session ---------------------------------------------------------------------
    def start_session(
        self, session: Session, *, pain_before: int | None = None, sore: bool = False
    ) -> RunView:
        """Run *session* now (its lighter sore-day variant when *sore*)."""
        from qltimer.gui.run_view import RunController, RunView

        self.real_player()
        if sore:
            session = sore_variant(session)
        controller = RunController(
            session,
            self.player,
            self.history,
            clock=self.clock,
            pain_before=pain_before,
            variant=SORE_VARIANT if sore else "normal",
            keeper=self.keeper,
            record_without_history=self.rescue_without_history,
            speak=self.settings.speech and not self.player.muted,
            voice=self.settings.speech_voice,
            rate=self.settings.speech_rate,
            camera_factory=self.make_camera,
        )
        controller.set_camera_check(self.settings.camera_check)
        view = RunView(controller, dark=self.dark, high_contrast=self.settings.high_contrast)
        view.theme_toggled.connect(lambda _on: self.remember())
        view.camera_toggled.connect(self.set_camera_check)
        controller.pain_stopped.connect(self.on_pain_stopped)
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        view.setFocus()
        controller.finished.connect(self.on_run_finished)
        controller.phase_changed.connect(self.on_phase_changed)
        view.buttons["mute"].clicked.connect(self.remember)
        self.run_view = view
        self._menu_for_run()
        controller.start()
        forget_sources()  # the run screen's modules
        return view

    def start_when_ready(
        self, session: Session, answers: tuple[int | None, bool] | None = None
    ) -> None:
        """``qltimer run``: once the first-run safety advice has been read, ask the
        before-session question for *session*, or start it with the *answers* given (pain now,
        sore day)."""

        self.about_on_first_run = False  # the session asked for comes straight after safety

        def go() -> None:
            if answers is None:
                self.ask_before(session)
            else:
                self.start_session(session, pain_before=answers[0], sore=answers[1])

        if self.safety is not None and self.safety.isVisible():
            self.safety.finished.connect(lambda _result: go())
        else:
            go()

    def ask_before(self, session: Session) -> None:
        """Pain now (optional) and whether it is a sore day, then the run."""
        self.before.ask(session)
        self.stack.setCurrentWidget(self.before)
        self.setWindowTitle(f"Before you start: {session.title} - qltimer")
        self.before.setFocus()

    @Slot(object)
    def on_phase_changed(self, phase: Phase) -> None:
        """The window title says where the session is (task bars and window lists show it)."""
        if phase.kind is PhaseKind.WORK:
            side = f" - {side_label(phase.step.kind, phase.side)}" if phase.side is not None else ""
            what = f"{phase.step.name}{side}"
        elif phase.kind is PhaseKind.GET_READY:
            what = f"Get ready: {phase.step.name}"
        else:
            what = "Switch sides" if phase.kind is PhaseKind.SWITCH else "Rest"
        self.setWindowTitle(f"{what} - qltimer")

    @Slot(object)
    def on_pain_stopped(self, stop: object) -> None:
        if stop is not None:
            self.setWindowTitle("Stopped: it hurts - qltimer")
        elif self.run_view is not None and self.run_view.controller.run.phase is not None:
            self.on_phase_changed(self.run_view.controller.run.phase)

    def pause_run(self, why: str) -> None:
        """Another window goes over a running session: pause it; only a key goes on."""
        view = self.run_view
        if view is None:
            return
        run = view.controller.run
        if run.started and not run.finished and not run.paused:
            view.controller.toggle_pause()
            view.controller.show_notice("window", f"Paused while {why}. Press Space to go on.")

    @Slot(QWindow)
    def on_focus_window(self, window: QWindow | None) -> None:
        """Any other window of ours taking the keyboard pauses a running session."""
        if window is not None and window is not self.windowHandle() and window.isVisible():
            self.pause_run("another window was open")

    @Slot(str)
    def on_start_requested(self, session_id: str) -> None:
        """Start asks first: pain now (optional) and whether it is a sore day."""
        session = self.catalog.get(session_id)
        if session is not None:
            self.ask_before(session)

    @Slot(int, bool)
    def on_go(self, pain: int, sore: bool) -> None:
        session = self.before.session
        if session is not None:
            self.start_session(session, pain_before=None if pain < 0 else pain, sore=sore)

    @Slot()
    def on_before_cancelled(self) -> None:
        self.setWindowTitle("qltimer")
        self.stack.setCurrentWidget(self.home)
        self.home.start.setFocus()

    # -- coaching --------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.settings.safety_acknowledged and self.safety is None:
            self.safety = SafetyDialog(self, first_time=True)
            self.safety.accepted.connect(self.on_safety_understood)
            self.safety.open()

    @Slot()
    def on_safety_understood(self) -> None:
        """The first run: the safety advice read, then the page about the QL, once."""
        self.settings.safety_acknowledged = True
        with contextlib.suppress(OSError):
            self.settings.save()
        if self.about_on_first_run:
            self.show_about_ql()

    @Slot()
    def show_safety(self) -> None:
        self.pause_run("the safety advice was open")
        dialog = SafetyDialog(self)
        self.safety = dialog
        dialog.open()

    @Slot()
    def show_about_ql(self) -> None:
        self.pause_run("the page about your QL was open")
        dialog = AboutQLDialog(self)
        self.about_ql = dialog
        dialog.open()

    @Slot()
    def show_program(self) -> None:
        self.pause_run("your program was open")
        dialog = ProgramView(self.home.stage(), self, per_week=self.settings.strength_per_week)
        dialog.track_chosen.connect(self.on_track_chosen)
        dialog.per_week_chosen.connect(self.on_per_week_chosen)
        dialog.open()
        self.program = dialog

    @Slot(str)
    def on_track_chosen(self, track: str) -> None:
        """The other track: home offers its sessions, and the program view shows its path."""
        self.settings.track = track
        self.remember()
        self.home.track = track
        self.home.refresh()
        if self.history_window is not None:
            self.history_window.track = track  # the stage its report names
        if self.program is not None:
            self.program.done(0)
            self.show_program()

    @Slot(int)
    def on_per_week_chosen(self, per_week: int) -> None:
        """2 or 3 a week: the plan line, due marks, streaks and the weekly chart follow."""
        self.settings.strength_per_week = per_week
        self.remember()
        coach.plan_sessions(self.catalog.sessions, per_week)
        self.home.refresh()
        if self.history_window is not None:
            self.history_window.reload()

    @Slot(str, bool)
    def on_suggestion_answered(self, key: str, accepted: bool) -> None:
        if self.history is None:
            return
        self._save(lambda: self.history.decide(key, accepted, datetime.now(UTC)))  # type: ignore[union-attr]
        self.on_history_changed()

    def _save(self, write: Callable[[], object]) -> None:
        try:
            write()
        except (sqlite3.Error, OSError, ValueError) as err:  # ValueError: RowError
            self.home.add_notices([f"Could not save that to your history: {plain_error(err)}."])

    @Slot(str, str)
    def on_run_finished(self, uuid: str, status: str) -> None:
        view = self.run_view
        self.run_view = None
        self._menu_for_run()
        self.setWindowTitle("qltimer")
        self.remember()
        saved = not any(r.uuid == uuid for r in self.keeper.waiting)
        if uuid and saved and self.summary is not None:
            self.summary.show_session(uuid)
            self.setWindowTitle("Session summary - qltimer")
            self.stack.setCurrentWidget(self.summary)
        else:
            self.stack.setCurrentWidget(self.home)
        if view is not None:
            view.controller.stop()
            self.stack.removeWidget(view)
            view.deleteLater()
        self.on_history_changed()

    @Slot(str)
    def on_summary_closed(self, _uuid: str) -> None:
        self.setWindowTitle("qltimer")
        self.home.refresh(datetime.now().astimezone().date())
        self.stack.setCurrentWidget(self.home)
        self.home.start.setFocus()

    def set_volume(self, percent: int) -> None:
        self.settings.volume = percent
        self.player.volume = percent / 100
        self.remember()

    @Slot(bool)
    def set_speech(self, on: bool) -> None:
        """Speak every word from the next session on (the voice of one that runs stays)."""
        self.settings.speech = on
        self.remember()
        if on:
            self.say_sample()

    def set_voice(self, voice: str) -> None:
        self.settings.speech_voice = voice
        self.remember()
        self.say_sample()

    def set_speech_rate(self, rate: float) -> None:
        self.settings.speech_rate = rate
        self.remember()
        self.say_sample()

    def say_sample(self) -> PhraseBank | None:
        """Say a phrase in the chosen voice and rate, so the person hears what they chose
        (rendered on the speech thread; nothing waits for it). Not during a session: its
        cues come first."""
        if self.player.muted or self.run_view is not None:
            return None
        from qltimer.phrases import sound_name
        from qltimer.speech import PhraseBank

        self.real_player()
        bank = PhraseBank(
            [],
            self.player.add_sounds,
            voice=self.settings.speech_voice,
            rate=self.settings.speech_rate,
            name=sound_name,
        )
        player = self.player
        bank.want(SAMPLE, then=lambda text: player.play_together((sound_name(text),)))
        bank.finish()
        return bank

    def _fill_voices(self) -> None:
        """The installed voices, asked of the engine when the menu opens."""
        menu = self.voice_menu
        menu.clear()
        group = QActionGroup(menu)
        names = speech.voices()
        if not names:
            gone = QAction("No speech engine is installed (the flite package)", menu)
            gone.setEnabled(False)
            menu.addAction(gone)
            return
        for name in names:
            action = QAction(f"{name}: {speech.VOICES[name]}", menu, checkable=True)
            action.setChecked(name == self.settings.speech_voice)
            action.triggered.connect(lambda _=False, v=name: self.set_voice(v))
            group.addAction(action)
            menu.addAction(action)

    @Slot(bool)
    def set_muted(self, muted: bool) -> None:
        self.player.muted = muted
        self.remember()

    @Slot(bool)
    def set_high_contrast(self, on: bool) -> None:
        self.settings.high_contrast = on
        if self.run_view is not None:
            self.run_view.set_high_contrast(on)
        self.remember()

    # -- the camera form check ---------------------------------------------------------------------
    def make_camera(self) -> CameraCheck:
        """The run's camera form check, with the person's thresholds (settings.json)."""
        from qltimer.gui.camera import CameraCheck

        return CameraCheck(self.clock, self.settings.camera_thresholds)

    @Slot(bool)
    def set_camera_check(self, on: bool) -> None:
        """The camera form check on or off (V in a session, or the Camera menu); kept for next
        time. The first time it goes on, the person is told what happens to the picture."""
        self.settings.camera_check = on
        self.camera_action.setChecked(on)
        view = self.run_view
        if view is not None and view.controller.camera_on != on:
            view.controller.set_camera_check(on)
        failed = view is not None and bool(view.controller.camera_failed())
        if on and not self.settings.camera_told and not failed:
            self.settings.camera_told = True
            if view is not None:  # no window over a running session: a line on its screen
                controller = view.controller  # the timer goes with the run if it ends first
                controller.show_notice("camera-privacy", CAMERA_PRIVACY)
                QTimer.singleShot(
                    20_000, controller, lambda: controller.show_notice("camera-privacy", "")
                )
            else:
                self.show_camera_privacy()
        self.remember()

    @Slot()
    def show_camera_privacy(self) -> None:
        """What the camera form check does (it scrolls and fits a small screen)."""
        from qltimer.gui.coaching import CameraAboutDialog

        dialog = CameraAboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def choose_theme(self, choice: str) -> None:
        """The person chose a theme in the View menu: show it and keep it for next time."""
        self.apply_theme(choice)
        self.remember()

    def remember(self) -> None:
        """Keep sound and theme choices for next time."""
        self.settings.muted = self.player.muted
        self.mute_action.setChecked(self.player.muted)
        if self.run_view is not None:
            self.settings.high_contrast = self.run_view.high_contrast
        if hasattr(self, "contrast_action"):
            self.contrast_action.setChecked(self.settings.high_contrast)
        self.settings.theme = self.theme_choice
        with contextlib.suppress(OSError):  # read-only data folder: kept for this run only
            self.settings.save()

    # -- the window on the screen ---------------------------------------------------------------
    def place_on_screen(self) -> None:
        """Where it was last time if it still fits there, else as big as the screen allows up to
        1280x800, frame included; maximised or full screen again if it was."""
        x, y, w, h = place_window(self.settings, screen_areas(self), FRAME_GUESS)
        self.setGeometry(x, y, w, h)
        self.frame_watch = FrameWatch(self)  # the real frame is known once shown: check again
        state = Qt.WindowState.WindowNoState
        if self.settings.window_maximized:
            state |= Qt.WindowState.WindowMaximized
        if self.settings.window_full_screen:
            state |= Qt.WindowState.WindowFullScreen
        self.setWindowState(state)

    @Slot()
    def toggle_full_screen(self) -> None:
        """F11, on any page: the window fills the screen, or goes back to how it was."""
        toggle_full_screen(self)

    def remember_window(self) -> None:
        """Keep the window's place, size and state for next time."""
        s = self.settings
        s.window_full_screen = self.isFullScreen()
        s.window_maximized = self.isMaximized()
        inside = self.normalGeometry() if s.window_full_screen or s.window_maximized else None
        if inside is None or inside.isEmpty():
            inside = self.geometry()
        s.window_x, s.window_y = inside.x(), inside.y()
        s.window_width, s.window_height = inside.width(), inside.height()
        with contextlib.suppress(OSError):  # read-only data folder: kept for this run only
            s.save()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing mid-session ends it early, keeping what was done."""
        if self.run_view is not None and not self.run_view.controller.run.finished:
            self.run_view.controller.end_early()
        if self.keeper.unsaved:
            self.keeper.retry()
        if self.keeper.unsaved and not self.keeper.copies_safe and self.stopping:
            print(f"qltimer: {self.keeper.text}", file=sys.stderr)  # nobody may be there to ask
        elif self.keeper.unsaved and not self.keeper.copies_safe:
            from qltimer.gui.dialogs import Ask

            keep_open = Ask.confirm(
                self,
                "Results not saved",
                f"{self.keeper.text}\n\nIf you close qltimer now, those results are lost.",
                "Keep qltimer open",
                "Close and lose them",
            )
            if keep_open:
                event.ignore()
                return
        self.remember_window()
        super().closeEvent(event)

    def session_running(self) -> bool:
        return self.run_view is not None and not self.run_view.controller.run.finished

    def stop(self) -> None:
        """SIGINT or SIGTERM: close as the window's close button does (a session running is
        ended early, as End does, and the window's place is kept), but asking nothing: the
        signal may come from a logout with nobody at the screen."""
        self.stopping = True
        self.close()

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&History")
        show = QAction("&Show history and charts", self)
        show.setShortcut(QKeySequence("Ctrl+H"))
        show.triggered.connect(self.on_show_history)
        menu.addAction(show)
        # Each opens the history window (built on first use) and does its job there.
        jobs: tuple[tuple[str, Callable[[HistoryWindow], object]], ...] = (
            ("Make a &report (PDF)...", lambda w: w.on_report()),
            ("Export as &CSV...", lambda w: w.on_export_csv()),
            ("Export as &JSON...", lambda w: w.on_export_json()),
            ("&Import a JSON export...", lambda w: w.on_import()),
        )
        for text, job in jobs:
            action = QAction(text, self)
            action.triggered.connect(lambda _=False, j=job: j(self.open_history()))
            action.setEnabled(self.history is not None)
            menu.addAction(action)
        show.setEnabled(self.history is not None)
        sound = self.menuBar().addMenu("&Sound")
        self.volume_actions: dict[int, QAction] = {}
        group = QActionGroup(self)
        for percent in (100, 80, 60, 40, 20):
            action = QAction(f"Volume {percent} %", self, checkable=True)
            action.setChecked(self.settings.volume == percent)
            action.triggered.connect(lambda _=False, p=percent: self.set_volume(p))
            group.addAction(action)
            sound.addAction(action)
            self.volume_actions[percent] = action
        sound.addSeparator()
        self.mute_action = QAction("&Mute (M during a session)", self, checkable=True)
        self.mute_action.setChecked(self.settings.muted)
        self.mute_action.triggered.connect(self.set_muted)
        sound.addAction(self.mute_action)
        sound.addSeparator()
        self.speech_action = QAction(
            "&Speak every word (off: tones and recorded cues only)", self, checkable=True
        )
        self.speech_action.setChecked(self.settings.speech)
        self.speech_action.triggered.connect(self.set_speech)
        sound.addAction(self.speech_action)
        rates = sound.addMenu("Speaking &rate")
        self.rate_actions: dict[float, QAction] = {}
        rate_group = QActionGroup(self)
        for rate, word in speech.RATE_WORDS.items():
            action = QAction(word, self, checkable=True)
            action.setChecked(self.settings.speech_rate == rate)
            action.triggered.connect(lambda _=False, r=rate: self.set_speech_rate(r))
            rate_group.addAction(action)
            rates.addAction(action)
            self.rate_actions[rate] = action
        self.voice_menu = sound.addMenu("&Voice")
        self.voice_menu.aboutToShow.connect(self._fill_voices)
        view_menu = self.menuBar().addMenu("&View")
        self.full_screen_action = QAction("&Full screen", self, checkable=True)
        self.full_screen_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.full_screen_action.triggered.connect(self.toggle_full_screen)
        view_menu.addAction(self.full_screen_action)
        view_menu.addSeparator()
        themes = QActionGroup(self)
        for key, text in (
            ("auto", "&Follow the desktop (light or dark)"),
            ("light", "&Light"),
            ("dark", "&Dark"),
        ):
            action = QAction(text, self, checkable=True)
            action.setChecked(self.theme_choice == key)
            action.triggered.connect(lambda _=False, k=key: self.choose_theme(k))
            themes.addAction(action)
            view_menu.addAction(action)
            self.theme_actions[key] = action
        view_menu.addSeparator()
        self.contrast_action = QAction("&High contrast in sessions (C)", self, checkable=True)
        self.contrast_action.setChecked(self.settings.high_contrast)
        self.contrast_action.triggered.connect(self.set_high_contrast)
        view_menu.addAction(self.contrast_action)
        camera_menu = self.menuBar().addMenu("&Camera")
        self.camera_action = QAction("Camera &form check for side planks (V)", self, checkable=True)
        self.camera_action.setChecked(self.settings.camera_check)
        self.camera_action.triggered.connect(self.set_camera_check)
        camera_menu.addAction(self.camera_action)
        about_camera = QAction("&What the camera check does", self)
        about_camera.triggered.connect(self.show_camera_privacy)
        camera_menu.addAction(about_camera)
        help_menu = self.menuBar().addMenu("H&elp")
        for text, slot, keys in (
            ("&Safety advice", self.show_safety, "F1"),
            ("Your &program", self.show_program, "Ctrl+P"),
            ("&About your QL muscle", self.show_about_ql, ""),
        ):
            action = QAction(text, self)
            if keys:
                action.setShortcut(QKeySequence(keys))
            if keys == "F1":
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # F1 is a QShortcut
            action.triggered.connect(slot)
            help_menu.addAction(action)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addSeparator()
        menu.addAction(quit_action)

    def open_history(self) -> HistoryWindow:
        assert self.history is not None
        if self.history_window is None:
            # Charts (QtCharts) load when first wanted: faster start, less memory in a session.
            from qltimer.gui.history_window import HistoryWindow

            self.history_window = HistoryWindow(self.history, self.catalog)
            self.history_window.track = self.settings.track
            self.history_window.history_changed.connect(self.on_history_changed)
        return self.history_window

    @Slot()
    def on_history_changed(self, *_: object) -> None:
        """Something was added to the history (an import, answers, a finished session): home
        and an open History window show it now, not at the next start."""
        self.home.refresh(datetime.now().astimezone().date())
        window = self.history_window
        if window is not None and window.isVisible():
            window.reload()

    @Slot()
    def on_show_history(self) -> None:
        self.pause_run("the history was open")
        window = self.open_history()
        window.reload()
        window.show()
        window.raise_()
        window.activateWindow()


def forget_sources() -> None:
    """PySide6's import hook reads the source of every module imported after PySide6 (to see
    whether it asks for a ``__feature__``), and Python's linecache keeps every line of it: about
    5 MB by the start of a session. A traceback reads what it needs again."""
    linecache.clearcache()


def history_notices(report: OpenReport) -> list[str]:
    """What the person should be told after the history was opened."""
    notes = []
    if report.moved_aside is not None:
        notes.append(
            f"Your history file could not be read, so a new one was started. The old "
            f"file is kept at {report.moved_aside}."
        )
    if report.migrated_from is not None and report.backup is not None:
        notes.append(
            f"Your history was updated to this version of qltimer; a copy of it as it "
            f"was is kept at {report.backup}."
        )
    if report.interrupted:
        notes.append(
            f"{_count(report.interrupted, 'session')} did not finish last time and "
            f"{'is' if report.interrupted == 1 else 'are'} shown as interrupted; the steps you "
            "finished are kept."
        )
    if report.set_aside:
        shown = "; ".join(report.set_aside[:5])
        more = f"; and {len(report.set_aside) - 5} more" if len(report.set_aside) > 5 else ""
        notes.append(
            f"{_count(len(report.set_aside), 'record')} in your history had a value qltimer can't "
            f"use, so {'it is' if len(report.set_aside) == 1 else 'they are'} left out of lists "
            f"and charts (kept aside in the file, not deleted): {shown}{more}."
        )
    return notes


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """Show an unexpected error instead of vanishing; PySide6 re-raises slot errors here."""
    text = "".join(traceback.format_exception(kind, value, tb))
    sys.stderr.write(text)
    app = QApplication.instance()
    if app is not None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "qltimer: unexpected error",
            f"Something went wrong inside qltimer ({kind.__name__}: {value}).\n\n"
            "Your finished exercises are kept. The details below help us fix it.",
        )
        box.setDetailedText(text)
        box.exec()


def make_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("qltimer")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # the installed menu entry's name: the window finds its entry
    icon = paths.assets_dir() / "qltimer.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    font = app.font()
    font.setPointSize(BASE_POINTS)
    app.setFont(font)
    app.setStyleSheet(STYLE)
    return app


def run_app(start: Session | None = None, answers: tuple[int | None, bool] | None = None) -> int:
    """The app; with *start*, straight into that session (its question first, unless
    *answers* gives pain now and sore day).

    SIGINT (Ctrl+C) and SIGTERM close it as the window's close button would, without a
    question, a session running being ended early as End does; the app then exits with
    128 + the signal's number (130 or 143), as shells report a program a signal stopped.
    """
    app = make_app()
    display.release()  # Qt has its own connection now
    sys.excepthook = _excepthook
    stops = StopSignals(app)
    stopped: list[int] = []
    windows: list[MainWindow] = []

    def on_stop(signum: int) -> None:
        if not stopped:
            running = bool(windows) and windows[0].session_running()
            ended = "; the session in progress was ended early" if running else ""
            print(f"qltimer: stopped by {signal_name(signum)}{ended}", file=sys.stderr)
            stopped.append(signum)
            if windows:
                windows[0].stop()
        app.closeAllWindows()  # a dialog open over it, or the other windows
        app.exit(exit_code(stopped[0]))

    stops.received.connect(on_stop)
    try:
        code = _run_app(app, windows, start, answers)
    finally:
        stops.uninstall()
    return exit_code(stopped[0]) if stopped else code


def _run_app(
    app: QApplication,
    windows: list[MainWindow],
    start: Session | None,
    answers: tuple[int | None, bool] | None,
) -> int:
    lock = InstanceLock()
    if not lock.acquire():
        text = already_running(lock.holder)
        print(f"qltimer: {text}", file=sys.stderr)
        from qltimer.gui.dialogs import Ask

        Ask.info(None, "qltimer is already open", text)
        return 1
    history: History | None = None
    notices: list[str] = []
    try:
        # A short wait for another program's write: the Recorder tries again, the clock never waits.
        history, report = open_history(recover=lock.held, busy_timeout=0.25)
        notices = history_notices(report)
        notices += rescue_notices(import_rescued(history))
    except (HistoryError, OSError) as err:
        notices = [history_problem(err)]
    settings, settings_notice = Settings.load_with_notice()
    if settings_notice:
        notices.append(settings_notice)
    # Opening on home, the cue player is made once home is painted; going straight into a
    # session, at once, so that its first cue does not wait for the cues to be loaded.
    player = make_player(settings.volume / 100, settings.muted) if start is not None else None
    window = MainWindow(
        load_catalog(cache=SessionCache()),
        history,
        notices=notices,
        player=player,
        player_factory=make_player if player is None else None,
        settings=settings,
        rescue_without_history=history is None,
    )
    if history is not None and history.unreadable:  # a hand edit since the file was checked
        window.home.add_notices(
            [f"Left out of your history, as qltimer can't use it: {n}." for n in history.unreadable]
        )
    windows.append(window)
    window.show()
    if start is not None:
        window.start_when_ready(start, answers)
    try:
        return app.exec()
    finally:
        window.player.close()
        lock.release()


def history_problem(err: Exception) -> str:
    """What to say when the history can't be opened at start, in plain words."""
    if isinstance(err, HistoryError):
        text = str(err)
        what = text[0].upper() + text[1:] if text else type(err).__name__
        if not what.endswith("."):
            what += "."
    else:
        what = f"Your history can't be opened: {plain_error(err)} ({paths.data_dir()})."
    return (
        f"{what} Sessions still run; their results are kept in a file and added to your history "
        "when it can be opened again."
    )


def already_running(pid: int | None) -> str:
    who = f" (process {pid})" if pid else ""
    return (
        f"qltimer is already open{who}. Only one can run at a time, so that two sessions never "
        "write over each other: switch to the open qltimer window, or close it and start again."
    )


def rescue_notices(report: RescueReport) -> list[str]:
    notes = []
    if report.files:
        notes.append(
            f"{_count(len(report.files), 'session')} that could not be saved last time "
            f"{'was' if len(report.files) == 1 else 'were'} added to your history now."
        )
    notes += [f"A saved copy of a session could not be added: {p}" for p in report.problems]
    return notes
