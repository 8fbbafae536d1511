"""Remembered settings, and noticing that the computer slept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qltimer.settings import MAX_BYTES, Settings, place_window
from qltimer.sleepwatch import SleepWatch


def test_settings_round_trip_in_the_data_folder(data_dir: Path) -> None:
    assert Settings.load() == Settings()
    Settings(volume=35, muted=True, high_contrast=True).save()
    assert (data_dir / "settings.json").exists()
    assert Settings.load() == Settings(volume=35, muted=True, high_contrast=True)


def test_bad_settings_fall_back_to_defaults(data_dir: Path) -> None:
    path = data_dir / "settings.json"
    path.write_text("{not json")
    assert Settings.load() == Settings()
    path.write_text('{"volume": "loud", "muted": 1, "high_contrast": true, "volume2": 3}')
    assert Settings.load() == Settings(high_contrast=True)
    path.write_text('{"volume": 900}')
    assert Settings.load().volume == 100


WINDOW = dict(
    window_x=40,
    window_y=-20,
    window_width=900,
    window_height=600,
    window_maximized=True,
    window_full_screen=True,
)


def test_the_window_is_remembered_with_the_rest(data_dir: Path) -> None:
    Settings(volume=60, **WINDOW).save()  # type: ignore[arg-type]
    assert Settings.load() == Settings(volume=60, **WINDOW)  # type: ignore[arg-type]
    assert not (data_dir / "settings.json.tmp").exists(), "written aside, then put in place"


@pytest.mark.parametrize(
    ("changes", "kept"),
    [
        ({"window_x": "40"}, {"window_width": 900, "window_height": 600}),
        ({"window_y": 10**9}, {"window_width": 900, "window_height": 600}),
        ({"window_y": 1.5}, {"window_width": 900, "window_height": 600}),
        ({"window_width": True}, {"window_x": 40, "window_y": -20}),
        ({"window_height": 20}, {"window_x": 40, "window_y": -20}),
        ({"window_width": -900}, {"window_x": 40, "window_y": -20}),
        ({"window_height": None}, {"window_x": 40, "window_y": -20}),
    ],
)
def test_a_bad_window_value_drops_its_pair_and_keeps_the_rest(
    data_dir: Path, changes: dict[str, object], kept: dict[str, int]
) -> None:
    raw = {**WINDOW, **changes, "window_maximized": 1, "volume": 30}
    (data_dir / "settings.json").write_text(json.dumps(raw))
    assert Settings.load() == Settings(volume=30, window_full_screen=True, **kept)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        '{"volume": 30' + " " * MAX_BYTES + "}",  # too big to be ours
        "[" * 50_000 + "]" * 50_000,  # too deep for the parser, and too big
        "[" * 30_000 + "]" * 30_000,  # too deep, small enough to read
        '{"volume": 1' + "0" * 5000 + "}",  # a number too long to read
        '["volume", 30]',
        "null",
    ],
)
def test_no_settings_file_stops_the_app_from_starting(data_dir: Path, text: str) -> None:
    (data_dir / "settings.json").write_text(text)
    assert Settings.load() == Settings()


def test_undecodable_bytes_give_the_defaults(data_dir: Path) -> None:
    (data_dir / "settings.json").write_bytes(b'{"volume": 3\xff0}')
    assert Settings.load() == Settings()


SCREEN = (0, 0, 1920, 1080)
FRAME = (4, 30, 4, 4)


def test_a_new_window_gets_1280_by_800_centred_or_less_on_a_small_screen() -> None:
    assert place_window(Settings(), [SCREEN], FRAME) == (320, 153, 1280, 800)
    assert place_window(Settings(), [(0, 0, 800, 480)], FRAME) == (4, 30, 792, 446)
    panel = (0, 32, 800, 448)  # a panel along the top takes 32 pixels
    assert place_window(Settings(), [panel], FRAME) == (4, 62, 792, 414)


def test_the_remembered_place_is_kept_while_the_window_still_fits_there() -> None:
    saved = Settings(window_x=2000, window_y=100, window_width=1000, window_height=700)
    right = (1920, 0, 1280, 1024)
    assert place_window(saved, [SCREEN, right], FRAME) == (2000, 100, 1000, 700)
    # That screen is gone: the same size, centred on the one that is left.
    assert place_window(saved, [SCREEN], FRAME) == (460, 203, 1000, 700)
    # Partly off the screen's edge counts as off it.
    assert place_window(saved, [SCREEN, (1920, 0, 1000, 800)], FRAME)[:2] == (460, 203)
    title_bar_off = Settings(window_x=100, window_y=10, window_width=1000, window_height=700)
    assert place_window(title_bar_off, [SCREEN], FRAME)[:2] == (460, 203)


def test_a_remembered_size_bigger_than_the_screen_is_not_used() -> None:
    saved = Settings(window_x=4, window_y=30, window_width=1900, window_height=1040)
    assert place_window(saved, [SCREEN], FRAME) == (4, 30, 1900, 1040), "just fits"
    small = (0, 0, 1366, 768)
    assert place_window(saved, [small], FRAME) == (43, 30, 1280, 734)
    fits = Settings(window_width=1300, window_height=700)
    assert place_window(fits, [small], FRAME) == (33, 47, 1300, 700)


class Clocks:
    def __init__(self) -> None:
        self.mono = 100.0
        self.boot: float | None = 5000.0


def test_boottime_running_ahead_of_monotonic_means_sleep() -> None:
    c = Clocks()
    watch = SleepWatch(lambda: c.mono, lambda: c.boot)
    c.mono += 1
    c.boot = (c.boot or 0) + 1
    assert watch.check() is None
    c.mono += 0.5  # Linux: monotonic stops in suspend, boot time does not
    c.boot = (c.boot or 0) + 600.5
    slept = watch.check()
    assert slept is not None and round(slept.seconds) == 600 and slept.last_awake == 101


def test_a_long_gap_means_sleep_where_there_is_no_boot_clock() -> None:
    c = Clocks()
    c.boot = None
    watch = SleepWatch(lambda: c.mono, lambda: c.boot)
    c.mono += 19
    assert watch.check() is None
    c.mono += 3600
    slept = watch.check()
    assert slept is not None and slept.last_awake == 119


def test_reset_forgives_a_long_pause() -> None:
    c = Clocks()
    watch = SleepWatch(lambda: c.mono, lambda: c.boot)
    c.mono += 300
    c.boot = (c.boot or 0) + 300
    watch.reset()
    assert watch.check() is None


def test_camera_thresholds_are_read_value_by_value(tmp_path: Path) -> None:
    """The camera rule's thresholds can be set by hand in settings.json; each is checked on its
    own, so one out of range falls back to its default and the others are kept."""
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "camera_check": True,
                "camera_drop": 0.05,
                "camera_angle": 12,  # a whole number is a number of degrees too
                "camera_lost_after": 60.0,  # out of range: the default
                "camera_calibrate": "2",  # not a number: the default
            }
        ),
        encoding="utf-8",
    )
    s = Settings.load(path)
    assert s.camera_check is True
    t = s.camera_thresholds
    assert (t.drop, t.angle, t.lost_after, t.calibrate) == (0.05, 12.0, 1.0, 1.5)
    assert isinstance(s.camera_angle, float)
    s.save(path)
    assert Settings.load(path).camera_thresholds == t
