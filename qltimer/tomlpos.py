"""Line and column of every key and value in a TOML document.

``tomllib`` gives values but not where they were written; validation messages need
``PATH:LINE:COL``. :func:`locate` walks text that ``tomllib`` has already accepted (so it can assume
valid syntax) and maps each key path, as ``tomllib`` would nest it, to positions:

    ("title",)                 -> the ``title = ...`` line
    ("step", 2, "seconds")     -> ``seconds`` in the third ``[[step]]`` table
    ("step", 0, "cue", 1, "at")-> ``at`` in the second cue of the first step, whether the cue is a
                                  ``[[step.cue]]`` table or an inline table in an array

Lines and columns are 1-based; columns count characters, as an editor shows them.

:func:`shape` is a quick pass over text that has *not* been parsed yet, for what ``tomllib`` can't
say well: nesting too deep to parse safely (``tomllib`` and :func:`locate` recurse into each list
and inline table), and where a multi-line string that is never closed begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KeyPath = tuple[str | int, ...]
Position = tuple[int, int]

_BARE_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class Locations:
    """Where keys and values stand; ``tables`` holds the header position of each table."""

    keys: dict[KeyPath, Position] = field(default_factory=dict)
    values: dict[KeyPath, Position] = field(default_factory=dict)
    tables: dict[KeyPath, Position] = field(default_factory=dict)

    def key(self, path: KeyPath) -> Position:
        """Position of the key at *path*, or of the nearest enclosing thing that has one."""
        return self._nearest(path, prefer_value=False)

    def value(self, path: KeyPath) -> Position:
        """Position of the value at *path*, or of the nearest enclosing thing that has one."""
        return self._nearest(path, prefer_value=True)

    def _nearest(self, path: KeyPath, *, prefer_value: bool) -> Position:
        while True:
            order = (self.values, self.keys) if prefer_value else (self.keys, self.values)
            for table in (*order, self.tables):
                if path in table:
                    return table[path]
            if not path:
                return (1, 1)
            path = path[:-1]


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.line = 1
        self.col = 1
        self.loc = Locations()
        # Last index used by each array of tables (by resolved path), and how many each has.
        self.aot_last: dict[KeyPath, int] = {}

    # -- low level -------------------------------------------------------------------------
    def peek(self, n: int = 0) -> str:
        j = self.i + n
        return self.text[j] if j < len(self.text) else ""

    def startswith(self, s: str) -> bool:
        return self.text.startswith(s, self.i)

    def advance(self, n: int = 1) -> None:
        for _ in range(n):
            if self.i >= len(self.text):
                return
            if self.text[self.i] == "\n":
                self.line += 1
                self.col = 1
            else:
                self.col += 1
            self.i += 1

    def pos(self) -> Position:
        return (self.line, self.col)

    def skip_ws(self, newlines: bool = False) -> None:
        while True:
            c = self.peek()
            if c in (" ", "\t", "\r") or (newlines and c == "\n"):
                self.advance()
            elif c == "#":
                while self.peek() not in ("\n", ""):
                    self.advance()
            else:
                return

    # -- keys --------------------------------------------------------------------------------
    def read_simple_key(self) -> str:
        c = self.peek()
        if c == '"':
            return self.read_basic_string()
        if c == "'":
            return self.read_literal_string()
        start = self.i
        while self.peek() in _BARE_KEY_CHARS and self.peek() != "":
            self.advance()
        return self.text[start : self.i]

    def read_dotted_key(self) -> list[tuple[str, Position]]:
        parts: list[tuple[str, Position]] = []
        while True:
            self.skip_ws()
            p = self.pos()
            parts.append((self.read_simple_key(), p))
            self.skip_ws()
            if self.peek() == ".":
                self.advance()
                continue
            return parts

    # -- strings -----------------------------------------------------------------------------
    def read_basic_string(self) -> str:
        if self.startswith('"""'):
            self.advance(3)
            out: list[str] = []
            while not self.startswith('"""') or self.startswith('""""'):
                if self.peek() == "\\":
                    self.advance()
                    if self.peek() in ("\n", " ", "\t", "\r"):
                        while self.peek() in ("\n", " ", "\t", "\r"):
                            self.advance()
                        continue
                    out.append(self._escape())
                else:
                    out.append(self.peek())
                    self.advance()
                if self.peek() == "":
                    break
            self.advance(3)
            return "".join(out)
        self.advance()
        out = []
        while self.peek() not in ('"', ""):
            if self.peek() == "\\":
                self.advance()
                out.append(self._escape())
            else:
                out.append(self.peek())
                self.advance()
        self.advance()
        return "".join(out)

    def _escape(self) -> str:
        c = self.peek()
        if c in ("u", "U"):
            width = 4 if c == "u" else 8
            digits = self.text[self.i + 1 : self.i + 1 + width]
            self.advance(1 + width)
            try:
                return chr(int(digits, 16))
            except ValueError:
                return "?"
        self.advance()
        return _ESCAPES.get(c, c)

    def read_literal_string(self) -> str:
        if self.startswith("'''"):
            self.advance(3)
            start = self.i
            while not self.startswith("'''") or self.startswith("''''"):
                if self.peek() == "":
                    break
                self.advance()
            s = self.text[start : self.i]
            self.advance(3)
            return s
        self.advance()
        start = self.i
        while self.peek() not in ("'", ""):
            self.advance()
        s = self.text[start : self.i]
        self.advance()
        return s

    # -- values ------------------------------------------------------------------------------
    def read_value(self, path: KeyPath) -> None:
        self.loc.values[path] = self.pos()
        c = self.peek()
        if c == '"':
            self.read_basic_string()
        elif c == "'":
            self.read_literal_string()
        elif c == "[":
            self.advance()
            index = 0
            while True:
                self.skip_ws(newlines=True)
                if self.peek() in ("]", ""):
                    self.advance()
                    return
                self.read_value((*path, index))
                index += 1
                self.skip_ws(newlines=True)
                if self.peek() == ",":
                    self.advance()
        elif c == "{":
            self.advance()
            while True:
                self.skip_ws()
                if self.peek() in ("}", ""):
                    self.advance()
                    return
                self.read_key_value(path)
                self.skip_ws()
                if self.peek() == ",":
                    self.advance()
        else:
            while self.peek() not in ("", "\n", ",", "]", "}", "#"):
                self.advance()

    def read_key_value(self, table: KeyPath) -> None:
        parts = self.read_dotted_key()
        path = table
        for name, p in parts:
            path = (*path, name)
            self.loc.keys.setdefault(path, p)
        self.skip_ws()
        self.advance()  # '='
        self.skip_ws()
        self.read_value(path)

    # -- tables ------------------------------------------------------------------------------
    def resolve(self, names: list[str]) -> KeyPath:
        """Turn a header's names into a path, stepping into the latest element of any array."""
        path: KeyPath = ()
        for name in names:
            path = (*path, name)
            if path in self.aot_last:
                path = (*path, self.aot_last[path])
        return path

    def read_header(self) -> KeyPath:
        header_pos = self.pos()
        is_array = self.startswith("[[")
        self.advance(2 if is_array else 1)
        parts = self.read_dotted_key()
        self.advance(2 if is_array else 1)
        names = [n for n, _ in parts]
        if is_array:
            parent = self.resolve(names[:-1])
            array_path = (*parent, names[-1])
            index = self.aot_last.get(array_path, -1) + 1
            self.aot_last[array_path] = index
            self.loc.keys.setdefault(array_path, parts[-1][1])
            path: KeyPath = (*array_path, index)
        else:
            path = self.resolve(names)
            self.loc.keys.setdefault(path, parts[-1][1])
        self.loc.tables[path] = header_pos
        return path

    def run(self) -> Locations:
        table: KeyPath = ()
        while True:
            self.skip_ws(newlines=True)
            c = self.peek()
            if c == "":
                return self.loc
            if c == "[":
                table = self.read_header()
            else:
                self.read_key_value(table)
            # Anything left on the line is a comment or whitespace; move to the next line.
            while self.peek() not in ("\n", ""):
                self.advance()


def locate(text: str) -> Locations:
    """Positions of every key, value and table header in *text* (already valid TOML)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return _Scanner(text).run()


@dataclass(frozen=True)
class Shape:
    """What :func:`shape` found; positions are those of :class:`Locations`."""

    too_deep: Position | None = None  # the first bracket, or key dot, past the limit
    too_deep_key: bool = False  # True when that is a dot in a dotted key such as a.b.c
    unclosed: Position | None = None  # where a multi-line string that never ends begins
    unclosed_quote: str = ""  # its opening quotes


# Everything the pass looks at; all else (names, numbers, spaces) is jumped over by the search.
# A one-line string closed on its line is one token; a lone quote opens one that isn't (tomllib
# says what is wrong with it, and where).
_TOKEN = re.compile(r"""\"\"\"|'''|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|["'#\[\]{}.,=]""")


def _position(text: str, i: int) -> Position:
    line_start = text.rfind("\n", 0, i) + 1
    return (text.count("\n", 0, i) + 1, i - line_start + 1)


def _escaped(text: str, i: int) -> bool:
    """Whether the character at *i* follows an odd number of backslashes."""
    j = i
    while j > 0 and text[j - 1] == "\\":
        j -= 1
    return (i - j) % 2 == 1


def _end_of_multiline(text: str, i: int, quote: str) -> int:
    """Index just past the closing quotes of a multi-line string whose body starts at *i*, or -1.

    Up to two more quote marks right before the closing three belong to the text, as in TOML.
    """
    while True:
        j = text.find(quote, i)
        if j < 0:
            return -1
        if quote == '"""' and _escaped(text, j):
            i = j + 1
            continue
        end = j + 3
        while end < len(text) and end - j < 5 and text[end] == quote[0]:
            end += 1
        return end


def _starts_line(text: str, i: int) -> bool:
    """Whether only spaces and tabs come before index *i* on its line."""
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] == "\n"


def shape(text: str, max_depth: int) -> Shape:
    """Look through *text* (not yet parsed) for lists and inline tables inside one another more
    than *max_depth* deep, dotted keys of more than *max_depth* parts, and a multi-line string that
    is never closed. Stops at the first of these; strings and comments are skipped.

    Table headers (``[a]``, ``[[a.b]]``) are not nesting; their dots count as a dotted key's do.
    The pass is lexical, so on broken text it says only what it can see.
    """
    depth = 0  # lists and inline tables open here
    dots = 0  # dots in the dotted key being read
    last_dot = 0
    header_end = -1  # a header's brackets, up to the end of its line, are not nesting
    i = 0
    while m := _TOKEN.search(text, i):
        token, start, i = m.group(), m.start(), m.end()
        if token in ("#", '"', "'"):  # a comment, or a string not closed on its line
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline
        elif token in ('"""', "'''"):
            i = _end_of_multiline(text, i, token)
            if i < 0:
                return Shape(unclosed=_position(text, start), unclosed_quote=token)
        elif token[0] in "\"'":
            pass  # a whole one-line string
        elif token == ".":
            if dots and text.find("\n", last_dot, start) >= 0:
                dots = 0  # a key never runs over two lines
            dots += 1
            last_dot = start
            if dots >= max_depth:  # dots + 1 parts
                return Shape(too_deep=_position(text, start), too_deep_key=True)
        else:
            dots = 0
            if start < header_end:
                continue
            if token == "[" and depth == 0 and _starts_line(text, start):
                newline = text.find("\n", start)
                header_end = len(text) if newline < 0 else newline
            elif token in "[{":
                depth += 1
                if depth > max_depth:
                    return Shape(too_deep=_position(text, start))
            elif token in "]}":
                depth = max(depth - 1, 0)
    return Shape()
