"""The qltimer command, run for real in a subprocess and in-process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qltimer.cli import format_dose, format_duration, main
from tests.conftest import REPO
from tests.test_script import LOCATED, THREE_MISTAKES


def qltimer(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qltimer", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_list_shows_each_session_with_its_duration(tmp_path: Path) -> None:
    done = qltimer("list", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 6
    ids = [line.split()[0] for line in lines]
    assert ids[0] == "phase-one" and "ball-release" in ids
    assert all(" min " in line for line in lines)


def test_list_does_not_load_qt() -> None:
    code = (
        "import sys; from qltimer.cli import main; main(['list']); print('PySide6' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_validate_all_builtins_exits_zero() -> None:
    files = sorted(str(p) for p in (REPO / "sessions").glob("*.toml"))
    done = qltimer("validate", *files)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": ok (") == 6


def test_validate_reports_three_mistakes_on_stderr_and_exits_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(THREE_MISTAKES)
    good = REPO / "sessions" / "ql-level-1.toml"
    done = qltimer("validate", str(bad), str(good))
    assert done.returncode == 1
    located = [line for line in done.stderr.splitlines() if LOCATED.match(line)]
    assert len(located) == 3
    assert all(line.startswith(f"{bad}:") for line in located)
    assert "Traceback" not in done.stderr
    assert f"{good}: ok" in done.stdout


def test_show_prints_the_timed_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "ql-level-1"]) == 0
    out = capsys.readouterr().out
    assert "Side plank - left side" in out and "Side plank - right side" in out
    assert "(until done)" in out  # the carry ends when the laps are counted


def test_show_an_unknown_session(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "nope"]) == 1
    assert "no session called 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(45, "45 s"), (60, "1 min"), (89, "1 min"), (90, "2 min"), (3900, "1 h 05 min")],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(60, "60 s"), (90, "90 s"), (179, "179 s"), (180, "3 min"), (270, "4 min 30 s")],
)
def test_format_dose(seconds: float, text: str) -> None:
    assert format_dose(seconds) == text
