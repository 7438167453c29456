"""RedriveExecution in the engine: continue an unsuccessful execution from the part that did not succeed."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from designer.asl.model import Machine
from executions.engine import children
from executions.engine.interpreter import (
    EXECUTION_TIMER, MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES, Step, _Run, iso,
)
from executions.engine.runstate import ABORTED, FAILED, RUNNING, TIMED_OUT, Frame, RunState


def redrive(machine: Machine, state: RunState, *, now: datetime, token_factory: Callable[[], str] | None = None,
            max_events: int | None = None, max_payload: int = MAX_PAYLOAD_BYTES,
            max_history_events: int | None = MAX_HISTORY_EVENTS) -> Step:
    """RedriveExecution: continue a failed, timed-out or stopped execution from where it stopped.

    Appends ExecutionRedriven, then re-enters every state that had not finished, with the input it had;
    a Map or Parallel that failed starts again but keeps the results of the iterations or branches that
    had completed, so only the unsuccessful ones run again. Steps that succeeded are not rerun.
    """
    if state.status not in (FAILED, TIMED_OUT, ABORTED) or not state.redrive:
        raise ValueError("only a failed, timed-out or aborted execution can be redriven")
    frames = {data["id"]: Frame.from_json(data) for data in state.redrive}
    state.frames = frames
    state.redrive = None
    state.status = RUNNING
    state.error = state.cause = state.output = None
    state.waiting.clear()
    state.timers.clear()
    state.runnable.clear()
    count = state.execution.get("RedriveCount", 0) + 1
    state.execution = dict(state.execution, RedriveCount=count, RedriveTime=iso(now))
    run = _Run(machine, state, now, token_factory, max_payload, max_history_events)
    root = next(frame for frame in frames.values() if frame.parent is None)
    run.emit(root, "ExecutionRedriven", "executionRedrivenEventDetails", {"redriveCount": count})
    if machine.timeout_seconds is not None:
        run.start_timer(None, EXECUTION_TIMER, now + timedelta(seconds=machine.timeout_seconds), "execution")
    children.redriven(run, frames)
    for frame in restart(frames):
        run.push(frame)
    run.loop(max_events)
    return run.step()


def restart(frames: dict[int, Frame]) -> list[Frame]:
    """Set the frames of a stopped execution (or of a stopped Distributed Map child) going again: every state
    that had not finished runs again with the input it had. Returns the frames to make runnable, in order."""
    parents = {frame.parent for frame in frames.values()}
    runnable = []
    for frame in sorted(frames.values(), key=lambda f: f.id, reverse=True):
        if frame.id in parents:
            # A Map or Parallel still running its children goes on when they do; the children it had
            # not yet started are restarted below with the rest.
            frame.data.pop("starting", None)
            if frame.data.pop("entering", None) is not None:
                frame.phase = "running"
            continue
        if "retained" in frame.data:
            # A Map or Parallel that failed starts again, keeping what its completed iterations or branches
            # returned, so only the others run again.
            frame.data = {"retained": frame.data["retained"]}
            frame.phase = "start"
        else:
            frame.data = {}
            frame.phase = "enter"  # the state runs again with the input it had
        runnable.append(frame)
    return runnable
