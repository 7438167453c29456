"""The AWS-compatible endpoint: StartSyncExecution (Express), TestState and RedriveExecution."""
import json

import pytest

from executions import resources
from tests.executions.aws_helpers import PASS, PREFIX, error_of, make, sfn, unchecked  # noqa: F401
from tests.executions.runtime import drain

pytestmark = pytest.mark.django_db(transaction=True)
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"
ATTEMPTS = []


@resources.function("aws-triple")
def triple(event):
    return {"n": event["n"] * 3}


@resources.function("aws-second-time-lucky")
def second_time_lucky(event):
    ATTEMPTS.append(event)
    if len(ATTEMPTS) == 1:
        raise ConnectionError("not yet")
    return "done"


TRIPLE = json.dumps({"StartAt": "Triple", "States": {"Triple": {
    "Type": "Task", "Resource": LAMBDA + "aws-triple", "End": True}}})


def test_start_sync_execution(sfn, unchecked):
    arn = make(sfn, name="Fast", definition=TRIPLE, type="EXPRESS")
    result = sfn.start_sync_execution(stateMachineArn=arn, name="now", input='{"n": 5}')
    assert (result["status"], json.loads(result["output"]), result["name"]) == ("SUCCEEDED", {"n": 15}, "now")
    assert result["executionArn"].startswith(f"{PREFIX}:express:Fast:now:")
    assert result["stopDate"] >= result["startDate"] and result["billingDetails"]["billedMemoryUsedInMB"] > 0
    quiet = sfn.start_sync_execution(stateMachineArn=arn, input='{"n": 1}', includedData="METADATA_ONLY")
    assert "output" not in quiet and quiet["inputDetails"] == {"included": False}
    failed = sfn.start_sync_execution(stateMachineArn=arn, input='{"m": 1}')
    assert (failed["status"], failed["error"]) == ("FAILED", "KeyError")
    with pytest.raises(sfn.exceptions.StateMachineTypeNotSupported) as excinfo:
        sfn.start_sync_execution(stateMachineArn=make(sfn, definition=PASS))
    assert error_of(excinfo)[1] == "This operation is not supported by this type of state machine"
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.start_sync_execution(stateMachineArn=f"{PREFIX}:stateMachine:Nope")
    with pytest.raises(sfn.exceptions.InvalidExecutionInput):
        sfn.start_sync_execution(stateMachineArn=arn, input="{")
    with pytest.raises(sfn.exceptions.ValidationException):
        unchecked.start_sync_execution(stateMachineArn=arn, name="x" * 81)


def test_test_state(sfn):
    task = {"Type": "Task", "Resource": LAMBDA + "aws-triple", "ResultPath": "$.tripled", "Next": "After"}
    answered = sfn.test_state(definition=json.dumps(task), input='{"n": 2}', inspectionLevel="DEBUG")
    assert (answered["status"], answered["nextState"]) == ("SUCCEEDED", "After")
    assert json.loads(answered["output"]) == {"n": 2, "tripled": {"n": 6}}
    assert json.loads(answered["inspectionData"]["afterResultPath"]) == {"n": 2, "tripled": {"n": 6}}

    mocked = sfn.test_state(definition=json.dumps(task), input='{"n": 2}', mock={"result": '{"n": 0}'})
    assert json.loads(mocked["output"]) == {"n": 2, "tripled": {"n": 0}} and "inspectionData" not in mocked
    caught = dict(task, Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Handle"}])
    failing = sfn.test_state(definition=json.dumps(caught), mock={"errorOutput": {"error": "Boom", "cause": "c"}})
    assert (failing["status"], failing["nextState"], failing["error"]) == ("CAUGHT_ERROR", "Handle", "Boom")
    retried = dict(task, Retry=[{"ErrorEquals": ["Boom"], "MaxAttempts": 2}])
    retriable = sfn.test_state(definition=json.dumps(retried), mock={"errorOutput": {"error": "Boom"}},
                               stateConfiguration={"retrierRetryCount": 0})
    assert retriable["status"] == "RETRIABLE"
    assert retriable["inspectionData"]["errorDetails"]["retryIndex"] == 0

    machine = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"},
                                          "B": {"Type": "Pass", "Result": "b", "End": True}}}
    picked = sfn.test_state(definition=json.dumps(machine), stateName="B")
    assert (picked["status"], json.loads(picked["output"])) == ("SUCCEEDED", "b")

    with pytest.raises(sfn.exceptions.InvalidDefinition):
        sfn.test_state(definition="not json")
    with pytest.raises(sfn.exceptions.InvalidDefinition):
        sfn.test_state(definition=json.dumps(machine), stateName="Nope")
    with pytest.raises(sfn.exceptions.InvalidExecutionInput):
        sfn.test_state(definition=json.dumps(task), input="{")


def test_redrive_execution(sfn):
    ATTEMPTS.clear()
    arn = make(sfn, definition=json.dumps({"StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": LAMBDA + "aws-second-time-lucky", "End": True}}}))
    run = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    drain()
    assert sfn.describe_execution(executionArn=run)["redriveStatus"] == "REDRIVABLE"
    redriven = sfn.redrive_execution(executionArn=run)
    drain()
    described = sfn.describe_execution(executionArn=run)
    assert (described["status"], described["redriveCount"], json.loads(described["output"])) == (
        "SUCCEEDED", 1, "done")
    assert described["redriveDate"] == redriven["redriveDate"]
    assert [e["name"] for e in sfn.list_executions(stateMachineArn=arn, redriveFilter="REDRIVEN")["executions"]] \
        == [run.rsplit(":", 1)[1]]
    assert sfn.list_executions(stateMachineArn=arn, redriveFilter="NOT_REDRIVEN")["executions"] == []
    with pytest.raises(sfn.exceptions.ExecutionNotRedrivable):
        sfn.redrive_execution(executionArn=run)
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.redrive_execution(executionArn=f"{PREFIX}:execution:Orders:none")
