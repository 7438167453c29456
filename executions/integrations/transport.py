"""One HTTP request through a connection: authentication, TLS, client certificate, proxy, time-out, size cap.

The HTTP and XML-RPC tasks build an `HttpRequest`; `send()` completes it from the connection and returns an
`HttpResponse` or raises `TransportError`. The connection's secrets are applied here and nowhere else, and
nothing that leaves this module (URLs, messages) carries them: URLs lose their user info and secret query
values, and messages go through `scrub()`.

- Authentication: HTTP Basic; an API key in a header or a query parameter; OAuth 2 client credentials, whose
  access token is cached per process (keyed by the connection's revision, so an edited connection fetches a
  new one), refreshed shortly before it expires and once more when the API answers 401.
- A connection with a base URL calls that origin (scheme, host, port) only, relative or absolute endpoints
  alike, so its credentials cannot be pointed elsewhere by a definition; one without calls any endpoint.
- The connection's invocation headers and query parameters are added to the request's; on the same name
  the connection's value wins (AWS's rule for EventBridge connections).
- TLS certificates are verified by default (system authorities, or the connection's CA bundle); a client
  certificate is presented when the connection holds one. Environment proxies are ignored: a connection
  names its proxy, so what a call goes through is visible in one place.
- The time-out (connection's, default 60 s as AWS) bounds each network wait and the whole exchange.
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import ssl
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urljoin, urlsplit, urlunsplit

import httpx

from executions.integrations.config import ApiKeyAuth, BasicAuth, ConnectionConfig, OAuthClientCredentials

MAX_RESPONSE_BYTES = 262_144  # AWS: an HTTP Task's response may hold 256 KiB
REDACTED = "***"
_SCRUB_MIN_LENGTH = 4  # shorter "secrets" would mangle every message they appear in by chance
_TOKEN_MARGIN_SECONDS = 30.0
_MAX_TOKEN_RESPONSE_BYTES = 65_536


@dataclass(slots=True)
class HttpRequest:
    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    query: list[tuple[str, str]] = field(default_factory=list)
    content: bytes | None = None


@dataclass(slots=True)
class HttpResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    url: str
    duration_ms: int


class TransportError(Exception):
    """The request got no usable answer. `kind`: timeout, socket, too_large, connection (the connection's
    own authorization failed, e.g. its OAuth token endpoint) or request (the URL cannot be called)."""

    def __init__(self, kind: str, message: str, *, url: str = "", duration_ms: int = 0):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.url = url
        self.duration_ms = duration_ms


def send(request: HttpRequest, connection: ConnectionConfig | None, *, max_body: int = MAX_RESPONSE_BYTES,
         user_agent: str | None = None) -> HttpResponse:
    try:
        return _send(request, connection, max_body, user_agent)
    except TransportError:
        raise
    except (ValueError, UnicodeError) as exc:  # a URL or header that cannot be sent as HTTP (non-ASCII, malformed)
        # Fixed text: the exception may quote the header value, a connection's secret among them.
        raise TransportError("request", f"The request cannot be sent: {type(exc).__name__} in its URL or "
                                        "headers (they must be ASCII and well formed)") from None


def _send(request: HttpRequest, connection: ConnectionConfig | None, max_body: int,
          user_agent: str | None) -> HttpResponse:
    url = _absolute(request.url, connection)
    headers = _merge(request.headers, connection.headers if connection else (), case_insensitive=True)
    query = parse_qsl(urlsplit(url).query, keep_blank_values=True) + list(request.query)
    query = _merge(query, connection.query if connection else (), case_insensitive=False)
    url = urlunsplit(urlsplit(url)._replace(query=""))
    if user_agent and not any(name.lower() == "user-agent" for name, _ in headers):
        headers.append(("User-Agent", user_agent))
    auth = connection.auth if connection else None
    if isinstance(auth, BasicAuth):
        headers = _set(headers, "Authorization", "Basic " + _b64(f"{auth.username}:{auth.password}"))
    elif isinstance(auth, ApiKeyAuth):
        if auth.location == "query":
            query = [(k, v) for k, v in query if k != auth.name] + [(auth.name, auth.value)]
        else:
            headers = _set(headers, auth.name, auth.value)
    # Compressed answers are refused up front: a small gzip body can inflate a thousandfold before its size is known.
    headers = _set(headers, "Accept-Encoding", "identity")
    safe = safe_url(url, query, connection)
    timeout = connection.timeout_seconds if connection else _default_timeout()
    started = time.monotonic()
    try:
        client = _client(connection, timeout)
        for refreshed in (False, True):
            if isinstance(auth, OAuthClientCredentials):
                token = _tokens.get(connection, client, refresh=refreshed, deadline=started + timeout)
                headers = _set(headers, "Authorization", f"Bearer {token}")
            status, reason, response_headers, body = _within(started + timeout, lambda: _exchange(
                client, request.method, url, query, headers, request.content, max_body, started, timeout))
            if status != 401 or refreshed or not isinstance(auth, OAuthClientCredentials):
                break
    except TransportError as exc:
        exc.url, exc.duration_ms = exc.url or safe, _ms(started)
        raise
    except httpx.InvalidURL as exc:
        raise TransportError("request", scrub(f"The endpoint cannot be called: {exc}", connection),
                             url=safe, duration_ms=_ms(started)) from None
    except httpx.LocalProtocolError:
        # h11 quotes the offending header value, which may be a connection's secret: say what, not which.
        raise TransportError("request", f"The request to {safe} cannot be sent: a header name or value is not "
                                        "valid HTTP", url=safe, duration_ms=_ms(started)) from None
    except httpx.TimeoutException as exc:
        raise TransportError("timeout", f"No answer from {safe} within {timeout:g} seconds ({_describe(exc)})",
                             url=safe, duration_ms=_ms(started)) from None
    except (httpx.HTTPError, ssl.SSLError, OSError) as exc:
        message = _describe(exc).replace(url, safe)
        raise TransportError("socket", scrub(f"Could not call {safe}: {message}", connection),
                             url=safe, duration_ms=_ms(started)) from None
    return HttpResponse(status, reason, response_headers, body, safe, _ms(started))


def _exchange(client: httpx.Client, method: str, url: str, query, headers, content, max_body: int,
              started: float, timeout: float):
    with client.stream(method, url, params=query, headers=headers, content=content) as response:
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise TransportError("socket", f"The response is encoded ({encoding}) though the request asked for "
                                           "identity; compressed bodies are not accepted")
        chunks, size = [], 0
        for chunk in response.iter_raw():
            size += len(chunk)
            if size > max_body:
                raise TransportError("too_large", f"The response is larger than {max_body} bytes")
            if time.monotonic() - started > timeout:
                raise httpx.ReadTimeout("the whole exchange took too long")
            chunks.append(chunk)
        headers = [(name.decode("latin-1").lower(), value.decode("latin-1"))
                   for name, value in response.headers.raw]
        return response.status_code, response.reason_phrase, headers, b"".join(chunks)


def _within(deadline: float, exchange):
    """Run `exchange` (one request) but give up at `deadline`: httpx's time-outs bound each network wait, not
    the whole, so a server trickling its headers a byte at a time would hold the worker for ever. The request
    goes on in its own thread; after the deadline its outcome is dropped (its socket's own read time-out ends
    it)."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = exchange()
        except BaseException as exc:  # noqa: BLE001 -- handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="flowdeck-call", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise httpx.ReadTimeout("the whole exchange took longer than the time-out")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def scrub(text: str, connection: ConnectionConfig | None) -> str:
    """`text` with every secret of the connection replaced by ***."""
    if connection is None or not text:
        return text
    for secret in sorted(_secrets(connection), key=len, reverse=True):
        if len(secret) >= _SCRUB_MIN_LENGTH:
            text = text.replace(secret, REDACTED)
    return text


def scrub_value(value, connection: ConnectionConfig | None):
    """A JSON value with every secret of the connection replaced by *** in its strings and keys: a server may
    echo a credential back, and what a task returns goes to the history."""
    if connection is None or not connection.secret_values():
        return value
    if isinstance(value, str):
        return scrub(value, connection)
    if isinstance(value, list):
        return [scrub_value(item, connection) for item in value]
    if isinstance(value, dict):
        return {scrub(key, connection): scrub_value(item, connection) for key, item in value.items()}
    return value


def safe_url(url: str, query: list[tuple[str, str]], connection: ConnectionConfig | None) -> str:
    """The URL as records and messages show it: no user info, secret query values replaced by ***."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    hidden = set()
    if connection is not None:
        hidden = {p.key for p in connection.query if p.secret}
        if isinstance(connection.auth, ApiKeyAuth) and connection.auth.location == "query":
            hidden.add(connection.auth.name)
    shown = [(key, REDACTED if key in hidden else value) for key, value in query]
    text = urlunsplit(parts._replace(netloc=netloc, query=urlencode(shown, quote_via=quote, safe="*")))
    return scrub(text, connection)


def _secrets(connection: ConnectionConfig) -> list[str]:
    """The connection's secrets and the forms they take on the wire (a server may echo any of them back):
    percent-encoded, the Basic credential, the OAuth access token currently in use."""
    values = connection.secret_values()
    if connection.proxy_url:
        password = urlsplit(connection.proxy_url).password
        if password:
            values.append(password)
    auth = connection.auth
    if isinstance(auth, BasicAuth):
        values.append(_b64(f"{auth.username}:{auth.password}"))
    elif isinstance(auth, OAuthClientCredentials):
        values.append(_b64(f"{quote(auth.client_id, safe='')}:{quote(auth.client_secret, safe='')}"))
        values.extend(_tokens.current(connection))
    values += [quote(value, safe="") for value in values] + [quote_plus(value) for value in values]
    return list(dict.fromkeys(values))


def _absolute(url: str, connection: ConnectionConfig | None) -> str:
    if not isinstance(url, str) or not url:
        raise TransportError("request", "The endpoint is empty")
    if url != url.strip() or any(ord(c) < 32 or c in "\\\x7f" for c in url):
        raise TransportError("request", "The endpoint has spaces, control characters or backslashes around or in it")
    if connection is not None and not connection.base_url and _holds_credentials(connection):
        raise TransportError("request", f"The connection '{connection.name}' holds credentials but no base URL: "
                                        "give it one, the only origin its credentials may be sent to")
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        if scheme or connection is None or not connection.base_url:
            where = f"the connection '{connection.name}' has no base URL" if connection else "no connection is given"
            raise TransportError("request", f"The endpoint '{url}' is not an http(s) URL, and {where} to complete it"
                                 if not scheme else f"The endpoint '{url}' is not an http(s) URL")
        url = urljoin(connection.base_url.rstrip("/") + "/", url.lstrip("/"))
    if not urlsplit(url).hostname:
        raise TransportError("request", f"The endpoint '{url}' names no host")
    if connection is not None and connection.base_url and _origin(url) != _origin(connection.base_url):
        # A connection with a base URL sends its credentials there only: whoever may edit a definition must not
        # be able to point someone's stored credentials at a server of their own.
        raise TransportError("request", f"The connection '{connection.name}' only calls "
                                        f"{_origin(connection.base_url)}, not {_origin(url)}")
    return url


def _holds_credentials(connection: ConnectionConfig) -> bool:
    return connection.auth is not None or any(p.secret for p in (*connection.headers, *connection.query,
                                                                  *connection.body))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def _merge(base, overrides, *, case_insensitive: bool) -> list[tuple[str, str]]:
    pairs = list(base)
    for parameter in overrides:
        same = (lambda key: key.lower() == parameter.key.lower()) if case_insensitive else (
            lambda key: key == parameter.key)
        pairs = [(k, v) for k, v in pairs if not same(k)] + [(parameter.key, parameter.value)]
    return pairs


def _set(headers: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k.lower() != name.lower()] + [(name, value)]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if text.startswith(type(exc).__name__) else f"{type(exc).__name__}: {text}"


def _default_timeout() -> float:
    from executions.integrations.config import DEFAULT_TIMEOUT_SECONDS

    return DEFAULT_TIMEOUT_SECONDS


# --- clients: one per connection revision (its TLS context holds the CA and the client certificate) --------

_clients: OrderedDict[str, httpx.Client] = OrderedDict()
_clients_lock = threading.Lock()
_MAX_CLIENTS = 64


def _client(connection: ConnectionConfig | None, timeout: float) -> httpx.Client:
    # Every setting that shapes the client (TLS, client key, proxy), as a digest: no secret in the key.
    key = hashlib.sha256(repr((timeout, dataclasses.astuple(connection) if connection else None))
                         .encode("utf-8", "surrogatepass")).hexdigest()
    with _clients_lock:  # built under the lock: two threads never both build one and leak the other
        client = _clients.get(key)
        if client is not None:
            _clients.move_to_end(key)
            return client
        client = httpx.Client(verify=_tls_context(connection), timeout=httpx.Timeout(timeout),
                              proxy=connection.proxy_url if connection else None, trust_env=False,
                              follow_redirects=False)
        _clients[key] = client
        while len(_clients) > _MAX_CLIENTS:
            _clients.popitem(last=False)  # not closed: a call may still be using it; the collector closes it
    return client


def _tls_context(connection: ConnectionConfig | None) -> ssl.SSLContext:
    if connection is not None and not connection.verify_tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif connection is not None and connection.ca_bundle:
        context = ssl.create_default_context(cadata=connection.ca_bundle)
    else:
        import certifi

        context = ssl.create_default_context(cafile=certifi.where())
    if connection is not None and connection.client_cert:
        _load_client_certificate(context, connection.client_cert, connection.client_key)
    return context


def _load_client_certificate(context: ssl.SSLContext, certificate: str, key: str | None) -> None:
    """ssl loads certificates from files only: hand it an anonymous in-memory file (Linux), or a private
    temporary file removed at once, so the key never rests on disk in clear."""
    pem = (certificate.strip() + "\n" + (key or "").strip() + "\n").encode("ascii")
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("flowdeck-client-certificate")
        try:
            os.write(fd, pem)
            context.load_cert_chain(f"/proc/self/fd/{fd}")
        finally:
            os.close(fd)
        return
    with tempfile.NamedTemporaryFile("wb", suffix=".pem") as handle:  # created 0600
        handle.write(pem)
        handle.flush()
        context.load_cert_chain(handle.name)


# --- OAuth 2 client credentials tokens ----------------------------------------------------------------


class _TokenCache:
    def __init__(self):
        self._tokens: dict[tuple, tuple[str, float]] = {}
        self._locks: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()  # guards the two dicts, never held across a fetch
        self.fetched = 0  # how many tokens this process asked for (tests and metrics)

    def get(self, connection: ConnectionConfig, client: httpx.Client, *, refresh: bool,
            deadline: float | None = None) -> str:
        key = (connection.name, connection.revision)
        with self._lock:
            fetching = self._locks.setdefault(key, threading.Lock())
        # One fetch at a time per connection: concurrent calls wait for it rather than each asking, and a slow
        # token endpoint holds up its own connection's calls only.
        with fetching:
            with self._lock:
                cached = self._tokens.get(key)
            if cached and not refresh and time.monotonic() < cached[1]:
                return cached[0]
            token, lifetime = _within(deadline or time.monotonic() + connection.timeout_seconds,
                                      lambda: self._fetch(connection, client))
            margin = min(_TOKEN_MARGIN_SECONDS, lifetime / 10)
            with self._lock:
                for other in [k for k in self._tokens if k[0] == connection.name and k != key]:
                    del self._tokens[other]  # an older revision of the connection: never used again
                    self._locks.pop(other, None)
                self._tokens[key] = (token, time.monotonic() + lifetime - margin)
            return token

    def current(self, connection: ConnectionConfig) -> list[str]:
        """The access token held for this connection, if any (to scrub it from what a server echoes)."""
        with self._lock:
            cached = self._tokens.get((connection.name, connection.revision))
        return [cached[0]] if cached else []

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()

    def _fetch(self, connection: ConnectionConfig, client: httpx.Client) -> tuple[str, float]:
        auth = connection.auth
        assert isinstance(auth, OAuthClientCredentials)
        form = {"grant_type": "client_credentials", **auth.extra_params}
        if auth.scope:
            form["scope"] = auth.scope
        headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
        if auth.client_auth == "body":
            form.update(client_id=auth.client_id, client_secret=auth.client_secret)
        else:  # RFC 6749 2.3.1: form-encode each part, then Basic
            headers["Authorization"] = "Basic " + _b64(f"{quote(auth.client_id, safe='')}:"
                                                       f"{quote(auth.client_secret, safe='')}")
        safe = safe_url(auth.token_url, [], connection)
        try:
            with client.stream("POST", auth.token_url, data=form, headers=headers) as response:
                content = b""
                for chunk in response.iter_raw():
                    content += chunk
                    if len(content) > _MAX_TOKEN_RESPONSE_BYTES:
                        raise TransportError("connection", f"The connection '{connection.name}' got an OAuth "
                                                           f"token response from {safe} that is too large")
        except httpx.HTTPError as exc:
            raise TransportError("connection", scrub(
                f"The connection '{connection.name}' could not get an OAuth token from {safe}: "
                f"{_describe(exc)}", connection), url=safe) from None
        self.fetched += 1
        try:
            document = json.loads(content) if response.headers.get("content-encoding", "identity") in (
                "", "identity") else None
        except (ValueError, RecursionError):
            document = None
        token = document.get("access_token") if isinstance(document, dict) else None
        if response.status_code != 200 or not isinstance(token, str) or not token:
            problem = (document.get("error") if isinstance(document, dict) else None) or "no access_token"
            raise TransportError("connection", scrub(
                f"The connection '{connection.name}' was refused an OAuth token by {safe}: "
                f"HTTP {response.status_code} ({problem})", connection), url=safe)
        lifetime = document.get("expires_in")
        if isinstance(lifetime, str) and lifetime.isdigit():
            lifetime = int(lifetime)
        if isinstance(lifetime, bool) or not isinstance(lifetime, (int, float)) or lifetime <= 0:
            lifetime = 3600.0  # no lifetime given: keep it until the API refuses it (401 refreshes)
        return token, float(lifetime)


_tokens = _TokenCache()


def token_cache() -> _TokenCache:
    return _tokens
