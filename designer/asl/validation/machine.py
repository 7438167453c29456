"""The whole definition: top-level fields, every `States` scope, state names, nesting depth.

Two passes. The first maps the scopes (top level, Parallel branches, Map processors) and records
where each state name and variable first appears, so the second pass, which checks everything in
document order, can tell duplicates, cross-scope transitions and outer-scope variables apart.
"""

from __future__ import annotations

from designer.asl.validation import fields, graph, maps, states, variables
from designer.asl.validation.context import ABSENT, JSONATA, JSONPATH, Checker, Scope, StateInfo, effective_language
from designer.asl.validation.diagnostics import (
    DUPLICATE_STATE_NAME,
    INVALID_STATE_NAME,
    TOO_DEEPLY_NESTED,
    Diagnostic,
    at,
    item,
)
from designer.asl.validation.values import MAX_SECONDS, check_int, check_string, expected

# Deeper JSON than this is refused as TOO_DEEPLY_NESTED. AWS has such a limit but does not publish
# it; 150 levels leaves room for Map-in-Map-in-Parallel designs with deep payloads, and keeps every
# recursive check far from Python's recursion limit.
MAX_DEPTH = 150
MAX_STATE_NAME_LENGTH = 80  # ASL (AWS quota): state names are at most 80 Unicode characters
TOP_FIELDS = frozenset({"Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage"})
BRANCH_FIELDS = frozenset({"Comment", "StartAt", "States"})
PROCESSOR_FIELDS = BRANCH_FIELDS | {"ProcessorConfig"}
_CATCHING = frozenset({"Task", "Parallel", "Map"})


def check_definition(definition, duplicated: frozenset = frozenset()) -> list[Diagnostic]:
    """Every diagnostic for an already parsed definition, in document order.

    `duplicated` holds locations of states that the JSON text defines twice in one `States` object
    (the parser keeps the last one); each is reported as DUPLICATE_STATE_NAME.
    """
    if not isinstance(definition, dict):
        ck = Checker(JSONPATH)
        expected(ck.report, "/", definition, "OBJECT")
        return ck.report.items
    too_deep = _too_deep(definition)
    if too_deep is not None:
        ck = Checker(JSONPATH)
        ck.report.error(
            TOO_DEEPLY_NESTED, f"The definition nests objects and arrays more than {MAX_DEPTH} levels deep", too_deep
        )
        return ck.report.items
    ck = Checker(effective_language(definition.get("QueryLanguage", ABSENT), JSONPATH))
    ck.duplicated = frozenset(duplicated)
    _map_scope(ck, definition, "", None, isolated=False)
    _check_scope_object(ck, definition, "", ck.scopes[""], TOP_FIELDS)
    graph.check_terminal(ck, ck.scopes[""])
    return ck.report.items


def check_nested_scope(ck: Checker, value, location: str, *, processor: bool) -> None:
    """A Parallel branch or a Map ItemProcessor/Iterator: {StartAt, States, Comment(, ProcessorConfig)}."""
    if not isinstance(value, dict):
        expected(ck.report, location, value, "OBJECT")
        return
    allowed = PROCESSOR_FIELDS if processor else BRANCH_FIELDS
    _check_scope_object(ck, value, location, ck.scopes[location], allowed)


def _check_scope_object(ck: Checker, obj: dict, location: str, scope: Scope, allowed: frozenset) -> None:
    report = ck.report
    here = location or "/"
    for key in obj:
        if key not in allowed:
            report.schema(f"Field '{key}' is not supported", here)
    missing = [name for name in ("StartAt", "States") if name not in obj]
    if missing:
        report.schema(f"These fields are required: [{', '.join(missing)}]", here)
    graph.prepare(ck, scope, obj.get("StartAt"))
    for key, value in obj.items():
        key_location = at(location, key)
        if key == "StartAt":
            if check_string(report, value, key_location, non_empty=True) and isinstance(obj.get("States"), dict):
                graph.check_target(ck, scope, value, key_location)
        elif key == "States":
            if isinstance(value, dict):
                for name, state in value.items():
                    _check_state(ck, scope, name, state)
            else:
                expected(report, key_location, value, "OBJECT")
        elif key == "Comment":
            check_string(report, value, key_location)
        elif key == "Version" and location == "":
            if check_string(report, value, key_location) and value != "1.0":
                report.schema(f"Value should be one of the following: [1.0], got '{value}'", key_location)
        elif key == "TimeoutSeconds" and location == "":
            check_int(report, value, key_location, 0, MAX_SECONDS)
        elif key == "QueryLanguage" and location == "":
            fields.check_query_language_value(ck, value, key_location)
        elif key == "ProcessorConfig" and key in allowed:
            maps.check_processor_config(ck, value, key_location)


def _check_state(ck: Checker, scope: Scope, name: str, data) -> None:
    report = ck.report
    location = scope.state_location(name)
    if not name or len(name) > MAX_STATE_NAME_LENGTH:
        report.error(
            INVALID_STATE_NAME,
            f"State names must be 1 to {MAX_STATE_NAME_LENGTH} characters long, got {len(name)}: '{name[:40]}'",
            location,
        )
    first = ck.first_name_location.get(name)
    if location in ck.duplicated or (first is not None and first != location):
        where = f" (first defined at {first})" if first != location else ""
        report.error(
            DUPLICATE_STATE_NAME,
            f"Duplicate State name: {name}{where}; state names must be unique in the whole state machine",
            location,
        )
    graph.check_reachable(ck, scope, name, location)
    if not isinstance(data, dict):
        expected(report, location, data, "OBJECT")
        return
    if "Type" not in data:
        report.schema("These fields are required: [Type]", location)
        return
    kind = data["Type"]
    if kind not in fields.STATE_TYPES:
        if isinstance(kind, str):
            report.schema(
                f"Value should be one of the following: [{', '.join(fields.STATE_TYPES)}], got '{kind}'",
                at(location, "Type"),
            )
        else:
            expected(report, at(location, "Type"), kind, "STRING")
        return
    declared = data.get("QueryLanguage", ABSENT)
    language = effective_language(declared, ck.language)
    downgraded = declared == JSONPATH and ck.language == JSONATA
    states.check_state(ck, StateInfo(name, data, location, kind, language, scope, downgraded))


def _map_scope(ck: Checker, obj, location: str, parent: Scope | None, *, isolated: bool) -> None:
    """First pass: register the scope at `location`, its state names, variables and child scopes."""
    state_map = obj.get("States") if isinstance(obj, dict) else None
    scope = Scope(location, state_map if isinstance(state_map, dict) else {}, parent, isolated=isolated)
    ck.scopes[location] = scope
    for name, state in scope.states.items():
        state_location = scope.state_location(name)
        ck.first_name_location.setdefault(name, state_location)
        if not isinstance(state, dict):
            continue
        kind = graph.type_of(state)
        jsonpath = effective_language(state.get("QueryLanguage", ABSENT), ck.language) == JSONPATH
        _record_assign(scope, state.get("Assign"), jsonpath, at(state_location, "Assign"))
        if kind == "Choice" and isinstance(state.get("Choices"), list):
            for index, rule in enumerate(state["Choices"]):
                if isinstance(rule, dict):
                    _record_assign(
                        scope, rule.get("Assign"), jsonpath, at(item(at(state_location, "Choices"), index), "Assign")
                    )
        if kind in _CATCHING and isinstance(state.get("Catch"), list):
            for index, catcher in enumerate(state["Catch"]):
                if isinstance(catcher, dict):
                    _record_assign(
                        scope, catcher.get("Assign"), jsonpath, at(item(at(state_location, "Catch"), index), "Assign")
                    )
        if kind == "Parallel" and isinstance(state.get("Branches"), list):
            for index, branch in enumerate(state["Branches"]):
                _map_scope(ck, branch, item(at(state_location, "Branches"), index), scope, isolated=False)
        elif kind == "Map":
            for field in ("ItemProcessor", "Iterator"):
                if field in state:
                    processor = state[field]
                    _map_scope(ck, processor, at(state_location, field), scope, isolated=maps.is_distributed(processor))


def _record_assign(scope: Scope, assign, jsonpath: bool, location: str) -> None:
    for name in variables.assigned_names(assign, jsonpath):
        scope.assigned.setdefault(name, at(location, name))


def _too_deep(definition: dict) -> str | None:
    """The location of the first container nested deeper than MAX_DEPTH, or None (iterative)."""
    pending = [(definition, 1, "")]
    while pending:
        node, depth, location = pending.pop()
        if depth > MAX_DEPTH:
            return location or "/"
        if isinstance(node, dict):
            for key, child in node.items():
                if isinstance(child, (dict, list)):
                    pending.append((child, depth + 1, f"{location}/{key}"))
        else:
            for index, child in enumerate(node):
                if isinstance(child, (dict, list)):
                    pending.append((child, depth + 1, f"{location}[{index}]"))
    return None
