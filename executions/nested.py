"""Nested executions: a Task with `arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]`.

The parent's task starts a child execution (Parameters `StateMachineArn`, `Input`, `Name`) and then:
- request-response: succeeds at once with AWS's StartExecution answer (`ExecutionArn`, `StartDate`);
- `.sync` / `.sync:2`: writes TaskSubmitted (the same answer) and waits for the child's end. When the child
  ends, the step that ends it queues `jobs.child_finished` in the same transaction, which delivers the
  child's DescribeExecution-like object to the parent's task: `Input`/`Output` as JSON strings for `.sync`,
  parsed JSON for `.sync:2`; a child that failed, timed out or was aborted fails the task with
  States.TaskFailed and that object (as JSON text) as the cause, as AWS does;
- `.waitForTaskToken`: writes TaskSubmitted and waits for SendTaskSuccess / SendTaskFailure with the token
  the parent put into the child's input (`$$.Task.Token`); the child's end does not answer the task.

Parent and child are linked both ways (`Execution.parent`, `parent.children`), with the task attempt that
started the child. When a `.sync` task stops waiting (timeout, parent stopped, a sibling branch failed),
the child is stopped too (AWS: the `.sync` IAM policy includes states:StopExecution for that reason).
Errors of the start itself are named as AWS's Java SDK names them: `StepFunctions.<Code>Exception`.

A child is started by whoever started its parent (`Execution.started_by`), and only if they may: a user
without `execute` on the child's machine fails the task with StepFunctions.AccessDeniedException, so a
definition cannot run what its runner could not start by hand. Executions the system starts (no user) may.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone as dt_timezone
from email.utils import format_datetime
from typing import Any

from django.db import transaction

from designer import errors
from designer.accounts import permissions
from designer.asl.errors import StatesError
from designer.models import StateMachine, StateMachineAlias, StateMachineVersion
from executions.engine import signals as sig
from executions.engine.resources import ResourceInfo
from executions.models import Execution

STARTED_BY_KEY = "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"
WAITING_PATTERNS = ("SYNC", "SYNC2")  # the patterns whose task waits for the child's end
_FINISHED = (Execution.SUCCEEDED, Execution.FAILED, Execution.TIMED_OUT, Execution.ABORTED)


def is_start_execution(info: ResourceInfo) -> bool:
    """Whether a Task resource is the optimized Step Functions StartExecution integration."""
    return info.family == "Task" and info.resource_type == "states" and info.resource.split(".")[0] == "startExecution"


def invoke(execution_id: int, command: sig.InvokeTask, info: ResourceInfo) -> list:
    """Run a parent's startExecution task: start the child and tell the parent, in one transaction.

    Returns no signals (they are delivered here): committing the child's start together with the parent's
    TaskStarted/TaskSubmitted makes the job safe to run twice and guarantees the parent has recorded the
    start before the child's end can reach it.
    """
    from executions import services

    with transaction.atomic():
        # Locks the parent's row (PostgreSQL), so a second run of this job waits and then sees the child.
        parent = Execution.objects.select_for_update(of=("self",)).filter(pk=execution_id).first()
        if parent is None or parent.status != Execution.RUNNING:
            return []
        if Execution.objects.filter(parent=parent, parent_task_id=command.task_id).exists():
            return []  # this job already ran (its transaction committed before the worker died)
        started = sig.TaskStarted(command.task_id)
        try:
            child = start_child(command, info, parent=parent, started_by=parent.started_by)
        except StatesError as exc:
            signals: list = [started, sig.TaskFailed(command.task_id, exc.error, exc.cause)]
        else:
            if child.parent_task_id != command.task_id and info.pattern in WAITING_PATTERNS:
                _adopt(child, parent, command.task_id, info.pattern)
            answer = start_answer(child)
            if info.pattern == "REQUEST_RESPONSE":
                signals = [started, sig.TaskSucceeded(command.task_id, answer)]
            else:
                signals = [started, sig.TaskSubmitted(command.task_id, answer)]
        services.deliver(parent.pk, signals)
    return []


def _adopt(child: Execution, parent: Execution, task_id: str, pattern: str) -> None:
    # AWS: StartExecution with the name and input of a running execution returns that execution; a `.sync`
    # task then waits for it. It reports to this task unless another task already waits for it.
    if child.parent_pattern in WAITING_PATTERNS and child.parent_task_id:
        return
    Execution.objects.filter(pk=child.pk).update(parent=parent, parent_task_id=task_id, parent_pattern=pattern)


def start_child(command: sig.InvokeTask, info: ResourceInfo, *, parent: Execution | None, started_by) -> Execution:
    """Start the execution a startExecution task asks for, on behalf of `started_by` (a user, or None for the
    system); service errors become StatesError."""
    from executions import services

    parameters = command.input if isinstance(command.input, dict) else {}
    try:
        arn = parameters.get("StateMachineArn")
        if not isinstance(arn, str):
            raise errors.ValidationException("1 validation error detected: Value null at 'stateMachineArn' "
                                             "failed to satisfy constraint: Member must not be null")
        machine, version, alias = _resolve_for(started_by, arn)
        value = parameters.get("Input")
        # AWS: Input may be JSON text or any JSON value (sent as its JSON text); absent means {}.
        text = value if isinstance(value, str) else "{}" if value is None else \
            json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        name = parameters.get("Name")
        if name is not None and not isinstance(name, str):
            raise errors.InvalidName(f"Invalid Name: '{name}'")
        trace = parameters.get("TraceHeader")
        return services.start_execution(
            machine, input=text, name=name, version=version, alias=alias, parent=parent,
            parent_task_id=command.task_id if parent is not None else "", parent_pattern=info.pattern,
            trace_header=trace if isinstance(trace, str) else "", started_by=started_by)
    except errors.FlowdeckError as exc:
        raise sdk_error(exc) from None


def _resolve_for(user, arn: str) -> tuple[StateMachine, StateMachineVersion | None, StateMachineAlias | None]:
    # As on the AWS-compatible endpoint, a machine that does not exist and one the user may not start are refused
    # alike (superusers and the system see the real error).
    refused = permissions.AccessDeniedException(
        f"User: {user.get_username()} is not authorized to perform: states:StartExecution on resource: {arn} "
        f"(this execution was started by {user.get_username()}, who lacks the 'execute' permission on it)"
    ) if user is not None else None
    try:
        machine, version, alias = resolve_state_machine_arn(arn)
    except errors.StateMachineDoesNotExist:
        if refused is not None and not user.is_superuser:
            raise refused from None
        raise
    if refused is not None and not permissions.has_permission(user, permissions.EXECUTE, machine):
        raise refused
    return machine, version, alias


def sdk_error(exc: errors.FlowdeckError) -> StatesError:
    """A Step Functions API error as a task error: AWS names it after the Java SDK exception class."""
    code = exc.code
    name = code if code.endswith("Exception") else f"{code}Exception"
    cause = (f"{exc.message} (Service: AWSStepFunctions; Status Code: {exc.status}; Error Code: {code}; "
             f"Request ID: {uuid.uuid4()}; Proxy: null)")
    return StatesError(f"StepFunctions.{name}", cause)


def resolve_state_machine_arn(arn: str) -> tuple[StateMachine, StateMachineVersion | None, StateMachineAlias | None]:
    """The machine (and version or alias) named by `...:stateMachine:NAME[:VERSION|:ALIAS]`; an alias
    routes to one of its versions by weight, as AWS does for each StartExecution."""
    from designer.services import find_state_machine, route_alias

    target = find_state_machine(arn)
    version = route_alias(target.alias) if target.alias is not None else target.version
    return target.machine, version, target.alias


def started_by(value: Any) -> str | None:
    """The parent execution ARN an input names under AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID, if any."""
    if isinstance(value, dict):
        arn = value.get(STARTED_BY_KEY)
        if isinstance(arn, str):
            return arn
    return None


# --- what the parent's task receives ---------------------------------------------------------------


def epoch_millis(moment: datetime) -> int:
    """Dates in integration results are epoch milliseconds, as AWS's Java SDK serialises them."""
    return int(moment.timestamp() * 1000)


def start_answer(child: Execution) -> dict:
    """AWS's StartExecution answer as a Task sees it (recorded: ExecutionArn, StartDate and SDK metadata)."""
    request_id = str(uuid.uuid4())
    body = json.dumps({"executionArn": child.arn, "startDate": child.start_date.timestamp()})
    headers = {"Content-Length": str(len(body)), "Content-Type": "application/x-amz-json-1.0",
               "Date": format_datetime(datetime.now(dt_timezone.utc), usegmt=True), "x-amzn-RequestId": request_id}
    return {
        "ExecutionArn": child.arn,
        "SdkHttpMetadata": {"AllHttpHeaders": {key: [value] for key, value in headers.items()},
                            "HttpHeaders": headers, "HttpStatusCode": 200},
        "SdkResponseMetadata": {"RequestId": request_id},
        "StartDate": epoch_millis(child.start_date),
    }


def describe(child: Execution, *, parsed: bool = False) -> dict:
    """The child as DescribeExecution shows it, in the capitalised shape a `.sync` task receives.

    Keys are sorted as AWS writes them; `parsed` (`.sync:2`) gives Input and Output as JSON values."""
    data: dict[str, Any] = {
        "ExecutionArn": child.arn,
        "Input": json.loads(child.input) if parsed else child.input,
        "InputDetails": {"Included": True},
        "Name": child.name,
        "StartDate": epoch_millis(child.start_date),
        "StateMachineArn": child.state_machine.arn,
        "Status": child.status,
    }
    if child.status == Execution.SUCCEEDED and child.output is not None:
        data["Output"] = json.loads(child.output) if parsed else child.output
        data["OutputDetails"] = {"Included": True}
    if child.error is not None:
        data["Error"] = child.error
    if child.cause is not None:
        data["Cause"] = child.cause
    if child.stop_date is not None:
        data["StopDate"] = epoch_millis(child.stop_date)
    if child.version_arn:
        data["StateMachineVersionArn"] = child.version_arn
    if child.alias_arn:
        data["StateMachineAliasArn"] = child.alias_arn
    if child.trace_header:
        data["TraceHeader"] = child.trace_header
    if ":express:" not in child.arn:  # Express executions cannot be redriven, and AWS shows no redrive fields
        data["RedriveCount"] = child.redrive_count
        if child.redrive_date is not None:
            data["RedriveDate"] = epoch_millis(child.redrive_date)
        if child.status in (Execution.FAILED, Execution.TIMED_OUT, Execution.ABORTED):
            data["RedriveStatus"] = "REDRIVABLE"
        else:
            data["RedriveStatus"] = "NOT_REDRIVABLE"
            data["RedriveStatusReason"] = f"Execution is {child.status} and cannot be redriven"
    return dict(sorted(data.items()))


def outcome_for_parent(child: Execution) -> list:
    """The signal that answers the parent's waiting `.sync` task, given the finished child."""
    description = describe(child, parsed=child.parent_pattern == "SYNC2")
    if child.status == Execution.SUCCEEDED:
        return [sig.TaskSucceeded(child.parent_task_id, description)]
    # AWS: a child that failed, timed out or was aborted fails the task with States.TaskFailed, the cause
    # being the child's description as compact JSON.
    cause = json.dumps(description, separators=(",", ":"), ensure_ascii=False)
    return [sig.TaskFailed(child.parent_task_id, "States.TaskFailed", cause)]


# --- hooks called by services.record_step (inside the step's transaction) -----------------------------


def child_ended(child: Execution) -> None:
    """A child ended: if its parent's task waits for it (`.sync`), queue the delivery of its outcome."""
    if child.parent_id is not None and child.parent_pattern in WAITING_PATTERNS and child.parent_task_id:
        from executions import jobs

        jobs.child_finished.enqueue(child.pk)


def task_cancelled(parent: Execution, task_id: str) -> None:
    """A parent's task stopped waiting: stop the running `.sync` children it started."""
    from executions import jobs

    children = Execution.objects.filter(parent=parent, parent_task_id=task_id, status=Execution.RUNNING,
                                        parent_pattern__in=WAITING_PATTERNS).values_list("pk", flat=True)
    for child_id in children:
        jobs.stop_child.enqueue(child_id, parent.arn)


# --- what the jobs do -------------------------------------------------------------------------------


def deliver_child_outcome(child_id: int) -> None:
    """Deliver a finished child's outcome to the parent's task (dropped if the parent moved on)."""
    from executions import services

    child = Execution.objects.select_related("state_machine").filter(pk=child_id).first()
    if child is None or child.parent_id is None or child.status not in _FINISHED:
        return
    services.deliver(child.parent_id, outcome_for_parent(child))


def stop_child(child_id: int, parent_arn: str) -> None:
    """Stop a child whose `.sync` parent task no longer waits for it (a no-op once the child has ended)."""
    from executions import services

    # AWS records no error name for this stop; the cause says who stopped it.
    cause = f"The Task state in execution '{parent_arn}' that started this execution stopped waiting for it"
    services.deliver(child_id, [sig.StopExecution(None, cause)])
