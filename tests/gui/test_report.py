"""The PDF report, from the command line and from the window, read back with poppler."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from bench.gen_history import generate
from qltimer.catalog import load_catalog
from qltimer.gui.dialogs import Ask
from qltimer.gui.history_window import HistoryWindow
from qltimer.history import open_history
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdfinfo)"
)


def pdf_text(path: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(
        next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return pages, text


def test_report_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    hist, _ = open_history(data / "history.sqlite3")
    generate(hist, 1.0, seed=4)
    hist.close()
    out = tmp_path / "report.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    env.update(QLTIMER_DATA_DIR=str(data), PYTHONPATH=str(REPO))

    def report(to: Path) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "qltimer", "report", "--output", str(to)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr

    report(out)
    pages, text = pdf_text(out)
    assert 1 <= pages <= 2
    # The person's own choices, as the window shows them: two a week on the no-floor track.
    (data / "settings.json").write_text('{"track": "no-floor", "strength_per_week": 2}')
    report(tmp_path / "nf.pdf")
    _, nf_text = pdf_text(tmp_path / "nf.pdf")
    flat = " ".join(unicodedata.normalize("NFKC", nf_text).split())  # the "fl" ligature too
    assert "Stage: No floor, Phase One" in flat
    assert "Plan (2 a week)" in nf_text
    for words in (
        "progress report",
        "(12 weeks)",
        "Sessions against the plan",
        "Plan (3 a week)",
        "best hold",
        "right / left balance",
        "Pain before and after",
        "Notes",
        "Not a medical assessment",
    ):
        assert words in text, words


def test_report_from_the_history_window(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hist, _ = open_history(tmp_path / "history.sqlite3")
    window = HistoryWindow(hist, load_catalog(), today=date(2026, 11, 20))
    qtbot.addWidget(window)
    target = tmp_path / "empty-report.pdf"
    told: list[str] = []
    monkeypatch.setattr(Ask, "save_path", classmethod(lambda cls, *a: target))
    monkeypatch.setattr(Ask, "info", classmethod(lambda cls, p, t, text: told.append(text)))
    window.on_report()
    assert told == [f"Saved to {target}"]
    pages, text = pdf_text(target)
    assert pages == 2
    assert "Sessions done: 0" in text and "No side plank holds recorded" in text
    assert "No pain scores recorded" in text and "No notes in this period" in text


def test_report_rejects_a_silly_period(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "qltimer", "report", "-o", str(tmp_path / "x.pdf"), "--weeks", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 1 and "--weeks must be from 1 to 520" in done.stderr
