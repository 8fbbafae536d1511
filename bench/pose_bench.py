"""qltimer.pose speed, CPU and memory: one LiteRT thread, 640x480 frames.

    .venv/bin/python bench/pose_bench.py [--frames 150]

Prints medians over the frames (after 5 warm-up frames) of wall time and process CPU time per
frame, for:
- tracking: a person in every frame (the side-plank still of tests/data/pose, shifted a pixel or
  two each frame), the ROI carried from frame to frame: one landmark-model run per frame;
- detection: the same frames after reset(): the detector, then the landmark model;
- nobody: the empty room (detector only, as when nobody is in view);
then the parts (the numpy crop, each model's invoke), the share of one core at 10 frames/s, and
the peak resident memory (ru_maxrss) before and after loading the models and after the frames.
Machines are shared and noisy: compare figures from one run.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pose_agreement import read_png
from bench.report import row
from qltimer import pose

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "pose"
FPS = 10


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def timed(step: Callable[[], object], count: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of *step* over *count* calls (5 warm-up calls first)."""
    for _ in range(5):
        step()
    walls, cpus = [], []
    for _ in range(count):
        w0, c0 = time.perf_counter(), time.process_time()
        step()
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=150)
    args = parser.parse_args()
    count = max(args.frames, 100)

    plank = read_png(DATA / "side-plank-left.png")
    nobody = read_png(DATA / "nobody.png")
    frames = [np.roll(plank, (i % 3, i % 5 - 2), axis=(0, 1)) for i in range(10)]  # cycled
    rss_before = peak_rss_mb()
    t0 = time.perf_counter()
    estimator = pose.load_estimator()
    load_ms = (time.perf_counter() - t0) * 1000
    rss_loaded = peak_rss_mb()

    index = iter(range(10**9))

    def tracking() -> None:
        assert estimator.estimate(frames[next(index) % len(frames)]) is not None

    def detection() -> None:
        estimator.reset()
        assert estimator.estimate(frames[next(index) % len(frames)]) is not None

    def empty() -> None:
        assert estimator.estimate(nobody) is None

    print(f"pose: {count} frames of 640x480, num_threads=1, medians (wall / process CPU)")
    print(f"load_estimator: {load_ms:.0f} ms")
    results = {}
    for name, step in (("tracking", tracking), ("detection", detection), ("nobody", empty)):
        estimator.reset()
        wall, cpu = timed(step, count)
        results[name] = (wall, cpu)
        share = cpu * FPS / 1000 * 100
        print(
            f"{name:10s} {wall:6.1f} ms/frame  CPU {cpu:6.1f} ms/frame"
            f"  = {share:4.1f}% of a core at {FPS} fps"
        )
        row(
            f"pose {name}: CPU per frame (640x480)",
            f"{cpu:.1f} ms",
            aim=f"< {1000 / FPS * 0.25:.0f} ms",
        )

    # The parts, on one frame.
    roi = estimator._detect(plank)
    assert roi is not None
    crop_wall, _ = timed(
        lambda: pose._crop(plank, roi, pose.LANDMARK_SIZE, zero_border=False), count
    )
    frame_roi = (320.0, 240.0, 640.0, 0.0)
    det_crop, _ = timed(
        lambda: pose._crop(plank, frame_roi, pose.DETECTOR_SIZE, zero_border=True), count
    )
    tensor = pose._crop(plank, roi, pose.LANDMARK_SIZE, zero_border=False) / np.float32(255)
    det_tensor = pose._crop(plank, frame_roi, pose.DETECTOR_SIZE, zero_border=True) / 127.5 - 1
    lm_run, _ = timed(lambda: estimator._landmarker.run(tensor), count)
    det_run, _ = timed(lambda: estimator._detector.run(det_tensor), count)
    print(
        f"parts: crop 256x256 {crop_wall:.1f} ms, crop 224x224 {det_crop:.1f} ms, "
        f"landmark model {lm_run:.1f} ms, detector {det_run:.1f} ms"
    )
    rss_after = peak_rss_mb()
    print(
        f"peak RSS: {rss_before:.0f} MB before load, {rss_loaded:.0f} MB after load, "
        f"{rss_after:.0f} MB after the frames"
    )
    row("pose: peak RSS after load and frames", f"{rss_after:.0f} MB")


if __name__ == "__main__":
    main()
