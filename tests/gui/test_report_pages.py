"""The longest report (520 weeks of a ten-year history) read back with Qt's own PDF reader:
the week table goes on over as many pages as it needs and nothing is drawn in the bottom margin,
and the hold chart is on a page with its lines drawn across the years."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from pytestqt.qtbot import QtBot

from bench.gen_history import generate
from qltimer import __version__, cli
from qltimer.gui.charts import LEFT, RIGHT
from qltimer.gui.report import DPI, FOOTER_ROOM, MARGIN
from qltimer.gui.report import FOOTER as FOOTER_TEXT
from qltimer.history import open_history

pytestmark = pytest.mark.slow  # seconds a test: in `make test`, not in `make check`

PT = 72 / DPI  # the report lays out in pixels at DPI; QPdfDocument measures in points
ROW = re.compile(r"^(\d{1,2} \w{3} \d{4}) (\d+) (met|\d+ short) (\d+)$")
HEADER = "Week starting Strengthening Plan (3 a week) Ball release days"
FOOTER = FOOTER_TEXT.format(version=__version__)
OUT = os.environ.get("QLTIMER_REPORT_PNG")  # a folder: the rendered pages are saved there


@pytest.fixture
def long_report(qtbot: QtBot, data_dir: Path, tmp_path: Path) -> QPdfDocument:
    hist, _ = open_history(data_dir / "history.sqlite3")
    generate(hist, 10.0, seed=3)
    hist.close()
    out = tmp_path / "report.pdf"
    assert cli.main(["report", "-o", str(out), "--weeks", "520"]) == 0
    pdf = QPdfDocument()
    assert pdf.load(str(out)) == QPdfDocument.Error.None_
    return pdf


def page_image(pdf: QPdfDocument, page: int) -> QImage:
    """*page* drawn on white paper at the report's own pixel size."""
    size = pdf.pagePointSize(page)
    drawn = pdf.render(page, QSize(round(size.width() / PT), round(size.height() / PT)))
    image = QImage(drawn.size(), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawImage(0, 0, drawn)
    painter.end()
    if OUT:
        image.save(str(Path(OUT) / f"report-{page + 1:02d}.png"))
    return image


def lines_on(pdf: QPdfDocument, page: int) -> list[tuple[str, QRectF]]:
    """Each line of text on *page* with the box it is drawn in (in report pixels)."""
    text = pdf.getAllText(page).text()
    out, start = [], 0
    for line in text.split("\n"):
        box = pdf.getSelectionAtIndex(page, start, len(line)).boundingRectangle()
        out.append((line.strip(), QRectF(box.topLeft() / PT, box.bottomRight() / PT)))
        start += len(line) + 1
    return out


def ink(image: QImage, area: QRectF) -> list[tuple[int, int]]:
    """The pixels in *area* that are not white."""
    return [
        (x, y)
        for y in range(int(area.top()), int(area.bottom()))
        for x in range(int(area.left()), int(area.right()))
        if image.pixelColor(x, y).lightness() < 245
    ]


def near(color: QColor, target: QColor) -> bool:
    return all(
        abs(a - b) < 40 for a, b in zip(color.getRgb()[:3], target.getRgb()[:3], strict=True)
    )


def test_the_longest_report_keeps_every_week_on_its_pages(long_report: QPdfDocument) -> None:
    pdf = long_report
    pages = pdf.pageCount()
    height = pdf.pagePointSize(0).height() / PT
    bottom = height - MARGIN - FOOTER_ROOM  # the lowest any text or chart may reach
    footer = height - MARGIN
    weeks: list[str] = []
    table_pages = 0
    for page in range(pages):
        lines = lines_on(pdf, page)
        rows = [m.group(1) for text, _ in lines if (m := ROW.match(text))]
        if rows:
            table_pages += 1
            assert HEADER in (text for text, _ in lines), f"page {page + 1} has no header row"
        weeks += rows
        # Below the bottom edge of the text there is the footer and nothing else...
        below = [(text, box) for text, box in lines if text and box.bottom() > bottom]
        assert " ".join(text for text, _ in below).split() == FOOTER.split(), page + 1
        assert all(footer - 1 <= box.top() and box.bottom() <= height for _, box in below)
        # ...and not a dot of ink between them: no row, no chart drawn over the edge.
        image = page_image(pdf, page)
        assert not ink(image, QRectF(0, bottom + 1, image.width(), footer - bottom - 2)), page + 1
    # Every week of the ten years, once each, in order, a week apart: none lost off a page.
    days = [datetime.strptime(f"{w} +0000", "%d %b %Y %z").date() for w in weeks]
    assert len(days) in (520, 521)
    assert all(b - a == timedelta(weeks=1) for a, b in pairwise(days))
    assert table_pages >= 8 and pages == table_pages + 2


def test_the_longest_report_draws_the_hold_chart(long_report: QPdfDocument) -> None:
    pdf = long_report
    title = "Side plank test: best hold each week, each side"
    page = next(p for p in range(pdf.pageCount()) if title in pdf.getAllText(p).text())
    lines = lines_on(pdf, page)
    head = next(box for text, box in lines if text == title)
    axis = next(box for text, box in lines if text == "Date" and box.top() > head.bottom())
    top, low = head.bottom(), axis.top()  # the plot, with the years along its bottom
    image = page_image(pdf, page)
    plot = QRectF(MARGIN, top, image.width() - 2 * MARGIN, low - top)
    for color in (LEFT, RIGHT):
        dots = [(x, y) for x, y in ink(image, plot) if near(image.pixelColor(x, y), color)]
        assert len(dots) > 2000, color.name()
        # Drawn across the decade, not bunched at one end: from its first year to its last.
        xs = sorted({x for x, _ in dots})
        assert xs[-1] - xs[0] > 0.75 * plot.width(), color.name()
    # Along the bottom, each new year of the ten (and the one they run into), by its number.
    marks = next(text for text, box in lines if low - 20 < box.top() < low and "20" in text)
    years = [int(y) for y in marks.split()]
    this_year = datetime.now().astimezone().year
    assert years == list(range(years[0], years[-1] + 1)), marks
    assert years[0] <= this_year - 9 and this_year + 1 <= years[-1] <= this_year + 2, marks


def test_weeks_before_the_first_session_are_not_counted_as_missed(
    qtbot: QtBot, data_dir: Path, tmp_path: Path
) -> None:
    """Two years of history in a 520-week report: the plan is judged from the first session."""
    hist, _ = open_history(data_dir / "history.sqlite3")
    generate(hist, 2.0, seed=3)
    first = min(r.local_start.date() for r in hist.sessions())
    hist.close()
    out = tmp_path / "report.pdf"
    assert cli.main(["report", "-o", str(out), "--weeks", "520"]) == 0
    pdf = QPdfDocument()
    assert pdf.load(str(out)) == QPdfDocument.Error.None_
    text = " ".join(pdf.getAllText(p).text() for p in range(pdf.pageCount()))
    weeks = int(re.search(r"was met in \d+ of (\d+) weeks", text.replace("\n", " ")).group(1))
    assert weeks <= 2 * 53 + 1, f"{weeks} weeks judged; the history began {first}"
