"""Resumability: an execution stopped after any single event, stored as JSON and continued later (even with the
machine compiled again, as another process would) ends exactly as an uninterrupted run: same status, output,
error, cause and the same history, event for event.

A small deterministic host drives start()/advance(): tasks are answered by a script (results, failures,
heartbeats, late answers), timers fire at their due time, and cancelled timers and tasks are dropped.
"""
import heapq
import json
from datetime import datetime, timedelta, timezone

import pytest

from designer.asl.compile import compile_machine
from executions.engine import signals as sig
from executions.engine.interpreter import advance, iso, start
from executions.engine.runstate import RUNNING, SUCCEEDED, RunState

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
LAMBDA = "arn:aws:states:::lambda:invoke"
CALLBACK = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"


class Host:
    """Runs one execution to its end. `answer(command, calls)` returns [(delay seconds, signal), ...] for a task."""

    def __init__(self, definition: dict, answer, *, max_events: int | None = None, via_json: bool = False,
                 recompile: bool = False, stop_at: float | None = None):
        self.definition = definition
        self.machine = compile_machine(definition)
        self.answer = answer
        self.max_events = max_events
        self.via_json = via_json
        self.recompile = recompile
        self.stop_at = stop_at
        self.queue: list = []
        self.sequence = 0
        self.cancelled_timers: set[str] = set()
        self.cancelled_tasks: set[str] = set()
        self.calls: dict[str, int] = {}
        self.history: list[dict] = []
        self.snapshots = 0
        self.tokens = self._token_factory()

    @staticmethod
    def _token_factory():
        numbers = iter(range(1, 100000))
        return lambda: f"token-{next(numbers)}"

    def _schedule(self, when: datetime, signal) -> None:
        self.sequence += 1
        heapq.heappush(self.queue, (when, self.sequence, signal))

    def _take(self, step, now: datetime) -> RunState:
        self.history += step.events
        for command in step.commands:
            if isinstance(command, sig.InvokeTask):
                count = self.calls.get(command.state_name, 0)
                self.calls[command.state_name] = count + 1
                for delay, signal in self.answer(command, count):
                    self._schedule(now + timedelta(seconds=delay), signal)
            elif isinstance(command, sig.StartTimer):
                self._schedule(command.due, sig.TimerFired(command.timer_id))
            elif isinstance(command, sig.CancelTimer):
                self.cancelled_timers.add(command.timer_id)
            elif isinstance(command, sig.CancelTask):
                self.cancelled_tasks.add(command.task_id)
        state = step.state
        if self.via_json:
            # What a durable host does between steps: store the state as JSON text, load it back.
            text = json.dumps(state.to_json())
            state = RunState.from_json(json.loads(text))
            assert state.to_json() == json.loads(text)
            self.snapshots += 1
            if self.recompile:
                self.machine = compile_machine(json.loads(json.dumps(self.definition)))
        return state

    def run(self, input) -> RunState:
        now = T0
        state = self._take(start(self.machine, input, now=now, name="exec", state_machine_name="M",
                                 max_events=self.max_events, token_factory=self.tokens), now)
        while state.status == RUNNING:
            incoming = []
            if not state.runnable:
                while True:
                    assert self.queue, "stalled"
                    when, _, signal = heapq.heappop(self.queue)
                    if isinstance(signal, sig.TimerFired) and signal.timer_id in self.cancelled_timers:
                        continue
                    if getattr(signal, "task_id", None) in self.cancelled_tasks and not getattr(signal, "late", False):
                        continue
                    break
                now = max(now, when)
                incoming = [signal]
                if self.stop_at is not None and now >= T0 + timedelta(seconds=self.stop_at):
                    incoming = [sig.StopExecution("Stopped", "by test")]
            state = self._take(advance(self.machine, state, incoming, now=now, max_events=self.max_events,
                                       token_factory=self.tokens), now)
        return state


def outcome(host: Host, input):
    state = host.run(input)
    return (state.status, state.output, state.error, state.cause), host.history


def ok(value):
    return lambda command: [(1, sig.TaskStarted(command.task_id)), (2, sig.TaskSucceeded(command.task_id, value))]


def answers(table):
    """table: state name -> list of per-call answers: a value, ("fail", error), ("hang",), or ("beat", n, value)."""
    def answer(command, count):
        spec = table[command.state_name][min(count, len(table[command.state_name]) - 1)]
        started = (1, sig.TaskStarted(command.task_id))
        if isinstance(spec, tuple) and spec[0] == "fail":
            return [started, (2, sig.TaskFailed(command.task_id, spec[1], f"{spec[1]} on call {count}"))]
        if isinstance(spec, tuple) and spec[0] == "hang":
            return [started]
        if isinstance(spec, tuple) and spec[0] == "beat":
            beats = [(1 + 3 * i, sig.TaskHeartbeat(command.task_id)) for i in range(1, spec[1] + 1)]
            return [started, *beats, (2 + 3 * spec[1], sig.TaskSucceeded(command.task_id, spec[2]))]
        if isinstance(spec, tuple) and spec[0] == "submit":
            return [started, (1, sig.TaskSubmitted(command.task_id, {"MessageId": "m"})),
                    (5, sig.TaskSucceeded(command.task_id, {"token": command.token, "value": spec[1]}))]
        return [started, (2, sig.TaskSucceeded(command.task_id, spec))]
    return answer


def task(name, next_=None, **fields):
    state = {"Type": "Task", "Resource": LAMBDA, **fields}
    state.update({"Next": next_} if next_ else {"End": True})
    return {name: state}


SCENARIOS = {
    "task chain with retry and catch": (
        {"StartAt": "A", "States": {
            **task("A", "B", Retry=[{"ErrorEquals": ["E"], "IntervalSeconds": 2}], ResultPath="$.a"),
            **task("B", "Done", Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Recover", "ResultPath": "$.err"}]),
            "Recover": {"Type": "Pass", "Result": "recovered", "ResultPath": "$.status", "Next": "Done"},
            "Done": {"Type": "Succeed"}}},
        answers({"A": [("fail", "E"), ("fail", "E"), {"a": 1}], "B": [("fail", "Boom")]}), {"in": 1}),
    "timeouts and heartbeats": (
        {"StartAt": "Slow", "States": {
            **task("Slow", "Beating", TimeoutSeconds=10, ResultPath="$.slow",
                   Retry=[{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 1, "IntervalSeconds": 1}],
                   Catch=[{"ErrorEquals": ["States.Timeout"], "Next": "Beating", "ResultPath": "$.timedOut"}]),
            **task("Beating", None, TimeoutSeconds=100, HeartbeatSeconds=5)}},
        answers({"Slow": [("hang",)], "Beating": [("beat", 4, "alive")]}), {}),
    "parallel with waits, tasks and a failing branch caught": (
        {"StartAt": "Par", "States": {
            "Par": {"Type": "Parallel", "Next": "After", "Catch": [{"ErrorEquals": ["Bad"], "Next": "After"}],
                    "Retry": [{"ErrorEquals": ["Bad"], "MaxAttempts": 1}], "Branches": [
                {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 30, "Next": "T1"}, **task("T1")}},
                {"StartAt": "T2", "States": task("T2")},
                {"StartAt": "T3", "States": task("T3")}]},
            "After": {"Type": "Pass", "End": True}}},
        answers({"T1": ["t1"], "T2": ["t2"], "T3": [("fail", "Bad")]}), {"x": 1}),
    "parallel succeeding": (
        {"StartAt": "Par", "States": {"Par": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3, "Next": "T1"}, **task("T1")}},
            {"StartAt": "T2", "States": task("T2")}]}}},
        answers({"T1": ["t1"], "T2": ["t2"]}), {}),
    "inline map with concurrency, retries inside and a catch": (
        {"StartAt": "Each", "States": {"Each": {
            "Type": "Map", "MaxConcurrency": 2, "ItemsPath": "$.items", "End": True,
            "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value"},
            "ItemProcessor": {"StartAt": "Work", "States": {
                **task("Work", None, Retry=[{"ErrorEquals": ["E"], "IntervalSeconds": 1}],
                       Catch=[{"ErrorEquals": ["Fatal"], "Next": "Skip"}]),
                "Skip": {"Type": "Pass", "Result": "skipped", "End": True}}}}}},
        answers({"Work": ["r0", ("fail", "E"), "r1", ("fail", "Fatal"), "r3", "r4", "r5"]}),
        {"items": list(range(6))}),
    # A failed batch fails all its items: the batch of 2 that fails is tolerated by ToleratedFailureCount 2.
    "distributed map with batches and tolerated failures": (
        {"StartAt": "Dist", "States": {"Dist": {
            "Type": "Map", "End": True, "ToleratedFailureCount": 2, "ItemBatcher": {"MaxItemsPerBatch": 2},
            "ItemsPath": "$.items",
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                              "StartAt": "Work", "States": task("Work")}, "ResultPath": "$.done"}}},
        answers({"Work": ["b0", ("fail", "E"), "b2"]}), {"items": list(range(5))}),
    "callback task with submit and token": (
        {"StartAt": "Ask", "States": {"Ask": {
            "Type": "Task", "Resource": CALLBACK, "HeartbeatSeconds": 60, "End": True,
            "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}}}},
        answers({"Ask": [("submit", "approved")]}), {}),
    "waits and a choice loop": (
        {"StartAt": "Init", "States": {
            "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.n", "Next": "Nap"},
            "Nap": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "Inc"},
            "Inc": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)", "delay.$": "$.delay"}, "Next": "Loop"},
            "Loop": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": 3, "Next": "Nap"}],
                     "Default": "Stamp"},
            "Stamp": {"Type": "Pass", "Parameters": {"n.$": "$.n", "t.$": "$$.State.EnteredTime"}, "End": True}}},
        answers({}), {"delay": 7}),
    "execution timeout while tasks run": (
        {"StartAt": "Work", "TimeoutSeconds": 20, "States": {
            **task("Work", "Never", Retry=[{"ErrorEquals": ["E"], "IntervalSeconds": 5, "MaxAttempts": 10}]),
            "Never": {"Type": "Pass", "End": True}}},
        answers({"Work": [("fail", "E")]}), {}),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_stopping_after_every_event_and_resuming_from_json_changes_nothing(name):
    definition, answer, input = SCENARIOS[name]
    straight = outcome(Host(definition, answer), input)
    for host in (Host(definition, answer, max_events=1, via_json=True),
                 Host(definition, answer, max_events=1, via_json=True, recompile=True),
                 Host(definition, answer, via_json=True, recompile=True),
                 Host(definition, answer, max_events=3)):
        resumed = outcome(host, input)
        assert resumed == straight
    step_host = Host(definition, answer, max_events=1, via_json=True)
    _, history = outcome(step_host, input)
    # One stored snapshot per event at least: the run really was cut at every event.
    assert step_host.snapshots >= len(history)
    assert [event["id"] for event in history] == list(range(1, len(history) + 1))


def test_scenario_outcomes():
    """The scenarios above end as ASL says (so the comparison is not between two equally wrong runs)."""
    results = {name: outcome(Host(d, a), i)[0] for name, (d, a, i) in SCENARIOS.items()}
    assert results["task chain with retry and catch"] == (
        SUCCEEDED, {"in": 1, "a": {"a": 1}, "err": {"Error": "Boom", "Cause": "Boom on call 0"}, "status": "recovered"},
        None, None)
    assert results["timeouts and heartbeats"] == (SUCCEEDED, "alive", None, None)
    assert results["parallel with waits, tasks and a failing branch caught"][:2] == (
        SUCCEEDED, {"Error": "Bad", "Cause": "Bad on call 1"})
    assert results["parallel succeeding"] == (SUCCEEDED, ["t1", "t2"], None, None)
    status, output, _, _ = results["inline map with concurrency, retries inside and a catch"]
    assert status == SUCCEEDED and len(output) == 6 and "skipped" in output
    status, output, _, _ = results["distributed map with batches and tolerated failures"]
    assert status == SUCCEEDED and output["items"] == [0, 1, 2, 3, 4] and len(output["done"]) == 3
    assert results["callback task with submit and token"] == (
        SUCCEEDED, {"token": "token-1", "value": "approved"}, None, None)
    assert results["waits and a choice loop"] == (SUCCEEDED, {"n": 3, "t": iso(T0 + timedelta(seconds=21))}, None, None)
    assert results["execution timeout while tasks run"][0] == "TIMED_OUT"


def test_stop_execution_while_parked_after_a_json_round_trip():
    definition, answer, input = SCENARIOS["parallel succeeding"]
    host = Host(definition, answer, max_events=1, via_json=True, stop_at=2)
    state = host.run(input)
    assert state.status == "ABORTED" and (state.error, state.cause) == ("Stopped", "by test")
    assert host.history[-1]["type"] == "ExecutionAborted"


def test_run_state_json_keeps_what_a_host_needs_to_rebuild_its_timers():
    machine = compile_machine({"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 60, "End": True}}})
    step = start(machine, {}, now=T0, name="exec", state_machine_name="M")
    data = json.loads(json.dumps(step.state.to_json()))
    assert list(data["timers"].values()) == ["2026-01-01T00:01:00.000Z"]
    (timer_id,) = data["timers"]
    # A new process: compile again, load the state, fire the timer it had stored.
    again = advance(compile_machine(machine.definition), RunState.from_json(data), [sig.TimerFired(timer_id)],
                    now=T0 + timedelta(seconds=60))
    assert again.state.status == SUCCEEDED
    assert [(e["id"], e["type"]) for e in again.events] == [(3, "WaitStateExited"), (4, "ExecutionSucceeded")]


def test_pending_task_survives_a_json_round_trip():
    machine = compile_machine({"StartAt": "Work", "States": task("Work", None, TimeoutSeconds=30)})
    step = start(machine, {"a": 1}, now=T0, name="exec", state_machine_name="M")
    (invoke,) = [c for c in step.commands if isinstance(c, sig.InvokeTask)]
    state = RunState.from_json(json.loads(json.dumps(step.state.to_json())))
    assert state.waiting[invoke.task_id] in state.frames
    done = advance(machine, state, [sig.TaskStarted(invoke.task_id), sig.TaskSucceeded(invoke.task_id, {"b": 2})],
                   now=T0 + timedelta(seconds=5))
    assert done.state.status == SUCCEEDED and done.state.output == {"b": 2}
    assert [e["type"] for e in done.events] == ["TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]
