"""Windows and pages that fit the screen they are on, from 800x480 up.

A window opens within the part of its screen that windows may use (less panels and docks), frame
included; a page whose words need more height than a small screen has scrolls, while its main
buttons stay below the scrolling part, always in sight.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QFrame, QScrollArea, QWidget

from qltimer.settings import Margins, Rect, Settings, place_window

# A window manager's frame (title bar and borders) until the real one is known, once shown; on
# the generous side (Openbox's is 1, 20, 1, 5).
FRAME_GUESS: Margins = (8, 36, 8, 8)


def _rect(rect: QRect) -> Rect:
    return (rect.x(), rect.y(), rect.width(), rect.height())


def screen_areas(widget: QWidget | None = None) -> list[Rect]:
    """The area windows may use on each screen: *widget*'s screen (else the primary) first."""
    first = widget.screen() if widget is not None else None
    first = first or QGuiApplication.primaryScreen()
    screens = [first, *(s for s in QGuiApplication.screens() if s is not first)]
    return [_rect(s.availableGeometry()) for s in screens if s is not None]


def frame_margins(window: QWidget) -> Margins:
    """The width of *window*'s frame on each side: measured once shown, else a fair guess."""
    frame, inside = window.frameGeometry(), window.geometry()
    if window.isVisible() and frame != inside:
        return (
            inside.left() - frame.left(),
            inside.top() - frame.top(),
            frame.right() - inside.right(),
            frame.bottom() - inside.bottom(),
        )
    return FRAME_GUESS


def fit_window(window: QWidget, preferred: tuple[int, int], *, centre: bool = True) -> None:
    """Size *window* to *preferred*, smaller where its screen is; centred there with *centre*.

    Dialogs are not centred here: Qt shows them over their parent window.
    """
    parent = window.parentWidget()
    areas = screen_areas(parent.window() if parent is not None else window)
    x, y, w, h = place_window(Settings(), areas, frame_margins(window), preferred)
    if centre:
        window.setGeometry(x, y, w, h)
    else:
        window.resize(w, h)


def keep_on_screen(window: QWidget) -> None:
    """Once *window* is shown and its real frame known: if any of it is off the usable part of
    its screen, make it smaller and move it back on (maximised and full screen are left alone)."""
    if window.isMaximized() or window.isFullScreen() or not window.isVisible():
        return
    area = window.screen().availableGeometry() if window.screen() else None
    if area is None or area.contains(window.frameGeometry()):
        return
    left, top, right, bottom = frame_margins(window)
    w = min(window.width(), area.width() - left - right)
    h = min(window.height(), area.height() - top - bottom)
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() + 1 - (w + left + right))
    y = min(max(frame.y(), area.y()), area.bottom() + 1 - (h + top + bottom))
    window.setGeometry(x + left, y + top, w, h)


def viewport_of(area: QAbstractScrollArea) -> QWidget:
    """*area*'s viewport, as ``viewport()`` gives it, but found by the name Qt gives it: PySide6
    wraps a widget Qt made by working out its Python class, which the first time sets up some 66
    Qt classes (about 15 ms, before the first paint); asked for by name, it is a QWidget."""
    found = area.findChild(
        QWidget, "qt_scrollarea_viewport", Qt.FindChildOption.FindDirectChildrenOnly
    )
    return found if found is not None else area.viewport()


class FrameWatch(QObject):
    """Calls keep_on_screen once the window manager has framed a newly shown window.

    The frame is known only once the window is on screen: the watch looks when the window first
    paints, when it moves or is resized, and twice more a little later, for two seconds after
    each show.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Show:
            self.active = True
            for delay in (0, 250, 1000):
                QTimer.singleShot(delay, self.check)
            QTimer.singleShot(2000, self.stop)
        elif self.active and kind in (QEvent.Type.Paint, QEvent.Type.Move, QEvent.Type.Resize):
            QTimer.singleShot(0, self.check)
        return False

    def check(self) -> None:
        if self.active:
            keep_on_screen(self.window)

    def stop(self) -> None:
        self.active = False


class ScrollPage(QScrollArea):
    """A page's words, scrolling up and down when the screen is short; never sideways.

    Its size hint is the height its content needs at its present width, so a layout gives it
    just that when there is room, and less (with a scroll bar) when there is not.
    """

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._width = -1
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self.follow_focus)

    def scroll_keys(self, owner: QWidget) -> None:
        """The keys a reader uses (arrows, Page Up/Down, Home, End) scroll this page wherever
        the keyboard is in *owner* (a button has it; the page never takes it), before a
        button can take an arrow to move the focus."""
        for key in (
            Qt.Key.Key_Up,
            Qt.Key.Key_Down,
            Qt.Key.Key_PageUp,
            Qt.Key.Key_PageDown,
            Qt.Key.Key_Home,
            Qt.Key.Key_End,
        ):
            shortcut = QShortcut(QKeySequence(key), owner)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda key=key: self.scroll_key(key))

    def scroll_key(self, key: int) -> bool:
        """Scroll as *key* asks (see :meth:`scroll_keys`); True if it was one of those keys."""
        bar = self.verticalScrollBar()
        steps = {
            Qt.Key.Key_Up: -bar.singleStep() * 3,
            Qt.Key.Key_Down: bar.singleStep() * 3,
            Qt.Key.Key_PageUp: -bar.pageStep(),
            Qt.Key.Key_PageDown: bar.pageStep(),
        }
        if key == Qt.Key.Key_Home:
            bar.setValue(bar.minimum())
        elif key == Qt.Key.Key_End:
            bar.setValue(bar.maximum())
        elif key in steps:
            bar.setValue(bar.value() + steps[Qt.Key(key)])
        else:
            return False
        return True

    @Slot(QWidget, QWidget)
    def follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        """What the keys go to is in sight: a field given focus below the fold scrolls up."""
        content = self.widget()
        if new is not None and content is not None and content.isAncestorOf(new):
            self.ensureWidgetVisible(new, 16, 16)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        content = self.widget()
        width = viewport_of(self).width()
        if content is not None and content.hasHeightForWidth() and width > 0:
            hint.setHeight(content.heightForWidth(width) + 2 * self.frameWidth())
        return hint

    def minimumSizeHint(self) -> QSize:
        """No taller than its words need (a scroll area's own minimum is a fixed 68 pixels)."""
        least = super().minimumSizeHint()
        least.setHeight(min(least.height(), self.sizeHint().height()))
        return least

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != self._width:
            self._width = event.size().width()
            self.updateGeometry()  # the words wrap differently: ask for a new height


def full_screen_shortcut(widget: QWidget, target: QWidget | None = None) -> QShortcut:
    """F11 anywhere in *widget*'s window switches full screen on or off for *target*'s window
    (by default *widget*'s own; a dialog passes its parent, so F11 there works on the app)."""
    shortcut = QShortcut(QKeySequence(Qt.Key.Key_F11), widget)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    window = (target or widget).window()
    shortcut.activated.connect(lambda: toggle_full_screen(window))
    return shortcut


def toggle_full_screen(window: QWidget) -> None:
    """Full screen on or off; a maximised window is maximised again afterwards."""
    window.setWindowState(window.windowState() ^ Qt.WindowState.WindowFullScreen)
