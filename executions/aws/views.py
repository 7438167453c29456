"""The endpoint: POST with `X-Amz-Target: AWSStepFunctions.<Action>` and a JSON body, at /aws or at / (boto3
posts to the path of its endpoint_url, so `endpoint_url="http://host:8000"` must work too).

Every request is authenticated first (SigV4, authentication.py), then checked against the model, then
authorized (authorization.py), and only then handled: the handler receives the caller.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from asgiref.sync import iscoroutinefunction, sync_to_async
from botocore.model import OperationModel
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, get_resolver
from django.views.decorators.csrf import csrf_exempt

from designer.errors import FlowdeckError
from executions.aws import authentication, authorization, handlers, protocol, shapes
from executions.aws.dispatch import ACTIONS, Handler, in_thread

logger = logging.getLogger(__name__)
TARGET_PREFIX = "AWSStepFunctions."
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")

assert handlers  # the handler modules fill ACTIONS when imported


@csrf_exempt
async def endpoint(request: HttpRequest) -> HttpResponse:
    """Authenticate, check the request against the model, authorize, run the action's handler, answer in AWS's
    JSON protocol."""
    try:
        if request.method != "POST":
            raise shapes.UnknownOperationException("The AWS-compatible endpoint takes POST requests")
        target = request.headers.get("X-Amz-Target", "")
        action = target[len(TARGET_PREFIX):] if target.startswith(TARGET_PREFIX) else ""
        op = shapes.operation(action) if action else None
        handler = ACTIONS.get(action)
        if iscoroutinefunction(handler):
            caller, params = await in_thread(_admit, request, target, op, handler)
            result = await handler(params, caller)
        else:  # one trip to a thread for the whole request: the runtime bench measures this path
            result = await in_thread(_admit_and_handle, request, target, op, handler)
        strict = getattr(settings, "FLOWDECK_AWS_STRICT_RESPONSES", settings.DEBUG)
        return protocol.reply(shapes.shape_response(op, result, strict=strict))
    except FlowdeckError as exc:
        return protocol.error_reply(exc)
    except Exception:
        logger.exception("AWS-compatible endpoint: %s failed", request.headers.get("X-Amz-Target"))
        return protocol.internal_failure()


def _admit(request: HttpRequest, target: str, op: OperationModel | None, handler: Handler | None,
           ) -> tuple[authentication.Caller, dict]:
    """The caller and the checked members of a request they may make; AWS's errors in AWS's order otherwise."""
    caller = authentication.authenticate(request)
    if op is None or handler is None:
        raise shapes.UnknownOperationException(f"Unknown operation: '{target}'")
    params = shapes.check_request(op, _body(request))
    authorization.authorize(caller.user, op.name, params)
    return caller, params


def _admit_and_handle(request: HttpRequest, target: str, op: OperationModel | None,
                      handler: Handler | None) -> dict:
    caller, params = _admit(request, target, op, handler)
    return handler(params, caller)


def _body(request: HttpRequest) -> Any:
    if not request.body:
        return {}
    try:
        return json.loads(request.body, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError):
        raise shapes.SerializationException("The request body is not valid JSON") from None


def _no_constant(name: str) -> Any:
    raise ValueError(name)


@csrf_exempt
async def root(request: HttpRequest) -> HttpResponse:
    """`/`: AWS requests (POST with X-Amz-Target) go to the endpoint; anything else to the view that `/` would
    have without this one (the next matching URL pattern), so the home page stays where it is."""
    if request.method == "POST" and "X-Amz-Target" in request.headers:
        return await endpoint(request)
    return await _next_view(request)


async def _next_view(request: HttpRequest) -> HttpResponse:
    path = request.path_info.lstrip("/")
    for pattern in get_resolver(getattr(request, "urlconf", None)).url_patterns:
        try:
            match = pattern.resolve(path)
        except Resolver404:
            continue
        if match is None or match.func is root:
            continue
        request.resolver_match = match
        view = match.func
        # This view is exempt from CSRF checks for the sake of AWS clients; the view it stands in for is not.
        if request.method not in _SAFE_METHODS and not getattr(view, "csrf_exempt", False):
            rejected = CsrfViewMiddleware(lambda _: None).process_view(request, view, match.args, match.kwargs)
            if rejected is not None:
                return rejected
        if iscoroutinefunction(view):
            return await view(request, *match.args, **match.kwargs)
        return await sync_to_async(view)(request, *match.args, **match.kwargs)
    raise Resolver404({"path": request.path_info})
