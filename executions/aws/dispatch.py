"""The table of actions: each handler takes the checked request members and the caller (authentication.Caller:
the user, already authorized by authorization.py, and their address), and returns the response members.

Handlers are plain functions run in a worker thread (they use the ORM); a handler that waits (GetActivityTask's
long poll) is a coroutine, so that the wait holds no thread.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.db import close_old_connections

Handler = Callable[[dict, Any], dict] | Callable[[dict, Any], Awaitable[dict]]
ACTIONS: dict[str, Handler] = {}


def action(name: str) -> Callable[[Handler], Handler]:
    """Register the handler of an action: `@action("StartExecution")`."""

    def register(handler: Handler) -> Handler:
        ACTIONS[name] = handler
        return handler

    return register


async def in_thread(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ORM code in a thread of its own, closing its database connection as a request would.

    Not Django's one shared thread for sync code (thread_sensitive): a slow request must not hold up the
    others, and long polls must not starve them.
    """
    return await sync_to_async(_with_connection, thread_sensitive=False)(function, *args, **kwargs)


def _with_connection(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    close_old_connections()
    try:
        return function(*args, **kwargs)
    finally:
        close_old_connections()
