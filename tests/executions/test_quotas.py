"""The open-executions quota (AWS: 1,000,000 open Standard executions per account, ExecutionLimitExceeded
beyond), here FLOWDECK_MAX_OPEN_EXECUTIONS: boto3 against a live server with a small limit."""
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from executions import quotas, resources
from executions.models import Execution
from tests.executions.aws_helpers import PREFIX, error_of, make, sfn  # noqa: F401
from tests.executions.runtime import drain

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}})
SHORT = json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}})


@resources.function("quota-fails")
def fails(event):
    raise RuntimeError("no")


def test_starts_beyond_the_limit_are_refused_until_one_ends(sfn, settings):
    settings.FLOWDECK_MAX_OPEN_EXECUTIONS = 2
    arn = make(sfn, definition=WAIT)
    first = sfn.start_execution(stateMachineArn=arn, name="first")["executionArn"]
    sfn.start_execution(stateMachineArn=arn, name="second")
    with pytest.raises(sfn.exceptions.ExecutionLimitExceeded) as excinfo:
        sfn.start_execution(stateMachineArn=arn, name="third")
    assert error_of(excinfo) == ("ExecutionLimitExceeded", quotas.MESSAGE)
    assert not Execution.objects.filter(name="third").exists()
    # Starting a running execution again is the same execution (idempotent), not a new one.
    assert sfn.start_execution(stateMachineArn=arn, name="first")["executionArn"] == first
    # AWS: the quota does not apply to Express workflows.
    express = make(sfn, name="Quick", definition=SHORT, type="EXPRESS")
    sfn.start_execution(stateMachineArn=express)
    sfn.start_execution(stateMachineArn=express)
    sfn.stop_execution(executionArn=first)
    sfn.start_execution(stateMachineArn=arn, name="third")
    with pytest.raises(sfn.exceptions.ExecutionLimitExceeded):
        sfn.start_execution(stateMachineArn=arn, name="fourth")


def test_a_redrive_reopens_an_execution_and_counts(sfn, settings):
    settings.FLOWDECK_MAX_OPEN_EXECUTIONS = 1
    failing = make(sfn, name="Fails", definition=json.dumps({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:quota-fails", "End": True}}}))
    failed = sfn.start_execution(stateMachineArn=failing)["executionArn"]
    drain()
    waiting = sfn.start_execution(stateMachineArn=make(sfn, definition=WAIT))["executionArn"]
    with pytest.raises(sfn.exceptions.ExecutionLimitExceeded):
        sfn.redrive_execution(executionArn=failed)
    assert sfn.describe_execution(executionArn=failed)["redriveCount"] == 0
    sfn.stop_execution(executionArn=waiting)
    sfn.redrive_execution(executionArn=failed)
    assert sfn.describe_execution(executionArn=failed)["redriveCount"] == 1


def test_a_child_beyond_the_limit_fails_the_parent_task(sfn, settings):
    settings.FLOWDECK_MAX_OPEN_EXECUTIONS = 1
    make(sfn, definition=WAIT)
    parent = make(sfn, name="Parent", definition=json.dumps({"StartAt": "Start", "States": {"Start": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
        "Parameters": {"StateMachineArn": f"{PREFIX}:stateMachine:Orders"}, "End": True}}}))
    run = sfn.start_execution(stateMachineArn=parent)["executionArn"]  # the only open one
    drain()
    failed = sfn.describe_execution(executionArn=run)
    assert (failed["status"], failed["error"]) == ("FAILED", "StepFunctions.ExecutionLimitExceededException")
    assert failed["cause"].startswith(quotas.MESSAGE + " (Service: AWSStepFunctions; Status Code: 400; "
                                      "Error Code: ExecutionLimitExceeded;")


def test_far_from_the_limit_a_start_counts_nothing(settings, monkeypatch):
    monkeypatch.setattr(quotas, "_estimate", quotas._Estimate())
    monkeypatch.setattr(quotas, "REFRESH_SECONDS", 3600.0)  # this test is not about the refresh
    settings.FLOWDECK_MAX_OPEN_EXECUTIONS = 1_000_000
    with CaptureQueriesContext(connection) as queries:
        for _ in range(50):
            quotas.check_open_executions()
    assert len(queries) == 1  # the count taken once (a second), not one per start

    # Near the limit (within HEADROOM of it), every start counts exactly.
    monkeypatch.setattr(quotas, "HEADROOM", 10)
    settings.FLOWDECK_MAX_OPEN_EXECUTIONS = 20
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            quotas.check_open_executions()  # estimate 50 started + 10 of headroom: past 20
    assert len(queries) == 5 and all("designer_statemachine" in query["sql"] for query in queries)
