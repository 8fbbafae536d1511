"""Moving the computer's clock an hour mid-session changes nothing in the run or its record.

The real app runs under libfaketime with its wall clock read from a file we rewrite in the middle
of the session (the monotonic clock is left alone, as a clock change leaves it), in a time zone
that is not UTC.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.apprun import acknowledge_safety, app_env, history_rows, start_app, stop, wait_for
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # seconds a test: in `make test`, not in `make check`

TINY = REPO / "tests" / "data" / "tiny.toml"
LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1")


def faked(stamp: Path) -> dict[str, str]:
    """libfaketime reading the wall clock's offset from *stamp*; monotonic time left alone."""
    return {
        "LD_PRELOAD": str(LIBFAKETIME),
        "FAKETIME_TIMESTAMP_FILE": str(stamp),
        "FAKETIME_NO_CACHE": "1",
        "DONT_FAKE_MONOTONIC": "1",
        "TZ": "America/New_York",
    }


def wall_seen(env: dict[str, str]) -> float:
    done = subprocess.run(
        [sys.executable, "-c", "import time; print(time.time())"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return float(done.stdout)


def when(text: object) -> datetime:
    assert isinstance(text, str) and text.endswith("Z"), f"not UTC text: {text!r}"
    return datetime.fromisoformat(text)


@pytest.mark.skipif(not LIBFAKETIME.exists(), reason="libfaketime (scripts/system-deps.sh --test)")
@pytest.mark.parametrize("jump", ["+1h", "-1h"])
def test_the_wall_clock_moving_an_hour_mid_session_changes_nothing(
    tmp_path: Path, jump: str
) -> None:
    home, data, stamp = tmp_path / "home", tmp_path / "data", tmp_path / "faketime"
    home.mkdir()
    acknowledge_safety(data)
    stamp.write_text("+0\n")
    started = datetime.now(UTC)
    app = start_app(["run", str(TINY), "--pain", "0"], home, data, extra_env=faked(stamp))
    try:
        wait_for(lambda: len(history_rows(data)) == 1, 60, "the first side to be saved")
        stamp.write_text(f"{jump}\n")
        moved = wall_seen({**app_env(home, data), **faked(stamp)}) - datetime.now(UTC).timestamp()
        assert moved == pytest.approx(3600 if jump == "+1h" else -3600, abs=5)
        wait_for(lambda: history_rows(data)[0]["status"] == "completed", 60, "the session to end")
    finally:
        err = stop(app)
    assert "Traceback" not in err, err
    rows = history_rows(data)
    start = when(rows[0]["started_at"])
    assert abs(start - started) < timedelta(seconds=10)  # real UTC, not New York time
    assert [r["actual_seconds"] for r in rows] == [2.0, 2.0]
    first = when(rows[0]["step_started_at"])  # the get-ready before it: 2 s
    assert first - start == pytest.approx(timedelta(seconds=2), abs=timedelta(seconds=0.1))
    offsets = [(when(r["step_started_at"]) - first, when(r["step_ended_at"]) - first) for r in rows]
    assert offsets == [  # exact to the millisecond, across the jump
        (timedelta(0), timedelta(seconds=2)),
        (timedelta(seconds=4), timedelta(seconds=6)),
    ]
    assert when(rows[0]["ended_at"]) - first == timedelta(seconds=6)
    assert rows[0]["utc_offset_min"] in (-300, -240)  # New York, winter or summer
