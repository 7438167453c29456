"""The interpreter as example programs: every case in tests/asl/cases/*.json runs through the engine.

A case file holds a list of cases:
    {"name": str, "definition": {...}, "input": any (default {}),
     "mocks": {"StateName": {"0": {"Return": ...}, "1-2": {"Throw": {"Error", "Cause"}}}} (optional),
     "status": "SUCCEEDED"|"FAILED"|"TIMED_OUT" (default: FAILED when "error" is given, else SUCCEEDED),
     "output": any (checked when present), "error": str, "cause": str, "cause_contains": str,
     "events": ["ExecutionStarted", ...] (the exact sequence of event types, when present),
     "assigned": [["StateName", {"var": "<JSON text>"}], ...] (every StateExited event that assigned
         variables, in order, with its exact stateExitedEventDetails.assignedVariables),
     "task_inputs": [...] (the effective input of every task scheduled, in order, read from *Scheduled events),
     "invalid": true (the definition must be rejected by compile_machine instead),
     "skip": "reason" (known gap: the case is kept but not run), "note": "source or remark" (ignored)}
Each case runs twice: straight through, and stopping after every single event with the run state
round-tripped through JSON in between, which must not change anything.
"""
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from designer.asl.compile import InvalidDefinition, compile_machine
from executions.engine.mocks import MockConfig
from executions.engine.runner import LocalRunner

CASES_DIR = Path(__file__).parent / "cases"
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def expand(value):
    """`{"$repeat": [text, count]}` stands for text * count, so big payloads need no big files."""
    if isinstance(value, dict):
        if value.keys() == {"$repeat"}:
            text, count = value["$repeat"]
            return text * count
        return {key: expand(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expand(item) for item in value]
    return value


def load_cases():
    for path in sorted(CASES_DIR.glob("*.json")):
        for case in json.loads(path.read_text()):
            yield pytest.param(expand(case), id=f"{path.stem}::{case['name']}")


ALL_CASES = list(load_cases())


def test_case_names_are_unique():
    ids = [param.id for param in ALL_CASES]
    assert len(ids) == len(set(ids))


def run_case(case, *, step_by_step):
    machine = compile_machine(case["definition"])
    resolver = MockConfig.for_states(case.get("mocks", {}))
    tokens = (f"token-{n}" for n in range(1, 1_000_000))
    runner = LocalRunner(machine, resolver, start_time=START, resume_every_step=step_by_step,
                         token_factory=lambda: next(tokens))
    return runner.run(case.get("input", {}), name="test-execution", state_machine_name="TestMachine",
                      max_events=1 if step_by_step else None)


@pytest.mark.parametrize("case", ALL_CASES)
def test_case(case):
    if "skip" in case:
        pytest.skip(case["skip"])
    if case.get("invalid"):
        with pytest.raises(InvalidDefinition):
            compile_machine(case["definition"])
        return
    result = run_case(case, step_by_step=False)
    expected_status = case.get("status", "FAILED" if "error" in case else "SUCCEEDED")
    assert result.status == expected_status, (result.error, result.cause)
    if "output" in case:
        assert result.output == case["output"]
    if "error" in case:
        assert result.error == case["error"], result.cause
    if "cause" in case:
        assert result.cause == case["cause"]
    if "cause_contains" in case:
        assert case["cause_contains"] in (result.cause or "")
    if "events" in case:
        assert [event["type"] for event in result.events] == case["events"]
    if "task_inputs" in case:
        assert _task_inputs(result.events) == case["task_inputs"]
    if "assigned" in case:
        assert _assigned(result.events) == case["assigned"]
    # Resumability: one event per step, state through JSON between steps, same outcome and history.
    again = run_case(case, step_by_step=True)
    assert (again.status, again.output, again.error, again.cause) == (
        result.status, result.output, result.error, result.cause)
    if not _uses_randomness(case):
        assert again.events == result.events


def _assigned(events: list[dict]) -> list:
    return [
        [event["stateExitedEventDetails"]["name"], event["stateExitedEventDetails"]["assignedVariables"]]
        for event in events
        if "assignedVariables" in event.get("stateExitedEventDetails", {})
    ]


def _task_inputs(events) -> list:
    inputs = []
    for event in events:
        if event["type"].endswith("Scheduled"):
            details = next(value for key, value in event.items() if key.endswith("ScheduledEventDetails"))
            inputs.append(json.loads(details["parameters"] if "parameters" in details else details["input"]))
    return inputs


def _uses_randomness(case) -> bool:
    text = json.dumps(case["definition"])
    return any(word in text for word in ("UUID", "$uuid", "$random", "MathRandom", "FULL", "$now", "$millis"))
