"""Request-size limit at the ASGI door, before Django reads a byte.

Django checks DATA_UPLOAD_MAX_MEMORY_SIZE only when a view reads the body, and by then the ASGI handler has
already spooled all of it (to disk past 2.5 MB). This wrapper answers 413 at once when Content-Length says the
body is too big, and cuts off a body sent without a length (chunked) as soon as it passes the limit. A browser
(asking for HTML: a form with a huge file, say) gets a short page that says so; API clients get JSON.
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
            return await _too_large(send, limit, length, html=_wants_html(scope))
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


def _header(scope, wanted: bytes) -> bytes | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return value
    return None


def _content_length(scope) -> int | None:
    value = _header(scope, b"content-length")
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


def _wants_html(scope) -> bool:
    return b"text/html" in (_header(scope, b"accept") or b"")


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Too large · Flowdeck</title></head>
<body><main><h1>The request is too large</h1>
<p>It is {length:,} bytes; this server takes at most {limit:,} bytes in one request. A state machine definition is
at most 1 MiB (1,048,576 bytes). Go back and send something smaller.</p></main></body></html>
"""


# The headers Django's middleware gives every other response (settings: SECURE_CSP, X_FRAME_OPTIONS, ...), which
# this answer never passes through. The page has no script, style or image: its policy allows nothing at all.
_SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


async def _too_large(send, limit: int, length: int, *, html: bool = False) -> None:
    if html:
        body, content_type = _PAGE.format(length=length, limit=limit).encode(), b"text/html; charset=utf-8"
    else:
        body = json.dumps({"code": "RequestEntityTooLarge",
                           "message": f"The request body exceeds the limit of {limit} bytes"}).encode()
        content_type = b"application/json"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                            *_SECURITY_HEADERS, (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
