"""Keeping the screen awake through org.freedesktop.ScreenSaver on a private session bus."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(
    shutil.which("dbus-run-session") is None, reason="needs dbus-run-session (Debian: dbus-daemon)"
)


def drive(*args: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(
        ["dbus-run-session", "--", sys.executable, "-m", "tests.gui.inhibit_driver", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_inhibit_then_release_ends_the_inhibition_while_still_running() -> None:
    report = drive()
    assert report["active"] is True and report["why_not"] == ""
    assert str(report["inhibit"]).startswith("INHIBIT 101 qltimer: An exercise session")
    assert report["active_after"] is False
    assert str(report["gone"]).startswith("GONE :")


def test_without_a_screensaver_service_it_carries_on_quietly() -> None:
    report = drive("--no-service")
    assert report["active"] is False
    assert "no org.freedesktop.ScreenSaver service" in str(report["why_not"])
    assert report["active_after"] is False


def test_without_a_session_bus_it_carries_on_quietly() -> None:
    code = (
        "from PySide6.QtCore import QCoreApplication; app = QCoreApplication([]);"
        "from qltimer.gui.inhibit import ScreenInhibitor; i = ScreenInhibitor(); i.inhibit();"
        "i.release(); print(i.active, i.why_not)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(REPO),
        DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent",
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False no D-Bus session bus"
