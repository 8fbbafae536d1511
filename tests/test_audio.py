"""Cue sounds through the real simpleaudio and ALSA, with ALSA pointed at a file."""

from __future__ import annotations

import array
import subprocess
import sys
import textwrap
from pathlib import Path

from qltimer.audio import SilentPlayer, load_sounds
from qltimer.script import CUE_SOUNDS
from tests.apprun import CAPTURE_RC, NO_DEVICE_RC
from tests.conftest import REPO


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
