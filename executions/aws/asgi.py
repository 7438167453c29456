"""The AWS-compatible endpoint's own ASGI application: Django's request handling without the page middleware.

The site's middleware (sessions, CSRF, messages, clickjacking headers...) serves browser pages. Each of those
classes runs its hooks through Django's one shared thread for synchronous code, a dozen hand-offs per request,
so requests queue behind one another there; the AWS protocol uses none of them (its clients sign requests,
send JSON, and read JSON). `designer/asgi.py` sends POSTs carrying `X-Amz-Target` to `/` or `/aws` here; the
endpoint view is the same one the URL configuration serves (executions/aws/views.py).
"""
from __future__ import annotations

from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse

from executions.aws.views import endpoint

PATHS = ("/", "/aws")


def is_aws_request(scope: dict) -> bool:
    """An HTTP POST to the endpoint's paths with an `X-Amz-Target` header."""
    return (scope["type"] == "http" and scope.get("method") == "POST" and scope.get("path") in PATHS
            and any(name == b"x-amz-target" for name, _ in scope.get("headers", ())))


class EndpointHandler(ASGIHandler):
    """Django's ASGI handler (request parsing, size limits, signals closing database connections) whose only
    "middleware" is the endpoint view itself."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._endpoint)

    @staticmethod
    async def _endpoint(request: HttpRequest) -> HttpResponse:
        # What the skipped middleware did that matters here: refuse a Host outside ALLOWED_HOSTS (DNS
        # rebinding; DisallowedHost becomes a 400), and tell browsers not to sniff the JSON answers.
        request.get_host()
        response = await endpoint(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
