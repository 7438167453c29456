"""DescribeMapRun, ListMapRuns, UpdateMapRun: the Map Runs of Distributed Maps (executions/maprun.py)."""
from __future__ import annotations

from executions import maprun
from executions import services as runs
from executions.aws.authentication import Caller
from executions.aws.dispatch import action
from executions.aws.pagination import page


@action("DescribeMapRun")
def describe_map_run(params: dict, caller: Caller) -> dict:
    run = maprun.find_map_run(params["mapRunArn"])
    items, executions = maprun.counts(run)
    return {
        "mapRunArn": run.arn,
        "executionArn": run.execution.arn,
        "status": run.status,
        "startDate": run.start_date,
        "stopDate": run.stop_date,
        "maxConcurrency": run.max_concurrency,
        "toleratedFailurePercentage": run.tolerated_failure_percentage,
        "toleratedFailureCount": run.tolerated_failure_count,
        "itemCounts": items,
        "executionCounts": executions,
        "redriveCount": run.redrive_count,
        "redriveDate": run.redrive_date,
    }


@action("ListMapRuns")
def list_map_runs(params: dict, caller: Caller) -> dict:
    execution = runs.find_execution(params["executionArn"])
    rows, token = page(maprun.list_map_runs(execution), params, scope=f"ListMapRuns:{execution.arn}",
                       descending=True)
    return {"mapRuns": [{"executionArn": execution.arn, "mapRunArn": run.arn,
                         "stateMachineArn": run.state_machine_arn, "startDate": run.start_date,
                         "stopDate": run.stop_date} for run in rows],
            "nextToken": token}


@action("UpdateMapRun")
def update_map_run(params: dict, caller: Caller) -> dict:
    maprun.update_map_run(maprun.find_map_run(params["mapRunArn"]), max_concurrency=params.get("maxConcurrency"),
                          tolerated_count=params.get("toleratedFailureCount"),
                          tolerated_percentage=params.get("toleratedFailurePercentage"))
    caller.record("map_run.update", params["mapRunArn"])
    return {}
