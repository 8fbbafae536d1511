"""SIGINT (Ctrl+C in the terminal) and SIGTERM (``kill``, a logout) as a Qt signal.

Python runs a signal handler only between two of its own instructions, and while Qt's event loop
waits in C++ none run: a Ctrl+C would land, late, as a KeyboardInterrupt in whatever slot ran
next. Instead the handler here does nothing itself; Python's C-level handler writes the signal's
number to a socket (:func:`signal.set_wakeup_fd`), a :class:`QSocketNotifier` on the other end
wakes the event loop, and :attr:`StopSignals.received` is emitted there, between two events,
where the app can end a session and close the way it always does.
"""

from __future__ import annotations

import signal
import socket
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier, Signal, Slot

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def exit_code(signum: int) -> int:
    """What the process exits with after *signum*: 128 + its number, as shells report it
    (130 after Ctrl+C, 143 after SIGTERM)."""
    return 128 + signum


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


class StopSignals(QObject):
    """While installed, SIGINT and SIGTERM no longer interrupt Python; each one emits
    ``received(signum)`` from the event loop. :meth:`uninstall` puts everything back.

    Signals:
        received(int): the signal's number.
    """

    received = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._read, self._write = socket.socketpair()
        for end in (self._read, self._write):
            end.setblocking(False)
        self._old_fd = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        self._old_handlers = {s: signal.signal(s, self._note) for s in STOP_SIGNALS}
        self.notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self._drain)

    @staticmethod
    def _note(signum: int, frame: FrameType | None) -> None:
        """Python's part: nothing. The number is already on its way through the socket."""

    @Slot()
    def _drain(self) -> None:
        try:
            data = self._read.recv(64)
        except (BlockingIOError, InterruptedError):
            return
        for signum in data:
            if signum in STOP_SIGNALS:
                self.received.emit(signum)

    def uninstall(self) -> None:
        self.notifier.setEnabled(False)
        for signum, handler in self._old_handlers.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(self._old_fd)
        self._read.close()
        self._write.close()
