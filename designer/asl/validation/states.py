"""One state: the fields its type allows, the fields it requires, and each field's value.

Diagnostics come state-level first (fields not allowed, missing or conflicting fields, all located at
the state like AWS does), then field by field in the order the fields appear in the document.
"""

from __future__ import annotations

from designer.asl.validation import choice, error_handling, fields, graph, maps, syntax, task, templates
from designer.asl.validation.context import Checker, StateInfo
from designer.asl.validation.diagnostics import NO_PATH, at, show
from designer.asl.validation.values import MAX_SECONDS, check_string, check_timestamp, expected, looks_like_path

DOWNGRADE = "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"

# BOTO SensitiveError / SensitiveCause: the sizes AWS accepts for a failure's error and cause.
MAX_ERROR_LENGTH = 256
MAX_CAUSE_LENGTH = 32_768
# ASL: ErrorPath/CausePath may be an intrinsic function returning a string (AWS docs: state-fail).
STRING_INTRINSICS = frozenset(
    {
        "States.ArrayGetItem",
        "States.Base64Encode",
        "States.Base64Decode",
        "States.Format",
        "States.JsonToString",
        "States.Hash",
        "States.UUID",
    }
)


def check_state(ck: Checker, st: StateInfo) -> None:
    report, data, location = ck.report, st.data, st.location
    allowed = fields.ALLOWED[st.language][st.type]
    others = fields.ALLOWED[fields.other_language(st.language)][st.type]
    if st.downgraded:
        # AWS (measured): this one message stands in for the other-language field checks.
        report.schema(DOWNGRADE, location)
    for key in data:
        if key in allowed:
            continue
        if key in others:
            if not st.downgraded:
                report.schema(fields.language_message(st.language, key), location)
        else:
            report.schema(f"Field '{key}' is not supported", location)
    _STRUCTURE.get(st.type, _no_structure)(ck, st)
    if st.type in fields.TRANSITION_TYPES:
        _check_next_or_end(ck, st)
    checks = _TYPE_CHECKS.get(st.type, {})
    for key, value in data.items():
        if key in allowed:
            check = checks.get(key) or _COMMON_CHECKS.get(key)
            if check is not None:
                check(ck, st, value, at(location, key))


def _no_structure(ck: Checker, st: StateInfo) -> None:
    pass


def _check_next_or_end(ck: Checker, st: StateInfo) -> None:
    has_next, has_end = "Next" in st.data, "End" in st.data
    if has_next and has_end:
        ck.report.schema("There should only be one of the following fields: [Next, End]", st.location)
    elif not has_next and not has_end:
        ck.report.schema("Exactly one of these fields is required: [Next, End]", st.location)


# --- Wait -----------------------------------------------------------------------------------------


def _wait_structure(ck: Checker, st: StateInfo) -> None:
    names = ("Seconds", "Timestamp", "SecondsPath", "TimestampPath") if st.jsonpath else ("Seconds", "Timestamp")
    present = [name for name in names if name in st.data]
    if not present:
        ck.report.schema(f"Exactly one of these fields is required: [{', '.join(names)}]", st.location)
    elif len(present) > 1:
        ck.report.schema(f"There should only be one of the following fields: [{', '.join(present)}]", st.location)


def _check_seconds(ck: Checker, st: StateInfo, value, location: str) -> None:
    fields.check_int_or_expression(ck, st, value, location, 0, MAX_SECONDS)


def _check_timestamp(ck: Checker, st: StateInfo, value, location: str) -> None:
    if not st.jsonpath and templates.is_expression(value):
        templates.check_jsonata_string(ck.report, value, location, templates.BASE_STATES_FIELDS)
        return
    if st.jsonpath and looks_like_path(value):
        _no_path(ck, "Timestamp", value, location)
    check_timestamp(ck.report, value, location)


def _no_path(ck: Checker, field: str, value, location: str) -> None:
    ck.report.warning(
        NO_PATH,
        f"The value of '{field}' looks like a path ({show(value)}), but the field name does not end with "
        f"'Path', so it is used literally; did you mean '{field}Path'?",
        location,
    )


def _check_value_path(ck: Checker, st: StateInfo, value, location: str) -> None:
    field = location.rsplit("/", 1)[1]
    fields.check_reference_path(ck, value, location, field)


# --- Fail -----------------------------------------------------------------------------------------


def _fail_structure(ck: Checker, st: StateInfo) -> None:
    if not st.jsonpath:  # JSONata refuses ErrorPath/CausePath outright
        return
    fields.exclusive(ck, st.data, st.location, "Error", "ErrorPath")
    fields.exclusive(ck, st.data, st.location, "Cause", "CausePath")


def _check_error(ck: Checker, st: StateInfo, value, location: str) -> None:
    _check_failure_text(ck, st, value, location, "Error", MAX_ERROR_LENGTH)


def _check_cause(ck: Checker, st: StateInfo, value, location: str) -> None:
    _check_failure_text(ck, st, value, location, "Cause", MAX_CAUSE_LENGTH)


def _check_failure_text(ck: Checker, st: StateInfo, value, location: str, field: str, limit: int) -> None:
    if fields.check_string_or_expression(ck, st, value, location, max_length=limit) and st.jsonpath:
        if looks_like_path(value):
            _no_path(ck, field, value, location)


def _check_failure_path(ck: Checker, st: StateInfo, value, location: str) -> None:
    # ASL (2023-09): ErrorPath/CausePath take a Reference Path or an intrinsic returning a string.
    field = location.rsplit("/", 1)[1]
    if isinstance(value, str) and not value.startswith("$") and syntax.is_intrinsic(value):
        problem = syntax.intrinsic_problem(value)
        if problem is None and syntax.intrinsic_name(value) not in STRING_INTRINSICS:
            problem = f"{syntax.intrinsic_name(value)} does not return a string"
        if problem:
            ck.report.schema(
                f"The value for the field '{field}' must be a valid JSONPath or an intrinsic function "
                f"returning a string ({', '.join(sorted(STRING_INTRINSICS))}): {problem}",
                location,
            )
        return
    fields.check_reference_path(ck, value, location, field)


# --- Pass, Choice, Parallel -------------------------------------------------------------------------


def _check_result(ck: Checker, st: StateInfo, value, location: str) -> None:
    templates.check_pass_result(ck.report, value, location)


def _choice_structure(ck: Checker, st: StateInfo) -> None:
    fields.required(ck, st, "Choices")


def _check_default(ck: Checker, st: StateInfo, value, location: str) -> None:
    if check_string(ck.report, value, location, non_empty=True):
        graph.check_target(ck, st.scope, value, location)


def _check_next(ck: Checker, st: StateInfo, value, location: str) -> None:
    if check_string(ck.report, value, location, non_empty=True):
        graph.check_target(ck, st.scope, value, location)


def _parallel_structure(ck: Checker, st: StateInfo) -> None:
    fields.required(ck, st, "Branches")


def _check_branches(ck: Checker, st: StateInfo, value, location: str) -> None:
    from designer.asl.validation import machine  # machine -> states -> machine: nested scopes

    if not isinstance(value, list):
        expected(ck.report, location, value, "ARRAY")
        return
    if not value:
        ck.report.schema("Value cannot be empty: a Parallel state needs at least one branch", location)
    for index, branch in enumerate(value):
        machine.check_nested_scope(ck, branch, f"{location}[{index}]", processor=False)


_COMMON_CHECKS = {
    "Comment": fields.check_comment,
    "QueryLanguage": fields.check_query_language,
    "InputPath": fields.check_input_output_path,
    "OutputPath": fields.check_input_output_path,
    "ResultPath": fields.check_result_path,
    "Parameters": fields.check_parameters,
    "ResultSelector": fields.check_parameters,
    "Output": fields.check_output,
    "Arguments": fields.check_arguments,
    "Assign": fields.check_assign,
    "Next": _check_next,
    "End": fields.check_end,
    "Retry": error_handling.check_retry,
    "Catch": error_handling.check_catch,
}

_STRUCTURE = {
    "Task": task.structure,
    "Choice": _choice_structure,
    "Wait": _wait_structure,
    "Fail": _fail_structure,
    "Parallel": _parallel_structure,
    "Map": maps.structure,
}

_TYPE_CHECKS = {
    "Task": task.FIELD_CHECKS,
    "Pass": {"Result": _check_result},
    "Choice": {"Choices": choice.check_choices, "Default": _check_default},
    "Wait": {
        "Seconds": _check_seconds,
        "Timestamp": _check_timestamp,
        "SecondsPath": _check_value_path,
        "TimestampPath": _check_value_path,
    },
    "Fail": {
        "Error": _check_error,
        "Cause": _check_cause,
        "ErrorPath": _check_failure_path,
        "CausePath": _check_failure_path,
    },
    "Parallel": {"Branches": _check_branches},
    "Map": maps.FIELD_CHECKS,
}
