"""One qltimer at a time per data folder. No Qt here.

Two windows running sessions into one history would each take the other's running session for a
crash; so the app holds an exclusive lock on ``<data>/qltimer.lock`` while it runs, and a second
one is told the first is open. The operating system drops the lock when the process ends, however
it ends (a crash, SIGKILL, a power cut), so a lock file left behind never blocks anything. Command
line tools that only read the history (exports, reports) do not need it; ``history --import``
only closes sessions left running when it gets the lock.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO

from qltimer import paths

LOCK_NAME = "qltimer.lock"


def lock_path() -> Path:
    return paths.data_dir() / LOCK_NAME


class InstanceLock:
    """The running app's claim on its data folder.

    :meth:`acquire` answers True when this process holds the lock, False when another qltimer
    does (its process id is then in :attr:`holder`). A folder where no lock file can be made
    (read-only) cannot hold a history either; acquire answers True there and :attr:`held` stays
    False, so the app still starts and says what is wrong with the folder.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else lock_path()
        self.held = False
        self.holder: int | None = None
        self._file: IO[str] | None = None

    def acquire(self) -> bool:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = self.path.open("a+", encoding="ascii")
        except OSError:
            return True
        if not _try_lock(handle):
            handle.seek(0)
            text = handle.read().strip()
            self.holder = int(text) if text.isdigit() else None
            handle.close()
            return False
        with contextlib.suppress(OSError):
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
        self._file = handle
        self.held = True
        return True

    def release(self) -> None:
        if self._file is not None:
            # Closing drops the lock. It also writes out our process id if a full disk held it
            # back in acquire, and fails again the same way: the file is closed all the same.
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None
        self.held = False

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


def _try_lock(handle: IO[str]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        return True  # a file system without locks: nothing to go on, so don't refuse to start
    return True
