"""Command line: ``qltimer`` opens the window; sub-commands work without a display.

qltimer                     open the app
qltimer list                the sessions: id, title, estimated duration
qltimer validate PATH...    check session files; exit 1 if any has a problem
qltimer show SESSION        the timed plan of a session (an id or a file)
qltimer camera-check VIDEO  when the camera form check would have ended a hold on a recording
qltimer --install-desktop   put qltimer in the desktop's application menu (--uninstall-desktop)
"""

from __future__ import annotations

import argparse
import os
import shlex
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from qltimer import __version__, paths
from qltimer.catalog import load_catalog, resolve
from qltimer.display import display_problem
from qltimer.engine import PhaseKind, expand
from qltimer.files import WriteError, plain_error, replacing, shown_path
from qltimer.formats import format_clock, format_duration
from qltimer.history import (
    History,
    HistoryError,
    import_file,
    open_history,
    write_csv,
    write_json,
)
from qltimer.instance import InstanceLock
from qltimer.script import ScriptError, Session, load_session
from qltimer.words import side_label


def cmd_list(args: argparse.Namespace) -> int:
    catalog = load_catalog()
    for notice in catalog.notices:
        print(f"note: {notice}", file=sys.stderr)
    for problem in catalog.problems:
        print(problem, file=sys.stderr)
    rows = [
        (s.id, s.title, "~" + format_duration(expand(s).total_estimate))
        for s in catalog.sessions.values()
    ]
    width = max((len(r[0]) for r in rows), default=0)
    for sid, title, duration in rows:
        print(f"{sid:<{width}}  {duration:>8}  {title}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    bad = 0
    for name in args.paths:
        try:
            session = load_session(Path(name))
        except ScriptError as err:
            bad += 1
            for problem in err.problems:
                print(problem, file=sys.stderr)
            continue
        plan = expand(session)
        steps = len(session.steps)
        print(
            f"{name}: ok ({steps} step{'s' if steps != 1 else ''}, about "
            f"{format_duration(plan.total_estimate)})"
        )
    if bad:
        print(f"{bad} of {len(args.paths)} files have problems", file=sys.stderr)
    return 1 if bad else 0


def _session_or_say(key: str) -> Session | None:
    """The session *key* names (an id or a file), or None after saying why on stderr."""
    try:
        return resolve(load_catalog(), key)
    except ScriptError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
    except KeyError as err:
        print(err.args[0], file=sys.stderr)
    return None


def cmd_run(args: argparse.Namespace) -> int:
    session = _session_or_say(args.session)
    if session is None:
        return 1
    if not _display_or_say():
        return 1
    from qltimer.gui.app import run_app  # Qt only when a window is wanted

    if args.pain is None and not args.sore:
        return int(run_app(start=session))  # asked on screen, as Start does
    return int(run_app(start=session, answers=(args.pain, args.sore)))


def _display_or_say() -> bool:
    """True when the window can open; else False after saying why in one line (Qt would
    print several misleading ones and abort)."""
    problem = display_problem()
    if problem is not None:
        print(f"qltimer: {problem}", file=sys.stderr)
    return problem is None


def _pain_score(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError(f"pain is a whole number from 0 to 10, not {text!r}")
    return value


def cmd_show(args: argparse.Namespace) -> int:
    session = _session_or_say(args.session)
    if session is None:
        return 1
    plan = expand(session)
    print(
        f"{session.title}  ({session.level_label or 'no phase'}; about "
        f"{format_clock(plan.total_estimate)})"
    )
    t = 0.0
    for phase in plan.phases:
        side = f" - {side_label(phase.step.kind, phase.side)}" if phase.side else ""
        sets = f" - set {phase.set_number} of {phase.step.sets}" if phase.step.sets > 1 else ""
        what = phase.step.name if phase.kind is PhaseKind.WORK else f"({phase.kind.value})"
        length = format_clock(phase.estimate)  # m:ss, exact: 90 s is 1:30, never "2 min"
        if phase.duration is None:
            length += " or more" if phase.step.as_long_as_you_can else " (until done)"
        print(f"{format_clock(t):>6}  {what}{side}{sets}  [{length}]")
        t += phase.estimate
    print(f"{format_clock(t):>6}  end")
    return 0


def _app_running() -> bool:
    """Whether a qltimer app holds the instance lock now (it may be in the middle of a session)."""
    lock = InstanceLock()
    if not lock.path.parent.is_dir():
        return False  # no data folder, so no app using it (and none is made for a look)
    try:
        return not lock.acquire()
    finally:
        lock.release()


def _open_history_or_say(recover: bool, *, read_only: bool = False) -> History | None:
    """The history, or None after saying why. *recover* closes sessions left running, but
    only when no qltimer app is running (one may be in the middle of a session). *read_only*
    (exports, reports) writes nothing at all, so a read-only history can still be looked at."""
    try:
        if read_only:
            hist, report = open_history(read_only=True)
        else:
            lock = InstanceLock()
            try:
                hist, report = open_history(recover=recover and lock.acquire() and lock.held)
            finally:
                lock.release()
    except HistoryError as err:
        print(f"qltimer: {err}", file=sys.stderr)
        return None
    if report.moved_aside:
        print(
            f"note: your history file was damaged; it was moved to {report.moved_aside} and a "
            "new one started",
            file=sys.stderr,
        )
    for note in report.set_aside:
        print(f"note: left out of your history (kept aside in the file): {note}", file=sys.stderr)
    return hist


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def cmd_report(args: argparse.Namespace) -> int:
    if not 1 <= args.weeks <= 520:
        print("qltimer: --weeks must be from 1 to 520", file=sys.stderr)
        return 1
    hist = _open_history_or_say(recover=False, read_only=True)
    if hist is None:
        return 1
    from qltimer.gui.report import make_report_cli  # Qt draws the charts into the PDF

    try:
        path = make_report_cli(Path(args.output), args.weeks, opener=lambda: hist)
    except WriteError as err:
        print(f"qltimer: {err}; nothing was changed", file=sys.stderr)
        return 1
    finally:
        hist.close()
    print(f"report written to {path}")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    if args.import_file is not None:
        hist = _open_history_or_say(recover=True)
        if hist is None:
            return 1
        try:
            sessions, steps = import_file(hist, Path(args.import_file))
        except HistoryError as err:  # it names the file, the row and the field
            print(f"qltimer: {err}; nothing was imported", file=sys.stderr)
            return 1
        except sqlite3.Error as err:
            print(f"qltimer: {plain_error(err)}; nothing was imported", file=sys.stderr)
            return 1
        finally:
            hist.close()
        print(
            f"imported {_count(sessions, 'new session')} and {_count(steps, 'new step')} "
            f"from {shown_path(args.import_file)}"
            + ("" if sessions or steps else " (everything in it was already here)")
        )
        return 0
    hist = _open_history_or_say(recover=False, read_only=True)
    if hist is None:
        return 1
    write = write_csv if args.csv else write_json
    app_gone = not _app_running()  # then a session marked running was cut off: interrupted
    try:
        if args.output:
            target = Path(args.output)
            with replacing(target) as temp, temp.open("w", encoding="utf-8", newline="") as out:
                rows = write(hist, out, app_gone=app_gone)
            print(
                f"history written to {shown_path(target)} ({_count(rows, 'row')})", file=sys.stderr
            )
        else:  # a closed pipe (`qltimer history --csv | head`) is main's to take quietly
            write(hist, sys.stdout, app_gone=app_gone)
    except WriteError as err:
        print(f"qltimer: {err}; nothing was changed", file=sys.stderr)
        return 1
    except sqlite3.Error as err:
        print(f"qltimer: can't read your history: {plain_error(err)}", file=sys.stderr)
        return 1
    finally:
        hist.close()
    return 0


def cmd_say(args: argparse.Namespace) -> int:
    from qltimer import speech

    try:
        sound = speech.render(args.text, args.voice, args.rate)
    except speech.SpeechError as err:
        print(f"qltimer: {err}", file=sys.stderr)
        return 1
    if args.output:
        try:
            speech.write_wav(sound, Path(args.output))
        except WriteError as err:
            print(f"qltimer: {err}; nothing was changed", file=sys.stderr)
            return 1
        print(
            f"{sound.seconds:.2f} s of speech written to {shown_path(args.output)}", file=sys.stderr
        )
        return 0
    try:
        import simpleaudio

        simpleaudio.play_buffer(
            sound.pcm, sound.channels, sound.sample_width, sound.rate
        ).wait_done()
    except Exception as err:
        print(f"qltimer: no sound could be played ({err}); try --output FILE.wav", file=sys.stderr)
        return 1
    return 0


def cmd_camera_check(args: argparse.Namespace) -> int:
    from qltimer.formcheck import CAMERA_RANGES, Thresholds
    from qltimer.settings import Settings

    path = Path(args.video)
    problem = (
        "no such file"
        if not path.exists()
        else "is a folder, not a video file"
        if path.is_dir()
        else "is not a regular file"
        if not path.is_file()
        else "is empty"
        if path.stat().st_size == 0
        else ""
    )
    if problem:
        print(f"qltimer: {shown_path(path)}: {problem}", file=sys.stderr)
        return 1
    mine = Settings.load().camera_thresholds  # as the app would judge, unless told otherwise
    given = {"calibrate": args.calibrate, "drop": args.drop, "angle": args.angle}
    given["lost_after"] = args.after
    for name, value in given.items():
        low, high = CAMERA_RANGES[name]
        if value is not None and not low <= value <= high:
            option = "--after" if name == "lost_after" else f"--{name}"
            print(f"qltimer: {option} must be from {low:g} to {high:g}", file=sys.stderr)
            return 1
    thresholds = Thresholds(**{k: getattr(mine, k) if v is None else v for k, v in given.items()})
    if not 0.25 <= args.speed <= 8:
        print("qltimer: --speed must be from 0.25 to 8", file=sys.stderr)
        return 1
    from qltimer.gui.camera import check_video_cli  # QtMultimedia plays the recording

    return check_video_cli(path, thresholds, rate=args.speed)


def cmd_desktop(install: bool) -> int:
    """``--install-desktop`` / ``--uninstall-desktop``: what was written or removed, and where."""
    from qltimer import desktop

    try:
        if install:
            done = desktop.install()
        else:
            removed = desktop.uninstall()
    except desktop.DesktopError as err:
        print(f"qltimer: {err}", file=sys.stderr)
        return 1
    if not install:
        if not removed:
            home = shown_path(desktop.data_home())
            print(
                f"qltimer was not in your application menu: none of its files are in {home}, "
                "so nothing was removed."
            )
            return 0
        print("qltimer is out of your application menu. Removed:")
        for path, what in removed:
            print(f"  {shown_path(path)}  ({what})")
        return 0
    command = shlex.quote(shown_path(done.command))  # to paste into a shell as it is
    print("qltimer is in your application menu now (a menu may need a moment to show it). Written:")
    for path, what in done.written:
        starts = f"; it starts {command}" if path.suffix == ".desktop" else ""
        print(f"  {shown_path(path)}  ({what}{starts})")
    print(
        "The entry starts this copy of qltimer: if you move it, or install qltimer elsewhere, "
        "run --install-desktop again from there."
    )
    print(
        f"To take qltimer out of the menu again (these files only): {command} --uninstall-desktop"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qltimer",
        description="A follow-along coach for a home quadratus lumborum (QL) low-back routine. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"qltimer {__version__}")
    menu = parser.add_mutually_exclusive_group()
    menu.add_argument(
        "--install-desktop",
        action="store_true",
        help="put qltimer in your desktop's application menu (a menu entry, an icon and its "
        "description, in $XDG_DATA_HOME or ~/.local/share); running it again is fine",
    )
    menu.add_argument(
        "--uninstall-desktop",
        action="store_true",
        help="take qltimer out of the application menu (removes those files and nothing else)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("list", help="list the sessions: id, estimated duration, title")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("validate", help="check session files; exit 1 if any has a problem")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("show", help="print the timed plan of a session")
    p.add_argument("session", metavar="SESSION", help="a session id or a .toml file")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser(
        "run",
        help="open the app straight into a session (it asks first how your back is, as Start "
        "does, unless you answer here)",
    )
    p.add_argument("session", metavar="SESSION", help="a session id or a .toml file")
    p.add_argument(
        "--pain", type=_pain_score, metavar="0-10", help="your pain now, so it is not asked"
    )
    p.add_argument(
        "--sore",
        action="store_true",
        help="a sore day: the lighter version (only if none of the warning signs in the safety "
        "advice applies)",
    )
    p.add_argument("--flare", dest="sore", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("report", help="make a PDF of your progress for a physio or coach")
    p.add_argument("--output", "-o", metavar="FILE.pdf", required=True)
    p.add_argument("--weeks", type=int, default=12, help="how many weeks back (default 12)")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("history", help="export your history, or import an export")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--csv", action="store_true", help="one row per step, as CSV")
    what.add_argument("--json", action="store_true", help="one row per step, as JSON")
    what.add_argument(
        "--import",
        dest="import_file",
        metavar="FILE",
        help="merge a JSON export in; sessions already here are kept as they are",
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of the screen")
    p.set_defaults(func=cmd_history)
    p = sub.add_parser(
        "say", help="speak a phrase with the app's voice (flite), or write it to a WAV file"
    )
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--output", "-o", metavar="FILE.wav", help="write a WAV file instead")
    p.add_argument("--voice", default="slt", help="a flite voice (default slt; see flite -lv)")
    p.add_argument("--rate", type=float, default=1.0, help="speaking rate, 0.5 to 2 (default 1)")
    p.set_defaults(func=cmd_say)
    p = sub.add_parser(
        "camera-check",
        help="run the camera form check over a recording of a side plank, and say when it "
        "would have ended the hold",
    )
    p.add_argument("video", metavar="VIDEO", help="a video file (what Qt's FFmpeg can play)")
    p.add_argument(
        "--drop",
        type=float,
        help="how much lower the hips may go, in body lengths, 0.005 to 0.5 "
        "(default: camera_drop in your settings.json, else 0.035)",
    )
    p.add_argument(
        "--angle",
        type=float,
        help="how far the hip angle may close, in degrees, 1 to 90 "
        "(default: camera_angle in your settings.json, else 8)",
    )
    p.add_argument(
        "--after",
        type=float,
        help="seconds out of line before the hold ends, 0.2 to 10 "
        "(default: camera_lost_after in your settings.json, else 1)",
    )
    p.add_argument(
        "--calibrate",
        type=float,
        help="seconds spent learning your straight line, 0.5 to 10 "
        "(default: camera_calibrate in your settings.json, else 1.5)",
    )
    p.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="play the video this many times faster, 0.25 to 8 (default 1: as recorded)",
    )
    p.set_defaults(func=cmd_camera_check)
    return parser


def _plain_output() -> None:
    """Output that never raises: a character the terminal's encoding lacks (a non-UTF-8 locale)
    is replaced, not an error."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _plain_output()
    paths.pin_data_dir()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.install_desktop or args.uninstall_desktop:
        if args.command is not None:
            parser.error("--install-desktop and --uninstall-desktop go without a command")
        return cmd_desktop(install=args.install_desktop)
    if args.command is None:
        if not _display_or_say():
            return 1
        from qltimer.gui.app import run_app  # Qt only when a window is wanted

        return int(run_app())
    try:
        result: int = args.func(args)
        sys.stdout.flush()  # here, so a closed pipe is met inside the try, not at exit
    except BrokenPipeError:  # `qltimer show ... | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return result


if __name__ == "__main__":
    sys.exit(main())
