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
get_ready = 6
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
        "say:Hips up.",
        "say:Session complete.",
    }
    controller.start()
    for _ in range(40):
        clock.tick(0.5)
        controller.tick()
    controller.stop()
    assert player.asked[0] == "say:Side plank, left side. Get ready."
    assert "say:Hips up." in player.asked, player.asked
    assert "count-2" in player.asked and "go" in player.asked, "counting stays recorded"


@pytest.mark.slow
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


def test_the_sound_menu_chooses_voice_rate_and_tones_only_and_remembers_them(
    qtbot: QtBot, tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qltimer.gui.app import MainWindow
    from qltimer.settings import Settings

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    player = SilentPlayer()
    window = MainWindow(
        load_catalog(),
        None,
        player=player,
        settings=Settings(safety_acknowledged=True),
        clock=FakeClock(),
    )
    qtbot.addWidget(window)
    assert window.speech_action.isChecked(), "speech is on from the first run"
    window.speech_action.trigger()
    assert not Settings.load().speech
    view = window.start_session(session_from(OWN), pain_before=1)
    assert view.controller.phrases is None, "tones only: nothing is rendered"
    view.controller.end_early()
    window.speech_action.trigger()
    assert Settings.load().speech
    window.rate_actions[1.25].trigger()
    window.voice_menu.aboutToShow.emit()
    offered = [a.text().split(":")[0] for a in window.voice_menu.actions()]
    if speech.engine_path() is not None:
        assert offered[0] == "slt" and "awb_time" not in offered
        rms = next(a for a in window.voice_menu.actions() if a.text().startswith("rms:"))
        rms.trigger()
        # The choice is heard at once, in the voice and at the rate chosen.
        sample = ("say:Side plank, left side. Get ready.",)
        qtbot.waitUntil(lambda: player.utterances[-1:] == [sample], timeout=10_000)
    else:
        assert offered == ["No speech engine is installed (the flite package)"]
        window.set_voice("rms")
    saved = Settings.load()
    assert (saved.speech, saved.speech_voice, saved.speech_rate) == (True, "rms", 1.25)
    view = window.start_session(session_from(OWN), pain_before=1)
    bank = view.controller.phrases
    assert bank is not None and bank._args[:2] == ("rms", 1.25)
    view.controller.stop()


def test_a_bad_voice_or_rate_in_the_settings_file_gives_the_usual_ones(data_dir: Path) -> None:
    from qltimer.settings import Settings

    (data_dir / "settings.json").write_text(
        '{"speech": false, "speech_voice": "../../bin/sh", "speech_rate": 9.5}'
    )
    loaded = Settings.load()
    assert (loaded.speech, loaded.speech_voice, loaded.speech_rate) == (False, "slt", 1.0)


WHOLE = """
title = "Words"
get_ready = 6
switch_sides = 10
[[step]]
kind = "hold"
name = "Side plank"
sides = "each"
seconds = 60
[[step]]
kind = "rest"
seconds = 15
[[step]]
kind = "laps"
name = "Suitcase carry"
sides = "left"
laps = 5
"""


def _run_until(controller: RunController, clock: FakeClock, seconds: float) -> None:
    for _ in range(int(seconds / 0.25)):
        clock.tick(0.25)
        controller.tick()


@needs_flite
def test_a_whole_run_says_what_comes_next_the_laps_the_time_held_and_the_result(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a person hears through a run they drive with the keys: each phrase is heard as one
    utterance with what is due with it, in the order a person needs it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    player = SilentPlayer()
    clock = FakeClock()
    controller = RunController(session_from(WHOLE), player, None, clock=clock, speak=True)
    bank = controller.phrases
    assert bank is not None and bank.done.wait(30) and bank.problems == []
    controller.start()
    _run_until(controller, clock, 6 + 47.5)  # the left side, held 47.5 s of its 60
    qtbot.waitUntil(lambda: "Forty-seven seconds." in bank.ready, timeout=10_000)
    controller.done_now()  # Enter: the person's limit
    assert player.utterances[-1] == (
        "say:Forty-seven seconds.",
        "say:Switch to your right side.",
    ), "the time held, then what comes next, as one"
    _run_until(controller, clock, 10 + 60 + 0.5)  # the switch, then the right side in full
    assert ("say:Rest. Next: Suitcase carry, left hand.",) in player.utterances
    assert not any("Sixty seconds" in n for n in player.asked), "a full hold says no time"
    _run_until(controller, clock, 15 + 6 + 1)  # the rest, the get-ready, into the carry
    heard = len(player.utterances)
    for _ in range(4):
        clock.tick(10)
        controller.tick()
        controller.add_count()
    assert player.utterances[heard:] == [
        ("say:One.",),
        ("say:Two. Three to go.",),
        ("say:Three. Two to go.",),
        ("say:Four. One to go.",),
    ]
    clock.tick(10)
    controller.add_count()  # the last lap ends the session
    assert controller.run.finished
    assert player.utterances[-1] == ("say:Session complete.",)
    qtbot.waitUntil(lambda: len(player.utterances) > heard + 5, timeout=10_000)
    assert player.utterances[-1] == ("say:Left forty-seven seconds, right sixty.",)
    controller.stop()


@needs_flite
def test_a_hold_past_its_target_says_the_time_held(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    test = next(s for s in load_catalog().sessions.values() if s.id == "side-plank-test")
    player = SilentPlayer()
    clock = FakeClock()
    controller = RunController(test, player, None, clock=clock, speak=True)
    assert controller.phrases is not None and controller.phrases.done.wait(30)
    controller.start()
    first = controller.run.phase
    assert first is not None
    _run_until(controller, clock, first.duration or 0)
    _run_until(controller, clock, 72.5)
    assert "say:Sixty seconds. Keep going if you can." in player.asked
    qtbot.waitUntil(lambda: "Seventy-two seconds." in controller.phrases.ready, timeout=10_000)
    controller.done_now()
    assert player.utterances[-1][0] == "say:Seventy-two seconds."
    controller.stop()


@needs_flite
def test_words_that_would_hold_back_the_count_give_way_to_the_recorded_cue(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 3 s get-ready has no room for "Side plank, left side. Get ready." before its "two":
    the short recorded "left side" plays, and 3-2-1 stays on time."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    player = SilentPlayer()
    clock = FakeClock()
    short = OWN.replace("get_ready = 6", "get_ready = 3")
    controller = RunController(session_from(short), player, None, clock=clock, speak=True)
    assert controller.phrases is not None and controller.phrases.done.wait(30)
    controller.start()
    _run_until(controller, clock, 3.5)
    controller.stop()
    assert player.utterances[:3] == [("left-side",), ("count-2",), ("count-1",)]
    assert max(controller.latencies) < 0.3  # the fake clock's steps, no queue behind words


@needs_flite
def test_a_long_hold_keeps_only_the_times_held_near_now(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One phrase a second for a whole hold would be megabytes; the seconds gone by are let go
    (their sounds too), and the run's own "Ten seconds." stays though it is a time held too."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    player = SilentPlayer()
    clock = FakeClock()
    long_hold = OWN.replace("seconds = 20", "seconds = 60").replace(
        'cue = [{ at = 5, say = "Hips up" }]', "cue = [{ before_end = 10 }]"
    )
    controller = RunController(session_from(long_hold), player, None, clock=clock, speak=True)
    bank = controller.phrases
    assert bank is not None and bank.done.wait(30)
    controller.start()
    _run_until(controller, clock, 6 + 40)
    held = {t for t in bank.texts}
    assert "Ten seconds." in held
    qtbot.waitUntil(lambda: "Forty-one seconds." in bank.ready, timeout=10_000)
    times = [t for t in bank.ready if t.endswith("seconds.") and t not in held]
    assert len(times) <= 4, times
    assert "say:Twenty seconds." in player.forgotten
    assert "say:Ten seconds." not in player.forgotten
    controller.stop()
