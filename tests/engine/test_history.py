"""History details AWS records that the case files do not check: previousEventId, the 25,000-event cap,
<Type>StateFailed only when final, and the order of several outcomes delivered at once."""
from datetime import datetime, timezone

from designer.asl.compile import compile_machine
from executions.engine import signals as sig
from executions.engine.interpreter import advance, start
from executions.engine.mocks import MockConfig
from executions.engine.runner import LocalRunner

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def run(definition, input=None, mocks=None, **options):
    machine = compile_machine(definition)
    return LocalRunner(machine, MockConfig.for_states(mocks or {}), start_time=START, **options).run(
        input if input is not None else {})


def chain(result):
    return [(e["id"], e["previousEventId"], e["type"]) for e in result.events]


def test_previous_event_ids_of_a_sequential_map_follow_aws():
    # AWS-recorded (localstack snapshot test_map_state): MapIteration* and MapStateSucceeded are not
    # sources; the first state's Entered event points to 0.
    result = run({"StartAt": "M", "States": {"M": {
        "Type": "Map", "MaxConcurrency": 1, "End": True,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}}, [1, 2])
    assert chain(result) == [
        (1, 0, "ExecutionStarted"),
        (2, 0, "MapStateEntered"),
        (3, 2, "MapStateStarted"),
        (4, 3, "MapIterationStarted"),
        (5, 4, "PassStateEntered"),
        (6, 5, "PassStateExited"),
        (7, 6, "MapIterationSucceeded"),
        (8, 6, "MapIterationStarted"),
        (9, 8, "PassStateEntered"),
        (10, 9, "PassStateExited"),
        (11, 10, "MapIterationSucceeded"),
        (12, 10, "MapStateSucceeded"),
        (13, 10, "MapStateExited"),
        (14, 13, "ExecutionSucceeded"),
    ]


def test_parallel_exit_points_at_the_last_branch_event():
    result = run({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
        {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}]}}})
    events = {e["type"]: e for e in result.events}
    last_branch_event = max(e["id"] for e in result.events if e["type"] == "PassStateExited")
    assert events["ParallelStateSucceeded"]["previousEventId"] == last_branch_event
    assert events["ParallelStateExited"]["previousEventId"] == last_branch_event


LOOP = {"StartAt": "Loop", "States": {
    "Loop": {"Type": "Pass", "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}],
              "Default": "Loop"},
    "Done": {"Type": "Succeed"}}}


def test_a_runaway_loop_stops_at_the_history_cap_with_states_runtime():
    result = run(LOOP, max_history_events=1_000)
    assert result.status == "FAILED"
    assert result.error == "States.Runtime"
    assert "maximum number of history events (1000)" in result.cause
    assert len(result.events) <= 1_000
    assert result.events[-1]["type"] == "ExecutionFailed"


def test_the_default_cap_is_aws_25000():
    result = run(LOOP)
    assert result.error == "States.Runtime"
    assert 24_990 <= len(result.events) <= 25_000


def test_map_state_failed_is_written_once_when_the_failure_is_final():
    # AWS-recorded (localstack test_map_state_retry): no MapStateFailed between attempts.
    result = run({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True, "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
        "ItemProcessor": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "HE"}}}}}}, [1])
    types = [e["type"] for e in result.events]
    assert types.count("MapStateStarted") == 3
    assert types.count("MapStateFailed") == 1
    assert types[-2:] == ["MapStateFailed", "ExecutionFailed"]


def test_the_first_failure_delivered_in_one_advance_is_the_one_that_fails_the_map():
    machine = compile_machine({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True,
        "ItemProcessor": {"StartAt": "T", "States": {"T": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}}}}}})
    step = start(machine, [1, 2], now=START, name="e", state_machine_name="sm")
    first, second = [c.task_id for c in step.commands if isinstance(c, sig.InvokeTask)]
    step = advance(machine, step.state, [sig.TaskFailed(first, "ErrA", "a"), sig.TaskFailed(second, "ErrB", "b")],
                   now=START)
    assert (step.state.status, step.state.error) == ("FAILED", "ErrA")
    failed = [e for e in step.events if e["type"] == "MapIterationFailed"]
    assert [e["mapIterationFailedEventDetails"]["index"] for e in failed] == [0]


def test_execution_timed_out_has_no_cause_and_points_to_zero():
    result = run({"StartAt": "W", "TimeoutSeconds": 5, "States": {"W": {"Type": "Wait", "Seconds": 10, "End": True}}})
    last = result.events[-1]
    assert (result.status, last["type"], last["previousEventId"]) == ("TIMED_OUT", "ExecutionTimedOut", 0)
    assert last["executionTimedOutEventDetails"] == {"error": "States.Timeout"}


def test_item_selector_runs_per_iteration_and_its_failure_fails_that_iteration():
    # localstack's Map evaluates ItemSelector after MapIterationStarted; a failure there is the iteration's.
    result = run({"StartAt": "M", "States": {"M": {
        "Type": "Map", "MaxConcurrency": 1, "End": True,
        "ItemSelector": {"v.$": "$$.Map.Item.Value.x"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}},
        [{"x": 1}, {"y": 2}])
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert [e["type"] for e in result.events][3:] == [
        "MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
        "MapIterationStarted", "MapIterationFailed", "MapStateFailed", "ExecutionFailed"]


def test_item_selector_failure_is_caught_by_the_map_catcher():
    result = run({"StartAt": "M", "States": {
        "M": {"Type": "Map", "Next": "Done", "ItemSelector": {"v.$": "States.StringToJson($$.Map.Item.Value)"},
              "Catch": [{"ErrorEquals": ["States.IntrinsicFailure"], "ResultPath": "$.error", "Next": "Done"}],
              "ItemsPath": "$.items",
              "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}},
        "Done": {"Type": "Succeed"}}}, {"items": ["{\"a\":1}", "not json"]})
    assert result.status == "SUCCEEDED"
    assert result.output["error"]["Error"] == "States.IntrinsicFailure"


def test_a_host_given_maximum_duration_times_the_execution_out():
    from executions.engine.interpreter import MAX_DURATION_SECONDS

    machine = compile_machine({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999999, "End": True}}})
    step = start(machine, {}, now=START, name="e", state_machine_name="sm", max_duration_seconds=MAX_DURATION_SECONDS)
    timer = next(c for c in step.commands if isinstance(c, sig.StartTimer) and c.timer_id == "execution-timeout")
    assert timer.due == datetime(2027, 1, 1, tzinfo=timezone.utc)
    step = advance(machine, step.state, [sig.TimerFired("execution-timeout")], now=timer.due)
    assert (step.state.status, step.state.error) == ("TIMED_OUT", "States.Timeout")


def test_concurrent_iterations_start_together_and_point_at_map_state_started():
    # AWS-recorded (localstack test_service_lambda_map_timeout): MapIterationStarted x4 (prev 3) first.
    result = run({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}}, [1, 2, 3, 4])
    events = chain(result)
    assert events[3:7] == [(4, 3, "MapIterationStarted"), (5, 3, "MapIterationStarted"),
                           (6, 3, "MapIterationStarted"), (7, 3, "MapIterationStarted")]
    assert events[7] == (8, 4, "PassStateEntered")  # iteration 0's first state points at its own start
    assert result.output == [1, 2, 3, 4]


def test_max_concurrency_bounds_each_round_of_starts():
    result = run({"StartAt": "M", "States": {"M": {
        "Type": "Map", "MaxConcurrency": 2, "End": True,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}}, [1, 2, 3])
    types = [e["type"] for e in result.events]
    assert types[3:6] == ["MapIterationStarted", "MapIterationStarted", "PassStateEntered"]
    assert result.output == [1, 2, 3]


def test_parallel_branches_start_together_so_a_fast_failure_still_shows_every_branch():
    result = run({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 10, "End": True}}},
        {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "E"}}},
        {"StartAt": "Nap2", "States": {"Nap2": {"Type": "Wait", "Seconds": 10, "End": True}}}]}}})
    assert [e["type"] for e in result.events] == [
        "ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted",
        "WaitStateEntered", "FailStateEntered", "WaitStateEntered",
        "WaitStateAborted", "WaitStateAborted", "ParallelStateFailed", "ExecutionFailed"]
    started = result.events[2]["id"]
    assert [e["previousEventId"] for e in result.events[3:6]] == [started] * 3


def test_evaluation_failed_names_the_field_in_location():
    result = run({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Pass", "Output": {"total": "{% $states.input.missing %}"}, "End": True}}})
    failed = next(e for e in result.events if e["type"] == "EvaluationFailed")
    details = failed["evaluationFailedEventDetails"]
    assert (details["error"], details["state"], details["location"]) == (
        "States.QueryEvaluationError", "P", "Output/total")
