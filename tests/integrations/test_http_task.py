"""The HTTP Task's own rules, without a network: Parameters to request, response to result or error.

The examples of AWS's documentation are checked to the byte (URL-encoded bodies, array formats, the merge of
a connection's body parameters); the transport is replaced by a function returning a canned response.
"""
import json

import pytest

from designer.asl.errors import StatesError
from designer.errors import FlowdeckError, ResourceNotFound
from executions.integrations import http
from executions.integrations.calls import CallFailed, sha256
from executions.integrations.config import ApiKeyAuth, ConnectionConfig, Parameter
from executions.integrations.transport import HttpResponse, TransportError

ARN = "arn:aws:events:us-east-1:123456789012:connection/Billing/6c1a8f3e-0b7e-4f7c-9a57-1f3c4e0d2b11"


class ConnectionNotFound(ResourceNotFound):
    """What `connections.resolve` raises for an unknown reference: it names its ASL error."""

    asl_error = "Events.ConnectionResource.ResourceNotFound"


def connection(**fields):
    return ConnectionConfig(name="Billing", arn=ARN, **fields)


def build(parameters, conn=None):
    return http.build_request({"ApiEndpoint": "https://api.example.com/v1", "Method": "POST", **parameters}, conn)


def runtime_error(parameters, conn=None):
    with pytest.raises(StatesError) as caught:
        build(parameters, conn)
    assert caught.value.error == "States.Runtime"
    return caught.value.cause


# --- URL-encoded bodies -----------------------------------------------------------------------------


def test_aws_url_encoding_example_with_the_connection_body_parameter_merged_last():
    # AWS's example: the task's body, then the connection's body parameter "customer".
    conn = connection(body=(Parameter("customer", "1234567890"),))
    request = build({"Headers": {"Content-Type": "application/x-www-form-urlencoded"},
                     "RequestBody": {"description": "Monthly subscription",
                                     "metadata": {"order_details": "monthly report data"}},
                     "Transform": {"RequestBodyEncoding": "URL_ENCODED"}}, conn)
    assert request.content == (b"description=Monthly%20subscription"
                               b"&metadata%5Border_details%5D=monthly%20report%20data&customer=1234567890")


@pytest.mark.parametrize(("array_format", "encoded"), [
    # AWS's examples for {"array": ["a","b","c","d"]}, brackets percent-encoded as on the wire.
    ("INDICES", "array%5B0%5D=a&array%5B1%5D=b&array%5B2%5D=c&array%5B3%5D=d"),
    ("REPEAT", "array=a&array=b&array=c&array=d"),
    ("COMMAS", "array=a,b,c,d"),
    ("BRACKETS", "array%5B%5D=a&array%5B%5D=b&array%5B%5D=c&array%5B%5D=d"),
])
def test_array_formats_as_aws_documents_them(array_format, encoded):
    assert http.form_encode({"array": ["a", "b", "c", "d"]}, array_format) == encoded
    request = build({"RequestBody": {"array": ["a", "b", "c", "d"]},
                     "Transform": {"RequestBodyEncoding": "URL_ENCODED",
                                   "RequestEncodingOptions": {"ArrayFormat": array_format}}})
    assert request.content == encoded.encode()


def test_indices_is_the_default_array_format():
    request = build({"RequestBody": {"ids": [7, 8]}, "Transform": {"RequestBodyEncoding": "URL_ENCODED"}})
    assert request.content == b"ids%5B0%5D=7&ids%5B1%5D=8"
    assert ("Content-Type", "application/x-www-form-urlencoded") in request.headers


def test_url_encoding_of_scalars_nesting_and_reserved_characters():
    body = {"name": "Zoë & co", "ok": True, "n": 1.5, "none": None, "empty": [], "nothing": {},
            "items": [{"sku": "A-1", "qty": 2}], "plus": "a+b=c/d?e", "deep": {"x": {"y": ["z"]}}}
    assert http.form_encode(body).split("&") == [
        "name=Zo%C3%AB%20%26%20co", "ok=true", "n=1.5", "none=",
        "items%5B0%5D%5Bsku%5D=A-1", "items%5B0%5D%5Bqty%5D=2",
        "plus=a%2Bb%3Dc%2Fd%3Fe", "deep%5Bx%5D%5By%5D%5B0%5D=z"]


def test_commas_escape_commas_inside_items_and_index_objects():
    assert http.form_encode({"tags": ["a,b", "c"]}, "COMMAS") == "tags=a%2Cb,c"
    assert http.form_encode({"rows": [{"id": 1}]}, "COMMAS") == "rows%5B0%5D%5Bid%5D=1"
    assert http.form_encode({"rows": [{"id": 1}, {"id": 2}]}, "BRACKETS") == "rows%5B%5D%5Bid%5D=1&rows%5B%5D%5Bid%5D=2"
    assert http.form_encode({"rows": [{"id": 1}, {"id": 2}]}, "REPEAT") == "rows%5Bid%5D=1&rows%5Bid%5D=2"


def test_a_string_body_is_sent_as_it_is_even_when_url_encoding():
    request = build({"RequestBody": "a=1&b=2", "Transform": {"RequestBodyEncoding": "URL_ENCODED"}})
    assert request.content == b"a=1&b=2"
    assert ("Content-Type", "application/x-www-form-urlencoded") in request.headers


def test_url_encoding_needs_an_object_and_known_options():
    assert "object" in runtime_error({"RequestBody": [1, 2], "Transform": {"RequestBodyEncoding": "URL_ENCODED"}})
    assert "RequestBodyEncoding" in runtime_error({"RequestBody": {}, "Transform": {"RequestBodyEncoding": "FORM"}})
    assert "ArrayFormat" in runtime_error({"RequestBody": {}, "Transform": {
        "RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": "indices"}}})
    assert "RequestBodyEncoding" in runtime_error({"RequestBody": {}, "Transform": {"RequestBodyEncoding": ["NONE"]}})
    assert "ArrayFormat" in runtime_error({"RequestBody": {}, "Transform": {
        "RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": {}}}})


# --- JSON bodies and the connection's body parameters -----------------------------------------------


def test_a_json_body_is_compact_utf8_with_aws_content_type():
    request = build({"RequestBody": {"name": "Zoë", "n": [1, 2]}})
    assert request.content == '{"name":"Zoë","n":[1,2]}'.encode()
    assert ("Content-Type", "application/json; charset=UTF-8") in request.headers


def test_a_content_type_given_in_headers_wins_in_any_case():
    request = build({"RequestBody": "<a/>", "Headers": {"content-type": "application/xml"}})
    assert request.content == b"<a/>"
    assert [value for name, value in request.headers if name.lower() == "content-type"] == ["application/xml"]


def test_no_body_no_content_type():
    request = build({"Method": "GET"})
    assert request.content is None
    assert not any(name.lower() == "content-type" for name, _ in request.headers)


def test_connection_body_parameters_merge_into_the_object_and_win():
    conn = connection(body=(Parameter("account", "conn"), Parameter("token", "s3cr3t", secret=True)))
    request = build({"RequestBody": {"account": "task", "amount": 5}}, conn)
    assert json.loads(request.content) == {"account": "conn", "amount": 5, "token": "s3cr3t"}
    assert json.loads(build({}, conn).content) == {"account": "conn", "token": "s3cr3t"}  # no body: theirs alone


def test_connection_body_parameters_cannot_merge_into_a_string_or_array():
    conn = connection(body=(Parameter("account", "conn"),))
    assert "string" in runtime_error({"RequestBody": "raw text"}, conn)
    assert "object" in runtime_error({"RequestBody": [1]}, conn)


# --- headers, query, method, endpoint ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(http.FORBIDDEN_HEADERS) + ["X-Forwarded-For", "x-amz-date",
                                                                   "X-Amzn-Trace-Id", "AUTHORIZATION"])
def test_forbidden_headers_fail_with_states_runtime(name):
    cause = runtime_error({"Headers": {"X-Request-Id": "1", name.swapcase(): "v"}})
    assert name.swapcase() in cause and "X-Request-Id" not in cause


def test_headers_sent_and_the_ones_aws_sets_itself():
    request = build({"Headers": {"X-Request-Id": "r-1", "X-Multi": ["a", 2, True], "User-Agent": "mine",
                                 "Range": "bytes=0-1", "Content-Length": "3"}})
    assert request.headers == [("X-Request-Id", "r-1"), ("X-Multi", "a"), ("X-Multi", "2"), ("X-Multi", "true"),
                               ("Range", "bytes=0-262144")]
    assert http.user_agent("eu-west-1") == "Flowdeck|StepFunctions|HttpInvoke|eu-west-1"


@pytest.mark.parametrize("headers", [{"X-A": "one\r\nX-Injected: yes"}, {"Bad Name": "v"}, {"X-A": {"x": 1}},
                                     {"X-A": None}, "X-A: 1"])
def test_malformed_headers_fail_with_states_runtime(headers):
    runtime_error({"Headers": headers})


def test_query_parameters_become_pairs_and_arrays_repeat():
    request = build({"QueryParameters": {"q": "a b", "page": 2, "tag": ["x", "y"], "flag": False}})
    assert request.query == [("q", "a b"), ("page", "2"), ("tag", "x"), ("tag", "y"), ("flag", "false")]
    runtime_error({"QueryParameters": {"filter": {"a": 1}}})
    runtime_error({"QueryParameters": ["a"]})


@pytest.mark.parametrize("method", sorted(http.METHODS))
def test_every_aws_method_in_upper_case(method):
    assert build({"Method": method}).method == method
    runtime_error({"Method": method.lower()})


def test_parameters_that_fail_before_any_call():
    assert "Method" in runtime_error({"Method": "TRACE"})
    assert "Method" in runtime_error({"Method": None})
    assert "Method" in runtime_error({"Method": ["GET"]})
    assert "Body" in runtime_error({"Body": {}})
    assert "ApiEndpoint" in runtime_error({"ApiEndpoint": 7})
    assert "http or https" in runtime_error({"ApiEndpoint": "ftp://files.example.com/a"})
    assert "no host" in runtime_error({"ApiEndpoint": "https:///nohost"})
    assert "relative" in runtime_error({"ApiEndpoint": "/v1/orders"})


def test_a_relative_endpoint_goes_to_the_connections_base_url():
    request = build({"ApiEndpoint": "v1/orders"}, connection(base_url="https://billing.example.com/api/"))
    assert request.url == "v1/orders"  # the transport joins it to the base URL


# --- responses --------------------------------------------------------------------------------------


def response(status=200, body=b"", content_type="application/json", reason="OK", headers=()):
    all_headers = [("content-type", content_type)] if content_type else []
    return HttpResponse(status=status, reason=reason, headers=[*all_headers, *headers], body=body,
                        url="https://api.example.com/v1", duration_ms=12)


def test_the_result_shape_headers_as_lists():
    result = http.shape_response(response(body=b'{"id": 7}', headers=[("Set-Cookie", "a=1"), ("set-cookie", "b=2")]))
    assert result == {"Headers": {"content-type": ["application/json"], "set-cookie": ["a=1", "b=2"]},
                      "ResponseBody": {"id": 7}, "StatusCode": 200, "StatusText": "OK"}
    assert http.shape_response(response(status=418, reason=""))["StatusText"] == "I'm a Teapot"


@pytest.mark.parametrize(("content_type", "body", "parsed"), [
    ("application/json", b"[1, 2]", [1, 2]),
    ("application/json; charset=utf-8", b'"text"', "text"),
    ("application/problem+json", b'{"title": "x"}', {"title": "x"}),
    ("text/plain", b'{"a": 1}', {"a": 1}),  # JSON behind another type is still JSON
    ("", b"[true]", [True]),
    ("text/plain", b"42", "42"),  # ... but a bare scalar in text stays text
    ("text/plain", b"hello", "hello"),
    ("text/html; charset=iso-8859-1", "café".encode("latin-1"), "café"),
    ("application/json", b"{not json", "{not json"),
    ("application/json", b"NaN", "NaN"),
    ("application/json", b"", ""),
])
def test_response_bodies(content_type, body, parsed):
    assert http.response_body(body, content_type) == parsed


@pytest.mark.parametrize(("content_type", "body"), [
    ("application/octet-stream", b"\x00\x01"), ("image/png", b"\x89PNG"), ("video/mp4", b"x"),
    ("audio/mpeg", b"x"), ("text/plain", b"\xff\xfe\xfa"), ("text/plain; charset=no-such", b"x")])
def test_binary_responses_are_not_results(content_type, body):
    with pytest.raises(http._Binary):
        http.response_body(body, content_type)


def test_a_long_error_cause_keeps_valid_json_within_the_limit():
    result = http.shape_response(response(status=500, reason="Internal Server Error", content_type="text/plain",
                                          body=("é\"" * 40_000).encode()))
    cause = http.error_cause(result)
    assert len(cause) <= http.MAX_CAUSE
    parsed = json.loads(cause)
    assert parsed["StatusCode"] == 500 and parsed["ResponseBody"].startswith("é\"é\"")


# --- invoke: the call and its record ----------------------------------------------------------------


@pytest.fixture
def sent(monkeypatch):
    """Replace the transport: the test sets `sent.reply` (a response or a TransportError); calls are kept."""

    class Sent(list):
        reply = response(body=b'{"ok": true}')

    calls = Sent()

    def send(request, conn, *, max_body, user_agent):
        calls.append((request, conn, max_body, user_agent))
        if isinstance(calls.reply, Exception):
            raise calls.reply
        return calls.reply

    monkeypatch.setattr(http, "send", send)
    return calls


def resolve_known(reference):
    if reference in (ARN, "Billing"):
        return connection(base_url="https://billing.example.com",
                          auth=ApiKeyAuth("x-api-key", "k3y-s3cr3t"), body=(Parameter("acct", "9"),))
    raise ConnectionNotFound(f"Connection not found: {reference}")


def invoke(parameters, **kwargs):
    return http.invoke({"ApiEndpoint": "https://api.example.com/v1", "Method": "GET", **parameters},
                       resolve=resolve_known, attempt=kwargs.get("attempt", 1), region="us-east-1")


def test_a_successful_call_returns_the_result_and_its_record(sent):
    result, record = invoke({"Method": "POST", "RequestBody": {"a": 1}}, attempt=2)
    assert result["ResponseBody"] == {"ok": True} and result["StatusCode"] == 200
    request, conn, max_body, user_agent = sent[0]
    assert (conn, max_body, user_agent) == (None, 262_144, "Flowdeck|StepFunctions|HttpInvoke|us-east-1")
    assert record.to_dict() == {"kind": "http", "method": "POST", "url": "https://api.example.com/v1",
                                "attempt": 2, "statusCode": 200, "durationMs": 12}


def test_both_spellings_of_the_connection_reference(sent):
    invoke({"Authentication": {"ConnectionArn": ARN}})
    invoke({"InvocationConfig": {"ConnectionArn": "Billing"}})
    assert [call[1].name for call in sent] == ["Billing", "Billing"]
    with pytest.raises(StatesError) as caught:
        invoke({"Authentication": {"ConnectionArn": ARN}, "InvocationConfig": {"ConnectionArn": "Other"}})
    assert caught.value.error == "States.Runtime"


def test_an_unknown_connection_fails_before_any_call(sent):
    with pytest.raises(StatesError) as caught:
        invoke({"Authentication": {"ConnectionArn": "Missing"}})
    assert (caught.value.error, caught.value.cause) == ("Events.ConnectionResource.ResourceNotFound",
                                                        "Connection not found: Missing")
    assert not isinstance(caught.value, CallFailed) and sent == []


def test_a_connection_that_cannot_be_used_fails_with_the_error_it_names(sent):
    class Unreadable(FlowdeckError):
        asl_error = "Events.ConnectionResource.InvalidConnectionState"

    def resolve(reference):
        raise Unreadable("The secrets of connection 'Billing' cannot be decrypted")

    with pytest.raises(StatesError) as caught:
        http.invoke({"ApiEndpoint": "https://api.example.com", "Method": "GET",
                     "Authentication": {"ConnectionArn": "Billing"}}, resolve=resolve, attempt=1, region="us-east-1")
    assert caught.value.error == "Events.ConnectionResource.InvalidConnectionState" and sent == []


@pytest.mark.parametrize("status", [301, 400, 401, 404, 429, 500, 503])
def test_a_status_outside_2xx_is_an_error_whose_cause_is_the_result(sent, status):
    sent.reply = response(status=status, reason="Nope", body=b'{"message": "no"}')
    with pytest.raises(CallFailed) as caught:
        invoke({"Method": "PUT", "RequestBody": {"a": 1}})
    failure = caught.value
    assert failure.error == f"States.Http.StatusCode.{status}"
    assert json.loads(failure.cause) == {"Headers": {"content-type": ["application/json"]},
                                         "ResponseBody": {"message": "no"}, "StatusCode": status,
                                         "StatusText": "Nope"}
    assert failure.call.to_dict() == {"kind": "http", "method": "PUT", "url": "https://api.example.com/v1",
                                      "attempt": 1, "statusCode": status, "durationMs": 12,
                                      "error": f"States.Http.StatusCode.{status}",
                                      "requestSha256": sha256(b'{"a":1}')}


@pytest.mark.parametrize(("kind", "error"), [
    ("timeout", "States.Http.Socket"), ("socket", "States.Http.Socket"),
    ("too_large", "States.DataLimitExceeded"), ("connection", "Events.ConnectionResource.InvalidConnectionState"),
    ("request", "States.Runtime")])
def test_transport_failures(sent, kind, error):
    sent.reply = TransportError(kind, "went wrong with k3y-s3cr3t", url="https://billing.example.com/v1",
                                duration_ms=60_000)
    with pytest.raises(CallFailed) as caught:
        invoke({"Authentication": {"ConnectionArn": "Billing"}, "ApiEndpoint": "/v1", "Method": "POST"})
    assert (caught.value.error, caught.value.cause) == (error, "went wrong with ***")
    record = caught.value.call.to_dict()
    assert record["error"] == error and record["durationMs"] == 60_000 and "statusCode" not in record
    assert record["requestSha256"] == sha256(b'{"acct":"9"}')  # the body the connection's parameter made


def test_a_binary_success_is_a_runtime_error_but_a_binary_failure_keeps_its_status(sent):
    sent.reply = response(body=b"\x89PNG", content_type="image/png")
    with pytest.raises(CallFailed) as caught:
        invoke({})
    assert caught.value.error == "States.Runtime" and "image/png" in caught.value.cause
    assert caught.value.call.status == 200
    sent.reply = response(status=404, reason="Not Found", body=b"\x89PNG", content_type="image/png")
    with pytest.raises(CallFailed) as caught:
        invoke({})
    assert caught.value.error == "States.Http.StatusCode.404"
    assert json.loads(caught.value.cause) == {"Headers": {"content-type": ["image/png"]}, "StatusCode": 404,
                                              "StatusText": "Not Found"}


def test_a_secret_the_server_echoes_back_never_reaches_the_result(sent):
    sent.reply = response(body=b'{"seen": "k3y-s3cr3t"}', headers=[("x-echo", "k3y-s3cr3t")])
    result, _ = invoke({"Authentication": {"ConnectionArn": "Billing"}})
    assert "k3y-s3cr3t" not in json.dumps(result)
    assert result["ResponseBody"] == {"seen": "***"}
