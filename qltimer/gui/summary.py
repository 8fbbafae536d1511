"""The summary after a session: what was done against what was asked, and how it felt.

Everything here works from the keyboard: digits pick a score, Tab moves on, Enter saves.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qltimer.coach import REFERENCE_CAVEAT, REFERENCES, balance_verdict, pain_flag, side_lag
from qltimer.engine import CAMERA, CUT_SHORT, ENDED_HERE, PAIN, Status
from qltimer.files import plain_error
from qltimer.formats import format_seconds
from qltimer.gui.dialogs import Ask
from qltimer.gui.fitting import ScrollPage
from qltimer.history import History, SessionRecord, StepRecord
from qltimer.progress import BALANCE_BAND, SummaryRow, hold_gaps, hold_points, in_band, summarize
from qltimer.words import CAMERA_WORDS


def _count(value: float, unit: str) -> str:
    """``8 laps``, ``1 lap``."""
    return f"{value:.0f} {unit[:-1] if round(value) == 1 else unit}"


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "not counted" if unit != "s" else "-"
    if unit == "s":
        return format_seconds(value)
    return _count(value, unit)


def _change(row: SummaryRow) -> str:
    if row.stopped_for in CUT_SHORT:
        return ""  # cut short this time: no measure of progress either way
    change = row.change
    if change is None:
        if row.previous_cut:
            return "not measured last time"
        return "first time" if row.previous is None and not row.skipped else ""
    if abs(change) < 0.05:
        return "same as last time"
    sign = "+" if change > 0 else "−"
    amount = f"{abs(change):.1f} s" if row.unit == "s" else _count(abs(change), row.unit)
    return f"{sign}{amount} on last time"


REASON_WORDS = {
    PAIN: "stopped: it hurt",
    ENDED_HERE: "cut short: session ended",
    CAMERA: CAMERA_WORDS,
}


class ScalePicker(QWidget):
    """A row of big numbered buttons (0-10 or 1-10); digit keys pick while it has focus.

    For a 1-10 scale the 0 key means 10. Backspace or Delete clears the choice.

    Signals:
        picked(int): a value was chosen (-1 when cleared).
    """

    picked = Signal(int)

    def __init__(self, name: str, low: int, high: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.low, self.high = low, high
        self.setAccessibleName(name)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        for value in range(low, high + 1):
            button = QPushButton(str(value))
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumSize(40, 48)
            button.setAccessibleName(f"{name} {value}")
            self.group.addButton(button, value)
            layout.addWidget(button)
        layout.addStretch(1)
        self.group.idClicked.connect(self.on_clicked)

    def value(self) -> int | None:
        checked = self.group.checkedId()
        return None if checked < 0 else checked

    def set_value(self, value: int | None) -> None:
        if value is None:
            self.group.setExclusive(False)
            for button in self.group.buttons():
                button.setChecked(False)
            self.group.setExclusive(True)
            self.picked.emit(-1)
            return
        button = self.group.button(value)
        if button is not None:
            button.setChecked(True)
            self.picked.emit(value)

    @Slot(int)
    def on_clicked(self, value: int) -> None:
        self.setFocus()
        self.picked.emit(value)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isdigit() and len(text) == 1:
            value = int(text)
            if value == 0 and self.low == 1:
                value = 10
            if self.low <= value <= self.high:
                self.set_value(value)
                return
        if event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.set_value(None)
            return
        super().keyPressEvent(event)


class SummaryView(QWidget):
    """Shown when a session ends; the run screen hands it the session's UUID.

    Signals:
        closed(str): the person saved (or skipped) the questions for this session UUID.
        saved(str): what they said went into the history (home and charts show it now).
    """

    closed = Signal(str)
    saved = Signal(str)

    def __init__(self, history: History, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.uuid = ""
        # The page scrolls on a short screen (800x480) rather than squeezing the window; the
        # Save button stays in sight below it.
        content = QWidget()
        self.page = ScrollPage(content)
        page_layout = QVBoxLayout(self)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        page_layout.addWidget(self.page, 1)
        outer = QVBoxLayout(content)
        outer.setContentsMargins(28, 16, 28, 8)
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setAccessibleName("summary heading")
        self.heading.setWordWrap(True)
        outer.addWidget(self.heading)
        self.subheading = QLabel()
        self.subheading.setWordWrap(True)
        outer.addWidget(self.subheading)

        self.table_host = QWidget()
        self.grid = QGridLayout(self.table_host)
        self.grid.setHorizontalSpacing(20)
        self.grid.setVerticalSpacing(6)
        outer.addWidget(self.table_host, 1)
        self.balance = QLabel()
        self.balance.setObjectName("notice")
        self.balance.setWordWrap(True)
        self.balance.setAccessibleName("left right balance")
        outer.addWidget(self.balance)
        self.reference = QLabel()
        self.reference.setObjectName("reference")
        self.reference.setAccessibleName("published figures")
        self.reference.setWordWrap(True)
        self.reference.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.reference)
        self.pain_note = QLabel()
        self.pain_note.setObjectName("painFlag")
        self.pain_note.setAccessibleName("pain advice")
        self.pain_note.setWordWrap(True)
        outer.addWidget(self.pain_note)

        form = QGridLayout()
        self.pain = ScalePicker("pain after", 0, 10)
        self.effort = ScalePicker("effort", 1, 10)
        self.note = QLineEdit()
        self.note.setAccessibleName("note")
        self.note.setPlaceholderText("A note for yourself (optional)")
        self.note.setMaxLength(500)
        # Each label above its row, so the page fits an 800-pixel-wide screen.
        for row, (label, widget) in enumerate(
            (
                ("Pain now: 0 none - 10 worst (type a digit)", self.pain),
                ("Effort: 1 easy - 10 all-out (0 means 10)", self.effort),
                ("Note", self.note),
            )
        ):
            text = QLabel(f"{label}:")
            text.setBuddy(widget)
            form.addWidget(text, 2 * row, 0)
            form.addWidget(widget, 2 * row + 1, 0)
        outer.addLayout(form)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(28, 8, 28, 12)
        buttons.addStretch(1)
        self.save = QPushButton("Save and finish  (Enter)")
        self.save.setAccessibleName("save summary")
        self.save.setDefault(True)
        self.save.setMinimumHeight(52)
        self.save.setStyleSheet("padding: 4px 20px;")  # room either side of the words
        self.save.clicked.connect(self.on_save)
        buttons.addWidget(self.save)
        page_layout.addLayout(buttons)
        self.pain.picked.connect(lambda _v: self.effort.setFocus())
        self.pain.picked.connect(lambda _v: self._show_pain_flag())
        self._steps: list[StepRecord] = []
        self._record: SessionRecord | None = None  # the session shown, as read once
        self.effort.picked.connect(lambda _v: self.note.setFocus())
        self.note.returnPressed.connect(self.on_save)

    def show_session(self, session_uuid: str) -> None:
        record = self.history.session(session_uuid)
        if record is None:
            raise KeyError(session_uuid)
        self.uuid = session_uuid
        steps = self.history.steps(session_uuid)
        previous = self.history.previous(session_uuid)
        before = self.history.steps(previous.uuid) if previous else []
        bests = {
            (s.exercise, s.side): self.history.best_hold(s.exercise, s.side, record.started_at)
            for s in steps
            if s.kind == "hold"
        }
        rows = summarize(steps, before, bests)
        words: dict[str, str] = {
            Status.COMPLETED: "Session complete",
            Status.ENDED_EARLY: "Session ended early",
            Status.INTERRUPTED: "Session interrupted",
        }
        done_word = words.get(record.status, record.status)
        # The short name ("QL level 2"), so the results start higher on a small screen.
        self.heading.setText(f"{done_word}: {record.title.split(':')[0]}")
        when = (
            "the first time you have done this session"
            if previous is None
            else ("compared with " + previous.local_start.strftime("%a %d %b").replace(" 0", " "))
        )
        hurt = any(st.reason == PAIN for st in steps)
        opening = (
            "You stopped because something hurt; rest, and read the advice below."
            if hurt
            else "Well done."
        )
        self.subheading.setText(f"{opening} Here is what you did, {when}.")
        self._fill(rows)
        gaps = hold_gaps(rows)
        lines = []
        for exercise, (diff, ratio) in gaps.items():
            if abs(diff) < 0.05:
                lines.append(f"{exercise}: both sides held the same time.")
                continue
            weak, strong = ("right", "left") if diff < 0 else ("left", "right")
            share = min(ratio, 1 / ratio) * 100
            verdict = (
                "close enough to count as even"
                if in_band(ratio)
                else f"sides within {round((BALANCE_BAND[1] - 1) * 100)}% of each other are "
                "usually taken as even"
            )
            lines.append(
                f"{exercise}: your {weak} side held {abs(diff):.1f} s less than your {strong} "
                f"({share:.0f}% of it; {verdict})."
            )
        # Over recent sessions too, not just this one (sore days left out).
        for exercise in gaps:
            lag = side_lag(hold_points(self.history.holds(exercise)))
            if lag is not None:
                lines.append(lag.text())
        self.balance.setText("\n".join(lines))
        self.balance.setVisible(bool(lines))
        self._show_reference(record.session_id, steps)
        self._steps = steps
        self._record = record
        self.pain.set_value(record.pain_after)
        self._show_pain_flag()
        self.effort.set_value(record.effort)
        self.note.setText(record.note)
        self.pain.setFocus()
        self.page.verticalScrollBar().setValue(0)  # what you did first; the questions follow keys

    def _show_reference(self, session_id: str, steps: list[StepRecord]) -> None:
        """For the endurance test: your times beside published figures, with their sources."""
        best = {s.side: s.actual_seconds for s in steps if s.kind == "hold" and s.side}
        if session_id != "side-plank-test" or not best:
            self.reference.setVisible(False)
            return
        left, right = best.get("left"), best.get("right")
        yours = (
            f"<b>You:</b> right {right:.0f} s, left {left:.0f} s"
            if left and right
            else "<b>You:</b> " + ", ".join(f"{k} {v:.0f} s" for k, v in best.items())
        )
        rows = "".join(
            f"<tr><td style='padding:2px 10px'>{people}</td><td style='padding:2px 10px'>"
            f"{r:.0f} s {note}</td><td style='padding:2px 10px'>{lft:.0f} s {note}</td>"
            f"<td style='padding:2px 10px'><i>{source}</i></td></tr>"
            for source, people, r, lft, note in REFERENCES
        )
        verdict = balance_verdict(left, right) if left and right else ""
        self.reference.setText(
            f"<p>{yours}{' - ' + verdict if verdict else ''}.</p>"
            "<p>Published side-bridge hold times, for context:</p>"
            "<table><tr><th align='left'>people</th><th align='left'>right</th>"
            f"<th align='left'>left</th><th align='left'>source</th></tr>{rows}</table>"
            f"<p>{REFERENCE_CAVEAT}</p>"
        )
        self.reference.setVisible(True)

    def _show_pain_flag(self) -> None:
        record = self._record
        if record is None:
            return
        after = self.pain.value()
        flag = pain_flag(replace(record, pain_after=after), self._steps)
        self.pain_note.setText("\n".join(flag.lines()) if flag else "")
        self.pain_note.setVisible(flag is not None)

    def _fill(self, rows: list[SummaryRow]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for col, head in enumerate(("Exercise", "Side", "Aim", "Done", "", "Since last time")):
            label = QLabel(f"<b>{head}</b>")
            self.grid.addWidget(label, 0, col)
        for r, row in enumerate(rows, start=1):
            badge = ""
            if row.skipped:
                badge = "left out: it hurt" if row.stopped_for == PAIN else "skipped"
            elif row.new_best:
                badge = "★ NEW BEST"
            elif row.first_record:
                badge = "first record"
            elif row.stopped_for:
                badge = REASON_WORDS.get(row.stopped_for, f"stopped: {row.stopped_for}")
            if row.stopped_for == CAMERA and CAMERA_WORDS not in badge:
                badge = f"{badge}\n{CAMERA_WORDS}"  # a record the camera ended: say both
            sets = f" ({row.sets} sets)" if row.sets > 1 else ""
            cells = (
                row.exercise + sets,
                # A carry's side is the hand with the weight; on its own line, to stay narrow.
                (
                    f"{row.side}\nhand" if row.kind == "laps" and row.side else row.side or ""
                ).upper(),
                _figure(row.target, row.unit),
                _figure(row.actual, row.unit),
                badge,
                _change(row),
            )
            for col, text in enumerate(cells):
                label = QLabel(text)
                # Names and comparisons wrap on a narrow screen rather than widen the page.
                label.setWordWrap(col in (0, 4, 5))
                if col == 3:
                    label.setObjectName("summaryDone")
                if col == 4 and row.new_best:
                    label.setObjectName("newBest")
                self.grid.addWidget(label, r, col)
        self.grid.setColumnStretch(0, 1)

    def rows_text(self) -> list[list[str]]:
        """The summary table as text, row by row (for tests and screen readers)."""
        out: list[list[str]] = []
        for r in range(1, self.grid.rowCount()):
            cells = []
            for c in range(self.grid.columnCount()):
                item = self.grid.itemAtPosition(r, c)
                widget = item.widget() if item is not None else None
                cells.append(widget.text() if isinstance(widget, QLabel) else "")
            if any(cells):
                out.append(cells)
        return out

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.on_save()
            return
        super().keyPressEvent(event)

    @Slot()
    def on_save(self) -> None:
        if not self.uuid:
            return
        try:
            self.history.annotate(
                self.uuid,
                pain_after=self.pain.value(),
                effort=self.effort.value(),
                note=self.note.text().strip(),
            )
        except (sqlite3.Error, OSError, ValueError) as err:  # ValueError: a value refused
            Ask.error(
                self,
                "Not saved",
                f"Your answers could not be saved to your history: {plain_error(err)}. They are "
                "still here: try Save again, or close this to go on without them.",
            )
            return
        self.saved.emit(self.uuid)
        self.closed.emit(self.uuid)
