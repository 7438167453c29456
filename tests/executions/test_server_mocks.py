"""Executions on the server answered by a MockConfigFile test case (AWS Step Functions Local's format)."""
import json
import os

import pytest

from designer import errors
from executions import mocks_server, resources, services
from executions.models import ActivityTask, Execution, TaskToken
from tests.executions.aws_helpers import sfn  # noqa: F401  (fixture)
from tests.executions.runtime import drain, history, make_machine

pytestmark = pytest.mark.django_db(transaction=True)

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"
REAL_CALLS = []


@resources.function("mocks-real")
def real(event):
    REAL_CALLS.append(event)
    return {"real": True}


@resources.function("mocks-never")
def never(event):
    raise AssertionError("a mocked state must not call its resource")


MOCKS = {
    "StateMachines": {
        "Orders": {"TestCases": {
            "HappyPath": {"Charge": "ChargeOk"},
            "RetryPath": {"Charge": "FailThenOk"},
            "Exhausted": {"Charge": "OnlyOnce"},
            "Loop": {"Charge": "Counted"},
        }},
        "Waits": {"TestCases": {"Mocked": {"Callback": "ChargeOk", "Work": "ChargeOk", "Nested": "Started"}}},
        "Items": {"TestCases": {"Each": {"Charge": "Counted"}}},
    },
    "MockedResponses": {
        "ChargeOk": {"0": {"Return": {"charged": True}}},
        "FailThenOk": {"0": {"Throw": {"Error": "Payment.Declined", "Cause": "card declined"}},
                       "1": {"Return": {"charged": "second try"}}},
        "OnlyOnce": {"0": {"Throw": {"Error": "Payment.Declined", "Cause": "again"}}},
        "Counted": {"0": {"Return": 0}, "1": {"Return": 1}, "2": {"Return": 2}, "3-9": {"Return": "many"}},
        "Started": {"0": {"Return": {"ExecutionArn": "arn:mocked", "StartDate": 0}}},
    },
}


@pytest.fixture(autouse=True)
def mock_file(tmp_path, settings):
    path = tmp_path / "MockConfigFile.json"
    path.write_text(json.dumps(MOCKS))
    settings.FLOWDECK_MOCK_CONFIG = str(path)
    REAL_CALLS.clear()
    return path


def orders(retry=False):
    charge = {"Type": "Task", "Resource": LAMBDA + "mocks-never", "ResultPath": "$.charge", "Next": "Ship"}
    if retry:
        charge["Retry"] = [{"ErrorEquals": ["Payment.Declined"], "IntervalSeconds": 1, "MaxAttempts": 1}]
    return make_machine({"StartAt": "Charge", "States": {
        "Charge": charge,
        "Ship": {"Type": "Task", "Resource": LAMBDA + "mocks-real", "ResultPath": "$.ship", "End": True}}},
        name="Orders")


def finished(execution, jump_timers=0):
    drain(jump_timers=jump_timers)
    execution.refresh_from_db()
    return execution


def test_a_mocked_state_answers_from_its_test_case_and_the_others_run_for_real():
    execution = finished(services.start_execution(orders(), input="{}", test_case="HappyPath"))
    assert execution.status == "SUCCEEDED"
    assert json.loads(execution.output) == {"charge": {"charged": True}, "ship": {"real": True}}
    assert len(REAL_CALLS) == 1
    assert execution.test_case == "HappyPath" and execution.mock_invocations == {"Charge": 1}
    assert history(execution)[:6] == ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
                                      "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited"]


def test_the_same_machine_without_a_test_case_calls_its_resources():
    execution = finished(services.start_execution(orders(), input="{}"))
    assert (execution.status, execution.error) == ("FAILED", "AssertionError")


def test_each_retry_takes_the_next_mocked_invocation():
    execution = finished(services.start_execution(orders(retry=True), input="{}", test_case="RetryPath"),
                         jump_timers=1)
    assert execution.status == "SUCCEEDED"
    assert json.loads(execution.output)["charge"] == {"charged": "second try"}
    failed = execution.events.get(type="LambdaFunctionFailed").details["lambdaFunctionFailedEventDetails"]
    assert failed == {"error": "Payment.Declined", "cause": "card declined"}


def test_an_invocation_without_a_mocked_response_fails_with_states_runtime():
    execution = finished(services.start_execution(orders(retry=True), input="{}", test_case="Exhausted"),
                         jump_timers=1)
    assert (execution.status, execution.error) == ("FAILED", "States.Runtime")
    assert "No mocked response for invocation 1 of state 'Charge'" in execution.cause
    assert "defines invocations 0" in execution.cause


def test_the_invocation_count_is_stored_with_the_execution_and_survives_a_restart():
    machine = make_machine({"StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Resource": LAMBDA + "mocks-never", "ResultPath": "$.last", "Next": "Again?"},
        "Again?": {"Type": "Choice", "Choices": [{"Variable": "$.last", "StringEquals": "many", "Next": "Done"}],
                   "Default": "Pause"},
        "Pause": {"Type": "Wait", "Seconds": 3600, "Next": "Charge"},
        "Done": {"Type": "Succeed"}}}, name="Orders")
    execution = services.start_execution(machine, input="{}", test_case="Loop")
    drain()
    assert Execution.objects.get(pk=execution.pk).mock_invocations == {"Charge": 1}
    mocks_server._cache.clear()  # a restarted worker has nothing in memory: the count comes from the row
    execution = finished(execution, jump_timers=3)
    assert execution.status == "SUCCEEDED" and execution.mock_invocations == {"Charge": 4}
    succeeded = execution.events.filter(type="LambdaFunctionSucceeded").order_by("event_id")
    results = [json.loads(event.details["lambdaFunctionSucceededEventDetails"]["output"]) for event in succeeded]
    assert results == [0, 1, 2, "many"]


def test_map_iterations_take_invocation_numbers_in_order():
    machine = make_machine({"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemsPath": "$.items", "End": True,
        "ItemProcessor": {"StartAt": "Charge", "States": {
            "Charge": {"Type": "Task", "Resource": LAMBDA + "mocks-never", "End": True}}}}}}, name="Items")
    execution = finished(services.start_execution(machine, input='{"items": [1, 2, 3, 4]}', test_case="Each"))
    assert execution.status == "SUCCEEDED"
    assert json.loads(execution.output) == [0, 1, 2, "many"]


def test_callbacks_activities_and_nested_starts_are_answered_by_their_mocks():
    machine = make_machine({"StartAt": "Callback", "States": {
        "Callback": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                     "Parameters": {"FunctionName": "mocks-never", "Payload": {"t.$": "$$.Task.Token"}},
                     "ResultPath": "$.callback", "Next": "Work"},
        "Work": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:nobody-listens",
                 "ResultPath": "$.work", "Next": "Nested"},
        "Nested": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
                   "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Nope"},
                   "ResultPath": "$.nested", "End": True}}}, name="Waits")
    execution = finished(services.start_execution(machine, input="{}", test_case="Mocked"))
    assert execution.status == "SUCCEEDED"
    assert json.loads(execution.output) == {"callback": {"charged": True}, "work": {"charged": True},
                                            "nested": {"ExecutionArn": "arn:mocked", "StartDate": 0}}
    assert not TaskToken.objects.exists() and not ActivityTask.objects.exists()
    assert not execution.children.exists()


def test_a_mocked_answer_delivered_twice_is_recorded_once():
    from executions import jobs

    execution = services.start_execution(orders(), input="{}", test_case="HappyPath")
    task_id = execution.run_state["frames"][0]["data"]["task"]
    jobs._answer(execution.pk, task_id, {"value": {"charged": True}})
    jobs._answer(execution.pk, task_id, {"value": {"charged": True}})  # the job ran again after a crash
    execution = finished(execution)
    assert execution.status == "SUCCEEDED"
    assert history(execution).count("LambdaFunctionSucceeded") == 2  # Charge once, Ship once


@pytest.mark.parametrize("machine_name, test_case", [("Orders", "NoSuchCase"), ("Unmocked", "HappyPath")])
def test_an_unknown_test_case_is_refused_at_start(machine_name, test_case):
    machine = make_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, name=machine_name)
    with pytest.raises(errors.ValidationException, match="Invalid test case"):
        services.start_execution(machine, input="{}", test_case=test_case)
    assert not Execution.objects.exists()


def test_without_a_mock_file_a_test_case_is_refused(settings, monkeypatch):
    settings.FLOWDECK_MOCK_CONFIG = None
    monkeypatch.delenv("FLOWDECK_MOCK_CONFIG", raising=False)
    monkeypatch.delenv("SFN_MOCK_CONFIG", raising=False)
    with pytest.raises(errors.ValidationException, match="FLOWDECK_MOCK_CONFIG"):
        services.start_execution(orders(), input="{}", test_case="HappyPath")


def test_the_environment_variable_names_the_file(settings, monkeypatch, mock_file):
    settings.FLOWDECK_MOCK_CONFIG = None
    monkeypatch.setenv("FLOWDECK_MOCK_CONFIG", str(mock_file))
    execution = finished(services.start_execution(orders(), input="{}", test_case="HappyPath"))
    assert execution.status == "SUCCEEDED"


def test_a_changed_file_is_read_again(mock_file):
    machine = orders()
    finished(services.start_execution(machine, input="{}", test_case="HappyPath", name="before"))
    changed = json.loads(json.dumps(MOCKS))
    changed["MockedResponses"]["ChargeOk"]["0"]["Return"] = {"charged": "changed"}
    mock_file.write_text(json.dumps(changed))
    os.utime(mock_file, (1, 1))  # a different mtime even within the same clock tick
    execution = finished(services.start_execution(machine, input="{}", test_case="HappyPath", name="after"))
    assert json.loads(execution.output)["charge"] == {"charged": "changed"}


def test_an_arn_with_a_test_case_starts_a_mocked_execution_through_the_aws_endpoint(sfn):
    orders()
    started = sfn.start_execution(stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:Orders"
                                                  "#HappyPath", input="{}", name="mocked")
    drain()
    described = sfn.describe_execution(executionArn=started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"])["charge"] == {"charged": True}
    with pytest.raises(sfn.exceptions.ValidationException, match="NoSuchCase"):
        sfn.start_execution(stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:Orders#NoSuchCase")


def test_split_test_case():
    assert mocks_server.split_test_case("arn:x:stateMachine:M#Case") == ("arn:x:stateMachine:M", "Case")
    assert mocks_server.split_test_case("arn:x:stateMachine:M") == ("arn:x:stateMachine:M", "")
