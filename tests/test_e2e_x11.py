"""End to end: the real `qltimer` process on a virtual X display, driven with the keyboard only.

Each test starts Xvfb, starts `qltimer run tests/data/e2e.toml` (or `qltimer`) as a person would
on a first run, reads the safety advice away with Enter, and follows the session by its window
title: Side plank left and right run out on their own, the long hold is ended with Enter (done
now), the carry is counted with L twice. The results are read back with `qltimer history --json`.
Sleeps here are the person's seconds in the real session, not waits for Qt.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from qltimer.audio import Sound, load_sounds
from qltimer.cuemix import mix_cues
from qltimer.engine import Event, Run, expand
from qltimer.script import load_session
from tests.apprun import (
    CAPTURE_RC,
    NO_DEVICE_RC,
    Xvfb,
    acknowledge_safety,
    history_json,
    history_rows,
    kill,
    run_cli,
    start_app,
    stop,
    wait_for,
    xvfb,
)
from tests.conftest import REPO
from tests.helpers import FakeClock

pytestmark = pytest.mark.slow  # seconds a test: in `make test`, not in `make check`

E2E = REPO / "tests" / "data" / "e2e.toml"


def keep(shot: Path) -> None:
    """With QLTIMER_E2E_SHOTS=folder (docs/screenshots, say), keep the pictures taken."""
    folder = os.environ.get("QLTIMER_E2E_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(folder) / shot.name)


@pytest.fixture(scope="module")
def x() -> Iterator[Xvfb]:
    with xvfb(1280, 800) as display:
        yield display


def title(phase: str) -> str:
    return f"^{phase} - qltimer$"


def not_blank(png: Path) -> tuple[int, float]:
    """(distinct colours on a 20 px grid, share of the commonest one) of a screenshot."""
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 800, f"{png}: not a window picture"
    counts: dict[int, int] = {}
    for y in range(0, image.height(), 20):
        for x_ in range(0, image.width(), 20):
            rgb = image.pixel(x_, y)
            counts[rgb] = counts.get(rgb, 0) + 1
    return len(counts), max(counts.values()) / sum(counts.values())


class Drive:
    """What the test did and when (monotonic seconds), to compare with what was recorded."""

    long_hold = 0.0
    carry = 0.0
    lap_gaps: tuple[float, ...] = ()


def drive(x: Xvfb, tmp_path: Path, asoundrc: str, shot: Path | None) -> tuple[Drive, str]:
    home, data = tmp_path / "home", tmp_path / "data"
    # Tones only (Sound > Speak every word, off): the recorded cues, byte for byte at the
    # device; the voice's own path to the device is tests/test_audio.py's.
    data.mkdir(parents=True, exist_ok=True)
    (data / "settings.json").write_text('{"speech": false}')
    proc = start_app(["run", str(E2E)], home, data, display=x.display, asoundrc=asoundrc)
    did = Drive()
    try:
        safety = x.window("^qltimer - safety$", timeout=60)  # first run: the advice comes first
        x.key(safety, "Return")
        before = x.window(
            title("Before you start: End-to-end test session")
        )  # asked, as Start asks
        x.key(before, "4", "Return")  # pain now: 4
        window = x.window(title("Side plank - left side"))
        if shot is not None:
            x.grab(window, shot)
        x.window(title("Side plank - right side"))
        x.window(title("Long hold - right side"))
        start = time.monotonic()
        time.sleep(2.0)  # the person holds for two seconds, then says done
        x.key(window, "Return")
        did.long_hold = time.monotonic() - start
        x.window(title("Carry - left hand"))
        start = time.monotonic()
        gaps = []
        for gap in (1.0, 1.5):
            time.sleep(gap)  # walking a lap
            x.key(window, "l")
            gaps.append(time.monotonic() - start - sum(gaps))
        did.carry = time.monotonic() - start
        did.lap_gaps = tuple(gaps)
        x.window(title("Session summary"))
        x.key(window, "3", "Return")  # pain after: 3, saved with Enter
        x.window("^qltimer$")
        x.key(window, "ctrl+q")
        wait_for(lambda: proc.poll() is not None, 30, "qltimer to quit on Ctrl+Q")
    finally:
        err = stop(proc)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    return did, err


def check_history(data: Path, did: Drive) -> None:
    rows = history_rows(data)
    assert {r["uuid"] for r in rows} == {rows[0]["uuid"]}, "exactly one session"
    assert rows[0]["session_id"] == "e2e" and rows[0]["status"] == "completed"
    assert (rows[0]["pain_before"], rows[0]["pain_after"]) == (4, 3)
    got = [
        (r["exercise"], r["side"], r["target_seconds"], r["target_count"], r["actual_count"])
        for r in rows
    ]
    assert got == [
        ("Side plank", "left", 3.0, None, None),
        ("Side plank", "right", 3.0, None, None),
        ("Long hold", "right", 30.0, None, None),
        ("Carry", "left", None, 2, 2),
    ]
    actual = [r["actual_seconds"] for r in rows]
    assert actual[:2] == [3.0, 3.0]  # ran out on their deadline: exact
    assert actual[2] == pytest.approx(did.long_hold, abs=0.3)
    assert actual[3] == pytest.approx(did.carry, abs=0.3)
    assert [r["stopped_early"] for r in rows] == [False, False, True, False]


def expected_sounds(long_hold: float, lap_gaps: tuple[float, ...]) -> list[str]:
    """The cues the engine plays for what the test did, from the same script."""
    clock = FakeClock()
    run = Run(expand(load_session(E2E)), clock)
    sounds: list[str] = []

    def take(events: list[Event]) -> None:
        sounds.extend(name for said in mix_cues(events) for name in said.names)

    def wait(seconds: float) -> None:
        """Let *seconds* pass as the app's timer does: waking at each cue or phase end."""
        until = clock.now + seconds
        while (due := run.next_due()) is not None and due <= until:
            clock.now = due
            take(run.advance())
        clock.now = until

    take(run.start())
    while not run.finished:
        phase = run.phase
        assert phase is not None
        if phase.is_work and phase.step.name == "Long hold":
            wait(long_hold)
            take(run.done_now())
        elif phase.is_work and phase.step.name == "Carry":
            for gap in lap_gaps:
                wait(gap)
                take(run.add_count())
        else:
            assert phase.duration is not None
            wait(phase.duration - run.elapsed())
    return sounds


def test_a_whole_session_by_keyboard_with_its_sound_at_the_device(x: Xvfb, tmp_path: Path) -> None:
    capture = tmp_path / "capture.raw"
    shot = tmp_path / "e2e-mid-hold-x11.png"
    did, _ = drive(x, tmp_path, CAPTURE_RC.format(capture=capture), shot)
    check_history(tmp_path / "data", did)

    colours, commonest = not_blank(shot)
    assert colours >= 4 and commonest < 0.9, f"mid-hold screenshot looks blank: {colours}"
    keep(shot)

    rows = history_rows(tmp_path / "data")
    names = expected_sounds(float(rows[2]["actual_seconds"]), did.lap_gaps)  # type: ignore[arg-type]
    # "done" always had the next announcement due with it, which says enough
    assert names[-1] == "complete" and "done" not in names
    assert "left-hand" in names and "lap" in names
    sounds = load_sounds()
    played = capture.read_bytes()
    at = 0
    for name in names:
        pcm = sounds[name].scaled(0.8)  # the default volume
        found = played.find(pcm, at)
        assert found == at, f"cue {name!r}: expected at byte {at}, found at {found}; {names}"
        at += len(pcm)
    assert at == len(played), "nothing but the cues reached the device"


def test_with_no_sound_device_the_session_still_runs_and_is_recorded(
    x: Xvfb, tmp_path: Path
) -> None:
    did, _ = drive(x, tmp_path, NO_DEVICE_RC, None)
    check_history(tmp_path / "data", did)


def stored_status(data: Path) -> str:
    """The status in the history file itself (an export tells what it will be)."""
    conn = sqlite3.connect(f"{(data / 'history.sqlite3').as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("SELECT status FROM sessions").fetchone()[0])
    finally:
        conn.close()


def test_killed_mid_session_the_next_start_shows_it_interrupted_with_its_finished_steps(
    x: Xvfb, tmp_path: Path
) -> None:
    home, data = tmp_path / "home", tmp_path / "data"
    proc = start_app(["run", str(E2E), "--pain", "2"], home, data, display=x.display)
    try:
        x.key(x.window("^qltimer - safety$", timeout=60), "Return")
        x.window(title("Long hold - right side"))
        kill(proc)  # SIGKILL: no clean-up at all
    finally:
        stop(proc)
    assert stored_status(data) == "running"  # as the crash left it in the file
    rows = history_rows(data)
    assert rows[0]["status"] == "interrupted", "the app is gone: an export already says so"
    again = start_app([], home, data, display=x.display)
    try:
        home_window = x.window("^qltimer$", timeout=60)
        wait_for(lambda: stored_status(data) == "interrupted", 30, "the session closed")
        keep(x.grab(home_window, tmp_path / "e2e-after-crash-home-x11.png"))
    finally:
        err = stop(again)
    assert "Traceback" not in err, err
    rows = history_rows(data)
    assert [(r["exercise"], r["side"], r["actual_seconds"]) for r in rows] == [
        ("Side plank", "left", 3.0),
        ("Side plank", "right", 3.0),
    ]
    assert rows[0]["status"] == "interrupted"
    assert rows[0]["ended_at"] == rows[1]["step_ended_at"]  # ended with its last finished step


def test_a_second_qltimer_is_told_the_first_is_running(x: Xvfb, tmp_path: Path) -> None:
    home, data = tmp_path / "home", tmp_path / "data"
    first = start_app([], home, data, display=x.display)
    try:
        x.key(x.window("^qltimer - safety$", timeout=60), "Return")
        x.window("^qltimer$")
        second = start_app(["run", str(E2E)], home, data, display=x.display)
        try:
            message = x.window("^qltimer is already open$", timeout=60)
            keep(x.grab(message, tmp_path / "e2e-second-instance-x11.png"))
            x.key(message, "Return")
            wait_for(lambda: second.poll() is not None, 30, "the second qltimer to leave")
        finally:
            err = stop(second)
        assert second.returncode == 1
        assert f"already open (process {first.pid})" in err
        assert first.poll() is None, "the first one runs on"
        assert history_json(data)["rows"] == []  # the second one started nothing
    finally:
        stop(first)


def test_p_stops_at_once_and_nothing_goes_on_until_the_person_chooses(
    x: Xvfb, tmp_path: Path
) -> None:
    home, data = tmp_path / "home", tmp_path / "data"
    proc = start_app(["run", str(E2E)], home, data, display=x.display)
    try:
        x.key(x.window("^qltimer - safety$", timeout=60), "Return")
        before = x.window(title("Before you start: End-to-end test session"))
        x.key(before, "Return")  # no pain score today
        window = x.window(title("Side plank - left side"))
        time.sleep(1.0)  # a second into the 3 s hold, it hurts
        x.key(window, "p")
        x.window("^Stopped: it hurts - qltimer$", timeout=10)
        pressed = time.monotonic()
        shot = x.grab(window, tmp_path / "e2e-stopped-for-pain-x11.png")
        time.sleep(4.0)  # longer than the hold and the switch: nothing may start meanwhile
        assert x.title(window) == "Stopped: it hurts - qltimer"
        assert time.monotonic() - pressed >= 4.0
        x.key(window, "e")  # end the session; everything finished is kept
        x.window(title("Session summary"))
        x.key(window, "Return")  # saved with no score after
        x.window("^qltimer$")
        x.key(window, "ctrl+q")
        wait_for(lambda: proc.poll() is not None, 30, "qltimer to quit on Ctrl+Q")
    finally:
        err = stop(proc)
    assert "Traceback" not in err, err
    colours, commonest = not_blank(shot)
    assert colours >= 4 and commonest < 0.95, "the advice is drawn"
    keep(shot)
    rows = history_rows(data)
    assert rows[0]["status"] == "ended early" and rows[0]["pain_before"] is None
    assert [(r["exercise"], r["side"], r["reason"], r["stopped_early"]) for r in rows] == [
        ("Side plank", "left", "pain", True)
    ]
    assert 0.5 <= float(rows[0]["actual_seconds"]) <= 2.5  # type: ignore[arg-type]


SPOKEN = """\
title = "Spoken"
get_ready = 6
[[step]]
kind = "hold"
name = "Side plank"
sides = "left"
seconds = 4
cue = [{ at = 1, say = "Hips up" }]
"""


@pytest.mark.skipif(shutil.which("flite") is None, reason="flite (scripts/system-deps.sh)")
def test_a_session_of_your_own_is_spoken_at_the_device_as_qltimer_say_says_it(
    x: Xvfb, tmp_path: Path
) -> None:
    """The voice on (as it is by default), the real app, the real flite, a file as the sound
    card: the get-ready names the exercise, the person's own prompt is said, the counting stays
    recorded, and the result comes after "session complete"; each phrase is byte for byte what
    `qltimer say --output` writes, at the default volume."""
    session = tmp_path / "spoken.toml"
    session.write_text(SPOKEN)
    home, data, capture = tmp_path / "home", tmp_path / "data", tmp_path / "capture.raw"
    acknowledge_safety(data)
    app = start_app(
        ["run", str(session), "--pain", "0"],
        home,
        data,
        display=x.display,
        asoundrc=CAPTURE_RC.format(capture=capture),
    )
    try:
        wait_for(
            lambda: any(r["status"] == "completed" for r in history_rows(data)),
            60,
            "the session to end",
        )
        result = said_by_qltimer(tmp_path, "Left four seconds.")
        wait_for(
            lambda: capture.exists() and capture.stat().st_size >= len(result.scaled(0.8)),
            30,
            "the result to be said",
        )
        wait_for(lambda: result.scaled(0.8) in capture.read_bytes(), 30, "the spoken result")
    finally:
        err = stop(app)
    assert "Traceback" not in err, err
    recorded = load_sounds()
    expected: list[Sound] = [
        said_by_qltimer(tmp_path, "Side plank, left side. Get ready."),
        recorded["count-3"],
        recorded["count-2"],
        recorded["count-1"],
        recorded["go"],
        said_by_qltimer(tmp_path, "Hips up."),
        said_by_qltimer(tmp_path, "Session complete."),
        result,
    ]
    played = capture.read_bytes()
    at = 0
    for sound in expected:
        pcm = sound.scaled(0.8)
        found = played.find(pcm, at)
        assert found == at, f"{sound.name!r}: expected at byte {at}, found at {found}"
        at += len(pcm)
    assert at == len(played), "nothing else was heard"


def said_by_qltimer(tmp_path: Path, text: str) -> Sound:
    """*text* as `qltimer say --output` writes it (a cache of its own: rendered afresh)."""
    out = tmp_path / f"said-{len(list(tmp_path.glob('said-*.wav')))}.wav"
    made = run_cli("say", text, "--output", str(out), env={"XDG_CACHE_HOME": str(tmp_path / "c")})
    assert made.returncode == 0, made.stderr
    with wave.open(str(out)) as w:
        return Sound(text, w.readframes(w.getnframes()), 1, 2, w.getframerate())
