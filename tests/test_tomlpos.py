"""Positions of keys and values in TOML text, as an editor numbers them."""

from __future__ import annotations

import tomllib

from qltimer.tomlpos import locate

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
