"""A process killed with SIGKILL mid-session never loses a step it reported as committed.

What this can and cannot tell: SIGKILL ends the process, not the machine, so whatever the
process handed to the kernel survives in the page cache whether SQLite synced it or not. It
proves the transactions (a killed writer never leaves a half step or a corrupt file) but it
cannot tell ``synchronous=FULL`` from ``OFF``: only a power cut could. For that half the test
below checks the settings themselves, on a connection the app opens, since a power cut cannot be
made here.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from qltimer.history import open_history
from tests.conftest import REPO

KILLS = 60


@pytest.mark.slow
def test_sigkill_at_random_points_never_loses_a_committed_step(tmp_path: Path) -> None:
    rng = random.Random(20261121)
    path = tmp_path / "history.sqlite3"
    committed_total: dict[str, int] = {}
    for _ in range(KILLS):
        with subprocess.Popen(
            [sys.executable, "-m", "tests.crash_child", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        ) as child:
            assert child.stdout is not None
            first = child.stdout.readline()
            assert first.startswith("session "), child.stderr.read() if child.stderr else first
            key = first.split()[1]
            wanted = rng.randint(0, 25)
            seen = -1
            while seen < wanted - 1:
                line = child.stdout.readline()
                assert line.startswith("committed "), line
                seen = int(line.split()[1])
            # Kill while the child is somewhere in its next commit (or between two).
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            committed_total[key] = seen + 1

        hist, report = open_history(path)
        assert report.moved_aside is None, "a killed writer never leaves a corrupt file"
        assert hist.integrity() == "ok"
        assert report.interrupted == 1
        steps = hist.steps(key)
        assert len(steps) >= seen + 1, f"lost steps: reported {seen + 1}, found {len(steps)}"
        assert [s.phase_index for s in steps] == list(range(len(steps)))
        record = hist.session(key)
        assert record is not None and record.status == "interrupted"
        hist.close()

    hist, _ = open_history(path)
    assert len(hist.sessions()) == KILLS
    for key, count in committed_total.items():
        assert len(hist.steps(key)) >= count


def test_the_history_is_opened_to_survive_a_power_cut(tmp_path: Path) -> None:
    """WAL with synchronous=FULL: each commit is synced to the disk before it returns (a power
    cut loses nothing committed); foreign keys on, so a step never outlives its session."""
    hist, _ = open_history(tmp_path / "history.sqlite3")
    pragma = {
        name: hist.conn.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "synchronous", "foreign_keys")
    }
    assert pragma == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}  # 2 is FULL
    hist.close()
