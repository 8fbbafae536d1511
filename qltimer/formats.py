"""Numbers and times turned into the short text a person reads. No Qt, no other qltimer module.

One job, shared by every layer: the command line, the window and the report all import from here
(never from each other), so a time reads the same everywhere.
"""

from __future__ import annotations

from datetime import date


def short_number(x: float) -> str:
    """A number without a needless decimal: 10 -> ``10``, 2.5 -> ``2.5``."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def format_duration(seconds: float) -> str:
    """A duration the way a person says it: ``45 s``, ``12 min``, ``1 h 05 min``."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def format_dose(seconds: float) -> str:
    """An exercise's length, exact enough to aim for: ``60 s``, ``90 s``, ``4 min 30 s``."""
    seconds = round(seconds)
    if seconds < 180:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def format_seconds(seconds: float) -> str:
    """A measured time as recorded: ``40 s``, ``40.5 s``."""
    return f"{seconds:.1f} s" if seconds % 1 else f"{seconds:.0f} s"


def format_clock(seconds: float) -> str:
    """Minutes and seconds, exact: ``1:30`` (90 s is never "2 min"), ``0:45``."""
    s = round(seconds)
    return f"{s // 60:d}:{s % 60:02d}"


def countdown_text(seconds: float) -> str:
    """A big countdown's digits: ``45`` under a minute, ``1:30`` above; whole seconds."""
    s = max(0, int(seconds))
    return f"{s // 60}:{s % 60:02d}" if s >= 60 else str(s)


def day_words(day: date, today: date) -> str:
    """A past day as a person names it: ``today``, ``yesterday``, ``Tuesday``, ``3 Mar``."""
    delta = (today - day).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "yesterday"
    if 1 < delta < 7:
        return day.strftime("%A")
    return day.strftime("%d %b").lstrip("0")
