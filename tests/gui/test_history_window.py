"""The history window on a real SQLite history, offscreen."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCharts import QChart
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bench.gen_history import generate
from qltimer.catalog import load_catalog
from qltimer.gui.dialogs import Ask
from qltimer.gui.history_window import CHARTS, RANGES, HistoryWindow
from qltimer.history import History, export_json, open_history

TODAY = date(2026, 11, 20)


@pytest.fixture
def filled(tmp_path: Path) -> History:
    hist, _ = open_history(tmp_path / "history.sqlite3")
    generate(hist, 1.0, seed=5, end=TODAY)
    return hist


def window_for(qtbot: QtBot, hist: History) -> HistoryWindow:
    window = HistoryWindow(hist, load_catalog(), today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_sessions_are_listed_newest_first_with_their_steps(qtbot: QtBot, filled: History) -> None:
    window = window_for(qtbot, filled)
    records = filled.sessions()
    assert window.model.rowCount() == len(records) > 300
    assert window.model.records[0].started_at >= window.model.records[-1].started_at
    assert window.steps.rowCount() == len(filled.steps(records[0].uuid)) > 0
    window.table.selectRow(5)
    assert window.detail_title.text() == records[5].title
    assert window.steps.rowCount() == len(filled.steps(records[5].uuid))


def test_every_chart_in_every_period_draws_or_says_why_not(qtbot: QtBot, filled: History) -> None:
    window = window_for(qtbot, filled)
    window.tabs.setCurrentIndex(1)
    seen = set()
    for period in range(len(RANGES)):
        window.range.setCurrentIndex(period)
        for row, (key, _) in enumerate(CHARTS):
            window.chart_list.setCurrentRow(row)
            qtbot.wait(1)  # let the view paint: a chart freed too early crashes right here
            shown = window.chart_stack.currentWidget()
            if key == "calendar":
                assert shown is window.calendar and window.calendar.days
            elif shown is window.empty:
                # A narrow period may hold none of this: it says so, and all time never does.
                assert window.empty.text() and RANGES[period][1] is not None, (key, period)
            else:
                assert shown is window.chart_view, (key, period, window.empty.text())
                chart = window.chart_view.chart()
                assert isinstance(chart, QChart) and chart.series()
                axes = chart.axes()
                assert all(axis.titleText() for axis in axes), "every axis is titled"
                seen.add(chart.title())
    assert any("weekly" in t or "week" in t for t in seen)


def test_empty_history_shows_a_plain_empty_state(qtbot: QtBot, tmp_path: Path) -> None:
    hist, _ = open_history(tmp_path / "empty.sqlite3")
    window = window_for(qtbot, hist)
    assert window.model.rowCount() == 0
    assert window.detail_title.text() == "No sessions yet"
    window.tabs.setCurrentIndex(1)
    for row, (key, _) in enumerate(CHARTS):
        window.chart_list.setCurrentRow(row)
        if key != "calendar":
            assert window.chart_stack.currentWidget() is window.empty
            assert window.empty.text()


def test_export_and_import_from_the_menu(
    qtbot: QtBot, filled: History, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = window_for(qtbot, filled)
    target = tmp_path / "out.json"
    told: list[str] = []
    monkeypatch.setattr(Ask, "save_path", classmethod(lambda cls, *a: target))
    monkeypatch.setattr(
        Ask, "info", classmethod(lambda cls, parent, title, text: told.append(text))
    )
    job = window.on_export_json()
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=10_000):
        pass
    rows = json.loads(target.read_text())["rows"]
    assert rows and told[-1] == f"Saved {len(rows):,} rows to {target}"
    # Import into an empty history through its own window.
    other, _ = open_history(tmp_path / "other.sqlite3")
    second = window_for(qtbot, other)
    monkeypatch.setattr(Ask, "open_path", classmethod(lambda cls, *a: target))
    with qtbot.waitSignal(second.history_changed):
        second.on_import()
    assert export_json(other) == export_json(filled)
    assert second.model.rowCount() == window.model.rowCount()
    assert "Added" in told[-1]


def test_a_bad_import_file_is_reported(
    qtbot: QtBot, filled: History, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = window_for(qtbot, filled)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    errors: list[str] = []
    monkeypatch.setattr(Ask, "open_path", classmethod(lambda cls, *a: bad))
    monkeypatch.setattr(Ask, "error", classmethod(lambda cls, p, t, text: errors.append(text)))
    window.on_import()
    assert errors and "Nothing was imported" in errors[0]


def test_esc_closes_the_history_window(qtbot: QtBot, filled: History) -> None:
    window = window_for(qtbot, filled)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_the_charts_are_reached_from_the_keyboard(qtbot: QtBot, filled: History) -> None:
    """Alt+C opens the charts and Alt+S the sessions: the tabs need no mouse."""
    window = window_for(qtbot, filled)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.tabs.currentIndex() == 0
    qtbot.keyClick(window.table, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.tabs.tabText(window.tabs.currentIndex()) == "&Charts")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == 0)


def test_a_cancelled_export_leaves_no_file_and_the_old_one_as_it_was(
    qtbot: QtBot, filled: History, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qltimer import history as h

    monkeypatch.setattr(h, "_PROGRESS_EVERY", 1)  # a chance to stop after every row
    window = window_for(qtbot, filled)
    target = tmp_path / "out.csv"
    target.write_text("the old export\n")
    told: list[str] = []
    monkeypatch.setattr(Ask, "save_path", classmethod(lambda cls, *a: target))
    monkeypatch.setattr(Ask, "info", classmethod(lambda cls, p, title, text: told.append(title)))
    job = window.on_export_csv()
    assert job is not None
    job.cancel()  # as the dialog's Cancel does, before the first row is out
    with qtbot.waitSignal(job.cancelled, timeout=10_000):
        pass
    assert target.read_text() == "the old export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out.csv")) == []
    assert told == ["Export cancelled"]
    assert not job.dialog.isVisible()
