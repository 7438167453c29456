"""Which workflow variables each state reads: DescribeStateMachine's `variableReferences`.

AWS (API DescribeStateMachine): "a map of state name to a list of variables referenced by that state. States
that do not use variable references will not be shown". What counts, as AWS reports it (recorded responses):

- JSONPath states: a Path field (`InputPath`, `OutputPath`, `ItemsPath`, `SecondsPath`, `TimestampPath`,
  `ErrorPath`, `CausePath`, the `...Path` fields of Map, ItemReader and ItemBatcher, a Choice rule's
  `Variable` and `...Path` comparisons) naming `$var` or `$var.x`, and in payload templates (`Parameters`,
  `ResultSelector`, `ItemSelector`, `Assign`, ...) the values of `key.$` fields: paths and the variable
  arguments of intrinsic functions. A plain `"key": "$var"` is a literal string, `$.x` the input, `$$.x` the
  context object, and `Result` is never evaluated.
- JSONata states: the variables a `{% %}` expression reads, without `$states`, the functions it calls and
  the names it binds itself (`$x := ...`, lambda parameters).
- States inside Parallel branches and Map iterations are listed by their own names; names are sorted.
"""
from __future__ import annotations

import json
from typing import Any

from jsonata.jexception import JException
from jsonata.jsonata import Jsonata

from designer.asl.errors import AslSyntaxError
from designer.asl.intrinsic.parse import Call, PathArg, parse_call
from designer.asl.jsonata import is_jsonata_expression
from designer.asl.jsonata_checks import walk
from designer.asl.paths import compile_path

# Payload templates: only their `key.$` fields are evaluated.
_TEMPLATES = frozenset({"Parameters", "ResultSelector", "ItemSelector", "Assign", "BatchInput", "Credentials"})
# Fields that are never evaluated, and nested state machines (their states are listed on their own).
_SKIPPED = frozenset({"Comment", "Result", "Next", "Default", "Type", "Resource", "QueryLanguage"})
_NESTED = frozenset({"Branches", "Iterator", "ItemProcessor"})
_RESERVED = "states"


def variable_references(definition: str | dict) -> dict[str, list[str]]:
    """{state name: sorted variable names it reads} for the states that read any, in definition order.

    The definition is assumed valid (a definition that is not JSON or has no States gives {})."""
    if isinstance(definition, str):
        try:
            definition = json.loads(definition)
        except ValueError:
            return {}
    found: dict[str, list[str]] = {}
    if isinstance(definition, dict):
        _machine(definition, definition.get("QueryLanguage", "JSONPath"), found)
    return found


def _machine(machine: dict, language: str, found: dict[str, list[str]]) -> None:
    states = machine.get("States")
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        state_language = state.get("QueryLanguage", language)
        names: set[str] = set()
        for key, value in state.items():
            if key in _SKIPPED or key in _NESTED:
                continue
            if state_language == "JSONata":
                _jsonata_values(value, names)
            else:
                _jsonpath_field(key, value, names)
        if names:
            found[name] = sorted(names)
        for branch in state.get("Branches") or ():
            if isinstance(branch, dict):
                _machine(branch, state_language, found)
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                _machine(state[key], state_language, found)


def _jsonpath_field(key: str, value: Any, names: set[str]) -> None:
    """A field outside payload templates: Path fields, Choice rules, nested configuration objects."""
    if key in _TEMPLATES:
        _template(value, names)
    elif isinstance(value, str):
        if key == "Variable" or key.endswith("Path"):  # Path fields and Choice rules' ...Path comparisons
            _path(value, names)
    elif isinstance(value, dict):
        for inner_key, inner in value.items():
            if inner_key not in _SKIPPED and inner_key not in _NESTED:
                _jsonpath_field(inner_key, inner, names)
    elif isinstance(value, list):  # Choices, Catch, Retry, And/Or
        for item in value:
            if isinstance(item, dict):
                _jsonpath_field(key, item, names)


def _template(value: Any, names: set[str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key.endswith(".$") and isinstance(inner, str):
                _path_or_intrinsic(inner, names)
            else:
                _template(inner, names)
    elif isinstance(value, list):
        for item in value:
            _template(item, names)


def _path_or_intrinsic(text: str, names: set[str]) -> None:
    if text.lstrip().startswith("States."):
        try:
            call = parse_call(text)
        except AslSyntaxError:
            return
        _call(call, names)
    else:
        _path(text, names)


def _call(call: Call, names: set[str]) -> None:
    for arg in call.args:
        if isinstance(arg, Call):
            _call(arg, names)
        elif isinstance(arg, PathArg) and arg.path.root == "variable":
            names.add(arg.path.variable)


def _path(text: str, names: set[str]) -> None:
    if not text.startswith("$") or text.startswith(("$.", "$$", "$[")) or text == "$":
        return
    try:
        path = compile_path(text)
    except (AslSyntaxError, ValueError):
        return
    if path.root == "variable" and path.variable != _RESERVED:
        names.add(path.variable)


def _jsonata_values(value: Any, names: set[str]) -> None:
    if isinstance(value, str):
        if is_jsonata_expression(value):
            names.update(jsonata_variables(value[2:-2]))
    elif isinstance(value, dict):
        for key, inner in value.items():
            if key not in _SKIPPED and key not in _NESTED:
                _jsonata_values(inner, names)
    elif isinstance(value, list):
        for item in value:
            _jsonata_values(item, names)


def jsonata_variables(body: str) -> set[str]:
    """The workflow variables a JSONata expression reads (not `$states`, functions, or names it binds)."""
    try:
        ast = Jsonata(body).ast
    except (JException, RecursionError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return set()
    read: set[str] = set()
    bound: set[str] = {_RESERVED, "", "$"}
    callees: set[int] = set()

    def visit(node, _top: bool) -> None:
        kind = node.type
        if kind in ("function", "partial") and getattr(node, "procedure", None) is not None:
            callees.add(id(node.procedure))
        elif kind == "bind" and node.lhs is not None:
            bound.add(str(node.lhs.value))
        elif kind == "lambda":
            bound.update(str(argument.value) for argument in node.arguments or ())
        elif kind == "variable" and id(node) not in callees:
            read.add(str(node.value))

    walk(ast, True, visit)
    return read - bound
