"""How fast session files are validated: every built-in, and a generated 1,000-step session.

    python bench/validate_bench.py [--repeat 21]

Each figure is the median of the repeats; the baseline in the same run is tomllib alone on the
same bytes (reading TOML without any checking), so the ratio is what validation and error
positions add.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import row
from qltimer.paths import builtin_sessions_dir
from qltimer.script import parse_session

STEP = """
[[step]]
kind = "{kind}"
name = "Step {i}"
{body}
"""
BODIES = {
    "hold": 'seconds = 30\nsides = "each"\ncue = [{ at = "halfway" }, { before_end = 5 }]',
    "reps": 'reps = 10\ncadence = 2\nsides = "left"',
    "laps": "laps = 4\nload_kg = 12\ndistance_m = 20",
    "timed": 'seconds = 60\nrhythm = 1.5\nrhythm_words = ["in", "out"]',
    "breathe": "breaths = 5\ninhale = 4\nexhale = 6",
}


def generated(steps: int) -> bytes:
    kinds = list(BODIES)
    parts = ['title = "Generated"\nget_ready = 5\n']
    for i in range(steps):
        kind = kinds[i % len(kinds)]
        parts.append(STEP.format(kind=kind, i=i, body=BODIES[kind]))
    return "".join(parts).encode()


def median_ms(work: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    files = sorted(builtin_sessions_dir().glob("*.toml"))
    blobs = [(f, f.read_bytes()) for f in files]

    def all_builtins() -> None:
        for f, data in blobs:
            parse_session(data, f)

    def all_toml() -> None:
        for _, data in blobs:
            tomllib.loads(data.decode())

    big = generated(1000)
    ours_b, base_b = median_ms(all_builtins, args.repeat), median_ms(all_toml, args.repeat)
    ours_g = median_ms(lambda: parse_session(big, "generated.toml"), max(5, args.repeat // 3))
    base_g = median_ms(lambda: tomllib.loads(big.decode()), max(5, args.repeat // 3))
    print(f"validation, medians of {args.repeat}; baseline: tomllib alone on the same bytes")
    print(
        f"all {len(files)} built-in sessions: {ours_b:7.2f} ms  (tomllib {base_b:6.2f} ms, "
        f"{ours_b / base_b:.1f}x)"
    )
    print(
        f"generated 1,000 steps ({len(big) / 1024:.0f} KiB): {ours_g:7.1f} ms  "
        f"(tomllib {base_g:6.1f} ms, {ours_g / base_g:.1f}x)"
    )
    row(
        f"validate all {len(files)} built-in sessions",
        f"{ours_b:.1f} ms",
        f"{base_b:.1f} ms (tomllib only)",
        ours_b / base_b,
        "< 1 s a file",
    )
    row(
        "validate a 1,000-step session",
        f"{ours_g:.0f} ms",
        f"{base_g:.0f} ms (tomllib only)",
        ours_g / base_g,
        "< 1 s a file",
    )


if __name__ == "__main__":
    main()
