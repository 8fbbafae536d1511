"""Run every benchmark and print its figures (``make bench``). Figures go in docs/performance.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["engine_drift.py", "history_bench.py", "run_screen_bench.py"]


def main() -> int:
    failed = 0
    for name in BENCHES:
        print(f"== {name}")
        sys.stdout.flush()
        failed += subprocess.run([sys.executable, str(HERE / name)], check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
