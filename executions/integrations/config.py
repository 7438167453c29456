"""A connection as the transport uses it: every field resolved and every secret decrypted, in plain Python.

The stored form (the `Connection` model) keeps the secret fields encrypted; `resolve()` in `connections`
turns it into a `ConnectionConfig` only for the duration of a call. Nothing here touches Django, so the
transport and its tests can build one directly.

Authentication mirrors EventBridge connections (BASIC, API_KEY, OAUTH_CLIENT_CREDENTIALS) plus no
authentication; `headers`, `query` and `body` are the invocation parameters a connection adds to every
request (AWS: InvocationHttpParameters; the connection's values win over the task's on the same key), each
marked secret or not. Secret fields stay out of `repr()`, so a debugging page or a stray `%r` shows none.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DEFAULT_TIMEOUT_SECONDS = 60.0  # AWS: an HTTP Task's request times out after 60 seconds


@dataclass(frozen=True, slots=True)
class BasicAuth:
    username: str
    password: str = field(repr=False)  # secret


@dataclass(frozen=True, slots=True)
class ApiKeyAuth:
    name: str  # the header (or query parameter) that carries the key, e.g. "x-api-key"
    value: str = field(repr=False)  # secret
    location: Literal["header", "query"] = "header"


@dataclass(frozen=True, slots=True)
class OAuthClientCredentials:
    """OAuth 2 client credentials grant (RFC 6749 section 4.4) against `token_url`."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)  # secret
    scope: str | None = None
    # How the client authenticates at the token endpoint: HTTP Basic (RFC 6749's default) or form fields.
    client_auth: Literal["basic", "body"] = "basic"
    extra_params: dict[str, str] = field(default_factory=dict)  # e.g. {"audience": "..."}: sent with the grant


Auth = BasicAuth | ApiKeyAuth | OAuthClientCredentials | None


@dataclass(frozen=True, slots=True)
class Parameter:
    key: str
    value: str = field(repr=False)  # shown nowhere: it may be secret
    secret: bool = False


@dataclass(frozen=True, slots=True)
class ConnectionConfig:
    name: str
    arn: str
    base_url: str | None = None
    auth: Auth = None
    headers: tuple[Parameter, ...] = ()
    query: tuple[Parameter, ...] = ()
    body: tuple[Parameter, ...] = ()
    verify_tls: bool = True
    ca_bundle: str | None = None  # PEM: trust these authorities (instead of the system's) when verifying
    client_cert: str | None = None  # PEM certificate presented to the server (mutual TLS)
    client_key: str | None = field(default=None, repr=False)  # PEM private key of client_cert; secret
    proxy_url: str | None = field(default=None, repr=False)  # http://[user:password@]host:port; secret
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    revision: str = ""  # changes whenever the connection is saved: cached OAuth tokens are keyed by it

    def secret_values(self) -> list[str]:
        """Every secret this connection holds, for scrubbing any text that leaves a call (errors, logs)."""
        values = [p.value for p in (*self.headers, *self.query, *self.body) if p.secret]
        auth = self.auth
        if isinstance(auth, BasicAuth):
            values.append(auth.password)
        elif isinstance(auth, ApiKeyAuth):
            values.append(auth.value)
        elif isinstance(auth, OAuthClientCredentials):
            values.append(auth.client_secret)
        if self.client_key:
            values.append(self.client_key)
        if self.proxy_url:
            values.append(self.proxy_url)
        return [value for value in values if value]
