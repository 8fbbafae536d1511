"""Child process for the crash test: records steps forever, saying each time one is committed.

python -m tests.crash_child HISTORY_FILE
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from qltimer.history import open_history
from tests.helpers import step_record


def main() -> None:
    hist, _ = open_history(Path(sys.argv[1]))
    t0 = datetime.now(UTC)
    key = hist.start_session("ql-level-1", "QL level 1", "abc", t0)
    print(f"session {key}", flush=True)
    i = 0
    while True:
        start = t0 + timedelta(seconds=70 * i)
        side = "left" if i % 2 == 0 else "right"
        record = step_record(
            i,
            "Side plank",
            "hold",
            side,
            start,
            30.0 + i % 30,
            set_number=1 + i // 2,
            target_seconds=60.0,
        )
        hist.record_step(key, record)
        print(f"committed {i}", flush=True)
        i += 1


if __name__ == "__main__":
    main()
