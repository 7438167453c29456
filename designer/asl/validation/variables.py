"""Workflow variables: the `Assign` field on states, Choice rules and Catchers (ASL 2024-11).

ASL: Assign's top-level keys are variable names (Unicode identifiers, at most 80 characters, never
`states`, no sub-path assignment such as "x.y"); JSONPath Assign values follow payload-template rules
(`name.$` evaluates a path or intrinsic), JSONata Assign values are JSONata templates. A Parallel
branch or Map iteration reads the variables of the scopes around it but may not assign their names.
"""

from __future__ import annotations

from designer.asl.validation import templates
from designer.asl.validation.diagnostics import Report, at
from designer.asl.validation.values import expected

MAX_NAME_LENGTH = 80
RESERVED = "states"


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a variable name, or None."""
    if not name:
        return "Variable names cannot be empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"Variable name '{name[:40]}…' is {len(name)} characters long; the maximum is {MAX_NAME_LENGTH}"
    if name == RESERVED:
        return "'states' is a reserved name ($states) and cannot be assigned"
    if "." in name or "[" in name:
        return f"Variable name '{name}' assigns into a path; Assign takes whole variable names only"
    if not name.isidentifier():
        return f"Variable name '{name}' is not a valid identifier (a letter or '_' followed by letters, digits or '_')"
    return None


def assigned_names(assign, jsonpath: bool) -> list[str]:
    """The valid variable names an Assign object sets (used to build each scope's name table)."""
    if not isinstance(assign, dict):
        return []
    names = []
    for key in assign:
        name = key[:-2] if jsonpath and key.endswith(".$") else key
        if name_problem(name) is None:
            names.append(name)
    return names


def check_assign(
    report: Report,
    value,
    location: str,
    *,
    jsonpath: bool,
    states_fields: frozenset = templates.BASE_STATES_FIELDS,
    outer_names=None,
) -> None:
    """Check an Assign object; `outer_names` maps names assigned by enclosing scopes to where."""
    if not isinstance(value, dict):
        expected(report, location, value, "OBJECT")
        return
    for key in value:
        name = key[:-2] if jsonpath and key.endswith(".$") else key
        key_location = at(location, key)
        problem = name_problem(name)
        if problem:
            report.schema(problem, key_location)
        elif outer_names and name in outer_names:
            report.schema(
                f"Variable '{name}' is already assigned in an enclosing scope (at {outer_names[name]}); states "
                "inside a Parallel branch or Map iteration can read it but not assign it",
                key_location,
            )
    if jsonpath:
        templates.check_payload_template(report, value, location)
    else:
        templates.check_jsonata_template(report, value, location, states_fields)
