"""Evaluate parsed segments against JSON values (Jayway semantics).

A definite path yields one node or nothing (`MISSING`); an indefinite path yields the list of every node it
matches, in document order, possibly empty (Jayway, and AWS: a filter, slice or wildcard matching nothing
gives `[]`).
"""

from __future__ import annotations

from typing import Any

from designer.asl.jsonpath.syntax import Child, DeepScan, Filter, Index, Indexes, Props, Slice, Wildcard


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def walk_definite(node: Any, segments: tuple) -> Any:
    """Follow Child/Index/Props segments; MISSING when a step does not apply."""
    last = len(segments) - 1
    for i, segment in enumerate(segments):
        if type(segment) is Child:
            if not isinstance(node, dict) or segment.name not in node:
                return MISSING
            node = node[segment.name]
        elif type(segment) is Index:
            if not isinstance(node, list):
                return MISSING
            try:
                node = node[segment.index]
            except IndexError:
                return MISSING
        else:  # Props, only ever the last segment of a definite path
            if not isinstance(node, dict) or i != last:
                return MISSING
            node = {name: node[name] for name in segment.names if name in node}
    return node


def select_all(segments: tuple, node: Any, root: Any) -> list:
    """Every node the segments match from `node`; `root` is what `$` means inside filters."""
    nodes = [node]
    last = len(segments) - 1
    for i, segment in enumerate(segments):
        nodes = _apply(segment, nodes, root, i == last)
        if not nodes:
            break
    return nodes


def _apply(segment: Any, nodes: list, root: Any, leaf: bool) -> list:
    out: list = []
    kind = type(segment)
    if kind is Child:
        name = segment.name
        for node in nodes:
            if isinstance(node, dict) and name in node:
                out.append(node[name])
    elif kind is Index:
        for node in nodes:
            if isinstance(node, list):
                try:
                    out.append(node[segment.index])
                except IndexError:
                    pass
    elif kind is Wildcard:
        for node in nodes:
            if isinstance(node, dict):
                out.extend(node.values())
            elif isinstance(node, list):
                out.extend(node)
    elif kind is Slice:
        for node in nodes:
            if isinstance(node, list):
                out.extend(node[segment.start : segment.end])
    elif kind is Indexes:
        for node in nodes:
            if isinstance(node, list):
                size = len(node)
                out.extend(node[i] for i in segment.indexes if -size <= i < size)
    elif kind is Filter:
        predicate = segment.predicate
        for node in nodes:
            if isinstance(node, list):
                out.extend(item for item in node if predicate(item, root))
            elif isinstance(node, dict) and predicate(node, root):
                out.append(node)
    elif kind is Props:
        for node in nodes:
            if isinstance(node, dict):
                if leaf:
                    out.append({name: node[name] for name in segment.names if name in node})
                else:
                    out.extend(node[name] for name in segment.names if name in node)
    elif kind is DeepScan:
        everything: list = []
        for node in nodes:
            _descendants_or_self(node, everything)
        out = _apply(segment.selector, everything, root, leaf)
    return out


def _descendants_or_self(node: Any, out: list) -> None:
    out.append(node)
    if isinstance(node, dict):
        for value in node.values():
            _descendants_or_self(value, out)
    elif isinstance(node, list):
        for value in node:
            _descendants_or_self(value, out)
