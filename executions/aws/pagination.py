"""nextToken / maxResults for the List* actions and GetExecutionHistory.

A token is the last key of the page, signed and bound to the request it continues (a token from another
list, or altered, is AWS's InvalidToken). Pages are keyset pages: items added meanwhile do not shift them.
"""
from __future__ import annotations

import hashlib
from typing import Any

from django.core import signing
from django.db.models import QuerySet

from designer import errors

DEFAULT_PAGE = 100  # AWS: maxResults 0 or absent means 100
_SALT = "flowdeck.aws.nextToken"


def page(items: QuerySet, params: dict, *, scope: str, key: str = "id", descending: bool = False,
         ) -> tuple[list, str | None]:
    """One page of `items` (ordered by `key`) after the request's nextToken, and the token of the next."""
    limit = params.get("maxResults") or DEFAULT_PAGE
    scope_id = hashlib.sha256(scope.encode()).hexdigest()[:16]
    token = params.get("nextToken")
    if token is not None:
        after = _read(token, scope_id)
        items = items.filter(**{f"{key}__lt" if descending else f"{key}__gt": after})
    rows = list(items.order_by(f"-{key}" if descending else key)[:limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, signing.dumps({"s": scope_id, "k": getattr(rows[-1], key)}, salt=_SALT)


def _read(token: str, scope_id: str) -> Any:
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("s") != scope_id:
        raise errors.InvalidToken(f"Invalid Token: '{token}'")
    return data["k"]
