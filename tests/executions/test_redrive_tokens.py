"""RedriveExecution's clientToken (AWS: idempotent responses for the last 10 tokens that redrove the execution,
each valid 15 minutes after its first use): boto3 against a live server, and the REST redrive."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from executions import redrive_tokens, resources, services
from executions.models import Execution
from tests.executions.aws_helpers import make, sfn  # noqa: F401
from tests.executions.runtime import drain, make_machine

pytestmark = pytest.mark.django_db(transaction=True)
FAILING = {"fail": True}


@resources.function("redrive-token-flaky")
def flaky(event):
    if FAILING["fail"]:
        raise RuntimeError("not yet")
    return "done"


FLAKY = {"StartAt": "Call", "States": {"Call": {
    "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:redrive-token-flaky", "End": True}}}


def test_the_same_client_token_redrives_once(sfn):
    FAILING["fail"] = True
    run = sfn.start_execution(stateMachineArn=make(sfn, definition=json.dumps(FLAKY)))["executionArn"]
    drain()
    first = sfn.redrive_execution(executionArn=run, clientToken="retry-1")
    again = sfn.redrive_execution(executionArn=run, clientToken="retry-1")  # while it runs: the same answer
    assert again["redriveDate"] == first["redriveDate"]
    drain()  # fails again
    assert sfn.describe_execution(executionArn=run)["status"] == "FAILED"
    replay = sfn.redrive_execution(executionArn=run, clientToken="retry-1")  # not a second redrive
    assert replay["redriveDate"] == first["redriveDate"]
    described = sfn.describe_execution(executionArn=run)
    assert (described["status"], described["redriveCount"]) == ("FAILED", 1)

    FAILING["fail"] = False
    second = sfn.redrive_execution(executionArn=run, clientToken="retry-2")  # another token: a redrive
    assert second["redriveDate"] > first["redriveDate"]
    drain()
    described = sfn.describe_execution(executionArn=run)
    assert (described["status"], described["redriveCount"], described["output"]) == ("SUCCEEDED", 2, '"done"')
    # Both tokens still answer as their own redrive; a new one (or none: boto3 makes one up) is refused.
    assert sfn.redrive_execution(executionArn=run, clientToken="retry-1")["redriveDate"] == first["redriveDate"]
    assert sfn.redrive_execution(executionArn=run, clientToken="retry-2")["redriveDate"] == second["redriveDate"]
    with pytest.raises(sfn.exceptions.ExecutionNotRedrivable):
        sfn.redrive_execution(executionArn=run, clientToken="retry-3")
    with pytest.raises(sfn.exceptions.ExecutionNotRedrivable):
        sfn.redrive_execution(executionArn=run)


def test_a_token_is_valid_for_15_minutes(sfn):
    FAILING["fail"] = True
    run = sfn.start_execution(stateMachineArn=make(sfn, definition=json.dumps(FLAKY)))["executionArn"]
    drain()
    first = sfn.redrive_execution(executionArn=run, clientToken="nightly")
    drain()
    execution = Execution.objects.get(arn=run)
    aged = [dict(entry, date=(timezone.now() - timedelta(minutes=16)).isoformat())
            for entry in execution.redrive_tokens]
    Execution.objects.filter(pk=execution.pk).update(redrive_tokens=aged)
    later = sfn.redrive_execution(executionArn=run, clientToken="nightly")  # expired: a new redrive
    assert later["redriveDate"] > first["redriveDate"]
    assert sfn.describe_execution(executionArn=run)["redriveCount"] == 2


def test_the_last_ten_tokens_are_kept():
    execution = Execution(redrive_tokens=[])
    now = timezone.now()
    for n in range(12):
        execution.redrive_tokens = redrive_tokens.remembered(execution, f"t{n}", now + timedelta(seconds=n))
    assert [entry["token"] for entry in execution.redrive_tokens] == [f"t{n}" for n in range(2, 12)]
    assert redrive_tokens.replayed(execution, "t1", now + timedelta(seconds=20)) is None
    assert redrive_tokens.replayed(execution, "t2", now + timedelta(seconds=20)) == now + timedelta(seconds=2)
    assert redrive_tokens.replayed(execution, "t2", now + timedelta(minutes=16)) is None


def test_the_rest_redrive_takes_a_client_token(api_client):
    FAILING["fail"] = True
    execution = services.start_execution(make_machine(FLAKY, name="RestRedrive"), input="{}")
    drain()
    url = f"/api/executions/{execution.pk}/redrive/"
    first = api_client.post(url, {"client_token": "rest-1"}, format="json")
    assert (first.status_code, first.data["status"]) == (200, "RUNNING")
    drain()
    replay = api_client.post(url, {"client_token": "rest-1"}, format="json")
    assert (replay.status_code, replay.data["status"]) == (200, "FAILED")  # nothing redriven
    execution.refresh_from_db()
    assert execution.redrive_count == 1
    bad = api_client.post(url, {"client_token": "has space"}, format="json")
    assert bad.status_code == 400 and "client_token" in bad.data
