"""Pass, Wait, Choice, Succeed and Fail: the states that never call out (Wait only waits)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from designer.asl import errors
from designer.asl.dataflow import JSONATA
from designer.asl.errors import StatesError
from executions.engine.states.base import Handler

if TYPE_CHECKING:
    from designer.asl.model import ChoiceState, FailState, PassState, State, SucceedState, WaitState
    from executions.engine.interpreter import _Run
    from executions.engine.runstate import Frame


def _fail(run: _Run, frame: Frame, exc: StatesError) -> bool:
    # Pass, Wait, Choice, Succeed and Fail have no Retry or Catch: any error ends the frame.
    exc = run.located(frame, exc)
    run.evaluation_failed(frame, exc)
    run.fail_frame(frame, exc.error, exc.cause)
    return False


def _exit_with_input(run: _Run, frame: Frame, state: State, *, assign: bool) -> bool:
    """Leave a state whose output is its (selected) input: Succeed, and Wait once the time has come."""
    io = state.io
    context = run.context(frame)
    variables = run.variables(frame)
    try:
        selected = io.select(frame.input, context, variables)
        output, assigned = io.finish_input(frame.input, selected, context, variables)
    except StatesError as exc:
        return _fail(run, frame, exc)
    return run.exit_state(frame, state.type, output, assigned if assign else None, state.next)


class PassHandler(Handler):
    type = "Pass"

    def phase_run(self, run: _Run, frame: Frame, state: PassState) -> bool:
        io = state.io
        context = run.context(frame)
        variables = run.variables(frame)
        try:
            if io.language == JSONATA:
                output, assigned = io.finish_input(frame.input, frame.input, context, variables)
            else:
                effective = io.prepare(io.select(frame.input, context, variables), context, variables)
                # ASL: Result is the Pass state's "task result"; without it the effective input is.
                result = state.result if state.has_result else effective
                output, assigned = io.finish_result(frame.input, result, context, variables)
        except StatesError as exc:
            return _fail(run, frame, exc)
        return run.exit_state(frame, "Pass", output, assigned, state.next)


class SucceedHandler(Handler):
    type = "Succeed"

    def phase_run(self, run: _Run, frame: Frame, state: SucceedState) -> bool:
        return _exit_with_input(run, frame, state, assign=False)  # Succeed has no Assign and no Next


class FailHandler(Handler):
    type = "Fail"

    def phase_run(self, run: _Run, frame: Frame, state: FailState) -> bool:
        context = run.context(frame)
        variables = run.variables(frame)
        try:
            error = _text(state.error, "Error", state.language, frame, context, variables)
            cause = _text(state.cause, "Cause", state.language, frame, context, variables)
        except StatesError as exc:
            return _fail(run, frame, exc)
        run.fail_frame(frame, error, cause)
        return False


def _text(field, name: str, language: str, frame: Frame, context: dict, variables) -> str | None:
    if field is None:
        return None
    value = field(frame.input, context, variables)
    if not isinstance(value, str):
        raise StatesError(
            errors.QUERY_EVALUATION_ERROR if language == JSONATA else errors.RUNTIME,
            f"The value of the field '{name}' must be a string, but was '{value!r}'",
        )
    return value


class ChoiceHandler(Handler):
    type = "Choice"

    def phase_run(self, run: _Run, frame: Frame, state: ChoiceState) -> bool:
        io = state.io
        context = run.context(frame)
        variables = run.variables(frame)
        try:
            selected = io.select(frame.input, context, variables)
            for rule in state.rules:
                # ASL: rules are tried in order; the first that matches wins.
                if rule.test(selected, context, variables):
                    target, chosen, replaces_output = rule.next, rule.io, rule.has_output
                    break
            else:
                if state.default is None:
                    raise StatesError(errors.NO_CHOICE_MATCHED,
                                      f"No Choice Rules matched and no Default specified in state '{frame.state}'")
                target, chosen, replaces_output = state.default, state.default_io, False
            assigned = None
            output = None
            if chosen is not None:
                # ASL: the chosen rule's Assign (or, on Default, the state's) runs; a JSONata rule's
                # Output replaces the state's, which is then not evaluated at all.
                output, assigned = chosen.finish_input(frame.input, selected, context, variables)
            if not replaces_output:
                output, _ = io.finish_input(frame.input, selected, context, variables)
        except StatesError as exc:
            return _fail(run, frame, exc)
        return run.exit_state(frame, "Choice", output, assigned, target)


class WaitHandler(Handler):
    type = "Wait"

    def phase_run(self, run: _Run, frame: Frame, state: WaitState) -> bool:
        io = state.io
        context = run.context(frame)
        variables = run.variables(frame)
        try:
            selected = io.select(frame.input, context, variables)
            due = self._due(run, frame, state, selected, context, variables)
        except StatesError as exc:
            return _fail(run, frame, exc)
        if due <= run.now:
            frame.phase = "exit"  # ASL: a timestamp in the past means no wait at all
            return True
        timer = run.new_key("timer")
        run.start_timer(frame, timer, due, "wait")
        frame.data = {"timer": timer, "timer_kind": "wait"}
        frame.phase = "waiting"
        return False

    def _due(self, run: _Run, frame: Frame, state: WaitState, selected, context, variables) -> datetime:
        invalid = errors.QUERY_EVALUATION_ERROR if state.language == JSONATA else errors.RUNTIME
        if state.seconds is not None:
            seconds = state.seconds(selected, context, variables)
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0 \
                    or seconds != int(seconds) or seconds > 99_999_999:
                raise StatesError(invalid, f"The Seconds value '{seconds}' of state '{frame.state}' must be "
                                           "a non-negative integer no greater than 99999999")
            return run.now + timedelta(seconds=int(seconds))
        stamp = state.timestamp(selected, context, variables)
        moment = parse_timestamp(stamp) if isinstance(stamp, str) else None
        if moment is None:
            raise StatesError(invalid, f"The Timestamp value '{stamp}' of state '{frame.state}' is not a valid "
                                       "RFC3339 timestamp such as 2016-03-14T01:59:00Z")
        return moment

    def timer_fired(self, run: _Run, frame: Frame, state: State, kind: str | None) -> None:
        if kind == "wait":
            frame.phase = "exit"
            run.push(frame)

    def phase_exit(self, run: _Run, frame: Frame, state: WaitState) -> bool:
        return _exit_with_input(run, frame, state, assign=True)


def parse_timestamp(text: str) -> datetime | None:
    """RFC 3339 as ASL requires it: uppercase T and Z (or a numeric offset), e.g. 2016-03-14T01:59:00Z."""
    if len(text) < 20 or text[10] != "T" or not (text.endswith("Z") or text[-6] in "+-"):
        return None
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        if moment.tzinfo is None:
            return None
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # OverflowError: e.g. year 1 with a positive offset
        return None
