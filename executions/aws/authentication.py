"""Who is calling the AWS-compatible endpoint: the user of the access key that signed the request (SigV4).

The endpoint runs without Django's middleware (asgi.py), so the view authenticates each request itself, before
anything else: a request without a valid signature from an active key of an active user gets no further.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from designer.accounts import audit, credentials
from designer.errors import FlowdeckError
from executions.aws import sigv4

SERVICE = "states"


class AuthenticationFailed(FlowdeckError):
    """AWS's authentication errors (MissingAuthenticationTokenException, UnrecognizedClientException,
    InvalidSignatureException, IncompleteSignatureException), answered by AWS's front end, not the service."""

    namespace = "com.amazon.coral.service"

    def __init__(self, error: sigv4.SignatureError):
        super().__init__(error.message)
        self.status = error.status
        self._code = error.code

    @property
    def code(self) -> str:
        return self._code


@dataclass(frozen=True)
class Caller:
    """The authenticated user and the client's address, handed to every action's handler."""

    user: Any
    address: str = ""

    def record(self, action: str, target: str, **detail: Any) -> None:
        """Add an audit event for a change this caller made through the endpoint."""
        audit.record(audit.Actor(self.user, self.address, audit.AWS), action, target, **detail)


def authenticate(request: HttpRequest) -> Caller:
    """The caller of a signed request, or AuthenticationFailed. One indexed query (the key with its user)."""
    found = {}

    def secret_of(access_key_id: str) -> str | None:
        pair = credentials.access_key_secret(access_key_id)
        if pair is None:
            return None
        found["key"], secret = pair
        return secret

    signed = sigv4.SignedRequest(request.method or "", request.path, request.META.get("QUERY_STRING", ""),
                                 request.headers.items(), request.body)
    now = timezone.now()
    try:
        sigv4.authenticate(signed, secret_of, region=settings.FLOWDECK_REGION, service=SERVICE, now=now)
    except sigv4.SignatureError as exc:
        raise AuthenticationFailed(exc) from None
    key = found["key"]
    credentials.touch(key, now)
    return Caller(key.user, request.META.get("REMOTE_ADDR", "") or "")
