"""Validate many hypothesis-made session files (valid, and broken on purpose); print how fast.

    python bench/fuzz_sessions.py [--examples N]      (default 20,000 broken + 2,000 valid)

Every file must load or get located PATH:LINE:COL messages; a traceback or a file slower than a
second fails the run (hypothesis shrinks it and prints it). Figures: files per second, median and
slowest time per file, and how the broken ones were answered.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings

from tests.session_fuzz import Outcome, check, mutated, render, valid_docs


def run(examples: int, valid: bool) -> list[Outcome]:
    seen: list[Outcome] = []
    strategy = valid_docs().map(lambda d: render(d).encode("utf-8")) if valid else mutated()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def one(data: bytes) -> None:
        outcome = check(data)
        assert outcome.seconds < 1.0, f"{outcome.seconds:.2f} s"
        assert outcome.valid or not valid
        seen.append(outcome)

    one()
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20_000)
    args = parser.parse_args()
    for label, valid, n in (
        ("valid", True, max(1, args.examples // 10)),
        ("broken", False, args.examples),
    ):
        start = time.perf_counter()
        outcomes = run(n, valid)
        wall = time.perf_counter() - start
        times = sorted(o.seconds * 1000 for o in outcomes)
        rejected = [o for o in outcomes if not o.valid]
        per_file = statistics.median([o.problems for o in rejected]) if rejected else 0
        print(
            f"fuzz {label:6}: {len(outcomes):6d} files in {wall:5.1f} s (with generation), "
            f"validate median {statistics.median(times):.2f} ms, slowest {times[-1]:.1f} ms; "
            f"{len(rejected)} rejected with located messages "
            f"(median {per_file:.0f} each), "
            f"{len(outcomes) - len(rejected)} loaded"
        )


if __name__ == "__main__":
    main()
