"""Intrinsic functions (JSONPath states only): `States.Format('{}', $.x)` and the other 17, compiled once.

ASL Appendix B and AWS's intrinsic-functions guide are the spec. Syntax, unknown names, argument counts and
more than 10 calls in one field are definition errors (AslSyntaxError). At run time a bad argument type, value
or limit raises States.IntrinsicFailure (catchable). A path argument that matches nothing fails the execution
with States.Runtime, as AWS does (Step Functions Local: floci-io/floci#2927); the error raised,
`IntrinsicPathNotFound`, carries the path so a payload template can name its field in the cause.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from designer.asl import errors
from designer.asl.errors import AslSyntaxError, StatesError
from designer.asl.intrinsic.catalog import FUNCTIONS
from designer.asl.intrinsic.parse import Call, Literal, PathArg, count_calls, parse_call
from designer.asl.paths import PathNotFound, compact_json

Evaluator = Callable[[Any, Any, Mapping], Any]

# AWS: "You can nest up to 10 intrinsic functions within a field"; its example counts every call in the
# field ("nine nested intrinsic functions" for nine calls at depth 5), so the limit is on the total.
MAX_CALLS = 10

_LOOKS_INTRINSIC = re.compile(r"\s*States\.[A-Za-z0-9]+\s*\(.*\)\s*\Z", re.DOTALL)


class IntrinsicPathNotFound(StatesError):
    """A path argument of an intrinsic matched nothing: States.Runtime, with the path and the data searched."""

    def __init__(self, path: str, data: Any):
        super().__init__(
            errors.RUNTIME, f"The JSONPath '{path}' could not be found in the input '{compact_json(data)}'"
        )
        self.path = path
        self.data = data


def is_intrinsic(text: str) -> bool:
    """Whether the text looks like an intrinsic function call `States.Name(...)` (not whether it is valid)."""
    return isinstance(text, str) and _LOOKS_INTRINSIC.match(text) is not None


def compile_intrinsic(text: str) -> Evaluator:
    """Compile an intrinsic call into a function of (data, context, variables) returning its value."""
    if not isinstance(text, str):
        raise AslSyntaxError(f"An intrinsic function must be a string, got {compact_json(text)}")
    call = parse_call(text)
    calls = count_calls(call)
    if calls > MAX_CALLS:
        raise AslSyntaxError(
            f"Invalid intrinsic function '{text}': {calls} intrinsic functions in one field, "
            f"more than the limit of {MAX_CALLS}"
        )
    return _compile(call, text)


def _compile(node: Any, text: str) -> Evaluator:
    if isinstance(node, Literal):
        value = node.value
        return lambda data, context, variables: value
    if isinstance(node, PathArg):
        return _path_argument(node)
    return _compile_call(node, text)


def _path_argument(node: PathArg) -> Evaluator:
    get = node.path.get

    def read(data: Any, context: Any, variables: Mapping) -> Any:
        try:
            return get(data, context, variables)
        except PathNotFound as missing:
            raise IntrinsicPathNotFound(missing.path, missing.data) from None

    return read


def _compile_call(call: Call, text: str) -> Evaluator:
    spec = FUNCTIONS.get(call.name)
    if spec is None:
        raise AslSyntaxError(f"Invalid intrinsic function '{text}': unknown function 'States.{call.name}'")
    count = len(call.args)
    if count < spec.minimum or (spec.maximum is not None and count > spec.maximum):
        if spec.maximum is None:
            expected = f"at least {spec.minimum}"
        elif spec.minimum == spec.maximum:
            expected = str(spec.minimum)
        else:
            expected = f"{spec.minimum} to {spec.maximum}"
        raise AslSyntaxError(
            f"Invalid intrinsic function '{text}': States.{call.name} takes {expected} argument(s), got {count}"
        )
    if call.name == "JsonToString" and isinstance(call.args[0], Literal):
        # ASL: "This argument must be a Path."
        raise AslSyntaxError(f"Invalid intrinsic function '{text}': the argument of States.JsonToString must be a Path")
    impl = spec.build(call.args)
    arguments = tuple(_compile(arg, text) for arg in call.args)

    def invoke(data: Any, context: Any, variables: Mapping) -> Any:
        return impl([argument(data, context, variables) for argument in arguments])

    return invoke


__all__ = ["IntrinsicPathNotFound", "compile_intrinsic", "is_intrinsic"]
