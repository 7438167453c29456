"""Answers for simple JSONata expressions without the JSONata engine.

Most `{% %}` strings in real workflows are paths (`$states.input.order.id`, `$var.x`), small comparisons
(`$states.input.total > 100 and $tier = 'gold'`) or small constructions of those (`{"id": $states.input.id,
"label": 'n=' & $string($count($states.input.items))}`). Walking the engine's tree for them costs several
microseconds per node; these accessors are compiled once per expression and take a fraction of that. An
accessor answers only when its result is certain to be the engine's, and otherwise returns SLOW so the
caller runs the engine (accessors have no side effects, so trying is free). Operators and functions are
applied by the library's own code (`Jsonata.evaluate_numeric_expression`, the built-in's signature check and
implementation), so what is computed here is what the engine computes; only the tree walk is ours.

Values are plain JSON here, with None for JSON null and UNDEFINED for JSONata's undefined; the engine's
representation (None for undefined, `Utils.NULL_VALUE` for null) is used when handing values to its code.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import math

from jsonata.jsonata import Jsonata
from jsonata.parser import Parser
from jsonata.utils import Utils

from designer.asl.jsonata_engine import evaluator
from designer.asl.jsonata_functions import BASE_FRAME

_NONE = Utils.NONE
_NULL = Utils.NULL_VALUE
UNDEFINED = object()  # the expression yields nothing: an error for the caller
SLOW = object()  # the accessor cannot tell: use the engine


def _plain_step(node: Parser.Symbol) -> bool:
    return (
        node.predicate is None
        and node.stages is None
        and node.group is None
        and node.focus is None
        and node.tuple is None
        and not node.keep_array
        and not node.consarray
        and getattr(node, "index", None) is None
        and getattr(node, "ancestor", None) is None
    )


def fast_path(node: Parser.Symbol) -> Callable | None:
    """An accessor `(states, variables) -> value | UNDEFINED | SLOW` for the expressions that need no
    engine: literals, `$name.a.b` with plain field steps, comparisons, `and`/`or`, arithmetic, `&`,
    conditions, object and array constructors and calls of pure built-ins with scalar results, all of
    those. It answers only where the result is certain to be the engine's; otherwise it says SLOW."""
    if node.predicate is not None or node.stages is not None or node.group is not None or node.keep_array:
        return None
    kind = node.type
    if kind in ("string", "number", "value"):
        constant = node.value
        return lambda states, variables: constant
    if kind == "variable" or kind == "path":
        return _fast_path_access(node)
    if kind == "binary" and node.value in _COMPARISONS:
        return _fast_comparison(node)
    if kind == "binary" and node.value in _ARITHMETIC:
        return _fast_operator(node, _arithmetic)
    if kind == "binary" and node.value == "&":
        return _fast_operator(node, _concatenation)
    if kind == "unary" and node.value == "-":
        return _fast_negation(node)
    if kind == "unary" and node.value == "{":
        return _fast_object(node)
    if kind == "unary" and node.value == "[":
        return _fast_array(node)
    if kind == "condition":
        return _fast_condition(node)
    if kind == "function":
        return _fast_function(node)
    if kind == "block" and len(node.expressions) == 1:
        return fast_path(node.expressions[0])  # `(...)`: the one expression's value
    return None


def _fast_path_access(node: Parser.Symbol) -> Callable | None:
    if node.type == "variable":
        steps = [node]
    elif not node.keep_singleton_array and node.tuple is None:
        steps = node.steps
    else:
        return None
    root = steps[0]
    if root.type != "variable" or root.value in ("", "$") or not _plain_step(root):
        return None
    if not all(step.type == "name" and _plain_step(step) for step in steps[1:]):
        return None
    name = str(root.value)
    fields = tuple(str(step.value) for step in steps[1:])

    def access(states: dict, variables: Mapping) -> Any:
        if name == "states":
            current = states
        else:
            current = variables.get(name, _NONE)
            if current is _NONE:
                return SLOW  # perhaps a function ($uuid), or undefined: the engine knows
        for key in fields:
            if isinstance(current, dict):
                current = current.get(key, _NONE)
                if current is _NONE:
                    return UNDEFINED
            elif isinstance(current, list):
                return SLOW  # JSONata maps the step over the array's items
            else:
                return UNDEFINED  # a field of a string, number, boolean or null
        return current

    return access


def _number(value: Any) -> bool:
    return (type(value) is int or type(value) is float) and value is not True and value is not False


def _fast_comparison(node: Parser.Symbol) -> Callable | None:
    left = fast_path(node.lhs)
    right = fast_path(node.rhs)
    if left is None or right is None:
        return None
    op = node.value
    if op == "and" or op == "or":
        stop = op == "or"  # the left value that decides without looking at the right

        def logic(states: dict, variables: Mapping) -> Any:
            a = left(states, variables)
            if type(a) is not bool:
                return SLOW  # undefined, null, or a value the engine must coerce to a boolean
            if a is stop:
                return a
            b = right(states, variables)
            return b if type(b) is bool else SLOW

        return logic
    if op == "=" or op == "!=":
        equal = op == "="

        def equality(states: dict, variables: Mapping) -> Any:
            a = left(states, variables)
            b = right(states, variables)
            if type(a) not in _SCALARS or type(b) not in _SCALARS:
                return SLOW
            if (type(a) is bool) != (type(b) is bool):
                return not equal
            if type(a) is not bool and type(a) is not str:
                if type(b) is bool or type(b) is str:
                    return not equal
                try:
                    same = float(a) == float(b)  # as the engine does: numbers compare as doubles
                except OverflowError:
                    return SLOW
                return same is equal
            return (a == b) is equal

        return equality
    compare = _ORDERINGS[op]

    def ordering(states: dict, variables: Mapping) -> Any:
        a = left(states, variables)
        b = right(states, variables)
        if type(a) is str and type(b) is str:
            return compare(a, b)
        if _number(a) and _number(b):
            try:
                return compare(float(a), float(b)) if type(a) is not type(b) else compare(a, b)
            except OverflowError:
                return SLOW
        return SLOW  # undefined, null, or mixed types: the engine decides (often with an error)

    return ordering


_SCALARS = frozenset({str, int, float, bool})
_ORDERINGS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_COMPARISONS = frozenset({"and", "or", "=", "!="} | set(_ORDERINGS))


# --- operators, constructors, conditions and functions -------------------------------------------------------


def _is_array(node: Parser.Symbol) -> bool:
    return node.type == "unary" and node.value == "["


def _operand(node: Parser.Symbol) -> Callable | None:
    # An accessor whose value the library's code may take as its own. A constructed array would be the
    # engine's JList there, not a plain list, so it is left to the engine.
    return None if _is_array(node) else fast_path(node)


def _engine(value: Any) -> Any:
    return None if value is UNDEFINED else _NULL if value is None else value


def _scalar(result: Any) -> Any:
    # The engine's scalar result in plain terms; anything else (arrays, sequences, functions) is SLOW.
    kind = type(result)
    if kind is str or kind is bool or kind is int:
        return result
    if kind is float:
        return result if math.isfinite(result) else SLOW
    if result is None:
        return UNDEFINED
    return None if result is _NULL else SLOW


_ARITHMETIC = frozenset({"+", "-", "*", "/", "%"})


def _arithmetic(op: str, a: Any, b: Any) -> Any:
    return evaluator().evaluate_numeric_expression(a, b, op)


def _concatenation(op: str, a: Any, b: Any) -> Any:
    return evaluator().evaluate_string_concat(a, b)


def _fast_operator(node: Parser.Symbol, apply: Callable[[str, Any, Any], Any]) -> Callable | None:
    left = _operand(node.lhs)
    right = _operand(node.rhs)
    if left is None or right is None:
        return None
    op = str(node.value)

    def operator(states: dict, variables: Mapping) -> Any:
        a = left(states, variables)
        if a is SLOW:
            return SLOW
        b = right(states, variables)
        if b is SLOW:
            return SLOW
        try:
            return _scalar(apply(op, _engine(a), _engine(b)))
        except Exception:  # the engine raises the same error, with its message: let it
            return SLOW

    return operator


def _fast_negation(node: Parser.Symbol) -> Callable | None:
    operand = _operand(node.expression)
    if operand is None:
        return None

    def negation(states: dict, variables: Mapping) -> Any:
        # Jsonata.evaluate_unary for "-"
        value = operand(states, variables)
        if value is UNDEFINED:
            return UNDEFINED
        if value is SLOW or type(value) not in (int, float):
            return SLOW  # not a number: the engine's error
        return _scalar(Utils.convert_number(-float(value)))

    return negation


def _fast_condition(node: Parser.Symbol) -> Callable | None:
    condition = _operand(node.condition)
    then = fast_path(node.then)
    otherwise = None if node._else is None else fast_path(node._else)
    if condition is None or then is None or (node._else is not None and otherwise is None):
        return None

    def choose(states: dict, variables: Mapping) -> Any:
        value = condition(states, variables)
        if value is SLOW:
            return SLOW
        if Jsonata.boolize(_engine(value)):
            return then(states, variables)
        return UNDEFINED if otherwise is None else otherwise(states, variables)

    return choose


def _fast_object(node: Parser.Symbol) -> Callable | None:
    # An object constructor with literal keys: the engine evaluates each value with an undefined context
    # and leaves out the undefined ones; a key given twice is its error (D1009) to raise.
    keys = [key.value for key, _ in node.lhs_object]
    if not all(key.type == "string" and _bare(key) for key, _ in node.lhs_object) or len(set(keys)) != len(keys):
        return None
    values = [fast_path(value) for _, value in node.lhs_object]
    if any(value is None for value in values):
        return None
    pairs = tuple(zip(keys, values))

    def build(states: dict, variables: Mapping) -> Any:
        result = {}
        for key, accessor in pairs:
            value = accessor(states, variables)
            if value is SLOW:
                return SLOW
            if value is not UNDEFINED:
                result[key] = value
        return result

    return build


def _fast_array(node: Parser.Symbol) -> Callable | None:
    # An array constructor whose items are not arrays: the engine appends each defined value (an array
    # value would be spliced in, so it is left to the engine).
    if any(_is_array(item) for item in node.expressions):
        return None
    items = [fast_path(item) for item in node.expressions]
    if any(item is None for item in items):
        return None

    def build(states: dict, variables: Mapping) -> Any:
        result = []
        for item in items:
            value = item(states, variables)
            if value is SLOW or isinstance(value, list):
                return SLOW
            if value is not UNDEFINED:
                result.append(value)
        return result

    return build


# Built-ins that always give the same answer for the same arguments; only scalar results are taken.
_PURE_FUNCTIONS = frozenset({
    "count", "sum", "max", "min", "average", "string", "number", "length", "uppercase", "lowercase", "trim",
    "substring", "substringBefore", "substringAfter", "join", "exists", "not", "boolean", "abs", "floor", "ceil",
    "round", "contains", "pad",
})


def _fast_function(node: Parser.Symbol) -> Callable | None:
    procedure = node.procedure
    if procedure is None or procedure.type != "variable" or not _bare(procedure):
        return None
    name = procedure.value
    function = BASE_FRAME.bindings.get(name)
    if type(function) is not Jsonata.JNativeFunction:
        return None
    arguments = node.arguments or []
    if name == "merge" and len(arguments) == 1 and _is_array(arguments[0]):
        return _fast_merge(name, function, arguments[0])
    if name not in _PURE_FUNCTIONS:
        return None
    accessors = [_operand(argument) for argument in arguments]
    if any(accessor is None for accessor in accessors):
        return None

    def call(states: dict, variables: Mapping) -> Any:
        if variables.get(name, _NONE) is not _NONE:
            return SLOW  # a workflow variable of that name hides the function
        values = []
        for accessor in accessors:
            value = accessor(states, variables)
            if value is SLOW:
                return SLOW
            values.append(_engine(value))
        try:
            # Jsonata.apply_inner for a native function, with the expression's (undefined) context
            return _scalar(function.call(None, function.validate(values, None)))
        except Exception:  # the engine raises the same error, with its message: let it
            return SLOW

    return call


def _fast_merge(name: str, function: Jsonata.JNativeFunction, array: Parser.Symbol) -> Callable | None:
    # `$merge([$states.input, {...}])`, the usual way to add fields to the input: objects only.
    if any(_is_array(item) for item in array.expressions):
        return None
    items = [fast_path(item) for item in array.expressions]
    if any(item is None for item in items):
        return None

    def merge(states: dict, variables: Mapping) -> Any:
        if variables.get(name, _NONE) is not _NONE:
            return SLOW
        objects = []
        for item in items:
            value = item(states, variables)
            if value is UNDEFINED:
                continue
            if type(value) is not dict:
                return SLOW  # SLOW itself, or a value the engine would splice in or reject
            objects.append(value)
        try:
            result = function.call(None, function.validate([objects], None))
        except Exception:
            return SLOW
        return result if type(result) is dict else SLOW

    return merge


def _bare(node: Parser.Symbol) -> bool:
    return node.predicate is None and node.stages is None and node.group is None and not node.keep_array
