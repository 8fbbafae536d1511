"""A place in the desktop's application menu: ``qltimer --install-desktop`` and
``--uninstall-desktop``.

Three files go into the person's data folder of the XDG spec (``$XDG_DATA_HOME``, else
``~/.local/share``), each named by :data:`APP_ID`:

- ``applications/APP_ID.desktop``: the menu entry, starting this installation's ``qltimer``
  command by its absolute path (a virtual environment's command is not on the menu's PATH);
- ``icons/hicolor/scalable/apps/APP_ID.svg``: its icon;
- ``metainfo/APP_ID.metainfo.xml``: what software centres show about qltimer (AppStream).

They are made from the templates in ``assets/`` (found the same way from a wheel and a checkout),
each read with a limit and written by temporary file and rename (:func:`qltimer.files.replacing`),
so installing again simply replaces them. Uninstalling removes those three files and nothing else.
The desktop's caches are refreshed when their commands exist; they never make either fail.
No Qt here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from qltimer import paths
from qltimer.files import ReadError, WriteError, plain_os_error, read_bounded, replacing, shown_path

APP_ID = "io.github.qltimer.qltimer"
"""The one name of qltimer on the desktop: its entry, icon and AppStream id (and the window's
desktop file name, so a window finds its entry)."""

TEMPLATE_LIMIT = 1 << 20
CACHE_TIMEOUT = 30.0


class DesktopError(Exception):
    """Installing or removing the menu entry failed; the message is one line, for the person."""


@dataclass(frozen=True)
class Part:
    """One installed file: where it goes under the data folder, its template, what it is."""

    relative: str
    template: str
    what: str


# The menu entry last: it appears in a menu only once its icon is there.
PARTS = (
    Part(f"icons/hicolor/scalable/apps/{APP_ID}.svg", "qltimer.svg", "its icon"),
    Part(
        f"metainfo/{APP_ID}.metainfo.xml",
        "qltimer.metainfo.xml",
        "what software centres show about qltimer",
    ),
    Part(f"applications/{APP_ID}.desktop", "qltimer.desktop", "the menu entry"),
)


@dataclass(frozen=True)
class Installed:
    command: Path
    written: tuple[tuple[Path, str], ...]  # (file, what it is), in the order written


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset, empty or relative (the spec
    says a relative one is to be ignored)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and Path(value).is_absolute():
        return Path(value)
    try:
        return Path.home() / ".local" / "share"
    except RuntimeError:
        raise DesktopError(
            "can't tell where your home folder is (HOME is not set); set XDG_DATA_HOME"
        ) from None


def targets(home: Path) -> list[tuple[Path, Part]]:
    return [(home / part.relative, part) for part in PARTS]


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_command() -> Path:
    """The installed ``qltimer`` command: the one beside this Python (a virtual environment's
    console script), else the one on PATH. Absolute; symbolic links are kept as they are."""
    if sys.executable:
        beside = Path(sys.executable).parent / "qltimer"
        if _executable(beside):
            return beside.absolute()
    found = shutil.which("qltimer")
    if found is not None:
        return Path(found).absolute()
    raise DesktopError(
        "can't find the installed qltimer command (not beside this Python, nor on PATH); "
        "install qltimer with pip first"
    )


# Characters that make the Desktop Entry spec's Exec key want an argument in double quotes, and
# those that must then be escaped with a backslash inside them.
_EXEC_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
_EXEC_ESCAPED = frozenset('"`$\\')


def exec_argument(arg: str) -> str:
    """*arg* as one argument of an Exec key, quoted as the spec says when it has to be (before
    the escaping every string value gets, :func:`string_value`)."""
    if "%" in arg:
        arg = arg.replace("%", "%%")  # a literal percent sign, not a field code
    if not any(ch in _EXEC_RESERVED for ch in arg):
        return arg
    return '"' + "".join("\\" + ch if ch in _EXEC_ESCAPED else ch for ch in arg) + '"'


def string_value(text: str) -> str:
    """*text* as the value of a string key: backslashes doubled (the spec's ``\\\\``)."""
    return text.replace("\\", "\\\\")


def _usable_path(command: Path) -> str:
    text = str(command)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise DesktopError(
            f"the qltimer command's path {shown_path(text)} is not UTF-8, which a desktop entry "
            "can't hold; install qltimer under another folder"
        ) from None
    if not all(ch.isprintable() for ch in text):
        raise DesktopError(
            f"the qltimer command's path {shown_path(text)} holds a control character, which a "
            "desktop entry can't hold; install qltimer under another folder"
        )
    return text


def desktop_entry(template: str, command: Path) -> str:
    """The template's entry, with Exec and TryExec naming *command* and Icon naming the
    installed icon. Keys of other groups (none today) are left alone."""
    path = _usable_path(command)
    wanted = {
        "Exec": string_value(exec_argument(path)),
        "TryExec": string_value(path),
        "Icon": APP_ID,
    }
    lines = []
    group = ""
    seen = set()
    for line in template.splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            group = stripped[1:-1]
        elif group == "Desktop Entry" and "=" in line:
            key = line.split("=", 1)[0].strip()
            if key in wanted:
                line = f"{key}={wanted[key]}"
                seen.add(key)
        lines.append(line)
    missing = sorted(set(wanted) - seen)
    if missing:
        raise DesktopError(
            f"qltimer's bundled desktop entry has no {', '.join(missing)} key; reinstall qltimer"
        )
    return "\n".join(lines) + "\n"


def _template(name: str) -> bytes:
    try:
        return read_bounded(paths.assets_dir() / name, TEMPLATE_LIMIT)
    except (ReadError, paths.ResourceMissingError) as err:
        raise DesktopError(f"{err}; reinstall qltimer") from None


def _contents(part: Part, command: Path) -> bytes:
    data = _template(part.template)
    if part.template.endswith(".desktop"):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise DesktopError(
                "qltimer's bundled desktop entry is not UTF-8; reinstall qltimer"
            ) from None
        return desktop_entry(text, command).encode("utf-8")
    return data


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DesktopError(
            f"can't make the folder {shown_path(folder)}: {plain_os_error(err)}"
        ) from None


def _present(path: Path) -> bool:
    return path.is_symlink() or path.exists()


def install(home: Path | None = None, command: Path | None = None) -> Installed:
    """Write the three files (again, if they are there). On a failure, the files this call made
    are removed again and :class:`DesktopError` says why in one line."""
    home = data_home() if home is None else home
    command = find_command() if command is None else command
    planned = [(target, part, _contents(part, command)) for target, part in targets(home)]
    for target, _part, _data in planned:
        _make_folder(target.parent)
    existed = {target for target, _part, _data in planned if _present(target)}
    written: list[tuple[Path, str]] = []
    try:
        for target, part, data in planned:
            with replacing(target) as temp:
                temp.write_bytes(data)
            written.append((target, part.what))
    except WriteError as err:
        for target, _what in written:
            if target not in existed:
                with contextlib.suppress(OSError):
                    target.unlink()
        entry = planned[-1][0]
        if not existed:
            after = "nothing was installed"
        elif entry in existed:
            after = "the menu entry installed before is still there"
        else:
            after = "qltimer was not added to the menu"
        raise DesktopError(f"{err}; {after}") from None
    refresh_caches(home)
    return Installed(command=command, written=tuple(written))


def uninstall(home: Path | None = None) -> list[tuple[Path, str]]:
    """Remove the three files, those that are there, the menu entry first; the ones removed,
    with what each was. One that can't be removed stops it with :class:`DesktopError`, so an
    entry that stays keeps its icon."""
    home = data_home() if home is None else home
    removed: list[tuple[Path, str]] = []
    for target, part in reversed(targets(home)):
        if not _present(target):
            continue
        try:
            target.unlink()
        except OSError as err:
            if removed:
                refresh_caches(home)
            after = "nothing was removed"
            if removed:
                after = f"removed {len(removed)} of its files before that"
            raise DesktopError(
                f"can't remove {shown_path(target)}: {plain_os_error(err)}; {after}"
            ) from None
        removed.append((target, part.what))
    if removed:
        refresh_caches(home)
    return removed


def refresh_caches(home: Path) -> None:
    """Tell the desktop: the menu's database, and the icon cache if one is kept there already
    (making one would hide icons other programs add later without updating it). Missing
    commands, failures and slowness are ignored: the files are in place either way."""
    applications = home / "applications"
    hicolor = home / "icons" / "hicolor"
    commands = [["update-desktop-database", "-q", str(applications)]]
    if (hicolor / "icon-theme.cache").is_file():
        commands.append(["gtk-update-icon-cache", "-q", "-t", "-f", str(hicolor)])
    for command in commands:
        if shutil.which(command[0]) is None:
            continue
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=CACHE_TIMEOUT,
                check=False,
            )
