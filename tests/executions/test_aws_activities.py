"""The AWS-compatible endpoint, activities and task tokens: Create / Describe / List / DeleteActivity,
GetActivityTask (a long poll that holds no thread), SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat."""
import asyncio
import json
import time

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from executions import resources
from tests.executions.aws_helpers import PREFIX, error_of, key_of, make, sfn, sign, unchecked  # noqa: F401
from tests.executions.runtime import drain

pytestmark = pytest.mark.django_db(transaction=True)
ACTIVITY = f"{PREFIX}:activity:Picker"


def picking(heartbeat: int | None = None) -> str:
    task = {"Type": "Task", "Resource": ACTIVITY, "End": True}
    if heartbeat:
        task["HeartbeatSeconds"] = heartbeat
    return json.dumps({"StartAt": "Pick", "States": {"Pick": task}})


@resources.function("aws-callback")
def callback(event):
    return {"queued": True}


def test_activity_lifecycle(sfn, unchecked):
    created = sfn.create_activity(name="Picker", tags=[{"key": "team", "value": "warehouse"}])
    assert created["activityArn"] == ACTIVITY
    again = sfn.create_activity(name="Picker", tags=[{"key": "other", "value": "ignored"}])
    assert again["creationDate"] == created["creationDate"]  # idempotent by name; the new tags are ignored
    assert sfn.list_tags_for_resource(resourceArn=ACTIVITY)["tags"] == [{"key": "team", "value": "warehouse"}]
    described = sfn.describe_activity(activityArn=ACTIVITY)
    assert (described["name"], described["creationDate"]) == ("Picker", created["creationDate"])
    sfn.create_activity(name="Packer")
    assert [a["name"] for a in sfn.list_activities()["activities"]] == ["Packer", "Picker"]
    page = sfn.list_activities(maxResults=1)
    assert [a["name"] for a in sfn.list_activities(maxResults=1, nextToken=page["nextToken"])["activities"]] == \
        ["Picker"]
    sfn.delete_activity(activityArn=ACTIVITY)
    sfn.delete_activity(activityArn=ACTIVITY)  # already gone: succeeds
    with pytest.raises(sfn.exceptions.ActivityDoesNotExist) as excinfo:
        sfn.describe_activity(activityArn=ACTIVITY)
    assert error_of(excinfo) == ("ActivityDoesNotExist", f"Activity Does Not Exist: '{ACTIVITY}'")
    with pytest.raises(sfn.exceptions.ActivityDoesNotExist):
        sfn.get_activity_task(activityArn=ACTIVITY)
    with pytest.raises(sfn.exceptions.InvalidName):
        sfn.create_activity(name="bad name")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_activity(activityArn=f"{PREFIX}:stateMachine:Picker")
    with pytest.raises(sfn.exceptions.ValidationException):
        unchecked.create_activity(name="a" * 81)
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.list_activities(nextToken="forged")


def test_a_worker_takes_the_task_and_answers(sfn):
    sfn.create_activity(name="Picker")
    arn = make(sfn, definition=picking())
    run = sfn.start_execution(stateMachineArn=arn, input='{"order": 7}')["executionArn"]
    task = sfn.get_activity_task(activityArn=ACTIVITY, workerName="picker-1")
    assert json.loads(task["input"]) == {"order": 7}
    assert sfn.get_activity_task(activityArn=ACTIVITY).get("taskToken") is None  # handed out once
    sfn.send_task_heartbeat(taskToken=task["taskToken"])
    sfn.send_task_success(taskToken=task["taskToken"], output='{"picked": true}')
    described = sfn.describe_execution(executionArn=run)
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"picked": True})
    history = [event["type"] for event in sfn.get_execution_history(executionArn=run)["events"]]
    assert history[2:5] == ["ActivityScheduled", "ActivityStarted", "ActivitySucceeded"]
    started = sfn.get_execution_history(executionArn=run)["events"][3]
    assert started["activityStartedEventDetails"] == {"workerName": "picker-1"}
    # The token is single use.
    with pytest.raises(sfn.exceptions.TaskTimedOut):
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.send_task_success(taskToken="never-issued", output="{}")


def test_a_worker_reports_failure(sfn, unchecked):
    sfn.create_activity(name="Picker")
    run = sfn.start_execution(stateMachineArn=make(sfn, definition=picking()))["executionArn"]
    token = sfn.get_activity_task(activityArn=ACTIVITY)["taskToken"]
    with pytest.raises(sfn.exceptions.InvalidOutput):
        sfn.send_task_success(taskToken=token, output="not json")
    with pytest.raises(sfn.exceptions.ValidationException) as excinfo:
        unchecked.send_task_failure(taskToken=token, error="e" * 257)
    assert error_of(excinfo)[1] == ("1 validation error detected: Value at 'error' failed to satisfy constraint: "
                                    "Member must have length less than or equal to 256")
    sfn.send_task_failure(taskToken=token, error="OutOfStock", cause="none left")
    described = sfn.describe_execution(executionArn=run)
    assert (described["status"], described["error"], described["cause"]) == ("FAILED", "OutOfStock", "none left")
    with pytest.raises(sfn.exceptions.TaskTimedOut):
        sfn.send_task_heartbeat(taskToken=token)
    with pytest.raises(sfn.exceptions.ValidationException):
        unchecked.send_task_heartbeat(taskToken="")


def test_callback_tokens_are_answered_through_the_endpoint(sfn):
    definition = json.dumps({"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "aws-callback", "Payload": {"token.$": "$$.Task.Token"}}, "End": True}}})
    run = sfn.start_execution(stateMachineArn=make(sfn, definition=definition))["executionArn"]
    drain()
    from executions.models import TaskToken

    token = TaskToken.objects.get().token
    sfn.send_task_success(taskToken=token, output='"approved"')
    assert json.loads(sfn.describe_execution(executionArn=run)["output"]) == "approved"


def test_an_empty_poll_ends_after_the_wait_without_a_token(sfn):
    sfn.create_activity(name="Picker")
    began = time.monotonic()
    answer = sfn.get_activity_task(activityArn=ACTIVITY)
    assert "taskToken" not in answer and 0.9 < time.monotonic() - began < 5


async def _poll_beside_other_requests(settings, django_user_model) -> tuple[float, list[float]]:
    settings.FLOWDECK_ACTIVITY_TASK_WAIT_SECONDS = 2
    client = AsyncClient()
    admin = await django_user_model.objects.acreate(username="admin", is_superuser=True)
    key = await sync_to_async(key_of)(admin)

    async def call(action: str, body: dict) -> tuple[float, dict]:
        data = json.dumps(body).encode()
        headers = sign("http://testserver/", data, {"Content-Type": "application/x-amz-json-1.0",
                                                    "X-Amz-Target": f"AWSStepFunctions.{action}"}, key)
        response = await client.post("/", data, content_type=headers.pop("Content-Type"), headers=headers)
        return time.monotonic(), json.loads(response.content)

    await call("CreateActivity", {"name": "Picker"})
    began = time.monotonic()
    polled, *quick = await asyncio.gather(
        call("GetActivityTask", {"activityArn": ACTIVITY}),
        *[call("ListActivities", {}) for _ in range(8)])
    assert polled[1] == {} and all(answer["activities"] for _, answer in quick)
    return polled[0] - began, [done - began for done, _ in quick]


@pytest.mark.asyncio
async def test_a_long_poll_holds_no_thread(settings, django_user_model):
    """Under ASGI, a waiting GetActivityTask does not hold up other requests."""
    # Without any static-files middleware at all (the view alone); the next test has the project's chain.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "StaticFiles" not in m]
    polled, quick = await _poll_beside_other_requests(settings, django_user_model)
    assert polled >= 1.9 and max(quick) < 1.5


@pytest.mark.asyncio
async def test_a_long_poll_holds_no_thread_with_the_project_middleware(settings, django_user_model):
    polled, quick = await _poll_beside_other_requests(settings, django_user_model)
    assert polled >= 1.9 and max(quick) < 1.5
