"""The HTTP task (`arn:aws:states:::http:invoke`) and Flowdeck's XML-RPC resources, checked statically.

AWS validates an HTTP task's Parameters against a schema when the definition is saved: ApiEndpoint
and Method are required, Method is one of seven verbs, Transform takes two enumerations, headers
the service reserves are refused and no other top-level field is accepted. Flowdeck's own resources
live in the `flowdeck` ARN partition (`arn:flowdeck:states:::xmlrpc:call`, `...:call.waitForTaskToken`,
`...:multicall`), so they cannot collide with an AWS service name, and get the same treatment.
Catching these here turns a run-time States.Runtime (after the execution has already started) into
a diagnostic in the editor.

Only what is static is checked: a JSONPath field whose name ends in `.$` and a JSONata `{% %}` value
are resolved at run time, where the task itself reports what is wrong with them.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from designer.asl.validation import templates
from designer.asl.validation.context import Checker, StateInfo
from designer.asl.validation.diagnostics import at, item, show
from designer.asl.validation.values import check_enum, check_string, expected

PARTITION = "flowdeck"
WAIT_FOR_TASK_TOKEN = ".waitForTaskToken"
HTTP = "http:invoke"
XMLRPC_CALL = "xmlrpc:call"
XMLRPC_MULTICALL = "xmlrpc:multicall"
HTTP_ACTIONS = (HTTP, HTTP + WAIT_FOR_TASK_TOKEN)
FLOWDECK_ACTIONS = (XMLRPC_CALL, XMLRPC_CALL + WAIT_FOR_TASK_TOKEN, XMLRPC_MULTICALL)

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")
BODY_ENCODINGS = ("NONE", "URL_ENCODED")
ARRAY_FORMATS = ("INDICES", "REPEAT", "COMMAS", "BRACKETS")

CONNECTION_FIELDS = ("Authentication", "InvocationConfig")  # AWS's two spellings of the same thing
FIELDS = {
    HTTP: (
        "ApiEndpoint",
        "Method",
        *CONNECTION_FIELDS,
        "Headers",
        "QueryParameters",
        "RequestBody",
        "Transform",
    ),
    XMLRPC_CALL: ("ApiEndpoint", *CONNECTION_FIELDS, "MethodName", "Params", "Headers"),
    XMLRPC_MULTICALL: ("ApiEndpoint", *CONNECTION_FIELDS, "Calls", "Headers"),
}
REQUIRED = {HTTP: ("ApiEndpoint", "Method"), XMLRPC_CALL: ("MethodName",), XMLRPC_MULTICALL: ("Calls",)}

# AWS DG (call-https-apis, "Headers"): headers the HTTP task refuses, in any case.
FORBIDDEN_HEADERS = frozenset(
    name.lower()
    for name in (
        "A-IM Accept-Charset Accept-Datetime Accept-Encoding Authorization Cache-Control Connection "
        "Content-Encoding Content-MD5 Date Expect Forwarded From Host HTTP2-Settings If-Match If-Modified-Since "
        "If-None-Match If-Range If-Unmodified-Since Max-Forwards Origin Pragma Proxy-Authorization Referer Server "
        "TE Trailer Transfer-Encoding Upgrade Via Warning"
    ).split()
)
FORBIDDEN_HEADER_PREFIXES = ("x-forwarded-", "x-amz-", "x-amzn-")

# EventBridge: connection names are 1..64 of [.-_A-Za-z0-9]; the ARN may end in /<id>.
_CONNECTION_NAME = re.compile(r"[\.\-_A-Za-z0-9]{1,64}\Z")
_CONNECTION_ARN = re.compile(r"arn:[a-z][a-z0-9\-]*:events:[a-z0-9\-]+:\d{12}:connection/([^/]+)(?:/[0-9A-Za-z\-]+)?\Z")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
AWS_PARTITION = re.compile(r"aws(?:-[a-z]+)*\Z")  # aws, aws-cn, aws-us-gov, ...


def integration(resource) -> str | None:
    """Which integration a Task Resource names (HTTP, XMLRPC_CALL, XMLRPC_MULTICALL), or None."""
    if not isinstance(resource, str) or not resource.startswith("arn:"):
        return None
    parts = resource.split(":", 5)
    if len(parts) < 6 or parts[2] != "states" or parts[3] or parts[4]:
        return None
    action = parts[5].removesuffix(WAIT_FOR_TASK_TOKEN)
    if parts[1] == PARTITION:
        return action if action in FIELDS and action != HTTP else None
    return HTTP if action == HTTP and AWS_PARTITION.match(parts[1]) else None


def resource_problem(parts: list[str]) -> str | None:
    """Why an ARN (split as arn:partition:service:region:account:resource) names no integration we run."""
    if parts[1] == PARTITION:
        if parts[2:5] != ["states", "", ""] or parts[5] not in FLOWDECK_ACTIONS:
            names = ", ".join(f"arn:flowdeck:states:::{action}" for action in FLOWDECK_ACTIONS)
            return f"the flowdeck partition only has the resources {names}"
    elif parts[2] == "states" and parts[5].split(".", 1)[0] == HTTP and parts[5] not in HTTP_ACTIONS:
        return f"the HTTP task is arn:{parts[1]}:states:::{HTTP}, optionally with {WAIT_FOR_TASK_TOKEN}"
    return None


def structure(ck: Checker, st: StateInfo) -> None:
    """An integration needs its request: Parameters (JSONPath) or Arguments (JSONata)."""
    kind = integration(st.data.get("Resource"))
    field = "Parameters" if st.jsonpath else "Arguments"
    if kind is not None and field not in st.data:
        ck.report.schema(f"These fields are required: [{field}] (the {kind} request)", st.location)


def check_payload(ck: Checker, st: StateInfo, value, location: str) -> None:
    """The integration's own fields in a Task's Parameters/Arguments (the object itself is checked elsewhere)."""
    kind = integration(st.data.get("Resource"))
    if kind is None or not isinstance(value, dict):
        return  # a non-object, or a JSONata expression for the whole request, is reported or resolved elsewhere
    entries = _fields(ck, st, value, location, FIELDS[kind], REQUIRED[kind], kind)
    connection = [name for name in CONNECTION_FIELDS if name in entries]
    if len(connection) > 1:
        ck.report.schema(
            "There should only be one of the following fields: [Authentication, InvocationConfig]",
            at(location, entries[connection[1]][0]),
        )
    if kind != HTTP and "ApiEndpoint" not in entries and not connection:
        ck.report.schema(
            f"{kind} needs an endpoint: give ApiEndpoint, or a connection (Authentication.ConnectionArn) "
            "whose base URL is used",
            location,
        )
    for name, (key, field_value, dynamic) in entries.items():
        if dynamic:
            continue
        key_location = at(location, key)
        if name == "ApiEndpoint":
            _check_endpoint(ck, field_value, key_location, has_connection=bool(connection))
        elif name == "Method":
            check_enum(ck.report, field_value, key_location, METHODS)
        elif name in CONNECTION_FIELDS:
            _check_connection(ck, st, field_value, key_location)
        elif name == "Headers":
            _check_headers(ck, st, field_value, key_location)
        elif name == "QueryParameters" and not isinstance(field_value, dict):
            expected(ck.report, key_location, field_value, "OBJECT")
        elif name == "Transform":
            _check_transform(ck, st, field_value, key_location)
        elif name == "MethodName":
            check_string(ck.report, field_value, key_location, non_empty=True)
        elif name == "Params":
            _check_params(ck, field_value, key_location)
        elif name == "Calls":
            _check_calls(ck, st, field_value, key_location)


# --- helpers --------------------------------------------------------------------------------------


def _entry(st: StateInfo, key: str, value) -> tuple[str, bool]:
    """A payload key's field name and whether its value is only known at run time."""
    if st.jsonpath:
        return (key[:-2], True) if key.endswith(".$") else (key, False)
    return key, templates.is_expression(value)


def _fields(
    ck: Checker, st: StateInfo, value: dict, location: str, allowed: tuple, required: tuple, what: str
) -> dict[str, tuple[str, object, bool]]:
    """Unknown and missing fields of a static object, reported at the object; name -> (key, value, dynamic)."""
    entries: dict[str, tuple[str, object, bool]] = {}
    for key, field_value in value.items():
        name, dynamic = _entry(st, key, field_value)
        if name not in allowed:
            ck.report.schema(f"Field '{key}' is not supported by {what} (expected {', '.join(allowed)})", location)
        else:
            entries.setdefault(name, (key, field_value, dynamic))  # "X" and "X.$" together: templates reports it
    missing = [name for name in required if name not in entries]
    if missing:
        ck.report.schema(f"These fields are required: [{', '.join(missing)}]", location)
    return entries


def _check_endpoint(ck: Checker, value, location: str, *, has_connection: bool) -> None:
    if not check_string(ck.report, value, location, non_empty=True):
        return
    if any(char.isspace() or ord(char) < 32 for char in value):
        ck.report.schema(f"ApiEndpoint must not contain spaces or control characters: {show(value)}", location)
        return
    if _SCHEME.match(value):
        parts = urlsplit(value)
        try:
            parts.port  # read for its check: a port that is not a number in 0..65535 raises
        except ValueError:
            ck.report.schema(f"ApiEndpoint has an invalid port: {show(value)}", location)
            return
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            ck.report.schema(
                f"ApiEndpoint must be an absolute http:// or https:// URL with a host, or a path relative to "
                f"the connection's base URL, got {show(value)}",
                location,
            )
    elif value.startswith("//"):
        ck.report.schema(f"A relative ApiEndpoint must be a path, not a network reference: {show(value)}", location)
    elif not has_connection:
        ck.report.schema(
            f"ApiEndpoint {show(value)} is relative, so it needs a connection (Authentication.ConnectionArn) "
            "whose base URL completes it",
            location,
        )


def _check_connection(ck: Checker, st: StateInfo, value, location: str) -> None:
    if not isinstance(value, dict):
        expected(ck.report, location, value, "OBJECT")
        return
    entries = _fields(ck, st, value, location, ("ConnectionArn",), ("ConnectionArn",), location.rsplit("/", 1)[1])
    if "ConnectionArn" not in entries:
        return
    key, arn, dynamic = entries["ConnectionArn"]
    key_location = at(location, key)
    if dynamic or not check_string(ck.report, arn, key_location, non_empty=True):
        return
    match = _CONNECTION_ARN.match(arn)
    name = match.group(1) if match else arn
    if not _CONNECTION_NAME.match(name):
        ck.report.schema(
            f"ConnectionArn must be a connection ARN (arn:aws:events:<region>:<account>:connection/<Name>[/<id>]) "
            f"or a connection name (1 to 64 of A-Z a-z 0-9 . - _), got {show(arn)}",
            key_location,
        )


def _check_headers(ck: Checker, st: StateInfo, value, location: str) -> None:
    if not isinstance(value, dict):
        expected(ck.report, location, value, "OBJECT")
        return
    for key, header_value in value.items():
        name = _entry(st, key, header_value)[0].lower()
        if name in FORBIDDEN_HEADERS or name.startswith(FORBIDDEN_HEADER_PREFIXES):
            ck.report.schema(
                f"Header '{key.removesuffix('.$') if st.jsonpath else key}' cannot be set by the task "
                "(reserved; credentials belong in a connection)",
                at(location, key),
            )


def _check_transform(ck: Checker, st: StateInfo, value, location: str) -> None:
    if not isinstance(value, dict):
        expected(ck.report, location, value, "OBJECT")
        return
    entries = _fields(ck, st, value, location, ("RequestBodyEncoding", "RequestEncodingOptions"), (), "Transform")
    if "RequestBodyEncoding" in entries:
        key, encoding, dynamic = entries["RequestBodyEncoding"]
        if not dynamic:
            check_enum(ck.report, encoding, at(location, key), BODY_ENCODINGS)
    if "RequestEncodingOptions" in entries:
        key, options, dynamic = entries["RequestEncodingOptions"]
        if dynamic:
            return
        options_location = at(location, key)
        if not isinstance(options, dict):
            expected(ck.report, options_location, options, "OBJECT")
            return
        inner = _fields(ck, st, options, options_location, ("ArrayFormat",), (), "RequestEncodingOptions")
        if "ArrayFormat" in inner and not inner["ArrayFormat"][2]:
            check_enum(ck.report, inner["ArrayFormat"][1], at(options_location, inner["ArrayFormat"][0]), ARRAY_FORMATS)


def _check_params(ck: Checker, value, location: str) -> None:
    # Flowdeck XML-RPC: an array is the positional parameters, an object one struct parameter.
    if not isinstance(value, (list, dict)):
        expected(ck.report, location, value, "ARRAY", "OBJECT")


def _check_calls(ck: Checker, st: StateInfo, value, location: str) -> None:
    if not isinstance(value, list):
        expected(ck.report, location, value, "ARRAY")
        return
    if not value:
        ck.report.schema("Value cannot be empty: a multicall needs at least one call", location)
    for index, call in enumerate(value):
        call_location = item(location, index)
        if not st.jsonpath and templates.is_expression(call):
            continue
        if not isinstance(call, dict):
            expected(ck.report, call_location, call, "OBJECT")
            continue
        entries = _fields(ck, st, call, call_location, ("MethodName", "Params"), ("MethodName",), "a call")
        for name, (key, field_value, dynamic) in entries.items():
            if dynamic:
                continue
            if name == "MethodName":
                check_string(ck.report, field_value, at(call_location, key), non_empty=True)
            else:
                _check_params(ck, field_value, at(call_location, key))
