"""Time in the interpreter: task TimeoutSeconds and HeartbeatSeconds, execution TimeoutSeconds, StopExecution,
stale signals and long Waits, driven through start()/advance() with explicit signals and an explicit `now`.

Expected behaviour comes from AWS histories recorded by localstack's parity tests (timeouts/test_timeouts and
test_heartbeats snapshots): a task that runs past TimeoutSeconds or misses a heartbeat ends in
`TaskTimedOut {error: "States.Timeout"}` with no cause, the execution fails with States.Timeout and no
cause, and a Catcher receives `{"Error": "States.Timeout", "Cause": ""}` (test_task_service_lambda
test_invoke_timeout). `States.HeartbeatTimeout` is usable in Retry/Catch only (DG concepts-error-handling).
"""
from datetime import datetime, timedelta, timezone

import pytest

from designer.asl.compile import compile_machine
from executions.engine import signals as sig
from executions.engine.interpreter import advance, start
from executions.engine.runstate import ABORTED, FAILED, RUNNING, SUCCEEDED, TIMED_OUT

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
LAMBDA = "arn:aws:states:::lambda:invoke"
FN = "arn:aws:lambda:us-east-1:123456789012:function:Fn"
ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:Work"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


class Run:
    """One execution driven by hand: remembers the run state, all events and the commands of the last step."""

    def __init__(self, definition: dict, input=None):
        self.machine = compile_machine(definition)
        tokens = iter(f"token-{n}" for n in range(1, 1000))
        self.tokens = lambda: next(tokens)
        step = start(self.machine, {} if input is None else input, now=T0, name="exec", state_machine_name="M",
                     token_factory=self.tokens)
        self.state = step.state
        self.events = list(step.events)
        self.commands = list(step.commands)
        self.last_events = list(step.events)

    def send(self, seconds: float, *signals) -> "Run":
        step = advance(self.machine, self.state, list(signals), now=at(seconds), token_factory=self.tokens)
        self.state = step.state
        self.events += step.events
        self.last_events = list(step.events)
        self.commands = list(step.commands)
        return self

    # --- reading what happened ---
    @property
    def status(self) -> str:
        return self.state.status

    def types(self, events=None) -> list[str]:
        return [e["type"] for e in (self.events if events is None else events)]

    def of(self, kind) -> list:
        return [c for c in self.commands if isinstance(c, kind)]

    def task(self) -> sig.InvokeTask:
        (command,) = self.of(sig.InvokeTask)
        return command

    def timer(self, due_seconds: float) -> str:
        """The id of the timer just started for `due_seconds` after T0."""
        matching = [c.timer_id for c in self.of(sig.StartTimer) if c.due == at(due_seconds)]
        assert len(matching) == 1, self.commands
        return matching[0]

    def event(self, type_: str) -> dict:
        (found,) = [e for e in self.events if e["type"] == type_]
        return found


def task_machine(**fields) -> dict:
    extra_states = fields.pop("states", {})
    return {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": LAMBDA, "End": True, **fields},
                                           **extra_states}}


# --- task TimeoutSeconds --------------------------------------------------------------------------------


def test_task_timeout_schedules_a_timer_and_times_out_with_states_timeout():
    run = Run(task_machine(TimeoutSeconds=10))
    invoke = run.task()
    assert invoke.timeout_seconds == 10 and invoke.heartbeat_seconds is None
    timeout = run.timer(10)
    assert run.types() == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled"]
    assert run.event("TaskScheduled")["taskScheduledEventDetails"]["timeoutInSeconds"] == 10

    run.send(1, sig.TaskStarted(invoke.task_id))
    assert run.types(run.last_events) == ["TaskStarted"]
    run.send(10, sig.TimerFired(timeout))
    assert run.types(run.last_events) == ["TaskTimedOut", "ExecutionFailed"]
    assert run.event("TaskTimedOut")["taskTimedOutEventDetails"] == {
        "resourceType": "lambda", "resource": "invoke", "error": "States.Timeout"}
    assert run.event("ExecutionFailed")["executionFailedEventDetails"] == {"error": "States.Timeout"}
    assert run.status == FAILED and run.state.error == "States.Timeout"
    # The host is told to drop the task it may still be running.
    assert sig.CancelTask(invoke.task_id) in run.commands


def test_task_finishing_in_time_cancels_its_timeout_timer():
    run = Run(task_machine(TimeoutSeconds=10))
    invoke, timeout = run.task(), run.timer(10)
    run.send(3, sig.TaskStarted(invoke.task_id), sig.TaskSucceeded(invoke.task_id, {"ok": 1}))
    assert run.status == SUCCEEDED and run.state.output == {"ok": 1}
    assert sig.CancelTimer(timeout) in run.commands
    assert run.state.timers == {}


def test_timeout_seconds_path_reads_the_input():
    run = Run(task_machine(TimeoutSecondsPath="$.limit"), {"limit": 42})
    assert run.task().timeout_seconds == 42
    run.timer(42)


@pytest.mark.parametrize("value", [0, -1, 1.5, "10", None, True])
def test_timeout_seconds_path_must_be_a_positive_integer(value):
    run = Run(task_machine(TimeoutSecondsPath="$.limit"), {"limit": value})
    assert run.status == FAILED and run.state.error == "States.Runtime"
    assert run.of(sig.InvokeTask) == []


def test_legacy_lambda_timeout_writes_lambda_function_timed_out():
    run = Run({"StartAt": "Fn", "States": {"Fn": {"Type": "Task", "Resource": FN, "TimeoutSeconds": 5, "End": True}}})
    invoke, timeout = run.task(), run.timer(5)
    run.send(1, sig.TaskStarted(invoke.task_id)).send(5, sig.TimerFired(timeout))
    assert run.types() == ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                           "LambdaFunctionTimedOut", "ExecutionFailed"]
    assert run.event("LambdaFunctionTimedOut")["lambdaFunctionTimedOutEventDetails"] == {"error": "States.Timeout"}


# --- HeartbeatSeconds ------------------------------------------------------------------------------------


def test_heartbeats_restart_the_heartbeat_clock_but_not_the_timeout():
    run = Run({"StartAt": "Work", "States": {"Work": {
        "Type": "Task", "Resource": ACTIVITY, "TimeoutSeconds": 30, "HeartbeatSeconds": 5, "End": True}}})
    invoke = run.task()
    assert (invoke.timeout_seconds, invoke.heartbeat_seconds, invoke.token) == (30, 5, "token-1")
    timeout, beat = run.timer(30), run.timer(5)
    details = run.event("ActivityScheduled")["activityScheduledEventDetails"]
    assert (details["timeoutInSeconds"], details["heartbeatInSeconds"]) == (30, 5)

    run.send(4, sig.TaskStarted(invoke.task_id, "worker-1"), sig.TaskHeartbeat(invoke.task_id))
    assert sig.CancelTimer(beat) in run.commands
    beat = run.timer(9)  # 4 + 5
    run.send(8, sig.TaskHeartbeat(invoke.task_id))
    beat = run.timer(13)
    run.send(12, sig.TaskHeartbeat(invoke.task_id))
    beat = run.timer(17)
    assert run.status == RUNNING
    # Heartbeats never move the overall deadline: it still fires at 30.
    for moment in (16, 20, 24, 28):
        run.send(moment, sig.TaskHeartbeat(invoke.task_id))
    run.send(30, sig.TimerFired(timeout))
    assert run.types(run.last_events) == ["ActivityTimedOut", "ExecutionFailed"]
    assert run.event("ActivityTimedOut")["activityTimedOutEventDetails"] == {"error": "States.Timeout"}
    assert run.state.timers == {}


def test_a_missed_heartbeat_times_the_task_out_as_states_timeout():
    run = Run(task_machine(TimeoutSeconds=600, HeartbeatSeconds=5))
    invoke, timeout, beat = run.task(), run.timer(600), run.timer(5)
    run.send(1, sig.TaskStarted(invoke.task_id)).send(5, sig.TimerFired(beat))
    assert run.types(run.last_events) == ["TaskTimedOut", "ExecutionFailed"]
    assert run.event("TaskTimedOut")["taskTimedOutEventDetails"]["error"] == "States.Timeout"
    assert run.status == FAILED and run.state.error == "States.Timeout"
    assert sig.CancelTimer(timeout) in run.commands and sig.CancelTask(invoke.task_id) in run.commands


def test_heartbeat_without_a_timeout():
    run = Run(task_machine(HeartbeatSeconds=5))
    invoke, beat = run.task(), run.timer(5)
    assert invoke.timeout_seconds is None
    run.send(2, sig.TaskHeartbeat(invoke.task_id))
    beat = run.timer(7)
    run.send(7, sig.TimerFired(beat))
    assert run.status == FAILED and run.state.error == "States.Timeout"


def test_a_heartbeat_for_a_task_without_heartbeat_seconds_is_ignored():
    run = Run(task_machine(TimeoutSeconds=10))
    invoke = run.task()
    run.send(2, sig.TaskHeartbeat(invoke.task_id))
    assert run.last_events == [] and run.commands == []
    assert run.status == RUNNING


def test_heartbeat_seconds_path_not_below_timeout_seconds_fails():
    run = Run(task_machine(TimeoutSeconds=10, HeartbeatSecondsPath="$.hb"), {"hb": 10})
    assert run.status == FAILED and run.state.error == "States.Runtime"


def catch_machine(error_equals: list[str], **fields) -> dict:
    return task_machine(Catch=[{"ErrorEquals": error_equals, "Next": "Caught"}],
                        states={"Caught": {"Type": "Pass", "End": True}}, **fields)


def heartbeat_timeout(run: Run) -> Run:
    invoke, beat = run.task(), run.timer(5)
    return run.send(1, sig.TaskStarted(invoke.task_id)).send(5, sig.TimerFired(beat))


def overall_timeout(run: Run) -> Run:
    invoke, timeout = run.task(), run.timer(20)
    run.send(1, sig.TaskStarted(invoke.task_id), sig.TaskHeartbeat(invoke.task_id))
    return run.send(20, sig.TimerFired(timeout))


@pytest.mark.parametrize("error_equals, expire, caught", [
    (["States.HeartbeatTimeout"], heartbeat_timeout, True),
    (["States.HeartbeatTimeout"], overall_timeout, False),
    (["States.Timeout"], heartbeat_timeout, True),
    (["States.Timeout"], overall_timeout, True),
    (["States.ALL"], heartbeat_timeout, True),
    (["States.ALL"], overall_timeout, True),
    (["States.TaskFailed"], heartbeat_timeout, False),
    (["States.TaskFailed"], overall_timeout, False),
])
def test_which_error_names_catch_a_timeout(error_equals, expire, caught):
    run = expire(Run(catch_machine(error_equals, TimeoutSeconds=20, HeartbeatSeconds=5)))
    if caught:
        assert run.status == SUCCEEDED
        # LS snapshot test_invoke_timeout (AWS): the Error Output of a timeout has an empty Cause.
        assert run.state.output == {"Error": "States.Timeout", "Cause": ""}
        assert run.types()[-4:] == ["TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    else:
        assert run.status == FAILED and run.state.error == "States.Timeout"
        assert run.types()[-2:] == ["TaskTimedOut", "ExecutionFailed"]


def test_retry_after_a_timeout_runs_a_new_attempt_and_ignores_the_late_result_of_the_old_one():
    run = Run(task_machine(TimeoutSeconds=10, Retry=[{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 3}]))
    first, timeout = run.task(), run.timer(10)
    run.send(1, sig.TaskStarted(first.task_id)).send(10, sig.TimerFired(timeout))
    assert run.types(run.last_events) == ["TaskTimedOut"]
    backoff = run.timer(13)
    assert run.of(sig.InvokeTask) == []

    run.send(13, sig.TimerFired(backoff))
    second = run.task()
    assert second.task_id != first.task_id and second.attempt == 1
    second_timeout = run.timer(23)
    assert run.types(run.last_events) == ["TaskScheduled"]

    # The first attempt's result arrives late: it belongs to an attempt that is over.
    run.send(14, sig.TaskSucceeded(first.task_id, "late"), sig.TaskFailed(first.task_id, "E", "late"))
    assert run.last_events == [] and run.status == RUNNING
    run.send(15, sig.TaskStarted(second.task_id), sig.TaskSucceeded(second.task_id, "fresh"))
    assert run.status == SUCCEEDED and run.state.output == "fresh"
    assert sig.CancelTimer(second_timeout) in run.commands
    assert run.types() == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskTimedOut",
                           "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]


def test_retrier_on_heartbeat_timeout():
    run = Run(task_machine(HeartbeatSeconds=5, Retry=[{"ErrorEquals": ["States.HeartbeatTimeout"], "MaxAttempts": 1,
                                                        "IntervalSeconds": 2}]))
    run = heartbeat_timeout(run)
    backoff = run.timer(7)
    run.send(7, sig.TimerFired(backoff))
    second, beat = run.task(), run.timer(12)
    run.send(12, sig.TimerFired(beat))
    assert run.status == FAILED and run.state.error == "States.Timeout"
    assert run.types().count("TaskTimedOut") == 2


# --- execution TimeoutSeconds ------------------------------------------------------------------------------


def test_execution_timeout_times_out_and_cancels_the_running_task():
    run = Run({"StartAt": "Work", "TimeoutSeconds": 60, "States": {
        "Work": {"Type": "Task", "Resource": LAMBDA, "TimeoutSeconds": 300, "End": True}}})
    execution_timer = run.timer(60)
    invoke, task_timer = run.task(), run.timer(300)
    run.send(1, sig.TaskStarted(invoke.task_id)).send(60, sig.TimerFired(execution_timer))
    assert run.status == TIMED_OUT
    assert run.types(run.last_events) == ["ExecutionTimedOut"]
    details = run.event("ExecutionTimedOut")["executionTimedOutEventDetails"]
    assert details["error"] == "States.Timeout"
    assert (run.state.error, run.status) == ("States.Timeout", "TIMED_OUT")
    assert sig.CancelTask(invoke.task_id) in run.commands and sig.CancelTimer(task_timer) in run.commands
    # Anything arriving afterwards changes nothing.
    run.send(61, sig.TaskSucceeded(invoke.task_id, "late"))
    assert run.last_events == [] and run.status == TIMED_OUT


def test_execution_timeout_during_a_wait():
    run = Run({"StartAt": "Nap", "TimeoutSeconds": 10, "States": {"Nap": {"Type": "Wait", "Seconds": 3600, "End": True}}})
    execution_timer, wait_timer = run.timer(10), run.timer(3600)
    run.send(10, sig.TimerFired(execution_timer))
    assert run.status == TIMED_OUT and sig.CancelTimer(wait_timer) in run.commands
    assert run.state.timers == {}
    run.send(3600, sig.TimerFired(wait_timer))
    assert run.last_events == []


def test_execution_finishing_in_time_cancels_the_execution_timer():
    run = Run({"StartAt": "Nap", "TimeoutSeconds": 10, "States": {"Nap": {"Type": "Wait", "Seconds": 5, "End": True}}})
    execution_timer, wait_timer = run.timer(10), run.timer(5)
    run.send(5, sig.TimerFired(wait_timer))
    assert run.status == SUCCEEDED and sig.CancelTimer(execution_timer) in run.commands


# --- StopExecution ------------------------------------------------------------------------------------------


def test_stop_execution_aborts_and_cancels_every_pending_task_and_timer():
    run = Run({"StartAt": "Par", "TimeoutSeconds": 100, "States": {"Par": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": LAMBDA, "TimeoutSeconds": 50, "End": True}}},
        {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": LAMBDA, "End": True}}},
        {"StartAt": "C", "States": {"C": {"Type": "Wait", "Seconds": 30, "End": True}}}]}}})
    tasks = {c.state_name: c.task_id for c in run.of(sig.InvokeTask)}
    assert set(tasks) == {"A", "B"}
    timers = {run.timer(100), run.timer(50), run.timer(30)}
    run.send(5, sig.StopExecution(error="Operator", cause="stopped by hand"))
    assert run.status == ABORTED
    assert run.types(run.last_events) == ["ExecutionAborted"]
    assert run.event("ExecutionAborted")["executionAbortedEventDetails"] == {"error": "Operator", "cause": "stopped by hand"}
    assert {c.task_id for c in run.of(sig.CancelTask)} == set(tasks.values())
    assert {c.timer_id for c in run.of(sig.CancelTimer)} == timers
    assert run.state.waiting == {} and run.state.timers == {} and run.state.frames == {}


def test_stop_execution_without_error_or_cause():
    run = Run(task_machine())
    invoke = run.task()
    run.send(1, sig.StopExecution())
    assert run.status == ABORTED
    assert run.event("ExecutionAborted")["executionAbortedEventDetails"] == {}
    assert run.of(sig.CancelTask) == [sig.CancelTask(invoke.task_id)]


def test_signals_after_stop_are_ignored():
    run = Run(task_machine())
    invoke = run.task()
    run.send(1, sig.StopExecution(), sig.TaskSucceeded(invoke.task_id, "x"))
    assert run.types(run.last_events) == ["ExecutionAborted"]
    run.send(2, sig.TaskSucceeded(invoke.task_id, "x"), sig.StopExecution())
    assert run.last_events == [] and run.commands == [] and run.status == ABORTED


# --- stale and unknown signals ------------------------------------------------------------------------------


def test_unknown_task_and_timer_ids_are_ignored():
    run = Run(task_machine(TimeoutSeconds=10))
    for signal in (sig.TaskSucceeded("task-999", 1), sig.TaskFailed("task-999", "E"), sig.TaskStarted("nope"),
                   sig.TaskHeartbeat("nope"), sig.TaskSubmitted("nope", {}), sig.TimerFired("timer-999")):
        run.send(1, signal)
        assert run.last_events == [] and run.commands == [] and run.status == RUNNING


def test_a_cancelled_timer_firing_late_is_ignored():
    run = Run({"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": LAMBDA, "TimeoutSeconds": 10, "Next": "Nap"},
        "Nap": {"Type": "Wait", "Seconds": 100, "End": True}}})
    invoke, timeout = run.task(), run.timer(10)
    run.send(2, sig.TaskSucceeded(invoke.task_id, {}))
    assert sig.CancelTimer(timeout) in run.commands
    nap = run.timer(102)
    run.send(10, sig.TimerFired(timeout))  # the host lost the cancellation
    assert run.last_events == [] and run.status == RUNNING
    run.send(102, sig.TimerFired(nap))
    assert run.status == SUCCEEDED


def test_a_second_result_for_the_same_task_is_ignored():
    run = Run(task_machine())
    invoke = run.task()
    run.send(1, sig.TaskSucceeded(invoke.task_id, "first"))
    assert run.status == SUCCEEDED
    run.send(2, sig.TaskFailed(invoke.task_id, "E"))
    assert run.last_events == [] and run.state.output == "first"


def test_result_of_a_branch_aborted_by_its_sibling_is_ignored():
    run = Run({"StartAt": "Par", "States": {"Par": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": LAMBDA, "End": True}}},
        {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": LAMBDA, "End": True}}}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Nap"}]},
        "Nap": {"Type": "Wait", "Seconds": 50, "End": True}}})
    tasks = {c.state_name: c.task_id for c in run.of(sig.InvokeTask)}
    run.send(1, sig.TaskFailed(tasks["A"], "Boom", "a failed"))
    assert sig.CancelTask(tasks["B"]) in run.commands
    # The sibling still inside its Task state gets TaskStateAborted (AWS history, see interpreter.abort_children).
    assert run.types()[-5:] == ["TaskFailed", "TaskStateAborted", "ParallelStateFailed", "ParallelStateExited",
                                "WaitStateEntered"]
    nap = run.timer(51)
    before = len(run.events)
    run.send(2, sig.TaskSucceeded(tasks["B"], "too late"))
    assert len(run.events) == before and run.status == RUNNING
    run.send(51, sig.TimerFired(nap))
    assert run.status == SUCCEEDED and run.state.output == {"Error": "Boom", "Cause": "a failed"}


# --- long waits park -------------------------------------------------------------------------------------------


def test_a_one_year_wait_parks_with_one_timer_and_no_busy_work():
    year = 365 * 24 * 3600
    run = Run({"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": year, "Next": "Done"},
                                            "Done": {"Type": "Succeed"}}})
    assert run.types() == ["ExecutionStarted", "WaitStateEntered"]
    assert run.commands == [sig.StartTimer(run.timer(year), at(year))]
    assert run.state.runnable == [] and run.state.transitions == 1
    (timer_id,) = run.state.timers
    assert run.state.timers[timer_id] == "2027-01-01T00:00:00.000Z"
    # Waking the engine early (a host restart, an unrelated poll) does nothing at all.
    for moment in (1, 3600, 180 * 24 * 3600):
        run.send(moment)
        assert run.last_events == [] and run.commands == [] and run.state.transitions == 1
    run.send(year, sig.TimerFired(timer_id))
    assert run.types(run.last_events) == ["WaitStateExited", "SucceedStateEntered", "SucceedStateExited",
                                          "ExecutionSucceeded"]
    assert run.last_events[0]["timestamp"] == "2027-01-01T00:00:00.000Z"


def test_a_wait_until_a_timestamp_starts_one_timer_for_that_moment():
    run = Run({"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "TimestampPath": "$.when", "End": True}}},
              {"when": "2026-06-01T12:00:00Z"})
    (start_timer,) = run.commands
    assert start_timer.due == datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
    run.send((start_timer.due - T0).total_seconds(), sig.TimerFired(start_timer.timer_id))
    assert run.status == SUCCEEDED


def test_a_retry_backoff_is_a_timer_too():
    run = Run(task_machine(Retry=[{"ErrorEquals": ["E"], "IntervalSeconds": 86400, "MaxAttempts": 1}]))
    invoke = run.task()
    run.send(1, sig.TaskFailed(invoke.task_id, "E", "c"))
    backoff = run.timer(86401)
    assert run.of(sig.InvokeTask) == [] and run.state.runnable == []
    run.send(1000)
    assert run.last_events == [] and run.commands == []
    run.send(86401, sig.TimerFired(backoff))
    assert run.task().attempt == 1
