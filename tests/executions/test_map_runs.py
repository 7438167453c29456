"""Map Runs through the AWS-compatible endpoint (boto3 against the live server, executions run on the worker):
Distributed Map children as executions of their own, DescribeMapRun, ListMapRuns, UpdateMapRun,
ListExecutions(mapRunArn), stopping and redriving; and the REST API's view of Map Runs."""
import json
from datetime import timedelta

import pytest
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from executions import resources
from executions.models import Execution, ExecutionEvent, MapRun, Worker
from executions.retention import prune_closed_executions
from tests.executions.aws_helpers import PREFIX, error_of, make, sfn, unchecked  # noqa: F401
from tests.executions.runtime import drain

pytestmark = pytest.mark.django_db(transaction=True)

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:"
ROLE_ARN = "arn:aws:iam::123456789012:role/flowdeck"


@resources.function("maprun-check")
def check(event):
    if not event.get("ok", True) and not check.healed:
        raise ValueError(f"item {event.get('n')} is bad")
    return {"n": event.get("n"), "checked": True}


check.healed = False


@pytest.fixture(autouse=True)
def not_healed():
    check.healed = False
    yield
    check.healed = False


def distributed(processor_states: dict, start_at: str, **fields) -> str:
    return json.dumps({"StartAt": "Dist", "States": {"Dist": {
        "Type": "Map", "End": True, **fields,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": start_at, "States": processor_states}}}})


CHECK = {"Check": {"Type": "Task", "Resource": FUNCTION + "maprun-check", "End": True}}
NAP = {"Nap": {"Type": "Wait", "Seconds": 3600, "Next": "Check"}, **CHECK}


def only_map_run(sfn, execution_arn: str) -> str:
    (map_run,) = sfn.list_map_runs(executionArn=execution_arn)["mapRuns"]
    return map_run["mapRunArn"]


def children(sfn, map_run: str, **filters) -> list[dict]:
    pages = sfn.get_paginator("list_executions").paginate(mapRunArn=map_run, **filters)
    return [item for page in pages for item in page["executions"]]


def by_index(sfn, map_run: str) -> list[dict]:
    """The children in item order (their inputs carry n)."""
    described = [sfn.describe_execution(executionArn=child["executionArn"]) for child in children(sfn, map_run)]
    return sorted(described, key=lambda child: json.loads(child["input"])["n"])


def counts(total, **nonzero) -> dict:
    zero = {"pending": 0, "running": 0, "succeeded": 0, "failed": 0, "timedOut": 0, "aborted": 0,
            "resultsWritten": 0, "failuresNotRedrivable": 0, "pendingRedrive": 0}
    return {**zero, "total": total, **nonzero}


def test_children_are_executions_with_their_own_histories(sfn):
    machine = make(sfn, name="Jobs", definition=distributed(CHECK, "Check", Label="Rows", ToleratedFailureCount=1))
    items = [{"n": 0, "ok": True}, {"n": 1, "ok": False}, {"n": 2, "ok": True}]
    parent = sfn.start_execution(stateMachineArn=machine, name="nightly", input=json.dumps(items))["executionArn"]
    drain()
    done = sfn.describe_execution(executionArn=parent)
    assert done["status"] == "SUCCEEDED" and "mapRunArn" not in done
    assert json.loads(done["output"])[0] == {"n": 0, "checked": True}
    assert json.loads(done["output"])[1]["Error"] == "ValueError"

    (listed,) = sfn.list_map_runs(executionArn=parent)["mapRuns"]
    map_run = listed["mapRunArn"]
    assert map_run.startswith(f"{PREFIX}:mapRun:Jobs/Rows:")
    assert (listed["executionArn"], listed["stateMachineArn"]) == (parent, f"{PREFIX}:stateMachine:Jobs/Rows")
    assert listed["stopDate"] >= listed["startDate"]
    history = sfn.get_execution_history(executionArn=parent)["events"]
    assert [e["type"] for e in history] == ["ExecutionStarted", "MapStateEntered", "MapStateStarted",
                                            "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded",
                                            "MapStateExited", "ExecutionSucceeded"]
    assert history[3]["mapRunStartedEventDetails"] == {"mapRunArn": map_run}

    described = sfn.describe_map_run(mapRunArn=map_run)
    assert {key: described[key] for key in ("mapRunArn", "executionArn", "status", "maxConcurrency",
                                            "toleratedFailurePercentage", "toleratedFailureCount",
                                            "redriveCount")} == {
        "mapRunArn": map_run, "executionArn": parent, "status": "SUCCEEDED", "maxConcurrency": 0,
        "toleratedFailurePercentage": 0.0, "toleratedFailureCount": 1, "redriveCount": 0}
    assert described["itemCounts"] == described["executionCounts"] == counts(3, succeeded=2, failed=1,
                                                                              resultsWritten=3)
    assert "redriveDate" not in described and described["stopDate"] >= described["startDate"]

    # The children are listed by their Map Run, not with the parent's machine.
    assert [e["executionArn"] for e in sfn.list_executions(stateMachineArn=machine)["executions"]] == [parent]
    listed_children = children(sfn, map_run)
    assert len(listed_children) == 3
    for child in listed_children:
        assert child["executionArn"] == f"{PREFIX}:execution:Jobs/Rows:{child['name']}"
        assert (child["stateMachineArn"], child["mapRunArn"], child["itemCount"]) == (
            f"{PREFIX}:stateMachine:Jobs/Rows", map_run, 1)
    assert sorted(child["status"] for child in listed_children) == ["FAILED", "SUCCEEDED", "SUCCEEDED"]
    assert [c["status"] for c in children(sfn, map_run, statusFilter="FAILED")] == ["FAILED"]

    ok, bad, _ = by_index(sfn, map_run)
    assert {key: ok[key] for key in ("status", "input", "output", "mapRunArn", "stateMachineArn",
                                     "redriveStatus", "redriveCount")} == {
        "status": "SUCCEEDED", "input": '{"n":0,"ok":true}', "output": '{"n":0,"checked":true}',
        "mapRunArn": map_run, "stateMachineArn": f"{PREFIX}:stateMachine:Jobs/Rows",
        "redriveStatus": "NOT_REDRIVABLE", "redriveCount": 0}
    assert ok["stopDate"] >= ok["startDate"] >= done["startDate"]
    assert (bad["status"], bad["error"], bad["redriveStatus"]) == ("FAILED", "ValueError", "REDRIVABLE_BY_MAP_RUN")
    assert json.loads(bad["cause"])["errorMessage"] == "item 1 is bad"

    # A child's own history, event by event: ids from 1, its input first, its outcome last.
    events = sfn.get_execution_history(executionArn=ok["executionArn"])["events"]
    assert [{k: v for k, v in e.items() if k != "timestamp"} for e in events] == [
        {"id": 1, "previousEventId": 0, "type": "ExecutionStarted", "executionStartedEventDetails": {
            "input": '{"n":0,"ok":true}', "inputDetails": {"truncated": False}, "roleArn": ROLE_ARN}},
        {"id": 2, "previousEventId": 0, "type": "TaskStateEntered", "stateEnteredEventDetails": {
            "name": "Check", "input": '{"n":0,"ok":true}', "inputDetails": {"truncated": False}}},
        {"id": 3, "previousEventId": 2, "type": "LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails": {
            "resource": FUNCTION + "maprun-check", "input": '{"n":0,"ok":true}',
            "inputDetails": {"truncated": False}}},
        {"id": 4, "previousEventId": 3, "type": "LambdaFunctionStarted"},
        {"id": 5, "previousEventId": 4, "type": "LambdaFunctionSucceeded",
         "lambdaFunctionSucceededEventDetails": {"output": '{"n":0,"checked":true}',
                                                 "outputDetails": {"truncated": False}}},
        {"id": 6, "previousEventId": 5, "type": "TaskStateExited", "stateExitedEventDetails": {
            "name": "Check", "output": '{"n":0,"checked":true}', "outputDetails": {"truncated": False}}},
        {"id": 7, "previousEventId": 6, "type": "ExecutionSucceeded", "executionSucceededEventDetails": {
            "output": '{"n":0,"checked":true}', "outputDetails": {"truncated": False}}},
    ]
    failed = sfn.get_execution_history(executionArn=bad["executionArn"], reverseOrder=True, maxResults=2)
    assert [e["type"] for e in failed["events"]] == ["ExecutionFailed", "LambdaFunctionFailed"]
    assert failed["events"][0]["executionFailedEventDetails"]["error"] == "ValueError"
    assert "nextToken" in failed

    for_child = sfn.describe_state_machine_for_execution(executionArn=bad["executionArn"])
    assert (for_child["stateMachineArn"], for_child["mapRunArn"], for_child["label"]) == (
        f"{PREFIX}:stateMachine:Jobs/Rows", map_run, "Rows")
    assert "mapRunArn" not in sfn.describe_state_machine_for_execution(executionArn=parent)


def test_a_breached_tolerance_fails_the_map_run_and_a_redrive_reruns_only_the_unsuccessful_children(sfn):
    machine = make(sfn, name="Jobs", definition=distributed(CHECK, "Check", ToleratedFailureCount=1))
    items = [{"n": 0, "ok": False}, {"n": 1, "ok": True}, {"n": 2, "ok": False}, {"n": 3, "ok": True}]
    parent = sfn.start_execution(stateMachineArn=machine, input=json.dumps(items))["executionArn"]
    drain()
    failed = sfn.describe_execution(executionArn=parent)
    assert (failed["status"], failed["error"], failed["cause"]) == (
        "FAILED", "States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded")
    map_run = only_map_run(sfn, parent)
    described = sfn.describe_map_run(mapRunArn=map_run)
    assert described["status"] == "FAILED"
    ended = described["executionCounts"]
    assert ended["total"] == 4 and ended["failed"] == 2 and ended["failed"] + ended["succeeded"] + ended[
        "aborted"] + ended["pending"] == 4
    types = [e["type"] for e in sfn.get_execution_history(executionArn=parent)["events"]]
    assert types[3:] == ["MapRunStarted", "MapRunFailed", "MapStateFailed", "ExecutionFailed"]
    before = {child["n"]: child for child in (
        dict(c, n=json.loads(c["input"])["n"]) for c in by_index(sfn, map_run))}
    assert {n: c["status"] for n, c in before.items() if c["status"] == "FAILED"} == {0: "FAILED", 2: "FAILED"}

    check.healed = True
    sfn.redrive_execution(executionArn=parent)
    drain()
    done = sfn.describe_execution(executionArn=parent)
    assert (done["status"], done["redriveCount"]) == ("SUCCEEDED", 1)
    assert [item["n"] for item in json.loads(done["output"])] == [0, 1, 2, 3]
    types = [e["type"] for e in sfn.get_execution_history(executionArn=parent)["events"]]
    assert types[7:] == ["ExecutionRedriven", "MapStateStarted", "MapRunRedriven", "MapRunSucceeded",
                         "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]
    assert only_map_run(sfn, parent) == map_run  # the same Map Run, redriven
    redriven = sfn.describe_map_run(mapRunArn=map_run)
    assert (redriven["status"], redriven["redriveCount"]) == ("SUCCEEDED", 1)
    assert redriven["redriveDate"] >= described["stopDate"]
    assert redriven["executionCounts"] == counts(4, succeeded=4, resultsWritten=4)
    after = by_index(sfn, map_run)
    for child in after:
        n = json.loads(child["input"])["n"]
        was = before.get(n)
        if was is not None and was["status"] == "SUCCEEDED":
            assert (child["redriveCount"], child["stopDate"]) == (0, was["stopDate"])  # not run again
        elif was is not None:
            # The same execution went on from its failed state: ExecutionRedriven in its own history.
            assert (child["executionArn"], child["redriveCount"], child["status"]) == (was["executionArn"], 1,
                                                                                    "SUCCEEDED")
            history = sfn.get_execution_history(executionArn=child["executionArn"])["events"]
            kinds = [e["type"] for e in history]
            assert kinds[kinds.index("ExecutionRedriven"):] == [
                "ExecutionRedriven", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"]
            assert [e["id"] for e in history] == list(range(1, len(history) + 1))
    assert len(children(sfn, map_run, redriveFilter="REDRIVEN")) == sum(
        1 for c in before.values() if c["status"] != "SUCCEEDED")


def test_item_batches_are_children_whose_items_are_counted(sfn):
    processor = {"Count": {"Type": "Pass", "Parameters": {"size.$": "States.ArrayLength($.Items)"}, "End": True}}
    machine = make(sfn, name="Batches", definition=distributed(processor, "Count", ItemBatcher={"MaxItemsPerBatch": 2}))
    parent = sfn.start_execution(stateMachineArn=machine, input=json.dumps([1, 2, 3, 4, 5]))["executionArn"]
    drain()
    assert json.loads(sfn.describe_execution(executionArn=parent)["output"]) == [{"size": 2}, {"size": 2},
                                                                                 {"size": 1}]
    map_run = only_map_run(sfn, parent)
    described = sfn.describe_map_run(mapRunArn=map_run)
    assert described["itemCounts"] == counts(5, succeeded=5, resultsWritten=5)
    assert described["executionCounts"] == counts(3, succeeded=3, resultsWritten=3)
    batches = children(sfn, map_run)
    assert sorted(child["itemCount"] for child in batches) == [1, 2, 2]
    inputs = sorted(json.loads(sfn.describe_execution(executionArn=c["executionArn"])["input"])["Items"]
                    for c in batches)
    assert inputs == [[1, 2], [3, 4], [5]]
    # Closed long enough ago, the parent goes with its Map Run, its children and their histories.
    assert prune_closed_executions(timezone.now() + timedelta(days=365)) == 4
    assert (Execution.objects.count(), MapRun.objects.count(), ExecutionEvent.objects.count()) == (0, 0, 0)


def test_update_map_run_changes_a_running_map_run(sfn):
    machine = make(sfn, name="Slow", definition=distributed(NAP, "Nap", MaxConcurrency=1))
    items = [{"n": n, "ok": True} for n in range(4)]
    parent = sfn.start_execution(stateMachineArn=machine, input=json.dumps(items))["executionArn"]
    drain()
    map_run = only_map_run(sfn, parent)
    running = sfn.describe_map_run(mapRunArn=map_run)
    assert (running["status"], running["maxConcurrency"], "stopDate" in running) == ("RUNNING", 1, False)
    assert running["executionCounts"] == counts(4, pending=3, running=1)
    sfn.update_map_run(mapRunArn=map_run, maxConcurrency=3)
    assert sfn.describe_map_run(mapRunArn=map_run)["maxConcurrency"] == 3
    drain()  # nothing was due: the update itself started two more children
    assert sfn.describe_map_run(mapRunArn=map_run)["executionCounts"] == counts(4, pending=1, running=3)
    sfn.update_map_run(mapRunArn=map_run, toleratedFailureCount=2, toleratedFailurePercentage=50.5)
    updated = sfn.describe_map_run(mapRunArn=map_run)
    assert (updated["maxConcurrency"], updated["toleratedFailureCount"], updated["toleratedFailurePercentage"]) == (
        3, 2, 50.5)
    drain(jump_timers=4)
    assert sfn.describe_execution(executionArn=parent)["status"] == "SUCCEEDED"
    assert sfn.describe_map_run(mapRunArn=map_run)["executionCounts"] == counts(4, succeeded=4, resultsWritten=4)
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        sfn.update_map_run(mapRunArn=map_run, maxConcurrency=5)
    assert excinfo.value.response["Error"]["Message"] == f"Map Run is not RUNNING and cannot be updated: '{map_run}'"
    assert excinfo.value.response["reason"] == "CANNOT_UPDATE_COMPLETED_MAP_RUN"


def test_stopping_the_parent_aborts_its_running_children(sfn):
    machine = make(sfn, name="Slow", definition=distributed(NAP, "Nap", MaxConcurrency=2))
    items = [{"n": n, "ok": True} for n in range(3)]
    parent = sfn.start_execution(stateMachineArn=machine, input=json.dumps(items))["executionArn"]
    drain()
    map_run = only_map_run(sfn, parent)
    sfn.stop_execution(executionArn=parent, error="Operator", cause="enough")
    assert sfn.describe_execution(executionArn=parent)["status"] == "ABORTED"
    described = sfn.describe_map_run(mapRunArn=map_run)
    assert described["status"] == "ABORTED" and "stopDate" in described
    assert described["executionCounts"] == counts(3, pending=1, aborted=2)
    for child in children(sfn, map_run):
        assert child["status"] == "ABORTED"
        history = sfn.get_execution_history(executionArn=child["executionArn"])["events"]
        assert [e["type"] for e in history] == ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]
        assert history[-1]["previousEventId"] == 2
    drain(jump_timers=2)  # their timers were cancelled with them
    assert sfn.describe_map_run(mapRunArn=map_run)["executionCounts"]["aborted"] == 2


def test_stopping_one_child_counts_as_a_failed_item(sfn):
    machine = make(sfn, name="Slow", definition=distributed(NAP, "Nap", ToleratedFailureCount=1))
    items = [{"n": n, "ok": True} for n in range(2)]
    parent = sfn.start_execution(stateMachineArn=machine, input=json.dumps(items))["executionArn"]
    drain()
    map_run = only_map_run(sfn, parent)
    first = by_index(sfn, map_run)[0]["executionArn"]
    sfn.stop_execution(executionArn=first, error="Halt", cause="by hand")
    stopped = sfn.describe_execution(executionArn=first)
    assert (stopped["status"], stopped["error"], stopped["cause"]) == ("ABORTED", "Halt", "by hand")
    assert sfn.get_execution_history(executionArn=first, reverseOrder=True)["events"][0][
        "executionAbortedEventDetails"] == {"error": "Halt", "cause": "by hand"}
    with pytest.raises(sfn.exceptions.ExecutionNotRedrivable) as excinfo:
        sfn.redrive_execution(executionArn=first)
    assert error_of(excinfo)[1] == (f"Execution is a child of Map Run '{map_run}': redrive its parent execution "
                                    f"'{parent}' to redrive the Map Run")
    drain(jump_timers=1)
    assert sfn.describe_execution(executionArn=parent)["status"] == "SUCCEEDED"
    assert sfn.describe_map_run(mapRunArn=map_run)["executionCounts"] == counts(2, succeeded=1, aborted=1,
                                                                                 resultsWritten=1)


def test_pagination_of_map_runs_and_their_children(sfn):
    definition = json.dumps({"StartAt": "First", "States": {
        "First": {"Type": "Map", "ResultPath": "$.first", "Next": "Second", "ItemsPath": "$.items",
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                    "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}},
        "Second": {"Type": "Map", "ResultPath": "$.second", "End": True, "ItemsPath": "$.items",
                   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                     "StartAt": "Q", "States": {"Q": {"Type": "Pass", "End": True}}}}}})
    machine = make(sfn, name="Twice", definition=definition)
    parent = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"items": list(range(5))}))[
        "executionArn"]
    drain()
    first_page = sfn.list_map_runs(executionArn=parent, maxResults=1)
    assert len(first_page["mapRuns"]) == 1 and "nextToken" in first_page
    second_page = sfn.list_map_runs(executionArn=parent, maxResults=1, nextToken=first_page["nextToken"])
    assert "nextToken" not in second_page
    runs = [first_page["mapRuns"][0], second_page["mapRuns"][0]]
    assert runs[0]["startDate"] >= runs[1]["startDate"]  # newest first
    pages = list(sfn.get_paginator("list_executions").paginate(mapRunArn=runs[0]["mapRunArn"],
                                                               PaginationConfig={"PageSize": 2}))
    assert [len(page["executions"]) for page in pages] == [2, 2, 1]
    names = [item["name"] for page in pages for item in page["executions"]]
    assert len(set(names)) == 5
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.list_executions(mapRunArn=runs[1]["mapRunArn"], nextToken=pages[0]["nextToken"])
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.list_map_runs(executionArn=parent, nextToken="nonsense")


def test_bad_requests(sfn, unchecked):
    machine = make(sfn, name="Jobs", definition=distributed(CHECK, "Check"))
    parent = sfn.start_execution(stateMachineArn=machine, input=json.dumps([{"n": 0}]))["executionArn"]
    drain()
    map_run = only_map_run(sfn, parent)
    unknown = f"{PREFIX}:mapRun:Jobs/Rows:00000000-0000-0000-0000-000000000000"
    with pytest.raises(sfn.exceptions.ResourceNotFound) as excinfo:
        sfn.describe_map_run(mapRunArn=unknown)
    assert error_of(excinfo)[1] == f"Resource not found: '{unknown}'"
    with pytest.raises(sfn.exceptions.InvalidArn) as excinfo:
        sfn.describe_map_run(mapRunArn=parent)
    assert error_of(excinfo)[1] == "Invalid Arn: 'Resource type not valid in this context: execution'"
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_map_run(mapRunArn="not an arn")
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.update_map_run(mapRunArn=unknown, maxConcurrency=1)
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.list_map_runs(executionArn=f"{PREFIX}:execution:Jobs:nope")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.list_map_runs(executionArn=map_run)
    # ListExecutions: one of the two filters, never both; an unknown Map Run is not found.
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        sfn.list_executions(stateMachineArn=machine, mapRunArn=map_run)
    assert error_of(excinfo)[1] == "Must provide either a StateMachine ARN or a MapRun ARN, but not both"
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        sfn.list_executions()
    assert error_of(excinfo)[1] == "Must provide a StateMachine ARN or a MapRun ARN"
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.list_executions(mapRunArn=unknown)
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.list_executions(mapRunArn=machine)
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        sfn.list_executions(stateMachineArn=machine, statusFilter="PENDING_REDRIVE")
    assert error_of(excinfo)[1] == "The PENDING_REDRIVE status filter can be used only with a MapRun ARN"
    assert children(sfn, map_run, statusFilter="PENDING_REDRIVE") == []
    # UpdateMapRun: AWS's ranges, and at least one setting.
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        unchecked.update_map_run(mapRunArn=map_run, toleratedFailurePercentage=100.5, toleratedFailureCount=-1,
                                 maxConcurrency=-2)
    assert error_of(excinfo)[1] == (
        "3 validation errors detected: Value '-2' at 'maxConcurrency' failed to satisfy constraint: Member must "
        "have value greater than or equal to 0; Value '100.5' at 'toleratedFailurePercentage' failed to satisfy "
        "constraint: Member must have value less than or equal to 100; Value '-1' at 'toleratedFailureCount' "
        "failed to satisfy constraint: Member must have value greater than or equal to 0")
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        sfn.update_map_run(mapRunArn=map_run)
    assert error_of(excinfo)[1] == ("At least one of maxConcurrency, toleratedFailurePercentage or "
                                    "toleratedFailureCount must be specified")
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        unchecked.describe_map_run(mapRunArn="")
    assert error_of(excinfo)[1] == ("1 validation error detected: Value '' at 'mapRunArn' failed to satisfy "
                                    "constraint: Member must have length greater than or equal to 1")


def test_the_rest_api_shows_map_runs_and_their_children(sfn, api_client):
    machine = make(sfn, name="Slow", definition=distributed(NAP, "Nap", MaxConcurrency=1, Label="Rows"))
    items = [{"n": n, "ok": True} for n in range(3)]
    sfn.start_execution(stateMachineArn=machine, input=json.dumps(items))
    drain()
    parent = Execution.objects.get(map_run=None)
    listed = api_client.get(f"/api/executions/{parent.pk}/map-runs/")
    assert listed.status_code == 200
    (run,) = listed.data["map_runs"]
    assert (run["label"], run["state_name"], run["status"], run["execution"]) == ("Rows", "Dist", "RUNNING",
                                                                                  parent.pk)
    detail = api_client.get(f"/api/map-runs/{run['id']}/").data
    assert detail["execution_counts"] == counts(3, pending=2, running=1)
    patched = api_client.patch(f"/api/map-runs/{run['id']}/", {"max_concurrency": 2}, format="json")
    assert patched.status_code == 200 and patched.data["max_concurrency"] == 2
    assert patched.data["execution_counts"] == counts(3, pending=1, running=2)
    bad = api_client.patch(f"/api/map-runs/{run['id']}/", {"tolerated_failure_percentage": 101}, format="json")
    assert bad.status_code == 400
    rows = api_client.get(f"/api/map-runs/{run['id']}/executions/?limit=1")
    assert rows.status_code == 200 and len(rows.data["executions"]) == 1
    child = rows.data["executions"][0]
    assert (child["map_run"], child["item_count"], child["status"]) == (run["arn"], 1, "RUNNING")
    more = api_client.get(f"/api/map-runs/{run['id']}/executions/?before={rows.data['next_before']}").data
    assert len(more["executions"]) == 1
    machine_list = api_client.get("/api/state-machines/Slow/executions/").data["executions"]
    assert [e["id"] for e in machine_list] == [parent.pk]  # children are listed with their Map Run
    history = api_client.get(f"/api/executions/{child['id']}/history/").data
    assert [e["type"] for e in history["events"]] == ["ExecutionStarted", "WaitStateEntered"]
    assert api_client.get("/api/map-runs/999999/").status_code in (400, 404)
    schema = api_client.get("/api/schema/").content.decode()
    assert "/api/map-runs/{id}/executions/" in schema and "/api/executions/{id}/map-runs/" in schema
    assert MapRun.objects.count() == 1


@resources.function("maprun-count")
def count_calls(event):
    count_calls.calls += 1
    return event


count_calls.calls = 0


def test_a_recovered_task_job_inside_a_child_calls_its_function_once(sfn):
    # A worker that claimed a child's task job died before calling the function: the recovered job must call
    # it (the child's Scheduled event is in the child's history, not the parent's), and only once.
    count_calls.calls = 0
    machine = make(sfn, name="Jobs", definition=distributed(
        {"Count": {"Type": "Task", "Resource": FUNCTION + "maprun-count", "End": True}}, "Count"))
    parent = sfn.start_execution(stateMachineArn=machine, input=json.dumps([{"n": 0}]))["executionArn"]
    long_ago = timezone.now() - timedelta(seconds=60)
    Worker.objects.create(worker_id="dead", host="elsewhere", pid=1, last_seen=long_ago)
    DBTaskResult.objects.filter(task_path__endswith="invoke_task").update(
        status=TaskResultStatus.RUNNING, worker_ids=["dead"], started_at=long_ago)
    drain()
    assert sfn.describe_execution(executionArn=parent)["status"] == "SUCCEEDED"
    assert count_calls.calls == 1
    # Run again once its outcome is committed, the job does not call the function again.
    DBTaskResult.objects.filter(task_path__endswith="invoke_task").update(
        status=TaskResultStatus.READY, worker_ids=["dead"])
    drain()
    assert count_calls.calls == 1


def test_children_run_as_whoever_started_their_parent(sfn, admin_user):
    machine = make(sfn, name="Jobs", definition=distributed(CHECK, "Check"))
    parent = sfn.start_execution(stateMachineArn=machine, input=json.dumps([{"n": 0}, {"n": 1}]))["executionArn"]
    drain()
    rows = Execution.objects.filter(map_run__isnull=False)
    assert Execution.objects.get(arn=parent).started_by == admin_user
    assert rows.count() == 2 and set(rows.values_list("started_by", flat=True)) == {admin_user.pk}
