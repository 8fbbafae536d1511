"""SIGTERM and SIGINT (Ctrl+C) to the real app: a session running is ended early as End does,
every finished step kept, the settings saved as a close saves them, and the process exits with
128 + the signal's number and no error on the way."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest

from qltimer.engine import ENDED_HERE
from qltimer.gui.stopsignals import exit_code
from qltimer.history import open_history
from tests.apprun import acknowledge_safety, start_app, wait_for

pytestmark = pytest.mark.slow  # seconds a test: in `make test`, not in `make check`

# No get-ready: the short hold is recorded after a second, then the long one runs for minutes.
SESSION = """\
title = "Signal test session"
get_ready = 0

[[step]]
kind = "hold"
name = "Short hold"
sides = "left"
seconds = 1

[[step]]
kind = "hold"
name = "Long hold"
sides = "right"
seconds = 300
"""


def steps_recorded(history: Path) -> int:
    """Steps in the history file, read as another program would (0 before it exists)."""
    if not history.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{history}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM steps").fetchone()[0])
    except sqlite3.Error:
        return 0


def ended_by(proc: subprocess.Popen[str], signum: int) -> tuple[int, str]:
    """Send *signum*; the exit code and stderr (the app is killed if it does not end)."""
    proc.send_signal(signum)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        raise AssertionError(f"still running 30 s after {signum!r}: {err}") from None
    return proc.returncode, err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_session_ends_it_early_and_exits(tmp_path: Path, signum: int) -> None:
    home, data = tmp_path / "home", tmp_path / "data"
    acknowledge_safety(data)
    script = tmp_path / "signal.toml"
    script.write_text(SESSION)
    proc = start_app(["run", str(script), "--pain", "2"], home, data)
    try:
        wait_for(lambda: steps_recorded(data / "history.sqlite3") >= 1, 60, "the first step")
    except AssertionError:
        proc.kill()
        raise AssertionError(proc.communicate()[1]) from None
    code, err = ended_by(proc, signum)

    assert code == exit_code(signum) == 128 + signum, err
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert "KeyboardInterrupt" not in err, err
    said = [line for line in err.splitlines() if line.startswith("qltimer: stopped")]
    assert said == [
        f"qltimer: stopped by {signal.Signals(signum).name}; the session in progress was ended "
        "early"
    ], err
    hist, _ = open_history(data / "history.sqlite3", recover=False)  # as the app left it
    try:
        (session,) = hist.sessions()
        assert session.session_id == "signal" and session.status == "ended early"
        assert session.ended_at is not None and session.ended_at >= session.started_at
        assert session.pain_before == 2
        steps = hist.steps(session.uuid)
    finally:
        hist.close()
    # The finished hold as it ran; the long one cut where the session ended, as End leaves it.
    assert [(s.exercise, s.side, s.stopped_early, s.reason) for s in steps] == [
        ("Short hold", "left", False, None),
        ("Long hold", "right", True, ENDED_HERE),
    ]
    assert steps[0].actual_seconds == 1.0
    assert steps[1].actual_seconds is not None and 0 < steps[1].actual_seconds < 300
    assert steps[1].ended_at == session.ended_at
    settings = json.loads((data / "settings.json").read_text())
    assert settings["safety_acknowledged"] is True
    assert settings["window_width"] and settings["window_height"], "the window's size is kept"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_with_no_session_just_closes(tmp_path: Path, signum: int) -> None:
    home, data = tmp_path / "home", tmp_path / "data"
    acknowledge_safety(data)
    proc = start_app([], home, data)
    # The signals are taken over before the history is opened.
    wait_for(lambda: (data / "history.sqlite3").exists(), 60, "the history opened")
    code, err = ended_by(proc, signum)
    assert code == 128 + signum, err
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert f"qltimer: stopped by {signal.Signals(signum).name}\n" in err, err
    settings = json.loads((data / "settings.json").read_text())
    assert settings["window_width"] and settings["window_height"], "the window's size is kept"
    hist, _ = open_history(data / "history.sqlite3", recover=False)
    assert hist.sessions() == []
    hist.close()
