"""Validate an ASL definition the way AWS's ValidateStateMachineDefinition does.

`validate(definition)` returns diagnostics (severity, AWS code, message, JSON-pointer-like location)
in document order; an empty list of ERRORs means the definition can be compiled and run. The rules
live in `designer.asl.validation`, one module per subject (states, choice, maps, error handling, ...).
"""

from __future__ import annotations

from designer.asl.parse import DefinitionSyntaxError, DefinitionTooDeepError, parse_definition_lenient
from designer.asl.validation.diagnostics import (
    ERROR,
    INVALID_JSON,
    MISSING_DESCRIPTION,
    TOO_DEEPLY_NESTED,
    WARNING,
    Diagnostic,
)
from designer.asl.validation.machine import check_definition

__all__ = ["Diagnostic", "validate", "is_valid"]

SEVERITIES = (ERROR, WARNING)


def validate(definition: str | dict, *, severity: str = ERROR) -> list[Diagnostic]:
    """Check a definition (JSON text or an already parsed dict) and return its diagnostics.

    With `severity="ERROR"` (AWS's default) only errors are returned; with "WARNING" errors and
    warnings. JSON text that does not parse gives one INVALID_JSON_DESCRIPTION diagnostic whose
    message carries the line and column; empty text gives MISSING_DESCRIPTION.
    """
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}, not {severity!r}")
    duplicated: frozenset = frozenset()
    if definition is None or (isinstance(definition, str) and not definition.strip()):
        return [Diagnostic(ERROR, MISSING_DESCRIPTION, "Received a null or empty workflow input", "")]
    if isinstance(definition, str):
        try:
            definition, duplicates = parse_definition_lenient(definition)
        except DefinitionTooDeepError as exc:
            return [Diagnostic(ERROR, TOO_DEEPLY_NESTED, str(exc), "")]
        except DefinitionSyntaxError as exc:
            return [Diagnostic(ERROR, INVALID_JSON, f"Invalid JSON: {exc}", "")]
        problems, duplicated = _duplicate_keys(duplicates)
        if problems:
            return problems
    diagnostics = check_definition(definition, duplicated)
    if severity == ERROR:
        return [d for d in diagnostics if d.severity == ERROR]
    return diagnostics


def is_valid(definition) -> bool:
    """True when `validate` finds no errors (warnings do not count, as for AWS's result OK)."""
    return not validate(definition)


def _duplicate_keys(duplicates) -> tuple[list[Diagnostic], frozenset]:
    """Duplicate keys in the JSON text: a state defined twice in one `States` object becomes
    DUPLICATE_STATE_NAME (reported with the state); any other duplicate key is a JSON error."""
    states: set[str] = set()
    for duplicate in duplicates:
        if _is_states_object(duplicate.parent):
            states.add(_location(duplicate.parent + (duplicate.key,)))
        else:
            where = f"at line {duplicate.line}, column {duplicate.column}"
            message = f"Invalid JSON: Duplicate field name '{duplicate.key}' {where}"
            return [Diagnostic(ERROR, INVALID_JSON, message, "")], frozenset()
    return [], frozenset(states)


def _is_states_object(path: tuple) -> bool:
    # The top-level States, a Parallel branch's (…/Branches/<i>/States) or a Map processor's.
    if not path or path[-1] != "States":
        return False
    if len(path) == 1:
        return True
    parent = path[-2]
    return isinstance(parent, int) or parent in ("ItemProcessor", "Iterator")


def _location(path: tuple) -> str:
    text = ""
    for segment in path:
        text += f"[{segment}]" if isinstance(segment, int) else f"/{segment}"
    return text
