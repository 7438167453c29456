"""xmlrpc.invoke() on its own against the demo servers: task fields, headers, endpoints, connections, and the
error each kind of failure gets. `resolve` is handed ConnectionConfig objects directly (no database)."""
import threading
import xmlrpc.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from designer.asl.errors import StatesError
from executions.integrations import xmlrpc as task
from executions.integrations.calls import CallFailed, sha256
from executions.integrations.config import ApiKeyAuth, ConnectionConfig, OAuthClientCredentials, Parameter
from executions.integrations.connections import ConnectionNotFound, ConnectionUnreadable
from executions.integrations.demo import DEMO_CLIENT_ID


def invoke(parameters, connections=None, *, multicall=False, attempt=1):
    def resolve(reference):
        if reference not in (connections or {}):
            raise ConnectionNotFound(f"Connection does not exist: '{reference}'")
        found = connections[reference]
        if isinstance(found, Exception):
            raise found
        return found

    return task.invoke(parameters, resolve=resolve, attempt=attempt, multicall=multicall)


def refused(parameters, connections=None, **options):
    with pytest.raises(StatesError) as caught:
        invoke(parameters, connections, **options)
    return caught.value


def connection(name="rpc", **fields):
    return ConnectionConfig(name=name, arn=f"arn:aws:events:us-east-1:123456789012:connection/{name}", **fields)


def test_the_result_and_the_record_of_a_call(demo_xmlrpc):
    result, record = invoke({"ApiEndpoint": demo_xmlrpc.rpc_url, "MethodName": "demo.add", "Params": [1, 2]},
                            attempt=3)
    assert result == 3
    assert record.to_dict() == {"kind": "xmlrpc", "method": "POST", "url": demo_xmlrpc.rpc_url, "attempt": 3,
                                "statusCode": 200, "durationMs": record.duration_ms, "operation": "demo.add"}


def test_task_fields_are_checked_before_any_call():
    cases = [
        ("not an object", "xmlrpc:call needs Parameters (an object)"),
        ({"MethodName": "a", "ApiEndpoint": "http://h/", "Method": "POST"}, "does not support the field(s) Method"),
        ({"ApiEndpoint": "http://h/"}, "MethodName must be a non-empty string"),
        ({"MethodName": "a"}, "ApiEndpoint is needed when no connection gives a base URL"),
        ({"MethodName": "a", "ApiEndpoint": "/RPC2"}, "is relative, and no connection gives a base URL"),
        ({"MethodName": "a", "ApiEndpoint": "ftp://h/RPC2"}, "must be an http or https URL"),
        ({"MethodName": "a", "ApiEndpoint": "http:///RPC2"}, "has no host"),
        ({"MethodName": "a", "ApiEndpoint": 5}, "ApiEndpoint must be a URL string"),
        ({"MethodName": "a", "Authentication": {"ConnectionArn": ""}}, "Authentication.ConnectionArn must be"),
        ({"MethodName": "a", "Authentication": {"ConnectionArn": "x"}, "InvocationConfig": {"ConnectionArn": "y"}},
         "name different connections"),
        ({"MethodName": "a", "ApiEndpoint": "http://h/", "Headers": ["X-A"]}, "Headers must be an object"),
    ]
    for parameters, message in cases:
        error = refused(parameters)
        assert error.error == "States.Runtime" and message in error.cause, parameters
        assert not isinstance(error, CallFailed)
    assert "does not support the field(s) MethodName" in refused(
        {"MethodName": "a", "Calls": [], "ApiEndpoint": "http://h/"}, multicall=True).cause


def test_forbidden_headers_are_refused_and_others_sent(demo_xmlrpc):
    error = refused({"ApiEndpoint": demo_xmlrpc.rpc_url, "MethodName": "demo.headers",
                     "Headers": {"Authorization": "Bearer x", "X-Amz-Date": "1", "x-forwarded-for": "h",
                                 "Content-Length": "3", "X-Fine": "ok"}})
    assert (error.error, error.cause) == (
        "States.Runtime", "The XML-RPC task cannot send the header(s) Authorization, X-Amz-Date, x-forwarded-for, "
                          "Content-Length")
    for headers, message in (({"Bad Name": "x"}, "is not a valid header name"),
                             ({"X-A": "a\r\nX-B: b"}, "cannot contain a line break"),
                             ({"X-A": {"b": 1}}, "must be a string, a number or a boolean")):
        assert message in refused({"ApiEndpoint": demo_xmlrpc.rpc_url, "MethodName": "m", "Headers": headers}).cause
    sent, _ = invoke({"ApiEndpoint": demo_xmlrpc.rpc_url, "MethodName": "demo.headers",
                      "Headers": {"X-Count": 5, "X-Flag": True, "Content-Type": "text/xml; charset=utf-8",
                                  "User-Agent": "legacy-client/1.0"}})
    assert (sent["x-count"], sent["x-flag"]) == ("5", "true")
    assert sent["content-type"] == "text/xml; charset=utf-8" and sent["user-agent"] == "legacy-client/1.0"


def test_the_endpoint_from_the_connection(demo_xmlrpc):
    connections = {"base": connection(base_url=demo_xmlrpc.url),
                   "full": connection(base_url=demo_xmlrpc.rpc_url,
                                      headers=(Parameter("X-Tenant", "t-1"), Parameter("x-api-key", "k" * 12, True)))}
    assert invoke({"Authentication": {"ConnectionArn": "base"}, "ApiEndpoint": "/RPC2", "MethodName": "demo.add",
                   "Params": [1, 1]}, connections)[0] == 2
    result, record = invoke({"InvocationConfig": {"ConnectionArn": "full"}, "MethodName": "demo.headers"},
                            connections)
    assert result["x-tenant"] == "t-1" and "x-api-key" not in result  # the demo server hides the key header
    assert record.url == demo_xmlrpc.rpc_url
    # Both spellings may name the same connection.
    assert invoke({"Authentication": {"ConnectionArn": "base"}, "InvocationConfig": {"ConnectionArn": "base"},
                   "MethodName": "demo.add", "ApiEndpoint": "RPC2", "Params": [2, 2]}, connections)[0] == 4


def test_a_connection_that_cannot_be_used_fails_before_any_call(demo_xmlrpc, demo_http):
    missing = refused({"Authentication": {"ConnectionArn": "gone"}, "MethodName": "demo.types"})
    assert (missing.error, missing.cause) == ("Events.ConnectionResource.ResourceNotFound",
                                              "Connection does not exist: 'gone'")
    unreadable = refused({"Authentication": {"ConnectionArn": "locked"}, "MethodName": "demo.types"},
                         {"locked": ConnectionUnreadable("The secrets of connection 'locked' cannot be decrypted")})
    assert unreadable.error == "Events.ConnectionResource.InvalidConnectionState"
    # An OAuth token endpoint refusing the client: the connection's state, with the request's hash recorded.
    oauth = connection(base_url=demo_xmlrpc.rpc_url, auth=OAuthClientCredentials(
        token_url=demo_http.url + "/oauth/token", client_id=DEMO_CLIENT_ID, client_secret="wrong-secret-value"))
    error = refused({"Authentication": {"ConnectionArn": "rpc"}, "MethodName": "demo.types"}, {"rpc": oauth})
    assert isinstance(error, CallFailed) and error.error == "Events.ConnectionResource.InvalidConnectionState"
    assert "wrong-secret-value" not in error.cause and error.call.request_sha256


def test_a_dropped_connection_is_a_socket_error(demo_http):
    error = refused({"ApiEndpoint": demo_http.url + "/drop", "MethodName": "demo.types"})
    assert isinstance(error, CallFailed) and error.error == "XmlRpc.Socket"
    assert error.call.error == "XmlRpc.Socket" and error.call.request_sha256 == sha256(
        task.request_body("demo.types", ()))


def test_a_response_over_the_size_cap_exceeds_the_data_limit(demo_http):
    error = refused({"ApiEndpoint": demo_http.url + "/large?bytes=1100000", "MethodName": "demo.types"})
    assert isinstance(error, CallFailed) and error.error == "States.DataLimitExceeded"
    assert "1048576" in error.cause


def test_a_secret_the_server_echoes_is_not_in_the_result(demo_xmlrpc):
    key = "secret-key-0123456789"
    connections = {"rpc": connection(base_url=demo_xmlrpc.rpc_url, auth=ApiKeyAuth("X-Key", key))}
    result, _ = invoke({"Authentication": {"ConnectionArn": "rpc"}, "MethodName": "demo.headers"}, connections)
    assert result["x-key"] == "***"
    echoed, _ = invoke({"Authentication": {"ConnectionArn": "rpc"}, "MethodName": "demo.echo",
                        "Params": [{"note": f"key={key}", key: 1}]}, connections)
    assert echoed == {"note": "key=***", "***": 1}


class _FaultWith500(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = xmlrpc.client.dumps(xmlrpc.client.Fault(17, "database is down"), methodresponse=True).encode()
        self.send_response(500)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fault_with_500():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FaultWith500)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/RPC2"
    server.shutdown()
    server.server_close()


def test_a_fault_sent_with_a_500_is_the_status_error_naming_the_fault(fault_with_500):
    error = refused({"ApiEndpoint": fault_with_500, "MethodName": "db.query"})
    assert (error.error, error.cause) == (
        "XmlRpc.Http.StatusCode.500",
        f"HTTP 500 Internal Server Error from {fault_with_500}; the body holds the fault 17: database is down")
    assert error.call.status == 500 and error.call.operation == "db.query"
