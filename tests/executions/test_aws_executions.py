"""The AWS-compatible endpoint, executions: StartExecution, DescribeExecution, StopExecution, ListExecutions,
GetExecutionHistory, DescribeStateMachineForExecution; executions run on the worker (drain())."""
import json

import pytest

from executions import resources
from tests.executions.aws_helpers import PASS, PREFIX, ROLE, error_of, make, sfn, unchecked  # noqa: F401
from tests.executions.runtime import drain

pytestmark = pytest.mark.django_db(transaction=True)


@resources.function("aws-double")
def double(event):
    return {"n": event["n"] * 2}


@resources.function("aws-explode")
def explode(event):
    raise ValueError("no")


DOUBLE = json.dumps({"StartAt": "Double", "States": {"Double": {
    "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:aws-double", "End": True}}})
EXPLODE = json.dumps({"StartAt": "Boom", "States": {"Boom": {
    "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:aws-explode", "End": True}}})
WAIT = json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}})


def test_start_run_on_the_worker_and_describe(sfn):
    arn = make(sfn, definition=DOUBLE)
    started = sfn.start_execution(stateMachineArn=arn, name="first", input='{"n": 21}', traceHeader="Root=1")
    run = started["executionArn"]
    assert run == f"{PREFIX}:execution:Orders:first"
    running = sfn.describe_execution(executionArn=run)
    assert (running["status"], running["redriveStatus"], "stopDate" in running) == ("RUNNING", "NOT_REDRIVABLE",
                                                                                    False)
    assert running["redriveStatusReason"] == "Execution is RUNNING and cannot be redriven"
    drain()
    done = sfn.describe_execution(executionArn=run)
    assert {key: done[key] for key in ("name", "status", "input", "output", "stateMachineArn", "inputDetails",
                                       "outputDetails", "redriveCount", "traceHeader")} == {
        "name": "first", "status": "SUCCEEDED", "input": '{"n": 21}', "output": '{"n":42}',
        "stateMachineArn": arn, "inputDetails": {"included": True}, "outputDetails": {"included": True},
        "redriveCount": 0, "traceHeader": "Root=1"}
    assert done["startDate"] == started["startDate"] and done["stopDate"] >= done["startDate"]
    assert done["redriveStatusReason"] == "Execution is SUCCEEDED and cannot be redriven"
    metadata = sfn.describe_execution(executionArn=run, includedData="METADATA_ONLY")
    assert ("input" in metadata, metadata["inputDetails"]) == (False, {"included": False})
    # The same name and input while it runs is the same execution (AWS's idempotent start); once it ended, not.
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists) as excinfo:
        sfn.start_execution(stateMachineArn=arn, name="first", input='{"n": 21}')
    assert error_of(excinfo)[1] == f"Execution Already Exists: '{run}'"
    waiting = make(sfn, name="Waits", definition=WAIT)
    one = sfn.start_execution(stateMachineArn=waiting, name="same")
    assert sfn.start_execution(stateMachineArn=waiting, name="same")["executionArn"] == one["executionArn"]


def test_failures_are_described(sfn):
    arn = make(sfn, definition=EXPLODE)
    run = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    drain()
    failed = sfn.describe_execution(executionArn=run)
    assert (failed["status"], failed["error"], failed["redriveStatus"]) == ("FAILED", "ValueError", "REDRIVABLE")
    assert json.loads(failed["cause"])["errorMessage"] == "no" and "output" not in failed


def test_start_errors(sfn, unchecked):
    arn = make(sfn)
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist) as excinfo:
        sfn.start_execution(stateMachineArn=f"{PREFIX}:stateMachine:Nope")
    assert error_of(excinfo)[1] == f"State Machine Does Not Exist: '{PREFIX}:stateMachine:Nope'"
    with pytest.raises(sfn.exceptions.InvalidExecutionInput) as excinfo:
        sfn.start_execution(stateMachineArn=arn, input="not json")
    assert error_of(excinfo)[1].startswith("Invalid State Machine Execution Input: '")
    with pytest.raises(sfn.exceptions.InvalidName):
        sfn.start_execution(stateMachineArn=arn, name="bad name")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.start_execution(stateMachineArn=f"{PREFIX}:activity:Orders")
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        unchecked.start_execution(stateMachineArn=arn, name="n" * 81)
    assert error_of(excinfo)[1] == ("1 validation error detected: Value '" + "n" * 81 + "' at 'name' failed to "
                                    "satisfy constraint: Member must have length less than or equal to 80")
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        sfn.start_execution(stateMachineArn=arn, input="1" * 262_145)
    assert error_of(excinfo)[1] == ("1 validation error detected: Value at 'input' failed to satisfy constraint: "
                                    "Member must have size less than or equal to 262144 bytes in UTF-8 encoding")


def test_stop(sfn):
    arn = make(sfn, definition=WAIT)
    run = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    stopped = sfn.stop_execution(executionArn=run, error="Operator", cause="no longer needed")
    described = sfn.describe_execution(executionArn=run)
    assert (described["status"], described["error"], described["cause"]) == ("ABORTED", "Operator",
                                                                              "no longer needed")
    assert described["stopDate"] == stopped["stopDate"]
    assert sfn.stop_execution(executionArn=run)["stopDate"] == stopped["stopDate"]  # already over
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.stop_execution(executionArn=f"{PREFIX}:execution:Orders:none")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.stop_execution(executionArn="nope")


def test_list_executions_filters_and_pages(sfn, unchecked):
    arn = make(sfn, definition=WAIT)
    for n in range(5):
        sfn.start_execution(stateMachineArn=arn, name=f"run-{n}")
    sfn.stop_execution(executionArn=f"{PREFIX}:execution:Orders:run-1")
    first = sfn.list_executions(stateMachineArn=arn, maxResults=2)
    assert [e["name"] for e in first["executions"]] == ["run-4", "run-3"]
    assert first["executions"][0]["redriveCount"] == 0 and first["executions"][0]["stateMachineArn"] == arn
    second = sfn.list_executions(stateMachineArn=arn, maxResults=2, nextToken=first["nextToken"])
    assert [e["name"] for e in second["executions"]] == ["run-2", "run-1"]
    assert [e["name"] for e in sfn.list_executions(stateMachineArn=arn, statusFilter="ABORTED")["executions"]] \
        == ["run-1"]
    everything = [e["name"] for page in sfn.get_paginator("list_executions").paginate(
        stateMachineArn=arn, statusFilter="RUNNING", PaginationConfig={"PageSize": 3}) for e in page["executions"]]
    assert everything == ["run-4", "run-3", "run-2", "run-0"]
    assert sfn.list_executions(stateMachineArn=arn, redriveFilter="REDRIVEN")["executions"] == []
    with pytest.raises(sfn.exceptions.InvalidToken):  # a token of another filter
        sfn.list_executions(stateMachineArn=arn, statusFilter="ABORTED", nextToken=first["nextToken"])
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.list_executions(stateMachineArn=f"{PREFIX}:stateMachine:Nope")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.list_executions(stateMachineArn="invalid_state_machine_arn")
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        sfn.list_executions()
    assert error_of(excinfo)[1] == "Must provide a StateMachine ARN or a MapRun ARN"
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        unchecked.list_executions(stateMachineArn=arn, statusFilter="succeeded")
    assert "Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, " \
           "RUNNING]" in error_of(excinfo)[1]
    express = make(sfn, name="Fast", type="EXPRESS")
    with pytest.raises(sfn.exceptions.StateMachineTypeNotSupported):
        sfn.list_executions(stateMachineArn=express)


def test_history_pages_reverses_and_drops_data(sfn, unchecked):
    arn = make(sfn, definition=DOUBLE)
    run = sfn.start_execution(stateMachineArn=arn, input='{"n": 1}')["executionArn"]
    drain()
    history = sfn.get_execution_history(executionArn=run)
    types = [event["type"] for event in history["events"]]
    assert types == ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                     "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    started = history["events"][0]
    assert (started["id"], started["previousEventId"]) == (1, 0)
    assert json.loads(started["executionStartedEventDetails"]["input"]) == {"n": 1}
    assert started["executionStartedEventDetails"]["roleArn"] == ROLE
    assert "nextToken" not in history

    page = sfn.get_execution_history(executionArn=run, maxResults=3)
    assert [event["id"] for event in page["events"]] == [1, 2, 3]
    rest = sfn.get_execution_history(executionArn=run, maxResults=3, nextToken=page["nextToken"])
    assert [event["id"] for event in rest["events"]] == [4, 5, 6]
    reverse = sfn.get_execution_history(executionArn=run, reverseOrder=True, maxResults=2)
    assert [event["id"] for event in reverse["events"]] == [7, 6]
    more = sfn.get_execution_history(executionArn=run, reverseOrder=True, maxResults=2,
                                     nextToken=reverse["nextToken"])
    assert [event["id"] for event in more["events"]] == [5, 4]
    with pytest.raises(sfn.exceptions.InvalidToken):  # the token of the other direction
        sfn.get_execution_history(executionArn=run, nextToken=reverse["nextToken"])
    paged = [event["id"] for page in sfn.get_paginator("get_execution_history").paginate(
        executionArn=run, PaginationConfig={"PageSize": 2}) for event in page["events"]]
    assert paged == [1, 2, 3, 4, 5, 6, 7]

    bare = sfn.get_execution_history(executionArn=run, includeExecutionData=False)["events"]
    assert "input" not in bare[0]["executionStartedEventDetails"]
    assert bare[0]["executionStartedEventDetails"]["roleArn"] == ROLE
    assert "output" not in bare[-1].get("executionSucceededEventDetails", {})
    assert "output" not in bare[4]["lambdaFunctionSucceededEventDetails"]
    assert [event["type"] for event in bare] == types

    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.get_execution_history(executionArn=f"{PREFIX}:execution:Orders:none")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.get_execution_history(executionArn="invalid_state_machine_arn")
    with pytest.raises(sfn.exceptions.ValidationException):
        unchecked.get_execution_history(executionArn=run, maxResults=1001)


def test_describe_state_machine_for_execution_shows_the_revision_it_ran(sfn):
    arn = make(sfn, definition=PASS)
    run = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    updated = sfn.update_state_machine(stateMachineArn=arn, definition=WAIT)
    second = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    first_machine = sfn.describe_state_machine_for_execution(executionArn=run)
    assert (first_machine["stateMachineArn"], first_machine["definition"], first_machine["roleArn"]) == (
        arn, PASS, ROLE)
    assert "revisionId" not in first_machine and first_machine["name"] == "Orders"
    second_machine = sfn.describe_state_machine_for_execution(executionArn=second)
    assert (second_machine["definition"], second_machine["revisionId"]) == (WAIT, updated["revisionId"])
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.describe_state_machine_for_execution(executionArn=f"{PREFIX}:execution:Orders:none")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_state_machine_for_execution(executionArn=arn)
