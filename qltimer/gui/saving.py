"""Runs whose results wait to be written: tried again every few seconds, and said plainly."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from qltimer.files import plain_error
from qltimer.recording import Recorder, write_rescue


class SaveKeeper(QObject):
    """Keeps every run that is not fully in the history until it is.

    While something waits, a copy of each such run sits in a rescue file (see
    :mod:`qltimer.recording`) and the writes are tried again every *interval_ms*.

    Signals:
        changed(str): the notice to show now ("" once everything is saved).
    """

    changed = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        interval_ms: int = 5000,
        folders: list[Path] | None = None,
    ) -> None:
        super().__init__(parent)
        self.folders = folders
        self.waiting: list[Recorder] = []
        self.rescue_errors: dict[str, str] = {}
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.retry)
        self.text = ""

    def watch(self, recorder: Recorder) -> None:
        """Call after each write *recorder* tried."""
        if recorder.saved:
            if recorder in self.waiting:
                self.waiting.remove(recorder)
                self.rescue_errors.pop(recorder.uuid, None)
        else:
            if recorder not in self.waiting:
                self.waiting.append(recorder)
            try:
                write_rescue(recorder, self.folders)
                self.rescue_errors.pop(recorder.uuid, None)
            except OSError as err:
                self.rescue_errors[recorder.uuid] = plain_error(err)
        if self.waiting:
            self.timer.start()
        else:
            self.timer.stop()
        self._say()

    @Slot()
    def retry(self) -> None:
        for recorder in list(self.waiting):
            recorder.flush()
            self.watch(recorder)

    @property
    def unsaved(self) -> bool:
        return bool(self.waiting)

    @property
    def copies_safe(self) -> bool:
        """True when every waiting run has a rescue copy on disk."""
        return all(
            r.rescue_path is not None and r.uuid not in self.rescue_errors for r in self.waiting
        )

    def _say(self) -> None:
        text = ""
        if self.waiting:
            first = self.waiting[0]
            why = first.error or "it could not be written"
            if first.history is None:  # nothing to try again until the next start
                text = f"Not saved to your history: {why}."
            else:
                text = (
                    f"Not saved to your history yet: {why}. Nothing is lost while qltimer is "
                    "open; it keeps trying."
                )
            if self.copies_safe:
                where = first.rescue_path.parent if first.rescue_path else ""
                text += f" A copy is kept in {where} and added to your history at the next start."
            else:
                text += (
                    " No copy could be written either "
                    f"({next(iter(self.rescue_errors.values()), '')}): please keep qltimer open "
                    "until this clears."
                )
        if text != self.text:
            self.text = text
            self.changed.emit(text)
