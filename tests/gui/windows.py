"""The real main window with one session, a hand-moved clock and a silent player, for tests."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from qltimer.audio import SilentPlayer
from qltimer.catalog import Catalog
from qltimer.gui.app import MainWindow
from qltimer.history import History
from qltimer.settings import Settings
from tests.helpers import FakeClock, session_from


def session_window(
    qtbot: QtBot,
    history: History,
    text: str,
    sid: str,
    *,
    size: tuple[int, int] | None = None,
    speech: bool = False,
) -> tuple[MainWindow, FakeClock, SilentPlayer]:
    """A shown window offering the session *text* as *sid* (built in), safety acknowledged;
    tones only unless *speech* (the voice renders on a thread of its own, in real time, so
    tests of the voice wait for it: tests/gui/test_speech_run.py)."""
    catalog = Catalog(
        sessions={sid: session_from(text, f"{sid}.toml")}, builtin_ids=frozenset({sid})
    )
    clock = FakeClock()
    player = SilentPlayer()
    window = MainWindow(
        catalog,
        history,
        player=player,
        clock=clock,
        settings=Settings(safety_acknowledged=True, speech=speech),
    )
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window, clock, player
