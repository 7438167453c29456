"""What flows in and out of the interpreter besides history events.

Signals come in: the outcome of something the engine asked for (a task's result, a timer firing) or an
operator's request (stop). Commands go out: what the host must do (invoke a task, start a timer).
All are plain data with `to_dict()` so a host can queue them durably.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


class _Plain:
    def to_dict(self) -> dict:
        data = asdict(self)  # type: ignore[call-overload]
        data["kind"] = type(self).__name__
        return data


# --- signals: host -> engine ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskStarted(_Plain):
    task_id: str
    worker_name: str | None = None


@dataclass(frozen=True, slots=True)
class TaskSubmitted(_Plain):
    """A .sync or callback task was accepted by its service (TaskSubmitted history event)."""

    task_id: str
    output: Any = None
    call: dict | None = None  # what the host called (HTTP, XML-RPC), for the history event: see TaskSucceeded


@dataclass(frozen=True, slots=True)
class TaskSucceeded(_Plain):
    task_id: str
    output: Any = None
    # A record of the call the host made for this task (method, URL without secrets, status, duration,
    # attempt), written into the history event's details under "call"; None for tasks that call nothing.
    call: dict | None = None


@dataclass(frozen=True, slots=True)
class TaskFailed(_Plain):
    task_id: str
    error: str | None = None
    cause: str | None = None
    call: dict | None = None


@dataclass(frozen=True, slots=True)
class TaskHeartbeat(_Plain):
    task_id: str


@dataclass(frozen=True, slots=True)
class TimerFired(_Plain):
    timer_id: str


@dataclass(frozen=True, slots=True)
class StopExecution(_Plain):
    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True, slots=True)
class FailExecution(_Plain):
    """The host ends the execution as failed (e.g. its state machine was deleted): ExecutionFailed."""

    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True, slots=True)
class UpdateMapRun(_Plain):
    """UpdateMapRun: new limits for a running Distributed Map's Map Run (None leaves a setting as it is)."""

    map_run_arn: str
    max_concurrency: int | None = None
    tolerated_failure_count: int | None = None
    tolerated_failure_percentage: float | None = None


@dataclass(frozen=True, slots=True)
class StopChild(_Plain):
    """StopExecution of one Distributed Map child: it ends ABORTED, which its Map Run counts as a failed item."""

    execution_arn: str
    error: str | None = None
    cause: str | None = None


Signal = (TaskStarted | TaskSubmitted | TaskSucceeded | TaskFailed | TaskHeartbeat | TimerFired | StopExecution
          | FailExecution | UpdateMapRun | StopChild)

# --- commands: engine -> host ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InvokeTask(_Plain):
    """Run a Task state's resource with `input`; answer with TaskStarted/TaskSucceeded/TaskFailed."""

    task_id: str
    resource: str
    input: Any
    state_name: str
    attempt: int  # 0 for the first try, n for the n-th retry ($$.State.RetryCount)
    execution_id: str  # the execution ARN (for mocks, nested executions, logs)
    timeout_seconds: int | None = None
    heartbeat_seconds: int | None = None
    token: str | None = None  # $$.Task.Token for callback tasks and activities
    credentials: Any = None


@dataclass(frozen=True, slots=True)
class CancelTask(_Plain):
    """The task's result is no longer wanted (timed out, execution stopped, sibling branch failed)."""

    task_id: str


@dataclass(frozen=True, slots=True)
class StartTimer(_Plain):
    timer_id: str
    due: datetime


@dataclass(frozen=True, slots=True)
class CancelTimer(_Plain):
    timer_id: str
    # When it was due (ISO 8601, as the run state's `timers` held it): tells the host which timer job to drop.
    due: str | None = field(default=None, compare=False)


Command = InvokeTask | CancelTask | StartTimer | CancelTimer
