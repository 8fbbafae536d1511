"""Reading files the person gives us, and writing files they ask for, without harm either way.

Every file qltimer reads that someone else may have made (an import, a rescue file, settings) is
read by :func:`read_bounded`: only a regular file (a FIFO or a device is refused at once, never
read for ever), and never more than a limit. File names are shown by :func:`shown_path`, with
control characters escaped.

No Qt here. :func:`replacing` gives a temporary file in the target's own folder; only when the
caller's writing has finished without an error is it flushed to disk and renamed over the target,
in one step. A failure at any point - a full disk, a crash in the writer, a cancelled export -
leaves the old file exactly as it was and removes the temporary one. What can't be written to at
all (a folder, a missing or read-only folder) is said in plain words by :func:`plain_os_error`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


class ReadError(Exception):
    """A file could not be read, or is not one qltimer may read; the message is for the person."""


class WriteError(OSError):
    """A file could not be written; the message is for the person, in plain words."""


_PLAIN = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "that folder can't be written to",
    errno.EPERM: "that folder can't be written to",
    errno.ENOENT: "that folder does not exist",
    errno.ENOTDIR: "part of that path is a file, not a folder",
    errno.EISDIR: "that is a folder, not a file",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EEXIST: "a file is in the way where a folder should be",
    errno.EIO: "the disk could not be read or written",
}

# SQLite's primary result codes (the low byte of sqlite_errorcode): see sqlite.org/rescode.html
_SQLITE_PLAIN = {
    3: "the history file can't be written to (permission denied)",  # SQLITE_PERM
    5: "another program is using your history file",  # SQLITE_BUSY
    6: "another program is using your history file",  # SQLITE_LOCKED
    8: "your history file or its folder can't be written to",  # SQLITE_READONLY
    10: "the disk could not be read or written",  # SQLITE_IOERR
    11: "your history file is damaged",  # SQLITE_CORRUPT
    13: "the disk is full",  # SQLITE_FULL
    14: "your history file can't be opened: its folder is missing or can't be written to",
    26: "your history file is not a database",  # SQLITE_NOTADB
}


_PLAIN_READING = {
    errno.ENOENT: "there is no such file",
    errno.EACCES: "you are not allowed to read it",
    errno.EPERM: "you are not allowed to read it",
    errno.ELOOP: "it is a link that leads round in a circle",
}


def plain_os_error(err: OSError, *, reading: bool = False) -> str:
    """An operating-system error in plain words, by its errno (never by its message text)."""
    code = err.errno or 0
    if reading and code in _PLAIN_READING:
        return _PLAIN_READING[code]
    return _PLAIN.get(code, err.strerror or type(err).__name__)


def plain_error(err: BaseException) -> str:
    """Why a read or write failed, in plain words: SQLite's errors by their result code, the
    operating system's by errno, never by matching their message text. This is the one place
    every write (the recorder, the summary, answers, imports, exports, reports) words a failure.
    """
    if isinstance(err, sqlite3.Error):
        code = getattr(err, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in _SQLITE_PLAIN:
            return _SQLITE_PLAIN[code & 0xFF]
        return f"the history could not be used ({err})"
    if isinstance(err, WriteError | ReadError):
        return str(err)
    if isinstance(err, OSError):
        return plain_os_error(err)
    return str(err) or type(err).__name__


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside *target*; rename it over *target* when the block ends
    without an error, else remove it. Raises :class:`WriteError` (plain words, naming *target*).
    """
    target = Path(target)
    if target.is_dir():
        raise WriteError(f"can't write {target}: that is a folder, not a file")
    folder = target.parent if str(target.parent) else Path()
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as err:
        raise WriteError(f"can't write {target}: {plain_os_error(err)}") from None
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        with temp.open("rb+") as written:
            os.fsync(written.fileno())
        # mkstemp makes it 0600: keep the old file's permissions, or the usual ones for a new one.
        temp.chmod(target.stat().st_mode & 0o7777 if target.exists() else 0o644)
        temp.replace(target)
    except OSError as err:
        raise WriteError(f"can't write {target}: {plain_os_error(err)}") from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


def shown_path(path: Path | str) -> str:
    """*path* as text to show: control characters (a newline in a file name) escaped."""
    text = str(path)
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at *path*, at most *limit* of them; else :class:`ReadError`
    naming the file. Opened without blocking, so a FIFO with no writer does not hang."""
    name = shown_path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        raise ReadError(f"can't read {name}: {plain_os_error(err, reading=True)}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ReadError(f"can't read {name}: it is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(f"can't read {name}: it is not a regular file")
        if info.st_size > limit:
            raise ReadError(f"can't read {name}: it is {info.st_size:,} bytes; at most {limit:,}")
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise ReadError(f"can't read {name}: it is over {limit:,} bytes")
        return b"".join(chunks)
    except OSError as err:
        raise ReadError(f"can't read {name}: {plain_os_error(err, reading=True)}") from None
    finally:
        os.close(fd)
