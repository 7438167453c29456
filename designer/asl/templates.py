"""Payload Templates (Parameters, ItemSelector, ResultSelector, JSONPath Assign, Credentials), compiled once.

ASL: in an object of a Payload Template, at any depth (objects inside arrays included), a field whose name
ends in ".$" is renamed without the suffix and its string value evaluated: "$$..." on the Context Object,
"$..." as a path on the template input (or "$name..." on a variable), anything else as an intrinsic function.
Every other value is a literal, even one that looks like a path. A path matching nothing fails the execution
with States.Runtime, as AWS does (not the spec's States.ParameterPathFailure):
  The JSONPath '$.x' specified for the field 'x.$' could not be found in the input '{"a":1}'
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Mapping

from designer.asl import errors
from designer.asl.errors import AslSyntaxError, StatesError
from designer.asl.intrinsics import IntrinsicPathNotFound, compile_intrinsic, is_intrinsic
from designer.asl.paths import CONTEXT, PathNotFound, compact_json, compile_path

Template = Callable[[Any, Any, Mapping], Any]
_CONSTANT = object()  # marks a compiled value with no ".$" inside


def compile_payload_template(template: Any, *, field: str) -> Template:
    """Compile a Payload Template into a function of (data, context, variables) building the payload.

    `field` names the ASL field ("Parameters", "ResultSelector", ...) in error messages. A template without
    any ".$" compiles to a function returning one shared constant (values are never mutated downstream).
    AslSyntaxError for an invalid path or intrinsic, a non-string ".$" value, or two fields with the same
    name once ".$" is stripped.
    """
    kind, compiled = _compile(template, field)
    if kind is _CONSTANT:
        constant = copy.deepcopy(compiled)  # detached from the definition document
        return lambda data, context, variables: constant
    return compiled


def _compile(value: Any, field: str) -> tuple[Any, Any]:
    if isinstance(value, dict):
        return _compile_object(value, field)
    if isinstance(value, list):
        return _compile_array(value, field)
    return _CONSTANT, value


def _compile_object(template: dict, field: str) -> tuple[Any, Any]:
    entries: list[tuple[str, Any, Any]] = []  # (name, evaluator or None, constant)
    names: set[str] = set()
    dynamic = False
    for key, value in template.items():
        if key.endswith(".$"):
            name = key[:-2]
            entries.append((name, _binding(key, value, field), None))
            dynamic = True
        else:
            name = key
            kind, compiled = _compile(value, field)
            if kind is _CONSTANT:
                entries.append((name, None, copy.deepcopy(compiled)))
            else:
                entries.append((name, compiled, None))
                dynamic = True
        if name in names:
            raise AslSyntaxError(f"{field}: the field '{name}' is defined more than once (with and without '.$')")
        names.add(name)
    if not dynamic:
        return _CONSTANT, template
    frozen = tuple(entries)

    def build(data: Any, context: Any, variables: Mapping) -> dict:
        out = {}
        for name, evaluate, constant in frozen:
            out[name] = constant if evaluate is None else evaluate(data, context, variables)
        return out

    return None, build


def _compile_array(template: list, field: str) -> tuple[Any, Any]:
    compiled = [_compile(item, field) for item in template]
    if all(kind is _CONSTANT for kind, _ in compiled):
        return _CONSTANT, template
    items = tuple((None, copy.deepcopy(value)) if kind is _CONSTANT else (value, None) for kind, value in compiled)

    def build(data: Any, context: Any, variables: Mapping) -> list:
        return [constant if evaluate is None else evaluate(data, context, variables) for evaluate, constant in items]

    return None, build


def _binding(key: str, value: Any, field: str) -> Callable[[Any, Any, Mapping], Any]:
    if not isinstance(value, str):
        raise AslSyntaxError(
            f"{field}: the value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call, "
            f"got {compact_json(value)}"
        )
    try:
        if value.startswith("$"):
            path = compile_path(value)
            return _path_binding(key, path)
        if is_intrinsic(value):
            return _intrinsic_binding(key, compile_intrinsic(value))
    except AslSyntaxError as exc:
        raise AslSyntaxError(f"{field}: the value for the field '{key}' is invalid: {exc}") from None
    raise AslSyntaxError(
        f"{field}: the value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call, "
        f"got '{value}'"
    )


def _not_found(path: str, key: str, searched: Any) -> StatesError:
    return StatesError(
        errors.RUNTIME,
        f"The JSONPath '{path}' specified for the field '{key}' could not be found in the input "
        f"'{compact_json(searched)}'",
    )


def _path_binding(key: str, path: Any) -> Callable[[Any, Any, Mapping], Any]:
    get = path.get
    on_context = path.root == CONTEXT

    def read(data: Any, context: Any, variables: Mapping) -> Any:
        try:
            return get(data, context, variables)
        except PathNotFound:
            raise _not_found(path.text, key, context if on_context else data) from None

    return read


def _intrinsic_binding(key: str, evaluate: Callable[[Any, Any, Mapping], Any]) -> Callable[[Any, Any, Mapping], Any]:
    def call(data: Any, context: Any, variables: Mapping) -> Any:
        try:
            return evaluate(data, context, variables)
        except IntrinsicPathNotFound as missing:
            raise _not_found(missing.path, key, missing.data) from None

    return call


__all__ = ["compile_payload_template"]
