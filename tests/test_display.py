"""With no display to open on, `qltimer` says so in one plain line and exits 1, where Qt would
print several misleading ones ("xcb-cursor0 is needed", "Reinstalling ... may fix this") and
abort. The report, which opens no window, is made all the same."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qltimer.display import NEEDS, display_problem
from tests.apprun import acknowledge_safety, wait_for
from tests.conftest import REPO

TINY = REPO / "tests" / "data" / "tiny.toml"
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND", "QT_QPA", "XAUTHORITY", "XDG_SESSION_TYPE")
NOBODY = ":999"  # a display number nothing listens on
NO_DISPLAY = (
    "qltimer: no graphical display found (DISPLAY and WAYLAND_DISPLAY are unset); the app needs "
    "a desktop session. The command-line tools (qltimer --help) work without one."
)


def bare_env(data: Path, **extra: str) -> dict[str, str]:
    """This environment without any display, plus *extra*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(DISPLAY_VARIABLES)}
    env.update(QLTIMER_DATA_DIR=str(data), PYTHONPATH=str(REPO), **extra)
    return env


def qltimer(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qltimer", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def said_once(done: subprocess.CompletedProcess[str]) -> str:
    """The one line the app said on stderr, after checking it said just that and exited 1."""
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert done.stderr.count("\n") == 1 and done.stderr.endswith("\n"), done.stderr
    assert "Reinstalling" not in done.stderr and "xcb-cursor0" not in done.stderr
    assert done.stdout == ""
    return done.stderr.rstrip("\n")


@pytest.fixture
def nobody() -> str:
    if Path(f"/tmp/.X11-unix/X{NOBODY[1:]}").exists():
        pytest.skip(f"an X server is at {NOBODY} here")
    return NOBODY


@pytest.mark.parametrize("args", [[], ["run", str(TINY)], ["run", str(TINY), "--pain", "2"]])
def test_no_display_at_all_is_said_in_one_line(tmp_path: Path, args: list[str]) -> None:
    acknowledge_safety(tmp_path)
    assert said_once(qltimer(args, bare_env(tmp_path))) == NO_DISPLAY
    assert not (tmp_path / "history.sqlite3").exists(), "nothing was started"


@pytest.mark.parametrize("args", [[], ["run", str(TINY)]])
def test_a_display_with_nothing_there_is_said_in_one_line(
    tmp_path: Path, nobody: str, args: list[str]
) -> None:
    line = said_once(qltimer(args, bare_env(tmp_path, DISPLAY=nobody)))
    assert (
        line == f"qltimer: can't open the window: no X server answers at DISPLAY={nobody}; {NEEDS}"
    )


def test_a_wayland_socket_with_nothing_there_is_said_in_one_line(tmp_path: Path) -> None:
    env = bare_env(tmp_path, WAYLAND_DISPLAY="wayland-7", XDG_RUNTIME_DIR=str(tmp_path))
    line = said_once(qltimer([], env))
    assert "no Wayland compositor answers at WAYLAND_DISPLAY=wayland-7" in line


@pytest.fixture
def guarded_x(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real X server (Xvfb) that lets in only those with its cookie: its display, and an
    XAUTHORITY file holding the cookie."""
    if shutil.which("xauth") is None:
        pytest.skip("needs xauth")
    cookie = os.urandom(16).hex()
    server, client = tmp_path / "server-auth", tmp_path / "client-auth"
    xauth = ["xauth", "-q", "-f"]
    subprocess.run([*xauth, str(server), "add", ":0", ".", cookie], check=True)
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-auth", str(server), "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            display = f":{pipe.readline().strip()}"
        assert display != ":", "Xvfb did not start"
        subprocess.run([*xauth, str(client), "add", display, ".", cookie], check=True)
        yield display, client
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_an_x_server_that_refuses_us_is_said_in_one_line(
    tmp_path: Path, guarded_x: tuple[str, Path]
) -> None:
    display, cookie = guarded_x
    wrong = tmp_path / "no-cookie"
    wrong.write_bytes(b"")
    line = said_once(qltimer([], bare_env(tmp_path, DISPLAY=display, XAUTHORITY=str(wrong))))
    assert line == (
        f"qltimer: can't open the window: the X server at DISPLAY={display} refused the "
        f"connection (is XAUTHORITY right?); {NEEDS}"
    )
    # With the cookie the app opens there (and a SIGTERM closes it again).
    acknowledge_safety(tmp_path)
    env = bare_env(tmp_path, DISPLAY=display, XAUTHORITY=str(cookie), QT_QPA_PLATFORM="xcb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "qltimer"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(lambda: (tmp_path / "history.sqlite3").exists(), 60, "the app to start")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert "can't open the window" not in err and "Traceback" not in err, err


def test_platforms_without_a_display_server_are_left_to_qt() -> None:
    for name in ("offscreen", "minimal", "vnc", "eglfs", "offscreen:fontengine=freetype"):
        assert display_problem({"QT_QPA_PLATFORM": name}) is None, name
    asked_for_x = display_problem({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"})
    assert asked_for_x == f"no graphical display found (DISPLAY is unset); {NEEDS}"


def test_the_report_needs_no_display(tmp_path: Path, nobody: str) -> None:
    for env in (bare_env(tmp_path), bare_env(tmp_path, DISPLAY=nobody)):
        out = tmp_path / "report.pdf"
        done = qltimer(["report", "-o", str(out)], env)
        assert done.returncode == 0, done.stderr
        assert out.read_bytes().startswith(b"%PDF-")
        out.unlink()
