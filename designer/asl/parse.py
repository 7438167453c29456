"""Read an ASL definition from JSON text, strictly, reporting where the text goes wrong.

`json.loads` does the work at C speed; only when it finds a problem (or a duplicate key, which it
would silently drop) does a small position-tracking scanner walk the text again to say where.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass

__all__ = [
    "DefinitionSyntaxError",
    "DefinitionTooDeepError",
    "DuplicateKey",
    "MAX_DEPTH",
    "MAX_INTEGER_DIGITS",
    "parse_definition",
    "parse_definition_lenient",
]

# The position-finding scanner recurses (two frames a level); past this depth it gives up and
# reports the definition as too deeply nested. `json.loads` itself refuses ~1,500 levels.
MAX_DEPTH = _SCAN_LIMIT = 400
# Python turns at most this many decimal digits into an int (a guard against quadratic conversion); json.loads
# raises a bare ValueError past it. No float can hold such a number either, and json.dumps could not write it
# back, so the interpreter could not carry it: the definition is refused, with the number's position.
MAX_INTEGER_DIGITS = sys.get_int_max_str_digits() or 4300


class DefinitionSyntaxError(ValueError):
    """The definition is not strict JSON, or not a JSON object: `message`, 1-based `line` and `column`."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(f"{message} at line {line}, column {column}")
        self.message = message
        self.line = line
        self.column = column


class DefinitionTooDeepError(DefinitionSyntaxError):
    """The JSON nests objects and arrays too deeply to be read at all."""


@dataclass(frozen=True)
class DuplicateKey:
    """A key that appears twice in one object: where the second one is, and the object's JSON pointer."""

    key: str
    parent: tuple  # path of the object holding the key: str keys and int indexes
    line: int
    column: int


def parse_definition(text: str) -> dict:
    """Parse definition text as strict JSON whose top level is an object.

    Rejects NaN/Infinity, duplicate keys and anything `json.loads` rejects, raising
    `DefinitionSyntaxError` with the 1-based line and column of the problem.
    """
    value, duplicates = parse_definition_lenient(text)
    if duplicates:
        first = duplicates[0]
        raise DefinitionSyntaxError(f"Duplicate field name '{first.key}'", first.line, first.column)
    return value


def parse_definition_lenient(text: str) -> tuple[dict, list[DuplicateKey]]:
    """Like `parse_definition`, but duplicate keys are returned (last value wins) instead of raised.

    The validator uses this to report a state defined twice in one `States` object as
    DUPLICATE_STATE_NAME, as AWS does, rather than as a JSON syntax error.
    """
    if not isinstance(text, str):
        raise TypeError(f"definition text must be str, not {type(text).__name__}")
    flagged = False

    def pairs_hook(pairs: list) -> dict:
        nonlocal flagged
        obj = dict(pairs)
        if len(obj) != len(pairs):
            flagged = True
        return obj

    try:
        value = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DefinitionSyntaxError(_describe(exc.msg), exc.lineno, exc.colno) from None
    except (_ConstantFound, RecursionError, ValueError):  # ValueError: an integer of too many digits
        scan = _Scanner(text)
        scan.run()  # raises with the position of the NaN/Infinity, the long integer or the excessive nesting
        raise DefinitionSyntaxError("Invalid JSON") from None  # pragma: no cover - scanner always raises
    if not isinstance(value, dict):
        line, column = _position(text, _first_significant(text))
        raise DefinitionSyntaxError(f"The definition must be a JSON object, not {_json_type(value)}", line, column)
    duplicates: list[DuplicateKey] = []
    if flagged:
        scan = _Scanner(text)
        scan.run()
        duplicates = scan.duplicates
    return value, duplicates


class _ConstantFound(Exception):
    pass


def _reject_constant(name: str):
    # JSON has no NaN or Infinity; Python's json accepts them unless told otherwise.
    raise _ConstantFound(name)


_MESSAGES = {
    "Expecting value": "Unexpected character or end of input where a value was expected",
    "Extra data": "Unexpected content after the end of the JSON value",
}


def _describe(msg: str) -> str:
    return _MESSAGES.get(msg, msg)


def _json_type(value) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def _first_significant(text: str) -> int:
    match = re.compile(r"[^ \t\n\r]").search(text)
    return match.start() if match else 0


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_LITERALS = (("true", True), ("false", False), ("null", None))


class _Scanner:
    """Walks text that `json.loads` already tokenised once, to find where a problem sits.

    Only runs on failure paths (or when duplicates were seen), so clarity beats speed. It tracks
    the path to every object so that a duplicate key can be reported against its container.
    """

    def __init__(self, text: str):
        self.text = text
        self.duplicates: list[DuplicateKey] = []

    def fail(self, message: str, index: int, cls=DefinitionSyntaxError):
        line, column = _position(self.text, index)
        raise cls(message, line, column)

    def run(self) -> None:
        index = self.value(_WS.match(self.text, 0).end(), (), 1)
        index = _WS.match(self.text, index).end()
        if index != len(self.text):
            self.fail(_describe("Extra data"), index)

    def value(self, index: int, path: tuple, depth: int) -> int:
        text = self.text
        if index >= len(text):
            self.fail(_describe("Expecting value"), index)
        char = text[index]
        if char in "{[":
            if depth > _SCAN_LIMIT:
                self.fail(
                    f"The definition nests objects and arrays more than {_SCAN_LIMIT} levels deep",
                    index,
                    DefinitionTooDeepError,
                )
            return self.object(index, path, depth) if char == "{" else self.array(index, path, depth)
        if char == '"':
            return json.decoder.scanstring(text, index + 1)[1]
        for word, _ in _LITERALS:
            if text.startswith(word, index):
                return index + len(word)
        for word in ("NaN", "Infinity", "-Infinity"):
            if text.startswith(word, index):
                self.fail(f"'{word}' is not a valid JSON value", index)
        match = _NUMBER.match(text, index)
        if match:
            digits = len(match.group(1))
            if digits > MAX_INTEGER_DIGITS and not match.group(2) and not match.group(3):
                self.fail(f"The number has {digits:,} digits; an integer has at most {MAX_INTEGER_DIGITS:,}", index)
            return match.end()
        self.fail(_describe("Expecting value"), index)

    def object(self, index: int, path: tuple, depth: int) -> int:
        text = self.text
        seen: set[str] = set()
        index = _WS.match(text, index + 1).end()
        if text.startswith("}", index):
            return index + 1
        while True:
            if not text.startswith('"', index):
                self.fail("Expecting property name enclosed in double quotes", index)
            key, end = json.decoder.scanstring(text, index + 1)
            if key in seen:
                line, column = _position(text, index)
                self.duplicates.append(DuplicateKey(key, path, line, column))
            seen.add(key)
            index = _WS.match(text, end).end()
            if not text.startswith(":", index):
                self.fail("Expecting ':' delimiter", index)
            index = _WS.match(text, index + 1).end()
            index = _WS.match(text, self.value(index, path + (key,), depth + 1)).end()
            if text.startswith("}", index):
                return index + 1
            if not text.startswith(",", index):
                self.fail("Expecting ',' delimiter", index)
            index = _WS.match(text, index + 1).end()

    def array(self, index: int, path: tuple, depth: int) -> int:
        text = self.text
        index = _WS.match(text, index + 1).end()
        if text.startswith("]", index):
            return index + 1
        position = 0
        while True:
            index = _WS.match(text, self.value(index, path + (position,), depth + 1)).end()
            if text.startswith("]", index):
                return index + 1
            if not text.startswith(",", index):
                self.fail("Expecting ',' delimiter", index)
            index = _WS.match(text, index + 1).end()
            position += 1
