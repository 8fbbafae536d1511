"""qltimer.pose against MediaPipe 0.10.21's own BlazePose pipeline, on the same frames.

    MP=/path/to/mediapipe-venv/bin/python
    $MP bench/pose_agreement.py mediapipe --out /tmp/pose_mp.json
    .venv/bin/python bench/pose_agreement.py ours --out /tmp/pose_ours.json
    .venv/bin/python bench/pose_agreement.py compare /tmp/pose_mp.json /tmp/pose_ours.json

Run with two Pythons: one with mediapipe (``mp.solutions.pose.Pose``, model_complexity=1, the
"full" model, smooth_landmarks=False), one with qltimer's camera extra. Both run the same frames
in detection mode (the detector on every frame: ``static_image_mode=True`` / ``reset()``) and in
tracking mode (each clip's frames in order), and write the landmarks as JSON; ``compare`` prints,
per mode, on how many frames both found a person, one only, neither, and the mean and largest
distance in pixels (at 640x480) over shoulders, hips, knees and ankles.

The default frames: tests/data/pose/standing.png turned, zoomed and shifted over 120 frames, then
a blank and a noise frame. Others: ``--frames FILE.npz`` (arrays ``frames``, N x 480 x 640 x 3 RGB,
and ``clip``, N clip numbers; tracking restarts with each clip), made from videos by
``$MP bench/pose_agreement.py extract VIDEO... --every 3 --out FILE.npz`` (OpenCV decodes them,
once, so both sides see the same pixels), e.g. the side-plank videos of
scripts/render_pose_videos.py.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
FIGURE = REPO / "tests" / "data" / "pose" / "standing.png"
JOINTS = {"shoulders": (11, 12), "hips": (23, 24), "knees": (25, 26), "ankles": (27, 28)}
W, H = 640, 480


def read_png(path: Path) -> np.ndarray:
    """RGB uint8 from a PNG, with the standard library only (8-bit RGB/RGBA, no interlace)."""
    import struct
    import zlib

    data = path.read_bytes()
    pos, chunks, header = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    channels = 3 if colour == 2 else 4
    raw = np.frombuffer(zlib.decompress(b"".join(chunks)), np.uint8)
    stride = width * channels
    rows = raw.reshape(height, stride + 1)
    out = np.zeros((height, stride), np.int32)
    for y in range(height):  # undo the PNG filters
        f, line = rows[y, 0], rows[y, 1:].astype(np.int32)
        prev = out[y - 1] if y else np.zeros(stride, np.int32)
        if f == 0:
            out[y] = line
        elif f == 2:
            out[y] = (line + prev) & 255
        else:
            cur = np.zeros(stride, np.int32)
            for x in range(stride):
                a = cur[x - channels] if x >= channels else 0
                b, c = prev[x], prev[x - channels] if x >= channels else 0
                if f == 1:
                    pred = a
                elif f == 3:
                    pred = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                cur[x] = (line[x] + pred) & 255
            out[y] = cur
    return out.reshape(height, width, channels)[:, :, :3].astype(np.uint8)


def warp(img: np.ndarray, angle: float, dx: float, dy: float, zoom: float) -> np.ndarray:
    """The image turned by *angle* (radians) about its centre, zoomed and shifted (nearest pixel,
    edges replicated): a moving figure from one picture."""
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float64)
    xs, ys = xs - W / 2 - dx, ys - H / 2 - dy
    c, s = math.cos(angle), math.sin(angle)
    sx = (c * xs + s * ys) / zoom + W / 2
    sy = (-s * xs + c * ys) / zoom + H / 2
    sx = np.clip(np.rint(sx), 0, W - 1).astype(int)
    sy = np.clip(np.rint(sy), 0, H - 1).astype(int)
    return img[sy, sx]


def frames(source: Path | None) -> Iterator[tuple[int, np.ndarray]]:
    """(clip number, RGB frame) pairs."""
    if source is not None:
        with np.load(source) as data:
            yield from zip(data["clip"].tolist(), data["frames"], strict=True)
        return
    figure = read_png(FIGURE)
    for i in range(120):
        t = i / 119
        turned = warp(
            figure, math.radians(-40 + 80 * t), 120 * math.sin(6 * t), 20 * t, 1 - 0.3 * t
        )
        yield 0, turned
    yield 1, np.full((H, W, 3), 200, np.uint8)
    yield 2, np.random.default_rng(7).integers(0, 256, (H, W, 3), dtype=np.uint8)


def extract(videos: list[Path], every: int, out: Path) -> None:
    import cv2

    kept, clips = [], []
    for clip, video in enumerate(videos):
        capture = cv2.VideoCapture(str(video))
        index = 0
        while True:
            ok, bgr = capture.read()
            if not ok:
                break
            if index % every == 0:
                kept.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
                clips.append(clip)
            index += 1
    np.savez(out, frames=np.stack(kept), clip=np.array(clips))
    print(f"wrote {out}: {len(kept)} frames from {len(videos)} videos")


def run_mediapipe(source: Path | None) -> dict[str, list[object]]:
    import mediapipe as mp

    results: dict[str, list[object]] = {}
    for mode, static in (("detection", True), ("tracking", False)):
        with mp.solutions.pose.Pose(  # a new graph per mode
            static_image_mode=static, model_complexity=1, smooth_landmarks=False
        ) as pose:
            out: list[object] = []
            last_clip = -1
            for clip, frame in frames(source):
                if clip != last_clip and not static:
                    pose.reset()
                last_clip = clip
                found = pose.process(frame).pose_landmarks
                out.append(
                    None
                    if found is None
                    else [[lm.x, lm.y, lm.visibility] for lm in found.landmark]
                )
            results[mode] = out
    return results


def run_ours(source: Path | None) -> dict[str, list[object]]:
    sys.path.insert(0, str(REPO))
    from qltimer.pose import load_estimator

    estimator = load_estimator()
    results: dict[str, list[object]] = {}
    for mode in ("detection", "tracking"):
        estimator.reset()
        out: list[object] = []
        last_clip = -1
        for clip, frame in frames(source):
            if mode == "detection" or clip != last_clip:
                estimator.reset()
            last_clip = clip
            pose = estimator.estimate(frame)
            out.append(None if pose is None else [[m.x, m.y, m.visibility] for m in pose.landmarks])
        results[mode] = out
    return results


def compare(theirs: dict[str, list[object]], ours: dict[str, list[object]]) -> None:
    for mode in ("detection", "tracking"):
        a_list, b_list = theirs[mode], ours[mode]
        both = only_mp = only_ours = neither = 0
        dists: dict[str, list[float]] = {name: [] for name in JOINTS}
        vis: list[float] = []
        for a, b in zip(a_list, b_list, strict=True):
            if a is None and b is None:
                neither += 1
                continue
            if a is None or b is None:
                only_mp += a is not None
                only_ours += b is not None
                continue
            both += 1
            pa, pb = np.array(a), np.array(b)
            for name, idx in JOINTS.items():
                for i in idx:
                    dists[name].append(
                        float(np.hypot((pa[i, 0] - pb[i, 0]) * W, (pa[i, 1] - pb[i, 1]) * H))
                    )
            vis.extend(np.abs(pa[:, 2] - pb[:, 2]).tolist())
        print(
            f"{mode}: {len(a_list)} frames; both found {both}, mediapipe only {only_mp}, "
            f"ours only {only_ours}, neither {neither}"
        )
        every = [d for v in dists.values() for d in v]
        if every:
            for name, v in dists.items():
                print(f"  {name:10s} mean {np.mean(v):6.2f} px  max {np.max(v):6.2f} px")
            print(
                f"  {'all eight':10s} mean {np.mean(every):6.2f} px  median "
                f"{np.median(every):6.2f} px  max {np.max(every):6.2f} px (at {W}x{H})"
            )
            print(f"  visibility: mean |difference| {np.mean(vis):.4f}, max {np.max(vis):.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["mediapipe", "ours", "compare", "extract"])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--frames", type=Path, help="an .npz of frames (see extract)")
    parser.add_argument("--every", type=int, default=1, help="extract: keep every n-th frame")
    args = parser.parse_args()
    if args.what == "extract":
        extract(args.files, args.every, args.out)
        return
    if args.what == "compare":
        a, b = (json.loads(p.read_text()) for p in args.files)
        compare(a, b)
        return
    results = run_mediapipe(args.frames) if args.what == "mediapipe" else run_ours(args.frames)
    args.out.write_text(json.dumps(results))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
