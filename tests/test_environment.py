"""A hostile or careless environment (issue 11, item 8): the real command in a child process,
real files. Nothing here may end in a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qltimer.settings import Settings
from tests.apprun import run_cli as run
from tests.conftest import REPO


def test_a_relative_data_folder_means_the_same_folder_every_time(tmp_path: Path) -> None:
    export = tmp_path / "h.json"
    export.write_text(
        json.dumps({"format": "qltimer-history", "version": 1, "rows": []}), encoding="utf-8"
    )
    env = {"QLTIMER_DATA_DIR": "rel/data"}
    first = run("history", "--import", str(export), env=env, cwd=tmp_path)
    again = run("history", "--json", "-o", "out.json", env=env, cwd=tmp_path)
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    assert (tmp_path / "rel" / "data" / "history.sqlite3").is_file()
    assert not (tmp_path / "rel" / "data" / "rel").exists()
    assert json.loads((tmp_path / "out.json").read_text())["rows"] == []


def test_a_data_folder_that_is_a_file_is_said_plainly(tmp_path: Path) -> None:
    in_the_way = tmp_path / "data"
    in_the_way.write_text("not a folder")
    done = run(
        "history", "--import", str(tmp_path / "x.json"), env={"QLTIMER_DATA_DIR": str(in_the_way)}
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"qltimer: your qltimer data folder ({in_the_way}) is a file, not a folder; move that "
        "file away, or set QLTIMER_DATA_DIR to a folder"
    )
    assert in_the_way.read_text() == "not a folder"


def test_output_in_a_non_utf8_locale_never_raises(tmp_path: Path) -> None:
    data = tmp_path / "data"
    session = data / "sessions" / "café.toml"
    session.parent.mkdir(parents=True)
    session.write_text('title = "Planche latérale ✓"\n[[step]]\nkind = "rest"\nseconds = 5\n')
    env = {"QLTIMER_DATA_DIR": str(data), "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"}
    listed = run("list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "Planche lat?rale ?" in listed.stdout
    exported = run("history", "--json", env=env)
    assert exported.returncode == 0 and "Traceback" not in exported.stderr


def test_control_characters_in_a_file_name_are_shown_escaped(tmp_path: Path) -> None:
    bad = tmp_path / "evil\x1b[2J\nname.json"
    bad.write_text("{")
    done = run("history", "--import", str(bad), env={"QLTIMER_DATA_DIR": str(tmp_path / "d")})
    assert done.returncode == 1
    assert "evil\\x1b[2J\\nname.json" in done.stderr and "\x1b" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_fifo_for_settings_is_skipped_and_left_alone(data_dir: Path) -> None:
    fifo = data_dir / "settings.json"
    os.mkfifo(fifo)
    settings, notice = Settings.load_with_notice()
    assert settings == Settings()
    assert notice is not None and "not a regular file" in notice
    Settings(volume=20).save()
    assert fifo.is_fifo(), "not replaced by the next save"


@pytest.mark.parametrize("text", ["{not json", '["volume", 30]', '{"volume": 3\udcff}'])
def test_corrupt_settings_are_kept_aside_with_a_notice(data_dir: Path, text: str) -> None:
    path = data_dir / "settings.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    settings, notice = Settings.load_with_notice()
    assert settings == Settings()
    bad = data_dir / "settings.json.bad"
    assert notice == (
        "Your settings file could not be read, so the usual settings are used. It is kept as "
        f"{bad}."
    )
    assert bad.read_bytes() == text.encode("utf-8", "surrogateescape")
    Settings(volume=20).save()
    assert Settings.load() == Settings(volume=20)
    assert bad.read_bytes() == text.encode("utf-8", "surrogateescape"), "never overwritten"


def test_a_data_folder_that_is_a_file_is_said_by_exports_and_reports_too(tmp_path: Path) -> None:
    in_the_way = tmp_path / "data"
    in_the_way.write_text("not a folder")
    env = {"QLTIMER_DATA_DIR": str(in_the_way), "QT_QPA_PLATFORM": "offscreen"}
    for args in (["history", "--json"], ["report", "-o", str(tmp_path / "r.pdf")]):
        done = run(*args, env=env)
        assert done.returncode == 1 and done.stdout == ""
        assert "is a file, not a folder" in done.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_a_look_at_the_history_makes_no_data_folder(tmp_path: Path) -> None:
    done = run("history", "--csv", env={"QLTIMER_DATA_DIR": "relative/dir"}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("uuid,session_id,")
    assert not (tmp_path / "relative").exists()


def into_head(command: str, lines: int, **env: str) -> subprocess.CompletedProcess[str]:
    """`qltimer COMMAND | head -LINES` in a shell, as a person pipes it."""
    return subprocess.run(
        f"'{sys.executable}' -m qltimer {command} | head -{lines}",
        shell=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        timeout=60,
        check=False,
    )


def test_an_export_piped_into_head_ends_quietly(tmp_path: Path) -> None:
    from tests.test_cli import _seed_history

    data = tmp_path / "data"
    os.environ["QLTIMER_DATA_DIR"] = str(data)
    try:
        for _ in range(30):
            _seed_history()
    finally:
        os.environ.pop("QLTIMER_DATA_DIR")
    done = into_head("history --csv", 2, QLTIMER_DATA_DIR=str(data))
    assert len(done.stdout.splitlines()) == 2
    assert done.stderr == "", done.stderr


def test_a_plan_piped_into_head_ends_quietly() -> None:
    """`qltimer show ql-level-1 | head -1`: head closes the pipe before the plan is written
    (most times: it is a race, so three tries)."""
    for _ in range(3):
        done = into_head("show ql-level-1", 1)
        assert len(done.stdout.splitlines()) == 1
        assert done.stderr == "", done.stderr


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("", "the file is empty"),
        ("uuid,session_id,title\n", "this is a CSV export"),
        ('{"format": "qltimer-history", "rows": [{"uuid": "a', "its JSON is broken at line 1"),
    ],
)
def test_import_messages_are_plain(tmp_path: Path, content: str, said: str) -> None:
    path = tmp_path / "in.json"
    path.write_text(content)
    done = run("history", "--import", str(path), env={"QLTIMER_DATA_DIR": str(tmp_path / "d")})
    assert done.returncode == 1 and said in done.stderr and "at at" not in done.stderr
    folder = run(
        "history", "--import", str(tmp_path), env={"QLTIMER_DATA_DIR": str(tmp_path / "d")}
    )
    assert "it is a folder, not a file" in folder.stderr
