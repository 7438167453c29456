"""Running executions on the server: the engine hosted on the database.

Every engine step is one transaction: the step's history events are appended, the new run state is stored
(guarded by the step counter, so two workers never both advance from the same state), and the step's
commands are queued as database task jobs in that same transaction. A crash between any two steps loses
nothing: what was committed is complete, and what was not is redone from the last committed state.
"""
from __future__ import annotations

import json
import secrets
import uuid
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from designer import errors
from designer import services as designer_services
from designer.accounts import permissions
from designer.models import StateMachine, StateMachineAlias, StateMachineVersion
from designer.services import check_name, compiled_machine
from executions import deletion, history, maprun, queue, quotas, steprows
from executions.engine import signals as sig
from executions.engine.interpreter import (MAX_DURATION_SECONDS, MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES, advance, iso,
                                           payload_size, start)
from executions.engine.resources import describe
from executions.engine.runstate import RUNNING, RunState
from executions.models import Activity, ActivityTask, Execution, TaskToken

EXPRESS_MAX_DURATION_SECONDS = 300  # AWS: an Express execution runs at most five minutes
_CONFLICT_RETRIES = 10


class StepConflict(Exception):
    """Another worker committed a step of this execution since this one read its state."""


def new_token() -> str:
    """A task token: unguessable (384 random bits), URL-safe, well under AWS's 2,048 characters."""
    return secrets.token_urlsafe(48)


def parse_input(text: str | None, what: str = "input") -> Any:
    """Execution input as AWS takes it: JSON text (default {}), at most 256 KiB."""
    if text is None:
        return {}
    if not isinstance(text, str):
        raise errors.InvalidExecutionInput(f"Invalid {what}: must be a JSON string")
    if payload_size(text) > MAX_PAYLOAD_BYTES:
        raise errors.InvalidExecutionInput(f"The {what} exceeds the maximum size of 262144 bytes")
    try:
        return json.loads(text, parse_constant=_no_constants)
    except ValueError as exc:
        raise errors.InvalidExecutionInput(f"Invalid State Machine Execution Input: '{exc}'") from None


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def start_execution(machine: StateMachine, *, input: str | None = None, name: str | None = None,
                    version: StateMachineVersion | None = None, alias: StateMachineAlias | None = None,
                    parent: Execution | None = None, test_case: str = "", trace_header: str = "",
                    parent_task_id: str = "", parent_pattern: str = "", started_by=None) -> Execution:
    """Start an execution of the machine's current revision (or of a version) and run its first step.

    `test_case` answers the tasks its mock configuration mocks (mocks_server.py); `parent`,
    `parent_task_id` and `parent_pattern` link a child to the parent task that started it (nested.py);
    `started_by` is the user who asked (None: the system).
    """
    from executions import express, mocks_server, nested

    if machine.status != StateMachine.ACTIVE:
        raise errors.StateMachineDeleting(f"State Machine is being deleted: '{machine.arn}'")
    name = check_name(name, "execution name") if name else str(uuid.uuid4())
    value = parse_input(input)
    text = "{}" if input is None else input
    if test_case:
        mocks_server.check_test_case(machine.name, test_case)
    if parent is None and (parent_arn := nested.started_by(value)) is not None:
        # AWS: an input naming AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID links the child to that execution; only
        # to one the starter may see, else the link would tell which ARNs exist and add children to anyone's.
        parent = Execution.objects.select_related("state_machine").filter(arn=parent_arn).first()
        if parent is not None and started_by is not None and not permissions.has_permission(
                started_by, permissions.VIEW, parent.state_machine):
            parent = None
    revision = version.revision if version is not None else machine.revision
    is_express = machine.type == StateMachine.EXPRESS
    # AWS: Express names need not be unique (the ARN adds a UUID); Standard names are, per machine.
    arn = express.express_arn(machine.name, name) if is_express else Execution.make_arn(machine.name, name)
    if not is_express:
        try:
            quotas.check_open_executions()  # AWS's quota of open Standard executions
        except errors.ExecutionLimitExceeded:
            existing = _started_before(arn, text)  # a repeated start is answered even at the limit
            if existing is None:
                raise
            return existing
    compiled = compiled_machine(revision)
    now = timezone.now()
    max_duration = MAX_DURATION_SECONDS if machine.type == StateMachine.STANDARD else EXPRESS_MAX_DURATION_SECONDS
    execution = Execution(
        arn=arn, name=name, state_machine=machine, revision=revision, input=text, start_date=now,
        version_arn=version.arn if version is not None else "", alias_arn=alias.arn if alias is not None else "",
        parent=parent, test_case=test_case, trace_header=trace_header, parent_task_id=parent_task_id,
        parent_pattern=parent_pattern, started_by=started_by,
    )
    step = start(compiled, value, now=now, name=name, state_machine_name=machine.name, state_machine_id=machine.arn,
                 execution_id=arn, role_arn=revision.role_arn, token_factory=new_token,
                 max_duration_seconds=max_duration, max_history_events=_history_cap(execution))
    try:
        with transaction.atomic():
            record_step(execution, step, insert=True)  # the row is inserted with the first step's state
    except IntegrityError:
        # The name is taken (Standard names are unique per machine; the unique ARN says so, no SELECT first).
        existing = _started_before(arn, text)
        if existing is None:
            raise
        return existing
    return execution


def _started_before(arn: str, text: str) -> Execution | None:
    """The execution a repeated StartExecution names, if it is the same start; ExecutionAlreadyExists if the name
    is taken otherwise; None if there is no such execution."""
    existing = Execution.objects.filter(arn=arn).first()
    if existing is None:
        return None
    # AWS Standard: the same name and input while it runs is the same execution (idempotent start).
    if existing.status == Execution.RUNNING and existing.input == text:
        return existing
    raise errors.ExecutionAlreadyExists(f"Execution Already Exists: '{arn}'")


def deliver(execution_id: int, incoming: list) -> None:
    """Feed signals (task outcomes, timers, a stop) to an execution and commit the resulting step.

    The row is locked for the step (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the IMMEDIATE transaction
    holds the write lock); the step counter guards against anything that slips past.
    """
    for _ in range(_CONFLICT_RETRIES):
        try:
            with transaction.atomic():
                execution = steprows.lock_for_step(execution_id)
                if execution is None:
                    raise Execution.DoesNotExist(f"execution {execution_id}")
                if execution.status != Execution.RUNNING:
                    return  # late outcomes of a finished execution are dropped, as stale ones are
                incoming = deletion.signals_for(execution, incoming)  # its state machine may be being deleted
                state = RunState.from_json(execution.run_state)
                step = advance(compiled_machine(execution.revision), state, incoming, now=timezone.now(),
                               token_factory=new_token, max_history_events=_history_cap(execution))
                record_step(execution, step)
            return
        except StepConflict:
            continue
    raise StepConflict(f"execution {execution_id}: too many concurrent steps")


def record_step(execution: Execution, step, *, insert: bool = False) -> None:
    """Append the step's events, store the run state, queue the commands: call inside a transaction.

    With `insert`, the execution is new: its row is inserted with the step's state instead of updated."""
    state = step.state
    done = state.status != RUNNING
    changes = {
        "run_state": state.to_json(),
        "status": state.status,
        "transitions": state.transitions,
    }
    if done:
        changes.update(stop_date=timezone.now(), error=state.error, cause=state.cause,
                       output=json.dumps(state.output, separators=(",", ":"), ensure_ascii=False)
                       if state.status == Execution.SUCCEEDED else None)
    if insert:
        for name, value in changes.items():
            setattr(execution, name, value)
        execution.step, execution.event_count = 1, len(step.events)
        execution.save(force_insert=True)
    else:
        # The guarded update comes first: a step that lost the race stops here, before its events could
        # collide with the winner's (unique event ids), which would fail the job instead of retrying the step.
        if not steprows.update_after_step(execution, changes, len(step.events)):
            raise StepConflict(execution.arn)
        execution.step += 1
        execution.event_count += len(step.events)
        for name, value in changes.items():
            setattr(execution, name, value)
    if step.events and not _is_express(execution):  # AWS keeps no history of Express executions
        history.append((execution.pk, event) for event in step.events)
    maprun.record_children(execution, step)  # Distributed Map children and their Map Runs (if any)
    outbox = queue.Outbox()
    for command in step.commands:
        _schedule(execution, command, outbox)
    outbox.flush()
    if done:
        if execution.test_case or _issues_tokens(execution.revision):
            _close_tokens(execution)
        if execution.parent_id is not None:
            from executions import nested

            nested.child_ended(execution)  # a `.sync` parent learns of the end through a job queued here


def _is_express(execution: Execution) -> bool:
    return ":express:" in execution.arn


def _history_cap(execution: Execution) -> int | None:
    # AWS: a Standard execution fails past 25,000 history events; Express executions have no such cap.
    return None if _is_express(execution) else MAX_HISTORY_EVENTS


def _schedule(execution: Execution, command, outbox: queue.Outbox) -> None:
    from executions import tasks

    if isinstance(command, sig.InvokeTask):
        if execution.test_case:
            from executions import mocks_server

            if mocks_server.schedule(execution, command):
                return  # the test case answers this task
        if command.token is not None:
            token = TaskToken.objects.create(token=command.token, execution=execution, task_id=command.task_id,
                                             state_name=command.state_name)
            info = describe(command.resource)
            if info.family == "Activity":
                # An activity's work waits in its queue for a worker's GetActivityTask; nothing to call.
                activity = Activity.objects.filter(name=command.resource.rsplit(":", 1)[-1]).first()
                if activity is None:
                    outbox.add(tasks.fail_task, execution.pk, command.task_id, "States.Runtime",
                               f"Activity does not exist: '{command.resource}'")
                    return
                ActivityTask.objects.create(activity=activity, token=token,
                                            input=json.dumps(command.input, separators=(",", ":")))
                return
        outbox.add(tasks.invoke_task, execution.pk, command.to_dict(), chain=True)
    elif isinstance(command, sig.StartTimer):
        outbox.add(tasks.fire_timer, execution.pk, command.timer_id, run_after=command.due,
                   job_id=queue.timer_job_id(execution.pk, command.timer_id, iso(command.due)))
    elif isinstance(command, sig.CancelTask):
        _close_tokens(execution, task_id=command.task_id)
        from executions import nested

        nested.task_cancelled(execution, command.task_id)  # stops a `.sync` child the task was waiting for
    elif isinstance(command, sig.CancelTimer):
        # The engine would ignore the timer anyway; dropping its job keeps the queue from filling up with
        # timers nobody waits for (e.g. every finished execution's one-year time-out).
        if command.due is not None:
            job_id = queue.timer_job_id(execution.pk, command.timer_id, command.due)
            if not outbox.cancel(job_id):  # started in this very step: not inserted yet
                DBTaskResult.objects.filter(pk=job_id, status=TaskResultStatus.READY).delete()


_ISSUES_TOKENS: dict[int, bool] = {}  # revision pk -> answer (revisions never change)


def _issues_tokens(revision) -> bool:
    """Can this revision hand out task tokens (callbacks, activities)? If not, an ending execution has none
    to close, and two UPDATEs per execution are saved."""
    answer = _ISSUES_TOKENS.get(revision.pk)
    if answer is None:
        machine = compiled_machine(revision)  # the cached compile, not a second one
        answer = _ISSUES_TOKENS[revision.pk] = any(
            describe(state.resource).needs_token for state in machine.states.values() if state.type == "Task")
    return answer


def _close_tokens(execution: Execution, task_id: str | None = None) -> None:
    tokens = TaskToken.objects.filter(execution=execution, status=TaskToken.OPEN)
    if task_id is not None:
        tokens = tokens.filter(task_id=task_id)
    ActivityTask.objects.filter(token__in=tokens).update(status=ActivityTask.CLOSED)
    tokens.update(status=TaskToken.CLOSED, closed_at=timezone.now())


def stop_execution(execution: Execution, *, error: str | None = None, cause: str | None = None) -> Execution:
    if execution.state_machine.type == StateMachine.EXPRESS:
        # AWS: StopExecution does not take Express execution ARNs.
        raise errors.InvalidArn("Invalid Arn: 'Resource type not valid in this context: express'")
    if execution.map_run_id is not None:
        from executions import maprun

        return maprun.stop_child(execution, error=error, cause=cause)  # the parent's Map stops it
    if execution.status == Execution.RUNNING:
        deliver(execution.pk, [sig.StopExecution(error, cause)])
        execution.refresh_from_db()
    return execution


REDRIVE_WINDOW_DAYS = 14  # AWS: an execution can be redriven within 14 days of its end
REDRIVE_MAX_EVENTS = 24_999  # AWS: and while its history has fewer than this many events


def redrive_execution(execution: Execution, *, client_token: str | None = None) -> Execution:
    """RedriveExecution: continue an unsuccessful Standard execution from the part that did not succeed.

    A `client_token` that already redrove this execution (AWS: one of the last 10, within 15 minutes) redrives
    nothing: the execution comes back with `redrive_date` set to the date of the redrive that token made."""
    from executions import redrive_tokens
    from executions.engine.redrive import redrive

    now = timezone.now()
    with transaction.atomic():
        execution = (Execution.objects.select_for_update(of=("self",))
                     .select_related("revision", "state_machine").get(pk=execution.pk))
        if (replayed := redrive_tokens.replayed(execution, client_token, now)) is not None:
            execution.redrive_date = replayed
            return execution
        if execution.state_machine.type == StateMachine.EXPRESS:
            raise errors.ExecutionNotRedrivable("Express executions cannot be redriven")
        if execution.state_machine.status != StateMachine.ACTIVE:
            raise errors.ExecutionNotRedrivable(f"State machine {execution.state_machine.name} has been deleted")
        if execution.map_run_id is not None:
            from executions import maprun

            maprun.refuse_redrive(execution)
        if execution.status not in (Execution.FAILED, Execution.TIMED_OUT, Execution.ABORTED):
            raise errors.ExecutionNotRedrivable(f"Execution is {execution.status}: only FAILED, TIMED_OUT or "
                                                "ABORTED executions can be redriven")
        if execution.stop_date and execution.stop_date < now - timedelta(days=REDRIVE_WINDOW_DAYS):
            raise errors.ExecutionNotRedrivable("Executions can be redriven within 14 days of their end")
        if execution.event_count >= REDRIVE_MAX_EVENTS:
            raise errors.ExecutionNotRedrivable("The execution's history is too long to redrive")
        state = RunState.from_json(execution.run_state)
        if not state.redrive:
            raise errors.ExecutionNotRedrivable("Nothing is left to redrive in this execution")
        quotas.check_open_executions()  # a redriven execution is open again
        step = redrive(compiled_machine(execution.revision), state, now=now, token_factory=new_token)
        Execution.objects.filter(pk=execution.pk).update(
            stop_date=None, error=None, cause=None, output=None, redrive_count=F("redrive_count") + 1,
            redrive_date=now, redrive_tokens=redrive_tokens.remembered(execution, client_token, now))
        execution.redrive_count += 1
        execution.redrive_date = now
        record_step(execution, step)
    return execution


# --- The AWS API's view of executions and activities --------------------------------------------------------

def find_execution(arn: str) -> Execution:
    """The execution an ARN names, or InvalidArn / ExecutionDoesNotExist as AWS words them.

    AWS keeps no record of Express executions: DescribeExecution, GetExecutionHistory, StopExecution and the
    others that find an execution refuse an Express ARN (InvalidArn)."""
    from executions.express import refuse_express_arn

    designer_services.parse_arn(arn, "execution", "express")
    refuse_express_arn(arn)
    execution = Execution.objects.select_related("state_machine", "revision").filter(arn=arn).first()
    if execution is None:
        raise errors.ExecutionDoesNotExist(f"Execution Does Not Exist: '{arn}'")
    return execution


def start_execution_at(arn: str, *, input: str | None = None, name: str | None = None,
                       trace_header: str = "", started_by=None) -> Execution:
    """StartExecution by ARN: a state machine runs its current revision, a version ARN that version, and an
    alias ARN the version its routing weights pick for this execution. `<arn>#<test case>` runs under that
    test case of the mock configuration, as in AWS Step Functions Local."""
    from executions.mocks_server import split_test_case

    arn, test_case = split_test_case(arn)
    target = designer_services.find_state_machine(arn)
    version = target.version
    if target.alias is not None:
        version = designer_services.route_alias(target.alias)
    return start_execution(target.machine, input=input, name=name, version=version, alias=target.alias,
                           trace_header=trace_header, test_case=test_case, started_by=started_by)


def list_executions(arn: str, *, status: str | None = None, redriven: bool | None = None):
    """ListExecutions of a state machine (all its executions), of a version or of an alias, newest first."""
    target = designer_services.find_state_machine(arn)
    if target.machine.type == StateMachine.EXPRESS:
        raise errors.StateMachineTypeNotSupported("This operation is not supported by this type of state machine")
    # A Distributed Map's children are listed by their Map Run (ListExecutions mapRunArn), not by machine.
    executions = Execution.objects.filter(state_machine=target.machine, map_run=None).order_by("-id")
    if target.version is not None:
        executions = executions.filter(version_arn=arn)
    elif target.alias is not None:
        executions = executions.filter(alias_arn=arn)
    if status is not None:
        executions = executions.filter(status=status)
    if redriven is not None:
        executions = executions.filter(redrive_count__gt=0) if redriven else executions.filter(redrive_count=0)
    return executions


def execution_history(execution: Execution, *, reverse: bool = False):
    """An execution's history events in id order (newest first with `reverse`)."""
    return execution.events.order_by("-event_id" if reverse else "event_id")


def create_activity(name: str, tags: list[dict]) -> Activity:
    """CreateActivity: idempotent by name; the tags of a repeated request are ignored, as AWS ignores them."""
    from executions import callbacks

    existed = Activity.objects.filter(name=name).exists()
    activity = callbacks.create_activity(name)
    if not existed:
        designer_services.tag_resource(activity.arn, tags)
    return activity


def find_activity(arn: str) -> Activity:
    designer_services.parse_arn(arn, "activity")
    activity = Activity.objects.filter(name=arn.rsplit(":", 1)[-1]).first()
    if activity is None or activity.arn != arn:
        raise errors.ActivityDoesNotExist(f"Activity Does Not Exist: '{arn}'")
    return activity


def delete_activity(arn: str) -> None:
    """DeleteActivity (deleting one that does not exist succeeds, as on AWS)."""
    try:
        activity = find_activity(arn)
    except errors.ActivityDoesNotExist:
        return
    with transaction.atomic():
        designer_services.untag_resource(arn)
        activity.delete()


def find_taggable(arn: str) -> str:
    """The ARN of an existing state machine or activity (the resources AWS tags), or ResourceNotFound."""
    kind, _ = designer_services.parse_arn(arn, "stateMachine", "activity")
    try:
        if kind == "activity":
            find_activity(arn)
        elif designer_services.find_state_machine(arn).machine.arn != arn:
            raise errors.StateMachineDoesNotExist(arn)  # versions and aliases carry no tags
    except (errors.ActivityDoesNotExist, errors.StateMachineDoesNotExist):
        raise errors.ResourceNotFound(f"Resource not found: '{arn}'") from None
    return arn
