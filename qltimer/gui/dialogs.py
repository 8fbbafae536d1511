"""Every question and message the app puts to the person goes through :class:`Ask`.

Tests replace these class methods (monkeypatch) instead of clicking real modal dialogs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


class Ask:
    @classmethod
    def save_path(
        cls, parent: QWidget | None, title: str, suggested: str, filt: str
    ) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, title, suggested, filt)
        return Path(name) if name else None

    @classmethod
    def open_path(cls, parent: QWidget | None, title: str, filt: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, title, "", filt)
        return Path(name) if name else None

    @classmethod
    def info(cls, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    @classmethod
    def error(cls, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)

    @classmethod
    def confirm(
        cls,
        parent: QWidget | None,
        title: str,
        text: str,
        yes: str,
        no: str,
        *,
        default_yes: bool = True,
    ) -> bool:
        """Yes or no; Esc always answers *no*, Enter the default (*no* unless *default_yes*)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes_button if default_yes else no_button)
        box.setEscapeButton(no_button)
        box.exec()
        return box.clickedButton() is yes_button
