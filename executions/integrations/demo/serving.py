"""What the demo servers share: a socketserver run from a daemon thread, TLS per connection, HTTP/1.1 answers.

TLS is negotiated inside each request's thread (not in the accept loop), so a client that never finishes
its handshake blocks no one; a client hanging up mid-answer (its time-out, its size cap) is expected and
logged at debug level only. Access lines leave the query out: it may carry an API key.
"""
from __future__ import annotations

import json
import logging
import socketserver
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any, Self
from urllib.parse import urlsplit

from executions.integrations.demo.tls import TlsMaterial

logger = logging.getLogger("flowdeck.demo")

HANDSHAKE_TIMEOUT_SECONDS = 10.0
IDLE_TIMEOUT_SECONDS = 60.0  # a keep-alive connection left idle this long is closed


class TlsServerMixin:
    """Wraps each accepted socket in TLS inside its own request thread (a slow handshake blocks no one)."""

    ssl_context: ssl.SSLContext | None = None
    daemon_threads = True
    allow_reuse_address = True

    def server_bind(self) -> None:
        # HTTPServer.server_bind would look the host name up (socket.getfqdn), which can stall without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def finish_request(self, request, client_address) -> None:
        if self.ssl_context is None:
            return super().finish_request(request, client_address)
        request.settimeout(HANDSHAKE_TIMEOUT_SECONDS)
        try:
            tls_socket = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            logger.debug("TLS handshake with %s failed: %s", client_address, exc)
            return
        tls_socket.settimeout(None)
        try:
            super().finish_request(tls_socket, client_address)
        finally:
            self.shutdown_request(tls_socket)

    def handle_error(self, request, client_address) -> None:
        # A client that hangs up mid-answer (its time-out, its size cap) is expected here, not an error.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError, ssl.SSLError)):
            logger.debug("request from %s ended early", client_address, exc_info=True)
        else:
            logger.exception("request from %s failed", client_address)


class Background:
    """start()/stop() and `.url` for a socketserver served from a daemon thread."""

    server: socketserver.TCPServer
    tls: TlsMaterial | None = None
    _thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return self.server.server_address[0]

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"

    def start(self) -> Self:
        if self._thread is None:
            self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name=f"{type(self).__name__}:{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join()
            self._thread = None
        self.server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, default=str).encode()


class HandlerBase(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1 answers with a Content-Length; access lines without the query (it may hold a key)."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT_SECONDS
    server_version = "FlowdeckDemo/1"

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():  # trailers
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def answer(self, status: int, body: bytes = b"", content_type: str = "application/json",
               headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status not in (204, 304):  # RFC 9110: neither has content
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and status not in (204, 304):
            self.wfile.write(body)

    def answer_json(self, status: int, value: Any, headers: dict[str, str] | None = None) -> None:
        self.answer(status, json_bytes(value), "application/json", headers)

    def log_request(self, code="-", size="-") -> None:
        logger.info("%s %s %s %s", self.client_address[0], self.command, urlsplit(self.path).path, code)

    def log_message(self, format: str, *args) -> None:
        logger.debug("%s " + format, self.client_address[0], *args)
