"""Rate limits for the doors people guess at: login, and the endpoints that issue keys and tokens.

A fixed window per (scope, key) counted in Django's cache: per process with the default local-memory cache (the
embedded install runs one web process), shared by every web process when FLOWDECK_REDIS_URL is set.
"""
from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


class RateLimited(Exception):
    def __init__(self, scope: str, retry_after: int):
        super().__init__(f"Too many attempts ({scope}); try again in {retry_after} s")
        self.scope = scope
        self.retry_after = retry_after


def limit_of(scope: str) -> tuple[int, int]:
    """(requests, window seconds) for a scope, from settings.FLOWDECK_RATE_LIMITS."""
    return settings.FLOWDECK_RATE_LIMITS[scope]


def hit(scope: str, key: str) -> None:
    """Count one request of `key` (a client address, a user name) in `scope`; raise RateLimited past the limit."""
    limit, window = limit_of(scope)
    now = int(time.time())
    start = now - now % window
    name = f"ratelimit:{scope}:{key}:{start}"
    if cache.add(name, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(name)
        except ValueError:  # expired between add and incr
            cache.add(name, 1, timeout=window + 1)
            count = 1
    if count > limit:
        raise RateLimited(scope, start + window - now)


def reset(scope: str, key: str) -> None:
    limit, window = limit_of(scope)
    now = int(time.time())
    cache.delete(f"ratelimit:{scope}:{key}:{now - now % window}")
