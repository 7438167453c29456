"""The JSONata engine Flowdeck evaluates with: jsonata-python's evaluator, minus per-node overhead.

jsonata-python (0.7.1, JSONata 2.0 semantics) looks up two callbacks in the environment on every AST node,
walks a chain of `if expr.type == ...` tests, and validates function signatures with helpers that import
modules on every call. `Evaluator` subclasses the library's `Jsonata` and overrides only those mechanics:
node dispatch through a table, a step budget instead of the callbacks (the guard against runaway
evaluation), and signature checks with a type table. Every override keeps the library's logic line for
line, so results, errors and their messages are the library's own; `tests/asl/test_jsonata.py` compares
the two on a table of expressions.
"""
from __future__ import annotations

import copy
import threading
import time
from typing import Any

from jsonata import utils
from jsonata.jexception import JException
from jsonata.jsonata import Jsonata
from jsonata.parser import Parser
from jsonata.signature import Signature

JList = utils.Utils.JList
_NULL = utils.Utils.NULL_VALUE
_NONE = utils.Utils.NONE
CHECK_EVERY = 1024  # evaluation steps between two looks at the clock


class Evaluator(Jsonata):
    """One thread's evaluator: the library's `Jsonata` with a leaner `eval` and a time budget.

    The library's own functions ($map, $filter, $sort...) call back into `Jsonata.CURRENT.jsonata`;
    `run` points it at this instance for the duration of one evaluation.
    """

    def __init__(self) -> None:
        super().__init__("null")
        self.budget = CHECK_EVERY
        self.deadline = 0.0
        self.timeout_ms = 0

    def run(self, ast: Parser.Symbol, frame: Jsonata.Frame, timeout: float) -> Any:
        """Evaluate `ast` with no context value in `frame`; D1012 once `timeout` seconds have passed."""
        current = Jsonata.CURRENT
        previous = getattr(current, "jsonata", None)
        saved = self.budget, self.deadline, self.timeout_ms
        current.jsonata = self
        self.budget = CHECK_EVERY
        self.deadline = time.monotonic() + timeout
        self.timeout_ms = int(timeout * 1000)
        try:
            return self.eval(ast, None, frame)
        finally:
            self.budget, self.deadline, self.timeout_ms = saved
            current.jsonata = previous

    def _check_clock(self) -> None:
        self.budget = CHECK_EVERY
        if time.monotonic() > self.deadline:
            raise JException("D1012", -1, self.timeout_ms)

    def eval(self, expr: Parser.Symbol | None, input: Any, environment: Jsonata.Frame) -> Any:
        # Jsonata.eval + Jsonata._eval in one frame. The library saves and restores `input`/`environment`
        # around each node (its $eval and higher-order functions read them); so does this.
        saved_input = self.input
        saved_environment = self.environment
        self.input = input
        self.environment = environment
        try:
            if expr is None:
                return None
            self.budget -= 1
            if self.budget <= 0:
                self._check_clock()
            kind = expr.type
            handler = _HANDLERS.get(kind)
            result = None if handler is None else handler(self, expr, input, environment)
            if expr.predicate is not None:
                for item in expr.predicate:
                    result = self.evaluate_filter(item.expr, result, environment)
            if kind is not None and kind != "path" and expr.group is not None:
                result = self.evaluate_group_expression(expr.group, result, environment)
            # mangle result (list of 1 element -> 1 element, empty list -> null)
            if result is not None and isinstance(result, JList) and result.sequence and not result.tuple_stream:
                if expr.keep_array:
                    result.keep_singleton = True
                if not result:
                    result = None
                elif len(result) == 1:
                    result = result if result.keep_singleton else result[0]
            return result
        finally:
            self.input = saved_input
            self.environment = saved_environment


def _literal(self: Evaluator, expr: Parser.Symbol, input: Any, environment: Jsonata.Frame) -> Any:
    value = expr.value
    return value if value is not None else _NULL


_HANDLERS = {
    "path": Evaluator.evaluate_path,
    "binary": Evaluator.evaluate_binary,
    "unary": Evaluator.evaluate_unary,
    "name": Evaluator.evaluate_name,
    "string": _literal,
    "number": _literal,
    "value": _literal,
    "wildcard": lambda self, expr, input, env: self.evaluate_wildcard(expr, input),
    "descendant": lambda self, expr, input, env: self.evaluate_descendants(expr, input),
    "parent": lambda self, expr, input, env: env.lookup(expr.slot.label),
    "condition": Evaluator.evaluate_condition,
    "block": Evaluator.evaluate_block,
    "bind": Evaluator.evaluate_bind_expression,
    "regex": lambda self, expr, input, env: self.evaluate_regex(expr),
    "function": lambda self, expr, input, env: self.evaluate_function(expr, input, env, _NONE),
    "variable": Evaluator.evaluate_variable,
    "lambda": Evaluator.evaluate_lambda,
    "partial": Evaluator.evaluate_partial_application,
    "apply": Evaluator.evaluate_apply_expression,
    "transform": Evaluator.evaluate_transform_expression,
}

_local = threading.local()


def evaluator() -> Evaluator:
    """This thread's evaluator (the library keeps per-thread state in the instance)."""
    instance = getattr(_local, "evaluator", None)
    if instance is None:
        instance = _local.evaluator = Evaluator()
    return instance


class FastSignature(Signature):
    """The library's signature check with `get_symbol` answered from a type table for JSON values.

    The library's version imports a module and runs three function-likeness tests (the last through
    `inspect`) for every argument and, for typed arrays like `$sum`'s `a<n>`, every item. Plain JSON types
    can never be functions or regexes, so their symbol follows from the type alone; anything else goes
    through the library's own code.
    """

    def get_symbol(self, value: Any) -> str:
        if value is None:
            return "m"
        symbol = _SYMBOLS.get(type(value))
        return symbol if symbol is not None else Signature.get_symbol(self, value)


_SYMBOLS = {str: "s", bool: "b", int: "n", float: "n", list: "a", JList: "a", dict: "o"}


def fast_builtins() -> dict[str, Jsonata.JNativeFunction]:
    """Copies of the library's built-in functions whose signatures check arguments with `FastSignature`."""
    copies = {}
    for name, function in Jsonata.static_frame.bindings.items():
        if type(function) is not Jsonata.JNativeFunction or type(function.signature) is not Signature:
            continue
        fast = copy.copy(function)
        fast.signature = copy.copy(function.signature)
        fast.signature.__class__ = FastSignature
        copies[name] = fast
    return copies
