"""validate(): machine structure, state names, transitions, reachability, query languages, the API.

Each case is a definition and the (code, location) pairs AWS's ValidateStateMachineDefinition would
report, in order (severity WARNING, so warnings are listed too). Builders below keep cases short;
the other test_validate_* modules import them.
"""
import json

import pytest

from designer.asl.validate import Diagnostic, is_valid, validate

LAMBDA = "arn:aws:states:::lambda:invoke"


def machine(states: dict, start: str | None = None, **top) -> dict:
    """A definition whose StartAt is the first state unless given."""
    return {"StartAt": start if start is not None else next(iter(states), "S"), "States": states, **top}


def one(state: dict, **top) -> dict:
    """A one-state machine; the state is called S, so its location is /States/S."""
    return machine({"S": state}, **top)


def task(**fields) -> dict:
    return {"Type": "Task", "Resource": LAMBDA, "End": True, **fields}


def pass_state(**fields) -> dict:
    return {"Type": "Pass", "End": True, **fields}


def jsonata(definition: dict) -> dict:
    return {"QueryLanguage": "JSONata", **definition}


def found(definition, severity: str = "WARNING") -> list[tuple[str, str]]:
    return [(d.code, d.location) for d in validate(definition, severity=severity)]


def ids(cases) -> list[str]:
    return [case[0] for case in cases]


SCHEMA = "SCHEMA_VALIDATION_FAILED"
TARGET = "MISSING_TRANSITION_TARGET"

CASES = [
    # --- top level -------------------------------------------------------------------------------
    ("minimal", one(pass_state()), []),
    ("all top-level fields", one(pass_state(), Comment="c", Version="1.0", TimeoutSeconds=60, QueryLanguage="JSONPath"), []),
    ("unknown top-level field", one(pass_state(), Coment="typo"), [(SCHEMA, "/")]),
    ("missing StartAt and States", {"Comment": "x"}, [(SCHEMA, "/"), ("MISSING_END_STATE", "")]),
    ("States not an object", {"StartAt": "A", "States": []}, [(SCHEMA, "/States"), ("MISSING_END_STATE", "")]),
    ("StartAt not a string", machine({"A": pass_state()}, start=3), [(SCHEMA, "/StartAt"), (TARGET, "/States/A")]),
    ("StartAt empty", machine({"A": pass_state()}, start=""), [(SCHEMA, "/StartAt"), (TARGET, "/States/A")]),
    ("StartAt names no state", machine({"A": pass_state()}, start="Nope"), [(TARGET, "/StartAt"), (TARGET, "/States/A")]),
    ("StartAt is case-sensitive", machine({"A": pass_state()}, start="a"), [(TARGET, "/StartAt"), (TARGET, "/States/A")]),
    ("Version other than 1.0", one(pass_state(), Version="2.0"), [(SCHEMA, "/Version")]),
    ("TimeoutSeconds negative", one(pass_state(), TimeoutSeconds=-1), [(SCHEMA, "/TimeoutSeconds")]),
    ("TimeoutSeconds too large", one(pass_state(), TimeoutSeconds=100_000_000), [(SCHEMA, "/TimeoutSeconds")]),
    ("TimeoutSeconds not an integer", one(pass_state(), TimeoutSeconds=1.5), [(SCHEMA, "/TimeoutSeconds")]),
    ("Comment not a string", one(pass_state(), Comment=["x"]), [(SCHEMA, "/Comment")]),
    ("state is not an object", machine({"A": pass_state(), "B": "Pass"}), [(TARGET, "/States/B"), (SCHEMA, "/States/B")]),
    # --- state type -----------------------------------------------------------------------------
    ("missing Type", one({"End": True}), [(SCHEMA, "/States/S")]),
    ("unknown Type", one({"Type": "Lambda", "End": True}), [(SCHEMA, "/States/S/Type")]),
    ("Type wrong case", one({"Type": "pass", "End": True}), [(SCHEMA, "/States/S/Type")]),
    ("Type not a string", one({"Type": 1, "End": True}), [(SCHEMA, "/States/S/Type")]),
    ("state Comment not a string", one(pass_state(Comment=1)), [(SCHEMA, "/States/S/Comment")]),
    ("unknown state field", one(pass_state(Foo=1)), [(SCHEMA, "/States/S")]),
    ("TimeoutSeconds on Map is not supported",
     one({"Type": "Map", "TimeoutSeconds": 5, "ItemProcessor": machine({"P": pass_state()}), "End": True}),
     [(SCHEMA, "/States/S")]),
    ("Catch on Pass is not supported",
     one(pass_state(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "S"}])), [(SCHEMA, "/States/S")]),
    ("Retry on Wait is not supported",
     one({"Type": "Wait", "Seconds": 1, "End": True, "Retry": [{"ErrorEquals": ["States.ALL"]}]}), [(SCHEMA, "/States/S")]),
    ("InputPath on Fail is not supported", one({"Type": "Fail", "InputPath": "$"}), [(SCHEMA, "/States/S")]),
    ("Assign on Succeed is not supported", one({"Type": "Succeed", "Assign": {"a": 1}}), [(SCHEMA, "/States/S")]),
    ("ResultPath on Wait is not supported", one({"Type": "Wait", "Seconds": 1, "ResultPath": "$.x", "End": True}),
     [(SCHEMA, "/States/S")]),
    # --- Next / End -----------------------------------------------------------------------------
    ("neither Next nor End", one({"Type": "Pass"}), [(SCHEMA, "/States/S"), ("MISSING_END_STATE", "")]),
    ("both Next and End", one(pass_state(Next="S")), [(SCHEMA, "/States/S")]),
    ("End false", one({"Type": "Pass", "End": False}), [(SCHEMA, "/States/S/End"), ("MISSING_END_STATE", "")]),
    ("End not boolean", one({"Type": "Pass", "End": "true"}), [(SCHEMA, "/States/S/End"), ("MISSING_END_STATE", "")]),
    ("Next on Succeed", machine({"S": {"Type": "Succeed", "Next": "S"}}), [(SCHEMA, "/States/S")]),
    ("End on Choice",
     one({"Type": "Choice", "End": True, "Choices": [{"Variable": "$.a", "IsNull": True, "Next": "S"}]}),
     [(SCHEMA, "/States/S"), ("MISSING_END_STATE", "")]),
    ("End on Fail", one({"Type": "Fail", "End": True}), [(SCHEMA, "/States/S")]),
    ("Next not a string", machine({"A": {"Type": "Pass", "Next": 5}, "B": pass_state()}),
     [(SCHEMA, "/States/A/Next"), (TARGET, "/States/B")]),
    # --- transitions and reachability -------------------------------------------------------------
    ("Next names no state", machine({"A": {"Type": "Pass", "Next": "Ghost"}, "B": pass_state()}),
     [(TARGET, "/States/A/Next"), (TARGET, "/States/B")]),
    ("dangling Next, no terminal (AWS order)", one({"Type": "Pass", "Next": "NOPE"}),
     [(TARGET, "/States/S/Next"), ("MISSING_END_STATE", "")]),
    ("loop without terminal", machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}),
     [("MISSING_END_STATE", "")]),
    ("MISSING_END_STATE suppresses the unreachable walk",
     machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}, "U": {"Type": "Pass", "Next": "A"}}),
     [("MISSING_END_STATE", "")]),
    ("unreachable terminal added to a loop",
     machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}, "C": pass_state()}),
     [(TARGET, "/States/C")]),
    ("unreachable state", machine({"A": pass_state(), "B": pass_state()}), [(TARGET, "/States/B")]),
    ("unreachable cycle is unreachable",
     machine({"A": pass_state(), "B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Pass", "Next": "B"}}),
     [(TARGET, "/States/B"), (TARGET, "/States/C")]),
    ("reachable through Catch and Default", machine({
        "T": task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "C"}]),
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "D"}], "Default": "E"},
        "D": {"Type": "Succeed"}, "E": {"Type": "Fail"}}), []),
    ("loops are fine when a terminal is reachable", machine({
        "Poll": {"Type": "Wait", "Seconds": 5, "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.done", "BooleanEquals": True, "Next": "Done"}],
                  "Default": "Poll"},
        "Done": {"Type": "Succeed"}}), []),
    ("unreachable state name with a slash", machine({"Start": pass_state(), "a/b": pass_state()}), [(TARGET, "/States/a/b")]),
    # --- names ----------------------------------------------------------------------------------
    ("state name of 80 characters", machine({"N" * 80: pass_state()}), []),
    ("state name of 81 characters", machine({"N" * 81: pass_state()}), [("INVALID_STATE_NAME", "/States/" + "N" * 81)]),
    ("empty state name", machine({"": pass_state()}), [(SCHEMA, "/StartAt"), ("INVALID_STATE_NAME", "/States/")]),
    ("spaces and unicode in names are fine", machine({"Étape 1 — début": pass_state()}), []),
    ("duplicate name across a Parallel branch", machine({
        "P": {"Type": "Parallel", "Branches": [machine({"X": pass_state()})], "Next": "X"},
        "X": pass_state()}), [("DUPLICATE_STATE_NAME", "/States/X")]),
    ("duplicate name inside two branches", machine({
        "P": {"Type": "Parallel", "End": True, "Branches": [machine({"X": pass_state()}), machine({"X": pass_state()})]}}),
     [("DUPLICATE_STATE_NAME", "/States/P/Branches[1]/States/X")]),
    ("duplicate name in a Map processor", machine({
        "M": {"Type": "Map", "ItemProcessor": machine({"M": pass_state()}), "End": True}}),
     [("DUPLICATE_STATE_NAME", "/States/M/ItemProcessor/States/M")]),
    # --- scopes ---------------------------------------------------------------------------------
    ("Next into a branch crosses scopes", machine({
        "A": {"Type": "Pass", "Next": "Inner"},
        "P": {"Type": "Parallel", "Branches": [machine({"Inner": pass_state()})], "End": True}}),
     [(TARGET, "/States/A/Next"), (TARGET, "/States/P")]),
    ("Next out of a Map processor crosses scopes", machine({
        "M": {"Type": "Map", "ItemProcessor": machine({"P": {"Type": "Pass", "Next": "Done"}}), "Next": "Done"},
        "Done": {"Type": "Succeed"}}),
     [(TARGET, "/States/M/ItemProcessor/States/P/Next")]),
    ("nested scope needs no terminal state", machine({
        "M": {"Type": "Map", "ItemProcessor": machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}),
              "End": True}}), []),
    ("unreachable state in a branch", machine({
        "P": {"Type": "Parallel", "Branches": [machine({"W": pass_state(), "Ghost": pass_state()})], "End": True}}),
     [(TARGET, "/States/P/Branches[0]/States/Ghost")]),
    ("dangling StartAt in a processor", machine({
        "M": {"Type": "Map", "ItemProcessor": machine({"A": pass_state()}, start="Nope"), "End": True}}),
     [(TARGET, "/States/M/ItemProcessor/StartAt"), (TARGET, "/States/M/ItemProcessor/States/A")]),
    ("branch missing States", machine({"P": {"Type": "Parallel", "Branches": [{"StartAt": "A"}], "End": True}}),
     [(SCHEMA, "/States/P/Branches[0]")]),
    ("branch is not an object", machine({"P": {"Type": "Parallel", "Branches": ["A"], "End": True}}),
     [(SCHEMA, "/States/P/Branches[0]")]),
    ("unknown field in a branch", machine({"P": {"Type": "Parallel", "End": True,
                                                 "Branches": [{**machine({"A": pass_state()}), "Version": "1.0"}]}}),
     [(SCHEMA, "/States/P/Branches[0]")]),
    ("Parallel without Branches", one({"Type": "Parallel", "End": True}), [(SCHEMA, "/States/S")]),
    ("Parallel with empty Branches", one({"Type": "Parallel", "End": True, "Branches": []}), [(SCHEMA, "/States/S/Branches")]),
    # --- query language -------------------------------------------------------------------------
    ("JSONPath field in a JSONata state", jsonata(one(pass_state(InputPath="$.a"))), [(SCHEMA, "/States/S")]),
    ("three JSONPath fields in a JSONata state",
     jsonata(one(pass_state(InputPath="$.a", OutputPath="$.b", ResultPath="$.c"))),
     [(SCHEMA, "/States/S"), (SCHEMA, "/States/S"), (SCHEMA, "/States/S")]),
    ("JSONata field in a JSONPath state", one(task(Arguments={"a": 1})), [(SCHEMA, "/States/S")]),
    ("state may opt into JSONata", one(pass_state(QueryLanguage="JSONata", Output={"v": "{% 1 %}"})), []),
    ("state cannot fall back to JSONPath in a JSONata machine",
     jsonata(one(pass_state(QueryLanguage="JSONPath", Output={"v": "{% 1 %}"}))), [(SCHEMA, "/States/S")]),
    ("JSONPath state may say JSONPath", one(pass_state(QueryLanguage="JSONPath", InputPath="$.a")), []),
    ("QueryLanguage outside the enum", one(pass_state(QueryLanguage="jsonata", Output={"v": "{% 1 %}"}, InputPath="$.a")),
     [(SCHEMA, "/States/S"), (SCHEMA, "/States/S/QueryLanguage")]),
    ("top-level QueryLanguage outside the enum", {"QueryLanguage": "jsonpath", **one(pass_state(InputPath="$.a"))},
     [(SCHEMA, "/QueryLanguage"), (SCHEMA, "/States/S")]),
    ("top-level QueryLanguage not a string", one(pass_state(), QueryLanguage=5), [(SCHEMA, "/QueryLanguage")]),
    ("Map's QueryLanguage does not reach its processor", machine({
        "M": {"Type": "Map", "QueryLanguage": "JSONata", "End": True,
              "ItemProcessor": machine({"P": pass_state(Output={"d": "{% $states.input * 2 %}"})})}}),
     [(SCHEMA, "/States/M/ItemProcessor/States/P")]),
    ("JSONata machine reaches into processors", jsonata(machine({
        "M": {"Type": "Map", "End": True, "ItemProcessor": machine({"P": pass_state(Output="{% $states.input %}")})}})), []),
    ("ItemProcessor cannot declare QueryLanguage", machine({
        "M": {"Type": "Map", "End": True, "ItemProcessor": {**machine({"P": pass_state()}), "QueryLanguage": "JSONata"}}}),
     [(SCHEMA, "/States/M/ItemProcessor")]),
    ("branch cannot declare QueryLanguage", machine({
        "P": {"Type": "Parallel", "End": True, "Branches": [{**machine({"B": pass_state()}), "QueryLanguage": "JSONata"}]}}),
     [(SCHEMA, "/States/P/Branches[0]")]),
]


@pytest.mark.parametrize("name, definition, expected", CASES, ids=ids(CASES))
def test_structure(name, definition, expected):
    assert found(definition) == expected


# --- the API --------------------------------------------------------------------------------------


def test_text_and_dict_give_the_same_diagnostics():
    definition = machine({"A": {"Type": "Pass", "Next": "Ghost"}, "B": pass_state()})
    assert validate(json.dumps(definition, indent=2)) == validate(definition)


def test_invalid_json_is_one_diagnostic_with_line_and_column():
    (diagnostic,) = validate('{\n  "StartAt": "A",\n  "States": {\n}')
    assert diagnostic.code == "INVALID_JSON_DESCRIPTION"
    assert diagnostic.severity == "ERROR"
    assert diagnostic.location == ""
    assert "line 4, column 2" in diagnostic.message


def test_nan_is_invalid_json():
    text = '{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": NaN, "End": true}}}'
    (diagnostic,) = validate(text)
    assert diagnostic.code == "INVALID_JSON_DESCRIPTION"
    assert "NaN" in diagnostic.message and f"column {text.index('NaN') + 1}" in diagnostic.message


def test_top_level_array_is_invalid_json():
    (diagnostic,) = validate("[]")
    assert diagnostic.code == "INVALID_JSON_DESCRIPTION"


def test_duplicate_non_state_key_is_invalid_json():
    text = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "End": true}}}'
    (diagnostic,) = validate(text)
    assert (diagnostic.code, diagnostic.location) == ("INVALID_JSON_DESCRIPTION", "")
    assert "'End'" in diagnostic.message and f"line 1, column {text.rindex('End')}" in diagnostic.message


def test_duplicate_state_key_in_one_states_object_is_a_duplicate_state_name():
    text = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "A": {"Type": "Pass", "End": true}}}'
    assert found(text) == [("DUPLICATE_STATE_NAME", "/States/A")]


def test_duplicate_state_key_in_a_branch():
    branch = '{"StartAt": "B", "States": {"B": {"Type": "Succeed"}, "B": {"Type": "Succeed"}}}'
    text = '{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [' + branch + "]}}}"
    assert found(text) == [("DUPLICATE_STATE_NAME", "/States/P/Branches[0]/States/B")]


@pytest.mark.parametrize("empty", ["", "   \n", None])
def test_empty_definition_is_missing_description(empty):
    assert found(empty) == [("MISSING_DESCRIPTION", "")]


def test_definition_must_be_an_object():
    assert found(["StartAt"]) == [(SCHEMA, "/")]


def test_severity_error_hides_warnings():
    definition = one(task(Parameters={"x": "$.y"}))
    assert found(definition, "ERROR") == []
    assert found(definition, "WARNING") == [("NO_DOLLAR", "/States/S/Parameters/x")]
    assert validate(definition) == []
    assert is_valid(definition)


def test_unknown_severity_is_refused():
    with pytest.raises(ValueError):
        validate(one(pass_state()), severity="INFO")


def test_is_valid():
    assert is_valid(one(pass_state()))
    assert not is_valid(one({"Type": "Pass"}))
    assert not is_valid("{oops")


def test_diagnostic_to_dict_and_positional_construction():
    diagnostic = Diagnostic("ERROR", "MISSING_TRANSITION_TARGET", "Missing 'Next' target: X", "/States/A/Next")
    assert diagnostic.to_dict() == {
        "severity": "ERROR",
        "code": "MISSING_TRANSITION_TARGET",
        "message": "Missing 'Next' target: X",
        "location": "/States/A/Next",
    }
    with pytest.raises(AttributeError):
        diagnostic.code = "X"  # frozen


def test_messages_follow_aws_wording():
    messages = {d.location: d.message for d in validate(machine({
        "A": {"Type": "Pass", "Next": "Ghost", "TimeoutSeconds": 3},
        "B": pass_state(),
    }))}
    assert messages["/States/A"] == "Field 'TimeoutSeconds' is not supported"
    assert messages["/States/A/Next"] == "Missing 'Next' target: Ghost"
    assert messages["/States/B"] == 'State "B" is not reachable.'
    (end,) = validate(one({"Type": "Pass", "Next": "S"}))
    assert (end.code, end.message, end.location) == ("MISSING_END_STATE", "Workflow has no terminal state", "")
    (mixed,) = validate(jsonata(one(pass_state(ResultPath="$.x"))))
    assert mixed.message == (
        "The QueryLanguage is set to 'JSONata', but field 'ResultPath' is only supported for the 'JSONPath' QueryLanguage"
    )
    (down,) = validate(jsonata(one(pass_state(QueryLanguage="JSONPath"))))
    assert down.message == "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"


def test_cross_scope_target_message_says_where_the_state_is():
    (diagnostic, _) = validate(machine({
        "A": {"Type": "Pass", "Next": "Inner"},
        "P": {"Type": "Parallel", "Branches": [machine({"Inner": pass_state()})], "End": True},
    }))
    assert diagnostic.message.startswith("Missing 'Next' target: Inner")
    assert "/States/P/Branches[0]/States/Inner" in diagnostic.message


def test_too_deeply_nested():
    payload: dict = {}
    node = payload
    for _ in range(200):
        node["x"] = {}
        node = node["x"]
    (diagnostic,) = validate(one(pass_state(Result=payload)))
    assert diagnostic.code == "TOO_DEEPLY_NESTED"
    assert diagnostic.location.startswith("/States/S/Result/x/x")


def test_too_deeply_nested_text_beyond_the_parser():
    text = '{"StartAt": "S", "States": {"S": {"Type": "Pass", "End": true, "Result": ' + "[" * 3000 + "]" * 3000 + "}}}"
    assert found(text) == [("TOO_DEEPLY_NESTED", "")]


def test_diagnostics_are_stable():
    definition = machine({
        "A": {"Type": "Pass", "Next": "Ghost", "Foo": 1, "InputPath": 3},
        "B": {"Type": "Task", "Resource": "nope", "End": True, "Retry": [{"ErrorEquals": []}]},
    })
    first = validate(definition, severity="WARNING")
    assert all(validate(definition, severity="WARNING") == first for _ in range(3))
    assert [d.location for d in first] == [
        "/States/A", "/States/A/Next", "/States/A/InputPath", "/States/B", "/States/B/Resource",
        "/States/B/Retry[0]/ErrorEquals",
    ]
