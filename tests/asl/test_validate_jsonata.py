"""validate(): JSONata expressions ({% %}), $states rules, and workflow variables (Assign)."""
import pytest

from tests.asl.test_validate import found, ids, jsonata, machine, one, pass_state, task

SCHEMA = "SCHEMA_VALIDATION_FAILED"
INVALID = "INVALID_JSONATA_EXPRESSION"
UNSUPPORTED = "UNSUPPORTED_JSONATA_EXPRESSION"
S = "/States/S"


def parallel_around(inner: dict, **outer_fields) -> dict:
    """Pass A (with outer_fields) then Parallel P whose one branch holds state `inner` named I."""
    return machine({
        "A": {"Type": "Pass", "Next": "P", **outer_fields},
        "P": {"Type": "Parallel", "End": True, "Branches": [machine({"I": inner})]},
    })


JSONATA_CASES = [
    ("Output expression", jsonata(one(pass_state(Output="{% $states.input.a + 1 %}"))), []),
    ("Output template with expressions", jsonata(one(pass_state(Output={"v": ["{% $uuid() %}", {"w": "{% $now() %}"}],
                                                                            "lit": "plain"}))), []),
    ("syntax error", jsonata(one(pass_state(Output="{% a[1,2) %}"))), [(INVALID, S + "/Output")]),
    ("syntax error deep in a template", jsonata(one(pass_state(Output={"v": [1, {"w": "{% 1 + %}"}]}))),
     [(INVALID, S + "/Output/v[1]/w")]),
    ("empty expression", jsonata(one(pass_state(Output="{% %}"))), [(INVALID, S + "/Output")]),
    ("unterminated delimiters", jsonata(one(pass_state(Output="{% $states.input"))), [(INVALID, S + "/Output")]),
    ("stray closing delimiter", jsonata(one(pass_state(Output="$states.input %}"))), [(INVALID, S + "/Output")]),
    ("literal text with braces is fine", jsonata(one(pass_state(Output="50% {off}"))), []),
    ("$$ at the top level", jsonata(one(pass_state(Output="{% $$ %}"))), [(UNSUPPORTED, S + "/Output")]),
    ("bare field name at the top level", jsonata(one(pass_state(Output={"v": "{% phone %}"}))), [(UNSUPPORTED, S + "/Output/v")]),
    ("names inside predicates are fine", jsonata(one(pass_state(Output="{% $states.input.items[price > 3].name %}"))), []),
    ("$eval is not supported", jsonata(one(pass_state(Output='{% $eval("1") %}'))), [(UNSUPPORTED, S + "/Output")]),
    ("$states.result in a Pass", jsonata(one(pass_state(Output="{% $states.result %}"))), [(UNSUPPORTED, S + "/Output")]),
    ("$states.result in Task Assign", jsonata(one(task(Assign={"r": "{% $states.result.Payload %}"}))), []),
    ("$states.result in Task Arguments", jsonata(one(task(Arguments={"r": "{% $states.result %}"}))),
     [(UNSUPPORTED, S + "/Arguments/r")]),
    ("unknown $states field", jsonata(one(pass_state(Output="{% $states.inputs %}"))), [(UNSUPPORTED, S + "/Output")]),
    ("$states.context everywhere", jsonata(one(task(Arguments={"id": "{% $states.context.Execution.Id %}"}))), []),
    ("Arguments as one expression", jsonata(one(task(Arguments="{% $states.input %}"))), []),
    ("Arguments as a number", jsonata(one(task(Arguments=5))), [(SCHEMA, S + "/Arguments")]),
    ("Arguments on Pass", jsonata(one(pass_state(Arguments={}))), [(SCHEMA, S)]),
    ("Output on Fail", jsonata(one({"Type": "Fail", "Output": {}})), [(SCHEMA, S)]),
    ("Parameters in JSONata", jsonata(one(task(Parameters={}))), [(SCHEMA, S)]),
    ("JSONPath strings are literals in JSONata", jsonata(one(task(Arguments={"p": "$.a", "q": "States.UUID()"}))), []),
    ("Output in a JSONPath state", one(pass_state(Output={})), [(SCHEMA, S)]),
    ("Choice Output and Wait Output", jsonata(machine({
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "W"}], "Output": "{% $states.input %}",
              "Default": "W"},
        "W": {"Type": "Wait", "Seconds": 1, "Output": {"x": 1}, "Assign": {"waited": True}, "End": True}})), []),
    ("ItemSelector cannot read $states.result", jsonata(one({
        "Type": "Map", "End": True, "ItemProcessor": machine({"P": pass_state()}),
        "ItemSelector": {"v": "{% $states.result %}"}})), [(UNSUPPORTED, S + "/ItemSelector/v")]),
    ("JSONata state in a JSONPath machine", machine({
        "A": pass_state(QueryLanguage="JSONata", Output="{% $states.input.x %}", Assign={"x": "{% 1 %}"})}), []),
]

VARIABLE_CASES = [
    ("JSONPath Assign", one(task(Assign={"total.$": "$.Payload.total", "tag": "fixed", "n.$": "States.MathAdd($.a, 1)"})), []),
    ("JSONata Assign", jsonata(one(pass_state(Assign={"total": "{% $states.input.total %}", "list": [1, 2]}))), []),
    ("unicode and underscore names", one(pass_state(Assign={"größe": 1, "_x": 2, "x1": 3})), []),
    ("name of 80 characters", one(pass_state(Assign={"v" * 80: 1})), []),
    ("name of 81 characters", one(pass_state(Assign={"v" * 81: 1})), [(SCHEMA, S + "/Assign/" + "v" * 81)]),
    ("name starting with a digit", one(pass_state(Assign={"1x": 1})), [(SCHEMA, S + "/Assign/1x")]),
    ("name with a space", one(pass_state(Assign={"a b": 1})), [(SCHEMA, S + "/Assign/a b")]),
    ("sub-path assignment", one(pass_state(Assign={"x.y": 1})), [(SCHEMA, S + "/Assign/x.y")]),
    ("reserved name states", one(pass_state(Assign={"states": 1})), [(SCHEMA, S + "/Assign/states")]),
    ("empty name", one(pass_state(Assign={"": 1})), [(SCHEMA, S + "/Assign/")]),
    (".$ suffix is literal in JSONata", jsonata(one(pass_state(Assign={"x.$": "$.a"}))), [(SCHEMA, S + "/Assign/x.$")]),
    ("Assign not an object", one(pass_state(Assign=[1])), [(SCHEMA, S + "/Assign")]),
    ("bad path in JSONPath Assign", one(pass_state(Assign={"x.$": "a"})), [(SCHEMA, S + "/Assign/x.$")]),
    ("same variable with and without .$", one(pass_state(Assign={"x": 1, "x.$": "$.x"})), [(SCHEMA, S + "/Assign/x.$")]),
    ("NO_DOLLAR in Assign", one(pass_state(Assign={"x": "$.x"})), [("NO_DOLLAR", S + "/Assign/x")]),
    ("bad expression in JSONata Assign", jsonata(one(pass_state(Assign={"a": "{% 1 + %}"}))), [(INVALID, S + "/Assign/a")]),
    ("branch may read but not assign an outer variable",
     parallel_around(pass_state(Assign={"total": 2}), Assign={"total": 1}), [(SCHEMA, "/States/P/Branches[0]/States/I/Assign/total")]),
    ("branch assigning its own variable", parallel_around(pass_state(Assign={"mine": 2}), Assign={"total": 1}), []),
    ("outer variable assigned later still counts", machine({
        "P": {"Type": "Parallel", "Next": "B", "Branches": [machine({"I": pass_state(Assign={"x": 1})})]},
        "B": pass_state(Assign={"x": 2})}), [(SCHEMA, "/States/P/Branches[0]/States/I/Assign/x")]),
    ("sibling branches may use the same name", machine({
        "P": {"Type": "Parallel", "End": True, "Branches": [machine({"I1": pass_state(Assign={"x": 1})}),
                                                           machine({"I2": pass_state(Assign={"x": 2})})]}}), []),
    ("a Catcher's Assign belongs to the outer scope", machine({
        "P": {"Type": "Parallel", "End": True, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H", "Assign": {"err.$": "$"}}],
              "Branches": [machine({"I": pass_state(Assign={"err": 1})})]},
        "H": pass_state()}), [(SCHEMA, "/States/P/Branches[0]/States/I/Assign/err")]),
    ("distributed Map children are isolated", machine({
        "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "M"},
        "M": {"Type": "Map", "End": True, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            **machine({"I": pass_state(Assign={"x": 2})})}}}), []),
    ("inline Map children are not", machine({
        "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "M"},
        "M": {"Type": "Map", "End": True, "ItemProcessor": machine({"I": pass_state(Assign={"x": 2})})}}),
     [(SCHEMA, "/States/M/ItemProcessor/States/I/Assign/x")]),
]


@pytest.mark.parametrize("name, definition, expected", JSONATA_CASES, ids=ids(JSONATA_CASES))
def test_jsonata(name, definition, expected):
    assert found(definition) == expected


@pytest.mark.parametrize("name, definition, expected", VARIABLE_CASES, ids=ids(VARIABLE_CASES))
def test_variables(name, definition, expected):
    assert found(definition) == expected


def test_unsupported_message_names_the_field():
    from designer.asl.validate import validate

    (diagnostic,) = validate(jsonata(one(pass_state(Output="{% $states.errorOutput %}"))))
    assert diagnostic.message == "Field '$states.errorOutput' does not exist."
