"""Qt stays inside qltimer/gui: the core runs and tests without a display."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def qt_imports(path: str) -> list[str]:
    tree = ast.parse((REPO / path).read_text(), filename=path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        found += [n for n in names if n.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}]
    return found


def test_no_qt_import_outside_gui() -> None:
    core = [
        p.relative_to(REPO).as_posix()
        for p in (REPO / "qltimer").rglob("*.py")
        if "gui" not in p.relative_to(REPO / "qltimer").parts
    ]
    assert "qltimer/engine.py" in core
    leaks = {path: qt_imports(path) for path in core if qt_imports(path)}
    assert leaks == {}


def test_the_check_itself_sees_a_qt_import() -> None:
    assert qt_imports("qltimer/gui/app.py")


# -- the layers: command line -> window -> core, checked by import-linter ------------------------

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's contract from pyproject.toml, over the package found under ``root``."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "--config", str(REPO / "pyproject.toml")],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_layers_point_one_way() -> None:
    run = lint_imports(REPO)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        (
            "gui/home.py",
            "from qltimer.cli import main",
            "qltimer.gui.home -> qltimer.cli",
        ),
        (
            "engine.py",
            "import qltimer.gui.theme",
            "qltimer.engine -> qltimer.gui.theme",
        ),
    ],
)
def test_the_contract_sees_an_import_the_wrong_way(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    shutil.copytree(
        REPO / "qltimer", tmp_path / "qltimer", ignore=shutil.ignore_patterns("__pycache__")
    )
    target = tmp_path / "qltimer" / module
    target.write_text(target.read_text() + f"\n\ndef _wrong_way() -> None:\n    {line}\n")
    run = lint_imports(tmp_path)
    assert run.returncode != 0
    assert broken in run.stdout


def test_every_module_sits_in_a_layer(tmp_path: Path) -> None:
    """The contract is exhaustive: a new core module left out of pyproject.toml breaks it."""
    shutil.copytree(
        REPO / "qltimer", tmp_path / "qltimer", ignore=shutil.ignore_patterns("__pycache__")
    )
    (tmp_path / "qltimer" / "newcomer.py").write_text('"""A module nobody placed."""\n')
    run = lint_imports(tmp_path)
    assert run.returncode != 0
    assert "qltimer.newcomer" in run.stdout
