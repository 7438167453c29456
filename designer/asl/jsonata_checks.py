"""Static checks of JSONata expressions: what Step Functions rejects before anything runs.

ASL (SPEC "JSONata Concepts"): the expression's own context is undefined in a state, so `$`, `$$` and bare
field names may not be used at the top level (inside predicates, mapping steps, sort terms and transforms
they refer to the item at hand and are fine); `$eval` is not supported.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from jsonata.jexception import JException
from jsonata.jsonata import Jsonata
from jsonata.parser import Parser


def _children(node: Parser.Symbol, top: bool) -> Iterator[tuple[Parser.Symbol, bool]]:
    """(child, top) pairs: `top` is whether the child is evaluated against the expression's own context,
    which Step Functions leaves undefined (so `$`, `$$` and bare field names mean nothing there)."""
    for stage in list(node.predicate or ()) + list(node.stages or ()):
        if getattr(stage, "expr", None) is not None:
            yield stage.expr, False
    if node.group is not None:
        for pair in node.group.lhs_object or ():
            for part in pair:
                yield part, False
    kind = node.type
    if kind == "path":
        for index, step in enumerate(node.steps or ()):
            yield step, top and index == 0
    elif kind == "sort":
        for term in node.terms or ():
            yield term.expression, False
    elif kind == "transform":
        for part in (node.pattern, node.update, getattr(node, "delete", None)):
            if part is not None:
                yield part, False
    elif kind == "lambda":
        yield node.body, top
    elif kind == "bind":
        yield node.rhs, top
    else:
        for attribute in ("procedure", "lhs", "rhs", "expression", "condition", "then", "_else"):
            child = getattr(node, attribute, None)
            if isinstance(child, Parser.Symbol):
                yield child, top
        for attribute in ("arguments", "expressions"):
            for child in getattr(node, attribute, None) or ():
                yield child, top
        if kind == "unary" and node.value == "{":
            for pair in node.lhs_object or ():
                for part in pair:
                    yield part, top


def walk(node: Parser.Symbol, top: bool, visit: Callable[[Parser.Symbol, bool], None]) -> None:
    visit(node, top)
    for child, child_top in _children(node, top):
        if isinstance(child, Parser.Symbol):
            walk(child, child_top, visit)


def referenced_names(ast: Parser.Symbol) -> set[str]:
    names: set[str] = set()
    walk(ast, True, lambda node, _top: names.add(str(node.value)) if node.type == "variable" else None)
    return names


def problems_of(body: str) -> list[str]:
    """The problems of an expression body (without `{% %}`); an empty list when there are none."""
    if not body:
        return ["The JSONata expression is empty"]
    try:
        ast = Jsonata(body).ast
    except JException as exc:
        return [f"Invalid JSONata expression '{body}': {exc.error}: {exc}"]
    except (RecursionError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        # jsonata-python's parser reports some bad input (an unknown operator such as '!') as a KeyError.
        return [f"Invalid JSONata expression '{body}': {parse_detail(exc)}"]
    problems: list[str] = []

    def visit(node: Parser.Symbol, top: bool) -> None:
        if node.type == "variable" and node.value == "eval":
            problems.append(
                f"The JSONata expression '{body}' uses $eval, which Step Functions does not support; use $parse"
            )
        if not top:
            return
        if node.type == "variable" and node.value in ("", "$"):
            symbol = "$" if node.value == "" else "$$"
            problems.append(
                f"The JSONata expression '{body}' uses '{symbol}' at the top level; "
                "use $states.input for the state input"
            )
        elif node.type == "name":
            problems.append(
                f"The JSONata expression '{body}' uses the unqualified field name '{node.value}' at the top level; "
                f"qualify it, e.g. $states.input.{node.value}"
            )
        elif node.type in ("wildcard", "descendant"):
            problems.append(f"The JSONata expression '{body}' uses '{node.value}' at the top level")

    walk(ast, True, visit)
    return list(dict.fromkeys(problems))


def parse_detail(exc: Exception) -> str:
    if isinstance(exc, KeyError):  # the parser's symbol table has no entry for the token
        return f"unexpected token {exc.args[0]!r}"
    return str(exc)
