"""The real app against the faults a desktop meets: a history locked by another qltimer, a full
disk, a read-only data folder. Each time the session runs to its end, the person is told, and
nothing is lost: the results reach the history then or at the next start."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from qltimer.history import open_history
from tests.apprun import acknowledge_safety, history_rows, start_app, stop, wait_for
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # seconds a test: in `make test`, not in `make check`

TINY = REPO / "tests" / "data" / "tiny.toml"
EARLIER = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)


def earlier_history(data: Path) -> None:
    """A data folder that already holds one finished session (which must survive)."""
    acknowledge_safety(data)
    hist, _ = open_history(data / "history.sqlite3")
    key = hist.start_session("ql-level-1", "QL level 1", "", EARLIER)
    hist.finish_session(key, "completed", EARLIER.replace(minute=9))
    hist.close()


def tiny_rows(data: Path) -> list[tuple[object, ...]]:
    return [
        (r["session_id"], r["status"], r["side"], r["actual_seconds"]) for r in history_rows(data)
    ]


EXPECTED = [
    ("ql-level-1", "completed", None, None),
    ("tiny", "completed", "left", 2.0),
    ("tiny", "completed", "right", 2.0),
]

HOLDER = """
import sys
from pathlib import Path
from qltimer.history import open_history

hist, _ = open_history(Path(sys.argv[1]), recover=False)
hist.conn.execute("BEGIN IMMEDIATE")  # in the middle of a long write
print("holding", flush=True)
sys.stdin.readline()
hist.conn.execute("COMMIT")
"""


def test_a_history_locked_by_another_qltimer_delays_saving_and_loses_nothing(
    tmp_path: Path,
) -> None:
    home, data = tmp_path / "home", tmp_path / "data"
    earlier_history(data)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data / "history.sqlite3")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    app = start_app(["run", str(TINY), "--pain", "0"], home, data)
    try:
        unsaved = data / "unsaved"

        def rescue_has_a_step() -> bool:
            for path in unsaved.glob("unsaved-*.json"):
                try:
                    return bool(json.loads(path.read_text())["rows"][0]["exercise"])
                except (OSError, ValueError, KeyError):
                    return False
            return False

        wait_for(rescue_has_a_step, 60, "the first step kept in a rescue file")
        holder.communicate("\n", timeout=30)  # the other one finishes its write
        wait_for(
            lambda: tiny_rows(data) == EXPECTED and not list(unsaved.glob("unsaved-*.json")),
            60,
            "the whole session in the history and the rescue copy gone",
        )
    finally:
        err = stop(app)
        if holder.poll() is None:
            holder.kill()
    assert "Traceback" not in err, err


@cache
def namespace() -> list[str] | None:
    """A command prefix giving a private mount namespace where we may mount, or None."""
    for prefix in (
        ["unshare", "--user", "--map-root-user", "--mount", "--"],
        ["unshare", "--mount", "--"],
    ):
        if shutil.which("unshare") is None:
            return None
        probe = subprocess.run(
            [*prefix, "mount", "-t", "tmpfs", "tmpfs", "/mnt"],
            capture_output=True,
            check=False,
        )
        if probe.returncode == 0:
            return prefix
    return None


@pytest.mark.parametrize(
    ("mode", "rescued_in"),
    [("disk-full", "home/qltimer-unsaved"), ("read-only", "home/qltimer-unsaved")],
)
def test_a_session_on_a_full_disk_or_read_only_folder_runs_and_reaches_the_history_later(
    tmp_path: Path, mode: str, rescued_in: str
) -> None:
    prefix = namespace()
    if prefix is None:
        pytest.skip("no mount namespace here (unshare refused): can't make a full or ro mount")
    home, data, out = tmp_path / "home", tmp_path / "data", tmp_path / "out"
    earlier_history(data)
    out.mkdir()
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "tests.fault_driver", mode, str(data), str(home), str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    app_err = (out / "app.err").read_text()
    assert "Traceback" not in app_err, app_err
    assert report["app_alive"], f"the app ended by itself: {app_err}"
    assert report["rescue"] is not None, f"no completed rescue file: {report} {app_err}"
    assert Path(report["rescue"]).parent == tmp_path / rescued_in
    if mode == "read-only":
        assert report["read_only"] == "Read-only file system"
        folder = data  # the mount is gone: the same folder, writable again
    else:
        assert report["filler_bytes"] > 0
        folder = out / "data"  # what the full disk held, space freed
    # The next start adds the rescued session; the earlier one is still there.
    again = start_app([], home, folder)
    try:
        wait_for(
            lambda: not list((home / "qltimer-unsaved").glob("unsaved-*.json")),
            60,
            "the rescued session to be added at start",
        )
    finally:
        err = stop(again)
    assert "Traceback" not in err, err
    assert tiny_rows(folder) == EXPECTED
    assert list((home / "qltimer-unsaved").glob("*.imported"))
