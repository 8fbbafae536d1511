"""The person's settings, remembered between runs in ``settings.json`` in the data folder.

No Qt here. A missing, unreadable or oversized file gives the defaults (and is left for the
person to see); each value is checked on its own, and one of the wrong type or out of range is
ignored, not trusted. Nothing in the file can stop the app from starting.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from qltimer import paths
from qltimer.files import ReadError, read_bounded, replacing, shown_path
from qltimer.formcheck import CAMERA_RANGES, Thresholds
from qltimer.speech import DEFAULT_VOICE, RATES, VOICES

FILE_NAME = "settings.json"
THEMES = ("auto", "light", "dark")
TRACKS = ("floor", "no-floor")  # as qltimer.coach names them
MAX_BYTES = 64 * 1024  # a settings file is a few hundred bytes; anything bigger is not ours
MAX_COORD = 100_000  # pixels: further than any desktop reaches
MIN_SIZE = 100  # a window smaller than this is not one anybody chose to keep
DEFAULT_SIZE = (1280, 800)  # the window's inside, on a screen with room for it

Rect = tuple[int, int, int, int]  # x, y, width, height
Margins = tuple[int, int, int, int]  # left, top, right, bottom


@dataclass
class Settings:
    volume: int = 80  # percent
    muted: bool = False
    speech: bool = True  # speak every word a person needs (flite), or recorded cues only
    speech_voice: str = DEFAULT_VOICE  # one of flite's voices (qltimer.speech.VOICES)
    speech_rate: float = 1.0  # one of qltimer.speech.RATES: slower, normal, faster
    high_contrast: bool = False
    safety_acknowledged: bool = False
    track: str = "floor"  # the program's path: "floor", or "no-floor" (qltimer.coach.TRACK_NAME)
    strength_per_week: int = 3  # strengthening sessions a week: 2 or 3 (coach.PER_WEEK_CHOICES)
    theme: str = "auto"  # "auto" follows the desktop's colour scheme; or "light" / "dark"
    # The main window as it was last closed: the rectangle of its inside (frame not included,
    # in Qt's device-independent pixels; as it was before it was maximised or made full screen),
    # and whether it was maximised or full screen.
    window_x: int | None = None
    window_y: int | None = None
    window_width: int | None = None
    window_height: int | None = None
    window_maximized: bool = False
    window_full_screen: bool = False
    # The camera form check (side-plank holds marked form_check): off until the person turns it
    # on; whether they have been told what it does with the picture; and the rule's thresholds
    # (qltimer.formcheck.Thresholds), which may be set here by hand.
    camera_check: bool = False
    camera_told: bool = False
    camera_calibrate: float = 1.5  # seconds
    camera_drop: float = 0.035  # body lengths
    camera_angle: float = 8.0  # degrees
    camera_lost_after: float = 1.0  # seconds

    @property
    def camera_thresholds(self) -> Thresholds:
        return Thresholds(
            calibrate=self.camera_calibrate,
            drop=self.camera_drop,
            angle=self.camera_angle,
            lost_after=self.camera_lost_after,
        )

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        return cls.load_with_notice(path)[0]

    @classmethod
    def load_with_notice(cls, path: Path | None = None) -> tuple[Settings, str | None]:
        """The settings, and what the person should be told about the file (or None).

        Only a regular file is read (a FIFO is skipped, never waited on), at most
        :data:`MAX_BYTES`. A file that can't be read as settings is kept aside as
        ``settings.json.bad`` rather than overwritten at the next save."""
        path = path if path is not None else paths.data_dir() / FILE_NAME
        try:
            if not path.exists():
                return cls(), None
            if not path.is_file():
                return cls(), (
                    f"Your settings file ({shown_path(path)}) is not a regular file, so it was "
                    "left alone and the usual settings are used."
                )
            raw = json.loads(read_bounded(path, MAX_BYTES).decode("utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("not a set of named values")
        except OSError:
            return cls(), None  # unreadable (permissions): the defaults, and the file left be
        except (ReadError, ValueError, RecursionError):  # too big, bad UTF-8, bad JSON
            return cls(), _set_aside(path)
        out = cls()
        for f in fields(cls):
            value = raw.get(f.name)
            if _valid(f.name, value, getattr(out, f.name)):
                setattr(out, f.name, float(value) if f.name in _CAMERA_RANGES else value)  # type: ignore[arg-type]
        out.volume = max(0, min(100, out.volume))
        if out.theme not in THEMES:
            out.theme = "auto"
        if out.speech_voice not in VOICES:
            out.speech_voice = DEFAULT_VOICE
        if out.speech_rate not in RATES:
            out.speech_rate = 1.0
        if out.track not in TRACKS:
            out.track = "floor"
        if out.strength_per_week not in (2, 3):
            out.strength_per_week = 3
        # A position or a size is kept whole or not at all.
        if out.window_x is None or out.window_y is None:
            out.window_x = out.window_y = None
        if out.window_width is None or out.window_height is None:
            out.window_width = out.window_height = None
        return out, None

    def save(self, path: Path | None = None) -> None:
        """Write atomically (a crash mid-write leaves the old file). Errors (OSError) are the
        caller's. Something there that is not a regular file (a FIFO) is left alone."""
        path = path if path is not None else paths.data_dir() / FILE_NAME
        if path.exists() and not path.is_file():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as temp:
            temp.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


def _set_aside(path: Path) -> str:
    bad = path.with_name(path.name + ".bad")
    n = 1
    while bad.exists():  # an earlier bad file is kept too
        bad = path.with_name(f"{path.name}.bad-{n}")
        n += 1
    try:
        path.replace(bad)
    except OSError:
        return (
            f"Your settings file ({shown_path(path)}) could not be read, so the usual settings "
            "are used this time."
        )
    return (
        f"Your settings file could not be read, so the usual settings are used. It is kept as "
        f"{shown_path(bad)}."
    )


_CAMERA_RANGES = {f"camera_{name}": span for name, span in CAMERA_RANGES.items()}


def _valid(name: str, value: Any, default: Any) -> bool:
    if name in _CAMERA_RANGES:
        low, high = _CAMERA_RANGES[name]
        return type(value) in (int, float) and low <= value <= high
    if name in ("window_x", "window_y"):
        return type(value) is int and -MAX_COORD <= value <= MAX_COORD
    if name in ("window_width", "window_height"):
        return type(value) is int and MIN_SIZE <= value <= MAX_COORD
    return type(value) is type(default)  # exact: true is not a volume


def place_window(
    saved: Settings,
    screens: Sequence[Rect],
    frame: Margins = (0, 0, 0, 0),
    preferred: tuple[int, int] = DEFAULT_SIZE,
) -> Rect:
    """Where a window opens: the rectangle of its inside (x, y, width, height), frame not included.

    *screens* are the areas windows may use on each screen now (the primary first); *frame* the
    window frame's width on each side. The remembered place is kept only when the whole window,
    frame included, lies on one of those screens; a remembered size that still fits is kept but
    centred on the primary screen; otherwise the window gets *preferred*, made smaller where the
    screen is, and is centred.
    """
    left, top, right, bottom = frame
    extra_w, extra_h = left + right, top + bottom

    def inside(x: int, y: int, w: int, h: int, area: Rect) -> bool:
        ax, ay, aw, ah = area
        return (
            ax <= x - left
            and ay <= y - top
            and x + w + right <= ax + aw
            and y + h + bottom <= ay + ah
        )

    def centred(w: int, h: int, area: Rect) -> Rect:
        ax, ay, aw, ah = area
        return (ax + left + (aw - w - extra_w) // 2, ay + top + (ah - h - extra_h) // 2, w, h)

    primary = screens[0] if screens else (0, 0, *preferred)
    w, h = saved.window_width, saved.window_height
    if w is not None and h is not None:
        x, y = saved.window_x, saved.window_y
        if x is not None and y is not None:
            for area in screens:
                if inside(x, y, w, h, area):
                    return (x, y, w, h)
        if w + extra_w <= primary[2] and h + extra_h <= primary[3]:
            return centred(w, h, primary)
    w = max(1, min(preferred[0], primary[2] - extra_w))
    h = max(1, min(preferred[1], primary[3] - extra_h))
    return centred(w, h, primary)
