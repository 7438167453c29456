"""Who answers a Task on the server.

`arn:aws:states:::http:invoke` calls an HTTP API and `arn:flowdeck:states:::xmlrpc:call` / `xmlrpc:multicall` an
XML-RPC endpoint, through a stored connection (executions/integrations/); their call records go to the history
events and the `flowdeck.calls` log. Python functions registered by name are the local Lambda: `arn:aws:lambda:<region>:<account>:function:NAME`
calls NAME with the effective input, and `arn:aws:states:::lambda:invoke` calls `FunctionName` with `Payload`
and shapes the result as AWS does. An exception fails the task with an error named after its class.
With `.waitForTaskToken` the function is called (with the token in its payload) and the task then waits for
SendTaskSuccess / SendTaskFailure. Modules listed in FLOWDECK_FUNCTIONS are imported to register functions.
"""
from __future__ import annotations

import importlib
import json
import logging
import traceback
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings

from designer.asl.errors import StatesError
from executions.engine import signals as sig
from executions.engine.resources import ResourceInfo, describe
from executions.integrations import calls

logger = logging.getLogger(__name__)
_functions: dict[str, Callable[[Any], Any]] = {}
_loaded = False


def function(name: str | None = None) -> Callable:
    """Register a Python function as a task resource: `@function("charge-card")`."""

    def register(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        _functions[name or fn.__name__] = fn
        return fn

    return register


def registered(name: str) -> Callable[[Any], Any] | None:
    global _loaded
    if not _loaded:
        for module in getattr(settings, "FLOWDECK_FUNCTIONS", []):
            importlib.import_module(module)
        _loaded = True
    return _functions.get(name)


def invoke(execution_id: int, command: sig.InvokeTask) -> list:
    """Run the resource; the signals to deliver now (a callback task only reports that it started)."""
    info = describe(command.resource)
    if info.resource_type == "states" and info.resource.split(".")[0] == "startExecution":
        from executions import nested

        return nested.invoke(execution_id, command, info)  # delivers its own signals, in one transaction
    started = sig.TaskStarted(command.task_id)
    try:
        result, record = _call_recorded(command, info)
    except StatesError as exc:
        record = exc.call.to_dict() if isinstance(exc, calls.CallFailed) else None
        return [started, sig.TaskFailed(command.task_id, exc.error, exc.cause, call=record)]
    if info.pattern == "CALLBACK":
        # The request went out (carrying the token); the answer comes with SendTaskSuccess / SendTaskFailure.
        return [started, sig.TaskSubmitted(command.task_id, result, call=record)] if record else [started]
    return [started, sig.TaskSucceeded(command.task_id, result, call=record)]


def call(command: sig.InvokeTask) -> Any:
    """Run a request-response resource and return its result (StatesError when it fails)."""
    return _call_recorded(command, describe(command.resource))[0]


def _call_recorded(command: sig.InvokeTask, info: ResourceInfo) -> tuple[Any, dict | None]:
    """The resource's result, and the record of the call it made to a real system (None if it made none)."""
    if info.resource_type not in _INTEGRATIONS:
        return _call(command, info), None
    try:
        result, record = _INTEGRATIONS[info.resource_type](command, info)
    except calls.CallFailed as exc:
        calls.log(exc.call, execution=command.execution_id, state=command.state_name)
        raise
    except StatesError:
        raise
    except Exception as exc:  # noqa: BLE001 -- a fault of ours must fail the task, not leave it waiting forever
        # Its message may quote a request or a connection's secret: the log gets its type and where it arose.
        logger.error("execution %s, state %s: the %s task failed unexpectedly (%s)\n%s", command.execution_id,
                     command.state_name, info.resource_type, type(exc).__name__,
                     "".join(traceback.format_tb(exc.__traceback__)))
        raise StatesError("States.TaskFailed", f"The {info.resource_type} task failed unexpectedly on the "
                                               "server (see its log)") from None
    calls.log(record, execution=command.execution_id, state=command.state_name)
    return result, record.to_dict()


def _http(command: sig.InvokeTask, info: ResourceInfo) -> tuple[Any, calls.CallRecord]:
    from executions.integrations import connections, http

    if info.resource.split(".")[0] != "invoke":
        raise StatesError("States.Runtime", f"Unknown HTTP action '{info.resource}' (expected http:invoke)")
    return http.invoke(command.input, resolve=connections.resolve, attempt=command.attempt + 1, region=info.region)


def _xmlrpc(command: sig.InvokeTask, info: ResourceInfo) -> tuple[Any, calls.CallRecord]:
    from executions.integrations import connections, xmlrpc

    action = info.resource.split(".")[0]
    if action not in ("call", "multicall"):
        raise StatesError("States.Runtime", f"Unknown XML-RPC action '{info.resource}' (expected xmlrpc:call "
                                            "or xmlrpc:multicall)")
    return xmlrpc.invoke(command.input, resolve=connections.resolve, attempt=command.attempt + 1,
                         multicall=action == "multicall")


_INTEGRATIONS = {"http": _http, "xmlrpc": _xmlrpc}


def _call(command: sig.InvokeTask, info: ResourceInfo) -> Any:
    if info.family == "LambdaFunction":
        return _run_function(_function_name(command.resource), command.input)
    if info.resource_type == "lambda" and info.resource.split(".")[0] == "invoke":
        parameters = command.input if isinstance(command.input, dict) else {}
        name = parameters.get("FunctionName")
        if not isinstance(name, str):
            raise StatesError("States.Runtime", "lambda:invoke needs a FunctionName string in its Parameters")
        payload = _run_function(_function_name(name), parameters.get("Payload"))
        # AWS's lambda:invoke result shape (the function's return value is under Payload).
        request_id = str(uuid.uuid4())
        return {
            "ExecutedVersion": "$LATEST",
            "Payload": payload,
            "SdkHttpMetadata": {"HttpHeaders": {"Content-Type": "application/json",
                                                "X-Amz-Executed-Version": "$LATEST",
                                                "x-amzn-RequestId": request_id},
                                "HttpStatusCode": 200},
            "SdkResponseMetadata": {"RequestId": request_id},
            "StatusCode": 200,
        }
    raise StatesError("States.TaskFailed", f"No handler for the resource '{command.resource}' on this server")


def _function_name(name_or_arn: str) -> str:
    # NAME, or arn:aws:lambda:<region>:<account>:function:NAME[:qualifier]
    parts = name_or_arn.split(":")
    return parts[6] if name_or_arn.startswith("arn:") and len(parts) >= 7 else name_or_arn


def _run_function(name: str, payload: Any) -> Any:
    fn = registered(name)
    if fn is None:
        raise StatesError("Lambda.ResourceNotFoundException", f"Function not found: {name}")
    try:
        result = fn(payload)
    except StatesError:
        raise
    except Exception as exc:  # noqa: BLE001 -- the function's failure is the task's failure
        _error(exc)
    try:
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StatesError("Lambda.Unknown", f"The function {name} returned a value that is not JSON: {exc}") from None
    return result


def _error(exc: Exception) -> None:
    # As Lambda reports it: the error is the exception's type, the cause a JSON document about it.
    cause = json.dumps({"errorMessage": str(exc), "errorType": type(exc).__name__,
                        "stackTrace": traceback.format_tb(exc.__traceback__)[-5:]})
    raise StatesError(type(exc).__name__, cause)
