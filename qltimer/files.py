"""Writing a file the person asked for (an export, a report) without ever losing the old one.

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
import tempfile
from collections.abc import Iterator
from pathlib import Path


class WriteError(Exception):
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
}


def plain_os_error(err: OSError) -> str:
    """An operating-system error in plain words, by its errno (never by its message text)."""
    return _PLAIN.get(err.errno or 0, err.strerror or type(err).__name__)


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
