"""The HTTP Task, `arn:aws:states:::http:invoke`, as AWS Step Functions documents it.

The task's Parameters (ApiEndpoint, Method, Headers, QueryParameters, RequestBody, Transform and a connection
under Authentication or InvocationConfig) become one `HttpRequest`; `transport.send` adds what the connection
holds (authentication, its own headers and query parameters, TLS, proxy, time-out). The response becomes the
task result `{"Headers", "ResponseBody", "StatusCode", "StatusText"}`, or an error Retry and Catch can match:

- a status outside 2xx: `States.Http.StatusCode.<code>`, its cause the same result shape as compact JSON;
- refused, reset or dropped connections, TLS and proxy failures, time-outs: `States.Http.Socket`;
- a response over 256 KiB: `States.DataLimitExceeded`;
- a binary response (AWS returns text and JSON only), a forbidden header, a malformed parameter: `States.Runtime`;
- an unknown connection: `Events.ConnectionResource.ResourceNotFound`; its OAuth token endpoint failing:
  `Events.ConnectionResource.InvalidConnectionState`.

Every call made, failed or not, is described by a `CallRecord` (no payload; a SHA-256 of the request body when
it failed), and no text that leaves here carries a secret of the connection.
"""
from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any, NoReturn
from urllib.parse import quote, urlsplit

from designer.asl.errors import DATA_LIMIT_EXCEEDED, RUNTIME, StatesError
from designer.errors import FlowdeckError
from executions.integrations.calls import CallFailed, CallRecord
from executions.integrations.config import ConnectionConfig
from executions.integrations.transport import HttpRequest, HttpResponse, TransportError, scrub, scrub_value, send

RESOURCE = "arn:aws:states:::http:invoke"
METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"})
ARRAY_FORMATS = frozenset({"INDICES", "REPEAT", "COMMAS", "BRACKETS"})
BODY_ENCODINGS = frozenset({"NONE", "URL_ENCODED"})
PARAMETERS = frozenset({"ApiEndpoint", "Method", "Authentication", "InvocationConfig", "Headers",
                        "QueryParameters", "RequestBody", "Transform"})
MAX_RESPONSE_BYTES = 262_144  # AWS: a task result is at most 256 KiB
MAX_CAUSE = 32_768  # AWS: a Cause is at most 32,768 characters

SOCKET = "States.Http.Socket"
CONNECTION_STATE = "Events.ConnectionResource.InvalidConnectionState"

# AWS: "You can't use the following headers in your HTTP Task definition"; using one fails with States.Runtime.
# (AWS's list leaves out Authorization, but refuses it all the same: credentials belong in a connection.)
FORBIDDEN_HEADERS = frozenset(name.lower() for name in (
    "A-IM", "Accept-Charset", "Accept-Datetime", "Accept-Encoding", "Authorization", "Cache-Control", "Connection",
    "Content-Encoding", "Content-MD5", "Date", "Expect", "Forwarded", "From", "Host", "HTTP2-Settings", "If-Match",
    "If-Modified-Since", "If-None-Match", "If-Range", "If-Unmodified-Since", "Max-Forwards", "Origin", "Pragma",
    "Proxy-Authorization", "Referer", "Server", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Via", "Warning"))
FORBIDDEN_PREFIXES = ("x-forwarded-", "x-amz-", "x-amzn-")
# Set by the task itself whatever the definition says (AWS: User-Agent and Range can't be overridden);
# Content-Length follows the body.
MANAGED_HEADERS = frozenset({"user-agent", "range", "content-length"})
RANGE = "bytes=0-262144"  # AWS sends it on every request: the most it will read

JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
BINARY_TYPES = ("application/octet-stream", "image/", "video/", "audio/")

_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # RFC 9110 field-name
_BAD_VALUE = re.compile(r"[\r\n\x00]")


def invoke(parameters: Any, *, resolve, attempt: int, region: str) -> tuple[Any, CallRecord]:
    """Call the endpoint the Parameters describe; the task result and the record of the call.

    `resolve(reference)` turns a ConnectionArn (or bare name) into a ConnectionConfig. Raises `CallFailed` when
    a call was made and failed, `StatesError` when none could be made (bad parameters, unknown connection).
    """
    parameters = _object(parameters, "Parameters")
    connection = _connection(parameters, resolve)
    request = build_request(parameters, connection)
    # The transport reports the URL it called, secrets removed; until then, the endpoint as given.
    record = CallRecord(kind="http", method=request.method, url=scrub(request.url, connection), attempt=attempt)
    try:
        response = send(request, connection, max_body=MAX_RESPONSE_BYTES, user_agent=user_agent(region))
    except TransportError as exc:
        record.url, record.duration_ms = exc.url or record.url, exc.duration_ms
        _fail(record, request, _transport_error(exc.kind), scrub(exc.message, connection))
    record.url, record.status, record.duration_ms = response.url, response.status, response.duration_ms
    ok = 200 <= response.status < 300
    try:
        result = shape_response(response)
    except _Binary as exc:
        if ok:
            _fail(record, request, RUNTIME, str(exc))
        result = shape_response(response, body=False)  # the status says more than the body could
    result = scrub_value(result, connection)
    if not ok:
        _fail(record, request, f"States.Http.StatusCode.{response.status}", error_cause(result))
    return result, record


def user_agent(region: str) -> str:
    # AWS: "Amazon|StepFunctions|HttpInvoke|<region>"
    return f"Flowdeck|StepFunctions|HttpInvoke|{region}"


# --- request --------------------------------------------------------------------------------------


def build_request(parameters: dict, connection: ConnectionConfig | None) -> HttpRequest:
    """The HTTP request the Parameters describe (the connection's own additions are the transport's)."""
    unknown = sorted(set(parameters) - PARAMETERS)
    if unknown:
        raise _runtime(f"The HTTP Task does not support the field(s) {', '.join(unknown)}")
    method = parameters.get("Method")
    # Upper case, as AWS's schema has it (the validator says the same of a static Method).
    if not isinstance(method, str) or method not in METHODS:
        raise _runtime(f"Method must be one of {', '.join(sorted(METHODS))}, not {json.dumps(method)}")
    url = _endpoint(parameters.get("ApiEndpoint"), connection)
    headers = request_headers(parameters.get("Headers"))
    query = query_parameters(parameters.get("QueryParameters"))
    content, content_type = request_body(parameters, connection)
    if content is not None and not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", content_type))
    headers.append(("Range", RANGE))
    return HttpRequest(method=method, url=url, headers=headers, query=query, content=content)


def request_headers(value: Any) -> list[tuple[str, str]]:
    """Headers as (name, value) pairs; an array value repeats the header. Forbidden names fail the task."""
    if value is None:
        return []
    headers: list[tuple[str, str]] = []
    forbidden = []
    for name, item in _object(value, "Headers").items():
        lower = name.lower()
        if not _TOKEN.match(name):
            raise _runtime(f"Headers: {json.dumps(name)} is not a valid header name")
        if lower in FORBIDDEN_HEADERS or lower.startswith(FORBIDDEN_PREFIXES):
            forbidden.append(name)
            continue
        if lower in MANAGED_HEADERS:
            continue
        for text in _texts(item, f"Headers.{name}"):
            if _BAD_VALUE.search(text):
                raise _runtime(f"Headers.{name}: a header value cannot contain a line break")
            headers.append((name, text))
    if forbidden:
        raise _runtime(f"The HTTP Task cannot send the header(s) {', '.join(forbidden)}")
    return headers


def query_parameters(value: Any) -> list[tuple[str, str]]:
    """QueryParameters as (name, value) pairs, URL-encoded by the transport; an array value repeats the name."""
    if value is None:
        return []
    return [(name, text) for name, item in _object(value, "QueryParameters").items()
            for text in _texts(item, f"QueryParameters.{name}")]


def request_body(parameters: dict, connection: ConnectionConfig | None) -> tuple[bytes | None, str]:
    """The body's bytes (None: no body) and the Content-Type to send unless the Headers name one.

    The connection's body parameters merge into an object RequestBody, the connection winning on the same key
    (AWS, like EventBridge API destinations); they cannot merge into a string. A string is sent as it is;
    any other value as JSON, or URL-encoded when Transform.RequestBodyEncoding is URL_ENCODED.
    """
    body = parameters.get("RequestBody")
    encoding, array_format = _transform(parameters.get("Transform"))
    extra = connection.body if connection is not None else ()
    if extra:
        if isinstance(body, str):
            raise _runtime("The connection has body parameters, which cannot merge into a string RequestBody")
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise _runtime("The connection has body parameters, which merge only into an object RequestBody")
        body = {**body, **{parameter.key: parameter.value for parameter in extra}}
    if body is None:
        return None, JSON_CONTENT_TYPE
    if encoding == "URL_ENCODED":
        if isinstance(body, str):  # already form-encoded by the definition
            return body.encode(), FORM_CONTENT_TYPE
        if not isinstance(body, dict):
            raise _runtime("RequestBody must be an object (or a string) to be URL-encoded")
        return form_encode(body, array_format).encode(), FORM_CONTENT_TYPE
    if isinstance(body, str):
        return body.encode(), JSON_CONTENT_TYPE
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), JSON_CONTENT_TYPE


def form_encode(body: dict, array_format: str = "INDICES") -> str:
    """URL-encode an object as AWS does: nested keys in brackets, arrays per ArrayFormat, RFC 3986 escapes.

    `{"a": {"b": "x y"}, "l": [1, 2]}` gives `a%5Bb%5D=x%20y&l%5B0%5D=1&l%5B1%5D=2` with INDICES (the default),
    `l=1&l=2` with REPEAT, `l%5B%5D=1&l%5B%5D=2` with BRACKETS and `l=1,2` with COMMAS. Empty objects and
    arrays send nothing; null sends an empty value.
    """
    pairs: list[str] = []
    for key, value in body.items():
        _flatten(key, value, array_format, pairs)
    return "&".join(pairs)


def _flatten(key: str, value: Any, array_format: str, pairs: list[str]) -> None:
    if isinstance(value, dict):
        for sub, item in value.items():
            _flatten(f"{key}[{sub}]", item, array_format, pairs)
    elif isinstance(value, list):
        if array_format == "COMMAS" and value and all(_scalar(item) for item in value):
            # Each item escaped (its own commas too), the separator kept: array=a,b,c
            pairs.append(f"{_escape(key)}={','.join(_escape(_text(item)) for item in value)}")
            return
        for index, item in enumerate(value):
            # COMMAS cannot join objects or arrays: those items are indexed, as INDICES does.
            sub = {"REPEAT": key, "BRACKETS": f"{key}[]"}.get(array_format, f"{key}[{index}]")
            _flatten(sub, item, array_format, pairs)
    else:
        pairs.append(f"{_escape(key)}={_escape(_text(value))}")


def _escape(text: str) -> str:
    return quote(text, safe="")  # spaces as %20, brackets as %5B %5D: only RFC 3986's unreserved characters stay


def _transform(value: Any) -> tuple[str, str]:
    if value is None:
        return "NONE", "INDICES"
    transform = _object(value, "Transform")
    encoding = transform.get("RequestBodyEncoding", "NONE")
    if not isinstance(encoding, str) or encoding not in BODY_ENCODINGS:
        raise _runtime(f"Transform.RequestBodyEncoding must be NONE or URL_ENCODED, not {json.dumps(encoding)}")
    options = _object(transform.get("RequestEncodingOptions", {}), "Transform.RequestEncodingOptions")
    array_format = options.get("ArrayFormat", "INDICES")
    if not isinstance(array_format, str) or array_format not in ARRAY_FORMATS:
        raise _runtime("Transform.RequestEncodingOptions.ArrayFormat must be one of "
                       f"{', '.join(sorted(ARRAY_FORMATS))}, not {json.dumps(array_format)}")
    return encoding, array_format


def _endpoint(value: Any, connection: ConnectionConfig | None) -> str:
    if not isinstance(value, str) or not value:
        raise _runtime("ApiEndpoint must be a URL string")
    parts = urlsplit(value)
    if parts.scheme.lower() in ("http", "https"):
        if not parts.hostname:
            raise _runtime(f"ApiEndpoint {json.dumps(value)} has no host")
        return value
    if parts.scheme:
        raise _runtime(f"ApiEndpoint must be an http or https URL, not {json.dumps(value)}")
    if connection is None or not connection.base_url:
        raise _runtime(f"ApiEndpoint {json.dumps(value)} is relative, and no connection gives a base URL")
    return value


def _connection(parameters: dict, resolve) -> ConnectionConfig | None:
    references = []
    for field in ("Authentication", "InvocationConfig"):  # AWS's two spellings
        if field in parameters:
            reference = _object(parameters[field], field).get("ConnectionArn")
            if not isinstance(reference, str) or not reference:
                raise _runtime(f"{field}.ConnectionArn must be a connection ARN or name")
            references.append(reference)
    if not references:
        return None
    if len(set(references)) > 1:
        raise _runtime("Authentication.ConnectionArn and InvocationConfig.ConnectionArn name different connections")
    try:
        return resolve(references[0])
    except FlowdeckError as exc:
        # No call was made: ConnectionNotFound (Events.ConnectionResource.ResourceNotFound), a connection whose
        # secrets cannot be read (Events.ConnectionResource.InvalidConnectionState) name their ASL error.
        error = getattr(exc, "asl_error", None)
        if error is None:
            raise
        raise StatesError(error, exc.message) from None


# --- response -------------------------------------------------------------------------------------


class _Binary(Exception):
    pass


def shape_response(response: HttpResponse, *, body: bool = True) -> dict:
    """The task result: header values as lists under lower-case names, a JSON body parsed, else its text."""
    headers: dict[str, list[str]] = {}
    for name, value in response.headers:
        headers.setdefault(name.lower(), []).append(value)
    result: dict[str, Any] = {"Headers": headers}
    if body:
        result["ResponseBody"] = response_body(response.body, (headers.get("content-type") or [""])[-1])
    result["StatusCode"] = response.status
    result["StatusText"] = response.reason or _phrase(response.status)
    return result


def response_body(content: bytes, content_type: str) -> Any:
    """JSON for a JSON content type (or a body that is a JSON object or array), text otherwise; binary fails."""
    mime, _, params = content_type.partition(";")
    mime = mime.strip().lower()
    if mime.startswith(BINARY_TYPES):
        raise _Binary(f"The response is binary ({mime}); the HTTP Task returns text and JSON only")
    charset = "utf-8"
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    try:
        text = content.decode(charset)
    except (LookupError, UnicodeDecodeError):
        raise _Binary(f"The response body is not text in {charset} ({mime or 'no content type'})") from None
    if not text:
        return ""
    is_json = mime == "application/json" or mime.endswith("+json")
    if is_json or text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text, parse_constant=_no_constant)
        except ValueError:
            pass
    return text


def error_cause(result: dict) -> str:
    """The cause of a States.Http.StatusCode error: the result as compact JSON, its body cut to fit the limit."""
    cause = _compact(result)
    if len(cause) <= MAX_CAUSE:
        return cause
    body = result.get("ResponseBody")
    text = body if isinstance(body, str) else _compact(body)
    budget = MAX_CAUSE - len(_compact({**result, "ResponseBody": ""}))
    while budget > 0:
        cause = _compact({**result, "ResponseBody": text[:budget]})
        if len(cause) <= MAX_CAUSE:
            return cause
        budget -= len(cause) - MAX_CAUSE  # escapes made it longer: cut by the overshoot and try again
    return _compact({key: value for key, value in result.items() if key != "ResponseBody"})[:MAX_CAUSE]


def _transport_error(kind: str) -> str:
    if kind == "too_large":
        return DATA_LIMIT_EXCEEDED
    if kind == "connection":
        return CONNECTION_STATE
    if kind == "request":
        return RUNTIME
    return SOCKET  # "timeout" and "socket": AWS has the one name for both


def _fail(record: CallRecord, request: HttpRequest, error: str, cause: str) -> NoReturn:
    raise CallFailed(error, cause[:MAX_CAUSE], record.failed(error, request.content)) from None


# --- helpers --------------------------------------------------------------------------------------


def _object(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise _runtime(f"{where} must be an object")
    return value


def _texts(value: Any, where: str) -> list[str]:
    if isinstance(value, list):
        if not all(_scalar(item) for item in value):
            raise _runtime(f"{where}: an array value may hold only strings, numbers and booleans")
        return [_text(item) for item in value]
    if not _scalar(value) or value is None:
        raise _runtime(f"{where} must be a string, a number, a boolean or an array of them")
    return [_text(value)]


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value)  # true, 12, 1.5: as JSON writes them


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")



def _runtime(cause: str) -> StatesError:
    return StatesError(RUNTIME, cause)
