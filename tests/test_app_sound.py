"""The real app, run as a person would (`qltimer run`), with its sound captured at ALSA."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qltimer.audio import load_sounds
from tests.conftest import REPO
from tests.test_audio import CAPTURE_RC, NO_DEVICE_RC

TINY = REPO / "tests" / "data" / "tiny.toml"
# get-ready 2 s (side, one), hold 2 s, switch 2 s (switch, one), hold 2 s, end
EXPECTED = [
    "left-side",
    "count-1",
    "go",
    "done",
    "switch-sides",
    "count-1",
    "go",
    "done",
    "complete",
]


def app_env(home: Path, data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "DISPLAY"))}
    env.update(
        HOME=str(home),
        QLTIMER_DATA_DIR=str(data),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(REPO),
    )
    return env


def wait_for(test: callable, timeout: float, what: str) -> None:  # type: ignore[valid-type]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if test():
            return
        time.sleep(0.1)  # polling a file another process writes; no Qt in this process
    raise AssertionError(f"timed out waiting for {what}")


def run_tiny(tmp_path: Path, rc: str) -> tuple[subprocess.Popen[str], Path, Path]:
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    capture = tmp_path / "capture.raw"
    (home / ".asoundrc").write_text(rc.format(capture=capture) if rc is CAPTURE_RC else rc)
    proc = subprocess.Popen(
        [sys.executable, "-m", "qltimer", "run", str(TINY)],
        env=app_env(home, data),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, data, capture


def history_json(data: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "qltimer", "history", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "QLTIMER_DATA_DIR": str(data), "PYTHONPATH": str(REPO)},
        timeout=60,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_real_run_sends_its_cues_to_the_sound_device_in_order(tmp_path: Path) -> None:
    sounds = load_sounds()
    volume = 0.8  # the default setting
    proc, data, capture = run_tiny(tmp_path, CAPTURE_RC)
    complete = sounds["complete"].scaled(volume)
    try:
        wait_for(
            lambda: capture.exists() and complete in capture.read_bytes(),
            60,
            "the session-complete cue at the sound device",
        )
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    data_bytes = capture.read_bytes()
    at = 0
    for name in EXPECTED:
        pcm = sounds[name].scaled(volume)
        found = data_bytes.find(pcm, at)
        assert found == at, f"{name}: expected at byte {at}, found at {found}\n{err[-1000:]}"
        at += len(pcm)
    assert at == len(data_bytes)
    rows = history_json(data)["rows"]
    assert isinstance(rows, list)
    assert [(r["side"], r["target_seconds"], r["actual_seconds"], r["status"]) for r in rows] == [
        ("left", 2.0, 2.0, "completed"),
        ("right", 2.0, 2.0, "completed"),
    ]


def test_without_a_sound_device_the_run_still_completes_and_is_saved(tmp_path: Path) -> None:
    proc, data, _ = run_tiny(tmp_path, NO_DEVICE_RC)
    try:
        wait_for(lambda: _completed(data), 60, "the session to be saved as completed")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode in (0, -15), err
    assert "Traceback" not in err


def _completed(data: Path) -> bool:
    if not (data / "history.sqlite3").exists():
        return False
    try:
        rows = history_json(data)["rows"]
    except subprocess.CalledProcessError:
        return False
    return isinstance(rows, list) and len(rows) == 2 and rows[0]["status"] == "completed"


@pytest.mark.parametrize("key", ["nope", "missing.toml"])
def test_run_with_an_unknown_session_says_so(key: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "qltimer", "run", key],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stderr.strip()
