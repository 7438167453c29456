"""Field value checks: JSON types, integer and number ranges, enumerations, timestamps.

Each check reports at most one SCHEMA_VALIDATION_FAILED diagnostic and returns whether the value
passed, so callers can skip follow-up checks on a value already known to be wrong.
"""

from __future__ import annotations

import re
from datetime import datetime

from designer.asl.validation.diagnostics import Report, show

# ASLS common.json `seconds`; Task TimeoutSeconds/HeartbeatSeconds, Wait Seconds, Retry IntervalSeconds.
MAX_SECONDS = 99_999_999


def json_kind(value) -> str:
    """A value's JSON type for messages: "a string", "an array", "null", ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def type_name(value) -> str:
    """The JSON type of a value, in AWS's upper-case spelling: STRING, INTEGER, NUMBER, BOOLEAN, ..."""
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "INTEGER"
    if isinstance(value, float):
        return "NUMBER"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, list):
        return "ARRAY"
    if isinstance(value, dict):
        return "OBJECT"
    return "NULL"


def expected(report: Report, location: str, value, *types: str) -> None:
    report.schema(f"Expected value of type [{', '.join(types)}], got {type_name(value)} {show(value)}", location)


def is_int(value) -> bool:
    # JSON 5.0 parses to a float; AWS's schema (Jackson `integer`) rejects it as well.
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_string(
    report: Report, value, location: str, *, non_empty: bool = False, max_length: int | None = None
) -> bool:
    if not isinstance(value, str):
        expected(report, location, value, "STRING")
        return False
    if non_empty and not value:
        report.schema("Value cannot be empty", location)
        return False
    if max_length is not None and len(value) > max_length:
        report.schema(f"Value is {len(value)} characters long; the maximum length is {max_length}", location)
        return False
    return True


def check_bool(report: Report, value, location: str) -> bool:
    if not isinstance(value, bool):
        expected(report, location, value, "BOOLEAN")
        return False
    return True


def check_int(report: Report, value, location: str, minimum: int | None = None, maximum: int | None = None) -> bool:
    if not is_int(value):
        expected(report, location, value, "INTEGER")
        return False
    return check_range(report, value, location, minimum, maximum)


def check_number(
    report: Report, value, location: str, minimum: float | None = None, maximum: float | None = None
) -> bool:
    if not is_number(value):
        expected(report, location, value, "NUMBER")
        return False
    return check_range(report, value, location, minimum, maximum)


def check_range(report: Report, value, location: str, minimum=None, maximum=None) -> bool:
    if minimum is not None and value < minimum:
        report.schema(f"Minimum value is {minimum}, got {show(value)}", location)
        return False
    if maximum is not None and value > maximum:
        report.schema(f"Maximum value is {maximum}, got {show(value)}", location)
        return False
    return True


def check_enum(report: Report, value, location: str, allowed: tuple[str, ...]) -> bool:
    if not isinstance(value, str):
        expected(report, location, value, "STRING")
        return False
    if value not in allowed:
        report.schema(f"Value should be one of the following: [{', '.join(allowed)}], got {show(value)}", location)
        return False
    return True


def check_string_array(report: Report, value, location: str, *, non_empty: bool = True) -> bool:
    if not isinstance(value, list):
        expected(report, location, value, "ARRAY")
        return False
    if non_empty and not value:
        report.schema("Value cannot be empty", location)
        return False
    good = True
    for index, element in enumerate(value):
        if not isinstance(element, str):
            expected(report, f"{location}[{index}]", element, "STRING")
            good = False
    return good


# ASL: timestamps follow the RFC3339 profile of ISO 8601, with an uppercase T between date and time
# and an uppercase Z when no numeric offset is given; fractional seconds of any length are accepted.
_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))\Z")


def is_timestamp(text: str) -> bool:
    """Whether `text` is an ASL timestamp such as 2016-03-14T01:59:00Z (real calendar date and time)."""
    match = _TIMESTAMP.match(text)
    if not match:
        return False
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    try:
        datetime(year, month, day, hour, minute, min(second, 59))  # leap second 60 is RFC3339-valid
    except ValueError:
        return False
    if second > 60:
        return False
    if match.group(9) is not None and (int(match.group(9)) > 23 or int(match.group(10)) > 59):
        return False
    return True


def check_timestamp(report: Report, value, location: str) -> bool:
    if not isinstance(value, str):
        expected(report, location, value, "STRING")
        return False
    if not is_timestamp(value):
        report.schema(
            f"Value is not a valid timestamp: {show(value)} (expected RFC3339 like 2016-03-14T01:59:00Z)", location
        )
        return False
    return True


def looks_like_path(value) -> bool:
    """A string an author probably meant as a JSONPath: "$", "$.x", "$[0]", "$$.Execution.Id"."""
    return isinstance(value, str) and (value == "$" or value.startswith(("$.", "$[", "$$")))
