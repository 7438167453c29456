"""Secrets at rest: encryption for what the server must read back (access key secrets, later connection
secrets), hashing for what it only compares (API tokens).

The encryption key comes from FLOWDECK_SECRETS_KEY (settings.FLOWDECK_SECRETS_KEYS: one or more keys,
comma-separated, the first encrypts, all decrypt, so keys can be rotated). Fernet: AES-128-CBC + HMAC-SHA256.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted with the configured keys (the key changed?)."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def _fernet_key(key: str) -> bytes:
    """A Fernet key as given (32 url-safe base64 bytes), or one derived from any other passphrase."""
    try:
        if len(base64.urlsafe_b64decode(key.encode())) == 32:
            return key.encode()
    except ValueError:
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest())


def encrypt(plain: str) -> str:
    return _fernet(tuple(settings.FLOWDECK_SECRETS_KEYS)).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(tuple(settings.FLOWDECK_SECRETS_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("a stored secret cannot be decrypted with FLOWDECK_SECRETS_KEY") from None


def digest(token: str) -> str:
    """SHA-256 of a high-entropy token: enough to store it (no salt or slow hash is needed for 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def random_string(length: int, alphabet: str) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))
