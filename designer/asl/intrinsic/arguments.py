"""Argument checks shared by the States.* functions; every failure is States.IntrinsicFailure.

AWS rounds a non-integer number given where an integer is expected "to the nearest integer"; Step Functions
runs on Java and rounds like Math.round (ties toward positive infinity: 2.5 -> 3, -2.5 -> -2), which the
AWS-recorded MathAdd cases of localstack's suite confirm.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any, NoReturn

from designer.asl import errors
from designer.asl.errors import StatesError
from designer.asl.paths import compact_json

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def fail(function: str, detail: str) -> NoReturn:
    raise StatesError(errors.INTRINSIC_FAILURE, f"Invalid arguments in States.{function}: {detail}")


def describe(value: Any) -> str:
    """A value as it appears in causes: compact JSON, cut short when long."""
    text = compact_json(value)
    return text if len(text) <= 100 else text[:97] + "..."


def is_number(value: Any) -> bool:
    return type(value) in (int, float)


def java_round(value: float) -> int:
    # Decimal(value) is exact, so 0.49999999999999994 does not round up as floor(x + 0.5) would in floats.
    return math.floor(Decimal(value) + Decimal("0.5"))


def integer(function: str, value: Any, what: str) -> int:
    """A number as an integer, non-integers rounded as AWS does."""
    if type(value) is int:
        return value
    if type(value) is float and math.isfinite(value):
        return java_round(value)
    fail(function, f"the {what} must be an integer, got {describe(value)}")


def array(function: str, value: Any, what: str = "first argument") -> list:
    if not isinstance(value, list):
        fail(function, f"the {what} must be an array, got {describe(value)}")
    return value


def string(function: str, value: Any, what: str = "argument") -> str:
    if not isinstance(value, str):
        fail(function, f"the {what} must be a string, got {describe(value)}")
    return value


def obj(function: str, value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        fail(function, f"the {what} must be a JSON object, got {describe(value)}")
    return value


def max_length(function: str, text: str, limit: int, what: str) -> str:
    if len(text) > limit:
        fail(function, f"the {what} must be at most {limit} characters long, got {len(text)}")
    return text


def identity(value: Any) -> str:
    """A key equal for equal JSON values, as Jackson's node equality (1 and 1.0 differ; key order does not)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
