"""The run screen in the real window, driven by the keyboard, with an injected clock."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from qltimer.audio import SilentPlayer
from qltimer.catalog import Catalog
from qltimer.engine import PhaseKind, Snapshot
from qltimer.formats import countdown_text
from qltimer.gui.app import MainWindow
from qltimer.gui.dialogs import Ask
from qltimer.gui.run_view import RunView
from qltimer.history import History, open_history
from qltimer.script import Side, StepKind
from qltimer.settings import Settings
from qltimer.sleepwatch import SleepWatch
from tests.gui.windows import session_window
from tests.helpers import FakeClock, session_from

# Tones only: these tests hear the recorded cues (tests/gui/test_speech_run.py the voice).
ACKNOWLEDGED = Settings(safety_acknowledged=True, speech=False)
SHORT = """
title = "Short test"
frequency = { times = 3, per = "week" }
get_ready = 3
switch_sides = 2

[[step]]
kind = "hold"
name = "Side plank"
sides = "each"
seconds = 5
cue = [{ at = "halfway" }]

[[step]]
kind = "laps"
name = "Carry"
laps = 2
load_kg = 8

[[step]]
kind = "rest"
seconds = 2

[[step]]
kind = "breathe"
name = "Breathe"
breaths = 1
inhale = 2
exhale = 2
get_ready = 0
"""


@pytest.fixture
def history(tmp_path: Path) -> History:
    hist, _ = open_history(tmp_path / "history.sqlite3")
    return hist


@pytest.fixture
def setup(qtbot: QtBot, history: History) -> tuple[MainWindow, FakeClock, SilentPlayer]:
    return session_window(qtbot, history, SHORT, "short")


def start(window: MainWindow) -> RunView:
    window.home.on_start()
    assert window.stack.currentWidget() is window.before
    QTest.keyClick(window.before, Qt.Key.Key_Return)  # Enter with no score typed: none today
    view = window.run_view
    assert view is not None and window.stack.currentWidget() is view
    return view


def until(view: RunView, clock: FakeClock, test: Callable[[Snapshot], bool]) -> Snapshot:
    for _ in range(5000):
        snap = view.controller.run.snapshot()
        if test(snap):
            return snap
        clock.tick(0.05)
        view.controller.tick()
    raise AssertionError(f"state not reached; at {view.controller.run.snapshot()}")


def walk(view: RunView, clock: FakeClock, seconds: float) -> None:
    """Let *seconds* pass the way real time does: the screen ticks at least once a second."""
    for _ in range(round(seconds / 0.5)):
        clock.tick(0.5)
        view.controller.tick()


def at_work(name: str, side: Side | None = None) -> Callable[[Snapshot], bool]:
    return lambda s: bool(
        s.phase and s.phase.is_work and s.phase.step.name == name and s.phase.side == side
    )


def test_a_session_runs_through_the_window_and_every_step_is_saved(
    qtbot: QtBot, setup: tuple[MainWindow, FakeClock, SilentPlayer], history: History
) -> None:
    window, clock, player = setup
    assert window.home.start.hasFocus() or window.home.focusWidget() is window.home.start
    qtbot.keyClick(window.home, Qt.Key.Key_Return)  # Enter starts the chosen session...
    qtbot.keyClick(window.before, Qt.Key.Key_3)  # ...after a pain score, by digit
    qtbot.keyClick(window.before, Qt.Key.Key_Return)
    view = window.run_view
    assert view is not None
    until(view, clock, at_work("Carry"))
    walk(view, clock, 12)
    qtbot.keyClick(view, Qt.Key.Key_L)
    assert view.big.text == "1"
    walk(view, clock, 12)
    with qtbot.waitSignal(view.controller.phase_changed):
        qtbot.keyClick(view, Qt.Key.Key_L)  # the last lap ends the step
    with qtbot.waitSignal(view.controller.finished, timeout=5000) as finished:
        until(view, clock, lambda s: s.finished)
    uuid, status = finished.args
    assert status == "completed" and uuid
    assert window.stack.currentWidget() is window.summary
    steps = history.steps(uuid)
    assert [(s.exercise, s.side) for s in steps] == [
        ("Side plank", "left"),
        ("Side plank", "right"),
        ("Carry", None),
        ("Breathe", None),
    ]
    seconds = [s.actual_seconds for s in steps]
    assert seconds[:2] == [5.0, 5.0] and seconds[3] == 4.0, "timed work is exact"
    assert seconds[2] == pytest.approx(24.0, abs=0.06), "laps: from their start to the last L"
    assert steps[2].actual_count == 2 and steps[2].load_kg == 8
    # A 3 s get-ready: "three" would fall on the side's announcement, so the count starts at two.
    assert player.asked[:5] == ["left-side", "count-2", "count-1", "go", "halfway"]
    assert player.asked[-1] == "complete"
    assert "switch-sides" in player.asked and "breathe-out" in player.asked
    # Back home after the summary, which now says when it was done.
    qtbot.keyClick(window.summary.note, Qt.Key.Key_Return)  # type: ignore[union-attr]
    assert window.stack.currentWidget() is window.home
    assert "last done today" in window.home.status["short"]
    assert "1 of 3 this week" in window.home.status["short"]


def test_enter_records_the_actual_hold_and_p_records_pain(
    setup: tuple[MainWindow, FakeClock, SilentPlayer], history: History, qtbot: QtBot
) -> None:
    window, clock, _ = setup
    view = start(window)
    left = until(view, clock, at_work("Side plank", Side.LEFT)).elapsed
    clock.tick(3.2)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    right = until(view, clock, at_work("Side plank", Side.RIGHT)).elapsed
    clock.tick(1.5)
    qtbot.keyClick(view, Qt.Key.Key_P)
    results = view.controller.run.results
    assert [(r.side, r.stopped_early, r.reason) for r in results] == [
        (Side.LEFT, True, None),
        (Side.RIGHT, True, "pain"),
    ]
    assert results[0].actual_seconds == pytest.approx(left + 3.2)
    assert results[1].actual_seconds == pytest.approx(right + 1.5)
    uuid = view.controller.recorder.uuid  # type: ignore[union-attr]
    assert [s.reason for s in history.steps(uuid)] == [None, "pain"], "saved as they finished"


def test_space_pauses_and_time_stands_still(
    setup: tuple[MainWindow, FakeClock, SilentPlayer], qtbot: QtBot
) -> None:
    window, clock, _ = setup
    view = start(window)
    begun = until(view, clock, at_work("Side plank", Side.LEFT)).elapsed
    clock.tick(1)
    view.controller.tick()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    shown = view.big.text
    assert view.phase_word.text().startswith("PAUSED")
    assert not view.controller.timer.isActive(), "nothing to wake up for while paused"
    clock.tick(30)
    view.controller.tick()
    assert view.big.text == shown
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert view.phase_word.text() == "WORK"
    assert view.controller.run.snapshot().remaining == pytest.approx(4 - begun)


def test_arrows_skip_and_go_back(
    setup: tuple[MainWindow, FakeClock, SilentPlayer], qtbot: QtBot
) -> None:
    window, clock, _ = setup
    view = start(window)
    until(view, clock, at_work("Side plank", Side.LEFT))
    qtbot.keyClick(view, Qt.Key.Key_Right)
    phase = view.controller.run.phase
    assert phase is not None and phase.kind is PhaseKind.SWITCH
    assert view.controller.run.results[-1].skipped
    qtbot.keyClick(view, Qt.Key.Key_Left)  # just begun: back to the one before
    assert view.controller.run.phase is not None and view.controller.run.phase.is_work


def test_mute_help_contrast_and_full_screen_keys(
    setup: tuple[MainWindow, FakeClock, SilentPlayer], qtbot: QtBot
) -> None:
    window, _, player = setup
    view = start(window)
    qtbot.keyClick(view, Qt.Key.Key_M)
    assert player.muted and window.settings.muted is False  # saved when the run ends
    qtbot.keyClick(view, Qt.Key.Key_M)
    assert not player.muted
    with qtbot.waitSignal(view.help_toggled) as shown:
        qtbot.keyClick(view, Qt.Key.Key_Question)
    assert shown.args == [True] and view.help.isVisible()
    assert "Esc" in view.help.text() and "health professional" in view.help.text()
    qtbot.keyClick(view, Qt.Key.Key_Escape)  # closes the help, does not end the session
    assert not view.help.isVisible() and not view.controller.run.finished
    qtbot.keyClick(view, Qt.Key.Key_C)
    assert view.high_contrast
    qtbot.keyClick(view, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen)
    qtbot.keyClick(view, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not window.isFullScreen())


def test_escape_asks_then_ends_keeping_finished_steps(
    setup: tuple[MainWindow, FakeClock, SilentPlayer],
    qtbot: QtBot,
    history: History,
) -> None:
    window, clock, _ = setup
    view = start(window)
    until(view, clock, at_work("Side plank", Side.RIGHT))
    clock.tick(2)
    view.controller.tick()
    panel = view.end_panel
    for keep_going in (Qt.Key.Key_Escape, Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_G):
        qtbot.keyClick(view, Qt.Key.Key_Escape)
        assert panel.isVisible() and "finished so far is kept" in panel.advice.text()
        assert view.controller.run.paused, "the clock stops while the question is up"
        for ignored in (Qt.Key.Key_P, Qt.Key.Key_L, Qt.Key.Key_Right, Qt.Key.Key_N):
            qtbot.keyClick(view, ignored)
        assert panel.isVisible() and view.controller.run.pain_stop is None
        qtbot.keyClick(view, keep_going)
        assert not panel.isVisible()
        assert not view.controller.run.finished and not view.controller.run.paused
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    with qtbot.waitSignal(view.controller.finished) as finished:
        qtbot.keyClick(view, Qt.Key.Key_E)  # "End the session"
    uuid, status = finished.args
    assert status == "ended early"
    record = history.session(uuid)
    assert record is not None and record.status == "ended early"
    assert [(s.side, round(s.actual_seconds, 1)) for s in history.steps(uuid)] == [
        ("left", 5.0),
        ("right", 2.0),
    ]


def test_the_timer_sleeps_until_the_next_change(
    setup: tuple[MainWindow, FakeClock, SilentPlayer],
) -> None:
    window, clock, _ = setup
    view = start(window)
    begun = until(view, clock, at_work("Side plank", Side.LEFT)).elapsed
    clock.tick(0.3)
    view.controller.tick()
    # About 4.7 s left: the display next changes at 4.0 s left (halfway is at 2.5 s left), so the
    # timer sleeps until then, not a tick sooner.
    wait = 0.7 - begun
    assert view.controller.timer.interval() == math.ceil(wait * 1000) + 1
    assert view.big.text == "5"


def test_the_countdown_shows_whole_seconds_and_minutes() -> None:
    assert [countdown_text(s) for s in (0, 9, 59, 60, 61, 600)] == [
        "0",
        "9",
        "59",
        "1:00",
        "1:01",
        "10:00",
    ]


def test_a_sleeping_computer_brings_the_session_back_paused(
    setup: tuple[MainWindow, FakeClock, SilentPlayer],
) -> None:
    window, clock, _ = setup
    boot = {"t": 50_000.0}
    view = start(window)
    controller = view.controller
    controller.sleepwatch = SleepWatch(clock, lambda: boot["t"])
    until(view, clock, at_work("Side plank", Side.LEFT))
    controller.sleepwatch.reset()
    clock.tick(1)
    boot["t"] += 1
    controller.tick()
    left = controller.run.snapshot().remaining
    clock.tick(0.2)  # Linux: the monotonic clock hardly moved...
    boot["t"] += 900.2  # ...while the machine slept for a quarter of an hour
    controller.tick()
    assert controller.run.paused
    assert controller.run.snapshot().remaining == pytest.approx(left)
    assert "asleep for about 15 min" in view.notice.text() and view.notice.isVisible()
    controller.toggle_pause()
    assert not view.notice.isVisible()


def test_no_sound_shows_a_notice_and_the_session_runs(qtbot: QtBot, history: History) -> None:
    session = session_from(SHORT, "short.toml")
    catalog = Catalog(sessions={"short": session})
    clock = FakeClock()
    player = SilentPlayer(reason="No sound: the sound device could not be opened (test).")
    window = MainWindow(catalog, history, player=player, clock=clock, settings=ACKNOWLEDGED)
    qtbot.addWidget(window)
    view = start(window)
    assert not view.notice.isHidden() and "No sound" in view.notice.text()
    snap = until(view, clock, at_work("Side plank", Side.LEFT))
    assert snap.phase is not None and snap.phase.step.kind is StepKind.HOLD


def test_key_widgets_have_accessible_names(
    setup: tuple[MainWindow, FakeClock, SilentPlayer],
) -> None:
    window, _, _ = setup
    names = {w.accessibleName() for w in window.home.findChildren(QWidget)}
    assert "start" in names
    view = start(window)
    names = {w.accessibleName() for w in view.findChildren(QWidget)}
    assert {"countdown", "step", "side", "next", "pause", "done", "session progress"} <= names


def test_the_time_is_the_largest_thing_at_any_size(
    setup: tuple[MainWindow, FakeClock, SilentPlayer], qtbot: QtBot
) -> None:
    window, clock, _ = setup
    view = start(window)
    until(view, clock, at_work("Side plank", Side.LEFT))
    for size in ((1280, 800), (800, 480)):
        window.resize(*size)
        qtbot.waitUntil(lambda s=size: window.width() == s[0])
        # Fonts follow the height; the new sizes are laid out on the next pass of the event loop.
        qtbot.waitUntil(lambda: view.big.height() >= window.height() / 4)
        others = [view.step_name, view.side, view.counter, view.tip, view.next]
        digits = ink_height(view.big)
        assert digits >= window.height() / 5, f"{size}: the digits are {digits} px tall as drawn"
        drawn = {w.accessibleName() or w.objectName(): ink_height(w) for w in others}
        assert all(digits > 1.5 * h for h in drawn.values()), (size, digits, drawn)


def ink_height(widget: QWidget) -> int:
    """The height in pixels of what is drawn on *widget*: the rows holding any pixel that is not
    its background (the colour of most of its pixels). Glyphs as painted, not the box's size."""
    if not widget.isVisible():
        return 0
    image = widget.grab().toImage()
    w, h = image.width(), image.height()
    counts: dict[int, int] = {}
    for y in range(0, h, 2):
        for x in range(0, w, 3):
            rgb = image.pixel(x, y)
            counts[rgb] = counts.get(rgb, 0) + 1
    background = max(counts, key=lambda c: counts[c])
    inked = [y for y in range(h) if any(image.pixel(x, y) != background for x in range(0, w, 2))]
    return (inked[-1] - inked[0] + 1) if inked else 0


def test_volume_and_mute_are_remembered(
    setup: tuple[MainWindow, FakeClock, SilentPlayer], data_dir: Path
) -> None:
    window, _, player = setup
    window.volume_actions[40].trigger()
    assert player.volume == 0.4
    window.mute_action.trigger()
    assert player.muted
    from qltimer.settings import Settings

    saved = Settings.load()
    assert (saved.volume, saved.muted) == (40, True)


def test_every_cue_flashes_the_screen_and_shows_its_words(
    setup: tuple[MainWindow, FakeClock, SilentPlayer], qtbot: QtBot
) -> None:
    window, clock, player = setup
    view = start(window)
    until(view, clock, at_work("Side plank", Side.LEFT))
    view.on_flash_over()
    view.on_words_over()
    heard = len(player.asked)
    with qtbot.waitSignal(view.controller.cue_fired) as fired:
        until(view, clock, lambda s: s.elapsed >= 2.5)  # the halfway cue
    assert fired.args[0].cue.text == "Halfway" and player.asked[heard:] == ["halfway"]
    assert view.flashing and view.cue_text.text() == "Halfway"
    qtbot.waitUntil(lambda: not view.flashing)  # the frame goes after a moment


def test_a_hold_ended_early_shows_the_time_held_with_what_comes_next(
    setup: tuple[MainWindow, FakeClock, SilentPlayer], qtbot: QtBot
) -> None:
    """Enter before a hold's time: the screen says what the voice says, the time held and
    then what comes next, on one line."""
    window, clock, _ = setup
    view = start(window)
    until(view, clock, at_work("Side plank", Side.LEFT))
    until(view, clock, lambda s: s.elapsed >= 3.2)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.cue_text.isVisible() and view.cue_text.text() == "3 s held · Switch sides"
    until(view, clock, at_work("Side plank", Side.RIGHT))
    assert "held" not in view.cue_text.text()  # a hold run to its end says no time


def locked_window(
    qtbot: QtBot, tmp_path: Path
) -> tuple[MainWindow, FakeClock, History, sqlite3.Connection]:
    """The window over a history another program is writing, for longer than we wait."""
    path = tmp_path / "locked.sqlite3"
    history, _ = open_history(path, busy_timeout=0.05)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    session = session_from(SHORT, "short.toml")
    catalog = Catalog(sessions={"short": session}, builtin_ids=frozenset({"short"}))
    clock = FakeClock()
    window = MainWindow(catalog, history, clock=clock, settings=ACKNOWLEDGED)
    qtbot.addWidget(window)
    window.show()
    return window, clock, history, other


def test_a_locked_history_is_said_plainly_and_everything_is_saved_once_it_frees(
    qtbot: QtBot, tmp_path: Path, data_dir: Path
) -> None:
    window, clock, history, other = locked_window(qtbot, tmp_path)
    view = start(window)
    until(view, clock, at_work("Side plank", Side.RIGHT))
    notice = view.notice.text()
    assert not view.notice.isHidden()
    assert "Not saved to your history yet: another program is using your history file" in notice
    assert f"A copy is kept in {data_dir / 'unsaved'}" in notice
    view.controller.end_early()  # Esc's effect, without the question
    assert window.stack.currentWidget() is window.home  # no summary of an unsaved session
    assert window.home.notice.text().startswith("Not saved to your history yet")
    rescue = data_dir / "unsaved" / f"unsaved-{window.keeper.waiting[0].uuid}.json"
    assert rescue.exists()
    other.execute("ROLLBACK")
    with qtbot.waitSignal(window.keeper.changed, timeout=10000) as changed:
        window.keeper.timer.timeout.emit()  # the retry, without waiting its 5 s
    assert changed.args == [""]
    assert not rescue.exists() and "Not saved" not in window.home.notice.text()
    saved = history.sessions()
    assert [s.status for s in saved] == ["ended early"]
    assert [s.side for s in history.steps(saved[0].uuid)] == ["left", "right"]


def test_closing_with_results_nowhere_on_disk_asks_first(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("QLTIMER_DATA_DIR", str(blocked / "data"))  # no rescue copy here...
    monkeypatch.setenv("HOME", str(blocked / "home"))  # ...nor here
    window, _, _, other = locked_window(qtbot, tmp_path)
    start(window)
    assert "No copy could be written either" in window.keeper.text
    asked: list[str] = []

    def keep_open(_parent: object, title: str, text: str, yes: str, no: str, **_: object) -> bool:
        asked.append(text)
        return len(asked) == 1  # keep it open the first time, close the second

    monkeypatch.setattr(Ask, "confirm", keep_open)
    window.close()
    assert window.isVisible() and "those results are lost" in asked[0]
    window.close()
    assert not window.isVisible() and len(asked) == 2
    other.execute("ROLLBACK")
