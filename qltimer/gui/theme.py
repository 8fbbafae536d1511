"""Colours: the run screen's three themes and the app's dark palette, with WCAG contrast.

The run screen is read from two or three metres away, so the phase is a colour over the whole
screen (light theme) or a wide frame round it (dark and high-contrast themes), and every text
colour meets WCAG contrast on every background it is drawn on: 4.5:1 in the light and dark
themes, 7:1 in high contrast (``tests/gui/test_run_screen.py`` measures each pair).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from qltimer.engine import PhaseKind

LIGHT, DARK, HIGH_CONTRAST = "light", "dark", "high-contrast"
THEME_CHOICES = ("auto", LIGHT, DARK)  # what the person can choose; high contrast is its own key

# Phase -> (light background, dark background, frame colour in dark, frame in high contrast).
_PHASE = {
    PhaseKind.GET_READY: ("#9a5200", "#3a2200", "#c27012", "#ffab00"),
    PhaseKind.WORK: ("#18713a", "#0a2b16", "#23a455", "#00d45a"),
    PhaseKind.REST: ("#1c5aa6", "#0b2346", "#3b7fd4", "#4da3ff"),
    PhaseKind.SWITCH: ("#6b3a9e", "#2a1740", "#9a63d4", "#c58cff"),
}
_PAIN = ("#8c1d18", "#4a0f0c", "#d9463c", "#ff5a4f")
_DONE = ("#18713a", "#0a2b16", "#23a455", "#00d45a")
_PAUSED = ("#4a4a4a", "#262626", "#8c8c8c", "#b3b3b3")  # grey: from across the room, "not running"


@dataclass(frozen=True)
class RunColors:
    """What the run screen paints with, for one theme and one phase."""

    background: str
    text: str  # every word and figure
    accent: str  # cue words and the overtime figure
    frame: str | None  # a wide frame in the phase colour (dark, high contrast)
    button: str  # button face behind text-coloured words
    flash: str  # the frame flashed on every cue


def run_colors(
    theme: str, kind: PhaseKind | None, *, pain: bool = False, paused: bool = False
) -> RunColors:
    """Colours for *theme* (light / dark / high-contrast) in phase *kind* (None: finished);
    *pain* after P, *paused* while the clock is stopped."""
    scheme = _PAIN if pain else _PAUSED if paused else _PHASE.get(kind, _DONE)  # type: ignore[arg-type]
    light, dark, frame_dark, frame_hc = scheme
    if theme == HIGH_CONTRAST:
        return RunColors("#000000", "#ffffff", "#ffe14d", frame_hc, "#000000", "#ffe14d")
    if theme == DARK:
        return RunColors(dark, "#f2f2f2", "#ffe38a", frame_dark, "#111111", "#ffffff")
    return RunColors(light, "#ffffff", "#ffffff", None, _darker(light), "#ffffff")


def _darker(hex_color: str) -> str:
    return QColor(hex_color).darker(150).name()


def luminance(hex_color: str) -> float:
    """WCAG relative luminance of an sRGB colour."""
    c = QColor(hex_color)

    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF())


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1..21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def desktop_is_dark() -> bool:
    """Does the desktop ask for a dark colour scheme (Qt's style hints)?"""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def wants_dark(choice: str) -> bool:
    """The person's choice ("auto" follows the desktop) as dark or not."""
    return choice == DARK or (choice == "auto" and desktop_is_dark())


def dark_palette() -> QPalette:
    """A dark palette for the app's other pages, every text role well above 4.5:1."""
    pal = QPalette()
    roles = QPalette.ColorRole
    window, base, text = QColor("#1e1f22"), QColor("#141517"), QColor("#ececec")
    for role, color in (
        (roles.Window, window),
        (roles.WindowText, text),
        (roles.Base, base),
        (roles.AlternateBase, QColor("#2a2c30")),
        (roles.Text, text),
        (roles.Button, QColor("#2f3136")),
        (roles.ButtonText, text),
        (roles.BrightText, QColor("#ffffff")),
        (roles.Highlight, QColor("#3d7fd6")),
        (roles.HighlightedText, QColor("#ffffff")),
        (roles.ToolTipBase, QColor("#2a2c30")),
        (roles.ToolTipText, text),
        (roles.PlaceholderText, QColor("#a8a8a8")),
        (roles.Link, QColor("#8ab4f8")),
        (roles.Mid, QColor("#55585e")),
        (roles.Dark, QColor("#0e0f10")),
        (roles.Light, QColor("#4a4d52")),
    ):
        pal.setColor(role, color)
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8a8a8a"))
    return pal
