"""The durable runtime: executions run by the database job queue, one transaction per engine step."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from designer import errors
from executions import callbacks, resources, services
from executions.models import Execution, TaskToken
from tests.executions.runtime import drain, history, make_machine, ready_jobs

pytestmark = pytest.mark.django_db(transaction=True)


@resources.function("double")
def double(event):
    return {"n": event["n"] * 2}


@resources.function("explode")
def explode(event):
    raise ValueError(f"cannot handle {event}")


FLAKY_CALLS = []


@resources.function("flaky")
def flaky(event):
    FLAKY_CALLS.append(event)
    if len(FLAKY_CALLS) < 3:
        raise ConnectionError("upstream unavailable")
    return "ok"


def lambda_arn(name):
    return f"arn:aws:lambda:us-east-1:123456789012:function:{name}"


def test_a_pass_chain_completes_in_the_first_step_with_its_history_stored():
    machine = make_machine({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "B"},
        "B": {"Type": "Pass", "End": True}}})
    execution = services.start_execution(machine, input='{"x": 0}', name="first")
    execution.refresh_from_db()
    assert execution.status == "SUCCEEDED"
    assert json.loads(execution.output) == {"x": 0, "a": 1}
    assert history(execution) == ["ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered",
                                  "PassStateExited", "ExecutionSucceeded"]
    assert execution.event_count == 6 and execution.transitions == 2
    assert execution.arn == "arn:aws:states:us-east-1:123456789012:execution:Orders:first"


def test_a_function_task_runs_on_the_worker():
    machine = make_machine({"StartAt": "Double", "States": {
        "Double": {"Type": "Task", "Resource": lambda_arn("double"), "End": True}}})
    execution = services.start_execution(machine, input='{"n": 21}')
    assert Execution.objects.get(pk=execution.pk).status == "RUNNING"
    drain()
    execution.refresh_from_db()
    assert (execution.status, json.loads(execution.output)) == ("SUCCEEDED", {"n": 42})
    assert history(execution) == ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
                                  "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
                                  "ExecutionSucceeded"]


def test_lambda_invoke_shapes_the_result_as_aws():
    machine = make_machine({"StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": lambda_arn("double"), "Payload": {"n.$": "$.n"}},
        "ResultSelector": {"value.$": "$.Payload.n", "status.$": "$.StatusCode"}, "End": True}}})
    execution = services.start_execution(machine, input='{"n": 5}')
    drain()
    execution.refresh_from_db()
    assert json.loads(execution.output) == {"value": 10, "status": 200}


def test_a_function_exception_is_an_error_named_after_its_class_and_catchable():
    machine = make_machine({"StartAt": "Boom", "States": {
        "Boom": {"Type": "Task", "Resource": lambda_arn("explode"),
                 "Catch": [{"ErrorEquals": ["ValueError"], "ResultPath": "$.error", "Next": "Handled"}],
                 "End": True},
        "Handled": {"Type": "Pass", "End": True}}})
    execution = services.start_execution(machine, input='{"id": 7}')
    drain()
    execution.refresh_from_db()
    output = json.loads(execution.output)
    assert output["error"]["Error"] == "ValueError"
    assert json.loads(output["error"]["Cause"])["errorMessage"] == "cannot handle {'id': 7}"


def test_retries_wait_on_durable_timers():
    FLAKY_CALLS.clear()
    machine = make_machine({"StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": lambda_arn("flaky"), "End": True,
        "Retry": [{"ErrorEquals": ["ConnectionError"], "IntervalSeconds": 30, "MaxAttempts": 5}]}}})
    execution = services.start_execution(machine, input="{}")
    drain()
    assert Execution.objects.get(pk=execution.pk).status == "RUNNING"  # first backoff: 30 s from now
    backoff = ready_jobs().order_by("run_after").first()
    assert timezone.now() + timedelta(seconds=25) < backoff.run_after < timezone.now() + timedelta(seconds=35)
    drain(jump_timers=2)
    execution.refresh_from_db()
    assert (execution.status, len(FLAKY_CALLS)) == ("SUCCEEDED", 3)


def test_a_one_year_wait_parks_as_one_deferred_job_and_holds_no_worker():
    machine = make_machine({"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 364 * 86400,
                                                                  "End": True}}})
    execution = services.start_execution(machine, input="{}")
    drain()  # a worker runs and finds nothing due: the Wait holds no thread and no process
    execution.refresh_from_db()
    assert execution.status == "RUNNING"
    jobs = list(ready_jobs())
    # The Wait's timer, and the execution's one-year limit (AWS Standard).
    assert sorted(job.task_path.rsplit(".", 1)[1] for job in jobs) == ["fire_timer", "fire_timer"]
    wait_job = min(jobs, key=lambda job: job.run_after)
    assert wait_job.run_after > timezone.now() + timedelta(days=363)
    wait_job.run_after = timezone.now()
    wait_job.save(update_fields=["run_after"])
    drain()
    execution.refresh_from_db()
    assert execution.status == "SUCCEEDED"


def test_callback_tokens_are_single_use_and_refused_once_closed():
    captured = []
    resources.function("notify")(lambda event: captured.append(event["token"]) or {"sent": True})
    machine = make_machine({"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "notify", "Payload": {"token.$": "$$.Task.Token"}}, "End": True}}})
    execution = services.start_execution(machine, input="{}")
    drain()
    (token,) = captured
    assert TaskToken.objects.get(token=token).status == "OPEN"
    with pytest.raises(errors.InvalidToken):
        callbacks.send_task_success("not-a-token", "{}")
    with pytest.raises(errors.InvalidOutput):
        callbacks.send_task_success(token, "{not json")
    callbacks.send_task_success(token, '{"approved": true}')
    execution.refresh_from_db()
    assert (execution.status, json.loads(execution.output)) == ("SUCCEEDED", {"approved": True})
    with pytest.raises(errors.TaskTimedOut):
        callbacks.send_task_success(token, "{}")


def test_send_task_failure_fails_the_task_with_the_given_error():
    captured = []
    resources.function("notify2")(lambda event: captured.append(event["token"]) or {})
    machine = make_machine({"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "notify2", "Payload": {"token.$": "$$.Task.Token"}}, "End": True}}})
    execution = services.start_execution(machine, input="{}")
    drain()
    callbacks.send_task_failure(captured[0], error="Rejected", cause="not today")
    execution.refresh_from_db()
    assert (execution.status, execution.error, execution.cause) == ("FAILED", "Rejected", "not today")


def test_activity_workers_get_tasks_and_answer_them():
    activity = callbacks.create_activity("approve")
    assert callbacks.create_activity("approve") == activity  # idempotent by name
    machine = make_machine({"StartAt": "Approve", "States": {"Approve": {
        "Type": "Task", "Resource": activity.arn, "HeartbeatSeconds": 60, "TimeoutSeconds": 3600, "End": True}}})
    execution = services.start_execution(machine, input='{"amount": 10}')
    token, task_input = callbacks.get_activity_task(activity, worker_name="w1", wait_seconds=0)
    assert json.loads(task_input) == {"amount": 10}
    execution.refresh_from_db()
    started = history(execution)
    assert started[-2:] == ["ActivityScheduled", "ActivityStarted"]
    assert TaskToken.objects.get(execution=execution).token == token
    callbacks.send_task_heartbeat(token)
    callbacks.send_task_success(token, '{"ok": true}')
    execution.refresh_from_db()
    assert execution.status == "SUCCEEDED"
    assert callbacks.get_activity_task(activity, worker_name="w1", wait_seconds=0) is None


def test_stop_execution_aborts_and_closes_its_tokens():
    captured = []
    resources.function("notify3")(lambda event: captured.append(event["token"]) or {})
    machine = make_machine({"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "notify3", "Payload": {"token.$": "$$.Task.Token"}}, "End": True}}})
    execution = services.start_execution(machine, input="{}")
    drain()
    services.stop_execution(execution, error="Operator", cause="changed my mind")
    execution.refresh_from_db()
    assert (execution.status, execution.error) == ("ABORTED", "Operator")
    with pytest.raises(errors.TaskTimedOut):
        callbacks.send_task_success(captured[0], "{}")


def test_start_is_idempotent_for_the_same_name_and_input_and_refuses_a_different_input():
    machine = make_machine({"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 60, "End": True}}})
    first = services.start_execution(machine, input='{"a": 1}', name="once")
    assert services.start_execution(machine, input='{"a": 1}', name="once").pk == first.pk
    with pytest.raises(errors.ExecutionAlreadyExists):
        services.start_execution(machine, input='{"a": 2}', name="once")


@pytest.mark.parametrize("bad_input, error", [
    ("{not json", errors.InvalidExecutionInput),
    ('{"n": NaN}', errors.InvalidExecutionInput),
    ('"' + "x" * 262_144 + '"', errors.InvalidExecutionInput),
])
def test_bad_input_is_refused_before_anything_is_stored(bad_input, error):
    machine = make_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    with pytest.raises(error):
        services.start_execution(machine, input=bad_input)
    assert not Execution.objects.exists()


@pytest.mark.parametrize("name", ["a b", "x" * 81, "semi;colon", "new\nline", "brace{"])
def test_bad_execution_names_are_refused(name):
    machine = make_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    with pytest.raises(errors.InvalidName):
        services.start_execution(machine, input="{}", name=name)


HEAL = {"healed": False}


@resources.function("sometimes")
def sometimes(event):
    if not HEAL["healed"]:
        raise RuntimeError("not yet")
    return {"done": event}


def test_redrive_reruns_the_failed_task_only_and_counts_the_redrive():
    HEAL["healed"] = False
    machine = make_machine({"StartAt": "First", "States": {
        "First": {"Type": "Task", "Resource": lambda_arn("double"), "Next": "Flaky"},
        "Flaky": {"Type": "Task", "Resource": lambda_arn("sometimes"), "End": True}}})
    execution = services.start_execution(machine, input='{"n": 2}')
    drain()
    execution.refresh_from_db()
    assert (execution.status, execution.error) == ("FAILED", "RuntimeError")
    HEAL["healed"] = True
    services.redrive_execution(execution)
    drain()
    execution.refresh_from_db()
    assert (execution.status, json.loads(execution.output)) == ("SUCCEEDED", {"done": {"n": 4}})
    assert (execution.redrive_count, execution.error, execution.stop_date is not None) == (1, None, True)
    events = history(execution)
    assert events.count("ExecutionRedriven") == 1
    assert events.count("LambdaFunctionScheduled") == 3  # First once, Flaky twice
    with pytest.raises(errors.ExecutionNotRedrivable):
        services.redrive_execution(execution)


def test_redrive_via_the_rest_api(api_client):
    HEAL["healed"] = False
    machine = make_machine({"StartAt": "Flaky", "States": {
        "Flaky": {"Type": "Task", "Resource": lambda_arn("sometimes"), "End": True}}}, name="RedriveMe")
    execution = services.start_execution(machine, input="{}")
    drain()
    HEAL["healed"] = True
    response = api_client.post(f"/api/executions/{execution.pk}/redrive/")
    assert response.status_code == 200 and response.data["status"] == "RUNNING"
    drain()
    assert api_client.get(f"/api/executions/{execution.pk}/").data["status"] == "SUCCEEDED"
    again = api_client.post(f"/api/executions/{execution.pk}/redrive/")
    assert (again.status_code, again.data["code"]) == (400, "ExecutionNotRedrivable")


def test_a_finished_execution_leaves_no_timer_jobs_behind():
    machine = make_machine({"StartAt": "Nap", "TimeoutSeconds": 3600, "States": {
        "Nap": {"Type": "Wait", "Seconds": 5, "Next": "Done"}, "Done": {"Type": "Succeed"}}})
    execution = services.start_execution(machine, input="{}")
    assert ready_jobs().count() == 2  # the Wait and the execution's time-out
    drain(jump_timers=1)
    execution.refresh_from_db()
    assert execution.status == "SUCCEEDED"
    assert ready_jobs().count() == 0


def test_a_timer_started_and_cancelled_in_one_step_leaves_no_job():
    # A Standard execution that ends in its first step starts its execution timer and cancels it in that
    # same step: the timer's job must not be left in the queue for a year.
    machine = make_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    execution = services.start_execution(machine, input="{}")
    assert execution.status == "SUCCEEDED"
    assert not ready_jobs().exists()


def test_a_cancelled_timer_job_is_deleted_and_a_late_one_is_ignored():
    machine = make_machine({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}})
    execution = services.start_execution(machine, input="{}")
    assert ready_jobs().count() == 2  # the Wait's timer and the execution's
    services.stop_execution(execution)
    assert not ready_jobs().exists()
    execution.refresh_from_db()
    assert execution.status == "ABORTED"
