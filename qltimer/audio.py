"""Cue sounds: loaded and decoded once at start, played off the GUI thread. No Qt here.

:class:`SimpleaudioPlayer` plays through simpleaudio on one worker thread, one cue after another
(cues due at the same moment must follow each other to be understood); a cue that waited more than
1.5 s behind others is dropped as out of date. A failure to open the sound
device turns the player silent with a one-line ``notice``; it never raises into the caller and
never blocks it. :class:`SilentPlayer` is the same interface with no sound, for machines without a
device and for tests of everything else.
"""

from __future__ import annotations

import array
import queue
import sys
import threading
import time
import wave
from collections.abc import Callable
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


class CuePlayer(Protocol):
    volume: float
    muted: bool

    @property
    def notice(self) -> str | None: ...

    def play(self, name: str, due: float | None = None) -> None: ...

    def close(self) -> None: ...


@dataclass
class SilentPlayer:
    """No sound at all; remembers what it was asked to play."""

    volume: float = 1.0
    muted: bool = False
    reason: str | None = None
    asked: list[str] = field(default_factory=list)

    @property
    def notice(self) -> str | None:
        return self.reason

    def play(self, name: str, due: float | None = None) -> None:
        self.asked.append(name)

    def close(self) -> None:
        pass


class SimpleaudioPlayer:
    """Plays decoded cues through simpleaudio on a worker thread, in order."""

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
        self.volume = volume
        self.muted = muted
        self.clock = clock
        self.log: list[Played] = []
        self._notice: str | None = None
        self._scaled: dict[tuple[str, float], bytes] = {}
        self._queue: queue.Queue[tuple[str, float | None, float] | None] = queue.Queue()
        self._backend = backend
        if self._backend is None:
            try:
                import simpleaudio

                self._backend = simpleaudio
            except Exception as err:  # ImportError, or a broken native module
                self._notice = (
                    f"No sound: the sound library could not load ({err}). Cues are shown on screen."
                )
        self._thread = threading.Thread(target=self._work, name="qltimer-audio", daemon=True)
        self._thread.start()

    @property
    def notice(self) -> str | None:
        return self._notice

    def play(self, name: str, due: float | None = None) -> None:
        """Queue *name*; returns at once. Unknown names fall back to the chime."""
        if self.muted or self._notice is not None:
            return
        if name not in self.sounds:
            name = "chime"
            if name not in self.sounds:
                return
        self._queue.put((name, due, self.clock()))

    def _pcm(self, name: str) -> bytes:
        volume = round(max(0.0, min(1.0, self.volume)), 2)
        key = (name, volume)
        if key not in self._scaled:
            self._scaled[key] = self.sounds[name].scaled(volume)
        return self._scaled[key]

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            name, due, asked = item
            if self._notice is not None or self.muted:
                continue
            if self.clock() - asked > STALE_AFTER:
                self.log.append(Played(name, due, asked, None))  # said too late to help: skipped
                continue
            sound = self.sounds[name]
            try:
                started = self.clock()
                handle = self._backend.play_buffer(
                    self._pcm(name), sound.channels, sound.sample_width, sound.rate
                )
                self.log.append(Played(name, due, asked, started))
                handle.wait_done()
            except Exception as err:  # simpleaudio raises its own errors for ALSA failures
                self._notice = (
                    f"No sound: the sound device could not be opened ({err}). "
                    "Cues are shown on screen."
                )

    def close(self) -> None:
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
