#!/bin/sh
# Install the system packages qltimer needs on Debian/Ubuntu, but only those that are missing.
# Used by `make run` and `make test`; safe to run again (it does nothing when all is present).
#   scripts/system-deps.sh          runtime + build needs (ALSA headers, compiler, Qt's X11 libs,
#                                   and what QtMultimedia needs for the camera form check)
#   scripts/system-deps.sh --test   also what the end-to-end tests use (Xvfb, xdotool, and
#                                   Openbox to frame windows as a desktop would) and the
#                                   validators of the desktop entry and AppStream metadata
set -eu

PY=${PYTHON:-python3}

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: not a Debian/Ubuntu system; see README 'Other platforms' for what to install." >&2
    exit 0
fi

# Each entry is one need; "a|b" means either package satisfies it (Ubuntu 24.04 renamed some
# libraries with a t64 suffix).
needs="
gcc
libc6-dev
libasound2-dev
libegl1
libgl1
libfontconfig1
libfreetype6
libglib2.0-0t64|libglib2.0-0
libdbus-1-3
libx11-xcb1
libxkbcommon0
libxkbcommon-x11-0
libxcb-cursor0
libxcb-icccm4
libxcb-image0
libxcb-keysyms1
libxcb-randr0
libxcb-render-util0
libxcb-shape0
libxcb-xfixes0
libxcb-xinerama0
libxcb-xkb1
fonts-dejavu-core
flite
libpulse0
libxext6
libxrandr2
libdrm2
libgssapi-krb5-2
libbrotli1
"
if [ "${1:-}" = "--test" ]; then
    needs="$needs
xvfb
xauth
xdotool
openbox
dbus-daemon|dbus
poppler-utils
libfaketime
desktop-file-utils
appstream
"
fi

# Python's own pieces, only when the interpreter in use lacks them (a pyenv or self-built Python
# brings its own; Debian's python3 splits them out).
if ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    ver=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    needs="$needs
python$ver-venv|python3-venv"
fi
if ! "$PY" -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' >/dev/null 2>&1; then
    needs="$needs
python3-dev"
fi

installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

missing=""
for need in $needs; do
    ok=0
    for alt in $(echo "$need" | tr '|' ' '); do
        if installed "$alt"; then ok=1; break; fi
    done
    [ $ok -eq 1 ] || missing="$missing $need"
done

[ -n "$missing" ] || exit 0

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "system-deps: installing missing packages:$missing"
$SUDO apt-get update -qq
pkgs=""
for need in $missing; do
    choice=""
    for alt in $(echo "$need" | tr '|' ' '); do
        if apt-cache show "$alt" >/dev/null 2>&1; then choice=$alt; break; fi
    done
    [ -n "$choice" ] || { echo "system-deps: no package found for $need" >&2; exit 1; }
    pkgs="$pkgs $choice"
done
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $pkgs
