"""Run every benchmark, then print one table of their figures (``make bench``).

Each script prints its own details and ``ROW`` lines; the table gathers those. Figures go in
docs/performance.md with the command that made them. Sized to finish in under five minutes on a
two-core machine; run a script on its own for more repeats.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ["engine_drift.py"],
    ["validate_bench.py"],
    ["fuzz_sessions.py", "--examples", "5000"],
    ["history_bench.py", "--repeat", "5"],
    ["export_bench.py", "--years", "10", "--repeat", "3"],
    ["speech_bench.py", "--repeat", "3"],
    ["startup_memory.py", "--repeat", "7", "--memory-repeat", "3"],
    ["run_screen_bench.py", "--seconds", "30", "--cpu-seconds", "8", "--repeat", "2"],
    ["run_screen_bench.py", "--seconds", "30", "--cpu-seconds", "8", "--repeat", "2", "--load"],
    ["cue_queue_bench.py", "--repeat", "1", "--around", "1", "--pairs", "20"],
    ["camera_bench.py", "--seconds", "20", "--repeat", "1"],
]
NOISE = (
    "This plugin does not support propagateSizeHints()",
    "ALSA lib ",
    "INFO: Created TensorFlow Lite",  # the camera bench: LiteRT, FFmpeg and Qt's multimedia
    "QRhi* ",
    "[swscaler",
)


def main() -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    rows: list[list[str]] = []
    failed = 0
    began = time.monotonic()
    for args in BENCHES:
        print(f"== {' '.join(args)}", flush=True)
        start = time.monotonic()
        done = subprocess.run(
            [sys.executable, str(HERE / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        for line in done.stdout.splitlines():
            if line.startswith("ROW\t"):
                rows.append(line.split("\t")[1:])
            else:
                print(line)
        for line in done.stderr.splitlines():
            if not line.startswith(NOISE):
                print(line, file=sys.stderr)
        print(f"   ({time.monotonic() - start:.0f} s)", flush=True)
        failed += done.returncode != 0
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(5)]
    print()
    for r in [HEADER, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    print(f"\nall benchmarks: {time.monotonic() - began:.0f} s")
    return 1 if failed else 0


HEADER = ["figure", "qltimer", "baseline (same run)", "ratio", "aim"]

if __name__ == "__main__":
    sys.exit(main())
