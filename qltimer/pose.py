"""On-device body pose from a camera frame: MediaPipe's BlazePose models run by LiteRT.

Two models, bundled unmodified in ``assets/pose`` (see its README): a detector (224x224 input)
that finds a person and two keypoints, and the "full" landmark model (256x256 input) that gives
33 landmarks inside a rotated square region of interest (ROI). The decoding follows MediaPipe
0.10.21's graphs (pose_detection_cpu, pose_detection_to_roi, pose_landmark_by_roi_cpu,
pose_landmarks_to_roi) with the options of ``mp.solutions.pose.Pose(smooth_landmarks=False)``:

- detection: SSD anchors, box and keypoint decoding, score threshold 0.5, weighted NMS (the
  detections overlapping the best one by IoU > 0.3 are averaged, weighted by score); only the best
  person is kept, as MediaPipe does;
- ROI: centred on the hip-centre keypoint, side = 2 x its distance to the scale keypoint x 1.25,
  turned so the hips-to-scale vector points up;
- landmarks: crop (bilinear, like OpenCV's warp), decode, refine from the heatmaps, map back;
- tracking: the next frame's ROI comes from this frame's two alignment landmarks; the detector
  runs again only after a frame whose pose-presence score fell below 0.5 (that frame gives None).
  MediaPipe also passes those two points through a one-euro filter (30 frames/s assumed) first;
  we don't (no timestamps here), so a tracked frame can differ by a pixel or two, and after a
  sudden jump we may lose the person for one frame where MediaPipe's lagging ROI holds on.

bench/pose_agreement.py compares the landmarks with MediaPipe's own; bench/pose_bench.py times it.

The camera extra (``ai-edge-litert`` and ``numpy``) is optional: without it, or without intact
model files, :func:`load_estimator` raises :class:`PoseUnavailable` with one plain line.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import numpy as np
    import numpy.typing as npt
except ImportError:  # the camera extra is absent: load_estimator says so
    np = None  # type: ignore[assignment]

from qltimer import paths

LANDMARK_NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
)  # fmt: skip

DETECTOR_FILE = "pose_detection.tflite"
LANDMARK_FILE = "pose_landmark_full.tflite"
MAX_MODEL_BYTES = 32 * 1024 * 1024  # the two files are 3 and 6.4 MB
CAMERA_EXTRA = 'The camera check needs the camera extra: pip install "qltimer[camera]".'

DETECTOR_SIZE = 224
LANDMARK_SIZE = 256
MIN_DETECTION_SCORE = 0.5  # Pose(min_detection_confidence=0.5)
MIN_PRESENCE = 0.5  # Pose(min_tracking_confidence=0.5)
NMS_MIN_IOU = 0.3
ROI_SCALE = 1.25
HEATMAP_KERNEL = 7
MIN_HEATMAP_CONFIDENCE = 0.5

Roi = tuple[float, float, float, float]  # centre x, centre y, side (pixels), rotation (radians)


class PoseUnavailable(Exception):
    """One plain line for the person, e.g. 'The camera check needs the camera extra: ...'."""


@dataclass(frozen=True, slots=True)
class Landmark:
    x: float  # 0..1 of the image width
    y: float  # 0..1 of the image height, downwards
    visibility: float  # 0..1


@dataclass(frozen=True, slots=True)
class Pose:
    landmarks: tuple[Landmark, ...]  # 33, in LANDMARK_NAMES order
    score: float  # the landmark model's pose-presence score, 0..1


def load_estimator(model_dir: Path | None = None) -> PoseEstimator:
    """An estimator over the two model files in *model_dir* (default: the bundled ones)."""
    if np is None:
        raise PoseUnavailable(CAMERA_EXTRA)
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        raise PoseUnavailable(CAMERA_EXTRA) from None
    if model_dir is None:
        try:
            model_dir = paths.assets_dir() / "pose"
        except paths.ResourceMissingError as e:
            raise PoseUnavailable(str(e)) from None
    detector = _load_model(Interpreter, model_dir / DETECTOR_FILE, [(1, 2254, 12), (1, 2254, 1)])
    landmarker = _load_model(
        Interpreter, model_dir / LANDMARK_FILE, [(1, 195), (1, 1), (1, 64, 64, 39)]
    )
    return PoseEstimator(detector, landmarker)


class _Model:
    """One LiteRT interpreter, its outputs picked by shape (their names and order vary)."""

    def __init__(self, interpreter: Any, outputs: list[tuple[int, ...]]) -> None:
        self.interpreter = interpreter
        self.input = interpreter.get_input_details()[0]["index"]
        by_shape = {tuple(d["shape"]): d["index"] for d in interpreter.get_output_details()}
        self.outputs = [by_shape[shape] for shape in outputs]

    def run(self, tensor: npt.NDArray[np.float32]) -> list[Any]:
        """The outputs for one input image (batch dimension dropped)."""
        batch = np.ascontiguousarray(tensor[np.newaxis], dtype=np.float32)
        self.interpreter.set_tensor(self.input, batch)
        self.interpreter.invoke()
        return [self.interpreter.get_tensor(i)[0] for i in self.outputs]


def _load_model(interpreter_class: Any, path: Path, outputs: list[tuple[int, ...]]) -> _Model:
    """*path* read (at most MAX_MODEL_BYTES) and checked to be the model with these outputs."""
    damaged = PoseUnavailable(f"The pose model file {path} is missing or damaged.")
    try:
        with path.open("rb") as f:
            too_big = os.fstat(f.fileno()).st_size > MAX_MODEL_BYTES
            data = b"" if too_big else f.read(MAX_MODEL_BYTES + 1)  # bounded even if it grew
    except OSError:
        raise damaged from None
    if len(data) > MAX_MODEL_BYTES or data[4:8] != b"TFL3":  # the flatbuffer's identifier
        raise damaged
    try:
        interpreter = interpreter_class(model_content=data, num_threads=1)
        interpreter.allocate_tensors()
        return _Model(interpreter, outputs)
    except Exception:  # a bad flatbuffer (ValueError, RuntimeError) or another model (KeyError)
        raise damaged from None


class PoseEstimator:
    """Finds one person's pose in successive frames of one camera; use from one thread."""

    def __init__(self, detector: _Model, landmarker: _Model) -> None:
        self._detector = detector
        self._landmarker = landmarker
        self._anchors = _anchors()
        self._roi: Roi | None = None  # from the previous frame's landmarks, when tracking

    def reset(self) -> None:
        """Forget the previous frame: the next one starts with the detector."""
        self._roi = None

    def estimate(self, rgb: npt.NDArray[np.uint8]) -> Pose | None:
        """The pose in an HxWx3 uint8 RGB frame, or None when nobody is found."""
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8 or 0 in rgb.shape:
            raise ValueError(f"expected an HxWx3 uint8 RGB image, got {rgb.shape} {rgb.dtype}")
        roi = self._roi if self._roi is not None else self._detect(rgb)
        if roi is None:
            return None
        pose, self._roi = self._landmarks(rgb, roi)
        return pose

    def _detect(self, rgb: npt.NDArray[np.uint8]) -> Roi | None:
        """The ROI of the best detected person, or None."""
        height, width = rgb.shape[:2]
        # The whole frame, letterboxed into the square input (zero border, as MediaPipe).
        frame: Roi = (width / 2, height / 2, float(max(width, height)), 0.0)
        tensor = _crop(rgb, frame, DETECTOR_SIZE, zero_border=True)
        tensor *= 1 / 127.5  # to -1..1
        tensor -= 1
        raw, logits = self._detector.run(tensor)
        scores = _sigmoid(np.clip(logits[:, 0], -100.0, 100.0))
        keep = scores >= MIN_DETECTION_SCORE
        if not keep.any():
            return None
        raw, scores, anchors = raw[keep] / DETECTOR_SIZE, scores[keep], self._anchors[keep]
        # Layout per anchor (reverse_output_order): box centre x, y, width, height, then four
        # keypoints (x, y): hip centre, full-body scale point, shoulder centre, upper-body point.
        centres = raw[:, 0:2] + anchors
        boxes = np.concatenate([centres - raw[:, 2:4] / 2, centres + raw[:, 2:4] / 2], axis=1)
        keypoints = raw[:, 4:12].reshape(-1, 4, 2) + anchors[:, np.newaxis, :]
        # Weighted NMS, first cluster only: average every detection overlapping the best one.
        cluster = _iou(boxes, boxes[np.argmax(scores)]) > NMS_MIN_IOU
        weights = scores[cluster] / scores[cluster].sum()
        hip, scale = np.tensordot(weights, keypoints[cluster][:, :2], axes=1)
        return _alignment_roi(_to_image(hip, frame), _to_image(scale, frame))

    def _landmarks(self, rgb: npt.NDArray[np.uint8], roi: Roi) -> tuple[Pose | None, Roi | None]:
        """The pose inside *roi* and the ROI for the next frame (both None if nobody is there)."""
        tensor = _crop(rgb, roi, LANDMARK_SIZE, zero_border=False)
        tensor *= 1 / 255  # to 0..1
        raw, flag, heatmap = self._landmarker.run(tensor)
        presence = float(flag[0])
        if presence < MIN_PRESENCE:
            return None, None
        # 39 landmarks of x, y, z, visibility, presence: the 33 of LANDMARK_NAMES, then the
        # alignment points (33: hip centre, 34: full-body scale point) and 4 unused.
        values = raw.reshape(39, 5)
        points = _refine(values[:, :2] / LANDMARK_SIZE, heatmap)
        xy = _to_image(points, roi)
        height, width = rgb.shape[:2]
        visibility = _sigmoid(values[:33, 3])
        landmarks = tuple(
            Landmark(float(x / width), float(y / height), float(v))
            for (x, y), v in zip(xy[:33], visibility, strict=True)
        )
        return Pose(landmarks, presence), _alignment_roi(xy[33], xy[34])


def _anchors() -> npt.NDArray[np.float32]:
    """The detector's 2254 SSD anchor centres (0..1), as SsdAnchorsCalculator makes them from
    pose_detection_cpu's options: 5 layers, strides 8, 16, 32, 32, 32, offset 0.5, aspect ratio 1
    plus the interpolated scale (two anchors per layer and cell; consecutive layers with the same
    stride share one grid), fixed anchor size (so a width and height of 1, not stored)."""
    strides = [8, 16, 32, 32, 32]
    grids = []
    for stride in sorted(set(strides)):
        per_cell = 2 * strides.count(stride)
        side = math.ceil(DETECTOR_SIZE / stride)
        ys, xs = np.mgrid[0:side, 0:side]
        cells = np.stack([xs.ravel(), ys.ravel()], axis=1) + 0.5
        grids.append(np.repeat(cells / side, per_cell, axis=0))
    return np.concatenate(grids).astype(np.float32)


def _iou(boxes: npt.NDArray[np.float32], box: npt.NDArray[np.float32]) -> npt.NDArray[Any]:
    """Intersection over union of each of *boxes* with *box* (xmin, ymin, xmax, ymax)."""
    low = np.maximum(boxes[:, :2], box[:2])
    high = np.minimum(boxes[:, 2:], box[2:])
    inter = np.prod(np.clip(high - low, 0, None), axis=1)
    areas = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)
    union = areas + np.prod(box[2:] - box[:2]) - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def _alignment_roi(centre: npt.NDArray[Any], scale: npt.NDArray[Any]) -> Roi:
    """AlignmentPointsRectsCalculator (target angle 90 degrees) then RectTransformationCalculator
    (scale 1.25, square_long): a square on *centre*, side 2 x |scale - centre| x 1.25, turned
    so that the centre-to-scale vector points up. Both points in image pixels."""
    dx, dy = float(scale[0] - centre[0]), float(scale[1] - centre[1])
    rotation = math.pi / 2 - math.atan2(-dy, dx)
    rotation = rotation - 2 * math.pi * math.floor((rotation + math.pi) / (2 * math.pi))
    side = 2 * math.hypot(dx, dy) * ROI_SCALE
    return float(centre[0]), float(centre[1]), side, rotation


def _to_image(points: npt.NDArray[Any], roi: Roi) -> npt.NDArray[np.float64]:
    """Points given as 0..1 of the ROI's square (x right, y down), in image pixels."""
    cx, cy, side, rotation = roi
    u = np.asarray(points, dtype=np.float64) - 0.5
    cos, sin = math.cos(rotation), math.sin(rotation)
    x = cx + side * (u[..., 0] * cos - u[..., 1] * sin)
    y = cy + side * (u[..., 0] * sin + u[..., 1] * cos)
    return np.stack([x, y], axis=-1)


def _crop(
    rgb: npt.NDArray[np.uint8], roi: Roi, size: int, *, zero_border: bool
) -> npt.NDArray[np.float32]:
    """The ROI resampled to size x size (float32, 0..255), bilinear. As MediaPipe's OpenCV warp,
    output pixel (i, j) samples the ROI point (j / size, i / size), and image pixel centres sit
    on whole coordinates. Outside the image: black, or the nearest edge pixel."""
    cx, cy, side, rotation = roi
    cos, sin = math.cos(rotation) * side / size, math.sin(rotation) * side / size
    k = np.arange(size, dtype=np.float32) - size / 2  # column j or row i, from the centre
    i, j = k[:, np.newaxis], k[np.newaxis, :]
    # Sample in the order that reads the image row by row (cache): column by column when the
    # ROI is turned nearer 90 than 0 degrees (a side plank), and transpose after.
    by_column = abs(sin) > abs(cos)
    if by_column:
        i, j = j, i
    x = (cx + cos * j - sin * i).ravel()  # _to_image, inline
    y = (cy + sin * j + cos * i).ravel()
    x0, y0 = np.floor(x), np.floor(y)
    fx, fy = (x - x0)[:, np.newaxis], (y - y0)[:, np.newaxis]
    height, width = rgb.shape[:2]
    # The two columns and two rows each output pixel blends, clamped into the image.
    cols = [np.clip(x0 + d, 0, width - 1).astype(np.int32) for d in (0, 1)]
    rows = [np.clip(y0 + d, 0, height - 1).astype(np.int32) for d in (0, 1)]
    pixels = rgb.reshape(-1, 3)

    def at(dx: int, dy: int) -> npt.NDArray[np.float32]:
        index = rows[dy] * width + cols[dx]
        values: npt.NDArray[np.float32] = np.take(pixels, index, axis=0).astype(np.float32)
        if zero_border:  # a neighbour that had to be clamped is outside: black
            values[(cols[dx] != x0 + dx) | (rows[dy] != y0 + dy)] = 0
        return values

    # upper = top_left + (top_right - top_left) * fx, and so on, in place: fewer big temporaries.
    upper, lower = at(1, 0), at(1, 1)
    for row, left in ((upper, at(0, 0)), (lower, at(0, 1))):
        row -= left
        row *= fx
        row += left
    lower -= upper
    lower *= fy
    lower += upper
    result: npt.NDArray[np.float32] = lower.reshape(size, size, 3)
    return result.transpose(1, 0, 2) if by_column else result


def _refine(points: npt.NDArray[Any], heatmap: npt.NDArray[np.float32]) -> npt.NDArray[Any]:
    """RefineLandmarksFromHeatmapCalculator (kernel 7): each landmark moves to the
    sigmoid-weighted mean cell of the 7x7 heatmap window at it, when that window's best
    confidence reaches 0.5. *points* are 0..1 of the ROI square."""
    side, count = heatmap.shape[0], len(points)
    half = HEATMAP_KERNEL // 2
    cells = np.trunc(points * side).astype(np.intp)  # (column, row), toward zero as the C++
    inside = ((cells >= 0) & (cells < side)).all(axis=1)
    cells = np.clip(cells, 0, side - 1)
    offsets = np.arange(-half, half + 1)
    cols = cells[:, 0, np.newaxis, np.newaxis] + offsets[np.newaxis, np.newaxis, :]
    rows = cells[:, 1, np.newaxis, np.newaxis] + offsets[np.newaxis, :, np.newaxis]
    # Windows cut short at the heatmap's edges: a border of -inf weighs nothing.
    padded = np.pad(heatmap, ((half, half), (half, half), (0, 0)), constant_values=-np.inf)
    channel = np.arange(count)[:, np.newaxis, np.newaxis]
    confidence = _sigmoid(padded[rows + half, cols + half, channel])  # count x 7 x 7
    total = confidence.sum(axis=(1, 2))
    refine = inside & (confidence.max(axis=(1, 2)) >= MIN_HEATMAP_CONFIDENCE) & (total > 0)
    weighted = np.stack(
        [(confidence * cols).sum(axis=(1, 2)), (confidence * rows).sum(axis=(1, 2))]
    )
    mean = weighted.T / (np.where(total > 0, total, 1)[:, np.newaxis] * side)
    return np.where(refine[:, np.newaxis], mean, points)


def _sigmoid(x: npt.NDArray[Any]) -> npt.NDArray[Any]:
    result: npt.NDArray[Any] = 0.5 * (1.0 + np.tanh(0.5 * x))  # 1 / (1 + e^-x), no overflow
    return result
