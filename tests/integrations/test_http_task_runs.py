"""HTTP Tasks in real executions, run by the job queue, against the demo HTTP server on 127.0.0.1.

Each failure mode ends in the error name AWS gives it, through Retry and Catch: a status outside 2xx is
States.Http.StatusCode.<code>, a time-out, a dropped or refused connection and a TLS failure
States.Http.Socket, a response over 256 KiB States.DataLimitExceeded, a binary one or a header the task may
not send States.Runtime; an unknown connection is Events.ConnectionResource.ResourceNotFound and one whose
OAuth token endpoint refuses it Events.ConnectionResource.InvalidConnectionState. Connections with Basic,
API key and OAuth authentication are created as people create them; the history's task events carry the
call's record, and no secret reaches the history or the logs.
"""
import itertools
import json
import logging
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from executions import callbacks, services
from executions.integrations import connections, transport
from executions.integrations.calls import sha256
from executions.integrations.demo import DemoHttpServer
from executions.models import Execution, TaskToken
from tests.executions.runtime import drain, history, make_machine, ready_jobs

pytestmark = pytest.mark.django_db(transaction=True)

HTTP = "arn:aws:states:::http:invoke"
_names = itertools.count()


@pytest.fixture(autouse=True)
def fresh_tokens():
    transport.token_cache().clear()  # OAuth tokens are cached per process: each test counts its own
    yield
    transport.token_cache().clear()


def call(parameters: dict, **fields) -> dict:
    state = {"Type": "Task", "Resource": HTTP, "Parameters": parameters, **fields}
    if "Next" not in fields:
        state["End"] = True
    return state


def start(states: dict, *, start_at: str = "Call", input: str = "{}") -> Execution:
    machine = make_machine({"StartAt": start_at, "States": states}, name=f"Http{next(_names)}")
    return services.start_execution(machine, input=input)


def run(states: dict, **kwargs) -> Execution:
    execution = start(states, **kwargs)
    drain()
    execution.refresh_from_db()
    return execution


def details(execution: Execution, type: str) -> list[dict]:
    """The details of every `type` event, in order."""
    return [next(iter(event.details.values())) for event in execution.events.order_by("event_id")
            if event.type == type]


def output(execution: Execution):
    return json.loads(execution.output)


def failure(execution: Execution) -> tuple[str, str]:
    (failed,) = details(execution, "ExecutionFailed")
    return failed["error"], failed["cause"]


# --- responses ------------------------------------------------------------------------------------


def test_a_json_response_is_the_parsed_result_and_the_history_records_the_call(demo_http):
    execution = run({"Call": call({"ApiEndpoint": f"{demo_http.url}/json", "Method": "GET"})})
    assert execution.status == "SUCCEEDED"
    result = output(execution)
    assert result["ResponseBody"] == {"message": "hello from flowdeck", "items": [1, 2, 3],
                                      "nested": {"ok": True, "none": None}}
    assert (result["StatusCode"], result["StatusText"]) == (200, "OK")
    assert result["Headers"]["content-type"] == ["application/json"]
    assert history(execution) == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                                  "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    (succeeded,) = details(execution, "TaskSucceeded")
    record = succeeded["call"]
    assert record == {"kind": "http", "method": "GET", "url": f"{demo_http.url}/json", "attempt": 1,
                      "statusCode": 200, "durationMs": record["durationMs"]}
    assert isinstance(record["durationMs"], int)
    assert succeeded["resourceType"] == "http" and succeeded["resource"] == "invoke"


def test_a_text_response_is_the_text(demo_http):
    execution = run({"Call": call({"ApiEndpoint": f"{demo_http.url}/text", "Method": "GET"},
                                  ResultSelector={"body.$": "$.ResponseBody", "type.$": "$.Headers.content-type[0]"})})
    assert output(execution) == {"body": "hello from flowdeck\n", "type": "text/plain; charset=utf-8"}


def test_the_request_as_the_server_receives_it(demo_http):
    execution = run({"Call": call({
        "ApiEndpoint": f"{demo_http.url}/echo", "Method": "POST",
        "Headers": {"X-Order": "o-1"}, "QueryParameters": {"q": "a b", "tag": ["x", "y"]},
        "RequestBody": {"order.$": "$.order", "lines": [1, 2]}}, ResultSelector={"echo.$": "$.ResponseBody"})},
        input='{"order": "o-1"}')
    echo = output(execution)["echo"]
    assert (echo["method"], echo["path"], echo["query"]) == ("POST", "/echo", {"q": ["a b"], "tag": ["x", "y"]})
    assert echo["json"] == {"order": "o-1", "lines": [1, 2]}
    assert echo["headers"]["x-order"] == "o-1"
    assert echo["headers"]["content-type"] == "application/json; charset=UTF-8"
    assert echo["headers"]["user-agent"] == "Flowdeck|StepFunctions|HttpInvoke|us-east-1"
    assert echo["headers"]["range"] == "bytes=0-262144"


def test_a_url_encoded_body_with_brackets(demo_http):
    execution = run({"Call": call({
        "ApiEndpoint": f"{demo_http.url}/echo", "Method": "POST",
        "Headers": {"Content-Type": "application/x-www-form-urlencoded"},
        "RequestBody": {"description": "Monthly subscription", "metadata": {"order_details": "monthly report"},
                        "items": ["a", "b"]},
        "Transform": {"RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": "BRACKETS"}}},
        ResultSelector={"echo.$": "$.ResponseBody"})})
    echo = output(execution)["echo"]
    assert echo["body"] == ("description=Monthly%20subscription&metadata%5Border_details%5D=monthly%20report"
                            "&items%5B%5D=a&items%5B%5D=b")
    assert echo["form"] == {"description": ["Monthly subscription"], "metadata[order_details]": ["monthly report"],
                            "items[]": ["a", "b"]}


# --- failures -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "reason"), [(400, "Bad Request"), (404, "Not Found"),
                                                (500, "Internal Server Error"), (503, "Service Unavailable")])
def test_a_status_outside_2xx_fails_the_execution_with_its_code(demo_http, status, reason):
    execution = run({"Call": call({"ApiEndpoint": f"{demo_http.url}/status/{status}", "Method": "DELETE"})})
    assert execution.status == "FAILED"
    error, cause = failure(execution)
    assert error == f"States.Http.StatusCode.{status}"
    cause = json.loads(cause)
    assert (cause["StatusCode"], cause["StatusText"]) == (status, reason)
    assert cause["ResponseBody"] == {"error": reason, "status": status}
    assert cause["Headers"]["content-type"] == ["application/json"]
    (failed,) = details(execution, "TaskFailed")
    assert failed["call"] == {"kind": "http", "method": "DELETE", "url": f"{demo_http.url}/status/{status}",
                              "attempt": 1, "statusCode": status, "durationMs": failed["call"]["durationMs"],
                              "error": f"States.Http.StatusCode.{status}", "requestSha256": sha256(b"")}


def test_catch_a_404_and_read_the_response_from_the_cause(demo_http):
    execution = run({
        "Call": call({"ApiEndpoint": f"{demo_http.url}/status/404", "Method": "GET"},
                     Catch=[{"ErrorEquals": ["States.Http.StatusCode.404"], "ResultPath": "$.error",
                             "Next": "NotThere"}], Next="Found"),
        "Found": {"Type": "Succeed"},
        "NotThere": {"Type": "Pass", "Parameters": {"response.$": "States.StringToJson($.error.Cause)",
                                                    "error.$": "$.error.Error"}, "End": True}})
    assert execution.status == "SUCCEEDED"
    caught = output(execution)
    assert caught["error"] == "States.Http.StatusCode.404"
    assert caught["response"]["StatusCode"] == 404
    assert caught["response"]["ResponseBody"] == {"error": "Not Found", "status": 404}


def test_retry_with_backoff_on_503_until_the_flaky_endpoint_answers(demo_http):
    key = f"retry-{time.monotonic_ns()}"
    execution = start({"Call": call(
        {"ApiEndpoint": f"{demo_http.url}/flaky/{key}?fail=2&code=503", "Method": "GET"},
        Retry=[{"ErrorEquals": ["States.Http.StatusCode.503"], "IntervalSeconds": 10, "BackoffRate": 3,
                "MaxAttempts": 3}])})
    drain()
    assert _next_timer_in() == pytest.approx(10, abs=3)  # first back-off
    drain(jump_timers=1)
    assert _next_timer_in() == pytest.approx(30, abs=3)  # 10 s x BackoffRate 3
    drain(jump_timers=1)
    execution.refresh_from_db()
    assert execution.status == "SUCCEEDED"
    assert output(execution)["ResponseBody"] == {"key": key, "attempt": 3}
    records = [event["call"] for event in details(execution, "TaskFailed") + details(execution, "TaskSucceeded")]
    assert [(r["attempt"], r["statusCode"], r.get("error")) for r in records] == [
        (1, 503, "States.Http.StatusCode.503"), (2, 503, "States.Http.StatusCode.503"), (3, 200, None)]


def _next_timer_in() -> float:
    upcoming = ready_jobs().order_by("run_after").first()
    return (upcoming.run_after - timezone.now()) / timedelta(seconds=1)


def test_slow_past_the_connection_timeout_is_a_socket_error_that_catch_handles(demo_http):
    connections.create_connection("impatient", base_url=demo_http.url, timeout_seconds=1)
    execution = run({
        "Call": call({"ApiEndpoint": "/slow?seconds=3", "Method": "GET",
                      "Authentication": {"ConnectionArn": "impatient"}},
                     Catch=[{"ErrorEquals": ["States.Http.Socket"], "ResultPath": "$.error", "Next": "Later"}]),
        "Later": {"Type": "Pass", "End": True}})
    assert execution.status == "SUCCEEDED"
    error = output(execution)["error"]
    assert error["Error"] == "States.Http.Socket"
    assert "within 1 seconds" in error["Cause"]
    (failed,) = details(execution, "TaskFailed")
    record = failed["call"]
    assert record["url"] == f"{demo_http.url}/slow?seconds=3" and 1000 <= record["durationMs"] < 3000
    assert record["error"] == "States.Http.Socket" and "statusCode" not in record


@pytest.mark.parametrize("where", ["drop", "refused"])
def test_a_dropped_or_refused_connection_is_a_socket_error(demo_http, where):
    url = f"{demo_http.url}/drop" if where == "drop" else "http://127.0.0.1:9/nothing-listens"
    execution = run({"Call": call({"ApiEndpoint": url, "Method": "POST", "RequestBody": {"id": 1}})})
    error, cause = failure(execution)
    assert error == "States.Http.Socket" and url in cause
    (failed,) = details(execution, "TaskFailed")
    assert failed["call"]["requestSha256"] == sha256(b'{"id":1}')


def test_https_verifies_the_certificate_by_default(demo_https, tls_material):
    endpoint = {"ApiEndpoint": f"{demo_https.url}/json", "Method": "GET"}
    execution = run({"Call": call(endpoint)})  # the demo CA is nobody's: the handshake fails
    error, cause = failure(execution)
    assert error == "States.Http.Socket" and "CERTIFICATE_VERIFY_FAILED" in cause
    connections.create_connection("demo-tls", ca_bundle=tls_material.ca_cert_pem)
    execution = run({"Call": call({**endpoint, "Authentication": {"ConnectionArn": "demo-tls"}})})
    assert output(execution)["ResponseBody"]["message"] == "hello from flowdeck"


def test_a_binary_response_is_a_runtime_error_no_catch_can_hold(demo_http):
    execution = run({
        "Call": call({"ApiEndpoint": f"{demo_http.url}/binary", "Method": "GET"},
                     Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]),
        "Caught": {"Type": "Pass", "End": True}})
    assert execution.status == "FAILED"
    error, cause = failure(execution)
    assert error == "States.Runtime" and "application/octet-stream" in cause


def test_a_response_over_256_kib_is_data_limit_exceeded_and_catchable_by_name(demo_http):
    execution = run({
        "Call": call({"ApiEndpoint": f"{demo_http.url}/large?bytes=300000", "Method": "GET"},
                     Catch=[{"ErrorEquals": ["States.DataLimitExceeded"], "ResultPath": "$.error",
                             "Next": "TooBig"}]),
        "TooBig": {"Type": "Pass", "End": True}})
    assert execution.status == "SUCCEEDED"
    assert output(execution)["error"]["Error"] == "States.DataLimitExceeded"


def test_parameters_that_cannot_be_sent_fail_with_states_runtime(demo_http):
    # A static Authorization header is refused when the definition is saved; one from the input, at run time.
    execution = run({"Call": call({"ApiEndpoint": f"{demo_http.url}/echo", "Method": "GET", "Headers.$": "$.headers"})},
                    input='{"headers": {"Authorization": "Bearer mine"}}')
    error, cause = failure(execution)
    assert (error, cause) == ("States.Runtime", "The HTTP Task cannot send the header(s) Authorization")
    (failed,) = details(execution, "TaskFailed")
    assert "call" not in failed  # nothing was called


def test_an_unknown_connection(demo_http):
    execution = run({"Call": call({"ApiEndpoint": "/json", "Method": "GET",
                                   "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:"
                                                                       "connection/Nowhere"}})})
    error, cause = failure(execution)
    assert error == "Events.ConnectionResource.ResourceNotFound" and "Nowhere" in cause


# --- connections ------------------------------------------------------------------------------------


def test_basic_authentication_from_a_connection(demo_http, demo_credentials):
    stored = connections.create_connection("demo-basic", base_url=demo_http.url, auth_type="BASIC",
                                           username=demo_credentials.user, password=demo_credentials.password)
    arn = connections.arn_of(stored)
    execution = run({"Call": call({"ApiEndpoint": "/basic/echo", "Method": "GET",
                                   "Authentication": {"ConnectionArn": arn}},
                                  ResultSelector={"auth.$": "$.ResponseBody.auth"})})
    assert output(execution) == {"auth": {"scheme": "basic", "valid": True}}
    connections.update_connection(stored, {"password": "not-the-password"})
    execution = run({"Call": call({"ApiEndpoint": "/basic/json", "Method": "GET",
                                   "InvocationConfig": {"ConnectionArn": arn}})})
    assert failure(execution)[0] == "States.Http.StatusCode.401"


@pytest.mark.parametrize("location", ["header", "query"])
def test_api_key_authentication_from_a_connection(demo_http, demo_credentials, location):
    name = "x-api-key" if location == "header" else "api_key"
    connections.create_connection("demo-key", base_url=demo_http.url, auth_type="API_KEY", api_key_name=name,
                                  api_key_value=demo_credentials.api_key, api_key_location=location)
    execution = run({"Call": call({"ApiEndpoint": "/apikey/echo", "Method": "GET",
                                   "QueryParameters": {"page": 2},
                                   "Authentication": {"ConnectionArn": "demo-key"}},
                                  ResultSelector={"auth.$": "$.ResponseBody.auth"})})
    assert output(execution) == {"auth": {"scheme": "apikey", "valid": True}}
    (succeeded,) = details(execution, "TaskSucceeded")
    expected = "/apikey/echo?page=2" + ("&api_key=***" if location == "query" else "")
    assert succeeded["call"]["url"] == demo_http.url + expected


def test_oauth_tokens_are_cached_refreshed_after_a_401_and_when_expired(start_demo, demo_credentials):
    server = start_demo(DemoHttpServer())
    connections.create_connection(
        "demo-oauth", base_url=server.url, auth_type="OAUTH_CLIENT_CREDENTIALS",
        oauth_token_url=f"{server.url}/oauth/token", oauth_client_id=demo_credentials.client_id,
        oauth_client_secret=demo_credentials.client_secret)
    bearer = {"ApiEndpoint": "/bearer/json", "Method": "GET", "Authentication": {"ConnectionArn": "demo-oauth"}}
    three_calls = {"One": call(bearer, Next="Two"), "Two": call(bearer, Next="Three"), "Three": call(bearer)}

    assert run(three_calls, start_at="One").status == "SUCCEEDED"
    assert run({"Call": call(bearer)}).status == "SUCCEEDED"
    assert server.token_stats()["issued"] == 1  # one token for four calls in two executions

    server.revoke_tokens()  # the API now refuses the cached token: 401, a new token, the call again
    server.seen.clear()
    assert run({"Call": call(bearer)}).status == "SUCCEEDED"
    assert server.token_stats()["issued"] == 2
    assert server.seen == [("GET", "/bearer/json"), ("POST", "/oauth/token"), ("GET", "/bearer/json")]

    server.token_ttl = 1  # tokens now live one second: an expired one is replaced before the call
    server.revoke_tokens()
    assert run({"Call": call(bearer)}).status == "SUCCEEDED"
    time.sleep(1.1)
    server.seen.clear()
    assert run({"Call": call(bearer)}).status == "SUCCEEDED"
    assert server.token_stats()["issued"] == 4
    assert server.seen == [("POST", "/oauth/token"), ("GET", "/bearer/json")]


def test_an_oauth_token_endpoint_that_refuses_is_invalid_connection_state(start_demo, demo_credentials):
    server = start_demo(DemoHttpServer())
    connections.create_connection(
        "demo-oauth-bad", base_url=server.url, auth_type="OAUTH_CLIENT_CREDENTIALS",
        oauth_token_url=f"{server.url}/oauth/token", oauth_client_id=demo_credentials.client_id,
        oauth_client_secret="wrong-client-secret")
    execution = run({"Call": call({"ApiEndpoint": "/bearer/json", "Method": "GET",
                                   "Authentication": {"ConnectionArn": "demo-oauth-bad"}})})
    error, cause = failure(execution)
    assert error == "Events.ConnectionResource.InvalidConnectionState"
    assert "401" in cause and "wrong-client-secret" not in cause
    assert ("GET", "/bearer/json") not in server.seen


def test_no_secret_reaches_the_history_or_the_logs(demo_http, demo_credentials, caplog):
    connections.create_connection(
        "demo-secrets", base_url=demo_http.url, timeout_seconds=1, auth_type="BASIC", username=demo_credentials.user,
        password=demo_credentials.password,
        headers=[{"key": "X-Tenant-Secret", "value": "tenant-secret-3141", "secret": True}],
        query=[{"key": "sig", "value": "query-secret-2718", "secret": True}],
        body=[{"key": "pin", "value": "body-secret-1618", "secret": True}])
    reference = {"ConnectionArn": "demo-secrets"}
    caplog.set_level(logging.DEBUG)
    executions = [
        run({"Call": call({"ApiEndpoint": "/basic/echo", "Method": "POST", "RequestBody": {"a": 1},
                           "Authentication": reference})}),
        run({"Call": call({"ApiEndpoint": "/basic/status/500", "Method": "POST", "RequestBody": {"a": 1},
                           "Authentication": reference})}),
        run({"Call": call({"ApiEndpoint": "/basic/slow?seconds=2", "Method": "POST", "RequestBody": {"a": 1},
                           "Authentication": reference})}),
    ]
    text = caplog.text + "".join(json.dumps([e.details for e in ex.events.all()]) + (ex.output or "") +
                                 (ex.cause or "") for ex in executions)
    assert "task.call" in caplog.text
    for secret in (demo_credentials.password, "tenant-secret-3141", "query-secret-2718", "body-secret-1618"):
        assert secret not in text


# --- callbacks --------------------------------------------------------------------------------------


def test_wait_for_task_token_sends_the_token_and_waits_for_send_task_success(demo_http):
    execution = start({"Call": {
        "Type": "Task", "Resource": f"{HTTP}.waitForTaskToken", "End": True,
        "Parameters": {"ApiEndpoint": f"{demo_http.url}/echo", "Method": "POST",
                       "Headers": {"X-Task-Token.$": "$$.Task.Token"},
                       "RequestBody": {"token.$": "$$.Task.Token", "order.$": "$.order"}}}},
        input='{"order": 7}')
    drain()
    execution.refresh_from_db()
    assert execution.status == "RUNNING"
    token = TaskToken.objects.get(execution=execution, status=TaskToken.OPEN).token
    (submitted,) = details(execution, "TaskSubmitted")
    echo = json.loads(submitted["output"])["ResponseBody"]
    assert echo["json"] == {"token": token, "order": 7} and echo["headers"]["x-task-token"] == token
    assert submitted["call"]["statusCode"] == 200

    callbacks.send_task_success(token, '{"approved": true}')
    drain()
    execution.refresh_from_db()
    assert (execution.status, output(execution)) == ("SUCCEEDED", {"approved": True})


def test_wait_for_task_token_fails_at_once_when_the_request_fails(demo_http):
    execution = run({"Call": {"Type": "Task", "Resource": f"{HTTP}.waitForTaskToken", "End": True,
                              "Parameters": {"ApiEndpoint": f"{demo_http.url}/status/502", "Method": "POST",
                                             "RequestBody": {"token.$": "$$.Task.Token"}}}})
    assert failure(execution)[0] == "States.Http.StatusCode.502"
    assert not TaskToken.objects.filter(execution=execution, status=TaskToken.OPEN).exists()
