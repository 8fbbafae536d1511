"""Cue timing error of the engine over a simulated ~31-minute session, against a naive countdown.

Both are fed the same stream of timer ticks: a 100 ms timer that, like Qt's default CoarseTimer,
may fire up to 5% late, plus jitter of 5-250 ms gaps and an occasional dropped tick. The engine
computes each due time from a deadline; the naive countdown adds the nominal 100 ms per tick it
sees (what a tick-counting interval timer does). Time is simulated, so the figures are exact and
repeatable; they measure the method, not this machine.

    python bench/engine_drift.py
"""

from __future__ import annotations

import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import row
from qltimer.engine import CueDue, Run, expand
from tests.helpers import FakeClock, session_from
from tests.test_engine import LONG_SESSION, exact_schedule

NOMINAL = 0.100


def ticks(rng: random.Random, total: float) -> list[float]:
    """Gaps between timer ticks: coarse (up to 5% late), jittery, and sometimes dropped."""
    gaps: list[float] = []
    t = 0.0
    while t < total + 5:
        gap = NOMINAL * rng.uniform(1.0, 1.05)
        if rng.random() < 0.02:
            gap += rng.uniform(0.005, 0.250)  # a busy moment
        if rng.random() < 0.005:
            gap += NOMINAL  # a dropped tick
        gaps.append(gap)
        t += gap
    return gaps


def one_run(seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    plan = expand(session_from(LONG_SESSION))
    gaps = ticks(rng, plan.total_estimate)
    clock = FakeClock()
    run = Run(plan, clock)
    t0 = clock.now
    fired: list[CueDue] = [e for e in run.start() if isinstance(e, CueDue)]
    naive_elapsed = 0.0
    beyond_tick = float("-inf")  # how far any cue fired past the start of the tick gap it fell in
    i = 0
    while not run.finished:
        clock.tick(gaps[i])
        naive_elapsed += NOMINAL
        new = [e for e in run.advance() if isinstance(e, CueDue)]
        beyond_tick = max([beyond_tick, *(c.fired - c.due - gaps[i] for c in new)])
        fired += new
        i += 1
    expected = exact_schedule(plan, t0)
    assert len(fired) == len(expected)
    errors = [c.fired - due for c, (due, _, _) in zip(fired, expected, strict=True)]
    real_elapsed = clock.now - t0
    return {
        "cues": len(fired),
        "worst_ms": max(errors) * 1000,
        "median_ms": statistics.median(errors) * 1000,
        "drift_ms": max(abs(c.due - d) for c, (d, _, _) in zip(fired, expected, strict=True))
        * 1000,
        "naive_end_error_s": real_elapsed - naive_elapsed,
        "session_s": plan.total_estimate,
        "largest_gap_ms": max(gaps[:i]) * 1000,
        "beyond_tick_ms": beyond_tick * 1000,
    }


def main() -> None:
    runs = [one_run(seed) for seed in range(1, 8)]

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(
        f"simulated session: {med('session_s') / 60:.1f} min, {int(med('cues'))} cues, "
        f"{len(runs)} runs (medians)"
    )
    print(
        f"engine  worst cue error     {med('worst_ms'):8.1f} ms  (max over runs "
        f"{max(r['worst_ms'] for r in runs):.1f} ms)"
    )
    print(f"engine  median cue error    {med('median_ms'):8.1f} ms")
    print(
        f"        largest tick gap    {med('largest_gap_ms'):8.1f} ms; worst cue past its own "
        f"tick: {max(r['beyond_tick_ms'] for r in runs):.3f} ms (<= 0: within one tick)"
    )
    print(f"engine  due-time drift      {med('drift_ms'):8.6f} ms")
    naive = med("naive_end_error_s")
    print(f"naive   error at the end    {naive * 1000:8.0f} ms  (tick-counting baseline)")
    print(
        f"ratio   naive end error / engine worst cue error: {naive * 1000 / med('worst_ms'):.0f}x"
    )
    row(
        "simulated 31-min session: worst cue error (ticks late/dropped)",
        f"{med('worst_ms'):.0f} ms",
        f"{naive * 1000:.0f} ms at the end (naive counter)",
    )
    row("simulated session: drift of due times", f"{med('drift_ms'):.6f} ms", "", None, "0")


if __name__ == "__main__":
    main()
