"""Machines for the designer benchmark: deterministic ASL definitions of an exact number of states.

A machine is a chain of blocks of 17 states, shaped like real workflows: a Task with Retry and Catch, a Choice
with two rules and a Default, a Pass, a Wait, a Parallel of two three-state branches (with a Catch), an inline
Map whose item processor holds a Task with Retry, a Choice and two Pass states, and a recovery Pass that the
Catches lead to. The chain ends in a Succeed; a machine that is not a whole number of blocks is topped up
with a run of Pass and Wait states before it. Every state is reachable and the definition is valid (the
server validates it on creation). States are counted as the designer's status line counts them: nested ones
included.
"""
from __future__ import annotations

import json

BLOCK_STATES = 17
LAMBDA = "arn:aws:states:::lambda:invoke"
RETRY = [{"ErrorEquals": ["States.TaskFailed", "Lambda.ServiceException"], "IntervalSeconds": 2,
          "MaxAttempts": 3, "BackoffRate": 2.0}]


def _task(function: str, next_state: str | None, *, retry: bool = False, catch: str | None = None) -> dict:
    state: dict = {"Type": "Task", "Resource": LAMBDA,
                   "Parameters": {"FunctionName": function, "Payload.$": "$"}, "ResultPath": "$.result"}
    if retry:
        state["Retry"] = RETRY
    if catch:
        state["Catch"] = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": catch}]
    state.update({"Next": next_state} if next_state else {"End": True})
    return state


def _branch(block: int, branch: int) -> dict:
    names = [f"Load {block}.{branch}", f"Shape {block}.{branch}", f"Store {block}.{branch}"]
    return {"StartAt": names[0], "States": {
        names[0]: _task(f"load-{branch}", names[1], retry=True),
        names[1]: {"Type": "Pass", "Parameters": {"item.$": "$.result.Payload", "branch": branch}, "Next": names[2]},
        names[2]: _task(f"store-{branch}", None),
    }}


def _processor(block: int) -> dict:
    check, classify, keep, skip = (f"Check item {block}", f"Classify {block}", f"Keep {block}", f"Skip {block}")
    return {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": check, "States": {
        check: _task("check-item", classify, retry=True),
        classify: {"Type": "Choice", "Choices": [
            {"Variable": "$.result.Payload.ok", "BooleanEquals": True, "Next": keep}], "Default": skip},
        keep: {"Type": "Pass", "End": True},
        skip: {"Type": "Pass", "Result": {"skipped": True}, "End": True},
    }}


def _block(block: int, next_state: str) -> dict[str, dict]:
    fetch, route, prepare, pause = f"Fetch {block}", f"Route {block}", f"Prepare {block}", f"Pause {block}"
    fan_out, each, recover = f"Fan out {block}", f"Each {block}", f"Recover {block}"
    return {
        fetch: _task("fetch", route, retry=True, catch=recover),
        route: {"Type": "Choice", "Choices": [
            {"Variable": "$.kind", "StringEquals": "bulk", "Next": prepare},
            {"Variable": "$.count", "NumericGreaterThan": 10, "Next": pause}], "Default": fan_out},
        prepare: {"Type": "Pass", "Parameters": {"kind.$": "$.kind", "count.$": "$.count"}, "Next": pause},
        pause: {"Type": "Wait", "Seconds": 1 + block % 5, "Next": fan_out},
        fan_out: {"Type": "Parallel", "Branches": [_branch(block, 1), _branch(block, 2)], "ResultPath": "$.branches",
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": recover}], "Next": each},
        each: {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 4, "ItemProcessor": _processor(block),
               "ResultPath": "$.mapped", "Next": next_state},
        recover: {"Type": "Pass", "Result": {"recovered": True}, "ResultPath": "$.recovery", "Next": next_state},
    }


def machine_definition(states: int) -> str:
    """An ASL definition with exactly `states` states (at least 1), as JSON text."""
    if states < 1:
        raise ValueError("a machine has at least one state")
    blocks, extra = divmod(states - 1, BLOCK_STATES)
    chain = [f"Fetch {block}" for block in range(blocks)] + [f"Step {i}" for i in range(extra)] + ["Done"]
    all_states: dict[str, dict] = {}
    for block in range(blocks):
        all_states.update(_block(block, chain[block + 1]))
    for i in range(extra):
        following = chain[blocks + i + 1]
        all_states[f"Step {i}"] = ({"Type": "Wait", "Seconds": 1, "Next": following} if i % 2
                                   else {"Type": "Pass", "Next": following})
    all_states["Done"] = {"Type": "Succeed"}
    definition = {"Comment": f"Designer benchmark: {states} states", "StartAt": chain[0], "States": all_states}
    assert count_states(definition) == states
    return json.dumps(definition, indent=2)


def count_states(scope: dict) -> int:
    """States in a scope, nested ones included."""
    total = 0
    for state in scope["States"].values():
        total += 1
        for child in state.get("Branches", []) + [state[k] for k in ("ItemProcessor", "Iterator") if k in state]:
            total += count_states(child)
    return total
