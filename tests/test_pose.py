"""qltimer.pose with the real bundled BlazePose models and real LiteRT inference: no mocks.

Skipped only when the camera extra's runtime (ai_edge_litert) is not installed. The pictures in
tests/data/pose are 640x480: standing.png, drawn by scripts/render_pose_figure.py (facing the
camera); side-plank-left.png (propped on the left forearm, head at the image's right) and
nobody.png (the same room, empty), stills of the mannequin that scripts/render_pose_videos.py draws
for the form-check fixtures.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip(
    "ai_edge_litert.interpreter", reason="the camera extra (ai-edge-litert) is not installed"
)
import numpy as np
from PySide6.QtGui import QImage

from qltimer import pose
from qltimer.pose import LANDMARK_NAMES, PoseEstimator, PoseUnavailable, load_estimator
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "data" / "pose"
FIGURE = FIXTURES / "standing.png"
MODELS = REPO / "assets" / "pose"


def read_rgb(path: Path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine())
    return rows[:, : width * 3].reshape(height, width, 3).copy()


@pytest.fixture(scope="module")
def estimator() -> PoseEstimator:
    return load_estimator()


@pytest.fixture(scope="module")
def figure() -> np.ndarray:
    return read_rgb(FIGURE)


def pixel(p: pose.Pose, name: str) -> tuple[float, float]:
    mark = p.landmarks[LANDMARK_NAMES.index(name)]
    return mark.x * 640, mark.y * 480


def test_the_landmark_names_are_blazepose_s_33() -> None:
    assert len(LANDMARK_NAMES) == 33 == len(set(LANDMARK_NAMES))
    assert LANDMARK_NAMES[0] == "nose"
    assert LANDMARK_NAMES[11:13] == ("left_shoulder", "right_shoulder")
    assert LANDMARK_NAMES[23:29] == (
        "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"
    )  # fmt: skip
    assert LANDMARK_NAMES[-1] == "right_foot_index"


def test_nobody_in_a_blank_or_a_noise_frame(estimator: PoseEstimator) -> None:
    estimator.reset()
    assert estimator.estimate(np.full((480, 640, 3), 200, np.uint8)) is None
    noise = np.random.default_rng(1).integers(0, 256, (480, 640, 3), dtype=np.uint8)
    assert estimator.estimate(noise) is None


def test_nobody_in_the_empty_room(estimator: PoseEstimator) -> None:
    estimator.reset()
    assert estimator.estimate(read_rgb(FIXTURES / "nobody.png")) is None


def test_a_side_plank_reads_as_one(estimator: PoseEstimator) -> None:
    estimator.reset()
    found = estimator.estimate(read_rgb(FIXTURES / "side-plank-left.png"))
    assert found is not None and found.score > 0.9
    at = {name: pixel(found, name) for name in LANDMARK_NAMES}
    # Propped on the left forearm: head at the right, feet at the left, left side the lower one.
    assert at["nose"][0] > at["left_shoulder"][0] > at["left_hip"][0] > at["left_knee"][0]
    assert at["left_knee"][0] > at["left_ankle"][0]
    assert at["left_shoulder"][1] > at["right_shoulder"][1] + 30
    assert at["left_elbow"][1] > at["left_shoulder"][1] + 30  # the elbow under the shoulder
    # A straight body: shoulders, hips and ankles (centres) on one line, within 10 degrees.
    centre = {
        j: np.mean([at[f"left_{j}"], at[f"right_{j}"]], axis=0)
        for j in ("shoulder", "hip", "ankle")
    }
    upper, lower = centre["shoulder"] - centre["hip"], centre["ankle"] - centre["hip"]
    cosine = upper @ lower / (np.linalg.norm(upper) * np.linalg.norm(lower))
    assert np.degrees(np.arccos(cosine)) > 170


def test_the_figure_s_joints_are_where_they_were_drawn(
    estimator: PoseEstimator, figure: np.ndarray
) -> None:
    estimator.reset()
    found = estimator.estimate(figure)
    assert found is not None
    assert len(found.landmarks) == 33
    assert 0.5 <= found.score <= 1
    assert all(0 <= m.visibility <= 1 for m in found.landmarks)
    # Where scripts/render_pose_figure.py drew them (pixels); the figure faces the camera, so its
    # left side is on the image's right.
    drawn = {
        "nose": (320, 80),
        "left_shoulder": (370, 130),
        "right_shoulder": (270, 130),
        "left_hip": (355, 250),
        "right_hip": (285, 250),
        "left_knee": (350, 335),
        "right_knee": (290, 335),
        "left_ankle": (354, 420),
        "right_ankle": (286, 420),
    }
    for name, (x, y) in drawn.items():
        px, py = pixel(found, name)
        assert abs(px - x) < 25 and abs(py - y) < 25, (name, px, py)
    assert found.landmarks[LANDMARK_NAMES.index("left_ankle")].visibility > 0.5


def test_tracking_follows_the_figure_and_reset_forgets_it(
    estimator: PoseEstimator, figure: np.ndarray
) -> None:
    estimator.reset()
    first = estimator.estimate(figure)
    shifted = np.roll(figure, 40, axis=1)  # the figure steps 40 px to the image's right
    tracked = estimator.estimate(shifted)  # ROI from the first frame's landmarks, no detector
    assert first is not None and tracked is not None
    for name in ("left_shoulder", "right_hip", "left_ankle"):
        assert pixel(tracked, name)[0] - pixel(first, name)[0] == pytest.approx(40, abs=6)
    # Nobody: the frame gives None and tracking stops; the same frame again still finds nobody.
    assert estimator.estimate(np.full_like(figure, 90)) is None
    assert estimator.estimate(np.full_like(figure, 90)) is None
    estimator.reset()
    again = estimator.estimate(figure)
    assert again is not None
    assert pixel(again, "nose") == pytest.approx(pixel(first, "nose"), abs=0.01)


def test_any_frame_size_is_taken_and_a_wrong_array_is_refused(
    estimator: PoseEstimator, figure: np.ndarray
) -> None:
    estimator.reset()
    small = figure[::2, ::2]  # 320x240: landmarks stay normalised to the frame
    found = estimator.estimate(small)
    assert found is not None
    nose = found.landmarks[0]
    assert nose.x == pytest.approx(320 / 640, abs=0.04) and nose.y == pytest.approx(
        80 / 480, abs=0.05
    )
    with pytest.raises(ValueError, match="HxWx3 uint8"):
        estimator.estimate(figure.astype(np.float32))
    with pytest.raises(ValueError, match="HxWx3 uint8"):
        estimator.estimate(figure[:, :, 0])
    with pytest.raises(ValueError, match="HxWx3 uint8"):
        estimator.estimate(figure[:0])


def model_dir(tmp_path: Path, detector: bytes | None, landmarks: bytes | None) -> Path:
    """A model folder with the real files, or these bytes in their place (None: no file)."""
    real = {
        pose.DETECTOR_FILE: (MODELS / pose.DETECTOR_FILE).read_bytes(),
        pose.LANDMARK_FILE: (MODELS / pose.LANDMARK_FILE).read_bytes(),
    }
    for name, data in ((pose.DETECTOR_FILE, detector), (pose.LANDMARK_FILE, landmarks)):
        if data is not None:
            (tmp_path / name).write_bytes(real[name] if data == b"real" else data)
    return tmp_path


@pytest.mark.parametrize(
    ("detector", "landmarks", "bad"),
    [
        (None, b"real", pose.DETECTOR_FILE),  # missing
        (b"real", b"", pose.LANDMARK_FILE),  # 0 bytes
        (b"real", b"not a model at all, just some text\n" * 40, pose.LANDMARK_FILE),
        (b"\x1c\x00\x00\x00TFL3" + b"\xff" * 4000, b"real", pose.DETECTOR_FILE),  # looks like one
        ("half", b"real", pose.DETECTOR_FILE),  # truncated
        ("swapped", b"real", pose.DETECTOR_FILE),  # a model, but the wrong one
    ],
)
def test_a_missing_or_damaged_model_file_is_one_plain_line(
    tmp_path: Path, detector: bytes | str | None, landmarks: bytes, bad: str
) -> None:
    real_detector = (MODELS / pose.DETECTOR_FILE).read_bytes()
    if detector == "half":
        detector = real_detector[: len(real_detector) // 2]
    elif detector == "swapped":
        detector = (MODELS / pose.LANDMARK_FILE).read_bytes()
    assert not isinstance(detector, str)
    folder = model_dir(tmp_path, detector, landmarks)
    with pytest.raises(PoseUnavailable) as raised:
        load_estimator(folder)
    message = str(raised.value)
    assert message == f"The pose model file {folder / bad} is missing or damaged."
    assert "\n" not in message


def test_a_missing_folder_and_an_oversized_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PoseUnavailable, match="missing or damaged"):
        load_estimator(tmp_path / "nowhere")
    folder = model_dir(tmp_path, b"real", b"real")
    with (folder / pose.LANDMARK_FILE).open("r+b") as f:
        f.truncate(pose.MAX_MODEL_BYTES + 1)  # sparse: the real model, then zeros past the bound
    with pytest.raises(PoseUnavailable, match=pose.LANDMARK_FILE):
        load_estimator(folder)


def test_without_the_runtime_the_message_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ai_edge_litert.interpreter", None)  # import fails
    with pytest.raises(PoseUnavailable) as raised:
        load_estimator()
    assert str(raised.value) == pose.CAMERA_EXTRA
    assert 'pip install "qltimer[camera]"' in str(raised.value)


def test_without_numpy_the_module_imports_and_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['numpy'] = None\n"  # as if numpy were not installed
        "from qltimer import pose\n"
        "try:\n    pose.load_estimator()\n"
        "except pose.PoseUnavailable as e:\n    print(e)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert run.stdout.strip() == pose.CAMERA_EXTRA, run.stderr


def test_the_bundled_models_are_the_published_ones() -> None:
    """assets/pose/README.md names each file's SHA-256; the files are those."""
    import hashlib

    readme = (MODELS / "README.md").read_text()
    for name in (pose.DETECTOR_FILE, pose.LANDMARK_FILE):
        assert hashlib.sha256((MODELS / name).read_bytes()).hexdigest() in readme
