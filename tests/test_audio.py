"""Cue sounds through the real simpleaudio and ALSA, with ALSA pointed at a file."""

from __future__ import annotations

import array
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from qltimer import audio
from qltimer.audio import (
    STALE_AFTER,
    SilentPlayer,
    SimpleaudioPlayer,
    Sound,
    load_sounds,
    scale_all,
)
from qltimer.script import CUE_SOUNDS
from tests.apprun import CAPTURE_RC, NO_DEVICE_RC, run_cli
from tests.conftest import REPO
from tests.helpers import FakeClock


def run_with_alsa(home: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run *code* in a fresh interpreter whose ALSA reads *home*/.asoundrc (read once at start)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
    )


def test_every_sound_a_session_may_name_is_shipped() -> None:
    sounds = load_sounds()
    assert set(CUE_SOUNDS) <= set(sounds)
    for sound in sounds.values():
        assert sound.rate == 22050 and sound.channels == 1 and sound.sample_width == 2
        assert 0.05 <= sound.seconds <= 3.0, sound.name
    for n in (1, 2, 3):
        assert sounds[f"count-{n}"].seconds < 0.9, "a count must end before the next one"


def test_the_cues_the_app_plays_outside_sessions_are_shipped() -> None:
    sounds = load_sounds()
    for name in ("left-hand", "right-hand", "paused", "resumed", "stopped", "lap"):
        assert name in sounds and 0.05 <= sounds[name].seconds <= 1.0, name
    assert sounds["lap"].seconds <= 0.15 and sounds["lap"].pcm != sounds["tick"].pcm


def test_volume_scales_the_samples() -> None:
    go = load_sounds()["go"]
    full = array.array("h", go.pcm)
    half = array.array("h", go.scaled(0.5))
    assert len(full) == len(half)
    assert max(abs(s) for s in half) == max(abs(s) for s in full) // 2
    assert go.scaled(1.0) is go.pcm


def test_cues_reach_the_sound_device_in_order(tmp_path: Path) -> None:
    capture = tmp_path / "capture.raw"
    (tmp_path / ".asoundrc").write_text(CAPTURE_RC.format(capture=capture))
    order = ["left-side", "count-3", "count-2", "count-1", "go", "halfway", "done", "complete"]
    done = run_with_alsa(
        tmp_path,
        f"""
        from qltimer.audio import load_sounds, SimpleaudioPlayer
        player = SimpleaudioPlayer(load_sounds(), volume=0.8)
        for name in {order!r}:
            player.play(name)
        player.close()
        print(player.notice)
        print(",".join(p.name for p in player.log))
    """,
    )
    assert done.returncode == 0, done.stderr
    notice, played = done.stdout.splitlines()
    assert notice == "None" and played.split(",") == order
    data = capture.read_bytes()
    sounds = load_sounds()
    at = 0
    for name in order:
        pcm = sounds[name].scaled(0.8)
        found = data.find(pcm, at)
        assert found == at, f"{name} expected at byte {at}, found at {found}"
        at = found + len(pcm)
    assert at == len(data), "nothing else was played"


def test_no_sound_device_gives_a_notice_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / ".asoundrc").write_text(NO_DEVICE_RC)
    done = run_with_alsa(
        tmp_path,
        """
        import time
        from qltimer.audio import load_sounds, SimpleaudioPlayer
        player = SimpleaudioPlayer(load_sounds())
        t0 = time.monotonic()
        player.play("go")
        player.play("done")
        asked = time.monotonic() - t0
        player.close()
        player.play("rest")  # after the failure: ignored, still no error
        print(f"{asked:.4f}")
        print(player.notice)
    """,
    )
    assert done.returncode == 0, done.stderr
    asked, notice = done.stdout.splitlines()
    assert float(asked) < 0.05, "play() never waits for the device"
    assert notice.startswith("No sound: the sound device could not be opened")
    assert "Cues are shown on screen" in notice


def test_the_silent_player_keeps_the_interface() -> None:
    player = SilentPlayer(reason="No sound: testing")
    player.play("go")
    assert player.asked == ["go"] and player.notice == "No sound: testing"


# -- sounds due together, the volume, and waiting for a sound's end --------------------------

TRUNCATING_RC = """\
pcm.!default {{
    type file
    slave.pcm "null"
    file "{capture}"
    format "raw"
}}
"""


def test_the_fast_volume_table_gives_the_reference_bytes() -> None:
    sounds = load_sounds()
    for volume in (0.0, 0.33, 0.5, 0.8, 1.0):
        scaled = scale_all(sounds, volume)
        assert scaled.keys() == sounds.keys()
        assert all(scaled[n] == s.scaled(volume) for n, s in sounds.items()), volume


def test_sounds_played_together_reach_the_device_in_one_call(tmp_path: Path) -> None:
    """A plain ``file`` capture is truncated by every device call: it keeps only the last one."""
    sounds = load_sounds()
    halfway, prompt = sounds["halfway"].scaled(0.8), sounds["shift-ball"].scaled(0.8)
    captured = {}
    for how in ("together", "apart"):
        home = tmp_path / how
        home.mkdir()
        capture = home / "capture.raw"
        (home / ".asoundrc").write_text(TRUNCATING_RC.format(capture=capture))
        call = (
            'player.play_together(["halfway", "shift-ball"], due=1.0)'
            if how == "together"
            else 'player.play("halfway", due=1.0); player.play("shift-ball", due=1.0)'
        )
        done = run_with_alsa(
            home,
            f"""
            from qltimer.audio import load_sounds, SimpleaudioPlayer
            player = SimpleaudioPlayer(load_sounds(), volume=0.8)
            {call}
            player.close()
            print(player.notice)
            print(" ".join(f"{{p.name}}@{{p.offset:.3f}}" for p in player.log))
            print(len({{p.started for p in player.log}}))
        """,
        )
        assert done.returncode == 0, done.stderr
        notice, log, calls = done.stdout.splitlines()
        assert notice == "None"
        captured[how] = (capture.read_bytes(), log, int(calls))
    offset = f"{sounds['halfway'].seconds:.3f}"
    assert captured["together"] == (halfway + prompt, f"halfway@0.000 shift-ball@{offset}", 1)
    assert captured["apart"] == (prompt, "halfway@0.000 shift-ball@0.000", 2)  # the control


def test_done_and_switch_sides_due_together_put_only_switch_sides_on_the_device(
    tmp_path: Path,
) -> None:
    capture = tmp_path / "capture.raw"
    (tmp_path / ".asoundrc").write_text(CAPTURE_RC.format(capture=capture))
    done = run_with_alsa(
        tmp_path,
        """
        from qltimer.audio import load_sounds, SimpleaudioPlayer
        from qltimer.cuemix import mix_cues
        from qltimer.engine import CueDue, Run, expand
        from tests.helpers import FakeClock, session_from
        from tests.test_cuemix import MIX

        clock = FakeClock()
        run = Run(expand(session_from(MIX)), clock)
        run.start()
        while True:  # on to the end of the first side, one engine call at a time
            clock.now = run.next_due()
            events = run.advance()
            if any(isinstance(e, CueDue) and e.cue.sound == "done" for e in events):
                break
        print(",".join(e.cue.sound for e in events if isinstance(e, CueDue)))
        player = SimpleaudioPlayer(load_sounds(), volume=0.8)
        for said in mix_cues(events):
            player.play_together(said.names, due=said.due)
        player.close()
        print(",".join(p.name for p in player.log))
    """,
    )
    assert done.returncode == 0, done.stderr
    due, played = done.stdout.splitlines()
    assert due == "done,switch-sides" and played == "switch-sides"
    assert capture.read_bytes() == load_sounds()["switch-sides"].scaled(0.8)


RATE = 22050


def tone(name: str, seconds: float, rate: int = RATE) -> Sound:
    frames = round(seconds * rate)
    return Sound(name, array.array("h", [1000] * frames).tobytes(), 1, 2, rate)


class FakeHandle:
    """A playing sound that the device says is done ``tail`` s after its known end."""

    def __init__(self, done_at: float) -> None:
        self.done_at = done_at
        self.asked: list[float] = []

    def is_playing(self) -> bool:
        now = time.monotonic()
        self.asked.append(now)
        return now < self.done_at


@dataclass
class FakeCall:
    pcm: bytes
    rate: int
    returned: float
    handle: FakeHandle


class FakeBackend:
    """simpleaudio's ``play_buffer`` without a device: it records each call and its handle."""

    def __init__(self, calls_wanted: int, tail: float = 0.004) -> None:
        self.calls: list[FakeCall] = []
        self.tail = tail
        self.enough = threading.Event()
        self.calls_wanted = calls_wanted
        self.before_return: Callable[[], object] = lambda: None

    def play_buffer(self, pcm: bytes, channels: int, width: int, rate: int) -> FakeHandle:
        self.before_return()
        now = time.monotonic()
        handle = FakeHandle(now + len(pcm) / (channels * width * rate) + self.tail)
        self.calls.append(FakeCall(pcm, rate, now, handle))
        if len(self.calls) >= self.calls_wanted:
            self.enough.set()
        return handle


def fake_player(
    backend: FakeBackend, *names: str, volume: float = 1.0, clock: Callable[[], float] | None = None
) -> SimpleaudioPlayer:
    sounds = {n: tone(n, 0.03) for n in ("chime", *names)}
    return SimpleaudioPlayer(sounds, volume=volume, backend=backend, clock=clock or time.monotonic)


def test_the_next_sound_waits_for_the_known_end_not_for_a_poll() -> None:
    backend = FakeBackend(calls_wanted=2)
    player = fake_player(backend, "a", "b")
    player.play("a", due=1.0)
    player.play("b", due=1.0)
    assert backend.enough.wait(5.0)
    player.close()
    first, second = backend.calls
    known_end = first.returned + 0.03
    # Nothing asked the device before the sound's known end: one timed wait, no polling.
    assert first.handle.asked and min(first.handle.asked) >= known_end
    # The tail was confirmed in a few short steps, and the next sound began only once it ended.
    assert len(first.handle.asked) <= 2 + backend.tail / SimpleaudioPlayer.TAIL_STEP
    assert second.returned >= first.handle.done_at
    assert [p.name for p in player.log] == ["a", "b"]


def test_a_device_that_never_says_done_holds_the_queue_for_a_bounded_time() -> None:
    backend = FakeBackend(calls_wanted=2, tail=60.0)
    player = fake_player(backend, "a", "b")
    player.TAIL_LIMIT = 0.02
    player.play("a")
    player.play("b")
    assert backend.enough.wait(5.0)
    player.close()
    first, second = backend.calls
    assert first.returned + 0.03 + 0.02 <= second.returned < first.handle.done_at


def test_sounds_in_one_format_go_in_one_buffer_and_others_follow() -> None:
    backend = FakeBackend(calls_wanted=2)
    sounds = {"chime": tone("chime", 0.01), "a": tone("a", 0.01), "b": tone("b", 0.02)}
    sounds["wide"] = tone("wide", 0.01, rate=16000)
    player = SimpleaudioPlayer(sounds, backend=backend)
    player.play_together(["a", "b", "nonesuch", "wide"], due=2.0)
    player.play_together((), due=3.0)  # nothing to say: nothing queued
    assert backend.enough.wait(5.0)
    player.close()
    joined, wide = backend.calls
    assert joined.pcm == sounds["a"].pcm + sounds["b"].pcm + sounds["chime"].pcm
    assert (joined.rate, wide.rate, wide.pcm) == (RATE, 16000, sounds["wide"].pcm)
    assert [(p.name, p.offset, p.due) for p in player.log] == [
        ("a", 0.0, 2.0),
        ("b", sounds["a"].seconds, 2.0),
        (
            "chime",
            sounds["a"].seconds + sounds["b"].seconds,
            2.0,
        ),  # an unknown name falls back to the chime
        ("wide", 0.0, 2.0),
    ]


def test_volume_is_scaled_when_set_not_when_a_cue_is_due(monkeypatch: pytest.MonkeyPatch) -> None:
    scalings: list[float] = []

    def counted(sounds: dict[str, Sound], volume: float) -> dict[str, bytes]:
        scalings.append(volume)
        return scale_all(sounds, volume)

    monkeypatch.setattr(audio, "scale_all", counted)
    backend = FakeBackend(calls_wanted=4, tail=0.0)
    player = fake_player(backend, "a", "b", volume=0.8)
    player.play_together(["a", "b"])
    player.play_together(["a", "b"])
    player.volume = 0.8  # the same level: nothing to do
    player.volume = 0.5
    player.play("a")
    player.play_together(["a", "b"])
    assert backend.enough.wait(5.0)
    player.close()
    assert scalings == [0.8, 0.5]
    first, again, quieter, joined = backend.calls
    assert again.pcm is first.pcm, "a joined utterance is made once"
    assert quieter.pcm == tone("a", 0.03).scaled(0.5)
    assert joined.pcm == tone("a", 0.03).scaled(0.5) + tone("b", 0.03).scaled(0.5)


def test_a_cue_kept_waiting_too_long_is_dropped() -> None:
    clock = FakeClock()
    backend = FakeBackend(calls_wanted=1)
    player = fake_player(backend, "slow", "next", clock=clock)

    both_asked = threading.Event()

    def slow_device() -> None:
        both_asked.wait(5.0)
        clock.tick(STALE_AFTER + 0.5)  # the device took that long to open, by this clock

    backend.before_return = slow_device
    player.play("slow")
    player.play("next")
    both_asked.set()
    player.close()  # returns once the worker has gone through the queue
    assert [(p.name, p.started is None) for p in player.log] == [("slow", False), ("next", True)]
    assert len(backend.calls) == 1


def test_the_silent_player_takes_sounds_together() -> None:
    player = SilentPlayer()
    player.play_together(["halfway", "shift-ball"], due=3.0)
    assert player.asked == ["halfway", "shift-ball"]


def test_a_spoken_prompt_reaches_the_device_as_qltimer_say_writes_it(tmp_path: Path) -> None:
    """The person's own prompt, rendered by flite and added to the player, is what the ALSA
    device gets, sample for sample, at the volume set: the same audio `qltimer say --output`
    writes."""
    import shutil
    import wave

    if shutil.which("flite") is None:
        pytest.skip("flite is not installed")
    capture = tmp_path / "capture.raw"
    (tmp_path / ".asoundrc").write_text(CAPTURE_RC.format(capture=capture))
    said = tmp_path / "hips.wav"
    made = run_cli(
        "say", "Hips up", "--output", str(said), env={"XDG_CACHE_HOME": str(tmp_path / "c1")}
    )
    assert made.returncode == 0, made.stderr
    done = run_with_alsa(
        tmp_path,
        f"""
        import os
        os.environ["XDG_CACHE_HOME"] = {str(tmp_path / "c2")!r}
        from qltimer.audio import load_sounds, SimpleaudioPlayer
        from qltimer.speech import render
        player = SimpleaudioPlayer(load_sounds(), volume=0.6)
        player.add_sounds({{"say:Hips up": render("Hips up")}})
        player.play("say:Hips up")
        player.close()
        print(player.notice)
    """,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"
    with wave.open(str(said)) as w:
        from qltimer.audio import Sound

        sound = Sound("hips", w.readframes(w.getnframes()), 1, 2, w.getframerate())
    assert capture.read_bytes() == sound.scaled(0.6)


def test_a_spoken_phrase_and_a_recorded_cue_due_together_go_in_one_buffer(
    tmp_path: Path,
) -> None:
    """Speech is made at the recorded cues' rate, so "Done. Switch to your right side." style
    pairs are one device call: nothing queues behind anything."""
    import shutil

    from qltimer import speech

    if shutil.which("flite") is None:
        pytest.skip("flite is not installed")
    backend = FakeBackend(calls_wanted=1, tail=0.0)
    player = SimpleaudioPlayer(load_sounds(), backend=backend)
    spoken = speech.render("Switch to your right side.", cache=tmp_path)
    assert spoken.rate == load_sounds()["done"].rate
    player.add_sounds({"say:switch": spoken})
    player.play_together(["done", "say:switch"])
    assert backend.enough.wait(5.0)
    player.close()
    (call,) = backend.calls
    assert len(call.pcm) == len(load_sounds()["done"].pcm) + len(spoken.pcm)


def test_a_phrase_added_again_in_a_new_voice_is_what_plays_next() -> None:
    """Sound > Voice: the same words in another voice come under the same name; the player
    plays the new sound from then on, alone or joined with a cue (it had kept the old joined
    buffer: the sample and the next session stayed in the first voice)."""
    backend = FakeBackend(calls_wanted=4)
    player = fake_player(backend, "go")
    old, new = tone("say:Go on", 0.02), tone("say:Go on", 0.03)
    player.add_sounds({"say:Go on": old})
    player.play_together(["say:Go on"])
    player.play_together(["say:Go on", "go"])
    player.add_sounds({"say:Go on": new})
    player.play_together(["say:Go on"])
    player.play_together(["say:Go on", "go"])
    assert backend.enough.wait(5.0)
    player.close()
    go = player.sounds["go"].pcm
    assert [c.pcm for c in backend.calls] == [old.pcm, old.pcm + go, new.pcm, new.pcm + go]


def test_a_phrase_let_go_gives_its_memory_back_and_a_recorded_cue_is_never_let_go() -> None:
    backend = FakeBackend(calls_wanted=3)
    player = fake_player(backend, "go")
    held = tone("say:Forty seconds.", 0.02)
    player.add_sounds({"say:Forty seconds.": held})
    player.play_together(["say:Forty seconds."])
    player.forget(["say:Forty seconds.", "go"])
    player.play_together(["say:Forty seconds."])  # gone: the chime, as for any unknown name
    player.play_together(["go"])
    assert backend.enough.wait(5.0)
    player.close()
    chime, go = player.sounds["chime"].pcm, player.sounds["go"].pcm
    assert [c.pcm for c in backend.calls] == [held.pcm, chime, go]
    assert "say:Forty seconds." not in player.sounds
