"""A forward HTTP proxy for testing the transport's proxy setting, with and without Proxy-Authorization.

Absolute-URI requests (`GET http://host/path`) are forwarded upstream and the answer relayed; CONNECT
opens a byte tunnel, which is how HTTPS goes through a proxy. `.seen` records each request's method and
target, so a test can tell the request went through the proxy.
"""
from __future__ import annotations

import http.client
import selectors
import socket
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import urlsplit

from executions.integrations.demo.credentials import REALM, DemoCredentials, basic_credentials
from executions.integrations.demo.serving import IDLE_TIMEOUT_SECONDS, Background, HandlerBase, TlsServerMixin


HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
                        "te", "trailer", "transfer-encoding", "upgrade"})


class DemoProxy(Background):
    """An HTTP forward proxy: absolute-URI requests are forwarded, CONNECT tunnels bytes (HTTPS through it)."""

    def __init__(self, credentials: DemoCredentials | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 upstream_timeout: float = 30.0) -> None:
        self.credentials = credentials
        self.upstream_timeout = upstream_timeout
        self.seen: list[tuple[str, str]] = []  # (method, request target) of every request, refused ones too
        self._lock = threading.Lock()
        self.server = _ProxyServer((host, port), _ProxyHandler)
        self.server.demo = self

    def record(self, method: str, target: str) -> None:
        with self._lock:
            self.seen.append((method, target))


class _ProxyServer(TlsServerMixin, ThreadingHTTPServer):
    demo: DemoProxy


class _ProxyHandler(HandlerBase):
    server: _ProxyServer

    def authorised(self) -> bool:
        credentials = self.server.demo.credentials
        if credentials is None or basic_credentials(self.headers.get("Proxy-Authorization")) == (
                credentials.user, credentials.password):
            return True
        self.read_body()
        self.answer(407, b"proxy authentication required\n", "text/plain",
                    {"Proxy-Authenticate": f'Basic realm="{REALM}-proxy"'})
        return False

    def do_CONNECT(self) -> None:
        self.server.demo.record("CONNECT", self.path)
        if not self.authorised():
            return
        host, _, port = self.path.rpartition(":")
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=self.server.demo.upstream_timeout)
        except (OSError, ValueError) as exc:
            return self.answer(502, f"cannot reach {self.path}: {exc}\n".encode(), "text/plain")
        self.close_connection = True
        self.send_response(200, "Connection established")
        self.end_headers()
        upstream.settimeout(None)
        self.connection.settimeout(None)
        with upstream, selectors.DefaultSelector() as selector:
            selector.register(self.connection, selectors.EVENT_READ, upstream)
            selector.register(upstream, selectors.EVENT_READ, self.connection)
            while events := selector.select(timeout=IDLE_TIMEOUT_SECONDS):
                for key, _ in events:
                    try:
                        data = key.fileobj.recv(65536)
                        if not data:
                            return
                        key.data.sendall(data)
                    except OSError:
                        return

    def forward(self) -> None:
        self.server.demo.record(self.command, self.path)
        if not self.authorised():
            return
        body = self.read_body()
        target = urlsplit(self.path)
        if target.scheme != "http" or not target.hostname:
            return self.answer(400, b"this proxy forwards absolute http:// URIs; use CONNECT for https\n",
                               "text/plain")
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
        if body or self.command in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(body))
        path = target.path or "/"
        if target.query:
            path += "?" + target.query
        upstream = http.client.HTTPConnection(target.hostname, target.port or 80,
                                              timeout=self.server.demo.upstream_timeout)
        try:
            upstream.request(self.command, path, body=body or None, headers=headers)
            response = upstream.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            return self.answer(502, f"upstream {target.netloc} failed: {type(exc).__name__}\n".encode(), "text/plain")
        finally:
            upstream.close()
        self.log_request(response.status)
        self.send_response_only(response.status, response.reason)  # upstream's own Date and Server go through
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = forward
