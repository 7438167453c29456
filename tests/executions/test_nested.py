"""Nested executions: a Task starting another state machine, with each integration pattern."""
import json

import pytest

from designer.accounts import permissions
from designer.asl.errors import StatesError
from designer.models import StateMachineVersion
from designer.services import update_state_machine
from executions import callbacks, express, nested, resources, services
from executions.engine import signals as sig
from executions.engine.resources import describe as describe_resource
from executions.models import Execution, ExecutionEvent
from tests.executions.runtime import drain, history, make_machine

pytestmark = pytest.mark.django_db(transaction=True)

CHILD_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Child"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"


@resources.function("nested-add-one")
def add_one(event):
    return {"n": event["n"] + 1}


TOKENS = []


@resources.function("nested-remember-token")
def remember_token(event):
    TOKENS.append(event["token"])
    return {}


def child(definition=None, name="Child", type="STANDARD"):
    return make_machine(definition or {"StartAt": "Add", "States": {
        "Add": {"Type": "Task", "Resource": LAMBDA + "nested-add-one", "End": True}}}, name=name, type=type)


def parent(suffix="", parameters=None, extra=None, name="Parent"):
    if parameters is None:
        parameters = {"StateMachineArn": CHILD_ARN, "Input": {"n.$": "$.n"}}
    task = {"Type": "Task", "Resource": f"arn:aws:states:::states:startExecution{suffix}",
            "Parameters": parameters, "End": True}
    task.update(extra or {})
    return make_machine({"StartAt": "Start", "States": {"Start": task}}, name=name)


def run(machine, input='{"n": 1}', jump_timers=0):
    execution = services.start_execution(machine, input=input)
    drain(jump_timers=jump_timers)
    execution.refresh_from_db()
    return execution


def test_request_response_starts_the_child_and_returns_its_arn_and_start_date():
    child()
    execution = run(parent())
    assert execution.status == "SUCCEEDED"
    output = json.loads(execution.output)
    started = Execution.objects.get(arn=output["ExecutionArn"])
    assert output["StartDate"] == int(started.start_date.timestamp() * 1000)
    assert output["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert started.parent_id == execution.pk and list(execution.children.all()) == [started]
    assert started.parent_pattern == "REQUEST_RESPONSE" and started.parent_task_id
    assert (started.status, json.loads(started.output)) == ("SUCCEEDED", {"n": 2})
    assert history(execution) == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                                  "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]


def test_sync_waits_for_the_child_and_returns_its_description_with_json_strings():
    child()
    execution = run(parent(".sync"))
    assert execution.status == "SUCCEEDED"
    result = json.loads(execution.output)
    started = execution.children.get()
    assert result["ExecutionArn"] == started.arn and result["Status"] == "SUCCEEDED"
    assert result["Input"] == '{"n":1}' and json.loads(result["Output"]) == {"n": 2}
    assert result["InputDetails"] == {"Included": True} and result["OutputDetails"] == {"Included": True}
    assert result["StateMachineArn"] == CHILD_ARN and result["Name"] == started.name
    assert result["StopDate"] >= result["StartDate"]
    assert result["RedriveStatus"] == "NOT_REDRIVABLE"
    assert list(result) == sorted(result)  # AWS writes the keys in order
    assert history(execution) == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                                  "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    submitted = execution.events.get(type="TaskSubmitted").details["taskSubmittedEventDetails"]
    assert submitted["resource"] == "startExecution.sync" and submitted["resourceType"] == "states"
    assert json.loads(submitted["output"])["ExecutionArn"] == started.arn


def test_sync2_returns_input_and_output_as_json():
    child()
    execution = run(parent(".sync:2"))
    result = json.loads(execution.output)
    assert (result["Input"], result["Output"]) == ({"n": 1}, {"n": 2})


def test_a_child_that_ends_in_its_first_step_still_reaches_the_waiting_parent():
    child({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "done", "End": True}}})
    execution = run(parent(".sync:2"))
    assert execution.status == "SUCCEEDED"
    assert json.loads(execution.output)["Output"] == "done"
    # TaskStarted and TaskSubmitted were recorded before the child's end reached the parent.
    assert history(execution)[3:6] == ["TaskStarted", "TaskSubmitted", "TaskSucceeded"]


def test_a_failed_child_fails_the_sync_task_with_states_task_failed_and_its_description_as_cause():
    child({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Child.Broke", "Cause": "no luck"}}})
    execution = run(parent(".sync"))
    assert (execution.status, execution.error) == ("FAILED", "States.TaskFailed")
    cause = json.loads(execution.cause)
    assert (cause["Status"], cause["Error"], cause["Cause"]) == ("FAILED", "Child.Broke", "no luck")
    assert cause["RedriveStatus"] == "REDRIVABLE" and "Output" not in cause
    assert execution.cause == json.dumps(cause, separators=(",", ":"))  # compact, keys in AWS's order


def test_the_child_failure_is_catchable_by_name():
    child({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Child.Broke"}}})
    machine = make_machine({"StartAt": "Start", "States": {
        "Start": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                  "Parameters": {"StateMachineArn": CHILD_ARN},
                  "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.failure", "Next": "Handled"}],
                  "End": True},
        "Handled": {"Type": "Pass", "End": True}}}, name="Parent")
    execution = run(machine, input="{}")
    assert execution.status == "SUCCEEDED"
    failure = json.loads(execution.output)["failure"]
    assert failure["Error"] == "States.TaskFailed" and json.loads(failure["Cause"])["Error"] == "Child.Broke"


def test_a_timed_out_child_fails_the_sync_task():
    child({"TimeoutSeconds": 1, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}})
    execution = run(parent(".sync"), jump_timers=2)
    assert (execution.status, execution.error) == ("FAILED", "States.TaskFailed")
    assert json.loads(execution.cause)["Status"] == "TIMED_OUT"
    assert json.loads(execution.cause)["Error"] == "States.Timeout"


def test_when_the_sync_task_times_out_the_child_is_stopped():
    child({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}})
    execution = run(parent(".sync", extra={"TimeoutSeconds": 5}), jump_timers=1)
    assert (execution.status, execution.error) == ("FAILED", "States.Timeout")
    started = execution.children.get()
    assert started.status == "ABORTED"
    assert execution.arn in started.cause
    assert "TaskTimedOut" in history(execution)


def test_stopping_the_parent_stops_its_sync_child_but_not_a_request_response_one():
    child({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}})
    waiting = run(parent(".sync", name="Waits"))
    fire_and_forget = run(parent("", name="Forgets"))
    assert waiting.status == "RUNNING" and fire_and_forget.status == "SUCCEEDED"
    services.stop_execution(waiting, error="Operator", cause="enough")
    drain()
    assert waiting.children.get().status == "ABORTED"
    assert fire_and_forget.children.get().status == "RUNNING"
    waiting.refresh_from_db()
    assert (waiting.status, waiting.error) == ("ABORTED", "Operator")


def test_wait_for_task_token_gives_the_child_the_token_and_waits_for_send_task_success():
    TOKENS.clear()
    child({"StartAt": "Remember", "States": {"Remember": {
        "Type": "Task", "Resource": LAMBDA + "nested-remember-token", "End": True}}})
    execution = run(parent(".waitForTaskToken", {"StateMachineArn": CHILD_ARN,
                                                  "Input": {"token.$": "$$.Task.Token"}}))
    started = execution.children.get()
    assert started.status == "SUCCEEDED"  # the child's end does not answer the parent's task
    assert execution.status == "RUNNING" and started.parent_pattern == "CALLBACK"
    assert json.loads(started.input)["token"] == TOKENS[0]
    callbacks.send_task_success(TOKENS[0], '{"approved": true}')
    drain()
    execution.refresh_from_db()
    assert (execution.status, json.loads(execution.output)) == ("SUCCEEDED", {"approved": True})
    assert history(execution)[3:6] == ["TaskStarted", "TaskSubmitted", "TaskSucceeded"]


@pytest.mark.parametrize("parameters, error", [
    ({"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Nope"},
     "StepFunctions.StateMachineDoesNotExistException"),
    ({"StateMachineArn": "not-an-arn"}, "StepFunctions.InvalidArnException"),
    ({}, "StepFunctions.ValidationException"),
    ({"StateMachineArn": CHILD_ARN, "Name": "bad name"}, "StepFunctions.InvalidNameException"),
    ({"StateMachineArn": CHILD_ARN, "Input": "{not json"}, "StepFunctions.InvalidExecutionInputException"),
])
def test_start_errors_fail_the_task_with_the_sdk_exception_name(parameters, error):
    child()
    execution = run(parent(".sync", parameters))
    assert (execution.status, execution.error) == ("FAILED", error)
    assert "(Service: AWSStepFunctions; Status Code: 400; Error Code: " in execution.cause
    assert not execution.children.exists()


def test_a_name_already_used_fails_with_execution_already_exists():
    child()
    machine = parent("", {"StateMachineArn": CHILD_ARN, "Name": "only-once", "Input": {"n": 1}})
    assert run(machine).status == "SUCCEEDED"
    drain()
    again = run(machine, input='{"n": 2}')
    assert (again.status, again.error) == ("FAILED", "StepFunctions.ExecutionAlreadyExistsException")


def test_the_start_job_running_twice_starts_one_child_and_records_one_start():
    child({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}})
    machine = parent(".sync")
    execution = services.start_execution(machine, input='{"n": 1}')
    command = sig.InvokeTask(task_id="task-2", resource="arn:aws:states:::states:startExecution.sync",
                             input={"StateMachineArn": CHILD_ARN, "Input": {"n": 1}}, state_name="Start",
                             attempt=0, execution_id=execution.arn)
    info = describe_resource(command.resource)
    pending = execution.run_state["waiting"]
    assert "task-2" in pending  # the id the engine gave the task
    nested.invoke(execution.pk, command, info)
    nested.invoke(execution.pk, command, info)  # a worker died after the first commit: the job runs again
    assert execution.children.count() == 1
    assert history(execution).count("TaskSubmitted") == 1


def test_started_by_in_the_input_links_an_execution_to_its_parent():
    child()
    first = run(parent(""))
    linked = services.start_execution(child(name="Other"), input=json.dumps(
        {"n": 1, nested.STARTED_BY_KEY: first.arn}))
    assert linked.parent_id == first.pk and linked.parent_task_id == ""


def test_a_version_arn_runs_that_version_and_the_result_names_it():
    machine = child({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "v1", "End": True}}})
    StateMachineVersion.objects.create(state_machine=machine, number=1, revision=machine.revision)
    update_state_machine(machine, definition=json.dumps(
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "v2", "End": True}}}))
    execution = run(parent(".sync:2", {"StateMachineArn": CHILD_ARN + ":1"}))
    result = json.loads(execution.output)
    assert result["Output"] == "v1" and result["StateMachineVersionArn"] == CHILD_ARN + ":1"


def test_an_express_child_runs_on_the_workers_and_reports_back_without_history():
    child(type="EXPRESS")
    execution = run(parent(".sync:2"))
    result = json.loads(execution.output)
    assert execution.status == "SUCCEEDED" and result["Output"] == {"n": 2}
    started = execution.children.get()
    assert ":express:Child:" in started.arn and "RedriveStatus" not in result
    assert not ExecutionEvent.objects.filter(execution=started).exists() and started.event_count > 0


def test_describe_shapes_for_sync_and_sync2():
    child()
    execution = run(parent(""))
    started = execution.children.get()
    drain()
    started.refresh_from_db()
    plain, parsed = nested.describe(started), nested.describe(started, parsed=True)
    assert plain["Output"] == '{"n":2}' and parsed["Output"] == {"n": 2}
    assert isinstance(plain["StartDate"], int) and isinstance(plain["StopDate"], int)
    assert plain["RedriveStatusReason"] == "Execution is SUCCEEDED and cannot be redriven"


def test_sdk_error_names_follow_the_java_exception_classes():
    from designer import errors

    assert nested.sdk_error(errors.ExecutionAlreadyExists("x")).error == "StepFunctions.ExecutionAlreadyExistsException"
    assert nested.sdk_error(errors.ValidationException("x")).error == "StepFunctions.ValidationException"
    assert isinstance(nested.sdk_error(errors.InvalidArn("x")), StatesError)


def test_a_sync_task_that_starts_a_running_execution_again_waits_for_it():
    machine = child({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}})
    running = services.start_execution(machine, input='{"n": 1}', name="shared")
    # The same name and input text while it runs: the same execution (AWS: StartExecution is idempotent).
    execution = run(parent(".sync:2", {"StateMachineArn": CHILD_ARN, "Name": "shared", "Input": '{"n": 1}'}))
    assert execution.status == "RUNNING" and list(execution.children.all()) == [running]
    drain(jump_timers=1)
    execution.refresh_from_db()
    assert execution.status == "SUCCEEDED" and json.loads(execution.output)["ExecutionArn"] == running.arn


# --- who a child runs as ----------------------------------------------------------------------------------


@pytest.fixture
def bob(django_user_model):
    """bob: may run Parent, nothing else."""
    return django_user_model.objects.create_user("bob")


def run_as(user, machine, input='{"n": 1}'):
    execution = services.start_execution(machine, input=input, started_by=user)
    drain()
    execution.refresh_from_db()
    return execution


def test_a_child_runs_as_its_parents_starter_only_if_they_may_start_it(bob):

    child_machine = child()
    machine = parent(".sync:2")
    permissions.grant(machine, permissions.EXECUTE, user=bob)
    refused = run_as(bob, machine)
    assert refused.status == "FAILED" and refused.error == "StepFunctions.AccessDeniedException"
    assert f"User: bob is not authorized to perform: states:StartExecution on resource: {CHILD_ARN}" in refused.cause
    assert "lacks the 'execute' permission" in refused.cause
    assert not Execution.objects.filter(state_machine=child_machine).exists()

    permissions.grant(child_machine, permissions.VIEW, user=bob)  # seeing is not running
    assert run_as(bob, machine).error == "StepFunctions.AccessDeniedException"
    permissions.grant(child_machine, permissions.EXECUTE, user=bob)
    allowed = run_as(bob, machine)
    assert allowed.status == "SUCCEEDED" and json.loads(allowed.output)["Output"] == {"n": 2}
    assert Execution.objects.get(state_machine=child_machine).started_by == bob


def test_a_machine_that_does_not_exist_is_refused_like_one_the_starter_may_not_run(bob, admin_user):

    machine = parent(parameters={"StateMachineArn": CHILD_ARN + "Gone", "Input": {}})
    permissions.grant(machine, permissions.EXECUTE, user=bob)
    assert run_as(bob, machine).error == "StepFunctions.AccessDeniedException"
    # A superuser, like the system, sees the real error.
    assert run_as(admin_user, machine).error == "StepFunctions.StateMachineDoesNotExistException"


def test_the_system_and_superusers_start_any_child(admin_user):
    child()
    machine = parent()
    assert run(machine).status == "SUCCEEDED"
    assert run_as(admin_user, machine).status == "SUCCEEDED"
    assert set(Execution.objects.filter(parent__isnull=False).values_list("started_by", flat=True)) == \
        {None, admin_user.pk}


def test_an_express_sync_execution_starts_children_as_its_caller_only(bob):
    child()
    machine = make_machine({"StartAt": "Start", "States": {"Start": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
        "Parameters": {"StateMachineArn": CHILD_ARN, "Input": {"n": 1}}, "End": True}}}, name="Quick", type="EXPRESS")
    permissions.grant(machine, permissions.EXECUTE, user=bob)
    result = express.start_sync_execution(machine, started_by=bob)
    assert result.status == "FAILED" and result.error == "StepFunctions.AccessDeniedException"
    assert express.start_sync_execution(machine).status == "SUCCEEDED"
