"""A PDF to take to a physiotherapist or coach, made with Qt's own PDF writer: a page or two,
more when a long period's week-by-week table needs them.

Nothing leaves the computer: the file is written where the person says, from the local history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCharts import QChart, QDateTimeAxis
from PySide6.QtCore import QDate, QDateTime, QMarginsF, QRectF, QSizeF, Qt, QTime
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QGraphicsScene

from qltimer import __version__, coach
from qltimer.catalog import Catalog
from qltimer.engine import DONE
from qltimer.files import WriteError, replacing
from qltimer.gui.charts import balance_chart, hold_chart, pain_chart
from qltimer.history import History, SessionRecord
from qltimer.progress import hold_points, pain_points, weekly_best, weekly_counts, weekly_pain
from qltimer.script import Per

DPI = 96  # layout in "screen pixels": an A4 page is about 794 x 1123 of them
MARGIN = 48
FOOTER_ROOM = 40  # a clear band above the footer, which sits in the bottom margin and is as tall
FOOTER = (
    "Made by qltimer {version} from the person's own records on their computer. Not a medical "
    "assessment; pain going down a leg, numbness, tingling or weakness need a health professional."
)


class _Doc:
    """Draws text, charts and tables down the pages, top to bottom, and starts a new page (with
    the footer on the one it leaves) whenever the next thing would go below the bottom margin."""

    def __init__(self, writer: QPdfWriter, painter: QPainter) -> None:
        self.writer = writer
        self.p = painter
        full = writer.pageLayout().paintRectPixels(DPI)
        self.page_width = float(full.width())
        self.page_height = float(full.height())
        self.width = self.page_width - 2 * MARGIN
        self.height = self.page_height - 2 * MARGIN - FOOTER_ROOM  # the lowest a line may reach
        self.pages = 0
        self.whole = True  # False once Qt could not start a page
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        if self.pages:
            self._footer()
            self.whole = self.writer.newPage() and self.whole
        self.pages += 1
        self.p.resetTransform()
        self.p.translate(MARGIN, MARGIN)
        self.y = 0.0

    def room(self) -> float:
        return self.height - self.y

    def make_room(self, height: float) -> None:
        """A new page unless *height* fits below what is on this one (or the page is empty)."""
        if height > self.room() and self.y > 0:
            self.new_page()

    def text(
        self,
        text: str,
        size: float = 10.5,
        *,
        bold: bool = False,
        gap: float = 6,
        italic: bool = False,
        keep: float = 0,
    ) -> None:
        """A paragraph; *keep* is room to keep free below it (a heading stays with what follows)."""
        self.p.setFont(_font(size, bold=bold, italic=italic))
        flags = int(Qt.TextFlag.TextWordWrap)
        rect = self.p.boundingRect(QRectF(0, 0, self.width, 2000), flags, text)
        self.make_room(rect.height() + keep)
        rect.moveTop(self.y)
        self.p.drawText(rect, flags, text)
        self.y = rect.bottom() + gap

    def chart(self, chart: QChart, height: float, dates: tuple[datetime, datetime]) -> None:
        """*chart*, its date axis running over *dates* (its first and last points)."""
        self.make_room(height)
        _compact(chart)
        _by_year(chart, *dates)
        scene = QGraphicsScene()
        scene.addItem(chart)
        chart.resize(QSizeF(self.width, height))
        chart.setBackgroundVisible(False)
        scene.render(
            self.p, QRectF(0, self.y, self.width, height), QRectF(0, 0, self.width, height)
        )
        scene.removeItem(chart)
        self.y += height + 10

    def line_height(self, size: float) -> float:
        self.p.setFont(_font(size, bold=True))
        return float(self.p.fontMetrics().height() + 3)

    def table(
        self,
        rows: list[tuple[str, ...]],
        widths: list[float],
        size: float = 9.5,
        *,
        continued: str = "",
    ) -> None:
        """The first row is the header: it is drawn again at the top of each page the table
        goes on to, under *continued* when given."""
        header, *body = rows
        line = self.line_height(size)
        self.make_room(2 * line)
        self._row(header, widths, size, line, bold=True)
        for row in body:
            if line > self.room():
                self.new_page()
                if continued:
                    self.text(continued, size, italic=True, gap=2)
                self._row(header, widths, size, line, bold=True)
            self._row(row, widths, size, line)
        self.y += 6

    def _row(
        self,
        row: tuple[str, ...],
        widths: list[float],
        size: float,
        line: float,
        *,
        bold: bool = False,
    ) -> None:
        self.p.setFont(_font(size, bold=bold))
        x = 0.0
        for cell, w in zip(row, widths, strict=True):
            self.p.drawText(QRectF(x, self.y, w, line), int(Qt.AlignmentFlag.AlignLeft), cell)
            x += w
        self.y += line

    def finish(self) -> bool:
        """The last page's footer; False when the PDF could not be finished."""
        self._footer()
        return bool(self.p.end()) and self.whole

    def _footer(self) -> None:
        self.p.resetTransform()
        self.p.setFont(_font(8))
        self.p.drawText(
            QRectF(MARGIN, self.page_height - MARGIN, self.width, FOOTER_ROOM),
            int(Qt.TextFlag.TextWordWrap),
            FOOTER.format(version=__version__),
        )


def _font(size: float, *, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPointSizeF(size)
    font.setBold(bold)
    font.setItalic(italic)
    return font


def _compact(chart: QChart) -> None:
    """Print sizes: the on-screen chart fonts are made for reading from a distance."""
    sizes = (
        (chart.setTitleFont, chart.titleFont(), 11.0),
        (chart.legend().setFont, chart.legend().font(), 8.0),
    )
    for setter, font, size in sizes:
        font.setPointSizeF(size)
        setter(font)
    for axis in chart.axes():
        for getter, setter, size in (
            (axis.labelsFont, axis.setLabelsFont, 8.0),
            (axis.titleFont, axis.setTitleFont, 8.5),
        ):
            font = getter()
            font.setPointSizeF(size)
            setter(font)


YEARS_BY_YEAR = 4  # a date axis over this many calendar years or more is marked by year


def _by_year(chart: QChart, first: datetime, last: datetime) -> None:
    """When the points from *first* to *last* span several years, the dates along the bottom
    are each new year (every other one past twelve) under its number, instead of six evenly
    spread dates falling on odd months."""
    start = (first - timedelta(days=3)).astimezone().year
    end = (last + timedelta(days=3)).astimezone().year + 1
    years = end - start
    if years < YEARS_BY_YEAR:
        return
    step = -(-years // 12)
    years = -(-years // step) * step
    for axis in chart.axes(Qt.Orientation.Horizontal):
        if isinstance(axis, QDateTimeAxis):
            # Qt spreads the ticks evenly in time, so with leap years a tick can be most of a
            # day off the new year: from noon on 2 January each one falls on 1 to 3 January.
            # (The 3 days kept above keep a point from falling off either end.)
            noon = QTime(12, 0)
            axis.setRange(
                QDateTime(QDate(start, 1, 2), noon),
                QDateTime(QDate(start + years, 1, 2), noon),
            )
            axis.setFormat("yyyy")
            axis.setTickCount(years // step + 1)


def _day(d: date) -> str:
    return d.strftime("%d %b %Y").lstrip("0")


def write_report(
    history: History,
    catalog: Catalog,
    path: Path,
    *,
    weeks: int = 12,
    today: date | None = None,
    track: str = coach.FLOOR,
) -> Path:
    """Write the report covering the last *weeks* weeks to *path*; return *path*. The stage
    named is the person's on *track*.

    Drawn into a temporary file beside *path* and renamed over it only when the PDF is whole:
    a failure (a full disk, a folder that can't be written) leaves an old *path* as it was, and
    raises :class:`qltimer.files.WriteError` in plain words.
    """
    with replacing(path) as temp:
        if not _draw_report(history, catalog, temp, weeks=weeks, today=today, track=track):
            raise WriteError(f"can't write {path}: the PDF could not be finished")
        _check_pdf(temp, path)
    return path


def _check_pdf(temp: Path, path: Path) -> None:
    """A PDF that was cut short (the disk filled up under Qt, which does not say so) is no
    report: it must start with %PDF and end with %%EOF."""
    with temp.open("rb") as pdf:
        head = pdf.read(5)
        pdf.seek(max(0, temp.stat().st_size - 32))
        tail = pdf.read()
    if not head.startswith(b"%PDF-") or b"%%EOF" not in tail:
        raise WriteError(f"can't write {path}: the PDF came out incomplete (is the disk full?)")


def _draw_report(
    history: History,
    catalog: Catalog,
    path: Path,
    *,
    weeks: int,
    today: date | None,
    track: str = coach.FLOOR,
) -> bool:
    """Draw the report into the PDF *path*; False when the PDF could not be finished.

    The week-by-week table comes first when it fits on the first page; a longer one (a year or
    more of weeks) goes on as many pages as it needs at the end, so the charts stay up front.
    """
    today = today or datetime.now().astimezone().date()
    first = today - timedelta(weeks=weeks) + timedelta(days=1)
    since = datetime(first.year, first.month, first.day).astimezone()
    everything = history.sessions()
    records = [r for r in everything if r.started_at >= since]
    done = [r for r in records if r.status in DONE]
    stage = coach.current_stage(everything, history.decisions(), history.worked, track)

    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setTitle("qltimer progress report")
    writer.setCreator(f"qltimer {__version__}")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    painter = QPainter(writer)
    if not painter.isActive():  # the file could not be opened
        return False
    doc = _Doc(writer, painter)
    doc.text("Low-back (QL) exercise: progress report", 17, bold=True)
    doc.text(
        f"{_day(first)} to {_day(today)} ({weeks} weeks).  Sessions done: {len(done)}, of "
        f"which {sum(1 for r in done if r.variant == coach.SORE_VARIANT)} sore days.  "
        f"Stage: {stage.name}."
    )
    # Weeks before the first session ever recorded are not weeks the plan was missed.
    began = min((r.local_start.date() for r in everything), default=today)
    plan = _Plan(catalog, done, max(first, began), today)
    table_at_end = plan.height(doc) > doc.room()
    if table_at_end:
        plan.summary(doc)
    else:
        plan.table(doc)

    exercise = next(iter(history.hold_exercises()), None)
    sessions = hold_points(history.holds(exercise)) if exercise else []
    sessions = [p for p in sessions if p.when >= since]
    weekly = len(sessions) > 40
    points = weekly_best(sessions) if weekly else sessions
    if points and exercise:
        doc.chart(
            hold_chart(points, exercise, weekly=weekly), 330, (points[0].when, points[-1].when)
        )
        doc.text(coach.balance_note(sessions))  # the last sessions, as the app says it
    else:
        doc.text("No side plank holds recorded in this period.")

    doc.new_page()
    if any(p.ratio is not None for p in points) and exercise:
        paired = [p.when for p in points if p.ratio is not None]
        doc.chart(balance_chart(points, exercise, weekly=weekly), 300, (paired[0], paired[-1]))
    pains = pain_points(done)
    weekly = len(pains) > 40
    if weekly:
        pains = weekly_pain(pains)
    if pains:
        doc.chart(pain_chart(pains, weekly=weekly), 300, (pains[0].when, pains[-1].when))
        rises = [
            r
            for r in done
            if r.pain_before is not None
            and r.pain_after is not None
            and r.pain_after - r.pain_before >= coach.PAIN_RISE
        ]
        if rises:
            doc.text(
                f"Pain rose by {coach.PAIN_RISE} or more points in {len(rises)} sessions: "
                + ", ".join(_day(r.local_start.date()) for r in rises[:8])
                + "."
            )
    else:
        doc.text("No pain scores recorded in this period.")
    _notes(doc, done)
    if table_at_end:
        doc.new_page()
        plan.table(doc)
    return doc.finish()


class _Plan:
    """Sessions against the plan, week by week: a table, or a line saying how often it was met."""

    TITLE = "Sessions against the plan"
    WIDTHS = (150.0, 130.0, 150.0, 150.0)
    SIZE = 9.5

    def __init__(
        self, catalog: Catalog, done: list[SessionRecord], first: date, today: date
    ) -> None:
        weekly = {
            s.id
            for s in catalog.sessions.values()
            if s.frequency is not None and s.frequency.per is Per.WEEK
        }
        self.plan = next(
            (
                s.frequency.times
                for s in catalog.sessions.values()
                if s.id in weekly and s.frequency
            ),
            3,
        )
        counts = weekly_counts([r for r in done if r.session_id in weekly], first, today)
        release = weekly_counts([r for r in done if r.session_id == "ball-release"], first, today)
        self.weeks = [(week, n, rel) for (week, n), (_, rel) in zip(counts, release, strict=True)]

    def rows(self) -> list[tuple[str, ...]]:
        rows: list[tuple[str, ...]] = [
            ("Week starting", "Strengthening", f"Plan ({self.plan} a week)", "Ball release days")
        ]
        for week, n, rel in self.weeks:
            short = "met" if n >= self.plan else f"{self.plan - n} short"
            rows.append((_day(week), str(n), short, str(rel)))
        return rows

    def height(self, doc: _Doc) -> float:
        """Roughly how tall the heading and the whole table are."""
        return 30 + (len(self.weeks) + 1) * doc.line_height(self.SIZE) + 6

    def table(self, doc: _Doc) -> None:
        line = doc.line_height(self.SIZE)
        doc.text(self.TITLE, 12, bold=True, gap=2, keep=3 * line)
        doc.table(self.rows(), list(self.WIDTHS), self.SIZE, continued=f"{self.TITLE} (continued)")

    def summary(self, doc: _Doc) -> None:
        met = sum(1 for _, n, _ in self.weeks if n >= self.plan)
        doc.text(self.TITLE, 12, bold=True, gap=2, keep=30)
        doc.text(
            f"The plan ({self.plan} a week) was met in {met} of {len(self.weeks)} weeks. The "
            "table of every week is at the end of this report."
        )


def _notes(doc: _Doc, done: list[SessionRecord]) -> None:
    notes = [(r.local_start.date(), r.title.split(":")[0], r.note) for r in done if r.note]
    doc.text("Notes", 12, bold=True, gap=2, keep=40)
    if not notes:
        doc.text("No notes in this period.", italic=True)
        return
    for day, title, note in notes:
        if doc.room() < 40:
            doc.text(
                f"... and {len(notes)} notes in all (the full list is in qltimer).", italic=True
            )
            return
        doc.text(f"{_day(day)}, {title}: {note}", 9.5, gap=2)


def make_report_cli(output: Path, weeks: int, *, opener: Callable[[], History]) -> Path:
    """For ``qltimer report``: a QApplication (offscreen on Linux) and the PDF.

    The report opens no window, so it needs no display: with one set that can't be reached
    (DISPLAY=:99 with nothing there) Qt's xcb plugin would abort the process.
    """
    import os
    import sys

    from qltimer.catalog import load_catalog
    from qltimer.gui.app import make_app

    if sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qltimer.settings import Settings

    make_app()
    settings = Settings.load()  # the person's track and plan, as the window shows them
    catalog = load_catalog()
    coach.plan_sessions(catalog.sessions, settings.strength_per_week)
    return write_report(opener(), catalog, output, weeks=weeks, track=settings.track)
