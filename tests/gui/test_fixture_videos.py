"""The camera form-check fixture videos (scripts/render_pose_videos.py) and Qt's decode path.

The videos are rendered into tmp_path, never committed. The player test is the path
`qltimer camera-check VIDEO` takes: QMediaPlayer (FFmpeg backend) -> QVideoSink, no audio output.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame, QVideoSink
from pytestqt.qtbot import QtBot

from tests.fixture_render import load_renderer

REPO = Path(__file__).resolve().parents[2]


rpv = load_renderer()


def test_scenarios_ground_truth() -> None:
    sag = rpv.SCENARIOS["sag"]
    assert sag.sag_start == 10.0
    assert sag.hip_drop_cm(9.99) == 0.0
    assert 0.0 < sag.hip_drop_cm(10.5) < 12.0
    assert sag.hip_drop_cm(11.0) == sag.hip_drop_cm(16.9) == 12.0
    wobble = rpv.SCENARIOS["wobble"]
    assert wobble.sag_start is None
    assert wobble.hip_drop_cm(10.25) == 12.0
    assert wobble.hip_drop_cm(10.5) == 0.0
    gap = rpv.SCENARIOS["gap"]
    assert gap.person_present(5.99) and not gap.person_present(6.0)
    assert not gap.person_present(9.99) and gap.person_present(10.0)
    assert not any(rpv.SCENARIOS["nobody"].person_present(t) for t in (0.0, 5.0, 9.99))
    assert {name: s.frame_count() for name, s in rpv.SCENARIOS.items()} == {
        "straight": 300,
        "sag": 255,
        "wobble": 278,
        "gap": 270,
        "nobody": 150,
    }


def test_hip_drop_moves_the_hips_down_by_the_centimetres_asked(qapp: object) -> None:
    """12 cm of the figure is 12 * PX_PER_CM pixels straight down; shoulders and feet stay."""
    for side in rpv.SIDES:
        before = rpv.joints("sag", side, 5.0)
        after = rpv.joints("sag", side, 14.0)
        for name in ("left_hip", "right_hip"):
            dx = after[name][0] - before[name][0]
            dy = after[name][1] - before[name][1]
            assert dy == pytest.approx(12.0 * rpv.PX_PER_CM, abs=1.0)  # shake is under 1 px
            assert abs(dx) < 1.0
        for name in ("left_shoulder", "right_shoulder", "left_ankle", "right_ankle"):
            assert after[name][1] == pytest.approx(before[name][1], abs=1.0)
    # "left": propped on the left forearm, head to the right of the picture
    left = rpv.joints("straight", "left", 0.0)
    assert left["left_shoulder"][1] > left["right_shoulder"][1]  # the left one is lower
    assert left["nose"][0] > left["left_ankle"][0]
    right = rpv.joints("straight", "right", 0.0)
    assert right["right_shoulder"][1] > right["left_shoulder"][1]
    assert right["nose"][0] < right["right_ankle"][0]
    assert rpv.joints("gap", "left", 7.0) is None


def test_avi_is_well_formed_and_deterministic(qapp: object, tmp_path: Path) -> None:
    a = rpv.write_video("gap", "right", tmp_path / "a.avi", until=0.4)
    b = rpv.write_video("gap", "right", tmp_path / "b.avi", until=0.4)
    data = a.read_bytes()
    assert data == b.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"AVI "
    assert struct.unpack_from("<I", data, 4)[0] == len(data) - 8
    frames = rpv.read_avi_frames(data)
    assert len(frames) == 6  # 0.4 s at 15 frames/s
    assert all(f[:2] == b"\xff\xd8" and f[-2:] == b"\xff\xd9" for f in frames)  # whole JPEGs
    image = QImage.fromData(frames[0])
    assert (image.width(), image.height()) == (640, 480)
    assert data.index(b"idx1") > data.index(b"movi")
    assert b"MJPG" in data[: data.index(b"movi")]


@pytest.mark.qt_log_ignore(
    # Where there is no VA-API (most CI machines) the FFmpeg backend says so while it looks for a
    # hardware decoder, and offscreen has no GPU for QVideoFrame.toImage(): both are warnings.
    r"Couldn't (load|resolve) va",
    r"No RHI backend\. Using CPU conversion",
    extend=True,
)
def test_qmediaplayer_delivers_every_frame_with_its_time(qtbot: QtBot, tmp_path: Path) -> None:
    video = rpv.write_video("sag", "left", tmp_path / "sag-left.avi", until=2.0)
    player = QMediaPlayer()
    sink = QVideoSink()
    player.setVideoOutput(sink)  # no audio output: the videos have no sound, and none is needed
    starts: list[int] = []
    sizes: set[tuple[int, int]] = set()

    def on_frame(frame: QVideoFrame) -> None:
        if frame.isValid():
            starts.append(frame.startTime())
            image = frame.toImage()
            sizes.add((image.width(), image.height()))

    sink.videoFrameChanged.connect(on_frame)
    # Every frame arrives at 1x, 4x and 8x alike (and the player waits for a slow slot rather
    # than drop frames), so run it through at 8x: 2 s of video in a quarter of a second.
    player.setPlaybackRate(8.0)
    with qtbot.waitSignal(
        player.mediaStatusChanged,
        timeout=15_000,
        check_params_cb=lambda status: status == QMediaPlayer.MediaStatus.EndOfMedia,
    ):
        player.setSource(QUrl.fromLocalFile(str(video)))
        player.play()
    assert player.error() == QMediaPlayer.Error.NoError
    assert starts == [round(i * 1_000_000 / 15) for i in range(30)]
    assert sizes == {(640, 480)}
