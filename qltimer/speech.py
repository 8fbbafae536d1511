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
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import warnings
import wave
from collections.abc import Callable, Iterable, KeysView
from pathlib import Path
from typing import Any

import platformdirs

from qltimer.audio import Sound
from qltimer.files import WriteError, replacing
from qltimer.script import sha256  # not hashlib's: that maps all of OpenSSL

ENGINE = "flite"
DEFAULT_VOICE = "slt"
RATES = (0.8, 1.0, 1.25)  # slower, normal, faster: RATE_WORDS
TIMEOUT = 5.0  # seconds one phrase may take to render before it is given up
MAX_CHARS = 200  # a phrase longer than this is cut at a word
MAX_WAV_BYTES = 16 * 1024 * 1024  # a cached file bigger than this is not one of ours
RATE = 22050  # samples a second: the recorded cues' rate, so speech joins them in one buffer
QUIET = 200  # a sample this close to zero (of 32767) is silence, for trimming a phrase's ends
_VOICE_NAME = re.compile(r"[a-z0-9_]{1,20}")


# flite's voices in plain words; "awb_time" only tells the time, so it is never offered.
VOICES = {
    "slt": "US English, woman (the clearest)",
    "rms": "US English, man",
    "awb": "Scottish English, man",
    "kal16": "US English, man (quickest, less clear)",
    "kal": "US English, man (telephone quality)",
}
RATE_WORDS = dict(zip(RATES, ("Slower", "Normal", "Faster"), strict=True))


def voices() -> list[str]:
    """The voices the installed engine has that qltimer offers, the clearest first; [] with
    no engine (or one that does not answer within a second)."""
    program = engine_path()
    if program is None:
        return []
    try:
        done = _run([program, "-lv"], 1.0)
    except (OSError, subprocess.TimeoutExpired):
        return []
    listed = set(done.stdout.decode(errors="replace").split(":", 1)[-1].split())
    return [v for v in VOICES if v in listed]


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run the engine with a time limit; past it, the engine and anything it started (its own
    process group) are killed, not left running."""
    with subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


class SpeechError(Exception):
    """A phrase could not be spoken; the message says why in plain words."""


class SpeechHang(SpeechError):
    """The engine took longer than its time limit and was stopped."""


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
    key = f"{ENGINE}\n{voice}\n{rate:.3f}\n{RATE}\ntrimmed\n{text}"
    return str(sha256(key.encode()).hexdigest()[:32])


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
            done = _run(
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
                timeout,
            )
        except subprocess.TimeoutExpired:
            raise SpeechHang(f"the speech engine took over {timeout:g} s and was stopped") from None
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
    if sound.channels == 1:
        pcm = resample(sound.pcm, sound.rate, RATE) if sound.rate != RATE else sound.pcm
        sound = Sound(said, trim(pcm, RATE), 1, 2, RATE)
    with contextlib.suppress(OSError, WriteError):  # no cache: rendered again next time
        folder.mkdir(parents=True, exist_ok=True)
        write_wav(sound, cached)
    return sound


def _audioop() -> Any:
    """The standard library's audioop (C; Python 3.11 and 3.12, deprecated there), or None."""
    if sys.byteorder != "little":
        return None  # it works in the machine's byte order, and WAV data is little-endian
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import audioop
        except ImportError:  # Python 3.13 on: the loop below
            return None
    return audioop


def resample(pcm: bytes, rate: int, to: int) -> bytes:
    """16-bit mono *pcm* from *rate* to *to* samples a second: with audioop's C resampler where
    Python has it (ten times quicker), else by linear interpolation in Python (plenty for a
    voice: flite's 16 kHz speech has nothing above 8 kHz to alias)."""
    fast = _audioop()
    if fast is not None and len(pcm) >= 4:
        converted: bytes = fast.ratecv(pcm, 2, 1, rate, to, None)[0]
        return converted
    return resample_slowly(pcm, rate, to)


def resample_slowly(pcm: bytes, rate: int, to: int) -> bytes:
    """:func:`resample` by linear interpolation in Python, for where audioop is gone."""
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


def trim(pcm: bytes, rate: int, quiet: int = QUIET, keep: float = 0.03) -> bytes:
    """16-bit mono *pcm* without the silence flite puts before and after the words (all but
    *keep* seconds of it), so a phrase starts the moment it is played and ends with its last
    word; what is between the words is left as it is."""
    samples = array.array("h", pcm)
    if sys.byteorder != "little":
        samples.byteswap()
    first = next((i for i, x in enumerate(samples) if abs(x) > quiet), None)
    if first is None:
        return pcm
    last = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > quiet)
    margin = int(keep * rate)
    start, end = max(0, first - margin), min(len(samples), last + 1 + margin)
    return pcm[2 * start : 2 * end]


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
    phrase keeps its recorded cue or the chime).

    The run's own list comes first (:attr:`done` is set when it is through, :attr:`seconds` is
    how long that took); :meth:`want` asks for more as the run goes (the time held, the result
    at the end), after it. An engine that hangs twice in a row is given up for the run: every
    phrase after that is a problem, said once.
    """

    def __init__(
        self,
        texts: list[str],
        add_sounds: Callable[[dict[str, Sound]], None],
        *,
        voice: str = DEFAULT_VOICE,
        rate: float = 1.0,
        cache: Path | None = None,
        name: Callable[[str], str] = lambda text: text,
        drop: Callable[[list[str]], None] = lambda names: None,
    ) -> None:
        self.texts = list(dict.fromkeys(texts))
        self.lengths: dict[str, float] = {}  # each phrase ready to play: seconds it lasts
        self.problems: list[str] = []
        self.reason = ""  # why the last problem happened, in plain words
        self.first = threading.Event()  # the first phrase is ready (or could not be)
        self.done = threading.Event()
        self.seconds = 0.0  # how long rendering the run's own list took
        self._add = add_sounds
        self._drop = drop
        self._lock = threading.Lock()  # what is asked for, against what is added
        self._args = (voice, rate, cache)
        self._name = name
        self._asked: set[str] = set(self.texts)
        self._queue: queue.SimpleQueue[tuple[str, Callable[[str], None] | None] | None] = (
            queue.SimpleQueue()
        )
        for text in self.texts:
            self._queue.put((text, None))
        self._queue.put(("", None))  # the end of the run's own list
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="qltimer-speech", daemon=True)
        self._thread.start()

    @property
    def ready(self) -> KeysView[str]:
        """The phrases ready to play."""
        return self.lengths.keys()

    def forget(self, texts: Iterable[str]) -> None:
        """Let *texts* go (their sounds with them, through *drop*); asked for again, they are
        rendered again (from the cache, in a few milliseconds). The run's own phrases stay
        ("Ten seconds." is a time held and a cue)."""
        own = set(self.texts)
        with self._lock:
            gone = [t for t in texts if t in self._asked and t not in own]
            for text in gone:
                self._asked.discard(text)
                self.lengths.pop(text, None)
            if gone:
                self._drop([self._name(t) for t in gone])

    def want(self, text: str, then: Callable[[str], None] | None = None) -> None:
        """Render *text* too, after what is already asked for; *then(text)* is called (on the
        bank's thread) once it is ready to play. Asking again for a phrase asked for before
        does nothing (its first *then* stands)."""
        with self._lock:
            if not text or text in self._asked or self._stop.is_set():
                return
            self._asked.add(text)
        self._queue.put((text, then))

    def _work(self) -> None:
        began = time.monotonic()
        voice, rate, cache = self._args
        hangs = 0
        if engine_path() is None:
            self.reason = "no speech engine is installed (the flite package)"
            self.problems.append(self.reason)
            self.seconds = time.monotonic() - began
            self.first.set()
            self.done.set()
            return
        while not self._stop.is_set():
            item = self._queue.get()
            if item is None or self._stop.is_set():
                break
            text, then = item
            if not text:
                self.seconds = time.monotonic() - began
                self.first.set()
                self.done.set()
                continue
            if text not in self._asked:
                continue  # let go before its turn came
            if hangs >= 2:
                self.reason = "the speech engine stopped answering"
                self.problems.append(f"{text!r}: {self.reason}")
                continue
            try:
                sound = render(text, voice, rate, cache=cache)
            except SpeechError as err:
                hangs = hangs + 1 if isinstance(err, SpeechHang) else 0
                self.reason = str(err)
                self.problems.append(f"{text!r}: {err}")
                self.first.set()
                continue
            hangs = 0
            with self._lock:  # not let go while it was rendered, and not from now on
                if text not in self._asked:
                    continue
                self._add({self._name(text): sound})
                self.lengths[text] = sound.seconds
            self.first.set()
            if then is not None:
                then(text)
        self.first.set()
        self.done.set()

    def finish(self) -> None:
        """Render what is asked for so far, then end (the run is over)."""
        self._queue.put(None)

    def stop(self) -> None:
        """End now: nothing more is rendered."""
        self._stop.set()
        self._queue.put(None)
