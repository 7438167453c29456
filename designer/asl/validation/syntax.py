"""Expression syntax for the validator: JSONPath Paths and Reference Paths, intrinsic calls, JSONata.

The parsers live in `designer.asl.paths`, `designer.asl.intrinsics` and `designer.asl.jsonata`; this
module asks them and turns their answers into one-line problems (None when fine). Answers are
cached: a definition repeats the same paths many times, and a 500-state machine must validate in
well under 100 ms. Plain paths such as `$.a.b[0]` are recognised by a regular expression without
calling the parser at all.
"""

from __future__ import annotations

import re
from functools import lru_cache

from designer.asl import intrinsics, jsonata, paths
from designer.asl.errors import AslSyntaxError

# Certainly valid, and by far the most common: $, $.a.b, $.a[0].b, $$.Execution.Id, $var.x[1].
_SIMPLE_PATH = re.compile(r"\$(?:\$|[A-Za-z_][A-Za-z0-9_]*)?(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*\Z")
_VARIABLE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")


def _message(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    # The parsers report bad input as AslSyntaxError; anything else is a parser bug met on odd input,
    # which must still come out as a diagnostic: a validator never crashes on what users type.
    return text if isinstance(exc, AslSyntaxError) else f"{type(exc).__name__}: {text}"


@lru_cache(maxsize=8192)
def path_problem(text: str) -> str | None:
    """Why `text` is not a valid ASL Path ($..., $$..., $var...), or None if it is."""
    if _SIMPLE_PATH.match(text):
        return None
    if not text.startswith("$"):
        return "Path didn't start with '$'"
    try:
        paths.compile_path(text)
    except Exception as exc:  # noqa: BLE001 - see _message
        return _message(exc)
    return None


@lru_cache(maxsize=8192)
def reference_path_problem(text: str) -> str | None:
    """Why `text` is not a valid Reference Path (a path selecting one node), or None if it is."""
    if _SIMPLE_PATH.match(text):
        return None
    if not text.startswith("$"):
        return "Reference path didn't start with '$'"
    try:
        paths.compile_reference_path(text)
    except Exception as exc:  # noqa: BLE001 - see _message
        return _message(exc)
    return None


def is_variable_path(text: str) -> bool:
    """`$name...` reads a workflow variable (ASL 2024-11), unlike `$`/`$.x` (input) and `$$` (context)."""
    return bool(_VARIABLE.match(text))


@lru_cache(maxsize=4096)
def is_intrinsic(text: str) -> bool:
    """Whether a `.$` value is meant as an intrinsic function call (as opposed to a path)."""
    return intrinsics.is_intrinsic(text)


@lru_cache(maxsize=4096)
def intrinsic_problem(text: str) -> str | None:
    """Why an intrinsic call is malformed (syntax, unknown function, arity), or None."""
    try:
        intrinsics.compile_intrinsic(text)
    except Exception as exc:  # noqa: BLE001 - see _message
        return _message(exc)
    return None


def intrinsic_name(text: str) -> str:
    """The function name of an intrinsic call: "States.Format('{}', $.a)" -> "States.Format"."""
    return text.split("(", 1)[0].strip()


def is_jsonata_expression(value) -> bool:
    """Whether a string is a whole JSONata expression "{% ... %}" (anything else is a literal)."""
    return jsonata.is_jsonata_expression(value)


@lru_cache(maxsize=4096)
def jsonata_problems(text: str) -> tuple[str, ...]:
    """Syntax and restriction problems of a JSONata expression (the whole "{% ... %}" string)."""
    try:
        return tuple(jsonata.jsonata_problems(text))
    except Exception as exc:  # noqa: BLE001 - see _message
        return (f"Invalid JSONata expression '{text}': {_message(exc)}",)
