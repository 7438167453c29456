"""Task resolvers keyed by Resource URI: how a host decides who answers an InvokeTask command.

A `ResourceRegistry` maps an exact Resource URI (`arn:aws:states:::lambda:invoke`) or a URI prefix written
with a trailing `*` (`arn:aws:lambda:*`) to a handler; the longest matching prefix wins, an exact URI wins
over any prefix. It is itself a `Resolver`, so it can stand alone, or behind mocks as their fallback.
"""
from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from designer.asl.errors import StatesError
from executions.engine import signals as sig
from executions.engine.runner import Resolver, UnresolvedResource

_MAX_CAUSE = 32_768  # AWS: a Cause is at most 32,768 characters


class ResourceRegistry:
    """Handlers for Task resources, found by exact URI or longest `*` prefix."""

    def __init__(self) -> None:
        self._exact: dict[str, Resolver] = {}
        self._prefixes: list[tuple[str, Resolver]] = []

    def register(self, uri: str, handler: Resolver) -> None:
        """Answer InvokeTask commands for `uri` (or every URI starting with it, when it ends in `*`)."""
        if uri.endswith("*"):
            prefix = uri[:-1]
            self._prefixes = [(p, h) for p, h in self._prefixes if p != prefix] + [(prefix, handler)]
            self._prefixes.sort(key=lambda item: len(item[0]), reverse=True)
        else:
            self._exact[uri] = handler

    def register_function(self, uri: str, function: Callable[[Any], Any]) -> None:
        """Register a plain Python callable that takes the task's input and returns its result.

        An exception it raises fails the task with an error named after the exception's class, the way
        Lambda reports `errorType`; a `StatesError` passes through with its own name.
        """
        self.register(uri, python_function(function))

    def handler_for(self, resource: str) -> Resolver | None:
        handler = self._exact.get(resource)
        if handler is not None:
            return handler
        for prefix, candidate in self._prefixes:
            if resource.startswith(prefix):
                return candidate
        return None

    def __call__(self, command: sig.InvokeTask) -> Any:
        handler = self.handler_for(command.resource)
        if handler is None:
            raise UnresolvedResource(command.resource, command.state_name)
        return handler(command)


def python_function(function: Callable[[Any], Any]) -> Resolver:
    """Adapt `function(input) -> result` to a resolver, turning its exceptions into task errors."""

    def resolve(command: sig.InvokeTask) -> Any:
        try:
            return function(command.input)
        except StatesError:
            raise
        except Exception as exc:  # noqa: BLE001 -- any failure of user code is the task's failure
            cause = str(exc) or "".join(traceback.format_exception_only(exc)).strip()
            raise StatesError(type(exc).__name__, cause[:_MAX_CAUSE]) from exc

    return resolve
