"""Filter predicates `[?(...)]` in the Jayway dialect AWS uses.

Grammar: `||` over `&&` over `!`/parentheses over relations `left op right`, or a lone path (an existence
test, `[?(@.isbn)]`). Operands: `@...` (the candidate node), `$...` (the document root), numbers, 'strings',
"strings", true/false/null, [lists] and /regex/flags. Operators: == != < <= > >= =~ in nin contains subsetof
anyof noneof size empty (Jayway's RelationalOperator). A missing path compares as undefined: false for
everything except the negations (`!=`, `nin`, `noneof`), as in Jayway.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from designer.asl.jsonpath.select import MISSING, select_all, walk_definite
from designer.asl.jsonpath.syntax import DEFINITE, Reader, parse_segments, read_quoted

Predicate = Callable[[Any, Any], bool]
Operand = Callable[[Any, Any], Any]  # (candidate node, root) -> value or MISSING


def parse_filter(reader: Reader) -> Predicate:
    """Parse from just after `[?(` up to and including the matching `)`."""
    predicate = _parse_or(reader)
    reader.skip_ws()
    reader.expect(")")
    return predicate


def _parse_or(reader: Reader) -> Predicate:
    terms = [_parse_and(reader)]
    reader.skip_ws()
    while reader.startswith("||"):
        reader.pos += 2
        terms.append(_parse_and(reader))
        reader.skip_ws()
    if len(terms) == 1:
        return terms[0]
    return lambda node, root: any(term(node, root) for term in terms)


def _parse_and(reader: Reader) -> Predicate:
    terms = [_parse_unary(reader)]
    reader.skip_ws()
    while reader.startswith("&&"):
        reader.pos += 2
        terms.append(_parse_unary(reader))
        reader.skip_ws()
    if len(terms) == 1:
        return terms[0]
    return lambda node, root: all(term(node, root) for term in terms)


def _parse_unary(reader: Reader) -> Predicate:
    reader.skip_ws()
    if reader.peek() == "!" and reader.peek(1) != "=":
        reader.pos += 1
        inner = _parse_unary(reader)
        return lambda node, root: not inner(node, root)
    if reader.peek() == "(":
        reader.pos += 1
        inner = _parse_or(reader)
        reader.skip_ws()
        reader.expect(")")
        return inner
    return _parse_relation(reader)


_SYMBOLS = ("===", "!==", "==", "!=", "<=", ">=", "=~", "<", ">")
_WORDS = ("subsetof", "contains", "noneof", "anyof", "empty", "size", "nin", "in")


def _parse_relation(reader: Reader) -> Predicate:
    left, is_path = _parse_operand(reader)
    reader.skip_ws()
    operator = _read_operator(reader)
    if operator is None:
        if is_path:
            return lambda node, root: left(node, root) is not MISSING
        return lambda node, root: left(node, root) is True
    right, _ = _parse_operand(reader)
    compare = _OPERATORS[operator]
    return lambda node, root: compare(left(node, root), right(node, root))


def _read_operator(reader: Reader) -> str | None:
    for symbol in _SYMBOLS:
        if reader.startswith(symbol):
            reader.pos += len(symbol)
            return symbol
    for word in _WORDS:
        if reader.startswith(word) and not reader.peek(len(word)).isalnum():
            reader.pos += len(word)
            return word
    return None


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


def _parse_operand(reader: Reader) -> tuple[Operand, bool]:
    reader.skip_ws()
    char = reader.peek()
    if char in ("@", "$"):
        reader.pos += 1
        segments = tuple(parse_segments(reader, in_filter=True))
        relative = char == "@"
        if all(isinstance(s, DEFINITE) for s in segments):

            def definite(node: Any, root: Any) -> Any:
                return walk_definite(node if relative else root, segments)

            return definite, True

        def indefinite(node: Any, root: Any) -> Any:
            found = select_all(segments, node if relative else root, root)
            return found if found else MISSING

        return indefinite, True
    value = _parse_literal(reader)
    return (lambda node, root: value), False


def _parse_literal(reader: Reader) -> Any:
    char = reader.peek()
    if char in ("'", '"'):
        return read_quoted(reader)
    if char == "[":
        reader.pos += 1
        items: list = []
        reader.skip_ws()
        while reader.peek() != "]":
            items.append(_parse_literal(reader))
            reader.skip_ws()
            if reader.peek() == ",":
                reader.pos += 1
                reader.skip_ws()
            elif reader.peek() != "]":
                reader.fail("expected ',' or ']' in a list")
        reader.pos += 1
        return items
    if char == "/":
        end = reader.pos + 1
        while end < len(reader.text) and reader.text[end] != "/":
            end += 2 if reader.text[end] == "\\" else 1
        if end >= len(reader.text):
            reader.fail("unterminated regular expression")
        pattern = reader.text[reader.pos + 1 : end]
        reader.pos = end + 1
        flags = 0
        while reader.peek().isalpha():
            flags |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}.get(reader.peek(), 0)
            reader.pos += 1
        try:
            return re.compile(pattern, flags)
        except re.error as exc:
            reader.fail(f"invalid regular expression ({exc})")
    for word, value in (("true", True), ("false", False), ("null", None)):
        if reader.startswith(word) and not reader.peek(len(word)).isalnum():
            reader.pos += len(word)
            return value
    match = _NUMBER.match(reader.text, reader.pos)
    if match:
        reader.pos = match.end()
        number = match.group()
        return float(number) if match.group(1) or match.group(2) else int(number)
    reader.fail("expected a value")


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _equal(left: Any, right: Any) -> bool:
    # Jayway compares numbers by value (1 == 1.0) and a number equals a string holding the same number.
    if left is MISSING or right is MISSING:
        return False
    if _is_number(left):
        if _is_number(right):
            return left == right
        if isinstance(right, str):
            try:
                return left == float(right)
            except ValueError:
                return False
        return False
    if isinstance(left, str) and _is_number(right):
        return _equal(right, left)
    if type(left) is not type(right):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(_equal(a, b) for a, b in zip(left, right))
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(_equal(left[k], right[k]) for k in left)
    return left == right


def _strict_equal(left: Any, right: Any) -> bool:
    if left is MISSING or right is MISSING or type(left) is not type(right):
        return False
    return _equal(left, right)


def _ordered(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    # Jayway orders numbers with numbers and strings with strings; any other pairing is false.
    def compare(left: Any, right: Any) -> bool:
        if _is_number(left) and _is_number(right):
            return test(left, right)
        if isinstance(left, str) and isinstance(right, str):
            return test(left, right)
        return False

    return compare


def _regex(left: Any, right: Any) -> bool:
    if not isinstance(right, re.Pattern):
        return False
    if isinstance(left, bool):
        left = "true" if left else "false"
    if not isinstance(left, str):
        return False
    return right.fullmatch(left) is not None  # Java Matcher.matches(): the whole input


def _member(left: Any, right: Any) -> bool:
    return isinstance(right, list) and any(_equal(left, item) for item in right)


def _contains(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return right in left
    return isinstance(left, list) and any(_equal(item, right) for item in left)


def _subset(left: Any, right: Any) -> bool:
    return isinstance(left, list) and isinstance(right, list) and all(_member(item, right) for item in left)


def _any_of(left: Any, right: Any) -> bool:
    return isinstance(left, list) and isinstance(right, list) and any(_member(item, right) for item in left)


def _none_of(left: Any, right: Any) -> bool:
    return not _any_of(left, right)


def _size(left: Any, right: Any) -> bool:
    return isinstance(left, (str, list)) and _is_number(right) and len(left) == right


def _empty(left: Any, right: Any) -> bool:
    return isinstance(left, (str, list)) and isinstance(right, bool) and (len(left) == 0) == right


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": _equal,
    "!=": lambda left, right: not _equal(left, right),
    "===": _strict_equal,
    "!==": lambda left, right: not _strict_equal(left, right),
    "<": _ordered(lambda a, b: a < b),
    "<=": _ordered(lambda a, b: a <= b),
    ">": _ordered(lambda a, b: a > b),
    ">=": _ordered(lambda a, b: a >= b),
    "=~": _regex,
    "in": _member,
    "nin": lambda left, right: not _member(left, right),
    "contains": _contains,
    "subsetof": _subset,
    "anyof": _any_of,
    "noneof": _none_of,
    "size": _size,
    "empty": _empty,
}
