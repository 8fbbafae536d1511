"""Progress charts (QtCharts) and the calendar of days trained.

Each ``*_chart`` function takes figures from :mod:`qltimer.progress` and returns a ready QChart.
Left and right are told apart by colour (blue / orange, safe for colour-blind eyes), line style and
marker shape, never by colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCharts import (
    QAreaSeries,
    QChart,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
    QXYSeries,
)
from PySide6.QtCore import QDateTime, QMargins, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from qltimer.progress import BALANCE_BAND, HOLD_TARGET, HoldPoint, PainPoint, best_of

LEFT = QColor("#1f6fb4")  # blue
RIGHT = QColor("#d95f02")  # orange
PLAN = QColor("#555555")
BAND = QColor(46, 160, 67, 60)
MARKERS_UP_TO = 120  # more points than this and markers only clutter


def _ms(day: date | datetime) -> float:
    if isinstance(day, datetime):
        return day.timestamp() * 1000
    return datetime.combine(day, time(12), tzinfo=UTC).timestamp() * 1000


def _base(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setPointSizeF(15)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    legend_font = QFont(chart.legend().font())
    legend_font.setPointSizeF(12)
    chart.legend().setFont(legend_font)
    chart.setMargins(QMargins(6, 6, 6, 6))
    return chart


def _axis_font(axis: QValueAxis | QDateTimeAxis) -> None:
    font = QFont(axis.labelsFont())
    font.setPointSizeF(11)
    axis.setLabelsFont(font)
    title = QFont(axis.titleFont())
    title.setPointSizeF(12)
    axis.setTitleFont(title)


def _date_axis(chart: QChart, first: float, last: float) -> QDateTimeAxis:
    axis = QDateTimeAxis()
    span_days = (last - first) / 86_400_000
    axis.setFormat("d MMM" if span_days <= 120 else "MMM yyyy")
    axis.setTitleText("Date")
    pad = max(86_400_000.0, (last - first) * 0.03)
    axis.setRange(
        QDateTime.fromMSecsSinceEpoch(int(first - pad)),
        QDateTime.fromMSecsSinceEpoch(int(last + pad)),
    )
    axis.setTickCount(6)
    _axis_font(axis)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    return axis


def _value_axis(chart: QChart, title: str, lo: float, hi: float, fmt: str = "%d") -> QValueAxis:
    axis = QValueAxis()
    axis.setTitleText(title)
    axis.setRange(lo, hi)
    axis.setLabelFormat(fmt)
    axis.applyNiceNumbers() if fmt == "%d" else None
    _axis_font(axis)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
    return axis


def _attach(chart: QChart, series: QXYSeries | QAreaSeries, *axes: object) -> None:
    chart.addSeries(series)
    for axis in axes:
        series.attachAxis(axis)  # type: ignore[arg-type]


def _line(
    name: str,
    color: QColor,
    points: Sequence[tuple[float, float]],
    *,
    dashed: bool = False,
    width: float = 3.0,
) -> QLineSeries:
    series = QLineSeries()
    series.setName(name)
    pen = QPen(color, width)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    series.setPen(pen)
    series.replace([QPointF(x, y) for x, y in points])
    return series


def _markers(
    chart: QChart,
    color: QColor,
    shape: QScatterSeries.MarkerShape,
    points: Sequence[tuple[float, float]],
    size: float = 11.0,
) -> QScatterSeries:
    series = QScatterSeries()
    series.setMarkerShape(shape)
    series.setMarkerSize(size)
    series.setColor(color)
    series.setBorderColor(color)
    series.replace([QPointF(x, y) for x, y in points])
    return series


def _hide_from_legend(chart: QChart, series: QXYSeries) -> None:
    for marker in chart.legend().markers(series):
        marker.setVisible(False)


def hold_chart(points: Sequence[HoldPoint], exercise: str, *, weekly: bool = False) -> QChart:
    """Best hold per side in each session (or week), with the 60 s target and each side's best."""
    chart = _base(f"{exercise}: best hold each {'week' if weekly else 'session'}, each side")
    xs = [_ms(p.when) for p in points]
    values = [v for p in points for v in (p.left, p.right) if v is not None]
    x_axis = _date_axis(chart, min(xs), max(xs))
    y_axis = _value_axis(chart, "Seconds held", 0, max(HOLD_TARGET, *values) * 1.15)
    for side, color, dashed, shape in (
        ("left", LEFT, False, QScatterSeries.MarkerShape.MarkerShapeCircle),
        ("right", RIGHT, True, QScatterSeries.MarkerShape.MarkerShapeTriangle),
    ):
        data = [
            (x, v)
            for x, p in zip(xs, points, strict=True)
            if (v := (p.left if side == "left" else p.right)) is not None
        ]
        _attach(
            chart, _line(f"{side.capitalize()} side", color, data, dashed=dashed), x_axis, y_axis
        )
        if len(data) <= MARKERS_UP_TO:
            dots = _markers(chart, color, shape, data)
            _attach(chart, dots, x_axis, y_axis)
            _hide_from_legend(chart, dots)
    target = _line(
        f"Target {HOLD_TARGET:.0f} s",
        PLAN,
        [(min(xs) - 3e9, HOLD_TARGET), (max(xs) + 3e9, HOLD_TARGET)],
        dashed=True,
        width=2,
    )
    _attach(chart, target, x_axis, y_axis)
    for side, color in (("left", LEFT), ("right", RIGHT)):
        found = best_of(points, side)
        if found is None:
            continue
        value = found.left if side == "left" else found.right
        assert value is not None
        star = _markers(
            chart,
            color,
            QScatterSeries.MarkerShape.MarkerShapeStar,
            [(_ms(found.when), value)],
            size=28,
        )
        star.setBorderColor(QColor("#202020"))
        # The legend names each best with its value and date; labels on the stars would overlap
        # when both bests fall on the same day.
        star.setName(f"Best {side}: {value:.1f} s ({found.day.strftime('%d %b %Y').lstrip('0')})")
        _attach(chart, star, x_axis, y_axis)
    return chart


def balance_chart(points: Sequence[HoldPoint], exercise: str, *, weekly: bool = False) -> QChart:
    """Right / left ratio per session (or of each week's bests), with the balanced band shaded."""
    data = [(_ms(p.when), r) for p in points if (r := p.ratio) is not None]
    chart = _base(f"{exercise}: right / left balance" + (", weekly" if weekly else ""))
    xs = [x for x, _ in data]
    ratios = [r for _, r in data]
    x_axis = _date_axis(chart, min(xs), max(xs))
    lo = math.floor(min(0.8, min(ratios) - 0.05) * 10) / 10
    hi = math.ceil(max(1.2, max(ratios) + 0.05) * 10) / 10
    y_axis = _value_axis(chart, "Right side / left side", lo, hi, fmt="%.1f")
    ticks = round((hi - lo) * 10)
    y_axis.setTickCount(ticks + 1 if ticks <= 10 else ticks // 2 + 1)
    edge_x = (min(xs) - 3e9, max(xs) + 3e9)
    # QAreaSeries does not own its edge series: parent them to it, or they die with this frame
    # and the chart crashes on the next repaint.
    band = QAreaSeries()
    upper = QLineSeries(band)
    upper.replace([QPointF(x, BALANCE_BAND[1]) for x in edge_x])
    lower = QLineSeries(band)
    lower.replace([QPointF(x, BALANCE_BAND[0]) for x in edge_x])
    band.setUpperSeries(upper)
    band.setLowerSeries(lower)
    band.setName(f"Balanced ({BALANCE_BAND[0]:.2f} to {BALANCE_BAND[1]:.2f})")
    band.setBrush(QBrush(BAND))
    band.setPen(QPen(QColor(46, 160, 67, 140), 1))
    _attach(chart, band, x_axis, y_axis)
    even = _line("Equal (1.00)", PLAN, [(edge_x[0], 1.0), (edge_x[1], 1.0)], dashed=True, width=1.5)
    _attach(chart, even, x_axis, y_axis)
    _attach(chart, _line("Right / left", QColor("#6a3d9a"), data), x_axis, y_axis)
    if len(data) <= MARKERS_UP_TO:
        dots = _markers(
            chart, QColor("#6a3d9a"), QScatterSeries.MarkerShape.MarkerShapeCircle, data
        )
        _attach(chart, dots, x_axis, y_axis)
        _hide_from_legend(chart, dots)
    return chart


def weekly_chart(
    periods: Sequence[tuple[date, int]], plan: float, plan_label: str, *, monthly: bool
) -> QChart:
    """Sessions done per week (or per month over long ranges) as bars on a date axis, with the
    plan as a line. Bars are filled areas, so the date axis keeps readable labels at any length.
    """
    unit = "month" if monthly else "week"
    chart = _base(f"Sessions per {unit} against the plan")
    length = 30.4 if monthly else 7.0
    day_ms = 86_400_000
    starts = [_ms(d) - day_ms / 2 for d, _ in periods]
    first, last = starts[0], starts[-1] + length * day_ms
    x_axis = _date_axis(chart, first, last)
    x_axis.setTitleText("Month" if monthly else "Week")
    top = max([plan * 1.3, *(n + 1 for _, n in periods)])
    y_axis = _value_axis(chart, f"Sessions per {unit}", 0, top)
    bars = QAreaSeries()
    edge = QLineSeries(bars)
    points: list[QPointF] = []
    for x, (_, n) in zip(starts, periods, strict=True):
        a, b = x + 0.12 * length * day_ms, x + 0.88 * length * day_ms
        points += [QPointF(a, 0), QPointF(a, n), QPointF(b, n), QPointF(b, 0)]
    edge.replace(points)
    bars.setUpperSeries(edge)
    bars.setName(f"Sessions done per {unit}")
    bars.setBrush(QBrush(LEFT))
    bars.setPen(QPen(LEFT.darker(120), 1))
    _attach(chart, bars, x_axis, y_axis)
    _attach(
        chart,
        _line(plan_label, PLAN, [(first, plan), (last, plan)], dashed=True, width=2.5),
        x_axis,
        y_axis,
    )
    return chart


def pain_chart(points: Sequence[PainPoint], *, weekly: bool = False) -> QChart:
    chart = _base(
        "Pain before and after: weekly average" if weekly else "Pain before and after each session"
    )
    xs = [_ms(p.when) for p in points]
    x_axis = _date_axis(chart, min(xs), max(xs))
    y_axis = _value_axis(chart, "Pain (0 = none, 10 = worst)", 0, 10)
    y_axis.setTickCount(6)
    before = [p.before for p in points]
    after = [p.after for p in points]
    for name, color, dashed, shape, scores in (
        ("Before", LEFT, False, QScatterSeries.MarkerShape.MarkerShapeCircle, before),
        ("After", RIGHT, True, QScatterSeries.MarkerShape.MarkerShapeTriangle, after),
    ):
        data = [(x, float(v)) for x, v in zip(xs, scores, strict=True) if v is not None]
        _attach(chart, _line(name, color, data, dashed=dashed), x_axis, y_axis)
        if len(data) <= MARKERS_UP_TO:
            dots = _markers(chart, color, shape, data)
            _attach(chart, dots, x_axis, y_axis)
            _hide_from_legend(chart, dots)
    return chart


class DaysCalendar(QWidget):
    """The last year as a grid of days, one column a week, filled on days with a session."""

    CELL = 18
    GAP = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("days trained calendar")
        self.days: dict[date, int] = {}
        self.last = datetime.now().astimezone().date()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_days(self, days: dict[date, int], last: date) -> None:
        self.days = days
        self.last = last
        trained = sum(1 for d in days if last - timedelta(days=364) <= d <= last)
        self.setToolTip(f"{trained} days trained in the last year")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(60 + 53 * (self.CELL + self.GAP), 60 + 7 * (self.CELL + self.GAP) + 40)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        fg = pal.windowText().color()
        empty = QColor(fg)
        empty.setAlpha(30)
        one, more = QColor("#5bbf6a"), QColor("#1b7a31")
        weeks = 53
        cell = min(self.CELL, max(8, (self.width() - 70) // weeks - self.GAP))
        step = cell + self.GAP
        x0, y0 = 56, 34
        start = self.last - timedelta(days=self.last.weekday() + 7 * (weeks - 1))
        small = QFont(self.font())
        small.setPointSizeF(10)
        painter.setFont(small)
        painter.setPen(fg)
        for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"), (6, "Sun")):
            painter.drawText(
                QRect(0, y0 + row * step, x0 - 8, cell),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                name,
            )
        month = None
        for week in range(weeks):
            for dow in range(7):
                day = start + timedelta(days=7 * week + dow)
                if day > self.last:
                    continue
                if dow == 0 and day.month != month:
                    month = day.month
                    painter.setPen(fg)
                    painter.drawText(x0 + week * step, y0 - 8, day.strftime("%b"))
                n = self.days.get(day, 0)
                color = empty if n == 0 else one if n == 1 else more
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(color)
                painter.drawRoundedRect(x0 + week * step, y0 + dow * step, cell, cell, 3, 3)
        # Key
        ky = y0 + 7 * step + 14
        for i, (color, text) in enumerate(
            ((empty, "no session"), (one, "1 session"), (more, "2 or more"))
        ):
            kx = x0 + i * 160
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(kx, ky, cell, cell, 3, 3)
            painter.setPen(fg)
            painter.drawText(kx + cell + 8, ky + cell - 4, text)
        painter.end()
