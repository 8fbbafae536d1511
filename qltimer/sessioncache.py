"""Validated sessions kept between runs, so that start-up does not read and check every file again.

One file in the user's cache folder holds the sessions of the last catalog loaded, each under its
file's path and the SHA-256 of the file's bytes: a file that changed in any way is read and
checked again, as is every file after qltimer's session reader changed. The cache is only ever a
shortcut: one that is missing, unreadable, too big, corrupt or not qltimer's is ignored and written
anew, and nothing about it can stop a catalog from loading. No Qt here.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import replace
from pathlib import Path, PurePath
from typing import Any

import platformdirs

from qltimer import __version__, script, tomlpos
from qltimer.files import WriteError, read_bounded, replacing
from qltimer.script import Session, load_session, parse_session, sha256

FORMAT = 1  # bump when what is stored changes
MAX_BYTES = 8 * 1024 * 1024  # a bigger file is not one of ours
MAX_SESSIONS = 500  # kept at most: a person's folder of sessions, and then some

Key = tuple[str, str]  # (the file's path, the SHA-256 of its bytes)

# What a cache file may hold besides plain data: sessions and the parts they are made of.
_ALLOWED = {
    ("qltimer.script", name)
    for name in ("Session", "Step", "CueSpec", "Frequency", "StepKind", "Side", "Sides", "Per")
} | {("pathlib", name) for name in ("Path", "PosixPath", "WindowsPath")}


def default_path() -> Path:
    return Path(platformdirs.user_cache_dir("qltimer", appauthor=False)) / "sessions.pickle"


def _stamp() -> str | None:
    """What the cached sessions were checked by: this version of qltimer and the very code that
    reads session files (so an edited reader never meets sessions it did not check). None when
    that code can't be read (nothing is then cached)."""
    digest = sha256(f"{FORMAT} {__version__}".encode())
    for module in (script, tomlpos):
        try:
            digest.update(Path(module.__file__ or "").read_bytes())
        except OSError:
            return None
    return str(digest.hexdigest())


class _Unpickler(pickle.Unpickler):
    """Makes nothing but sessions: any other class in the file makes it not ours."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"not a session cache: {module}.{name}")
        return super().find_class(module, name)


class SessionCache:
    """Sessions read from *path* (by default in the user's cache folder) and kept there again by
    :meth:`save`: the ones :meth:`load` was asked for since, no others."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_path()
        self.stamp = _stamp()
        self.kept = self._read()
        self.wanted: dict[Key, Session] = {}

    def _read(self) -> dict[Key, Session]:
        if self.stamp is None:
            return {}
        try:
            data = read_bounded(self.path, MAX_BYTES)
            stamp, entries = _Unpickler(io.BytesIO(data)).load()
        except Exception:  # missing (ReadError), or not ours however broken: read afresh
            return {}
        if stamp != self.stamp or not isinstance(entries, dict):
            return {}
        return {key: s for key, s in entries.items() if _valid(key, s)}

    def load(self, path: Path) -> Session:
        """What ``load_session(path)`` gives (and raises), from the cache when the file's bytes
        are those it was checked with."""
        try:
            data = path.read_bytes()
        except OSError:
            return load_session(path)  # says why, as a ScriptError
        key = (str(path), sha256(data).hexdigest())
        session = self.kept.get(key)
        if session is None:
            session = replace(parse_session(data, path), source=path)
        if len(self.wanted) < MAX_SESSIONS:
            self.wanted[key] = session
        return session

    def save(self) -> None:
        """Keep the sessions loaded since the cache was read, if they are not what it holds;
        a cache that can't be written is left as it was."""
        if self.stamp is None or self.wanted.keys() == self.kept.keys():  # a key says it all
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with replacing(self.path) as temp:
                temp.write_bytes(pickle.dumps((self.stamp, self.wanted), pickle.HIGHEST_PROTOCOL))
        except (OSError, WriteError, pickle.PicklingError):
            return
        self.kept = dict(self.wanted)


def _valid(key: object, session: object) -> bool:
    """A key and a session that belong together."""
    return (
        isinstance(key, tuple)
        and len(key) == 2
        and isinstance(session, Session)
        and isinstance(session.source, PurePath)
        and key == (str(session.source), session.sha256)
    )
