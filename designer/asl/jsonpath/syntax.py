"""Parse JSONPath text into a root and a tuple of segments.

ASL: "a Path is a string, beginning with "$", used to identify components with a JSON text. The syntax is
that of JsonPath" (AWS uses Jayway JsonPath). On top of it ASL adds the Context Object root `$$` and, since
2024-11, variable roots `$name`. Functions such as `length()` are not JsonPath functions in AWS: they are
read as ordinary property names (AWS: "Property ['length()'] not found").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from designer.asl.errors import AslSyntaxError

INPUT, CONTEXT, VARIABLE = "input", "context", "variable"


@dataclass(frozen=True, slots=True)
class Child:
    """`.name` or `['name']`."""

    name: str


@dataclass(frozen=True, slots=True)
class Index:
    """`[n]`; negative counts from the end (Jayway)."""

    index: int


@dataclass(frozen=True, slots=True)
class Props:
    """`['a','b']`: as the last segment, one object holding the properties present (Jayway merge)."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Indexes:
    """`[0,2]`."""

    indexes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Slice:
    """`[start:end]`, either bound optional, Python slice semantics (as Jayway's)."""

    start: int | None
    end: int | None


@dataclass(frozen=True, slots=True)
class Wildcard:
    """`.*` or `[*]`: the values of an object, the elements of an array."""


@dataclass(frozen=True, slots=True)
class Filter:
    """`[?(...)]`: array elements (or the object itself) for which the predicate holds."""

    text: str
    predicate: Callable[[Any, Any], bool]


@dataclass(frozen=True, slots=True)
class DeepScan:
    """`..selector`: the selector applied to the node and every descendant, in document order."""

    selector: Any


# Segments after which a path can still match at most one node.
DEFINITE = (Child, Index, Props)


@dataclass(frozen=True, slots=True)
class ParsedPath:
    root: str
    variable: str | None
    segments: tuple


class Reader:
    """A cursor over expression text; shared with the filter parser."""

    __slots__ = ("text", "pos")

    def __init__(self, text: str, pos: int = 0):
        self.text = text
        self.pos = pos

    def peek(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.text[i] if i < len(self.text) else ""

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def startswith(self, prefix: str) -> bool:
        return self.text.startswith(prefix, self.pos)

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def expect(self, char: str) -> None:
        if self.peek() != char:
            self.fail(f"expected '{char}'")
        self.pos += 1

    def fail(self, message: str) -> AslSyntaxError:
        raise AslSyntaxError(f"Invalid JSONPath '{self.text}': {message} at position {self.pos}")


def is_name_start(char: str) -> bool:
    # ASL variable names: Unicode ID_Start (plus "_") then ID_Continue, as Python identifiers.
    return char == "_" or char.isidentifier()


def parse_path(text: str) -> ParsedPath:
    """Parse a whole ASL Path: `$...`, `$$...` (Context Object) or `$name...` (variable)."""
    if not isinstance(text, str) or not text.startswith("$"):
        raise AslSyntaxError(f"Invalid JSONPath {text!r}: a path must start with '$'")
    reader = Reader(text, 1)
    root, variable = INPUT, None
    if reader.peek() == "$":
        root = CONTEXT
        reader.pos = 2
    elif is_name_start(reader.peek()):
        start = reader.pos
        reader.pos += 1
        while not reader.at_end() and (text[start : reader.pos + 1]).isidentifier():
            reader.pos += 1
        root, variable = VARIABLE, text[start : reader.pos]
    segments = parse_segments(reader, in_filter=False)
    if not reader.at_end():
        reader.fail("unexpected character")
    return ParsedPath(root, variable, tuple(segments))


# In a filter a name ends where an operator, a logical connective or the closing parenthesis begins.
_FILTER_NAME_STOP = frozenset(" \t\r\n<>=~!)&|,")


def parse_segments(reader: Reader, *, in_filter: bool) -> list:
    """Read `.name`, `..x`, `[...]` segments until the end (or, in a filter, the first other character)."""
    segments: list = []
    while not reader.at_end():
        char = reader.peek()
        if char == ".":
            if reader.peek(1) == ".":
                reader.pos += 2
                if reader.peek() == "[":
                    selector = _bracket(reader)
                elif reader.peek() == "*":
                    reader.pos += 1
                    selector = Wildcard()
                else:
                    selector = Child(_dot_name(reader, in_filter))
                segments.append(DeepScan(selector))
            else:
                reader.pos += 1
                if reader.peek() == "*":
                    reader.pos += 1
                    segments.append(Wildcard())
                else:
                    segments.append(Child(_dot_name(reader, in_filter)))
        elif char == "[":
            segments.append(_bracket(reader))
        elif in_filter:
            break
        else:
            reader.fail("unexpected character")
    return segments


def _dot_name(reader: Reader, in_filter: bool) -> str:
    # ASL allows a backslash to escape a character in dot notation, e.g. `$.store\.book`.
    chars: list[str] = []
    text = reader.text
    while reader.pos < len(text):
        char = text[reader.pos]
        if char == "\\" and reader.pos + 1 < len(text):
            chars.append(text[reader.pos + 1])
            reader.pos += 2
            continue
        if char in ".[":
            break
        if in_filter and char in _FILTER_NAME_STOP:
            break
        if char in " \t\r\n":
            reader.fail("use bracket notation ['my prop'] for a property containing blanks")
        chars.append(char)
        reader.pos += 1
    if not chars:
        reader.fail("empty property name")
    return "".join(chars)


def _bracket(reader: Reader):
    reader.expect("[")
    reader.skip_ws()
    char = reader.peek()
    if char in ("'", '"'):
        names = [read_quoted(reader)]
        reader.skip_ws()
        while reader.peek() == ",":
            reader.pos += 1
            reader.skip_ws()
            if reader.peek() not in ("'", '"'):
                reader.fail("expected a quoted property name")
            names.append(read_quoted(reader))
            reader.skip_ws()
        reader.expect("]")
        return Child(names[0]) if len(names) == 1 else Props(tuple(names))
    if char == "*":
        reader.pos += 1
        reader.skip_ws()
        reader.expect("]")
        return Wildcard()
    if char == "?":
        from designer.asl.jsonpath.filters import parse_filter

        start = reader.pos
        reader.pos += 1
        reader.skip_ws()
        reader.expect("(")
        predicate = parse_filter(reader)
        reader.skip_ws()
        reader.expect("]")
        return Filter(reader.text[start : reader.pos - 1], predicate)
    end = reader.text.find("]", reader.pos)
    if end < 0:
        reader.fail("unclosed '['")
    content = reader.text[reader.pos : end].replace(" ", "")
    reader.pos = end + 1
    try:
        if ":" in content:
            parts = content.split(":")
            if len(parts) != 2:
                raise ValueError
            start_text, end_text = parts
            return Slice(int(start_text) if start_text else None, int(end_text) if end_text else None)
        indexes = tuple(int(part) for part in content.split(","))
    except ValueError:
        reader.fail(f"invalid array index '[{content}]'")
    return Index(indexes[0]) if len(indexes) == 1 else Indexes(indexes)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


def read_quoted(reader: Reader) -> str:
    """A 'single' or "double" quoted string with backslash escapes (the cursor is on the quote)."""
    quote = reader.peek()
    reader.pos += 1
    chars: list[str] = []
    text = reader.text
    while reader.pos < len(text):
        char = text[reader.pos]
        if char == "\\" and reader.pos + 1 < len(text):
            nxt = text[reader.pos + 1]
            if nxt == "u" and reader.pos + 6 <= len(text):
                try:
                    chars.append(chr(int(text[reader.pos + 2 : reader.pos + 6], 16)))
                    reader.pos += 6
                    continue
                except ValueError:
                    pass
            chars.append(_ESCAPES.get(nxt, nxt))
            reader.pos += 2
            continue
        if char == quote:
            reader.pos += 1
            return "".join(chars)
        chars.append(char)
        reader.pos += 1
    reader.fail("unterminated string")
