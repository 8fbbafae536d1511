"""The home screen: the sessions to choose from, and a preview of the chosen one."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from qltimer import coach
from qltimer.catalog import Catalog
from qltimer.engine import expand
from qltimer.formats import format_dose, format_duration
from qltimer.gui.coaching import SuggestionBanner
from qltimer.gui.fitting import ScrollPage, viewport_of
from qltimer.history import History
from qltimer.script import Session, Sides, Step, StepKind

_ROLE_ID = Qt.ItemDataRole.UserRole
_ROLE_SUB = Qt.ItemDataRole.UserRole + 1
_PAD_X, _PAD_Y, _GAP = 14, 12, 4
SHORT = 500  # pixels: a page this short is on a small screen
NARROW = 1000  # pixels: and one this narrow
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum"
_MOVES = {
    int(Qt.Key.Key_Up): -1,
    int(Qt.Key.Key_Down): 1,
    int(Qt.Key.Key_PageUp): -5,
    int(Qt.Key.Key_PageDown): 5,
}


class SessionItemDelegate(QStyledItemDelegate):
    """Paints a session as a bold title over a quieter line, both wrapping; never cut short.

    The same measurement serves sizeHint and paint, so an item is always as tall as its text.
    """

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setBold(True)
        sub = QFont(option.font)
        sub.setPointSizeF(option.font.pointSizeF() * 0.85)
        return title, sub

    def _layout(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex, width: int
    ) -> tuple[QRect, QRect]:
        title_font, sub_font = self._fonts(option)
        flags = int(Qt.TextFlag.TextWordWrap)
        inner = max(50, width - 2 * _PAD_X)
        title = QFontMetrics(title_font).boundingRect(
            QRect(0, 0, inner, 10_000), flags, str(index.data(Qt.ItemDataRole.DisplayRole))
        )
        sub = QFontMetrics(sub_font).boundingRect(
            QRect(0, 0, inner, 10_000), flags, str(index.data(_ROLE_SUB) or "")
        )
        return title, sub

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        view = option.widget
        if isinstance(view, QAbstractScrollArea):
            width = viewport_of(view).width()
        else:
            width = option.rect.width()
        title, sub = self._layout(option, index, width)
        return QSize(width, title.height() + _GAP + sub.height() + 2 * _PAD_Y)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        if selected:
            painter.fillRect(option.rect, pal.color(QPalette.ColorRole.Highlight))
        text_color = pal.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        title_font, sub_font = self._fonts(option)
        title, sub = self._layout(option, index, option.rect.width())
        x = option.rect.x() + _PAD_X
        y = option.rect.y() + _PAD_Y
        flags = int(Qt.TextFlag.TextWordWrap)
        painter.setPen(text_color)
        painter.setFont(title_font)
        painter.drawText(
            QRect(x, y, title.width() + 1, title.height()),
            flags,
            str(index.data(Qt.ItemDataRole.DisplayRole)),
        )
        painter.setFont(sub_font)
        painter.drawText(
            QRect(x, y + title.height() + _GAP, sub.width() + 1, sub.height()),
            flags,
            str(index.data(_ROLE_SUB) or ""),
        )
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(text_color)
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
        painter.restore()


def _step_dose(step: Step) -> str:
    """A step's dose in plain words: "60 s each side", "3 x 10 each side"..."""
    if step.kind is StepKind.REST:
        return f"rest {format_dose(step.work_seconds)}"
    if step.kind is StepKind.HOLD:
        dose = format_dose(step.work_seconds)
        if step.as_long_as_you_can:
            dose = f"as long as you can (target {dose})"
    elif step.kind is StepKind.REPS:
        dose = f"{step.reps} reps"
    elif step.kind is StepKind.LAPS:
        dist = f" of {step.distance_m:g} m" if step.distance_m else ""
        dose = f"{step.laps} laps{dist}"
    elif step.kind is StepKind.BREATHE:
        dose = f"{step.breaths} slow breaths"
    else:
        dose = format_dose(step.work_seconds)
    if step.sets > 1:
        dose = f"{step.sets} x {dose}"
    if step.sides is Sides.EACH:
        dose += " each side"
    elif step.sides in (Sides.LEFT, Sides.RIGHT):
        dose += f", {step.sides.value} side"
    return dose


class SessionPreview(QFrame):
    """The chosen session: title, what it needs, how long, and its steps in order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(10)
        self.title = QLabel()
        self.title.setObjectName("previewTitle")
        self.title.setWordWrap(True)
        self.title.setAccessibleName("session title")
        self.meta = QLabel()
        self.meta.setObjectName("previewMeta")
        self.meta.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.steps = QLabel()
        self.steps.setObjectName("previewSteps")
        self.steps.setWordWrap(True)
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.steps.setAccessibleName("session steps")
        for w in (self.title, self.meta, self.summary, self.steps):
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(w)
        layout.addStretch(1)

    def show_session(self, session: Session | None, status: str = "") -> None:
        if session is None:
            self.title.setText("No session chosen")
            for w in (self.meta, self.summary, self.steps):
                w.clear()
            return
        plan = expand(session)
        self.title.setText(session.title)
        bits = [b for b in (session.level_label,) if b]
        bits.append(f"about {format_duration(plan.total_estimate)}")
        if session.frequency:
            bits.append(session.frequency.describe())
        bits.append("needs the floor" if session.floor else "no floor needed")
        meta = " · ".join(bits)
        if status:
            meta += "\n" + status.capitalize()
        if session.equipment:
            meta += "\nYou need: " + ", ".join(session.equipment)
        self.meta.setText(meta)
        self.summary.setText(session.summary)
        rows = "".join(
            f"<tr><td style='padding:4px 12px 4px 0'><b>{i}.</b></td>"
            f"<td style='padding:4px 16px 4px 0'><b>{_escape(step.name)}</b></td>"
            f"<td style='padding:4px 0'>{_escape(_step_dose(step))}</td></tr>"
            for i, step in enumerate(session.steps, start=1)
        )
        self.steps.setText(f"<table>{rows}</table>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class HomeView(QWidget):
    """Pick a session and start it. The session the program suggests next is chosen to begin with.

    Signals:
        session_chosen(str): the id of the session now selected.
        start_requested(str): the person asked to start this session id.
    """

    session_chosen = Signal(str)
    start_requested = Signal(str)

    def __init__(
        self,
        catalog: Catalog,
        parent: QWidget | None = None,
        *,
        history: History | None = None,
        today: date | None = None,
        track: str = coach.FLOOR,
    ) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.history = history
        self.track = track
        self.advice: coach.Advice | None = None  # what the history says, from coach.advise
        self.today = today or datetime.now().astimezone().date()
        self.status: dict[str, str] = {}  # session id -> "last done ... · due ..."
        self.extra_notices: list[str] = []
        self.keyed_notices: dict[str, str] = {}
        self.suggested: str | None = None  # what the program suggests doing next
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 12, 20, 12)
        top = QHBoxLayout()
        self.heading = QLabel("Choose a session")
        self.heading.setObjectName("heading")
        top.addWidget(self.heading, 1)
        self.program_button = QPushButton("Your program  (Ctrl+P)")
        self.program_button.setAccessibleName("your program")
        self.program_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        top.addWidget(self.program_button, 0, Qt.AlignmentFlag.AlignRight)
        outer.addLayout(top)
        # The plan, a suggestion and notices scroll on a short screen; the list keeps its room.
        news = QWidget()
        news_layout = QVBoxLayout(news)
        news_layout.setContentsMargins(0, 0, 0, 0)
        self.plan = QLabel()
        self.plan.setObjectName("planLine")
        self.plan.setAccessibleName("plan")
        self.plan.setWordWrap(True)
        news_layout.addWidget(self.plan)
        self.suggestion = SuggestionBanner()
        news_layout.addWidget(self.suggestion)
        self.gentle = QLabel()  # pain first: why today's suggestion is gentler
        self.gentle.setObjectName("notice")
        self.gentle.setAccessibleName("gentler today")
        self.gentle.setWordWrap(True)
        self.gentle.setVisible(False)
        news_layout.addWidget(self.gentle)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        news_layout.addWidget(self.notice)
        self.news = ScrollPage(news)
        self.news.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        outer.addWidget(self.news)

        self.row = row = QHBoxLayout()
        outer.addLayout(row, 1)
        self.list = QListWidget()
        self.list.setObjectName("sessionList")
        self.list.setAccessibleName("sessions")
        # Widths come from the row's stretch alone (not from the words shown), so the list keeps
        # its width whichever session is chosen.
        self.list.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        # Titles wrap rather than being cut short: re-lay items out at the list's width.
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(4)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setItemDelegate(SessionItemDelegate(self.list))
        row.addWidget(self.list, 2)
        self.preview = SessionPreview()
        right = QVBoxLayout()
        preview_page = ScrollPage(self.preview)
        preview_page.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        right.addWidget(preview_page, 1)
        self.start = QPushButton("Start  (Enter)")
        self.start.setObjectName("startButton")
        self.start.setAccessibleName("start")
        self.start.setMinimumHeight(64)
        self.start.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.start.setStyleSheet("padding: 4px 28px;")  # the big words need room either side
        self.start.setDefault(True)
        self.start.clicked.connect(self.on_start)
        # The arrow keys choose the session even while Start has the keyboard (a button would
        # take them to move the focus).
        self.start.installEventFilter(self)
        self.list_viewport = viewport_of(self.list)
        self.list_viewport.installEventFilter(self)
        right.addWidget(self.start)
        row.addLayout(right, 3)
        self.list.itemActivated.connect(lambda _item: self.on_start())
        self.list.currentItemChanged.connect(self.on_current_item_changed)
        self.refresh()
        self._show_problems()
        if not self.list.count():
            self.preview.show_session(None)
            self.start.setEnabled(False)
        self.start.setFocus()

    def refresh(self, today: date | None = None) -> None:
        """(Re)build the list with when each session was last done and whether it is due.

        The session the program suggests next is chosen when that suggestion is new (at the
        start, and after a session or a step up the program); otherwise the choice stays.
        """
        self.today = today or self.today
        current = self.current_session()
        self.list.blockSignals(True)
        self.list.clear()
        records = self.history.sessions() if self.history is not None else []
        history = self.history
        self.advice = coach.advise(
            records,
            self.catalog.sessions,
            track=self.track,
            now=datetime.combine(self.today, datetime.now().astimezone().timetz()),
            decisions=history.decisions() if history is not None else [],
            worked=history.worked if history is not None else None,
            steps_of=history.steps if history is not None else lambda uuid: [],
        )
        advice = self.advice
        self.gentle.setText(advice.gentler.reason if advice.gentler is not None else "")
        self.gentle.setVisible(advice.gentler is not None)
        self.plan.setText(advice.plan_line)
        self.suggestion.show_suggestion(advice.suggestion)
        self.status = dict(advice.status)
        for sid in advice.order:
            session = self.catalog.sessions[sid]
            bits = [
                session.level_label,
                f"about {format_duration(expand(session).total_estimate)}",
                self.status[sid],
            ]
            item = QListWidgetItem(session.title)
            item.setData(_ROLE_ID, sid)
            item.setData(_ROLE_SUB, " · ".join(b for b in bits if b))
            self.list.addItem(item)
        chosen = current.id if current is not None else None
        if advice.first is not None and advice.first != self.suggested:
            chosen = advice.first
        self.suggested = advice.first
        ids = [str(self.list.item(row).data(_ROLE_ID)) for row in range(self.list.count())]
        self.list.setCurrentRow(ids.index(chosen) if chosen in ids else 0)
        self.list.blockSignals(False)
        if self.list.count():
            self.on_current_item_changed(self.list.currentItem(), None)

    def stage(self) -> coach.Stage:
        assert self.advice is not None, "refresh() runs in __init__"
        return self.advice.stage

    def add_notices(self, notices: list[str]) -> None:
        """Show things the person should know (about their history, say) above the list."""
        self.extra_notices += notices
        self._show_problems()

    def set_notice(self, key: str, text: str) -> None:
        """Show (or with "" clear) a notice that changes, such as unsaved results."""
        if text:
            self.keyed_notices[key] = text
        else:
            self.keyed_notices.pop(key, None)
        self._show_problems()

    def _show_problems(self) -> None:
        lines = [*self.keyed_notices.values(), *self.extra_notices, *self.catalog.notices]
        if self.catalog.problems:
            lines.append("Some of your session files could not be used:")
            lines += [f"  {p}" for p in self.catalog.problems[:5]]
            if len(self.catalog.problems) > 5:
                lines.append(
                    f"  ...and {len(self.catalog.problems) - 5} more (run qltimer "
                    "validate on the file to see them all)"
                )
        self.notice.setText("\n".join(lines))
        self.notice.setVisible(bool(lines))

    def choose(self, session_id: str) -> bool:
        """Choose the session with *session_id* on the list (False: it is not there)."""
        for row in range(self.list.count()):
            if self.list.item(row).data(_ROLE_ID) == session_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def current_session(self) -> Session | None:
        item = self.list.currentItem()
        return None if item is None else self.catalog.get(str(item.data(_ROLE_ID)))

    @Slot()
    def on_start(self) -> None:
        session = self.current_session()
        if session is not None:
            self.start_requested.emit(session.id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter starts; the arrow keys and Page Up/Down choose the session."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.on_start()
            return
        if self._move(event):
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The Start button's arrow keys move the choice in the list, not the focus; and when
        the list's inside changes width (its scroll bar comes or goes), its items are measured
        again, so no entry's last line is cut."""
        if watched is self.list_viewport and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self._relayout_list)
        if (
            watched is self.start
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and self._move(event)
        ):
            return True
        return super().eventFilter(watched, event)

    def _move(self, event: QKeyEvent) -> bool:
        """Up/Down one session, Page Up/Down five; True when the key was one of those."""
        step = _MOVES.get(event.key())
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if step is None or not plain or not self.list.count():
            return False
        row = max(0, min(self.list.count() - 1, self.list.currentRow() + step))
        self.list.setCurrentRow(row)
        return True

    def resizeEvent(self, event: QResizeEvent) -> None:
        """On a small screen (800x480) the list and Start come first: the heading makes way,
        the plan, suggestion and notices take at most two fifths of the height (scrolling),
        and the list half the width."""
        super().resizeEvent(event)
        height = event.size().height()
        short = height < SHORT
        self.heading.setVisible(not short)
        self.news.setMaximumHeight(height * 2 // 5 if short else QWIDGETSIZE_MAX)
        # On a narrow screen the list gets half the width, so titles wrap less.
        narrow = event.size().width() < NARROW
        self.row.setStretch(0, 1 if narrow else 2)
        self.row.setStretch(1, 1 if narrow else 3)
        QTimer.singleShot(0, self._show_chosen)  # once the items are laid out at the new width
        QTimer.singleShot(0, self._name_start)

    def _name_start(self) -> None:
        """Start names the chosen session when the words fit the button; else just Start."""
        session = self.current_session()
        text = f"Start: {session.title.split(':')[0]}  (Enter)" if session else "Start  (Enter)"
        room = self.start.width() - 2 * 28 - 12  # the padding either side, and a margin
        if self.start.fontMetrics().horizontalAdvance(text) > room:
            text = "Start  (Enter)"
        self.start.setText(text)

    def _relayout_list(self) -> None:
        self.list.doItemsLayout()
        self._show_chosen()

    def _show_chosen(self) -> None:
        """Scroll the list so that the chosen session is wholly in sight."""
        item = self.list.currentItem()
        if item is not None:
            self.list.scrollToItem(item)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.start.setFocus()
        QTimer.singleShot(0, self._show_chosen)

    @Slot(QListWidgetItem, QListWidgetItem)
    def on_current_item_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        session = self.current_session()
        self.preview.show_session(session, self.status.get(session.id, "") if session else "")
        self._name_start()
        if session is not None:
            self.session_chosen.emit(session.id)
        QTimer.singleShot(0, self._show_chosen)  # in sight once the list is laid out
