"""Retry and Catch on Task, Parallel and Map states.

ASL §Error Handling: each Retrier/Catcher has a non-empty ErrorEquals array of error names;
States.ALL must appear alone in its ErrorEquals and only in the last Retrier/Catcher. Retriers take
IntervalSeconds (positive int), MaxAttempts (non-negative int), BackoffRate (>= 1.0),
MaxDelaySeconds (1..31622400) and JitterStrategy (FULL|NONE). Catchers name a Next state and may
shape the error output with ResultPath (JSONPath) or Output (JSONata), and Assign variables.
"""

from __future__ import annotations

from designer.asl.errors import ALL
from designer.asl.validation import fields, graph, templates, variables
from designer.asl.validation.context import Checker, StateInfo
from designer.asl.validation.diagnostics import at, item
from designer.asl.validation.values import (
    MAX_SECONDS,
    check_enum,
    check_int,
    check_number,
    check_string,
    check_string_array,
    expected,
)

MAX_DELAY_SECONDS = 31_622_400  # ASL: MaxDelaySeconds upper bound (one year and a day)
JITTER_STRATEGIES = ("FULL", "NONE")
RETRIER_FIELDS = frozenset(
    {"ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"}
)
CATCHER_FIELDS = {
    True: frozenset({"ErrorEquals", "Next", "ResultPath", "Assign", "Comment"}),  # JSONPath
    False: frozenset({"ErrorEquals", "Next", "Output", "Assign", "Comment"}),  # JSONata
}


def check_retry(ck: Checker, st: StateInfo, value, location: str) -> None:
    if not isinstance(value, list):
        expected(ck.report, location, value, "ARRAY")
        return
    for index, retrier in enumerate(value):
        retrier_location = item(location, index)
        if not isinstance(retrier, dict):
            expected(ck.report, retrier_location, retrier, "OBJECT")
            continue
        _check_fields(ck, retrier, retrier_location, RETRIER_FIELDS, (), st)
        for key, field_value in retrier.items():
            key_location = at(retrier_location, key)
            if key == "ErrorEquals":
                _check_error_equals(ck, field_value, key_location, last=index == len(value) - 1, what="Retrier")
            elif key == "IntervalSeconds":
                check_int(ck.report, field_value, key_location, 1, MAX_SECONDS)
            elif key == "MaxAttempts":
                check_int(ck.report, field_value, key_location, 0, MAX_SECONDS)
            elif key == "BackoffRate":
                check_number(ck.report, field_value, key_location, 1.0, MAX_SECONDS)
            elif key == "MaxDelaySeconds":
                check_int(ck.report, field_value, key_location, 1, MAX_DELAY_SECONDS)
            elif key == "JitterStrategy":
                check_enum(ck.report, field_value, key_location, JITTER_STRATEGIES)
            elif key == "Comment":
                check_string(ck.report, field_value, key_location)


def check_catch(ck: Checker, st: StateInfo, value, location: str) -> None:
    if not isinstance(value, list):
        expected(ck.report, location, value, "ARRAY")
        return
    allowed = CATCHER_FIELDS[st.jsonpath]
    others = CATCHER_FIELDS[not st.jsonpath] - allowed
    for index, catcher in enumerate(value):
        catcher_location = item(location, index)
        if not isinstance(catcher, dict):
            expected(ck.report, catcher_location, catcher, "OBJECT")
            continue
        _check_fields(ck, catcher, catcher_location, allowed, others, st, required=("ErrorEquals", "Next"))
        for key, field_value in catcher.items():
            key_location = at(catcher_location, key)
            if key == "ErrorEquals":
                _check_error_equals(ck, field_value, key_location, last=index == len(value) - 1, what="Catcher")
            elif key == "Next":
                if check_string(ck.report, field_value, key_location, non_empty=True):
                    graph.check_target(ck, st.scope, field_value, key_location)
            elif key == "ResultPath" and st.jsonpath:
                fields.check_reference_path(
                    ck, field_value, key_location, "ResultPath", nullable=True, context=False, variables_allowed=False
                )
            elif key == "Output" and not st.jsonpath:
                templates.check_jsonata_template(ck.report, field_value, key_location, templates.CATCHER_STATES_FIELDS)
            elif key == "Assign":
                # ASL: a Catcher's Assign runs in the scope of the state that caught the error.
                variables.check_assign(
                    ck.report,
                    field_value,
                    key_location,
                    jsonpath=st.jsonpath,
                    states_fields=templates.CATCHER_STATES_FIELDS,
                    outer_names=st.scope.outer_names(),
                )
            elif key == "Comment":
                check_string(ck.report, field_value, key_location)


def _check_fields(ck, obj: dict, location: str, allowed, others, st: StateInfo, required=("ErrorEquals",)) -> None:
    for key in obj:
        if key in allowed:
            continue
        if key in others:
            if not st.downgraded:
                ck.report.schema(fields.language_message(st.language, key), location)
        else:
            ck.report.schema(f"Field '{key}' is not supported", location)
    missing = [name for name in required if name not in obj]
    if missing:
        ck.report.schema(f"These fields are required: [{', '.join(missing)}]", location)


def _check_error_equals(ck: Checker, value, location: str, *, last: bool, what: str) -> None:
    if not check_string_array(ck.report, value, location, non_empty=True):
        return
    for index, name in enumerate(value):
        if not name:
            ck.report.schema("Error names cannot be empty", item(location, index))
    if ALL in value:
        if len(value) > 1:
            ck.report.schema(f"'{ALL}' must appear alone in ErrorEquals", location)
        if not last:
            ck.report.schema(f"A {what} whose ErrorEquals contains '{ALL}' must be the last {what}", location)
