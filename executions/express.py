"""Express workflows as AWS runs them.

- StartSyncExecution runs the execution to its end inside the call (at most five minutes, then
  States.Timeout) and answers with its status, output or error and cause, and billingDetails. Nothing is
  stored: AWS keeps no record of Express executions outside CloudWatch Logs.
- StartExecution of an Express machine runs on the workers like a Standard execution, under an Express
  ARN (`...:express:<machine>:<name>:<uuid>`, so names may repeat), with no 25,000-event cap; its history
  events are not stored (services.record_step).
- No history API: DescribeExecution, GetExecutionHistory, DescribeStateMachineForExecution, StopExecution
  and RedriveExecution refuse an Express ARN (`refuse_express_arn`), ListExecutions an Express machine
  (`refuse_express_machine`).
- Express machines support only request-response integrations: CreateStateMachine and UpdateStateMachine
  refuse `.sync`, `.sync:2`, `.waitForTaskToken` and activities (`definition_problem`).
"""
from __future__ import annotations

import json
import math
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.utils import timezone

from designer import errors
from designer.asl.errors import StatesError
from designer.models import StateMachine, StateMachineAlias, StateMachineVersion, arn_prefix
from designer.services import check_name, compiled_machine
from executions.engine import signals as sig
from executions.engine.interpreter import advance, dumps, start
from executions.engine.resources import describe as describe_resource
from executions.engine.runner import Outbox, UnresolvedResource

MAX_SECONDS = 300  # AWS: an Express execution runs at most five minutes
BILLED_MEMORY_MB = 64  # AWS bills Express memory in 64 MB steps; an execution's state fits in the first
_NOT_SUPPORTED = "This operation is not supported by this type of state machine"


def express_arn(machine_name: str, name: str) -> str:
    """AWS's Express execution ARN: the name is not unique, a UUID is added."""
    return arn_prefix("express") + f"{machine_name}:{name}:{uuid.uuid4()}"


def is_express_arn(arn: str) -> bool:
    parts = arn.split(":")
    return len(parts) >= 6 and parts[5] == "express"


def refuse_express_arn(arn: str) -> None:
    """DescribeExecution, GetExecutionHistory, StopExecution...: AWS refuses Express execution ARNs."""
    if isinstance(arn, str) and is_express_arn(arn):
        raise errors.InvalidArn("Invalid Arn: 'Resource type not valid in this context: express'")


def refuse_express_machine(machine: StateMachine) -> None:
    """ListExecutions: AWS lists no executions of an Express state machine."""
    if machine.type == StateMachine.EXPRESS:
        raise errors.StateMachineTypeNotSupported(_NOT_SUPPORTED)


def definition_problem(definition: dict) -> str | None:
    """Why an Express machine cannot have this definition (AWS's create-time message), or None."""
    for path, state in _task_states(definition.get("States"), "/States"):
        resource = state.get("Resource")
        if not isinstance(resource, str):
            continue
        info = describe_resource(resource)
        if info.family == "Activity":
            return f"Express state machine does not support Activity ARN at {path}/Resource"
        # AWS names `.sync:2` '.sync' in this message.
        suffix = {"SYNC": ".sync", "SYNC2": ".sync", "CALLBACK": ".waitForTaskToken"}.get(info.pattern)
        if suffix is not None:
            return f"Express state machine does not support '{suffix}' service integration at {path}/Resource"
    return None


def _task_states(states: Any, path: str):
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        where = f"{path}/{name}"
        if state.get("Type") == "Task":
            yield where, state
        for index, branch in enumerate(state.get("Branches") or []):
            if isinstance(branch, dict):
                yield from _task_states(branch.get("States"), f"{where}/Branches[{index}]/States")
        for key in ("ItemProcessor", "Iterator"):
            block = state.get(key)
            if isinstance(block, dict):
                yield from _task_states(block.get("States"), f"{where}/{key}/States")


# --- StartSyncExecution ---------------------------------------------------------------------------


@dataclass
class SyncExecution:
    """StartSyncExecution's answer (dates are datetimes; the endpoint writes them as epoch seconds)."""

    execution_arn: str
    state_machine_arn: str
    name: str
    start_date: datetime
    stop_date: datetime
    status: str  # SUCCEEDED | FAILED | TIMED_OUT
    input: str
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    trace_header: str = ""
    billed_duration_ms: int = 0
    events: list[dict] = field(default_factory=list, repr=False)  # for tests and logs; AWS returns none

    def to_aws(self) -> dict:
        data: dict[str, Any] = {
            "executionArn": self.execution_arn, "stateMachineArn": self.state_machine_arn, "name": self.name,
            "startDate": self.start_date, "stopDate": self.stop_date, "status": self.status,
            "input": self.input, "inputDetails": {"included": True},
            "billingDetails": {"billedMemoryUsedInMB": BILLED_MEMORY_MB,
                               "billedDurationInMilliseconds": self.billed_duration_ms},
        }
        if self.output is not None:
            data["output"] = self.output
            data["outputDetails"] = {"included": True}
        if self.error is not None:
            data["error"] = self.error
        if self.cause is not None:
            data["cause"] = self.cause
        if self.trace_header:
            data["traceHeader"] = self.trace_header
        return data


class Clock:
    """Real time; tests substitute one that does not sleep."""

    def now(self) -> datetime:
        return timezone.now()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def start_sync_execution_at(arn: str, *, input: str | None = None, name: str | None = None,
                            trace_header: str = "", started_by=None) -> SyncExecution:
    """StartSyncExecution by ARN (machine, version or alias; `#<test case>` for mocks, as StartExecution)."""
    from designer.services import find_state_machine, route_alias
    from executions.mocks_server import split_test_case

    arn, test_case = split_test_case(arn)
    target = find_state_machine(arn)
    version = route_alias(target.alias) if target.alias is not None else target.version
    return start_sync_execution(target.machine, input=input, name=name, version=version, alias=target.alias,
                                trace_header=trace_header, test_case=test_case, started_by=started_by)


def start_sync_execution(machine: StateMachine, *, input: str | None = None, name: str | None = None,
                         version: StateMachineVersion | None = None, alias: StateMachineAlias | None = None,
                         trace_header: str = "", test_case: str = "", clock: Clock | None = None,
                         started_by=None) -> SyncExecution:
    """Run an Express execution to its end within this call and answer as AWS's StartSyncExecution.

    Tasks run here, one at a time, through the same resources as on the workers (Python functions,
    lambda:invoke, request-response startExecution) or the test case's mocks; Wait states and retry
    backoffs really wait. The execution times out after five minutes (or the machine's TimeoutSeconds).
    Executions its tasks start are started by `started_by` too (nested.py checks that they may).
    """
    from executions import mocks_server
    from executions.services import new_token, parse_input

    if machine.type != StateMachine.EXPRESS:
        raise errors.StateMachineTypeNotSupported(_NOT_SUPPORTED)
    if machine.status != StateMachine.ACTIVE:
        raise errors.StateMachineDeleting(f"State Machine is being deleted: '{machine.arn}'")
    name = check_name(name, "execution name") if name is not None else str(uuid.uuid4())
    value = parse_input(input)
    text = "{}" if input is None else input
    resolver = partial(_resolve, started_by=started_by)
    if test_case:
        mocks_server.check_test_case(machine.name, test_case)
        resolver = mocks_server.load_config().resolver(machine.name, test_case, fallback=resolver)
    revision = version.revision if version is not None else machine.revision
    arn = express_arn(machine.name, name)
    clock = clock or Clock()
    started = clock.now()
    compiled = compiled_machine(revision)
    step = start(compiled, value, now=started, name=name, state_machine_name=machine.name,
                 state_machine_id=machine.arn, execution_id=arn, role_arn=revision.role_arn,
                 token_factory=new_token, max_history_events=None, max_duration_seconds=MAX_SECONDS)
    events: list[dict] = []
    state = _run(compiled, step, resolver, clock, events)
    stopped = clock.now()
    if state.status == "RUNNING":  # only a definition no longer valid for Express can get here
        state.status, state.error = "FAILED", "States.Runtime"
        state.cause = "The execution waits for a callback or an activity, which Express workflows do not support"
    result = SyncExecution(
        execution_arn=arn, state_machine_arn=machine.arn, name=name, start_date=started, stop_date=stopped,
        status=state.status, input=text, error=state.error, cause=state.cause, trace_header=trace_header,
        billed_duration_ms=max(100, math.ceil((stopped - started).total_seconds() * 10) * 100), events=events,
    )
    if state.status == "SUCCEEDED":
        result.output = dumps(state.output)
    return result


def _run(compiled, step, resolver, clock: Clock, events: list[dict]):
    """Drive the engine to the end (the final RunState): tasks answered here, timers waited for on the clock."""
    outbox = Outbox()
    while True:
        state = step.state
        events.extend(step.events)
        outbox.absorb(step.commands)
        if state.status != "RUNNING":
            return state
        now = clock.now()
        upcoming = outbox.next_timer()
        if upcoming is not None and (upcoming[0] <= now or outbox.pending_task() is None):
            # A due timer goes first (a timeout that passed while a task ran wins over the next task).
            due, timer_id = outbox.pop_timer()
            if due > now:
                clock.sleep((due - now).total_seconds())
            incoming = [sig.TimerFired(timer_id)]
        elif outbox.pending_task() is not None:
            incoming = _invoke(outbox.pop_task(), resolver)
        else:
            # Nothing can answer (cannot happen for a valid Express machine: no callbacks, no activities).
            return state
        step = advance(compiled, state, incoming, now=max(clock.now(), now), max_history_events=None)


def _invoke(command: sig.InvokeTask, resolver) -> list:
    started = sig.TaskStarted(command.task_id)
    try:
        result = resolver(command)
    except StatesError as exc:
        return [started, sig.TaskFailed(command.task_id, exc.error, exc.cause)]
    except UnresolvedResource as exc:
        return [started, sig.TaskFailed(command.task_id, "States.Runtime", str(exc))]
    return [started, sig.TaskSucceeded(command.task_id, result)]


def _resolve(command: sig.InvokeTask, *, started_by) -> Any:
    from executions import nested, resources

    info = describe_resource(command.resource)
    if nested.is_start_execution(info):
        if info.pattern != "REQUEST_RESPONSE":
            raise StatesError("States.Runtime", f"Express state machine does not support '{command.resource}'")
        return nested.start_answer(nested.start_child(command, info, parent=None, started_by=started_by))
    return resources.call(command)


def output_json(result: SyncExecution) -> Any:
    """The output as a JSON value (tests and callers that want it parsed)."""
    return None if result.output is None else json.loads(result.output)
