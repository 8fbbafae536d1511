"""A run speaks exercise names and the person's own prompts (issue 12, first part): the real
controller, the real flite engine (installed by `make test`), a real cache folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qltimer import speech
from qltimer.audio import SilentPlayer
from qltimer.catalog import load_catalog
from qltimer.engine import expand
from qltimer.gui.run_view import RunController
from qltimer.phrases import phrase_list
from tests.helpers import FakeClock, session_from

needs_flite = pytest.mark.skipif(speech.engine_path() is None, reason="flite is not installed")

OWN = """
title = "My plank"
get_ready = 3
[[step]]
kind = "hold"
name = "Side plank"
sides = "left"
seconds = 20
cue = [{ at = 5, say = "Hips up" }]
"""


@needs_flite
def test_the_get_ready_says_the_name_and_a_prompt_is_spoken(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    player = SilentPlayer()
    clock = FakeClock()
    controller = RunController(session_from(OWN), player, None, clock=clock, speak=True)
    bank = controller.phrases
    assert bank is not None and bank.done.wait(30)
    assert bank.problems == []
    assert set(player.added) == {
        "say:Side plank, left side. Get ready.",
        "say:Hips up",
        "say:Session complete",
    }
    controller.start()
    for _ in range(40):
        clock.tick(0.5)
        controller.tick()
    controller.stop()
    assert player.asked[0] == "say:Side plank, left side. Get ready."
    assert "say:Hips up" in player.asked, player.asked
    assert "count-2" in player.asked and "go" in player.asked, "counting stays recorded"


@needs_flite
def test_every_phrase_of_every_built_in_session_renders(tmp_path: Path) -> None:
    texts = {t for s in load_catalog().sessions.values() for t in phrase_list(expand(s))}
    assert len(texts) > 20
    for text in sorted(texts):
        sound = speech.render(text, cache=tmp_path)
        words = len(text.split())
        assert 0.15 * words <= sound.seconds <= 1.0 * words + 1.0, (text, sound.seconds)


def test_with_no_engine_the_run_plays_recorded_cues_and_says_so(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no flite here
    player = SilentPlayer()
    clock = FakeClock()
    controller = RunController(session_from(OWN), player, None, clock=clock, speak=True)
    assert controller.phrases is not None and controller.phrases.done.wait(10)
    with qtbot.waitSignal(controller.notice_changed) as said:
        controller.start()
        for _ in range(10):
            clock.tick(0.5)
            controller.tick()
    controller.stop()
    assert "Speech: no speech engine is installed" in said.args[0]
    assert player.asked[0] == "left-side" and player.added == []


def test_the_sound_menu_turns_speech_on_for_the_next_session_and_remembers_it(
    qtbot: QtBot, tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qltimer.gui.app import MainWindow
    from qltimer.settings import Settings

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    window = MainWindow(
        load_catalog(),
        None,
        player=SilentPlayer(),
        settings=Settings(safety_acknowledged=True),
        clock=FakeClock(),
    )
    qtbot.addWidget(window)
    assert not window.speech_action.isChecked(), "off until the whole of issue 12 is in"
    window.speech_action.trigger()
    assert Settings.load().speech
    view = window.start_session(session_from(OWN), pain_before=1)
    assert view.controller.phrases is not None
    view.controller.stop()
    assert view.controller.phrases.done.wait(30)
