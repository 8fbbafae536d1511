"""The cache of validated sessions: a shortcut only, never a different answer."""

from __future__ import annotations

import datetime
import pickle
from pathlib import Path

import pytest

from qltimer import paths, sessioncache
from qltimer.catalog import load_catalog
from qltimer.script import ScriptError, load_session
from qltimer.sessioncache import SessionCache

GOOD = """title = "Mine"
[[step]]
kind = "hold"
name = "Side plank"
seconds = 30
"""


def _no_parsing(*_args: object, **_kwargs: object) -> object:
    raise AssertionError("parsed again, not taken from the cache")


@pytest.fixture
def cache_file(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "sessions.pickle"


def test_a_session_is_checked_once_then_comes_from_the_cache(
    tmp_path: Path, cache_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD)
    first = SessionCache(cache_file)
    session = first.load(path)
    first.save()
    assert session == load_session(path)
    monkeypatch.setattr(sessioncache, "parse_session", _no_parsing)
    again = SessionCache(cache_file).load(path)
    assert again == session and again.source == path


def test_a_changed_file_is_checked_again(tmp_path: Path, cache_file: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD)
    cache = SessionCache(cache_file)
    cache.load(path)
    cache.save()
    path.write_text(GOOD.replace("Mine", "Changed"))
    assert SessionCache(cache_file).load(path).title == "Changed"
    path.write_text(GOOD.replace("seconds = 30", "seconds = -1"))
    with pytest.raises(ScriptError):
        SessionCache(cache_file).load(path)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a pickle at all",
        pickle.dumps({"some": "thing"}),
        pickle.dumps(("stamp", [1, 2, 3])),
        # A class the cache never holds (a pickle may name any callable): refused, not made.
        pickle.dumps(("stamp", {("x", "y"): datetime.date(2026, 1, 1)})),
    ],
)
def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(
    tmp_path: Path, cache_file: Path, content: bytes
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD)
    cache_file.parent.mkdir()
    cache_file.write_bytes(content)
    cache = SessionCache(cache_file)
    assert cache.kept == {}
    assert cache.load(path) == load_session(path)
    cache.save()
    assert SessionCache(cache_file).kept, "written anew"


def test_a_cache_checked_by_another_reader_is_ignored(
    tmp_path: Path, cache_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD)
    cache = SessionCache(cache_file)
    cache.load(path)
    cache.save()
    monkeypatch.setattr(sessioncache, "_stamp", lambda: "another version of qltimer")
    assert SessionCache(cache_file).kept == {}


def test_an_entry_under_the_wrong_key_is_not_used(tmp_path: Path, cache_file: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD)
    cache = SessionCache(cache_file)
    session = cache.load(path)
    other = str(tmp_path / "other.toml")
    cache_file.parent.mkdir()
    cache_file.write_bytes(pickle.dumps((cache.stamp, {(other, session.sha256): session})))
    assert SessionCache(cache_file).kept == {}


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD)
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    cache = SessionCache(blocked / "sessions.pickle")  # its folder is a file
    assert cache.load(path) == load_session(path)
    cache.save()


def test_the_catalog_is_the_same_with_the_cache(cache_file: Path) -> None:
    paths.user_sessions_dir().mkdir(parents=True)
    (paths.user_sessions_dir() / "mine.toml").write_text(GOOD)
    (paths.user_sessions_dir() / "broken.toml").write_text("title = ")
    plain = load_catalog()
    cold = load_catalog(cache=SessionCache(cache_file))
    warm = load_catalog(cache=SessionCache(cache_file))
    assert plain == cold == warm
    assert len(SessionCache(cache_file).kept) == len(plain.sessions), "every valid file kept"
    assert [p.message for p in warm.problems] == [p.message for p in plain.problems]
