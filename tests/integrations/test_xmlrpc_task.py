"""The XML-RPC task end to end: executions run by the job queue call Python's xmlrpc.server on 127.0.0.1.

Every XML-RPC type both ways, faults through Catch and Retry, time-outs, a server refusing nil, multicall,
HTTPS (a CA not trusted, trusted through a connection, client certificates), a proxy and HTTP Basic named by
a connection; and what failures leave behind: the request's SHA-256 in history and logs, never its payload.
"""
import hashlib
import itertools
import json
import logging

import pytest

from executions import services
from executions.integrations import xmlrpc_values
from executions.integrations.connections import create_connection
from executions.integrations.demo import DEMO_PASSWORD, DEMO_USER, DemoXmlRpcServer
from tests.executions.runtime import drain, make_machine

pytestmark = pytest.mark.django_db(transaction=True)

CALL = "arn:flowdeck:states:::xmlrpc:call"
MULTICALL = "arn:flowdeck:states:::xmlrpc:multicall"
# A value only the request carries: no history event or log line may show it.
MARKER = "card-4111-1111-1111-1111"
_machines = itertools.count(1)


def run(definition, input=None, *, jump_timers=0):
    machine = make_machine(definition, name=f"Rpc{next(_machines)}")
    execution = services.start_execution(machine, input=json.dumps(input if input is not None else {}))
    drain(jump_timers=jump_timers)
    execution.refresh_from_db()
    return execution


def one_task(parameters, resource=CALL, **fields):
    return {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": resource, "Parameters": parameters,
                                                   "End": True, **fields}}}


def output(execution):
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    return json.loads(execution.output)


def failure(execution):
    assert execution.status == "FAILED", execution.output
    return execution.error, execution.cause


def call_records(execution):
    records = []
    for event in execution.events.order_by("event_id"):
        for details in event.details.values():
            if isinstance(details, dict) and "call" in details:
                records.append(details["call"])
    return records


def history_text(execution):
    return json.dumps([event.details for event in execution.events.all()])


def sha256_of(method, params):
    return hashlib.sha256(xmlrpc_values.request_body(method, xmlrpc_values.call_params(params))).hexdigest()


# --- values ---------------------------------------------------------------------------------------------


def test_every_type_the_server_returns_becomes_json(demo_xmlrpc):
    execution = run(one_task({"ApiEndpoint": demo_xmlrpc.rpc_url, "MethodName": "demo.types"}))
    assert output(execution) == {
        "int": 42, "double": 3.5, "boolean": True, "string": "héllo <xml> & co", "dateTime": "2024-01-02T03:04:05",
        "base64": "AAFmbG93ZGVja/8=", "array": [1, "two", 3.0, False], "struct": {"a": 1, "b": ["x", "y"]},
        "nil": None}
    [record] = call_records(execution)
    assert record == {"kind": "xmlrpc", "method": "POST", "url": demo_xmlrpc.rpc_url, "attempt": 1,
                      "statusCode": 200, "durationMs": record["durationMs"], "operation": "demo.types"}


def test_every_type_round_trips_from_the_state_input(demo_xmlrpc):
    value = {"int": -2147483648, "max": 2147483647, "double": 0.25, "true": True, "false": False,
             "string": "<tag> & ünïcödé \U0001f600\ttab", "empty": "", "nil": None, "array": [1, [2, [3]], {}],
             "struct": {"nested": {"deeper": [None]}},
             "when": {"$dateTime": "2024-05-01T14:30:00+02:00"}, "bytes": {"$base64": "AAEC/w=="},
             "whole": {"$double": 7}}
    execution = run(one_task({"ApiEndpoint": demo_xmlrpc.rpc_url, "MethodName": "demo.echo",
                              "Params.$": "States.Array($.value)"}), {"value": value})
    assert output(execution) == {**value, "when": "2024-05-01T12:30:00", "bytes": "AAEC/w==", "whole": 7.0}


def test_an_object_params_is_one_struct_and_positional_params_come_from_paths(demo_xmlrpc):
    charge = run(one_task({"ApiEndpoint": demo_xmlrpc.rpc_url, "MethodName": "billing.charge",
                           "Params": {"customer.$": "$.customer", "amount": 12.5}}), {"customer": "C-1"})
    invoice = output(charge)
    assert invoice["invoice"].startswith("INV-") and invoice["amount"] == 12.5 and invoice["paid"] is False
    added = run(one_task({"ApiEndpoint": demo_xmlrpc.rpc_url, "MethodName": "demo.add", "Params.$": "$.numbers"}),
                {"numbers": [40, 2]})
    assert output(added) == 42


def test_params_xmlrpc_cannot_carry_fail_before_any_call_and_can_be_caught(demo_xmlrpc):
    definition = one_task({"ApiEndpoint": demo_xmlrpc.rpc_url, "MethodName": "demo.echo", "Params.$": "$.args"},
                          Catch=[{"ErrorEquals": ["XmlRpc.InvalidParams"], "ResultPath": "$.error",
                                  "Next": "Fallback"}])
    definition["States"]["Call"].pop("End")
    definition["States"]["Call"]["Next"] = "Done"
    definition["States"].update({"Done": {"Type": "Succeed"}, "Fallback": {"Type": "Pass", "End": True}})
    execution = run(definition, {"args": [{"amount": 2**31}]})
    assert output(execution)["error"] == {
        "Error": "XmlRpc.InvalidParams",
        "Cause": "Params[0].amount: 2147483648 is outside XML-RPC's int range (-2147483648..2147483647); "
                 "send it as {\"$double\": n} or as a string"}
    assert call_records(execution) == []  # nothing was sent


def test_nil_is_refused_by_a_server_without_allow_none(demo_xmlrpc_no_nil):
    execution = run(one_task({"ApiEndpoint": demo_xmlrpc_no_nil.rpc_url, "MethodName": "demo.echo",
                              "Params": [None]}))
    error, cause = failure(execution)
    assert error == "XmlRpc.Fault.1"
    assert "cannot marshal None unless allow_none is enabled" in cause
    assert "nil" not in output(run(one_task({"ApiEndpoint": demo_xmlrpc_no_nil.rpc_url,
                                             "MethodName": "demo.types"})))


# --- faults: Catch and Retry ----------------------------------------------------------------------------


def billing_flow(url):
    return {"StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Resource": CALL,
                   "Parameters": {"ApiEndpoint": url, "MethodName": "billing.charge",
                                  "Params": {"customer.$": "$.customer", "amount.$": "$.amount"}},
                   "Catch": [{"ErrorEquals": ["XmlRpc.Fault.4"], "ResultPath": "$.error", "Next": "Rejected"}],
                   "ResultPath": "$.invoice", "End": True},
        "Rejected": {"Type": "Pass", "End": True}}}


def test_a_fault_is_caught_by_its_code(demo_xmlrpc):
    execution = run(billing_flow(demo_xmlrpc.rpc_url), {"customer": "C-2", "amount": -5})
    assert output(execution)["error"] == {"Error": "XmlRpc.Fault.4", "Cause": "amount must be positive"}
    [record] = call_records(execution)
    assert record["error"] == "XmlRpc.Fault.4" and record["statusCode"] == 200
    assert record["requestSha256"] == sha256_of("billing.charge", {"customer": "C-2", "amount": -5})


def test_an_uncaught_fault_fails_the_execution_with_its_code_and_string(demo_xmlrpc):
    execution = run(one_task({"ApiEndpoint": demo_xmlrpc.rpc_url, "MethodName": "demo.fault",
                              "Params": [-32601, "no such thing"]}))
    assert failure(execution) == ("XmlRpc.Fault.-32601", "no such thing")


def test_a_transient_fault_is_retried_with_backoff(demo_xmlrpc):
    definition = one_task({"ApiEndpoint": demo_xmlrpc.rpc_url, "MethodName": "demo.flaky",
                           "Params": ["retry-with-backoff", 2]},
                          Retry=[{"ErrorEquals": ["XmlRpc.Fault.503"], "IntervalSeconds": 2, "BackoffRate": 3,
                                  "MaxAttempts": 3}])
    execution = run(definition, jump_timers=2)
    assert output(execution) == 3  # the third call went through
    records = call_records(execution)
    assert [(r["attempt"], r.get("error")) for r in records] == [
        (1, "XmlRpc.Fault.503"), (2, "XmlRpc.Fault.503"), (3, None)]
    assert records[0]["requestSha256"] == sha256_of("demo.flaky", ["retry-with-backoff", 2])
    assert "requestSha256" not in records[2]


def test_retries_exhausted_fail_with_the_last_fault(demo_xmlrpc):
    definition = one_task({"ApiEndpoint": demo_xmlrpc.rpc_url, "MethodName": "demo.flaky",
                           "Params": ["never-recovers", 10]},
                          Retry=[{"ErrorEquals": ["XmlRpc.Fault.503"], "IntervalSeconds": 1, "MaxAttempts": 1}])
    error, cause = failure(run(definition, jump_timers=1))
    assert (error, cause) == ("XmlRpc.Fault.503", "temporarily unavailable (attempt 2 of never-recovers)")


# --- multicall ------------------------------------------------------------------------------------------


def test_multicall_returns_every_result_in_order(demo_xmlrpc):
    execution = run(one_task({"ApiEndpoint": demo_xmlrpc.rpc_url, "Calls": [
        {"MethodName": "demo.add", "Params": [1, 2]},
        {"MethodName": "demo.echo", "Params": [{"$base64": "AP8="}]},
        {"MethodName": "system.listMethods"}]}, resource=MULTICALL))
    added, echoed, methods = output(execution)
    assert (added, echoed) == (3, "AP8=") and "demo.types" in methods
    assert call_records(execution)[0]["operation"] == "system.multicall"


def test_multicall_fails_with_the_first_fault(demo_xmlrpc):
    execution = run(one_task({"ApiEndpoint": demo_xmlrpc.rpc_url, "Calls": [
        {"MethodName": "demo.add", "Params": [1, 2]},
        {"MethodName": "demo.fault", "Params": [4, "first"]},
        {"MethodName": "demo.fault", "Params": [5, "second"]}]}, resource=MULTICALL))
    assert failure(execution) == ("XmlRpc.Fault.4", "Call 1 (demo.fault): first")


# --- transport failures ---------------------------------------------------------------------------------


def test_a_method_that_hangs_past_the_connection_time_out_is_a_timeout(demo_xmlrpc):
    create_connection("slow-rpc", base_url=demo_xmlrpc.rpc_url, timeout_seconds=1)
    params = [3]
    execution = run(one_task({"Authentication": {"ConnectionArn": "slow-rpc"}, "MethodName": "demo.sleep",
                              "Params": params}))
    error, cause = failure(execution)
    assert error == "XmlRpc.Timeout"
    assert f"No answer from {demo_xmlrpc.rpc_url} within 1 seconds" in cause
    [record] = call_records(execution)
    assert record["requestSha256"] == sha256_of("demo.sleep", params)
    assert 900 <= record["durationMs"] < 3000 and "statusCode" not in record


def test_an_unreachable_endpoint_is_a_socket_error():
    execution = run(one_task({"ApiEndpoint": "http://127.0.0.1:9/RPC2", "MethodName": "demo.types"}))
    error, cause = failure(execution)
    assert error == "XmlRpc.Socket" and "Connection refused" in cause


def test_a_non_2xx_status_is_named_after_it(demo_xmlrpc):
    execution = run(one_task({"ApiEndpoint": demo_xmlrpc.url + "/elsewhere", "MethodName": "demo.types"}))
    assert failure(execution) == ("XmlRpc.Http.StatusCode.404", f"HTTP 404 Not Found from {demo_xmlrpc.url}/elsewhere")


def test_an_answer_that_is_not_xmlrpc_is_an_invalid_response(demo_http):
    execution = run(one_task({"ApiEndpoint": demo_http.url + "/json", "MethodName": "demo.types"}))
    error, cause = failure(execution)
    assert error == "XmlRpc.InvalidResponse" and cause.startswith("The response is not an XML-RPC methodResponse")


# --- connections: HTTPS, proxy, basic auth ----------------------------------------------------------------


@pytest.fixture
def demo_xmlrpc_https(tls_material, start_demo):
    return start_demo(DemoXmlRpcServer(tls=tls_material))


def test_https_verifies_certificates_by_default(demo_xmlrpc_https):
    assert demo_xmlrpc_https.rpc_url.startswith("https://")
    execution = run(one_task({"ApiEndpoint": demo_xmlrpc_https.rpc_url, "MethodName": "demo.types"}))
    error, cause = failure(execution)
    assert error == "XmlRpc.Socket" and "CERTIFICATE_VERIFY_FAILED" in cause


def test_https_with_the_ca_trusted_through_the_connection(demo_xmlrpc_https, tls_material):
    create_connection("rpc-tls", base_url=demo_xmlrpc_https.url, ca_bundle=tls_material.ca_cert_pem)
    execution = run(one_task({"Authentication": {"ConnectionArn": "rpc-tls"}, "ApiEndpoint": "/RPC2",
                              "MethodName": "demo.add", "Params": [2, 3]}))
    assert output(execution) == 5
    assert call_records(execution)[0]["url"] == demo_xmlrpc_https.rpc_url


def test_a_server_requiring_a_client_certificate(demo_xmlrpc_mtls, tls_material):
    create_connection("rpc-no-cert", base_url=demo_xmlrpc_mtls.rpc_url, ca_bundle=tls_material.ca_cert_pem)
    create_connection("rpc-mtls", base_url=demo_xmlrpc_mtls.rpc_url, ca_bundle=tls_material.ca_cert_pem,
                      client_cert=tls_material.client_cert_pem, client_key=tls_material.client_key_pem)
    refused = run(one_task({"Authentication": {"ConnectionArn": "rpc-no-cert"}, "MethodName": "demo.types"}))
    assert failure(refused)[0] == "XmlRpc.Socket"
    accepted = run(one_task({"InvocationConfig": {"ConnectionArn": "rpc-mtls"}, "MethodName": "demo.add",
                             "Params": [1, 1]}))
    assert output(accepted) == 2


def test_through_the_proxy_the_connection_names(demo_xmlrpc, demo_proxy):
    create_connection("rpc-proxied", base_url=demo_xmlrpc.rpc_url, proxy_url=demo_proxy.url)
    execution = run(one_task({"Authentication": {"ConnectionArn": "rpc-proxied"}, "MethodName": "demo.add",
                              "Params": [20, 22]}))
    assert output(execution) == 42
    assert ("POST", demo_xmlrpc.rpc_url) in demo_proxy.seen


def test_https_through_the_proxy_tunnels(demo_xmlrpc_mtls, demo_proxy_auth, tls_material):
    proxy = demo_proxy_auth.url.replace("://", f"://{demo_proxy_auth.credentials.user}:"
                                              f"{demo_proxy_auth.credentials.password}@")
    create_connection("rpc-tunnel", base_url=demo_xmlrpc_mtls.rpc_url, proxy_url=proxy,
                      ca_bundle=tls_material.ca_cert_pem, client_cert=tls_material.client_cert_pem,
                      client_key=tls_material.client_key_pem)
    execution = run(one_task({"Authentication": {"ConnectionArn": "rpc-tunnel"}, "MethodName": "demo.echo",
                              "Params": ["tunnelled"]}))
    assert output(execution) == "tunnelled"
    assert ("CONNECT", f"127.0.0.1:{demo_xmlrpc_mtls.port}") in demo_proxy_auth.seen
    assert demo_proxy_auth.credentials.password not in history_text(execution)


def test_basic_auth_through_a_connection(demo_xmlrpc_basic):
    anonymous = run(one_task({"ApiEndpoint": demo_xmlrpc_basic.rpc_url, "MethodName": "demo.types"}))
    assert failure(anonymous) == ("XmlRpc.Http.StatusCode.401",
                                  f"HTTP 401 Unauthorized from {demo_xmlrpc_basic.rpc_url}")
    create_connection("rpc-basic", base_url=demo_xmlrpc_basic.rpc_url, auth_type="BASIC", username=DEMO_USER,
                      password=DEMO_PASSWORD)
    execution = run(one_task({"Authentication": {"ConnectionArn": "rpc-basic"}, "MethodName": "demo.headers",
                              "Headers": {"X-Request-Id": "r-1"}}))
    headers = output(execution)
    assert headers["x-request-id"] == "r-1" and headers["content-type"] == "text/xml"
    assert headers["user-agent"] == "Flowdeck|StepFunctions|XmlRpc"
    assert DEMO_PASSWORD not in history_text(execution)


def test_a_missing_connection_fails_before_any_call():
    execution = run(one_task({"Authentication": {"ConnectionArn": "nowhere"}, "MethodName": "demo.types"}))
    assert failure(execution)[0] == "Events.ConnectionResource.ResourceNotFound"


# --- what failures leave behind ---------------------------------------------------------------------------


def test_failures_record_the_request_hash_never_the_payload(demo_xmlrpc, caplog):
    create_connection("rpc-quick", base_url=demo_xmlrpc.rpc_url, timeout_seconds=1)
    cases = [  # (resource, parameters, the method the record names, the error)
        (CALL, {"MethodName": "billing.charge", "Params": {"customer": MARKER, "amount": -1}},
         "billing.charge", "XmlRpc.Fault.4"),
        (CALL, {"ApiEndpoint": "/nowhere", "MethodName": "demo.echo", "Params": [MARKER]},
         "demo.echo", "XmlRpc.Http.StatusCode.404"),
        (MULTICALL, {"Calls": [{"MethodName": "demo.echo", "Params": [MARKER]},
                               {"MethodName": "demo.sleep", "Params": [3]}]},
         "system.multicall", "XmlRpc.Timeout"),
    ]
    caplog.set_level(logging.INFO, logger="flowdeck.calls")
    for resource, parameters, operation, error in cases:
        caplog.clear()
        from_input = {f"{key}.$": f"$.{key}" for key in parameters}  # the payload comes from the state input
        execution = run(one_task({"Authentication": {"ConnectionArn": "rpc-quick"}, **from_input},
                                 resource=resource), parameters)
        assert failure(execution)[0] == error
        if resource == MULTICALL:
            params, _ = xmlrpc_values.multicall_params(parameters["Calls"])
        else:
            params = xmlrpc_values.call_params(parameters["Params"])
        digest = hashlib.sha256(xmlrpc_values.request_body(operation, params)).hexdigest()
        [record] = call_records(execution)
        assert (record["requestSha256"], record["error"], record["operation"]) == (digest, error, operation)
        [line] = [json.loads(r.getMessage()) for r in caplog.records if r.name == "flowdeck.calls"]
        assert (line["requestSha256"], line["error"], line["operation"]) == (digest, error, operation)
        # The payload is in the input and the TaskScheduled parameters (as AWS records them), never in what the
        # call left behind: the failure event, its cause, the log line.
        [failed] = execution.events.filter(type="TaskFailed")
        assert MARKER not in json.dumps(failed.details) and MARKER not in execution.cause
        assert MARKER not in caplog.text


def test_a_successful_call_records_no_hash(demo_xmlrpc, caplog):
    caplog.set_level(logging.INFO, logger="flowdeck.calls")
    execution = run(one_task({"ApiEndpoint": demo_xmlrpc.rpc_url, "MethodName": "demo.echo", "Params": [MARKER]}))
    assert output(execution) == MARKER
    [record] = call_records(execution)
    assert "requestSha256" not in record and "error" not in record
    [line] = [json.loads(r.getMessage()) for r in caplog.records if r.name == "flowdeck.calls"]
    assert line["event"] == "task.call" and line["operation"] == "demo.echo" and "requestSha256" not in line


def test_wait_for_task_token_sends_the_call_and_waits(demo_xmlrpc):
    execution = run(one_task({"ApiEndpoint": demo_xmlrpc.rpc_url, "MethodName": "demo.echo",
                              "Params": [{"token.$": "$$.Task.Token"}]}, resource=CALL + ".waitForTaskToken"))
    assert execution.status == "RUNNING"
    submitted = execution.events.get(type="TaskSubmitted").details["taskSubmittedEventDetails"]
    token = json.loads(submitted["output"])["token"]
    assert submitted["call"]["operation"] == "demo.echo"
    from executions import callbacks

    callbacks.send_task_success(token, json.dumps({"approved": True}))
    drain()
    execution.refresh_from_db()
    assert output(execution) == {"approved": True}
