"""Jobs for nested executions and mocked tasks (django.tasks on the database backend).

Like the jobs in tasks.py, they are queued in the transaction of the step that asks for them, retry
transient database errors themselves, queue themselves again when that is not enough, and are safe to run
twice: the engine drops an outcome for a task it no longer waits for, and a stop of a finished execution
does nothing.
"""
from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from django.db import OperationalError, close_old_connections
from django.tasks import task
from django.utils import timezone

from executions.engine import signals as sig

logger = logging.getLogger(__name__)
_ATTEMPTS = 5


def _with_retries(job, work, *args) -> None:
    from executions import services

    for attempt in range(_ATTEMPTS):
        try:
            return work(*args)
        except (OperationalError, services.StepConflict) as exc:  # a locked SQLite database, a busy row
            logger.warning("%s%r: %s (attempt %d)", job.name, args, exc, attempt + 1)
            close_old_connections()
            time.sleep(0.05 * 2 ** attempt)
    job.using(run_after=timezone.now() + timedelta(seconds=5)).enqueue(*args)


@task()
def child_finished(child_id: int) -> None:
    """A child execution ended: answer the parent's `.sync` task with its outcome."""
    from executions import nested

    _with_retries(child_finished, nested.deliver_child_outcome, child_id)


@task()
def stop_child(child_id: int, parent_arn: str) -> None:
    """The parent's `.sync` task no longer waits: stop the child."""
    from executions import nested

    _with_retries(stop_child, nested.stop_child, child_id, parent_arn)


@task()
def answer_mock(execution_id: int, task_id: str, outcome: dict[str, Any]) -> None:
    """Deliver a mocked task's outcome (chosen when the task was scheduled, see mocks_server.py)."""
    _with_retries(answer_mock, _answer, execution_id, task_id, outcome)


def _answer(execution_id: int, task_id: str, outcome: dict[str, Any]) -> None:
    from executions import services

    started = sig.TaskStarted(task_id)
    if "error" in outcome:
        services.deliver(execution_id, [started, sig.TaskFailed(task_id, outcome["error"], outcome.get("cause"))])
    else:
        services.deliver(execution_id, [started, sig.TaskSucceeded(task_id, outcome.get("value"))])
