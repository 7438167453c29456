"""Payload Templates: ".$" fields at any depth, literals, context and variables, errors worded like AWS."""

import copy

import pytest

from designer.asl import errors
from designer.asl.errors import AslSyntaxError, StatesError
from designer.asl.templates import compile_payload_template

DATA = {
    "flagged": 7,
    "vals": [0, 10, 20, 30, 40, 50],
    "name": "Arnav",
    "application": {"name": "Spock", "address": "123 Enterprise Street"},
    "list": [{"id": 1}, {"id": 2}],
}
CONTEXT = {
    "Execution": {"Id": "arn:aws:states:us-east-1:123:execution:sm:run", "Name": "run"},
    "State": {"Name": "Pass", "EnteredTime": "2024-01-01T00:00:00Z"},
    "Map": {"Item": {"Index": 3, "Value": {"sku": "a"}}},
}
VARIABLES = {"x": 42, "order": {"id": "o-1", "lines": [1, 2]}}


def render(template, data=DATA, field="Parameters"):
    return compile_payload_template(template, field=field)(data, CONTEXT, VARIABLES)


CASES = [
    # The ASL spec's Parameters example.
    (
        {"flagged": True, "parts": {"first.$": "$.vals[0]", "last3.$": "$.vals[3:]"}},
        {"flagged": True, "parts": {"first": 0, "last3": [30, 40, 50]}},
    ),
    ({"name.$": "$.name"}, {"name": "Arnav"}),
    ({"whole.$": "$"}, {"whole": DATA}),
    ({"addr.$": "$.application.address"}, {"addr": "123 Enterprise Street"}),
    ({"ids.$": "$.list[*].id"}, {"ids": [1, 2]}),
    ({"big.$": "$.vals[?(@ > 35)]"}, {"big": [40, 50]}),
    ({"none.$": "$.vals[?(@ > 100)]"}, {"none": []}),
    ({"exec.$": "$$.Execution.Id"}, {"exec": "arn:aws:states:us-east-1:123:execution:sm:run"}),
    ({"ctx.$": "$$"}, {"ctx": CONTEXT}),
    ({"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value"}, {"index": 3, "value": {"sku": "a"}}),
    ({"v.$": "$x"}, {"v": 42}),
    ({"v.$": "$order.lines[1]"}, {"v": 2}),
    ({"greeting.$": "States.Format('Hello, {}', $.name)"}, {"greeting": "Hello, Arnav"}),
    ({"n.$": "States.ArrayLength($.vals)"}, {"n": 6}),
    ({"id.$": "States.Format('{}-{}', $order.id, $$.Execution.Name)"}, {"id": "o-1-run"}),
    ({"a": {"b": {"c.$": "$.name"}}}, {"a": {"b": {"c": "Arnav"}}}),
    ({"arr": [{"x.$": "$.flagged"}, 1, "$.name", [{"y.$": "$x"}]]}, {"arr": [{"x": 7}, 1, "$.name", [{"y": 42}]]}),
    # Literals are literal even when they look like paths (no ".$").
    ({"literal": "$.name", "n": 1, "t": True, "z": None}, {"literal": "$.name", "n": 1, "t": True, "z": None}),
    ({"literal": "States.UUID()"}, {"literal": "States.UUID()"}),
    ({"dollar.key": "value"}, {"dollar.key": "value"}),
    ({}, {}),
    ({"Comment": "x", "Payload.$": "$"}, {"Comment": "x", "Payload": DATA}),
    # The value of a ".$" field is the selected JSON value, whatever its type.
    ({"f.$": "$.flagged", "l.$": "$.vals", "o.$": "$.application"}, {"f": 7, "l": DATA["vals"], "o": DATA["application"]}),
]


@pytest.mark.parametrize("template, expected", CASES)
def test_payload_templates(template, expected):
    assert render(template) == expected


def test_top_level_values_other_than_objects():
    assert render([{"a.$": "$.name"}, 2]) == [{"a": "Arnav"}, 2]
    assert render("literal") == "literal"
    assert render(5) == 5
    assert render(None) is None


def test_a_constant_template_returns_a_detached_constant():
    template = {"a": {"b": [1, 2]}}
    compiled = compile_payload_template(template, field="Parameters")
    template["a"]["b"].append(3)  # editing the definition afterwards changes nothing
    assert compiled({}, {}, {}) == {"a": {"b": [1, 2]}}
    assert compiled({}, {}, {}) is compiled({"other": 1}, {}, {})


def test_constant_parts_of_a_dynamic_template_are_detached_from_the_definition():
    template = {"fixed": {"k": [1]}, "v.$": "$.name"}
    compiled = compile_payload_template(template, field="Parameters")
    template["fixed"]["k"].append(2)
    assert compiled(DATA, {}, {}) == {"fixed": {"k": [1]}, "v": "Arnav"}


def test_each_evaluation_builds_a_new_payload_and_leaves_the_input_alone():
    compiled = compile_payload_template({"v.$": "$.vals", "o": {"n.$": "$.flagged"}}, field="Parameters")
    snapshot = copy.deepcopy(DATA)
    first, second = compiled(DATA, {}, {}), compiled(DATA, {}, {})
    assert first == second and first is not second and first["o"] is not second["o"]
    assert DATA == snapshot


def test_template_reads_the_data_it_is_given():
    compiled = compile_payload_template({"a.$": "$.a"}, field="ResultSelector")
    assert compiled({"a": 1}, {}, {}) == {"a": 1}
    assert compiled({"a": [2]}, {}, {}) == {"a": [2]}


def test_variables_may_be_none_when_no_variable_is_referenced():
    compiled = compile_payload_template({"a.$": "$.name"}, field="Parameters")
    assert compiled(DATA, None, None) == {"a": "Arnav"}


NOT_FOUND = [
    # template, data, cause (AWS wording; payload input shown as compact JSON)
    (
        {"address.$": "$.application.address"},
        {"flagged": False},
        "The JSONPath '$.application.address' specified for the field 'address.$' could not be found in the input "
        "'{\"flagged\":false}'",
    ),
    (
        {"JobName.$": "$.JobName"},
        {},
        "The JSONPath '$.JobName' specified for the field 'JobName.$' could not be found in the input '{}'",
    ),
    (
        {"missing.$": "$.nope.deep"},
        {"other": 1},
        "The JSONPath '$.nope.deep' specified for the field 'missing.$' could not be found in the input '{\"other\":1}'",
    ),
    (
        {"outer": {"inner.$": "$.vals[9]"}},
        {"vals": [1]},
        "The JSONPath '$.vals[9]' specified for the field 'inner.$' could not be found in the input '{\"vals\":[1]}'",
    ),
    (
        {"l": [{"deep.$": "$.x"}]},
        {"y": "é"},
        "The JSONPath '$.x' specified for the field 'deep.$' could not be found in the input '{\"y\":\"é\"}'",
    ),
    (
        {"v.$": "$undefined"},
        {"a": 1},
        "The JSONPath '$undefined' specified for the field 'v.$' could not be found in the input '{\"a\":1}'",
    ),
    (
        {"v.$": "States.Format('{}', $.gone)"},
        {"a": 1},
        "The JSONPath '$.gone' specified for the field 'v.$' could not be found in the input '{\"a\":1}'",
    ),
    (
        {"v.$": "States.ArrayLength(States.Array($.a, $.b))"},
        {"a": 1},
        "The JSONPath '$.b' specified for the field 'v.$' could not be found in the input '{\"a\":1}'",
    ),
]


@pytest.mark.parametrize("template, data, cause", NOT_FOUND)
def test_a_path_matching_nothing_is_states_runtime(template, data, cause):
    compiled = compile_payload_template(template, field="Parameters")
    with pytest.raises(StatesError) as info:
        compiled(data, CONTEXT, VARIABLES)
    assert info.value.error == errors.RUNTIME
    assert info.value.cause == cause


def test_a_context_path_matching_nothing_shows_the_context_object():
    compiled = compile_payload_template({"token.$": "$$.Task.Token"}, field="Parameters")
    with pytest.raises(StatesError) as info:
        compiled({"in": 1}, {"State": {"Name": "S"}}, {})
    assert info.value.error == errors.RUNTIME
    assert info.value.cause == (
        "The JSONPath '$$.Task.Token' specified for the field 'token.$' could not be found in the input "
        "'{\"State\":{\"Name\":\"S\"}}'"
    )


def test_intrinsic_failures_pass_through_as_catchable_errors():
    compiled = compile_payload_template({"v.$": "States.ArrayGetItem($.vals, 99)"}, field="Parameters")
    with pytest.raises(StatesError) as info:
        compiled(DATA, CONTEXT, VARIABLES)
    assert info.value.error == errors.INTRINSIC_FAILURE


DEFINITION_ERRORS = [
    {"a.$": 5},
    {"a.$": None},
    {"a.$": ["$.x"]},
    {"a.$": {"b": "$.x"}},
    {"a.$": "not a path"},
    {"a.$": ""},
    {"a.$": "$."},
    {"a.$": "$[?(@.x ==)]"},
    {"a.$": "States.Nope()"},
    {"a.$": "States.Format('x'"},
    {"a.$": "States.UUID(1)"},
    {"a": 1, "a.$": "$.b"},
    {"a.$": "$.b", "a": 1},
    {"outer": {"b.$": "$.c", "b": 2}},
    {"outer": [{"bad.$": 1}]},
]


@pytest.mark.parametrize("template", DEFINITION_ERRORS)
def test_definition_errors(template):
    with pytest.raises(AslSyntaxError) as info:
        compile_payload_template(template, field="ItemSelector")
    assert "ItemSelector" in str(info.value)


def test_error_names_the_offending_field():
    with pytest.raises(AslSyntaxError, match=r"'Message\.\$' must be a valid JSONPath or a valid intrinsic"):
        compile_payload_template({"Message.$": "hello"}, field="Parameters")
    with pytest.raises(AslSyntaxError, match="'dup' is defined more than once"):
        compile_payload_template({"dup": 1, "dup.$": "$"}, field="Parameters")


def test_jsonpath_assign_uses_the_same_templates():
    # Assign: top-level keys are variable names; "$" is whatever the state hands over (e.g. the result).
    assign = compile_payload_template(
        {"total.$": "States.MathAdd($x, $.add)", "previous.$": "$x", "const": [1]}, field="Assign"
    )
    assert assign({"add": 8}, CONTEXT, VARIABLES) == {"total": 50, "previous": 42, "const": [1]}
