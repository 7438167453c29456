"""Payload templates (JSONPath `.$` keys) and JSONata templates (`{% %}` strings), at any depth.

ASL: in a JSONPath Payload Template a field whose name ends in ".$" takes its value from a Path
(`$...` input, `$$...` context object, `$name...` variable) or an intrinsic function call, and is
renamed without the suffix; every other value is a literal. In JSONata states every string of the
form "{% expr %}" inside Output/Arguments/Assign/... is an expression; other strings are literals.
"""

from __future__ import annotations

import re

from designer.asl.validation import syntax
from designer.asl.validation.diagnostics import (
    INVALID_JSONATA,
    NO_DOLLAR,
    PASS_RESULT_IS_STATIC,
    UNSUPPORTED_JSONATA,
    Report,
    at,
    item,
    show,
)
from designer.asl.validation.values import expected, looks_like_path

# ASL: $states.input and $states.context are readable everywhere; $states.result only in the
# Output/Assign of Task, Map and Parallel; $states.errorOutput only in a Catcher's Output/Assign.
BASE_STATES_FIELDS = frozenset({"input", "context"})
RESULT_STATES_FIELDS = BASE_STATES_FIELDS | {"result"}
CATCHER_STATES_FIELDS = BASE_STATES_FIELDS | {"errorOutput"}

_STATES_FIELD = re.compile(r"\$states\s*\.\s*([A-Za-z_$][A-Za-z0-9_$]*)")
_INTRINSIC_LOOK = re.compile(r"States\.[A-Za-z]+\(")


def dollar_value_problem(value) -> str | None:
    """Why a `.$` field's value is neither a valid Path nor a valid intrinsic call (None if fine)."""
    if not isinstance(value, str):
        return f"expected a string, got {show(value)}"
    if value.startswith("$"):
        return syntax.path_problem(value)
    if syntax.is_intrinsic(value) or value.lstrip().startswith("States."):
        return syntax.intrinsic_problem(value)
    return f"{show(value)} is neither a path (starting with '$') nor an intrinsic function (States.*)"


def check_dollar_field(report: Report, key: str, value, location: str) -> None:
    problem = dollar_value_problem(value)
    if problem:
        report.schema(
            f"The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call: {problem}",
            location,
        )


def check_payload_template(report: Report, value, location: str, *, require_object: bool = True) -> None:
    """A JSONPath payload template (Parameters, ResultSelector, ItemSelector, JSONPath Assign, ...)."""
    if require_object and not isinstance(value, dict):
        expected(report, location, value, "OBJECT")
        return
    _walk_payload(report, value, location)


def _walk_payload(report: Report, node, location: str) -> None:
    if isinstance(node, dict):
        seen: dict[str, str] = {}
        for key, value in node.items():
            key_location = at(location, key)
            if key.endswith(".$"):
                name = key[:-2]
                check_dollar_field(report, key, value, key_location)
            else:
                name = key
                if isinstance(value, (dict, list)):
                    _walk_payload(report, value, key_location)
                elif _looks_evaluated(value):
                    report.warning(
                        NO_DOLLAR,
                        f"The value of field '{key}' looks like a JSONPath or intrinsic function, but the field "
                        f"name does not end with '.$', so it is passed on as the literal string {show(value)}",
                        key_location,
                    )
            if name in seen:
                report.schema(
                    f"The field '{name}' is given twice ('{seen[name]}' and '{key}'): names must be unique "
                    "once the '.$' suffix is removed",
                    key_location,
                )
            else:
                seen[name] = key
    elif isinstance(node, list):
        for index, element in enumerate(node):
            if isinstance(element, (dict, list)):
                _walk_payload(report, element, item(location, index))


def _looks_evaluated(value) -> bool:
    return looks_like_path(value) or (isinstance(value, str) and bool(_INTRINSIC_LOOK.match(value)))


def check_pass_result(report: Report, node, location: str) -> None:
    """A Pass state's Result is static JSON: `.$` keys and path-like values in it are never evaluated
    (AWS: PASS_RESULT_IS_STATIC, "attempt to use a path in the result of a pass state", a warning)."""
    if isinstance(node, dict):
        for key, value in node.items():
            key_location = at(location, key)
            if key.endswith(".$"):
                report.warning(
                    PASS_RESULT_IS_STATIC,
                    f"The Result of a Pass state is static, so field '{key}' is not evaluated and keeps the "
                    f"literal value {show(value)}; use Parameters to select values from the input",
                    key_location,
                )
            if not key.endswith(".$"):
                check_pass_result(report, value, key_location)
    elif isinstance(node, list):
        for index, element in enumerate(node):
            check_pass_result(report, element, item(location, index))
    elif _looks_evaluated(node):
        report.warning(
            PASS_RESULT_IS_STATIC,
            f"The Result of a Pass state is static, so {show(node)} is passed on as a literal string, not "
            "evaluated; use Parameters (with a '.$' field) to select values from the input",
            location,
        )


def check_jsonata_template(report: Report, node, location: str, states_fields: frozenset) -> None:
    """Every `{% %}` string in a JSONata template (Output, Arguments, Assign values, ItemSelector...)."""
    if isinstance(node, str):
        check_jsonata_string(report, node, location, states_fields)
    elif isinstance(node, dict):
        for key, value in node.items():
            check_jsonata_template(report, value, at(location, key), states_fields)
    elif isinstance(node, list):
        for index, element in enumerate(node):
            check_jsonata_template(report, element, item(location, index), states_fields)


def check_jsonata_string(report: Report, text: str, location: str, states_fields: frozenset) -> bool:
    """Check one string that may be a JSONata expression; returns True if it is a valid expression."""
    if not syntax.is_jsonata_expression(text):
        stripped = text.strip()
        if stripped.startswith("{%") or stripped.endswith("%}"):
            report.error(
                INVALID_JSONATA,
                f"A JSONata expression must be a whole string of the form '{{% expression %}}', got {show(text)}",
                location,
            )
        return False
    good = True
    for problem in syntax.jsonata_problems(text):
        code = UNSUPPORTED_JSONATA if _is_restriction(problem) else INVALID_JSONATA
        report.error(code, problem, location)
        good = False
    if good:
        for field in dict.fromkeys(_STATES_FIELD.findall(text)):
            if field not in states_fields:
                report.error(UNSUPPORTED_JSONATA, f"Field '$states.{field}' does not exist.", location)
                good = False
    return good


def _is_restriction(problem: str) -> bool:
    # Syntax errors come back as "Invalid JSONata expression ..." (or an empty expression); the rest
    # is valid JSONata that ASL forbids ($, $$ or bare names at the top level, $eval).
    return not problem.startswith("Invalid JSONata expression") and "is empty" not in problem


def is_expression(value) -> bool:
    return syntax.is_jsonata_expression(value)
