"""The JSONata engine Flowdeck evaluates with: jsonata-python's evaluator, minus most of its overhead.

jsonata-python (0.7.1, JSONata 2.0 semantics) looks up two callbacks in the environment on every AST node,
walks a chain of `if expr.type == ...` tests, builds a sequence object with five attributes for every step
and goes through four or five calls for every function application. `Evaluator` subclasses the library's
`Jsonata` and overrides those mechanics only: node dispatch through a table, a step budget instead of the
callbacks (the guard against runaway evaluation), leaves and paths of plain field names (marked once per
expression by `mark_plain_paths`) read directly, sequences built without set-up, calls of native functions
in one place. Each override follows the library's method step by step, so results, errors and their
messages are the library's own; `tests/asl/test_jsonata.py` compares the two on some 400 expressions.
The one intended difference: grouping an empty array no longer appends to it in place (that array can be
the state input, which must not change).
"""
from __future__ import annotations

import threading
import time
from typing import Any

from jsonata import utils
from jsonata.functions import Functions
from jsonata.jexception import JException
from jsonata.jsonata import Jsonata
from jsonata.parser import Parser

JList = utils.Utils.JList
_NULL = utils.Utils.NULL_VALUE
_NONE = utils.Utils.NONE
_EXACT_FLOAT = 2**53  # integers a float holds exactly: Utils.convert_number returns them unchanged
LIBRARY_VERSION = "0.7.1"  # the jsonata-python release whose methods the overrides below follow
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
        # Jsonata.eval + Jsonata._eval in one frame, same steps in the same order.
        if expr is None:
            return None
        self.budget -= 1
        if self.budget <= 0:
            self._check_clock()
        kind = expr.type
        if kind == "path":
            plan = expr.__dict__.get(PLAIN_PATH)
            if plan is not None:
                if plan[0] is None and type(input) is dict and len(plan[1]) == 1:
                    value = input.get(plan[1][0], _NONE)  # `total`: the most common path of all
                    if value is _NONE:
                        return None
                    if value is None:
                        return _NULL
                    if not isinstance(value, JList):
                        return value
                else:
                    value = self._plain_path(plan, input, environment)
                    if value is not _SLOW:
                        return value
        if kind in _LEAVES and expr.predicate is None and expr.group is None:
            # A leaf runs no code that reads `self.input`/`self.environment`, so they need not be swapped.
            if kind == "name":
                if type(input) is dict:
                    result = input.get(expr.value, _NONE)
                    if result is _NONE:
                        return None
                    if result is None:
                        return _NULL
                else:
                    result = Functions.lookup(input, str(expr.value))
            elif kind == "variable":
                # Jsonata.evaluate_variable
                name = expr.value
                if name == "":
                    result = input[0] if isinstance(input, JList) and input.outer_wrapper else input
                else:
                    result = environment.lookup(str(name))
            else:
                value = expr.value
                return value if value is not None else _NULL
        else:
            # The library saves and restores `input`/`environment` around each node (its $eval and
            # higher-order functions read them); so does this.
            saved_input = self.input
            saved_environment = self.environment
            self.input = input
            self.environment = environment
            try:
                handler = _HANDLERS.get(kind)
                result = None if handler is None else handler(self, expr, input, environment)
                if expr.predicate is not None:
                    for item in expr.predicate:
                        result = self.evaluate_filter(item.expr, result, environment)
                if kind is not None and kind != "path" and expr.group is not None:
                    result = self.evaluate_group_expression(expr.group, result, environment)
            finally:
                self.input = saved_input
                self.environment = saved_environment
        if isinstance(result, JList) and result.sequence and not result.tuple_stream:
            return _mangle(result, expr.keep_array)
        return result

    def _plain_path(self, plan: tuple[str | None, tuple[str, ...]], input: Any, environment: Jsonata.Frame) -> Any:
        # A path of field names, perhaps after a variable (`total`, `$t.id`, `$states.input.orders`), over
        # objects only: evaluate_path and the mangling in `eval` give the last field's value itself, null, or
        # undefined. Anything else (arrays on the way, sequences) is left to the general code (_SLOW).
        variable, names = plan
        if variable is None:
            current = input
        else:
            current = environment.lookup(variable)
            if current is None:
                return None
        last = len(names) - 1
        for index, name in enumerate(names):
            if type(current) is not dict:
                return _SLOW
            current = current.get(name, _NONE)
            if current is _NONE:
                return None
            if index == last:
                if current is None:
                    return _NULL
                return _SLOW if isinstance(current, JList) else current
        return _SLOW

    def evaluate_path(self, expr: Parser.Symbol, input: Any, environment: Jsonata.Frame) -> Any:
        # Jsonata.evaluate_path with cheaper sequences.
        steps = expr.steps
        if isinstance(input, list) and steps[0].type != "variable":
            input_sequence = input
        else:
            input_sequence = Sequence((input,))
        result_sequence = None
        is_tuple_stream = False
        tuple_bindings = None
        last = len(steps) - 1
        for ii, step in enumerate(steps):
            if step.tuple is not None:
                is_tuple_stream = True
            if ii == 0 and step.consarray:
                result_sequence = self.eval(step, input_sequence, environment)
            elif is_tuple_stream:
                tuple_bindings = self.evaluate_tuple_step(step, input_sequence, tuple_bindings, environment)
            else:
                result_sequence = self.evaluate_step(step, input_sequence, environment, ii == last)
            if not is_tuple_stream and (result_sequence is None or not result_sequence):
                break
            if step.focus is None:
                input_sequence = result_sequence
        if is_tuple_stream:
            if expr.tuple is not None:
                result_sequence = tuple_bindings
            else:
                result_sequence = Sequence(b["@"] for b in tuple_bindings)
        if expr.keep_singleton_array:
            if not isinstance(result_sequence, JList):
                result_sequence = JList(result_sequence)
            if isinstance(result_sequence, JList) and result_sequence.cons and not result_sequence.sequence:
                result_sequence = utils.Utils.create_sequence(result_sequence)
            result_sequence.keep_singleton = True
        if expr.group is not None:
            result_sequence = self.evaluate_group_expression(
                expr.group, tuple_bindings if is_tuple_stream else result_sequence, environment
            )
        return result_sequence

    def evaluate_step(self, expr: Parser.Symbol, input: Any, environment: Jsonata.Frame, last_step: bool) -> Any:
        # Jsonata.evaluate_step with cheaper sequences.
        if expr.type == "sort":
            return Jsonata.evaluate_step(self, expr, input, environment, last_step)
        result = []
        lists = False  # whether any value is an array (to be spliced in below)
        stages = expr.stages
        if expr.type == "name" and expr.predicate is None and expr.group is None and stages is None:
            # A field name read from objects is the most common step: `eval`'s work for it is done inline.
            name = expr.value
            self.budget -= len(input)
            if self.budget <= 0:
                self._check_clock()
            for inp in input:
                if type(inp) is dict:
                    res = inp.get(name, _NONE)
                    if res is _NONE:
                        continue
                    if res is None:
                        res = _NULL
                    elif isinstance(res, list):
                        lists = True
                        if isinstance(res, JList) and res.sequence and not res.tuple_stream:
                            res = _mangle(res, expr.keep_array)
                else:
                    res = self.eval(expr, inp, environment)
                    lists = True
                if res is not None:
                    result.append(res)
        else:
            lists = True
            for inp in input:
                res = self.eval(expr, inp, environment)
                if stages is not None:
                    for stage in stages:
                        res = self.evaluate_filter(stage.expr, res, environment)
                if res is not None:
                    result.append(res)
        if not lists:
            return Sequence(result)  # no arrays: flattening changes nothing
        if last_step and len(result) == 1:
            only = result[0]
            if isinstance(only, list) and not (isinstance(only, JList) and only.sequence):
                return only
        # flatten the sequence
        result_sequence = Sequence()
        for res in result:
            if not isinstance(res, list) or (isinstance(res, JList) and res.cons):
                result_sequence.append(res)
            else:
                result_sequence.extend(res)
        return result_sequence

    def evaluate_group_expression(self, expr: Parser.Symbol, input: Any, environment: Jsonata.Frame) -> Any:
        # Jsonata.evaluate_group_expression outside tuple streams, except that an empty input array is not
        # extended in place (the library appends None to it, which would change the state input).
        if isinstance(input, JList) and input.tuple_stream:
            return Jsonata.evaluate_group_expression(self, expr, input, environment)
        if not isinstance(input, list):
            input = (input,)
        elif not input:
            input = (None,)  # an undefined entry, so that a literal object is still generated
        groups: dict[str, list] = {}
        pairs = expr.lhs_object
        for item in input:
            for index, pair in enumerate(pairs):
                key = self.eval(pair[0], item, environment)
                if key is None:
                    continue
                if not isinstance(key, str):
                    raise JException("T1003", expr.position, key)
                entry = groups.get(key)
                if entry is None:
                    groups[key] = [item, index]
                elif entry[1] != index:
                    # this key has been generated by another expression in this group
                    raise JException("D1009", expr.position, key)
                else:
                    entry[0] = Functions.append(entry[0], item)
        result = {}
        for position, (key, (data, index)) in enumerate(groups.items()):
            environment.is_parallel_call = position > 0
            value = self.eval(pairs[index][1], data, environment)
            if value is not None:
                result[key] = value
        return result

    def evaluate_string_concat(self, lhs: Any, rhs: Any) -> str:
        # Jsonata.evaluate_string_concat; strings, the common case, need no conversion.
        left = "" if lhs is None else lhs if type(lhs) is str else Functions.string(lhs, None)
        right = "" if rhs is None else rhs if type(rhs) is str else Functions.string(rhs, None)
        return left + right

    def evaluate_function(
        self, expr: Parser.Symbol, input: Any, environment: Jsonata.Frame, applyto_context: Any = _NONE
    ) -> Any:
        # Jsonata.evaluate_function without its no-op test of each argument (both branches append it).
        procedure = expr.procedure
        proc = self.eval(procedure, input, environment)
        if (
            proc is None
            and procedure is not None
            and procedure.type == "path"
            and environment.lookup(str(procedure.steps[0].value)) is not None
        ):
            raise JException("T1005", expr.position, procedure.steps[0].value)
        evaluated_args = [] if applyto_context is _NONE else [applyto_context]
        for argument in expr.arguments if expr.arguments is not None else ():
            evaluated_args.append(self.eval(argument, input, environment))
        proc_val = procedure.value if procedure is not None else None
        proc_name = procedure.steps[0].value if procedure is not None and procedure.type == "path" else proc_val
        if proc is None:
            raise JException("T1006", expr.position, proc_name)
        try:
            if isinstance(proc, Parser.Symbol):
                proc.token = proc_name
                proc.position = expr.position
            return self.apply(proc, evaluated_args, input, environment)
        except JException as jex:
            if jex.location < 0:
                jex.location = expr.position
            if jex.current is None:
                jex.current = expr.token
            raise jex

    def apply(self, proc: Any, args: Any, input: Any, environment: Jsonata.Frame) -> Any:
        # Jsonata.apply with the lambda test inlined.
        result = self.apply_inner(proc, args, input, environment)
        while isinstance(result, Parser.Symbol) and result._jsonata_lambda and result.thunk:
            body = result.body
            next = self.eval(body.procedure, result.input, result.environment)
            if body.procedure.type == "variable":
                if isinstance(next, Parser.Symbol):
                    next.token = body.procedure.value
            if isinstance(next, Parser.Symbol):
                next.position = body.procedure.position
            evaluated_args = [self.eval(arg, result.input, result.environment) for arg in body.arguments]
            result = self.apply_inner(next, evaluated_args, input, environment)
        return result

    def apply_inner(self, proc: Any, args: Any, input: Any, environment: Jsonata.Frame) -> Any:
        # Jsonata.apply_inner for native functions and lambdas with its type tests inlined (the library's
        # import on every call); anything else (regexes, errors) goes through the library's own code.
        if type(proc) is Jsonata.JNativeFunction:
            # JNativeFunction.validate, .call and Functions._call in one place
            call_args = proc.signature.validate(args, input)
            if len(call_args) < proc.nargs:
                call_args = list(call_args) + [None] * (proc.nargs - len(call_args))
            result = proc.method(*call_args)
            kind = type(result)
            if kind is int and -_EXACT_FLOAT < result < _EXACT_FLOAT:
                return result  # Utils.convert_number leaves these as they are
            if kind is str or result is None:
                return result
            return utils.Utils.convert_number(result) if utils.Utils.is_numeric(result) else result
        if isinstance(proc, (Jsonata.JFunction, Jsonata.JLambda)):
            return proc.call(input, proc.validate(args, input))
        if isinstance(proc, Parser.Symbol) and proc._jsonata_lambda:
            signature = proc.signature
            return self.apply_procedure(proc, signature.validate(args, input) if signature is not None else args)
        return Jsonata.apply_inner(self, proc, args, input, environment)


def _mangle(result: JList, keep_array: bool) -> Any:
    # The end of Jsonata._eval for a sequence: one item stands for itself, none for undefined.
    if keep_array:
        result.keep_singleton = True
    if not result:
        return None
    if len(result) == 1:
        return result if result.keep_singleton else result[0]
    return result


PLAIN_PATH = "flowdeck_plain_path"  # attribute `mark_plain_paths` sets on paths of plain field names
_SLOW = object()


def mark_plain_paths(node: Any) -> None:
    """Mark, throughout a parsed expression, the paths made of field names only, perhaps after a variable
    (`total`, `$t.id`, `$states.input.orders`), which `Evaluator.eval` reads directly while they run over
    objects only. Nodes left unmarked are evaluated in full."""
    stack = [node]
    seen = set()
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
            continue
        if not isinstance(item, Parser.Symbol) or id(item) in seen:
            continue
        seen.add(id(item))
        if item.type == "path":
            plan = _plain_path_plan(item)
            if plan is not None:
                setattr(item, PLAIN_PATH, plan)
        stack.extend(value for key, value in vars(item).items() if key != "_outer_instance")


def _plain_path_plan(path: Parser.Symbol) -> tuple[str | None, tuple[str, ...]] | None:
    if path.tuple is not None or path.keep_singleton_array or path.group is not None or path.predicate:
        return None
    if path.keep_array or not path.steps or not all(_plain_step(step) for step in path.steps):
        return None
    first = path.steps[0]
    if first.type == "variable":
        variable, names = first.value, path.steps[1:]
        if variable == "" or type(variable) is not str:
            return None  # `$` is the context, not a variable
    else:
        variable, names = None, path.steps
    if not names or not all(step.type == "name" and type(step.value) is str for step in names):
        return None
    return variable, tuple(step.value for step in names)


def _plain_step(step: Parser.Symbol) -> bool:
    return (
        step.predicate is None
        and step.stages is None
        and step.group is None
        and step.tuple is None
        and step.focus is None
        and step.index is None
        and step.ancestor is None
        and not step.keep_array
        and not step.consarray
    )


class Sequence(JList):
    """A JSONata sequence (`Utils.create_sequence()`), built without the library's per-instance set-up."""

    __init__ = list.__init__
    sequence = True
    outer_wrapper = False
    tuple_stream = False
    keep_singleton = False
    cons = False


_LEAVES = frozenset({"name", "variable", "string", "number", "value"})


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
    "function": Evaluator.evaluate_function,
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
