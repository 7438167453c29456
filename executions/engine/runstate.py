"""The interpreter's whole memory of one execution, as plain data.

A `RunState` is a tree of frames: the top-level machine, each running Parallel branch and each running
Map iteration. Each frame knows its current state, the phase within that state, the state's raw input,
its variable scope and its retry counters. `to_json()`/`from_json()` round-trip it exactly, so a host can
store it after any step and resume later, in another process.
"""
from __future__ import annotations

from typing import Any

RUNNING = "RUNNING"
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"
TIMED_OUT = "TIMED_OUT"
ABORTED = "ABORTED"

_FRAME_FIELDS = (
    "id", "parent", "scope", "index", "state", "phase", "input", "vars",
    "entered", "entered_event", "retry_count", "attempts", "data", "last_event", "silent", "execution",
)


class Frame:
    """One thread of control: the top-level machine, a Parallel branch, or a Map iteration."""

    __slots__ = _FRAME_FIELDS + ("view",)

    def __init__(self, id: int, parent: int | None, scope: str, state: str, input: Any, *,
                 index: int | None = None, vars: dict | None = None, silent: bool = False,
                 execution: dict | None = None):
        self.id = id
        self.parent = parent
        self.scope = scope
        self.index = index
        self.state = state
        self.phase = "enter"
        self.input = input
        self.vars = vars if vars is not None else {}
        self.entered = ""
        self.entered_event = 0  # id of the current state's StateEntered event (AWS names it in causes)
        self.retry_count = 0
        self.attempts: list[int] = []  # per Retrier: retries made in this state visit
        self.data: dict = {}
        self.last_event = 0
        # In a Distributed Map child (the child's top frame or a frame below it): its events belong to the
        # child execution's own history (interpreter.emit -> children.emit).
        self.silent = silent
        self.execution = execution  # the top frame of a Distributed Map child: the child's own $$.Execution
        self.view = None  # cached variable lookup chain; not persisted

    def to_json(self) -> dict:
        return {name: getattr(self, name) for name in _FRAME_FIELDS}

    @classmethod
    def from_json(cls, data: dict) -> Frame:
        frame = cls.__new__(cls)
        for name in _FRAME_FIELDS:
            setattr(frame, name, data[name])
        frame.view = None
        return frame


class RunState:
    """Everything needed to continue an execution; JSON-serialisable through to_json()."""

    __slots__ = (
        "status", "output", "error", "cause", "execution", "state_machine", "frames", "runnable",
        "waiting", "timers", "counter", "event_id", "transitions", "redrive", "children",
    )

    def __init__(self, execution: dict, state_machine: dict):
        self.status = RUNNING
        self.output: Any = None
        self.error: str | None = None
        self.cause: str | None = None
        self.execution = execution  # $$.Execution: Id, Input, Name, RoleArn, StartTime, RedriveCount
        self.state_machine = state_machine  # $$.StateMachine: Id, Name
        self.frames: dict[int, Frame] = {}
        self.runnable: list[int] = []  # a stack: the newest runnable frame runs first (depth first)
        self.waiting: dict[str, int] = {}  # task or timer id -> frame id
        self.timers: dict[str, str] = {}  # timer id -> due time (ISO 8601), for hosts that resume
        self.counter = 0
        self.event_id = 0
        self.transitions = 0
        # After a failure, time-out or stop: the frames that were still alive, for RedriveExecution.
        self.redrive: list[dict] | None = None
        # Distributed Map children (executions of their own): ARN -> the id of the last event of their history.
        self.children: dict[str, int] = {}

    def new_id(self) -> int:
        self.counter += 1
        return self.counter

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "output": self.output,
            "error": self.error,
            "cause": self.cause,
            "execution": self.execution,
            "state_machine": self.state_machine,
            # JSON object keys are strings; frames keep their int ids inside.
            "frames": [frame.to_json() for frame in self.frames.values()],
            "runnable": list(self.runnable),
            "waiting": dict(self.waiting),
            "timers": dict(self.timers),
            "counter": self.counter,
            "event_id": self.event_id,
            "transitions": self.transitions,
            "redrive": self.redrive,
            "children": dict(self.children),
        }

    @classmethod
    def from_json(cls, data: dict) -> RunState:
        state = cls(data["execution"], data["state_machine"])
        for name in ("status", "output", "error", "cause", "runnable", "waiting", "timers",
                     "counter", "event_id", "transitions"):
            setattr(state, name, data[name])
        state.frames = {f["id"]: Frame.from_json(f) for f in data["frames"]}
        state.redrive = data.get("redrive")
        state.children = data.get("children") or {}
        return state
