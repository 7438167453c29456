"""The ASL interpreter: a pure, resumable function from (machine, run state, signals, now) to a Step.

`start()` begins an execution and `advance()` feeds it what happened since (task results, timers fired, a
stop request). Both run every frame as far as it can go without waiting for the outside world, and return
the history events written on the way and the commands the host must carry out. Nothing here sleeps,
reads a clock or calls a task: time comes in as `now`, and side effects go out as commands.

Frames advance phase by phase; a phase writes one history event (a failure may add its aftermath: aborted
siblings, the failed state), so `max_events` can stop an execution after any event, and a later `advance()`
continues from the stored `RunState` exactly.
"""
from __future__ import annotations

import json
import secrets
from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from designer.asl import errors
from designer.asl.errors import StatesError
from designer.asl.model import Machine
from executions.engine import children
from executions.engine import signals as sig
from executions.engine.runstate import ABORTED, FAILED, RUNNING, SUCCEEDED, TIMED_OUT, Frame, RunState

MAX_PAYLOAD_BYTES = 262_144  # AWS: 256 KiB of UTF-8 for any state, task or execution input/output
MAX_HISTORY_EVENTS = 25_000  # AWS: a Standard execution fails when its history would grow past this
MAX_DURATION_SECONDS = 365 * 24 * 3600  # AWS: a Standard execution times out after one year (Express: 5 min)
EXECUTION_TIMER = "execution-timeout"
_RETRYING = frozenset({"Task", "Parallel", "Map"})
_ABORTABLE = frozenset({"Task", "Wait", "Map", "Parallel"})  # the states that can be stopped while in progress
# Errors raised while evaluating a state's own fields (paths, templates, intrinsics, JSONata, Choice rules):
# AWS prefixes their causes with the state's name and its StateEntered event id.
_LOCATED = frozenset({errors.QUERY_EVALUATION_ERROR, errors.RUNTIME, errors.INTRINSIC_FAILURE,
                      errors.RESULT_PATH_MATCH_FAILURE, errors.PARAMETER_PATH_FAILURE})
_LOCATED_PREFIX = "An error occurred while executing the state"
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"


@dataclass(slots=True)
class Step:
    state: RunState
    events: list[dict] = field(default_factory=list)
    commands: list = field(default_factory=list)
    # Distributed Map children: what happened to them and their Map Runs, and their own histories' new events
    # (ARN -> events), for hosts that show them as executions (see children.py).
    children: list[dict] = field(default_factory=list)
    child_events: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.state.status


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as the context object and history show time."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# NaN and Infinity are not JSON: refusing them keeps every history event parseable.
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def dumps(value: Any) -> str:
    """Compact JSON, as AWS writes inputs and outputs in history events."""
    return _encode(value)


def payload_size(text: str) -> int:
    # surrogatepass: a lone surrogate from JSON ("\ud800") still has a size rather than crashing.
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def not_json(what: str, exc: Exception) -> StatesError:
    return StatesError(errors.RUNTIME, f"The {what} is not valid JSON: {exc}")


def state_machine_arn(name: str, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> str:
    return f"arn:aws:states:{region}:{account}:stateMachine:{name}"


def execution_arn(machine_name: str, name: str, region: str = DEFAULT_REGION,
                  account: str = DEFAULT_ACCOUNT) -> str:
    return f"arn:aws:states:{region}:{account}:execution:{machine_name}:{name}"


def start(machine: Machine, input: Any, *, now: datetime, name: str, state_machine_name: str,
          state_machine_id: str | None = None, execution_id: str | None = None, role_arn: str | None = None,
          redrive_count: int = 0, token_factory: Callable[[], str] | None = None,
          max_events: int | None = None, max_payload: int = MAX_PAYLOAD_BYTES,
          max_history_events: int | None = MAX_HISTORY_EVENTS,
          max_duration_seconds: int | None = None, variables: dict | None = None) -> Step:
    """Start an execution: write ExecutionStarted, then run until the first wait (or the end).

    The execution times out after the machine's TimeoutSeconds or `max_duration_seconds`, whichever is
    first; hosts pass MAX_DURATION_SECONDS for Standard executions (AWS: one year) and 300 for Express.
    """
    state_machine_id = state_machine_id or state_machine_arn(state_machine_name)
    execution_id = execution_id or execution_arn(state_machine_name, name)
    context = {
        "Id": execution_id,
        "Input": input,
        "Name": name,
        "RoleArn": role_arn or f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/flowdeck",
        "StartTime": iso(now),
        "RedriveCount": redrive_count,
    }
    state = RunState(context, {"Id": state_machine_id, "Name": state_machine_name})
    run = _Run(machine, state, now, token_factory, max_payload, max_history_events)
    root = Frame(state.new_id(), None, "", machine.start_at, input, vars=dict(variables or {}))
    state.frames[root.id] = root
    try:
        text = dumps(input)
    except (TypeError, ValueError) as exc:
        text, problem = "null", not_json("execution input", exc)
    else:
        problem = None
        if payload_size(text) > max_payload:
            problem = StatesError(errors.DATA_LIMIT_EXCEEDED,
                                  "The execution input exceeds the maximum number of bytes service limit.")
    run.emit(root, "ExecutionStarted", "executionStartedEventDetails", {
        "input": text, "inputDetails": {"truncated": False}, "roleArn": context["RoleArn"],
    })
    root.last_event = 0  # AWS: the first state's Entered event has previousEventId 0
    if problem is not None:
        run.fail_frame(root, problem.error, problem.cause)
        return run.step()
    limits = [s for s in (machine.timeout_seconds, max_duration_seconds) if s is not None]
    if limits:
        run.start_timer(None, EXECUTION_TIMER, now + timedelta(seconds=min(limits)), "execution")
    run.push(root)
    run.loop(max_events)
    return run.step()


def advance(machine: Machine, state: RunState, incoming: list, *, now: datetime,
            token_factory: Callable[[], str] | None = None, max_events: int | None = None,
            max_payload: int = MAX_PAYLOAD_BYTES, max_history_events: int | None = MAX_HISTORY_EVENTS) -> Step:
    """Consume what happened (task outcomes, timers fired, a stop) and go as far as possible."""
    run = _Run(machine, state, now, token_factory, max_payload, max_history_events)
    mark = len(state.runnable)
    for signal in incoming:
        if state.status != RUNNING:
            break
        run.deliver(signal)
    # The runnable stack pops its newest frame first; frames woken by these signals must run in
    # the order the signals arrived (the first failure reported is the one that fails a Map).
    state.runnable[mark:] = reversed(state.runnable[mark:])
    run.loop(max_events)
    return run.step()


class _Run:
    """One call of start()/advance(): the state being changed and what the call has produced so far."""

    def __init__(self, machine: Machine, state: RunState, now: datetime,
                 token_factory: Callable[[], str] | None, max_payload: int, history_limit: int | None):
        from executions.engine.states import HANDLERS

        self.machine = machine
        self.state = state
        self.now = now
        self.now_iso = iso(now)
        self.events: list[dict] = []
        self.commands: list = []
        self.children: list[dict] = []
        self.child_events: dict[str, list[dict]] = {}
        self.token_factory = token_factory or (lambda: secrets.token_urlsafe(48))
        self.max_payload = max_payload
        self.history_limit = history_limit
        self.handlers = HANDLERS
        # The last value serialised and its text: a state's output is the next state's input, and JSON
        # values are never mutated in place, so identity is enough to reuse the text.
        self._last_value: Any = None
        self._last_text = "null"

    def step(self) -> Step:
        return Step(self.state, self.events, self.commands, self.children, self.child_events)

    # --- scheduling --------------------------------------------------------------------------

    def push(self, frame: Frame) -> None:
        if frame.id not in self.state.runnable:
            self.state.runnable.append(frame.id)

    def loop(self, max_events: int | None) -> None:
        state = self.state
        runnable = state.runnable
        frames = state.frames
        states = self.machine.states
        handlers = self.handlers
        limit = self.history_limit
        while runnable and state.status == RUNNING:
            if max_events is not None and len(self.events) >= max_events:
                return
            if limit is not None and state.event_id >= limit - 2:
                # Leave room for ExecutionFailed: a state step writes at most two events.
                self.end_execution(FAILED, "ExecutionFailed", "executionFailedEventDetails", errors.RUNTIME,
                                   f"The execution reached the maximum number of history events ({limit}).")
                return
            frame = frames[runnable.pop()]
            mark = len(runnable)
            if handlers[states[frame.state].type].step(self, frame, states[frame.state]) \
                    and frame.id not in runnable:
                # Still runnable: below any frame it just spawned, so the children run first.
                runnable.insert(mark, frame.id)

    def deliver(self, signal: Any) -> None:
        state = self.state
        if isinstance(signal, sig.StopExecution):
            self.end_execution(ABORTED, "ExecutionAborted", "executionAbortedEventDetails",
                               signal.error, signal.cause)
            return
        if isinstance(signal, sig.FailExecution):
            self.end_execution(FAILED, "ExecutionFailed", "executionFailedEventDetails", signal.error, signal.cause)
            return
        if isinstance(signal, (sig.UpdateMapRun, sig.StopChild)):
            self.handlers["Map"].signal(self, signal)
            return
        key = signal.timer_id if isinstance(signal, sig.TimerFired) else signal.task_id
        if isinstance(signal, sig.TimerFired):
            if state.timers.pop(key, None) is None and key == EXECUTION_TIMER:
                return  # stale: the execution's timer was cancelled (a host may still fire its job)
            if key == EXECUTION_TIMER:
                # AWS (measured): error States.Timeout, no cause, previousEventId 0.
                self.end_execution(TIMED_OUT, "ExecutionTimedOut", "executionTimedOutEventDetails",
                                   errors.TIMEOUT, None, previous=0)
                return
        frame_id = state.waiting.get(key)
        if frame_id is None or frame_id not in state.frames:
            return  # stale: the task or timer belongs to an attempt that is already over
        frame = state.frames[frame_id]
        self.handlers[self.machine.states[frame.state].type].deliver(self, frame, self.machine.states[frame.state],
                                                                   signal)

    # --- history -----------------------------------------------------------------------------

    def emit(self, frame: Frame | None, type: str, details_key: str | None = None,
             details: dict | None = None, *, advance_source: bool = True, previous: int | None = None) -> int:
        """Append a history event. `previousEventId` is the frame's last source event; AWS does not make
        Succeeded/Aborted/MapIteration* events a source (advance_source=False)."""
        if frame is not None and frame.silent:
            return children.emit(self, frame, type, details_key, details, advance_source, previous)
        state = self.state
        state.event_id += 1
        event = {
            "timestamp": self.now_iso,
            "type": type,
            "id": state.event_id,
            "previousEventId": previous if previous is not None
            else frame.last_event if frame is not None else state.event_id - 1,
        }
        if details_key is not None:
            event[details_key] = details
        self.events.append(event)
        if frame is not None and advance_source:
            frame.last_event = state.event_id
        return state.event_id

    # --- data helpers ------------------------------------------------------------------------

    def context(self, frame: Frame) -> dict:
        state = {"EnteredTime": frame.entered, "Name": frame.state}
        # AWS shows RetryCount only in states that can retry (recorded Pass contexts have no such key).
        if self.machine.states[frame.state].type in _RETRYING:
            state["RetryCount"] = frame.retry_count
        machine = self.state.state_machine
        execution = frame.execution
        if execution is None and frame.silent:
            top = children.owner(self, frame)  # a frame below a Distributed Map child's top frame
            execution = top.execution if top is not None else None
        if execution is not None:
            # A Distributed Map child runs as its own execution of the qualified machine <name>/<label>.
            qualified = execution["Id"].replace(":execution:", ":stateMachine:").rsplit(":", 1)[0]
            machine = {"Id": qualified, "Name": qualified.rsplit(":", 1)[1]}
        return {
            "Execution": execution or self.state.execution,
            "State": state,
            "StateMachine": machine,
        }

    def variables(self, frame: Frame) -> Mapping:
        """Variables visible to a frame: its own scope, then (read-only) each enclosing scope."""
        if frame.view is not None:
            return frame.view
        scopes = [frame.vars]
        parent_id = frame.parent
        # ASL: Distributed Map children cannot read the parent's variables.
        while parent_id is not None and frame.execution is None:
            parent = self.state.frames[parent_id]
            scopes.append(parent.vars)
            if parent.execution is not None:
                break
            parent_id = parent.parent
        frame.view = frame.vars if len(scopes) == 1 else ChainMap(*scopes)
        return frame.view

    def text(self, value: Any, what: str = "value") -> str:
        if value is self._last_value:
            return self._last_text
        try:
            text = _encode(value)
        except (TypeError, ValueError) as exc:
            raise not_json(what, exc) from None
        self._last_value, self._last_text = value, text
        return text

    def serialize(self, value: Any, what: str) -> str:
        text = self.text(value, what)
        if payload_size(text) > self.max_payload:
            raise StatesError(errors.DATA_LIMIT_EXCEEDED,
                              f"The {what} exceeds the maximum number of bytes service limit.")
        return text

    # --- state lifecycle (used by the handlers) --------------------------------------------------

    def enter(self, frame: Frame, type: str, next_phase: str = "run") -> None:
        frame.entered = self.now_iso
        frame.retry_count = 0
        frame.attempts = []
        frame.data = {}
        self.state.transitions += 1
        event = "FailStateEntered" if type == "Fail" else f"{type}StateEntered"
        frame.entered_event = self.emit(frame, event, "stateEnteredEventDetails", {
            "name": frame.state, "input": self.text(frame.input), "inputDetails": {"truncated": False},
        })
        frame.phase = next_phase

    def exit_state(self, frame: Frame, type: str, output: Any, assigned: dict | None, next: str | None) -> bool:
        """Write XStateExited, apply Assign to the frame's scope, and move to `next` (None: the end)."""
        try:
            text = self.serialize(output, f"state/task '{frame.state}' output")
            details = {"name": frame.state, "output": text, "outputDetails": {"truncated": False}}
            if assigned:
                texts = {name: self.text(value, f"variable '{name}'") for name, value in assigned.items()}
                # AWS quotas: 256 KiB for one variable and for all of one Assign together.
                sizes = [payload_size(text) for text in texts.values()]
                if max(sizes) > self.max_payload or sum(sizes) > self.max_payload:
                    raise StatesError(errors.DATA_LIMIT_EXCEEDED,
                                      f"The variables assigned by state '{frame.state}' exceed the maximum "
                                      "number of bytes service limit.")
                details["assignedVariables"] = texts
                details["assignedVariablesDetails"] = {"truncated": False}
        except StatesError as exc:
            self.fail_frame(frame, exc.error, exc.cause)
            return False
        if assigned:
            frame.vars.update(assigned)
        self.emit(frame, f"{type}StateExited", "stateExitedEventDetails", details)
        frame.input = output
        frame.data = {"next": next}
        frame.phase = "next"
        return True

    def go_next(self, frame: Frame) -> bool:
        target = frame.data.get("next")
        if target is None:
            self.finish_frame(frame, frame.input)
            return False
        frame.state = target
        frame.phase = "enter"
        return True

    def located(self, frame: Frame, exc: StatesError) -> StatesError:
        """The error with AWS's prefix naming the state, for errors raised while evaluating its fields.

        AWS (execution histories; localstack's AWS-recorded snapshots): "An error occurred while executing the
        state 'X' (entered at the event id #2). The JSONata expression ... returned nothing (undefined)."
        """
        if exc.error not in _LOCATED or (exc.cause or "").startswith(_LOCATED_PREFIX + " '"):
            return exc
        detail = (exc.cause or "").removeprefix(_LOCATED_PREFIX + ". ")
        located = StatesError(exc.error, f"{_LOCATED_PREFIX} '{frame.state}' (entered at the event id "
                                         f"#{frame.entered_event}). {detail}")
        location = getattr(exc, "location", None)
        if location:
            located.location = location
        return located

    def evaluation_failed(self, frame: Frame, exc: StatesError) -> None:
        if exc.error == errors.QUERY_EVALUATION_ERROR:
            details = {"error": exc.error, "cause": exc.cause, "state": frame.state}
            location = getattr(exc, "location", None)
            if location:
                details["location"] = location
            self.emit(frame, "EvaluationFailed", "evaluationFailedEventDetails", details)

    # --- frames ending -----------------------------------------------------------------------

    def finish_frame(self, frame: Frame, output: Any) -> None:
        state = self.state
        if frame.parent is None:
            state.output = output
            self.end_execution(SUCCEEDED, "ExecutionSucceeded", "executionSucceededEventDetails", output=output)
            return
        parent = state.frames[frame.parent]
        self.handlers[self.machine.states[parent.state].type].child_done(self, parent, frame, output, None)

    def fail_frame(self, frame: Frame, error: str | None, cause: str | None) -> None:
        state = self.state
        if frame.parent is None:
            self.end_execution(FAILED, "ExecutionFailed", "executionFailedEventDetails", error, cause)
            return
        parent = state.frames[frame.parent]
        self.handlers[self.machine.states[parent.state].type].child_done(
            self, parent, frame, None, (error, cause))

    def drop_frame(self, frame: Frame) -> None:
        """Forget a finished or aborted frame and everything it was waiting for."""
        state = self.state
        state.frames.pop(frame.id, None)
        if frame.id in state.runnable:
            state.runnable.remove(frame.id)
        for key in [k for k, v in state.waiting.items() if v == frame.id]:
            self.release(key)

    def abort_children(self, parent: Frame, on_abort: Callable[[Frame], None] | None = None) -> None:
        """Stop every frame below `parent` (a failed sibling, a stop request): cancel what they wait for."""
        below = [f for f in self.state.frames.values() if f.parent == parent.id]
        below.sort(key=lambda f: f.index or 0)  # in branch / item order, as AWS lists MapIterationAborted
        for child in below:
            if child.execution is not None:
                # A Distributed Map child is an execution of its own: stopped as a whole (ExecutionAborted).
                children.abort(self, child)
                continue
            self.abort_children(child)
            # AWS history (localstack's recorded Map timeout snapshot): a sibling stopped inside a Task, Wait,
            # Map or Parallel state gets <Type>StateAborted, before its MapIterationAborted.
            if child.phase not in ("enter", "next"):
                kind = self.machine.states[child.state].type
                if kind in _ABORTABLE:
                    if kind == "Map":
                        children.map_aborted(self, child)
                    self.emit(child, f"{kind}StateAborted", advance_source=False)
            if on_abort is not None:
                on_abort(child)
            self.drop_frame(child)

    def end_execution(self, status: str, event: str, details_key: str, error: str | None = None,
                      cause: str | None = None, output: Any = None, previous: int | None = None) -> None:
        state = self.state
        details: dict = {}
        if status == SUCCEEDED:
            details = {"output": dumps(output), "outputDetails": {"truncated": False}}
        else:
            if error is not None:
                details["error"] = error
            if cause:  # AWS writes no cause when there is none (e.g. States.Timeout)
                details["cause"] = cause
            state.error, state.cause = error, cause
        root = next((f for f in state.frames.values() if f.parent is None), None)
        self.emit(root, event, details_key, details, previous=previous)
        if status != SUCCEEDED:
            children.parent_ended(self)
        state.status = status
        # What RedriveExecution restarts from: the frames still alive (a failed Map or Parallel keeps the
        # results of the iterations or branches that completed, so only the rest run again).
        state.redrive = None if status == SUCCEEDED else [frame.to_json() for frame in state.frames.values()]
        for key in list(state.waiting):
            self.release(key)
        for timer in list(state.timers):
            self.commands.append(sig.CancelTimer(timer, state.timers.pop(timer)))
        state.frames.clear()
        state.runnable.clear()

    # --- commands ----------------------------------------------------------------------------

    def start_timer(self, frame: Frame | None, timer_id: str, due: datetime, kind: str) -> None:
        self.state.timers[timer_id] = iso(due)
        if frame is not None:
            self.state.waiting[timer_id] = frame.id
        self.commands.append(sig.StartTimer(timer_id, due))

    def release(self, key: str) -> None:
        """Stop waiting for a task or timer, telling the host it may drop it."""
        self.state.waiting.pop(key, None)
        if key in self.state.timers:
            self.commands.append(sig.CancelTimer(key, self.state.timers.pop(key)))
        elif key.startswith("task-"):
            self.commands.append(sig.CancelTask(key))

    def new_key(self, prefix: str) -> str:
        return f"{prefix}-{self.state.new_id()}"
