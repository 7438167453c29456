"""Parse an intrinsic function call `States.Name(arg, ...)` into a small tree.

ASL (Appendix B, AWS intrinsic-functions): arguments are 'single-quoted strings', numbers, true, false, null,
Paths (`$.x`, `$$.x`, `$var`) or nested intrinsic calls. Inside strings the reserved characters ' { } \\ are
escaped with a backslash; any other backslash is an open escape, which AWS rejects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from designer.asl.errors import AslSyntaxError
from designer.asl.paths import CompiledPath, compile_path


@dataclass(frozen=True, slots=True)
class Literal:
    value: Any
    # For strings: where an unescaped "{}" starts in `value` (States.Format placeholders); `\{\}` is literal.
    placeholders: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PathArg:
    path: CompiledPath


@dataclass(frozen=True, slots=True)
class Call:
    name: str  # without the "States." prefix
    args: tuple


_NAME = re.compile(r"States\.([A-Za-z0-9]+)\s*\(")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_KEYWORDS = (("true", True), ("false", False), ("null", None))


def parse_call(text: str) -> Call:
    """Parse the whole text as one call (surrounding blanks allowed); AslSyntaxError otherwise."""
    parser = _Parser(text)
    parser.skip_ws()
    call = parser.call()
    parser.skip_ws()
    if parser.pos != len(text):
        parser.fail("unexpected text after the closing parenthesis")
    return call


def count_calls(node: Any) -> int:
    """How many intrinsic calls a tree holds (AWS counts them toward the limit of 10 per field)."""
    if isinstance(node, Call):
        return 1 + sum(count_calls(arg) for arg in node.args)
    return 0


class _Parser:
    __slots__ = ("text", "pos")

    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def fail(self, message: str):
        raise AslSyntaxError(f"Invalid intrinsic function '{self.text}': {message} at position {self.pos}")

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def call(self) -> Call:
        match = _NAME.match(self.text, self.pos)
        if not match:
            self.fail("expected States.<Function>(")
        self.pos = match.end()
        args: list = []
        self.skip_ws()
        if self._peek() == ")":
            self.pos += 1
            return Call(match.group(1), ())
        while True:
            args.append(self.argument())
            self.skip_ws()
            char = self._peek()
            self.pos += 1
            if char == ")":
                return Call(match.group(1), tuple(args))
            if char != ",":
                self.pos -= 1
                self.fail("expected ',' or ')'")
            self.skip_ws()

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def argument(self) -> Any:
        char = self._peek()
        if char == "'":
            return self.string()
        if char == "$":
            return self.path()
        if self.text.startswith("States.", self.pos):
            return self.call()
        for word, value in _KEYWORDS:
            if self.text.startswith(word, self.pos) and self._delimited(self.pos + len(word)):
                self.pos += len(word)
                return Literal(value)
        match = _NUMBER.match(self.text, self.pos)
        if match and self._delimited(match.end()):
            self.pos = match.end()
            number = match.group()
            return Literal(float(number) if match.group(1) or match.group(2) else int(number))
        self.fail("expected a string, number, boolean, null, path or intrinsic function")

    def _delimited(self, end: int) -> bool:
        return end >= len(self.text) or self.text[end] in ",)" or self.text[end].isspace()

    def string(self) -> Literal:
        self.pos += 1  # opening quote
        chars: list[str] = []
        placeholders: list[int] = []
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\\":
                escaped = text[self.pos + 1 : self.pos + 2]
                if escaped not in ("'", "{", "}", "\\"):
                    # AWS: "If an open escape backslash \ is found ... the interpreter will throw an error."
                    self.fail("open escape '\\' (only \\' \\{ \\} \\\\ are allowed)")
                chars.append(escaped)
                self.pos += 2
            elif char == "'":
                self.pos += 1
                return Literal("".join(chars), tuple(placeholders))
            elif char == "{" and text.startswith("{}", self.pos):
                placeholders.append(len(chars))
                chars.extend("{}")
                self.pos += 2
            else:
                chars.append(char)
                self.pos += 1
        self.fail("unterminated string")

    def path(self) -> PathArg:
        # A path runs to the ',' or ')' that closes the argument; brackets, filter parentheses and quotes
        # inside it (e.g. `$.a[?(@.b == 'x, y')]`) are skipped over.
        start, depth, quote = self.pos, 0, None
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if quote:
                if char == "\\":
                    self.pos += 1
                elif char == quote:
                    quote = None
            elif char in "'\"" and depth:
                quote = char
            elif char in "[(":
                depth += 1
            elif char in "])":
                if not depth:
                    break
                depth -= 1
            elif not depth and (char == "," or char.isspace()):
                break
            elif char == "\\":
                self.pos += 1  # `$.a\,b`: an escaped character belongs to the path
            self.pos += 1
        return PathArg(compile_path(text[start : self.pos]))
