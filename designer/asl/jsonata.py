"""JSONata expressions as Step Functions evaluates them: `"{% expr %}"` strings in JSONata states.

ASL (SPEC "JSONata Concepts", DG transforming-data): a string is an expression when it starts with `{%` and
ends with `%}`; `$states` = {input, result?, errorOutput?, context} and the workflow variables are bound;
JSONata 2.0.6 built-ins plus Step Functions' own functions (see `jsonata_functions`); any failure, including
an undefined result, is `States.QueryEvaluationError` with a cause naming the field and the expression.

Each expression is parsed once. Simple ones (paths like `$states.input.a.b`, literals, comparisons,
arithmetic, `&`, conditions, object constructors and pure built-ins of those) skip the JSONata engine
(`jsonata_fast`): a compiled accessor gives the same answer for a fraction of the cost, and hands over to
the engine whenever it could differ (an array on the path, mixed types, null). The engine is jsonata-python's
evaluator with its per-node overhead removed (`jsonata_engine`).
"""
from __future__ import annotations

import functools
import json
import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from jsonata.jexception import JException
from jsonata.jsonata import Jsonata
from jsonata.utils import Utils

from designer.asl import errors
from designer.asl.errors import AslSyntaxError, StatesError
from designer.asl.jsonata_checks import parse_detail, problems_of, referenced_names
from designer.asl.jsonata_fast import SLOW, UNDEFINED, fast_path
from designer.asl.jsonata_engine import CHECK_EVERY, evaluator, mark_plain_paths
from designer.asl.jsonata_functions import BASE_FRAME, FunctionError, clock_functions, current_millis

# A runaway expression (tail recursion never ends) must not hold an engine worker forever.
EVALUATION_TIMEOUT_SECONDS = 10.0

_NONE = Utils.NONE
_NULL = Utils.NULL_VALUE

Template = Callable[..., Any]


def is_jsonata_expression(value: Any) -> bool:
    """True for a string that starts with `{%` and ends with `%}` (no surrounding spaces allowed)."""
    return isinstance(value, str) and len(value) >= 4 and value.startswith("{%") and value.endswith("%}")


class _Unsupported(Exception):
    pass


class _EvaluationFrame(Jsonata.Frame):
    """The top frame of one evaluation: `$states`, then the workflow variables, then the functions.

    Variables are looked up in the caller's mapping instead of being copied in. A JSON null must be bound as
    the engine's null marker, since a bare None means "undefined" to it.
    """

    def __init__(self, states: dict, variables: Mapping):
        self.bindings = {"states": states}
        self.parent = BASE_FRAME
        self.is_parallel_call = False
        self.variables = variables

    def lookup(self, name: str) -> Any:
        value = self.bindings.get(name, _NONE)
        if value is not _NONE:
            return value
        value = self.variables.get(name, _NONE)
        if value is not _NONE:
            return _NULL if value is None else value
        return BASE_FRAME.lookup(name)


def _timeout_guard(timeout: float) -> Callable:
    deadline = time.monotonic() + timeout
    steps = 0

    def entry(_expr: Any, _input: Any, _env: Any) -> None:
        nonlocal steps
        steps += 1
        if steps % CHECK_EVERY == 0 and time.monotonic() > deadline:
            raise JException("D1012", -1, int(timeout * 1000))

    return entry


def _plain(value: Any, known: set[int]) -> Any:
    """The engine's value as plain JSON: sequences become lists, its null marker None; input is never mutated.

    `known` holds the ids of containers already known to be plain (the state input's own values): they are
    returned as they are without a walk, which matters when an expression passes most of its input through.
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise JException("D1001", -1, value)
        return value
    if id(value) in known:
        return value
    if kind is dict:
        changed = None
        for key, item in value.items():
            plain = _plain(item, known)
            if plain is not item:
                if changed is None:
                    changed = dict(value)
                changed[key] = plain
        return value if changed is None else changed
    if isinstance(value, list):
        items = [_plain(item, known) for item in value]
        if kind is list and all(a is b for a, b in zip(items, value)):
            return value
        return items
    if value is _NULL:
        return None
    if isinstance(value, dict):
        return _plain(dict(value), known)
    raise _Unsupported()


def _plain_result(value: Any, states: dict) -> Any:
    # ASL: the state input is JSON, so it and its values are plain already (and shared, never mutated).
    if type(value) is not dict and not isinstance(value, list):
        return _plain(value, _NOTHING_KNOWN)
    source = states.get("input")
    known = {id(source)}
    if type(source) is dict:
        known.update(map(id, source.values()))
    elif type(source) is list:
        known.update(map(id, source))
    return _plain(value, known)


_NOTHING_KNOWN: set[int] = set()


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _error_detail(exc: Exception) -> str:
    if isinstance(exc, FunctionError):
        return str(exc)
    if isinstance(exc, JException):
        return f"{exc.error}: {exc}"
    if isinstance(exc, RecursionError):
        return (
            "U1001: Stack overflow error: Check for non-terminating recursive function. "
            "Consider rewriting as tail-recursive."
        )
    if isinstance(exc, ZeroDivisionError):
        return "D1001: Number out of range"
    return str(exc) or type(exc).__name__


class JsonataExpression:
    """One parsed `{% %}` expression, evaluated many times against different `$states` and variables."""

    __slots__ = ("text", "body", "_engine", "_ast", "_fast", "_uses_clock", "_stock")

    def __init__(self, text: str, body: str, engine: Jsonata):
        self.text = text
        self.body = body
        self._engine = engine
        self._ast = engine.ast
        mark_plain_paths(self._ast)
        self._fast = fast_path(self._ast)
        names = referenced_names(self._ast)
        self._uses_clock = not {"now", "millis"}.isdisjoint(names)
        # The library calls whatever `$__evaluate_entry`/`$__evaluate_exit` name on every node; our evaluator
        # does not look them up, so an expression that could bind them keeps the library's own evaluator.
        self._stock = "__evaluate_e" in body

    def __repr__(self) -> str:
        return f"JsonataExpression({self.text!r})"

    def evaluate(self, states: dict, variables: Mapping, *, field: str, now: int | None = None) -> Any:
        """The expression's value with `$states` and the variables bound.

        `now` (epoch milliseconds) is what `$now()`/`$millis()` return; by default the wall clock at the start
        of this evaluation. Raises `StatesError(States.QueryEvaluationError)` on any failure, including an
        undefined result or a value JSON cannot hold.
        """
        fast = self._fast
        if fast is not None:
            value = fast(states, variables)
            if value is not SLOW:
                if value is UNDEFINED:
                    raise self._undefined(field)
                return value
        frame = _EvaluationFrame(states, variables)
        if self._uses_clock:
            frame.bindings.update(clock_functions(current_millis() if now is None else now))
        try:
            if self._stock:
                result = self._stock_eval(frame)
            else:
                result = evaluator().run(self._ast, frame, EVALUATION_TIMEOUT_SECONDS)
            if result is None:
                raise self._undefined(field)
            return _plain_result(result, states)
        except StatesError:
            raise
        except _Unsupported:
            raise _located(field, f"{self._where(field)} returned an unsupported result type.") from None
        except Exception as exc:  # the engine raises JException, ValueError, TypeError, RecursionError...
            raise _located(field, f"{self._where(field)} threw an error during evaluation. {_error_detail(exc)}") \
                from None

    def _stock_eval(self, frame: _EvaluationFrame) -> Any:
        # The library evaluates with the thread's current instance: make that this expression's own.
        frame.bindings["__evaluate_entry"] = _timeout_guard(EVALUATION_TIMEOUT_SECONDS)
        frame.bindings["__evaluate_exit"] = None
        current = Jsonata.CURRENT
        previous = getattr(current, "jsonata", None)
        current.jsonata = self._engine
        try:
            return self._engine.eval(self._ast, None, frame)
        finally:
            current.jsonata = previous

    def type_error(self, field: str, expected: str, value: Any) -> StatesError:
        """The error for a value of the wrong JSON type for its field (e.g. a string for TimeoutSeconds)."""
        shown = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        return _located(field, f"{self._where(field)} returned an unexpected result type. Expected '{expected}', "
                               f"but was '{_json_type(value)}' for value: {shown}")

    def _where(self, field: str) -> str:
        return f"The JSONata expression '{self.body}' specified for the field '{field}'"

    def _undefined(self, field: str) -> StatesError:
        # ASL: JSON cannot represent undefined, so an expression that yields nothing is an error.
        return _located(field, f"{self._where(field)} returned nothing (undefined).")


def _located(field: str, cause: str) -> StatesError:
    """A QueryEvaluationError that knows its field: the `location` of AWS's EvaluationFailed event."""
    error = StatesError(errors.QUERY_EVALUATION_ERROR, cause)
    error.location = field
    return error


@functools.lru_cache(maxsize=4096)
def _compile(text: str) -> JsonataExpression:
    body = text[2:-2].strip()
    if not body:
        raise AslSyntaxError(f"The JSONata expression '{text}' is empty")
    try:
        engine = Jsonata(body)
    except JException as exc:
        raise AslSyntaxError(f"Invalid JSONata expression '{body}': {exc.error}: {exc}") from None
    except (RecursionError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        # jsonata-python's parser reports some bad input (an unknown operator such as '!') as a KeyError.
        raise AslSyntaxError(f"Invalid JSONata expression '{body}': {parse_detail(exc)}") from None
    # The engine binds "$" in its own frame on evaluate(); we never call evaluate(), and "$" stays unbound.
    return JsonataExpression(text, body, engine)


def compile_jsonata(text: str) -> JsonataExpression:
    """Parse a `{% expr %}` string (delimiters included). Raises `AslSyntaxError` when it is not one."""
    if not is_jsonata_expression(text):
        raise AslSyntaxError(f"A JSONata expression must start with '{{%' and end with '%}}': {text!r}")
    return _compile(text)


def compile_jsonata_template(value: Any, *, field: str) -> Template:
    """A callable `(states, variables, *, now=None) -> value` for a JSONata-mode field.

    ASL: `{% %}` strings are evaluated wherever they appear, recursively through objects and arrays (field
    names in errors then read `Output/key/0`); every other value is literal. When nothing is dynamic the
    callable returns the (shared, never to be mutated) constant without any work.
    """
    compiled = _compile_value(value, field)
    if compiled is _CONSTANT:
        return lambda states, variables, *, now=None: value
    return compiled


_CONSTANT = object()


def _compile_value(value: Any, field: str) -> Any:
    if isinstance(value, str):
        if not is_jsonata_expression(value):
            return _CONSTANT
        expression = compile_jsonata(value)
        return lambda states, variables, *, now=None: expression.evaluate(states, variables, field=field, now=now)
    if isinstance(value, dict):
        parts = [(key, item, _compile_value(item, f"{field}/{key}")) for key, item in value.items()]
        if all(part is _CONSTANT for _, _, part in parts):
            return _CONSTANT
        steps = tuple(
            (key, item, None) if part is _CONSTANT else (key, None, part) for key, item, part in parts
        )

        def build_object(states: dict, variables: Mapping, *, now: int | None = None) -> dict:
            return {
                key: constant if part is None else part(states, variables, now=now)
                for key, constant, part in steps
            }

        return build_object
    if isinstance(value, list):
        parts = [(item, _compile_value(item, f"{field}/{index}")) for index, item in enumerate(value)]
        if all(part is _CONSTANT for _, part in parts):
            return _CONSTANT
        steps = tuple((item, None) if part is _CONSTANT else (None, part) for item, part in parts)

        def build_array(states: dict, variables: Mapping, *, now: int | None = None) -> list:
            return [constant if part is None else part(states, variables, now=now) for constant, part in steps]

        return build_array
    return _CONSTANT


def jsonata_problems(text: str) -> list[str]:
    """Static problems of one expression, for the validator; an empty list means it is acceptable.

    Accepts the string with or without its `{% %}` delimiters. Reports syntax errors, `$eval` (not
    supported), and, following ASL, any use at the top level of the input context: `$`, `$$`, bare field
    names, `*` or `**` (inside predicates, mapping steps and sort terms they are fine).
    """
    return problems_of((text[2:-2] if is_jsonata_expression(text) else text).strip())
