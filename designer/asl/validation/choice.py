"""Choice rules: JSONPath data-test and boolean rules, JSONata Condition rules.

ASL §Choice State: Choices is a non-empty array. A JSONPath rule is either a data-test (`Variable`
plus exactly one comparison operator) or a boolean expression (`And`/`Or`: non-empty arrays of
rules, `Not`: one rule); rules nest arbitrarily, only top-level rules carry `Next` (and `Assign`).
A JSONata rule is {"Condition": true|false|"{% %}", "Next", "Assign"?, "Output"?}.
"""

from __future__ import annotations

from designer.asl.validation import fields, graph, templates, variables
from designer.asl.validation.context import Checker, StateInfo
from designer.asl.validation.diagnostics import NO_PATH, at, item, show
from designer.asl.validation.values import (
    check_bool,
    check_string,
    check_timestamp,
    expected,
    is_number,
    looks_like_path,
)

STRING_OPERATORS = (
    "StringEquals",
    "StringLessThan",
    "StringGreaterThan",
    "StringLessThanEquals",
    "StringGreaterThanEquals",
)
NUMERIC_OPERATORS = (
    "NumericEquals",
    "NumericLessThan",
    "NumericGreaterThan",
    "NumericLessThanEquals",
    "NumericGreaterThanEquals",
)
TIMESTAMP_OPERATORS = (
    "TimestampEquals",
    "TimestampLessThan",
    "TimestampGreaterThan",
    "TimestampLessThanEquals",
    "TimestampGreaterThanEquals",
)
TYPE_TESTS = ("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp")
PATH_OPERATORS = tuple(
    op + "Path" for op in STRING_OPERATORS + NUMERIC_OPERATORS + ("BooleanEquals",) + TIMESTAMP_OPERATORS
)
OPERATORS = frozenset(
    STRING_OPERATORS
    + ("StringMatches",)
    + NUMERIC_OPERATORS
    + ("BooleanEquals",)
    + TIMESTAMP_OPERATORS
    + TYPE_TESTS
    + PATH_OPERATORS
)
_BOOLEAN_EXPRESSIONS = ("And", "Or", "Not")
_JSONPATH_RULE = OPERATORS | {"Variable", "And", "Or", "Not", "Comment"}
_JSONATA_RULE = frozenset({"Condition", "Next", "Assign", "Output", "Comment"})


def check_choices(ck: Checker, st: StateInfo, value, location: str) -> None:
    if not isinstance(value, list):
        expected(ck.report, location, value, "ARRAY")
        return
    if not value:
        ck.report.schema("Value cannot be empty: a Choice state needs at least one rule", location)
    for index, rule in enumerate(value):
        rule_location = item(location, index)
        if not isinstance(rule, dict):
            expected(ck.report, rule_location, rule, "OBJECT")
        elif st.jsonpath:
            _jsonpath_rule(ck, st, rule, rule_location, top=True)
        else:
            _jsonata_rule(ck, st, rule, rule_location)


def _jsonpath_rule(ck: Checker, st: StateInfo, rule: dict, location: str, *, top: bool) -> None:
    report = ck.report
    for key in rule:
        if key in _JSONPATH_RULE or (top and key in ("Next", "Assign")):
            continue
        if key in ("Condition", "Output"):
            if not st.downgraded:
                report.schema(fields.language_message(st.language, key), location)
        else:
            report.schema(f"Field '{key}' is not supported", location)
    operators = [key for key in rule if key in OPERATORS]
    kinds = [key for key in _BOOLEAN_EXPRESSIONS if key in rule]
    if operators or "Variable" in rule:
        kinds.append("Variable")
    if not kinds:
        report.schema("A Choice rule needs one of the following fields: [And, Or, Not, Variable]", location)
    elif len(kinds) > 1:
        message = "The object must have only one of the following fields, [And, Or, Not, Variable]"
        report.schema(f"{message}, found [{', '.join(kinds)}]", location)
    elif kinds == ["Variable"]:
        if "Variable" not in rule:
            report.schema("These fields are required: [Variable]", location)
        if not operators:
            report.schema(
                "A data-test rule needs exactly one comparison operator (StringEquals, IsPresent, ...)", location
            )
        elif len(operators) > 1:
            report.schema(f"There should only be one of the following fields: [{', '.join(operators)}]", location)
    if top and "Next" not in rule:
        report.schema("These fields are required: [Next]", location)
    for key, value in rule.items():
        key_location = at(location, key)
        if key == "Variable":
            fields.check_reference_path(ck, value, key_location, "Variable")
        elif key in OPERATORS:
            _check_operand(ck, key, value, key_location)
        elif key in ("And", "Or"):
            _nested_rules(ck, st, value, key_location)
        elif key == "Not":
            if isinstance(value, dict):
                _jsonpath_rule(ck, st, value, key_location, top=False)
            else:
                expected(report, key_location, value, "OBJECT")
        elif key == "Next" and top:
            if check_string(report, value, key_location, non_empty=True):
                graph.check_target(ck, st.scope, value, key_location)
        elif key == "Assign" and top:
            variables.check_assign(report, value, key_location, jsonpath=True, outer_names=st.scope.outer_names())
        elif key == "Comment":
            check_string(report, value, key_location)


def _nested_rules(ck: Checker, st: StateInfo, value, location: str) -> None:
    if not isinstance(value, list):
        expected(ck.report, location, value, "ARRAY")
        return
    if not value:
        ck.report.schema("Value cannot be empty: And/Or need at least one rule", location)
    for index, rule in enumerate(value):
        rule_location = item(location, index)
        if isinstance(rule, dict):
            _jsonpath_rule(ck, st, rule, rule_location, top=False)
        else:
            expected(ck.report, rule_location, rule, "OBJECT")


def _check_operand(ck: Checker, operator: str, value, location: str) -> None:
    report = ck.report
    if operator in PATH_OPERATORS:
        fields.check_reference_path(ck, value, location, operator)
    elif operator in TYPE_TESTS or operator == "BooleanEquals":
        check_bool(report, value, location)
    elif operator in NUMERIC_OPERATORS:
        if not is_number(value):
            expected(report, location, value, "NUMBER")
    elif operator in TIMESTAMP_OPERATORS:
        if looks_like_path(value):
            _no_path(ck, operator, value, location)
        check_timestamp(report, value, location)
    elif check_string(report, value, location) and looks_like_path(value):  # String* and StringMatches
        _no_path(ck, operator, value, location)


def _no_path(ck: Checker, operator: str, value, location: str) -> None:
    hint = f"; did you mean '{operator}Path'?" if operator + "Path" in PATH_OPERATORS else ""
    ck.report.warning(
        NO_PATH,
        f"The value of '{operator}' looks like a path ({show(value)}), but the operator name does not end with "
        f"'Path', so it is compared literally{hint}",
        location,
    )


def _jsonata_rule(ck: Checker, st: StateInfo, rule: dict, location: str) -> None:
    report = ck.report
    for key in rule:
        if key in _JSONATA_RULE:
            continue
        if key in _JSONPATH_RULE:
            report.schema(fields.language_message(st.language, key), location)
        else:
            report.schema(f"Field '{key}' is not supported", location)
    fields_missing = [name for name in ("Condition", "Next") if name not in rule]
    if fields_missing:
        report.schema(f"These fields are required: [{', '.join(fields_missing)}]", location)
    for key, value in rule.items():
        key_location = at(location, key)
        if key == "Condition":
            if isinstance(value, str) and templates.is_expression(value):
                templates.check_jsonata_string(report, value, key_location, templates.BASE_STATES_FIELDS)
            elif not isinstance(value, bool):
                expected(report, key_location, value, "BOOLEAN", "JSONata expression")
        elif key == "Next":
            if check_string(report, value, key_location, non_empty=True):
                graph.check_target(ck, st.scope, value, key_location)
        elif key == "Assign":
            variables.check_assign(report, value, key_location, jsonpath=False, outer_names=st.scope.outer_names())
        elif key == "Output":
            templates.check_jsonata_template(report, value, key_location, templates.BASE_STATES_FIELDS)
        elif key == "Comment":
            check_string(report, value, key_location)
