"""The home screen in a real (offscreen) Qt window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from qltimer.catalog import load_catalog
from qltimer.gui.app import MainWindow
from qltimer.settings import Settings


def by_name(root: QWidget, name: str) -> QWidget:
    found = [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def test_home_lists_every_session_and_previews_the_chosen_one(qtbot: QtBot) -> None:
    window = MainWindow(load_catalog(), settings=Settings(safety_acknowledged=True))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    home = window.home
    assert home.list.count() == 6
    assert home.list.item(0).text().startswith("Phase One")
    steps = by_name(window, "session steps")
    assert "Slow belly breathing" in steps.text()  # type: ignore[attr-defined]
    # Arrow keys alone choose another session.
    with qtbot.waitSignal(home.session_chosen) as chosen:
        qtbot.keyClick(home.list, Qt.Key.Key_Down)
    assert chosen.args == ["standing-seated"]
    assert "no floor needed" in home.preview.meta.text()
    home.list.setCurrentRow(2)
    assert "60 s each side" in steps.text()  # type: ignore[attr-defined]
    assert "10 laps of 10 m each side" in steps.text()  # type: ignore[attr-defined]
    home.list.setCurrentRow(5)
    assert "90 s each side" in steps.text()  # type: ignore[attr-defined]


def test_home_tells_about_broken_and_clashing_user_files(qtbot: QtBot, data_dir: Path) -> None:
    own = data_dir / "sessions"
    own.mkdir()
    (own / "broken.toml").write_text('title = "x"\n')
    (own / "ball-release.toml").write_text(
        'title = "My release"\n[[step]]\nkind = "timed"\nname = "Ball"\nseconds = 60\n'
    )
    window = MainWindow(load_catalog())
    qtbot.addWidget(window)
    notice = window.home.notice
    assert not notice.isHidden()
    assert "broken.toml:1:1" in notice.text()
    assert "ball-release" in notice.text() and "in its place" in notice.text()
