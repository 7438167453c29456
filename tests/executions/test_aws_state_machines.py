"""The AWS-compatible endpoint, state machines: Create / Describe / Update / Delete / ListStateMachines and
ValidateStateMachineDefinition, with boto3 against a live server."""
import json

import pytest

from tests.executions.aws_helpers import PASS, PREFIX, ROLE, error_of, make, post, sfn, unchecked  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_create_describe_list(sfn):
    created = sfn.create_state_machine(name="Orders", definition=PASS, roleArn=ROLE)
    assert created["stateMachineArn"] == f"{PREFIX}:stateMachine:Orders"
    described = sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    assert described["definition"] == PASS and described["status"] == "ACTIVE"
    assert described["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}
    assert "revisionId" not in described
    listed = sfn.list_state_machines()["stateMachines"]
    assert [m["name"] for m in listed] == ["Orders"]
