"""A wheel installed in a fresh virtual environment finds its sessions and assets."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


def run(*cmd: str | Path, cwd: Path | None = None, **extra: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(extra)
    done = subprocess.run(
        [str(c) for c in cmd],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_wheel_carries_sessions_and_assets_and_runs_from_a_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        dist,
        REPO,
    )
    (wheel,) = dist.glob("qltimer-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "qltimer/sessions/ql-level-1.toml" in names
    assert "qltimer/assets/qltimer.svg" in names
    assert "qltimer/assets/qltimer.desktop" in names
    assert "qltimer/assets/qltimer.metainfo.xml" in names
    assert not any(n.startswith(("tests/", "sessions/", "assets/")) for n in names)

    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    # Only the pieces the text commands need: the GUI's PySide6 is proved by the main venv.
    run(py, "-m", "pip", "install", "-q", "--no-deps", wheel, "platformdirs")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run(
        py,
        "-c",
        "from qltimer import paths; print(paths.builtin_sessions_dir()); print(paths.assets_dir())",
        cwd=elsewhere,
    ).split()
    assert all(str(env_dir) in w for w in where), where
    listed = run(env_dir / "bin" / "qltimer", "list", cwd=elsewhere)
    assert len(listed.splitlines()) == 10
    assert "ql-level-1" in listed

    # The menu entry from an installed wheel starts that installation's command.
    xdg = tmp_path / "xdg"
    run(env_dir / "bin" / "qltimer", "--install-desktop", cwd=elsewhere, XDG_DATA_HOME=str(xdg))
    for name in ("io.github.qltimer.qltimer.svg", "io.github.qltimer.qltimer.metainfo.xml"):
        assert next(xdg.rglob(name)).stat().st_size > 0
    entry = (xdg / "applications" / "io.github.qltimer.qltimer.desktop").read_text()
    assert f"\nExec={env_dir}/bin/qltimer\n" in entry
