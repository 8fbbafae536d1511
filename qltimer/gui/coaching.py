"""Coaching on screen: safety advice, the check before a session, the program path, suggestions.

The rules live in :mod:`qltimer.coach`; this module only shows them and takes the answers.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qltimer.coach import (
    NO_FLOOR,
    PER_WEEK_CHOICES,
    RED_FLAGS,
    TRACK_NAME,
    Stage,
    Suggestion,
    path,
    sore_variant,
)
from qltimer.engine import expand
from qltimer.formats import format_duration
from qltimer.gui.fitting import ScrollPage, fit_window, full_screen_shortcut
from qltimer.script import Session
from qltimer.words import CAMERA_ABOUT

SAFETY_HTML = """
<h2>Before you start</h2>
<p><b>See a health professional first</b> if you have sudden (acute) low back pain, pain that
goes down a leg, or numbness, tingling or weakness.</p>
<p><b>Ask first</b> a health professional or a qualified trainer if you have a back or spine
condition (scoliosis or a sacroiliac-joint problem, for example), or if you are not sure these
exercises suit you. qltimer can't answer questions about conditions.</p>
<p><b>Stop if an exercise hurts</b>, and get advice before going on. Press <b>P</b> at any
moment of a session to stop because of pain: everything stops, it is noted in your history, and
nothing starts again until you choose to end, skip that exercise or go on.</p>
<p><b>Go gently:</b> good form first, start at an easy level and build up bit by bit. If you
can't get down on the floor, choose the no-floor track in Your program (Ctrl+P): every session on
it is done sitting or standing.</p>
<p>This advice is always in the Help menu (F1).</p>
"""


ABOUT_QL_HTML = """
<h2>About your QL</h2>
<p><b>Where it is.</b> The quadratus lumborum (QL) is a muscle deep in your low back, one on each
side of your spine, under the long back muscles and the lats. It runs from the top of your pelvis
(the iliac crest) up to your lowest rib (the 12th), and it is attached to the bones of your low
back (the lumbar vertebrae) on the way.</p>
<p><b>What it does.</b> One side working on its own bends your trunk to that side. Both sides
working together stiffen and steady your low back. It also helps you lean back, and it holds your
lowest rib steady when you breathe.</p>
<p><b>Where it can hurt.</b> When it is overloaded, in spasm or knotted, the pain is often felt
somewhere else:</p>
<ul>
<li>a deep ache in the low back, worse when sitting or standing;</li>
<li>pain when you cough or sneeze, or when you lie on your back;</li>
<li>pain in the buttock, the outer hip or the groin, which can be mistaken for sciatica;</li>
<li>a feeling that one hip sits higher, or that one leg is shorter.</li>
</ul>
<p><b>One side is often worse than the other.</b> That is why qltimer times each side on its own
and shows you the balance between them.</p>
<p>This page is always in the Help menu. It describes the muscle; it can't tell what is causing
your pain: see the safety advice (F1).</p>
"""


class ReadingDialog(QDialog):
    """A page of plain words in large type, with one button; Enter (or the button) closes it.

    On a short screen the words scroll and the button stays in sight below them.
    """

    def __init__(
        self,
        html: str,
        title: str,
        name: str,
        parent: QWidget | None = None,
        *,
        button: str = "Close  (Enter)",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        text = QLabel(html)
        text.setObjectName("safetyText")  # the reading size (the app's style sheet)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text = ScrollPage(text)
        layout.addWidget(self.text, 1)
        self.ok = QPushButton(button)
        self.ok.setAccessibleName("understood")
        self.ok.setMinimumHeight(56)
        self.ok.setStyleSheet("padding: 4px 20px;")  # room either side of the words
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.accept)
        layout.addWidget(self.ok, 0, Qt.AlignmentFlag.AlignRight)
        full_screen_shortcut(self, parent)
        fit_window(self, (760, 620), centre=parent is None)
        self.text.scroll_keys(self)  # the words scroll from the keyboard on a short screen


class SafetyDialog(ReadingDialog):
    """The safety advice in large plain words; Enter (or the button) says "I understand"."""

    def __init__(self, parent: QWidget | None = None, *, first_time: bool = False) -> None:
        super().__init__(
            SAFETY_HTML,
            "qltimer - safety",
            "safety advice",
            parent,
            button="I understand  (Enter)" if first_time else "Close  (Enter)",
        )


class AboutQLDialog(ReadingDialog):
    """What the QL is, what it does and where it refers pain, from the program's own facts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(ABOUT_QL_HTML, "qltimer - about your QL", "about your QL", parent)


SORE_DAY_HTML = (
    "<h2>A sore day?</h2>"
    "<p><b>Don't exercise today, and see a health professional,</b> if you have any of these:</p>"
    "<ul>" + "".join(f"<li>{flag}</li>" for flag in RED_FLAGS) + "</ul>"
    "<p>If none of these applies and your back is just sore, the lighter version keeps the "
    "breathing and the release as they are, and does the rest at about 70%, with the carries "
    "halved. How much lighter is qltimer's suggestion, not the program's. Stop with P if "
    "anything hurts.</p>"
)


class CameraAboutDialog(ReadingDialog):
    """What the camera form check does, and what happens to the picture (never kept or sent)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in CAMERA_ABOUT.split("\n\n"))
        super().__init__(
            "<h2>The camera form check</h2>" + paragraphs,
            "The camera form check - qltimer",
            "the camera form check",
            parent,
        )


class SoreDayDialog(ReadingDialog):
    """The red flags again, first; only then the lighter version (Enter) or back (Esc)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            SORE_DAY_HTML,
            "qltimer - a sore day",
            "sore day",
            parent,
            button="None of these: the lighter version  (Enter)",
        )
        self.ok.setAccessibleName("lighter version")
        self.back = QPushButton("Back  (Esc)")
        self.back.setAccessibleName("back")
        self.back.setMinimumHeight(56)
        self.back.setStyleSheet("padding: 4px 20px;")
        self.back.setAutoDefault(False)
        self.back.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.back)
        row.addStretch(1)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.removeWidget(self.ok)
        row.addWidget(self.ok)
        layout.addLayout(row)


class BeforeSession(QWidget):
    """Asked before a session: pain now (optional) and whether today is a sore day.

    Digits pick the pain score, S asks about a sore day (the red flags first, then the lighter
    version), Enter starts (with or without a score), Esc goes back to the list.

    Signals:
        go(int, bool): pain score (-1 when skipped) and sore day.
        cancelled(): back to the list.
    """

    go = Signal(int, bool)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("before the session")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.session: Session | None = None
        self.sore_day = False
        self.sore_dialog: SoreDayDialog | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 12, 20, 12)
        # The questions scroll on a short screen; Start and Back stay in sight below them.
        questions = QWidget()
        inner = QVBoxLayout(questions)
        inner.setContentsMargins(12, 0, 12, 0)
        inner.setSpacing(12)
        self.title = QLabel()
        self.title.setObjectName("heading")
        self.title.setWordWrap(True)
        inner.addWidget(self.title)
        ask = QLabel("How is your back right now?  0 = no pain, 10 = the worst")
        ask.setObjectName("previewTitle")
        ask.setWordWrap(True)
        inner.addWidget(ask)
        from qltimer.gui.summary import ScalePicker  # with the summary, not before home is shown

        self.pain = ScalePicker("pain before", 0, 10)
        inner.addWidget(self.pain)
        self.sore = QPushButton()
        self.sore.setAccessibleName("sore day")
        self.sore.setMinimumHeight(56)
        self.sore.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sore.clicked.connect(self.toggle_sore)
        inner.addWidget(self.sore)
        self.sore_note = QLabel()
        self.sore_note.setWordWrap(True)
        inner.addWidget(self.sore_note)
        # Last: on a short screen the buttons below say the same keys.
        self.hint = QLabel(
            "Type a digit (1 0 for 10) or click. Optional: press Enter to start without a "
            "score. Esc goes back."
        )
        self.hint.setWordWrap(True)
        inner.addWidget(self.hint)
        inner.addStretch(1)
        outer.addWidget(ScrollPage(questions), 1)
        row = QHBoxLayout()
        self.back = QPushButton("Back to the list  (Esc)")
        self.back.setAccessibleName("back to the list")
        self.back.setMinimumHeight(64)
        self.back.setStyleSheet("padding: 4px 20px;")
        self.back.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back.clicked.connect(self.cancelled)
        self.start = QPushButton("Start  (Enter)")
        self.start.setObjectName("startButton")
        self.start.setAccessibleName("start session")
        self.start.setMinimumHeight(64)
        self.start.setStyleSheet("padding: 4px 28px;")  # the big words need room either side
        self.start.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.start.clicked.connect(self.on_go)
        row.addWidget(self.back)
        row.addStretch(1)
        row.addWidget(self.start)
        outer.addLayout(row)
        self.pain.picked.connect(lambda _v: self.setFocus())
        self._ten = False

    def ask(self, session: Session) -> None:
        self.session = session
        self.title.setText(f"Before you start: {session.title.split(':')[0]}")  # short, as Start
        self.pain.set_value(None)
        self._set_sore(False)
        self.setFocus()

    @Slot()
    def toggle_sore(self) -> None:
        """Off at once; on only after the red flags have been read again (a dialog)."""
        if self.sore_day:
            self._set_sore(False)
            return
        dialog = SoreDayDialog(self.window())
        self.sore_dialog = dialog
        dialog.accepted.connect(lambda: self._set_sore(True))
        dialog.finished.connect(lambda _r: self.setFocus())
        dialog.open()

    def _set_sore(self, on: bool) -> None:
        self.sore_day = on
        self.sore.setText(("✓ " if on else "") + "A sore day: a lighter version  (S)")
        if self.session is None:
            return
        if on:
            gentle = sore_variant(self.session)
            self.sore_note.setText(
                "Holds, timed work and reps at about 70%, carries halved; breathing "
                f"and the release as usual. About {format_duration(expand(gentle).total_estimate)}"
                " instead of "
                f"{format_duration(expand(self.session).total_estimate)}. It counts for your plan "
                "and is kept out of your best times. Press S again for the usual version."
            )
        else:
            self.sore_note.setText(
                "Back sore today? S shows the warning signs first, then a lighter version."
            )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        text = event.text()
        if text.isdigit() and len(text) == 1:
            value = int(text)
            if self._ten and value == 0:
                self.pain.set_value(10)
                self._ten = False
            else:
                self._ten = value == 1
                self.pain.set_value(value)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.on_go()
        elif key == Qt.Key.Key_Escape:
            self.cancelled.emit()
        elif key == Qt.Key.Key_S:
            self.toggle_sore()
        elif key == Qt.Key.Key_Backspace:
            self.pain.set_value(None)
        else:
            super().keyPressEvent(event)

    @Slot()
    def on_go(self) -> None:
        value = self.pain.value()
        self.go.emit(-1 if value is None else value, self.sore_day)


class ProgramView(QDialog):
    """The program as a path on the person's track, where they are on it, and why; the place
    to change track (T) and how many strengthening sessions a week (2 or 3).

    Signals:
        track_chosen(str): the other track was chosen.
        per_week_chosen(int): 2 or 3 strengthening sessions a week.
    """

    track_chosen = Signal(str)
    per_week_chosen = Signal(int)

    def __init__(self, stage: Stage, parent: QWidget | None = None, *, per_week: int = 3) -> None:
        super().__init__(parent)
        self.setWindowTitle("qltimer - your program")
        self.setAccessibleName("program")
        self.track = stage.track
        self.per_week = per_week
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 12, 20, 12)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 0, 8, 0)
        heading = QLabel(f"Your program: {TRACK_NAME[self.track]}")
        heading.setObjectName("heading")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        intro = QLabel(
            "Strengthening the QL straight away can make long-standing back pain worse, so the "
            "program starts with a foundation and moves on once you are confident and pain-free."
            + (
                " On this track every session is done sitting or standing: nothing asks you to "
                "get down on the floor."
                if self.track == NO_FLOOR
                else ""
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.boxes: dict[str, QFrame] = {}
        stages = path(self.track)
        for i, info in enumerate(stages):
            here = info.key == stage.key
            box = QFrame()
            box.setObjectName("stageHere" if here else "stage")
            box.setAccessibleName(f"stage {info.name}" + (" (you are here)" if here else ""))
            inner = QVBoxLayout(box)
            title = QLabel(("➜ You are here: " if here else "") + info.name)
            title.setObjectName("stageTitle")
            title.setWordWrap(True)
            body = QLabel(info.what)
            body.setWordWrap(True)
            inner.addWidget(title)
            inner.addWidget(body)
            layout.addWidget(box)
            self.boxes[info.key] = box
            if i < len(stages) - 1:
                arrow = QLabel("↓")
                arrow.setAlignment(Qt.AlignmentFlag.AlignCenter)
                arrow.setObjectName("stageArrow")
                layout.addWidget(arrow)
        self.why = QLabel(f"Why here: {stage.why}.")
        self.why.setWordWrap(True)
        layout.addWidget(self.why)
        also = QLabel(
            "Alongside any stage: the ball release, daily for two weeks; and the side plank "
            "endurance test now and then to see how you are doing."
            if self.track != NO_FLOOR
            else "The ball release and the side plank test are done lying down, so they are "
            "not offered on this track."
        )
        also.setWordWrap(True)
        layout.addWidget(also)

        often = QLabel("Strengthening sessions a week (the program says two or three):")
        often.setObjectName("stageTitle")
        often.setWordWrap(True)
        layout.addWidget(often)
        row = QHBoxLayout()
        self.often: dict[int, QPushButton] = {}
        for n in PER_WEEK_CHOICES:
            button = QPushButton()
            button.setAccessibleName(f"{n} a week")
            button.setMinimumHeight(56)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, n=n: self.choose_per_week(n))
            row.addWidget(button)
            self.often[n] = button
        row.addStretch(1)
        layout.addLayout(row)
        self._show_per_week()

        other = next(t for t in TRACK_NAME if t != self.track)
        self.switch = QPushButton(
            "Switch to the no-floor track  (T)"
            if other == NO_FLOOR
            else "Switch to the floor track  (T)"
        )
        self.switch.setAccessibleName("switch track")
        self.switch.setMinimumHeight(56)
        self.switch.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.switch.clicked.connect(lambda: self.track_chosen.emit(other))
        switch_note = QLabel(
            "For anyone who can't get down on the floor: seated and standing sessions with "
            "their own path. Your history stays as it is."
            if other == NO_FLOOR
            else "Mat sessions: side planks, lifts on hands and knees, the ball release. Your "
            "history stays as it is."
        )
        switch_note.setWordWrap(True)
        layout.addWidget(self.switch, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(switch_note)
        layout.addStretch(1)
        self.page = ScrollPage(page)  # on a short screen the path scrolls, Close stays
        outer.addWidget(self.page, 1)
        self.here = self.boxes.get(stage.key)
        self.close_button = QPushButton("Close  (Esc)")
        self.close_button.setAccessibleName("close program")
        self.close_button.setMinimumHeight(56)
        self.close_button.setStyleSheet("padding: 4px 20px;")
        self.close_button.clicked.connect(self.accept)
        # The choices further down, named where they are always in sight.
        self.keys = QLabel(
            f"T: {'no-floor' if other == NO_FLOOR else 'floor'} track · 2 or 3: sessions a week"
        )
        self.keys.setAccessibleName("program keys")
        self.keys.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.keys, 1)
        bottom.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignRight)
        outer.addLayout(bottom)
        self.page.scroll_keys(self)
        full_screen_shortcut(self, parent)
        fit_window(self, (760, 720), centre=parent is None)

    def choose_per_week(self, n: int) -> None:
        if n in PER_WEEK_CHOICES and n != self.per_week:
            self.per_week = n
            self._show_per_week()
            self.per_week_chosen.emit(n)

    def _show_per_week(self) -> None:
        for n, button in self.often.items():
            button.setText(("✓ " if n == self.per_week else "") + f"{n} a week  ({n})")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text in {str(n) for n in PER_WEEK_CHOICES}:
            self.choose_per_week(int(text))
        elif event.key() == Qt.Key.Key_T:
            self.switch.click()
        else:
            super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        """Where the person is, in sight first (on a short screen it is further down)."""
        super().showEvent(event)
        if self.here is not None:
            here = self.here
            QTimer.singleShot(0, lambda: self.page.ensureWidgetVisible(here, 0, 0))


class SuggestionBanner(QFrame):
    """One suggestion at a time, with its reason; Accept or Not now.

    Signals:
        answered(str, bool): suggestion key, accepted.
    """

    answered = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestion")
        self.setAccessibleName("suggestion")
        self.suggestion: Suggestion | None = None
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("previewTitle")
        self.title.setWordWrap(True)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        row = QHBoxLayout()  # the answers beside the question: one line less on a short screen
        self.accept = QPushButton("Yes, move on")
        self.accept.setAccessibleName("accept suggestion")
        self.decline = QPushButton("Not now")
        self.decline.setAccessibleName("decline suggestion")
        row.addWidget(self.title, 1)
        row.addWidget(self.decline)
        row.addWidget(self.accept)
        layout.addLayout(row)
        layout.addWidget(self.reason)
        self.accept.clicked.connect(lambda: self._answer(True))
        self.decline.clicked.connect(lambda: self._answer(False))
        self.setVisible(False)

    def show_suggestion(self, suggestion: Suggestion | None) -> None:
        self.suggestion = suggestion
        self.setVisible(suggestion is not None)
        if suggestion is not None:
            self.title.setText(suggestion.title)
            self.accept.setText(suggestion.yes)
            self.decline.setText(suggestion.no)
            self.reason.setText(
                suggestion.reason + " It is your choice; nothing changes unless you say yes."
            )

    def _answer(self, accepted: bool) -> None:
        if self.suggestion is not None:
            key = self.suggestion.key
            self.show_suggestion(None)
            self.answered.emit(key, accepted)


def safety_shortcut(parent: QWidget, slot: object) -> QShortcut:
    """F1 anywhere in *parent*'s window opens the safety advice."""
    shortcut = QShortcut(QKeySequence(Qt.Key.Key_F1), parent)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    shortcut.activated.connect(slot)
    return shortcut
