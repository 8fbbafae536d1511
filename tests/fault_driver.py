"""Runs the real app with its data folder on a full disk or a read-only mount.

python -m tests.fault_driver disk-full|read-only DATA HOME OUT

Started by tests/test_faults_app.py inside a private mount namespace (``unshare``), so the
mounts made here vanish with it. DATA holds a history with one earlier session. The driver
mounts over DATA (disk-full: a 1 MiB tmpfs holding a copy of DATA, then filled to the last
byte; read-only: DATA itself, remounted read-only), runs `qltimer run tests/data/tiny.toml`
offscreen until its rescue file says the session completed, stops it, and copies what the data
folder then held to OUT/data, with the app's stderr in OUT/app.err.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.apprun import start_app, stop
from tests.conftest import REPO

TINY = REPO / "tests" / "data" / "tiny.toml"


def mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True)


def fill(folder: Path) -> int:
    """Write to *folder* until the disk is full; return the bytes written."""
    written = 0
    with (folder / "filler").open("wb", buffering=0) as out:
        try:
            while True:
                written += out.write(b"\0" * 4096) or 0
        except OSError:
            pass
    return written


def completed_rescue(*folders: Path) -> Path | None:
    for folder in folders:
        for path in folder.glob("unsaved-*.json") if folder.is_dir() else ():
            try:
                rows = json.loads(path.read_text())["rows"]
            except (OSError, ValueError, KeyError):
                continue  # being written
            if rows and rows[0]["status"] == "completed" and len(rows) == 2:
                return path
    return None


def main() -> None:
    mode, data, home, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    report: dict[str, object] = {"mode": mode}
    if mode == "disk-full":
        saved = out / "before"
        shutil.copytree(data, saved)
        mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(data))
        shutil.copytree(saved, data, dirs_exist_ok=True)
        report["filler_bytes"] = fill(data)
    else:
        mount("--bind", str(data), str(data))
        mount("-o", "remount,bind,ro", str(data))
        try:
            (data / "probe").write_text("x")
            report["read_only"] = False
        except OSError as err:
            report["read_only"] = err.strerror
    proc = start_app(["run", str(TINY), "--pain", "0"], home, data)
    deadline = time.monotonic() + 90
    found = None
    while found is None and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)  # polling another process's files
        found = completed_rescue(data / "unsaved", home / "qltimer-unsaved")
    report["rescue"] = str(found) if found else None
    report["app_alive"] = proc.poll() is None
    (out / "app.err").write_text(stop(proc))
    if mode == "disk-full":
        (data / "filler").unlink()
    shutil.copytree(data, out / "data")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
