"""Mocked tasks for executions on the server: AWS Step Functions Local's MockConfigFile, by test case.

An execution started with a test case name (`start_execution(..., test_case="HappyPath")`; on the AWS
endpoint `stateMachineArn#HappyPath`, as Step Functions Local takes it) has the Task states that its test
case names answered by their mocked responses; the other tasks run for real. The file is named by the
FLOWDECK_MOCK_CONFIG setting or environment variable (SFN_MOCK_CONFIG, Step Functions Local's name, is
read too) and parsed by executions/engine/mocks.py; it is read again when it changes.

The n-th invocation of a mocked state (retries, loop passes and Map iterations included, counted from 0
across the whole execution, as Step Functions Local counts) takes the mocked response numbered n. The
number is taken when the engine schedules the task, inside the step's transaction, and the count is
stored on the execution with that step: it survives restarts, and a job that runs twice answers the same
invocation twice rather than consuming the next one.
"""
from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

from designer import errors
from designer.asl import errors as asl_errors
from executions.engine import signals as sig
from executions.engine.mocks import MockConfig, MockConfigError, MockedResponse
from executions.models import Execution

_cache: dict[str, tuple[float, MockConfig]] = {}


def config_path() -> str | None:
    """Where the mock configuration file is, if one is configured."""
    return (getattr(settings, "FLOWDECK_MOCK_CONFIG", None) or os.environ.get("FLOWDECK_MOCK_CONFIG")
            or os.environ.get("SFN_MOCK_CONFIG") or None)


def split_test_case(arn: str) -> tuple[str, str]:
    """`<state machine arn>#<test case>` (Step Functions Local's way to name a test case) -> (arn, test case);
    an ARN without `#` has no test case ("")."""
    if isinstance(arn, str) and "#" in arn:
        arn, _, test_case = arn.partition("#")
        return arn, test_case
    return arn, ""


def load_config() -> MockConfig:
    """The parsed mock configuration (cached until the file changes); MockConfigError if unusable."""
    path = config_path()
    if not path:
        raise MockConfigError("no mock configuration: set FLOWDECK_MOCK_CONFIG to a MockConfigFile")
    try:
        mtime = Path(path).stat().st_mtime
    except OSError as exc:
        raise MockConfigError(f"cannot read mock config {path}: {exc.strerror or exc}") from None
    cached = _cache.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    parsed = MockConfig.from_file(path)
    _cache[path] = (mtime, parsed)
    return parsed


def mocks_for(machine_name: str, test_case: str) -> dict[str, MockedResponse]:
    """The mocked responses of a test case, by state name (MockConfigError when it does not exist)."""
    return load_config().resolver(machine_name, test_case).mocks


def check_test_case(machine_name: str, test_case: str) -> None:
    """Refuse to start an execution under a test case the mock configuration does not define."""
    if not isinstance(test_case, str) or not test_case:
        raise errors.ValidationException("The test case name must be a non-empty string")
    try:
        mocks_for(machine_name, test_case)
    except MockConfigError as exc:
        raise errors.ValidationException(f"Invalid test case '{test_case}': {exc}") from None


def schedule(execution: Execution, command: sig.InvokeTask) -> bool:
    """Answer a task from the execution's test case if it mocks the task's state: take the invocation
    number, store the count, queue the outcome. False when the state is not mocked (it runs for real).

    Call inside the step's transaction (services.record_step)."""
    try:
        mocks = mocks_for(execution.state_machine.name, execution.test_case)
    except MockConfigError as exc:
        # The file changed under a running execution: its tasks fail (States.Runtime, as a missing mock).
        _queue(execution, command.task_id, {"error": asl_errors.RUNTIME, "cause": str(exc)})
        return True
    response = mocks.get(command.state_name)
    if response is None:
        return False
    counts = dict(execution.mock_invocations or {})
    number = counts.get(command.state_name, 0)
    counts[command.state_name] = number + 1
    Execution.objects.filter(pk=execution.pk).update(mock_invocations=counts)
    execution.mock_invocations = counts
    outcome = response.at(number)
    if outcome is None:
        # SFN Local guide: an invocation without a mocked response fails the execution's task.
        _queue(execution, command.task_id, {
            "error": asl_errors.RUNTIME,
            "cause": f"No mocked response for invocation {number} of state '{command.state_name}' in test case "
                     f"'{execution.test_case}' of '{execution.state_machine.name}': mocked response "
                     f"'{response.name}' defines invocations {response.describe()}",
        })
    elif outcome.throws:
        _queue(execution, command.task_id, {"error": outcome.error, "cause": outcome.cause})
    else:
        _queue(execution, command.task_id, {"value": outcome.value})
    return True


def _queue(execution: Execution, task_id: str, outcome: dict) -> None:
    from executions import jobs

    jobs.answer_mock.enqueue(execution.pk, task_id, outcome)
