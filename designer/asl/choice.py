"""Choice rules compiled into predicates `(input, context, variables) -> bool`.

ASL (SPEC "Choice State"): a JSONPath data-test rule is `{"Variable": <Path>, <one operator>: <value>}`, or a
Boolean expression `And`/`Or` (non-empty arrays of rules) / `Not` (one rule), nested at will; a JSONata rule
is `{"Condition": true | false | "{% expr %}"}`. Comparing values of different types is simply false; a
`Variable` that matches nothing is `States.Runtime`, except under `IsPresent`, which exists to ask.
Everything about a rule (paths, literal operands, patterns, timestamps) is parsed here, once.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from designer.asl import errors
from designer.asl.errors import AslSyntaxError, StatesError
from designer.asl.paths import CompiledPath, PathNotFound, compact_json, compile_path

Predicate = Callable[..., bool]
_MISMATCH = object()  # an operand of the wrong type: the comparison is false

# --- operand types: each turns a JSON value into something Python compares the AWS way, or _MISMATCH ------


def _string(value: Any) -> Any:
    return value if type(value) is str else _MISMATCH


def _number(value: Any) -> Any:
    # ASL: numeric comparisons are IEEE 754 doubles (beyond 2^53 they are not exact on AWS either).
    if type(value) is int:
        try:
            return float(value)
        except OverflowError:
            return math.copysign(math.inf, value)
    return value if type(value) is float else _MISMATCH


def _boolean(value: Any) -> Any:
    return value if type(value) is bool else _MISMATCH


_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))", re.ASCII
)
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_since_epoch(year: int, month: int, day: int) -> int:
    # Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def parse_timestamp(text: Any) -> int | None:
    """Nanoseconds since the epoch for an ASL timestamp, or None when `text` is not one.

    ASL: RFC 3339 with an uppercase "T" and, absent a numeric offset, an uppercase "Z"
    (e.g. "2016-03-14T01:59:00Z"); AWS also accepts fractional seconds of any length ("...00.5Z",
    "...00.000000Z"). Dates must exist (no February 30) and there are no leap seconds.
    """
    if type(text) is not str:
        return None
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_hours, off_minutes = match.groups()
    year, month, day = int(year), int(month), int(day)
    hour, minute, second = int(hour), int(minute), int(second)
    if not 1 <= month <= 12 or hour > 23 or minute > 59 or second > 59 or day < 1:
        return None
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if day > _MONTH_DAYS[month - 1] + leap:
        return None
    offset = 0
    if not zulu:
        if int(off_hours) > 23 or int(off_minutes) > 59:
            return None
        offset = (int(off_hours) * 60 + int(off_minutes)) * 60 * (1 if sign == "+" else -1)
    seconds = _days_since_epoch(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset
    nanos = int(fraction[:9].ljust(9, "0")) if fraction else 0
    return seconds * 1_000_000_000 + nanos


def _timestamp(value: Any) -> Any:
    parsed = parse_timestamp(value)
    return _MISMATCH if parsed is None else parsed


def _in_utf16_order(compare: Callable[[Any, Any], bool]) -> Callable[[str, str], bool]:
    # AWS orders strings as Java does, by UTF-16 code unit; Python orders by code point. The two differ only
    # when a character outside the Basic Multilingual Plane meets one in U+E000..U+FFFF; big-endian UTF-16
    # bytes compare exactly like code units.
    def ordered(a: str, b: str) -> bool:
        if a.isascii() and b.isascii():
            return compare(a, b)
        return compare(a.encode("utf-16-be"), b.encode("utf-16-be"))

    return ordered


def _equals(a: Any, b: Any) -> bool:
    return a == b


_RELATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": _equals,
    "LessThan": lambda a, b: a < b,
    "GreaterThan": lambda a, b: a > b,
    "LessThanEquals": lambda a, b: a <= b,
    "GreaterThanEquals": lambda a, b: a >= b,
}
_KINDS: dict[str, Callable[[Any], Any]] = {
    "String": _string,
    "Numeric": _number,
    "Boolean": _boolean,
    "Timestamp": _timestamp,
}
# name -> (operand type, relation); every one also exists with a "Path" suffix.
_COMPARISONS: dict[str, tuple[str, str]] = {
    f"{kind}{relation}": (kind, relation)
    for kind in _KINDS
    for relation in _RELATIONS
    if kind != "Boolean" or relation == "Equals"
}
_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "IsNull": lambda value: value is None,
    "IsNumeric": lambda value: _number(value) is not _MISMATCH,
    "IsString": lambda value: type(value) is str,
    "IsBoolean": lambda value: type(value) is bool,
    "IsTimestamp": lambda value: parse_timestamp(value) is not None,
}
OPERATORS = frozenset(
    set(_COMPARISONS) | {f"{name}Path" for name in _COMPARISONS} | set(_TYPE_TESTS) | {"IsPresent", "StringMatches"}
)
_COMBINATORS = ("And", "Or", "Not")
_RULE_ONLY = frozenset({"Next", "Comment", "Assign", "Output"})  # fields of a top-level rule, not of the test


# --- compiling ---------------------------------------------------------------------------------------------


def compile_choice_rule(rule: dict, query_language: str) -> Predicate:
    """A predicate `(input, context, variables, *, now=None) -> bool` for one Choice rule.

    JSONPath: data-test rules and `And`/`Or`/`Not`, nested; `input` is the effective input (after
    InputPath). JSONata: `Condition`, evaluated with `$states = {input, context}` (a non-boolean result is
    `States.QueryEvaluationError`; `now` feeds `$now()`). Raises `AslSyntaxError` for a malformed rule.
    """
    if not isinstance(rule, dict):
        raise AslSyntaxError(f"A Choice rule must be an object, got {compact_json(rule)}")
    if query_language == "JSONata":
        return _condition(rule)
    if query_language != "JSONPath":
        raise AslSyntaxError(f"Unknown query language {query_language!r}")
    if "Condition" in rule:
        raise AslSyntaxError("'Condition' is only for JSONata states; JSONPath rules use 'Variable' and an operator")
    return _rule(rule, nested=False)


def _rule(rule: Any, *, nested: bool) -> Predicate:
    if not isinstance(rule, dict):
        raise AslSyntaxError(f"A Choice rule must be an object, got {compact_json(rule)}")
    if nested and "Next" in rule:
        raise AslSyntaxError("A rule nested in And, Or or Not must not have 'Next'")
    unknown = sorted(set(rule) - OPERATORS - set(_COMBINATORS) - _RULE_ONLY - {"Variable"})
    if unknown:
        raise AslSyntaxError(f"Unknown field(s) in Choice rule: {', '.join(unknown)}")
    combinators = [key for key in _COMBINATORS if key in rule]
    operators = [key for key in rule if key in OPERATORS]
    if combinators:
        if len(combinators) > 1 or operators or "Variable" in rule:
            raise AslSyntaxError(
                "A Boolean rule has exactly one of And, Or or Not, and no Variable or comparison operator"
            )
        return _boolean_expression(combinators[0], rule[combinators[0]])
    if "Variable" not in rule:
        raise AslSyntaxError("A Choice rule needs 'Variable' and one comparison operator, or And, Or or Not")
    if len(operators) != 1:
        found = ", ".join(operators) if operators else "none"
        raise AslSyntaxError(f"A data-test rule has exactly one comparison operator (found: {found})")
    return _data_test(_path(rule["Variable"], "Variable"), operators[0], rule[operators[0]])


def _boolean_expression(name: str, operand: Any) -> Predicate:
    if name == "Not":
        inner = _rule(operand, nested=True)
        return lambda data, context, variables, *, now=None: not inner(data, context, variables)
    if not isinstance(operand, list) or not operand:
        raise AslSyntaxError(f"'{name}' must be a non-empty array of Choice rules")
    rules = tuple(_rule(item, nested=True) for item in operand)
    if name == "And":
        # ASL: evaluated in order, stopping at the first false one (a later rule's missing path is no error).
        return lambda data, context, variables, *, now=None: all(r(data, context, variables) for r in rules)
    return lambda data, context, variables, *, now=None: any(r(data, context, variables) for r in rules)


def _path(text: Any, field: str) -> CompiledPath:
    if not isinstance(text, str) or not text.startswith("$"):
        raise AslSyntaxError(f"'{field}' must be a Path starting with '$', got {compact_json(text)}")
    return compile_path(text)


def _invalid_path(path: CompiledPath) -> StatesError:
    # The cause AWS gives (without the "An error occurred while executing the state ..." prefix).
    return StatesError(
        errors.RUNTIME, f"Invalid path '{path.text}': The choice state's condition path references an invalid value."
    )


def _reader(path: CompiledPath) -> Callable[[Any, Any, Mapping], Any]:
    get = path.get

    def read(data: Any, context: Any, variables: Mapping) -> Any:
        try:
            return get(data, context, variables)
        except PathNotFound:
            raise _invalid_path(path) from None

    return read


def _data_test(variable: CompiledPath, operator: str, operand: Any) -> Predicate:
    read = _reader(variable)
    if operator == "IsPresent":
        expected = _flag(operator, operand)
        exists = variable.exists
        return lambda data, context, variables, *, now=None: exists(data, context, variables) is expected
    if operator in _TYPE_TESTS:
        expected = _flag(operator, operand)
        test = _TYPE_TESTS[operator]
        return lambda data, context, variables, *, now=None: test(read(data, context, variables)) is expected
    if operator == "StringMatches":
        return _string_matches(read, operand)
    by_path = operator.endswith("Path")
    kind, relation = _COMPARISONS[operator[:-4] if by_path else operator]
    convert = _KINDS[kind]
    compare = _RELATIONS[relation]
    if kind == "String" and relation != "Equals":
        compare = _in_utf16_order(compare)
    if by_path:
        read_operand = _reader(_path(operand, operator))

        def test_against_path(data: Any, context: Any, variables: Mapping, *, now: int | None = None) -> bool:
            left = convert(read(data, context, variables))
            right = convert(read_operand(data, context, variables))
            return left is not _MISMATCH and right is not _MISMATCH and compare(left, right)

        return test_against_path
    right = convert(operand)
    if right is _MISMATCH:
        raise AslSyntaxError(f"'{operator}' needs a {_DESCRIPTIONS[kind]}, got {compact_json(operand)}")

    def test_against_value(data: Any, context: Any, variables: Mapping, *, now: int | None = None) -> bool:
        left = convert(read(data, context, variables))
        return left is not _MISMATCH and compare(left, right)

    return test_against_value


_DESCRIPTIONS = {
    "String": "string",
    "Numeric": "number",
    "Boolean": "boolean",
    "Timestamp": "timestamp string (RFC 3339, e.g. 2016-03-14T01:59:00Z)",
}


def _flag(operator: str, operand: Any) -> bool:
    if type(operand) is not bool:
        raise AslSyntaxError(f"'{operator}' must be true or false, got {compact_json(operand)}")
    return operand


def _string_matches(read: Callable[[Any, Any, Mapping], Any], pattern: Any) -> Predicate:
    if type(pattern) is not str:
        raise AslSyntaxError(f"'StringMatches' needs a string, got {compact_json(pattern)}")
    matcher = _wildcard(pattern)

    def test(data: Any, context: Any, variables: Mapping, *, now: int | None = None) -> bool:
        value = read(data, context, variables)
        if matcher is None:
            # ASL: an open escape at the end of the pattern is an error when the rule runs.
            raise StatesError(
                errors.RUNTIME, f"The StringMatches pattern '{pattern}' ends with an unfinished escape ('\\')"
            )
        return type(value) is str and matcher(value) is not None

    return test


def _wildcard(pattern: str) -> Callable[[str], Any] | None:
    """ASL: `*` matches any run of characters (none included); `\\*` is a literal star and `\\\\` a literal
    backslash. No other wildcard exists; a backslash before any other character stands for that character."""
    parts: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "*":
            parts.append(".*")
        else:
            parts.append(re.escape(char))
    if escaped:
        return None
    return re.compile("".join(parts), re.DOTALL).fullmatch


def _condition(rule: dict) -> Predicate:
    from designer.asl.jsonata import compile_jsonata, is_jsonata_expression

    if "Variable" in rule or any(key in OPERATORS or key in _COMBINATORS for key in rule):
        raise AslSyntaxError("JSONata Choice rules use 'Condition', not 'Variable', operators, And, Or or Not")
    if "Condition" not in rule:
        raise AslSyntaxError("A JSONata Choice rule needs a 'Condition'")
    condition = rule["Condition"]
    if type(condition) is bool:
        return lambda data, context, variables, *, now=None: condition
    if not is_jsonata_expression(condition):
        raise AslSyntaxError(
            f"'Condition' must be true, false or a JSONata expression '{{% ... %}}', got {compact_json(condition)}"
        )
    expression = compile_jsonata(condition)

    def test(data: Any, context: Any, variables: Mapping, *, now: int | None = None) -> bool:
        value = expression.evaluate({"input": data, "context": context}, variables, field="Condition", now=now)
        if type(value) is not bool:
            # ASL: a Condition that is not a boolean is States.QueryEvaluationError.
            raise expression.type_error("Condition", "boolean", value)
        return value

    return test
