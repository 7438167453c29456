"""Transitions between states: targets that exist, states that can be reached, a terminal state.

ASL: StartAt, Next, Default, Choices[].Next and Catch[].Next name a state of the same `States`
object; a Parallel branch or Map iteration is a closed world (nothing enters or leaves it by name).
AWS (measured): a dangling target is "Missing 'Next' target: X" whatever the field, located at the
field; an unreachable state is `State "X" is not reachable.` at the state; a machine whose top level
declares no terminal state gets one location-less MISSING_END_STATE and no unreachable-state reports
for that level. Nested scopes need no terminal state (a Map iteration may loop until it fails).
"""

from __future__ import annotations

from designer.asl.validation.context import Checker, Scope
from designer.asl.validation.diagnostics import MISSING_END_STATE, MISSING_TARGET

_TERMINAL_TYPES = frozenset({"Succeed", "Fail"})
_CATCHING_TYPES = frozenset({"Task", "Parallel", "Map"})
_NOT_ENDING_TYPES = frozenset({"Choice", "Succeed", "Fail"})


def type_of(state: dict) -> str | None:
    """The state's Type if it is a string (values of any JSON type may sit there)."""
    kind = state.get("Type")
    return kind if isinstance(kind, str) else None


def targets(state) -> list[str]:
    """The state names a state can transition to (only well-formed string targets)."""
    if not isinstance(state, dict):
        return []
    found = []
    kind = type_of(state)
    following = state.get("Next")
    if isinstance(following, str):
        found.append(following)
    if kind == "Choice":
        default = state.get("Default")
        if isinstance(default, str):
            found.append(default)
        rules = state.get("Choices")
        if isinstance(rules, list):
            found.extend(r["Next"] for r in rules if isinstance(r, dict) and isinstance(r.get("Next"), str))
    if kind in _CATCHING_TYPES:
        catchers = state.get("Catch")
        if isinstance(catchers, list):
            found.extend(c["Next"] for c in catchers if isinstance(c, dict) and isinstance(c.get("Next"), str))
    return found


def is_terminal(state) -> bool:
    # A state of unknown or missing Type that says End: true counts, so that the one schema error
    # about its Type is not joined by a MISSING_END_STATE that fixing the Type would also fix.
    if not isinstance(state, dict):
        return False
    kind = type_of(state)
    return kind in _TERMINAL_TYPES or (kind not in _NOT_ENDING_TYPES and state.get("End") is True)


def reachable_from(start, states: dict) -> frozenset:
    """Names reachable from `start` by following transitions (iterative, cycles welcome)."""
    if not isinstance(start, str) or start not in states:
        return frozenset()
    seen = {start}
    pending = [start]
    while pending:
        for target in targets(states[pending.pop()]):
            if target in states and target not in seen:
                seen.add(target)
                pending.append(target)
    return frozenset(seen)


def prepare(ck: Checker, scope: Scope, start) -> None:
    """Decide which states of `scope` are reachable, before its states are checked one by one."""
    if scope.top and not any(is_terminal(state) for state in scope.states.values()):
        scope.reachable = None  # AWS: MISSING_END_STATE replaces the unreachable-state walk
        return
    scope.reachable = reachable_from(start, scope.states)


def check_reachable(ck: Checker, scope: Scope, name: str, location: str) -> None:
    if scope.reachable is not None and name not in scope.reachable:
        ck.report.error(MISSING_TARGET, f'State "{name}" is not reachable.', location)


def check_terminal(ck: Checker, scope: Scope) -> None:
    if scope.top and scope.reachable is None:
        ck.report.error(MISSING_END_STATE, "Workflow has no terminal state", "")


def check_target(ck: Checker, scope: Scope, value, location: str) -> None:
    """Report a transition target that is not a state of the same scope."""
    if not isinstance(value, str) or value in scope.names:
        return
    message = f"Missing 'Next' target: {value}"
    elsewhere = ck.first_name_location.get(value)
    if elsewhere is not None:
        message += (
            f" (a state of that name is defined at {elsewhere}, but transitions cannot leave or enter "
            "a Parallel branch or Map iteration)"
        )
    ck.report.error(MISSING_TARGET, message, location)
