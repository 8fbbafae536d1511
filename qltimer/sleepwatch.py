"""Notice that the computer slept, so a session can come back paused. No Qt here.

Two signs, checked on each tick:
- on Linux, CLOCK_BOOTTIME counts suspended time and CLOCK_MONOTONIC does not: if boot time moved
  on more than the monotonic clock, the machine was asleep (and the session clock did not move);
- anywhere, a gap between ticks far longer than the screen ever waits means the machine was
  stopped (or asleep on a system whose monotonic clock counts sleep): the run is paused back-dated
  to the last tick, so the time asleep is not counted as training.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

SLEPT_AFTER = 5.0  # seconds of unexplained gap that mean the computer slept
MAX_TICK_GAP = 20.0  # the run screen never waits this long between ticks while running


def _boottime() -> float | None:
    clock_id = getattr(time, "CLOCK_BOOTTIME", None)
    if clock_id is None:
        return None
    try:
        return time.clock_gettime(clock_id)
    except OSError:
        return None


@dataclass
class Slept:
    seconds: float
    last_awake: float  # monotonic time of the last tick before the sleep


class SleepWatch:
    def __init__(
        self,
        mono: Callable[[], float] = time.monotonic,
        boot: Callable[[], float | None] = _boottime,
    ) -> None:
        self.mono = mono
        self.boot = boot
        self.reset()

    def reset(self) -> None:
        """Start watching afresh (after a pause, say: a long wait there is not sleep)."""
        self._mono = self.mono()
        self._boot = self.boot()

    def check(self) -> Slept | None:
        mono, boot = self.mono(), self.boot()
        d_mono = mono - self._mono
        last = self._mono
        slept: Slept | None = None
        if boot is not None and self._boot is not None:
            asleep = (boot - self._boot) - d_mono
            if asleep > SLEPT_AFTER:
                slept = Slept(asleep, last)
        if slept is None and d_mono > MAX_TICK_GAP:
            slept = Slept(d_mono, last)
        self._mono, self._boot = mono, boot
        return slept
