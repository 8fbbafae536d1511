"""Keep the screen awake while a session runs.

Linux: ``org.freedesktop.ScreenSaver.Inhibit`` on the session bus (QtDBus), over a private
connection of our own. Release calls ``UnInhibit`` and then closes that connection: the spec ends an
inhibition when its caller leaves the bus, and PySide6 cannot send the uint32 cookie that
``UnInhibit(u)`` wants (it sends an int32), so closing the connection is what reliably releases it.
Windows: ``SetThreadExecutionState``. Where neither is there (no session bus, no
such service, another system), it carries on quietly: ``active`` stays False and ``why_not`` says
why, for the log, never for a dialog.
"""

from __future__ import annotations

import sys

SERVICE = "org.freedesktop.ScreenSaver"
PATHS = ("/org/freedesktop/ScreenSaver", "/ScreenSaver")
REASON = "An exercise session is running"
CONNECTION = "qltimer-inhibit"

_ES_CONTINUOUS = 0x80000000
_ES_SYSTEM_REQUIRED = 0x00000001
_ES_DISPLAY_REQUIRED = 0x00000002


class ScreenInhibitor:
    def __init__(self, app_name: str = "qltimer") -> None:
        self.app_name = app_name
        self.active = False
        self.why_not = ""
        self._cookie: int | None = None
        self._path = ""
        self.bus_name = ""  # our private connection's unique name, while inhibiting

    def inhibit(self) -> None:
        if self.active:
            return
        if sys.platform == "win32":
            self.active = self._windows(_ES_CONTINUOUS | _ES_SYSTEM_REQUIRED | _ES_DISPLAY_REQUIRED)
            return
        self.active = self._dbus_inhibit()

    def release(self) -> None:
        if not self.active:
            return
        if sys.platform == "win32":
            self._windows(_ES_CONTINUOUS)
        else:
            self._dbus_release()
        self.active = False

    # -- Windows -------------------------------------------------------------------------------
    def _windows(self, flags: int) -> bool:
        try:
            import ctypes

            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            return bool(kernel32.SetThreadExecutionState(flags))
        except (AttributeError, OSError) as err:
            self.why_not = f"SetThreadExecutionState failed: {err}"
            return False

    # -- D-Bus ---------------------------------------------------------------------------------
    def _dbus_inhibit(self) -> bool:
        try:
            from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusMessage
        except ImportError as err:
            self.why_not = f"QtDBus is not available: {err}"
            return False
        bus = QDBusConnection.connectToBus(QDBusConnection.BusType.SessionBus, CONNECTION)
        if not bus.isConnected():
            self.why_not = "no D-Bus session bus"
            QDBusConnection.disconnectFromBus(CONNECTION)
            return False
        for path in PATHS:
            iface = QDBusInterface(SERVICE, path, SERVICE, bus)
            if not iface.isValid():
                continue
            reply = iface.call("Inhibit", self.app_name, REASON)
            if reply.type() == QDBusMessage.MessageType.ReplyMessage and reply.arguments():
                self._cookie = int(reply.arguments()[0])
                self._path = path
                self.bus_name = bus.baseService()
                return True
            self.why_not = reply.errorMessage() or "Inhibit gave no cookie"
        self.why_not = self.why_not or f"no {SERVICE} service on the session bus"
        QDBusConnection.disconnectFromBus(CONNECTION)
        return False

    def _dbus_release(self) -> None:
        from PySide6.QtDBus import QDBusConnection, QDBusInterface

        if self._cookie is not None:
            bus = QDBusConnection(CONNECTION)
            iface = QDBusInterface(SERVICE, self._path, SERVICE, bus)
            if iface.isValid():
                iface.call("UnInhibit", self._cookie)
            del iface, bus
        self._cookie = None
        QDBusConnection.disconnectFromBus(CONNECTION)
