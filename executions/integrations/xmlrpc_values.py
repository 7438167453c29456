"""XML-RPC values as the XML-RPC task sees them: JSON in, XML-RPC on the wire, JSON back.

Pure functions over the standard library's `xmlrpc.client`, which marshals (`dumps`) and unmarshals (`loads`):
this module decides which JSON value becomes which XML-RPC type (typed values for dateTime, base64 and double,
which JSON lacks), refuses what XML-RPC or XML cannot carry before anything is sent (XmlRpc.InvalidParams),
shapes system.multicall's request and answer, and turns a response into JSON or a StatesError named after
the fault code (XmlRpc.Fault.<code>) or XmlRpc.InvalidResponse. `xmlrpc` (the task) documents the mapping.
"""
from __future__ import annotations

import base64
import binascii
import math
import re
import xmlrpc.client
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from designer.asl.errors import RUNTIME, StatesError
from designer.asl.validation.values import json_kind

FAULT = "XmlRpc.Fault"  # + "." + faultCode
INVALID_RESPONSE = "XmlRpc.InvalidResponse"
INVALID_PARAMS = "XmlRpc.InvalidParams"

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # XML-RPC's int is a signed 32-bit integer (i4)
TYPED = ("$dateTime", "$base64", "$double")
MAX_CAUSE = 32_768  # AWS: a Cause is at most 32,768 characters
MAX_DEPTH = 150  # as deep as a definition may nest (designer.asl.validation.machine); far below the recursion limit

# XML 1.0 (section 2.2) cannot carry these characters, escaped or not: a server would refuse the request.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# dateTime.iso8601 as servers send it: the spec's 20240501T12:30:00, extended 2024-05-01T12:30:00, either
# with a fraction or a zone (WordPress sends ...Z).
_DATETIME = re.compile(
    r"(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?")


# --- JSON -> XML-RPC ------------------------------------------------------------------------------------


def call_params(params: Any, where: str = "Params") -> tuple:
    """The positional parameters of one call, from a task's `Params` (array, object or null)."""
    if params is None:
        return ()
    if isinstance(params, list):
        return tuple(to_xmlrpc(item, f"{where}[{index}]") for index, item in enumerate(params))
    if isinstance(params, dict):
        return (to_xmlrpc(params, where),)
    raise StatesError(INVALID_PARAMS, f"{where} must be an array (positional parameters) or an object "
                                      f"(one struct parameter), not {json_kind(params)}")


def to_xmlrpc(value: Any, where: str) -> Any:
    """The Python value `xmlrpc.client.dumps` marshals as the XML-RPC value this JSON value stands for."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise StatesError(INVALID_PARAMS, f"{where}: {value} is outside XML-RPC's int range ({INT_MIN}.."
                                              f"{INT_MAX}); send it as {{\"$double\": n}} or as a string")
        return value
    if isinstance(value, float):
        return _double(value, where)
    if isinstance(value, str):
        return _text(value, where)
    if isinstance(value, list):
        return [to_xmlrpc(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, dict):
        if len(value) == 1:
            (key, inner), = value.items()
            if key in TYPED:
                return _typed(key, inner, f"{where}.{key}")
            if key.startswith("$") and key.lower() in {name.lower() for name in TYPED}:
                raise StatesError(INVALID_PARAMS, f"{where}: unknown typed value '{key}' (did you mean "
                                                  f"'{_spelled(key)}'?)")
        return {_text(key, f"{where} key"): to_xmlrpc(item, f"{where}.{key}") for key, item in value.items()}
    raise StatesError(INVALID_PARAMS, f"{where}: {json_kind(value)} has no XML-RPC type")


def _typed(key: str, value: Any, where: str) -> Any:
    if key == "$double":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise StatesError(INVALID_PARAMS, f"{where} must be a number, not {json_kind(value)}")
        try:
            return _double(float(value), where)
        except OverflowError:
            raise StatesError(INVALID_PARAMS, f"{where}: {value} is too large for a double") from None
    if not isinstance(value, str):
        raise StatesError(INVALID_PARAMS, f"{where} must be a string, not {json_kind(value)}")
    if key == "$base64":
        try:
            return base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError):
            raise StatesError(INVALID_PARAMS, f"{where} is not base64 text") from None
    try:
        moment = datetime.fromisoformat(value.strip())
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise StatesError(INVALID_PARAMS, f"{where}: '{value}' is not an ISO-8601 date or date-time") from None
    return moment.replace(microsecond=0)


def _double(value: float, where: str) -> float:
    if not math.isfinite(value):
        raise StatesError(INVALID_PARAMS, f"{where}: {value} cannot be sent (XML-RPC doubles are finite)")
    return value


def _text(value: str, where: str) -> str:
    bad = _NOT_XML.search(value)
    if bad:
        raise StatesError(INVALID_PARAMS, f"{where}: the character U+{ord(bad.group()):04X} cannot be sent in "
                                          "XML; send such data as {\"$base64\": ...}")
    return value


def _spelled(key: str) -> str:
    return next(name for name in TYPED if name.lower() == key.lower())


def request_body(method: str, params: tuple) -> bytes:
    """The methodCall document, UTF-8 encoded."""
    # dumps writes the method name as is: escaped here, a name from the state input cannot inject XML.
    text = xmlrpc.client.dumps(params, xmlrpc.client.escape(method), allow_none=True)
    # dumps writes "\r" as is, and XML parsers read a raw CR as a line feed: a character reference keeps it.
    # Every CR in the document comes from a value (dumps itself writes "\n"), all inside element text.
    return text.replace("\r", "&#13;").encode("utf-8")


def multicall_params(calls: Any) -> tuple[tuple, list[str]]:
    """system.multicall's single parameter (an array of {methodName, params} structs) and the method names."""
    if not isinstance(calls, list) or not calls:
        raise StatesError(RUNTIME, "xmlrpc:multicall needs Calls: a non-empty array of {\"MethodName\", "
                                   "\"Params\"} objects")
    structs, methods = [], []
    for index, entry in enumerate(calls):
        where = f"Calls[{index}]"
        if not isinstance(entry, dict):
            raise StatesError(RUNTIME, f"{where} must be an object with MethodName and Params")
        unknown = sorted(set(entry) - {"MethodName", "Params"})
        if unknown:
            raise StatesError(RUNTIME, f"{where} has unknown fields: {', '.join(unknown)}")
        method = method_name(entry.get("MethodName"), f"{where}.MethodName")
        structs.append({"methodName": method, "params": list(call_params(entry.get("Params"),
                                                                            f"{where}.Params"))})
        methods.append(method)
    return (structs,), methods


def method_name(value: Any, where: str = "MethodName") -> str:
    if not isinstance(value, str) or not value.strip():
        raise StatesError(RUNTIME, f"{where} must be a non-empty string")
    if _NOT_XML.search(value):
        raise StatesError(RUNTIME, f"{where} holds a character XML cannot carry")
    return value


# --- XML-RPC -> JSON ------------------------------------------------------------------------------------


def parse_response(body: bytes) -> Any:
    """The value of a methodResponse, as JSON. A fault raises XmlRpc.Fault.<code>; anything that is not a
    response holding one JSON-able value raises XmlRpc.InvalidResponse."""
    try:
        # Not use_builtin_types: DateTime keeps the server's own text, which may carry a zone or a fraction
        # that the strict parser of use_builtin_types refuses; Binary is unwrapped in to_json.
        params, method = xmlrpc.client.loads(body)
    except xmlrpc.client.Fault as fault:
        raise fault_error(fault.faultCode, fault.faultString) from None
    except Exception as exc:  # noqa: BLE001 -- expat, ValueError, TypeError, ResponseError: all mean "not XML-RPC"
        reason = str(exc) or type(exc).__name__
        raise StatesError(INVALID_RESPONSE, f"The response is not an XML-RPC methodResponse ({reason})") from None
    if method is not None or len(params) != 1:
        raise StatesError(INVALID_RESPONSE, "The response is not an XML-RPC methodResponse with one value")
    return to_json(params[0])


def fault_error(code: Any, text: Any, prefix: str = "") -> StatesError:
    code = str(code).strip() or "?"
    return StatesError(f"{FAULT}.{code}", (prefix + str(text))[:MAX_CAUSE])


def to_json(value: Any, depth: int = 0) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise StatesError(INVALID_RESPONSE, f"The response holds the double {value}, which JSON cannot")
        return value
    if isinstance(value, Decimal):  # Apache's bigdecimal extension
        if not value.is_finite():
            raise StatesError(INVALID_RESPONSE, f"The response holds the number {value}, which JSON cannot")
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, xmlrpc.client.Binary):
        return base64.b64encode(value.data).decode("ascii")
    if isinstance(value, xmlrpc.client.DateTime):
        return _iso8601(value.value)
    if isinstance(value, (list, tuple, dict)) and depth >= MAX_DEPTH:
        raise StatesError(INVALID_RESPONSE, f"The response nests arrays and structs more than {MAX_DEPTH} levels deep")
    if isinstance(value, (list, tuple)):
        return [to_json(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json(item, depth + 1) for key, item in value.items()}
    raise StatesError(INVALID_RESPONSE, f"The response holds a value of type {type(value).__name__}")


def _iso8601(text: str) -> str:
    match = _DATETIME.fullmatch(text.strip())
    if match is None:
        raise StatesError(INVALID_RESPONSE, f"The response holds the dateTime '{text}', which is not ISO-8601")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if zone and len(zone) > 1:
        zone = f"{zone[:3]}:{zone[-2:]}" if len(zone) > 3 else f"{zone}:00"
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}{fraction or ''}{zone or ''}"


def multicall_results(value: Any, methods: list[str]) -> list:
    """The results of system.multicall, in order; the first fault fails the task as that fault."""
    if not isinstance(value, list) or len(value) != len(methods):
        raise StatesError(INVALID_RESPONSE, f"system.multicall answered {json_kind(value)} instead of an array "
                                            f"of {len(methods)} results")
    results = []
    for index, (entry, method) in enumerate(zip(value, methods, strict=True)):
        if isinstance(entry, dict) and "faultCode" in entry:
            raise fault_error(entry["faultCode"], entry.get("faultString", ""), f"Call {index} ({method}): ")
        if not isinstance(entry, list) or len(entry) != 1:
            raise StatesError(INVALID_RESPONSE, f"system.multicall's answer to call {index} ({method}) is neither "
                                                "a one-value array nor a fault")
        results.append(entry[0])
    return results
