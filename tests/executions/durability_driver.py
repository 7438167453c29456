"""The durability tests' machines, and a small program that prepares a fresh database for them.

`python -m tests.executions.durability_driver MACHINE COUNT` (FLOWDECK_DATABASE_URL names the database):
migrates the database, creates the machine and starts COUNT executions named e-0 .. e-<COUNT-1> with input
{"n": i}. It runs as its own process because the test process keeps pytest-django's database for itself.
Everything above `main` is plain data the test imports too.
"""
from __future__ import annotations

import json
import os
import sys
from collections import Counter

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"


def _function_task(name: str, parameters: dict, **more) -> dict:
    return {"Type": "Task", "Resource": LAMBDA + name, "Parameters": parameters, **more}


# Several steps: function tasks, a durable Wait, a Retry backoff (timer), a Map and a Parallel.
STEPS = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": _function_task("dur_prepare", {"name.$": "$$.Execution.Name", "n.$": "$.n"}, Next="Pause"),
        "Pause": {"Type": "Wait", "SecondsPath": "$.pause", "Next": "Flaky"},  # 0 or 1 s: not all in step
        "Flaky": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "dur_flaky", "Payload": {
                "name.$": "$$.Execution.Name", "n.$": "$.n", "retry.$": "$$.State.RetryCount"}},
            "ResultSelector": {"tenfold.$": "$.Payload.tenfold"}, "ResultPath": "$.flaky",
            "Retry": [{"ErrorEquals": ["FlakyError"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 1.0}],
            "Next": "Fan",
        },
        "Fan": {
            "Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.squares",
            "ItemSelector": {"name.$": "$$.Execution.Name", "index.$": "$$.Map.Item.Index",
                             "value.$": "$$.Map.Item.Value"},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Square", "States": {
                "Square": {"Type": "Task", "Resource": LAMBDA + "dur_square", "End": True}}},
            "Next": "Both",
        },
        "Both": {
            "Type": "Parallel", "ResultPath": "$.branches", "Next": "Sum",
            "Branches": [{"StartAt": f"Branch{b}", "States": {f"Branch{b}": _function_task(
                "dur_branch", {"name.$": "$$.Execution.Name", "branch": b, "n.$": "$.n"}, End=True)}}
                for b in (0, 1)],
        },
        "Sum": _function_task("dur_sum", {"name.$": "$$.Execution.Name", "squares.$": "$.squares",
                                          "branches.$": "$.branches", "tenfold.$": "$.flaky.tenfold"}, End=True),
    },
}


def steps_output(n: int) -> dict:
    return {"total": n * n + (n + 1) ** 2 + (n + 2) ** 2 + (n + n + 1) + n * 10}


def steps_calls(name: str) -> list[str]:
    """The logical function calls one execution of STEPS makes (keys of durability_functions' log)."""
    return [f"{name}/prepare", f"{name}/flaky/0", f"{name}/flaky/1", f"{name}/square/0", f"{name}/square/1",
            f"{name}/square/2", f"{name}/branch/0", f"{name}/branch/1", f"{name}/sum"]


# One execution of STEPS records exactly these events (the counts do not depend on how Map iterations and
# Parallel branches interleave).
STEPS_EVENTS = Counter({
    "ExecutionStarted": 1, "ExecutionSucceeded": 1,
    "TaskStateEntered": 8, "TaskStateExited": 8,
    "LambdaFunctionScheduled": 7, "LambdaFunctionStarted": 7, "LambdaFunctionSucceeded": 7,
    "TaskScheduled": 2, "TaskStarted": 2, "TaskFailed": 1, "TaskSucceeded": 1,
    "WaitStateEntered": 1, "WaitStateExited": 1,
    "MapStateEntered": 1, "MapStateStarted": 1, "MapIterationStarted": 3, "MapIterationSucceeded": 3,
    "MapStateSucceeded": 1, "MapStateExited": 1,
    "ParallelStateEntered": 1, "ParallelStateStarted": 1, "ParallelStateSucceeded": 1, "ParallelStateExited": 1,
})

# Racing outcomes: four Parallel branches and a four-item Map whose function calls all return on the same
# 25 ms boundary, so two workers deliver outcomes to one execution at the same moment.
RACE_WIDTH = 4
RACE = {
    "StartAt": "Together",
    "States": {
        "Together": {
            "Type": "Parallel", "ResultPath": "$.branches", "Next": "Fan",
            "Branches": [{"StartAt": f"B{b}", "States": {f"B{b}": _function_task(
                "dur_together", {"name.$": "$$.Execution.Name", "slot": f"b{b}"}, End=True)}}
                for b in range(RACE_WIDTH)],
        },
        "Fan": {
            "Type": "Map", "ItemsPath": "$.slots", "ResultPath": "$.items",
            "ItemSelector": {"name.$": "$$.Execution.Name", "slot.$": "$$.Map.Item.Value"},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Item", "States": {
                "Item": {"Type": "Task", "Resource": LAMBDA + "dur_together", "End": True}}},
            "End": True,
        },
    },
}


def race_input(n: int) -> dict:
    return {"n": n, "slots": [f"m{i}" for i in range(RACE_WIDTH)]}


def race_output(n: int) -> dict:
    return {**race_input(n), "branches": [{"slot": f"b{b}"} for b in range(RACE_WIDTH)],
            "items": [{"slot": f"m{i}"} for i in range(RACE_WIDTH)]}


def race_calls(name: str) -> list[str]:
    return [f"{name}/together/b{b}" for b in range(RACE_WIDTH)] + \
        [f"{name}/together/m{i}" for i in range(RACE_WIDTH)]


RACE_EVENTS = Counter({
    "ExecutionStarted": 1, "ExecutionSucceeded": 1,
    "ParallelStateEntered": 1, "ParallelStateStarted": 1, "ParallelStateSucceeded": 1, "ParallelStateExited": 1,
    "MapStateEntered": 1, "MapStateStarted": 1, "MapIterationStarted": RACE_WIDTH,
    "MapIterationSucceeded": RACE_WIDTH, "MapStateSucceeded": 1, "MapStateExited": 1,
    "TaskStateEntered": 2 * RACE_WIDTH, "TaskStateExited": 2 * RACE_WIDTH,
    "LambdaFunctionScheduled": 2 * RACE_WIDTH, "LambdaFunctionStarted": 2 * RACE_WIDTH,
    "LambdaFunctionSucceeded": 2 * RACE_WIDTH,
})

MACHINES = {"steps": (STEPS, lambda n: {"n": n}), "race": (RACE, race_input)}


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from designer.services import create_state_machine
    from executions.services import start_execution

    kind, count = argv[0], int(argv[1])
    definition, make_input = MACHINES[kind]
    call_command("migrate", verbosity=0)
    machine = create_state_machine(name=f"Durability-{kind}", definition=json.dumps(definition),
                                   role_arn="arn:aws:iam::123456789012:role/flowdeck", type="STANDARD")
    for n in range(count):
        start_execution(machine, input=json.dumps(make_input(n)), name=f"e-{n}")
    print(json.dumps({"machine": machine.arn, "started": count}))


if __name__ == "__main__":
    main(sys.argv[1:])
