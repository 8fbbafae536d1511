"""Cue sounds: loaded and decoded once at start, played off the GUI thread. No Qt here.

:class:`SimpleaudioPlayer` plays through simpleaudio on one worker thread, one utterance after
another: ``play_together`` joins sounds due at the same moment into one buffer (see
:mod:`qltimer.cuemix` for which cues those are), so nothing waits for a device to reopen between
them. An utterance that waited more than 1.5 s behind others is dropped as out of date. A failure
to open the sound device turns the player silent with a one-line ``notice``; it never raises into
the caller and never blocks it. :class:`SilentPlayer` is the same interface with no sound, for
machines without a device and for tests of everything else.
"""

from __future__ import annotations

import array
import functools
import itertools
import queue
import sys
import threading
import time
import wave
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from qltimer import paths

STALE_AFTER = 1.5  # seconds a cue may wait behind others before it is dropped as out of date


@dataclass(frozen=True)
class Sound:
    """One decoded cue: raw 16-bit PCM and its format."""

    name: str
    pcm: bytes
    channels: int
    sample_width: int
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / (self.channels * self.sample_width * self.rate)

    def scaled(self, volume: float) -> bytes:
        """The PCM at *volume* (0..1): what is actually sent to the device."""
        if volume >= 0.999:
            return self.pcm
        samples = array.array("h", self.pcm)
        if sys.byteorder != "little":
            samples.byteswap()
        scaled = array.array("h", (int(s * volume) for s in samples))
        if sys.byteorder != "little":
            scaled.byteswap()
        return scaled.tobytes()


def scale_all(sounds: dict[str, Sound], volume: float) -> dict[str, bytes]:
    """Every sound's PCM at *volume*, byte for byte what :meth:`Sound.scaled` gives, but through
    one table of all 65,536 sample values: about 25 ms for all the cues here instead of 90 ms."""
    if volume >= 0.999:
        return {name: sound.pcm for name, sound in sounds.items()}
    table = _volume_table(volume)
    out: dict[str, bytes] = {}
    for name, sound in sounds.items():
        samples = array.array("h", sound.pcm)
        if sys.byteorder != "little":
            samples.byteswap()
        scaled = array.array("h", list(map(table.__getitem__, samples)))
        if sys.byteorder != "little":
            scaled.byteswap()
        out[name] = scaled.tobytes()
    return out


@functools.lru_cache(maxsize=4)
def _volume_table(volume: float) -> list[int]:
    """Every sample value at *volume*, indexed by the signed sample itself (negative samples
    count from the end of the list). Kept for the last few levels: spoken phrases added one by
    one during a run are scaled without building it again."""
    return [int(k * volume) for k in range(32768)] + [int(k * volume) for k in range(-32768, 0)]


def load_sounds(folder: Path | None = None) -> dict[str, Sound]:
    """Every ``*.wav`` in the cue folder, decoded. Unreadable files are skipped."""
    folder = folder if folder is not None else paths.assets_dir() / "cues"
    sounds: dict[str, Sound] = {}
    for path in sorted(folder.glob("*.wav")):
        try:
            with wave.open(str(path), "rb") as w:
                if w.getsampwidth() != 2:
                    continue
                sounds[path.stem] = Sound(
                    path.stem, w.readframes(w.getnframes()), w.getnchannels(), 2, w.getframerate()
                )
        except (OSError, wave.Error, EOFError):
            continue
    return sounds


@dataclass
class Played:
    """A record of one cue handed to the device, for measuring lateness."""

    name: str
    due: float | None  # monotonic time it was due, when the caller said
    asked: float  # monotonic time play() was called
    started: float | None  # monotonic time the device call was made; None if dropped as stale
    offset: float = 0.0  # seconds into that device call's buffer at which this sound begins


class CuePlayer(Protocol):
    volume: float
    muted: bool

    @property
    def notice(self) -> str | None: ...

    def play(self, name: str, due: float | None = None) -> None: ...

    def play_together(self, names: Sequence[str], due: float | None = None) -> None: ...

    def add_sounds(self, sounds: dict[str, Sound]) -> None: ...

    def forget(self, names: Iterable[str]) -> None: ...

    def close(self) -> None: ...


@dataclass
class SilentPlayer:
    """No sound at all; remembers what it was asked to play."""

    volume: float = 1.0
    muted: bool = False
    reason: str | None = None
    asked: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    utterances: list[tuple[str, ...]] = field(default_factory=list)  # each play, as one
    forgotten: list[str] = field(default_factory=list)

    @property
    def notice(self) -> str | None:
        return self.reason

    def play(self, name: str, due: float | None = None) -> None:
        self.asked.append(name)

    def play_together(self, names: Sequence[str], due: float | None = None) -> None:
        names = (names,) if isinstance(names, str) else tuple(names)
        self.asked.extend(names)
        self.utterances.append(names)

    def add_sounds(self, sounds: dict[str, Sound]) -> None:
        self.added.extend(sounds)

    def forget(self, names: Iterable[str]) -> None:
        self.forgotten.extend(names)

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class _Say:
    """A queued utterance: sound names to play back to back."""

    names: tuple[str, ...]
    due: float | None
    asked: float


@dataclass(frozen=True)
class _Rescale:
    """Scale every sound to a new volume level, before the cues queued after it."""

    level: float


@dataclass(frozen=True)
class _Add:
    """New sounds (spoken phrases): scaled to the current level, then playable by name."""

    sounds: dict[str, Sound]


@dataclass(frozen=True)
class _Forget:
    """Sounds no longer needed (a time held that has passed): their memory is given back."""

    names: frozenset[str]


@dataclass(frozen=True)
class _Buffer:
    """What one device call plays: PCM in one format, and where each sound begins in it."""

    pcm: bytes
    channels: int
    sample_width: int
    rate: int
    parts: tuple[tuple[str, float], ...]  # (name, seconds into the buffer)

    @property
    def seconds(self) -> float:
        return len(self.pcm) / (self.channels * self.sample_width * self.rate)


def _format(sound: Sound) -> tuple[int, int, int]:
    return sound.channels, sound.sample_width, sound.rate


def _level(volume: float) -> float:
    return round(max(0.0, min(1.0, volume)), 2)


class SimpleaudioPlayer:
    """Plays decoded cues through simpleaudio on a worker thread, one utterance at a time.

    Every sound is scaled to the volume on the worker thread when the player starts and again when
    the volume changes, never when a cue is due; joined utterances are cached. The worker waits for
    a sound to end without polling: one timed :class:`threading.Event` wait until the sound's known
    end (its start on the monotonic clock plus its length in bytes over the byte rate). Only the
    tail is confirmed by asking simpleaudio: its own thread drains the device's buffer and closes
    the device a few milliseconds after the last sample, so ``is_playing()`` is checked every
    ``TAIL_STEP`` s for at most ``TAIL_LIMIT`` s past the known end (a device still busy then is
    taken to be stuck, and the next cue is tried anyway). ``close()`` skips the timed waits: what
    is still queued goes to the device in order, each sound only confirmed ended as above, all
    within 2 s.
    """

    TAIL_STEP = 0.002  # seconds between is_playing() checks once a sound should have ended
    TAIL_LIMIT = 0.5  # seconds past a sound's known end after which it is no longer waited for

    def __init__(
        self,
        sounds: dict[str, Sound],
        *,
        volume: float = 1.0,
        muted: bool = False,
        clock: Callable[[], float] = time.monotonic,
        backend: Any = None,
    ) -> None:
        self.sounds = sounds
        self._recorded = frozenset(sounds)  # the shipped cues: never forgotten
        self.muted = muted
        self.clock = clock
        self.log: list[Played] = []
        self._notice: str | None = None
        self.detail = ""  # the sound system's own words for a failure (shown as a tooltip)
        self._volume = volume
        # Owned by the worker thread: every sound at the current level, and joined utterances.
        self._scaled: dict[str, bytes] = {}
        self._joined: dict[tuple[str, ...], tuple[_Buffer, ...]] = {}
        self._queue: queue.Queue[_Say | _Rescale | _Add | _Forget | None] = queue.Queue()
        self._coming: set[str] = set()  # names added, maybe not yet scaled by the worker
        self._level = _level(volume)
        self._closing = threading.Event()
        self._backend = backend
        if self._backend is None:
            try:
                import simpleaudio

                self._backend = simpleaudio
            except Exception as err:  # ImportError, or a broken native module
                self.detail = str(err)
                self._notice = (
                    "No sound: qltimer's sound library could not load. Cues are shown on screen."
                )
        self._queue.put(_Rescale(_level(volume)))  # on the worker, before any cue
        self._thread = threading.Thread(target=self._work, name="qltimer-audio", daemon=True)
        self._thread.start()

    @property
    def notice(self) -> str | None:
        return self._notice

    @property
    def volume(self) -> float:
        return self._volume

    @volume.setter
    def volume(self, value: float) -> None:
        """Rescale every sound on the worker thread now, not when the next cue is due."""
        if _level(value) != _level(self._volume):
            self._queue.put(_Rescale(_level(value)))
        self._volume = value

    def play(self, name: str, due: float | None = None) -> None:
        """Queue *name*; returns at once. Unknown names fall back to the chime."""
        self.play_together((name,), due)

    def play_together(self, names: Sequence[str], due: float | None = None) -> None:
        """Queue *names* to play back to back as one sound (one device call when they share a
        format); returns at once. Unknown names fall back to the chime."""
        if self.muted or self._notice is not None:
            return
        if isinstance(names, str):  # one name, not its letters
            names = (names,)
        known = tuple(n if n in self.sounds or n in self._coming else "chime" for n in names)
        known = tuple(n for n in known if n in self.sounds or n in self._coming)
        if known:
            self._queue.put(_Say(known, due, self.clock()))

    def add_sounds(self, sounds: dict[str, Sound]) -> None:
        """Make *sounds* playable by name (returns at once). The worker scales them before any
        utterance queued after this call, so they can be named at once."""
        self._coming.update(sounds)
        self._queue.put(_Add(dict(sounds)))

    def forget(self, names: Iterable[str]) -> None:
        """Drop *names* (returns at once; an utterance queued before this still plays them).
        The recorded cues are never forgotten."""
        gone = frozenset(names) - self._recorded
        self._coming.difference_update(gone)
        if gone:
            self._queue.put(_Forget(gone))

    def _rescale(self, level: float) -> None:
        self._level = level
        self._scaled = scale_all(self.sounds, level)
        self._joined = {}

    def _unjoin(self, names: Iterable[str]) -> None:
        """Forget the joined utterances that hold any of *names* (replaced or let go)."""
        gone = set(names)
        self._joined = {k: v for k, v in self._joined.items() if not gone.intersection(k)}

    def _buffers(self, names: tuple[str, ...]) -> tuple[_Buffer, ...]:
        """One buffer for the whole utterance, or one per run of sounds in the same format."""
        if names not in self._joined:
            runs: list[list[str]] = []
            for name in names:
                if runs and _format(self.sounds[runs[-1][0]]) == _format(self.sounds[name]):
                    runs[-1].append(name)
                else:
                    runs.append([name])
            buffers = []
            for run in runs:
                starts = itertools.accumulate(
                    (self.sounds[n].seconds for n in run[:-1]), initial=0.0
                )
                channels, width, rate = _format(self.sounds[run[0]])
                pcm = b"".join(self._scaled[n] for n in run)
                buffers.append(
                    _Buffer(pcm, channels, width, rate, tuple(zip(run, starts, strict=True)))
                )
            self._joined[names] = tuple(buffers)
        return self._joined[names]

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            if isinstance(job, _Rescale):
                self._rescale(job.level)
                continue
            if isinstance(job, _Forget):
                for name in job.names - self._coming:  # unless added again meanwhile
                    self.sounds.pop(name, None)
                    self._scaled.pop(name, None)
                self._unjoin(job.names)
                continue
            if isinstance(job, _Add):
                self._scaled.update(scale_all(job.sounds, self._level))
                self.sounds.update(job.sounds)  # only now: play_together() may name them
                # A sound added again under its name (a phrase in a voice newly chosen)
                # replaces the old one in every joined utterance too.
                self._unjoin(job.sounds.keys())
                continue
            if self._notice is not None or self.muted:
                continue
            if self.clock() - job.asked > STALE_AFTER:
                for name in job.names:  # said too late to help: skipped
                    self.log.append(Played(name, job.due, job.asked, None))
                continue
            for buffer in self._buffers(job.names):
                try:
                    started = self.clock()
                    handle = self._backend.play_buffer(
                        buffer.pcm, buffer.channels, buffer.sample_width, buffer.rate
                    )
                    playing = time.monotonic()  # the device is open and taking the sound
                except Exception as err:  # simpleaudio raises its own errors for ALSA failures
                    # Plain words on screen; the sound system's own words for whoever looks.
                    self.detail = str(err)
                    self._notice = (
                        "No sound: the sound device could not be opened. Cues are shown on "
                        "screen. (Check that speakers or headphones are plugged in.)"
                    )
                    break
                for name, offset in buffer.parts:
                    self.log.append(Played(name, job.due, job.asked, started, offset))
                self._wait_done(handle, playing + buffer.seconds)

    def _wait_done(self, handle: Any, end: float) -> None:
        """Until the sound of *handle* has played: one timed wait for its known *end* (monotonic
        clock), then the tail, confirmed with ``is_playing()``. Closing skips the timed wait."""
        closing = self._closing.wait(max(0.0, end - time.monotonic()))
        limit = (time.monotonic() if closing else end) + self.TAIL_LIMIT
        try:
            while handle.is_playing() and time.monotonic() < limit:
                time.sleep(self.TAIL_STEP)
        except Exception:  # a failing query is no reason to stop: the next cue will tell
            return

    def close(self) -> None:
        """Stop waiting out sounds' lengths; hand what is queued to the device; wait up to 2 s."""
        self._closing.set()
        self._queue.put(None)
        self._thread.join(timeout=2.0)


def make_player(volume: float = 1.0, muted: bool = False) -> CuePlayer:
    """The real player when cue files are there, else a silent one that says why."""
    try:
        sounds = load_sounds()
    except paths.ResourceMissingError as err:
        return SilentPlayer(volume, muted, reason=f"No sound: {err}")
    if not sounds:
        return SilentPlayer(volume, muted, reason="No sound: the cue sounds are missing.")
    return SimpleaudioPlayer(sounds, volume=volume, muted=muted)
