"""The jobs the runtime queues (django.tasks on the database backend): run a task's resource, fire a timer.

A job that fails is not retried by the queue, and a lost job would leave its execution waiting forever, so
these jobs retry transient database errors themselves and, when that is not enough, queue themselves again.
Every job is safe to run twice: the engine drops an outcome for a task or timer that is no longer awaited.
A task's resource is called once per job run: retries redeliver its outcome, never call it again, and a job
run again after its worker died (recovered by `runexecutions`) calls it only if the outcome is still awaited,
so the only repeated calls are those whose worker died between calling and committing (at-least-once).
"""
from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.db import OperationalError, close_old_connections
from django.tasks import TaskContext, task
from django.utils import timezone

from executions import queue
from executions.engine import signals as sig

logger = logging.getLogger(__name__)
_ATTEMPTS = 5


def _with_retries(job, execution_id: int, *args) -> None:
    from executions import services

    for attempt in range(_ATTEMPTS):
        try:
            return job(execution_id, *args)
        except (OperationalError, services.StepConflict) as exc:  # a locked SQLite database, a busy row
            logger.warning("execution %s: %s (attempt %d)", execution_id, exc, attempt + 1)
            close_old_connections()
            time.sleep(0.05 * 2 ** attempt)
    # Still failing: try again a little later rather than lose the work.
    retry = {"_invoke": invoke_task, "_fire": fire_timer, "_fail": fail_task,
             "_deliver": deliver_outcome}[job.__name__]
    retry.using(run_after=timezone.now() + timedelta(seconds=5)).enqueue(execution_id, *args)


@task(takes_context=True)
def invoke_task(context: TaskContext, execution_id: int, command: dict) -> None:
    """Run a Task state's resource (outside any transaction) and deliver its outcome."""
    if context.attempt > 1 and not _not_started(execution_id, command["task_id"]):
        return  # run again after a crash, but the first run's outcome was committed: do not call twice
    _with_retries(_invoke, execution_id, command)


def _not_started(execution_id: int, task_id: str) -> bool:
    """Whether the task is still awaited and nothing of its run was committed: its frame has not recorded the
    task's Started (a callback or .sync task whose Started was committed waits for its answer instead). The run
    state says so for every frame, a Distributed Map child's too (whose events are in the child's history)."""
    from executions.models import Execution

    try:
        run_state = (Execution.objects.filter(pk=execution_id, status=Execution.RUNNING)
                     .values_list("run_state", flat=True).first())
        frame_id = (run_state or {}).get("waiting", {}).get(task_id)
        if frame_id is None:
            return False
        frame = next((f for f in run_state["frames"] if f["id"] == frame_id), None)
        return frame is None or not frame["data"].get("started")
    except OperationalError:
        return True  # cannot tell: call again rather than lose the task (at-least-once)


def _invoke(execution_id: int, command: dict) -> None:
    from executions import resources

    invoke = sig.InvokeTask(**{key: value for key, value in command.items() if key != "kind"})
    outcome = resources.invoke(execution_id, invoke)
    if outcome:
        # Retried on its own (and queued as deliver_outcome if need be): a busy database must not make the
        # resource run again. The step that takes the outcome also marks this job finished.
        with queue.finishing_job():
            _with_retries(_deliver, execution_id, [signal.to_dict() for signal in outcome])


@task()
def deliver_outcome(execution_id: int, signals: list[dict]) -> None:
    """Deliver a task's outcome that could not be committed when it came (the resource is not called again)."""
    _with_retries(_deliver, execution_id, signals)


def _deliver(execution_id: int, signals: list[dict]) -> None:
    from executions import services

    services.deliver(execution_id, [getattr(sig, data["kind"])(**{k: v for k, v in data.items() if k != "kind"})
                                    for data in signals])


@task()
def fire_timer(execution_id: int, timer_id: str) -> None:
    """A Wait, a retry backoff or a timeout is due."""
    with queue.finishing_job():
        _with_retries(_fire, execution_id, timer_id)


def _fire(execution_id: int, timer_id: str) -> None:
    from executions import services

    services.deliver(execution_id, [sig.TimerFired(timer_id)])


@task()
def fail_task(execution_id: int, task_id: str, error: str, cause: str) -> None:
    """A task that cannot even be started (e.g. its activity does not exist) fails like any task."""
    _with_retries(_fail, execution_id, task_id, error, cause)


def _fail(execution_id: int, task_id: str, error: str, cause: str) -> None:
    from executions import services

    services.deliver(execution_id, [sig.TaskFailed(task_id, error, cause)])
