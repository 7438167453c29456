"""The compiled form of a state machine: what the interpreter runs.

Every expression (paths, payload templates, intrinsics, JSONata, Choice rules) is compiled once here, so a
state transition only calls closures. A `Machine` is immutable and safe to cache per definition revision.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from designer.asl.dataflow import Finish, StateIO

# A value that is either fixed in the definition or computed from the state's data at run time:
# (effective input or raw input, context, variables) -> value.
Dynamic = Callable[[Any, dict, Any], Any]


@dataclass(frozen=True, slots=True)
class Retrier:
    error_equals: tuple[str, ...]
    interval_seconds: int = 1
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: int | None = None
    jitter: str = "NONE"


@dataclass(frozen=True, slots=True)
class Catcher:
    error_equals: tuple[str, ...]
    next: str
    finish: Finish


@dataclass(frozen=True, slots=True)
class ChoiceRule:
    test: Callable[[Any, dict, Any], bool]
    next: str
    io: StateIO | None  # the rule's own Assign (and JSONata Output), or None
    has_output: bool = False  # a JSONata rule's Output replaces the state's


@dataclass(slots=True)
class State:
    name: str
    type: str
    scope: str  # the id of the States block holding this state ("" = top level)
    language: str
    io: StateIO
    next: str | None = None
    end: bool = False
    definition: dict = field(default_factory=dict, repr=False)


@dataclass(slots=True)
class PassState(State):
    result: Any = None
    has_result: bool = False


@dataclass(slots=True)
class TaskState(State):
    resource: str = ""
    timeout: Dynamic | None = None  # -> seconds (int) or None for AWS's default
    heartbeat: Dynamic | None = None
    credentials: Dynamic | None = None
    retriers: tuple[Retrier, ...] = ()
    catchers: tuple[Catcher, ...] = ()


@dataclass(slots=True)
class ChoiceState(State):
    rules: tuple[ChoiceRule, ...] = ()
    default: str | None = None
    default_io: StateIO | None = None  # the state-level Assign, which runs only when Default is taken


@dataclass(slots=True)
class WaitState(State):
    seconds: Dynamic | None = None
    timestamp: Dynamic | None = None


@dataclass(slots=True)
class SucceedState(State):
    pass


@dataclass(slots=True)
class FailState(State):
    error: Dynamic | None = None
    cause: Dynamic | None = None


@dataclass(slots=True)
class ParallelState(State):
    branches: tuple[str, ...] = ()  # scope ids
    retriers: tuple[Retrier, ...] = ()
    catchers: tuple[Catcher, ...] = ()


@dataclass(slots=True)
class MapState(State):
    processor: str = ""  # scope id of the ItemProcessor
    distributed: bool = False
    execution_type: str | None = None
    items: Dynamic | None = None  # -> the array (or object) to iterate
    item_selector: Callable[[Any, dict, Any], Any] | None = None  # (effective input, context with Map.Item, vars)
    max_concurrency: Dynamic | None = None
    tolerated_count: Dynamic | None = None
    tolerated_percentage: Dynamic | None = None
    batcher: dict[str, Dynamic] | None = None  # MaxItemsPerBatch, MaxInputBytesPerBatch, BatchInput
    label: str | None = None
    retriers: tuple[Retrier, ...] = ()
    catchers: tuple[Catcher, ...] = ()


@dataclass(frozen=True, slots=True)
class Scope:
    id: str
    start_at: str
    states: tuple[str, ...]
    parent_state: str | None  # the Parallel or Map state that owns this block


@dataclass(slots=True)
class Machine:
    definition: dict
    language: str
    start_at: str
    timeout_seconds: int | None
    states: dict[str, State]
    scopes: dict[str, Scope]

    def state(self, name: str) -> State:
        return self.states[name]
