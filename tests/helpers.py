"""Test helpers: a clock the test moves by hand, and compact ways to build sessions."""

from __future__ import annotations

from dataclasses import dataclass

from qltimer.script import Session, Step, parse_session


@dataclass
class FakeClock:
    """A monotonic clock that only moves when told to."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> float:
        self.now += seconds
        return self.now


def session_from(text: str, name: str = "test.toml") -> Session:
    return parse_session(text, name)


def make_session(*steps: Step, sid: str = "t") -> Session:
    return Session(id=sid, title="Test", steps=tuple(steps))
