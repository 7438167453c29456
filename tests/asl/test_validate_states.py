"""validate(): Task, Pass, Wait, Fail and Succeed fields; paths, payload templates, intrinsics."""
import pytest

from tests.asl.test_validate import LAMBDA, found, ids, jsonata, machine, one, pass_state, task

SCHEMA = "SCHEMA_VALIDATION_FAILED"


def wait(**fields):
    return {"Type": "Wait", "End": True, **fields}


def fail(**fields):
    return {"Type": "Fail", **fields}


CASES = [
    # --- Task ------------------------------------------------------------------------------------
    ("Task minimal", one(task()), []),
    ("Task without Resource", one({"Type": "Task", "End": True}), [(SCHEMA, "/States/S")]),
    ("Lambda function ARN", one(task(Resource="arn:aws:lambda:us-east-1:123456789012:function:HelloWorld")), []),
    ("Lambda ARN with alias", one(task(Resource="arn:aws:lambda:us-east-1:123456789012:function:fn:prod")), []),
    ("activity ARN", one(task(Resource="arn:aws:states:us-east-1:123456789012:activity:approve")), []),
    ("sdk integration", one(task(Resource="arn:aws:states:::aws-sdk:dynamodb:getItem")), []),
    ("china partition", one(task(Resource="arn:aws-cn:states:::sqs:sendMessage")), []),
    ("own resource scheme", one(task(Resource="flowdeck:python:billing.charge")), []),
    ("https resource", one(task(Resource="https://example.com/hook")), []),
    ("Resource not a URI", one(task(Resource="HelloWorld")), [("INVALID_RESOURCE", "/States/S/Resource")]),
    ("Resource with spaces", one(task(Resource="arn:aws:lambda:us-east-1:1:function:my fn")),
     [("INVALID_RESOURCE", "/States/S/Resource")]),
    ("Resource as a path", one(task(Resource="$.fn")), [("INVALID_RESOURCE", "/States/S/Resource")]),
    ("Resource as an expression", jsonata(one(task(Resource="{% $states.input.fn %}"))),
     [("INVALID_RESOURCE", "/States/S/Resource")]),
    ("Resource not a string", one(task(Resource=12)), [("INVALID_RESOURCE", "/States/S/Resource")]),
    ("truncated ARN", one(task(Resource="arn:aws:lambda")), [("INVALID_RESOURCE", "/States/S/Resource")]),
    ("states ARN without action", one(task(Resource="arn:aws:states:::lambda")), [("INVALID_RESOURCE", "/States/S/Resource")]),
    ("TimeoutSeconds and HeartbeatSeconds", one(task(TimeoutSeconds=300, HeartbeatSeconds=60)), []),
    ("TimeoutSeconds zero", one(task(TimeoutSeconds=0)), [(SCHEMA, "/States/S/TimeoutSeconds")]),
    ("TimeoutSeconds over the maximum", one(task(TimeoutSeconds=100_000_000)), [(SCHEMA, "/States/S/TimeoutSeconds")]),
    ("TimeoutSeconds as a string", one(task(TimeoutSeconds="60")), [(SCHEMA, "/States/S/TimeoutSeconds")]),
    ("TimeoutSeconds as a float", one(task(TimeoutSeconds=60.0)), [(SCHEMA, "/States/S/TimeoutSeconds")]),
    ("TimeoutSeconds as a boolean", one(task(TimeoutSeconds=True)), [(SCHEMA, "/States/S/TimeoutSeconds")]),
    ("HeartbeatSeconds equal to TimeoutSeconds", one(task(TimeoutSeconds=60, HeartbeatSeconds=60)),
     [(SCHEMA, "/States/S/HeartbeatSeconds")]),
    ("HeartbeatSeconds above TimeoutSeconds", one(task(TimeoutSeconds=60, HeartbeatSeconds=90)),
     [(SCHEMA, "/States/S/HeartbeatSeconds")]),
    ("TimeoutSeconds with its Path", one(task(TimeoutSeconds=60, TimeoutSecondsPath="$.t")),
     [(SCHEMA, "/States/S/TimeoutSeconds")]),
    ("HeartbeatSecondsPath", one(task(HeartbeatSecondsPath="$.hb", TimeoutSecondsPath="$$.Execution.Input.t")), []),
    ("TimeoutSecondsPath not a reference path", one(task(TimeoutSecondsPath="$.t[*]")),
     [(SCHEMA, "/States/S/TimeoutSecondsPath")]),
    ("TimeoutSecondsPath in JSONata", jsonata(one(task(TimeoutSecondsPath="$.t"))), [(SCHEMA, "/States/S")]),
    ("JSONata TimeoutSeconds expression", jsonata(one(task(TimeoutSeconds="{% $states.input.t %}"))), []),
    ("JSONata TimeoutSeconds plain string", jsonata(one(task(TimeoutSeconds="60"))), [(SCHEMA, "/States/S/TimeoutSeconds")]),
    ("Credentials", one(task(Credentials={"RoleArn": "arn:aws:iam::111122223333:role/Other"})), []),
    ("Credentials from a path", one(task(Credentials={"RoleArn.$": "$.role"})), []),
    ("Credentials from an intrinsic", one(task(Credentials={"RoleArn.$": "States.Format('arn:aws:iam::{}:role/R', $.acct)"})),
     []),
    ("Credentials without RoleArn", one(task(Credentials={})), [(SCHEMA, "/States/S/Credentials")]),
    ("Credentials with an unknown field", one(task(Credentials={"RoleArn": "r", "ExternalId": "x"})),
     [(SCHEMA, "/States/S/Credentials")]),
    ("Credentials bad path", one(task(Credentials={"RoleArn.$": "role"})), [(SCHEMA, "/States/S/Credentials/RoleArn.$")]),
    ("JSONata Credentials expression", jsonata(one(task(Credentials={"RoleArn": "{% $states.input.role %}"}))), []),
    ("waitForTaskToken passing the token",
     one(task(Resource="arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              Parameters={"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}})), []),
    ("waitForTaskToken passing the token in an intrinsic",
     one(task(Resource="arn:aws:states:::lambda:invoke.waitForTaskToken",
              Parameters={"Payload.$": "States.JsonMerge($, States.StringToJson(States.Format('\\{\"t\":\"{}\"\\}', $$.Task.Token)), false)"})),
     []),
    ("waitForTaskToken without the token",
     one(task(Resource="arn:aws:states:::sqs:sendMessage.waitForTaskToken", Parameters={"QueueUrl": "q"})),
     [(SCHEMA, "/States/S/Parameters")]),
    ("waitForTaskToken token without .$",
     one(task(Resource="arn:aws:states:::sqs:sendMessage.waitForTaskToken", Parameters={"token": "$$.Task.Token"})),
     [(SCHEMA, "/States/S/Parameters"), ("NO_DOLLAR", "/States/S/Parameters/token")]),
    ("waitForTaskToken without Parameters", one(task(Resource="arn:aws:states:::sns:publish.waitForTaskToken")),
     [(SCHEMA, "/States/S")]),
    ("JSONata waitForTaskToken", jsonata(one(task(Resource="arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                                                  Arguments={"MessageBody": "{% $states.context.Task.Token %}"}))), []),
    ("JSONata waitForTaskToken without the token",
     jsonata(one(task(Resource="arn:aws:states:::sqs:sendMessage.waitForTaskToken", Arguments={"MessageBody": "x"}))),
     [(SCHEMA, "/States/S/Arguments")]),
    ("activities need no token in Parameters", one(task(Resource="arn:aws:states:us-east-1:1:activity:a")), []),
    # --- InputPath / OutputPath / ResultPath -------------------------------------------------------
    ("Path fields", one(task(InputPath="$.in", OutputPath="$.out[0]", ResultPath="$.result.value")), []),
    ("null paths", one(task(InputPath=None, OutputPath=None, ResultPath=None)), []),
    ("InputPath may select many", one(pass_state(InputPath="$.items[*].id")), []),
    ("InputPath with a filter", one(pass_state(InputPath="$.items[?(@.price < 10)]")), []),
    ("InputPath from the context object", one(pass_state(InputPath="$$.Execution.Input")), []),
    ("InputPath not starting with $", one(pass_state(InputPath="items")), [(SCHEMA, "/States/S/InputPath")]),
    ("InputPath malformed", one(pass_state(InputPath="$.a[")), [(SCHEMA, "/States/S/InputPath")]),
    ("OutputPath not a string", one(pass_state(OutputPath=5)), [(SCHEMA, "/States/S/OutputPath")]),
    ("ResultPath with a wildcard", one(task(ResultPath="$.a[*]")), [(SCHEMA, "/States/S/ResultPath")]),
    ("ResultPath with deep scan", one(task(ResultPath="$..a")), [(SCHEMA, "/States/S/ResultPath")]),
    ("ResultPath into the context object", one(task(ResultPath="$$.Execution")), [(SCHEMA, "/States/S/ResultPath")]),
    ("ResultPath into a variable", one(task(ResultPath="$total")), [(SCHEMA, "/States/S/ResultPath")]),
    ("ResultPath with quoted names", one(task(ResultPath="$['my key'].x")), []),
    # --- payload templates and intrinsics ---------------------------------------------------------
    ("Parameters with paths, context, variables, intrinsics",
     one(task(Parameters={"a.$": "$.a", "b.$": "$$.State.Name", "c.$": "$counter", "d.$": "States.UUID()",
                          "e": {"f.$": "States.Array($.x, 1, 'two')"}, "g": [1, "x"]})), []),
    ("Parameters not an object", one(task(Parameters=[1])), [(SCHEMA, "/States/S/Parameters")]),
    (".$ value not a path", one(task(Parameters={"a.$": "a"})), [(SCHEMA, "/States/S/Parameters/a.$")]),
    (".$ value not a string", one(task(Parameters={"a.$": 5})), [(SCHEMA, "/States/S/Parameters/a.$")]),
    (".$ value malformed path", one(task(Parameters={"nested": {"a.$": "$.a[?"}})),
     [(SCHEMA, "/States/S/Parameters/nested/a.$")]),
    (".$ key inside an array element object", one(task(Parameters={"list": [{"a.$": "oops"}]})),
     [(SCHEMA, "/States/S/Parameters/list[0]/a.$")]),
    ("duplicate names after stripping .$", one(task(Parameters={"a": 1, "a.$": "$.a"})),
     [(SCHEMA, "/States/S/Parameters/a.$")]),
    ("unknown intrinsic", one(task(Parameters={"a.$": "States.Nope($.a)"})), [(SCHEMA, "/States/S/Parameters/a.$")]),
    ("intrinsic arity", one(task(Parameters={"a.$": "States.ArrayLength($.a, $.b)"})), [(SCHEMA, "/States/S/Parameters/a.$")]),
    ("intrinsic syntax", one(task(Parameters={"a.$": "States.Format('x', $.a"})), [(SCHEMA, "/States/S/Parameters/a.$")]),
    ("intrinsic nested too deep", one(task(Parameters={"a.$": "States.Array(" * 11 + ")" * 11})),
     [(SCHEMA, "/States/S/Parameters/a.$")]),
    ("NO_DOLLAR for a path", one(task(Parameters={"a": "$.a"})), [("NO_DOLLAR", "/States/S/Parameters/a")]),
    ("NO_DOLLAR for the context object", one(task(Parameters={"a": {"b": "$$.Execution.Id"}})),
     [("NO_DOLLAR", "/States/S/Parameters/a/b")]),
    ("NO_DOLLAR for an intrinsic", one(task(ResultSelector={"a": "States.UUID()"})),
     [("NO_DOLLAR", "/States/S/ResultSelector/a")]),
    ("no NO_DOLLAR for prices", one(task(Parameters={"price": "$100", "text": "costs $ 5"})), []),
    ("ResultSelector checked like Parameters", one(task(ResultSelector={"x.$": "Payload"})),
     [(SCHEMA, "/States/S/ResultSelector/x.$")]),
    # --- Pass --------------------------------------------------------------------------------------
    ("Pass with Result and ResultPath", one(pass_state(Result={"x": [1, 2]}, ResultPath="$.r")), []),
    ("Pass Result may be any JSON", one(pass_state(Result="text")), []),
    ("Pass Result with .$ keys is static", one(pass_state(Result={"a": {"b.$": "$.x"}})),
     [("PASS_RESULT_IS_STATIC", "/States/S/Result/a/b.$")]),
    ("Pass Result that is a path is static", one(pass_state(Result="$.x")),
     [("PASS_RESULT_IS_STATIC", "/States/S/Result")]),
    ("Pass Result with a path value is static", one(pass_state(Result={"a": ["$$.Execution.Id"]})),
     [("PASS_RESULT_IS_STATIC", "/States/S/Result/a[0]")]),
    ("Pass Result with an intrinsic value is static", one(pass_state(Result={"id": "States.UUID()"})),
     [("PASS_RESULT_IS_STATIC", "/States/S/Result/id")]),
    ("Pass Result with prices is fine", one(pass_state(Result={"price": "$100"})), []),
    ("Pass Parameters", one(pass_state(Parameters={"x.$": "$.y"})), []),
    ("Pass ResultSelector is not supported", one(pass_state(ResultSelector={})), [(SCHEMA, "/States/S")]),
    ("Pass Result in JSONata", jsonata(one(pass_state(Result=1))), [(SCHEMA, "/States/S")]),
    # --- Wait --------------------------------------------------------------------------------------
    ("Wait Seconds", one(wait(Seconds=10)), []),
    ("Wait zero Seconds", one(wait(Seconds=0)), []),
    ("Wait negative Seconds", one(wait(Seconds=-1)), [(SCHEMA, "/States/S/Seconds")]),
    ("Wait Seconds too large", one(wait(Seconds=100_000_000)), [(SCHEMA, "/States/S/Seconds")]),
    ("Wait Seconds as a string", one(wait(Seconds="10")), [(SCHEMA, "/States/S/Seconds")]),
    ("Wait Timestamp", one(wait(Timestamp="2016-03-14T01:59:00Z")), []),
    ("Wait Timestamp with fractions and offset", one(wait(Timestamp="2024-12-05T21:29:29.243167252+02:00")), []),
    ("Wait Timestamp lowercase t", one(wait(Timestamp="2016-03-14t01:59:00Z")), [(SCHEMA, "/States/S/Timestamp")]),
    ("Wait Timestamp without zone", one(wait(Timestamp="2016-03-14T01:59:00")), [(SCHEMA, "/States/S/Timestamp")]),
    ("Wait Timestamp impossible date", one(wait(Timestamp="2016-02-30T01:59:00Z")), [(SCHEMA, "/States/S/Timestamp")]),
    ("Wait Timestamp looks like a path", one(wait(Timestamp="$.when")),
     [("NO_PATH", "/States/S/Timestamp"), (SCHEMA, "/States/S/Timestamp")]),
    ("Wait SecondsPath", one(wait(SecondsPath="$.delay")), []),
    ("Wait TimestampPath from a variable", one(wait(TimestampPath="$deadline")), []),
    ("Wait SecondsPath not a reference path", one(wait(SecondsPath="$.delays[*]")), [(SCHEMA, "/States/S/SecondsPath")]),
    ("Wait without a duration", one(wait()), [(SCHEMA, "/States/S")]),
    ("Wait with two durations", one(wait(Seconds=1, Timestamp="2016-03-14T01:59:00Z")), [(SCHEMA, "/States/S")]),
    ("JSONata Wait expression", jsonata(one(wait(Seconds="{% $states.input.delay %}"))), []),
    ("JSONata Wait Timestamp expression", jsonata(one(wait(Timestamp="{% $now() %}"))), []),
    ("JSONata Wait SecondsPath", jsonata(one(wait(SecondsPath="$.d"))), [(SCHEMA, "/States/S"), (SCHEMA, "/States/S")]),
    # --- Fail and Succeed ---------------------------------------------------------------------------
    ("Fail with Error and Cause", one(fail(Error="Oops", Cause="because")), []),
    ("bare Fail", one(fail()), []),
    ("Fail ErrorPath and CausePath", one(fail(ErrorPath="$.error", CausePath="States.Format('at {}', $.where)")), []),
    ("Fail Error and ErrorPath", one(fail(Error="E", ErrorPath="$.e")), [(SCHEMA, "/States/S/Error")]),
    ("Fail Cause and CausePath", one(fail(Cause="c", CausePath="$.c")), [(SCHEMA, "/States/S/Cause")]),
    ("Fail Error too long", one(fail(Error="E" * 257)), [(SCHEMA, "/States/S/Error")]),
    ("Fail Cause of 32768 characters", one(fail(Cause="c" * 32768)), []),
    ("Fail Cause too long", one(fail(Cause="c" * 32769)), [(SCHEMA, "/States/S/Cause")]),
    ("Fail Error not a string", one(fail(Error=500)), [(SCHEMA, "/States/S/Error")]),
    ("Fail Error looks like a path", one(fail(Error="$.error")), [("NO_PATH", "/States/S/Error")]),
    ("Fail CausePath intrinsic returning an array", one(fail(CausePath="States.Array($.a)")),
     [(SCHEMA, "/States/S/CausePath")]),
    ("Fail ErrorPath with a wildcard", one(fail(ErrorPath="$.errors[*]")), [(SCHEMA, "/States/S/ErrorPath")]),
    ("JSONata Fail expressions", jsonata(one(fail(Error="{% $states.input.e %}", Cause="{% 'x' %}"))), []),
    ("JSONata Fail ErrorPath", jsonata(one(fail(ErrorPath="$.e"))), [(SCHEMA, "/States/S")]),
    ("Succeed with paths", one({"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}), []),
    ("JSONata Succeed Output", jsonata(one({"Type": "Succeed", "Output": "{% $states.input.x %}"})), []),
    # --- Parallel ----------------------------------------------------------------------------------
    ("Parallel with everything", one({
        "Type": "Parallel", "End": True, "InputPath": "$.in", "Parameters": {"x.$": "$.x"},
        "ResultSelector": {"first.$": "$[0]"}, "ResultPath": "$.out", "OutputPath": "$",
        "Retry": [{"ErrorEquals": ["States.ALL"]}], "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "S"}],
        "Branches": [machine({"A": pass_state()}), machine({"B": task()})]}), []),
    ("JSONata Parallel Arguments", jsonata(one({
        "Type": "Parallel", "End": True, "Arguments": {"x": "{% $states.input.x %}"},
        "Output": "{% $states.result[0] %}", "Branches": [machine({"A": pass_state()})]})), []),
    ("JSONata Parallel Arguments literal string", jsonata(one({
        "Type": "Parallel", "End": True, "Arguments": "x", "Branches": [machine({"A": pass_state()})]})),
     [(SCHEMA, "/States/S/Arguments")]),
]


@pytest.mark.parametrize("name, definition, expected", CASES, ids=ids(CASES))
def test_states(name, definition, expected):
    assert found(definition) == expected


def test_resource_message_quotes_the_value():
    (diagnostic,) = found_full(one(task(Resource="HelloWorld")))
    assert diagnostic.message.startswith("Invalid Resource 'HelloWorld'")


def test_range_message_quotes_the_value():
    (diagnostic,) = found_full(one(task(TimeoutSeconds=0)))
    assert diagnostic.message == "Minimum value is 1, got 0"


def test_dollar_field_message_names_the_field():
    (diagnostic,) = found_full(one(task(Parameters={"Payload.$": "Payload"})))
    assert diagnostic.message.startswith(
        "The value for the field 'Payload.$' must be a valid JSONPath or a valid intrinsic function call"
    )


def found_full(definition):
    from designer.asl.validate import validate

    return validate(definition, severity="WARNING")


def test_lambda_constant_is_a_valid_resource():
    assert found(one(task(Resource=LAMBDA))) == []
