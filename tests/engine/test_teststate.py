"""TestState: one state in isolation, its data-flow stages, and what it would do next."""
import json

import pytest

from designer.asl.errors import StatesError
from executions.engine.teststate import CannotTestState, test_state as run_test_state

TASK = {
    "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    "InputPath": "$.order",
    "Parameters": {"FunctionName": "price", "Payload.$": "$"},
    "ResultSelector": {"total.$": "$.Payload.total"},
    "ResultPath": "$.priced",
    "OutputPath": "$.priced",
    "Next": "Ship",
    "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 2, "MaxAttempts": 2}],
    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handle"}],
}
INPUT = {"order": {"id": 7, "lines": 3}}


def mock_result(value):
    return {"result": json.dumps(value)}


def test_debug_shows_every_stage_of_a_task_and_the_next_state():
    result = run_test_state(TASK, input=INPUT, mock=mock_result({"Payload": {"total": 42}, "StatusCode": 200}))
    assert (result.status, result.output, result.next_state) == ("SUCCEEDED", {"total": 42}, "Ship")
    inspection = result.to_aws("DEBUG")["inspectionData"]
    assert json.loads(inspection["afterInputPath"]) == {"id": 7, "lines": 3}
    assert json.loads(inspection["afterParameters"]) == {"FunctionName": "price", "Payload": {"id": 7, "lines": 3}}
    assert json.loads(inspection["afterResultSelector"]) == {"total": 42}
    # ResultPath merges into the raw input (not the InputPath selection); OutputPath then picks $.priced.
    assert json.loads(inspection["afterResultPath"]) == {"order": {"id": 7, "lines": 3}, "priced": {"total": 42}}


def test_info_level_has_no_inspection_data():
    response = run_test_state(TASK, input=INPUT, mock=mock_result({"Payload": {"total": 1}})).to_aws("INFO")
    assert response == {"status": "SUCCEEDED", "output": '{"total":1}', "nextState": "Ship"}


def test_a_retriable_error_reports_the_retrier_and_its_backoff():
    mock = {"errorOutput": {"error": "Lambda.TooManyRequestsException", "cause": "slow down"}}
    first = run_test_state(TASK, input=INPUT, mock=mock)
    assert first.status == "RETRIABLE"
    assert first.to_aws("INFO")["inspectionData"]["errorDetails"] == {"retryIndex": 0,
                                                                      "retryBackoffIntervalSeconds": 2}
    second = run_test_state(TASK, input=INPUT, mock=mock, retrier_retry_count=1)
    assert second.inspection["errorDetails"]["retryBackoffIntervalSeconds"] == 4
    exhausted = run_test_state(TASK, input=INPUT, mock=mock, retrier_retry_count=2)
    assert (exhausted.status, exhausted.next_state) == ("CAUGHT_ERROR", "Handle")
    assert exhausted.output["error"] == {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}
    assert exhausted.inspection["errorDetails"] == {"catchIndex": 0}


def test_an_uncaught_error_fails():
    state = dict(TASK, Catch=[{"ErrorEquals": ["Other"], "Next": "Handle"}])
    result = run_test_state(state, input=INPUT, mock={"errorOutput": {"error": "Boom", "cause": "c"}})
    assert (result.status, result.error, result.cause, result.next_state) == ("FAILED", "Boom", "c", None)


def test_a_runtime_error_in_the_data_flow_fails_even_with_catch_all():
    result = run_test_state(dict(TASK, InputPath="$.missing"), input=INPUT, mock=mock_result({}))
    assert (result.status, result.error) == ("FAILED", "States.Runtime")


def test_a_state_picked_by_name_from_a_whole_machine_with_a_real_resolver():
    machine = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"},
                                          "B": {"Type": "Task", "Resource": "flowdeck:double", "End": True}}}
    result = run_test_state(machine, state_name="B", input={"n": 4},
                            resolver=lambda command: {"n": command.input["n"] * 2})
    assert (result.status, result.output, result.next_state) == ("SUCCEEDED", {"n": 8}, None)


@pytest.mark.parametrize("state, expected_next, expected_output", [
    ({"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Big"}], "Default": "Small"},
     "Big", {"n": 2}),
    ({"Type": "Pass", "Result": "x", "ResultPath": "$.r", "Next": "After"}, "After", {"n": 2, "r": "x"}),
    ({"Type": "Wait", "Seconds": 3600, "OutputPath": "$.n", "Next": "After"}, "After", 2),
    ({"Type": "Succeed", "OutputPath": "$.n"}, None, 2),
])
def test_flow_states(state, expected_next, expected_output):
    result = run_test_state(state, input={"n": 2})
    assert (result.status, result.next_state, result.output) == ("SUCCEEDED", expected_next, expected_output)


def test_a_fail_state_fails_with_its_error():
    result = run_test_state({"Type": "Fail", "Error": "Nope", "Cause": "because"})
    assert (result.status, result.error, result.cause) == ("FAILED", "Nope", "because")


def test_jsonata_state_with_variables_and_assign():
    state = {"QueryLanguage": "JSONata", "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Arguments": {"Payload": "{% $states.input.n + $bonus %}"},
             "Assign": {"last": "{% $states.result.Payload %}"},
             "Output": {"value": "{% $states.result.Payload * 10 %}"}, "End": True}
    result = run_test_state(state, input={"n": 1}, variables={"bonus": 2}, mock=mock_result({"Payload": 3}))
    assert (result.status, result.output) == ("SUCCEEDED", {"value": 30})
    assert result.inspection["afterArguments"] == {"Payload": 3}
    assert result.inspection["variables"] == {"bonus": 2, "last": 3}


def test_requests_that_cannot_be_tested():
    with pytest.raises(CannotTestState, match="requires a mock"):
        run_test_state({"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass",
                                                                                         "End": True}}},
                        "End": True})
    with pytest.raises(CannotTestState, match="requires a mock"):
        run_test_state({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True})
    with pytest.raises(CannotTestState, match="not in the definition"):
        run_test_state({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}, state_name="Z")
    with pytest.raises(CannotTestState):
        run_test_state({"Type": "Pass", "Next": "X", "ResultPath": "not a path"})


def test_a_map_with_a_mocked_result_applies_its_result_processing():
    state = {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
             "ResultSelector": {"count.$": "States.ArrayLength($)"}, "ResultPath": "$.summary", "End": True}
    result = run_test_state(state, input={"items": [1, 2]}, mock=mock_result([1, 2, 3]))
    assert result.output == {"items": [1, 2], "summary": {"count": 3}}


def test_a_resolver_error_is_handled_like_a_mocked_one():
    def resolver(command):
        raise StatesError("Lambda.TooManyRequestsException", "busy")

    result = run_test_state(TASK, input=INPUT, resolver=resolver)
    assert result.status == "RETRIABLE"
