"""Choice rules: every JSONPath operator, Boolean combinations, JSONata Conditions, and their errors."""
import pytest

from designer.asl import errors
from designer.asl.choice import compile_choice_rule, parse_timestamp
from designer.asl.errors import AslSyntaxError, StatesError

INPUT = {
    "type": "Private",
    "value": 25,
    "rating": 53,
    "auditThreshold": 60,
    "price": 9.5,
    "big": 9007199254740993,
    "name": "log-2023.txt",
    "empty": "",
    "star": "a*b",
    "backslash": "a\\b",
    "flag": True,
    "off": False,
    "nothing": None,
    "list": [1, 2],
    "object": {"k": "v"},
    "when": "2016-03-14T01:59:00Z",
    "whenFraction": "2016-03-14T01:59:00.5Z",
    "whenOffset": "2016-03-14T02:59:00+01:00",
    "later": "2016-03-14T02:00:00Z",
    "notTime": "2016-03-14 01:59:00",
    "numberText": "25",
    "emoji": "\U0001F600",
    "fullwidth": "\uFF01",
    "items": [{"id": 1, "ok": True}, {"id": 2, "ok": False}],
    "threshold": 20,
    "label": "Private",
    "yes": True,
}
CONTEXT = {"Execution": {"Id": "arn:exec", "Input": {"mode": "fast"}}, "State": {"Name": "Check", "RetryCount": 0}}
VARIABLES = {"limit": 30, "tier": "gold", "unset": None, "cfg": {"enabled": True}}


def holds(rule, data=INPUT, variables=VARIABLES, language="JSONPath"):
    return compile_choice_rule(rule, language)(data, CONTEXT, variables)


def rule(operator, operand, variable="$.value"):
    return {**data_test(operator, operand, variable), "Next": "Somewhere"}


def data_test(operator, operand, variable="$.value"):
    """A data test without Next, as nested in And, Or and Not."""
    return {"Variable": variable, operator: operand}


# --- JSONPath data-test rules -------------------------------------------------------------------------------

CASES = [
    # String comparisons: exact, case-sensitive, code point by code point
    (rule("StringEquals", "Private", "$.type"), True),
    (rule("StringEquals", "private", "$.type"), False),
    (rule("StringEquals", "Private ", "$.type"), False),
    (rule("StringEquals", "", "$.empty"), True),
    (rule("StringEquals", "25", "$.value"), False),  # a number is no string
    (rule("StringEquals", "25", "$.numberText"), True),
    (rule("StringEquals", "null", "$.nothing"), False),
    (rule("StringLessThan", "Q", "$.type"), True),
    (rule("StringLessThan", "P", "$.type"), False),
    (rule("StringLessThan", "private", "$.type"), True),  # uppercase sorts before lowercase
    (rule("StringGreaterThan", "Pr", "$.type"), True),
    (rule("StringGreaterThan", "Private", "$.type"), False),
    (rule("StringLessThanEquals", "Private", "$.type"), True),
    (rule("StringGreaterThanEquals", "Private", "$.type"), True),
    (rule("StringGreaterThanEquals", "Privatf", "$.type"), False),
    (rule("StringLessThan", "z", "$.value"), False),
    (rule("StringGreaterThan", "\uFF01", "$.emoji"), False),  # UTF-16: D83D < FF01, as Java compares
    (rule("StringLessThan", "\uFF01", "$.emoji"), True),
    (rule("StringLessThan", "\U0001F600", "$.fullwidth"), False),
    (rule("StringEquals", "2016-03-14T01:59:00Z", "$.when"), True),  # a timestamp is also a string
    # StringMatches: only "*" is special; \* and \\ are literal
    (rule("StringMatches", "log-*.txt", "$.name"), True),
    (rule("StringMatches", "*.txt", "$.name"), True),
    (rule("StringMatches", "log-*", "$.name"), True),
    (rule("StringMatches", "*", "$.empty"), True),
    (rule("StringMatches", "*2023*", "$.name"), True),
    (rule("StringMatches", "log-*.csv", "$.name"), False),
    (rule("StringMatches", "LOG-*", "$.name"), False),
    (rule("StringMatches", "log-????.txt", "$.name"), False),  # no "?" wildcard
    (rule("StringMatches", "log-.*", "$.name"), False),  # no regular expressions
    (rule("StringMatches", "log-[0-9]*", "$.name"), False),
    (rule("StringMatches", "a\\*b", "$.star"), True),
    (rule("StringMatches", "a\\*b", "$.name"), False),
    (rule("StringMatches", "a*b", "$.star"), True),
    (rule("StringMatches", "a\\\\b", "$.backslash"), True),
    (rule("StringMatches", "a\\\\*", "$.backslash"), True),
    (rule("StringMatches", "*", "$.value"), False),
    # Numeric comparisons: integers and decimals mix; other types never match
    (rule("NumericEquals", 25), True),
    (rule("NumericEquals", 25.0), True),
    (rule("NumericEquals", 26), False),
    (rule("NumericEquals", 25, "$.numberText"), False),
    (rule("NumericEquals", 1, "$.flag"), False),  # a boolean is no number
    (rule("NumericLessThan", 30), True),
    (rule("NumericLessThan", 25), False),
    (rule("NumericGreaterThan", 20), True),
    (rule("NumericGreaterThan", 25), False),
    (rule("NumericLessThanEquals", 25), True),
    (rule("NumericGreaterThanEquals", 25), True),
    (rule("NumericGreaterThanEquals", 25.5), False),
    (rule("NumericLessThan", 10, "$.price"), True),
    (rule("NumericGreaterThan", 9.49, "$.price"), True),
    (rule("NumericEquals", -0.0, "$.nothing"), False),
    (rule("NumericEquals", 9007199254740992, "$.big"), True),  # doubles: 2^53 + 1 == 2^53
    (rule("NumericGreaterThan", 0, "$.list"), False),
    # BooleanEquals
    (rule("BooleanEquals", True, "$.flag"), True),
    (rule("BooleanEquals", False, "$.flag"), False),
    (rule("BooleanEquals", False, "$.off"), True),
    (rule("BooleanEquals", True, "$.value"), False),
    (rule("BooleanEquals", False, "$.nothing"), False),
    # Timestamps: compared as instants
    (rule("TimestampEquals", "2016-03-14T01:59:00Z", "$.when"), True),
    (rule("TimestampEquals", "2016-03-14T01:59:00.000Z", "$.when"), True),
    (rule("TimestampEquals", "2016-03-14T01:59:00Z", "$.whenOffset"), True),
    (rule("TimestampEquals", "2016-03-14T01:59:00Z", "$.whenFraction"), False),
    (rule("TimestampLessThan", "2016-03-14T02:00:00Z", "$.when"), True),
    (rule("TimestampLessThan", "2016-03-14T01:59:00Z", "$.when"), False),
    (rule("TimestampGreaterThan", "2016-03-14T01:58:59.999Z", "$.when"), True),
    (rule("TimestampGreaterThan", "2016-03-14T01:59:00Z", "$.whenFraction"), True),
    (rule("TimestampLessThanEquals", "2016-03-14T01:59:00Z", "$.whenOffset"), True),
    (rule("TimestampGreaterThanEquals", "2016-03-14T03:00:00+01:00", "$.later"), True),
    (rule("TimestampGreaterThanEquals", "2016-03-14T02:00:00.000001Z", "$.later"), False),
    (rule("TimestampEquals", "2016-03-14T01:59:00Z", "$.notTime"), False),  # not a timestamp: no match
    (rule("TimestampEquals", "2016-03-14T01:59:00Z", "$.value"), False),
    (rule("TimestampLessThan", "2016-03-14T01:59:00Z", "$.name"), False),
    # Type tests
    (rule("IsNull", True, "$.nothing"), True),
    (rule("IsNull", False, "$.nothing"), False),
    (rule("IsNull", True, "$.value"), False),
    (rule("IsNull", False, "$.empty"), True),
    (rule("IsPresent", True, "$.nothing"), True),  # present, and null
    (rule("IsPresent", True, "$.missing"), False),
    (rule("IsPresent", False, "$.missing"), True),
    (rule("IsPresent", False, "$.value"), False),
    (rule("IsPresent", True, "$.object.k"), True),
    (rule("IsPresent", True, "$.object.k.deeper"), False),
    (rule("IsPresent", True, "$.list[5]"), False),
    (rule("IsPresent", True, "$.list[1]"), True),
    (rule("IsPresent", True, "$.items[?(@.ok == true)]"), True),
    (rule("IsPresent", True, "$.items[?(@.id > 5)]"), False),  # an indefinite path matching nothing
    (rule("IsPresent", True, "$missingVariable"), False),
    (rule("IsPresent", True, "$unset"), True),
    (rule("IsNumeric", True), True),
    (rule("IsNumeric", True, "$.price"), True),
    (rule("IsNumeric", True, "$.numberText"), False),
    (rule("IsNumeric", True, "$.flag"), False),
    (rule("IsNumeric", False, "$.type"), True),
    (rule("IsString", True, "$.type"), True),
    (rule("IsString", True, "$.empty"), True),
    (rule("IsString", True, "$.value"), False),
    (rule("IsString", False, "$.nothing"), True),
    (rule("IsBoolean", True, "$.off"), True),
    (rule("IsBoolean", True, "$.value"), False),
    (rule("IsBoolean", False, "$.type"), True),
    (rule("IsTimestamp", True, "$.when"), True),
    (rule("IsTimestamp", True, "$.whenFraction"), True),
    (rule("IsTimestamp", True, "$.whenOffset"), True),
    (rule("IsTimestamp", True, "$.notTime"), False),
    (rule("IsTimestamp", True, "$.value"), False),
    (rule("IsTimestamp", False, "$.name"), True),
    # *Path operators compare with another part of the input, a variable or the context
    (rule("NumericGreaterThanPath", "$.auditThreshold", "$.rating"), False),  # ASL spec example
    (rule("NumericLessThanPath", "$.auditThreshold", "$.rating"), True),
    (rule("NumericEqualsPath", "$.value", "$.value"), True),
    (rule("NumericGreaterThanEqualsPath", "$.threshold"), True),
    (rule("NumericLessThanEqualsPath", "$limit"), True),
    (rule("NumericLessThanPath", "$.numberText"), False),  # the comparand is a string: no match
    (rule("StringEqualsPath", "$.label", "$.type"), True),
    (rule("StringEqualsPath", "$.name", "$.type"), False),
    (rule("StringEqualsPath", "$$.Execution.Input.mode", "$.type"), False),
    (rule("StringLessThanPath", "$tier", "$.type"), True),
    (rule("StringGreaterThanPath", "$.empty", "$.type"), True),
    (rule("StringLessThanEqualsPath", "$.label", "$.type"), True),
    (rule("StringGreaterThanEqualsPath", "$.label", "$.type"), True),
    (rule("BooleanEqualsPath", "$.yes", "$.flag"), True),
    (rule("BooleanEqualsPath", "$.off", "$.flag"), False),
    (rule("BooleanEqualsPath", "$cfg.enabled", "$.flag"), True),
    (rule("BooleanEqualsPath", "$.value", "$.flag"), False),
    (rule("TimestampEqualsPath", "$.whenOffset", "$.when"), True),
    (rule("TimestampLessThanPath", "$.later", "$.when"), True),
    (rule("TimestampGreaterThanPath", "$.later", "$.when"), False),
    (rule("TimestampLessThanEqualsPath", "$.whenOffset", "$.when"), True),
    (rule("TimestampGreaterThanEqualsPath", "$.when", "$.later"), True),
    (rule("TimestampEqualsPath", "$.notTime", "$.when"), False),
    # Variable from variables and the Context Object
    (rule("NumericEquals", 30, "$limit"), True),
    (rule("StringEquals", "gold", "$tier"), True),
    (rule("IsNull", True, "$unset"), True),
    (rule("BooleanEquals", True, "$cfg.enabled"), True),
    (rule("StringEquals", "fast", "$$.Execution.Input.mode"), True),
    (rule("StringEquals", "Check", "$$.State.Name"), True),
    (rule("NumericEquals", 0, "$$.State.RetryCount"), True),
    # Indefinite Variable paths select a list, which no comparison matches
    (rule("NumericEquals", 1, "$.items[*].id"), False),
    (rule("StringEquals", "v", "$.object.k"), True),
    (rule("NumericEquals", 2, "$.list[1]"), True),
]


@pytest.mark.parametrize("rule_, expected", CASES)
def test_data_test_rules(rule_, expected):
    assert holds(rule_) is expected


# --- Boolean expressions ------------------------------------------------------------------------------------

SPEC_EXAMPLE_CHOICES = [
    {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
    {
        "And": [
            {"Variable": "$.value", "IsPresent": True},
            {"Variable": "$.value", "IsNumeric": True},
            {"Variable": "$.value", "NumericGreaterThanEquals": 20},
            {"Variable": "$.value", "NumericLessThan": 30},
        ],
        "Next": "ValueInTwenties",
    },
    {"Variable": "$.rating", "NumericGreaterThanPath": "$.auditThreshold", "Next": "StartAudit"},
]


def first_match(choices, data):
    for choice in choices:
        if compile_choice_rule(choice, "JSONPath")(data, {}, {}):
            return choice["Next"]
    return None


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"type": "Public"}, "Public"),
        ({"type": "Private", "value": 25}, "ValueInTwenties"),
        ({"type": "Private", "value": "25", "rating": 1, "auditThreshold": 2}, None),  # IsNumeric guards
        ({"type": "Private", "rating": 1, "auditThreshold": 2}, None),  # ... and IsPresent a missing value
        ({"type": "Private", "value": 35, "rating": 61, "auditThreshold": 60}, "StartAudit"),
        ({"type": "Private", "value": 35, "rating": 59, "auditThreshold": 60}, None),
    ],
)
def test_spec_example(data, expected):
    # ASL spec, Choice State example: rules are tried in order, the first match wins.
    assert first_match(SPEC_EXAMPLE_CHOICES, data) == expected


@pytest.mark.parametrize(
    "rule_, expected",
    [
        ({"And": [data_test("NumericGreaterThan", 20), data_test("NumericLessThan", 30)], "Next": "X"}, True),
        ({"And": [data_test("NumericGreaterThan", 20), data_test("NumericLessThan", 25)], "Next": "X"}, False),
        ({"And": [data_test("NumericGreaterThan", 20)], "Next": "X"}, True),
        ({"Or": [data_test("NumericLessThan", 20), data_test("NumericGreaterThan", 24)], "Next": "X"}, True),
        ({"Or": [data_test("NumericLessThan", 20), data_test("NumericGreaterThan", 30)], "Next": "X"}, False),
        ({"Not": data_test("NumericEquals", 25), "Next": "X"}, False),
        ({"Not": {"Not": data_test("NumericEquals", 25)}, "Next": "X"}, True),
        (
            {
                "Or": [
                    {"And": [data_test("StringEquals", "Public", "$.type"), data_test("NumericEquals", 25)]},
                    {"And": [data_test("StringEquals", "Private", "$.type"), {"Not": data_test("IsNull", True)}]},
                ],
                "Next": "X",
            },
            True,
        ),
        # short-circuit: the missing path in the second rule is never read
        (
            {"And": [data_test("IsPresent", True, "$.missing"), data_test("NumericEquals", 1, "$.missing")]},
            False,
        ),
        (
            {"Or": [data_test("IsPresent", False, "$.missing"), data_test("NumericEquals", 1, "$.missing")]},
            True,
        ),
    ],
)
def test_boolean_expressions(rule_, expected):
    assert holds(rule_) is expected


# --- runtime errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule_, path",
    [
        (rule("NumericEquals", 1, "$.missing"), "$.missing"),
        (rule("StringEquals", "x", "$.object.missing"), "$.object.missing"),
        (rule("BooleanEquals", True, "$.list[7]"), "$.list[7]"),
        (rule("IsNull", True, "$.missing"), "$.missing"),
        (rule("IsString", False, "$.missing"), "$.missing"),
        (rule("IsTimestamp", True, "$.missing"), "$.missing"),
        (rule("StringMatches", "*", "$.missing"), "$.missing"),
        (rule("NumericEquals", 1, "$undefinedVariable"), "$undefinedVariable"),
        (rule("StringEquals", "x", "$$.Execution.Nope"), "$$.Execution.Nope"),
        (rule("NumericEqualsPath", "$.missing"), "$.missing"),  # a missing comparand fails the same way
        (rule("StringEqualsPath", "$nope", "$.type"), "$nope"),
        ({"Not": data_test("NumericEquals", 1, "$.missing"), "Next": "X"}, "$.missing"),
        (
            {"And": [data_test("IsPresent", True, "$.value"), data_test("NumericEquals", 1, "$.missing")]},
            "$.missing",
        ),
    ],
)
def test_missing_paths_are_runtime_errors(rule_, path):
    with pytest.raises(StatesError) as caught:
        holds(rule_)
    assert caught.value.error == errors.RUNTIME
    assert caught.value.cause == (
        f"Invalid path '{path}': The choice state's condition path references an invalid value."
    )


def test_unfinished_escape_in_pattern_is_a_runtime_error():
    predicate = compile_choice_rule(rule("StringMatches", "abc\\", "$.type"), "JSONPath")
    with pytest.raises(StatesError) as caught:
        predicate(INPUT, {}, {})
    assert caught.value.error == errors.RUNTIME


# --- malformed rules ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule_",
    [
        {"Variable": "$.value", "Next": "X"},  # no operator
        {"Variable": "$.value", "NumericEquals": 1, "NumericLessThan": 2, "Next": "X"},  # two operators
        {"NumericEquals": 1, "Next": "X"},  # no Variable
        {"Variable": "value", "NumericEquals": 1},  # not a path
        {"Variable": 5, "NumericEquals": 1},
        {"Variable": "$.a[", "NumericEquals": 1},
        {"Variable": "$.value", "NumericEqual": 1},  # misspelt operator
        {"Variable": "$.value", "StringEquals": 5},
        {"Variable": "$.value", "StringLessThan": None},
        {"Variable": "$.value", "NumericEquals": "5"},
        {"Variable": "$.value", "NumericEquals": True},
        {"Variable": "$.value", "BooleanEquals": "true"},
        {"Variable": "$.value", "TimestampEquals": "yesterday"},
        {"Variable": "$.value", "TimestampEquals": "2016-03-14T01:59:00"},
        {"Variable": "$.value", "TimestampEquals": 1457920740},
        {"Variable": "$.value", "StringMatches": 5},
        {"Variable": "$.value", "IsNull": "true"},
        {"Variable": "$.value", "IsPresent": 1},
        {"Variable": "$.value", "NumericEqualsPath": "value"},
        {"Variable": "$.value", "StringEqualsPath": 5},
        {"Variable": "$.value", "NumericEqualsPath": "$.a["},
        {"And": [], "Next": "X"},
        {"And": {"Variable": "$.value", "IsNull": True}, "Next": "X"},
        {"Or": "nope", "Next": "X"},
        {"Not": [{"Variable": "$.value", "IsNull": True}], "Next": "X"},
        {"And": [{"Variable": "$.value", "IsNull": True}], "Or": [{"Variable": "$.v", "IsNull": True}]},
        {"Not": {"Variable": "$.value", "IsNull": True}, "Variable": "$.value", "IsNull": True},
        {"And": [{"Variable": "$.value", "IsNull": True, "Next": "Nested"}], "Next": "X"},
        {"And": ["not a rule"], "Next": "X"},
        {"Condition": "{% true %}", "Next": "X"},  # JSONata's field in a JSONPath state
        "not an object",
    ],
)
def test_malformed_jsonpath_rules(rule_):
    with pytest.raises(AslSyntaxError):
        compile_choice_rule(rule_, "JSONPath")


# --- timestamps ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, valid",
    [
        ("2016-03-14T01:59:00Z", True),
        ("2016-03-14T01:59:00.000Z", True),
        ("2016-03-14T01:59:00.000000Z", True),  # AWS accepts any number of fractional digits
        ("2016-03-14T01:59:00.00Z", True),
        ("2016-03-14T01:59:00.123456789Z", True),
        ("2016-03-14T01:59:00+01:00", True),
        ("2016-03-14T01:59:00-08:30", True),
        ("2016-02-29T00:00:00Z", True),  # leap year
        ("2015-02-29T00:00:00Z", False),
        ("2016-13-01T00:00:00Z", False),
        ("2016-03-32T00:00:00Z", False),
        ("2016-03-14T24:00:00Z", False),
        ("2016-03-14T01:60:00Z", False),
        ("2016-03-14T01:59:60Z", False),
        ("2016-03-14T01:59:00", False),  # ASL: no zone -> not a timestamp
        ("2016-03-14T01:59:00.000000", False),
        ("2016-03-14t01:59:00Z", False),  # ASL: uppercase T
        ("2016-03-14T01:59:00z", False),  # ASL: uppercase Z
        ("2016-03-14 01:59:00Z", False),
        ("2016-03-14T01:59Z", False),
        ("2016-03-14T01:59:00.Z", False),
        ("2016-03-14T01:59:00+0100", False),
        ("2016-03-14T01:59:00+25:00", False),
        ("2016-03-14", False),
        ("16-03-14T01:59:00Z", False),
        (" 2016-03-14T01:59:00Z", False),
        ("", False),
        (1457920740, False),
        (None, False),
    ],
)
def test_timestamp_syntax(text, valid):
    assert (parse_timestamp(text) is not None) is valid


def test_timestamp_instants():
    assert parse_timestamp("1970-01-01T00:00:00Z") == 0
    assert parse_timestamp("1970-01-01T00:00:01.5Z") == 1_500_000_000
    assert parse_timestamp("1970-01-01T01:00:00+01:00") == 0
    assert parse_timestamp("1969-12-31T23:00:00-01:00") == 0
    assert parse_timestamp("2016-03-14T01:59:00.123456789999Z") % 1_000_000_000 == 123456789


# --- JSONata Conditions -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "condition, expected",
    [
        (True, True),
        (False, False),
        ("{% $states.input.value > 20 %}", True),
        ("{% $states.input.value > 20 and $states.input.value < 25 %}", False),
        ("{% $states.input.type = 'Private' %}", True),
        ("{% $limit > $states.input.value %}", True),
        ("{% $tier in ['gold', 'silver'] %}", True),
        ("{% $states.context.Execution.Input.mode = 'fast' %}", True),
        ("{% $exists($states.input.missing) %}", False),
        ("{% $count($states.input.list) = 2 %}", True),
        ("{% $states.input.rating <= $states.input.auditThreshold %}", True),
        ("{% $not($states.input.flag) %}", False),
        ("{% $contains($states.input.name, '2023') %}", True),
        ("{% $toMillis($states.input.later) > $toMillis($states.input.when) %}", True),
        ("{% $states.input.nothing = null %}", True),
    ],
)
def test_jsonata_conditions(condition, expected):
    assert holds({"Condition": condition, "Next": "X"}, language="JSONata") is expected


@pytest.mark.parametrize(
    "condition, cause",
    [
        (
            "{% $states.input.value %}",
            "The JSONata expression '$states.input.value' specified for the field 'Condition' returned an "
            "unexpected result type. Expected 'boolean', but was 'number' for value: 25",
        ),
        (
            "{% $states.input.type %}",
            "The JSONata expression '$states.input.type' specified for the field 'Condition' returned an "
            "unexpected result type. Expected 'boolean', but was 'string' for value: \"Private\"",
        ),
        (
            "{% $states.input.nothing %}",
            "The JSONata expression '$states.input.nothing' specified for the field 'Condition' returned an "
            "unexpected result type. Expected 'boolean', but was 'null' for value: null",
        ),
        (
            "{% $states.input.missing %}",
            "The JSONata expression '$states.input.missing' specified for the field 'Condition' returned "
            "nothing (undefined).",
        ),
        (
            "{% $states.input.missing > 1 %}",
            "The JSONata expression '$states.input.missing > 1' specified for the field 'Condition' returned "
            "nothing (undefined).",
        ),
        ("{% $states.input.type > 1 %}", "threw an error during evaluation. T2009:"),
        ("{% $states.input.list %}", "Expected 'boolean', but was 'array' for value: [1,2]"),
    ],
)
def test_jsonata_condition_errors(condition, cause):
    with pytest.raises(StatesError) as caught:
        holds({"Condition": condition, "Next": "X"}, language="JSONata")
    assert caught.value.error == errors.QUERY_EVALUATION_ERROR
    assert cause in caught.value.cause


def test_jsonata_condition_sees_only_input_and_context():
    predicate = compile_choice_rule({"Condition": "{% $exists($states.result) %}", "Next": "X"}, "JSONata")
    assert predicate(INPUT, CONTEXT, {}) is False


def test_jsonata_condition_clock():
    predicate = compile_choice_rule({"Condition": "{% $millis() = 5000 %}", "Next": "X"}, "JSONata")
    assert predicate({}, {}, {}, now=5000) is True
    assert predicate({}, {}, {}, now=6000) is False


@pytest.mark.parametrize(
    "rule_",
    [
        {"Next": "X"},  # no Condition
        {"Condition": "$.value > 1", "Next": "X"},  # not a {% %} expression
        {"Condition": "true", "Next": "X"},
        {"Condition": 1, "Next": "X"},
        {"Condition": None, "Next": "X"},
        {"Condition": "{% 1 + %}", "Next": "X"},
        {"Variable": "$.value", "NumericEquals": 1, "Next": "X"},  # JSONPath's fields in a JSONata state
        {"Condition": "{% true %}", "Variable": "$.value", "Next": "X"},
        {"And": [{"Condition": "{% true %}"}], "Next": "X"},
    ],
)
def test_malformed_jsonata_rules(rule_):
    with pytest.raises(AslSyntaxError):
        compile_choice_rule(rule_, "JSONata")


def test_unknown_query_language():
    with pytest.raises(AslSyntaxError):
        compile_choice_rule({"Condition": True, "Next": "X"}, "XPath")


def test_rules_with_assign_and_output_compile():
    jsonata_rule = {"Condition": True, "Next": "X", "Assign": {"a": 1}, "Output": {"b": 2}, "Comment": "c"}
    assert holds(jsonata_rule, language="JSONata")
    assert holds({**rule("NumericEquals", 25), "Assign": {"a": 1}, "Comment": "c"})


def test_input_is_not_mutated():
    import copy

    before = copy.deepcopy(INPUT)
    for rule_, _ in CASES:
        holds(rule_)
    assert INPUT == before


@pytest.mark.parametrize(
    "text",
    ["0001-01-01T00:00:00Z", "1969-07-20T20:17:40Z", "2000-02-29T23:59:59.999Z", "2100-03-01T00:00:00+14:00"],
)
def test_timestamp_instants_agree_with_datetime(text):
    from datetime import datetime

    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert parse_timestamp(text) // 1_000_000 == int(moment.timestamp() * 1000)
