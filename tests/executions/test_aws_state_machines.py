"""The AWS-compatible endpoint, state machines: Create / Describe / Update / Delete / ListStateMachines and
ValidateStateMachineDefinition, with boto3 against a live server."""
import json

import pytest

from executions.models import Execution
from tests.executions.aws_helpers import PASS, PREFIX, ROLE, error_of, make, post, sfn, unchecked  # noqa: F401
from tests.executions.runtime import drain

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}})
OTHER = json.dumps({"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}})


def test_create_describe_list(sfn):
    created = sfn.create_state_machine(name="Orders", definition=PASS, roleArn=ROLE)
    assert created["stateMachineArn"] == f"{PREFIX}:stateMachine:Orders"
    assert "stateMachineVersionArn" not in created
    described = sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    assert described["creationDate"] == created["creationDate"]
    assert {key: described[key] for key in ("name", "status", "definition", "roleArn", "type",
                                            "loggingConfiguration", "tracingConfiguration")} == {
        "name": "Orders", "status": "ACTIVE", "definition": PASS, "roleArn": ROLE, "type": "STANDARD",
        "loggingConfiguration": {"level": "OFF", "includeExecutionData": False},
        "tracingConfiguration": {"enabled": False}}
    assert "revisionId" not in described  # AWS shows one only once the machine has been updated
    metadata = sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"], includedData="METADATA_ONLY")
    assert metadata["definition"] == "{}"  # AWS: "the returned definition will be {}"
    assert "variableReferences" not in described  # no state reads a variable
    assert [m["name"] for m in sfn.list_state_machines()["stateMachines"]] == ["Orders"]


def test_create_is_idempotent_for_the_same_request_and_refuses_a_different_one(sfn):
    first = sfn.create_state_machine(name="Orders", definition=PASS, roleArn=ROLE, tags=[{"key": "a", "value": "1"}])
    again = sfn.create_state_machine(name="Orders", definition=PASS, roleArn=ROLE + "-other")  # role: ignored
    assert again == {**first, "ResponseMetadata": again["ResponseMetadata"]}
    with pytest.raises(sfn.exceptions.StateMachineAlreadyExists) as excinfo:
        sfn.create_state_machine(name="Orders", definition=OTHER, roleArn=ROLE)
    assert error_of(excinfo) == ("StateMachineAlreadyExists",
                                 f"State Machine Already Exists: '{PREFIX}:stateMachine:Orders'")
    with pytest.raises(sfn.exceptions.StateMachineAlreadyExists):
        sfn.create_state_machine(name="Orders", definition=PASS, roleArn=ROLE, type="EXPRESS")


def test_create_with_publish_makes_version_1(sfn):
    created = sfn.create_state_machine(name="Orders", definition=PASS, roleArn=ROLE, publish=True,
                                       versionDescription="first")
    assert created["stateMachineVersionArn"] == f"{PREFIX}:stateMachine:Orders:1"
    version = sfn.describe_state_machine(stateMachineArn=created["stateMachineVersionArn"])
    assert (version["stateMachineArn"], version["description"], version["definition"]) == (
        f"{PREFIX}:stateMachine:Orders:1", "first", PASS)
    again = sfn.create_state_machine(name="Orders", definition=PASS, roleArn=ROLE, publish=True,
                                     versionDescription="first")
    assert again["stateMachineVersionArn"] == created["stateMachineVersionArn"]
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        sfn.create_state_machine(name="Other", definition=PASS, roleArn=ROLE, versionDescription="no publish")
    assert error_of(excinfo)[1] == "Version description can only be set when publish is true"


def test_create_refuses_bad_names_and_definitions(sfn, unchecked):
    with pytest.raises(sfn.exceptions.InvalidName):
        sfn.create_state_machine(name="has space", definition=PASS, roleArn=ROLE)
    with pytest.raises(sfn.exceptions.InvalidDefinition) as excinfo:
        sfn.create_state_machine(name="Broken", definition=json.dumps({"StartAt": "A"}), roleArn=ROLE)
    assert error_of(excinfo)[1].startswith("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED")
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        unchecked.create_state_machine(name="Typed", definition=PASS, roleArn=ROLE, type="LAMBDA")
    assert error_of(excinfo)[1] == ("1 validation error detected: Value 'LAMBDA' at 'type' failed to satisfy "
                                    "constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]")
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        unchecked.create_state_machine(name="Orders", definition=PASS)
    assert "Value null at 'roleArn' failed to satisfy constraint: Member must not be null" in error_of(excinfo)[1]
    # More digits than Python reads into an int: a bare ValueError (an internal error) before.
    huge = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Result": ' + "9" * 4301 + "}}}"
    with pytest.raises(sfn.exceptions.InvalidDefinition) as excinfo:
        sfn.create_state_machine(name="Huge", definition=huge, roleArn=ROLE)
    assert "The number has 4,301 digits; an integer has at most 4,300 at line 1, column 74" in error_of(excinfo)[1]
    validated = sfn.validate_state_machine_definition(definition=huge)
    assert [(d["code"], d["message"]) for d in validated["diagnostics"]] == [
        ("INVALID_JSON_DESCRIPTION",
         "Invalid JSON: The number has 4,301 digits; an integer has at most 4,300 at line 1, column 74")]


def test_describe_errors(sfn):
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist) as excinfo:
        sfn.describe_state_machine(stateMachineArn=f"{PREFIX}:stateMachine:Nope")
    assert error_of(excinfo)[1] == f"State Machine Does Not Exist: '{PREFIX}:stateMachine:Nope'"
    make(sfn)
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=f"{PREFIX}:stateMachine:Orders:3")  # no such version
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn="arn:aws:states:eu-west-1:123456789012:stateMachine:Orders")
    with pytest.raises(sfn.exceptions.InvalidArn) as excinfo:
        sfn.describe_state_machine(stateMachineArn=f"{PREFIX}:execution:Orders:x")
    assert error_of(excinfo)[1] == "Invalid Arn: 'Resource type not valid in this context: execution'"


def test_update_makes_revisions_and_publishes(sfn, unchecked):
    arn = make(sfn)
    updated = sfn.update_state_machine(stateMachineArn=arn, definition=OTHER)
    assert "stateMachineVersionArn" not in updated
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert (described["definition"], described["revisionId"]) == (OTHER, updated["revisionId"])
    same = sfn.update_state_machine(stateMachineArn=arn, definition=OTHER)  # nothing changed: same revision
    assert same["revisionId"] == updated["revisionId"]
    published = sfn.update_state_machine(stateMachineArn=arn, roleArn=ROLE + "2", publish=True,
                                         versionDescription="v1")
    assert published["stateMachineVersionArn"] == f"{arn}:1"
    assert sfn.describe_state_machine(stateMachineArn=f"{arn}:1")["roleArn"] == ROLE + "2"
    logged = sfn.update_state_machine(stateMachineArn=arn, tracingConfiguration={"enabled": True})
    assert logged["revisionId"] == published["revisionId"]
    assert sfn.describe_state_machine(stateMachineArn=arn)["tracingConfiguration"] == {"enabled": True}

    with pytest.raises(sfn.exceptions.MissingRequiredParameter) as excinfo:
        sfn.update_state_machine(stateMachineArn=arn)
    assert error_of(excinfo)[1] == ("Either the definition, the role ARN, the LoggingConfiguration, or the "
                                    "TracingConfiguration must be specified")
    with pytest.raises(sfn.exceptions.InvalidDefinition):
        sfn.update_state_machine(stateMachineArn=arn, definition="{}")
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.update_state_machine(stateMachineArn=f"{PREFIX}:stateMachine:Nope", definition=PASS)
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.update_state_machine(stateMachineArn=f"{arn}:1", definition=PASS)
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.update_state_machine(stateMachineArn=arn, definition=PASS, versionDescription="without publish")
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        unchecked.update_state_machine(stateMachineArn=arn, loggingConfiguration={"level": "LOUD"})
    assert "at 'loggingConfiguration.level' failed to satisfy constraint" in error_of(excinfo)[1]


def test_delete(sfn, live_server):
    arn = make(sfn)
    assert sfn.delete_state_machine(stateMachineArn=arn)["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=arn)
    sfn.delete_state_machine(stateMachineArn=arn)  # AWS: deleting what does not exist succeeds
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.delete_state_machine(stateMachineArn="nope")
    # The name is free again.
    assert make(sfn, definition=OTHER) == arn


def test_delete_while_executions_run_leaves_the_machine_deleting(sfn):
    arn = make(sfn, definition=WAIT, publish=True)
    waits = sfn.start_execution(stateMachineArn=arn, name="waits")["executionArn"]
    stopped = sfn.start_execution(stateMachineArn=arn, name="stopped")["executionArn"]
    sfn.delete_state_machine(stateMachineArn=arn)
    assert sfn.describe_state_machine(stateMachineArn=arn)["status"] == "DELETING"
    assert sfn.list_state_machines()["stateMachines"] == []
    with pytest.raises(sfn.exceptions.StateMachineDeleting):
        sfn.start_execution(stateMachineArn=arn)
    with pytest.raises(sfn.exceptions.StateMachineDeleting):
        make(sfn, definition=WAIT)
    assert [e["status"] for e in sfn.list_executions(stateMachineArn=arn)["executions"]] == ["RUNNING", "RUNNING"]

    # AWS: a running execution is failed at its next state transition (here: its Wait ends).
    drain(jump_timers=1)
    failed = sfn.describe_execution(executionArn=waits)
    assert (failed["status"], failed["error"], failed["cause"]) == (
        "FAILED", "States.Runtime", "State machine Orders has been deleted.")
    last = sfn.get_execution_history(executionArn=waits, reverseOrder=True)["events"][0]
    assert (last["type"], last["executionFailedEventDetails"]) == (
        "ExecutionFailed", {"error": "States.Runtime", "cause": "State machine Orders has been deleted."})
    assert sfn.describe_execution(executionArn=stopped)["status"] == "RUNNING"
    assert sfn.describe_state_machine(stateMachineArn=arn)["status"] == "DELETING"  # "stopped" still runs

    # Stopping the last one ends the deletion: the machine, its versions and aliases are gone.
    sfn.stop_execution(executionArn=stopped)
    assert sfn.describe_execution(executionArn=stopped)["status"] == "ABORTED"
    for gone in (arn, f"{arn}:1"):
        with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
            sfn.describe_state_machine(stateMachineArn=gone)
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.list_executions(stateMachineArn=arn)
    # The executions are still described, as AWS keeps them (90 days by default, see test_retention.py).
    described = sfn.describe_execution(executionArn=waits)
    assert (described["stateMachineArn"], described["redriveStatus"]) == (arn, "NOT_REDRIVABLE")
    assert sfn.describe_state_machine_for_execution(executionArn=waits)["definition"] == WAIT
    with pytest.raises(sfn.exceptions.ExecutionNotRedrivable):
        sfn.redrive_execution(executionArn=waits)

    # The name is free again; the old executions' names are not (they are kept).
    assert make(sfn, definition=PASS) == arn
    assert sfn.describe_state_machine(stateMachineArn=arn)["definition"] == PASS
    assert sfn.list_executions(stateMachineArn=arn)["executions"] == []
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(stateMachineArn=arn, name="waits")
    assert sfn.describe_execution(executionArn=waits)["status"] == "FAILED"


def test_delete_with_only_ended_executions_deletes_at_once(sfn):
    arn = make(sfn)
    run = sfn.start_execution(stateMachineArn=arn, name="done")["executionArn"]
    drain()
    sfn.delete_state_machine(stateMachineArn=arn)
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=arn)
    assert sfn.describe_execution(executionArn=run)["output"] == '{"ok":1}'
    assert [e["type"] for e in sfn.get_execution_history(executionArn=run)["events"]][-1] == "ExecutionSucceeded"
    assert make(sfn, definition=OTHER) == arn


def test_delete_an_express_machine_at_once_its_executions_run_on(sfn):
    minute = json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}})
    arn = make(sfn, definition=minute, type="EXPRESS")
    run = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    sfn.delete_state_machine(stateMachineArn=arn)  # AWS: Express machines are deleted at once
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=arn)
    drain(jump_timers=1)
    assert Execution.objects.get(arn=run).status == "SUCCEEDED"
    assert make(sfn, definition=PASS) == arn


def test_version_and_alias_arns_are_not_deleted_by_delete_state_machine(sfn):
    arn = make(sfn, publish=True)
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.delete_state_machine(stateMachineArn=f"{arn}:1")


def test_list_pages(sfn, unchecked):
    for name in ["c", "a", "e", "b", "d"]:
        make(sfn, name=name)
    first = sfn.list_state_machines(maxResults=2)
    assert [m["name"] for m in first["stateMachines"]] == ["a", "b"]
    second = sfn.list_state_machines(maxResults=2, nextToken=first["nextToken"])
    assert [m["name"] for m in second["stateMachines"]] == ["c", "d"]
    last = sfn.list_state_machines(maxResults=2, nextToken=second["nextToken"])
    assert ([m["name"] for m in last["stateMachines"]], "nextToken" in last) == (["e"], False)
    everything = [m["name"] for page in sfn.get_paginator("list_state_machines").paginate(PaginationConfig={
        "PageSize": 2}) for m in page["stateMachines"]]
    assert everything == ["a", "b", "c", "d", "e"]
    assert sfn.list_state_machines(maxResults=0)["stateMachines"][0]["type"] == "STANDARD"  # 0: the default 100
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.list_state_machines(nextToken="forged")
    with pytest.raises(sfn.exceptions.InvalidToken):  # a token of another list
        sfn.list_activities(nextToken=first["nextToken"])
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        unchecked.list_state_machines(nextToken="x" * 1025)
    assert error_of(excinfo)[1].endswith("at 'nextToken' failed to satisfy constraint: Member must have length "
                                         "less than or equal to 1024")


def test_validate_state_machine_definition(sfn, unchecked):
    assert sfn.validate_state_machine_definition(definition=PASS)["result"] == "OK"
    failed = sfn.validate_state_machine_definition(definition=json.dumps({}))
    assert (failed["result"], failed["truncated"]) == ("FAIL", False)
    assert failed["diagnostics"][0]["code"] == "SCHEMA_VALIDATION_FAILED"
    assert failed["diagnostics"][0]["severity"] == "ERROR"
    empty = sfn.validate_state_machine_definition(definition=" ")
    assert empty["result"] == "FAIL" and "location" not in empty["diagnostics"][0]

    many = {"StartAt": "S0", "States": {f"S{i}": {"Type": "Pass", "Next": "Nowhere"} for i in range(5)}}
    all_problems = sfn.validate_state_machine_definition(definition=json.dumps(many))
    assert len(all_problems["diagnostics"]) > 2
    truncated = sfn.validate_state_machine_definition(definition=json.dumps(many), maxResults=2)
    assert (len(truncated["diagnostics"]), truncated["truncated"]) == (2, True)

    callback = json.dumps({"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": True}}})
    assert sfn.validate_state_machine_definition(definition=callback)["result"] == "OK"
    express = sfn.validate_state_machine_definition(definition=callback, type="EXPRESS")
    assert express["result"] == "FAIL"
    assert express["diagnostics"] == [{
        "severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "location": "/States/Ask/Resource",
        "message": "Express state machine does not support '.waitForTaskToken' service integration "}]

    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        unchecked.validate_state_machine_definition(definition=PASS, severity="INFO")
    assert "at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]" \
        in error_of(excinfo)[1]
    with pytest.raises(sfn.exceptions.ValidationException):
        unchecked.validate_state_machine_definition(definition=PASS, maxResults=101)


LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/orders"


def test_logging_configuration_is_checked_stored_and_described(sfn):
    logging = {"level": "ERROR", "includeExecutionData": True,
               "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": f"{LOG_GROUP}:*"}}]}
    arn = make(sfn, loggingConfiguration=logging)
    assert sfn.describe_state_machine(stateMachineArn=arn)["loggingConfiguration"] == logging
    # Only the level given: AWS fills in includeExecutionData.
    sfn.update_state_machine(stateMachineArn=arn, loggingConfiguration={"level": "OFF"})
    assert sfn.describe_state_machine(stateMachineArn=arn)["loggingConfiguration"] == {
        "level": "OFF", "includeExecutionData": False}
    sfn.update_state_machine(stateMachineArn=arn, loggingConfiguration={
        "level": "ALL", "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": f"{LOG_GROUP}:*"}}]})
    described = sfn.describe_state_machine(stateMachineArn=arn)["loggingConfiguration"]
    assert (described["level"], described["includeExecutionData"]) == ("ALL", False)
    run = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    assert sfn.describe_state_machine_for_execution(executionArn=run)["loggingConfiguration"] == described

    destination = {"cloudWatchLogsLogGroup": {"logGroupArn": f"{LOG_GROUP}:*"}}
    refused = [
        ({"level": "ALL"}, "Must specify exactly one Log Destination."),
        ({"level": "FATAL", "destinations": []}, "Must specify exactly one Log Destination."),
        ({"level": "ERROR", "destinations": [destination, destination]}, "Must specify exactly one Log Destination."),
        ({"level": "OFF", "destinations": [destination, destination]}, "Must specify exactly one Log Destination."),
        ({"level": "ALL", "destinations": [{}]}, "Must set valid CloudWatch Log Group ARN."),
        ({"level": "ALL", "destinations": [{"cloudWatchLogsLogGroup": {}}]},
         "Must set valid CloudWatch Log Group ARN."),
        ({"level": "ALL", "destinations": [{"cloudWatchLogsLogGroup": {
            "logGroupArn": "arn:aws:s3:::bucket/key:*"}}]}, "Provided ARN is not CloudWatch Logs Log Group ARN."),
        ({"level": "ALL", "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": LOG_GROUP}}]},
         "Log Group ARN must be provided with '*' qualifier."),
    ]
    for configuration, message in refused:
        with pytest.raises(sfn.exceptions.InvalidLoggingConfiguration) as excinfo:
            make(sfn, name="Logged", loggingConfiguration=configuration)
        assert error_of(excinfo) == ("InvalidLoggingConfiguration", f"Invalid Logging Configuration: {message}")
        with pytest.raises(sfn.exceptions.InvalidLoggingConfiguration):
            sfn.update_state_machine(stateMachineArn=arn, loggingConfiguration=configuration)
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=f"{PREFIX}:stateMachine:Logged")  # nothing was created
    assert sfn.describe_state_machine(stateMachineArn=arn)["loggingConfiguration"] == described  # unchanged


def test_encryption_configuration_is_checked_stored_and_described(sfn):
    arn = make(sfn)
    assert sfn.describe_state_machine(stateMachineArn=arn)["encryptionConfiguration"] == {"type": "AWS_OWNED_KEY"}
    key = {"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": "alias/orders", "kmsDataKeyReusePeriodSeconds": 120}
    sfn.update_state_machine(stateMachineArn=arn, encryptionConfiguration=key)
    assert sfn.describe_state_machine(stateMachineArn=arn)["encryptionConfiguration"] == key
    run = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    assert sfn.describe_state_machine_for_execution(executionArn=run)["encryptionConfiguration"] == key

    keyed = make(sfn, name="Keyed", encryptionConfiguration=key)
    assert sfn.describe_state_machine(stateMachineArn=keyed)["encryptionConfiguration"] == key
    # CreateStateMachine's idempotency takes the encryption configuration into account (AWS).
    assert make(sfn, name="Keyed", encryptionConfiguration=key) == keyed
    with pytest.raises(sfn.exceptions.StateMachineAlreadyExists):
        make(sfn, name="Keyed")
    with pytest.raises(sfn.exceptions.InvalidEncryptionConfiguration) as excinfo:
        make(sfn, name="NoKey", encryptionConfiguration={"type": "CUSTOMER_MANAGED_KMS_KEY"})
    assert error_of(excinfo)[1] == ("Invalid Encryption Configuration: 'kmsKeyId' is required when 'type' is "
                                    "'CUSTOMER_MANAGED_KMS_KEY'")
    with pytest.raises(sfn.exceptions.InvalidEncryptionConfiguration):
        sfn.update_state_machine(stateMachineArn=arn, encryptionConfiguration={"type": "CUSTOMER_MANAGED_KMS_KEY"})


VARIABLES = json.dumps({"StartAt": "Setup", "States": {
    "Setup": {"Type": "Pass", "Assign": {"limit": 3, "seen": []}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$limit", "NumericGreaterThan": 2, "Next": "Done"}],
              "Default": "Done"},
    "Done": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $count($seen) + $limit %}", "End": True}}})


def test_variable_references_are_described(sfn):
    arn = make(sfn, definition=VARIABLES, publish=True)
    expected = {"Check": ["limit"], "Done": ["limit", "seen"]}
    assert sfn.describe_state_machine(stateMachineArn=arn)["variableReferences"] == expected
    assert sfn.describe_state_machine(stateMachineArn=f"{arn}:1")["variableReferences"] == expected
    metadata = sfn.describe_state_machine(stateMachineArn=arn, includedData="METADATA_ONLY")
    assert (metadata["definition"], "variableReferences" in metadata) == ("{}", False)
    run = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    sfn.update_state_machine(stateMachineArn=arn, definition=PASS)  # the execution keeps its revision
    assert "variableReferences" not in sfn.describe_state_machine(stateMachineArn=arn)
    described = sfn.describe_state_machine_for_execution(executionArn=run)
    assert (described["definition"], described["variableReferences"]) == (VARIABLES, expected)
    metadata = sfn.describe_state_machine_for_execution(executionArn=run, includedData="METADATA_ONLY")
    assert (metadata["definition"], "variableReferences" in metadata) == ("{}", False)
