"""The resource registry: who answers a Task, by Resource URI."""
from datetime import datetime, timezone

import pytest

from designer.asl.compile import compile_machine
from designer.asl.errors import StatesError
from executions.engine import signals as sig
from executions.engine.mocks import MockConfig
from executions.engine.resolvers import ResourceRegistry
from executions.engine.runner import LocalRunner, UnresolvedResource


def invoke(resource, payload=None, state="S"):
    return sig.InvokeTask("task-1", resource, payload, state, 0, "arn:exec")


def test_exact_uri_beats_prefix_and_longest_prefix_wins():
    registry = ResourceRegistry()
    registry.register("arn:aws:lambda:*", lambda c: "any lambda")
    registry.register("arn:aws:lambda:us-east-1:123456789012:function:*", lambda c: "account lambda")
    registry.register("arn:aws:lambda:us-east-1:123456789012:function:exact", lambda c: "exact")
    assert registry(invoke("arn:aws:lambda:us-east-1:123456789012:function:exact")) == "exact"
    assert registry(invoke("arn:aws:lambda:us-east-1:123456789012:function:other")) == "account lambda"
    assert registry(invoke("arn:aws:lambda:eu-west-1:999999999999:function:x")) == "any lambda"


def test_re_registering_a_prefix_replaces_it():
    registry = ResourceRegistry()
    registry.register("flowdeck:*", lambda c: 1)
    registry.register("flowdeck:*", lambda c: 2)
    assert registry(invoke("flowdeck:thing")) == 2


def test_unknown_resource_is_unresolved_with_the_state_named():
    with pytest.raises(UnresolvedResource, match="state 'Charge'"):
        ResourceRegistry()(invoke("arn:aws:states:::sqs:sendMessage", state="Charge"))


def test_python_function_exceptions_become_errors_named_after_their_class():
    class PaymentDeclined(Exception):
        pass

    def charge(payload):
        raise PaymentDeclined(f"card {payload['card']} declined")

    registry = ResourceRegistry()
    registry.register_function("flowdeck:charge", charge)
    with pytest.raises(StatesError) as caught:
        registry(invoke("flowdeck:charge", {"card": "4242"}))
    assert (caught.value.error, caught.value.cause) == ("PaymentDeclined", "card 4242 declined")


def test_states_errors_from_functions_keep_their_name():
    def fail(payload):
        raise StatesError("Custom.Error", "why")

    registry = ResourceRegistry()
    registry.register_function("flowdeck:fail", fail)
    with pytest.raises(StatesError) as caught:
        registry(invoke("flowdeck:fail"))
    assert caught.value.error == "Custom.Error"


def test_registry_drives_a_run_and_serves_as_the_fallback_of_mocks():
    machine = compile_machine({
        "StartAt": "Double",
        "States": {
            "Double": {"Type": "Task", "Resource": "flowdeck:double", "ResultPath": "$.doubled", "Next": "Mocked"},
            "Mocked": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "ResultPath": "$.sent",
                       "End": True},
        },
    })
    registry = ResourceRegistry()
    registry.register_function("flowdeck:double", lambda payload: payload["n"] * 2)
    resolver = MockConfig.for_states({"Mocked": {"0": {"Return": {"MessageId": "m-1"}}}}, fallback=registry)
    result = LocalRunner(machine, resolver, start_time=datetime(2026, 1, 1, tzinfo=timezone.utc)).run({"n": 21})
    assert result.status == "SUCCEEDED"
    assert result.output == {"n": 21, "doubled": 42, "sent": {"MessageId": "m-1"}}


def test_a_failing_function_is_retried_and_caught_like_any_task_error():
    calls = []

    def flaky(payload):
        calls.append(payload)
        raise TimeoutError("upstream slow")

    machine = compile_machine({
        "StartAt": "Call",
        "States": {
            "Call": {"Type": "Task", "Resource": "flowdeck:flaky",
                     "Retry": [{"ErrorEquals": ["TimeoutError"], "MaxAttempts": 2, "IntervalSeconds": 1}],
                     "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}], "End": True},
            "Handled": {"Type": "Pass", "End": True},
        },
    })
    registry = ResourceRegistry()
    registry.register_function("flowdeck:flaky", flaky)
    result = LocalRunner(machine, registry, start_time=datetime(2026, 1, 1, tzinfo=timezone.utc)).run({"x": 1})
    assert len(calls) == 3
    assert result.output == {"Error": "TimeoutError", "Cause": "upstream slow"}
