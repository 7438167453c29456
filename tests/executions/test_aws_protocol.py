"""The AWS-compatible endpoint's protocol: targets, bodies, the model's checks and AWS's error documents, for
every action; and `/` still serving the home page."""
import pytest

from executions.aws import handlers, shapes
from executions.aws.dispatch import ACTIONS
from tests.executions.aws_helpers import PASS, ROLE, error_of, make, post, sfn, unchecked  # noqa: F401

NS = "com.amazonaws.states#"
assert handlers  # importing them fills ACTIONS


def check(action: str, body: dict) -> dict:
    return shapes.check_request(shapes.operation(action), body)


def validation_message(action: str, body) -> str:
    with pytest.raises(Exception) as excinfo:
        check(action, body)
    return type(excinfo.value).__name__ + ": " + excinfo.value.message


# --- The model's checks, without a server ------------------------------------------------------------------

@pytest.mark.parametrize("action, body, expected", [
    ("DescribeExecution", {},
     "ValidationException: 1 validation error detected: Value null at 'executionArn' failed to satisfy "
     "constraint: Member must not be null"),
    ("CreateStateMachine", {"name": "x" * 81, "definition": PASS},
     "ValidationException: 2 validation errors detected: Value '" + "x" * 81 + "' at 'name' failed to satisfy "
     "constraint: Member must have length less than or equal to 80; Value null at 'roleArn' failed to satisfy "
     "constraint: Member must not be null"),
    ("ListStateMachines", {"maxResults": 1001},
     "ValidationException: 1 validation error detected: Value '1001' at 'maxResults' failed to satisfy "
     "constraint: Member must have value less than or equal to 1000"),
    ("ListExecutions", {"stateMachineArn": "a", "statusFilter": "succeeded"},
     "ValidationException: 1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy "
     "constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, "
     "RUNNING]"),
    ("CreateStateMachineAlias", {"name": "123", "routingConfiguration": [
        {"stateMachineVersionArn": "arn:1", "weight": 101}]},
     "ValidationException: 2 validation errors detected: Value '123' at 'name' failed to satisfy constraint: "
     "Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$; Value '101' at "
     "'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or "
     "equal to 100"),
    ("CreateStateMachineAlias", {"name": "live", "routingConfiguration": [
        {"stateMachineVersionArn": f"arn:{n}", "weight": 30} for n in (1, 2, 3)]},
     "ValidationException: 1 validation error detected: Value '[RoutingConfigurationListItem("
     "stateMachineVersionArn=arn:1, weight=30), RoutingConfigurationListItem(stateMachineVersionArn=arn:2, "
     "weight=30), RoutingConfigurationListItem(stateMachineVersionArn=arn:3, weight=30)]' at "
     "'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2"),
    # Sensitive members are not echoed; documents are measured in UTF-8 bytes.
    ("StartExecution", {"stateMachineArn": "a", "input": "\u00e9" * 131_073},
     "ValidationException: 1 validation error detected: Value at 'input' failed to satisfy constraint: "
     "Member must have size less than or equal to 262144 bytes in UTF-8 encoding"),
    ("SendTaskFailure", {"taskToken": "t", "error": "e" * 257},
     "ValidationException: 1 validation error detected: Value at 'error' failed to satisfy constraint: "
     "Member must have length less than or equal to 256"),
    ("StartExecution", {"stateMachineArn": "a", "traceHeader": "\u00e9"},
     "ValidationException: 1 validation error detected: Value '\u00e9' at 'traceHeader' failed to satisfy "
     "constraint: Member must satisfy regular expression pattern: \\p{ASCII}*"),
    ("TagResource", {"resourceArn": "a", "tags": [{"key": "", "value": "v"}]},
     "ValidationException: 1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy "
     "constraint: Member must have length greater than or equal to 1"),
    # Wrong JSON types are the protocol's SerializationException, as on AWS.
    ("ListStateMachines", {"maxResults": "10"},
     "SerializationException: STRING_VALUE can not be converted to an Integer"),
    ("StartExecution", {"stateMachineArn": 7}, "SerializationException: NUMBER_VALUE can not be converted to a String"),
    ("StartExecution", {"stateMachineArn": "a", "input": {"a": 1}},
     "SerializationException: Start of structure or map found where not expected."),
    ("TagResource", {"resourceArn": "a", "tags": {"key": "k"}},
     "SerializationException: Start of structure or map found where not expected."),
    ("GetExecutionHistory", {"executionArn": "a", "reverseOrder": "yes"},
     "SerializationException: STRING_VALUE can not be converted to a Boolean"),
    ("ListStateMachines", [], "SerializationException: Start of list found where not expected"),
])
def test_requests_are_checked_against_the_model_as_aws_checks_them(action, body, expected):
    assert validation_message(action, body) == expected


def test_null_members_are_absent_and_unknown_members_ignored():
    assert check("StartExecution", {"stateMachineArn": "a", "name": None, "surprise": 1}) == {"stateMachineArn": "a"}
    assert check("ListStateMachines", {"maxResults": 5.0}) == {"maxResults": 5}


# --- Over HTTP ---------------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("target, body, status, expected", [
    ("AWSStepFunctions.LaunchRocket", "{}", 400, "com.amazon.coral.service#UnknownOperationException"),
    ("Other.ListStateMachines", "{}", 400, "com.amazon.coral.service#UnknownOperationException"),
    ("AWSStepFunctions.ListStateMachines", "{not json", 400, "com.amazon.coral.service#SerializationException"),
    ("AWSStepFunctions.ListStateMachines", '{"maxResults": NaN}', 400,
     "com.amazon.coral.service#SerializationException"),
    ("AWSStepFunctions.DescribeExecution", "{}", 400, NS + "ValidationException"),
    ("AWSStepFunctions.DescribeExecution", '{"executionArn": "nope"}', 400, NS + "InvalidArn"),
])
def test_errors_are_aws_error_documents(post, target, body, status, expected):
    code, answer = post(target, body)
    assert (code, answer["__type"]) == (status, expected)
    assert answer["message"]


@pytest.mark.django_db(transaction=True)
def test_both_paths_answer_and_an_empty_body_is_an_empty_request(post):
    assert post("AWSStepFunctions.ListStateMachines", b"") == (200, {"stateMachines": []})
    assert post("AWSStepFunctions.ListStateMachines", "{}", path="/aws") == (200, {"stateMachines": []})
    code, answer = post(None, "{}", path="/aws")
    assert (code, answer["__type"]) == (400, "com.amazon.coral.service#UnknownOperationException")


@pytest.mark.django_db(transaction=True)
def test_the_home_page_stays_at_the_root(client, admin_client):
    response = admin_client.get("/", follow=True)  # the home page (the workflows) needs a signed-in user
    assert response.status_code == 200 and b"<html" in response.content.lower()
    # A POST without X-Amz-Target is not an AWS request: it reaches the home view, with its CSRF check.
    csrf_client = type(client)(enforce_csrf_checks=True)
    assert csrf_client.post("/", {}).status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_answers_bad_input_with_aws_shaped_errors(post, action):
    op = shapes.operation(action)
    required = op.input_shape.required_members
    body = {"maxResults": 1001} if not required else {}
    code, answer = post(f"AWSStepFunctions.{action}", body)
    assert code == 400 and answer["__type"] == NS + "ValidationException"
    if required:
        nulls = [f"Value null at '{name}' failed to satisfy constraint: Member must not be null" for name in required]
        count = len(nulls)
        assert answer["message"] == \
            f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(nulls)
    else:
        assert "Member must have value less than or equal to 1000" in answer["message"]
    # A member of the wrong JSON type.
    first = next(iter(op.input_shape.members))
    code, answer = post(f"AWSStepFunctions.{action}", {first: {"not": "this"}})
    assert (code, answer["__type"]) == (400, "com.amazon.coral.service#SerializationException")


@pytest.mark.django_db(transaction=True)
def test_boto3_raises_the_modeled_exceptions(sfn, unchecked):
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist) as excinfo:
        sfn.describe_execution(executionArn="arn:aws:states:us-east-1:123456789012:execution:Orders:none")
    assert error_of(excinfo) == ("ExecutionDoesNotExist", "Execution Does Not Exist: "
                                 "'arn:aws:states:us-east-1:123456789012:execution:Orders:none'")
    with pytest.raises(sfn.exceptions.InvalidArn) as excinfo:
        sfn.describe_state_machine(stateMachineArn="not_a_valid_arn")
    assert error_of(excinfo) == ("InvalidArn", "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'")
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        unchecked.list_executions(stateMachineArn=make(sfn), maxResults=-1)
    assert error_of(excinfo)[1] == ("1 validation error detected: Value '-1' at 'maxResults' failed to satisfy "
                                    "constraint: Member must have value greater than or equal to 0")


def test_every_implemented_action_is_a_step_functions_action():
    assert all(shapes.operation(action) is not None for action in ACTIONS)
