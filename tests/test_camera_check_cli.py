"""``qltimer camera-check VIDEO`` on the rendered fixture videos: the real command in a child
process, QMediaPlayer decoding the file, the real model and rule; and nothing written anywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.apprun import run_cli
from tests.fixture_render import load_renderer

pytest.importorskip("ai_edge_litert", reason="the camera extra is not installed")

rpv = load_renderer()
pytestmark = pytest.mark.slow  # renders and decodes real video (a few seconds each)


@pytest.fixture(scope="module")
def videos(qapp: object, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture videos, drawn with QPainter: under pytest-qt's QApplication, so the renderer
    never makes a lesser one of its own that the GUI tests after it would find."""
    out = tmp_path_factory.mktemp("videos")
    for scenario, side in (
        ("sag", "left"),
        ("sag", "right"),
        ("straight", "right"),
        ("wobble", "left"),
        ("gap", "right"),
        ("nobody", "left"),
    ):
        rpv.write_video(scenario, side, out / f"{scenario}-{side}.avi")
    return out


def check(video: Path, *extra: str, home: Path) -> tuple[int, str, str]:
    env = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "QLTIMER_DATA_DIR": str(home / "qltimer"),
    }
    done = run_cli("camera-check", str(video), "--speed", "8", *extra, env=env, timeout=120)
    return done.returncode, done.stdout, done.stderr


def lost_at(out: str) -> float:
    m = re.search(r"Form lost at ([0-9.]+) s: the hold would have ended at ([0-9.]+) s", out)
    assert m, out
    return float(m.group(1)), float(m.group(2))  # type: ignore[return-value]


@pytest.mark.parametrize("side", ["left", "right"])
def test_a_sag_is_caught_on_either_side(videos: Path, tmp_path: Path, side: str) -> None:
    code, out, err = check(videos / f"sag-{side}.avi", home=tmp_path)
    assert code == 0, err
    lost, ended = lost_at(out)
    sag = rpv.SCENARIOS["sag"].sag_start
    assert sag <= lost <= sag + 1.0, out  # form went early in the 1 s drop
    assert 1.0 <= ended - sag <= 2.0, out  # ended 1-2 s after the sag began
    assert "170 of 170 frames looked at showed a body line" in out, "10 of the 15 frames a second"
    assert err == "", "FFmpeg's chatter is kept off the terminal"


@pytest.mark.parametrize("name", ["straight-right", "wobble-left", "gap-right"])
def test_straight_a_wobble_or_a_gap_never_end_the_hold(
    videos: Path, tmp_path: Path, name: str
) -> None:
    code, out, err = check(videos / f"{name}.avi", home=tmp_path)
    assert code == 0, err
    assert "Form held to the end: the camera would not have ended the hold." in out


def test_nobody_in_view_is_said_plainly(videos: Path, tmp_path: Path) -> None:
    code, out, _ = check(videos / "nobody-left.avi", home=tmp_path)
    assert code == 0
    assert out.startswith("0 of 100 frames looked at showed a body line")
    assert "Nobody was seen: the camera would not have ended the hold" in out


def test_thresholds_can_be_set(videos: Path, tmp_path: Path) -> None:
    code, out, _ = check(videos / "sag-left.avi", "--drop", "0.2", "--angle", "40", home=tmp_path)
    assert code == 0
    assert "Form held to the end" in out and "hips 0.2 body lengths" in out
    code, _, err = check(videos / "sag-left.avi", "--drop", "0", home=tmp_path)
    assert (code, err) == (1, "qltimer: --drop must be from 0.005 to 0.5\n")
    code, _, err = check(videos / "sag-left.avi", "--after", "0", home=tmp_path)
    assert (code, err) == (1, "qltimer: --after must be from 0.2 to 10\n")
    # Out of line at the end, not for long enough: said, not "form held".
    code, out, _ = check(videos / "sag-left.avi", "--after", "10", home=tmp_path)
    assert code == 0
    assert "Your hips were out of line from 10.6 s to the end, not for the 10 s" in out


def test_a_clip_too_short_to_learn_a_line_says_so(qapp: object, tmp_path: Path) -> None:
    short = rpv.write_video("sag", "left", tmp_path / "short.avi", until=0.6)
    code, out, _ = check(short, home=tmp_path)
    assert code == 0
    assert "The recording is too short: the check needs 1.5 s of your straight line" in out


def test_no_file_or_not_a_video_is_one_line(tmp_path: Path) -> None:
    code, out, err = check(tmp_path / "missing.mp4", home=tmp_path)
    assert (code, out) == (1, "") and err.count("\n") == 1 and "missing.mp4: no such file" in err
    code, _, err = check(tmp_path, home=tmp_path)
    assert code == 1 and err.endswith(": is a folder, not a video file\n")
    (tmp_path / "empty.mp4").write_bytes(b"")
    code, _, err = check(tmp_path / "empty.mp4", home=tmp_path)
    assert code == 1 and err.endswith("empty.mp4: is empty\n")
    junk = tmp_path / "notes.avi"
    junk.write_bytes(b"not a video at all\n" * 100)
    code, out, err = check(junk, home=tmp_path)
    assert code == 1 and err.count("\n") == 1, err
    assert "notes.avi" in err


def test_no_picture_is_written_anywhere(videos: Path, tmp_path: Path) -> None:
    """Private by construction: after a check, the home, data, config and cache folders hold
    no file at all (the command reads its settings, writes nothing)."""
    home = tmp_path / "home"
    home.mkdir()
    code, _, _ = check(videos / "sag-left.avi", home=home)
    assert code == 0
    assert [p for p in home.rglob("*") if p.is_file()] == []
