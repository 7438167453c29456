"""A host's record of the call it made (HTTP, XML-RPC) reaches the task's history events, and an oversized
result the host refuses before handing it over fails the task with a catchable States.DataLimitExceeded."""
from executions.engine import signals as sig
from executions.engine.runstate import FAILED, RUNNING, SUCCEEDED
from tests.engine.test_timeouts import Run

HTTP = "arn:aws:states:::http:invoke"
RECORD = {"kind": "http", "method": "GET", "url": "http://127.0.0.1/json", "attempt": 1, "statusCode": 200,
          "durationMs": 3}


def _machine(resource=HTTP, **extra) -> dict:
    task = {"Type": "Task", "Resource": resource, "Parameters": {"ApiEndpoint": "http://127.0.0.1/json",
                                                                 "Method": "GET"}, "End": True, **extra}
    if task.get("End") is None:
        task.pop("End")
        task["Next"] = "Caught"
    states = {"Call": task}
    if "Catch" in extra:
        states["Caught"] = {"Type": "Pass", "End": True}
    return {"StartAt": "Call", "States": states}


def _task_id(run: Run) -> str:
    return run.of(sig.InvokeTask)[0].task_id


def test_the_call_record_is_in_the_succeeded_event():
    run = Run(_machine())
    task = _task_id(run)
    run.send(1, sig.TaskStarted(task), sig.TaskSucceeded(task, {"StatusCode": 200}, call=RECORD))
    assert run.status == SUCCEEDED
    succeeded = next(e for e in run.events if e["type"] == "TaskSucceeded")
    assert succeeded["taskSucceededEventDetails"]["call"] == RECORD
    assert succeeded["taskSucceededEventDetails"]["resourceType"] == "http"


def test_the_call_record_is_in_the_failed_event():
    run = Run(_machine())
    task = _task_id(run)
    record = {**RECORD, "statusCode": 404, "error": "States.Http.StatusCode.404", "requestSha256": "ab" * 32}
    run.send(1, sig.TaskStarted(task), sig.TaskFailed(task, "States.Http.StatusCode.404", "{}", call=record))
    assert run.status == FAILED
    failed = next(e for e in run.events if e["type"] == "TaskFailed")
    assert failed["taskFailedEventDetails"]["call"] == record


def test_a_task_without_a_call_has_no_record():
    run = Run(_machine())
    task = _task_id(run)
    run.send(1, sig.TaskStarted(task), sig.TaskSucceeded(task, {}))
    succeeded = next(e for e in run.events if e["type"] == "TaskSucceeded")
    assert "call" not in succeeded["taskSucceededEventDetails"]


def test_a_submitted_callback_request_is_recorded():
    definition = _machine(HTTP + ".waitForTaskToken")
    definition["States"]["Call"]["Parameters"]["Headers"] = {"X-Task-Token.$": "$$.Task.Token"}
    run = Run(definition)
    task = _task_id(run)
    run.send(1, sig.TaskStarted(task), sig.TaskSubmitted(task, {"StatusCode": 202}, call=RECORD))
    assert run.status == RUNNING
    submitted = next(e for e in run.events if e["type"] == "TaskSubmitted")
    assert submitted["taskSubmittedEventDetails"]["call"] == RECORD


def test_a_result_the_host_found_too_large_can_be_caught():
    run = Run(_machine(Catch=[{"ErrorEquals": ["States.DataLimitExceeded"], "Next": "Caught"}], End=None))
    task = _task_id(run)
    run.send(1, sig.TaskStarted(task), sig.TaskFailed(task, "States.DataLimitExceeded", "too large"))
    assert run.status == SUCCEEDED
    assert "Caught" in [e.get("stateEnteredEventDetails", {}).get("name") for e in run.events]
