"""The home screen: the sessions to choose from, and a preview of the chosen one."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from qltimer.catalog import Catalog
from qltimer.cli import format_dose, format_duration
from qltimer.engine import expand
from qltimer.script import Session, Sides, Step, StepKind

_ROLE_ID = Qt.ItemDataRole.UserRole
_ROLE_SUB = Qt.ItemDataRole.UserRole + 1
_PAD_X, _PAD_Y, _GAP = 14, 12, 4


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
        width = view.viewport().width() if view is not None else option.rect.width()
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

    def show_session(self, session: Session | None) -> None:
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
    """Pick a session.

    Signals:
        session_chosen(str): the id of the session now selected.
    """

    session_chosen = Signal(str)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.extra_notices: list[str] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 20)
        heading = QLabel("Choose a session")
        heading.setObjectName("heading")
        outer.addWidget(heading)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        outer.addWidget(self.notice)

        row = QHBoxLayout()
        outer.addLayout(row, 1)
        self.list = QListWidget()
        self.list.setObjectName("sessionList")
        self.list.setAccessibleName("sessions")
        self.list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
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
        scroll = QScrollArea()
        scroll.setWidget(self.preview)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        row.addWidget(scroll, 3)

        for session in catalog.sessions.values():
            plan = expand(session)
            sub = " · ".join(
                b
                for b in (session.level_label, f"about {format_duration(plan.total_estimate)}")
                if b
            )
            item = QListWidgetItem(session.title)
            item.setData(_ROLE_ID, session.id)
            item.setData(_ROLE_SUB, sub)
            self.list.addItem(item)
        self.list.currentItemChanged.connect(self.on_current_item_changed)
        self._show_problems()
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.preview.show_session(None)
        self.list.setFocus()

    def add_notices(self, notices: list[str]) -> None:
        """Show things the person should know (about their history, say) above the list."""
        self.extra_notices += notices
        self._show_problems()

    def _show_problems(self) -> None:
        lines = [*self.extra_notices, *self.catalog.notices]
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

    def current_session(self) -> Session | None:
        item = self.list.currentItem()
        return None if item is None else self.catalog.get(str(item.data(_ROLE_ID)))

    @Slot(QListWidgetItem, QListWidgetItem)
    def on_current_item_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        session = self.current_session()
        self.preview.show_session(session)
        if session is not None:
            self.session_chosen.emit(session.id)
