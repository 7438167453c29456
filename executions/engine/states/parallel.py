"""Parallel: run every branch on the same effective input; the result is their outputs in branch order.

History: ParallelStateEntered -> ParallelStateStarted -> (branch events) -> ParallelStateSucceeded |
ParallelStateFailed -> ParallelStateExited. A failing branch stops the others and the state fails with the
branch's own error (as AWS does, rather than the spec's States.BranchFailed).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designer.asl.errors import StatesError
from executions.engine.retry import fail_state
from executions.engine.runstate import Frame
from executions.engine.states.base import CompositeHandler

if TYPE_CHECKING:
    from designer.asl.model import ParallelState
    from executions.engine.interpreter import _Run


class ParallelHandler(CompositeHandler):
    type = "Parallel"

    def phase_start(self, run: _Run, frame: Frame, state: ParallelState) -> bool:
        context = run.context(frame)
        variables = run.variables(frame)
        try:
            effective = state.io.prepare(state.io.select(frame.input, context, variables), context, variables)
            run.serialize(effective, f"input to the branches of state '{frame.state}'")
        except StatesError as exc:
            return fail_state(run, frame, state, exc, "start")
        run.emit(frame, "ParallelStateStarted")
        count = len(state.branches)
        retained = frame.data.get("retained") if frame.data else None
        results = retained["results"] if retained else [None] * count
        completed = set(retained["completed"]) if retained else set()  # redrive: finished branches stay done
        children = []
        for index in range(count):
            if index in completed:
                continue
            scope = run.machine.scopes[state.branches[index]]
            child = Frame(run.state.new_id(), frame.id, scope.id, scope.start_at, effective, index=index,
                          silent=frame.silent)
            child.last_event = frame.last_event
            run.state.frames[child.id] = child
            children.append(child.id)
        frame.data = {"results": results, "remaining": len(children), "entering": children,
                      "completed": sorted(completed)}
        frame.phase = "branching"
        return True

    def phase_branching(self, run: _Run, frame: Frame, state: ParallelState) -> bool:
        """Enter every branch's first state, one per step, before any branch runs further: AWS starts
        the branches together, so each has begun before a fast one can fail the rest."""
        entering = frame.data["entering"]
        if entering:
            child = run.state.frames[entering.pop(0)]
            child_state = run.machine.states[child.state]
            run.handlers[child_state.type].step(run, child, child_state)
            return True
        del frame.data["entering"]
        frame.phase = "running"
        # Pushed last-first so branch 0 runs first; each runs until it waits, then the next.
        for child_id in reversed([f.id for f in run.state.frames.values() if f.parent == frame.id]):
            run.push(run.state.frames[child_id])
        return frame.data["remaining"] == 0  # (a redrive may find every branch already done)

    def phase_running(self, run: _Run, frame: Frame, state: ParallelState) -> bool:
        if frame.data["remaining"]:
            return False
        run.emit(frame, "ParallelStateSucceeded", advance_source=False)
        frame.phase = "result"
        return True

    def child_done(self, run: _Run, parent: Frame, child: Frame, output: Any,
                   failure: tuple[str | None, str | None] | None) -> None:
        run.drop_frame(child)
        parent.last_event = max(parent.last_event, child.last_event)
        if failure is not None:
            run.abort_children(parent)
            parent.data = {"error": failure[0], "cause": failure[1],
                           "retained": {"results": parent.data["results"], "completed": parent.data["completed"]}}
            parent.phase = "failed"
        else:
            parent.data["results"][child.index] = output
            parent.data["completed"].append(child.index)
            parent.data["remaining"] -= 1
        run.push(parent)
