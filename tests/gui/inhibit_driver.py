"""Run under dbus-run-session: inhibit and release against the fake screensaver, report JSON.

dbus-run-session -- python -m tests.gui.inhibit_driver [--no-service]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication

from qltimer.gui.inhibit import ScreenInhibitor


def read_until(proc: subprocess.Popen[str], prefix: str, timeout: float = 10.0) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith(prefix):
            return line.strip()
    raise TimeoutError(prefix)


def main() -> None:
    app = QCoreApplication([])
    report: dict[str, object] = {}
    fake = None
    if "--no-service" not in sys.argv:
        fake = subprocess.Popen(
            [sys.executable, "-m", "tests.gui.fake_screensaver"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        read_until(fake, "READY")
    inhibitor = ScreenInhibitor()
    inhibitor.inhibit()
    report["active"] = inhibitor.active
    report["why_not"] = inhibitor.why_not
    name = inhibitor.bus_name
    if fake is not None:
        report["inhibit"] = read_until(fake, "INHIBIT")
    inhibitor.release()
    report["active_after"] = inhibitor.active
    if fake is not None:
        # The caller is still running: its inhibition must end now, not when it exits.
        report["gone"] = read_until(fake, f"GONE {name}")
        fake.terminate()
        fake.wait()
    del app
    print(json.dumps(report))


if __name__ == "__main__":
    main()
