"""Python task functions for the durability tests, registered in worker subprocesses via FLOWDECK_FUNCTIONS.

Every call appends one line to the file named by FLOWDECK_DURABILITY_LOG (if set) when it starts and one when
it returns, so the test can count how often each logical call ran (at-least-once) and which calls overlapped.
A line is written with one O_APPEND write, which Linux keeps whole when several processes append at once.
"""
from __future__ import annotations

import json
import os
import random
import time
from typing import Any

from executions.resources import function


class FlakyError(Exception):
    """The first attempt of dur_flaky fails with this, so the state's Retry runs (a durable backoff timer)."""


def _log(kind: str, key: str, started: float, **extra: Any) -> None:
    path = os.environ.get("FLOWDECK_DURABILITY_LOG")
    if not path:
        return
    line = json.dumps({"kind": kind, "key": key, "pid": os.getpid(), "start": started,
                       "end": time.time(), **extra}) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def _call(key: str, work, *, pause: float = 0.0) -> Any:
    started = time.time()
    _log("start", key, started)
    if pause:
        time.sleep(pause)
    try:
        return work()
    finally:
        _log("end", key, started)  # returned or raised: the call is complete either way


def _trace_step_conflicts() -> None:
    """Log every step the step counter refuses (another worker committed a step of that execution since
    this one read it), which services.deliver otherwise retries silently. Worker subprocesses only."""
    from executions import services

    plain = services.record_step

    def record_step(execution, step) -> None:
        try:
            plain(execution, step)
        except services.StepConflict:
            _log("conflict", execution.arn, time.time())
            raise

    services.record_step = record_step


if os.environ.get("FLOWDECK_DURABILITY_TRACE_CONFLICTS"):
    _trace_step_conflicts()


@function("dur_prepare")
def prepare(event: dict) -> dict:
    n = event["n"]
    return _call(f"{event['name']}/prepare", lambda: {"n": n, "items": [n, n + 1, n + 2], "pause": n % 2},
                 pause=random.uniform(0.0, 0.01))


@function("dur_flaky")
def flaky(event: dict) -> dict:
    def work():
        if event["retry"] == 0:
            raise FlakyError("the first attempt always fails")
        return {"tenfold": event["n"] * 10}

    return _call(f"{event['name']}/flaky/{event['retry']}", work, pause=random.uniform(0.0, 0.01))


@function("dur_square")
def square(event: dict) -> int:
    return _call(f"{event['name']}/square/{event['index']}", lambda: event["value"] ** 2,
                 pause=random.uniform(0.005, 0.03))


@function("dur_branch")
def branch(event: dict) -> int:
    return _call(f"{event['name']}/branch/{event['branch']}", lambda: event["n"] + event["branch"],
                 pause=random.uniform(0.005, 0.02))


@function("dur_sum")
def total(event: dict) -> dict:
    return _call(f"{event['name']}/sum", lambda: {
        "total": sum(event["squares"]) + sum(event["branches"]) + event["tenfold"]})


@function("dur_together")
def together(event: dict) -> dict:
    """Sleep to a 25 ms boundary of the wall clock at least 10 ms away, so calls that start on different
    workers within 10 ms of each other return at the same moment and deliver their outcomes to the same
    execution concurrently."""
    def work():
        wait = 0.025 - time.time() % 0.025
        time.sleep(wait if wait >= 0.01 else wait + 0.025)
        return {"slot": event["slot"]}

    return _call(f"{event['name']}/together/{event['slot']}", work)
