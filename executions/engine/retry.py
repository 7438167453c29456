"""Retry and Catch: which error names match, how long to back off, where a caught error goes."""
from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from designer.asl import errors
from designer.asl.errors import StatesError
from designer.asl.model import Retrier

if TYPE_CHECKING:
    from designer.asl.model import State
    from executions.engine.interpreter import _Run
    from executions.engine.runstate import Frame

MAX_DELAY_SECONDS = 31_622_400
_TIMEOUTS = frozenset({errors.TIMEOUT, errors.HEARTBEAT_TIMEOUT})


def matches(error_equals: tuple[str, ...], error: str, also: tuple[str, ...] = (), catchable: bool = False) -> bool:
    """Does a Retrier's or Catcher's ErrorEquals cover `error`?

    `also` lists further names that match this one occurrence (a missed heartbeat is reported as
    States.Timeout, yet States.HeartbeatTimeout matches it); `catchable` lets a States.DataLimitExceeded
    raised by a task's result be handled like any task failure (AWS history shows it caught by name and
    by States.ALL), while the other DataLimitExceeded and every States.Runtime stay terminal.
    """
    if error in errors.UNCATCHABLE and not catchable:
        # ASL: States.Runtime and States.DataLimitExceeded are terminal; no wildcard matches them.
        return False
    for name in error_equals:
        if name == error or name == errors.ALL or name in also:
            return True
        # DG error handling: States.TaskFailed matches any error except States.Timeout.
        if name == errors.TASK_FAILED and error not in _TIMEOUTS:
            return True
        # A missed heartbeat is a kind of timeout: States.Timeout matches it too.
        if name == errors.TIMEOUT and error == errors.HEARTBEAT_TIMEOUT:
            return True
    return False


def backoff_seconds(retrier: Retrier, attempt: int, rng: random.Random) -> float:
    """Delay before retry number `attempt` (1-based): IntervalSeconds x BackoffRate^(attempt-1), capped
    by MaxDelaySeconds; with JitterStrategy FULL a uniform draw between 0 and that."""
    # Without MaxDelaySeconds the delay is still capped (at MaxDelaySeconds' own ceiling, a year and a
    # day), which also keeps valid but huge IntervalSeconds x BackoffRate^n from overflowing.
    cap = retrier.max_delay_seconds if retrier.max_delay_seconds is not None else MAX_DELAY_SECONDS
    try:
        delay = min(retrier.interval_seconds * retrier.backoff_rate ** (attempt - 1), cap)
    except OverflowError:
        delay = cap
    if retrier.jitter == "FULL":
        delay = rng.uniform(0, delay)
    return delay


def will_retry(frame: Frame, state: State, error: str) -> bool:
    """Would handle_error() retry this error now? (Map and Parallel write <Type>StateFailed only when not.)"""
    if error in errors.UNCATCHABLE:
        return False
    for index, retrier in enumerate(getattr(state, "retriers", ())):
        if matches(retrier.error_equals, error):
            used = frame.attempts[index] if index < len(frame.attempts) else 0
            return used < retrier.max_attempts
    return False


def handle_error(run: _Run, frame: Frame, state: State, error: str, cause: str | None, retry_phase: str, *,
                 also: tuple[str, ...] = (), catchable: bool = False) -> bool:
    """A state failed with `error`: retry it, catch it, or fail the frame. Returns True to keep running.

    `also` and `catchable` widen the matching for this one error (see `matches`)."""
    retriers = getattr(state, "retriers", ())
    if catchable or error not in errors.UNCATCHABLE:
        for index, retrier in enumerate(retriers):
            if not matches(retrier.error_equals, error, also, catchable):
                continue
            # ASL: the first Retrier whose ErrorEquals matches applies; once its attempts are used up
            # the error goes to Catch, even when a later Retrier would also match.
            while len(frame.attempts) < len(retriers):
                frame.attempts.append(0)
            # DG "Complex retry scenarios": errors ErrorA, ErrorB, ErrorC, ErrorB against a first Retrier
            # [ErrorA, ErrorB] with MaxAttempts 2 -> the fourth error goes to Catch. So MaxAttempts counts
            # every retry the Retrier made in this state visit, whatever the error name.
            if frame.attempts[index] < retrier.max_attempts:
                frame.attempts[index] = used = frame.attempts[index] + 1
                frame.retry_count += 1
                # Seeded per execution and attempt, so a replayed step makes the same choice.
                rng = random.Random(f"{run.state.execution['Id']}/{frame.id}/{run.state.counter}")
                delay = backoff_seconds(retrier, used, rng)
                timer = run.new_key("timer")
                run.start_timer(frame, timer, run.now + timedelta(seconds=delay), "backoff")
                frame.data = {"timer": timer, "timer_kind": "backoff", "retry_phase": retry_phase}
                frame.phase = "backoff"
                return False
            break
        for catcher in getattr(state, "catchers", ()):
            if not matches(catcher.error_equals, error, also, catchable):
                continue
            error_output = {"Error": error, "Cause": cause} if cause is not None else {"Error": error}
            try:
                output, assigned = catcher.finish(frame.input, error_output, run.context(frame),
                                                  run.variables(frame))
            except StatesError as exc:
                exc = run.located(frame, exc)
                run.evaluation_failed(frame, exc)
                run.fail_frame(frame, exc.error, exc.cause)
                return False
            return run.exit_state(frame, state.type, output, assigned, catcher.next)
    run.fail_frame(frame, error, cause)
    return False


def fail_state(run: _Run, frame: Frame, state: State, exc: StatesError, retry_phase: str) -> bool:
    """An expression or data-flow step raised: record EvaluationFailed for JSONata errors, then handle."""
    exc = run.located(frame, exc)
    run.evaluation_failed(frame, exc)
    return handle_error(run, frame, state, exc.error, exc.cause, retry_phase)
