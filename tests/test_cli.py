"""The qltimer command, run for real in a subprocess and in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qltimer.cli import main
from qltimer.formats import format_dose, format_duration
from tests.conftest import REPO
from tests.test_script import LOCATED, THREE_MISTAKES


def qltimer(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qltimer", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_list_shows_each_session_with_its_duration(tmp_path: Path) -> None:
    done = qltimer("list", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 10
    ids = [line.split()[0] for line in lines]
    assert ids[0] == "phase-one" and "ball-release" in ids
    assert all(" min " in line for line in lines)


def test_list_does_not_load_qt() -> None:
    code = (
        "import sys; from qltimer.cli import main; main(['list']); print('PySide6' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_validate_all_builtins_exits_zero() -> None:
    files = sorted(str(p) for p in (REPO / "sessions").glob("*.toml"))
    done = qltimer("validate", *files)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": ok (") == 10


def test_validate_reports_three_mistakes_on_stderr_and_exits_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(THREE_MISTAKES)
    good = REPO / "sessions" / "ql-level-1.toml"
    done = qltimer("validate", str(bad), str(good))
    assert done.returncode == 1
    located = [line for line in done.stderr.splitlines() if LOCATED.match(line)]
    assert len(located) == 3
    assert all(line.startswith(f"{bad}:") for line in located)
    assert "Traceback" not in done.stderr
    assert f"{good}: ok" in done.stdout


def test_show_prints_the_timed_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "ql-level-1"]) == 0
    out = capsys.readouterr().out
    assert "Side plank - left side  [1:00]" in out and "Side plank - right side  [1:00]" in out
    assert "Suitcase carry - left hand  [2:00 (until done)]" in out  # ends on the laps counted
    assert "(rest)  [0:45]" in out
    assert out.splitlines()[0].endswith("(Phase Two, level 1; about 8:35)")


def test_show_gives_lengths_exactly_as_m_ss(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13: 90 s was shown as "2 min" and 80 s as "1 min"."""
    own = tmp_path / "own.toml"
    own.write_text(
        'title = "Own"\nget_ready = 5\n[[step]]\nkind = "hold"\nname = "Hold"\nseconds = 90\n'
        '[[step]]\nkind = "timed"\nname = "Bends"\nseconds = 80\nget_ready = 0\n'
    )
    assert main(["show", str(own)]) == 0
    out = capsys.readouterr().out
    assert "Hold  [1:30]" in out and "Bends  [1:20]" in out and "min" not in out


def test_show_an_unknown_session(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "nope"]) == 1
    assert "no session called 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(45, "45 s"), (60, "1 min"), (89, "1 min"), (90, "2 min"), (3900, "1 h 05 min")],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(60, "60 s"), (90, "90 s"), (179, "179 s"), (180, "3 min"), (270, "4 min 30 s")],
)
def test_format_dose(seconds: float, text: str) -> None:
    assert format_dose(seconds) == text


def _seed_history() -> str:
    from datetime import UTC, datetime, timedelta

    from qltimer.history import open_history
    from tests.test_history import step

    hist, _ = open_history()
    t0 = datetime(2026, 5, 1, 8, tzinfo=UTC)
    key = hist.start_session("ql-level-1", "QL level 1", "abc", t0)
    hist.record_step(key, step(1, "left", 44.25, t0))
    hist.record_step(key, step(3, "right", 41.0, t0 + timedelta(seconds=80)))
    hist.finish_session(key, "completed", t0 + timedelta(minutes=9))
    hist.close()
    return key


def test_history_export_to_stdout_and_file_and_import_twice(tmp_path: Path) -> None:
    import json

    key = _seed_history()
    done = qltimer("history", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert [(r["uuid"], r["side"], r["actual_seconds"]) for r in rows] == [
        (key, "left", 44.25),
        (key, "right", 41.0),
    ]
    csv_file = tmp_path / "h.csv"
    assert qltimer("history", "--csv", "--output", str(csv_file)).returncode == 0
    assert csv_file.read_text().count("\n") == 3
    # Import into another data folder, twice: the second time adds nothing.
    export = tmp_path / "h.json"
    export.write_text(done.stdout)
    other = tmp_path / "other"
    env_cmd = [sys.executable, "-m", "qltimer", "history", "--import", str(export)]
    import os

    env = dict(os.environ, QLTIMER_DATA_DIR=str(other))
    first = subprocess.run(env_cmd, capture_output=True, text=True, env=env, check=False)
    again = subprocess.run(env_cmd, capture_output=True, text=True, env=env, check=False)
    assert first.stdout.strip() == f"imported 1 new session and 2 new steps from {export}"
    assert again.stdout.strip() == (
        f"imported 0 new sessions and 0 new steps from {export} (everything in it was already here)"
    )
    # A bad value refuses the whole file, naming the file, the row and the field; exit 1.
    doc = json.loads(done.stdout)
    doc["rows"][1]["pain_before"] = 99
    doc["rows"][1]["uuid"] = doc["rows"][0]["uuid"] = "0f8fad5b-d9cb-469f-a165-70867728950e"
    export.write_text(json.dumps(doc))
    bad = subprocess.run(env_cmd, capture_output=True, text=True, env=env, check=False)
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.strip() == (
        f"qltimer: {export}: row 2: pain_before is 99; it must be from 0 to 10; "
        "nothing was imported"
    )


def test_history_import_of_a_bad_file_says_so(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    done = qltimer("history", "--import", str(bad))
    assert done.returncode == 1
    assert "not a qltimer history export" in done.stderr and "nothing was imported" in done.stderr


def test_after_a_crash_an_export_calls_the_cut_off_session_interrupted() -> None:
    """No app holds the lock: the session marked running was cut off. The export says so, as the
    next start will, without writing to the history; while an app runs, running is running."""
    from datetime import UTC, datetime, timedelta

    from qltimer.history import open_history
    from qltimer.instance import InstanceLock
    from tests.test_history import step

    hist, _ = open_history()
    t0 = datetime(2026, 5, 1, 8, tzinfo=UTC)
    key = hist.start_session("x", "X", "", t0)
    hist.record_step(key, step(1, "left", 44.25, t0 + timedelta(seconds=10)))
    for fmt in ("--json", "--csv"):
        done = qltimer("history", fmt)
        assert done.returncode == 0, done.stderr
        if fmt == "--json":
            (row,) = json.loads(done.stdout)["rows"]
            assert (row["status"], row["ended_at"]) == ("interrupted", "2026-05-01T08:00:54.250Z")
        else:
            assert ",interrupted," in done.stdout and ",running," not in done.stdout
    record = hist.session(key)
    assert record is not None and record.status == "running", "an export writes nothing"
    with InstanceLock() as lock:
        assert lock.acquire()
        done = qltimer("history", "--json")
    (row,) = json.loads(done.stdout)["rows"]
    assert (row["status"], row["ended_at"]) == ("running", None)


def test_exports_and_reports_work_from_a_read_only_history(tmp_path: Path) -> None:
    """The data folder on a read-only disk (a bind mount in a namespace of its own)."""
    import os
    import shutil

    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs root and unshare to mount a folder read-only")
    _seed_history()
    data = Path(os.environ["QLTIMER_DATA_DIR"])
    out = tmp_path / "out"
    out.mkdir()
    script = (
        f"mount --bind {data} {data} && mount -o remount,bind,ro {data} && "
        f"{sys.executable} -m qltimer history --csv -o {out}/h.csv && "
        f"{sys.executable} -m qltimer history --json > {out}/h.json && "
        f"{sys.executable} -m qltimer report -o {out}/r.pdf"
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    if "Operation not permitted" in done.stderr or "permission denied" in done.stderr.lower():
        pytest.skip(f"this machine can't make a mount namespace: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert (out / "h.csv").read_text().count("\n") == 3
    assert json.loads((out / "h.json").read_text())["rows"][0]["title"] == "QL level 1"
    assert (out / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert "readonly" not in done.stderr and "Errno" not in done.stderr


@pytest.mark.parametrize("key", ["nope", "missing.toml"])
def test_run_with_an_unknown_session_says_so(key: str, tmp_path: Path) -> None:
    done = qltimer("run", key, cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stderr.strip()


def test_report_and_export_to_a_folder_fail_plainly_with_exit_one(tmp_path: Path) -> None:
    _seed_history()
    for args in (("report", "-o", str(tmp_path)), ("history", "--csv", "-o", str(tmp_path))):
        done = qltimer(*args)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert "that is a folder, not a file" in done.stderr and "written" not in done.stdout


def test_a_report_replaces_a_good_pdf_only_when_whole(tmp_path: Path) -> None:
    _seed_history()
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4 the old report %%EOF")
    missing = tmp_path / "gone" / "x.pdf"
    done = qltimer("report", "-o", str(missing))
    assert done.returncode == 1 and "does not exist" in done.stderr, done.stderr
    done = qltimer("report", "-o", str(pdf))
    assert done.returncode == 0 and done.stdout.startswith("report written"), done.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-32:] and len(data) > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.pdf"], "no temporary file is left"


GOOD = 'title = "{title}"\n[[step]]\nkind = "hold"\nname = "Plank"\nseconds = 20\n'
DEEP = GOOD.format(title="Deep") + "cue = " + "[" * 500 + "]" * 500 + "\n"


def test_validate_reports_a_deeply_nested_file_and_goes_on_to_the_next(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, deep, b = tmp_path / "a.toml", tmp_path / "deep.toml", tmp_path / "b.toml"
    a.write_text(GOOD.format(title="A"))
    deep.write_text(DEEP)
    b.write_bytes(b"\xef\xbb\xbf" + GOOD.format(title="B").encode())  # with a byte-order mark
    assert main(["validate", str(a), str(deep), str(b)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{a}: ok (1 step, about 30 s)",
        f"{b}: ok (1 step, about 30 s)",
    ]
    assert err.splitlines() == [
        f"{deep}:6:17: lists and tables are nested too deeply here (at most 10 levels)",
        "1 of 3 files have problems",
    ]


def test_list_skips_a_deeply_nested_file_and_lists_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QLTIMER_DATA_DIR", str(tmp_path))
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    (sessions / "a-mine.toml").write_text(GOOD.format(title="Mine first"))
    (sessions / "b-deep.toml").write_text(DEEP)
    (sessions / "c-table.toml").write_text(
        GOOD.format(title="Deep table") + "x = " + "{ a = " * 500 + "1" + " }" * 500 + "\n"
    )
    (sessions / "d-mine.toml").write_text(GOOD.format(title="Mine last"))
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    ids = [line.split()[0] for line in out.splitlines()]
    assert len(ids) == 12 and {"a-mine", "d-mine", "phase-one", "ql-level-1"} <= set(ids)
    assert err.splitlines() == [
        f"{sessions / 'b-deep.toml'}:6:17: lists and tables are nested too deeply here "
        "(at most 10 levels)",
        f"{sessions / 'c-table.toml'}:6:65: lists and tables are nested too deeply here "
        "(at most 10 levels)",
    ]
