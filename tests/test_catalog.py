"""The built-in sessions and a person's own, side by side."""

from __future__ import annotations

from pathlib import Path

import pytest

from qltimer import paths
from qltimer.catalog import load_catalog, resolve
from qltimer.script import ScriptError

OWN = 'title = "{title}"\n[[step]]\nkind = "hold"\nname = "Plank"\nseconds = 20\n'


def test_builtin_sessions_load_in_program_order() -> None:
    catalog = load_catalog()
    assert list(catalog.sessions) == [
        "phase-one",
        "standing-seated",
        "ql-knees",
        "ql-level-1",
        "ql-more",
        "side-plank-test",
        "standing-strength",
        "ql-level-2",
        "standing-strength-2",
        "ball-release",
    ]
    assert not catalog.problems and not catalog.notices


def test_user_sessions_load_from_the_data_folder(data_dir: Path) -> None:
    own = data_dir / "sessions"
    own.mkdir()
    (own / "my-plank.toml").write_text(OWN.format(title="Mine"))
    catalog = load_catalog()
    assert catalog.get("my-plank") is not None
    assert not catalog.is_builtin(catalog.sessions["my-plank"])
    assert catalog.is_builtin(catalog.sessions["ql-level-1"])
    assert paths.user_sessions_dir() == own


def test_a_clash_of_ids_is_reported_never_silent(data_dir: Path) -> None:
    own = data_dir / "sessions"
    own.mkdir()
    (own / "ql-level-1.toml").write_text(OWN.format(title="My level 1"))
    catalog = load_catalog()
    assert catalog.sessions["ql-level-1"].title == "My level 1"
    assert len(catalog.notices) == 1
    assert "ql-level-1" in catalog.notices[0] and "in its place" in catalog.notices[0]
    assert not catalog.is_builtin(catalog.sessions["ql-level-1"])


def test_a_broken_user_file_is_reported_and_the_rest_still_load(data_dir: Path) -> None:
    own = data_dir / "sessions"
    own.mkdir()
    (own / "broken.toml").write_text('title = "x"\n[[step]]\nkind = "hold"\n')
    (own / "fine.toml").write_text(OWN.format(title="Fine"))
    catalog = load_catalog()
    assert "fine" in catalog.sessions and "broken" not in catalog.sessions
    assert [(p.line, p.message) for p in catalog.problems] == [
        (2, "a step needs 'name'"),
        (2, "a hold step needs 'seconds'"),
    ]
    assert all(p.path.endswith("broken.toml") for p in catalog.problems)


def test_resolve_takes_an_id_or_a_path(tmp_path: Path) -> None:
    catalog = load_catalog()
    assert resolve(catalog, "ball-release").id == "ball-release"
    path = tmp_path / "elsewhere.toml"
    path.write_text(OWN.format(title="Elsewhere"))
    assert resolve(catalog, str(path)).title == "Elsewhere"
    with pytest.raises(KeyError, match="no session called 'nope'"):
        resolve(catalog, "nope")
    with pytest.raises(ScriptError):
        resolve(catalog, str(tmp_path / "missing.toml"))
