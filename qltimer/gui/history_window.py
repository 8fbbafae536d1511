"""The history window: past sessions with their steps, progress charts, export and import."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qltimer.catalog import Catalog
from qltimer.coach import FLOOR, PAIN_RISE, SORE_VARIANT, balance_note
from qltimer.engine import CAMERA, PAIN
from qltimer.files import WriteError, plain_error, shown_path
from qltimer.formats import format_duration, format_seconds
from qltimer.gui.charts import DaysCalendar, balance_chart, hold_chart, pain_chart, weekly_chart
from qltimer.gui.dialogs import Ask
from qltimer.gui.exporting import ExportJob
from qltimer.gui.fitting import FrameWatch, fit_window, full_screen_shortcut
from qltimer.gui.report import write_report
from qltimer.gui.summary import SummaryView
from qltimer.history import (
    History,
    HistoryError,
    SessionRecord,
    import_file,
)
from qltimer.progress import (
    NO_PLAN,
    HoldPoint,
    PlanBars,
    balance_drawn,
    days_trained,
    hold_points,
    holds_drawn,
    pain_drawn,
    plan_bars,
)
from qltimer.script import Per
from qltimer.words import CAMERA_WORDS

RANGES = (("Last 3 months", 91), ("Last year", 365), ("All time", None))
CHARTS = (
    ("hold", "Hold time per side"),
    ("balance", "Left / right balance"),
    ("weekly", "Sessions against the plan"),
    ("calendar", "Days trained"),
    ("pain", "Pain before and after"),
)
_INDEX_ROLE = Qt.ItemDataRole.UserRole
NARROW_CHART = 700  # pixels: a chart narrower than this has fewer dates along the bottom


def _when(record: SessionRecord) -> str:
    return record.local_start.strftime("%a %d %b %Y, %H:%M").replace(" 0", " ")


def _seconds(value: float | None) -> str:
    return "" if value is None else format_seconds(value)


class SessionsModel(QAbstractTableModel):
    HEADERS = ("When", "Session", "How it went", "Length")

    def __init__(self, sessions: list[SessionRecord]) -> None:
        super().__init__()
        self.records = sessions

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        r = self.records[index.row()]
        col = index.column()
        if col == 0:
            return _when(r)
        if col == 1:
            return r.title
        if col == 2:
            bits = [r.status.capitalize()]
            if r.variant == SORE_VARIANT:
                bits.append("sore day")
            if (
                r.pain_before is not None
                and r.pain_after is not None
                and (r.pain_after - r.pain_before >= PAIN_RISE)
            ):
                bits.append(f"⚠ pain {r.pain_before}→{r.pain_after}")
            return " · ".join(bits)
        duration = r.duration
        return "" if duration is None else format_duration(duration)


class HistoryWindow(QMainWindow):
    """Signals:
    history_changed(): an import, or answers saved in a session's summary, changed it.
    """

    history_changed = Signal()

    def __init__(
        self,
        history: History,
        catalog: Catalog,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        period: int = 1,
    ) -> None:
        """*period* is the row of RANGES the charts start with (the last year by default)."""
        super().__init__(parent)
        self.setWindowTitle("qltimer - history")
        self.history = history
        self.catalog = catalog
        self.track = FLOOR  # the person's track: the stage the report names
        self.today = today or datetime.now().astimezone().date()
        self._period = period
        self._holds: dict[str, list[HoldPoint]] = {}  # per exercise, until the next reload
        self.export_job: ExportJob | None = None  # the last export started
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        self._build_sessions_tab()
        self._build_charts_tab()
        self._build_menu()
        full_screen_shortcut(self)
        fit_window(self, (1200, 800))  # within the screen, frame included
        self.frame_watch = FrameWatch(self)
        self.reload()

    # -- layout ----------------------------------------------------------------------------------
    def _build_sessions_tab(self) -> None:
        page = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableView()
        self.table.setAccessibleName("past sessions")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.model = SessionsModel([])
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (0, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(100)  # size columns from the first rows, not all
        self.table.selectionModel().currentRowChanged.connect(self.on_session_chosen)
        page.addWidget(self.table)
        detail = QWidget()
        layout = QVBoxLayout(detail)
        layout.setContentsMargins(0, 8, 0, 0)
        self.detail_title = QLabel()
        self.detail_title.setObjectName("previewTitle")
        self.detail_title.setWordWrap(True)
        self.detail_meta = QLabel()
        self.detail_meta.setWordWrap(True)
        self.steps = QTableWidget(0, 6)
        self.steps.setAccessibleName("steps of the chosen session")
        self.steps.setHorizontalHeaderLabels(["Exercise", "Side", "Set", "Target", "Done", "Notes"])
        self.steps.verticalHeader().setVisible(False)
        self.steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        actions = QHBoxLayout()
        self.annotate_button = QPushButton("Pain, effort and note...")
        self.annotate_button.setAccessibleName("edit pain effort note")
        self.annotate_button.clicked.connect(self.on_annotate)
        actions.addWidget(self.detail_meta, 1)
        actions.addWidget(self.annotate_button)
        layout.addWidget(self.detail_title)
        layout.addLayout(actions)
        layout.addWidget(self.steps)
        page.addWidget(detail)
        page.setSizes([380, 420])
        self.tabs.addTab(page, "&Sessions")

    def _build_charts_tab(self) -> None:
        page = QWidget()
        outer = QHBoxLayout(page)
        # A side bar: the charts, and under them what to draw; the chart has the rest (so the
        # page fits an 800-pixel-wide screen).
        side = QVBoxLayout()
        self.chart_list = QListWidget()
        self.chart_list.setAccessibleName("charts")
        for key, name in CHARTS:
            self.chart_list.addItem(name)
            self.chart_list.item(self.chart_list.count() - 1).setData(_INDEX_ROLE, key)
        self.chart_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chart_list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = self.chart_list.count()
        self.chart_list.setFixedHeight(
            rows * self.chart_list.sizeHintForRow(0) + 2 * self.chart_list.frameWidth()
        )
        side.addWidget(self.chart_list)
        controls = QFormLayout()
        controls.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.exercise = QComboBox()
        self.exercise.setAccessibleName("exercise")
        self.plan = QComboBox()
        self.plan.setAccessibleName("plan")
        self.range = QComboBox()
        self.range.setAccessibleName("period")
        for name, _ in RANGES:
            self.range.addItem(name)
        self.range.setCurrentIndex(self._period)
        for box, chars in ((self.exercise, 10), (self.plan, 10), (self.range, 10)):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(chars)
        for label, box in (
            ("Exercise:", self.exercise),
            ("Plan:", self.plan),
            ("Period:", self.range),
        ):
            lab = QLabel(label)
            lab.setBuddy(box)
            controls.addRow(lab, box)
        side.addLayout(controls)
        side.addStretch(1)
        side_bar = QWidget()
        side_bar.setLayout(side)
        side_bar.setMaximumWidth(340)
        side.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(side_bar)
        right = QVBoxLayout()
        self.chart_stack = QStackedWidget()
        self.chart_view = QChartView()
        self._chart: QChart | None = None
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setAccessibleName("chart")
        self.chart_view.installEventFilter(self)
        self.calendar = DaysCalendar()
        self.empty = QLabel()
        self.empty.setObjectName("emptyState")
        self.empty.setAccessibleName("chart empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (self.chart_view, self.calendar, self.empty):
            self.chart_stack.addWidget(w)
        right.addWidget(self.chart_stack, 1)
        self.chart_note = QLabel()
        self.chart_note.setObjectName("notice")
        self.chart_note.setAccessibleName("chart note")
        self.chart_note.setWordWrap(True)
        self.chart_note.setVisible(False)
        right.addWidget(self.chart_note)
        outer.addLayout(right, 1)
        self.tabs.addTab(page, "&Charts")
        self.chart_list.currentRowChanged.connect(self.on_chart_changed)
        self.exercise.currentIndexChanged.connect(self.on_chart_changed)
        self.plan.currentIndexChanged.connect(self.on_chart_changed)
        self.range.currentIndexChanged.connect(self.on_chart_changed)

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        for text, slot, keys in (
            ("Export as &CSV...", self.on_export_csv, None),
            ("Export as &JSON...", self.on_export_json, QKeySequence("Ctrl+E")),
            ("&Import a JSON export...", self.on_import, QKeySequence("Ctrl+I")),
            ("Make a &report (PDF)...", self.on_report, QKeySequence("Ctrl+R")),
        ):
            action = QAction(text, self)
            if keys is not None:
                action.setShortcut(keys)
            action.triggered.connect(slot)
            menu.addAction(action)
        menu.addSeparator()
        close = QAction("&Close", self)
        close.setShortcuts([QKeySequence(QKeySequence.StandardKey.Close), QKeySequence("Esc")])
        close.triggered.connect(self.close)
        menu.addAction(close)

    # -- data ------------------------------------------------------------------------------------
    def reload(self) -> None:
        self._holds.clear()
        self.model.beginResetModel()
        self.model.records = self.history.sessions()
        self.model.endResetModel()
        self.exercise.blockSignals(True)
        self.exercise.clear()
        self.exercise.addItems(self.history.hold_exercises())
        self.exercise.blockSignals(False)
        self.plan.blockSignals(True)
        self.plan.clear()
        for label, ids, per_week in self._plans():
            self.plan.addItem(label, (ids, per_week))
            titles = sorted(self.catalog.sessions[i].title for i in ids)
            self.plan.setItemData(
                self.plan.count() - 1, "\n".join(titles), Qt.ItemDataRole.ToolTipRole
            )
        self.plan.blockSignals(False)
        if self.model.records:
            self.table.selectRow(0)
        else:
            self.detail_title.setText("No sessions yet")
            self.detail_meta.setText("Finished sessions appear here, newest first.")
        if self.chart_list.currentRow() < 0:
            self.chart_list.setCurrentRow(0)
        else:
            self.on_chart_changed()

    def _plans(self) -> list[tuple[str, frozenset[str], float]]:
        """Groups of sessions that share a frequency, e.g. the strengthening ones (3 a week)."""
        groups: dict[tuple[int, Per, int | None], set[str]] = {}
        for s in self.catalog.sessions.values():
            if s.frequency is not None:
                f = s.frequency
                groups.setdefault((f.times, f.per, f.for_days), set()).add(s.id)
        out = []
        for (times, per, _), ids in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            per_week = times * 7.0 if per is Per.DAY else float(times)
            desc = next(self.catalog.sessions[i].frequency for i in ids)
            assert desc is not None
            out.append((desc.describe().capitalize(), frozenset(ids), per_week))
        return out

    @Slot(QModelIndex, QModelIndex)
    def on_session_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        record = self.model.records[current.row()]
        self.detail_title.setText(f"{record.title}")
        bits = [_when(record), record.status]
        if record.duration is not None:
            bits.append(format_duration(record.duration))
        if record.pain_before is not None or record.pain_after is not None:
            before = "-" if record.pain_before is None else record.pain_before
            after = "-" if record.pain_after is None else record.pain_after
            bits.append(f"pain {before} before, {after} after")
        if record.effort is not None:
            bits.append(f"effort {record.effort}/10")
        meta = " · ".join(bits)
        if record.note:
            meta += f"\nNote: {record.note}"
        self.detail_meta.setText(meta)
        steps = self.history.steps(record.uuid)
        self.steps.setRowCount(len(steps))
        for row, s in enumerate(steps):
            if s.kind in ("reps", "laps"):
                target = f"{s.target_count} {s.kind}" if s.target_count else ""
                actual = "not counted" if s.actual_count is None else f"{s.actual_count} {s.kind}"
            else:
                target, actual = _seconds(s.target_seconds), _seconds(s.actual_seconds)
            notes = []
            if s.skipped:
                notes.append("left out because it hurt" if s.reason == PAIN else "skipped")
            elif s.reason == PAIN:
                notes.append("stopped because it hurt")
            elif s.reason == CAMERA:
                notes.append(CAMERA_WORDS)
            elif s.stopped_early:
                notes.append("stopped early" + (f" ({s.reason})" if s.reason else ""))
            if s.load_kg:
                notes.append(f"{s.load_kg:g} kg")
            cells = (
                s.exercise,
                (s.side or "").capitalize(),
                str(s.set_number),
                target,
                actual,
                ", ".join(notes),
            )
            for col, text in enumerate(cells):
                self.steps.setItem(row, col, QTableWidgetItem(text))
        self.steps.resizeColumnsToContents()

    def _since(self) -> datetime | None:
        days = RANGES[self.range.currentIndex()][1]
        if days is None:
            return None
        start = self.today - timedelta(days=days)
        return datetime(start.year, start.month, start.day).astimezone()

    @Slot()
    def on_chart_changed(self, *_: object) -> None:
        item = self.chart_list.currentItem()
        if item is None:
            return
        key = str(item.data(_INDEX_ROLE))
        self.exercise.setEnabled(key in ("hold", "balance"))
        self.plan.setEnabled(key == "weekly")
        since = self._since()
        chart: QChart | None = None
        empty = note = ""
        if key in ("hold", "balance"):
            exercise = self.exercise.currentText()
            if exercise and exercise not in self._holds:
                self._holds[exercise] = hold_points(self.history.holds(exercise))
            points = self._holds.get(exercise, [])
            if key == "hold":
                holds = holds_drawn(points, since)
                if holds:
                    chart = hold_chart(holds.points, exercise, weekly=holds.weekly)
                empty = holds.empty
            else:
                balance = balance_drawn(points, since)
                if balance:
                    chart = balance_chart(balance.points, exercise, weekly=balance.weekly)
                    note = balance_note(points)
                empty = balance.empty
        elif key == "calendar":
            sessions = [s for s in self.model.records if since is None or s.started_at >= since]
            self.calendar.set_days(days_trained(sessions), self.today)
            self.chart_stack.setCurrentWidget(self.calendar)
            self.chart_note.setVisible(False)
            return
        elif key == "weekly":
            data: tuple[list[str], float] | None = self.plan.currentData()
            if data is None:
                bars: PlanBars | str = NO_PLAN
            else:
                ids, per_week = data
                bars = plan_bars(self.model.records, ids, per_week, since, self.today)
            if isinstance(bars, PlanBars):
                chart = weekly_chart(bars.bars, bars.plan, bars.label, monthly=bars.monthly)
            else:
                empty = bars
        else:
            pain = pain_drawn(self.model.records, since)
            if pain:
                chart = pain_chart(pain.points, weekly=pain.weekly)
            empty = pain.empty
        self.chart_note.setText(note)
        self.chart_note.setVisible(bool(note) and chart is not None)
        if chart is None:
            self.empty.setText(empty)
            self.chart_stack.setCurrentWidget(self.empty)
            return
        # The view does not own its chart here: keep it alive ourselves, and let the old one go
        # only once the view has let go of it (a chart deleted under the view crashes it).
        old, self._chart = self._chart, chart
        self.fit_chart()
        self.chart_view.setChart(chart)
        if old is not None:
            old.deleteLater()
        self.chart_stack.setCurrentWidget(self.chart_view)

    def fit_chart(self) -> None:
        """In a narrow window (800 wide) the dates along the bottom are fewer, so that each has
        room for its words."""
        chart = self._chart
        if chart is None:
            return
        narrow = self.chart_view.width() < NARROW_CHART
        for axis in chart.axes(Qt.Orientation.Horizontal):
            if isinstance(axis, QDateTimeAxis):
                axis.setTickCount(4 if narrow else 6)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.chart_view and event.type() == QEvent.Type.Resize:
            self.fit_chart()
        return super().eventFilter(watched, event)

    @Slot()
    def on_annotate(self) -> None:
        """The session's summary, where pain after, effort and a note can be added or changed."""
        row = self.table.currentIndex().row()
        dialog = self.annotate_dialog(row)
        if dialog is not None and dialog.exec():
            self.reload()
            self.table.selectRow(row)

    def annotate_dialog(self, row: int) -> QDialog | None:
        """The dialog on_annotate shows for the session in *row* (None for no row)."""
        if row < 0:
            return None
        record = self.model.records[row]
        dialog = QDialog(self)
        dialog.setWindowTitle(f"qltimer - {record.title}")
        layout = QVBoxLayout(dialog)
        layout.setContentsMargins(0, 0, 0, 0)
        view = SummaryView(self.history)
        view.saved.connect(lambda _uuid: self.history_changed.emit())
        layout.addWidget(view)
        view.show_session(record.uuid)
        view.closed.connect(dialog.accept)
        full_screen_shortcut(dialog)
        fit_window(dialog, (1000, 700), centre=False)
        return dialog

    # -- export and import -----------------------------------------------------------------------
    def _export(self, suffix: str) -> ExportJob | None:
        """Ask where, then export off the window's thread with a progress dialog and Cancel."""
        path = Ask.save_path(
            self,
            "Export history",
            f"qltimer-history.{suffix}",
            f"{suffix.upper()} files (*.{suffix})",
        )
        if path is None:
            return None
        total = self.history.count_export_rows()
        job = ExportJob(self, self.history.path, Path(path), suffix, total)
        job.finished.connect(
            lambda rows: Ask.info(
                self, "History exported", f"Saved {rows:,} rows to {shown_path(path)}"
            )
        )
        job.failed.connect(lambda message: Ask.error(self, "Export failed", message))
        job.cancelled.connect(lambda: Ask.info(self, "Export cancelled", "Nothing was written."))
        self.export_job = job
        job.start()
        return job

    @Slot()
    def on_report(self) -> None:
        """One click: a PDF of the last 12 weeks for a physiotherapist or coach."""
        path = Ask.save_path(self, "Save the report", "qltimer-report.pdf", "PDF files (*.pdf)")
        if path is None:
            return
        try:
            write_report(self.history, self.catalog, path, today=self.today, track=self.track)
        except WriteError as err:
            Ask.error(self, "Report failed", f"{str(err).capitalize()}. Nothing was changed.")
            return
        Ask.info(self, "Report saved", f"Saved to {path}")

    @Slot()
    def on_export_csv(self) -> ExportJob | None:
        return self._export("csv")

    @Slot()
    def on_export_json(self) -> ExportJob | None:
        return self._export("json")

    @Slot()
    def on_import(self) -> None:
        path = Ask.open_path(self, "Import a qltimer history export", "JSON files (*.json)")
        if path is None:
            return
        # A long file takes seconds (every value is checked): say so with the busy cursor.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            sessions, steps = import_file(self.history, Path(path))
        except HistoryError as err:  # it names the file, the row and the field
            QApplication.restoreOverrideCursor()
            Ask.error(self, "Import failed", f"{err}\n\nNothing was imported.")
            return
        except sqlite3.Error as err:
            QApplication.restoreOverrideCursor()
            why = plain_error(err)
            Ask.error(self, "Import failed", f"{shown_path(path)}: {why}.\n\nNothing was imported.")
            return
        QApplication.restoreOverrideCursor()
        if sessions or steps:
            text = (
                f"Added {sessions:,} session{'' if sessions == 1 else 's'} and {steps:,} "
                f"step{'' if steps == 1 else 's'} that were not here yet."
            )
        else:
            text = "Nothing new: everything in that file is already in your history."
        Ask.info(self, "History imported", text)
        self.reload()
        self.history_changed.emit()
