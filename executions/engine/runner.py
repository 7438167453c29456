"""Run an execution to completion in this process: the engine's commands answered on the spot.

This is the host used by `manage.py asl run`, the tests and the benchmarks. Tasks go to a resolver (a
callable given the InvokeTask command); time is a virtual clock that jumps to the next timer, unless
`real_time` asks to really sleep. The server runtime is another host of the same engine.
"""
from __future__ import annotations

import heapq
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from designer.asl.errors import StatesError
from designer.asl.model import Machine
from executions.engine import signals as sig
from executions.engine.interpreter import MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES, advance, start
from executions.engine.runstate import RUNNING, RunState

Resolver = Callable[[sig.InvokeTask], Any]


class UnresolvedResource(LookupError):
    """No resolver and no mock answers this Task resource."""

    def __init__(self, resource: str, state_name: str):
        super().__init__(f"No resolver or mock for resource '{resource}' used by state '{state_name}'")
        self.resource = resource
        self.state_name = state_name


class Stalled(RuntimeError):
    """The execution waits for something no one will send (e.g. a callback token with no mock)."""


def no_resolver(command: sig.InvokeTask) -> Any:
    raise UnresolvedResource(command.resource, command.state_name)


class Outbox:
    """What an in-process host still has to do: tasks to invoke, in order, and timers to fire, by due time.
    Cancelled tasks and timers are skipped."""

    def __init__(self) -> None:
        self._tasks: deque[sig.InvokeTask] = deque()
        self._timers: list[tuple[datetime, int, str]] = []
        self._live: set[str] = set()
        self._cancelled: set[str] = set()
        self._sequence = 0

    def absorb(self, commands: list) -> None:
        for command in commands:
            if isinstance(command, sig.InvokeTask):
                self._tasks.append(command)
            elif isinstance(command, sig.StartTimer):
                self._sequence += 1
                heapq.heappush(self._timers, (command.due, self._sequence, command.timer_id))
                self._live.add(command.timer_id)
            elif isinstance(command, sig.CancelTimer):
                self._live.discard(command.timer_id)
            elif isinstance(command, sig.CancelTask):
                self._cancelled.add(command.task_id)

    def pending_task(self) -> sig.InvokeTask | None:
        while self._tasks and self._tasks[0].task_id in self._cancelled:
            self._tasks.popleft()
        return self._tasks[0] if self._tasks else None

    def pop_task(self) -> sig.InvokeTask | None:
        task = self.pending_task()
        if task is not None:
            self._tasks.popleft()
        return task

    def next_timer(self) -> tuple[datetime, str] | None:
        while self._timers and self._timers[0][2] not in self._live:
            heapq.heappop(self._timers)
        return (self._timers[0][0], self._timers[0][2]) if self._timers else None

    def pop_timer(self) -> tuple[datetime, str] | None:
        upcoming = self.next_timer()
        if upcoming is not None:
            heapq.heappop(self._timers)
            self._live.discard(upcoming[1])
        return upcoming


@dataclass
class RunResult:
    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None
    events: list[dict] = field(default_factory=list)
    transitions: int = 0

    def to_dict(self) -> dict:
        return {"status": self.status, "output": self.output, "error": self.error, "cause": self.cause}


class LocalRunner:
    """Drive one machine to completion with a resolver for tasks and a virtual (or real) clock."""

    def __init__(self, machine: Machine, resolver: Resolver | None = None, *, real_time: bool = False,
                 start_time: datetime | None = None, keep_history: bool = True,
                 max_payload: int = MAX_PAYLOAD_BYTES, resume_every_step: bool = False,
                 token_factory: Callable[[], str] | None = None,
                 max_history_events: int | None = MAX_HISTORY_EVENTS):
        self.machine = machine
        self.resolver = resolver or no_resolver
        self.real_time = real_time
        self.start_time = start_time
        self.keep_history = keep_history
        self.max_payload = max_payload
        # Tests: round-trip the run state through JSON between steps, as a durable host would.
        self.resume_every_step = resume_every_step
        self.token_factory = token_factory
        self.max_history_events = max_history_events  # AWS Standard: 25,000; None: unlimited (Express)

    def run(self, input: Any, *, name: str = "local", state_machine_name: str = "local",
            max_events: int | None = None) -> RunResult:
        now = origin = self.start_time or datetime.now(timezone.utc)
        started_at = time.monotonic()
        history: list[dict] = []
        step = start(self.machine, input, now=now, name=name, state_machine_name=state_machine_name,
                     max_events=max_events, max_payload=self.max_payload, token_factory=self.token_factory,
                     max_history_events=self.max_history_events)
        outbox = Outbox()
        while True:
            if self.keep_history:
                history.extend(step.events)
            state = step.state
            outbox.absorb(step.commands)
            if state.status != RUNNING:
                break
            if self.resume_every_step:
                state = RunState.from_json(_json_round_trip(state.to_json()))
            incoming: list = []
            if not state.runnable:  # (runnable frames left means max_events stopped the step: go on)
                command = outbox.pop_task()
                if command is not None:
                    incoming = self._invoke(command)
                else:
                    upcoming = outbox.pop_timer()
                    if upcoming is None:
                        raise Stalled("The execution waits for a task token or signal that nothing will send")
                    due, timer_id = upcoming
                    if due > now:
                        if self.real_time:
                            time.sleep((due - now).total_seconds())
                        now = due
                    incoming = [sig.TimerFired(timer_id)]
            if self.real_time:
                now = max(now, origin + timedelta(seconds=time.monotonic() - started_at))
            step = advance(self.machine, state, incoming, now=now, max_events=max_events,
                           max_payload=self.max_payload, token_factory=self.token_factory,
                           max_history_events=self.max_history_events)
        return RunResult(state.status, state.output, state.error, state.cause, history, state.transitions)

    def _invoke(self, command: sig.InvokeTask) -> list:
        started = sig.TaskStarted(command.task_id)
        try:
            result = self.resolver(command)
        except StatesError as exc:
            return [started, sig.TaskFailed(command.task_id, exc.error, exc.cause)]
        return [started, sig.TaskSucceeded(command.task_id, result)]


def _json_round_trip(data: dict) -> dict:
    import json

    return json.loads(json.dumps(data))
