"""The demo servers' fixed credentials (the README and the demo loader refer to them) and Basic parsing.

They guard nothing real: the servers exist for tests and for trying the HTTP and XML-RPC tasks locally.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

# Fixed demo credentials, so the README and the demo loader can refer to them. They guard nothing real.
DEMO_USER = "demo"
DEMO_PASSWORD = "demo-password"
DEMO_API_KEY = "demo-api-key-0123456789"
DEMO_API_KEY_HEADER = "x-api-key"
DEMO_API_KEY_QUERY = "api_key"
DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-client-secret"
DEMO_TOKEN_TTL_SECONDS = 3600
DEFAULT_HTTP_PORT = 8701
DEFAULT_XMLRPC_PORT = 8702

REALM = "flowdeck-demo"
# /echo and demo.headers never report these request headers (they carry secrets), whatever their value.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", DEMO_API_KEY_HEADER})


@dataclass(frozen=True, slots=True)
class DemoCredentials:
    """What the demo servers accept: Basic user/password, an API key, and an OAuth client's id/secret."""

    user: str = DEMO_USER
    password: str = DEMO_PASSWORD
    api_key: str = DEMO_API_KEY
    client_id: str = DEMO_CLIENT_ID
    client_secret: str = DEMO_CLIENT_SECRET

    def secrets(self) -> tuple[str, ...]:
        return (self.password, self.api_key, self.client_secret)


DEMO_CREDENTIALS = DemoCredentials()


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, password) from an `Authorization: Basic ...` value, or None when absent or malformed."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None
