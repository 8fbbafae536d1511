"""A one- or two-page PDF to take to a physiotherapist or coach, made with Qt's own PDF writer.

Nothing leaves the computer: the file is written where the person says, from the local history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCharts import QChart
from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QGraphicsScene

from qltimer import __version__, coach
from qltimer.catalog import Catalog
from qltimer.files import WriteError, replacing
from qltimer.gui.charts import balance_chart, hold_chart, pain_chart
from qltimer.history import History, SessionRecord
from qltimer.progress import hold_points, pain_points, weekly_best, weekly_counts, weekly_pain
from qltimer.script import Per

DPI = 96  # layout in "screen pixels": an A4 page is about 794 x 1123 of them
MARGIN = 48
FOOTER = (
    "Made by qltimer {version} from the person's own records on their computer. Not a medical "
    "assessment; pain going down a leg, numbness, tingling or weakness need a health professional."
)


class _Page:
    """Draws text and charts down a page, top to bottom."""

    def __init__(self, painter: QPainter, width: float, height: float) -> None:
        self.p = painter
        self.width = width
        self.height = height
        self.y = 0.0

    def text(
        self,
        text: str,
        size: float = 10.5,
        *,
        bold: bool = False,
        gap: float = 6,
        italic: bool = False,
    ) -> None:
        font = QFont("DejaVu Sans")
        font.setPointSizeF(size)
        font.setBold(bold)
        font.setItalic(italic)
        self.p.setFont(font)
        rect = self.p.boundingRect(
            QRectF(0, self.y, self.width, 2000), int(Qt.TextFlag.TextWordWrap), text
        )
        self.p.drawText(rect, int(Qt.TextFlag.TextWordWrap), text)
        self.y = rect.bottom() + gap

    def chart(self, chart: QChart, height: float) -> None:
        _compact(chart)
        scene = QGraphicsScene()
        scene.addItem(chart)
        chart.resize(QSizeF(self.width, height))
        chart.setBackgroundVisible(False)
        scene.render(
            self.p, QRectF(0, self.y, self.width, height), QRectF(0, 0, self.width, height)
        )
        scene.removeItem(chart)
        self.y += height + 10

    def table(self, rows: list[tuple[str, ...]], widths: list[float], size: float = 9.5) -> None:
        font = QFont("DejaVu Sans")
        font.setPointSizeF(size)
        for i, row in enumerate(rows):
            font.setBold(i == 0)
            self.p.setFont(font)
            x = 0.0
            line = self.p.fontMetrics().height() + 3
            for cell, w in zip(row, widths, strict=True):
                self.p.drawText(QRectF(x, self.y, w, line), int(Qt.AlignmentFlag.AlignLeft), cell)
                x += w
            self.y += line
        self.y += 6

    def room(self) -> float:
        return self.height - self.y


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


def _day(d: date) -> str:
    return d.strftime("%d %b %Y").lstrip("0")


def write_report(
    history: History,
    catalog: Catalog,
    path: Path,
    *,
    weeks: int = 12,
    today: date | None = None,
) -> Path:
    """Write the report covering the last *weeks* weeks to *path*; return *path*.

    Drawn into a temporary file beside *path* and renamed over it only when the PDF is whole:
    a failure (a full disk, a folder that can't be written) leaves an old *path* as it was, and
    raises :class:`qltimer.files.WriteError` in plain words.
    """
    with replacing(path) as temp:
        if not _draw_report(history, catalog, temp, weeks=weeks, today=today):
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
) -> bool:
    """Draw the report into the PDF *path*; False when the PDF could not be finished."""
    today = today or datetime.now().astimezone().date()
    first = today - timedelta(weeks=weeks) + timedelta(days=1)
    since = datetime(first.year, first.month, first.day).astimezone()
    everything = history.sessions()
    records = [r for r in everything if r.started_at >= since]
    done = [r for r in records if r.status in coach.DONE]

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
    full = writer.pageLayout().paintRectPixels(DPI)
    width = full.width() - 2 * MARGIN
    height = full.height() - 2 * MARGIN - 40
    pages = [0]

    def new_page() -> _Page:
        if pages[0]:
            _footer(painter, full.width(), full.height())
            writer.newPage()
        pages[0] += 1
        painter.resetTransform()
        painter.translate(MARGIN, MARGIN)
        return _Page(painter, width, height)

    page = new_page()
    page.text("Low-back (QL) exercise: progress report", 17, bold=True)
    page.text(
        f"{_day(first)} to {_day(today)} ({weeks} weeks).  Sessions done: {len(done)}, of "
        f"which {sum(1 for r in done if r.variant == 'flare')} flare days.  "
        f"Stage: {coach.current_stage(everything, history.decisions()).name}."
    )
    _plan_table(page, catalog, done, first, today)

    exercise = next(iter(history.hold_exercises()), None)
    points = hold_points(history.holds(exercise)) if exercise else []
    points = [p for p in points if p.when >= since]
    weekly = len(points) > 40
    if weekly:
        points = weekly_best(points)
    if points and exercise:
        page.chart(hold_chart(points, exercise, weekly=weekly), 330)
        lag = coach.side_lag(points)
        page.text(lag.text() if lag else "Left and right: within the balanced range lately.")
    else:
        page.text("No side plank holds recorded in this period.")

    page = new_page()
    if any(p.ratio is not None for p in points) and exercise:
        page.chart(balance_chart(points, exercise), 300)
    pains = pain_points(done)
    weekly = len(pains) > 40
    if weekly:
        pains = weekly_pain(pains)
    if pains:
        page.chart(pain_chart(pains, weekly=weekly), 300)
        rises = [
            r
            for r in done
            if r.pain_before is not None
            and r.pain_after is not None
            and r.pain_after - r.pain_before >= coach.PAIN_RISE
        ]
        if rises:
            page.text(
                f"Pain rose by {coach.PAIN_RISE} or more points in {len(rises)} sessions: "
                + ", ".join(_day(r.local_start.date()) for r in rises[:8])
                + "."
            )
    else:
        page.text("No pain scores recorded in this period.")
    _notes(page, done)
    _footer(painter, full.width(), full.height())
    return bool(painter.end())


def _plan_table(
    page: _Page, catalog: Catalog, done: list[SessionRecord], first: date, today: date
) -> None:
    weekly = {
        s.id
        for s in catalog.sessions.values()
        if s.frequency is not None and s.frequency.per is Per.WEEK
    }
    plan = next(
        (s.frequency.times for s in catalog.sessions.values() if s.id in weekly and s.frequency), 3
    )
    counts = weekly_counts([r for r in done if r.session_id in weekly], first, today)
    release = weekly_counts([r for r in done if r.session_id == "ball-release"], first, today)
    rows: list[tuple[str, ...]] = [
        ("Week starting", "Strengthening", f"Plan ({plan} a week)", "Ball release days")
    ]
    for (week, n), (_, rel) in zip(counts, release, strict=True):
        rows.append((_day(week), str(n), "met" if n >= plan else f"{plan - n} short", str(rel)))
    page.text("Sessions against the plan", 12, bold=True, gap=2)
    page.table(rows, [150, 130, 150, 150])


def _notes(page: _Page, done: list[SessionRecord]) -> None:
    notes = [(r.local_start.date(), r.title.split(":")[0], r.note) for r in done if r.note]
    page.text("Notes", 12, bold=True, gap=2)
    if not notes:
        page.text("No notes in this period.", italic=True)
        return
    for day, title, note in notes:
        if page.room() < 40:
            page.text(
                f"... and {len(notes)} notes in all (the full list is in qltimer).", italic=True
            )
            return
        page.text(f"{_day(day)}, {title}: {note}", 9.5, gap=2)


def _footer(painter: QPainter, width: float, height: float) -> None:
    painter.resetTransform()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(8)
    painter.setFont(font)
    painter.drawText(
        QRectF(MARGIN, height - MARGIN, width - 2 * MARGIN, 40),
        int(Qt.TextFlag.TextWordWrap),
        FOOTER.format(version=__version__),
    )


def make_report_cli(output: Path, weeks: int, *, opener: Callable[[], History]) -> Path:
    """For ``qltimer report``: a QApplication (offscreen when there is no display) and the PDF."""
    import os
    import sys

    from qltimer.catalog import load_catalog
    from qltimer.gui.app import make_app

    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    make_app()
    return write_report(opener(), load_catalog(), output, weeks=weeks)
