"""Access keys (the AWS-compatible endpoint, SigV4) and API tokens (the REST API): issue, find, revoke.

A secret is returned once, by the function that issues it, and never again.
"""
from __future__ import annotations

import secrets as random
import string
from datetime import datetime, timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from designer.accounts import secrets
from designer.accounts.models import AccessKey, ApiToken

ACCESS_KEY_PREFIX = "FDAK"  # like AWS's AKIA: 20 characters, upper-case letters and digits
TOKEN_PREFIX = "fdt_"
_LAST_USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per credential


def issue_access_key(user, description: str = "") -> tuple[AccessKey, str]:
    key_id = ACCESS_KEY_PREFIX + secrets.random_string(16, string.ascii_uppercase + "234567")
    secret = random.token_urlsafe(30)[:40]
    key = AccessKey.objects.create(user=user, access_key_id=key_id, encrypted_secret=secrets.encrypt(secret),
                                   description=description)
    return key, secret


def access_key_secret(access_key_id: str) -> tuple[AccessKey, str] | None:
    """The active key with this id, its user active, and its secret; None when there is no such usable key."""
    key = (AccessKey.objects.select_related("user").filter(access_key_id=access_key_id, revoked_at__isnull=True)
           .first())
    if key is None or not key.user.is_active:
        return None
    return key, secrets.decrypt(key.encrypted_secret)


def issue_api_token(user, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    token = TOKEN_PREFIX + random.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name, prefix=token[:12], token_hash=secrets.digest(token),
                                  expires_at=expires_at)
    return row, token


def token_user(token: str):
    """The active user of an active, unexpired token, or None."""
    row = ApiToken.objects.select_related("user").filter(token_hash=secrets.digest(token),
                                                         revoked_at__isnull=True).first()
    now = timezone.now()
    if row is None or not row.user.is_active or (row.expires_at is not None and row.expires_at <= now):
        return None
    touch(row, now)
    return row.user


def touch(row: AccessKey | ApiToken, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if row.last_used_at is None or now - row.last_used_at > _LAST_USED_EVERY:
        type(row).objects.filter(pk=row.pk).update(last_used_at=now)


def revoke(row: AccessKey | ApiToken) -> bool:
    """Revoke a key or a token; False if it was revoked already."""
    return bool(type(row).objects.filter(pk=row.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()))


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """REST API: `Authorization: Bearer fdt_...` (no CSRF check: the browser never adds this header by itself)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid Authorization header: 'Bearer <token>' expected")
        try:
            token = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token") from None
        user = token_user(token)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token")
        return user, token

    def authenticate_header(self, request) -> str:
        return self.keyword
