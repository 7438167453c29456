"""validate(): the HTTP task (arn:aws:states:::http:invoke) and Flowdeck's XML-RPC resources.

Valid definitions follow the AWS documentation's HTTP task examples; each invalid one lists the
(code, location) pairs expected, warnings included.
"""
import pytest

from designer.asl.validate import validate
from tests.asl.test_validate import found, ids, jsonata, machine, one, task

SCHEMA = "SCHEMA_VALIDATION_FAILED"
RESOURCE = "INVALID_RESOURCE"
HTTP = "arn:aws:states:::http:invoke"
CALL = "arn:flowdeck:states:::xmlrpc:call"
MULTICALL = "arn:flowdeck:states:::xmlrpc:multicall"
STRIPE = "arn:aws:events:us-east-2:123456789012:connection/Stripe/81210c42-8af1-456b-9c4a-6ff02fc664ac"
P = "/States/S/Parameters"
A = "/States/S/Arguments"


def http(**parameters):
    """An HTTP task calling Stripe through its connection, with `parameters` added or replaced."""
    base = {"ApiEndpoint": "https://api.stripe.com/v1/customers", "Method": "GET",
            "Authentication": {"ConnectionArn": STRIPE}}
    return task(Resource=HTTP, Parameters={**base, **parameters})


def without(name: str, state: dict) -> dict:
    state = {**state, "Parameters": dict(state["Parameters"])}
    del state["Parameters"][name]
    return state


def xmlrpc(**parameters):
    return task(Resource=CALL, Parameters={"ApiEndpoint": "https://billing.example.com/RPC2",
                                           "MethodName": "invoice.create", **parameters})


def multicall(calls, **parameters):
    return task(Resource=MULTICALL, Parameters={"Authentication": {"ConnectionArn": "billing"}, "Calls": calls,
                                                **parameters})


# AWS DG, "Call HTTPS APIs": create a Stripe subscription, form-encoded, retrying on 429 and 5xx.
STRIPE_SUBSCRIPTION = {
    "Comment": "Create a Stripe subscription",
    "StartAt": "Create subscription",
    "States": {
        "Create subscription": {
            "Type": "Task",
            "Resource": HTTP,
            "Parameters": {
                "ApiEndpoint": "https://api.stripe.com/v1/subscriptions",
                "Method": "POST",
                "Authentication": {"ConnectionArn": STRIPE},
                "Headers": {"Content-Type": "application/x-www-form-urlencoded"},
                "RequestBody": {
                    "description": "Monthly subscription",
                    "metadata": {"order_details": "monthly report data"},
                    "customer.$": "$.customer_id",
                    "items": [{"price.$": "$.price_id"}],
                },
                "Transform": {
                    "RequestBodyEncoding": "URL_ENCODED",
                    "RequestEncodingOptions": {"ArrayFormat": "INDICES"},
                },
            },
            "Retry": [
                {
                    "ErrorEquals": ["States.Http.StatusCode.429", "States.Http.StatusCode.503",
                                    "States.Http.StatusCode.504", "States.Http.StatusCode.502"],
                    "BackoffRate": 2,
                    "IntervalSeconds": 1,
                    "MaxAttempts": 3,
                    "JitterStrategy": "FULL",
                }
            ],
            "Catch": [
                {
                    "ErrorEquals": ["States.Http.StatusCode.404", "States.Http.StatusCode.400",
                                    "States.Http.StatusCode.401", "States.Http.StatusCode.409",
                                    "States.Http.StatusCode.500"],
                    "Comment": "Handle all non 200",
                    "Next": "HandleInvalidResponse",
                }
            ],
            "End": True,
        },
        "HandleInvalidResponse": {"Type": "Fail"},
    },
}

# AWS DG: the customer id taken from the input into the URL, and InvocationConfig (the JSONata spelling).
STRIPE_CUSTOMER = one(task(Resource=HTTP, Parameters={
    "ApiEndpoint.$": "States.Format('https://api.stripe.com/v1/customers/{}', $.customer_id)",
    "Method": "GET",
    "Authentication": {"ConnectionArn": STRIPE},
    "QueryParameters": {"expand[]": "default_source"},
}))
JSONATA_HTTP = jsonata(one(task(Resource=HTTP, Arguments={
    "ApiEndpoint": "{% 'https://api.stripe.com/v1/customers/' & $states.input.customer_id %}",
    "Method": "{% $states.input.method %}",
    "InvocationConfig": {"ConnectionArn": STRIPE},
    "Headers": {"Idempotency-Key": "{% $uuid() %}"},
    "RequestBody": "{% $states.input.body %}",
    "Transform": {"RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": "BRACKETS"}},
})))


CASES = [
    # --- valid HTTP tasks -------------------------------------------------------------------------
    ("AWS Stripe subscription example", STRIPE_SUBSCRIPTION, []),
    ("AWS Stripe customer list", one(http()), []),
    ("endpoint and query from the input", STRIPE_CUSTOMER, []),
    ("JSONata HTTP task", JSONATA_HTTP, []),
    ("JSONata whole request as an expression",
     jsonata(one(task(Resource=HTTP, Arguments="{% $states.input.request %}"))), []),
    ("every method", one(task(Resource=HTTP, Parameters={"ApiEndpoint": "http://127.0.0.1:8080/x", "Method": "PATCH"})),
     []),
    ("relative endpoint with a connection", one(http(ApiEndpoint="/v1/customers")), []),
    ("relative endpoint without a leading slash", one(http(ApiEndpoint="v1/projects:list")), []),
    ("connection by name", one(http(Authentication={"ConnectionArn": "stripe.prod_v2"})), []),
    ("connection ARN without an id", one(http(Authentication={
        "ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/Stripe"})), []),
    ("connection from the input", one(http(Authentication={"ConnectionArn.$": "$.connection"})), []),
    ("whole Authentication from the input", one(task(Resource=HTTP, Parameters={
        "ApiEndpoint": "/x", "Method": "GET", "Authentication.$": "$.auth"})), []),
    ("method from the input", one(without("Method", http(**{"Method.$": "$.method"}))), []),
    ("headers with dynamic values", one(http(Headers={"X-Request-Id.$": "States.UUID()", "Accept": "text/csv"})), []),
    ("RequestBody of any JSON", one(http(Method="POST", RequestBody="plain text")), []),
    ("Transform NONE", one(http(Transform={"RequestBodyEncoding": "NONE"})), []),
    ("ArrayFormat from the input", one(http(Transform={"RequestEncodingOptions": {"ArrayFormat.$": "$.fmt"}})), []),
    ("no connection with an absolute endpoint", one(without("Authentication", http())), []),
    ("china partition", one(http() | {"Resource": "arn:aws-cn:states:::http:invoke"}), []),
    # --- invalid HTTP tasks -----------------------------------------------------------------------
    ("http:invoke without Parameters", one(task(Resource=HTTP)), [(SCHEMA, "/States/S")]),
    ("JSONata http:invoke without Arguments", jsonata(one(task(Resource=HTTP))), [(SCHEMA, "/States/S")]),
    ("Parameters not an object", one(task(Resource=HTTP, Parameters=["GET"])), [(SCHEMA, P)]),
    ("Arguments not an object", jsonata(one(task(Resource=HTTP, Arguments=3))), [(SCHEMA, A)]),
    ("missing ApiEndpoint", one(without("ApiEndpoint", http())), [(SCHEMA, P)]),
    ("missing Method", one(without("Method", http())), [(SCHEMA, P)]),
    ("unknown parameter", one(http(Body={"a": 1})), [(SCHEMA, P)]),
    ("unknown dynamic parameter", one(http(**{"Url.$": "$.url"})), [(SCHEMA, P)]),
    ("JSONPath suffix in JSONata", jsonata(one(task(Resource=HTTP, Arguments={
        "ApiEndpoint": "https://x.example", "Method": "GET", "Headers.$": "$.h"}))), [(SCHEMA, A)]),
    ("method not allowed", one(http(Method="TRACE")), [(SCHEMA, f"{P}/Method")]),
    ("method in lower case", one(http(Method="get")), [(SCHEMA, f"{P}/Method")]),
    ("method not a string", one(http(Method=1)), [(SCHEMA, f"{P}/Method")]),
    ("JSONata method literal", jsonata(one(task(Resource=HTTP, Arguments={
        "ApiEndpoint": "https://x.example", "Method": "FETCH"}))), [(SCHEMA, f"{A}/Method")]),
    ("endpoint not http", one(http(ApiEndpoint="ftp://files.example.com/x")), [(SCHEMA, f"{P}/ApiEndpoint")]),
    ("endpoint without a host", one(http(ApiEndpoint="https:///v1")), [(SCHEMA, f"{P}/ApiEndpoint")]),
    ("endpoint with a bad port", one(http(ApiEndpoint="https://api.example.com:99999/")),
     [(SCHEMA, f"{P}/ApiEndpoint")]),
    ("endpoint host:port without a scheme", one(http(ApiEndpoint="localhost:8080/x")), [(SCHEMA, f"{P}/ApiEndpoint")]),
    ("endpoint with a space", one(http(ApiEndpoint="https://api.example.com/a b")), [(SCHEMA, f"{P}/ApiEndpoint")]),
    ("endpoint empty", one(http(ApiEndpoint="")), [(SCHEMA, f"{P}/ApiEndpoint")]),
    ("endpoint not a string", one(http(ApiEndpoint={"url": "x"})), [(SCHEMA, f"{P}/ApiEndpoint")]),
    ("endpoint network reference", one(http(ApiEndpoint="//other.example.com/x")), [(SCHEMA, f"{P}/ApiEndpoint")]),
    ("relative endpoint without a connection", one(without("Authentication", http(ApiEndpoint="/v1/customers"))),
     [(SCHEMA, f"{P}/ApiEndpoint")]),
    ("Authentication not an object", one(http(Authentication=STRIPE)), [(SCHEMA, f"{P}/Authentication")]),
    ("Authentication without ConnectionArn", one(http(Authentication={})), [(SCHEMA, f"{P}/Authentication")]),
    ("Authentication with an unknown field", one(http(Authentication={"ConnectionArn": "a", "Token": "t"})),
     [(SCHEMA, f"{P}/Authentication")]),
    ("ConnectionArn not a connection", one(http(Authentication={
        "ConnectionArn": "arn:aws:events:us-east-1:123456789012:rule/Stripe"})),
     [(SCHEMA, f"{P}/Authentication/ConnectionArn")]),
    ("connection name too long", one(task(Resource=HTTP, Parameters={
        "ApiEndpoint": "https://x.example", "Method": "GET", "InvocationConfig": {"ConnectionArn": "c" * 65}})),
     [(SCHEMA, f"{P}/InvocationConfig/ConnectionArn")]),
    ("connection name with a space", one(http(Authentication={"ConnectionArn": "my connection"})),
     [(SCHEMA, f"{P}/Authentication/ConnectionArn")]),
    ("ConnectionArn not a string", one(http(Authentication={"ConnectionArn": 7})),
     [(SCHEMA, f"{P}/Authentication/ConnectionArn")]),
    ("Authentication and InvocationConfig", one(http(InvocationConfig={"ConnectionArn": "other"})),
     [(SCHEMA, f"{P}/InvocationConfig")]),
    ("Headers not an object", one(http(Headers=["Accept: x"])), [(SCHEMA, f"{P}/Headers")]),
    ("forbidden header", one(http(Headers={"Authorization": "Bearer sk_live"})),
     [(SCHEMA, f"{P}/Headers/Authorization")]),
    ("forbidden header in another case", one(http(Headers={"hOsT": "evil.example"})), [(SCHEMA, f"{P}/Headers/hOsT")]),
    ("forbidden header from a path", one(http(Headers={"Cache-Control.$": "$.cc"})),
     [(SCHEMA, f"{P}/Headers/Cache-Control.$")]),
    ("forbidden header prefixes", one(http(Headers={"X-Forwarded-For": "1.2.3.4", "x-amz-date": "d",
                                                    "X-Amzn-Trace-Id": "t", "X-Amazing": "fine"})),
     [(SCHEMA, f"{P}/Headers/X-Forwarded-For"), (SCHEMA, f"{P}/Headers/x-amz-date"),
      (SCHEMA, f"{P}/Headers/X-Amzn-Trace-Id")]),
    ("JSONata forbidden header", jsonata(one(task(Resource=HTTP, Arguments={
        "ApiEndpoint": "https://x.example", "Method": "GET", "Headers": {"Origin": "{% $states.input.o %}"}}))),
     [(SCHEMA, f"{A}/Headers/Origin")]),
    ("QueryParameters not an object", one(http(QueryParameters="a=1")), [(SCHEMA, f"{P}/QueryParameters")]),
    ("Transform not an object", one(http(Transform="URL_ENCODED")), [(SCHEMA, f"{P}/Transform")]),
    ("Transform unknown encoding", one(http(Transform={"RequestBodyEncoding": "JSON"})),
     [(SCHEMA, f"{P}/Transform/RequestBodyEncoding")]),
    ("Transform unknown array format", one(http(Transform={"RequestEncodingOptions": {"ArrayFormat": "DEFAULT"}})),
     [(SCHEMA, f"{P}/Transform/RequestEncodingOptions/ArrayFormat")]),
    ("Transform unknown field", one(http(Transform={"Encoding": "NONE"})), [(SCHEMA, f"{P}/Transform")]),
    ("RequestEncodingOptions not an object", one(http(Transform={"RequestEncodingOptions": "REPEAT"})),
     [(SCHEMA, f"{P}/Transform/RequestEncodingOptions")]),
    ("RequestEncodingOptions unknown field", one(http(Transform={"RequestEncodingOptions": {"Format": "REPEAT"}})),
     [(SCHEMA, f"{P}/Transform/RequestEncodingOptions")]),
    ("http:invoke with .sync", one(http() | {"Resource": "arn:aws:states:::http:invoke.sync"}),
     [(RESOURCE, "/States/S/Resource")]),
    # --- waitForTaskToken -------------------------------------------------------------------------
    ("HTTP waitForTaskToken with the token", one(http(Method="POST", RequestBody={"token.$": "$$.Task.Token"})
                                               | {"Resource": HTTP + ".waitForTaskToken"}), []),
    ("HTTP waitForTaskToken without the token", one(http() | {"Resource": HTTP + ".waitForTaskToken"}),
     [(SCHEMA, P)]),
    ("XML-RPC waitForTaskToken with the token", one(xmlrpc(Params=[{"token.$": "$$.Task.Token"}])
                                                  | {"Resource": CALL + ".waitForTaskToken"}), []),
    ("XML-RPC waitForTaskToken without the token", one(xmlrpc() | {"Resource": CALL + ".waitForTaskToken"}),
     [(SCHEMA, P)]),
    ("JSONata XML-RPC waitForTaskToken", jsonata(one(task(Resource=CALL + ".waitForTaskToken", Arguments={
        "ApiEndpoint": "https://x.example/RPC2", "MethodName": "job.start",
        "Params": ["{% $states.context.Task.Token %}"]}))), []),
    # --- Flowdeck resources -----------------------------------------------------------------------
    ("xmlrpc:call", one(xmlrpc(Params=[1, "two", {"$dateTime": "2024-01-01T00:00:00"}])), []),
    ("xmlrpc:call with a struct", one(xmlrpc(Params={"customer": 42})), []),
    ("xmlrpc:call through a connection only", one(task(Resource=CALL, Parameters={
        "InvocationConfig": {"ConnectionArn": "billing"}, "MethodName": "system.listMethods"})), []),
    ("xmlrpc:call relative endpoint", one(task(Resource=CALL, Parameters={
        "ApiEndpoint": "/RPC2", "Authentication": {"ConnectionArn": "billing"}, "MethodName": "x",
        "Headers": {"X-Tenant": "acme"}})), []),
    ("xmlrpc:call dynamic", one(task(Resource=CALL, Parameters={
        "ApiEndpoint.$": "$.url", "MethodName.$": "$.method", "Params.$": "$.params"})), []),
    ("JSONata xmlrpc:call", jsonata(one(task(Resource=CALL, Arguments={
        "ApiEndpoint": "{% $states.input.url %}", "MethodName": "{% $states.input.m %}",
        "Params": "{% [$states.input.a] %}"}))), []),
    ("unknown flowdeck resource", one(xmlrpc() | {"Resource": "arn:flowdeck:states:::xmlrpc:invoke"}),
     [(RESOURCE, "/States/S/Resource")]),
    ("flowdeck .sync", one(xmlrpc() | {"Resource": CALL + ".sync"}), [(RESOURCE, "/States/S/Resource")]),
    ("flowdeck multicall waitForTaskToken", one(multicall([{"MethodName": "a", "Params": ["$$.Task.Token"]}])
                                                | {"Resource": MULTICALL + ".waitForTaskToken"}),
     [(SCHEMA, P), (RESOURCE, "/States/S/Resource")]),
    ("flowdeck resource with a region", one(xmlrpc() | {"Resource": "arn:flowdeck:states:eu-west-1::xmlrpc:call"}),
     [(RESOURCE, "/States/S/Resource")]),
    ("flowdeck other service", one(task(Resource="arn:flowdeck:lambda:::function:f")),
     [(RESOURCE, "/States/S/Resource")]),
    ("flowdeck http:invoke", one(http() | {"Resource": "arn:flowdeck:states:::http:invoke"}),
     [(RESOURCE, "/States/S/Resource")]),
    ("xmlrpc:call without Parameters", one(task(Resource=CALL)), [(SCHEMA, "/States/S")]),
    ("xmlrpc:call without MethodName", one(task(Resource=CALL, Parameters={"ApiEndpoint": "https://x.example"})),
     [(SCHEMA, P)]),
    ("xmlrpc:call MethodName empty", one(xmlrpc(MethodName="")), [(SCHEMA, f"{P}/MethodName")]),
    ("xmlrpc:call MethodName not a string", one(xmlrpc(MethodName=["a"])), [(SCHEMA, f"{P}/MethodName")]),
    ("xmlrpc:call Params a scalar", one(xmlrpc(Params=5)), [(SCHEMA, f"{P}/Params")]),
    ("xmlrpc:call without endpoint or connection", one(task(Resource=CALL, Parameters={"MethodName": "a"})),
     [(SCHEMA, P)]),
    ("xmlrpc:call relative endpoint without connection", one(xmlrpc(ApiEndpoint="/RPC2")),
     [(SCHEMA, f"{P}/ApiEndpoint")]),
    ("xmlrpc:call bad endpoint", one(xmlrpc(ApiEndpoint="mailto:ops@example.com")), [(SCHEMA, f"{P}/ApiEndpoint")]),
    ("xmlrpc:call unknown field", one(xmlrpc(Method="POST")), [(SCHEMA, P)]),
    ("xmlrpc:call forbidden header", one(xmlrpc(Headers={"Proxy-Authorization": "Basic x"})),
     [(SCHEMA, f"{P}/Headers/Proxy-Authorization")]),
    ("xmlrpc:call bad connection", one(xmlrpc(Authentication={"ConnectionArn": "a/b"})),
     [(SCHEMA, f"{P}/Authentication/ConnectionArn")]),
    ("multicall", one(multicall([{"MethodName": "a.b", "Params": [1]}, {"MethodName": "c"},
                                 {"MethodName.$": "$.m", "Params.$": "$.p"}])), []),
    ("multicall calls from the input", one(task(Resource=MULTICALL, Parameters={
        "ApiEndpoint": "https://x.example/RPC2", "Calls.$": "$.calls"})), []),
    ("JSONata multicall", jsonata(one(task(Resource=MULTICALL, Arguments={
        "ApiEndpoint": "https://x.example/RPC2", "Calls": ["{% $states.input.first %}", {"MethodName": "b"}]}))), []),
    ("multicall without Calls", one(task(Resource=MULTICALL, Parameters={"ApiEndpoint": "https://x.example"})),
     [(SCHEMA, P)]),
    ("multicall Calls empty", one(multicall([])), [(SCHEMA, f"{P}/Calls")]),
    ("multicall Calls not an array", one(multicall({"MethodName": "a"})), [(SCHEMA, f"{P}/Calls")]),
    ("multicall call not an object", one(multicall(["a"])), [(SCHEMA, f"{P}/Calls[0]")]),
    ("multicall call without MethodName", one(multicall([{"MethodName": "a"}, {"Params": []}])),
     [(SCHEMA, f"{P}/Calls[1]")]),
    ("multicall call with an unknown field", one(multicall([{"MethodName": "a", "Args": []}])),
     [(SCHEMA, f"{P}/Calls[0]")]),
    ("multicall call Params a scalar", one(multicall([{"MethodName": "a", "Params": "x"}])),
     [(SCHEMA, f"{P}/Calls[0]/Params")]),
    ("multicall call MethodName empty", one(multicall([{"MethodName": ""}])),
     [(SCHEMA, f"{P}/Calls[0]/MethodName")]),
    ("multicall MethodName field is for xmlrpc:call", one(multicall([{"MethodName": "a"}], MethodName="a")),
     [(SCHEMA, P)]),
    ("multicall without endpoint or connection",
     one(task(Resource=MULTICALL, Parameters={"Calls": [{"MethodName": "a"}]})), [(SCHEMA, P)]),
    # --- other resources are untouched ------------------------------------------------------------
    ("lambda Parameters are free-form", one(task(Parameters={"Method": "TRACE", "Headers": {"Host": "x"}})), []),
    ("own resource scheme", one(task(Resource="flowdeck:python:billing.charge", Parameters={"Calls": 1})), []),
]


@pytest.mark.parametrize("name, definition, expected", CASES, ids=ids(CASES))
def test_integrations(name, definition, expected):
    assert found(definition) == expected


def test_messages_name_the_problem():
    def message(definition):
        (diagnostic,) = validate(definition)
        return diagnostic.message

    assert "flowdeck" in message(one(task(Resource="arn:flowdeck:states:::xmlrpc:invoke")))
    assert "[ApiEndpoint, Method]" in message(one(task(Resource=HTTP, Parameters={})))
    assert "'authorization'" in message(one(http(Headers={"authorization": "x"})))
    assert "GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD" in message(one(http(Method="TRACE")))
    assert "'Body'" in message(one(http(Body=1)))
    assert "relative" in message(one(without("Authentication", http(ApiEndpoint="v1/x"))))


def test_nested_states_are_checked():
    definition = machine({"P": {"Type": "Parallel", "End": True, "Branches": [one(http(Method="TRACE"))]}})
    assert found(definition) == [(SCHEMA, "/States/P/Branches[0]/States/S/Parameters/Method")]
