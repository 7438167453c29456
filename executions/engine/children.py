"""Distributed Map children as executions of their own: their histories and lifecycles, for the host.

The engine runs a Distributed Map's children as frames of the parent's run state (one transaction per step
on the server), but AWS shows each child as an execution with its own ARN, status and history
(ExecutionStarted ... ExecutionSucceeded | ExecutionFailed | ExecutionAborted, ids from 1). So the events of a
child's frames go to that child's history instead of the parent's (`emit`), and the step reports what
happened to the children and their Map Runs as plain records (`Step.children`, `Step.child_events`).
Hosts that do not show children (the CLI, the local runner, the benchmark) simply ignore both; nothing is
collected unless a Distributed Map runs.

Records, in the order they happened:
  {"kind": "map_run_started", "arn", "label", "state", "state_machine", "max_concurrency", "tolerated_count",
   "tolerated_percentage", "executions", "items"}
  {"kind": "map_run_updated", "arn", "max_concurrency", "tolerated_count", "tolerated_percentage"}
  {"kind": "map_run_redriven", "arn", "redrive_count", "pending": [child ARNs awaiting their redrive]}
  {"kind": "map_run_ended", "arn", "status": SUCCEEDED | FAILED | ABORTED}
  {"kind": "started", "arn", "name", "map_run", "index", "items", "input"}
  {"kind": "redriven", "arn", "redrive_count"}
  {"kind": "ended", "arn", "status": SUCCEEDED | FAILED | ABORTED, "output" | "error", "cause"}
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from executions.engine.runstate import ABORTED, FAILED, SUCCEEDED, Frame

if TYPE_CHECKING:
    from executions.engine.interpreter import _Run


def owner(run: _Run, frame: Frame) -> Frame | None:
    """The top frame of the child execution a frame belongs to (None if it is gone)."""
    frames = run.state.frames
    while frame.execution is None:
        parent = frames.get(frame.parent) if frame.parent is not None else None
        if parent is None:
            return None
        frame = parent
    return frame


def emit(run: _Run, frame: Frame, type: str, details_key: str | None, details: dict | None,
         advance_source: bool, previous: int | None) -> int:
    """interpreter.emit for a frame of a Distributed Map child: the event goes to the child's own history."""
    top = owner(run, frame)
    arn = top.execution["Id"] if top is not None else None
    last = run.state.children.get(arn) if arn is not None else None
    if last is None:
        return frame.last_event  # a run state from before children had histories: nothing to write to
    event_id = run.state.children[arn] = last + 1
    event = {
        "timestamp": run.now_iso,
        "type": type,
        "id": event_id,
        "previousEventId": previous if previous is not None else frame.last_event,
    }
    if details_key is not None:
        event[details_key] = details
    run.child_events.setdefault(arn, []).append(event)
    if advance_source:
        frame.last_event = event_id
    return event_id


def record(run: _Run, kind: str, **fields: Any) -> None:
    fields["kind"] = kind
    run.children.append(fields)


def started(run: _Run, child: Frame, map_run: str, items: int) -> None:
    """A new child execution: its history begins with ExecutionStarted (its input), as a top-level one does."""
    execution = child.execution
    arn = execution["Id"]
    text = run.text(child.input)
    run.state.children[arn] = 0
    record(run, "started", arn=arn, name=execution["Name"], map_run=map_run, index=child.index, items=items,
           input=text)
    child.last_event = 0
    emit(run, child, "ExecutionStarted", "executionStartedEventDetails",
         {"input": text, "inputDetails": {"truncated": False}, "roleArn": execution["RoleArn"]}, False, 0)
    child.last_event = 0  # AWS: the first state's Entered event has previousEventId 0


def ended(run: _Run, child: Frame, status: str, output: Any = None, error: str | None = None,
          cause: str | None = None) -> None:
    """A child execution ends: ExecutionSucceeded | ExecutionFailed | ExecutionAborted closes its history."""
    arn = child.execution["Id"]
    if status == SUCCEEDED:
        text = run.text(output)
        emit(run, child, "ExecutionSucceeded", "executionSucceededEventDetails",
             {"output": text, "outputDetails": {"truncated": False}}, True, None)
        record(run, "ended", arn=arn, status=status, output=text)
        run.state.children.pop(arn, None)  # the run state keeps only the children that may still write events
        return
    details: dict = {}
    if error is not None:
        details["error"] = error
    if cause:  # as for a top-level execution: no cause when there is none
        details["cause"] = cause
    event = "ExecutionFailed" if status == FAILED else "ExecutionAborted"
    emit(run, child, event, f"{event[0].lower()}{event[1:]}EventDetails", details, True, None)
    record(run, "ended", arn=arn, status=status, error=error, cause=cause)


def subtree(run: _Run, top: Frame) -> list[Frame]:
    """A frame and every frame below it, parents first."""
    below: dict[int | None, list[Frame]] = {}
    for frame in run.state.frames.values():
        below.setdefault(frame.parent, []).append(frame)
    found, queue = [], [top]
    while queue:
        frame = queue.pop(0)
        found.append(frame)
        queue.extend(below.get(frame.id, ()))
    return found


def keep(run: _Run, child: Frame, frames: list[Frame]) -> None:
    """An unsuccessful child ended: keep what redriving it needs (its frames as they stopped, its history's
    length) in its Map's data, for a redrive of the Map Run. Express children are not kept: AWS runs them
    again as new executions. The history counter leaves the run state, which keeps only running children."""
    count = run.state.children.pop(child.execution["Id"], 0)
    parent = run.state.frames.get(child.parent)
    if parent is None or run.machine.states[parent.state].execution_type == "EXPRESS":
        return
    parent.data.setdefault("redrivable", {})[str(child.index)] = {
        "frames": [frame.to_json() for frame in frames], "events": count}


def abort(run: _Run, child: Frame) -> None:
    """Stop a running child execution (its Map Run failed, or its Map was stopped): as StopExecution stops an
    execution, its history ends with ExecutionAborted and nothing else."""
    frames = subtree(run, child)
    ended(run, child, ABORTED)
    keep(run, child, frames)
    for frame in reversed(frames):
        run.drop_frame(frame)


def parent_ended(run: _Run) -> None:
    """The parent execution ends (stopped, timed out, failed) while children run: they end ABORTED, and so
    do their Map Runs. Their frames stay in the parent's redrive snapshot: a redrive of the parent goes on
    with them (redriven()). Distributed Maps in the parent's retained data keep theirs."""
    for frame in list(run.state.frames.values()):
        if frame.execution is not None and frame.execution["Id"] in run.state.children:
            ended(run, frame, ABORTED)
        elif frame.phase == "running" and "map_run" in frame.data:
            record(run, "map_run_ended", arn=frame.data["map_run"], status=ABORTED)


def map_aborted(run: _Run, frame: Frame) -> None:
    """A Distributed Map stopped while its Map Run runs (an enclosing Parallel branch or Map iteration was
    aborted): MapRunAborted, before the MapStateAborted the caller writes."""
    if frame.phase == "running" and "map_run" in frame.data:
        run.emit(frame, "MapRunAborted", advance_source=False)
        record(run, "map_run_ended", arn=frame.data["map_run"], status=ABORTED)


def redriven(run: _Run, frames: dict[int, Frame]) -> None:
    """RedriveExecution of the parent: the children it had stopped go on (ExecutionRedriven in their own
    histories) and so do their Map Runs (MapRunRedriven in the parent's)."""
    for frame in sorted(frames.values(), key=lambda f: f.id):
        if frame.execution is not None and frame.execution["Id"] in run.state.children:
            redrive_child(run, frame)
        elif frame.phase == "running" and "map_run" in frame.data:
            count = frame.data["redrives"] = frame.data.get("redrives", 0) + 1
            run.emit(frame, "MapRunRedriven", "mapRunRedrivenEventDetails",
                     {"mapRunArn": frame.data["map_run"], "redriveCount": count}, advance_source=False)
            record(run, "map_run_redriven", arn=frame.data["map_run"], redrive_count=count, pending=[])


def redrive_child(run: _Run, child: Frame) -> None:
    """An unsuccessful Standard child runs again as the same execution: ExecutionRedriven in its history."""
    count = child.execution.get("RedriveCount", 0) + 1
    child.execution = dict(child.execution, RedriveCount=count, RedriveTime=run.now_iso)
    emit(run, child, "ExecutionRedriven", "executionRedrivenEventDetails", {"redriveCount": count}, True, None)
    record(run, "redriven", arn=child.execution["Id"], redrive_count=count)
