"""Make a realistic history: for screenshots, benchmarks and by-hand looks.

    python bench/gen_history.py PATH [--years N] [--seed S]

A person who trains about three times a week (missing some weeks), whose side plank holds grow
from about 25 s towards 60 s and beyond with the right side lagging at first, who does two-week
blocks of the ball release now and then, and whose pain scores drift down. Ten years give about
4,000 sessions and 100,000 steps, the size the history must stay quick at.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uuid

from qltimer.history import _STEP_COLUMNS, History, StepRecord, open_history, to_text
from tests.helpers import step_record


def _hold(
    i: int,
    ex: str,
    side: str | None,
    target: float,
    actual: float,
    t: datetime,
    set_number: int = 1,
) -> StepRecord:
    short = actual < target - 0.05
    return step_record(
        i,
        ex,
        "hold",
        side,
        t,
        round(actual, 1),
        step_index=1,
        set_number=set_number,
        target_seconds=target,
        stopped_early=short,
        reason="form" if short else None,
    )


def _counted(
    i: int,
    step_index: int,
    ex: str,
    kind: str,
    side: str,
    target: int,
    done: int,
    t: datetime,
    seconds: float,
    load: float | None = None,
    set_number: int = 1,
) -> StepRecord:
    return step_record(
        i,
        ex,
        kind,
        side,
        t,
        seconds,
        step_index=step_index,
        set_number=set_number,
        target_count=target,
        actual_count=done,
        load_kg=load,
        stopped_early=done < target,
        reason="fatigue" if done < target else None,
    )


def generate(
    hist: History, years: float, seed: int = 1, end: date | None = None, pad: int = 0
) -> int:
    """Fill *hist* with *years* of training ending at *end*; return the number of sessions.

    *pad* makes every session at least that many steps (benchmarks size the history with it).
    """
    rng = random.Random(seed)
    end = end or datetime.now(UTC).date()
    day = end - timedelta(days=int(365 * years))
    start_day = day
    count = 0
    release_until: date | None = None
    conn = hist.conn
    conn.execute("BEGIN")
    try:
        while day <= end:
            progress = (day - start_day).days / max(1.0, 365 * years)
            if release_until is None and rng.random() < 0.012:
                release_until = day + timedelta(days=13)
            week_off = (day.isocalendar()[1] + seed) % 11 == 0
            train = day.weekday() in (0, 2, 4) and not week_off and rng.random() < 0.95
            plans = []
            if train:
                test_day = day.isocalendar()[1] % 4 == 0 and day.weekday() == 4
                level = "ql-level-2" if progress > 0.35 else "ql-level-1"
                plans.append("side-plank-test" if test_day else level)
            if release_until is not None:
                if rng.random() < 0.9:
                    plans.append("ball-release")
                if day >= release_until:
                    release_until = None
            if not train and not week_off and rng.random() < 0.95:
                plans.append("phase-one" if day.weekday() in (1, 3) else "standing-seated")
            for n, plan in enumerate(plans):
                t = datetime(
                    day.year, day.month, day.day, 7 + 11 * n, rng.randint(0, 50), tzinfo=UTC
                )
                _session(hist, rng, plan, t, progress, pad)
                count += 1
            day += timedelta(days=1)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return count


TITLES = {
    "phase-one": "Phase One: breathing, control and gentle holds",
    "standing-seated": "Standing and seated: no floor needed",
    "ql-level-1": "QL level 1: side plank holds and a suitcase carry",
    "ql-level-2": "QL level 2: side plank leg lifts and a suitcase carry",
    "side-plank-test": "Side plank endurance test",
    "ball-release": "QL release with a ball",
}


def _session(
    hist: History, rng: random.Random, plan: str, t: datetime, progress: float, pad: int = 0
) -> None:
    """Write one session shaped like the built-in one, without its own transaction.

    *pad* adds repeated breathing steps up to that many steps: only for sizing benchmarks.
    """
    key = str(uuid.uuid4())
    steps: list[StepRecord] = []

    def at() -> datetime:
        return t + timedelta(seconds=60 * len(steps))

    def add(step: StepRecord) -> None:
        steps.append(step)

    base = 25 + 55 * min(1.0, progress * 1.4) + rng.gauss(0, 4)  # what the left side can hold
    lag = 0.82 + 0.17 * min(1.0, progress * 2)  # the right side catches up
    pain_before = max(0, min(10, round(5 - 4 * progress + rng.gauss(0, 1.2))))
    if plan in ("ql-level-1", "ql-level-2"):
        add(
            step_record(
                len(steps),
                "Settle in",
                "breathe",
                None,
                at(),
                40.0,
                step_index=0,
                target_seconds=40.0,
            )
        )
        if plan == "ql-level-1":
            for side, factor in (("left", 1.0), ("right", lag)):
                held = min(60.0, max(8.0, base * factor + rng.gauss(0, 2.5)))
                add(_hold(len(steps), "Side plank", side, 60.0, held, at()))
        else:
            for s in range(1, 4):
                for side in ("left", "right"):
                    done = 10 if rng.random() < 0.3 + progress else rng.randint(6, 9)
                    add(
                        _counted(
                            len(steps),
                            1,
                            "Side plank leg lifts",
                            "reps",
                            side,
                            10,
                            done,
                            at(),
                            3.0 * done,
                            set_number=s,
                        )
                    )
        for side in ("left", "right"):
            laps = 10 if rng.random() < 0.8 else rng.randint(6, 9)
            add(
                _counted(
                    len(steps),
                    3,
                    "Suitcase carry",
                    "laps",
                    side,
                    10,
                    laps,
                    at(),
                    12.0 * laps + rng.gauss(0, 5),
                    load=8.0 + 8 * round(progress * 2) / 2,
                )
            )
    elif plan == "side-plank-test":
        for side, factor in (("left", 1.0), ("right", lag)):
            held = round(max(10.0, base * 1.1 * factor + rng.gauss(0, 3)), 1)
            add(
                step_record(
                    len(steps),
                    "Side plank test",
                    "hold",
                    side,
                    at(),
                    held,
                    step_index=0,
                    target_seconds=60.0,
                    stopped_early=held < 60,
                )
            )
    elif plan == "ball-release":
        for side in ("left", "right"):
            add(
                step_record(
                    len(steps),
                    "Ball release",
                    "timed",
                    side,
                    at(),
                    90.0,
                    step_index=0,
                    target_seconds=90.0,
                )
            )
    elif plan == "phase-one":
        add(
            step_record(
                len(steps),
                "Slow belly breathing",
                "breathe",
                None,
                at(),
                80.0,
                step_index=0,
                target_seconds=80.0,
            )
        )
        add(_counted(len(steps), 1, "Pelvic tilts", "reps", "left", 10, 10, at(), 40.0))
        add(
            step_record(
                len(steps),
                "Knee sways",
                "timed",
                None,
                at(),
                60.0,
                step_index=2,
                target_seconds=60.0,
            )
        )
        for k in range(5):
            add(_hold(len(steps), "Gentle brace", None, 10.0, 10.0, at(), k + 1))
        add(
            step_record(
                len(steps),
                "Breathe and relax",
                "breathe",
                None,
                at(),
                50.0,
                step_index=4,
                target_seconds=50.0,
            )
        )
    else:  # standing-seated
        add(
            step_record(
                len(steps),
                "Seated breathing",
                "breathe",
                None,
                at(),
                50.0,
                step_index=0,
                target_seconds=50.0,
            )
        )
        for index, name in ((1, "Seated side bends"), (2, "Standing side bends")):
            for side in ("left", "right"):
                add(_counted(len(steps), index, name, "reps", side, 8, 8, at(), 32.0))
        for side in ("left", "right"):
            add(_counted(len(steps), 3, "Light suitcase carry", "laps", side, 6, 6, at(), 90.0))
    while len(steps) < pad:
        add(
            step_record(
                len(steps),
                "Extra breathing",
                "breathe",
                None,
                at(),
                40.0,
                step_index=9,
                target_seconds=40.0,
            )
        )
    title = TITLES[plan]
    length = max((s.ended_at for s in steps), default=t) - t + timedelta(seconds=30)
    pain_after = max(0, min(10, pain_before + rng.choice([-1, -1, 0, 0, 0, 1])))
    status = "completed" if rng.random() < 0.95 else "ended early"
    hist.conn.execute(
        "INSERT INTO sessions (uuid, session_id, title, script_sha256, started_at, ended_at, "
        "status, planned_seconds, utc_offset_min, pain_before, pain_after, effort, note) "
        "VALUES (?, ?, ?, '', ?, ?, ?, ?, 60, ?, ?, ?, ?)",
        (
            key,
            plan,
            title,
            to_text(t),
            to_text(t + length),
            status,
            length.total_seconds(),
            pain_before,
            pain_after,
            rng.randint(4, 8),
            ""
            if rng.random() < 0.9
            else rng.choice(["Felt strong", "Tight on the right", "Short on time", "Slept badly"]),
        ),
    )
    hist.conn.executemany(
        f"INSERT INTO steps (session_uuid, {', '.join(_STEP_COLUMNS)}) "
        f"VALUES ({', '.join('?' * (len(_STEP_COLUMNS) + 1))})",
        [
            (
                key,
                s.phase_index,
                s.step_index,
                s.exercise,
                s.kind,
                s.side,
                s.set_number,
                s.target_seconds,
                s.actual_seconds,
                s.target_count,
                s.actual_count,
                s.load_kg,
                int(s.skipped),
                int(s.stopped_early),
                s.reason,
                to_text(s.started_at),
                to_text(s.ended_at),
            )
            for s in steps
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--years", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pad", type=int, default=0, help="at least this many steps a session")
    args = parser.parse_args()
    hist, _ = open_history(args.path)
    n = generate(hist, args.years, args.seed, pad=args.pad)
    steps = hist.conn.execute("SELECT COUNT(*) FROM steps").fetchone()[0]
    print(f"{args.path}: {n} sessions, {steps} steps")


if __name__ == "__main__":
    main()
