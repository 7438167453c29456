"""TestState: run one state in isolation and show how it processes its data (AWS's TestState API).

The state is given alone, or as `stateName` within a whole machine. A Task's result comes from a mock
(`result` or `errorOutput`) or from a resolver; Map and Parallel need a mock (their whole result, as on AWS).
The status tells what the state would do next: SUCCEEDED (with nextState), CAUGHT_ERROR (a Catcher matched:
nextState is its target), RETRIABLE (a Retrier would try again, after retryBackoffIntervalSeconds) or FAILED.
With inspection level DEBUG (or TRACE) every data-flow stage is shown: input, afterInputPath, afterParameters,
result, afterResultSelector, afterResultPath (JSONPath) or afterArguments (JSONata), and the variables.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from designer.asl import errors
from designer.asl.compile import compile_machine
from designer.asl.dataflow import JSONPATH, compile_input_path, compile_result_path, compile_template
from designer.asl.errors import StatesError
from executions.engine import signals as sig
from executions.engine.interpreter import advance, dumps, iso, start
from executions.engine.retry import backoff_seconds, matches

_RESULT_STATES = ("Task", "Pass", "Map", "Parallel")
_MOCK_REQUIRED = ("Map", "Parallel")


class CannotTestState(ValueError):
    """The request cannot be tested (bad definition, missing state, a mock that is needed but absent)."""


@dataclass
class StateTestResult:
    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None
    next_state: str | None = None
    inspection: dict = field(default_factory=dict)

    def to_aws(self, level: str = "INFO") -> dict:
        """The TestState response: output is JSON text; inspectionData only from DEBUG up."""
        response: dict = {"status": self.status}
        if self.status in ("SUCCEEDED", "CAUGHT_ERROR"):
            response["output"] = dumps(self.output)
        if self.error is not None:
            response["error"] = self.error
        if self.cause is not None:
            response["cause"] = self.cause
        if self.next_state is not None:
            response["nextState"] = self.next_state
        details = self.inspection.get("errorDetails")
        if level in ("DEBUG", "TRACE"):
            # Data stages are JSON text in the API; errorDetails is a structure.
            response["inspectionData"] = {key: dumps(value) for key, value in self.inspection.items()
                                          if key != "errorDetails"}
            if details is not None:
                response["inspectionData"]["errorDetails"] = details
        elif details is not None:
            response["inspectionData"] = {"errorDetails": details}
        return response


def test_state(definition: dict, *, state_name: str | None = None, input: Any = None, variables: dict | None = None,
               context: dict | None = None, mock: dict | None = None,
               resolver: Callable[[sig.InvokeTask], Any] | None = None, retrier_retry_count: int = 0,
               now: datetime | None = None) -> StateTestResult:
    """Test one state. `mock` is {"result": <JSON text>} or {"errorOutput": {"error", "cause"}}."""
    now = now or datetime.now(timezone.utc)
    name, body, language = _the_state(definition, state_name)
    kind = body.get("Type")
    if kind in _MOCK_REQUIRED and mock is None:
        raise CannotTestState(f"Testing a {kind} state requires a mock of its result")
    if kind == "Task" and mock is None and resolver is None:
        raise CannotTestState("Testing this Task state requires a mock (nothing on this server answers it)")
    machine = _one_state_machine(name, body, language)
    state = machine.states[name]
    input = {} if input is None else input
    variables = dict(variables or {})
    ctx = _context(name, now, context)
    inspection: dict = {"input": input}
    if kind not in _RESULT_STATES:
        return _run_flow_state(machine, name, input, variables, now, inspection)
    try:
        if language == JSONPATH:
            selected = state.io.select(input, ctx, variables)
            inspection["afterInputPath"] = selected
            effective = state.io.prepare(selected, ctx, variables)
            if "Parameters" in body or "ItemSelector" in body:
                inspection["afterParameters"] = effective
        else:
            effective = state.io.prepare(input, ctx, variables)
            inspection["afterArguments"] = effective
        result = _result(kind, state, body, effective, mock, resolver, name)
        inspection["result"] = result
        if language == JSONPATH:
            output, assigned = _jsonpath_outputs(body, input, result, ctx, variables, inspection)
        else:
            output, assigned = state.io.finish_result(input, result, ctx, variables)
    except StatesError as exc:
        return _handle_error(state, exc, input, ctx, variables, retrier_retry_count, inspection)
    if assigned:
        variables.update(assigned)
    inspection["variables"] = variables
    return StateTestResult("SUCCEEDED", output=output, next_state=state.next, inspection=inspection)


def _the_state(definition: dict, state_name: str | None) -> tuple[str, dict, str]:
    if not isinstance(definition, dict):
        raise CannotTestState("The definition must be a JSON object")
    machine_language = definition.get("QueryLanguage", JSONPATH)
    if "States" in definition:
        states = _all_states(definition)
        name = state_name or definition.get("StartAt")
        if name not in states:
            raise CannotTestState(f"State '{name}' is not in the definition")
        return name, states[name], states[name].get("QueryLanguage", machine_language)
    if "Type" not in definition:
        raise CannotTestState("The definition must be a state (with a Type) or a state machine (with States)")
    return state_name or "TestState", definition, definition.get("QueryLanguage", JSONPATH)


def _all_states(block: dict) -> dict:
    found = dict(block.get("States", {}))
    for body in block.get("States", {}).values():
        for branch in body.get("Branches", []):
            found.update(_all_states(branch))
        processor = body.get("ItemProcessor") or body.get("Iterator")
        if processor:
            found.update(_all_states(processor))
    return found


def _one_state_machine(name: str, body: dict, language: str):
    """A machine of the state alone, its transition targets stubbed so that it validates."""
    targets = {body.get("Next"), body.get("Default")}
    targets.update(rule.get("Next") for rule in body.get("Choices", []))
    targets.update(catcher.get("Next") for catcher in body.get("Catch", []))
    targets.discard(None)
    targets.discard(name)
    states = {name: body, **{target: {"Type": "Succeed"} for target in targets}}
    from designer.asl.compile import InvalidDefinition

    try:
        return compile_machine({"QueryLanguage": language, "StartAt": name, "States": states})
    except InvalidDefinition as exc:
        raise CannotTestState(str(exc)) from None


def _context(name: str, now: datetime, context: dict | None) -> dict:
    ctx = {
        "Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:TestState:test", "Input": None,
                      "Name": "test", "RoleArn": "arn:aws:iam::123456789012:role/flowdeck",
                      "StartTime": iso(now), "RedriveCount": 0},
        "State": {"EnteredTime": iso(now), "Name": name, "RetryCount": 0},
        "StateMachine": {"Id": "arn:aws:states:us-east-1:123456789012:stateMachine:TestState", "Name": "TestState"},
    }
    for key, value in (context or {}).items():
        ctx[key] = dict(ctx.get(key, {}), **value) if isinstance(value, dict) else value
    return ctx


def _result(kind: str, state, body: dict, effective: Any, mock: dict | None, resolver, name: str) -> Any:
    if mock is not None:
        if "errorOutput" in mock:
            failure = mock["errorOutput"] or {}
            raise StatesError(failure.get("error") or errors.TASK_FAILED, failure.get("cause") or "")
        try:
            return json.loads(mock.get("result", "null"))
        except ValueError as exc:
            raise CannotTestState(f"The mock result is not JSON: {exc}") from None
    if kind == "Pass":
        return state.result if state.has_result else effective
    return resolver(sig.InvokeTask("test-task", body["Resource"], effective, name, 0, "test"))


def _jsonpath_outputs(body: dict, raw: Any, result: Any, ctx: dict, variables: dict, inspection: dict):
    selector = compile_template(body, "ResultSelector")
    if selector is not None:
        result = selector(result, ctx, variables)
        inspection["afterResultSelector"] = result
    assign = compile_template(body, "Assign")
    assigned = assign(result, ctx, variables) if assign is not None else None
    output = compile_result_path(body)(raw, result)
    inspection["afterResultPath"] = output
    output_path = compile_input_path(body, "OutputPath")
    if output_path is not None:
        output = output_path(output, ctx, variables)
    return output, assigned


def _handle_error(state, exc: StatesError, raw: Any, ctx: dict, variables: dict, retry_count: int,
                  inspection: dict) -> StateTestResult:
    """What the engine would do with the error: retry (RETRIABLE), catch (CAUGHT_ERROR) or fail."""
    if exc.error not in errors.UNCATCHABLE:
        for index, retrier in enumerate(getattr(state, "retriers", ())):
            if matches(retrier.error_equals, exc.error):
                if retry_count < retrier.max_attempts:
                    delay = backoff_seconds(retrier, retry_count + 1, random.Random())
                    inspection["errorDetails"] = {"retryIndex": index, "retryBackoffIntervalSeconds": round(delay)}
                    return StateTestResult("RETRIABLE", error=exc.error, cause=exc.cause, inspection=inspection)
                break
        for index, catcher in enumerate(getattr(state, "catchers", ())):
            if matches(catcher.error_equals, exc.error):
                error_output = {"Error": exc.error, "Cause": exc.cause}
                output, assigned = catcher.finish(raw, error_output, ctx, variables)
                if assigned:
                    variables = dict(variables, **assigned)
                inspection["errorDetails"] = {"catchIndex": index}
                inspection["variables"] = variables
                return StateTestResult("CAUGHT_ERROR", output=output, error=exc.error, cause=exc.cause,
                                       next_state=catcher.next, inspection=inspection)
    return StateTestResult("FAILED", error=exc.error, cause=exc.cause, inspection=inspection)


def _run_flow_state(machine, name: str, input: Any, variables: dict, now: datetime,
                    inspection: dict) -> StateTestResult:
    """Choice, Wait, Succeed, Fail: run the one-state machine up to the state's exit and read what it did.
    A Wait does not really wait: its timer is fired at once."""
    step = start(machine, input, now=now, name="test", state_machine_name="TestState", variables=variables,
                 max_events=3)
    events = list(step.events)
    timer = next((c for c in step.commands if isinstance(c, sig.StartTimer)), None)
    if step.state.status == "RUNNING" and timer is not None:
        step = advance(machine, step.state, [sig.TimerFired(timer.timer_id)], now=timer.due, max_events=1)
        events += step.events
    state = step.state
    exited = next((e for e in events if e["type"].endswith("StateExited")), None)
    if exited is None:
        return StateTestResult("FAILED", error=state.error, cause=state.cause, inspection=inspection)
    details = exited["stateExitedEventDetails"]
    if "assignedVariables" in details:
        variables = dict(variables, **{key: json.loads(value) for key, value in details["assignedVariables"].items()})
    inspection["variables"] = variables
    frame = next(iter(state.frames.values()), None)
    next_state = frame.data.get("next") if frame is not None and frame.state == name else None
    return StateTestResult("SUCCEEDED", output=json.loads(details["output"]), next_state=next_state,
                           inspection=inspection)
