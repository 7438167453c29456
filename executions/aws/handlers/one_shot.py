"""Actions that run something to its end within the call: StartSyncExecution (Express) and TestState."""
from __future__ import annotations

import json
from typing import Any

from designer import errors
from executions import resources
from executions.aws.authentication import Caller
from executions.aws.dispatch import action
from executions.engine.teststate import CannotTestState
from executions.engine.teststate import test_state as run_test_state


@action("StartSyncExecution")
def start_sync_execution(params: dict, caller: Caller) -> dict:
    from executions import express

    result = express.start_sync_execution_at(params["stateMachineArn"], input=params.get("input"),
                                             name=params.get("name"), trace_header=params.get("traceHeader", ""),
                                             started_by=caller.user)
    caller.record("execution.start", result.execution_arn)
    answer = result.to_aws()
    if params.get("includedData") == "METADATA_ONLY":
        answer.update(input=None, output=None, inputDetails={"included": False},
                      outputDetails={"included": False} if "outputDetails" in answer else None)
    return answer


@action("TestState")
def test_state(params: dict, caller: Caller) -> dict:
    """TestState: a state alone (or `stateName` of a whole machine), its Task answered by the mock or by this
    server's resources (Python functions), with the data-flow stages from inspection level DEBUG."""
    definition = _json(params["definition"], errors.InvalidDefinition, "Invalid State Machine Definition")
    settings = params.get("stateConfiguration", {})
    try:
        result = run_test_state(
            definition, state_name=params.get("stateName"),
            input=_json(params.get("input", "{}"), errors.InvalidExecutionInput, "Invalid input"),
            variables=_json(params.get("variables", "{}"), errors.InvalidExecutionInput, "Invalid variables"),
            context=_json(params.get("context", "{}"), errors.InvalidExecutionInput, "Invalid context"),
            mock=params.get("mock"), resolver=resources.call,
            retrier_retry_count=settings.get("retrierRetryCount", 0))
    except CannotTestState as exc:
        raise errors.InvalidDefinition(f"Invalid State Machine Definition: '{exc}'") from None
    return result.to_aws(params.get("inspectionLevel", "INFO"))


def _json(text: str, error: type[errors.FlowdeckError], what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise error(f"{what}: '{exc}'") from None
