"""The XML-RPC demo endpoint: every XML-RPC type, faults, a flaky method, multicall, optional HTTP Basic.

`demo.*` methods exercise the marshalling (`demo.types` returns one value of each type, `demo.echo`
round-trips anything), faults (`demo.fault`, `demo.flaky`), time-outs (`demo.sleep`) and the headers a
call was sent with (`demo.headers`, secrets left out); `billing.charge` is the README's business example.
"""
from __future__ import annotations

import datetime
import socketserver
import threading
import time
import xmlrpc.client
from typing import Any
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

from executions.integrations.demo.credentials import REALM, SECRET_HEADERS, DemoCredentials, basic_credentials
from executions.integrations.demo.serving import IDLE_TIMEOUT_SECONDS, Background, TlsServerMixin, logger
from executions.integrations.demo.tls import TlsMaterial

MAX_SLEEP_SECONDS = 60.0

_xmlrpc_request = threading.local()  # the HTTP headers of the call being served (for demo.headers)


class DemoXmlRpcServer(Background):
    """The XML-RPC demo endpoint at /RPC2 (and /): `demo.*`, `billing.charge`, multicall and introspection."""

    def __init__(self, allow_none: bool = True, credentials: DemoCredentials | None = None, *,
                 host: str = "127.0.0.1", port: int = 0, tls: TlsMaterial | None = None,
                 require_client_cert: bool = False) -> None:
        self.allow_none = allow_none
        self.credentials = credentials
        self.tls = tls
        self._lock = threading.Lock()
        self._flaky: dict[str, int] = {}
        self._invoices = 0
        self.server = _XmlRpcServer((host, port), requestHandler=_XmlRpcHandler, logRequests=False,
                                    allow_none=allow_none, use_builtin_types=True)
        self.server.demo = self
        if tls is not None:
            self.server.ssl_context = tls.server_context(require_client_cert=require_client_cert)
        self.server.register_introspection_functions()
        self.server.register_multicall_functions()
        for name in ("echo", "types", "add", "fault", "sleep", "flaky", "headers"):
            self.server.register_function(getattr(self, f"_demo_{name}"), f"demo.{name}")
        self.server.register_function(self._billing_charge, "billing.charge")

    @property
    def rpc_url(self) -> str:
        return f"{self.url}/RPC2"

    def _demo_echo(self, value):
        """Return the argument unchanged (every type round-trips)."""
        return value

    def _demo_types(self) -> dict[str, Any]:
        """A struct holding one value of every XML-RPC type (nil only when the server allows it)."""
        values: dict[str, Any] = {
            "int": 42, "double": 3.5, "boolean": True, "string": "héllo <xml> & co",
            "dateTime": datetime.datetime(2024, 1, 2, 3, 4, 5), "base64": b"\x00\x01flowdeck\xff",
            "array": [1, "two", 3.0, False], "struct": {"a": 1, "b": ["x", "y"]},
        }
        if self.allow_none:
            values["nil"] = None
        return values

    def _demo_add(self, a, b):
        """Return a + b."""
        return a + b

    def _demo_fault(self, code: int, message: str):
        """Raise a fault with this code and message."""
        raise xmlrpc.client.Fault(code, message)

    def _demo_sleep(self, seconds: float) -> float:
        """Sleep for `seconds` (at most 60), then return them."""
        seconds = min(max(float(seconds), 0.0), MAX_SLEEP_SECONDS)
        time.sleep(seconds)
        return seconds

    def _demo_flaky(self, key: str, failures: int) -> int:
        """Fault with code 503 `failures` times for this key, then return the number of calls."""
        with self._lock:
            self._flaky[key] = attempt = self._flaky.get(key, 0) + 1
        if attempt <= failures:
            raise xmlrpc.client.Fault(503, f"temporarily unavailable (attempt {attempt} of {key})")
        return attempt

    def _demo_headers(self) -> dict[str, str]:
        """The HTTP headers of this call, lower-case, without Authorization or cookies."""
        return dict(getattr(_xmlrpc_request, "headers", {}))

    def _billing_charge(self, charge: dict[str, Any]) -> dict[str, Any]:
        """Charge {customer, amount}; returns an invoice struct. Fault 4 when the amount is not positive."""
        if not isinstance(charge, dict) or "customer" not in charge or "amount" not in charge:
            raise xmlrpc.client.Fault(3, "a struct with customer and amount is required")
        amount = charge["amount"]
        if isinstance(amount, bool) or not isinstance(amount, (int, float)):
            raise xmlrpc.client.Fault(3, "amount must be a number")
        if amount <= 0:
            raise xmlrpc.client.Fault(4, "amount must be positive")
        with self._lock:
            self._invoices += 1
            number = self._invoices
        return {"invoice": f"INV-{number:06d}", "customer": str(charge["customer"]), "amount": amount,
                "currency": str(charge.get("currency", "EUR")), "paid": False,
                "issued": datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)}


class _XmlRpcServer(TlsServerMixin, socketserver.ThreadingMixIn, SimpleXMLRPCServer):
    demo: DemoXmlRpcServer


class _XmlRpcHandler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/", "/RPC2")
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT_SECONDS

    def do_POST(self) -> None:
        credentials = self.server.demo.credentials
        if credentials is not None and (
                basic_credentials(self.headers.get("Authorization")) != (credentials.user, credentials.password)):
            body = b"HTTP Basic credentials required\n"
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self.send_response(401)
            self.send_header("WWW-Authenticate", f'Basic realm="{REALM}"')
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        _xmlrpc_request.headers = {name.lower(): value for name, value in self.headers.items()
                                   if name.lower() not in SECRET_HEADERS}
        try:
            super().do_POST()
        finally:
            _xmlrpc_request.headers = {}

    def log_message(self, format: str, *args) -> None:
        logger.debug("%s " + format, self.client_address[0], *args)
