"""Answers from outside: SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat, and activity workers.

A token belongs to one task attempt. It is answered at most once; once its task has closed (answered,
timed out, its execution stopped) it is refused with TaskTimedOut, and a token we never issued with
InvalidToken, as AWS does.
"""
from __future__ import annotations

import json
import time
from django.db import transaction
from django.utils import timezone

from designer import errors
from executions import services
from executions.engine import signals as sig
from executions.engine.interpreter import MAX_PAYLOAD_BYTES, payload_size
from executions.models import Activity, ActivityTask, Execution, TaskToken

MAX_TOKEN_LENGTH = 2048
MAX_ERROR_LENGTH = 256
MAX_CAUSE_LENGTH = 32_768


def _token(token: str) -> TaskToken:
    if not isinstance(token, str) or not 1 <= len(token) <= MAX_TOKEN_LENGTH:
        raise errors.InvalidToken("Invalid Token: the token must be 1 to 2048 characters")
    row = TaskToken.objects.select_for_update().select_related("execution").filter(token=token).first()
    if row is None:
        raise errors.InvalidToken("Invalid Token: 'Provided token is not valid'")
    if row.status != TaskToken.OPEN or row.execution.status != Execution.RUNNING:
        raise errors.TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'")
    return row


def _close(row: TaskToken) -> None:
    row.status = TaskToken.CLOSED
    row.closed_at = timezone.now()
    row.save(update_fields=["status", "closed_at"])
    ActivityTask.objects.filter(token=row).update(status=ActivityTask.CLOSED)


def send_task_success(token: str, output: str) -> None:
    if not isinstance(output, str) or payload_size(output) > MAX_PAYLOAD_BYTES:
        raise errors.InvalidOutput("Invalid output: must be JSON text of at most 262144 bytes")
    try:
        value = json.loads(output, parse_constant=services._no_constants)
    except ValueError as exc:
        raise errors.InvalidOutput(f"Invalid Output: '{exc}'") from None
    with transaction.atomic():
        row = _token(token)
        _close(row)
        services.deliver(row.execution_id, [sig.TaskSucceeded(row.task_id, value)])


def send_task_failure(token: str, error: str | None = None, cause: str | None = None) -> None:
    if error is not None and len(error) > MAX_ERROR_LENGTH:
        raise errors.ValidationException("Value at 'error' failed to satisfy constraint: length <= 256")
    if cause is not None and len(cause) > MAX_CAUSE_LENGTH:
        raise errors.ValidationException("Value at 'cause' failed to satisfy constraint: length <= 32768")
    with transaction.atomic():
        row = _token(token)
        _close(row)
        services.deliver(row.execution_id, [sig.TaskFailed(row.task_id, error, cause)])


def send_task_heartbeat(token: str) -> None:
    with transaction.atomic():
        row = _token(token)
        services.deliver(row.execution_id, [sig.TaskHeartbeat(row.task_id)])


def get_activity_task(activity: Activity, *, worker_name: str = "", wait_seconds: float = 60.0,
                      poll_interval: float = 0.5) -> tuple[str, str] | None:
    """Hand the oldest queued task of an activity to a worker: (token, input), or None after waiting.

    Long-polls up to `wait_seconds` (AWS: 60 s). The task is marked started and ActivityStarted is written
    with the worker's name in one transaction, so two workers never get the same task.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        claimed = _claim(activity, worker_name)
        if claimed is not None:
            return claimed
        if time.monotonic() >= deadline:
            return None
        time.sleep(min(poll_interval, max(0.0, deadline - time.monotonic())))


def _claim(activity: Activity, worker_name: str) -> tuple[str, str] | None:
    with transaction.atomic():
        queued = ActivityTask.objects.select_for_update(skip_locked=True).select_related("token").filter(
            activity=activity, status=ActivityTask.QUEUED).order_by("id")
        task = queued.first()
        if task is None:
            return None
        task.status = ActivityTask.STARTED
        task.worker_name = worker_name
        task.started_at = timezone.now()
        task.save(update_fields=["status", "worker_name", "started_at"])
        token = task.token
        services.deliver(token.execution_id, [sig.TaskStarted(token.task_id, worker_name or None)])
        return token.token, task.input


def create_activity(name: str) -> Activity:
    from designer.services import check_name

    check_name(name, "activity name")
    activity, _ = Activity.objects.get_or_create(name=name)  # AWS: CreateActivity is idempotent by name
    return activity
