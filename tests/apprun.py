"""Running the real app in another process, the way a person starts it.

The app gets its own HOME (so ALSA reads our ``.asoundrc``) and data folder. On a virtual X
display (:class:`Xvfb`) it is driven with the keyboard through xdotool, which types with XTEST
like a real keyboard; windows are found by title, which follows the session's phase.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import REPO

CAPTURE_RC = """\
pcm.!default {{
    type file
    slave.pcm "null"
    file "|cat >> {capture}"
    format "raw"
}}
"""
NO_DEVICE_RC = "pcm.!default { type hw; card 97 }\n"


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """The real ``qltimer`` command in a child process: this environment plus *env*, with the
    checkout first on the path; output decoded as UTF-8 with what can't be replaced."""
    return subprocess.run(
        [sys.executable, "-m", "qltimer", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        timeout=timeout,
        check=False,
    )


def wait_for(test: Callable[[], object], timeout: float, what: str, every: float = 0.05) -> None:
    """Poll *test* (files or windows of another process; no Qt in this process) until true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if test():
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def app_env(home: Path, data: Path, display: str | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DBUS_", "DISPLAY", "WAYLAND", "QT_QPA", "XAUTHORITY"))
    }
    env.update(HOME=str(home), QLTIMER_DATA_DIR=str(data), PYTHONPATH=str(REPO))
    if display is None:
        env["QT_QPA_PLATFORM"] = "offscreen"
    else:
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    return env


def acknowledge_safety(data: Path) -> None:
    """As if the person had read the first-run safety advice before."""
    data.mkdir(parents=True, exist_ok=True)
    (data / "settings.json").write_text(json.dumps({"safety_acknowledged": True}))


def start_app(
    args: list[str],
    home: Path,
    data: Path,
    *,
    display: str | None = None,
    asoundrc: str = NO_DEVICE_RC,
    cwd: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> subprocess.Popen[str]:
    home.mkdir(parents=True, exist_ok=True)
    (home / ".asoundrc").write_text(asoundrc)
    return subprocess.Popen(
        [sys.executable, "-m", "qltimer", *args],
        env={**app_env(home, data, display), **(extra_env or {})},
        cwd=cwd or home,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(proc: subprocess.Popen[str]) -> str:
    """End the app (if still running) and return what it wrote to stderr."""
    if proc.poll() is None:
        proc.terminate()
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err


def history_json(data: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "qltimer", "history", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "QLTIMER_DATA_DIR": str(data), "PYTHONPATH": str(REPO)},
        timeout=60,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def history_rows(data: Path) -> list[dict[str, object]]:
    rows = history_json(data)["rows"]
    assert isinstance(rows, list)
    return rows


# -- a virtual X display ---------------------------------------------------------------------


class Xvfb:
    """A virtual X display with the given screen size, started and stopped by the test."""

    def __init__(self, width: int = 1280, height: int = 800) -> None:
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write),
                "-screen",
                "0",
                f"{width}x{height}x24",
                "-nolisten",
                "tcp",
            ],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            err = self.proc.stderr.read().decode() if self.proc.stderr else ""
            raise RuntimeError(f"Xvfb did not start: {err[-500:]}")
        self.display = f":{number}"

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        if self.proc.stderr is not None:
            self.proc.stderr.close()

    def xdotool(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["xdotool", *args],
            capture_output=True,
            text=True,
            env={**os.environ, "DISPLAY": self.display},
            timeout=30,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"xdotool {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout.strip()

    def window(self, title: str, timeout: float = 30) -> str:
        """The id of the visible window whose title matches the regular expression *title*."""
        found: list[str] = []

        def look() -> bool:
            out = self.xdotool("search", "--onlyvisible", "--name", title, check=False)
            found[:] = out.split()
            return bool(found)

        wait_for(look, timeout, f"a window titled {title!r}")
        return found[0]

    def title(self, window: str) -> str:
        return self.xdotool("getwindowname", window, check=False)

    def key(self, window: str, *keys: str) -> None:
        """Type *keys* into *window* (given the keyboard focus first), as a keyboard would."""
        self.xdotool("windowfocus", "--sync", window)
        self.xdotool("key", "--clearmodifiers", *keys)

    def grab(self, window: str, target: Path) -> Path:
        """A PNG of *window* as the X server has it, taken by another process."""
        subprocess.run(
            [sys.executable, str(REPO / "tests" / "grab_window.py"), window, str(target)],
            env={**app_env(Path.home(), Path("/nonexistent"), self.display)},
            timeout=60,
            check=True,
        )
        return target


@contextmanager
def xvfb(width: int = 1280, height: int = 800) -> Iterator[Xvfb]:
    display = Xvfb(width, height)
    try:
        yield display
    finally:
        display.close()


def kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL: no clean-up of any kind, as in a crash or a power cut."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
