"""Request-size limit at the ASGI door, before Django reads a byte.

Django checks DATA_UPLOAD_MAX_MEMORY_SIZE only when a view reads the body, and by then the ASGI handler has
already spooled all of it (to disk past 2.5 MB). This wrapper answers 413 at once when Content-Length says the
body is too big, and cuts off a body sent without a length (chunked) as soon as it passes the limit.
"""
from __future__ import annotations

import json

from django.conf import settings


class BodySizeLimit:
    def __init__(self, app, max_bytes: int | None = None):
        self.app = app
        self.max_bytes = max_bytes

    @property
    def limit(self) -> int:
        return self.max_bytes if self.max_bytes is not None else settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit
        length = _content_length(scope)
        if length is not None and length > limit:
            return await _too_large(send, limit)
        if length is not None:
            return await self.app(scope, receive, send)
        received = 0

        async def counting_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Django reads this as the client going away: the request ends without a view running.
                    return {"type": "http.disconnect"}
            return message

        return await self.app(scope, counting_receive, send)


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send, limit: int) -> None:
    body = json.dumps({"code": "RequestEntityTooLarge",
                       "message": f"The request body exceeds the limit of {limit} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
