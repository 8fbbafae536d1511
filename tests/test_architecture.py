"""Qt stays inside qltimer/gui: the core runs and tests without a display."""

from __future__ import annotations

import ast

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
