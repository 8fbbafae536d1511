"""A stand-in org.freedesktop.ScreenSaver for tests, behaving like the real ones.

Run on a private session bus (dbus-run-session). Prints one line per event:
READY; INHIBIT <cookie> <app>; UNINHIBIT <cookie>; GONE <name> for every connection that leaves
the bus (real services end a caller's inhibitions when it leaves). Like them, UnInhibit takes only
a uint32 cookie.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import SLOT, ClassInfo, QCoreApplication, QObject, Slot
from PySide6.QtDBus import QDBusConnection

BUS = QDBusConnection.sessionBus()


@ClassInfo({"D-Bus Interface": "org.freedesktop.ScreenSaver"})
class ScreenSaver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.cookie = 100

    @Slot(str, str, result="uint")
    def Inhibit(self, app: str, reason: str) -> int:
        self.cookie += 1
        print(f"INHIBIT {self.cookie} {app}: {reason}", flush=True)
        return self.cookie

    @Slot("uint")
    def UnInhibit(self, cookie: int) -> None:
        print(f"UNINHIBIT {cookie}", flush=True)

    @Slot(str, str, str)
    def on_owner_changed(self, name: str, old: str, new: str) -> None:
        if name.startswith(":") and old and not new:
            print(f"GONE {name}", flush=True)


def main() -> None:
    app = QCoreApplication([])
    service = ScreenSaver()
    assert BUS.registerService("org.freedesktop.ScreenSaver")
    flags = QDBusConnection.RegisterOption.ExportAllSlots
    assert BUS.registerObject("/org/freedesktop/ScreenSaver", service, flags)
    assert BUS.connect(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus",
        "NameOwnerChanged",
        service,
        SLOT("on_owner_changed(QString,QString,QString)"),
    )
    print("READY", flush=True)
    app.exec()


if __name__ == "__main__":
    main()
