"""designer.asl.importing: imported text to definition JSON. JSON is only checked (the page tests show it kept as
given); YAML is read with YAML 1.2 scalars, keys in order, and never expands past the size limit."""
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from designer.asl import importing
from designer.asl.importing import JSON, YAML, ImportProblem, definition_text, format_of

LIMIT = 1_048_576


def from_yaml(text: str, max_bytes: int = LIMIT):
    return json.loads(definition_text(text, YAML, max_bytes=max_bytes))


def problem(text: str, format: str = YAML, max_bytes: int = LIMIT) -> str:
    with pytest.raises(ImportProblem) as caught:
        definition_text(text, format, max_bytes=max_bytes)
    return str(caught.value)


@pytest.mark.parametrize(("filename", "text", "expected"), [
    ("flow.json", "a: 1", JSON), ("flow.YAML", "{}", YAML), ("flow.yml", "{}", YAML),
    (None, '  \n{"StartAt"', JSON), (None, "StartAt: A", YAML), ("flow.txt", "[1]", JSON), ("noext", "a: 1", YAML)])
def test_the_format_comes_from_the_extension_else_from_the_first_character(filename, text, expected):
    assert format_of(text, filename=filename) == expected


def test_yaml_keeps_key_order_and_reads_scalars_as_yaml_1_2_does():
    document = from_yaml("Z: 1\nA: {y: 2, b: 3}\n"
                         "scalars: [no, on, yes, true, False, 12:30, 2024-05-01, 010, 0o10, 0x10, 1e3, 1.50, ~, '7']\n")
    assert list(document) == ["Z", "A", "scalars"] and list(document["A"]) == ["y", "b"]
    assert document["scalars"] == ["no", "on", "yes", True, False, "12:30", "2024-05-01", 10, 8, 16, 1000.0, 1.5,
                                   None, "7"]


def test_merge_keys_are_refused_and_double_less_than_is_otherwise_text():
    assert problem("base: &b {x: 1, y: 1}\nuse: {<<: *b, x: 2}\n") == (
        "Invalid YAML: merge keys (<<) are not supported: write the keys out (line 2, column 7)")
    assert from_yaml("'<<': 1\nb: <<\n") == {"<<": 1, "b": "<<"}


def test_merge_keys_through_aliases_are_refused_at_once():
    # Each level merges the one before twice: 22 levels of 626 bytes took 17 s and 186 MB before merges went.
    lines = ["a0: &a0 {k: 1}"] + [f"a{i}: &a{i} {{<<: [*a{i - 1}, *a{i - 1}]}}" for i in range(1, 23)]
    assert problem("\n".join(lines) + "\n") == (
        "Invalid YAML: merge keys (<<) are not supported: write the keys out (line 2, column 10)")


DEEP = 100_000  # levels: libyaml's composer recursed on the C stack and crashed the process well before this


@pytest.mark.parametrize(("text", "where"), [
    ("a: " + "[" * DEEP + "]" * DEEP + "\n", "(line 1, column 403)"),
    ("a: " + "{b: " * DEEP + "1" + "}" * DEEP + "\n", "(line 1, column 1600)"),
    ("? " + "[" * DEEP + "]" * DEEP + "\n: 1\n", "(line 1, column 402)"),
])
def test_deep_nesting_is_refused_before_the_loader_sees_it(monkeypatch, text, where):
    def load(*args, **kwargs):
        raise AssertionError("yaml.load reached: it would have crashed the process")

    monkeypatch.setattr(importing.yaml, "load", load)
    assert problem(text) == f"The YAML nests mappings and sequences more than 400 levels deep {where}"


def test_deep_nesting_is_refused_by_the_real_loader_too():
    # In a child process: should the check ever regress, the crash takes the child, not the test run.
    script = textwrap.dedent(f"""
        from designer.asl.importing import ImportProblem, definition_text
        try:
            definition_text("a: " + "[" * {DEEP} + "]" * {DEEP}, "yaml", max_bytes=1 << 20)
        except ImportProblem as exc:
            print(exc)
        """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[2])
    assert (run.returncode, run.stdout) == (
        0, "The YAML nests mappings and sequences more than 400 levels deep (line 1, column 403)\n")


def test_nesting_up_to_the_json_parsers_depth_is_read():
    document = from_yaml("a: " + "[" * 399 + "]" * 399 + "\n")
    for _ in range(399):
        document = document["a"] if isinstance(document, dict) else document[0]
    assert document == []


def test_too_many_values_or_aliases_are_refused_before_loading(monkeypatch):
    monkeypatch.setattr(importing, "MAX_YAML_NODES", 7)
    monkeypatch.setattr(importing, "MAX_YAML_ALIASES", 2)
    assert from_yaml("a: [1, 2]\nb: 3\n") == {"a": [1, 2], "b": 3}  # seven: the mappings, sequences, keys, values
    assert problem("a: [1, 2]\nb: [3]\n") == "The YAML has more than 7 values (line 2, column 5)"
    monkeypatch.setattr(importing, "MAX_YAML_NODES", 100)
    assert from_yaml("a: &x 1\nb: [*x, *x]\n") == {"a": 1, "b": [1, 1]}
    assert problem("a: &x 1\nb: [*x, *x, *x]\n") == "The YAML has more than 2 aliases (line 2, column 13)"


@pytest.mark.parametrize(("text", "message"), [
    # No JSON value: these reached the JSON writer and failed there (a 500).
    ("a: !!binary aGVsbG8=\n", "the tag !!binary has no JSON value (JSON has strings, numbers, booleans, null, "
                               "sequences and mappings) (line 1, column 4)"),
    ("a: !!timestamp 2024-05-01\n", "the tag !!timestamp has no JSON value (JSON has strings, numbers, "
                                    "booleans, null, sequences and mappings) (line 1, column 4)"),
    ("a: !!set {x}\n", "the tag !!set has no JSON value (JSON has strings, numbers, booleans, null, sequences and "
                       "mappings) (line 1, column 4)"),
    ("a: 1\n!!binary aGVsbG8=: 1\n", "the key aGVsbG8= is tagged !!binary: JSON keys are strings (quote it) "
                                     "(line 2, column 1)"),
    # Keys JSON would spell differently were rewritten ("1", "16", "null", "true"), past the duplicate check.
    ("1: a\n'1': b\n", "the key 1 is a number: JSON keys are strings (quote it) (line 1, column 1)"),
    ("a: 1\n0x10: b\n", "the key 0x10 is a number: JSON keys are strings (quote it) (line 2, column 1)"),
    ("a: 1\nnull: b\n", "the key null is null: JSON keys are strings (quote it) (line 2, column 1)"),
    ("a: 1\ntrue: b\n", "the key true is a boolean: JSON keys are strings (quote it) (line 2, column 1)"),
    ("? [a]\n: b\n", "the key is a sequence: JSON keys are strings (quote it) (line 1, column 3)"),
    # Python reads at most 4,300 digits into an int (a ValueError, a 500); hexadecimal has no such limit.
    ("a: " + "9" * 4301 + "\n", "the number is too large: an integer has at most 4,300 digits (line 1, column 4)"),
    ("a: 0x" + "f" * 4000 + "\n", "the number is too large: an integer has at most 4,300 digits (line 1, column 4)"),
])
def test_yaml_without_a_json_form_is_refused_with_its_position(text, message):
    assert problem(text) == f"Invalid YAML: {message}"


def test_quoted_keys_and_the_longest_integers_are_read():
    assert from_yaml("'1': a\n\"true\": b\n!!str 2: c\n") == {"1": "a", "true": "b", "2": "c"}
    assert from_yaml("a: " + "9" * 4300 + "\n")["a"] == int("9" * 4300)


@pytest.mark.parametrize(("text", "message"), [
    ("a: 1\nb:\n  c: 1\n  c: 2\n", "Invalid YAML: duplicate key 'c' (line 4, column 3)"),
    ("a: [1,\n", "Invalid YAML: while parsing a flow node, did not find expected node content (line 2, column 1)"),
    ("- StartAt\n", "The definition must be a mapping (a JSON object), not a sequence (line 1, column 1)"),
    ("just text\n", "The definition must be a mapping (a JSON object), not a str (line 1, column 1)"),
    ("a: 1\n---\nb: 2\n", "Invalid YAML: expected a single document in the stream, but found another document "
                         "(line 2, column 1)"),
    ("a: .nan\n", "The YAML cannot be written as JSON: Out of range float values are not JSON compliant: nan"),
    ("a: &a [*a]\n", "The YAML cannot be written as JSON: Circular reference detected"),
    ("a: !!python/name:os.system\n", "Invalid YAML: the tag !!python/name:os.system has no JSON value (JSON has "
                                     "strings, numbers, booleans, null, sequences and mappings) (line 1, column 4)"),
    (" \n", "The definition is empty"),
])
def test_yaml_that_is_no_definition_says_why_and_where(text, message):
    assert problem(text) == message


def test_aliases_cannot_blow_a_small_text_up_past_the_limit():
    # Seven levels of ten aliases each: a few hundred bytes of YAML, tens of megabytes of JSON.
    lines = ["l0: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 8)]
    assert problem("\n".join(lines) + "\n") == (
        "The definition is larger than 1 MiB (1,048,576 bytes) once written as JSON")


def test_json_is_returned_as_given_or_refused_with_its_position():
    text = '{"StartAt": "A",   "States": {"A": {"Type": "Pass", "Result": 1.50, "End": true}}}'
    assert definition_text(text, JSON, max_bytes=LIMIT) is text
    assert problem('{"a": 1,}', JSON) == (
        "Invalid JSON: Expecting property name enclosed in double quotes (line 1, column 9)")
    assert problem("[]", JSON) == "Invalid JSON: The definition must be a JSON object, not an array (line 1, column 1)"
    assert problem('{"a": "' + "é" * 10 + '"}', JSON, max_bytes=20) == (
        "The definition is 29 bytes; a definition is at most 20 bytes")
