"""Exporting the history off the window's thread, with a progress dialog and Cancel.

The export runs in a worker thread with a read-only connection of its own (SQLite connections
are not shared between threads) and streams row by row into a temporary file beside the target
(:func:`qltimer.files.replacing`), renamed over the target only when whole. Cancel, or any
failure, leaves no file and the old one as it was. The window stays responsive throughout: the
worker only reports progress, by queued signals.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from qltimer.files import WriteError, plain_error, replacing, shown_path
from qltimer.history import (
    ExportCancelled,
    HistoryError,
    open_history,
    write_csv,
    write_json,
)


class _Worker(QObject):
    progress = Signal(int)
    done = Signal(int)  # rows written
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, source: Path, target: Path, kind: str) -> None:
        super().__init__()
        self.source = source
        self.target = target
        self.kind = kind
        self.stop = threading.Event()

    @Slot()
    def run(self) -> None:
        write = write_csv if self.kind == "csv" else write_json
        try:
            history, _ = open_history(self.source, read_only=True)
        except HistoryError as err:
            self.failed.emit(str(err))
            return
        try:
            with (
                replacing(self.target) as temp,
                temp.open("w", encoding="utf-8", newline="") as out,
            ):
                rows = write(history, out, progress=self._tick)
            self.done.emit(rows)
        except ExportCancelled:
            self.cancelled.emit()
        except WriteError as err:
            self.failed.emit(f"{str(err).capitalize()}. Nothing was changed.")
        except sqlite3.Error as err:
            self.failed.emit(f"Can't read your history: {plain_error(err)}. Nothing was changed.")
        finally:
            history.close()

    def _tick(self, rows: int) -> bool:
        self.progress.emit(rows)
        return not self.stop.is_set()


class ExportJob(QObject):
    """One export: ``start()``, then exactly one of ``finished(rows)``, ``failed(message)`` or
    ``cancelled()``. A progress dialog with Cancel shows while it runs (after a short moment,
    so a quick export does not flash one)."""

    finished = Signal(int)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget, source: Path, target: Path, kind: str, total: int) -> None:
        super().__init__(parent)
        self.target = target
        self.dialog = QProgressDialog(
            f"Exporting your history to {shown_path(target.name)}...", "Cancel", 0, total, parent
        )
        self.dialog.setWindowTitle("qltimer - export")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setValue(0)
        self.worker_thread = QThread(self)
        self.worker = _Worker(source, target, kind)
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._on_progress)
        self.worker.done.connect(self._on_done)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.dialog.canceled.connect(self.cancel)

    def start(self) -> None:
        self.worker_thread.start()

    @Slot()
    def cancel(self) -> None:
        self.worker.stop.set()
        self.dialog.setLabelText("Cancelling...")

    @Slot(int)
    def _on_progress(self, rows: int) -> None:
        self.dialog.setValue(min(rows, self.dialog.maximum()))

    def _end(self) -> None:
        self.worker_thread.quit()
        self.worker_thread.wait()
        self.dialog.close()

    @Slot(int)
    def _on_done(self, rows: int) -> None:
        self._end()
        self.finished.emit(rows)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._end()
        self.failed.emit(message)

    @Slot()
    def _on_cancelled(self) -> None:
        self._end()
        self.cancelled.emit()
