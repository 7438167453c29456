"""Requests and responses checked against botocore's model of Step Functions (service-2.json, 2016-11-23).

Requests are checked the way AWS's front end checks them, before any handler runs: a value of the wrong JSON
type is a SerializationException; members that break the model's constraints (required, string and list
lengths, number ranges, enums, patterns) are all reported in one ValidationException, worded as AWS words them:
`2 validation errors detected: Value 'x' at 'name' failed to satisfy constraint: Member must have length less
than or equal to 80; Value null at 'roleArn' failed to satisfy constraint: Member must not be null`.
Responses are shaped by the output shape: None members are left out, datetimes become epoch seconds.
"""
from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any

from botocore.model import ListShape, OperationModel, ServiceModel, Shape, StructureShape
from botocore.session import get_session

from designer import errors


class SerializationException(errors.FlowdeckError):
    """The body is not JSON, or a member has the wrong JSON type (AWS's protocol layer, not the service)."""

    namespace = "com.amazon.coral.service"


class UnknownOperationException(errors.FlowdeckError):
    namespace = "com.amazon.coral.service"


# AWS lists some enums in its own (hash set) order in validation messages.
_ENUM_ORDER = {
    "ExecutionStatus": ["SUCCEEDED", "TIMED_OUT", "PENDING_REDRIVE", "ABORTED", "FAILED", "RUNNING"],
}
# AWS measures input and output documents in UTF-8 bytes, not characters.
_BYTE_SIZED = {"SensitiveData"}
_ARTICLE = {"integer": "an Integer", "long": "a Long", "float": "a Float", "double": "a Double",
            "boolean": "a Boolean", "string": "a String", "timestamp": "a Timestamp",
            "structure": "a Structure", "list": "a List", "map": "a Map"}


@cache
def service_model() -> ServiceModel:
    return get_session().get_service_model("stepfunctions")


@cache
def operation(action: str) -> OperationModel | None:
    """The operation named by an X-Amz-Target action, or None when Step Functions has no such action."""
    model = service_model()
    if action not in model.operation_names:
        return None
    return model.operation_model(action)


def check_request(op: OperationModel, body: Any) -> dict:
    """The request's members (None members dropped), or SerializationException / ValidationException."""
    if not isinstance(body, dict):
        raise SerializationException(_type_message(body, "structure"))
    shape = op.input_shape
    if shape is None:
        return {}
    params = _typed(shape, body)
    problems: list[str] = []
    _constraints(shape, params, "", problems)
    if problems:
        count = len(problems)
        raise errors.ValidationException(
            f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(problems))
    return params


# --- JSON types ------------------------------------------------------------------------------------------

def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "structure"
    if isinstance(value, list):
        return "list"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "string"


def _type_message(value: Any, expected: str) -> str:
    kind = _json_kind(value)
    if kind == "structure":
        return "Start of structure or map found where not expected."
    if kind == "list":
        return "Start of list found where not expected"
    token = {"boolean": "TRUE" if value else "FALSE", "number": "NUMBER", "string": "STRING"}[kind]
    return f"{token}_VALUE can not be converted to {_ARTICLE.get(expected, 'a ' + expected.title())}"


def _typed(shape: Shape, value: Any) -> Any:
    """The value with None members dropped, after checking every member's JSON type."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise SerializationException(_type_message(value, kind))
        members = shape.members
        return {name: _typed(members[name], item) for name, item in value.items()
                if item is not None and name in members}  # AWS ignores members it does not know
    if kind == "list":
        if not isinstance(value, list):
            raise SerializationException(_type_message(value, kind))
        return [_typed(shape.member, item) for item in value if item is not None]
    if kind == "map":
        if not isinstance(value, dict):
            raise SerializationException(_type_message(value, kind))
        return {key: _typed(shape.value, item) for key, item in value.items() if item is not None}
    if kind == "string":
        if not isinstance(value, str):
            raise SerializationException(_type_message(value, kind))
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise SerializationException(_type_message(value, kind))
        return value
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
            raise SerializationException(_type_message(value, kind))
        return int(value)
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SerializationException(_type_message(value, kind))
        return value
    return value  # timestamps and blobs do not occur in Step Functions requests


# --- Constraints -----------------------------------------------------------------------------------------

def _constraints(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        for name, member in shape.members.items():
            where = f"{path}.{name}" if path else name
            item = value.get(name)
            if item is None:
                if name in shape.required_members:
                    problems.append(f"Value null at '{where}' failed to satisfy constraint: Member must not be null")
                continue
            _member(member, item, where, problems)
    elif kind == "list":
        for index, item in enumerate(value, start=1):
            _member(shape.member, item, f"{path}.{index}.member", problems)
    elif kind == "map":
        for key, item in value.items():
            _member(shape.value, item, f"{path}.{key}", problems)


def _member(shape: Shape, value: Any, where: str, problems: list[str]) -> None:
    meta = shape.metadata
    sensitive = meta.get("sensitive", False)
    shown = f"Value at '{where}'" if sensitive else f"Value '{_render(shape, value)}' at '{where}'"

    def fail(rule: str) -> None:
        problems.append(f"{shown} failed to satisfy constraint: {rule}")

    kind = shape.type_name
    if kind == "string":
        if shape.name in _BYTE_SIZED:
            size = len(value.encode("utf-8"))
            if "max" in meta and size > meta["max"]:
                fail(f"Member must have size less than or equal to {meta['max']} bytes in UTF-8 encoding")
        else:
            length = len(value.encode("utf-16-le")) // 2  # Java string length: UTF-16 code units
            if "min" in meta and length < meta["min"]:
                fail(f"Member must have length greater than or equal to {meta['min']}")
            if "max" in meta and length > meta["max"]:
                fail(f"Member must have length less than or equal to {meta['max']}")
        enum = meta.get("enum")
        if enum and value not in enum:
            fail(f"Member must satisfy enum value set: [{', '.join(_ENUM_ORDER.get(shape.name, enum))}]")
        pattern = meta.get("pattern")
        if pattern and not _pattern(pattern).fullmatch(value):
            fail(f"Member must satisfy regular expression pattern: {pattern}")
    elif kind in ("integer", "long", "float", "double"):
        if "min" in meta and value < meta["min"]:
            fail(f"Member must have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            fail(f"Member must have value less than or equal to {meta['max']}")
    elif kind in ("list", "map"):
        if "min" in meta and len(value) < meta["min"]:
            fail(f"Member must have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            fail(f"Member must have length less than or equal to {meta['max']}")
    _constraints(shape, value, where, problems)


@cache
def _pattern(java: str) -> re.Pattern:
    # The model's patterns are Java regular expressions; the one Java-only construct it uses is \p{ASCII}.
    return re.compile(java.replace(r"\p{ASCII}", r"[\x00-\x7F]"))


def _render(shape: Shape, value: Any) -> str:
    """A value as AWS's (Java) validation messages print it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(shape, ListShape):
        return "[" + ", ".join(_render(shape.member, item) for item in value) + "]"
    if isinstance(shape, StructureShape):
        parts = []
        for name, member in shape.members.items():
            if value.get(name) is not None:
                shown = "*** Sensitive Data Redacted ***" if member.metadata.get("sensitive") \
                    else _render(member, value[name])
                parts.append(f"{name}={shown}")
        return f"{shape.name}({', '.join(parts)})"
    return str(value)


# --- Responses -------------------------------------------------------------------------------------------

def shape_response(op: OperationModel, data: dict, *, strict: bool = False) -> dict:
    """The handler's result as the output shape says: None members out, datetimes as epoch seconds.

    With `strict`, a member the model does not know is an error (tests use this to keep handlers honest);
    otherwise it is dropped, as an SDK would ignore it anyway.
    """
    shape = op.output_shape
    if shape is None:
        return {}
    return _output(shape, data, strict, op.name)


def _output(shape: Shape, value: Any, strict: bool, where: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        members = shape.members
        result = {}
        for name, item in value.items():
            if item is None:
                continue
            member = members.get(name)
            if member is None:
                if strict:
                    raise AssertionError(f"{where}: '{name}' is not a member of {shape.name}")
                continue
            result[name] = _output(member, item, strict, f"{where}.{name}")
        return result
    if kind == "list":
        return [_output(shape.member, item, strict, where) for item in value]
    if kind == "timestamp":
        return value.timestamp() if isinstance(value, datetime) else value
    return value
