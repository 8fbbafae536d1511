"""Remembered settings, and noticing that the computer slept."""

from __future__ import annotations

from pathlib import Path

from qltimer.settings import Settings
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
