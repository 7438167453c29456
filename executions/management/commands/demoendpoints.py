"""`manage.py demoendpoints`: run the demo HTTP and XML-RPC endpoints until interrupted.

They are the servers the test suite calls (`executions.integrations.demo`), on fixed ports so the README's
example state machines and connections can point at them. The credentials printed are the module's fixed
demo constants; they guard nothing real. Port 0 lets the OS pick (the URLs printed say which).
"""
from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from executions.integrations.demo import (
    DEFAULT_HTTP_PORT, DEFAULT_XMLRPC_PORT, DEMO_API_KEY, DEMO_API_KEY_HEADER, DEMO_API_KEY_QUERY, DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_TOKEN_TTL_SECONDS, DEMO_USER, DemoHttpServer, DemoXmlRpcServer,
)


class Command(BaseCommand):
    help = "Run the demo HTTP (with an OAuth token endpoint) and XML-RPC endpoints until interrupted."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--http-port", type=int, default=DEFAULT_HTTP_PORT,
                            help=f"HTTP port (default {DEFAULT_HTTP_PORT}; 0 = any free port)")
        parser.add_argument("--xmlrpc-port", type=int, default=DEFAULT_XMLRPC_PORT,
                            help=f"XML-RPC port (default {DEFAULT_XMLRPC_PORT}; 0 = any free port)")
        parser.add_argument("--token-ttl", type=float, default=DEMO_TOKEN_TTL_SECONDS,
                            help=f"lifetime of issued OAuth tokens in seconds (default {DEMO_TOKEN_TTL_SECONDS})")

    def handle(self, *args, host: str, http_port: int, xmlrpc_port: int, token_ttl: float, **options) -> None:
        stopping = threading.Event()
        signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
        http = self.listen(DemoHttpServer, host, http_port, token_ttl=token_ttl)
        try:
            xmlrpc = self.listen(DemoXmlRpcServer, host, xmlrpc_port)
        except BaseException:
            http.stop()
            raise
        try:
            self.describe(http, xmlrpc)
            try:
                stopping.wait()
            except KeyboardInterrupt:
                pass
        finally:
            http.stop()
            xmlrpc.stop()
        self.stdout.write("Demo endpoints stopped.")

    @staticmethod
    def listen(server_class, host: str, port: int, **options):
        try:
            return server_class(host=host, port=port, **options).start()
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc

    def describe(self, http: DemoHttpServer, xmlrpc: DemoXmlRpcServer) -> None:
        lines = [
            "Flowdeck demo endpoints (Ctrl-C to stop)",
            f"  HTTP     {http.url}",
            "           /json /text /binary /large?bytes=N /status/<code> /slow?seconds=N /drop",
            "           /flaky/<key>?fail=N&code=503 /echo (any method)",
            f"           /basic/...   HTTP Basic  user {DEMO_USER}  password {DEMO_PASSWORD}",
            f"           /apikey/...  API key {DEMO_API_KEY} in header {DEMO_API_KEY_HEADER} "
            f"or query parameter {DEMO_API_KEY_QUERY}",
            f"           /bearer/...  OAuth 2 client credentials: token URL {http.url}/oauth/token",
            f"                        client id {DEMO_CLIENT_ID}  client secret {DEMO_CLIENT_SECRET}",
            "           /oauth/stats  tokens issued (DELETE revokes every token)",
            f"  XML-RPC  {xmlrpc.rpc_url}",
            "           demo.echo demo.types demo.add demo.fault demo.sleep demo.flaky demo.headers",
            "           billing.charge({customer, amount}) system.multicall system.listMethods",
        ]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
