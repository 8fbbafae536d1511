"""How long a session waits for its voice: every phrase of a run rendered, cold and cached.

    python bench/speech_bench.py [--repeat 5]

For the built-in session with the most phrases: seconds from the PhraseBank's start to all its
phrases ready (flite in a child process per phrase), with an empty cache (cold) and again with
the cache it filled (cached); the aims are <= 1 s and <= 50 ms. The baseline, in the same run, is
flite alone rendering the same phrases into /dev/null, one process each (what rendering cannot
go below this way). Medians over *repeat* runs; these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import row
from qltimer import speech
from qltimer.catalog import load_catalog
from qltimer.engine import expand
from qltimer.phrases import phrase_list


def _bank(texts: list[str], cache: Path) -> float:
    bank = speech.PhraseBank(texts, lambda sounds: None, cache=cache)
    assert bank.done.wait(60)
    if bank.problems:
        raise SystemExit(f"could not render: {bank.problems}")
    return bank.seconds


def _flite_alone(texts: list[str]) -> float:
    import time

    began = time.monotonic()
    for text in texts:
        subprocess.run(
            ["flite", "-voice", speech.DEFAULT_VOICE, "-t", speech.sayable(text), "-o", "none"],
            check=True,
            capture_output=True,
        )
    return time.monotonic() - began


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if speech.engine_path() is None:
        print("flite is not installed: nothing to measure")
        return 0
    plans = {s.id: phrase_list(expand(s)) for s in load_catalog().sessions.values()}
    sid, texts = max(plans.items(), key=lambda kv: len(kv[1]))
    words = sum(len(t.split()) for t in texts)
    print(f"{sid}: {len(texts)} phrases, {words} words")
    cold, cached, alone = [], [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            cold.append(_bank(texts, Path(tmp)))
            cached.append(_bank(texts, Path(tmp)))
        alone.append(_flite_alone(texts))
    c, w, a = (statistics.median(x) for x in (cold, cached, alone))
    print(f"cold {c * 1000:.0f} ms, cached {w * 1000:.1f} ms, flite alone {a * 1000:.0f} ms")
    label = f"speech: all {len(texts)} phrases of '{sid}' ready"
    row(
        f"{label}, empty cache",
        f"{c * 1000:.0f} ms",
        f"{a * 1000:.0f} ms (flite alone)",
        c / a,
        "<= 1 s",
    )
    row(f"{label}, cached", f"{w * 1000:.1f} ms", "", None, "<= 50 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
