"""Speaking a phrase with flite (issue 12, first part): the real engine where it is installed
(`make test` installs it on Debian/Ubuntu), a real cache folder, the real `qltimer say`."""

from __future__ import annotations

import time
import wave
from pathlib import Path

import pytest

from qltimer import speech
from tests.apprun import run_cli

needs_flite = pytest.mark.skipif(speech.engine_path() is None, reason="flite is not installed")


@needs_flite
@pytest.mark.parametrize(
    "text",
    ["Next: side plank, right side. Get ready.", "Hips up", "forty-seven seconds", "three"],
)
def test_a_phrase_renders_to_speech_as_long_as_its_words(tmp_path: Path, text: str) -> None:
    sound = speech.render(text, cache=tmp_path)
    words = len(text.split())
    assert sound.sample_width == 2 and sound.channels == 1 and sound.rate >= 8000
    assert 0.15 * words <= sound.seconds <= 1.0 * words + 1.0, sound.seconds
    peak = max(
        abs(int.from_bytes(sound.pcm[i : i + 2], "little", signed=True))
        for i in range(0, len(sound.pcm), 200)
    )
    assert peak > 1000, "not silence"


@needs_flite
def test_a_second_render_comes_from_the_cache_and_the_rate_changes_the_length(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = speech.render("Switch to your right side.", cache=tmp_path)
    assert len(list(tmp_path.glob("*.wav"))) == 1
    monkeypatch.setenv("PATH", "")  # no engine any more: only the cache can answer
    assert speech.engine_path() is None
    again = speech.render("Switch to your right side.", cache=tmp_path)
    assert again.pcm == first.pcm
    with pytest.raises(speech.SpeechError, match="no speech engine is installed"):
        speech.render("Something new", cache=tmp_path)
    monkeypatch.undo()
    slow = speech.render("Switch to your right side.", rate=0.8, cache=tmp_path)
    assert slow.seconds > first.seconds * 1.1


def _fake_engine(folder: Path, body: str) -> None:
    program = folder / "flite"
    program.write_text(f"#!/bin/sh\n{body}\n")
    program.chmod(0o755)


def test_an_engine_that_hangs_or_fails_costs_that_phrase_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    _fake_engine(bin_dir, "exec /bin/sleep 30")
    began = time.monotonic()
    with pytest.raises(speech.SpeechError, match=r"took over 0\.5 s and was stopped"):
        speech.render("Get ready", cache=tmp_path / "c", timeout=0.5)
    assert time.monotonic() - began < 5
    # An engine (or a wrapper script) that started a child of its own: both are stopped.
    pid_file = tmp_path / "child.pid"
    _fake_engine(bin_dir, f"/bin/sleep 30 & echo $! > {pid_file}; wait")
    began = time.monotonic()
    with pytest.raises(speech.SpeechHang):
        speech.render("Get ready", cache=tmp_path / "c", timeout=0.5)
    assert time.monotonic() - began < 5, "waited for the engine's child to end by itself"
    child = Path(f"/proc/{pid_file.read_text().strip()}/stat")
    deadline = time.monotonic() + 5
    while child.exists() and ") Z " not in child.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)  # a killed process, waiting to be reaped by init
    assert not child.exists() or ") Z " in child.read_text(), "the engine's child was left"
    _fake_engine(bin_dir, "echo 'Segmentation fault' >&2; exit 139")
    with pytest.raises(speech.SpeechError, match=r"failed \(exit 139: Segmentation fault\)"):
        speech.render("Get ready", cache=tmp_path / "c")
    _fake_engine(bin_dir, "exit 0")  # says it worked, wrote nothing
    with pytest.raises(speech.SpeechError, match="gave no sound"):
        speech.render("Get ready", cache=tmp_path / "c")
    assert not list((tmp_path / "c").glob("*.wav")), "nothing bad is cached"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Hips up!", "Hips up!"),
        ("  lots\tof\n  space ", "lots of space"),
        ("%%% ### ***", ""),
        ("left/right (both)", "left right both"),
        ("a\x00b\x1bc", "a b c"),
        ("word " * 100, ("word " * 40).strip()),
    ],
)
def test_what_can_be_said_is_kept_and_the_rest_dropped(text: str, said: str) -> None:
    assert speech.sayable(text) == said


def test_nothing_sayable_is_refused_plainly(tmp_path: Path) -> None:
    with pytest.raises(speech.SpeechError, match="nothing in '%%%' can be said"):
        speech.render("%%%", cache=tmp_path)


@needs_flite
def test_qltimer_say_writes_the_same_speech_as_the_app_renders(tmp_path: Path) -> None:
    out = tmp_path / "hips.wav"
    done = run_cli(
        "say", "Hips up", "--output", str(out), env={"XDG_CACHE_HOME": str(tmp_path / "cache")}
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.endswith(f"s of speech written to {out}\n")
    with wave.open(str(out)) as w:
        pcm = w.readframes(w.getnframes())
    assert pcm == speech.render("Hips up", cache=tmp_path / "other").pcm


def test_both_resamplers_give_the_same_voice_at_the_cues_rate() -> None:
    """audioop's C resampler (Python 3.11, 3.12) and the Python loop (3.13 on) agree: the same
    length and the same tone, so a phrase sounds the same on either."""
    import array
    import math

    tone = array.array(
        "h", (int(8000 * math.sin(2 * math.pi * 440 * i / 16000)) for i in range(16000))
    )
    pcm = tone.tobytes()
    slow = array.array("h", speech.resample_slowly(pcm, 16000, speech.RATE))
    fast = array.array("h", speech.resample(pcm, 16000, speech.RATE))
    assert abs(len(fast) - len(slow)) <= 2 and abs(len(slow) - speech.RATE) <= 2
    n = min(len(fast), len(slow)) - 50
    worst = max(abs(fast[i] - slow[i]) for i in range(50, n))
    assert worst < 400, worst  # of 8000: the same tone, within rounding and a sample's shift
