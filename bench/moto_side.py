"""Run a definition on moto's in-process Step Functions interpreter and time only the interpretation.

How moto 5.2 executes (moto/stepfunctions/parser, a copy of localstack's interpreter): with
`execute_state_machine` switched on, StartExecution deep-copies the state machine and starts an
`ExecutionWorker` whose `_execution_logic` runs in a daemon thread. That method parses the definition
with ANTLR (every execution: moto has no compile-once step), records ExecutionStarted, evaluates the
program (in yet another thread, joined) and reports the final status. Parallel branches and inline Map
iterations get a thread each.

We wrap `_execution_logic` (and the parse inside it) with timers rather than polling DescribeExecution,
which would compete for the GIL with the worker. The time charged to moto is the execution logic minus
the parse, the counterpart of our compile-once run; the API layer around it is not charged either.
Transitions are counted from GetExecutionHistory (`*StateEntered` events), as for our side.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

ROLE_ARN = "arn:aws:iam::123456789012:role/flowdeck-bench"
EXECUTION_TIMEOUT_SECONDS = 600.0


@dataclass
class MotoRun:
    status: str
    seconds: float  # summed over the executions: interpretation only
    parse_seconds: float  # summed ANTLR parse time, not in `seconds`
    transitions: int
    output: Any = None
    error: str | None = None
    cause: str | None = None


class MotoSession:
    """A `mock_aws` context with moto's interpreter switched on and the worker's timing hooks in place."""

    def __init__(self) -> None:
        for key, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                           ("AWS_SESSION_TOKEN", "testing"), ("AWS_DEFAULT_REGION", "us-east-1")):
            os.environ.setdefault(key, value)
        self._stack = ExitStack()
        self._timings: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._machines = 0

    def __enter__(self) -> MotoSession:
        import boto3
        from moto import mock_aws

        self._stack.enter_context(mock_aws(config={"stepfunctions": {"execute_state_machine": True}}))
        self._install_timers()
        # moto logs every failed execution with its whole component tree; the table says it shorter.
        logger = logging.getLogger("moto.stepfunctions")
        level = logger.level
        logger.setLevel(logging.CRITICAL)
        self._stack.callback(logger.setLevel, level)
        self.client = boto3.client("stepfunctions", region_name="us-east-1")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    def _install_timers(self) -> None:
        from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

        timings, lock = self._timings, self._lock
        original_logic = ExecutionWorker._execution_logic
        original_parse = ExecutionWorker._get_evaluation_entrypoint

        def timed_parse(worker: Any) -> Any:
            started = time.perf_counter()
            try:
                return original_parse(worker)
            finally:
                record = _record(worker)
                record["parse"] = time.perf_counter() - started

        def timed_logic(worker: Any) -> None:
            record = _record(worker)
            started = time.perf_counter()
            try:
                original_logic(worker)
            finally:
                record["total"] = time.perf_counter() - started
                record["done"].set()

        def _record(worker: Any) -> dict:
            arn = worker._evaluation_details.execution_details.arn
            with lock:
                return timings.setdefault(arn, {"done": threading.Event(), "parse": 0.0, "total": 0.0})

        ExecutionWorker._execution_logic = timed_logic
        ExecutionWorker._get_evaluation_entrypoint = timed_parse

        def restore() -> None:
            ExecutionWorker._execution_logic = original_logic
            ExecutionWorker._get_evaluation_entrypoint = original_parse

        self._stack.callback(restore)

    def run(self, definition: dict, input: Any, executions: int = 1) -> MotoRun:
        """Create a state machine for `definition`, run it `executions` times and sum the timings.

        Stops at the first execution that does not succeed and returns its status, error and cause.
        """
        self._machines += 1
        arn = self.client.create_state_machine(
            name=f"bench-{self._machines}", definition=json.dumps(definition), roleArn=ROLE_ARN
        )["stateMachineArn"]
        payload = json.dumps(input)
        total = parse = 0.0
        transitions = 0
        described: dict = {}
        for index in range(executions):
            execution_arn = self.client.start_execution(
                stateMachineArn=arn, name=f"run-{index}", input=payload
            )["executionArn"]
            record = self._wait(execution_arn)
            total += record["total"] - record["parse"]
            parse += record["parse"]
            described = self.client.describe_execution(executionArn=execution_arn)
            history = self.client.get_execution_history(executionArn=execution_arn)["events"]
            transitions += sum(1 for event in history if event["type"].endswith("StateEntered"))
            if described["status"] != "SUCCEEDED":
                return MotoRun(described["status"], total, parse, transitions,
                               error=described.get("error"), cause=described.get("cause"))
        output = json.loads(described["output"]) if described.get("output") is not None else None
        return MotoRun("SUCCEEDED", total, parse, transitions, output)

    def _wait(self, execution_arn: str) -> dict:
        with self._lock:
            record = self._timings.setdefault(
                execution_arn, {"done": threading.Event(), "parse": 0.0, "total": 0.0})
        if not record["done"].wait(EXECUTION_TIMEOUT_SECONDS):
            raise TimeoutError(f"moto did not finish {execution_arn} in {EXECUTION_TIMEOUT_SECONDS:.0f} s")
        # The worker sets `done` before its thread returns; the status is already reflected by then.
        with self._lock:
            return self._timings.pop(execution_arn)
