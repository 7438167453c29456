"""CreateActivity, DescribeActivity, ListActivities, DeleteActivity, GetActivityTask (a long poll), and the
answers of workers and callbacks: SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat."""
from __future__ import annotations

import asyncio
import time

from django.conf import settings

from executions import callbacks
from executions import services as runs
from executions.aws.authentication import Caller
from executions.aws.dispatch import action, in_thread
from executions.aws.pagination import page
from executions.models import Activity, TaskToken

POLL_INTERVAL_SECONDS = 0.25


@action("CreateActivity")
def create_activity(params: dict, caller: Caller) -> dict:
    activity = runs.create_activity(params["name"], params.get("tags", []))
    caller.record("activity.create", activity.arn)
    return {"activityArn": activity.arn, "creationDate": activity.created_at}


@action("DescribeActivity")
def describe_activity(params: dict, caller: Caller) -> dict:
    activity = runs.find_activity(params["activityArn"])
    return {"activityArn": activity.arn, "name": activity.name, "creationDate": activity.created_at}


@action("ListActivities")
def list_activities(params: dict, caller: Caller) -> dict:
    rows, token = page(Activity.objects.all(), params, scope="ListActivities", key="name")
    return {"activities": [{"activityArn": activity.arn, "name": activity.name,
                            "creationDate": activity.created_at} for activity in rows],
            "nextToken": token}


@action("DeleteActivity")
def delete_activity(params: dict, caller: Caller) -> dict:
    runs.delete_activity(params["activityArn"])
    caller.record("activity.delete", params["activityArn"])
    return {}


@action("GetActivityTask")
async def get_activity_task(params: dict, caller: Caller) -> dict:
    """Wait up to FLOWDECK_ACTIVITY_TASK_WAIT_SECONDS (AWS: 60) for a task; no thread is held while waiting.

    AWS advises clients to allow at least 65 seconds before their read times out."""
    activity = await in_thread(runs.find_activity, params["activityArn"])
    wait = getattr(settings, "FLOWDECK_ACTIVITY_TASK_WAIT_SECONDS", 60)
    deadline = time.monotonic() + wait
    while True:
        claimed = await in_thread(callbacks.get_activity_task, activity, worker_name=params.get("workerName", ""),
                                  wait_seconds=0)
        if claimed is not None:
            token, task_input = claimed
            return {"taskToken": token, "input": task_input}
        left = deadline - time.monotonic()
        if left <= 0:
            return {}  # AWS: no task within the poll: an empty taskToken
        await asyncio.sleep(min(POLL_INTERVAL_SECONDS, left))


@action("SendTaskSuccess")
def send_task_success(params: dict, caller: Caller) -> dict:
    callbacks.send_task_success(params["taskToken"], params["output"])
    _record_answer(caller, "task.approve", params["taskToken"])
    return {}


@action("SendTaskFailure")
def send_task_failure(params: dict, caller: Caller) -> dict:
    callbacks.send_task_failure(params["taskToken"], params.get("error"), params.get("cause"))
    _record_answer(caller, "task.reject", params["taskToken"], error=params.get("error"))
    return {}


@action("SendTaskHeartbeat")
def send_task_heartbeat(params: dict, caller: Caller) -> dict:
    callbacks.send_task_heartbeat(params["taskToken"])
    return {}


def _record_answer(caller: Caller, action: str, token: str, **detail) -> None:
    # The token is a bearer secret: the log names its execution and only the token's last characters.
    arn = TaskToken.objects.filter(token=token).values_list("execution__arn", flat=True).first() or ""
    caller.record(action, arn, token_end=token[-6:], **detail)
