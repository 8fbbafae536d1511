"""The camera form check: frames from a camera (or a recording) -> pose -> the form rule.

Private by construction: a frame is turned into 33 body points in memory by the pose worker and
dropped; no frame is ever written to disk, kept, or sent anywhere. What leaves this module is the
points (to draw the outline) and the rule's verdict.

The pieces:

* :class:`PosePipeline` runs the pose model in its own thread (never on the GUI thread, so the
  countdown and its cues keep their time), at most :data:`FRAME_INTERVAL` apart, dropping frames
  while the model is busy (live) or queueing every one (a recording, which has no hurry).
* :class:`CameraCheck` is what a run uses: it opens the camera (QtMultimedia, imported only
  when the check is wanted: it needs libpulse, which a bare machine lacks), feeds the pipeline,
  and judges the body line with :class:`qltimer.formcheck.FormMonitor` while a hold is watched.
* :func:`check_video` is ``qltimer camera-check VIDEO``: the same pipeline and rule over a
  recording played by QMediaPlayer into the same kind of sink.

Anything missing (the camera extra, the model files, QtMultimedia's libraries, a camera, or a
camera another program holds) gives one plain line and the hold runs as it always did.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QImage

from qltimer.formcheck import BodyLine, FormMonitor, Reading, State, Thresholds, body_line

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QVideoFrame, QVideoSink

    from qltimer.engine import Phase

FRAME_INTERVAL = 0.1  # seconds: at most 10 frames a second reach the model
MAX_WIDTH = 640  # frames are scaled down to this width before the model sees them
NO_PICTURE_AFTER = 4.0  # seconds without a frame from an open camera: say so
MODEL_WAIT = 3.0  # seconds a run's start may wait for the pose model to load
Point = tuple[float, float, float]

NO_EXTRA = (
    'The camera check needs the camera extra (pip install "qltimer[camera]"); holds run as usual.'
)
NO_MULTIMEDIA = (
    "The camera check needs Qt's multimedia libraries (on Debian/Ubuntu: libpulse0); "
    "holds run as usual."
)
NO_CAMERA = "No camera found: holds run as usual (Enter ends them)."
CAMERA_BUSY = (
    "The camera could not be opened (another program may be using it): holds run as usual."
)
NO_PICTURE = "The camera sends no picture (another program may be using it): holds run as usual."
PRIVACY = (
    "The camera check looks at the camera's picture on this computer only: each frame becomes "
    "a few body points in memory and is then thrown away. No picture is saved or sent anywhere."
)


def quiet_multimedia() -> None:
    """Qt's multimedia module lists every optional library it can't find (PipeWire, VA-API)
    and its FFmpeg version on the terminal: not the person's concern. QT_LOGGING_RULES, when
    set, still decides."""
    from PySide6.QtCore import QLoggingCategory

    QLoggingCategory.setFilterRules(
        "qt.multimedia.symbolsresolver=false\nqt.multimedia.ffmpeg.info=false"
    )


@dataclass(frozen=True, slots=True)
class Seen:
    """What the model made of one frame: the body's points (x, y normalised, visibility) or
    None, in a picture *width* x *height*, taken at *t*."""

    t: float
    points: tuple[Point, ...] | None
    width: int
    height: int

    @property
    def line(self) -> BodyLine | None:
        if self.points is None:
            return None
        return body_line(self.points, self.width, self.height)


def frame_rgb(image: QImage) -> Any:
    """*image* as an RGB numpy array (height, width, 3), scaled to at most :data:`MAX_WIDTH`."""
    import numpy as np

    if image.width() > MAX_WIDTH:
        image = image.scaledToWidth(MAX_WIDTH, Qt.TransformationMode.SmoothTransformation)
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, count=stride * h)
    return data.reshape(h, stride)[:, : w * 3].reshape(h, w, 3).copy()


class PoseWorker(QObject):
    """Lives in the pipeline's thread: loads the model, then turns frames into points."""

    loaded = Signal(str)  # "" when ready, else one line saying why not
    seen = Signal(object)  # Seen

    def __init__(self) -> None:
        super().__init__()
        self.done_loading = threading.Event()  # set once the model is loaded, or can't be
        self.estimator: Any = None
        self.cpu_seconds = 0.0  # thread CPU time spent on frames
        self.frames = 0

    @Slot()
    def load(self) -> None:
        why = ""
        try:
            pose = importlib.import_module("qltimer.pose")  # numpy: only when the check is wanted
        except ImportError:
            why = NO_EXTRA
        else:
            try:
                self.estimator = pose.load_estimator()
            except pose.PoseUnavailable as error:
                why = f"{error} Holds run as usual."
        self.done_loading.set()
        self.loaded.emit(why)

    @Slot(object, float)
    def process(self, frame: Any, t: float) -> None:
        start = time.thread_time()
        seen = Seen(t, None, 0, 0)
        try:
            image = frame if isinstance(frame, QImage) else frame.toImage()
            if not image.isNull() and self.estimator is not None:
                rgb = frame_rgb(image)
                found = self.estimator.estimate(rgb)
                points = None
                if found is not None:
                    points = tuple((p.x, p.y, p.visibility) for p in found.landmarks)
                seen = Seen(t, points, rgb.shape[1], rgb.shape[0])
        except Exception as error:  # a model fault must not take the run down with it
            print(f"qltimer: camera check: {error!r}", file=sys.stderr)
        finally:
            self.cpu_seconds += time.thread_time() - start
            self.frames += 1
        self.seen.emit(seen)

    @Slot()
    def forget(self) -> None:
        if self.estimator is not None:
            self.estimator.reset()


class PosePipeline(QObject):
    """Frames in (:meth:`offer`), :class:`Seen` out (``seen``), the model in its own thread.

    *keep_all*: a recording's frames are all queued (none dropped for being early or the model
    being busy), at most one per *interval* of the recording's own time."""

    seen = Signal(object)  # Seen, on the thread that owns the pipeline
    ready = Signal(str)  # "" when the model is loaded, else why it can't be
    _process = Signal(object, float)
    _load = Signal()
    _forget = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        keep_all: bool = False,
        interval: float = FRAME_INTERVAL,
    ) -> None:
        super().__init__(parent)
        self.keep_all = keep_all
        self.interval = interval
        self.thread_ = QThread()
        self.thread_.setObjectName("qltimer pose")
        self.worker = PoseWorker()
        self.worker.moveToThread(self.thread_)
        self._process.connect(self.worker.process)
        self._load.connect(self.worker.load)
        self._forget.connect(self.worker.forget)
        self.worker.seen.connect(self._on_seen)
        self.worker.loaded.connect(self._on_loaded)
        self.busy = 0  # frames handed to the worker and not yet back
        self.loaded: bool | None = None  # None until the worker says
        self._due: float | None = None  # when the next frame's turn comes
        self.offered = 0
        self.dropped = 0

    def start(self) -> None:
        if not self.thread_.isRunning():
            self.thread_.start()
            self._load.emit()

    def wait_loaded(self, timeout: float) -> bool:
        """Block until the model is loaded (or found missing), at most *timeout* seconds: for
        a run about to start its clock, so the loading competes with no cue."""
        return self.worker.done_loading.wait(timeout)

    def stop(self) -> None:
        """End the worker thread (waits for the frame in hand, a few tens of ms at most)."""
        if self.thread_.isRunning():
            self.thread_.quit()
            self.thread_.wait()
        self.worker.estimator = None  # the model's memory (about 80 MB) goes with the run

    def forget(self) -> None:
        """A new hold: the model finds the person afresh (no tracking from before)."""
        self._due = None
        self._forget.emit()

    def offer(self, frame: QVideoFrame | QImage, t: float) -> bool:
        """Hand *frame*, taken at *t*, to the model unless it comes before its turn or, live,
        the model is still busy; True when taken. Turns fall every *interval* seconds (a frame
        up to 40 % of one early takes it), so a 15 or 30 frames/s source gives 10 a second."""
        self.offered += 1
        due = self._due
        if self.loaded is False or (due is not None and t < due - self.interval * 0.4):
            self.dropped += 1
            return False
        if self.busy and not self.keep_all:
            self.dropped += 1
            return False
        # The next turn; after a gap (or a busy model) it starts again from this frame.
        self._due = t + self.interval if due is None else max(due + self.interval, t)
        self.busy += 1
        self._process.emit(frame, t)
        return True

    @Slot(str)
    def _on_loaded(self, why: str) -> None:
        self.loaded = not why
        self.ready.emit(why)

    @Slot(object)
    def _on_seen(self, seen: Seen) -> None:
        self.busy = max(0, self.busy - 1)
        self.seen.emit(seen)


def camera_phase(phase: Phase | None, next_phase: Phase | None) -> str | None:
    """Whether the camera is wanted in *phase*: "hold" in a hold marked ``form_check``, "ready"
    in the get-ready, switch or rest just before one, else None."""
    if phase is None:
        return None
    if phase.is_work:
        return "hold" if phase.step.form_check else None
    if next_phase is not None and next_phase.is_work and next_phase.step.form_check:
        return "ready"
    return None


@dataclass
class Watch:
    """What the camera check has said in one run: for the bench and the tests."""

    readings: list[Reading] = field(default_factory=list)
    seen: int = 0
    found: int = 0


class CameraCheck(QObject):
    """The run's camera: opened for a form-checked hold and its get-ready, closed after.

    Signals:
        seen(object, object): a :class:`Seen` and the rule's :class:`Reading` (None when no hold
            is being watched): for the outline and its words.
        form_lost(float): form was lost at this clock time (the first bad frame).
        notice(str): one line to show ("" clears it).
    """

    seen = Signal(object, object)
    form_lost = Signal(float)
    notice = Signal(str)

    def __init__(
        self,
        clock: Callable[[], float],
        thresholds: Thresholds | None = None,
        parent: QObject | None = None,
        *,
        sink: QVideoSink | None = None,
    ) -> None:
        """*sink*: frames come from this sink (tests, and anything else that feeds one) instead
        of the default camera."""
        super().__init__(parent)
        self.clock = clock
        self.monitor = FormMonitor(thresholds)
        self.pipeline = PosePipeline(self)
        self.pipeline.seen.connect(self._on_seen)
        self.pipeline.ready.connect(self._on_ready)
        self._given_sink = sink
        self.sink: QVideoSink | None = None
        self.camera: Any = None
        self.session: Any = None
        self.watching = False
        self.is_open = False
        self.failed = ""  # why the check can't run (it stays off for the rest of the run)
        self.log = Watch()
        self._last_frame = 0.0
        self.picture_timer = QTimer(self)
        self.picture_timer.setSingleShot(True)
        self.picture_timer.timeout.connect(self._no_picture)

    # -- opening and closing ---------------------------------------------------------------------
    def prepare(self, timeout: float = MODEL_WAIT) -> None:
        """Load the model now, before it is needed (waits up to *timeout* seconds)."""
        self.pipeline.start()
        self.pipeline.wait_loaded(timeout)

    def open(self) -> None:
        """Start the camera and the model (idempotent). A failure is one notice, once."""
        if self.is_open or self.failed:
            return
        self.is_open = True
        self.pipeline.start()
        if self._given_sink is not None:
            self._connect(self._given_sink)
            return
        quiet_multimedia()
        try:
            from PySide6.QtMultimedia import (
                QCamera,
                QMediaCaptureSession,
                QMediaDevices,
                QVideoSink,
            )
        except ImportError:
            self._fail(NO_MULTIMEDIA)
            return
        device = QMediaDevices.defaultVideoInput()
        if device.isNull():
            self._fail(NO_CAMERA)
            return
        self.camera = QCamera(device, self)
        self.session = QMediaCaptureSession(self)
        sink = QVideoSink(self)
        self.session.setCamera(self.camera)
        self.session.setVideoSink(sink)
        self.camera.errorOccurred.connect(self._on_camera_error)
        self._connect(sink)
        self.camera.start()
        self.picture_timer.start(round(NO_PICTURE_AFTER * 1000))

    def _connect(self, sink: QVideoSink) -> None:
        self.sink = sink
        sink.videoFrameChanged.connect(self._on_frame)

    def close(self) -> None:
        """Stop the camera (its light goes off) and forget the hold; the model stays loaded."""
        self.picture_timer.stop()
        self.watching = False
        if self.sink is not None:
            self.sink.videoFrameChanged.disconnect(self._on_frame)
            self.sink = None
        if self.camera is not None:
            self.camera.stop()
            self.camera.deleteLater()
            self.camera = None
        if self.session is not None:
            self.session.deleteLater()
            self.session = None
        self.is_open = False

    def shut_down(self) -> None:
        """The run is over: the camera and the model's thread both go."""
        self.close()
        self.pipeline.stop()

    def _fail(self, why: str) -> None:
        self.failed = why
        self.close()
        self.notice.emit(why)

    @Slot()
    def _on_camera_error(self, *_args: object) -> None:
        detail = self.camera.errorString() if self.camera is not None else ""
        if detail:
            print(f"qltimer: camera: {detail}", file=sys.stderr)
        self._fail(CAMERA_BUSY)

    @Slot()
    def _no_picture(self) -> None:
        if self.is_open and self.log.seen == 0 and not self.failed:
            self._fail(NO_PICTURE)

    @Slot(str)
    def _on_ready(self, why: str) -> None:
        if why:
            self._fail(why)

    # -- holds -----------------------------------------------------------------------------------
    def watch_hold(self) -> None:
        """A form-checked hold begins (or goes on after a pause): calibrate afresh and judge."""
        self.monitor.reset()
        self.pipeline.forget()
        self.watching = True

    def stop_watching(self) -> None:
        self.watching = False
        self.monitor.reset()

    # -- frames ----------------------------------------------------------------------------------
    @Slot(object)
    def _on_frame(self, frame: QVideoFrame) -> None:
        if not frame.isValid():
            return
        self.pipeline.offer(frame, self.clock())

    @Slot(object)
    def _on_seen(self, seen: Seen) -> None:
        if not self.is_open:
            return
        self.log.seen += 1
        self.picture_timer.stop()
        line = seen.line
        if line is not None:
            self.log.found += 1
        reading: Reading | None = None
        if self.watching:
            reading = self.monitor.feed(seen.t, line)
            self.log.readings.append(reading)
        self.seen.emit(seen, reading)
        if reading is not None and reading.state is State.LOST and reading.lost_at is not None:
            self.watching = False  # once: the hold ends
            self.form_lost.emit(reading.lost_at)


# -- qltimer camera-check VIDEO --------------------------------------------------------------------


@dataclass(frozen=True)
class VideoCheck:
    """What the rule made of a recording."""

    frames: int  # frames the model looked at
    found: int  # of those, frames with a body line
    duration: float  # seconds of the recording
    lost_at: float | None  # when form was lost (seconds into the recording), if it was
    stopped_at: float | None  # when the hold would have ended (lost_at + the rule's second)
    calibrated_at: float | None  # when the person's straight line was learned
    readings: tuple[Reading, ...]
    error: str = ""  # the recording could not be played, or the model could not run


def check_video(
    path: Path,
    thresholds: Thresholds | None = None,
    *,
    rate: float = 1.0,
) -> VideoCheck:
    """Play *path* through QMediaPlayer into a QVideoSink, and each frame (by its own time)
    through the pose model and the form rule, as a hold from the recording's first second.
    Needs a QCoreApplication (or QApplication) to exist."""
    assert QCoreApplication.instance() is not None
    try:
        from PySide6.QtMultimedia import QMediaPlayer, QVideoSink
    except ImportError:
        return VideoCheck(0, 0, 0.0, None, None, None, (), NO_MULTIMEDIA)
    from PySide6.QtCore import QUrl

    monitor = FormMonitor(thresholds)
    readings: list[Reading] = []
    pipeline = PosePipeline(keep_all=True)
    player = QMediaPlayer()
    sink = QVideoSink()
    player.setVideoSink(sink)
    loop = QEventLoop()
    state: dict[str, Any] = {"ended": False, "error": "", "frames": 0, "found": 0, "last": 0.0}

    def finish_if_done() -> None:
        if (state["ended"] or state["error"]) and pipeline.busy == 0:
            loop.quit()

    def on_ready(why: str) -> None:
        if why:
            state["error"] = why
            loop.quit()
        else:
            player.play()

    def on_frame(frame: QVideoFrame) -> None:
        if frame.isValid() and frame.startTime() >= 0:
            t = frame.startTime() / 1e6
            state["last"] = max(state["last"], t)
            pipeline.offer(frame, t)

    def on_seen(seen: Seen) -> None:
        state["frames"] += 1
        line = seen.line
        state["found"] += line is not None
        readings.append(monitor.feed(seen.t, line))
        finish_if_done()

    def on_status(status: QMediaPlayer.MediaStatus) -> None:
        if status in (QMediaPlayer.MediaStatus.EndOfMedia, QMediaPlayer.MediaStatus.InvalidMedia):
            if status is QMediaPlayer.MediaStatus.InvalidMedia:
                state["error"] = f"{path}: not a video this computer can play"
            state["ended"] = True
            finish_if_done()

    def on_error(_error: QMediaPlayer.Error, text: str) -> None:
        state["error"] = f"{path}: {text or 'could not be played'}"
        state["ended"] = True
        finish_if_done()

    pipeline.ready.connect(on_ready)
    pipeline.seen.connect(on_seen)
    sink.videoFrameChanged.connect(on_frame)
    player.mediaStatusChanged.connect(on_status)
    player.errorOccurred.connect(on_error)
    player.setPlaybackRate(rate)
    player.setSource(QUrl.fromLocalFile(str(path.resolve())))
    pipeline.start()
    loop.exec()
    player.stop()
    sink.videoFrameChanged.disconnect(on_frame)
    pipeline.stop()
    duration = max(player.duration() / 1000.0, state["last"])
    lost = next((r for r in readings if r.state is State.LOST), None)
    calibrated = next((r.t for r in readings if r.state in (State.GOOD, State.BAD)), None)
    return VideoCheck(
        frames=state["frames"],
        found=state["found"],
        duration=duration,
        lost_at=lost.lost_at if lost is not None else None,
        stopped_at=lost.t if lost is not None else None,
        calibrated_at=calibrated,
        readings=tuple(readings),
        error=state["error"],
    )


# The lines of a body outline between BlazePose's points: arms, trunk, legs.
OUTLINE: tuple[tuple[int, int], ...] = (
    (11, 12),
    (11, 13),
    (13, 15),
    (12, 14),
    (14, 16),
    (11, 23),
    (12, 24),
    (23, 24),
    (23, 25),
    (25, 27),
    (24, 26),
    (26, 28),
    (27, 31),
    (28, 32),
)


def check_video_cli(path: Path, thresholds: Thresholds, *, rate: float = 1.0) -> int:
    """``qltimer camera-check VIDEO``: a QCoreApplication (no display needed), the check, and
    what it found, in plain words. Exit 0 when the check ran (whatever it found), 1 when it
    could not."""
    if sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false")
    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0] if sys.argv else "qltimer"])
    assert app is not None
    with _quiet_stderr():  # FFmpeg logs every frame's pixel format straight to the terminal
        result = check_video(path, thresholds, rate=rate)
    if result.error:
        print(f"qltimer: {result.error}", file=sys.stderr)
        return 1
    for line in describe_check(result, thresholds):
        print(line)
    return 0


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """File descriptor 2 into a temporary file while the recording plays (FFmpeg and the
    model's runtime write there, past Python); our own lines are printed after."""
    import tempfile

    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def describe_check(result: VideoCheck, thresholds: Thresholds) -> list[str]:
    """What ``camera-check`` prints: how much of the recording showed a body, when the straight
    line was learned, and when the hold would have ended (or that form held)."""
    from qltimer.formats import format_clock

    def at(t: float) -> str:
        return f"{t:.1f} s" if t < 60 else f"{format_clock(t)} ({t:.1f} s)"

    shown = (
        f"{result.found} of {result.frames} frames looked at showed a body line"
        f" ({result.duration:.1f} s of video)."
    )
    lines = [shown]
    if result.frames == 0:
        lines.append("No frame could be read from the video.")
        return lines
    if result.calibrated_at is None:
        if result.found and result.duration < thresholds.calibrate + 0.5:
            lines.append(
                f"The recording is too short: the check needs {thresholds.calibrate:g} s of your "
                "straight line first, so the camera would not have ended the hold."
            )
        elif result.found:
            lines.append(
                "Your body was seen too rarely to learn your straight line: the camera would not "
                "have ended the hold (check that your whole body, head to feet, is in the "
                "picture, in good light)."
            )
        else:
            lines.append(
                "Nobody was seen: the camera would not have ended the hold (check that your "
                "whole body, head to feet, is in the picture)."
            )
        return lines
    lines.append(f"Straight line learned by {at(result.calibrated_at)}.")
    if result.lost_at is not None and result.stopped_at is not None:
        lines.append(
            f"Form lost at {at(result.lost_at)}: the hold would have ended at "
            f"{at(result.stopped_at)}, recorded as held until {at(result.lost_at)}."
        )
    else:
        out_since = None  # out of line at the end, not yet for long enough
        for r in result.readings:
            if r.state is State.BAD:
                out_since = r.t if out_since is None else out_since
            elif r.state is not State.NOBODY:
                out_since = None
        if out_since is not None:
            lines.append(
                f"Your hips were out of line from {at(out_since)} to the end, not for the "
                f"{thresholds.lost_after:g} s that ends a hold: the camera would not have ended it."
            )
        else:
            lines.append("Form held to the end: the camera would not have ended the hold.")
    degrees = "degree" if thresholds.angle == 1 else "degrees"
    lines.append(
        f"Thresholds: hips {thresholds.drop:g} body lengths lower or hip angle closed "
        f"{thresholds.angle:g} {degrees}, for {thresholds.lost_after:g} s, after "
        f"{thresholds.calibrate:g} s learning."
    )
    return lines
