"""Session files: the built-in ones, and messages a person can act on for broken ones."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qltimer import paths, script
from qltimer.script import (
    MAX_FILE_BYTES,
    MAX_NESTING,
    Per,
    Problem,
    ScriptError,
    Sides,
    StepKind,
    load_session,
    parse_session,
)
from qltimer.tomlpos import Shape
from tests.conftest import REPO

LOCATED = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$")


def problems(text: str | bytes, name: str = "mine.toml") -> list[Problem]:
    with pytest.raises(ScriptError) as info:
        parse_session(text, name)
    for p in info.value.problems:
        assert LOCATED.match(str(p)), str(p)
    return info.value.problems


def at(p: Problem) -> tuple[int, int]:
    return (p.line, p.col)


# -- the built-in sessions ----------------------------------------------------------------------


def builtin() -> dict[str, object]:
    return {
        path.stem: load_session(path)
        for path in sorted(paths.builtin_sessions_dir().glob("*.toml"))
    }


def test_every_builtin_session_is_valid() -> None:
    found = builtin()
    assert set(found) == {
        "phase-one",
        "ql-level-1",
        "ql-level-2",
        "ball-release",
        "side-plank-test",
        "standing-seated",
        "standing-strength",
        "standing-strength-2",
        "ql-knees",
        "ql-more",
    }


def test_builtins_cover_the_program() -> None:
    s = {k: v for k, v in builtin().items()}
    level1 = s["ql-level-1"]
    plank = next(st for st in level1.steps if st.name == "Side plank")  # type: ignore[attr-defined]
    assert (plank.kind, plank.sides, plank.seconds) == (StepKind.HOLD, Sides.EACH, 60)
    carry = next(st for st in level1.steps if st.kind is StepKind.LAPS)  # type: ignore[attr-defined]
    assert (carry.laps, carry.distance_m, carry.sides) == (10, 10, Sides.EACH)
    lifts = next(st for st in s["ql-level-2"].steps if st.kind is StepKind.REPS)  # type: ignore[attr-defined]
    assert (lifts.sets, lifts.reps, lifts.sides) == (3, 10, Sides.EACH)
    release = s["ball-release"]
    assert release.frequency.per is Per.DAY and release.frequency.for_days == 14  # type: ignore[attr-defined]
    ball = release.steps[0]  # type: ignore[attr-defined]
    assert 60 <= ball.seconds <= 120 and ball.sides is Sides.EACH and ball.rhythm
    test = s["side-plank-test"].steps[0]  # type: ignore[attr-defined]
    assert test.as_long_as_you_can and test.sides is Sides.EACH
    for no_floor in ("standing-seated", "standing-strength", "standing-strength-2"):
        assert s[no_floor].floor is False, no_floor  # type: ignore[attr-defined]
    # Phase One on the no-floor track has no carry (Phase Two content) and no floor.
    assert s["standing-seated"].phase == 1  # type: ignore[attr-defined]
    assert StepKind.LAPS not in {st.kind for st in s["standing-seated"].steps}  # type: ignore[attr-defined]
    assert s["standing-strength"].phase == 2  # type: ignore[attr-defined]
    assert {st.kind for st in s["phase-one"].steps} >= {  # type: ignore[attr-defined]
        StepKind.BREATHE,
        StepKind.HOLD,
    }
    for session in s.values():
        assert session.frequency is not None  # type: ignore[attr-defined]


# -- three mistakes, three messages -------------------------------------------------------------

THREE_MISTAKES = """\
title = "My routine"

[[step]]
kind = "hold"
name = "Side plank"
sides = "each"
secnds = 60

[[step]]
kind = "rest"
seconds = 90000

[[step]]
kind = "reps"
name = "Leg lifts"
reps = -3
"""


def test_three_mistakes_give_three_located_messages() -> None:
    found = problems(THREE_MISTAKES, "routines/mine.toml")
    assert [str(p) for p in found] == [
        "routines/mine.toml:7:1: unknown key 'secnds' in a hold step; did you mean 'seconds'?",
        "routines/mine.toml:11:11: 'seconds' is 90000; allowed: 1 to 86400 seconds",
        "routines/mine.toml:16:8: 'reps' can't be negative (-3); allowed: 1 to 500",
    ]


# -- each kind of problem -----------------------------------------------------------------------


def test_a_syntax_error_names_line_and_column() -> None:
    (p,) = problems('title = "x"\n[[step]]\nkind = "hold\nname = "y"\n')
    assert at(p) == (3, 13)
    assert p.message.startswith("not valid TOML")


def test_text_that_is_not_utf8_is_located() -> None:
    (p,) = problems(b'title = "ok"\nsummary = "caf\xe9"\n')
    assert at(p) == (2, 15)
    assert "UTF-8" in p.message


def test_a_huge_file_is_refused_with_the_limit() -> None:
    (p,) = problems(b"#" * (MAX_FILE_BYTES + 1))
    assert at(p) == (1, 1) and "at most" in p.message


def test_a_session_without_steps_or_title() -> None:
    found = problems('summary = "nothing here"\n')
    messages = [p.message for p in found]
    assert "a session needs 'title'" in messages
    assert "a session needs at least one [[step]]" in messages


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("seconds = 0", "'seconds' can't be zero (0); allowed: 1 to 7200 seconds"),
        ("seconds = -5", "'seconds' can't be negative (-5); allowed: 1 to 7200 seconds"),
        ("seconds = 9000", "'seconds' is 9000; allowed: 1 to 7200 seconds"),
        ('seconds = "60"', "'seconds' must be a number from 1 to 7200 seconds, not \"60\""),
        ("seconds = true", "'seconds' must be a number from 1 to 7200 seconds, not true"),
        ("seconds = inf", "'seconds' must be a number from 1 to 7200 seconds, not inf"),
        ("seconds = nan", "'seconds' must be a number from 1 to 7200 seconds, not nan"),
        ("seconds = 30\nsets = 2.5", "'sets' must be a whole number from 1 to 20, not 2.5"),
        ('seconds = 30\nsides = "both"', "'sides' can't be \"both\"; choose one of: "),
        ('seconds = 30\nsides = "lef"', 'did you mean "left"?'),
        ("seconds = 30\nreps = 10", "'reps' is not used by a hold step (it belongs to reps steps)"),
        ("seconds = 30\nrest = 20", "'rest' is the pause between sets, but this step has one set"),
        ("seconds = 30\nswitch_sides = 5", "'switch_sides' needs sides = \"each\""),
        ("seconds = 30\nrest = 100000\nsets = 2", "'rest' is 100000; allowed: 0 to 86400 seconds"),
    ],
)
def test_impossible_values_are_refused_with_the_allowed_range(line: str, expected: str) -> None:
    text = f'title = "x"\n[[step]]\nkind = "hold"\nname = "H"\n{line}\n'
    found = problems(text)
    assert len(found) == 1, found
    assert expected in found[0].message
    assert found[0].line >= 5


def test_sides_on_a_rest_are_refused() -> None:
    (p,) = problems('title = "x"\n[[step]]\nkind = "rest"\nseconds = 30\nsides = "each"\n')
    assert at(p) == (5, 1)
    assert p.message == "'sides' is not used by a rest step (a rest has no sides, sets or lead-in)"


def test_rest_longer_than_a_day_is_refused() -> None:
    (p,) = problems('title = "x"\n[[step]]\nkind = "rest"\nseconds = 86401\n')
    assert "allowed: 1 to 86400 seconds" in p.message


def test_unknown_kind_gets_a_suggestion() -> None:
    (p,) = problems('title = "x"\n[[step]]\nkind = "hodl"\nname = "H"\n')
    assert at(p) == (3, 8)
    assert 'did you mean "hold"?' in p.message


def test_unknown_top_level_key_gets_a_suggestion() -> None:
    (p,) = problems('titel = "x"\n[[step]]\nkind = "rest"\nseconds = 3\n')
    assert at(p) == (1, 1)
    assert p.message == "unknown key 'titel' in a session; did you mean 'title'?"


def test_problems_inside_inline_cue_tables_are_located_exactly() -> None:
    text = (
        'title = "x"\n[[step]]\nkind = "hold"\nname = "H"\nseconds = 30\n'
        'cue = [{ at = 10 }, { before_end = 40 }, { at = 5, sond = "go" }]\n'
    )
    found = problems(text)
    assert [(at(p), p.message) for p in found] == [
        ((6, 36), "'before_end' is 40; allowed: 0.5 to 29.5 seconds"),
        ((6, 52), "unknown key 'sond' in a cue; did you mean 'sound'?"),
    ]


def test_cue_tables_written_as_headers_are_located() -> None:
    text = (
        'title = "x"\n[[step]]\nkind = "timed"\nname = "T"\nseconds = 30\n'
        "[[step.cue]]\nat = 10\n[[step.cue]]\nat = 45\n"
    )
    (p,) = problems(text)
    assert at(p) == (9, 6)


def test_a_cue_needs_exactly_one_place() -> None:
    text = (
        'title = "x"\n[[step]]\nkind = "hold"\nname = "H"\nseconds = 30\n[[step.cue]]\nsay = "hi"\n'
    )
    (p,) = problems(text)
    assert at(p) == (6, 1) and "exactly one of 'at'" in p.message


def test_before_end_on_an_open_ended_step_is_refused() -> None:
    text = (
        'title = "x"\n[[step]]\nkind = "laps"\nname = "C"\nlaps = 4\ncue = [{ before_end = 5 }]\n'
    )
    (p,) = problems(text)
    assert "ends when you say so" in p.message


def test_all_problems_in_a_file_are_reported_in_one_run() -> None:
    steps = "".join(
        f'[[step]]\nkind = "hold"\nname = "H{i}"\nseconds = {-i}\n' for i in range(1, 6)
    )
    found = problems(f'title = "x"\n{steps}')
    assert len(found) == 5
    assert [p.line for p in found] == [5, 9, 13, 17, 21]


def test_a_valid_file_reads_with_defaults_and_hash(tmp_path: Path) -> None:
    path = tmp_path / "my-routine.toml"
    path.write_text('title = "Mine"\n[[step]]\nkind = "hold"\nname = "Plank"\nseconds = 20\n')
    session = load_session(path)
    assert session.id == "my-routine" and session.source == path
    assert len(session.sha256) == 64
    step = session.steps[0]
    assert (step.get_ready, step.sides, step.sets, step.rest) == (10, Sides.NONE, 1, 0)


def test_an_unreadable_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(ScriptError) as info:
        load_session(tmp_path / "missing.toml")
    assert "can't read the file" in str(info.value)


@given(st.binary(max_size=400) | st.text(max_size=400))
def test_any_input_gives_a_session_or_located_problems(data: bytes | str) -> None:
    try:
        parse_session(data, "fuzz.toml")
    except ScriptError as err:
        assert err.problems
        for p in err.problems:
            assert LOCATED.match(str(p)) and p.line >= 1 and p.col >= 1


# -- a byte-order mark at the start -------------------------------------------------------------

BOM = b"\xef\xbb\xbf"


def test_a_file_starting_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    text = b'title = "Mine"\n[[step]]\nkind = "hold"\nname = "Plank"\nseconds = 20\n'
    plain, marked = tmp_path / "plain.toml", tmp_path / "marked.toml"
    plain.write_bytes(text)
    marked.write_bytes(BOM + text)
    session = load_session(marked)
    assert session.title == "Mine" and session.steps == load_session(plain).steps


@pytest.mark.parametrize(
    ("text", "where", "said"),
    [
        (b'titel = "x"\n[[step]]\nkind = "rest"\nseconds = 3\n', (1, 1), "unknown key 'titel'"),
        (b'title = 5\n[[step]]\nkind = "rest"\nseconds = 3\n', (1, 9), "'title' must be text"),
        (b'title = "x"\n[[step]]\nkind = "rest"\nseconds = 0\n', (4, 11), "can't be zero"),
        (b'title = "x\n', (1, 11), "not valid TOML"),  # tomllib's own position
        (b'title = "caf\xe9"\n', (1, 13), "not UTF-8"),
    ],
)
def test_positions_after_a_byte_order_mark_are_as_an_editor_shows_them(
    tmp_path: Path, text: bytes, where: tuple[int, int], said: str
) -> None:
    path = tmp_path / "marked.toml"
    path.write_bytes(BOM + text)
    with pytest.raises(ScriptError) as info:
        load_session(path)
    (p,) = info.value.problems
    assert str(p).startswith(f"{path}:{where[0]}:{where[1]}: ") and said in p.message, str(p)


# -- nesting too deep to read safely ------------------------------------------------------------

GOOD = 'title = "Mine"\n[[step]]\nkind = "hold"\nname = "Plank"\nseconds = 20\n'


def deep_array(levels: int) -> str:
    return "[" * levels + "]" * levels


def deep_table(levels: int) -> str:
    return "{ a = " * levels + "1" + " }" * levels


@pytest.mark.parametrize(
    ("value", "col"),
    [
        (deep_array(500), 7 + MAX_NESTING),  # the first "[" past the limit
        (deep_table(500), 7 + 6 * MAX_NESTING),  # the first "{" past the limit
        ("[{ a = " * 250 + "1" + " }]" * 250, 7 + 7 * (MAX_NESTING // 2) + MAX_NESTING % 2),
    ],
)
def test_lists_and_tables_nested_too_deeply_are_located(
    tmp_path: Path, value: str, col: int
) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(f"{GOOD}cue = {value}\n")
    with pytest.raises(ScriptError) as info:
        load_session(path)
    (p,) = info.value.problems
    assert str(p) == (
        f"{path}:6:{col}: lists and tables are nested too deeply here "
        f"(at most {MAX_NESTING} levels)"
    )


@pytest.mark.parametrize("value", [deep_array(MAX_NESTING), deep_table(MAX_NESTING)])
def test_nesting_up_to_the_limit_is_read(tmp_path: Path, value: str) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(f"{GOOD}tips = {value}\n")
    with pytest.raises(ScriptError) as info:
        load_session(path)
    (p,) = info.value.problems
    assert at(p)[0] == 6 and "tips" in p.message and "nested" not in p.message, str(p)


def test_a_dotted_key_of_too_many_parts_is_located_and_quick(tmp_path: Path) -> None:
    path = tmp_path / "dotted.toml"
    path.write_text(f'title = "x"\n{"a." * 100_000}b = 1\n')  # took minutes to read before
    with pytest.raises(ScriptError) as info:
        load_session(path)
    (p,) = info.value.problems
    assert at(p) == (2, 2 * MAX_NESTING)
    assert p.message == f"this dotted key is nested too deeply (at most {MAX_NESTING} parts)"
    path.write_text(f'title = "x"\n{"a." * (MAX_NESTING - 1)}b = 1\n')
    with pytest.raises(ScriptError) as info:
        load_session(path)
    assert "nested" not in str(info.value)


def test_no_recursion_error_escapes_even_past_the_nesting_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(script, "shape", lambda text, depth: Shape())  # as if it missed one
    path = tmp_path / "deep.toml"
    path.write_text(f"{GOOD}cue = {deep_array(5000)}\n")
    with pytest.raises(ScriptError) as info:
        load_session(path)
    (p,) = info.value.problems
    assert at(p) == (1, 1) and "nested too deeply" in p.message


# -- a multi-line text that is never closed -----------------------------------------------------


@pytest.mark.parametrize("quote", ['"""', "'''"])
def test_an_unclosed_multiline_text_is_reported_where_it_opens(tmp_path: Path, quote: str) -> None:
    path = tmp_path / "open.toml"
    path.write_text(f'title = "x"\nsummary = {quote}\nSlow and steady.\n\n{GOOD}')
    with pytest.raises(ScriptError) as info:
        load_session(path)
    (p,) = info.value.problems
    assert str(p) == (
        f"{path}:2:11: not valid TOML: the {quote} text that starts here is never closed; "
        f"end it with {quote}"
    )


def test_a_mistake_before_an_unclosed_multiline_text_is_reported_first(tmp_path: Path) -> None:
    path = tmp_path / "open.toml"
    path.write_text('title = = "x"\nsummary = """\nSlow and steady.\n')
    with pytest.raises(ScriptError) as info:
        load_session(path)
    (p,) = info.value.problems
    assert at(p) == (1, 9) and p.message == "not valid TOML: invalid value"


# -- docs/session-format.md says every limit the code enforces ----------------------------------

FORMAT_DOC = (REPO / "docs" / "session-format.md").read_text(encoding="utf-8")


def _says(line: str, number: float) -> bool:
    """Whether *line* has *number* in it as a number of its own (7200 or 7,200; not in 17200)."""
    forms = {f"{number:g}"} | ({f"{number:,.0f}", f"{number:.0f}"} if number % 1 == 0 else set())
    return any(re.search(rf"(?<![\d.,]){re.escape(f)}(?!\d|[.,]\d)", line) for f in forms)


def _limits_in_code() -> list[tuple[str, list[float]]]:
    """(key, bounds) for each c.text / c.texts / c.number / c.integer call in script.py: the
    bounds written out in the call or named by a *_RANGE constant (computed ones are left out)."""
    found = []
    for node in ast.walk(ast.parse(Path(script.__file__).read_text(encoding="utf-8"))):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "c"
            and node.func.attr in ("text", "texts", "number", "integer")
        ):
            continue
        key = node.args[2]
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            continue
        bounds: list[float] = []
        for arg in node.args[3:]:
            if isinstance(arg, ast.Starred) and isinstance(arg.value, ast.Name):
                bounds += getattr(script, arg.value.id)
            elif isinstance(arg, ast.Constant):
                bounds.append(arg.value)
        bounds += [
            kw.value.value
            for kw in node.keywords
            if kw.arg in ("max_len", "max_items") and isinstance(kw.value, ast.Constant)
        ]
        found.append((key.value, bounds))
    return found


def test_the_format_doc_gives_each_keys_limits_as_the_code_checks_them() -> None:
    limits = _limits_in_code()
    assert len(limits) >= 30 and ("distance_m", [0.5, 10_000.0]) in limits  # the search works
    lines = FORMAT_DOC.splitlines()
    for key, bounds in limits:
        assert any(
            re.search(rf"(?<!\w){key}(?!\w)", line) and all(_says(line, b) for b in bounds)
            for line in lines
        ), f"no line of docs/session-format.md gives '{key}' with {bounds}"


def test_the_format_doc_gives_the_file_wide_limits() -> None:
    assert f"{MAX_FILE_BYTES:,} bytes" in FORMAT_DOC
    assert f"at most {MAX_NESTING} levels" in FORMAT_DOC
    assert f"at most {MAX_NESTING} parts" in FORMAT_DOC
    two_hours = next(line for line in FORMAT_DOC.splitlines() if "at most two hours" in line)
    assert _says(two_hours, script.WORK_RANGE[1])
    keys = {
        *script.SESSION_KEYS,
        *script.FREQUENCY_KEYS,
        *script.COMMON_STEP_KEYS,
        *script.CUE_KEYS,
        *(k for keys in script.KIND_KEYS.values() for k in keys),
    }
    assert not {k for k in keys if not re.search(rf"(`|\[\[|{{ ){k}\b", FORMAT_DOC)}
    kinds_table = FORMAT_DOC.split("### The kinds of step")[1].split("\n#")[0].splitlines()
    for kind, kind_keys in script.KIND_KEYS.items():
        row = next(line for line in kinds_table if line.startswith(f"| `{kind}` |"))
        assert all(f"`{k}`" in row or f"`{k} =" in row for k in kind_keys), kind
