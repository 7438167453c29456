"""Write the corpus's large machines, which are too long to keep up by hand.

The designer must stay fast and exact on big definitions, so the corpus carries three generated
ones: a 300-state pipeline mixing every state type (nested Parallel and Map groups, Retry/Catch,
per-state JSONata, rotating key orders), a Parallel with 50 branches, and a Choice with 120 rules.
The output is deterministic and committed; tests/asl/test_round_trip_corpus.py checks that it
matches what this script writes. Run from anywhere: `python frontend/corpus/generate.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"
PIPELINE_STATES = 300


def _ordered(state: dict, rotation: int) -> dict:
    """The same state with its keys in one of three orders, so order preservation is exercised."""
    keys = list(state)
    if rotation == 1:  # transition first, Type last
        keys = sorted(keys, key=lambda k: (k not in ("Next", "End", "Default"), k == "Type"))
    elif rotation == 2:  # reverse of the natural order
        keys = keys[::-1]
    return {key: state[key] for key in keys}


def _stage(i: int, after: str) -> dict[str, dict]:
    """One pipeline stage: fetch (Task) -> route (Choice) -> fast (Pass) | slow (Wait) -> join, plus extras."""
    name = f"Stage {i:02d}"
    fetch, route, fast, slow, join = (f"{name}: {part}" for part in ("fetch", "route", "fast path", "slow path", "join"))
    rotation = i % 3
    states = {
        fetch: {
            "Type": "Task",
            "Resource": f"{LAMBDA}Fetch{i:02d}",
            "Parameters": {"stage": i, "input.$": "$"},
            "ResultPath": f"$.stage{i:02d}",
            "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1 + i % 4, "MaxAttempts": 2 + i % 3,
                       "BackoffRate": 2, **({"MaxDelaySeconds": 30, "JitterStrategy": "FULL"} if i % 2 else {})}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handle failure"}],
            "Next": route,
        },
        route: {
            "Type": "Choice",
            "Choices": [
                {"Variable": f"$.stage{i:02d}.score", "NumericGreaterThan": i * 10, "Next": fast},
                {"And": [{"Variable": f"$.stage{i:02d}.tag", "IsPresent": True},
                         {"Variable": f"$.stage{i:02d}.tag", "StringMatches": f"fast-{i}*"}], "Next": fast},
            ],
            "Default": slow,
        },
        fast: {"Type": "Pass", "Result": {"stage": i, "path": "fast"}, "ResultPath": "$.last", "Next": join},
        slow: {"Type": "Wait", "Seconds": i % 5, "Next": join},
        join: {"Type": "Pass", "Next": after},
    }
    if i % 8 == 0:
        states[join] = {"Type": "Pass", "QueryLanguage": "JSONata",
                        "Output": {"stage": i, "carried": "{% $states.input %}"}, "Next": after}
    extras: dict[str, dict] = {}
    if i % 5 == 4:
        fan = f"{name}: fan-out"
        states[join]["Next"] = fan
        extras[fan] = {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": f"{name}: left {k}a", "States": {
                    f"{name}: left {k}a": {"Type": "Pass", "Next": f"{name}: left {k}b"},
                    f"{name}: left {k}b": {"Type": "Task", "Resource": f"{LAMBDA}Side{i:02d}{k}", "End": True},
                }} for k in (1, 2)
            ],
            "ResultPath": None,
            "Next": after,
        }
    if i % 7 == 6:
        each = f"{name}: for each"
        last = next(reversed(extras)) if extras else join
        (extras if extras else states)[last]["Next"] = each
        extras[each] = {
            "Type": "Map",
            "ItemsPath": f"$.stage{i:02d}.items",
            "MaxConcurrency": i,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": f"{name}: item check",
                "States": {
                    f"{name}: item check": {"Type": "Pass", "Next": f"{name}: item work"},
                    f"{name}: item work": {"Type": "Task", "Resource": f"{LAMBDA}Item{i:02d}", "End": True},
                },
            },
            "ResultPath": None,
            "Next": after,
        }
    return {key: _ordered(value, rotation) for key, value in {**states, **extras}.items()}


def _count(states: dict) -> int:
    total = 0
    for state in states.values():
        total += 1
        for branch in state.get("Branches", []):
            total += _count(branch["States"])
        if "ItemProcessor" in state:
            total += _count(state["ItemProcessor"]["States"])
    return total


def pipeline() -> dict:
    stages = 46
    states: dict[str, dict] = {}
    for i in range(stages):
        after = f"Stage {i + 1:02d}: fetch" if i + 1 < stages else "Tail 01"
        states.update(_stage(i, after))
    tail = PIPELINE_STATES - _count(states) - 2  # Done and Handle failure
    for k in range(1, tail + 1):
        states[f"Tail {k:02d}"] = {"Type": "Pass", "Next": f"Tail {k + 1:02d}" if k < tail else "Done"}
    states["Done"] = {"Type": "Succeed"}
    states["Handle failure"] = {"Type": "Fail", "Error": "Pipeline.Failed", "CausePath": "$.error.Cause"}
    assert _count(states) == PIPELINE_STATES
    return {"Comment": f"Generated: a {PIPELINE_STATES}-state pipeline (see generate.py)", "StartAt": "Stage 00: fetch",
            "States": states}


def wide_parallel() -> dict:
    branches = []
    for b in range(50):
        first, second, third = (f"Branch {b:02d} {step}" for step in ("prepare", "work", "record"))
        branches.append({"StartAt": first, "States": {
            first: {"Type": "Pass", "Parameters": {"branch": b, "input.$": "$"}, "Next": second},
            second: {"Type": "Task", "Resource": f"{LAMBDA}Worker{b:02d}", "TimeoutSeconds": 30 + b, "Next": third},
            third: {"Type": "Pass", "ResultPath": None, "End": True},
        }})
    return {"StartAt": "Fan out to fifty",
            "States": {"Fan out to fifty": {"Type": "Parallel", "Branches": branches, "Next": "Collected"},
                       "Collected": {"Type": "Succeed"}},
            "Comment": "Generated: one Parallel with 50 branches of 3 states"}


def big_choice() -> dict:
    operators = ["StringEquals", "NumericEquals", "NumericGreaterThan", "BooleanEquals", "TimestampLessThan", "IsPresent"]
    choices, targets = [], {}
    for r in range(120):
        operator = operators[r % len(operators)]
        value = {"StringEquals": f"code-{r}", "NumericEquals": r, "NumericGreaterThan": r * 1.5, "BooleanEquals": r % 2 == 0,
                 "TimestampLessThan": f"20{10 + r % 80:02d}-01-01T00:00:00Z", "IsPresent": True}[operator]
        target = f"Outcome {r % 30:02d}"
        choices.append({"Variable": f"$.field{r}", operator: value, "Next": target})
        targets[target] = {"Type": "Pass", "Result": {"outcome": r % 30}, "End": True}
    return {"StartAt": "Route by 120 rules",
            "States": {"Route by 120 rules": {"Type": "Choice", "Choices": choices, "Default": "No rule matched"},
                       **dict(sorted(targets.items())), "No rule matched": {"Type": "Fail", "Error": "NoMatch"}}}


def build() -> dict[str, str]:
    """File name -> file text, exactly as written."""
    machines = {
        "131-generated-300-state-pipeline.asl.json": pipeline(),
        "132-generated-50-branch-parallel.asl.json": wide_parallel(),
        "133-generated-120-rule-choice.asl.json": big_choice(),
    }
    return {name: json.dumps(definition, indent=1, ensure_ascii=False) + "\n" for name, definition in machines.items()}


def main() -> None:
    for name, text in build().items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
