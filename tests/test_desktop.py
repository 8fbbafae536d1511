"""`qltimer --install-desktop` and `--uninstall-desktop`, run for real, with the desktop's own
validators (desktop-file-validate, appstreamcli) judging what they write."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from qltimer import __version__
from qltimer.desktop import APP_ID, PARTS, desktop_entry, exec_argument
from tests.apprun import run_cli
from tests.conftest import REPO

ENTRY = f"applications/{APP_ID}.desktop"
ICON = f"icons/hicolor/scalable/apps/{APP_ID}.svg"
METAINFO = f"metainfo/{APP_ID}.metainfo.xml"
OURS = (ENTRY, ICON, METAINFO)


def tool(name: str, package: str) -> str:
    """The validator *name*; missing, the test fails (CI installs it), naming its package."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(
            f"{name} is not installed: install the Debian package {package} "
            "(sh scripts/system-deps.sh --test does)"
        )
    return found


def test_a_missing_validator_fails_the_test_naming_its_package() -> None:
    with pytest.raises(pytest.fail.Exception, match="the Debian package no-such-package"):
        tool("no-such-validator", "no-such-package")


def validated(*cmd: str) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    return out


def desktop_file_validate(path: Path) -> str:
    out = validated(tool("desktop-file-validate", "desktop-file-utils"), str(path))
    problems = [line for line in out.splitlines() if "error:" in line or "warning:" in line]
    assert problems == [], out
    return out


def appstream_validate(*args: str) -> str:
    out = validated(tool("appstreamcli", "appstream"), *args)
    assert "Validation was successful" in out, out
    assert not any(line.lstrip().startswith(("E:", "W:")) for line in out.splitlines()), out
    return out


def qltimer(xdg: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env={"XDG_DATA_HOME": str(xdg)})


def entry_keys(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if "=" in line)


def exec_args(value: str) -> list[str]:
    """An Exec value split as the Desktop Entry spec says: string escapes, then quoting, then
    %% (the test's own reading, independent of qltimer's writing)."""
    unescaped, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            unescaped.append(
                {"s": " ", "n": "\n", "t": "\t", "r": "\r"}.get(value[i + 1], value[i + 1])
            )
            i += 2
        else:
            unescaped.append(value[i])
            i += 1
    text = "".join(unescaped)
    args, current, quoted, i = [], "", False, 0
    while i < len(text):
        ch = text[i]
        if quoted and ch == "\\" and i + 1 < len(text) and text[i + 1] in '"`$\\':
            current += text[i + 1]
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif ch == " " and not quoted:
            if current:
                args.append(current)
            current = ""
        else:
            current += ch
        i += 1
    assert not quoted, value
    args.append(current)
    return [a.replace("%%", "%") for a in args]


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_install_writes_three_files_the_validators_accept(tmp_path: Path) -> None:
    root = tmp_path / "root"
    xdg = root / "usr" / "share"  # so appstreamcli validate-tree sees it as an install tree
    done = qltimer(xdg, "--install-desktop")
    assert done.returncode == 0, done.stderr
    for name in OURS:
        assert (xdg / name).is_file(), name
        assert str(xdg / name) in done.stdout
    assert "--uninstall-desktop" in done.stdout
    print(desktop_file_validate(xdg / ENTRY))
    print(appstream_validate("validate", "--no-net", str(xdg / METAINFO)))
    # The metadata's launchable finds the entry, and the entry's icon is there.
    print(appstream_validate("validate-tree", "--no-net", str(root)))

    keys = entry_keys(xdg / ENTRY)
    assert keys["Icon"] == APP_ID and keys["StartupWMClass"] == "qltimer"
    (command,) = exec_args(keys["Exec"])
    assert Path(command).is_absolute() and os.access(command, os.X_OK)
    assert keys["TryExec"] == command
    assert Path(command) == Path(sys.executable).parent / "qltimer"  # this venv's console script
    version = subprocess.run(
        [command, "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    assert version.stdout.strip() == f"qltimer {__version__}"
    assert (xdg / ICON).read_bytes() == (REPO / "assets" / "qltimer.svg").read_bytes()


def test_metainfo_names_the_same_id_and_this_version() -> None:
    tree = ET.parse(REPO / "assets" / "qltimer.metainfo.xml").getroot()
    assert tree.get("type") == "desktop-application"
    assert tree.findtext("id") == APP_ID
    assert tree.findtext("launchable") == f"{APP_ID}.desktop"
    assert tree.findtext("provides/binary") == "qltimer"
    newest = tree.find("releases/release")
    assert newest is not None and newest.get("version") == __version__, (
        "add a <release> for the new version at the top of assets/qltimer.metainfo.xml"
    )
    license_line = next(
        line
        for line in (REPO / "pyproject.toml").read_text().splitlines()
        if line.startswith("license")
    )
    assert tree.findtext("project_license") == license_line.split('"')[1]


def test_the_templates_validate_as_they_are() -> None:
    desktop_file_validate(REPO / "assets" / "qltimer.desktop")
    appstream_validate("validate", "--no-net", str(REPO / "assets" / "qltimer.metainfo.xml"))


@pytest.mark.parametrize(
    "folder", ["with space", 'quote"and$dollar', "back\\slash", "100%", "it's (here)"]
)
def test_an_awkward_command_path_is_quoted_as_the_spec_says(tmp_path: Path, folder: str) -> None:
    command = tmp_path / folder / "bin" / "qltimer"
    entry = desktop_entry((REPO / "assets" / "qltimer.desktop").read_text(), command)
    path = tmp_path / f"{APP_ID}.desktop"
    path.write_text(entry, encoding="utf-8")
    desktop_file_validate(path)
    keys = entry_keys(path)
    assert exec_args(keys["Exec"]) == [str(command)]
    assert keys["TryExec"].replace("\\\\", "\\") == str(command)


def test_a_plain_path_is_left_unquoted() -> None:
    assert exec_argument("/home/me/.venv/bin/qltimer") == "/home/me/.venv/bin/qltimer"


def test_installing_twice_is_fine_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    first = qltimer(xdg, "--install-desktop")
    assert first.returncode == 0, first.stderr
    before = snapshot(xdg)
    second = qltimer(xdg, "--install-desktop")
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert snapshot(xdg) == before
    assert not [p for p in xdg.rglob("*") if p.name.endswith(".part")]


def test_uninstall_removes_exactly_its_files(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    others = {
        "applications/other.desktop": b"[Desktop Entry]\nType=Application\nName=x\nExec=x\n",
        "icons/hicolor/scalable/apps/other.svg": b"<svg/>",
        "metainfo/other.metainfo.xml": b"<component/>",
        f"applications/{APP_ID}.desktop.bak": b"the person's own copy",
    }
    for name, data in others.items():
        (xdg / name).parent.mkdir(parents=True, exist_ok=True)
        (xdg / name).write_bytes(data)
    assert qltimer(xdg, "--install-desktop").returncode == 0
    done = qltimer(xdg, "--uninstall-desktop")
    assert done.returncode == 0, done.stderr
    for name in OURS:
        assert not (xdg / name).exists(), name
        assert str(xdg / name) in done.stdout
    left = snapshot(xdg)
    left.pop("applications/mimeinfo.cache", None)  # update-desktop-database's, not ours
    assert left == others


def test_uninstall_with_nothing_installed_says_so(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    done = qltimer(xdg, "--uninstall-desktop")
    assert done.returncode == 0, done.stderr
    assert "was not in your application menu" in done.stdout
    assert "nothing was removed" in done.stdout
    assert not xdg.exists()


def test_a_data_folder_that_is_a_file_fails_in_one_plain_line(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    xdg.write_text("not a folder")
    done = qltimer(xdg, "--install-desktop")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("qltimer: can't make the folder")
    assert "part of that path is a file, not a folder" in done.stderr
    assert xdg.read_text() == "not a folder"


def run_read_only(folder: Path, xdg: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """qltimer *args* with *folder* read-only: by its mode, or for root (whom modes don't stop)
    as a read-only bind mount in a mount namespace of its own."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            return qltimer(xdg, *args)
        finally:
            folder.chmod(0o755)
    if shutil.which("unshare") is None:
        pytest.skip("root needs unshare to make a read-only folder")
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    done = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            script,
            "sh",
            str(folder),
            sys.executable,
            "-m",
            "qltimer",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO), "XDG_DATA_HOME": str(xdg)},
    )
    if "mount" in done.stderr and "qltimer:" not in done.stderr:
        pytest.skip(f"this machine can't make a read-only mount: {done.stderr.strip()}")
    return done


def test_a_read_only_folder_fails_in_one_plain_line_and_writes_nothing(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    xdg.mkdir()
    done = run_read_only(xdg, xdg, "--install-desktop")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"qltimer: can't make the folder {xdg}/"), done.stderr
    assert list(xdg.iterdir()) == []


def test_a_read_only_menu_folder_keeps_nothing_half_installed(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    (xdg / "applications").mkdir(parents=True)
    done = run_read_only(xdg / "applications", xdg, "--install-desktop")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"qltimer: can't write {xdg / ENTRY}: "), done.stderr
    assert done.stderr.rstrip().endswith("; nothing was installed")
    assert not (xdg / ICON).exists() and not (xdg / METAINFO).exists()


def test_uninstall_from_a_read_only_folder_fails_in_one_plain_line(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    assert qltimer(xdg, "--install-desktop").returncode == 0
    done = run_read_only(xdg / "applications", xdg, "--uninstall-desktop")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"qltimer: can't remove {xdg / ENTRY}: "), done.stderr
    assert done.stderr.rstrip().endswith("; nothing was removed")
    assert all((xdg / name).exists() for name in OURS)


def test_a_flag_with_a_command_is_a_usage_error(tmp_path: Path) -> None:
    done = qltimer(tmp_path / "xdg", "--install-desktop", "list")
    assert done.returncode == 2
    assert "without a command" in done.stderr
    assert not (tmp_path / "xdg").exists()


def test_the_parts_are_the_files_the_tests_check() -> None:
    assert sorted(part.relative for part in PARTS) == sorted(OURS)


def test_make_run_offers_the_menu_entry_once(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.fail("make is not installed: install the Debian package make")
    venv, xdg = tmp_path / "venv", tmp_path / "xdg"
    venv.mkdir()

    def offer() -> str:
        done = subprocess.run(
            [
                "make",
                "-s",
                "--no-print-directory",
                "-C",
                str(REPO),
                "desktop-offer",
                f"VENV={venv}",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "XDG_DATA_HOME": str(xdg)},
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert offer() == (
        f"qltimer is not in your application menu yet: run `{venv}/bin/qltimer "
        "--install-desktop` to add it.\n"
    )
    assert offer() == ""  # once
    (venv / ".desktop-offered").unlink()
    assert qltimer(xdg, "--install-desktop").returncode == 0
    assert offer() == ""  # installed: nothing to offer
    assert not (venv / ".desktop-offered").exists()
