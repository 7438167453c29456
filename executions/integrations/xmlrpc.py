"""XML-RPC task resources: call a method (or several through system.multicall) on an XML-RPC endpoint.

AWS has no XML-RPC integration, so these resources live in Flowdeck's own namespace:

- `arn:flowdeck:states:::xmlrpc:call` calls one method; its result is the method's return value as JSON.
  `arn:flowdeck:states:::xmlrpc:call.waitForTaskToken` makes the call (the definition puts `$$.Task.Token`
  in a parameter) and then waits for SendTaskSuccess / SendTaskFailure.
- `arn:flowdeck:states:::xmlrpc:multicall` sends several calls in one request through `system.multicall`
  (where the server offers it); the result is the list of their return values, in order.

Parameters:

    ApiEndpoint     absolute http(s) URL; or a path relative to the connection's base URL; omitted: the base URL
    Authentication  {"ConnectionArn": ARN or name of a connection} (also accepted as InvocationConfig)
    MethodName      the method to call (xmlrpc:call)
    Params          array: positional parameters; object: one struct parameter; omitted or null: none
    Calls           xmlrpc:multicall: [{"MethodName": ..., "Params": ...}, ...]
    Headers         extra request headers (object); the HTTP task's forbidden headers are refused

JSON values become XML-RPC values: integer -> int (i4; outside -2147483648..2147483647 the task fails, send
a double or a string instead), other number -> double, boolean -> boolean, string -> string, array -> array,
object -> struct, null -> nil (the server must accept the nil extension). A one-key object names a type
JSON lacks:

    {"$dateTime": "2024-05-01T12:30:00"}  dateTime.iso8601; any ISO-8601 date or date-time; an offset (or Z)
                                           is converted to UTC, fractions of a second are dropped (the type
                                           has neither)
    {"$base64": "AP8="}                    base64 (the bytes the base64 text stands for)
    {"$double": 3}                         double, also for an integral number

The result goes the other way: int/i8 -> integer, double -> number, boolean, string, array, struct ->
object, nil -> null, dateTime.iso8601 -> "YYYY-MM-DDTHH:MM:SS" (a server's fraction or time zone kept,
e.g. "2024-05-01T12:30:00Z"), base64 -> base64 text.

Errors (Retry and Catch match them by name; States.ALL catches all but States.Runtime):

    XmlRpc.Fault.<faultCode>          the server answered a fault (e.g. XmlRpc.Fault.4, XmlRpc.Fault.-32601);
                                      cause: the faultString. A multicall fails with its first failed call:
                                      cause "Call <i> (<method>): <faultString>", i counted from 0
    XmlRpc.Http.StatusCode.<code>     the server answered a non-2xx status (a 401 from a server wanting
                                      credentials); cause "HTTP <code> <reason> from <url>"
    XmlRpc.Socket                     connection refused, reset or dropped; TLS failure (a certificate not
                                      trusted, a client certificate refused); proxy failure
    XmlRpc.Timeout                    no complete answer within the connection's time-out (default 60 s)
    XmlRpc.InvalidResponse            the answer is not an XML-RPC methodResponse, holds a value JSON cannot
                                      carry (NaN, infinity), nests deeper than 150, or is a multicall answer
                                      of the wrong shape
    XmlRpc.InvalidParams              Params (or a call's Params) cannot be sent: not an array or object, an
                                      int out of range, a malformed typed value, a character XML cannot carry;
                                      no request is sent
    States.DataLimitExceeded          the response is over 1 MiB (its JSON result then meets the usual 256 KiB
                                      limit of a task result); catchable by name, as AWS's oversized results
    Events.ConnectionResource.ResourceNotFound        no such connection (no request is sent)
    Events.ConnectionResource.InvalidConnectionState  its secrets cannot be read, or its OAuth token endpoint
                                                      refused or failed
    States.Runtime                    malformed task fields (MethodName, Calls, ApiEndpoint, Headers, unknown
                                      fields), a forbidden header; terminal, as AWS's

Every request leaves a call record in the task's history event and the `flowdeck.calls` log (method, URL
without secrets, status, duration, attempt, operation: the method name or system.multicall). When the call
fails or times out, the record carries the SHA-256 of the request body instead of the body, which may hold
personal data or credentials passed as parameters.

The standard library's `xmlrpc.client` marshals and unmarshals; the HTTP exchange goes through
`transport.send`, so connections, TLS, client certificates, proxies, time-outs and authentication behave
exactly as for the HTTP task.
"""
from __future__ import annotations

import re
from typing import Any, NoReturn
from urllib.parse import urlsplit, urlunsplit

from designer.asl.errors import DATA_LIMIT_EXCEEDED, RUNTIME, StatesError
from executions.integrations.calls import CallFailed, CallRecord
from executions.integrations.config import ConnectionConfig
from executions.integrations.http import FORBIDDEN_HEADERS, FORBIDDEN_PREFIXES
from executions.integrations.transport import HttpRequest, HttpResponse, TransportError, scrub, scrub_value, send
from executions.integrations.xmlrpc_values import (  # noqa: F401 -- every error name is importable from here
    FAULT, INVALID_PARAMS, INVALID_RESPONSE, MAX_CAUSE, call_params, method_name, multicall_params, multicall_results,
    parse_response, request_body,
)

RESOURCE_CALL = "arn:flowdeck:states:::xmlrpc:call"  # also .waitForTaskToken
RESOURCE_MULTICALL = "arn:flowdeck:states:::xmlrpc:multicall"
CALL_PARAMETERS = frozenset({"ApiEndpoint", "Authentication", "InvocationConfig", "Headers", "MethodName", "Params"})
MULTICALL_PARAMETERS = frozenset({"ApiEndpoint", "Authentication", "InvocationConfig", "Headers", "Calls"})
MULTICALL_METHOD = "system.multicall"
USER_AGENT = "Flowdeck|StepFunctions|XmlRpc"
CONTENT_TYPE = "text/xml"  # the spec's; Python's own client sends exactly this
# XML is verbose: read up to 1 MiB, the converted result then meets the 256 KiB limit of every task result.
MAX_RESPONSE_BYTES = 1_048_576

HTTP_STATUS = "XmlRpc.Http.StatusCode"  # + "." + status
SOCKET = "XmlRpc.Socket"
TIMEOUT = "XmlRpc.Timeout"
CONNECTION_NOT_FOUND = "Events.ConnectionResource.ResourceNotFound"
CONNECTION_STATE = "Events.ConnectionResource.InvalidConnectionState"
_TRANSPORT_ERRORS = {"timeout": TIMEOUT, "socket": SOCKET, "too_large": DATA_LIMIT_EXCEEDED,
                     "connection": CONNECTION_STATE, "request": RUNTIME}
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # RFC 9110 field-name
_BAD_HEADER_VALUE = re.compile(r"[\r\n\x00]")


def invoke(parameters: Any, *, resolve, attempt: int, multicall: bool) -> tuple[Any, CallRecord]:
    """Make the call the Parameters describe; the task result (JSON) and the record of the call.

    `resolve(reference)` turns a ConnectionArn (or bare name) into a ConnectionConfig. Raises `CallFailed`
    when a request was sent (or tried) and failed, `StatesError` when none could be made: malformed task
    fields (States.Runtime), Params that XML-RPC cannot carry, an unknown or unreadable connection.
    """
    resource = "xmlrpc:multicall" if multicall else "xmlrpc:call"
    if not isinstance(parameters, dict):
        raise StatesError(RUNTIME, f"{resource} needs Parameters (an object)")
    unknown = sorted(set(parameters) - (MULTICALL_PARAMETERS if multicall else CALL_PARAMETERS))
    if unknown:
        raise StatesError(RUNTIME, f"{resource} does not support the field(s) {', '.join(unknown)}")
    if multicall:
        operation = MULTICALL_METHOD
        params, methods = multicall_params(parameters.get("Calls"))
    else:
        operation, methods = method_name(parameters.get("MethodName")), []
        params = call_params(parameters.get("Params"))
    content = request_body(operation, params)
    headers = request_headers(parameters.get("Headers"))
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", CONTENT_TYPE))
    connection = _connection(parameters, resolve)
    url = _endpoint(parameters.get("ApiEndpoint"), connection)
    record = CallRecord(kind="xmlrpc", method="POST", url=_display_url(url, connection), attempt=attempt,
                        operation=operation)
    try:
        response = send(HttpRequest("POST", url, headers=headers, content=content), connection,
                        max_body=MAX_RESPONSE_BYTES, user_agent=USER_AGENT)
    except TransportError as exc:
        record.url, record.duration_ms = exc.url or record.url, exc.duration_ms
        _fail(record, content, _TRANSPORT_ERRORS.get(exc.kind, SOCKET), scrub(exc.message, connection))
    record.url, record.status, record.duration_ms = response.url, response.status, response.duration_ms
    if not 200 <= response.status < 300:
        _fail(record, content, f"{HTTP_STATUS}.{response.status}", scrub(_status_cause(response), connection))
    try:
        value = parse_response(response.body)
        result = multicall_results(value, methods) if multicall else value
    except StatesError as exc:
        _fail(record, content, exc.error, scrub(exc.cause, connection))
    return scrub_value(result, connection), record


def _fail(record: CallRecord, content: bytes, error: str, cause: str) -> NoReturn:
    # The request body may hold personal data or credentials passed as parameters: only its hash is kept.
    raise CallFailed(error, cause[:MAX_CAUSE], record.failed(error, content)) from None


def _status_cause(response: HttpResponse) -> str:
    cause = f"HTTP {response.status} {response.reason} from {response.url}".replace("  ", " ")
    try:
        parse_response(response.body)
    except StatesError as exc:
        if exc.error.startswith(FAULT + "."):  # some servers send their faults with a 500
            cause += f"; the body holds the fault {exc.error.removeprefix(FAULT + '.')}: {exc.cause}"
    return cause


def request_headers(value: Any) -> list[tuple[str, str]]:
    """Headers as (name, value) pairs; the HTTP task's forbidden headers (and Content-Length) fail the task."""
    if value is None:
        return []
    if not isinstance(value, dict):
        raise StatesError(RUNTIME, "Headers must be an object")
    headers, forbidden = [], []
    for name, item in value.items():
        lower = name.lower()
        if not _TOKEN.match(name):
            raise StatesError(RUNTIME, f"Headers: '{name}' is not a valid header name")
        if lower in FORBIDDEN_HEADERS or lower.startswith(FORBIDDEN_PREFIXES) or lower == "content-length":
            forbidden.append(name)
            continue
        if isinstance(item, bool):
            text = "true" if item else "false"
        elif isinstance(item, (str, int, float)):
            text = str(item)
        else:
            raise StatesError(RUNTIME, f"Headers.{name} must be a string, a number or a boolean")
        if _BAD_HEADER_VALUE.search(text):
            raise StatesError(RUNTIME, f"Headers.{name}: a header value cannot contain a line break")
        headers.append((name, text))
    if forbidden:
        raise StatesError(RUNTIME, f"The XML-RPC task cannot send the header(s) {', '.join(forbidden)}")
    return headers


def _connection(parameters: dict, resolve) -> ConnectionConfig | None:
    references = []
    for field in ("Authentication", "InvocationConfig"):  # AWS's two spellings
        if field in parameters:
            holder = parameters[field]
            reference = holder.get("ConnectionArn") if isinstance(holder, dict) else None
            if not isinstance(reference, str) or not reference:
                raise StatesError(RUNTIME, f"{field}.ConnectionArn must be a connection ARN or name")
            references.append(reference)
    if not references:
        return None
    if len(set(references)) > 1:
        raise StatesError(RUNTIME, "Authentication.ConnectionArn and InvocationConfig.ConnectionArn name "
                                   "different connections")
    # Imported here: finding a stored connection needs Django; marshalling and shaping do not.
    from executions.integrations.connections import ConnectionNotFound, ConnectionUnreadable

    try:
        return resolve(references[0])
    except (ConnectionNotFound, ConnectionUnreadable) as exc:
        raise StatesError(exc.asl_error, str(exc)) from None


def _endpoint(value: Any, connection: ConnectionConfig | None) -> str:
    if value is None:
        if connection is None or not connection.base_url:
            raise StatesError(RUNTIME, "ApiEndpoint is needed when no connection gives a base URL")
        return connection.base_url
    if not isinstance(value, str) or not value:
        raise StatesError(RUNTIME, "ApiEndpoint must be a URL string")
    parts = urlsplit(value)
    if parts.scheme.lower() in ("http", "https"):
        if not parts.hostname:
            raise StatesError(RUNTIME, f"ApiEndpoint '{value}' has no host")
        return value
    if parts.scheme:
        raise StatesError(RUNTIME, f"ApiEndpoint must be an http or https URL, not '{value}'")
    if connection is None or not connection.base_url:
        raise StatesError(RUNTIME, f"ApiEndpoint '{value}' is relative, and no connection gives a base URL")
    return value


def _display_url(url: str, connection: ConnectionConfig | None) -> str:
    if connection is not None and connection.base_url and not urlsplit(url).scheme:
        url = connection.base_url.rstrip("/") + "/" + url.lstrip("/")
    parts = urlsplit(url)
    return scrub(urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2])), connection)

