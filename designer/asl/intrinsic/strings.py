"""States.Format, States.StringSplit and States.UUID."""

from __future__ import annotations

import uuid
from typing import Any, Callable

from designer.asl.intrinsic.arguments import fail, string
from designer.asl.intrinsic.parse import Literal


def build_format(nodes: tuple) -> Callable[[list], str]:
    """States.Format(template, ...): each `{}` of the template replaced by the next argument's text.

    A template written as a string literal is split once, here, honouring `\\{` `\\}` escapes; a template
    read from a path is split at run time on every "{}".
    """
    first = nodes[0]
    if isinstance(first, Literal) and isinstance(first.value, str):
        pieces = _split_literal(first.value, first.placeholders)
        return lambda args: _fill(pieces, args)

    def dynamic(args: list) -> str:
        template = string("Format", args[0], "template (first argument)")
        return _fill(template.split("{}"), args)

    return dynamic


def _split_literal(value: str, placeholders: tuple[int, ...]) -> list[str]:
    pieces, start = [], 0
    for at in placeholders:
        pieces.append(value[start:at])
        start = at + 2
    pieces.append(value[start:])
    return pieces


def _fill(pieces: list[str], args: list) -> str:
    values = args[1:]
    if len(values) != len(pieces) - 1:
        # ASL: "There must be as many remaining arguments in the Invocation as there are occurrences of {}."
        fail("Format", f"the template has {len(pieces) - 1} placeholder(s) '{{}}' but {len(values)} value(s) were given")
    out = [pieces[0]]
    for value, piece in zip(values, pieces[1:]):
        out.append(format_text(value))
        out.append(piece)
    return "".join(out)


def format_text(value: Any) -> str:
    """A value as States.Format prints it (AWS, recorded in localstack's suite): strings unquoted, null as
    "null", objects and arrays in Java's toString form, e.g. {Arg1=1, Arg2=[]} and [1, a]."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "[" + ", ".join(format_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={format_text(item)}" for key, item in value.items()) + "}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)  # int, or float as JSON prints it (1.1, 1.0)


def string_split(args: list) -> list[str]:
    text = string("StringSplit", args[0], "input string (first argument)")
    delimiters = string("StringSplit", args[1], "delimiter (second argument)")
    # Every character of the second argument separates; empty pieces are dropped (as Java's StringTokenizer).
    if not delimiters:
        return [text] if text else []
    parts, current = [], []
    separators = set(delimiters)
    for char in text:
        if char in separators:
            if current:
                parts.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        parts.append("".join(current))
    return parts


def new_uuid(args: list) -> str:
    # AWS: "returns a version 4 universally unique identifier (v4 UUID)".
    return str(uuid.uuid4())
