"""ASL Paths and Reference Paths, compiled once and evaluated fast; ResultPath merging.

ASL: a Path is a string beginning with "$" in JsonPath syntax (AWS: Jayway JsonPath); `$$` starts a path into
the Context Object and `$name` one into a variable. A Reference Path identifies a single node: only `.` and
`[]` child access, none of `..`, `*`, `@`, `,`, `:`, `?`. Definite paths (no wildcard, deep scan, slice,
index list or filter) yield one value or fail; indefinite ones yield the list of all matches, possibly empty.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Mapping

from designer.asl import errors
from designer.asl.errors import AslSyntaxError, StatesError
from designer.asl.jsonpath.select import MISSING, select_all, walk_definite
from designer.asl.jsonpath.syntax import CONTEXT, DEFINITE, INPUT, VARIABLE, Child, Index, parse_path


def compact_json(value: Any) -> str:
    """JSON text without spaces, non-ASCII kept, as AWS prints values in causes and JsonToString."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class PathNotFound(LookupError):
    """A path matched nothing. `.path` is its text, `.data` the value searched (the context for `$$`)."""

    def __init__(self, path: str, data: Any):
        super().__init__(path)
        self.path = path
        self.data = data

    def __str__(self) -> str:
        return f"The JSONPath '{self.path}' could not be found in the input '{compact_json(self.data)}'"


class CompiledPath:
    """A parsed ASL Path; `get`/`exists` evaluate it against (data, context, variables)."""

    __slots__ = ("text", "root", "variable", "is_reference", "is_definite", "segments", "_resolve", "_keys")

    def __init__(self, text: str):
        parsed = parse_path(text)
        self.text = text
        self.root = parsed.root
        self.variable = parsed.variable
        self.segments = parsed.segments
        self.is_reference = all(type(s) in (Child, Index) for s in parsed.segments)
        # Jayway: a multi-property selection ['a','b'] stays definite only as the last segment.
        self.is_definite = all(isinstance(s, DEFINITE) for s in parsed.segments) and not any(
            type(s) not in (Child, Index) for s in parsed.segments[:-1]
        )
        # Simple definite paths become a tuple of keys walked by a tight loop.
        self._keys = None
        if self.is_reference:
            self._keys = tuple(s.name if type(s) is Child else s.index for s in parsed.segments)
        self._resolve = self._build_resolver()

    def __repr__(self) -> str:
        return f"CompiledPath({self.text!r})"

    def _build_resolver(self):
        keys, segments = self._keys, self.segments
        if keys is not None and not any(type(k) is int for k in keys):

            def by_names(node: Any, data: Any) -> Any:
                try:
                    for key in keys:
                        node = node[key]
                except (KeyError, TypeError, IndexError):
                    return MISSING
                # A str node indexed by a str key raises TypeError; nothing else slips through.
                return node

            return by_names
        if keys is not None:

            def by_keys(node: Any, data: Any) -> Any:
                for key in keys:
                    if type(key) is int:
                        # Only arrays take an index (a string must not yield a character).
                        if not isinstance(node, list):
                            return MISSING
                        try:
                            node = node[key]
                        except IndexError:
                            return MISSING
                    else:
                        try:
                            node = node[key]
                        except (KeyError, TypeError):
                            return MISSING
                return node

            return by_keys
        if self.is_definite:
            return lambda node, data: walk_definite(node, segments)
        return lambda node, data: select_all(segments, node, data)

    def _root_value(self, data: Any, context: Any, variables: Mapping | None) -> Any:
        if self.root == INPUT:
            return data
        if self.root == CONTEXT:
            return {} if context is None else context
        if variables is None or self.variable not in variables:
            return MISSING
        return variables[self.variable]

    def get(self, data: Any, context: Any, variables: Mapping | None) -> Any:
        """The value at the path: definite -> the one value (else PathNotFound); indefinite -> list of matches."""
        if self.root == INPUT:
            value = self._resolve(data, data)
        else:
            node = self._root_value(data, context, variables)
            value = MISSING if node is MISSING else self._resolve(node, data)
        if value is MISSING:
            raise PathNotFound(self.text, context if self.root == CONTEXT else data)
        return value

    def exists(self, data: Any, context: Any, variables: Mapping | None) -> bool:
        """Whether the path matches anything (an indefinite path: at least one node)."""
        node = self._root_value(data, context, variables)
        if node is MISSING:
            return False
        value = self._resolve(node, data)
        if self.is_definite:
            return value is not MISSING
        return bool(value)


def compile_path(text: str) -> CompiledPath:
    """Compile any ASL Path (`$...`, `$$...`, `$var...`); AslSyntaxError when it is malformed."""
    if not isinstance(text, str):
        raise AslSyntaxError(f"A path must be a string, got {compact_json(text)}")
    return _compile_cached(text)


@lru_cache(maxsize=4096)
def _compile_cached(text: str) -> CompiledPath:
    # Compiled paths are immutable, so the many "$" and "$.x" of a definition share one object.
    return CompiledPath(text)


def compile_reference_path(text: str) -> CompiledPath:
    """Compile a Reference Path: a path to a single node using only `.name`, `['name']` and `[n]`."""
    path = compile_path(text)
    if not path.is_reference:
        raise AslSyntaxError(
            f"Invalid Reference Path '{text}': only '.' and '[]' child access are allowed "
            "(no '..', '*', '@', ',', ':', '?')"
        )
    return path


def apply_result_path(raw_input: Any, path: CompiledPath | None, result: Any) -> Any:
    """ResultPath: None (JSON null) -> raw_input unchanged; "$" -> result; "$.a.b" -> copy of raw_input with a.b set.

    Missing intermediate objects are created and an existing field is overwritten. Copy-on-write: only the
    objects along the path are copied, raw_input is never mutated. States.ResultPathMatchFailure when the
    path cannot be applied (the raw input or an intermediate value is not an object, an index is out of range).
    """
    if path is None:
        return raw_input
    if path.root != INPUT or not path.is_reference:
        raise AslSyntaxError(f"ResultPath must be a Reference Path into the state input, got '{path.text}'")
    keys = path._keys
    if not keys:
        return result
    try:
        return _set_in(raw_input, keys, 0, result)
    except _CannotApply:
        raise StatesError(
            errors.RESULT_PATH_MATCH_FAILURE,
            f"Unable to apply ReferencePath {path.text} to input {compact_json(raw_input)}",
        ) from None


class _CannotApply(Exception):
    pass


def _set_in(node: Any, keys: tuple, i: int, result: Any) -> Any:
    key = keys[i]
    last = i == len(keys) - 1
    if type(key) is str:
        if not isinstance(node, dict):
            raise _CannotApply
        copy = dict(node)
        if last:
            copy[key] = result
        else:
            # ASL: a field named by ResultPath that does not exist yet is created, with its parents.
            child = node[key] if key in node else {}
            copy[key] = _set_in(child, keys, i + 1, result)
        return copy
    if not isinstance(node, list) or not -len(node) <= key < len(node):
        raise _CannotApply
    copy = list(node)
    copy[key] = result if last else _set_in(node[key], keys, i + 1, result)
    return copy


__all__ = [
    "CompiledPath",
    "PathNotFound",
    "apply_result_path",
    "compact_json",
    "compile_path",
    "compile_reference_path",
    "CONTEXT",
    "INPUT",
    "VARIABLE",
]
