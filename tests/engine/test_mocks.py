"""Mocked Task results in Step Functions Local's MockConfigFile format (executions.engine.mocks)."""
import copy
import json

import pytest

from designer.asl import errors
from designer.asl.errors import StatesError
from executions.engine import signals as sig
from executions.engine.mocks import MockConfig, MockConfigError
from executions.engine.runner import LocalRunner, UnresolvedResource

# The example of the Step Functions Local guide (sfn-local-mock-cfg-file / sfn-local-test-sm-exec).
AWS_MOCK_CONFIG = {
    "StateMachines": {
        "LambdaSQSIntegration": {
            "TestCases": {
                "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
                "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
                "HybridPath": {"LambdaState": "MockedLambdaSuccess"},
            }
        }
    },
    "MockedResponses": {
        "MockedLambdaSuccess": {
            "0": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}
        },
        "LambdaMockedResourceNotReady": {
            "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}}
        },
        "MockedSQSSuccess": {
            "0": {"Return": {"MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51",
                             "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"}}
        },
        "MockedLambdaRetry": {
            "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}},
            "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
            "3": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}},
        },
    },
}

AWS_DEFINITION = {
    "Comment": "This state machine is called: LambdaSQSIntegration",
    "StartAt": "LambdaState",
    "States": {
        "LambdaState": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"Payload.$": "$", "FunctionName": "HelloWorldFunction"},
            "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2}],
            "Next": "SQSState",
        },
        "SQSState": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/myQueue",
                           "MessageBody.$": "$"},
            "End": True,
        },
    },
}

SQS_RESULT = AWS_MOCK_CONFIG["MockedResponses"]["MockedSQSSuccess"]["0"]["Return"]
LAMBDA_RESULT = AWS_MOCK_CONFIG["MockedResponses"]["MockedLambdaSuccess"]["0"]["Return"]


def invoke(state: str, resource: str = "arn:aws:states:::lambda:invoke") -> sig.InvokeTask:
    return sig.InvokeTask(task_id="t", resource=resource, input={}, state_name=state, attempt=0,
                          execution_id="arn:aws:states:us-east-1:123456789012:execution:m:e")


def outcome(resolver, state: str):
    """What the resolver answers: ("return", value) or ("throw", error, cause)."""
    try:
        return ("return", resolver(invoke(state)))
    except StatesError as exc:
        return ("throw", exc.error, exc.cause)


def aws_config() -> MockConfig:
    return MockConfig.from_dict(AWS_MOCK_CONFIG)


# --- resolving invocations ------------------------------------------------------------------------


def test_retry_path_answers_each_invocation_from_its_range():
    resolver = aws_config().resolver("LambdaSQSIntegration", "RetryPath")
    answers = [outcome(resolver, "LambdaState") for _ in range(4)]
    assert answers == [
        ("throw", "Lambda.ResourceNotReadyException", "Lambda resource is not ready."),
        ("throw", "Lambda.TimeoutException", "Lambda timed out."),
        ("throw", "Lambda.TimeoutException", "Lambda timed out."),
        ("return", LAMBDA_RESULT),
    ]


def test_past_the_last_mocked_invocation_the_task_fails_with_states_runtime():
    resolver = aws_config().resolver("LambdaSQSIntegration", "HappyPath")
    assert outcome(resolver, "LambdaState") == ("return", LAMBDA_RESULT)
    kind, error, cause = outcome(resolver, "LambdaState")
    assert (kind, error) == ("throw", errors.RUNTIME)
    assert "invocation 1 of state 'LambdaState'" in cause
    assert "'MockedLambdaSuccess' defines invocations 0" in cause
    assert "test case 'HappyPath'" in cause


def test_each_state_counts_its_own_invocations():
    resolver = aws_config().resolver("LambdaSQSIntegration", "RetryPath")
    assert outcome(resolver, "LambdaState")[1] == "Lambda.ResourceNotReadyException"
    assert outcome(resolver, "SQSState") == ("return", SQS_RESULT)
    assert outcome(resolver, "LambdaState")[1] == "Lambda.TimeoutException"
    assert resolver.invocations == {"LambdaState": 2, "SQSState": 1}


def test_each_resolver_starts_counting_from_zero():
    config = aws_config()
    first = config.resolver("LambdaSQSIntegration", "RetryPath")
    outcome(first, "LambdaState")
    second = config.resolver("LambdaSQSIntegration", "RetryPath")
    assert outcome(second, "LambdaState")[1] == "Lambda.ResourceNotReadyException"


def test_unmocked_state_without_fallback_is_unresolved():
    resolver = aws_config().resolver("LambdaSQSIntegration", "HybridPath")
    assert outcome(resolver, "LambdaState") == ("return", LAMBDA_RESULT)
    with pytest.raises(UnresolvedResource) as caught:
        resolver(invoke("SQSState", "arn:aws:states:::sqs:sendMessage"))
    assert caught.value.state_name == "SQSState"
    assert "arn:aws:states:::sqs:sendMessage" in str(caught.value)


def test_unmocked_state_goes_to_the_fallback():
    seen = []

    def fallback(command):
        seen.append(command.state_name)
        return {"real": command.state_name}

    resolver = aws_config().resolver("LambdaSQSIntegration", "HybridPath", fallback=fallback)
    assert outcome(resolver, "SQSState") == ("return", {"real": "SQSState"})
    assert outcome(resolver, "LambdaState") == ("return", LAMBDA_RESULT)
    assert seen == ["SQSState"]
    assert "SQSState" not in resolver.invocations


@pytest.mark.parametrize("value", [None, "text", 0, 1.5, True, [1, {"a": None}], {}])
def test_return_may_be_any_json_value(value):
    resolver = MockConfig.for_states({"S": {"0": {"Return": value}}})
    assert outcome(resolver, "S") == ("return", value)


def test_for_states_mocks_by_state_name_with_ranges():
    resolver = MockConfig.for_states({
        "A": {"0-1": {"Throw": {"Error": "E", "Cause": "c"}}, "2": {"Return": 7}},
        "B": {"0": {"Return": "b"}},
    })
    assert [outcome(resolver, "A") for _ in range(3)] == [("throw", "E", "c"), ("throw", "E", "c"), ("return", 7)]
    assert outcome(resolver, "B") == ("return", "b")
    with pytest.raises(UnresolvedResource):
        resolver(invoke("C"))


def test_keys_may_come_in_any_order_and_gaps_fail_only_when_reached():
    resolver = MockConfig.for_states({"S": {"2": {"Return": "two"}, "0": {"Return": "zero"}}})
    assert outcome(resolver, "S") == ("return", "zero")
    kind, error, cause = outcome(resolver, "S")
    assert (kind, error) == ("throw", errors.RUNTIME)
    assert "invocation 1 of state 'S'" in cause and "defines invocations 0, 2" in cause
    assert outcome(resolver, "S") == ("return", "two")


def test_an_empty_mocked_response_fails_when_used():
    config = MockConfig.from_dict({"StateMachines": {"M": {"TestCases": {"T": {"S": "Empty"}}}},
                                   "MockedResponses": {"Empty": {}}})
    kind, error, cause = outcome(config.resolver("M", "T"), "S")
    assert (kind, error) == ("throw", errors.RUNTIME)
    assert "defines invocations none" in cause


def test_mocked_values_are_not_affected_by_the_source_dict_changing():
    data = copy.deepcopy(AWS_MOCK_CONFIG)
    config = MockConfig.from_dict(data)
    data["MockedResponses"]["MockedLambdaSuccess"]["0"] = {"Return": "changed"}
    assert outcome(config.resolver("LambdaSQSIntegration", "HappyPath"), "LambdaState") == ("return", LAMBDA_RESULT)


# --- choosing the test case -----------------------------------------------------------------------


def test_unknown_state_machine_lists_the_known_ones():
    with pytest.raises(MockConfigError, match=r"no state machine 'Orders' \(it defines 'LambdaSQSIntegration'\)"):
        aws_config().resolver("Orders", "HappyPath")


def test_unknown_test_case_lists_the_known_ones():
    with pytest.raises(MockConfigError) as caught:
        aws_config().resolver("LambdaSQSIntegration", "SadPath")
    message = str(caught.value)
    assert "no test case 'SadPath'" in message
    assert "'HappyPath', 'RetryPath', 'HybridPath'" in message


def test_test_case_naming_an_undefined_mocked_response():
    data = copy.deepcopy(AWS_MOCK_CONFIG)
    data["StateMachines"]["LambdaSQSIntegration"]["TestCases"]["Typo"] = {"LambdaState": "MockedLambdaSucess"}
    config = MockConfig.from_dict(data)  # only the test case that is used must resolve (as in SFN Local)
    assert config.test_cases("LambdaSQSIntegration") == ["HappyPath", "RetryPath", "HybridPath", "Typo"]
    with pytest.raises(MockConfigError) as caught:
        config.resolver("LambdaSQSIntegration", "Typo")
    assert str(caught.value) == (
        "mock config /StateMachines/LambdaSQSIntegration/TestCases/Typo/LambdaState: state 'LambdaState' uses "
        "the mocked response 'MockedLambdaSucess', which MockedResponses does not define"
    )


# --- validating the file --------------------------------------------------------------------------


def _with(path: list, value):
    data = copy.deepcopy(AWS_MOCK_CONFIG)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


RETRY = ["MockedResponses", "MockedLambdaRetry"]

BAD_CONFIGS = [
    ([], "mock config /: the mock configuration must be a JSON object, not an array"),
    ({"StateMachines": {}}, "mock config /: missing the field 'MockedResponses'"),
    ({"MockedResponses": {}}, "mock config /: missing the field 'StateMachines'"),
    ({"StateMachines": {}, "MockedResponse": {}},
     "mock config /MockedResponse: unknown field 'MockedResponse' (did you mean 'MockedResponses'?)"),
    ({"StateMachines": [], "MockedResponses": {}}, "mock config /StateMachines: StateMachines must be a JSON object"),
    (_with(["StateMachines", "LambdaSQSIntegration"], {"TestCase": {}}),
     "mock config /StateMachines/LambdaSQSIntegration: unknown field 'TestCase'"),
    (_with(["StateMachines", "LambdaSQSIntegration"], {}),
     "mock config /StateMachines/LambdaSQSIntegration: a state machine has a single field, TestCases"),
    (_with(["StateMachines", "LambdaSQSIntegration", "TestCases", "HappyPath"], ["LambdaState"]),
     "mock config /StateMachines/LambdaSQSIntegration/TestCases/HappyPath: test case 'HappyPath' must be a JSON "
     "object"),
    (_with(["StateMachines", "LambdaSQSIntegration", "TestCases", "HappyPath", "SQSState"], {"0": {}}),
     "mock config /StateMachines/LambdaSQSIntegration/TestCases/HappyPath/SQSState: the mocked response for "
     "state 'SQSState' must be the name of a mocked response (a string), not an object"),
    (_with(["MockedResponses", "MockedSQSSuccess"], [{"Return": 1}]),
     "mock config /MockedResponses/MockedSQSSuccess: mocked response 'MockedSQSSuccess' must be a JSON object"),
    (_with(RETRY + ["first"], {"Return": 1}),
     "mock config /MockedResponses/MockedLambdaRetry/first: 'first' is not an invocation number"),
    (_with(RETRY + ["-1"], {"Return": 1}), "mock config /MockedResponses/MockedLambdaRetry/-1: '-1' is not an"),
    (_with(RETRY + ["4-"], {"Return": 1}), "mock config /MockedResponses/MockedLambdaRetry/4-: '4-' is not an"),
    (_with(RETRY + ["4 - 5"], {"Return": 1}), "'4 - 5' is not an invocation number"),
    (_with(RETRY + ["6-4"], {"Return": 1}), "mock config /MockedResponses/MockedLambdaRetry/6-4: the range '6-4' "
                                            "ends before it starts"),
    (_with(RETRY + ["2"], {"Return": 1}), "mock config /MockedResponses/MockedLambdaRetry: invocation 2 of mocked "
                                          "response 'MockedLambdaRetry' is defined twice"),
    (_with(RETRY + ["3-5"], {"Return": 1}), "invocation 3 of mocked response 'MockedLambdaRetry' is defined twice"),
    (_with(RETRY + ["3"], "ok"), "mock config /MockedResponses/MockedLambdaRetry/3: a mocked invocation must be a "
                                 "JSON object, not a string"),
    (_with(RETRY + ["3"], {}), "mock config /MockedResponses/MockedLambdaRetry/3: a mocked invocation needs a "
                               "Return or a Throw field"),
    (_with(RETRY + ["3"], {"Return": 1, "Throw": {"Error": "E", "Cause": "c"}}),
     "mock config /MockedResponses/MockedLambdaRetry/3: a mocked invocation has either Return or Throw, not both"),
    (_with(RETRY + ["3"], {"Returns": 1}),
     "mock config /MockedResponses/MockedLambdaRetry/3: unknown field 'Returns'"),
    (_with(RETRY + ["3"], {"Return": 1, "Delay": 2}), "unknown field 'Delay'"),
    (_with(RETRY + ["0"], {"Throw": "Lambda.TimeoutException"}),
     "mock config /MockedResponses/MockedLambdaRetry/0/Throw: Throw must be a JSON object, not a string"),
    (_with(RETRY + ["0"], {"Throw": {"Cause": "c"}}),
     "mock config /MockedResponses/MockedLambdaRetry/0/Throw: Throw must have the field 'Error' (a string)"),
    (_with(RETRY + ["0"], {"Throw": {"Error": "E"}}),
     "mock config /MockedResponses/MockedLambdaRetry/0/Throw: Throw must have the field 'Cause' (a string)"),
    (_with(RETRY + ["0"], {"Throw": {"Error": 500, "Cause": "c"}}),
     "mock config /MockedResponses/MockedLambdaRetry/0/Throw/Error: Error must be a string, not a number"),
    (_with(RETRY + ["0"], {"Throw": {"Error": "E", "Cause": None}}),
     "mock config /MockedResponses/MockedLambdaRetry/0/Throw/Cause: Cause must be a string, not null"),
    (_with(RETRY + ["0"], {"Throw": {"Error": "E", "Cause": "c", "Code": 1}}),
     "mock config /MockedResponses/MockedLambdaRetry/0/Throw: unknown field 'Code'"),
    (_with(["MockedResponses", "a/b"], {"x": {}}), "mock config /MockedResponses/a~1b/x: 'x' is not an invocation"),
]


@pytest.mark.parametrize("data, message", BAD_CONFIGS)
def test_bad_config_is_refused_with_its_place(data, message):
    with pytest.raises(MockConfigError) as caught:
        MockConfig.from_dict(data)
    assert message in str(caught.value)


def test_for_states_validates_too():
    with pytest.raises(MockConfigError, match=r"mock config /S/1: a mocked invocation needs a Return or a Throw"):
        MockConfig.for_states({"S": {"0": {"Return": 1}, "1": {}}})
    with pytest.raises(MockConfigError, match=r"mock config /: the mocked states must be a JSON object"):
        MockConfig.for_states([])


def test_from_file_reads_and_validates(tmp_path):
    path = tmp_path / "MockConfigFile.json"
    path.write_text(json.dumps(AWS_MOCK_CONFIG), encoding="utf-8")
    config = MockConfig.from_file(path)
    assert outcome(config.resolver("LambdaSQSIntegration", "HappyPath"), "SQSState") == ("return", SQS_RESULT)


@pytest.mark.parametrize("text, message", [
    ('{"StateMachines": {},\n "MockedResponses": {,}}', "is not valid JSON: Expecting property name enclosed in "
                                                        "double quotes at line 2, column 22"),
    ('{"StateMachines": {}, "MockedResponses": {"R": {"0": {"Return": 1}, "0": {"Return": 2}}}}',
     "is not valid JSON: Duplicate field name '0' at line 1, column 69"),
    ('{"StateMachines": {}, "MockedResponses": {"R": {"0": {"Return": NaN}}}}', "is not valid JSON"),
    ("", "is not valid JSON"),
    ("[1, 2]", "mock config /: the mock configuration must be a JSON object, not an array"),
    ('"text"', "the mock configuration must be a JSON object, not a string"),
])
def test_from_file_reports_bad_json_with_line_and_column(tmp_path, text, message):
    path = tmp_path / "mocks.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MockConfigError) as caught:
        MockConfig.from_file(path)
    assert message in str(caught.value)


def test_from_file_reports_unreadable_files(tmp_path):
    with pytest.raises(MockConfigError, match=r"cannot read mock config .*missing\.json: No such file"):
        MockConfig.from_file(tmp_path / "missing.json")
    with pytest.raises(MockConfigError, match="cannot read mock config .*: Is a directory"):
        MockConfig.from_file(tmp_path)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe{}")
    with pytest.raises(MockConfigError, match="not UTF-8 text"):
        MockConfig.from_file(binary)


# --- with the interpreter -------------------------------------------------------------------------


def machine(definition: dict):
    from designer.asl.compile import compile_machine

    return compile_machine(definition)


def run(definition: dict, resolver, input=None):
    return LocalRunner(machine(definition), resolver).run({} if input is None else input,
                                                           state_machine_name="LambdaSQSIntegration")


def types(result) -> list[str]:
    return [event["type"] for event in result.events]


def test_engine_happy_path():
    result = run(AWS_DEFINITION, aws_config().resolver("LambdaSQSIntegration", "HappyPath"))
    assert (result.status, result.output) == ("SUCCEEDED", SQS_RESULT)
    assert "TaskFailed" not in types(result)


def test_engine_retry_path_uses_every_retry_attempt():
    resolver = aws_config().resolver("LambdaSQSIntegration", "RetryPath")
    result = run(AWS_DEFINITION, resolver)
    assert (result.status, result.output) == ("SUCCEEDED", SQS_RESULT)
    failures = [(e["taskFailedEventDetails"]["error"], e["taskFailedEventDetails"]["cause"])
                for e in result.events if e["type"] == "TaskFailed"]
    assert failures == [("Lambda.ResourceNotReadyException", "Lambda resource is not ready."),
                        ("Lambda.TimeoutException", "Lambda timed out."),
                        ("Lambda.TimeoutException", "Lambda timed out.")]
    assert types(result).count("TaskScheduled") == 5  # 4 LambdaState attempts, 1 SQSState
    assert resolver.invocations == {"LambdaState": 4, "SQSState": 1}
    # The Lambda mock's result flows into SQSState as its input (MessageBody.$ = $).
    sqs_scheduled = [e for e in result.events if e["type"] == "TaskScheduled"][-1]
    assert json.loads(sqs_scheduled["taskScheduledEventDetails"]["parameters"])["MessageBody"] == LAMBDA_RESULT


def test_engine_fails_with_states_runtime_when_retries_outrun_the_mocks():
    # SFN Local guide: with no mocked response for retry "3", the execution fails.
    data = copy.deepcopy(AWS_MOCK_CONFIG)
    del data["MockedResponses"]["MockedLambdaRetry"]["3"]
    result = run(AWS_DEFINITION, MockConfig.from_dict(data).resolver("LambdaSQSIntegration", "RetryPath"))
    assert (result.status, result.error) == ("FAILED", errors.RUNTIME)
    assert "invocation 3 of state 'LambdaState'" in result.cause


def test_engine_hybrid_path_stops_at_the_unmocked_state():
    with pytest.raises(UnresolvedResource) as caught:
        run(AWS_DEFINITION, aws_config().resolver("LambdaSQSIntegration", "HybridPath"))
    assert caught.value.state_name == "SQSState"


def test_engine_catches_a_mocked_throw():
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
                     "Catch": [{"ErrorEquals": ["Lambda.TimeoutException"], "ResultPath": "$.error", "Next": "Done"}]},
            "Done": {"Type": "Pass", "End": True},
        },
    }
    resolver = MockConfig.for_states({"Call": {"0": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "slow"}}}})
    result = run(definition, resolver, {"a": 1})
    assert (result.status, result.output) == ("SUCCEEDED", {"a": 1, "error": {"Error": "Lambda.TimeoutException",
                                                                              "Cause": "slow"}})


def test_engine_map_iterations_share_one_counter_per_state():
    # Step Functions Local keeps one counter per state for the whole execution: the second Map iteration
    # continues where the first (with its retry) left off, instead of starting again at "0".
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map", "MaxConcurrency": 1, "End": True,
                "ItemProcessor": {
                    "StartAt": "Call",
                    "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                        "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 1}],
                                        "OutputPath": "$.Payload", "End": True}},
                },
            }
        },
    }
    resolver = MockConfig.for_states({"Call": {
        "0": {"Throw": {"Error": "Boom", "Cause": "attempt0"}},
        "1": {"Return": {"Payload": "idx1"}},
        "2": {"Return": {"Payload": "idx2"}},
        "3": {"Return": {"Payload": "idx3"}},
    }})
    result = run(definition, resolver, [1, 2])
    assert (result.status, result.output) == ("SUCCEEDED", ["idx1", "idx2"])


def test_engine_wait_for_task_token_takes_the_mocked_result():
    # SFN Local guide: a mocked .waitForTaskToken Task gets a generated token and the mocked result.
    definition = {"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": True,
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}}}}
    seen = []

    def spy(command):
        seen.append(command.token)
        raise AssertionError("the mock answers first")

    resolver = MockConfig.for_states({"Ask": {"0": {"Return": {"approved": True}}}}, fallback=spy)
    result = run(definition, resolver)
    assert (result.status, result.output) == ("SUCCEEDED", {"approved": True})
    assert seen == []
