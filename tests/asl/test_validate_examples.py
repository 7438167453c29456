"""validate(): real definitions from the AWS Developer Guide and the ASL spec must pass; speed."""
import json
import time

import pytest

from designer.asl.validate import validate

HELLO_WORLD = {
    "Comment": "A Hello World example of the Amazon States Language using Pass states",
    "StartAt": "Hello",
    "States": {"Hello": {"Type": "Pass", "Result": "Hello", "Next": "World"}, "World": {"Type": "Pass", "Result": "World", "End": True}},
}

ERROR_HANDLING = {
    "Comment": "A Hello World example using an AWS Lambda function, with retries and a fallback (DG concepts-error-handling)",
    "StartAt": "HelloWorld",
    "States": {
        "HelloWorld": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:FailFunction",
            "Retry": [
                {"ErrorEquals": ["ErrorA", "ErrorB"], "IntervalSeconds": 1, "BackoffRate": 2.0, "MaxAttempts": 2},
                {"ErrorEquals": ["ErrorC"], "IntervalSeconds": 5, "MaxDelaySeconds": 30, "JitterStrategy": "FULL"},
            ],
            "Catch": [
                {"ErrorEquals": ["States.Timeout"], "Next": "TimeoutFallback", "ResultPath": "$.error"},
                {"ErrorEquals": ["States.ALL"], "Next": "CatchAllFallback"},
            ],
            "TimeoutSeconds": 10,
            "End": True,
        },
        "TimeoutFallback": {"Type": "Pass", "Result": "This is a fallback from a timeout error", "End": True},
        "CatchAllFallback": {"Type": "Pass", "Result": "This is a fallback from any error", "End": True},
    },
}

CHOICE_SPEC = {
    "Comment": "Choice rules from the ASL specification",
    "StartAt": "ChoiceStateX",
    "States": {
        "ChoiceStateX": {
            "Type": "Choice",
            "Choices": [
                {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
                {"And": [{"Variable": "$.value", "IsPresent": True}, {"Variable": "$.value", "IsNumeric": True},
                         {"Variable": "$.value", "NumericGreaterThanEquals": 20}, {"Variable": "$.value", "NumericLessThan": 30}],
                 "Next": "ValueInTwenties"},
                {"Variable": "$.rating", "NumericGreaterThanPath": "$.auditThreshold", "Next": "StartAudit"},
                {"Variable": "$.timestamp", "TimestampLessThan": "2016-03-14T01:59:00Z", "Next": "Public"},
                {"Variable": "$.file", "StringMatches": "log-*.txt", "Next": "Public"},
            ],
            "Default": "DefaultState",
        },
        "Public": {"Type": "Pass", "Next": "NextState"},
        "ValueInTwenties": {"Type": "Pass", "Next": "NextState"},
        "StartAudit": {"Type": "Pass", "Next": "NextState"},
        "NextState": {"Type": "Succeed"},
        "DefaultState": {"Type": "Fail", "Error": "DefaultStateError", "Cause": "No Matches!"},
    },
}

PARALLEL = {
    "Comment": "Parallel example (DG state-parallel)",
    "StartAt": "LookupCustomerInfo",
    "States": {
        "LookupCustomerInfo": {
            "Type": "Parallel",
            "End": True,
            "Branches": [
                {"StartAt": "LookupAddress", "States": {"LookupAddress": {
                    "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:AddressFinder", "End": True}}},
                {"StartAt": "LookupPhone", "States": {"LookupPhone": {
                    "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:PhoneFinder", "End": True}}},
            ],
        }
    },
}

INLINE_MAP = {
    "StartAt": "ExampleMapState",
    "States": {
        "ExampleMapState": {
            "Type": "Map",
            "ItemsPath": "$.detail.shipped",
            "ItemSelector": {"parcel.$": "$$.Map.Item.Value", "courier.$": "$.delivery-partner", "index.$": "$$.Map.Item.Index"},
            "MaxConcurrency": 0,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Validate",
                "States": {"Validate": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                        "OutputPath": "$.Payload",
                                        "Parameters": {"FunctionName": "arn:aws:lambda:us-east-2:123456789012:function:ship-val:$LATEST",
                                                       "Payload.$": "$"},
                                        "End": True}},
            },
            "ResultPath": "$.detail.shipped",
            "End": True,
        }
    },
}

DISTRIBUTED_CSV = {
    "Comment": "Process a CSV file in S3 with a Distributed Map (DG example-csv-parse-dist-map)",
    "StartAt": "Map",
    "States": {
        "Map": {
            "Type": "Map",
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                "Parameters": {"Bucket": "amzn-s3-demo-bucket", "Key": "csvDataset/ratings.csv"},
            },
            "ItemBatcher": {"MaxItemsPerBatch": 100, "MaxInputBytesPerBatch": 262144},
            "MaxConcurrency": 1000,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                "StartAt": "Lambda Invoke",
                "States": {
                    "Lambda Invoke": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::lambda:invoke",
                        "OutputPath": "$.Payload",
                        "Parameters": {"Payload.$": "$", "FunctionName": "arn:aws:lambda:us-west-2:123456789012:function:processCSVData"},
                        "Retry": [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException",
                                                   "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
                                   "IntervalSeconds": 2, "MaxAttempts": 6, "BackoffRate": 2}],
                        "End": True,
                    }
                },
            },
            "Label": "Map",
            "ToleratedFailurePercentage": 5,
            "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                             "Parameters": {"Bucket": "amzn-s3-demo-destination-bucket", "Prefix": "csvProcessJobs"}},
            "End": True,
        }
    },
}

CALLBACK = {
    "Comment": "Callback with a task token (DG connect-to-resource, wait for callback)",
    "StartAt": "Start Task And Wait For Callback",
    "States": {
        "Start Task And Wait For Callback": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/myQueue",
                           "MessageBody": {"MessageTitle": "Task started by Step Functions. Waiting for callback with task token.",
                                           "TaskToken.$": "$$.Task.Token"}},
            "HeartbeatSeconds": 600,
            "Next": "Notify Success",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Notify Failure"}],
        },
        "Notify Success": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                           "Parameters": {"Message": "Callback received. Task started by Step Functions succeeded.",
                                          "TopicArn": "arn:aws:sns:us-east-1:123456789012:myTopic"}, "End": True},
        "Notify Failure": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                           "Parameters": {"Message": "Task started by Step Functions failed.",
                                          "TopicArn": "arn:aws:sns:us-east-1:123456789012:myTopic"}, "End": True},
    },
}

NESTED_EXECUTION = {
    "StartAt": "Start child",
    "States": {
        "Start child": {
            "Type": "Task",
            "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Child",
                           "Input": {"NeedCallback": True, "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}},
            "Next": "Wait until",
        },
        "Wait until": {"Type": "Wait", "TimestampPath": "$.Output.resumeAt", "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}

INTRINSICS = {
    "StartAt": "Build",
    "States": {
        "Build": {
            "Type": "Pass",
            "Parameters": {
                "greeting.$": "States.Format('Hello, my name is {}.', $.name)",
                "json.$": "States.JsonToString($.data)",
                "parsed.$": "States.StringToJson($.text)",
                "array.$": "States.Array('Foo', 2020, $.someJson, null)",
                "chunks.$": "States.ArrayPartition($.inputArray, 4)",
                "has.$": "States.ArrayContains($.inputArray, $.lookingFor)",
                "range.$": "States.ArrayRange(1, 9, 2)",
                "item.$": "States.ArrayGetItem($.inputArray, $.index)",
                "length.$": "States.ArrayLength($.inputArray)",
                "unique.$": "States.ArrayUnique($.inputArray)",
                "b64.$": "States.Base64Encode($.input)",
                "plain.$": "States.Base64Decode($.base64)",
                "hash.$": "States.Hash($.Data, $.Algorithm)",
                "merged.$": "States.JsonMerge($.json1, $.json2, false)",
                "random.$": "States.MathRandom($.start, $.end)",
                "sum.$": "States.MathAdd($.value1, $.step)",
                "parts.$": "States.StringSplit($.inputString, $.splitter)",
                "id.$": "States.UUID()",
                "escaped.$": "States.Format('\\{literal\\} {}', $.x)",
            },
            "Next": "Fail",
        },
        "Fail": {"Type": "Fail", "ErrorPath": "$.greeting", "CausePath": "States.Format('Failure at {}', $$.State.Name)"},
    },
}

JSONATA_WORKFLOW = {
    "Comment": "JSONata and variables (DG transforming-data, workflow-variables)",
    "QueryLanguage": "JSONata",
    "StartAt": "Get Order",
    "States": {
        "Get Order": {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:getItem",
            "Arguments": {"TableName": "Orders", "Key": {"id": {"S": "{% $states.input.orderId %}"}}},
            "Assign": {"order": "{% $states.result.Item %}", "total": "{% $number($states.result.Item.total.N) %}"},
            "Output": "{% $states.input %}",
            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed",
                       "Output": {"error": "{% $states.errorOutput.Error %}"}, "Assign": {"reason": "{% $states.errorOutput.Cause %}"}}],
            "Next": "Big?",
        },
        "Big?": {
            "Type": "Choice",
            "Choices": [{"Condition": "{% $total > 100 %}", "Next": "Ship Items", "Assign": {"priority": True}}],
            "Default": "Ship Items",
            "Assign": {"priority": False},
        },
        "Ship Items": {
            "Type": "Map",
            "Items": "{% $order.items.L %}",
            "ItemSelector": {"item": "{% $states.context.Map.Item.Value %}", "priority": "{% $priority %}"},
            "MaxConcurrency": "{% $priority ? 10 : 2 %}",
            "ItemProcessor": {"StartAt": "Ship", "States": {"Ship": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"FunctionName": "ship", "Payload": "{% $states.input %}"},
                "Output": "{% $states.result.Payload %}", "End": True}}},
            "Output": {"shipped": "{% $count($states.result) %}", "at": "{% $now() %}"},
            "Next": "Pause",
        },
        "Pause": {"Type": "Wait", "Seconds": "{% $priority ? 0 : 60 %}", "Next": "Done"},
        "Done": {"Type": "Succeed", "Output": {"order": "{% $order.id %}"}},
        "Failed": {"Type": "Fail", "Error": "OrderFailed", "Cause": "{% $reason %}"},
    },
}

EXAMPLES = {
    "hello world": HELLO_WORLD,
    "error handling": ERROR_HANDLING,
    "choice rules": CHOICE_SPEC,
    "parallel": PARALLEL,
    "inline map": INLINE_MAP,
    "distributed map over csv": DISTRIBUTED_CSV,
    "callback": CALLBACK,
    "nested execution": NESTED_EXECUTION,
    "intrinsics": INTRINSICS,
    "jsonata and variables": JSONATA_WORKFLOW,
}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_aws_examples_are_valid(name):
    definition = EXAMPLES[name]
    assert validate(definition, severity="WARNING") == []
    assert validate(json.dumps(definition, indent=2), severity="WARNING") == []


def big_definition(count: int = 500) -> dict:
    """A machine of `count` states mixing every type, in the shapes production machines use."""
    states: dict = {}
    for i in range(count):
        following = f"S{i + 1}" if i + 1 < count else "Done"
        kind = i % 5
        if kind == 0:
            states[f"S{i}"] = {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": f"fn{i}", "Payload": {"id.$": f"$.items[{i % 7}].id",
                                                                  "msg.$": "States.Format('step {}', $.n)"}},
                "ResultSelector": {"body.$": "$.Payload.body"}, "ResultPath": f"$.r{i}",
                "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 2, "MaxAttempts": 3},
                          {"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed", "ResultPath": "$.error"}],
                "Next": following,
            }
        elif kind == 1:
            states[f"S{i}"] = {"Type": "Choice", "Default": following, "Choices": [
                {"And": [{"Variable": f"$.v{i}", "IsPresent": True}, {"Variable": f"$.v{i}", "NumericGreaterThan": 3}],
                 "Next": following}]}
        elif kind == 2:
            states[f"S{i}"] = {"Type": "Pass", "Parameters": {"a.$": "$.x.y", "b": [1, {"c.$": "$$.Execution.Id"}]},
                               "ResultPath": "$.p", "Assign": {f"v{i}.$": "$.x"}, "Next": following}
        elif kind == 3:
            states[f"S{i}"] = {"Type": "Wait", "SecondsPath": "$.wait", "Next": following}
        else:
            states[f"S{i}"] = {"Type": "Map", "ItemsPath": "$.list", "MaxConcurrency": 5,
                               "ItemSelector": {"v.$": "$$.Map.Item.Value"},
                               "ItemProcessor": {"StartAt": f"In{i}", "States": {f"In{i}": {"Type": "Pass", "End": True}}},
                               "ResultPath": "$.m", "Next": following}
    states["Done"] = {"Type": "Succeed"}
    states["Failed"] = {"Type": "Fail", "Error": "Boom", "Cause": "bad"}
    return {"StartAt": "S0", "States": states}


def test_500_states_validate_well_under_100_ms():
    definition = big_definition(500)
    text = json.dumps(definition)
    assert validate(text, severity="WARNING") == []  # warm the path and intrinsic caches
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        validate(text, severity="WARNING")
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.1, f"best of 5 took {min(timings) * 1000:.1f} ms"


def test_big_definition_with_errors_reports_each_once():
    definition = big_definition(100)
    definition["States"]["S10"]["Resource"] = "not-a-uri"
    definition["States"]["S11"]["Choices"][0]["Next"] = "Nowhere"
    definition["States"]["S13"]["End"] = True  # and Next: only one may be given
    codes = [(d.code, d.location) for d in validate(definition)]
    assert codes == [
        ("INVALID_RESOURCE", "/States/S10/Resource"),
        ("MISSING_TRANSITION_TARGET", "/States/S11/Choices[0]/Next"),
        ("SCHEMA_VALIDATION_FAILED", "/States/S13"),
    ]


def _mutations(node, path=()):
    """Every (path, replacement) that swaps one value of the tree for a value of another type."""
    replacements = (None, 7, -1.5, "x", "$[", "{% !x %}", "States.Nope(", True, [], {}, [1, {"a.$": 2}])
    for replacement in replacements:
        yield path, replacement
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from _mutations(child, path + (key,))


def _replaced(tree, path, replacement):
    if not path:
        return replacement
    copy = dict(tree) if isinstance(tree, dict) else list(tree)
    copy[path[0]] = _replaced(tree[path[0]], path[1:], replacement)
    return copy


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_never_crashes_on_any_single_wrong_value(name):
    definition = EXAMPLES[name]
    checked = 0
    for path, replacement in _mutations(definition):
        diagnostics = validate(_replaced(definition, path, replacement), severity="WARNING")
        assert all(d.severity in ("ERROR", "WARNING") and isinstance(d.location, str) for d in diagnostics)
        checked += 1
    assert checked > 100
