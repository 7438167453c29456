"""Express workflows: StartSyncExecution, no history API, request-response integrations only; and the
limits both types share (payload size, history length, execution names)."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from designer import errors
from designer.models import StateMachineVersion
from designer.services import update_state_machine
from executions import express, resources, services
from executions.models import Execution, ExecutionEvent
from tests.executions.aws_helpers import sfn  # noqa: F401  (fixture)
from tests.executions.runtime import drain, make_machine

pytestmark = pytest.mark.django_db(transaction=True)

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"
CALLS = []


@resources.function("express-double")
def double(event):
    return {"n": event["n"] * 2}


@resources.function("express-flaky")
def flaky(event):
    CALLS.append(event)
    if len(CALLS) < 2:
        raise ConnectionError("try again")
    return "ok"


class FakeClock(express.Clock):
    """Time moves only when the execution waits."""

    def __init__(self):
        self.moment = timezone.now()
        self.slept = []

    def now(self):
        return self.moment

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.moment += timedelta(seconds=seconds)


def express_machine(definition, name="Fast"):
    return make_machine(definition, name=name, type="EXPRESS")


DOUBLE = {"StartAt": "Double", "States": {"Double": {"Type": "Task", "Resource": LAMBDA + "express-double",
                                                     "End": True}}}


def test_start_sync_execution_runs_to_the_end_within_the_call_and_stores_nothing():
    result = express.start_sync_execution(express_machine(DOUBLE), input='{"n": 21}', name="sync-1")
    assert (result.status, json.loads(result.output)) == ("SUCCEEDED", {"n": 42})
    assert result.execution_arn.startswith("arn:aws:states:us-east-1:123456789012:express:Fast:sync-1:")
    answer = result.to_aws()
    assert answer["billingDetails"]["billedMemoryUsedInMB"] == 64
    assert answer["billingDetails"]["billedDurationInMilliseconds"] % 100 == 0
    assert answer["billingDetails"]["billedDurationInMilliseconds"] >= 100
    assert answer["input"] == '{"n": 21}' and answer["inputDetails"] == {"included": True}
    assert answer["outputDetails"] == {"included": True} and "error" not in answer
    assert answer["stopDate"] >= answer["startDate"]
    assert [event["type"] for event in result.events][-1] == "ExecutionSucceeded"
    assert not Execution.objects.exists()


def test_a_failed_sync_execution_is_an_answer_not_an_error():
    machine = express_machine({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Bad", "Cause": "why"}}})
    answer = express.start_sync_execution(machine).to_aws()
    assert (answer["status"], answer["error"], answer["cause"]) == ("FAILED", "Bad", "why")
    assert "output" not in answer and "outputDetails" not in answer


def test_waits_and_retry_backoffs_really_wait():
    CALLS.clear()
    machine = express_machine({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 2, "Next": "Call"},
        "Call": {"Type": "Task", "Resource": LAMBDA + "express-flaky",
                 "Retry": [{"ErrorEquals": ["ConnectionError"], "IntervalSeconds": 3}], "End": True}}})
    clock = FakeClock()
    result = express.start_sync_execution(machine, clock=clock)
    assert (result.status, result.output) == ("SUCCEEDED", '"ok"')
    assert clock.slept == [2.0, 3.0]
    assert result.billed_duration_ms == 5000


def test_an_express_execution_times_out_after_five_minutes():
    machine = express_machine({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}})
    clock = FakeClock()
    result = express.start_sync_execution(machine, clock=clock)
    assert (result.status, result.error) == ("TIMED_OUT", "States.Timeout")
    assert sum(clock.slept) == 300


def test_sync_execution_is_only_for_express_machines():
    standard = make_machine(DOUBLE, name="Slow")
    with pytest.raises(errors.StateMachineTypeNotSupported):
        express.start_sync_execution(standard, input='{"n": 1}')


@pytest.mark.parametrize("kwargs, error", [
    ({"input": "{bad"}, errors.InvalidExecutionInput),
    ({"input": '"' + "x" * 262_144 + '"'}, errors.InvalidExecutionInput),
    ({"name": "has space"}, errors.InvalidName),
    ({"name": "x" * 81}, errors.InvalidName),
])
def test_sync_execution_checks_its_input_and_name(kwargs, error):
    with pytest.raises(error):
        express.start_sync_execution(express_machine(DOUBLE), **kwargs)


def test_sync_execution_under_a_test_case_uses_the_mocks(tmp_path, settings):
    path = tmp_path / "mocks.json"
    path.write_text(json.dumps({"StateMachines": {"Fast": {"TestCases": {"Mocked": {"Double": "Seven"}}}},
                                "MockedResponses": {"Seven": {"0": {"Return": 7}}}}))
    settings.FLOWDECK_MOCK_CONFIG = str(path)
    result = express.start_sync_execution(express_machine(DOUBLE), input='{"n": 1}', test_case="Mocked")
    assert result.output == "7"
    with pytest.raises(errors.ValidationException):
        express.start_sync_execution(express_machine(DOUBLE, name="Other"), test_case="Mocked")


def test_sync_execution_can_start_a_standard_child_request_response():
    make_machine(DOUBLE, name="Child")
    machine = express_machine({"StartAt": "Start", "States": {"Start": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
        "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Child",
                       "Input": {"n": 4}}, "End": True}}})
    result = express.start_sync_execution(machine)
    child = Execution.objects.get(arn=json.loads(result.output)["ExecutionArn"])
    drain()
    child.refresh_from_db()
    assert (child.status, child.output, child.parent_id) == ("SUCCEEDED", '{"n":8}', None)


# --- Express machines accept only request-response integrations ------------------------------------------


@pytest.mark.parametrize("resource, message", [
    ("arn:aws:states:::states:startExecution.sync", "does not support '.sync' service integration"),
    ("arn:aws:states:::states:startExecution.sync:2", "does not support '.sync' service integration"),
    ("arn:aws:states:::lambda:invoke.waitForTaskToken", "does not support '.waitForTaskToken' service integration"),
    ("arn:aws:states:us-east-1:123456789012:activity:work", "does not support Activity ARN"),
])
def test_express_machines_refuse_job_callback_and_activity_integrations(resource, message):
    task = {"Type": "Task", "Resource": resource, "End": True}
    if resource.endswith(".waitForTaskToken"):
        task["Parameters"] = {"FunctionName": "f", "Payload": {"token.$": "$$.Task.Token"}}
    nested_in_map = {"StartAt": "M", "States": {"M": {"Type": "Map", "End": True, "ItemProcessor": {
        "StartAt": "Deep", "States": {"Deep": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "T", "States": {"T": task}}]}}}}}}
    with pytest.raises(errors.InvalidDefinition, match="SCHEMA_VALIDATION_FAILED: Express state machine " + message):
        express_machine({"StartAt": "T", "States": {"T": task}})
    with pytest.raises(errors.InvalidDefinition, match=r"at /States/M/ItemProcessor/States/Deep/Branches\[0\]"):
        express_machine(nested_in_map, name="Deep")
    make_machine({"StartAt": "T", "States": {"T": task}}, name="StandardIsFine")
    machine = express_machine(DOUBLE, name="Updated")
    with pytest.raises(errors.InvalidDefinition, match=message):
        update_state_machine(machine, definition=json.dumps({"StartAt": "T", "States": {"T": task}}))


def test_express_machines_accept_request_response_integrations():
    express_machine({"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "express-double"}, "Next": "B"},
        "B": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
              "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:X"}, "End": True}}})


# --- asynchronous Express executions: run on the workers, no history API -----------------------------------


def test_an_async_express_execution_runs_on_the_workers_without_stored_history():
    machine = express_machine(DOUBLE)
    first = services.start_execution(machine, input='{"n": 2}', name="same")
    second = services.start_execution(machine, input='{"n": 3}', name="same")  # names may repeat
    assert first.arn != second.arn and ":express:Fast:same:" in first.arn
    drain()
    first.refresh_from_db()
    assert (first.status, first.output) == ("SUCCEEDED", '{"n":4}')
    assert first.event_count > 0 and not ExecutionEvent.objects.exists()


def test_the_history_api_refuses_express_executions():
    machine = express_machine({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}})
    execution = services.start_execution(machine, input="{}")
    with pytest.raises(errors.InvalidArn, match="Resource type not valid in this context: express"):
        services.find_execution(execution.arn)
    with pytest.raises(errors.InvalidArn, match="express"):
        services.stop_execution(execution)
    with pytest.raises(errors.StateMachineTypeNotSupported):
        services.list_executions(machine.arn)
    with pytest.raises(errors.StateMachineTypeNotSupported):
        express.refuse_express_machine(machine)


# --- limits -------------------------------------------------------------------------------------------------

COUNTER = {"StartAt": "Count", "States": {
    "Count": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "More?"},
    "More?": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": 6500, "Next": "Count"}],
              "Default": "Done"},
    "Done": {"Type": "Succeed"}}}


def test_a_standard_execution_fails_at_25000_history_events_and_express_has_no_cap():
    standard = services.start_execution(make_machine(COUNTER, name="Long"), input='{"i": 0}')
    standard.refresh_from_db()
    assert (standard.status, standard.error) == ("FAILED", "States.Runtime")
    assert "maximum number of history events (25000)" in standard.cause
    assert standard.event_count == standard.events.count() <= 25_000
    result = express.start_sync_execution(express_machine(COUNTER, name="LongExpress"), input='{"i": 0}')
    assert result.status == "SUCCEEDED" and len(result.events) > 26_000


def test_payload_limit_counts_utf8_bytes():
    machine = make_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    fits = json.dumps("é" * 131_000, ensure_ascii=False)  # 262,002 bytes of UTF-8
    assert services.start_execution(machine, input=fits, name="fits").status == "SUCCEEDED"
    with pytest.raises(errors.InvalidExecutionInput, match="262144"):
        services.start_execution(machine, input=json.dumps("é" * 131_100, ensure_ascii=False), name="too-big")


def test_a_result_over_the_payload_limit_fails_the_task_with_data_limit_exceeded():
    resources.function("express-huge")(lambda event: "x" * 262_144)
    machine = make_machine({"StartAt": "Big", "States": {"Big": {
        "Type": "Task", "Resource": LAMBDA + "express-huge", "End": True}}}, name="Huge")
    execution = services.start_execution(machine, input="{}")
    drain()
    execution.refresh_from_db()
    assert (execution.status, execution.error) == ("FAILED", "States.DataLimitExceeded")


@pytest.mark.parametrize("name", ["ok-name_1", "x" * 80, "ünïcödé", "with.dot"])
def test_valid_execution_names(name):
    machine = make_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    assert services.start_execution(machine, input="{}", name=name).name == name


@pytest.mark.parametrize("name", ["a b", "x" * 81, "tab\tname", "q?", "star*", "hash#", "pct%", "ctl\x7f",
                                  "c1\x85", "colon:", "slash/", "back\\slash", "<angle>", "[sq]", "{curly}",
                                  'quote"', "caret^", "pipe|", "tilde~", "tick`", "dollar$", "amp&", "comma,",
                                  "semi;"])
def test_invalid_execution_names_are_refused(name):
    machine = make_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    with pytest.raises(errors.InvalidName):
        services.start_execution(machine, input="{}", name=name)


def test_standard_names_are_unique_but_a_running_duplicate_start_is_idempotent():
    machine = make_machine({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}})
    first = services.start_execution(machine, input='{"a": 1}', name="once")
    assert services.start_execution(machine, input='{"a": 1}', name="once").pk == first.pk
    with pytest.raises(errors.ExecutionAlreadyExists):
        services.start_execution(machine, input='{"a": 2}', name="once")
    services.stop_execution(first)
    with pytest.raises(errors.ExecutionAlreadyExists):  # closed: the name stays taken
        services.start_execution(machine, input='{"a": 1}', name="once")


def test_start_sync_execution_at_takes_version_arns_and_test_cases(tmp_path, settings):
    machine = express_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "v1", "End": True}}})
    StateMachineVersion.objects.create(state_machine=machine, number=1, revision=machine.revision)
    update_state_machine(machine, definition=json.dumps(DOUBLE))
    assert express.start_sync_execution_at(machine.arn + ":1").output == '"v1"'
    path = tmp_path / "mocks.json"
    path.write_text(json.dumps({"StateMachines": {"Fast": {"TestCases": {"Mocked": {"Double": "Seven"}}}},
                                "MockedResponses": {"Seven": {"0": {"Return": 7}}}}))
    settings.FLOWDECK_MOCK_CONFIG = str(path)
    assert express.start_sync_execution_at(machine.arn + "#Mocked", input='{"n": 1}').output == "7"
    with pytest.raises(errors.StateMachineDoesNotExist):
        express.start_sync_execution_at(machine.arn + "Nope")


def test_boto3_cannot_describe_an_express_execution(sfn):
    machine = express_machine({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}})
    arn = sfn.start_execution(stateMachineArn=machine.arn)["executionArn"]
    assert ":express:" in arn
    for call in (sfn.describe_execution, sfn.get_execution_history, sfn.stop_execution):
        with pytest.raises(sfn.exceptions.InvalidArn, match="Resource type not valid in this context: express"):
            call(executionArn=arn)
    with pytest.raises(sfn.exceptions.StateMachineTypeNotSupported):
        sfn.list_executions(stateMachineArn=machine.arn)
