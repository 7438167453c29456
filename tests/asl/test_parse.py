"""parse_definition: strict JSON, top-level object, errors with 1-based line and column."""
import json

import pytest

from designer.asl.parse import (
    DefinitionSyntaxError,
    DefinitionTooDeepError,
    parse_definition,
    parse_definition_lenient,
)


def test_parses_a_definition_object():
    text = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}'
    assert parse_definition(text) == {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}


def test_keeps_numbers_and_unicode_exact():
    value = parse_definition('{"n": 12345678901234567890, "f": 1.5e3, "s": "h\\u00e9 \\ud83d\\ude00", "z": -0}')
    assert value == {"n": 12345678901234567890, "f": 1500.0, "s": "hé 😀", "z": 0}
    assert isinstance(value["n"], int)


@pytest.mark.parametrize(
    "text, line, column, fragment",
    [
        ('{"a": 1,}', 1, 9, "property name"),
        ('{\n  "a": 1\n  "b": 2\n}', 3, 3, "','"),
        ('{"a" 1}', 1, 6, "':'"),
        ('{"a": tru}', 1, 7, "value"),
        ('{"a": 1} {"b": 2}', 1, 10, "after the end"),
        ('{"a": "unterminated}', 1, 7, "Unterminated string"),
        ('{"a": NaN}', 1, 7, "NaN"),
        ('{"a": [1, Infinity]}', 1, 11, "Infinity"),
        ('{\n "a": -Infinity\n}', 2, 7, "-Infinity"),
        ("{'a': 1}", 1, 2, "double quotes"),
        ('{"a": 01}', 1, 8, "','"),
        ('{"a": "tab\there"}', 1, 11, "control character"),
        ("", 1, 1, "value"),
        ("   \n  ", 2, 3, "value"),
    ],
)
def test_syntax_errors_carry_position(text, line, column, fragment):
    with pytest.raises(DefinitionSyntaxError) as caught:
        parse_definition(text)
    error = caught.value
    assert (error.line, error.column) == (line, column)
    assert fragment in error.message
    assert f"line {line}, column {column}" in str(error)
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    "text, kind", [("[1, 2]", "an array"), ('"text"', "a string"), ("42", "a number"), ("null", "null"), ("true", "a boolean")]
)
def test_top_level_must_be_an_object(text, kind):
    with pytest.raises(DefinitionSyntaxError) as caught:
        parse_definition("\n  " + text)
    assert caught.value.message == f"The definition must be a JSON object, not {kind}"
    assert (caught.value.line, caught.value.column) == (2, 3)


def test_duplicate_key_is_an_error_at_the_second_occurrence():
    text = '{\n  "StartAt": "A",\n  "States": {},\n  "StartAt": "B"\n}'
    with pytest.raises(DefinitionSyntaxError) as caught:
        parse_definition(text)
    assert caught.value.message == "Duplicate field name 'StartAt'"
    assert (caught.value.line, caught.value.column) == (4, 3)


def test_duplicate_keys_in_nested_objects_and_arrays_are_found():
    text = '{"S": {"x": {"b": 1, "b": [1, {"c": 1, "c": 2}]}}}'
    value, duplicates = parse_definition_lenient(text)
    assert value == {"S": {"x": {"b": [1, {"c": 2}]}}}  # last one wins, as in JSON parsers generally
    assert [(d.key, d.parent, d.line, d.column) for d in duplicates] == [
        ("b", ("S", "x"), 1, 22),
        ("c", ("S", "x", "b", 1), 1, 40),
    ]


def test_same_key_in_sibling_objects_is_not_a_duplicate():
    value, duplicates = parse_definition_lenient('{"a": {"k": 1}, "b": {"k": 2}, "c": [{"k": 1}, {"k": 2}]}')
    assert duplicates == []
    assert value["c"][1] == {"k": 2}


def test_escaped_keys_are_compared_decoded():
    with pytest.raises(DefinitionSyntaxError) as caught:
        parse_definition('{"a": 1, "\\u0061": 2}')
    assert caught.value.message == "Duplicate field name 'a'"
    assert caught.value.column == 10


def test_extremely_deep_nesting_is_reported_not_crashing():
    text = "[" * 5000 + "]" * 5000
    with pytest.raises(DefinitionTooDeepError) as caught:
        parse_definition('{"a": ' + text + "}")
    assert "levels deep" in caught.value.message
    assert caught.value.line == 1


def test_moderate_nesting_parses():
    depth = 300
    value = parse_definition('{"a": ' + "[" * depth + "]" * depth + "}")
    node, levels = value["a"], 1
    while node:
        node, levels = node[0], levels + 1
    assert levels == depth


def test_rejects_non_text():
    with pytest.raises(TypeError):
        parse_definition(b'{"a": 1}')


def test_round_trips_large_real_definition():
    definition = {
        "Comment": "x" * 1000,
        "StartAt": "S0",
        "States": {f"S{i}": {"Type": "Pass", "Result": {"i": i, "list": list(range(20))}, "Next": f"S{i + 1}"} for i in range(300)},
    }
    definition["States"]["S299"] = {"Type": "Succeed"}
    assert parse_definition(json.dumps(definition, indent=2)) == definition


def test_an_integer_of_more_digits_than_python_reads_is_a_syntax_error_with_its_position():
    # json.loads raised a bare ValueError (Python's int digit limit), not JSONDecodeError: a 500 on every path.
    text = '{"StartAt": "A",\n "Result": -' + "9" * 4301 + "}"
    with pytest.raises(DefinitionSyntaxError) as caught:
        parse_definition(text)
    assert (caught.value.message, caught.value.line, caught.value.column) == (
        "The number has 4,301 digits; an integer has at most 4,300", 2, 12)
    # The longest integer Python reads, and long numbers that are floats, still parse.
    assert parse_definition('{"a": ' + "9" * 4300 + ', "b": 0.' + "1" * 5000 + '}')["a"] == int("9" * 4300)
