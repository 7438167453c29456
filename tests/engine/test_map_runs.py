"""Distributed Map children as executions of their own: their histories, lifecycles and Map Runs as the engine
reports them (Step.children, Step.child_events), UpdateMapRun, stopping, and redriving a Map Run."""
from datetime import datetime, timedelta, timezone

from designer.asl.compile import compile_machine
from designer.asl.errors import StatesError
from executions.engine import signals as sig
from executions.engine.interpreter import advance, start
from executions.engine.redrive import redrive
from executions.engine.runner import LocalRunner
from executions.engine.runstate import RunState

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
TASK = "arn:aws:states:::lambda:invoke"


def distributed(states: dict, start_at: str, execution_type: str = "STANDARD", **fields) -> dict:
    return {"StartAt": "Dist", "States": {"Dist": {
        "Type": "Map", "End": True, **fields,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
                          "StartAt": start_at, "States": states}}}}


CHECK = {
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": False, "Next": "Stop"}],
              "Default": "Ok"},
    "Ok": {"Type": "Pass", "End": True},
    "Stop": {"Type": "Fail", "Error": "ItemFailed", "Cause": "bad item"},
}
WORK = {"Work": {"Type": "Task", "Resource": TASK, "End": True}}


class Host:
    """Drives an execution like a durable host: the run state round-trips through JSON between steps, and
    every step's parent events, child records and child events are collected."""

    def __init__(self, machine):
        self.machine = machine
        self.events: list[dict] = []
        self.records: list[dict] = []
        self.histories: dict[str, list[dict]] = {}
        self.tasks: list[sig.InvokeTask] = []
        self.timers: dict[str, datetime] = {}
        self.state = None
        self.now = START

    def absorb(self, step):
        self.events += step.events
        self.records += step.children
        for arn, events in step.child_events.items():
            self.histories.setdefault(arn, []).extend(events)
        for command in step.commands:
            if isinstance(command, sig.InvokeTask):
                self.tasks.append(command)
            elif isinstance(command, sig.CancelTask):
                self.tasks = [task for task in self.tasks if task.task_id != command.task_id]
            elif isinstance(command, sig.StartTimer):
                self.timers[command.timer_id] = command.due
            elif isinstance(command, sig.CancelTimer):
                self.timers.pop(command.timer_id, None)
        self.state = RunState.from_json(step.state.to_json())
        return step

    def start(self, input, **kwargs):
        return self.absorb(start(self.machine, input, now=self.now, name="run", state_machine_name="Jobs", **kwargs))

    def send(self, *signals, max_events=None):
        return self.absorb(advance(self.machine, self.state, list(signals), now=self.now, max_events=max_events))

    def answer(self, task, output=None, error=None):
        if error is not None:
            return self.send(sig.TaskStarted(task.task_id), sig.TaskFailed(task.task_id, error, f"{error}!"))
        return self.send(sig.TaskStarted(task.task_id), sig.TaskSucceeded(task.task_id, output))

    def answer_all(self, answer):
        """Answer every task the engine asks for (answer(command) -> output, or raises StatesError)."""
        while self.tasks and self.state.status == "RUNNING":
            task = self.tasks.pop(0)
            try:
                self.answer(task, answer(task))
            except StatesError as exc:
                self.answer(task, error=exc.error)

    def redrive(self):
        self.now += timedelta(minutes=1)
        return self.absorb(redrive(self.machine, self.state, now=self.now))

    def kinds(self, kind):
        return [record for record in self.records if record["kind"] == kind]

    def child(self, index):
        return next(r["arn"] for r in self.kinds("started") if r["index"] == index)

    def types(self, arn):
        return [event["type"] for event in self.histories[arn]]


def test_children_have_their_own_histories_and_the_parent_shows_only_the_map_run():
    host = Host(compile_machine(distributed(CHECK, "Check", ToleratedFailureCount=1)))
    host.start([{"ok": True}, {"ok": False}, {"ok": True}])
    assert host.state.status == "SUCCEEDED"
    assert [e["type"] for e in host.events] == [
        "ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded",
        "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]
    map_run = host.events[3]["mapRunStartedEventDetails"]["mapRunArn"]
    (begun,) = host.kinds("map_run_started")
    label = begun["label"]
    assert map_run == f"arn:aws:states:us-east-1:123456789012:mapRun:Jobs/{label}:{map_run.rsplit(':', 1)[1]}"
    assert begun == {"kind": "map_run_started", "arn": map_run, "label": label, "state": "Dist",
                     "state_machine": f"arn:aws:states:us-east-1:123456789012:stateMachine:Jobs/{label}",
                     "max_concurrency": 0, "tolerated_count": 1, "tolerated_percentage": 0,
                     "executions": 3, "items": 3}
    started = host.kinds("started")
    assert [(r["index"], r["items"], r["input"], r["map_run"]) for r in started] == [
        (0, 1, '{"ok":true}', map_run), (1, 1, '{"ok":false}', map_run), (2, 1, '{"ok":true}', map_run)]
    for record in started:
        assert record["arn"] == (f"arn:aws:states:us-east-1:123456789012:execution:Jobs/{label}:"
                                 f"{record['name']}")
    ok, bad = host.child(0), host.child(1)
    assert host.histories[ok] == [
        {"timestamp": "2026-01-01T00:00:00.000Z", "type": "ExecutionStarted", "id": 1, "previousEventId": 0,
         "executionStartedEventDetails": {"input": '{"ok":true}', "inputDetails": {"truncated": False},
                                          "roleArn": "arn:aws:iam::123456789012:role/flowdeck"}},
        {"timestamp": "2026-01-01T00:00:00.000Z", "type": "ChoiceStateEntered", "id": 2, "previousEventId": 0,
         "stateEnteredEventDetails": {"name": "Check", "input": '{"ok":true}', "inputDetails": {"truncated": False}}},
        {"timestamp": "2026-01-01T00:00:00.000Z", "type": "ChoiceStateExited", "id": 3, "previousEventId": 2,
         "stateExitedEventDetails": {"name": "Check", "output": '{"ok":true}', "outputDetails": {"truncated": False}}},
        {"timestamp": "2026-01-01T00:00:00.000Z", "type": "PassStateEntered", "id": 4, "previousEventId": 3,
         "stateEnteredEventDetails": {"name": "Ok", "input": '{"ok":true}', "inputDetails": {"truncated": False}}},
        {"timestamp": "2026-01-01T00:00:00.000Z", "type": "PassStateExited", "id": 5, "previousEventId": 4,
         "stateExitedEventDetails": {"name": "Ok", "output": '{"ok":true}', "outputDetails": {"truncated": False}}},
        {"timestamp": "2026-01-01T00:00:00.000Z", "type": "ExecutionSucceeded", "id": 6, "previousEventId": 5,
         "executionSucceededEventDetails": {"output": '{"ok":true}', "outputDetails": {"truncated": False}}},
    ]
    assert host.types(bad) == ["ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited", "FailStateEntered",
                               "ExecutionFailed"]
    assert host.histories[bad][-1]["executionFailedEventDetails"] == {"error": "ItemFailed", "cause": "bad item"}
    assert [(r["arn"], r["status"]) for r in host.kinds("ended")] == [
        (ok, "SUCCEEDED"), (bad, "FAILED"), (host.child(2), "SUCCEEDED")]
    assert host.kinds("ended")[1]["error"] == "ItemFailed"
    assert host.kinds("map_run_ended") == [{"kind": "map_run_ended", "arn": map_run, "status": "SUCCEEDED"}]
    assert host.state.children == {}  # nothing is kept of children that ended


def test_nested_states_of_a_child_write_to_its_history_and_its_context_is_its_own():
    states = {"Both": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Me", "States": {"Me": {"Type": "Pass", "End": True, "Parameters": {
            "id.$": "$$.Execution.Id", "input.$": "$$.Execution.Input", "redrives.$": "$$.Execution.RedriveCount"}}}},
        {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 5, "End": True}}}]}}
    host = Host(compile_machine(distributed(states, "Both", Label="Rows")))
    host.start([7])
    arn = host.child(0)
    assert arn.startswith("arn:aws:states:us-east-1:123456789012:execution:Jobs/Rows:")
    assert host.types(arn) == ["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted",
                               "PassStateEntered", "WaitStateEntered", "PassStateExited"]
    assert [e["id"] for e in host.histories[arn]] == [1, 2, 3, 4, 5, 6]
    timer_id, due = next(iter(host.timers.items()))
    host.now = due
    host.send(sig.TimerFired(timer_id))
    assert host.state.status == "SUCCEEDED"
    assert host.types(arn)[6:] == ["WaitStateExited", "ParallelStateSucceeded", "ParallelStateExited",
                                   "ExecutionSucceeded"]
    assert host.histories[arn][-1]["previousEventId"] == host.histories[arn][-2]["id"]
    assert host.state.output == [[{"id": arn, "input": 7, "redrives": 0}, 7]]


def test_resuming_after_every_parent_event_writes_the_same_child_histories():
    definition = distributed({"Wait": {"Type": "Wait", "Seconds": 1, "Next": "Work"}, **WORK}, "Wait",
                             MaxConcurrency=2, ToleratedFailurePercentage=50)

    def run(max_events):
        host = Host(compile_machine(definition))
        host.start([1, 2, 3, 4])
        while host.state.status == "RUNNING":
            if host.state.runnable:
                host.send(max_events=max_events)
            elif host.tasks:
                task = host.tasks.pop(0)
                if task.input == 3:
                    host.answer(task, error="Bad")
                else:
                    host.answer(task, {"done": task.input})
            else:
                timer_id, due = min(host.timers.items(), key=lambda item: item[1])
                del host.timers[timer_id]
                host.now = due
                host.send(sig.TimerFired(timer_id), max_events=max_events)
        return host

    straight, stepwise = run(None), run(1)
    assert stepwise.state.status == straight.state.status == "SUCCEEDED"
    assert stepwise.events == straight.events
    assert stepwise.records == straight.records
    assert stepwise.histories == straight.histories
    assert [r["status"] for r in straight.kinds("ended")] == ["SUCCEEDED", "SUCCEEDED", "FAILED", "SUCCEEDED"]


def test_batches_are_children_whose_failures_count_every_item():
    definition = distributed(WORK, "Work", ItemBatcher={"MaxItemsPerBatch": 2}, ToleratedFailureCount=1)
    host = Host(compile_machine(definition))
    host.start([1, 2, 3, 4, 5])
    assert [(r["index"], r["items"]) for r in host.kinds("started")] == [(0, 2), (1, 2), (2, 1)]
    assert host.kinds("map_run_started")[0]["executions"] == 3
    assert host.kinds("map_run_started")[0]["items"] == 5
    host.answer_all(lambda task: (_ for _ in ()).throw(StatesError("Bad", "")) if task.input["Items"] == [3, 4]
                    else task.input)
    # One failed batch of two items is two failed items: more than ToleratedFailureCount 1.
    assert (host.state.status, host.state.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")
    assert [e["type"] for e in host.events][3:6] == ["MapRunStarted", "MapRunFailed", "MapStateFailed"]


def test_a_breach_stops_the_running_children_and_a_redrive_reruns_only_the_unsuccessful_ones():
    definition = distributed(WORK, "Work", ToleratedFailureCount=1, MaxConcurrency=2)
    host = Host(compile_machine(definition))
    host.start([0, 1, 2, 3, 4])
    assert [task.input for task in host.tasks] == [0, 1]
    host.answer(host.tasks.pop(0), "zero")
    host.answer(host.tasks.pop(0), error="Bad")
    assert host.state.status == "RUNNING"  # one failed item is tolerated
    assert [task.input for task in host.tasks] == [2, 3]
    host.answer(host.tasks.pop(0), error="Bad")
    assert (host.state.status, host.state.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")
    assert host.tasks == []  # the running child's task was cancelled with it
    assert [e["type"] for e in host.events][3:] == ["MapRunStarted", "MapRunFailed", "MapStateFailed",
                                                    "ExecutionFailed"]
    ended = {r["arn"]: r["status"] for r in host.kinds("ended")}
    assert ended == {host.child(0): "SUCCEEDED", host.child(1): "FAILED", host.child(2): "FAILED",
                     host.child(3): "ABORTED"}
    assert host.types(host.child(3)) == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled",
                                         "ExecutionAborted"]
    assert host.kinds("map_run_ended")[0]["status"] == "FAILED"
    # The fifth item never started; the map run keeps its ARN through the redrive.
    assert len(host.kinds("started")) == 4
    map_run = host.kinds("map_run_started")[0]["arn"]
    unsuccessful = [host.child(1), host.child(2), host.child(3)]
    lengths = {arn: len(host.histories[arn]) for arn in unsuccessful}
    host.records.clear()
    host.redrive()
    assert [e["type"] for e in host.events][-3:] == ["ExecutionRedriven", "MapStateStarted", "MapRunRedriven"]
    assert host.events[-1]["mapRunRedrivenEventDetails"] == {"mapRunArn": map_run, "redriveCount": 1}
    (redriven_run,) = host.kinds("map_run_redriven")
    assert (redriven_run["arn"], redriven_run["redrive_count"], sorted(redriven_run["pending"])) == (
        map_run, 1, sorted(unsuccessful))
    # The same executions go on (ExecutionRedriven, then their failed state again), MaxConcurrency at a time;
    # the item that never started starts fresh.
    assert [r["arn"] for r in host.kinds("redriven")] == unsuccessful[:2]
    assert [task.input for task in host.tasks] == [1, 2]
    host.answer_all(lambda task: f"again {task.input}")
    assert host.state.status == "SUCCEEDED"
    assert host.state.output == ["zero", "again 1", "again 2", "again 3", "again 4"]
    assert [r["arn"] for r in host.kinds("redriven")] == unsuccessful
    assert all(r["redrive_count"] == 1 for r in host.kinds("redriven"))
    assert [r["index"] for r in host.kinds("started")] == [4]
    for arn in unsuccessful:
        history = host.histories[arn]
        assert [e["type"] for e in history[lengths[arn]:]] == [
            "ExecutionRedriven", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded",
            "TaskStateExited", "ExecutionSucceeded"]
        assert [e["id"] for e in history] == list(range(1, len(history) + 1))
        assert history[lengths[arn]]["executionRedrivenEventDetails"] == {"redriveCount": 1}
        assert history[lengths[arn]]["previousEventId"] == lengths[arn]
    assert host.kinds("map_run_ended")[-1] == {"kind": "map_run_ended", "arn": map_run, "status": "SUCCEEDED"}
    assert host.state.children == {}


def test_express_children_of_a_redriven_map_run_start_again_as_new_executions():
    host = Host(compile_machine(distributed(WORK, "Work", execution_type="EXPRESS")))
    host.start([0])
    host.answer(host.tasks.pop(), error="Bad")
    assert host.state.status == "FAILED"
    old = host.child(0)
    host.redrive()
    assert host.kinds("map_run_redriven")[0]["pending"] == []
    assert host.kinds("redriven") == []
    new = host.kinds("started")[-1]["arn"]
    assert new != old and host.types(new) == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled"]


def test_update_map_run_changes_concurrency_and_tolerance_of_the_running_map_run():
    host = Host(compile_machine(distributed(WORK, "Work", MaxConcurrency=1)))
    host.start([0, 1, 2, 3])
    map_run = host.kinds("map_run_started")[0]["arn"]
    assert len(host.tasks) == 1
    host.send(sig.UpdateMapRun(map_run, max_concurrency=3))
    assert len(host.tasks) == 3  # two more children started at once
    assert host.kinds("map_run_updated") == [{"kind": "map_run_updated", "arn": map_run, "max_concurrency": 3,
                                              "tolerated_count": None, "tolerated_percentage": None}]
    host.send(sig.UpdateMapRun("arn:aws:states:us-east-1:123456789012:mapRun:Jobs/x:y", max_concurrency=10))
    assert len(host.tasks) == 3  # another Map Run's update changes nothing here
    host.send(sig.UpdateMapRun(map_run, tolerated_failure_count=2))
    host.answer(host.tasks.pop(0), error="Bad")
    host.answer(host.tasks.pop(0), error="Bad")
    assert host.state.status == "RUNNING"  # two failures tolerated now
    host.send(sig.UpdateMapRun(map_run, tolerated_failure_percentage=25.0))
    # Two of four items failed: more than 25 %, so the Map Run fails at once and its running children stop.
    assert (host.state.status, host.state.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")
    assert [r["status"] for r in host.kinds("ended")] == ["FAILED", "FAILED", "ABORTED", "ABORTED"]


def test_stopping_the_parent_aborts_children_and_map_run_and_a_redrive_continues_them():
    host = Host(compile_machine(distributed(WORK, "Work", MaxConcurrency=2)))
    host.start([0, 1, 2])
    host.answer(host.tasks.pop(0), "zero")
    host.send(sig.StopExecution("Stop", "enough"))
    assert host.state.status == "ABORTED"
    assert [e["type"] for e in host.events][-1] == "ExecutionAborted"
    ended = {r["arn"]: r["status"] for r in host.kinds("ended")}
    assert [ended[host.child(index)] for index in range(2)] == ["SUCCEEDED", "ABORTED"]
    assert host.child(2) in ended and ended[host.child(2)] == "ABORTED"
    assert host.kinds("map_run_ended")[0]["status"] == "ABORTED"
    assert host.types(host.child(2))[-1] == "ExecutionAborted"
    host.tasks.clear()
    host.redrive()
    assert [e["type"] for e in host.events][-2:] == ["ExecutionRedriven", "MapRunRedriven"]
    assert [r["arn"] for r in host.kinds("redriven")] == [host.child(1), host.child(2)]
    assert host.types(host.child(1))[-3:] == ["ExecutionRedriven", "TaskStateEntered", "TaskScheduled"]
    host.answer_all(lambda task: task.input * 10)
    assert (host.state.status, host.state.output) == ("SUCCEEDED", ["zero", 10, 20])


def test_a_map_run_stopped_by_a_failing_parallel_sibling_is_aborted():
    machine = compile_machine({"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
        distributed(WORK, "Work"),
        {"StartAt": "Boom", "States": {"Boom": {"Type": "Task", "Resource": TASK, "End": True}}}]}}})
    host = Host(machine)
    host.start([1])
    boom = next(task for task in host.tasks if task.state_name == "Boom")
    host.answer(boom, error="Fatal")
    assert host.state.status == "FAILED"
    types = [e["type"] for e in host.events]
    assert types.index("MapRunAborted") + 1 == types.index("MapStateAborted")
    assert [r["status"] for r in host.kinds("ended")] == ["ABORTED"]
    assert host.kinds("map_run_ended")[0]["status"] == "ABORTED"


def test_hosts_that_show_no_children_run_as_before():
    result = LocalRunner(compile_machine(distributed(CHECK, "Check", ToleratedFailureCount=1))).run(
        [{"ok": True}, {"ok": False}])
    assert result.status == "SUCCEEDED"
    assert "ExecutionStarted" not in [event["type"] for event in result.events[1:]]


def test_a_run_state_from_before_child_histories_still_runs():
    host = Host(compile_machine(distributed(WORK, "Work")))
    host.start([0])
    data = host.state.to_json()
    data.pop("children")  # as stored before children had histories
    host.state = RunState.from_json(data)
    host.answer(host.tasks.pop(), "done")
    assert host.state.status == "SUCCEEDED"


def test_stopping_one_child_aborts_it_and_counts_a_failed_item():
    host = Host(compile_machine(distributed(WORK, "Work", ToleratedFailureCount=1)))
    host.start([0, 1, 2])
    second = host.child(1)
    host.send(sig.StopChild(second, "Halt", "by hand"))
    assert host.state.status == "RUNNING"  # one failed item is tolerated
    assert host.histories[second][-1] == {
        "timestamp": "2026-01-01T00:00:00.000Z", "type": "ExecutionAborted", "id": 4, "previousEventId": 3,
        "executionAbortedEventDetails": {"error": "Halt", "cause": "by hand"}}
    assert host.kinds("ended") == [{"kind": "ended", "arn": second, "status": "ABORTED", "error": "Halt",
                                    "cause": "by hand"}]
    assert [task.input for task in host.tasks] == [0, 2]  # its task was cancelled
    host.send(sig.StopChild(second))  # stopping it again changes nothing
    host.answer_all(lambda task: task.input)
    assert (host.state.status, host.state.output) == ("SUCCEEDED", [0, {"Error": "Halt", "Cause": "by hand"}, 2])


def test_a_redriven_map_run_keeps_the_limits_update_map_run_gave_it():
    host = Host(compile_machine(distributed(WORK, "Work", MaxConcurrency=1)))
    host.start([0, 1, 2, 3])
    map_run = host.kinds("map_run_started")[0]["arn"]
    host.send(sig.UpdateMapRun(map_run, max_concurrency=2))
    host.answer(host.tasks.pop(0), error="Bad")
    assert host.state.status == "FAILED"
    host.tasks.clear()
    host.redrive()
    assert len(host.tasks) == 2  # MaxConcurrency 2, as updated, not 1 as defined
