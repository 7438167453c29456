"""validate(): Choice rules (JSONPath data tests, And/Or/Not, JSONata Condition) and Retry/Catch."""
import pytest

from tests.asl.test_validate import found, ids, jsonata, machine, pass_state, task

SCHEMA = "SCHEMA_VALIDATION_FAILED"
TARGET = "MISSING_TRANSITION_TARGET"


def choice(*rules, **fields) -> dict:
    """A Choice state C whose rules lead to Done (a Succeed state)."""
    return machine({"C": {"Type": "Choice", "Choices": list(rules), **fields}, "Done": {"Type": "Succeed"}})


def rule(**fields) -> dict:
    return {"Variable": "$.x", "Next": "Done", **fields}


def caught(**fields) -> dict:
    """A Task T with the given Retry/Catch, and a Handler state catchers can go to."""
    return machine({"T": task(**fields), "Handler": pass_state()})


R = "/States/C/Choices[0]"

CHOICE_CASES = [
    ("string equals", choice(rule(StringEquals="a")), []),
    ("every operator kind", choice(
        rule(StringLessThan="b"), rule(StringMatches="log-*.txt"), rule(NumericEquals=1),
        rule(NumericGreaterThanEquals=1.5), rule(BooleanEquals=False), rule(TimestampEquals="2001-01-01T00:00:00Z"),
        rule(IsNull=True), rule(IsPresent=False), rule(IsNumeric=True), rule(IsString=True), rule(IsBoolean=True),
        rule(IsTimestamp=True), rule(StringEqualsPath="$.y"), rule(NumericLessThanPath="$$.Execution.Input.n"),
        rule(BooleanEqualsPath="$flag"), rule(TimestampGreaterThanPath="$.t"), Default="Done"), []),
    ("Variable from the context object and a variable", choice(
        rule(Variable="$$.Execution.Input.a", IsPresent=True), rule(Variable="$count", NumericEquals=0)), []),
    ("boolean expressions nest", choice({
        "And": [{"Variable": "$.a", "IsPresent": True},
                {"Or": [{"Variable": "$.b", "NumericGreaterThan": 1}, {"Not": {"Variable": "$.c", "IsNull": True}}]}],
        "Next": "Done"}), []),
    ("Choice without Choices", machine({"C": {"Type": "Choice", "Default": "D"}, "D": {"Type": "Succeed"}}),
     [(SCHEMA, "/States/C")]),
    ("empty Choices", machine({"C": {"Type": "Choice", "Choices": [], "Default": "D"}, "D": {"Type": "Succeed"}}),
     [(SCHEMA, "/States/C/Choices")]),
    ("Choices not an array", machine({"C": {"Type": "Choice", "Choices": {}, "Default": "D"}, "D": {"Type": "Succeed"}}),
     [(SCHEMA, "/States/C/Choices")]),
    ("rule not an object", choice("Done", Default="Done"), [(SCHEMA, R)]),
    ("rule without Next", choice({"Variable": "$.x", "IsNull": True}, Default="Done"), [(SCHEMA, R)]),
    ("rule without operator", choice(rule()), [(SCHEMA, R)]),
    ("rule with two operators", choice(rule(StringEquals="a", IsPresent=True)), [(SCHEMA, R)]),
    ("operator without Variable", choice({"StringEquals": "a", "Next": "Done"}), [(SCHEMA, R)]),
    ("rule with no condition at all", choice({"Next": "Done"}), [(SCHEMA, R)]),
    ("Variable and And together", choice(rule(IsNull=True, And=[{"Variable": "$.a", "IsNull": True}])), [(SCHEMA, R)]),
    ("unknown operator", choice(rule(StringContains="a")), [(SCHEMA, R), (SCHEMA, R)]),
    ("Next inside a nested rule", choice({"Not": {"Variable": "$.a", "IsNull": True, "Next": "Done"}, "Next": "Done"}),
     [(SCHEMA, R + "/Not")]),
    ("Assign inside a nested rule", choice({"And": [{"Variable": "$.a", "IsNull": True, "Assign": {"a": 1}}], "Next": "Done"}),
     [(SCHEMA, R + "/And[0]")]),
    ("empty And", choice({"And": [], "Next": "Done"}), [(SCHEMA, R + "/And")]),
    ("Or not an array", choice({"Or": {"Variable": "$.a", "IsNull": True}, "Next": "Done"}), [(SCHEMA, R + "/Or")]),
    ("Not given an array", choice({"Not": [{"Variable": "$.a", "IsNull": True}], "Next": "Done"}), [(SCHEMA, R + "/Not")]),
    ("nested rule missing its operator", choice({"Or": [{"Variable": "$.a"}], "Next": "Done"}), [(SCHEMA, R + "/Or[0]")]),
    ("Variable not a reference path", choice(rule(Variable="$.items[*].x", IsPresent=True)), [(SCHEMA, R + "/Variable")]),
    ("Variable as an intrinsic", choice(rule(Variable="States.ArrayLength($.a)", NumericEquals=0)),
     [(SCHEMA, R + "/Variable")]),
    ("StringEquals with a number", choice(rule(StringEquals=1)), [(SCHEMA, R + "/StringEquals")]),
    ("NumericEquals with a string", choice(rule(NumericEquals="1")), [(SCHEMA, R + "/NumericEquals")]),
    ("NumericEquals with a boolean", choice(rule(NumericEquals=True)), [(SCHEMA, R + "/NumericEquals")]),
    ("BooleanEquals with a string", choice(rule(BooleanEquals="true")), [(SCHEMA, R + "/BooleanEquals")]),
    ("IsPresent with a string", choice(rule(IsPresent="yes")), [(SCHEMA, R + "/IsPresent")]),
    ("TimestampEquals with a bad timestamp", choice(rule(TimestampEquals="yesterday")), [(SCHEMA, R + "/TimestampEquals")]),
    ("StringEqualsPath with a bad path", choice(rule(StringEqualsPath="y")), [(SCHEMA, R + "/StringEqualsPath")]),
    ("NO_PATH on a literal operand", choice(rule(StringEquals="$.other")), [("NO_PATH", R + "/StringEquals")]),
    ("NO_PATH on a timestamp operand", choice(rule(TimestampLessThan="$.other")),
     [("NO_PATH", R + "/TimestampLessThan"), (SCHEMA, R + "/TimestampLessThan")]),
    ("dangling rule Next", choice(rule(IsNull=True, Next="Ghost"), Default="Done"), [(TARGET, R + "/Next")]),
    ("dangling Default", choice(rule(IsNull=True), Default="Ghost"), [(TARGET, "/States/C/Default")]),
    ("Default not a string", choice(rule(IsNull=True), Default=["Done"]), [(SCHEMA, "/States/C/Default")]),
    ("rule Comment and Assign", choice(rule(IsNull=True, Comment="why", Assign={"seen": True})), []),
    ("rule Assign with a bad name", choice(rule(IsNull=True, Assign={"a b": 1})), [(SCHEMA, R + "/Assign/a b")]),
    ("JSONata rule", jsonata(choice({"Condition": "{% $states.input.x > 1 %}", "Next": "Done",
                                     "Assign": {"big": True}, "Output": {"x": "{% $states.input.x %}"}}, Default="Done")), []),
    ("JSONata literal Condition", jsonata(choice({"Condition": True, "Next": "Done"})), []),
    ("JSONata Condition missing", jsonata(choice({"Next": "Done"})), [(SCHEMA, R)]),
    ("JSONata Condition not boolean", jsonata(choice({"Condition": "yes", "Next": "Done"})), [(SCHEMA, R + "/Condition")]),
    ("JSONata Condition bad syntax", jsonata(choice({"Condition": "{% 1 + %}", "Next": "Done"})),
     [("INVALID_JSONATA_EXPRESSION", R + "/Condition")]),
    ("JSONata rule with Variable", jsonata(choice(rule(IsNull=True))), [(SCHEMA, R), (SCHEMA, R), (SCHEMA, R)]),
    ("Condition in a JSONPath rule", choice({"Condition": True, "Next": "Done"}), [(SCHEMA, R), (SCHEMA, R)]),
    ("JSONata rule cannot read $states.result", jsonata(choice({"Condition": "{% $states.result %}", "Next": "Done"})),
     [("UNSUPPORTED_JSONATA_EXPRESSION", R + "/Condition")]),
]

ERROR_CASES = [
    ("retry and catch", caught(
        Retry=[{"ErrorEquals": ["Lambda.ServiceException", "Lambda.TooManyRequestsException"], "IntervalSeconds": 2,
                "MaxAttempts": 6, "BackoffRate": 2, "MaxDelaySeconds": 60, "JitterStrategy": "FULL", "Comment": "x"},
               {"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}],
        Catch=[{"ErrorEquals": ["States.Timeout"], "Next": "Handler", "ResultPath": "$.error", "Comment": "c"},
               {"ErrorEquals": ["States.ALL"], "Next": "Handler", "ResultPath": None}]), []),
    ("Retry not an array", caught(Retry={"ErrorEquals": ["States.ALL"]}), [(SCHEMA, "/States/T/Retry"), (TARGET, "/States/Handler")]),
    ("retrier without ErrorEquals", caught(Retry=[{"MaxAttempts": 1}]), [(SCHEMA, "/States/T/Retry[0]"), (TARGET, "/States/Handler")]),
    ("empty ErrorEquals", caught(Retry=[{"ErrorEquals": []}]),
     [(SCHEMA, "/States/T/Retry[0]/ErrorEquals"), (TARGET, "/States/Handler")]),
    ("ErrorEquals not strings", caught(Retry=[{"ErrorEquals": [5]}]),
     [(SCHEMA, "/States/T/Retry[0]/ErrorEquals[0]"), (TARGET, "/States/Handler")]),
    ("States.ALL not alone", caught(Retry=[{"ErrorEquals": ["States.ALL", "Custom"]}]),
     [(SCHEMA, "/States/T/Retry[0]/ErrorEquals"), (TARGET, "/States/Handler")]),
    ("States.ALL not last retrier", caught(Retry=[{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["Custom"]}]),
     [(SCHEMA, "/States/T/Retry[0]/ErrorEquals"), (TARGET, "/States/Handler")]),
    ("States.ALL not last catcher", caught(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Handler"},
                                                  {"ErrorEquals": ["Custom"], "Next": "Handler"}]),
     [(SCHEMA, "/States/T/Catch[0]/ErrorEquals")]),
    ("IntervalSeconds zero", caught(Retry=[{"ErrorEquals": ["E"], "IntervalSeconds": 0}]),
     [(SCHEMA, "/States/T/Retry[0]/IntervalSeconds"), (TARGET, "/States/Handler")]),
    ("MaxAttempts negative", caught(Retry=[{"ErrorEquals": ["E"], "MaxAttempts": -1}]),
     [(SCHEMA, "/States/T/Retry[0]/MaxAttempts"), (TARGET, "/States/Handler")]),
    ("MaxAttempts a float", caught(Retry=[{"ErrorEquals": ["E"], "MaxAttempts": 2.5}]),
     [(SCHEMA, "/States/T/Retry[0]/MaxAttempts"), (TARGET, "/States/Handler")]),
    ("BackoffRate below one", caught(Retry=[{"ErrorEquals": ["E"], "BackoffRate": 0.5}]),
     [(SCHEMA, "/States/T/Retry[0]/BackoffRate"), (TARGET, "/States/Handler")]),
    ("BackoffRate a string", caught(Retry=[{"ErrorEquals": ["E"], "BackoffRate": "2"}]),
     [(SCHEMA, "/States/T/Retry[0]/BackoffRate"), (TARGET, "/States/Handler")]),
    ("MaxDelaySeconds too large", caught(Retry=[{"ErrorEquals": ["E"], "MaxDelaySeconds": 31_622_401}]),
     [(SCHEMA, "/States/T/Retry[0]/MaxDelaySeconds"), (TARGET, "/States/Handler")]),
    ("JitterStrategy unknown", caught(Retry=[{"ErrorEquals": ["E"], "JitterStrategy": "HALF"}]),
     [(SCHEMA, "/States/T/Retry[0]/JitterStrategy"), (TARGET, "/States/Handler")]),
    ("unknown retrier field", caught(Retry=[{"ErrorEquals": ["E"], "Next": "Handler"}]),
     [(SCHEMA, "/States/T/Retry[0]"), (TARGET, "/States/Handler")]),
    ("catcher without Next", caught(Catch=[{"ErrorEquals": ["E"]}]), [(SCHEMA, "/States/T/Catch[0]"), (TARGET, "/States/Handler")]),
    ("catcher Next dangling", caught(Catch=[{"ErrorEquals": ["E"], "Next": "Ghost"}]),
     [(TARGET, "/States/T/Catch[0]/Next"), (TARGET, "/States/Handler")]),
    ("catcher ResultPath into the context", caught(Catch=[{"ErrorEquals": ["E"], "Next": "Handler", "ResultPath": "$$.x"}]),
     [(SCHEMA, "/States/T/Catch[0]/ResultPath")]),
    ("catcher Output in JSONPath", caught(Catch=[{"ErrorEquals": ["E"], "Next": "Handler", "Output": {}}]),
     [(SCHEMA, "/States/T/Catch[0]")]),
    ("catcher Assign", caught(Catch=[{"ErrorEquals": ["E"], "Next": "Handler", "Assign": {"err.$": "$.Error"}}]), []),
    ("JSONata catcher", jsonata(caught(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Handler",
                                               "Output": "{% $states.errorOutput %}",
                                               "Assign": {"e": "{% $states.errorOutput.Error %}"}}])), []),
    ("JSONata catcher ResultPath", jsonata(caught(Catch=[{"ErrorEquals": ["E"], "Next": "Handler", "ResultPath": "$.e"}])),
     [(SCHEMA, "/States/T/Catch[0]")]),
    ("errorOutput outside a catcher", jsonata(caught(Output="{% $states.errorOutput %}")),
     [("UNSUPPORTED_JSONATA_EXPRESSION", "/States/T/Output"), (TARGET, "/States/Handler")]),
    ("result readable in Task Output", jsonata(machine({"T": task(Output="{% $states.result.Payload %}")})), []),
    ("result not readable in a catcher", jsonata(caught(Catch=[{"ErrorEquals": ["E"], "Next": "Handler",
                                                                "Output": "{% $states.result %}"}])),
     [("UNSUPPORTED_JSONATA_EXPRESSION", "/States/T/Catch[0]/Output")]),
]


@pytest.mark.parametrize("name, definition, expected", CHOICE_CASES, ids=ids(CHOICE_CASES))
def test_choice(name, definition, expected):
    assert found(definition) == expected


@pytest.mark.parametrize("name, definition, expected", ERROR_CASES, ids=ids(ERROR_CASES))
def test_retry_and_catch(name, definition, expected):
    assert found(definition) == expected
