"""Where qltimer keeps things: bundled resources and the user's data folder.

Bundled resources (``assets/`` and ``sessions/``) sit at the top of the repository in a checkout
and inside the package in an installed wheel (``pyproject.toml`` maps them there); both are found
by the one function :func:`resource_dir`. The user's data folder comes from platformdirs (so
``XDG_DATA_HOME`` works on Linux) unless ``QLTIMER_DATA_DIR`` names another.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "qltimer"
DATA_DIR_ENV = "QLTIMER_DATA_DIR"

_PACKAGE_DIR = Path(__file__).resolve().parent


class ResourceMissingError(RuntimeError):
    """A bundled folder is absent: the installation is broken, not the user's data."""


def resource_dir(name: str) -> Path:
    """The bundled folder *name* (``"assets"`` or ``"sessions"``), from a wheel or a checkout."""
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise ResourceMissingError(
        f"qltimer's bundled '{name}' folder is missing (looked in {_PACKAGE_DIR} and its parent); "
        "reinstall qltimer."
    )


def builtin_sessions_dir() -> Path:
    return resource_dir("sessions")


def assets_dir() -> Path:
    return resource_dir("assets")


def data_dir() -> Path:
    """The user's data folder (history, their own sessions). Not created here."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser().absolute()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def pin_data_dir() -> None:
    """Make a relative ``QLTIMER_DATA_DIR`` absolute, from the folder qltimer was started in, so
    every later use (and every child process) means the same folder."""
    if os.environ.get(DATA_DIR_ENV):
        os.environ[DATA_DIR_ENV] = str(data_dir())


def user_sessions_dir() -> Path:
    """Where a person puts session files of their own; they are listed beside the built-in ones."""
    return data_dir() / "sessions"
