"""Run the form-check fixture videos through MediaPipe BlazePose and apply the sag rule.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/render_pose_videos.py /tmp/fx
    /path/to/mediapipe-venv/bin/python bench/fixture_check.py /tmp/fx [--json OUT]

Needs mediapipe (0.10.x, with its bundled cv2 and numpy), which qltimer does not depend on: without
it this says so and exits 0. It imports no PySide6, and of qltimer only qltimer.formcheck (the
standard library alone), so the rule applied is the app's own; it reads the AVIs written by
scripts/render_pose_videos.py (the '00dc' chunks are plain JPEGs) and their .truth.json files.

For every frame (pose in video mode, model_complexity=1, the "full" model) it reads the body line:
shoulder midpoint S, hip midpoint H, ankle midpoint A; L = |SA| (the body length); the sag is the
distance of H from the line SA, positive toward the floor (down the picture), in body lengths;
the hip angle is the angle SHA in degrees (180 = straight). The same is worked out from the drawn
joints. The rule is qltimer.formcheck's, with its usual thresholds: calibrate on the first 1.5 s
the person is seen; a frame is bad when the sag is more than 0.035 above calibration or the hip
angle is more than 8 degrees below it; stop after 1.0 s of bad frames in a row (a frame without a
pose breaks the run).
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from qltimer.formcheck import BodyLine, FormMonitor, State

NAMES = {
    0: "nose",
    11: "left_shoulder",
    12: "right_shoulder",
    13: "left_elbow",
    14: "right_elbow",
    15: "left_wrist",
    16: "right_wrist",
    23: "left_hip",
    24: "right_hip",
    25: "left_knee",
    26: "right_knee",
    27: "left_ankle",
    28: "right_ankle",
}

Point = tuple[float, float]


def avi_frames(data: bytes) -> list[bytes]:
    start = data.index(b"movi") + 4
    end = data.index(b"idx1", start)
    frames, pos = [], start
    while pos < end:
        fourcc, size = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        if fourcc == b"00dc":
            frames.append(data[pos + 8 : pos + 8 + size])
        pos += 8 + size + (size & 1)
    return frames


def body_line(j: dict[str, Point]) -> BodyLine:
    """The body line of named joints (pixels): qltimer's own, the middle of each pair."""

    def mid(a: str, b: str) -> Point:
        return ((j[a][0] + j[b][0]) / 2, (j[a][1] + j[b][1]) / 2)

    s, h, a = (mid(f"left_{n}", f"right_{n}") for n in ("shoulder", "hip", "ankle"))
    return BodyLine(s, h, a)


def reading(line: BodyLine) -> dict[str, float]:
    return {"sag": line.drop, "angle": line.angle, "length_px": line.length}


def apply_rule(frames: list[dict[str, Any]], key: str = "read") -> dict[str, Any]:
    """qltimer's rule (qltimer.formcheck.FormMonitor) on per-frame readings, as the app applies
    it: the stop time (or None), and when form was lost (the first bad frame of that run)."""
    monitor = FormMonitor()
    for f in frames:
        r = f.get(key)
        line = None if r is None else body_line_of(r)
        got = monitor.feed(f["t"], line)
        if got.state is State.LOST:
            return {"calibrated": True, "stop": f["t"], "first_bad": got.lost_at}
    return {"calibrated": monitor.calibrated, "stop": None, "first_bad": None}


def body_line_of(r: dict[str, Any]) -> BodyLine:
    s, h, a = r["line"]
    return BodyLine(tuple(s), tuple(h), tuple(a))


def check_video(avi: Path, mp: Any, cv2: Any, np: Any) -> dict[str, Any]:
    truth = json.loads(avi.with_suffix(".truth.json").read_text())
    jpegs = avi_frames(avi.read_bytes())
    assert len(jpegs) == len(truth["frames"]), (avi, len(jpegs), len(truth["frames"]))
    out = []
    with mp.solutions.pose.Pose(model_complexity=1, static_image_mode=False) as pose:
        for jpeg, tf in zip(jpegs, truth["frames"], strict=True):
            bgr = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
            h, w = bgr.shape[:2]
            res = pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            row: dict[str, Any] = {
                "t": tf["t"],
                "present": tf["present"],
                "hip_drop_cm": tf["hip_drop_cm"],
            }
            if tf["joints"]:
                line = body_line(tf["joints"])
                row["drawn"] = {**reading(line), "line": [line.shoulder, line.hip, line.ankle]}
            if res.pose_landmarks:
                lm = res.pose_landmarks.landmark
                pts = {n: (lm[i].x * w, lm[i].y * h) for i, n in NAMES.items()}
                line = body_line(pts)
                marks = {
                    n: [round(pts[n][0], 1), round(pts[n][1], 1), round(lm[i].visibility, 3)]
                    for i, n in NAMES.items()
                }
                row["read"] = {
                    **reading(line),
                    "line": [line.shoulder, line.hip, line.ankle],
                    "landmarks": marks,
                }
            out.append(row)
    person = [r for r in out if r["present"]]
    empty = [r for r in out if not r["present"]]
    summary: dict[str, Any] = {
        "video": avi.name,
        "frames": len(out),
        "person_frames": len(person),
        "found": sum(1 for r in person if "read" in r),
        "empty_frames": len(empty),
        "false_finds": sum(1 for r in empty if "read" in r),
        "rule_read": apply_rule(out, "read"),
        "rule_drawn": apply_rule(out, "drawn"),
        "sag_start": truth["sag_start"],
    }
    summary["found_fraction"] = summary["found"] / max(1, len(person))

    def mean(rows: list[dict[str, Any]], key: str, field: str) -> float | None:
        vals = [r[key][field] for r in rows if key in r]
        return sum(vals) / len(vals) if vals else None

    if truth["sag_start"] is not None:
        before = [r for r in out if 1.5 <= r["t"] < truth["sag_start"]]
        after = [r for r in out if r["t"] >= truth["sag_start"] + 1.5]
        summary["sag"] = {
            f"{k}_{f}": {"before": mean(before, k, f), "after": mean(after, k, f)}
            for k in ("drawn", "read")
            for f in ("sag", "angle")
        }
    return {"summary": summary, "frames": out}


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="where render_pose_videos.py wrote the videos")
    ap.add_argument("--json", type=Path, help="write per-frame readings here (a folder)")
    args = ap.parse_args()
    try:
        import cv2  # type: ignore[import-not-found]
        import mediapipe as mp  # type: ignore[import-not-found]
        import numpy as np  # type: ignore[import-not-found]
    except ImportError as exc:
        print(f"fixture_check: needs mediapipe (with its cv2 and numpy): {exc}; skipped")
        return 0
    videos = sorted(args.folder.glob("*.avi"))
    if not videos:
        print(f"no .avi files in {args.folder}", file=sys.stderr)
        return 2
    for avi in videos:
        result = check_video(avi, mp, cv2, np)
        s = result["summary"]
        rr, rd = s["rule_read"], s["rule_drawn"]
        line = (
            f"{avi.stem:16s} found {s['found']:3d}/{s['person_frames']:3d} "
            f"({100 * s['found_fraction']:5.1f}%)  false {s['false_finds']}/{s['empty_frames']}  "
            f"stop(read) {rr['stop']}  stop(drawn) {rd['stop']}"
        )
        print(line, flush=True)
        if "sag" in s:
            for k, v in s["sag"].items():
                change = v["after"] - v["before"]
                print(
                    f"    {k:12s} before {v['before']:8.4f} after {v['after']:8.4f} {change:+8.4f}"
                )
        if args.json:
            args.json.mkdir(parents=True, exist_ok=True)
            (args.json / f"readings-{avi.stem}.json").write_text(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
