"""Answers for simple JSONata expressions without the JSONata engine.

Most `{% %}` strings in real workflows are paths (`$states.input.order.id`, `$var.x`) or small comparisons
(`$states.input.total > 100 and $tier = 'gold'`). The engine spends 15-30 microseconds on them; these
accessors take well under one. An accessor answers only when its result is certain to be the engine's, and
otherwise returns SLOW so the caller runs the engine (accessors have no side effects, so trying is free).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jsonata.parser import Parser
from jsonata.utils import Utils

_NONE = Utils.NONE
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
    engine: literals, `$name.a.b` with plain field steps, comparisons and `and`/`or` of those. It answers
    only where the result is certain to be the engine's; otherwise it says SLOW and the engine runs."""
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
