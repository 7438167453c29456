"""The states of a definition as the pages list them: every state, nested ones (Parallel branches, Map
processors) included, in document order."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class StateRow:
    name: str
    type: str
    comment: str
    depth: int  # 0: top level; 1: inside a Parallel branch or a Map's processor; ...
    state: dict


def states(definition: dict, depth: int = 0) -> Iterator[StateRow]:
    """Each state of `definition` (a parsed ASL document) followed by the states nested in it."""
    for name, state in (definition.get("States") or {}).items():
        if not isinstance(state, dict):
            continue
        comment = state.get("Comment")
        yield StateRow(str(name), str(state.get("Type", "")), comment if isinstance(comment, str) else "", depth, state)
        for nested in _nested(state):
            yield from states(nested, depth + 1)


def find(definition: dict, name: str) -> dict | None:
    """The state called `name` (ASL: state names are unique across the whole machine, nested ones included)."""
    return next((row.state for row in states(definition) if row.name == name), None)


def _nested(state: dict) -> Iterator[dict]:
    for branch in state.get("Branches") or []:
        if isinstance(branch, dict):
            yield branch
    # ASL: ItemProcessor (Iterator in older definitions) is a Map's own small state machine.
    for key in ("ItemProcessor", "Iterator"):
        if isinstance(state.get(key), dict):
            yield state[key]
