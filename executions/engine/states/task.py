"""Task: ask the host to run a resource, then shape its result (or handle its failure).

History (AWS GetExecutionHistory): TaskStateEntered -> TaskScheduled -> TaskStarted -> [TaskSubmitted] ->
TaskSucceeded | TaskFailed | TaskTimedOut -> TaskStateExited; a retry repeats TaskScheduled onwards.
Legacy Lambda ARNs write LambdaFunction* events and activities Activity* events instead.
"""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from designer.asl import errors
from designer.asl.dataflow import JSONATA
from designer.asl.errors import StatesError
from executions.engine import signals as sig
from executions.engine.interpreter import dumps
from executions.engine.resources import ResourceInfo, describe
from executions.engine.retry import fail_state, handle_error
from executions.engine.states.base import Handler

if TYPE_CHECKING:
    from designer.asl.model import TaskState
    from executions.engine.interpreter import _Run
    from executions.engine.runstate import Frame

MAX_SECONDS = 99_999_999


class TaskHandler(Handler):
    type = "Task"

    def phase_run(self, run: _Run, frame: Frame, state: TaskState) -> bool:
        """Compute the effective input and schedule the task (first try or a retry)."""
        info = describe(state.resource)
        token = run.token_factory() if info.needs_token else None
        context = run.context(frame)
        if token is not None:
            context["Task"] = {"Token": token}
        variables = run.variables(frame)
        io = state.io
        try:
            selected = io.select(frame.input, context, variables)
            effective = io.prepare(selected, context, variables)
            timeout = _seconds(state.timeout, "TimeoutSeconds", state, selected, context, variables)
            heartbeat = _seconds(state.heartbeat, "HeartbeatSeconds", state, selected, context, variables)
            credentials = state.credentials(selected, context, variables) if state.credentials else None
            text = run.serialize(effective, f"input to the task of state '{frame.state}'")
        except StatesError as exc:
            return fail_state(run, frame, state, exc, "run")
        if heartbeat is not None and timeout is not None and heartbeat >= timeout:
            # ASL: HeartbeatSeconds must be smaller than TimeoutSeconds (checked here for the Path forms).
            return handle_error(run, frame, state, errors.RUNTIME,
                                f"HeartbeatSeconds ({heartbeat}) must be smaller than TimeoutSeconds ({timeout})",
                                "run")
        task_id = run.new_key("task")
        run.state.waiting[task_id] = frame.id
        timers = {}
        if timeout is not None:
            timers["timeout"] = run.new_key("timer")
            run.start_timer(frame, timers["timeout"], run.now + timedelta(seconds=timeout), "timeout")
        if heartbeat is not None:
            timers["heartbeat"] = run.new_key("timer")
            run.start_timer(frame, timers["heartbeat"], run.now + timedelta(seconds=heartbeat), "heartbeat")
        frame.data = {"task": task_id, "timers": timers, "heartbeat": heartbeat}
        run.commands.append(sig.InvokeTask(
            task_id=task_id, resource=state.resource, input=effective, state_name=frame.state,
            attempt=frame.retry_count, execution_id=context["Execution"]["Id"], timeout_seconds=timeout,
            heartbeat_seconds=heartbeat, token=token, credentials=credentials,
        ))
        _scheduled_event(run, frame, info, text, timeout, heartbeat, credentials)
        frame.phase = "await"
        return False

    def deliver(self, run: _Run, frame: Frame, state: TaskState, signal: Any) -> None:
        data = frame.data
        info = describe(state.resource)
        family = info.family
        if isinstance(signal, sig.TimerFired):
            kind = next((k for k, v in data.get("timers", {}).items() if v == signal.timer_id), None)
            if kind is None:
                return super().deliver(run, frame, state, signal)
            run.state.waiting.pop(signal.timer_id, None)
            data["timers"].pop(kind)
            self._close(run, frame, cancel=True)
            # AWS history: TimeoutSeconds and a missed heartbeat both end in TaskTimedOut{error: States.Timeout}
            # with no cause, and a Catcher gets {"Error": "States.Timeout", "Cause": ""}. States.HeartbeatTimeout
            # is a name only Retry/Catch use: it matches the heartbeat case.
            run.emit(frame, f"{family}TimedOut", _details_key(family, "TimedOut"),
                     _with_resource(info, {"error": errors.TIMEOUT}))
            frame.data = {"error": errors.TIMEOUT, "cause": "", "heartbeat": kind == "heartbeat"}
            frame.phase = "error"
            run.push(frame)
            return
        if signal.task_id != data.get("task"):
            return
        if isinstance(signal, sig.TaskStarted):
            if data.get("started"):
                return  # a host that delivers Started twice (a re-run job) must not write it twice
            data["started"] = True
            details = {"workerName": signal.worker_name} if family == "Activity" else _with_resource(info, {})
            if family == "LambdaFunction":
                run.emit(frame, "LambdaFunctionStarted")
            else:
                run.emit(frame, f"{family}Started", _details_key(family, "Started"), details)
        elif isinstance(signal, sig.TaskSubmitted):
            details = {"output": dumps(signal.output), "outputDetails": {"truncated": False}}
            run.emit(frame, "TaskSubmitted", "taskSubmittedEventDetails", _with_resource(info, _with_call(details, signal)))
        elif isinstance(signal, sig.TaskHeartbeat):
            # SendTaskHeartbeat restarts the HeartbeatSeconds clock; TimeoutSeconds stays absolute.
            old = data["timers"].pop("heartbeat", None)
            if old is not None:
                run.release(old)
                data["timers"]["heartbeat"] = run.new_key("timer")
                run.start_timer(frame, data["timers"]["heartbeat"],
                                run.now + timedelta(seconds=data["heartbeat"]), "heartbeat")
        elif isinstance(signal, sig.TaskSucceeded):
            self._close(run, frame, cancel=False)
            try:
                text = run.serialize(signal.output, f"result of the task of state '{frame.state}'")
            except StatesError as exc:
                cause, catchable = exc.cause, False
                if exc.error == errors.DATA_LIMIT_EXCEEDED:
                    # AWS history: a result over the limit fails the task (TaskFailed), and unlike other
                    # DataLimitExceeded errors it can be caught, by name and by States.ALL.
                    name = info.resource_type if family == "Task" else info.resource
                    cause = (f"The state/task '{name}' returned a result with a size exceeding the maximum number "
                             "of bytes service limit.")
                    catchable = True
                details = _with_resource(info, _with_call({"error": exc.error, "cause": cause}, signal))
                run.emit(frame, f"{family}Failed", _details_key(family, "Failed"), details)
                frame.data = {"error": exc.error, "cause": cause, "catchable": catchable}
                frame.phase = "error"
            else:
                details = {"output": text, "outputDetails": {"truncated": False}}
                run.emit(frame, f"{family}Succeeded", _details_key(family, "Succeeded"),
                         _with_resource(info, _with_call(details, signal)))
                frame.data = {"result": signal.output}
                frame.phase = "result"
            run.push(frame)
        elif isinstance(signal, sig.TaskFailed):
            self._close(run, frame, cancel=False)
            details = {}
            if signal.error is not None:
                details["error"] = signal.error
            if signal.cause is not None:
                details["cause"] = signal.cause
            run.emit(frame, f"{family}Failed", _details_key(family, "Failed"),
                     _with_resource(info, _with_call(details, signal)))
            # A result over the payload limit can be caught (see TaskSucceeded above), also when the host
            # finds it so before handing it over (an HTTP response over 256 KiB).
            frame.data = {"error": signal.error or errors.TASK_FAILED, "cause": signal.cause,
                          "catchable": signal.error == errors.DATA_LIMIT_EXCEEDED}
            frame.phase = "error"
            run.push(frame)

    def _close(self, run: _Run, frame: Frame, *, cancel: bool) -> None:
        """The attempt is over: stop its timers, and (when it timed out) tell the host to drop the task."""
        data = frame.data
        task_id = data.get("task")
        for timer in data.get("timers", {}).values():
            run.release(timer)
        if task_id is not None:
            if cancel:
                run.release(task_id)
            else:
                run.state.waiting.pop(task_id, None)

    def phase_result(self, run: _Run, frame: Frame, state: TaskState) -> bool:
        try:
            output, assigned = state.io.finish_result(frame.input, frame.data["result"], run.context(frame),
                                                      run.variables(frame))
        except StatesError as exc:
            return fail_state(run, frame, state, exc, "run")
        return run.exit_state(frame, "Task", output, assigned, state.next)

    def phase_error(self, run: _Run, frame: Frame, state: TaskState) -> bool:
        data = frame.data
        also = (errors.HEARTBEAT_TIMEOUT,) if data.get("heartbeat") else ()
        return handle_error(run, frame, state, data["error"], data.get("cause"), "run", also=also,
                            catchable=data.get("catchable", False))


def _seconds(field, name: str, state: TaskState, selected, context, variables) -> int | None:
    if field is None:
        return None
    value = field(selected, context, variables)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) \
            or not 0 < value <= MAX_SECONDS:
        kind = errors.QUERY_EVALUATION_ERROR if state.language == JSONATA else errors.RUNTIME
        raise StatesError(kind, f"The value of {name} must be a positive integer no greater than {MAX_SECONDS}, "
                                f"but was '{value}'")
    return int(value)


def _details_key(family: str, suffix: str) -> str:
    return f"{family[0].lower()}{family[1:]}{suffix}EventDetails"


def _with_resource(info: ResourceInfo, details: dict) -> dict:
    if info.family == "Task":
        return {"resourceType": info.resource_type, "resource": info.resource, **details}
    return details


def _with_call(details: dict, signal: Any) -> dict:
    # Flowdeck's addition to AWS's event details: the record of the call the host made (AWS clients ignore it).
    call = getattr(signal, "call", None)
    return {**details, "call": call} if call else details


def _scheduled_event(run: _Run, frame: Frame, info: ResourceInfo, text: str, timeout: int | None,
                     heartbeat: int | None, credentials: Any) -> None:
    if info.family == "Task":
        details: dict = {"resourceType": info.resource_type, "resource": info.resource, "region": info.region,
                         "parameters": text}
    else:
        details = {"resource": info.resource, "input": text, "inputDetails": {"truncated": False}}
    if timeout is not None:
        details["timeoutInSeconds"] = timeout
    if heartbeat is not None and info.family != "LambdaFunction":
        details["heartbeatInSeconds"] = heartbeat
    if isinstance(credentials, dict) and "RoleArn" in credentials:
        details["taskCredentials"] = {"roleArn": credentials["RoleArn"]}
    run.emit(frame, f"{info.family}Scheduled", _details_key(info.family, "Scheduled"), details)
