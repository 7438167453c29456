"""The XML-RPC task's pure parts: JSON <-> XML-RPC values, typed values, multicall shaping, faults."""
import base64
import json
import xmlrpc.client
from datetime import datetime

import pytest

from designer.asl.errors import StatesError
from executions.integrations import xmlrpc_values as task


def sent(params, method="demo.echo"):
    """What a server (Python's xmlrpc.server reads with loads) receives for these task Params."""
    body = task.request_body(method, task.call_params(params))
    received, name = xmlrpc.client.loads(body, use_builtin_types=True)
    assert name == method
    return list(received)


def response(value_xml):
    return (f"<?xml version='1.0'?><methodResponse><params><param><value>{value_xml}</value></param>"
            "</params></methodResponse>").encode()


def fault(code_xml, text="went wrong"):
    return (f"<?xml version='1.0'?><methodResponse><fault><value><struct><member><name>faultCode</name>"
            f"<value>{code_xml}</value></member><member><name>faultString</name><value><string>{text}</string>"
            "</value></member></struct></value></fault></methodResponse>").encode()


def error_of(call, *args):
    with pytest.raises(StatesError) as caught:
        call(*args)
    return caught.value.error, caught.value.cause


# --- JSON -> XML-RPC ------------------------------------------------------------------------------------


def test_every_json_type_is_sent_as_its_xmlrpc_type():
    params = [7, -2147483648, 2147483647, 2.5, True, False, "déjà <vu> & more", [1, "a", [None]],
              {"nested": {"list": [], "empty": {}}}, None]
    assert sent(params) == params
    body = task.request_body("m", task.call_params([1, 2.0, True, "s", None])).decode()
    for element in ("<int>1</int>", "<double>2.0</double>", "<boolean>1</boolean>", "<string>s</string>", "<nil/>"):
        assert element in body


def test_params_shapes_array_object_or_nothing():
    assert task.call_params(None) == ()
    assert task.call_params([]) == ()
    assert task.call_params({"a": 1}) == ({"a": 1},)
    assert sent({"a": 1, "b": [True]}) == [{"a": 1, "b": [True]}]
    assert sent({"$double": 1}) == [1.0]  # an object Params is one parameter, typed values included
    for wrong in ("text", 3, True):
        error, cause = error_of(task.call_params, wrong)
        assert error == "XmlRpc.InvalidParams" and "must be an array" in cause


def test_ints_beyond_i4_are_refused_with_the_way_out():
    for value in (2**31, -(2**31) - 1, 10**20):
        error, cause = error_of(task.call_params, [1, {"big": value}])
        assert error == "XmlRpc.InvalidParams"
        assert cause.startswith("Params[1].big: ") and "$double" in cause
    assert sent([{"$double": 2**31}]) == [2147483648.0]


def test_datetime_typed_value_takes_any_iso_8601_form_and_sends_utc_whole_seconds():
    cases = {
        "2024-05-01T12:30:00": datetime(2024, 5, 1, 12, 30),
        "20240501T12:30:00": datetime(2024, 5, 1, 12, 30),  # XML-RPC's own form
        "2024-05-01": datetime(2024, 5, 1),
        "2024-05-01T12:30:00.987Z": datetime(2024, 5, 1, 12, 30),  # $$.Execution.StartTime's shape
        "2024-05-01T01:30:00+02:00": datetime(2024, 4, 30, 23, 30),
        "0001-01-01T00:00:00": datetime(1, 1, 1),
    }
    for text, expected in cases.items():
        assert sent([{"$dateTime": text}]) == [expected], text
    body = task.request_body("m", task.call_params([{"$dateTime": "0987-06-05T04:03:02"}])).decode()
    assert "<dateTime.iso8601>09870605T04:03:02</dateTime.iso8601>" in body
    for wrong in ("yesterday", "2024-13-01", "2024-05-01T24:00:00", "0001-01-01T00:00:00+01:00"):
        error, cause = error_of(task.call_params, [{"$dateTime": wrong}])
        assert (error, cause) == ("XmlRpc.InvalidParams",
                                  f"Params[0].$dateTime: '{wrong}' is not an ISO-8601 date or date-time")
    assert error_of(task.call_params, [{"$dateTime": 20240501}]) == (
        "XmlRpc.InvalidParams", "Params[0].$dateTime must be a string, not a number")


def test_base64_typed_value_sends_the_bytes():
    raw = bytes(range(256))
    text = base64.b64encode(raw).decode()
    assert sent([{"$base64": text}]) == [raw]
    assert sent([{"$base64": base64.encodebytes(raw).decode()}]) == [raw]  # MIME line breaks are fine
    assert sent([{"$base64": ""}]) == [b""]
    assert "<base64>" in task.request_body("m", task.call_params([{"$base64": "AP8="}])).decode()
    for wrong in ("not base64!", "AP8", 12):
        assert error_of(task.call_params, [{"$base64": wrong}])[0] == "XmlRpc.InvalidParams"


def test_double_typed_value_forces_a_double():
    assert sent([{"$double": 3}, {"$double": -0.5}]) == [3.0, -0.5]
    assert "<double>3.0</double>" in task.request_body("m", task.call_params([{"$double": 3}])).decode()
    for wrong in (True, "3", None):
        assert error_of(task.call_params, [{"$double": wrong}])[0] == "XmlRpc.InvalidParams"
    assert error_of(task.call_params, [{"$double": 10**400}])[0] == "XmlRpc.InvalidParams"


def test_typed_values_nest_and_other_dollar_keys_are_plain_members():
    assert sent([{"when": {"$dateTime": "2024-05-01T00:00:00"}, "items": [{"$base64": "AA=="}]}]) == [
        {"when": datetime(2024, 5, 1), "items": [b"\x00"]}]
    assert sent([{"$ref": "x"}, {"$dateTime": "2024-05-01", "other": 1}]) == [
        {"$ref": "x"}, {"$dateTime": "2024-05-01", "other": 1}]
    error, cause = error_of(task.call_params, [{"$datetime": "2024-05-01"}])
    assert error == "XmlRpc.InvalidParams" and "did you mean '$dateTime'" in cause


def test_text_xml_cannot_carry_is_refused_and_carriage_returns_survive():
    assert sent(["line one\r\nline two\rend", {"key\r": "\t"}]) == ["line one\r\nline two\rend", {"key\r": "\t"}]
    for wrong in (["bell \x07"], [{"a\x00": 1}], ["\ud800"], ["\uffff"]):
        error, cause = error_of(task.call_params, wrong)
        assert error == "XmlRpc.InvalidParams" and "cannot be sent in XML" in cause
    assert sent(["emoji \U0001f600"]) == ["emoji \U0001f600"]


def test_method_names():
    assert task.method_name("system.listMethods") == "system.listMethods"
    for name in ("a<b>&c", "x</methodName><params><param><value>injected</value></param></params><methodName>y"):
        assert sent([], name) == []  # the whole name reaches the server, as a name
    for wrong in (None, "", "  ", 5, "a\x00b"):
        assert error_of(task.method_name, wrong)[0] == "States.Runtime"


# --- multicall ------------------------------------------------------------------------------------------


def test_multicall_request_is_one_array_of_method_structs():
    params, methods = task.multicall_params([{"MethodName": "a.add", "Params": [1, 2]},
                                             {"MethodName": "a.now"},
                                             {"MethodName": "a.put", "Params": {"k": {"$base64": "AA=="}}}])
    assert methods == ["a.add", "a.now", "a.put"]
    body = task.request_body("system.multicall", params)
    received, name = xmlrpc.client.loads(body, use_builtin_types=True)
    assert name == "system.multicall"
    assert received == ([{"methodName": "a.add", "params": [1, 2]}, {"methodName": "a.now", "params": []},
                         {"methodName": "a.put", "params": [{"k": b"\x00"}]}],)


def test_multicall_request_errors():
    for wrong in (None, [], {"MethodName": "a"}, ["a"], [{"Params": []}], [{"MethodName": "a", "Extra": 1}]):
        assert error_of(task.multicall_params, wrong)[0] == "States.Runtime"
    error, cause = error_of(task.multicall_params, [{"MethodName": "a"}, {"MethodName": "b", "Params": [2**40]}])
    assert error == "XmlRpc.InvalidParams" and cause.startswith("Calls[1].Params[0]: ")


def test_multicall_results_unwrap_in_order_and_the_first_fault_fails():
    assert task.multicall_results([[1], [[1, 2]], [None]], ["a", "b", "c"]) == [1, [1, 2], None]
    error, cause = error_of(task.multicall_results,
                            [[1], {"faultCode": 4, "faultString": "Too many parameters"},
                             {"faultCode": 5, "faultString": "later"}], ["a", "b", "c"])
    assert (error, cause) == ("XmlRpc.Fault.4", "Call 1 (b): Too many parameters")
    for wrong in ([[1]], [1, 2], {"x": 1}, [[1], []], [[1], [1, 2]], [[1], {"faultString": "no code"}]):
        assert error_of(task.multicall_results, wrong, ["a", "b"])[0] == "XmlRpc.InvalidResponse"


# --- XML-RPC -> JSON ------------------------------------------------------------------------------------


def test_every_xmlrpc_type_becomes_json():
    body = xmlrpc.client.dumps(({"int": 1, "double": 1.5, "bool": True, "string": "s",
                                 "nil": None, "array": [1, [2]], "struct": {"a": {}},
                                 "bytes": b"\x00\xff", "when": datetime(2024, 5, 1, 12, 30, 5)},),
                               methodresponse=True, allow_none=True).encode()
    assert task.parse_response(body) == {"int": 1, "double": 1.5, "bool": True, "string": "s",
                                         "nil": None, "array": [1, [2]], "struct": {"a": {}},
                                         "bytes": "AP8=", "when": "2024-05-01T12:30:05"}
    assert task.parse_response(response("untyped text")) == "untyped text"
    assert task.parse_response(response("<i8>-9000000000</i8>")) == -9000000000
    assert task.parse_response(response("<ex:nil xmlns:ex='http://ws.apache.org/xmlrpc/namespaces/extensions'/>")) \
        is None
    assert task.parse_response(response("<bigdecimal>2.50</bigdecimal>")) == 2.5
    assert task.parse_response(response("<bigdecimal>7</bigdecimal>")) == 7


def test_datetimes_as_servers_send_them_become_iso_8601():
    cases = {"20240501T12:30:05": "2024-05-01T12:30:05",
             "20240501T12:30:05Z": "2024-05-01T12:30:05Z",  # WordPress's *_gmt fields
             "2024-05-01T12:30:05": "2024-05-01T12:30:05",
             "20240501T123005": "2024-05-01T12:30:05",
             "2024-05-01T12:30:05.250+0200": "2024-05-01T12:30:05.250+02:00",
             "20240501T12:30:05-05": "2024-05-01T12:30:05-05:00"}
    for text, expected in cases.items():
        assert task.parse_response(response(f"<dateTime.iso8601>{text}</dateTime.iso8601>")) == expected
    error, cause = error_of(task.parse_response, response("<dateTime.iso8601>soon</dateTime.iso8601>"))
    assert error == "XmlRpc.InvalidResponse" and "'soon'" in cause


def test_nesting_up_to_the_definition_limit_is_fine():
    assert task.parse_response(response("<array><data><value>" * 150 + "</value></data></array>" * 150)) \
        == json.loads("[" * 150 + '""' + "]" * 150)


def test_faults_are_named_after_their_code():
    assert error_of(task.parse_response, fault("<int>4</int>", "Too many parameters")) == (
        "XmlRpc.Fault.4", "Too many parameters")
    assert error_of(task.parse_response, fault("<int>-32601</int>", "method not found")) == (
        "XmlRpc.Fault.-32601", "method not found")
    assert error_of(task.parse_response, fault("<string>Client</string>"))[0] == "XmlRpc.Fault.Client"
    assert len(error_of(task.parse_response, fault("<int>1</int>", "x" * 40_000))[1]) == 32_768


def test_anything_else_is_an_invalid_response():
    no_members = (b"<methodResponse><fault><value><struct></struct></value></fault></methodResponse>")
    for body in (b"", b"<html><body>Bad gateway</body></html>", b"not xml at all", no_members,
                 b"<methodResponse><params></params></methodResponse>",
                 xmlrpc.client.dumps((1,), "a.method").encode(),  # a methodCall, not a response
                 response("<int>seven</int>"), response("<boolean>2</boolean>"), response("<double>nan</double>"),
                 response("<double>inf</double>"),
                 response("<array><data><value>" * 151 + "</value></data></array>" * 151)):
        error, cause = error_of(task.parse_response, body)
        assert error == "XmlRpc.InvalidResponse", body[:80]
        assert cause
