"""grab_window.py WINDOW_ID OUT.png: save what the X server shows of a window (another process's).

Run by the end-to-end tests with DISPLAY set to their virtual screen.
"""

import sys

from PySide6.QtGui import QGuiApplication

app = QGuiApplication(sys.argv[:1])
screen = app.primaryScreen()
picture = screen.grabWindow(int(sys.argv[1]))
if picture.isNull() or not picture.save(sys.argv[2]):
    sys.exit(f"could not grab window {sys.argv[1]}")
