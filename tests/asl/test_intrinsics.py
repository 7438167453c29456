"""Intrinsic functions: the 18 States.* functions, their AWS argument rules, limits and errors.

Expected values come from the AWS intrinsic-functions guide examples and from AWS runs recorded in
localstack's snapshot suite (Format rendering, StringToJson of blank text, compact JsonToString, rounding).
"""

import re
import uuid

import pytest

from designer.asl import errors
from designer.asl.errors import AslSyntaxError, StatesError
from designer.asl.intrinsics import IntrinsicPathNotFound, compile_intrinsic, is_intrinsic

INPUT = {
    "name": "Arnav",
    "template": "Hello, my name is {}.",
    "escapedJsonString": '{"foo": "bar"}',
    "unescapedJson": {"foo": "bar"},
    "Id": 123456,
    "inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9],
    "dupes": [1, 2, 3, 3, 3, 3, 3, 3, 4],
    "index": 5,
    "json1": {"a": {"a1": 1, "a2": 2}, "b": 2},
    "json2": {"a": {"a3": 1, "a4": 2}, "b": 3, "c": 3},
    "value1": 111,
    "step": -1,
    "inputString": "This.is+a,test=string",
    "splitter": ".+,=",
    "arn": "arn:aws:imagebuilder:us-east-1:123:image-recipe/my-recipe.name/1.0.0",
    "obj": {"Arg1": 1, "Arg2": []},
    "mixed": [1, "a", None, True, {"k": "v"}],
    "nul": None,
    "f": 1.5,
    "big": "x" * 10_001,
    "ok": "x" * 10_000,
}
CONTEXT = {"Execution": {"Id": "arn:exec", "Name": "run"}, "StateMachine": {"Id": "arn:sm", "Name": "sm"}}
VARIABLES = {"greeting": "Hi", "items": [3, 1, 3]}


def run(expression, data=INPUT, context=CONTEXT, variables=VARIABLES):
    return compile_intrinsic(expression)(data, context, variables)


RESULTS = [
    # States.Format (AWS guide + recorded runs)
    ("States.Format('Hello, my name is {}.', $.name)", "Hello, my name is Arnav."),
    ("States.Format($.template, $.name)", "Hello, my name is Arnav."),
    ("States.Format('no placeholders')", "no placeholders"),
    ("States.Format('{}{}', 'a', 'b')", "ab"),
    ("States.Format('n={}', 1)", "n=1"),
    ("States.Format('n={}', 1.1)", "n=1.1"),
    ("States.Format('n={}', 1.0)", "n=1.0"),
    ("States.Format('n={}', -7)", "n=-7"),
    ("States.Format('{} {}', true, false)", "true false"),
    ("States.Format('x={}', null)", "x=null"),
    ("States.Format('x={}', $.nul)", "x=null"),
    ("States.Format('{}', $.obj)", "{Arg1=1, Arg2=[]}"),
    ("States.Format('{}', $.mixed)", "[1, a, null, true, {k=v}]"),
    ("States.Format('{}', '')", ""),
    ("States.Format('fst={} and snd={}.', $$.Execution.Id, $$.StateMachine)", "fst=arn:exec and snd={Id=arn:sm, Name=sm}."),
    ("States.Format('{} there', $greeting)", "Hi there"),
    ("States.Format('\\{\\} is literal, {} is not', 'this')", "{} is literal, this is not"),
    ("States.Format('it\\'s {}', 'mine')", "it's mine"),
    ("States.Format('back\\\\slash {}', 1)", "back\\slash 1"),
    ("States.Format('a { b } {}', 1)", "a { b } 1"),
    ("States.Format('{}', 'a, b')", "a, b"),
    ("States.Format('{}', 'x)y')", "x)y"),
    ("States.Format( '{}' , $.name )", "Arnav"),
    ("  States.Format('{}', $.name)  ", "Arnav"),
    # JSON
    ("States.StringToJson($.escapedJsonString)", {"foo": "bar"}),
    ("States.StringToJson('')", None),
    ("States.StringToJson(' ')", None),
    ("States.StringToJson('null')", None),
    ("States.StringToJson('-0')", 0),
    ("States.StringToJson('1.1')", 1.1),
    ("States.StringToJson('true')", True),
    ("States.StringToJson('\"HelloWorld\"')", "HelloWorld"),
    ("States.StringToJson('[1, 2, \"HelloWorld\"]')", [1, 2, "HelloWorld"]),
    ("States.JsonToString($.unescapedJson)", '{"foo":"bar"}'),
    ("States.JsonToString($.obj)", '{"Arg1":1,"Arg2":[]}'),
    ("States.JsonToString($.mixed)", '[1,"a",null,true,{"k":"v"}]'),
    ("States.JsonToString($.name)", '"Arnav"'),
    ("States.JsonToString($.nul)", "null"),
    ("States.JsonToString($.f)", "1.5"),
    ("States.JsonToString($$.StateMachine)", '{"Id":"arn:sm","Name":"sm"}'),
    ("States.JsonToString(States.Array(1, 'é'))", '[1,"é"]'),
    ("States.JsonMerge($.json1, $.json2, false)", {"a": {"a3": 1, "a4": 2}, "b": 3, "c": 3}),
    ("States.JsonMerge($.json1, $.obj, false)", {"a": {"a1": 1, "a2": 2}, "b": 2, "Arg1": 1, "Arg2": []}),
    ("States.JsonMerge(States.StringToJson('{}'), $.json1, false)", {"a": {"a1": 1, "a2": 2}, "b": 2}),
    # Arrays
    ("States.Array($.Id)", [123456]),
    ("States.Array()", []),
    ("States.Array('a', 1, 2.5, true, null, $.obj, States.Array(1))", ["a", 1, 2.5, True, None, {"Arg1": 1, "Arg2": []}, [1]]),
    ("States.ArrayPartition($.inputArray, 4)", [[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
    ("States.ArrayPartition($.inputArray, 9)", [[1, 2, 3, 4, 5, 6, 7, 8, 9]]),
    ("States.ArrayPartition($.inputArray, 20)", [[1, 2, 3, 4, 5, 6, 7, 8, 9]]),
    ("States.ArrayPartition($.inputArray, 4.4)", [[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
    ("States.ArrayPartition(States.Array(), 2)", []),
    ("States.ArrayContains($.inputArray, 5)", True),
    ("States.ArrayContains($.inputArray, 10)", False),
    ("States.ArrayContains($.mixed, $.obj)", False),
    ("States.ArrayContains($.mixed, States.StringToJson('{\"k\":\"v\"}'))", True),
    ("States.ArrayContains($.mixed, null)", True),
    ("States.ArrayContains($.inputArray, '1')", False),
    ("States.ArrayContains($.mixed, 1.0)", False),  # Jackson: IntNode(1) != DoubleNode(1.0)
    ("States.ArrayContains(States.Array(true), 1)", False),
    ("States.ArrayRange(1, 9, 2)", [1, 3, 5, 7, 9]),
    ("States.ArrayRange(0, 10, 5)", [0, 5, 10]),
    ("States.ArrayRange(1, 1, 1)", [1]),
    ("States.ArrayRange(10, 1, -3)", [10, 7, 4, 1]),
    ("States.ArrayRange(1, 5, -1)", []),
    ("States.ArrayRange(1.4, 3.5, 1)", [1, 2, 3, 4]),
    ("States.ArrayRange(1, 1000, 1)", list(range(1, 1001))),
    ("States.ArrayGetItem($.inputArray, $.index)", 6),
    ("States.ArrayGetItem($.inputArray, 0)", 1),
    ("States.ArrayGetItem($.inputArray, 8)", 9),
    ("States.ArrayGetItem($.mixed, 4)", {"k": "v"}),
    ("States.ArrayGetItem($.inputArray, 2.0)", 3),
    ("States.ArrayLength($.inputArray)", 9),
    ("States.ArrayLength(States.Array())", 0),
    ("States.ArrayLength($items)", 3),
    ("States.ArrayUnique($.dupes)", [1, 2, 3, 4]),
    ("States.ArrayUnique($items)", [3, 1]),
    ("States.ArrayUnique(States.Array(1, 1.0, '1', true, null, null))", [1, 1.0, "1", True, None]),
    (
        "States.ArrayUnique(States.Array($.obj, States.StringToJson('{\"Arg2\":[],\"Arg1\":1}')))",
        [{"Arg1": 1, "Arg2": []}],
    ),
    # Encoding and hashing (AWS guide examples)
    ("States.Base64Encode('Data to encode')", "RGF0YSB0byBlbmNvZGU="),
    ("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", "Data to encode"),
    ("States.Base64Decode('RGF0YSB0byBlbmNvZGU')", "Data to encode"),
    ("States.Base64Encode('')", ""),
    ("States.Base64Encode('é')", "w6k="),
    ("States.Base64Decode(States.Base64Encode('ü ∑'))", "ü ∑"),
    ("States.Base64Encode($.ok)", None),  # length checked below
    ("States.Hash('input data', 'SHA-1')", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
    ("States.Hash('', 'MD5')", "d41d8cd98f00b204e9800998ecf8427e"),
    ("States.Hash('abc', 'SHA-256')", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
        "States.Hash('abc', 'SHA-384')",
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
    ),
    (
        "States.Hash('abc', 'SHA-512')",
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
        "454d4423643ce80e2a9ac94fa54ca49f",
    ),
    ("States.Hash($.obj, 'MD5')", "d363f405018d47b782e29dc1e6861a5d"),
    # Math
    ("States.MathAdd($.value1, $.step)", 110),
    ("States.MathAdd(-9, 3)", -6),
    ("States.MathAdd(1.49, 1.50)", 3),
    ("States.MathAdd(0.5, 0)", 1),
    ("States.MathAdd(2.5, 0)", 3),
    ("States.MathAdd(-0.5, 0)", 0),  # Java Math.round: ties toward +infinity
    ("States.MathAdd(-2.5, 0)", -2),
    ("States.MathAdd(-1.51, 0)", -2),
    ("States.MathAdd(2147483647, 0)", 2147483647),
    ("States.MathAdd(-2147483648, 1)", -2147483647),
    # Strings
    ("States.StringSplit($.inputString, $.splitter)", ["This", "is", "a", "test", "string"]),
    ("States.StringSplit('1,2,3,4,5', ',')", ["1", "2", "3", "4", "5"]),
    ("States.StringSplit('This is+a+test+string', '+')", ["This is", "a", "test", "string"]),
    ("States.StringSplit(',,a,,b,', ',')", ["a", "b"]),
    ("States.StringSplit('', ',')", []),
    ("States.StringSplit('abc', '')", ["abc"]),
    ("States.StringSplit('Hello\nWorld', '\n')", ["Hello", "World"]),
    # Nesting (the AWS guide's field with nine calls, with a template that matches its argument count)
    (
        "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit("
        "$.arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit("
        "$.arn, '/'), 2), '.'), 1))",
        "1.0",
    ),
    ("States.ArrayLength(States.ArrayPartition(States.ArrayRange(1, 10, 1), 3))", 4),
    ("States.JsonToString(States.JsonMerge($.json1, States.StringToJson('{\"b\":9}'), false))", '{"a":{"a1":1,"a2":2},"b":9}'),
    # Paths of every kind as arguments
    ("States.Array($)", [INPUT]),
    ("States.Array($$.Execution.Name, $greeting, $items[0], $.inputArray[-1])", ["run", "Hi", 3, 9]),
    ("States.Array($.inputArray[?(@ > 7)])", [[8, 9]]),
    ("States.ArrayLength($.mixed[?(@.k == 'v, w' || @.k == 'v')])", 1),
    ("States.ArrayLength($..a2)", 1),
]


@pytest.mark.parametrize("expression, expected", RESULTS)
def test_intrinsic_results(expression, expected):
    result = run(expression)
    if expected is None and "$.ok" in expression:
        assert len(result) == 13336  # 10,000 characters encode fine
        return
    assert result == expected
    assert type(result) is type(expected)


def test_math_random_stays_in_range_and_is_an_integer():
    for _ in range(50):
        value = run("States.MathRandom(1, 3)")
        assert type(value) is int and 1 <= value <= 3
    assert run("States.MathRandom(5, 5)") == 5
    assert run("States.MathRandom(-99999, -9999)") in range(-99999, -9998)


def test_math_random_with_a_seed_is_deterministic():
    values = {run("States.MathRandom(0, 999, 3)") for _ in range(5)}
    assert len(values) == 1 and 0 <= values.pop() <= 999
    rolls = {run(f"States.MathRandom(0, 1000000, {seed})") for seed in range(10)}
    assert len(rolls) > 1  # different seeds, different numbers


def test_math_random_rounds_bounds():
    for _ in range(20):
        assert 13 <= run("States.MathRandom(12.5, 13.4)") <= 13


def test_uuid_is_a_fresh_v4_uuid():
    first, second = run("States.UUID()"), run("States.UUID()")
    assert first != second
    assert uuid.UUID(first).version == 4
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", first)


def test_results_do_not_mutate_the_input():
    data = {"a": [3, 1, 3], "o": {"x": 1}, "p": {"y": 2}}
    compile_intrinsic("States.ArrayUnique($.a)")(data, {}, {})
    merged = compile_intrinsic("States.JsonMerge($.o, $.p, false)")(data, {}, {})
    assert data == {"a": [3, 1, 3], "o": {"x": 1}, "p": {"y": 2}}
    assert merged == {"x": 1, "y": 2}


FAILURES = [
    # (expression, text expected in the cause)
    ("States.Format('{} {}', 'only one')", "2 placeholder(s)"),
    ("States.Format('{}', 'a', 'b')", "1 placeholder(s)"),
    ("States.Format($.Id, 'a')", "template"),
    ("States.Format(States.Array(), 1)", "template"),
    ("States.StringToJson($.Id)", "must be a string"),
    ("States.StringToJson('{bad')", "not valid JSON"),
    ("States.StringToJson($.obj)", "must be a string"),
    ("States.JsonMerge($.json1, $.json2, true)", "only shallow merging"),
    ("States.JsonMerge($.json1, $.json2, 'false')", "must be a boolean"),
    ("States.JsonMerge($.json1, $.inputArray, false)", "second argument must be a JSON object"),
    ("States.JsonMerge($.name, $.json2, false)", "first argument must be a JSON object"),
    ("States.ArrayPartition($.name, 2)", "must be an array"),
    ("States.ArrayPartition($.inputArray, 0)", "positive"),
    ("States.ArrayPartition($.inputArray, -1)", "positive"),
    ("States.ArrayPartition($.inputArray, 0.4)", "positive"),
    ("States.ArrayPartition($.inputArray, 'x')", "must be an integer"),
    ("States.ArrayContains($.obj, 1)", "must be an array"),
    ("States.ArrayRange(1, 9, 0)", "non-zero"),
    ("States.ArrayRange(1, 1001, 1)", "1001 items"),
    ("States.ArrayRange(0, 2000, 1)", "more than the limit of 1000"),
    ("States.ArrayRange('1', 9, 1)", "must be an integer"),
    ("States.ArrayRange(1, true, 1)", "must be an integer"),
    ("States.ArrayGetItem($.inputArray, 9)", "out of bounds"),
    ("States.ArrayGetItem($.inputArray, -1)", "non-negative integer"),
    ("States.ArrayGetItem($.inputArray, 1.5)", "non-negative integer"),
    ("States.ArrayGetItem($.inputArray, '1')", "non-negative integer"),
    ("States.ArrayGetItem($.obj, 0)", "must be an array"),
    ("States.ArrayLength($.name)", "must be an array"),
    ("States.ArrayLength($.nul)", "must be an array"),
    ("States.ArrayUnique($.obj)", "must be an array"),
    ("States.Base64Encode($.Id)", "must be a string"),
    ("States.Base64Encode($.big)", "at most 10000 characters"),
    ("States.Base64Decode($.big)", "at most 10000 characters"),
    ("States.Base64Decode('not base64!')", "not valid base64"),
    ("States.Base64Decode('/w==')", "not valid base64"),  # decodes to invalid UTF-8
    ("States.Hash($.big, 'MD5')", "at most 10000 characters"),
    ("States.Hash('x', 'SHA-999')", "algorithm must be one of"),
    ("States.Hash('x', 'sha-1')", "algorithm must be one of"),
    ("States.Hash('x', 1)", "algorithm must be one of"),
    ("States.MathAdd('1', 2)", "must be an integer"),
    ("States.MathAdd(null, 2)", "must be an integer"),
    ("States.MathAdd(2147483648, 0)", "between -2147483648 and 2147483647"),
    ("States.MathAdd(0, -2147483649)", "between -2147483648 and 2147483647"),
    ("States.MathRandom(5, 1)", "must not be greater"),
    ("States.MathRandom('a', 1)", "must be an integer"),
    ("States.MathRandom(1, 5, 'seed')", "must be an integer"),
    ("States.StringSplit($.Id, ',')", "must be a string"),
    ("States.StringSplit('a,b', 1)", "must be a string"),
]


@pytest.mark.parametrize("expression, fragment", FAILURES)
def test_runtime_failures_are_intrinsic_failures(expression, fragment):
    evaluate = compile_intrinsic(expression)  # compiles fine: the problem is in the values
    with pytest.raises(StatesError) as info:
        evaluate(INPUT, CONTEXT, VARIABLES)
    assert info.value.error == errors.INTRINSIC_FAILURE
    assert fragment in info.value.cause
    name = expression.split("(")[0]
    assert info.value.cause.startswith(f"Invalid arguments in {name}: ")


@pytest.mark.parametrize(
    "expression, path",
    [
        ("States.Format('{}', $.missing)", "$.missing"),
        ("States.Format($.nope, 1)", "$.nope"),
        ("States.Array($$.Task.Token)", "$$.Task.Token"),
        ("States.Array($undefined)", "$undefined"),
        ("States.ArrayLength(States.Array($.a.b))", "$.a.b"),
        ("States.JsonToString($.inputArray[20])", "$.inputArray[20]"),
    ],
)
def test_path_argument_matching_nothing_is_a_runtime_error(expression, path):
    with pytest.raises(IntrinsicPathNotFound) as info:
        run(expression)
    assert info.value.error == errors.RUNTIME  # uncatchable, as on AWS
    assert info.value.path == path
    assert info.value.cause.startswith(f"The JSONPath '{path}' could not be found in the input ")


def test_an_indefinite_path_matching_nothing_is_an_empty_list():
    assert run("States.ArrayLength($.inputArray[?(@ > 100)])") == 0


SYNTAX_ERRORS = [
    "States.Format",
    "States.Format(",
    "States.Format('a'",
    "States.Format('a')extra",
    "States.Format('a' 'b')",
    "States.Format('a',)",
    "States.Format(,'a')",
    "States.Format('unterminated)",
    "States.Format('open \\n escape')",
    "States.Format('bad \\x')",
    "States.Format(\"double quotes\")",
    "States.Format(foo)",
    "States.Format(True)",
    "States.Format(1x)",
    "States.Format($.a b)",
    "States.Format($.)",
    "States.Nope(1)",
    "States.format('x')",
    "Custom.Format('x')",
    "States.UUID(1)",
    "States.Array",
    "States.ArrayLength()",
    "States.ArrayLength($.a, $.b)",
    "States.MathRandom(1)",
    "States.MathRandom(1, 2, 3, 4)",
    "States.JsonMerge($.a, $.b)",
    "States.ArrayRange(1, 2)",
    "States.Hash('x')",
    "States.StringToJson()",
    "States.Base64Encode('a', 'b')",
    "States.Base64Decode()",
    "States.StringSplit('a')",
    "States.ArrayContains($.a)",
    "States.ArrayGetItem($.a)",
    "States.ArrayUnique()",
    "States.ArrayPartition($.a)",
    "States.MathAdd(1)",
    "States.Format()",
    "States.JsonToString('literal')",
    "States.JsonToString(1)",
    "States.JsonToString()",
    "",
    "$.path",
]


@pytest.mark.parametrize("expression", SYNTAX_ERRORS)
def test_definition_errors(expression):
    with pytest.raises(AslSyntaxError):
        compile_intrinsic(expression)


def _nested(depth):
    expression = "$.inputArray"
    for _ in range(depth):
        expression = f"States.ArrayUnique({expression})"
    return expression


def test_up_to_ten_intrinsic_calls_per_field():
    assert run(_nested(10)) == INPUT["inputArray"]
    with pytest.raises(AslSyntaxError, match="limit of 10"):
        compile_intrinsic(_nested(11))
    # AWS counts every call in the field, not only the depth.
    eleven = "States.Array(" + ", ".join(["States.UUID()"] * 10) + ")"
    with pytest.raises(AslSyntaxError):
        compile_intrinsic(eleven)
    assert len(run("States.Array(" + ", ".join(["States.UUID()"] * 9) + ")")) == 9


@pytest.mark.parametrize(
    "text, expected",
    [
        ("States.Format('x')", True),
        ("States.UUID()", True),
        ("  States.Array($.a)  ", True),
        ("States.Nope(1)", True),  # looks like one; compile_intrinsic says it is unknown
        ("$.a", False),
        ("$$.Execution.Id", False),
        ("States.Format", False),
        ("Custom.Fn()", False),
        ("plain text", False),
        (5, False),
        (None, False),
    ],
)
def test_is_intrinsic(text, expected):
    assert is_intrinsic(text) is expected
