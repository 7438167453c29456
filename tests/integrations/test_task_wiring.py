"""How the runtime runs the HTTP and XML-RPC tasks: call records reach the history and the `flowdeck.calls`
log, and a fault of ours inside a task fails it cleanly (with nothing of the exception's text) instead of
leaving the execution waiting."""
from __future__ import annotations

import json

import pytest

from executions import resources, services
from executions.integrations.calls import CallFailed, CallRecord
from tests.executions.aws_helpers import sfn  # noqa: F401 -- fixture
from tests.executions.runtime import drain, make_machine

pytestmark = pytest.mark.django_db(transaction=True)

HTTP_TASK = {"StartAt": "Call", "States": {"Call": {
    "Type": "Task", "Resource": "arn:aws:states:::http:invoke",
    "Parameters": {"ApiEndpoint": "http://127.0.0.1:9/x", "Method": "GET"}, "End": True}}}


def run(definition: dict):
    execution = services.start_execution(make_machine(definition), input="{}")
    drain()
    execution.refresh_from_db()
    return execution


def test_a_call_record_goes_to_history_and_the_calls_log(monkeypatch, caplog):
    record = CallRecord("http", "GET", "http://127.0.0.1:9/x", attempt=1, status=200, duration_ms=5)
    monkeypatch.setitem(resources._INTEGRATIONS, "http", lambda command, info: ({"StatusCode": 200}, record))
    with caplog.at_level("INFO", logger="flowdeck.calls"):
        execution = run(HTTP_TASK)
    assert execution.status == "SUCCEEDED"
    succeeded = execution.events.get(type="TaskSucceeded").details["taskSucceededEventDetails"]
    assert succeeded["call"] == record.to_dict()
    line = json.loads(next(r.getMessage() for r in caplog.records if r.name == "flowdeck.calls"))
    assert line["event"] == "task.call" and line["state"] == "Call" and line["statusCode"] == 200
    assert line["execution"] == execution.arn


def test_an_unexpected_fault_fails_the_task_without_its_text(monkeypatch, caplog):
    secret = "-".join(("super", "secret", "value"))  # built at run time: the logged traceback shows source lines

    def broken(command, info):
        raise RuntimeError(f"token={secret}")

    monkeypatch.setitem(resources._INTEGRATIONS, "http", broken)
    execution = run(HTTP_TASK)
    assert execution.status == "FAILED" and execution.error == "States.TaskFailed"
    assert secret not in caplog.text and "RuntimeError" in caplog.text
    failed = execution.events.get(type="TaskFailed").details["taskFailedEventDetails"]
    assert secret not in json.dumps(failed)


def test_the_aws_history_leaves_the_call_record_out(monkeypatch, sfn):
    record = CallRecord("http", "GET", "http://127.0.0.1:9/x", attempt=1, status=404, duration_ms=5,
                        error="States.Http.StatusCode.404", request_sha256="0" * 64)
    monkeypatch.setitem(resources._INTEGRATIONS, "http", lambda command, info: (_ for _ in ()).throw(
        CallFailed("States.Http.StatusCode.404", "{}", record)))
    execution = run(HTTP_TASK)
    assert execution.events.get(type="TaskFailed").details["taskFailedEventDetails"]["call"] == record.to_dict()
    events = sfn.get_execution_history(executionArn=execution.arn)["events"]  # shaped strictly: no unknown key
    failed = next(e for e in events if e["type"] == "TaskFailed")["taskFailedEventDetails"]
    assert failed["error"] == "States.Http.StatusCode.404" and "call" not in failed
