"""Line and column of every key and value in a TOML document.

``tomllib`` gives values but not where they were written; validation messages need
``PATH:LINE:COL``. :func:`locate` walks text that ``tomllib`` has already accepted (so it can assume
valid syntax) and maps each key path, as ``tomllib`` would nest it, to positions:

    ("title",)                 -> the ``title = ...`` line
    ("step", 2, "seconds")     -> ``seconds`` in the third ``[[step]]`` table
    ("step", 0, "cue", 1, "at")-> ``at`` in the second cue of the first step, whether the cue is a
                                  ``[[step.cue]]`` table or an inline table in an array

Lines and columns are 1-based; columns count characters, as an editor shows them.
"""

from __future__ import annotations

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
