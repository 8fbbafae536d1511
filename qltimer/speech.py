"""Speaking any phrase with the flite engine, rendered ahead of time and cached. No Qt here.

flite (Carnegie Mellon's small speech engine; Debian package ``flite``; BSD-style licence) runs
as a child process for each phrase, with a time limit, so an engine that crashes or hangs costs
that phrase (the caller falls back to the chime) and nothing else. The voice is ``slt`` by
default, the clearest of flite's voices in the issue's measurements. A rendered phrase is kept
in the platform's cache folder under a name made from the engine, voice, rate and text, so the
same phrase is rendered once per machine, not once per run.

Nothing here plays sound; :func:`render` gives a :class:`qltimer.audio.Sound`.
"""

from __future__ import annotations

import array
import contextlib
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import wave
from collections.abc import Callable
from pathlib import Path

import platformdirs

from qltimer.audio import Sound
from qltimer.files import WriteError, replacing

ENGINE = "flite"
DEFAULT_VOICE = "slt"
RATES = (0.8, 1.0, 1.25)  # slower, normal, faster
TIMEOUT = 5.0  # seconds one phrase may take to render before it is given up
MAX_CHARS = 200  # a phrase longer than this is cut at a word
MAX_WAV_BYTES = 16 * 1024 * 1024  # a cached file bigger than this is not one of ours
RATE = 22050  # samples a second: the recorded cues' rate, so speech joins them in one buffer
_VOICE_NAME = re.compile(r"[a-z0-9_]{1,20}")


class SpeechError(Exception):
    """A phrase could not be spoken; the message says why in plain words."""


def engine_path() -> str | None:
    """The flite program, or None when it is not installed."""
    return shutil.which(ENGINE)


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("qltimer", appauthor=False)) / "speech"


def sayable(text: str) -> str:
    """*text* as flite should get it: control characters and symbols it would spell out gone,
    spaces collapsed, at most :data:`MAX_CHARS` (cut at a word). May be empty."""
    kept = []
    for ch in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(ch)
        if category[0] in "LN" or ch in " ,.;:!?'-":
            kept.append(ch)
        elif category[0] in "ZC" or ch in "/()&+":
            kept.append(" ")
    said = " ".join("".join(kept).split())
    if len(said) > MAX_CHARS:
        said = said[:MAX_CHARS].rsplit(" ", 1)[0]
    return said.strip(" ,;:-")


def _key(text: str, voice: str, rate: float) -> str:
    key = f"{ENGINE}\n{voice}\n{rate:.3f}\n{RATE}\n{text}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _decode(path: Path, name: str) -> Sound:
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2 or w.getnframes() == 0:
            raise wave.Error("not 16-bit speech")
        return Sound(name, w.readframes(w.getnframes()), w.getnchannels(), 2, w.getframerate())


def render(
    text: str,
    voice: str = DEFAULT_VOICE,
    rate: float = 1.0,
    *,
    cache: Path | None = None,
    timeout: float = TIMEOUT,
) -> Sound:
    """*text* spoken by flite's *voice* at *rate* (1.0 normal), from the cache when it was
    rendered before. Raises :class:`SpeechError` (plain words) when it can't be."""
    said = sayable(text)
    if not said:
        raise SpeechError(f"nothing in {text[:40]!r} can be said")
    if not _VOICE_NAME.fullmatch(voice):
        raise SpeechError(f"{voice[:40]!r} is not a voice name")
    if not 0.5 <= rate <= 2.0:
        raise SpeechError(f"a speaking rate of {rate:g} is outside 0.5 to 2")
    folder = cache if cache is not None else cache_dir()
    cached = folder / f"{_key(said, voice, rate)}.wav"
    with contextlib.suppress(OSError, wave.Error, EOFError):
        if cached.is_file() and cached.stat().st_size <= MAX_WAV_BYTES:
            return _decode(cached, said)
    program = engine_path()
    if program is None:
        raise SpeechError("no speech engine is installed (the flite package)")
    with tempfile.TemporaryDirectory(prefix="qltimer-say-") as tmp:
        out = Path(tmp) / "phrase.wav"
        try:
            done = subprocess.run(
                [
                    program,
                    "-voice",
                    voice,
                    "--setf",
                    f"duration_stretch={1 / rate:.3f}",
                    "-t",
                    said,
                    "-o",
                    str(out),
                ],
                capture_output=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise SpeechError(
                f"the speech engine took over {timeout:g} s and was stopped"
            ) from None
        except OSError as err:
            raise SpeechError(f"the speech engine could not be started ({err.strerror})") from None
        if done.returncode != 0:
            why = done.stderr.decode(errors="replace").strip().splitlines()
            raise SpeechError(
                f"the speech engine failed (exit {done.returncode}"
                + (f": {why[-1][:80]}" if why else "")
                + ")"
            )
        try:
            sound = _decode(out, said)
        except (OSError, wave.Error, EOFError):
            raise SpeechError("the speech engine gave no sound") from None
    if sound.rate != RATE and sound.channels == 1:
        sound = Sound(said, resample(sound.pcm, sound.rate, RATE), 1, 2, RATE)
    with contextlib.suppress(OSError, WriteError):  # no cache: rendered again next time
        folder.mkdir(parents=True, exist_ok=True)
        write_wav(sound, cached)
    return sound


def resample(pcm: bytes, rate: int, to: int) -> bytes:
    """16-bit mono *pcm* from *rate* to *to* samples a second, by linear interpolation (plenty
    for a voice: flite's 16 kHz speech has nothing above 8 kHz to alias)."""
    samples = array.array("h", pcm)
    if sys.byteorder != "little":
        samples.byteswap()
    n = len(samples)
    if n < 2:
        return pcm
    count = max(1, (n - 1) * to // rate + 1)
    step = rate / to
    last = n - 1
    out = array.array("h", bytes(2 * count))
    for i in range(count):
        pos = i * step
        j = int(pos)
        if j >= last:
            out[i] = samples[last]
        else:
            frac = pos - j
            out[i] = int(samples[j] + (samples[j + 1] - samples[j]) * frac)
    if sys.byteorder != "little":
        out.byteswap()
    return out.tobytes()


def write_wav(sound: Sound, target: Path) -> None:
    """*sound* as a WAV file at *target*, whole or not at all (:class:`WriteError`)."""
    with replacing(target) as temp, wave.open(str(temp), "wb") as w:
        w.setnchannels(sound.channels)
        w.setsampwidth(sound.sample_width)
        w.setframerate(sound.rate)
        w.writeframes(sound.pcm)


class PhraseBank:
    """Renders a run's phrases on a thread of its own and hands each, as it is ready, to the
    player (``add_sounds``), so the run never waits for speech: a phrase not ready when its cue
    is due plays as the recorded cue. :attr:`problems` says what could not be rendered (that
    phrase keeps its recorded cue or the chime)."""

    def __init__(
        self,
        texts: list[str],
        add_sounds: Callable[[dict[str, Sound]], None],
        *,
        voice: str = DEFAULT_VOICE,
        rate: float = 1.0,
        cache: Path | None = None,
        name: Callable[[str], str] = lambda text: text,
    ) -> None:
        self.texts = list(texts)
        self.ready: set[str] = set()
        self.problems: list[str] = []
        self.done = threading.Event()
        self.seconds = 0.0  # how long rendering them all took
        self._add = add_sounds
        self._args = (voice, rate, cache)
        self._name = name
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="qltimer-speech", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        began = time.monotonic()
        voice, rate, cache = self._args
        try:
            if engine_path() is None:
                self.problems.append("no speech engine is installed (the flite package)")
                return
            for text in self.texts:
                if self._stop.is_set():
                    return
                try:
                    sound = render(text, voice, rate, cache=cache)
                except SpeechError as err:
                    self.problems.append(f"{text!r}: {err}")
                    continue
                self._add({self._name(text): sound})
                self.ready.add(text)
        finally:
            self.seconds = time.monotonic() - began
            self.done.set()

    def stop(self) -> None:
        self._stop.set()
