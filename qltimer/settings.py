"""The person's settings, remembered between runs in ``settings.json`` in the data folder.

No Qt here. A missing or unreadable file gives the defaults (and is left for the person to see);
a value of the wrong type is ignored, not trusted.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from qltimer import paths

FILE_NAME = "settings.json"
THEMES = ("auto", "light", "dark")


@dataclass
class Settings:
    volume: int = 80  # percent
    muted: bool = False
    high_contrast: bool = False
    safety_acknowledged: bool = False
    theme: str = "auto"  # "auto" follows the desktop's colour scheme; or "light" / "dark"

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path if path is not None else paths.data_dir() / FILE_NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(raw, dict):
            return cls()
        out = cls()
        for f in fields(cls):
            value = raw.get(f.name)
            if type(value) is type(getattr(out, f.name)):  # exact: true is not a volume
                setattr(out, f.name, value)
        out.volume = max(0, min(100, out.volume))
        if out.theme not in THEMES:
            out.theme = "auto"
        return out

    def save(self, path: Path | None = None) -> None:
        """Write atomically (a crash mid-write leaves the old file). Errors are the caller's."""
        path = path if path is not None else paths.data_dir() / FILE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)
