"""The HTTP demo endpoints: bodies of every kind, any status, slow/dropped/flaky answers, auth-guarded routes.

`/echo` reports the request back (method, path, query, headers, body, parsed JSON or form, which
authentication it carried and whether it was valid, TLS) but never a secret: the Authorization,
Proxy-Authorization, Cookie and API key headers are left out, the `api_key` query parameter too, and any
configured secret or issued token found elsewhere is replaced by "[redacted]". `/basic`, `/apikey` and
`/bearer` guard every route below them (`/bearer/status/500`, `/apikey/flaky/k`, anything else echoes).
`/oauth/token` is an OAuth 2 client-credentials token endpoint (RFC 6749 section 4.4) whose tokens can
be made short-lived (`token_ttl`) or revoked (`DELETE /oauth/stats`) to exercise refresh and refresh-on-401.
"""
from __future__ import annotations

import json
import secrets
import socket
import ssl
import threading
import time
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from executions.integrations.demo.credentials import (
    DEMO_API_KEY_HEADER, DEMO_API_KEY_QUERY, DEMO_CREDENTIALS, DEMO_TOKEN_TTL_SECONDS, REALM, SECRET_HEADERS,
    DemoCredentials, basic_credentials,
)
from executions.integrations.demo.serving import Background, HandlerBase, TlsServerMixin
from executions.integrations.demo.tls import TlsMaterial

MAX_SLEEP_SECONDS = 60.0
MAX_LARGE_BYTES = 64 * 1024 * 1024
REDACTED = "[redacted]"


class DemoHttpServer(Background):
    """The HTTP demo endpoints (routes in `_HttpHandler`); `token_ttl` may be changed while it runs."""

    def __init__(self, credentials: DemoCredentials = DEMO_CREDENTIALS, *, host: str = "127.0.0.1", port: int = 0,
                 tls: TlsMaterial | None = None, require_client_cert: bool = False,
                 token_ttl: float = DEMO_TOKEN_TTL_SECONDS) -> None:
        self.credentials = credentials
        self.tls = tls
        self.token_ttl = token_ttl
        self.seen: list[tuple[str, str]] = []  # (method, path without query) of every request
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}  # access token -> monotonic expiry
        self._tokens_issued = 0
        self._token_refusals = 0
        self._flaky: dict[str, int] = {}
        self.server = _HttpServer((host, port), _HttpHandler)
        self.server.demo = self
        if tls is not None:
            self.server.ssl_context = tls.server_context(require_client_cert=require_client_cert)

    # OAuth tokens

    def issue_token(self) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_ttl
            self._tokens_issued += 1
        return token

    def token_valid(self, token: str) -> bool:
        with self._lock:
            expiry = self._tokens.get(token)
        return expiry is not None and time.monotonic() < expiry

    def revoke_tokens(self) -> int:
        """Forget every issued token (the next bearer call gets a 401, as after a server-side revocation)."""
        with self._lock:
            revoked = len(self._tokens)
            self._tokens.clear()
        return revoked

    def token_stats(self) -> dict[str, int]:
        now = time.monotonic()
        with self._lock:
            return {"issued": self._tokens_issued, "active": sum(1 for e in self._tokens.values() if now < e),
                    "refused": self._token_refusals}

    def refuse_token(self) -> None:
        with self._lock:
            self._token_refusals += 1

    def flaky_attempt(self, key: str) -> int:
        with self._lock:
            self._flaky[key] = self._flaky.get(key, 0) + 1
            return self._flaky[key]

    def record(self, method: str, path: str) -> None:
        with self._lock:
            self.seen.append((method, path))

    def redact(self, text: str) -> str:
        with self._lock:
            tokens = list(self._tokens)
        for secret in (*self.credentials.secrets(), *tokens):
            if secret:
                text = text.replace(secret, REDACTED)
        return text


class _HttpServer(TlsServerMixin, ThreadingHTTPServer):
    demo: DemoHttpServer


ROUTES = ("json", "text", "status", "slow", "drop", "flaky", "binary", "large", "echo")
GUARDS = ("basic", "apikey", "bearer")


class _HttpHandler(HandlerBase):
    server: _HttpServer

    def dispatch(self) -> None:
        demo = self.server.demo
        url = urlsplit(self.path)
        self.url = url
        self.query = parse_qs(url.query, keep_blank_values=True)
        self.body = self.read_body()
        demo.record(self.command, url.path)
        parts = [part for part in url.path.split("/") if part]
        if parts[:1] == ["oauth"] and len(parts) == 2:
            return self.oauth(parts[1])
        if parts[:1] and parts[0] in GUARDS:
            if not self.authorised(parts[0]):
                return
            parts = parts[1:]
            if not parts or parts[0] not in ROUTES:
                return self.echo()
        if not parts:
            return self.answer_json(200, {"service": "flowdeck demo", "routes": [f"/{r}" for r in ROUTES + GUARDS]})
        handler = getattr(self, f"route_{parts[0]}", None) if parts[0] in ROUTES else None
        if handler is None:
            return self.answer_json(404, {"error": "not found", "path": url.path})
        return handler(parts[1:])

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = dispatch

    def number(self, name: str, default: float) -> float:
        try:
            return float(self.query.get(name, [default])[0])
        except ValueError:
            return default

    # Routes

    def route_json(self, rest: list[str]) -> None:
        self.answer_json(200, {"message": "hello from flowdeck", "items": [1, 2, 3], "nested": {"ok": True, "none": None}})

    def route_text(self, rest: list[str]) -> None:
        self.answer(200, "hello from flowdeck\n".encode(), "text/plain; charset=utf-8")

    def route_status(self, rest: list[str]) -> None:
        if len(rest) != 1 or not rest[0].isdigit() or not 200 <= int(rest[0]) <= 599:
            return self.answer_json(400, {"error": "use /status/<code> with a code from 200 to 599"})
        code = int(rest[0])
        reason = self.responses.get(code, ("",))[0]
        self.answer_json(code, {"error": reason or f"status {code}", "status": code})

    def route_slow(self, rest: list[str]) -> None:
        seconds = min(max(self.number("seconds", 1.0), 0.0), MAX_SLEEP_SECONDS)
        time.sleep(seconds)
        self.answer_json(200, {"slept": seconds})

    def route_drop(self, rest: list[str]) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def route_flaky(self, rest: list[str]) -> None:
        key = "/".join(rest) or "default"
        failures = int(self.number("fail", 1))
        code = int(self.number("code", 503))
        attempt = self.server.demo.flaky_attempt(key)
        if attempt <= failures:
            return self.answer_json(code, {"error": "flaky", "key": key, "attempt": attempt})
        self.answer_json(200, {"key": key, "attempt": attempt})

    def route_binary(self, rest: list[str]) -> None:
        self.answer(200, bytes(range(256)) * 4, "application/octet-stream")

    def route_large(self, rest: list[str]) -> None:
        size = int(min(max(self.number("bytes", 300_000), 0), MAX_LARGE_BYTES))
        padding = max(size - len(b'{"data": ""}'), 0)
        self.answer(200, b'{"data": "' + b"x" * padding + b'"}')

    def route_echo(self, rest: list[str]) -> None:
        self.echo()

    def echo(self) -> None:
        demo = self.server.demo
        redact = demo.redact
        text = self.body.decode("utf-8", errors="replace")
        try:
            parsed = json.loads(text) if text.strip() else None
        except ValueError:
            parsed = None
        form = None
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            form = {k: [redact(v) for v in vs] for k, vs in parse_qs(text, keep_blank_values=True).items()}
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            name = name.lower()
            if name in SECRET_HEADERS:
                continue
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        self.answer_json(200, {
            "method": self.command,
            "path": self.url.path,
            "query": {k: [redact(v) for v in vs] for k, vs in self.query.items() if k != DEMO_API_KEY_QUERY},
            "headers": {name: redact(value) for name, value in headers.items()},
            "body": redact(text),
            "json": json.loads(redact(json.dumps(parsed, ensure_ascii=False))) if parsed is not None else None,
            "form": form,
            "auth": self.auth_report(),
            "tls": self.tls_report(),
        })

    def auth_report(self) -> dict[str, Any]:
        credentials = self.server.demo.credentials
        header = self.headers.get("Authorization")
        if header:
            scheme, _, value = header.strip().partition(" ")
            scheme = scheme.lower()
            if scheme == "basic":
                return {"scheme": "basic", "valid": basic_credentials(header) == (credentials.user, credentials.password)}
            if scheme == "bearer":
                return {"scheme": "bearer", "valid": self.server.demo.token_valid(value.strip())}
            return {"scheme": scheme, "valid": False}
        key = self.api_key()
        if key is not None:
            return {"scheme": "apikey", "valid": key == credentials.api_key}
        return {"scheme": None, "valid": False}

    def tls_report(self) -> dict[str, Any] | None:
        if not isinstance(self.connection, ssl.SSLSocket):
            return None
        peer = self.connection.getpeercert() or {}
        common_name = next((value for rdn in peer.get("subject", ()) for key, value in rdn if key == "commonName"), None)
        return {"version": self.connection.version(), "client_cert": common_name}

    def api_key(self) -> str | None:
        key = self.headers.get(DEMO_API_KEY_HEADER)
        if key is None and DEMO_API_KEY_QUERY in self.query:
            key = self.query[DEMO_API_KEY_QUERY][0]
        return key

    # Guards: True when the request may go on; otherwise the refusal has been sent.

    def authorised(self, guard: str) -> bool:
        demo = self.server.demo
        credentials = demo.credentials
        if guard == "basic":
            if basic_credentials(self.headers.get("Authorization")) == (credentials.user, credentials.password):
                return True
            self.answer_json(401, {"error": "HTTP Basic credentials required"},
                             {"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'})
            return False
        if guard == "apikey":
            key = self.api_key()
            if key == credentials.api_key:
                return True
            if key is None:
                self.answer_json(401, {"error": f"API key required in header {DEMO_API_KEY_HEADER} "
                                                f"or query parameter {DEMO_API_KEY_QUERY}"})
            else:
                self.answer_json(403, {"error": "invalid API key"})
            return False
        scheme, _, token = (self.headers.get("Authorization") or "").strip().partition(" ")
        if scheme.lower() == "bearer" and demo.token_valid(token.strip()):
            return True
        challenge = f'Bearer realm="{REALM}"'
        if scheme.lower() == "bearer":
            challenge += ', error="invalid_token", error_description="unknown or expired token"'
        self.answer_json(401, {"error": "invalid_token" if scheme.lower() == "bearer" else "bearer token required"},
                         {"WWW-Authenticate": challenge})
        return False

    # OAuth 2 client credentials (RFC 6749 section 4.4) and the counters tests read

    def oauth(self, action: str) -> None:
        demo = self.server.demo
        if action == "stats":
            if self.command == "DELETE":
                revoked = demo.revoke_tokens()
                return self.answer_json(200, {**demo.token_stats(), "revoked": revoked})
            return self.answer_json(200, demo.token_stats())
        if action != "token":
            return self.answer_json(404, {"error": "not found"})
        if self.command != "POST":
            return self.answer_json(405, {"error": "invalid_request", "error_description": "POST only"},
                                    {"Allow": "POST"})
        text = self.body.decode("utf-8", errors="replace")
        if self.headers.get("Content-Type", "").startswith("application/json"):
            try:
                fields = {k: str(v) for k, v in json.loads(text).items()}
            except (ValueError, AttributeError):
                fields = {}
        else:
            fields = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}
        client = basic_credentials(self.headers.get("Authorization"))
        if client is None and "client_id" in fields:
            client = (fields["client_id"], fields.get("client_secret", ""))
        credentials = demo.credentials
        if client != (credentials.client_id, credentials.client_secret):
            demo.refuse_token()
            return self.answer_json(401, {"error": "invalid_client"},
                                    {"WWW-Authenticate": f'Basic realm="{REALM}"'})
        if fields.get("grant_type") != "client_credentials":
            return self.answer_json(400, {"error": "unsupported_grant_type"})
        ttl = demo.token_ttl
        self.answer_json(200, {"access_token": demo.issue_token(), "token_type": "Bearer",
                               "expires_in": int(ttl) if float(ttl).is_integer() else ttl,
                               "scope": fields.get("scope") or "demo"},
                         {"Cache-Control": "no-store"})
