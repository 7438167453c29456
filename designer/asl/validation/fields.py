"""Which fields each state type accepts in each query language, and the checks common to many states.

ASL (spec §State Types; JSONata §Query language): the tables below follow the spec's per-type field
lists. A field of the other query language is reported with AWS's wording ("The QueryLanguage is set
to 'JSONata', but field 'ResultPath' is only supported for the 'JSONPath' QueryLanguage"); any other
unknown field with "Field 'X' is not supported". Both are located at the state, as AWS does.
"""

from __future__ import annotations

from designer.asl.validation import syntax, templates, variables
from designer.asl.validation.context import JSONATA, JSONPATH, QUERY_LANGUAGES, Checker, StateInfo
from designer.asl.validation.diagnostics import at, show
from designer.asl.validation.values import check_bool, check_int, check_number, check_string, expected

STATE_TYPES = ("Choice", "Fail", "Map", "Parallel", "Pass", "Succeed", "Task", "Wait")
COMMON = frozenset({"Type", "Comment", "QueryLanguage"})
TRANSITION_TYPES = frozenset({"Task", "Parallel", "Map", "Pass", "Wait"})  # need Next xor End
RESULT_TYPES = frozenset({"Task", "Parallel", "Map"})  # may read $states.result

_PATH_IO = {"InputPath", "OutputPath"}
_TRANSITION = {"Next", "End"}
_RESULT = {"ResultPath", "Parameters", "ResultSelector"}
_ERRORS = {"Retry", "Catch"}

ALLOWED = {
    JSONPATH: {
        "Pass": COMMON | _PATH_IO | _TRANSITION | {"Assign", "ResultPath", "Parameters", "Result"},
        "Task": COMMON
        | _PATH_IO
        | _TRANSITION
        | _RESULT
        | _ERRORS
        | {
            "Assign",
            "Resource",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Credentials",
        },
        "Choice": COMMON | _PATH_IO | {"Assign", "Choices", "Default"},
        "Wait": COMMON | _PATH_IO | _TRANSITION | {"Assign", "Seconds", "SecondsPath", "Timestamp", "TimestampPath"},
        "Succeed": COMMON | _PATH_IO,
        "Fail": COMMON | {"Error", "ErrorPath", "Cause", "CausePath"},
        "Parallel": COMMON | _PATH_IO | _TRANSITION | _RESULT | _ERRORS | {"Assign", "Branches"},
        "Map": COMMON
        | _PATH_IO
        | _TRANSITION
        | _RESULT
        | _ERRORS
        | {
            "Assign",
            "ItemProcessor",
            "Iterator",
            "ItemsPath",
            "ItemSelector",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "Label",
        },
    },
    JSONATA: {
        "Pass": COMMON | _TRANSITION | {"Output", "Assign"},
        "Task": COMMON
        | _TRANSITION
        | _ERRORS
        | {
            "Output",
            "Assign",
            "Arguments",
            "Resource",
            "TimeoutSeconds",
            "HeartbeatSeconds",
            "Credentials",
        },
        "Choice": COMMON | {"Output", "Assign", "Choices", "Default"},
        "Wait": COMMON | _TRANSITION | {"Output", "Assign", "Seconds", "Timestamp"},
        "Succeed": COMMON | {"Output"},
        "Fail": COMMON | {"Error", "Cause"},
        "Parallel": COMMON | _TRANSITION | _ERRORS | {"Output", "Assign", "Arguments", "Branches"},
        "Map": COMMON
        | _TRANSITION
        | _ERRORS
        | {
            "Output",
            "Assign",
            "ItemProcessor",
            "Iterator",
            "Items",
            "ItemSelector",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "MaxConcurrency",
            "ToleratedFailurePercentage",
            "ToleratedFailureCount",
            "Label",
        },
    },
}


def other_language(language: str) -> str:
    return JSONATA if language == JSONPATH else JSONPATH


def language_message(language: str, field: str) -> str:
    return (
        f"The QueryLanguage is set to '{language}', but field '{field}' is only supported for the "
        f"'{other_language(language)}' QueryLanguage"
    )


def states_fields(st: StateInfo) -> frozenset:
    """Which `$states.*` fields a JSONata expression in this state's Output/Assign may read."""
    return templates.RESULT_STATES_FIELDS if st.type in RESULT_TYPES else templates.BASE_STATES_FIELDS


# --- paths ---------------------------------------------------------------------------------------


def check_path(ck: Checker, value, location: str, field: str, *, nullable: bool = True) -> None:
    """ASL Path (InputPath, OutputPath): may select several nodes; null means {} (spec)."""
    if value is None and nullable:
        return
    if not isinstance(value, str):
        expected(ck.report, location, value, *(("STRING", "NULL") if nullable else ("STRING",)))
        return
    problem = syntax.path_problem(value)
    if problem:
        ck.report.schema(f"The value for the field '{field}' must be a valid JSONPath: {problem}", location)


def check_reference_path(
    ck: Checker,
    value,
    location: str,
    field: str,
    *,
    nullable: bool = False,
    context: bool = True,
    variables_allowed: bool = True,
) -> bool:
    """ASL Reference Path: one node, only `.`/`[]` steps (no wildcards, filters, deep scans)."""
    if value is None and nullable:
        return True
    if not isinstance(value, str):
        expected(ck.report, location, value, *(("STRING", "NULL") if nullable else ("STRING",)))
        return False
    if value.startswith("$$") and not context:
        ck.report.schema(f"The field '{field}' cannot refer to the Context Object ($$): {show(value)}", location)
        return False
    if not variables_allowed and syntax.is_variable_path(value):
        ck.report.schema(f"The field '{field}' cannot refer to a variable: {show(value)}", location)
        return False
    problem = syntax.reference_path_problem(value)
    if problem:
        ck.report.schema(f"Value is not a Reference Path: {problem} (field '{field}', value {show(value)})", location)
        return False
    return True


# --- fields accepting a literal or, in JSONata states, an expression ------------------------------


def check_int_or_expression(ck: Checker, st: StateInfo, value, location: str, minimum=None, maximum=None) -> None:
    if not st.jsonpath and isinstance(value, str):
        _expression_only(ck, st, value, location, "INTEGER")
        return
    check_int(ck.report, value, location, minimum, maximum)


def check_number_or_expression(ck: Checker, st: StateInfo, value, location: str, minimum=None, maximum=None) -> None:
    if not st.jsonpath and isinstance(value, str):
        _expression_only(ck, st, value, location, "NUMBER")
        return
    check_number(ck.report, value, location, minimum, maximum)


def check_string_or_expression(ck: Checker, st: StateInfo, value, location: str, **limits) -> bool:
    """A string field; in a JSONata state a "{% %}" string is an expression (checked as such)."""
    if not st.jsonpath and templates.is_expression(value):
        templates.check_jsonata_string(ck.report, value, location, templates.BASE_STATES_FIELDS)
        return False
    return check_string(ck.report, value, location, **limits)


def _expression_only(ck: Checker, st: StateInfo, value: str, location: str, kind: str) -> None:
    if templates.is_expression(value):
        templates.check_jsonata_string(ck.report, value, location, templates.BASE_STATES_FIELDS)
    else:
        expected(ck.report, location, value, kind, "JSONata expression")


# --- per-field checks used by several state types ------------------------------------------------


def check_comment(ck: Checker, st: StateInfo, value, location: str) -> None:
    check_string(ck.report, value, location)


def check_query_language(ck: Checker, st: StateInfo, value, location: str) -> None:
    check_query_language_value(ck, value, location)


def check_query_language_value(ck: Checker, value, location: str) -> None:
    if not isinstance(value, str):
        ck.report.schema(f"Expected value of type [STRING], got {show(value)}", location)
    elif value not in QUERY_LANGUAGES:
        ck.report.schema(f"Value should be one of the following: [JSONPath, JSONata], got {show(value)}", location)


def check_input_output_path(ck: Checker, st: StateInfo, value, location: str) -> None:
    check_path(ck, value, location, location.rsplit("/", 1)[1])


def check_result_path(ck: Checker, st: StateInfo, value, location: str) -> None:
    # ASL: ResultPath writes into the state input, so it can name neither the context object nor a variable.
    check_reference_path(ck, value, location, "ResultPath", nullable=True, context=False, variables_allowed=False)


def check_parameters(ck: Checker, st: StateInfo, value, location: str) -> None:
    templates.check_payload_template(ck.report, value, location)


def check_output(ck: Checker, st: StateInfo, value, location: str) -> None:
    templates.check_jsonata_template(ck.report, value, location, states_fields(st))


def check_arguments(ck: Checker, st: StateInfo, value, location: str) -> None:
    check_arguments_value(ck, value, location)


def check_arguments_value(ck: Checker, value, location: str) -> None:
    # ASL: Arguments is a JSON object template or a single "{% %}" expression evaluating to one.
    if isinstance(value, str):
        if templates.is_expression(value):
            templates.check_jsonata_string(ck.report, value, location, templates.BASE_STATES_FIELDS)
        else:
            expected(ck.report, location, value, "OBJECT", "JSONata expression")
    elif isinstance(value, dict):
        templates.check_jsonata_template(ck.report, value, location, templates.BASE_STATES_FIELDS)
    else:
        expected(ck.report, location, value, "OBJECT", "JSONata expression")


def check_assign(ck: Checker, st: StateInfo, value, location: str) -> None:
    variables.check_assign(
        ck.report,
        value,
        location,
        jsonpath=st.jsonpath,
        states_fields=states_fields(st),
        outer_names=st.scope.outer_names(),
    )


def check_end(ck: Checker, st: StateInfo, value, location: str) -> None:
    if check_bool(ck.report, value, location) and value is False and "Next" not in st.data:
        ck.report.schema("'End' must be true to end the execution here; use 'Next' to continue", location)


def required(ck: Checker, st: StateInfo, *names: str) -> bool:
    missing = [name for name in names if name not in st.data]
    if missing:
        ck.report.schema(f"These fields are required: [{', '.join(missing)}]", st.location)
    return not missing


def exclusive(ck: Checker, data: dict, location: str, *names: str) -> None:
    """At most one of `names`; reported at the first one's field, as AWS does for MaxConcurrency."""
    present = [name for name in names if name in data]
    if len(present) > 1:
        ck.report.schema(
            f"There should only be one of the following fields: [{', '.join(present)}]", at(location, present[0])
        )
