"""Does a window show all of itself? Helpers for the tests that try pages on small screens.

:func:`outside` lists every visible widget that is not wholly on show: outside its top-level
window, or cut off by one of its parents (a button pushed below the bottom of its panel, say).
Inside a scroll area's viewport, content beyond the edge is what scrolling is for, so the check
stops at the viewport (the viewport itself is checked like any other widget); but a scroll
area's content wider than it (to be scrolled sideways, or cut off) is listed.

:func:`squeezed` lists text that has less room than it needs: a label shorter than its wrapped
text, a button narrower than its words. Both return plain lines for an assertion message.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QLabel,
    QMenuBar,
    QScrollArea,
    QWidget,
)

SLACK = 2  # pixels a widget may be short of its need: line spacing rounds, glyphs do not fill it


def describe(widget: QWidget) -> str:
    """A widget as a person reading a test failure would find it: its kind, name and words."""
    bits = [type(widget).__name__]
    name = widget.accessibleName() or widget.objectName()
    if name:
        bits.append(repr(name))
    text = getattr(widget, "text", None)
    if callable(text):
        words = str(text()).replace("\n", " ")
        if words:
            bits.append(repr(words[:40] + ("..." if len(words) > 40 else "")))
    return " ".join(bits)


def _rect_in(widget: QWidget, top: QWidget) -> QRect:
    """*widget*'s rectangle in *top*'s coordinates."""
    return QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())


def _is_viewport(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    return isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget


def _shown(widget: QWidget, top: QWidget) -> bool:
    return widget.isVisibleTo(top) and widget.width() > 0 and widget.height() > 0


def outside(window_or_widget: QWidget) -> list[str]:
    """Every visible widget under the top-level of *window_or_widget* that is not wholly shown."""
    top = window_or_widget.window()
    found = []
    for widget in top.findChildren(QWidget):
        if widget.isWindow() or not _shown(widget, top):
            continue
        if isinstance(widget, QScrollArea) and widget.widget() is not None:
            content, viewport = widget.widget(), widget.viewport()
            if content.width() > viewport.width():
                found.append(
                    f"{describe(widget)} needs sideways scrolling: its content is "
                    f"{content.width()} wide, it shows {viewport.width()}"
                )
        rect = _rect_in(widget, top)
        parent = widget.parentWidget()
        while parent is not None:
            if _is_viewport(parent):
                break  # scrolled content: the viewport itself is checked on its own
            bounds = QRect(QPoint(0, 0), top.size()) if parent is top else _rect_in(parent, top)
            if not bounds.contains(rect):
                where = "the window" if parent is top else describe(parent)
                found.append(
                    f"{describe(widget)} at {_box(rect)} is not inside {where} at {_box(bounds)}"
                )
                break
            if parent is top:
                break
            parent = parent.parentWidget()
    return found


def squeezed(window_or_widget: QWidget) -> list[str]:
    """Visible labels and buttons given less room than their words need."""
    top = window_or_widget.window()
    found = []
    for widget in top.findChildren(QWidget):
        if widget.isWindow() or not _shown(widget, top) or isinstance(widget, QMenuBar):
            continue
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                need_w, need_h = 0, widget.heightForWidth(widget.width())
            else:
                hint = widget.minimumSizeHint()
                need_w, need_h = hint.width(), hint.height()
        elif isinstance(widget, QAbstractButton) and widget.text():
            # The words and a little room either side (a style's minimum width is not needed).
            metrics = widget.fontMetrics()
            words = widget.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
            need_w = metrics.horizontalAdvance(words) + 8
            need_h = metrics.height()
        else:
            continue
        if widget.width() + SLACK < need_w or widget.height() + SLACK < need_h:
            found.append(
                f"{describe(widget)} has {widget.width()}x{widget.height()}, "
                f"needs {max(need_w, widget.width())}x{max(need_h, widget.height())}"
            )
    return found


def in_scroll_area(widget: QWidget) -> bool:
    """Whether *widget* sits inside a scroll area (and so can be scrolled out of sight)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _box(rect: QRect) -> str:
    return f"({rect.x()},{rect.y()} {rect.width()}x{rect.height()})"
