"""Is there a graphical display the window can open on? Asked before Qt starts. No Qt here.

Without one Qt does not fail gracefully: its xcb plugin prints several lines (one about
xcb-cursor0, one saying "Reinstalling the application may fix this problem", neither of which
is the cause) and aborts the process. So before the window is made, :func:`display_problem`
looks for the display Qt would use, as Qt would reach it: an X server at ``DISPLAY`` (its socket,
then a real X connection through libxcb when it is there, so a refused connection is caught
too) or a Wayland compositor's socket at ``WAYLAND_DISPLAY``. Only Linux and the BSDs are
checked; elsewhere, and whenever ``QT_QPA_PLATFORM`` names a platform without a display server
(offscreen, vnc, eglfs...), Qt is left to it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import socket
import sys
import time
from collections.abc import Iterator, Mapping, MutableMapping
from pathlib import Path

NEEDS = "the app needs a desktop session. The command-line tools (qltimer --help) work without one."
X_DISPLAY = re.compile(r"^(?P<host>[^:]*):(?P<number>\d+)(?:\.\d+)?$")
TCP_WAIT = 3.0  # seconds for an X server over the network to answer
X_RETRY = (0.1, 0.4)  # seconds before asking an X server that said no again
_held: dict[str, tuple[ctypes.CDLL, int]] = {}  # X connections open until release()


def display_problem(environ: MutableMapping[str, str] | None = None) -> str | None:
    """None when the window can open; else one plain line saying why not.

    The variables are read from *environ* (``os.environ`` by default), except XAUTHORITY,
    which libxcb reads from the process's own. When only a Wayland compositor answers and
    ``QT_QPA_PLATFORM`` is unset, it is set to ``wayland`` in *environ*: Qt could otherwise
    try X and abort.
    """
    env = os.environ if environ is None else environ
    if sys.platform in ("win32", "darwin", "cygwin"):
        return None
    wanted = _platforms(env.get("QT_QPA_PLATFORM", ""))
    if wanted is None:
        return None
    reasons = []
    if "wayland" in wanted:
        why = _wayland_problem(env)
        if why is None:
            if not env.get("QT_QPA_PLATFORM") and _x_problem(env) is not None:
                env["QT_QPA_PLATFORM"] = "wayland"
            return None
        reasons.append(why)
    if "xcb" in wanted:
        why = _x_problem(env)
        if why is None:
            return None
        reasons.insert(0, why)
    unset = [r.split()[0] for r in reasons if r.endswith(" is unset")]
    if len(unset) == len(reasons):
        names = f"{' and '.join(unset)} {'are' if len(unset) > 1 else 'is'} unset"
        return f"no graphical display found ({names}); {NEEDS}"
    found = "; ".join(r for r in reasons if not r.endswith(" is unset"))
    return f"can't open the window: {found}; {NEEDS}"


def _platforms(value: str) -> set[str] | None:
    """The display servers QT_QPA_PLATFORM lets Qt try ("xcb", "wayland"); None when it names
    another kind of platform, which this module does not judge."""
    if not value.strip():
        return {"xcb", "wayland"}
    found = set()
    for name in value.split(";"):
        name = name.split(":")[0].strip()
        if name == "xcb":
            found.add("xcb")
        elif name.startswith("wayland"):
            found.add("wayland")
        elif name:
            return None
    return found or {"xcb", "wayland"}


def _x_problem(env: Mapping[str, str]) -> str | None:
    display = env.get("DISPLAY", "")
    if not display:
        return "DISPLAY is unset"
    match = X_DISPLAY.match(display)
    if match is None:
        return f"DISPLAY={display} is not an X display name (like :0)"
    host, number = match["host"], int(match["number"])
    if not _x_answers(host, number):
        return f"no X server answers at DISPLAY={display}"
    if display in _held or not _xcb_refuses(display):
        return None
    return f"the X server at DISPLAY={display} refused the connection (is XAUTHORITY right?)"


def _x_answers(host: str, number: int) -> bool:
    if host in ("", "unix"):
        # As libxcb does: the abstract socket (Linux) first, then the one in /tmp/.X11-unix.
        path = f"/tmp/.X11-unix/X{number}"
        names = [f"\0{path}", path] if sys.platform.startswith("linux") else [path]
        return any(_connects(socket.AF_UNIX, name) for name in names)
    if host.startswith("/"):
        return _connects(socket.AF_UNIX, f"{host}:{number}")
    try:
        with socket.create_connection((host, 6000 + number), timeout=TCP_WAIT):
            return True
    except OSError:
        return False


def _connects(family: int, address: str) -> bool:
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(TCP_WAIT)
        try:
            sock.connect(address)
        except OSError:
            return False
    return True


def _xcb_refuses(display: str) -> bool:
    """True when libxcb, as Qt uses it, can't connect (the server said no: authorisation);
    False when it can, or when libxcb is not there to ask.

    A connection made is kept open until :func:`release`: an X server left with no client
    resets (Xvfb does), and while it resets it turns Qt away. A refusal is asked again after
    a moment, for the same reason: the last program to leave may have just set off a reset.
    """
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return False
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    for wait in (*X_RETRY, None):
        with _quiet_stderr():  # libxcb prints the server's refusal there itself
            connection = xcb.xcb_connect(display.encode(), None)
        if not xcb.xcb_connection_has_error(connection):
            _held[display] = (xcb, connection)
            return False
        xcb.xcb_disconnect(connection)
        if wait is not None:
            time.sleep(wait)
    return True


def release() -> None:
    """Close the X connection :func:`display_problem` kept open; for once Qt has its own."""
    while _held:
        xcb, connection = _held.popitem()[1]
        xcb.xcb_disconnect(connection)


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """File descriptor 2 to /dev/null for a while (what C code writes goes there too)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _wayland_problem(env: Mapping[str, str]) -> str | None:
    if env.get("WAYLAND_SOCKET"):
        return None  # a connection handed over by whoever started us
    name = env.get("WAYLAND_DISPLAY", "")
    if not name:
        return "WAYLAND_DISPLAY is unset"
    path = Path(env.get("XDG_RUNTIME_DIR", "")) / name  # an absolute name stands as it is
    if not path.is_absolute() or not _connects(socket.AF_UNIX, str(path)):
        return f"no Wayland compositor answers at WAYLAND_DISPLAY={name}"
    return None
