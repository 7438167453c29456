"""The runtime benchmark's workloads and how they are driven: boto3 against an endpoint, ours or moto's.

Both sides get the same definitions and inputs through the same calls. What is timed:
- throughput: from just before the first StartExecution (a few client threads start the executions) to
  the moment the harness sees none RUNNING (ListExecutions, statusFilter=RUNNING, maxResults=1);
- one big execution: StartSyncExecution's round trip (ours, Express), or StartExecution until
  DescribeExecution shows it ended;
- latency: executions one at a time, `stopDate` (DescribeExecution, polled every 20 ms) minus the time just
  before StartExecution, so the polling does not quantise the figure.
The first two poll every elapsed/50 seconds, between 20 ms and 200 ms: a modest rate that finds the end
within 2 % of the elapsed time, and the end is when the poll that saw it was sent. They do not use
`stopDate`: our runtime writes it in the last step's transaction before that step's events, so it
precedes the commit (by seconds for the 4,000-item Map) and would flatter us.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bench import definitions as defs

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/flowdeck-bench"
ECHO_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:bench-echo"
POLL_SECONDS = 0.2
LATENCY_POLL_SECONDS = 0.02


# -- definitions ----------------------------------------------------------------------------------

def five_states(tasks: bool = True) -> dict:
    """Five states, all entered: Validate (Task) -> Route (Choice) -> Price (Pass) -> Charge (Task) -> Done.

    With `tasks`, Validate and Charge call the `bench-echo` function (our Python function, moto's Lambda),
    so each execution makes two trips through the task queue; without, they are Pass states and the whole
    execution runs inside StartExecution.
    """
    def step(name: str, next_name: str, result_path: str, parameters: dict | None = None) -> dict:
        state: dict[str, Any] = {"Type": "Task", "Resource": ECHO_ARN} if tasks else {"Type": "Pass"}
        if parameters:
            state["Parameters"] = parameters
        return {**state, "ResultPath": result_path, "Next": next_name}

    return {
        "Comment": "Five states" + (", two Python-function tasks" if tasks else ", no tasks"),
        "StartAt": "Validate",
        "States": {
            "Validate": step("Validate", "Route", "$.validated"),
            "Route": {"Type": "Choice", "Default": "Done",
                      "Choices": [{"Variable": "$.order.total", "NumericGreaterThanEquals": 0, "Next": "Price"}]},
            "Price": {"Type": "Pass", "Parameters": {"id.$": "$.order.id", "total.$": "$.order.total",
                                                     "currency": "EUR"}, "ResultPath": "$.price", "Next": "Charge"},
            "Charge": step("Charge", "Done", "$.charge", {"amount.$": "$.price.total", "order.$": "$.order.id"}),
            "Done": {"Type": "Succeed"},
        },
    }


def five_states_input(index: int = 0) -> dict:
    return {"order": {"id": f"o-{index}", "total": 40 + index % 60,
                      "lines": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}]}}


def map_definition() -> dict:
    """The interpreter benchmark's inline Map (two Pass states per item, results summed up)."""
    return defs.inline_map()


def map_input(items: int) -> dict:
    return defs.inline_map_input(items)


def map_events(items: int) -> int:
    """History events of the Map run: ExecutionStarted, MapStateEntered, MapStateStarted, per item
    MapIterationStarted + 2 x (PassStateEntered, PassStateExited) + MapIterationSucceeded, then
    MapStateSucceeded, MapStateExited, ExecutionSucceeded."""
    return 6 * items + 6


# -- clients --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Endpoint:
    """Where the workloads send their requests, and the access key that signs them (moto takes any key;
    ours is issued on the bench's database by `manage.py accesskey create`)."""

    url: str
    access_key_id: str = "bench"
    secret_access_key: str = "bench"


def make_client(endpoint: Endpoint):
    """A Step Functions client for a local endpoint: its key, no host prefix, no retries
    (a failed call is counted, not hidden), read timeout long enough for a 10,000-item synchronous run."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "stepfunctions", endpoint_url=endpoint.url, region_name=REGION, aws_access_key_id=endpoint.access_key_id,
        aws_secret_access_key=endpoint.secret_access_key,
        config=Config(inject_host_prefix=False, retries={"total_max_attempts": 1}, read_timeout=600,
                      max_pool_connections=4),
    )


def create_machine(client, name: str, definition: dict, kind: str = "STANDARD") -> str:
    return client.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE_ARN,
                                       type=kind)["stateMachineArn"]


def history(client, execution_arn: str) -> list[dict]:
    """The whole history through GetExecutionHistory, page by page (pages of 1,000)."""
    return _all(client, "get_execution_history", "events", executionArn=execution_arn)


def entered(events: list[dict]) -> int:
    return sum(1 for event in events if event["type"].endswith("StateEntered"))


# -- throughput -----------------------------------------------------------------------------------

@dataclass
class Throughput:
    started: int = 0
    succeeded: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    first_arn: str | None = None


def throughput(endpoint: Endpoint, machine_arn: str, count: int, *, tag: str, threads: int = 4,
               timeout: float = 600.0, make_input=five_states_input) -> Throughput:
    """Start `count` executions from `threads` client threads, wait for all to finish, time the lot."""
    clients = [make_client(endpoint) for _ in range(threads)]
    inputs = [json.dumps(make_input(index)) for index in range(count)]
    result = Throughput()
    arns: list[str | None] = [None] * count
    lock = threading.Lock()

    def starter(offset: int) -> None:
        client = clients[offset]
        for index in range(offset, count, threads):
            try:
                arns[index] = client.start_execution(stateMachineArn=machine_arn, name=f"{tag}-{index}",
                                                     input=inputs[index])["executionArn"]
            except Exception as exc:  # noqa: BLE001 -- counted and reported in the table's check column
                with lock:
                    result.errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")

    workers = [threading.Thread(target=starter, args=(offset,), daemon=True) for offset in range(threads)]
    began = time.time()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout)
    result.started = sum(1 for arn in arns if arn)
    result.first_arn = arns[0]
    client = clients[0]
    ended = poll_until(lambda: not client.list_executions(stateMachineArn=machine_arn, statusFilter="RUNNING",
                                                          maxResults=1)["executions"], began, timeout)
    if ended is None:
        result.errors.append(f"still running after {timeout:.0f} s")
    for item in _list_all(client, machine_arn):
        if not item["name"].startswith(f"{tag}-"):
            continue  # a warm-up or an earlier row's execution
        result.statuses[item["status"]] = result.statuses.get(item["status"], 0) + 1
    result.succeeded = result.statuses.get("SUCCEEDED", 0)
    result.seconds = (ended or time.time()) - began
    return result


def poll_until(done, began: float, timeout: float) -> float | None:
    """Call `done()` every elapsed/50 s (20 to 200 ms) until it is true; the wall time its last call was made
    (None after `timeout` seconds)."""
    while True:
        sent = time.time()
        if done():
            return sent
        elapsed = time.time() - began
        if elapsed > timeout:
            return None
        time.sleep(min(POLL_SECONDS, max(LATENCY_POLL_SECONDS, elapsed / 50)))


def _list_all(client, machine_arn: str) -> list[dict]:
    return _all(client, "list_executions", "executions", stateMachineArn=machine_arn)


def _all(client, operation: str, key: str, **params) -> list[dict]:
    """Every item of a paginated call, through boto3's paginator (nextToken followed, pages of 1,000)."""
    pages = client.get_paginator(operation).paginate(**params, PaginationConfig={"PageSize": 1000})
    return [item for page in pages for item in page[key]]


# -- latency --------------------------------------------------------------------------------------

@dataclass
class Latency:
    seconds: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def percentile(self, fraction: float) -> float | None:
        if not self.seconds:
            return None
        ordered = sorted(self.seconds)
        # Nearest rank: the smallest value with at least `fraction` of the sample at or below it.
        rank = max(1, -(-len(ordered) * fraction // 1))
        return ordered[int(rank) - 1]


def latency(endpoint: Endpoint, machine_arn: str, count: int, *, tag: str, timeout: float = 60.0) -> Latency:
    """Run `count` executions one after another; StartExecution-to-stopDate of each."""
    client = make_client(endpoint)
    result = Latency()
    for index in range(count):
        payload = json.dumps(five_states_input(index))
        began = time.time()
        try:
            arn = client.start_execution(stateMachineArn=machine_arn, name=f"{tag}-{index}",
                                         input=payload)["executionArn"]
            described = wait_described(client, arn, LATENCY_POLL_SECONDS, timeout)
        except Exception as exc:  # noqa: BLE001
            result.errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")
            continue
        result.statuses[described["status"]] = result.statuses.get(described["status"], 0) + 1
        if described["status"] == "SUCCEEDED":
            result.seconds.append(described["stopDate"].timestamp() - began)
    return result


def wait_described(client, execution_arn: str, interval: float, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        time.sleep(interval)
        described = client.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        if time.monotonic() > deadline:
            raise TimeoutError(f"{execution_arn} still RUNNING after {timeout:.0f} s")


# -- one big execution ----------------------------------------------------------------------------

@dataclass
class Single:
    status: str
    seconds: float
    output: Any = None
    execution_arn: str | None = None
    error: str | None = None


def run_sync(endpoint: Endpoint, machine_arn: str, payload: Any, *, name: str) -> Single:
    """StartSyncExecution (Express): the round trip is the execution's time."""
    client = make_client(endpoint)
    began = time.perf_counter()
    response = client.start_sync_execution(stateMachineArn=machine_arn, name=name, input=json.dumps(payload))
    seconds = time.perf_counter() - began
    output = json.loads(response["output"]) if response.get("output") is not None else None
    error = f"{response.get('error')}: {str(response.get('cause'))[:200]}" if response["status"] != "SUCCEEDED" \
        else None
    return Single(response["status"], seconds, output, response.get("executionArn"), error)


def run_async(endpoint: Endpoint, machine_arn: str, payload: Any, *, name: str, timeout: float = 900.0) -> Single:
    """StartExecution, then DescribeExecution (see poll_until) until it has ended."""
    client = make_client(endpoint)
    began = time.time()
    arn = client.start_execution(stateMachineArn=machine_arn, name=name, input=json.dumps(payload))["executionArn"]
    described: dict = {}

    def ended() -> bool:
        described.update(client.describe_execution(executionArn=arn))
        return described["status"] != "RUNNING"

    seen = poll_until(ended, began, timeout)
    if seen is None:
        raise TimeoutError(f"{arn} still RUNNING after {timeout:.0f} s")
    output = json.loads(described["output"]) if described.get("output") is not None else None
    error = f"{described.get('error')}: {str(described.get('cause'))[:200]}" \
        if described["status"] != "SUCCEEDED" else None
    return Single(described["status"], seen - began, output, arn, error)
