"""Odd data never crashes the host: it becomes an ASL error with a clear cause."""
import math
from datetime import datetime, timezone

from designer.asl.compile import compile_machine
from executions.engine.mocks import MockConfig
from executions.engine.resolvers import ResourceRegistry
from executions.engine.runner import LocalRunner

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
TASK = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "flowdeck:fn", "End": True}}}


def run(definition, input, resolver=None):
    return LocalRunner(compile_machine(definition), resolver or MockConfig.for_states({}), start_time=START).run(input)


def registry_returning(value):
    registry = ResourceRegistry()
    registry.register_function("flowdeck:fn", lambda payload: value)
    return registry


def test_a_task_result_that_is_not_json_fails_with_states_runtime():
    result = run(TASK, {}, registry_returning({"when": datetime(2026, 1, 1)}))
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert "not valid JSON" in result.cause


def test_nan_from_a_task_is_refused_so_history_stays_json():
    result = run(TASK, {}, registry_returning(math.nan))
    assert (result.status, result.error) == ("FAILED", "States.Runtime")


def test_an_execution_input_with_infinity_fails_cleanly():
    result = run({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, {"n": math.inf})
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert result.events[0]["type"] == "ExecutionStarted"


def test_a_lone_surrogate_in_the_input_passes_through():
    result = run({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, {"u": "\ud800"})
    assert (result.status, result.output) == ("SUCCEEDED", {"u": "\ud800"})


def test_a_timestamp_out_of_range_after_utc_conversion_is_a_runtime_error():
    result = run({"StartAt": "W", "States": {"W": {"Type": "Wait", "TimestampPath": "$.t", "End": True}}},
                 {"t": "0001-01-01T00:00:00+01:00"})
    assert (result.status, result.error) == ("FAILED", "States.Runtime")


def test_huge_but_valid_backoff_is_capped_instead_of_overflowing():
    definition = {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
        "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 99999999, "BackoffRate": 99999999, "MaxAttempts": 30}]}}}
    mocks = {"T": {"0-30": {"Throw": {"Error": "E", "Cause": "again"}}}}
    result = run(definition, {}, MockConfig.for_states(mocks))
    assert (result.status, result.error) == ("FAILED", "E")
    scheduled = [e["timestamp"] for e in result.events if e["type"] == "TaskScheduled"]
    assert len(scheduled) == 31
    # IntervalSeconds alone is over the cap, so every wait is the cap: 31,622,400 s (366 days).
    assert scheduled[1:3] == ["2027-01-02T00:00:00.000Z", "2028-01-03T00:00:00.000Z"]


def test_jsonata_choice_does_not_evaluate_the_state_output_when_the_rule_has_its_own():
    definition = {"QueryLanguage": "JSONata", "StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "X", "Output": "rule"}],
              "Default": "X", "Output": "{% $states.input.nope.x %}"},
        "X": {"Type": "Succeed"}}}
    result = run(definition, {})
    assert (result.status, result.output) == ("SUCCEEDED", "rule")
