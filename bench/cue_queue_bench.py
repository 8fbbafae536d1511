"""Queue lateness of cues due together: the old player against cuemix + play_together.

The cues of a real built-in session (``sessions/ql-level-1.toml``, expanded by the engine with a
fake clock: holds run to their deadlines, laps counted every ``lap_seconds``) are played in real
time through the REAL simpleaudio, in a child process whose ALSA (its own HOME/.asoundrc) plays
into a ``type plug`` pcm with a fixed 22,050 Hz mono S16_LE slave, over a ``type file`` pcm (slave
``null``) writing into a FIFO. This process reads the FIFO at the stream's byte rate (44,100 B/s)
as a sound card would, with the pipe shrunk to one page (4 KiB, 93 ms) so that buffering hides
little: ALSA's writes block like a device's. A byte is heard at max(its arrival, the previous
byte's + 1/44,100 s); each cue is found in the captured stream by its bytes, and its lateness is
when it is heard minus when it was due.

Long silences are cut short (the schedule is compressed): the gap before a cue is kept when the
sounds before it had not finished by then, and otherwise becomes "the earlier sounds' length +
``--margin``" (10 ms): every pair of cues due together is kept, and most cues are due just after
the one before ends. Both players get the same schedule in the same run, alternating:

- before: the old worker (kept below as :class:`LegacyQueue`): one queue item per cue, volume
  scaled on a sound's first play, ``wait_done()`` polling every 50 ms;
- after: :func:`qltimer.cuemix.mix_cues` + ``SimpleaudioPlayer.play_together`` + its wait for a
  sound's known end.

A second, device-free measurement times how soon each worker hands a queued cue to the device
once the one before has ended (simpleaudio's PlayObject with a fake ``is_playing``): in the FIFO
model ``is_playing()`` turns false when the last bytes enter the pipe, ~100 ms before they are
heard, which hides a 50 ms poll; on a real card it turns false when the last sample is heard.

With ``--speech`` the same is measured with the voice on (issue 12): every phrase of the
session is rendered by flite first (as a run does before its first get-ready ends), the engine's
cues are voiced as the app voices them (:func:`qltimer.phrases.voiced`, with its rule that words
never hold back the next cue), and the "after" player plays the spoken utterances; "before" is
then the same player with the recorded cues only, so the figures compare speech with no speech.

    python bench/cue_queue_bench.py [--repeat 5] [--speech]
"""

from __future__ import annotations

import argparse
import atexit
import bisect
import fcntl
import json
import os
import queue
import random
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.report import row  # noqa: E402
from qltimer import speech  # noqa: E402
from qltimer.audio import STALE_AFTER, SimpleaudioPlayer, Sound, load_sounds  # noqa: E402
from qltimer.cuemix import TOGETHER, mix_cues  # noqa: E402
from qltimer.engine import Cue, CueDue, CueKind, Event, Run, expand  # noqa: E402
from qltimer.phrases import phrase_list, sound_name, voiced  # noqa: E402
from qltimer.script import StepKind, load_session  # noqa: E402
from tests.helpers import FakeClock  # noqa: E402

RATE = 22050
BYTE_RATE = RATE * 2  # mono, 16-bit
VOLUME = 0.8  # the app's default
PIPE_BYTES = 4096  # the smallest pipe Linux allows: one page
DEVICE_BYTES = 256  # what the modelled card takes from the pipe at once (5.8 ms)
WARM_UP = b"\0\0" * (RATE // 50)  # 20 ms of silence, so the first cue does not pay ALSA's set-up

ASOUNDRC = """\
pcm.!default {{
    type plug
    slave {{ pcm "qlfifo"; format S16_LE; rate {rate}; channels 1 }}
}}
pcm.qlfifo {{
    type file
    slave.pcm "null"
    file "{fifo}"
    format "raw"
}}
"""


# -- the schedule ------------------------------------------------------------------------------


def engine_calls(path: Path, spoken: dict[str, float] | None = None) -> list[list[Event]]:
    """The events of every engine call of a whole run, each cue on time; laps are counted every
    ``lap_seconds``, and work that ends on the person's word ends at its estimate. With
    *spoken* (phrase -> seconds), each call's cues are voiced as the app voices them."""
    clock = FakeClock(0.0)
    run = Run(expand(load_session(path)), clock)

    def said(events: list[Event]) -> list[Event]:
        return events if spoken is None else voiced(events, spoken, run.upcoming())

    calls = [said(run.start())]
    while not run.finished:
        phase = run.phase
        assert phase is not None
        if phase.is_work and phase.step.kind is StepKind.LAPS:
            for _ in range(phase.step.laps or 0):
                clock.tick(phase.step.lap_seconds or 10.0)
                calls.append(said(run.add_count()))
        elif run.next_due() is None:  # ends on the person's word: at its estimate
            clock.tick(max(0.0, phase.estimate - run.elapsed()))
            calls.append(said(run.done_now()))
        else:
            clock.now = run.next_due() or clock.now
            calls.append(said(run.advance()))
    return calls


def with_speech(sounds: dict[str, Sound], texts: list[str], cache: Path) -> dict[str, Sound]:
    """*sounds* and each of *texts* rendered by flite (from *cache* once rendered)."""
    return {**sounds, **{sound_name(t): speech.render(t, cache=cache) for t in texts}}


def schedule(
    path: Path,
    sounds: dict[str, Sound],
    margin: float,
    around: int | None = None,
    spoken: dict[str, float] | None = None,
) -> list[dict[str, Any]]:
    """The engine calls as batches of cues with compressed due times (seconds from the start).

    With *around*, only the engine calls within that many of one with cues due together are kept.

    Each cue is marked ``second`` when another is due with it before it (in the engine's order),
    ``last`` when it is the last of two or more due together (what comes next: "switch sides",
    "rest", "session complete"), and ``after_end`` when it is the first of its group and its gap
    was cut to just after the earlier sounds end (as the old player, which plays every cue, would
    have them end).
    """
    batches = []
    for events in engine_calls(path, spoken):
        cues = [e for e in events if isinstance(e, CueDue)]
        if cues:
            batches.append(cues)
    if around is not None:
        together = [
            i
            for i, b in enumerate(batches)
            if any(abs(x.due - y.due) <= TOGETHER for x in b for y in b if x is not y)
        ]
        batches = [b for i, b in enumerate(batches) if any(abs(i - j) <= around for j in together)]
    new: dict[float, float] = {}  # original due -> compressed due
    busy_until = 0.0  # compressed time at which every sound so far has been played
    group_start: float | None = None  # original due of the current group's first cue
    compressed_start = 0.0
    marks: dict[float, bool] = {}
    dues = sorted({e.due for b in batches for e in b})
    for due in dues:
        if group_start is not None and due - group_start <= TOGETHER + 1e-9:
            new[due] = compressed_start + (due - group_start)
        else:
            if group_start is None:
                compressed_start = 0.0
                cut = False
            else:
                gap = due - group_start
                room = max(0.0, busy_until - compressed_start) + margin
                cut = gap > room
                compressed_start += min(gap, room)
            group_start = due
            new[due] = compressed_start
            marks[due] = cut
        length = sum(sounds[e.cue.sound].seconds for b in batches for e in b if e.due == due)
        busy_until = max(busy_until, new[due]) + length
    out = []
    for cues in batches:
        seen: list[float] = []
        entries = []
        for i, e in enumerate(cues):
            second = any(abs(e.due - d) <= TOGETHER + 1e-9 for d in seen)
            later = any(abs(e.due - x.due) <= TOGETHER + 1e-9 for x in cues[i + 1 :])
            seen.append(e.due)
            entries.append(
                {
                    "kind": e.cue.kind.value,
                    "text": e.cue.text,
                    "sound": e.cue.sound,
                    "due": new[e.due],
                    "second": second,
                    "last": second and not later,
                    "after_end": marks.get(e.due, False) and not second,
                }
            )
        out.append({"at": max(c["due"] for c in entries), "cues": entries})
    return out


# -- the old player, as it was -------------------------------------------------------------------


class LegacyQueue:
    """The worker loop of qltimer/audio.py before cuemix: one queue item per cue, each scaled on
    its first play, then ``handle.wait_done()`` (simpleaudio polls ``is_playing()`` every 50 ms)."""

    def __init__(self, sounds: dict[str, Sound], volume: float, backend: Any) -> None:
        self.sounds = sounds
        self.volume = volume
        self.backend = backend
        self.log: list[tuple[str, float | None]] = []
        self._scaled: dict[tuple[str, float], bytes] = {}
        self._queue: queue.Queue[tuple[str, float | None, float] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, daemon=True)
        self._thread.start()

    def play(self, name: str, due: float | None = None) -> None:
        self._queue.put((name, due, time.monotonic()))

    def _pcm(self, name: str) -> bytes:
        key = (name, round(self.volume, 2))
        if key not in self._scaled:
            self._scaled[key] = self.sounds[name].scaled(key[1])
        return self._scaled[key]

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            name, _due, asked = item
            if time.monotonic() - asked > STALE_AFTER:
                self.log.append((name, None))
                continue
            sound = self.sounds[name]
            started = time.monotonic()
            handle = self.backend.play_buffer(
                self._pcm(name), sound.channels, sound.sample_width, sound.rate
            )
            self.log.append((name, started))
            handle.wait_done()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10.0)


# -- the child: plays the schedule through real simpleaudio ---------------------------------------


def child(mode: str, plan_path: Path) -> None:
    import simpleaudio

    whole = json.loads(plan_path.read_text())
    plan = whole["batches"]
    sounds = load_sounds()
    if mode == "after" and whole["phrases"]:
        sounds = with_speech(sounds, whole["phrases"], Path(whole["cache"]))
    simpleaudio.play_buffer(WARM_UP, 1, 2, RATE).wait_done()
    legacy = LegacyQueue(sounds, VOLUME, simpleaudio) if mode == "before" else None
    player = SimpleaudioPlayer(sounds, volume=VOLUME) if mode == "after" else None
    time.sleep(0.5)  # both settle; the new player scales the sounds on its own thread meanwhile
    t0 = time.monotonic() + 0.2
    calls: list[list[str]] = []  # the sounds of each play()/play_together() call, in order
    heard_as: list[tuple[int, int] | None] = []  # per cue: (call, part), or None if dropped
    for batch in plan:
        at = t0 + batch["at"]
        time.sleep(max(0.0, at - time.monotonic()))
        now = time.monotonic()
        events = [
            CueDue(
                None,
                Cue(0.0, CueKind(c["kind"]), c["text"], c["sound"]),
                t0 + c["due"],
                now,
                False,
            )
            for c in batch["cues"]
        ]
        if legacy is not None:
            for e in events:
                legacy.play(e.cue.sound, due=e.due)
                heard_as.append((len(calls), 0))
                calls.append([e.cue.sound])
            continue
        assert player is not None
        mapped: list[tuple[int, int] | None] = [None] * len(events)
        for said in mix_cues(events):
            for part, name in enumerate(said.names):
                for i, e in enumerate(events):
                    if mapped[i] is None and e.cue.sound == name and abs(e.due - said.due) <= 0.06:
                        mapped[i] = (len(calls), part)
                        break
            player.play_together(said.names, due=said.due)
            calls.append(list(said.names))
        heard_as += mapped
    time.sleep(4.0)  # the last sounds ("done", "session complete") play out
    if legacy is not None:
        legacy.close()
        started = [s for _, s in legacy.log]
    else:
        assert player is not None
        player.close()
        by_call: list[float | None] = []
        log = iter(player.log)
        for names in calls:
            entries = [next(log) for _ in names]
            by_call.append(entries[0].started)
        started = by_call
    json.dump(
        {
            "t0": t0,
            "warm_up": len(WARM_UP),
            "calls": calls,
            "started": started,
            "heard_as": heard_as,
            "notice": player.notice if player is not None else None,
        },
        sys.stdout,
    )


# -- this process: the sound card -----------------------------------------------------------------


@dataclass
class Card:
    """Reads a FIFO as a sound card plays: a byte is heard at max(arrival, previous + 1/rate)."""

    fd: int
    data: bytearray = field(default_factory=bytearray)
    offsets: list[int] = field(default_factory=list)  # byte offset of each chunk read
    heard: list[float] = field(default_factory=list)  # when each chunk's first byte is heard
    play_end: float = 0.0
    last_read: float = 0.0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        chunk_time = DEVICE_BYTES / BYTE_RATE
        while True:
            ahead = self.play_end - time.monotonic()
            if ahead > chunk_time:
                time.sleep(ahead - chunk_time)  # the card still has more than a chunk to play
                continue
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if not ready:
                if self.stop.is_set():
                    return
                continue
            try:
                got = os.read(self.fd, DEVICE_BYTES)
            except BlockingIOError:
                continue
            now = time.monotonic()
            start = max(now, self.play_end)
            self.offsets.append(len(self.data))
            self.heard.append(start)
            self.data.extend(got)
            self.play_end = start + len(got) / BYTE_RATE
            self.last_read = now

    def heard_at(self, offset: int) -> float:
        i = bisect.bisect_right(self.offsets, offset) - 1
        return self.heard[i] + (offset - self.offsets[i]) / BYTE_RATE


def one_run(mode: str, plan_path: Path, sounds: dict[str, Sound]) -> dict[str, Any]:
    """One run of *mode*'s player through the plan at *plan_path*; *sounds* has every sound
    that plan can play (spoken phrases too)."""
    with tempfile.TemporaryDirectory(prefix="qltimer-cue-bench-") as tmp:
        home = Path(tmp)
        fifo = home / "card.fifo"
        os.mkfifo(fifo)
        (home / ".asoundrc").write_text(ASOUNDRC.format(rate=RATE, fifo=fifo))
        # Read and write ends held here: ALSA's open never blocks and the reader never sees EOF.
        fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        card = Card(fd)
        reader = threading.Thread(target=card.run, daemon=True)
        reader.start()
        done = subprocess.run(
            [sys.executable, __file__, "--child", mode, str(plan_path)],
            capture_output=True,
            text=True,
            env={"HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
            timeout=600,
            check=False,
        )
        while time.monotonic() - card.last_read < 0.3 or time.monotonic() < card.play_end:
            time.sleep(0.05)
        card.stop.set()
        reader.join()
        os.close(fd)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} child failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    # Find every call's bytes in what the card played, in order.
    scaled = {n: s.scaled(VOLUME) for n, s in sounds.items()}
    at = result["warm_up"]
    call_at: list[int | None] = []
    for names, started in zip(result["calls"], result["started"], strict=True):
        if started is None:
            call_at.append(None)
            continue
        pcm = b"".join(scaled[n] for n in names)
        if card.data[at : at + len(pcm)] != pcm:
            raise RuntimeError(f"{mode}: {names} not found at byte {at} of {len(card.data)}")
        call_at.append(at)
        at += len(pcm)
    if at != len(card.data):
        raise RuntimeError(f"{mode}: {len(card.data) - at} unexpected bytes at the card")
    late: list[float | None] = []
    handed: list[float | None] = []  # the device call, after the due time
    plan = json.loads(plan_path.read_text())["batches"]
    cues = [c for b in plan for c in b["cues"]]
    for cue, where in zip(cues, result["heard_as"], strict=True):
        if where is None or call_at[where[0]] is None:
            late.append(None)
            handed.append(None)
            continue
        call, part = where
        offset = call_at[call]
        assert offset is not None
        offset += sum(len(scaled[n]) for n in result["calls"][call][:part])
        late.append(card.heard_at(offset) - (result["t0"] + cue["due"]))
        handed.append(result["started"][call] - (result["t0"] + cue["due"]))
    return {"late": late, "handed": handed, "cues": cues}


# -- the device-free hand-off measurement ----------------------------------------------------------


def hand_off(mode: str, pairs: int) -> list[float]:
    """Seconds from a sound's end (``is_playing()`` turning false) to the next queued sound's
    device call, with simpleaudio's own PlayObject (and so its ``wait_done``) over a fake device."""
    from simpleaudio.shiny import PlayObject

    ends: list[float] = []
    calls: list[float] = []

    class Handle(PlayObject):  # type: ignore[misc]
        def __init__(self, end: float) -> None:
            super().__init__(0)
            self.end = end

        def is_playing(self) -> bool:
            return time.monotonic() < self.end

    class Device:
        @staticmethod
        def play_buffer(pcm: bytes, channels: int, width: int, rate: int) -> Handle:
            now = time.monotonic()
            calls.append(now)
            end = now + len(pcm) / (channels * width * rate) + 0.003  # the card drains its tail
            ends.append(end)
            return Handle(end)

    rng = random.Random(1)
    gaps = []
    for _ in range(pairs):
        calls.clear()
        ends.clear()
        # 80-130 ms, so that the sound's end falls anywhere between two of wait_done's polls.
        tone = Sound("tone", b"\1\0" * rng.randrange(RATE * 8 // 100, RATE * 13 // 100), 1, 2, RATE)
        sounds = {"tone": tone, "chime": tone}
        if mode == "before":
            legacy = LegacyQueue(sounds, 1.0, Device())
            legacy.play("tone")
            legacy.play("tone")
            while len(calls) < 2:
                time.sleep(0.01)
            legacy.close()
        else:
            player = SimpleaudioPlayer(sounds, backend=Device())
            player.play("tone")
            player.play("tone")
            while len(calls) < 2:
                time.sleep(0.01)
            player.close()
        gaps.append(calls[1] - ends[0])
    return gaps


# -- report -----------------------------------------------------------------------------------


def ms(x: float) -> str:
    return f"{x * 1000:.1f} ms"


def summary(values: list[list[float]]) -> tuple[float, float]:
    """Over runs: the median of each run's median, and the median of each run's worst."""
    return (
        statistics.median(statistics.median(v) for v in values),
        statistics.median(max(v) for v in values),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each player (default 5)")
    parser.add_argument("--session", type=Path, default=REPO / "sessions" / "ql-level-1.toml")
    parser.add_argument("--margin", type=float, default=0.010, help="seconds (default 0.010)")
    parser.add_argument("--pairs", type=int, default=30, help="hand-offs timed (default 30)")
    parser.add_argument(
        "--around",
        type=int,
        metavar="N",
        help="keep only the engine calls within N of one with cues due together (a shorter run)",
    )
    parser.add_argument(
        "--speech",
        action="store_true",
        help="the voice on (after) against the recorded cues (before), both the new player",
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PLAN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return 0

    sounds = load_sounds()
    work = Path(tempfile.mkdtemp(prefix="qltimer-cue-plan-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    texts: list[str] = []
    if args.speech:
        texts = phrase_list(expand(load_session(args.session)))
        sounds = with_speech(sounds, texts, work / "speech")
    spoken = {t: sounds[sound_name(t)].seconds for t in texts}
    plan = schedule(args.session, sounds, args.margin, args.around)
    # The player each side runs, and its plan: the old player and the new one, or with
    # --speech the new one with the recorded cues and with the voice.
    sides = {"before": ("before", plan, []), "after": ("after", plan, [])}
    if args.speech:
        voiced_plan = schedule(args.session, sounds, args.margin, args.around, spoken)
        sides = {"before": ("after", plan, []), "after": ("after", voiced_plan, texts)}
    baseline = "recorded cues" if args.speech else "old player"
    plan = sides["after"][1]
    cues = [c for b in plan for c in b["cues"]]
    seconds = plan[-1]["at"] + 3
    together = sum(c["last"] for c in cues)
    kept = "" if args.around is None else f" (the engine calls within {args.around} of a pair)"
    print(
        f"{args.session.name}{kept}: {len(cues)} cues, {together} groups due together, "
        f"{sum(c['after_end'] for c in cues)} due {args.margin * 1000:.0f} ms after the sounds "
        f"before them end; {seconds:.0f} s a run (compressed), {args.repeat} runs of each "
        "player, alternating"
    )
    kinds: dict[str, dict[str, list[list[float]]]] = {
        m: {"last": [], "second": [], "after_end": [], "all": []} for m in ("before", "after")
    }
    dropped: dict[str, set[str]] = {"before": set(), "after": set()}
    paths = {}
    for side, (_, batches, phrases) in sides.items():
        paths[side] = work / f"{side}.json"
        whole = {"batches": batches, "phrases": phrases, "cache": str(work / "speech")}
        paths[side].write_text(json.dumps(whole))
    for r in range(args.repeat):
        for mode in ("before", "after") if r % 2 == 0 else ("after", "before"):
            got = one_run(sides[mode][0], paths[mode], sounds)
            pairs = [(c, x) for c, x in zip(got["cues"], got["late"], strict=True)]
            heard = [(c, x) for c, x in pairs if x is not None]
            dropped[mode] |= {c["sound"] for c, x in pairs if x is None}
            kinds[mode]["all"].append([x for _, x in heard])
            kinds[mode]["last"].append([x for c, x in heard if c["last"]])
            kinds[mode]["second"].append([x for c, x in heard if c["second"]])
            kinds[mode]["after_end"].append([x for c, x in heard if c["after_end"]])
            second = ", ".join(f"{c['sound']} {x * 1000:.0f}" for c, x in heard if c["second"])
            print(f"  run {r + 1} {mode:6}: cues due with another, heard late (ms): {second}")
            for c, x, h in zip(got["cues"], got["late"], got["handed"], strict=True):
                if mode == "after" and x is not None and h is not None and x > 0.05:
                    print(
                        f"      {c['sound']} heard {x * 1000:.0f} ms late: handed to the "
                        f"device {h * 1000:.0f} ms after it was due"
                    )
    print()
    print("heard minus due, median over runs of each run's median / worst:")
    labels = {
        "last": "the last cue of each group due together",
        "second": "any but the first of cues due together",
        "after_end": f"a cue due {args.margin * 1000:.0f} ms after the one before ends",
        "all": "every cue heard",
    }
    for key, label in labels.items():
        b = summary(kinds["before"][key])
        a = summary(kinds["after"][key])
        print(f"  {label:48} before {ms(b[0])} / {ms(b[1])}   after {ms(a[0])} / {ms(a[1])}")
    for m in ("before", "after"):
        print(f"  not heard, {m}: {', '.join(sorted(dropped[m])) or 'nothing'}")
    all_after = [x for run in kinds["after"]["last"] for x in run]
    all_before = [x for run in kinds["before"]["last"] for x in run]
    print(
        "  the last cue of each group due together, all runs pooled: "
        f"before median {ms(statistics.median(all_before))} max {ms(max(all_before))}; "
        f"after median {ms(statistics.median(all_after))} max {ms(max(all_after))}"
    )

    gaps = {m: hand_off(m, args.pairs) for m in ("before", "after")}
    print()
    print(
        f"sound ended -> next queued sound handed to the device ({args.pairs} each, fake device):"
    )
    for m in ("before", "after"):
        print(f"  {m:6}: median {ms(statistics.median(gaps[m]))}, max {ms(max(gaps[m]))}")

    runs = f"median of {args.repeat} runs" if args.repeat > 1 else "one run"
    b, a = summary(kinds["before"]["last"]), summary(kinds["after"]["last"])
    row(
        f"last cue of {together} groups due together: heard late, median / worst ({runs})",
        f"{ms(a[0])} / {ms(a[1])}",
        f"{ms(b[0])} / {ms(b[1])} ({baseline})",
        aim="<= 50 ms",
    )
    b, a = summary(kinds["before"]["after_end"]), summary(kinds["after"]["after_end"])
    row(
        f"cue due {args.margin * 1000:.0f} ms after another ends: heard late, median / worst",
        f"{ms(a[0])} / {ms(a[1])}",
        f"{ms(b[0])} / {ms(b[1])} ({baseline})",
        aim="<= 50 ms",
    )
    if args.speech:
        a = summary(kinds["after"]["all"])
        b = summary(kinds["before"]["all"])
        row(
            "every cue heard late with the voice on, median / worst",
            f"{ms(a[0])} / {ms(a[1])}",
            f"{ms(b[0])} / {ms(b[1])} (recorded cues)",
            aim="<= 50 ms",
        )
        return 0
    row(
        "sound ended -> next queued cue to the device, median / worst",
        f"{ms(statistics.median(gaps['after']))} / {ms(max(gaps['after']))}",
        f"{ms(statistics.median(gaps['before']))} / {ms(max(gaps['before']))} (wait_done polls)",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
