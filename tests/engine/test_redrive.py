"""RedriveExecution in the engine: continue from the failed part; what succeeded is not run again."""
from datetime import datetime, timedelta, timezone

import pytest

from designer.asl.compile import compile_machine
from designer.asl.errors import StatesError
from executions.engine import signals as sig
from executions.engine.interpreter import advance, start
from executions.engine.redrive import redrive
from executions.engine.runstate import RunState

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def drive(machine, step, answer, now=START, stop_after=None):
    """Answer the engine's commands until the execution ends (or `stop_after` steps), like a host would.
    Round-trips the run state through JSON between steps. Returns (state, events, now)."""
    events = list(step.events)
    timers = {}
    tasks = []
    steps = 0
    while True:
        for command in step.commands:
            if isinstance(command, sig.InvokeTask):
                tasks.append(command)
            elif isinstance(command, sig.StartTimer):
                timers[command.timer_id] = command.due
            elif isinstance(command, sig.CancelTimer):
                timers.pop(command.timer_id, None)
        state = RunState.from_json(step.state.to_json())
        if state.status != "RUNNING" or (stop_after is not None and steps >= stop_after):
            return state, events, now
        steps += 1
        if tasks:
            command = tasks.pop(0)
            try:
                incoming = [sig.TaskStarted(command.task_id), sig.TaskSucceeded(command.task_id, answer(command))]
            except StatesError as exc:
                incoming = [sig.TaskStarted(command.task_id), sig.TaskFailed(command.task_id, exc.error, exc.cause)]
        else:
            timer_id, now = min(timers.items(), key=lambda item: item[1])
            del timers[timer_id]
            incoming = [sig.TimerFired(timer_id)]
        step = advance(machine, state, incoming, now=now)
        events.extend(step.events)


def types_after_redrive(events):
    index = next(i for i, e in enumerate(events) if e["type"] == "ExecutionRedriven")
    return [e["type"] for e in events[index:]]


def failing_until_redriven(fail_states):
    """A resolver that fails the named states until `healed` is set."""
    calls = []

    def answer(command):
        calls.append(command.state_name)
        if command.state_name in fail_states and not answer.healed:
            raise StatesError("Boom", f"{command.state_name} failed")
        return {"from": command.state_name, "input": command.input}

    answer.healed = False
    answer.calls = calls
    return answer


TASK = "arn:aws:states:::lambda:invoke"


def test_a_failed_task_is_run_again_and_earlier_states_are_not():
    machine = compile_machine({"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": TASK, "ResultPath": "$.a", "Next": "T"},
        "T": {"Type": "Task", "Resource": TASK, "ResultPath": "$.t", "Next": "B"},
        "B": {"Type": "Pass", "End": True}}})
    answer = failing_until_redriven({"T"})
    state, events, now = drive(machine, start(machine, {"n": 1}, now=START, name="e", state_machine_name="m"), answer)
    assert (state.status, state.error) == ("FAILED", "Boom")
    answer.healed = True
    state, events, _ = drive(machine, redrive(machine, state, now=now + timedelta(minutes=1)), answer)
    assert state.status == "SUCCEEDED"
    assert answer.calls == ["A", "T", "T"]
    assert types_after_redrive(events) == [
        "ExecutionRedriven", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded",
        "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    assert events[0]["executionRedrivenEventDetails"] == {"redriveCount": 1}
    assert state.execution["RedriveCount"] == 1 and "RedriveTime" in state.execution
    assert state.output["t"]["input"] == {"n": 1, "a": {"from": "A", "input": {"n": 1}}}


def test_a_parallel_reruns_only_the_branch_that_failed():
    machine = compile_machine({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Good", "States": {"Good": {"Type": "Task", "Resource": TASK, "End": True}}},
        {"StartAt": "Bad", "States": {"Bad": {"Type": "Task", "Resource": TASK, "End": True}}}]}}})
    answer = failing_until_redriven({"Bad"})
    state, events, now = drive(machine, start(machine, {}, now=START, name="e", state_machine_name="m"), answer)
    assert state.status == "FAILED"
    answer.healed = True
    state, events, _ = drive(machine, redrive(machine, state, now=now), answer)
    assert state.status == "SUCCEEDED"
    assert answer.calls.count("Good") == 1 and answer.calls.count("Bad") == 2
    assert [branch["from"] for branch in state.output] == ["Good", "Bad"]


def test_a_map_reruns_only_unsuccessful_iterations():
    machine = compile_machine({"StartAt": "M", "States": {"M": {
        "Type": "Map", "MaxConcurrency": 1, "End": True,
        "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": TASK, "End": True}}}}}})
    seen = []

    def answer(command):
        seen.append(command.input)
        if command.input == 2 and not answer.healed:
            raise StatesError("Boom", "item 2")
        return command.input * 10

    answer.healed = False
    state, events, now = drive(machine, start(machine, [1, 2, 3, 4], now=START, name="e", state_machine_name="m"),
                               answer)
    assert state.status == "FAILED" and seen == [1, 2]
    answer.healed = True
    state, events, _ = drive(machine, redrive(machine, state, now=now), answer)
    assert state.status == "SUCCEEDED"
    assert state.output == [10, 20, 30, 40]
    assert seen == [1, 2, 2, 3, 4]  # item 1 succeeded before: not run again


def test_a_timed_out_wait_is_entered_again():
    machine = compile_machine({"StartAt": "W", "TimeoutSeconds": 5, "States": {
        "W": {"Type": "Wait", "Seconds": 10, "Next": "Done"}, "Done": {"Type": "Succeed"}}})
    state, events, now = drive(machine, start(machine, {}, now=START, name="e", state_machine_name="m"), None)
    assert state.status == "TIMED_OUT"
    step = redrive(machine, state, now=now)
    assert [e["type"] for e in step.events] == ["ExecutionRedriven", "WaitStateEntered"]
    # The execution's TimeoutSeconds starts again: the 10 s Wait times out once more, as it would on AWS.
    state, events, _ = drive(machine, step, None, now=now)
    assert state.status == "TIMED_OUT"


def test_a_stopped_execution_resumes_the_task_it_was_waiting_for():
    machine = compile_machine({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": TASK, "End": True}}})
    step = start(machine, {"x": 1}, now=START, name="e", state_machine_name="m")
    step = advance(machine, step.state, [sig.StopExecution("Op", "paused")], now=START)
    assert step.state.status == "ABORTED"
    state, events, _ = drive(machine, redrive(machine, RunState.from_json(step.state.to_json()), now=START),
                             lambda command: "done")
    assert (state.status, state.output) == ("SUCCEEDED", "done")


def test_only_unsuccessful_executions_can_be_redriven():
    machine = compile_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    step = start(machine, {}, now=START, name="e", state_machine_name="m")
    with pytest.raises(ValueError, match="only a failed"):
        redrive(machine, step.state, now=START)


def test_a_redriven_execution_can_fail_and_be_redriven_again():
    machine = compile_machine({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": TASK, "End": True}}})
    answer = failing_until_redriven({"T"})
    state, _, now = drive(machine, start(machine, {}, now=START, name="e", state_machine_name="m"), answer)
    state, events, now = drive(machine, redrive(machine, state, now=now), answer)
    assert state.status == "FAILED"
    answer.healed = True
    state, events, _ = drive(machine, redrive(machine, state, now=now), answer)
    assert state.status == "SUCCEEDED"
    assert [e["executionRedrivenEventDetails"]["redriveCount"] for e in events
            if e["type"] == "ExecutionRedriven"] == [2]
