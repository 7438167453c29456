"""What every state type shares: entering, the final transition, and the default reactions."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designer.asl.errors import StatesError
from executions.engine import signals as sig
from executions.engine.retry import fail_state, handle_error, will_retry

if TYPE_CHECKING:
    from designer.asl.model import State
    from executions.engine.interpreter import _Run
    from executions.engine.runstate import Frame


class Handler:
    """Runs one state type. `step` advances a frame by one phase and returns True while the frame can
    go on at once; False when it waits (a task, a timer, its children) or has ended."""

    type = ""

    def step(self, run: _Run, frame: Frame, state: State) -> bool:
        phase = frame.phase
        if phase == "enter":
            run.enter(frame, self.type)
            return True
        if phase == "next":
            return run.go_next(frame)
        return getattr(self, f"phase_{phase}")(run, frame, state)

    def deliver(self, run: _Run, frame: Frame, state: State, signal: Any) -> None:
        if isinstance(signal, sig.TimerFired) and frame.data.get("timer") == signal.timer_id:
            run.state.waiting.pop(signal.timer_id, None)
            self.timer_fired(run, frame, state, frame.data.get("timer_kind"))

    def timer_fired(self, run: _Run, frame: Frame, state: State, kind: str | None) -> None:
        if kind == "backoff":
            frame.phase = frame.data["retry_phase"]
            frame.data = {}
            run.push(frame)

    def child_done(self, run: _Run, parent: Frame, child: Frame, output: Any,
                   failure: tuple[str | None, str | None] | None) -> None:
        raise AssertionError(f"{self.type} states have no child frames")


class CompositeHandler(Handler):
    """Parallel and Map: states that run child frames and then shape the children's results.

    Phases: enter -> start (spawn children) -> running -> result | failed -> error (retry re-runs `start`).
    """

    def step(self, run: _Run, frame: Frame, state: State) -> bool:
        if frame.phase == "enter":
            run.enter(frame, self.type, "start")
            return True
        return super().step(run, frame, state)

    def phase_failed(self, run: _Run, frame: Frame, state: State) -> bool:
        # AWS writes <Type>StateFailed once, when the failure is final (caught or not), never before a retry.
        if not will_retry(frame, state, frame.data["error"]):
            run.emit(frame, f"{self.type}StateFailed")
        frame.phase = "error"
        return True

    def phase_error(self, run: _Run, frame: Frame, state: State) -> bool:
        return handle_error(run, frame, state, frame.data["error"], frame.data.get("cause"), "start")

    def phase_result(self, run: _Run, frame: Frame, state: State) -> bool:
        try:
            output, assigned = state.io.finish_result(frame.input, frame.data["results"], run.context(frame),
                                                      run.variables(frame))
        except StatesError as exc:
            return fail_state(run, frame, state, exc, "start")
        return run.exit_state(frame, self.type, output, assigned, state.next)
