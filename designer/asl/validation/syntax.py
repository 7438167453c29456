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

from designer.asl.errors import AslSyntaxError

# Certainly valid, and by far the most common: $, $.a.b, $.a[0].b, $$.Execution.Id, $var.x[1].
_SIMPLE_PATH = re.compile(r"\$(?:\$|[A-Za-z_][A-Za-z0-9_]*)?(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*\Z")
_VARIABLE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")


def _paths():
    try:
        from designer.asl import paths
    except ImportError:  # pragma: no cover - only while the path compiler is being written
        return None
    return paths


def _intrinsics():
    try:
        from designer.asl import intrinsics
    except ImportError:  # pragma: no cover
        return None
    return intrinsics


def _jsonata():
    try:
        from designer.asl import jsonata
    except ImportError:  # pragma: no cover
        return None
    return jsonata


def _message(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


@lru_cache(maxsize=8192)
def path_problem(text: str) -> str | None:
    """Why `text` is not a valid ASL Path ($..., $$..., $var...), or None if it is."""
    if _SIMPLE_PATH.match(text):
        return None
    if not text.startswith("$"):
        return "Path didn't start with '$'"
    module = _paths()
    if module is None:  # pragma: no cover
        return _fallback_path_problem(text, reference=False)
    try:
        module.compile_path(text)
    except AslSyntaxError as exc:
        return _message(exc)
    return None


@lru_cache(maxsize=8192)
def reference_path_problem(text: str) -> str | None:
    """Why `text` is not a valid Reference Path (a path selecting one node), or None if it is."""
    if _SIMPLE_PATH.match(text):
        return None
    if not text.startswith("$"):
        return "Reference path didn't start with '$'"
    module = _paths()
    if module is None:  # pragma: no cover
        return _fallback_path_problem(text, reference=True)
    try:
        module.compile_reference_path(text)
    except AslSyntaxError as exc:
        return _message(exc)
    return None


def is_context_path(text: str) -> bool:
    return text.startswith("$$")


def is_variable_path(text: str) -> bool:
    """`$name...` reads a workflow variable (ASL 2024-11), unlike `$`/`$.x` (input) and `$$` (context)."""
    return bool(_VARIABLE.match(text))


@lru_cache(maxsize=4096)
def is_intrinsic(text: str) -> bool:
    """Whether a `.$` value is meant as an intrinsic function call (as opposed to a path)."""
    module = _intrinsics()
    if module is None:  # pragma: no cover
        return text.startswith("States.")
    return bool(module.is_intrinsic(text))


@lru_cache(maxsize=4096)
def intrinsic_problem(text: str) -> str | None:
    """Why an intrinsic call is malformed (syntax, unknown function, arity), or None."""
    module = _intrinsics()
    if module is None:  # pragma: no cover
        return None if re.fullmatch(r"States\.\w+\(.*\)", text, re.S) else "Invalid intrinsic function call"
    try:
        module.compile_intrinsic(text)
    except AslSyntaxError as exc:
        return _message(exc)
    return None


def intrinsic_name(text: str) -> str:
    """The function name of an intrinsic call: "States.Format('{}', $.a)" -> "States.Format"."""
    return text.split("(", 1)[0].strip()


def is_jsonata_expression(value) -> bool:
    """Whether a string is a whole JSONata expression "{% ... %}" (anything else is a literal)."""
    if not isinstance(value, str):
        return False
    module = _jsonata()
    if module is None:  # pragma: no cover
        stripped = value.strip()
        return stripped.startswith("{%") and stripped.endswith("%}") and len(stripped) >= 4
    return bool(module.is_jsonata_expression(value))


@lru_cache(maxsize=4096)
def jsonata_problems(text: str) -> tuple[str, ...]:
    """Syntax and restriction problems of a JSONata expression (the whole "{% ... %}" string)."""
    module = _jsonata()
    if module is None:  # pragma: no cover
        body = text.strip()[2:-2].strip()
        return () if body else ("Unexpected end of expression",)
    return tuple(module.jsonata_problems(text))


def _fallback_path_problem(text: str, *, reference: bool) -> str | None:  # pragma: no cover
    depth = 0
    for char in text:
        depth += char == "["
        depth -= char == "]"
        if depth < 0:
            return "Unbalanced ']'"
    if depth:
        return "Unbalanced '['"
    if reference and ("*" in text or ".." in text or "?" in text or "@" in text):
        return "Reference paths cannot use wildcards, deep scans or filters"
    return None
