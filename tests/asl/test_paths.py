"""ASL Paths: Jayway JsonPath as AWS uses it, `$$` and `$var` roots, Reference Paths, ResultPath."""

import copy

import pytest

from designer.asl import errors
from designer.asl.errors import AslSyntaxError, StatesError
from designer.asl.paths import (
    PathNotFound,
    apply_result_path,
    compact_json,
    compile_path,
    compile_reference_path,
)

# The store document of the Jayway README, which the ASL spec's path examples follow.
STORE = {
    "store": {
        "book": [
            {"category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95},
            {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99},
            {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553", "price": 8.99},
            {"category": "fiction", "author": "J. R. R. Tolkien", "title": "LOTR", "isbn": "0-395", "price": 22.99},
        ],
        "bicycle": {"color": "red", "price": 19.95},
    },
    "expensive": 10,
}
AUTHORS = ["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"]

# ASL spec / AWS docs examples plus Jayway basics.
DOC = {
    "foo": 123,
    "bar": ["a", "b", "c"],
    "car": {"cdr": True},
    "nul": None,
    "a b": 1,
    "x.y": 2,
    "deep": {"list": [{"id": 1, "tags": ["t"]}, {"id": 2}]},
    "text": "hello",
    "length()": "literal",
}

DEFINITE_CASES = [
    ("$", DOC),
    ("$.foo", 123),
    ("$.bar", ["a", "b", "c"]),
    ("$.car.cdr", True),
    ("$.nul", None),
    ("$.bar[0]", "a"),
    ("$.bar[2]", "c"),
    ("$.bar[-1]", "c"),
    ("$.bar[-3]", "a"),
    ("$['foo']", 123),
    ('$["foo"]', 123),
    ("$['a b']", 1),
    ("$['x.y']", 2),
    ("$.x\\.y", 2),
    ("$.deep.list[1].id", 2),
    ("$.deep.list[0].tags[0]", "t"),
    ("$['deep']['list'][0]['id']", 1),
    ("$[ 'foo' ]", 123),
    ("$.bar[ 1 ]", "b"),
    ("$.length()", "literal"),
]


@pytest.mark.parametrize("text, expected", DEFINITE_CASES)
def test_definite_paths_return_the_value(text, expected):
    path = compile_path(text)
    assert path.is_definite
    assert path.get(DOC, {}, {}) == expected


INDEFINITE_CASES = [
    ("$.store.book[*].author", AUTHORS),
    ("$..author", AUTHORS),
    ("$.store..price", [8.95, 12.99, 8.99, 22.99, 19.95]),
    ("$..book[2].title", ["Moby Dick"]),
    ("$..book[-2].title", ["Moby Dick"]),
    ("$..book[0,1].title", ["Sayings", "Sword"]),
    ("$..book[:2].title", ["Sayings", "Sword"]),
    ("$..book[1:2].title", ["Sword"]),
    ("$..book[-2:].title", ["Moby Dick", "LOTR"]),
    ("$..book[2:].title", ["Moby Dick", "LOTR"]),
    ("$..book[?(@.isbn)].title", ["Moby Dick", "LOTR"]),
    ("$.store.book[?(@.price < 10)].title", ["Sayings", "Moby Dick"]),
    ("$..book[?(@.price <= $['expensive'])].title", ["Sayings", "Moby Dick"]),
    ("$..book[?(@.author =~ /.*REES/i)].title", ["Sayings"]),
    ("$.store.book[*].nope", []),
    ("$.store.book[?(@.price > 100)]", []),
    ("$.store.bicycle.*", ["red", 19.95]),
    ("$.store.bicycle[*]", ["red", 19.95]),
    ("$.missing[*]", []),
    ("$.store.book[9:12]", []),
    ("$.store.book[0,9].title", ["Sayings"]),
]


@pytest.mark.parametrize("text, expected", INDEFINITE_CASES)
def test_indefinite_paths_return_every_match(text, expected):
    path = compile_path(text)
    assert not path.is_definite
    assert path.get(STORE, {}, {}) == expected


# Results checked against AWS Step Functions Local (floci-io/floci#3260).
AWS_CASES = [
    ("$.list[?(@.keep)]", {"list": [{"keep": True}, {"keep": False}, {"other": 1}]}, [{"keep": True}, {"keep": False}]),
    ("$.list[?(@.keep == true)]", {"list": [{"keep": True}, {"keep": False}]}, [{"keep": True}]),
    ("$.d..a", {"d": {"x": {"a": [1, 2]}}}, [[1, 2]]),
    ("$.d..a[*]", {"d": {"x": {"a": [1, 2]}}}, [1, 2]),
    ("$[*].type", {}, []),
]


@pytest.mark.parametrize("text, data, expected", AWS_CASES)
def test_matches_aws_results(text, data, expected):
    assert compile_path(text).get(data, {}, {}) == expected


FILTER_CASES = [
    ("@.n == 2", [2]),
    ("@.n != 2", [1, 3, "s", None]),  # a missing n is "not equal" (Jayway)
    ("@.n > 1", [2, 3]),
    ("@.n >= 2", [2, 3]),
    ("@.n < 2", [1]),
    ("@.n <= 1", [1]),
    ("@.n == '2'", [2]),  # Jayway: a number equals a string holding it
    ("@.n === 2", [2]),
    ("@.s == 'x'", ["s"]),
    ("@.s == \"x\"", ["s"]),
    ("@.s > 'a'", ["s"]),
    ("@.n in [1, 3]", [1, 3]),
    ("@.n nin [1, 3]", [2, "s", None]),
    ("@.tags contains 'b'", [2]),
    ("@.tags subsetof ['a', 'b', 'c']", [1, 2, 3]),  # [] is a subset of anything
    ("@.tags anyof ['c', 'b']", [2]),
    ("@.tags noneof ['b']", [1, 3, "s", None]),
    ("@.tags size 2", [2]),
    ("@.tags empty true", [3]),
    ("@.s =~ /X/i", ["s"]),
    ("@.s =~ /x.+/", []),  # full match, like Java Matcher.matches()
    ("@.n > 1 && @.n < 3", [2]),
    ("@.n == 1 || @.s", [1, "s"]),
    ("!@.n", ["s", None]),
    ("(@.n == 1 || @.n == 3) && @.tags", [1, 3]),
    ("@.flag == true", [None]),
    ("@.flag == null", []),
    ("@.nul == null", [3]),
    ("@.n > 'a'", []),  # number vs string never orders
]
ITEMS = [
    {"name": 1, "n": 1, "tags": ["a"]},
    {"name": 2, "n": 2, "tags": ["a", "b"]},
    {"name": 3, "n": 3, "tags": [], "nul": None},
    {"name": "s", "s": "x"},
    {"name": None, "flag": True},
]


@pytest.mark.parametrize("expression, names", FILTER_CASES)
def test_filter_operators(expression, names):
    found = compile_path(f"$.items[?({expression})].name").get({"items": ITEMS}, {}, {})
    assert found == names


def test_filter_on_an_object_tests_the_object_itself():
    data = {"o": {"k": 5}}
    assert compile_path("$.o[?(@.k == 5)]").get(data, {}, {}) == [{"k": 5}]
    assert compile_path("$.o[?(@.k == 6)]").get(data, {}, {}) == []


def test_multi_property_leaf_merges_into_one_object():
    path = compile_path("$['foo','car','zzz']")
    assert path.is_definite and not path.is_reference
    assert path.get(DOC, {}, {}) == {"foo": 123, "car": {"cdr": True}}


CONTEXT = {
    "Execution": {"Id": "arn:aws:states:us-east-1:123:execution:sm:run", "Input": {"k": 1}, "Name": "run"},
    "State": {"Name": "S", "RetryCount": 0},
    "Map": {"Item": {"Index": 2, "Value": {"values": [{"name": "first"}]}}},
}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("$$", CONTEXT),
        ("$$.Execution.Id", "arn:aws:states:us-east-1:123:execution:sm:run"),
        ("$$.Execution.Input.k", 1),
        ("$$.State.RetryCount", 0),
        ("$$.Map.Item.Index", 2),
        ("$$.Map.Item.Value.values[0].name", "first"),
        ("$$['State']['Name']", "S"),
    ],
)
def test_context_object_root(text, expected):
    path = compile_path(text)
    assert path.root == "context" and path.variable is None
    assert path.get({"ignored": True}, CONTEXT, {}) == expected


VARIABLES = {"x": 5, "order": {"items": [{"sku": "a"}, {"sku": "b"}]}, "_private": 1, "préf": "u", "n2": [1]}


@pytest.mark.parametrize(
    "text, name, expected",
    [
        ("$x", "x", 5),
        ("$order.items[0].sku", "order", "a"),
        ("$order.items[*].sku", "order", ["a", "b"]),
        ("$order['items'][-1]", "order", {"sku": "b"}),
        ("$_private", "_private", 1),
        ("$préf", "préf", "u"),
        ("$n2[0]", "n2", 1),
    ],
)
def test_variable_root(text, name, expected):
    path = compile_path(text)
    assert path.root == "variable" and path.variable == name
    assert path.get({}, {}, VARIABLES) == expected


def test_filters_inside_a_variable_path_see_the_state_input_as_root():
    path = compile_path("$order.items[?(@.sku == $.want)].sku")
    assert path.get({"want": "b"}, {}, VARIABLES) == ["b"]


NOT_FOUND = [
    ("$.nope", DOC),
    ("$.car.nope", DOC),
    ("$.nope.deeper", DOC),
    ("$.bar[3]", DOC),
    ("$.bar[-4]", DOC),
    ("$.foo.bar", DOC),  # property of a number
    ("$.text.length", DOC),  # property of a string
    ("$.text[0]", DOC),  # a string is not an array
    ("$.car[0]", DOC),  # index on an object
    ("$.bar.a", DOC),  # property of an array
    ("$.nul.x", DOC),
    ("$.a", "just a string"),
    ("$[0]", {"0": 1}),
]


@pytest.mark.parametrize("text, data", NOT_FOUND)
def test_definite_path_that_matches_nothing_raises(text, data):
    path = compile_path(text)
    with pytest.raises(PathNotFound) as info:
        path.get(data, {}, {})
    assert info.value.path == text
    assert info.value.data == data
    assert not path.exists(data, {}, {})


def test_path_not_found_message_names_path_and_compact_input():
    with pytest.raises(PathNotFound) as info:
        compile_path("$.JobName").get({"a": [1, "é"]}, {}, {})
    assert str(info.value) == "The JSONPath '$.JobName' could not be found in the input '{\"a\":[1,\"é\"]}'"
    assert isinstance(info.value, LookupError)


def test_undefined_variable_raises_path_not_found():
    path = compile_path("$missing.a")
    with pytest.raises(PathNotFound):
        path.get({}, {}, {"other": 1})
    with pytest.raises(PathNotFound):
        path.get({}, {}, None)
    assert not path.exists({}, {}, {})


def test_missing_context_field_reports_the_context():
    with pytest.raises(PathNotFound) as info:
        compile_path("$$.Task.Token").get({"in": 1}, CONTEXT, {})
    assert info.value.data == CONTEXT


@pytest.mark.parametrize(
    "text, data, expected",
    [
        ("$.foo", DOC, True),
        ("$.nul", DOC, True),  # present with a null value
        ("$.nope", DOC, False),
        ("$.bar[*]", DOC, True),
        ("$.car[*]", {"car": {}}, False),
        ("$..zzz", DOC, False),
        ("$", None, True),
    ],
)
def test_exists(text, data, expected):
    assert compile_path(text).exists(data, {}, {}) is expected


FLAGS = [
    # text, is_reference, is_definite
    ("$", True, True),
    ("$.a.b", True, True),
    ("$['a']", True, True),
    ("$.a[0]", True, True),
    ("$.a[-1]", True, True),
    ("$$.Execution.Id", True, True),
    ("$var.a", True, True),
    ("$['a','b']", False, True),
    ("$..a", False, False),
    ("$.a[*]", False, False),
    ("$.*", False, False),
    ("$.a[0,1]", False, False),
    ("$.a[0:1]", False, False),
    ("$.a[?(@.x)]", False, False),
    ("$['a','b'].c", False, False),
]


@pytest.mark.parametrize("text, reference, definite", FLAGS)
def test_reference_and_definite_flags(text, reference, definite):
    path = compile_path(text)
    assert (path.is_reference, path.is_definite, path.text) == (reference, definite, text)


@pytest.mark.parametrize("text", ["$..a", "$.a[*]", "$.a[0,1]", "$.a[1:]", "$.a[?(@.x)]", "$['a','b']", "$.*"])
def test_reference_path_rejects_multi_node_syntax(text):
    compile_path(text)  # a valid Path ...
    with pytest.raises(AslSyntaxError):
        compile_reference_path(text)  # ... but not a Reference Path


@pytest.mark.parametrize("text", ["$", "$.a", "$['a b'].c[3]", "$$.Map.Item.Value", "$v.x"])
def test_reference_path_accepts_single_node_syntax(text):
    assert compile_reference_path(text).is_reference


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a.b",
        "$.",
        "$.a.",
        "$..",
        "$[",
        "$[abc]",
        "$[1:2:3]",
        "$.a b",
        "$['a",
        "$['a' 'b']",
        "$[?(@.a > )]",
        "$[?(@.a == 1]",
        "$[?(@.a =~ /x)]",
        "$1",
        "$ .a",
        "$.a[?(@.b == 'x)]",
    ],
)
def test_syntax_errors(text):
    with pytest.raises(AslSyntaxError):
        compile_path(text)


@pytest.mark.parametrize("value", [None, 5, ["$"], {"a": 1}])
def test_non_string_path_is_a_syntax_error(value):
    with pytest.raises(AslSyntaxError):
        compile_path(value)


def test_compiled_paths_are_shared():
    assert compile_path("$.shared.path") is compile_path("$.shared.path")


def test_get_returns_values_without_copying_or_mutating():
    data = {"a": {"b": [1]}}
    snapshot = copy.deepcopy(data)
    assert compile_path("$.a").get(data, {}, {}) is data["a"]
    compile_path("$..b[*]").get(data, {}, {})
    assert data == snapshot


RESULT_PATH_CASES = [
    ({"a": 1}, "$", {"r": 1}, {"r": 1}),
    ({"a": 1}, "$.r", 5, {"a": 1, "r": 5}),
    ({"a": 1}, "$.a", 5, {"a": 5}),
    ({"a": 1}, "$.x.y.z", [1], {"a": 1, "x": {"y": {"z": [1]}}}),
    ({"a": {"keep": 1}}, "$.a.b", True, {"a": {"keep": 1, "b": True}}),
    ({"l": [1, 2]}, "$.l[1]", "x", {"l": [1, "x"]}),
    ({"l": [{"a": 1}]}, "$.l[0].b", 2, {"l": [{"a": 1, "b": 2}]}),
    ({"l": [1, 2]}, "$.l[-1]", 9, {"l": [1, 9]}),
    ({}, "$['a b']", None, {"a b": None}),
    ("string input", "$", 1, 1),
]


@pytest.mark.parametrize("raw, text, result, expected", RESULT_PATH_CASES)
def test_apply_result_path(raw, text, result, expected):
    snapshot = copy.deepcopy(raw)
    assert apply_result_path(raw, compile_reference_path(text), result) == expected
    assert raw == snapshot  # copy-on-write


def test_result_path_null_discards_the_result():
    raw = {"a": 1}
    assert apply_result_path(raw, None, {"ignored": True}) is raw


def test_result_path_copies_only_along_the_path():
    raw = {"a": {"x": 1}, "other": {"big": [1, 2, 3]}}
    out = apply_result_path(raw, compile_reference_path("$.a.y"), 2)
    assert out["other"] is raw["other"]
    assert out["a"] is not raw["a"]


RESULT_PATH_FAILURES = [
    ("just a string", "$.r", '"just a string"'),
    ([1, 2], "$.r", "[1,2]"),
    (None, "$.r", "null"),
    ({"a": 5}, "$.a.b", '{"a":5}'),
    ({"a": None}, "$.a.b", '{"a":null}'),
    ({"a": [1]}, "$.a.b", '{"a":[1]}'),
    ({"l": [1]}, "$.l[3]", '{"l":[1]}'),
    ({"l": {"0": 1}}, "$.l[0]", '{"l":{"0":1}}'),
]


@pytest.mark.parametrize("raw, text, shown", RESULT_PATH_FAILURES)
def test_result_path_match_failure(raw, text, shown):
    with pytest.raises(StatesError) as info:
        apply_result_path(raw, compile_reference_path(text), {"r": 1})
    assert info.value.error == errors.RESULT_PATH_MATCH_FAILURE
    assert info.value.cause == f"Unable to apply ReferencePath {text} to input {shown}"


@pytest.mark.parametrize("text", ["$$.Execution", "$var.x", "$.a[*]"])
def test_result_path_must_be_a_reference_into_the_input(text):
    with pytest.raises(AslSyntaxError):
        apply_result_path({}, compile_path(text), 1)


def test_compact_json_matches_aws_printing():
    assert compact_json({"a": [1, 2.5, None, True], "é": "x"}) == '{"a":[1,2.5,null,true],"é":"x"}'
