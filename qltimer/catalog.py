"""The sessions a person can choose from: the built-in ones and their own.

Built-in sessions come from the bundled ``sessions/`` folder; a person's own from the ``sessions``
folder in their data directory. A file of theirs with the same id (file name) as a built-in one
replaces it, and that is reported as a notice, never done silently. A broken file of theirs is
reported and skipped; the rest still load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qltimer import paths
from qltimer.script import Problem, ScriptError, Session, load_session

if TYPE_CHECKING:
    from qltimer.sessioncache import SessionCache


@dataclass(frozen=True)
class Catalog:
    """Sessions by id, Phase One first then by level, plus what went wrong finding them."""

    sessions: dict[str, Session] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    notices: tuple[str, ...] = ()
    builtin_ids: frozenset[str] = frozenset()

    def get(self, key: str) -> Session | None:
        return self.sessions.get(key)

    def is_builtin(self, session: Session) -> bool:
        return session.id in self.builtin_ids and self.sessions.get(session.id) is session


def _order(session: Session) -> tuple[int, int, int, str]:
    """Phase One first, then Phase Two by level; sessions with no phase last."""
    return (session.phase is None, session.phase or 0, session.level or 0, session.id)


def _session_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.glob("*.toml") if p.is_file())
    except OSError:
        return []


def _load_folder(
    folder: Path, problems: list[Problem], cache: SessionCache | None
) -> list[Session]:
    """Every valid session file in *folder*; the problems of the others go to *problems*."""
    load = cache.load if cache is not None else load_session
    found = []
    for path in _session_files(folder):
        try:
            found.append(load(path))
        except ScriptError as err:
            problems.extend(err.problems)
    return found


def load_catalog(
    builtin_dir: Path | None = None,
    user_dir: Path | None = None,
    *,
    cache: SessionCache | None = None,
) -> Catalog:
    """Read every session file; never raises for a bad file (see ``problems``). With *cache*,
    files unchanged since it kept them are not read and checked again."""
    builtin_dir = builtin_dir if builtin_dir is not None else paths.builtin_sessions_dir()
    user_dir = user_dir if user_dir is not None else paths.user_sessions_dir()
    sessions: dict[str, Session] = {}
    problems: list[Problem] = []
    notices: list[str] = []
    builtin_ids: set[str] = set()

    for session in _load_folder(builtin_dir, problems, cache):
        sessions[session.id] = session
        builtin_ids.add(session.id)

    for session in _load_folder(user_dir, problems, cache):
        if session.id in builtin_ids:
            notices.append(
                f"Your session file {session.source} has the same name as the built-in session "
                f"'{session.id}' and is used in its place."
            )
            builtin_ids.discard(session.id)
        sessions[session.id] = session

    if cache is not None:
        cache.save()
    ordered = dict(sorted(sessions.items(), key=lambda kv: _order(kv[1])))
    return Catalog(
        sessions=ordered,
        problems=tuple(problems),
        notices=tuple(notices),
        builtin_ids=frozenset(builtin_ids),
    )


def resolve(catalog: Catalog, key: str) -> Session:
    """A session by id, or by the path of a session file; raise ScriptError or KeyError."""
    found = catalog.get(key)
    if found is not None:
        return found
    path = Path(key)
    if path.suffix == ".toml" or path.exists():
        return load_session(path)
    known = ", ".join(sorted(catalog.sessions)) or "none"
    raise KeyError(f"no session called '{key}' (known: {known})")
