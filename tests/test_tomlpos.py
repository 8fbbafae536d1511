"""Positions of keys and values in TOML text, as an editor numbers them."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qltimer.tomlpos import Shape, locate, shape

DOC = """\
# a comment
title = "Q \\"L\\""   # trailing
"quoted key" = 1
frequency = { times = 3, per = "week" }
dotted.inner = 'lit'
multi = \"\"\"
line one
\"\"\"
after = [
  1,  # comment inside
  [2, 3],
]

[[step]]
kind = "hold"
  [[step.cue]]
  at = 5
  [[step.cue]]
  at = 7

[[step]]
kind = "rest"
cue = [{ at = 1 }, { before_end = 2 }]

[extra.table]
x = 1
"""


def test_locate_follows_tomllib_nesting() -> None:
    tomllib.loads(DOC)  # the locator only sees valid TOML
    loc = locate(DOC)
    assert loc.keys[("title",)] == (2, 1)
    assert loc.values[("title",)] == (2, 9)
    assert loc.keys[("quoted key",)] == (3, 1)
    assert loc.values[("frequency", "per")] == (4, 32)
    assert loc.keys[("dotted", "inner")] == (5, 8)
    assert loc.keys[("after",)] == (9, 1)
    assert loc.values[("after", 1, 0)] == (11, 4)
    assert loc.tables[("step", 0)] == (14, 1)
    assert loc.keys[("step", 0, "kind")] == (15, 1)
    assert loc.values[("step", 0, "cue", 0, "at")] == (17, 8)
    assert loc.values[("step", 0, "cue", 1, "at")] == (19, 8)
    assert loc.keys[("step", 1, "kind")] == (22, 1)
    assert loc.values[("step", 1, "cue", 1, "before_end")] == (23, 35)
    assert loc.keys[("extra", "table", "x")] == (26, 1)


def test_nearest_falls_back_to_the_enclosing_table() -> None:
    loc = locate(DOC)
    assert loc.key(("step", 0, "missing")) == (14, 1)
    assert loc.value(("nothing", "here")) == (1, 1)


def test_columns_count_characters_not_bytes() -> None:
    loc = locate('a = { s = "ééé", t = 1 }\nb = 1\n')
    assert loc.keys[("a", "t")] == (1, 18)
    assert loc.keys[("b",)] == (2, 1)


# -- shape: what must be known before tomllib reads the text ------------------------------------


@pytest.mark.parametrize(
    ("text", "too_deep", "key"),
    [
        ("x = [[[1]]]\n", None, False),  # at the limit
        ("x = [[[[1]]]]\n", (1, 8), False),
        ("x = { a = { b = { c = {} } } }\n", (1, 23), False),
        ("x = [\n  [\n    [\n      [1]]]]\n", (4, 7), False),  # over several lines
        ("[[a]]\n[[a.b]]\n[c]\nx = [[[1]]]\n", None, False),  # headers are not nesting
        ("[a.b.c]\n", None, False),
        ("[a.b.c.d]\n", (1, 7), True),
        ("a.'b'.\"c\" = 1\n", None, False),
        ('a . "b.c.d" . c . d = 1\n', (1, 17), True),
        ("x = [1.5, 2.5, 3.5, 4.5]\ny = 1.5\nz.w = 2.5\n", None, False),  # dots in numbers
        ("x = ['[[[[', \"[[[[\", '''[[[[''', \"\"\"[[[[\"\"\"]  # [[[[\n", None, False),
        ('x = "\\"[[[["\n', None, False),  # an escaped quote does not end a string
        ('x = """\\"""[[[["""\n', None, False),
        ('x = """a""""\ny = [[[[1]]]]\n', (2, 8), False),  # 4 quotes: one in, three close
    ],
)
def test_shape_finds_nesting_past_the_limit(
    text: str, too_deep: tuple[int, int] | None, key: bool
) -> None:
    found = shape(text, 3)
    assert (found.too_deep, found.too_deep_key) == (too_deep, key)
    tomllib.loads(text)  # each of these is valid TOML, so the pass read it as tomllib does


@pytest.mark.parametrize(
    ("text", "unclosed", "quote"),
    [
        ('a = 1\nb = """\nnever\nclosed\n', (2, 5), '"""'),
        ("a = 1\n  b = '''\nnever\n", (2, 7), "'''"),
        ('a = """one"""\nb = """two \\"""\n', (2, 5), '"""'),  # \" is not the end
        ("a = '''one'''\n# '''\n", None, ""),  # in a comment
        ("a = \"'''\"\n", None, ""),  # in a one-line string
    ],
)
def test_shape_finds_where_an_unclosed_multiline_string_begins(
    text: str, unclosed: tuple[int, int] | None, quote: str
) -> None:
    found = shape(text, 3)
    assert (found.unclosed, found.unclosed_quote) == (unclosed, quote)


@given(st.text(alphabet="[]{}\"'#.=,\n \\ab1", max_size=60))
def test_shape_sees_nothing_wrong_in_text_tomllib_reads(text: str) -> None:
    found = shape(text, 100)
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    assert found == Shape()
