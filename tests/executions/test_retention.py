"""Retention of closed executions (AWS: 90 days, during which a Standard execution's name is taken), pruned by
the workers: boto3 against a live server, stop dates moved back in time."""
import json
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from designer.models import StateMachine, StateMachineRevision
from executions.management.commands import runexecutions
from executions.models import ActivityTask, Execution, ExecutionEvent, TaskToken, Worker
from executions.retention import prune_closed_executions
from tests.executions.aws_helpers import PASS, PREFIX, error_of, make, sfn  # noqa: F401
from tests.executions.runtime import drain

pytestmark = pytest.mark.django_db(transaction=True)
REVIEW = json.dumps({"StartAt": "Review", "States": {"Review": {
    "Type": "Task", "Resource": f"{PREFIX}:activity:review", "End": True}}})


def closed_days_ago(arn: str, days: float) -> None:
    Execution.objects.filter(arn=arn).update(stop_date=timezone.now() - timedelta(days=days))


def test_a_name_is_taken_for_the_retention_period_then_free(sfn):
    arn = make(sfn)
    run = sfn.start_execution(stateMachineArn=arn, name="nightly")["executionArn"]
    drain()
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists) as excinfo:
        sfn.start_execution(stateMachineArn=arn, name="nightly")
    assert error_of(excinfo)[1] == f"Execution Already Exists: '{run}'"

    closed_days_ago(run, 89.9)  # inside AWS's 90 days: kept, the name still taken
    assert prune_closed_executions() == 0
    assert sfn.describe_execution(executionArn=run)["status"] == "SUCCEEDED"
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(stateMachineArn=arn, name="nightly")

    closed_days_ago(run, 90.1)
    assert prune_closed_executions() == 1
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.describe_execution(executionArn=run)
    assert not ExecutionEvent.objects.exists()  # the history went with it
    again = sfn.start_execution(stateMachineArn=arn, name="nightly", input='{"second": true}')
    assert again["executionArn"] == run
    assert sfn.describe_execution(executionArn=run)["input"] == '{"second": true}'


def test_the_retention_period_is_a_setting_and_open_executions_stay(sfn, settings):
    settings.FLOWDECK_EXECUTION_RETENTION_DAYS = 7
    arn = make(sfn)
    old, recent = (sfn.start_execution(stateMachineArn=arn, name=name)["executionArn"] for name in ("old", "recent"))
    sfn.create_activity(name="review")
    waiting = make(sfn, name="Waits", definition=REVIEW)
    running = sfn.start_execution(stateMachineArn=waiting, name="running")["executionArn"]
    stopped = sfn.start_execution(stateMachineArn=waiting, name="stopped")["executionArn"]
    drain()
    sfn.stop_execution(executionArn=stopped)
    closed_days_ago(old, 8)
    closed_days_ago(recent, 6)
    closed_days_ago(stopped, 30)
    Execution.objects.filter(arn=running).update(start_date=timezone.now() - timedelta(days=400))
    assert TaskToken.objects.filter(execution__arn=stopped).exists()

    assert prune_closed_executions() == 2
    assert set(Execution.objects.values_list("arn", flat=True)) == {recent, running}
    assert not TaskToken.objects.filter(execution__arn=stopped).exists()  # tokens go with their execution
    assert ActivityTask.objects.count() == 1  # and the activity work they stood for
    assert TaskToken.objects.filter(execution__arn=running).exists()
    assert [e["executionArn"] for e in sfn.list_executions(stateMachineArn=arn)["executions"]] == [recent]
    task = sfn.get_activity_task(activityArn=f"{PREFIX}:activity:review")  # the open one still runs
    assert task["taskToken"] == TaskToken.objects.get(execution__arn=running).token
    sfn.send_task_success(taskToken=task["taskToken"], output='{"ok": true}')
    assert sfn.describe_execution(executionArn=running)["status"] == "SUCCEEDED"


def test_a_deleted_machine_is_forgotten_with_its_last_executions(sfn):
    arn = make(sfn)
    run = sfn.start_execution(stateMachineArn=arn, name="kept")["executionArn"]
    drain()
    sfn.delete_state_machine(stateMachineArn=arn)
    assert StateMachine.records.filter(name="Orders", status=StateMachine.DELETED).exists()
    recreated = make(sfn, definition=json.dumps({"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}))
    assert recreated == arn
    closed_days_ago(run, 91)
    assert prune_closed_executions() == 1
    assert list(StateMachine.records.values_list("name", "status")) == [("Orders", "ACTIVE")]
    assert StateMachineRevision.objects.count() == 1  # the deleted machine's revisions went with it
    assert sfn.start_execution(stateMachineArn=arn, name="kept")["executionArn"] == run


def test_children_outlive_a_pruned_parent(sfn):
    parent = make(sfn, name="Parent", definition=json.dumps({"StartAt": "Start", "States": {"Start": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
        "Parameters": {"StateMachineArn": f"{PREFIX}:stateMachine:Orders", "Name": "child"}, "End": True}}}))
    make(sfn)
    run = sfn.start_execution(stateMachineArn=parent)["executionArn"]
    drain()
    child = Execution.objects.get(name="child")
    assert child.parent.arn == run
    closed_days_ago(run, 100)
    assert prune_closed_executions() == 1
    child.refresh_from_db()
    assert child.parent is None and child.status == "SUCCEEDED"


def test_the_worker_prunes_on_its_heartbeat(sfn, monkeypatch):
    arn = make(sfn)
    run = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    drain()
    closed_days_ago(run, 120)
    monkeypatch.setattr(runexecutions, "PRUNE_EVERY_SECONDS", 0.0)
    Worker.objects.create(worker_id="pruner", host="here", pid=1, last_seen=timezone.now())
    stop = threading.Event()
    beat = threading.Thread(target=runexecutions.Command()._heartbeat, args=("pruner", 0.3, stop))
    beat.start()
    try:
        deadline = timezone.now() + timedelta(seconds=10)
        while Execution.objects.filter(arn=run).exists() and timezone.now() < deadline:
            stop.wait(0.05)
    finally:
        stop.set()
        beat.join(timeout=5)
    assert not Execution.objects.filter(arn=run).exists()
