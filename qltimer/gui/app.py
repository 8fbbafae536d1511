"""Application wiring: the QApplication, the main window, and the last-resort error dialog."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QStackedWidget, QWidget

from qltimer import __version__, paths
from qltimer.catalog import Catalog, load_catalog
from qltimer.gui.home import HomeView

STYLE = """
QWidget { font-size: 15pt; }
QLabel#heading { font-size: 24pt; font-weight: 600; margin-bottom: 8px; }
QLabel#previewTitle { font-size: 22pt; font-weight: 600; }
QLabel#previewMeta { font-size: 14pt; }
QLabel#notice { background: palette(alternate-base); border-left: 6px solid #c77700;
                padding: 8px 12px; }
"""


class MainWindow(QMainWindow):
    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("qltimer")
        self.catalog = catalog
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.home = HomeView(catalog)
        self.stack.addWidget(self.home)
        self.resize(1280, 800)


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """Show an unexpected error instead of vanishing; PySide6 re-raises slot errors here."""
    text = "".join(traceback.format_exception(kind, value, tb))
    sys.stderr.write(text)
    app = QApplication.instance()
    if app is not None:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "qltimer: unexpected error",
            f"Something went wrong inside qltimer ({kind.__name__}: {value}).\n\n"
            "Your finished exercises are kept. The details below help us fix it.",
        )
        box.setDetailedText(text)
        box.exec()


def make_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("qltimer")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("qltimer")
    icon = paths.assets_dir() / "qltimer.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    app.setStyleSheet(STYLE)
    return app


def run_app() -> int:
    app = make_app()
    sys.excepthook = _excepthook
    window = MainWindow(load_catalog())
    window.show()
    return app.exec()
