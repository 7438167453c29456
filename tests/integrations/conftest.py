"""Real demo servers for the integration tests, each started once per session on 127.0.0.1, port 0.

Session-scoped servers keep state across tests (flaky counters, issued tokens, the proxy's `.seen`): use
a fresh key per test, check membership rather than equality, and start a private server with
`start_demo` for anything that changes server-wide state (a short token lifetime, revoking tokens).
"""
from __future__ import annotations

import json
import logging

from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest

from executions.integrations.demo import (
    DEMO_CREDENTIALS, DemoCredentials, DemoHttpServer, DemoProxy, DemoXmlRpcServer, TlsMaterial, make_tls_material,
)

Server = TypeVar("Server", DemoHttpServer, DemoXmlRpcServer, DemoProxy)
PROXY_CREDENTIALS = DemoCredentials(user="proxy-user", password="proxy-password")


def _serve(server: Server) -> Iterator[Server]:
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def demo_credentials() -> DemoCredentials:
    return DEMO_CREDENTIALS


@pytest.fixture(scope="session")
def tls_material(tmp_path_factory) -> TlsMaterial:
    return make_tls_material(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def demo_http() -> Iterator[DemoHttpServer]:
    yield from _serve(DemoHttpServer())


@pytest.fixture(scope="session")
def demo_https(tls_material) -> Iterator[DemoHttpServer]:
    yield from _serve(DemoHttpServer(tls=tls_material))


@pytest.fixture(scope="session")
def demo_https_mtls(tls_material) -> Iterator[DemoHttpServer]:
    """HTTPS requiring a client certificate signed by the test CA."""
    yield from _serve(DemoHttpServer(tls=tls_material, require_client_cert=True))


@pytest.fixture(scope="session")
def demo_xmlrpc() -> Iterator[DemoXmlRpcServer]:
    yield from _serve(DemoXmlRpcServer(allow_none=True))


@pytest.fixture(scope="session")
def demo_xmlrpc_no_nil() -> Iterator[DemoXmlRpcServer]:
    yield from _serve(DemoXmlRpcServer(allow_none=False))


@pytest.fixture(scope="session")
def demo_xmlrpc_basic() -> Iterator[DemoXmlRpcServer]:
    """XML-RPC behind HTTP Basic with the demo user and password."""
    yield from _serve(DemoXmlRpcServer(credentials=DEMO_CREDENTIALS))


@pytest.fixture(scope="session")
def demo_xmlrpc_mtls(tls_material) -> Iterator[DemoXmlRpcServer]:
    yield from _serve(DemoXmlRpcServer(tls=tls_material, require_client_cert=True))


@pytest.fixture(scope="session")
def demo_proxy() -> Iterator[DemoProxy]:
    yield from _serve(DemoProxy())


@pytest.fixture(scope="session")
def demo_proxy_auth() -> Iterator[DemoProxy]:
    """A proxy requiring Proxy-Authorization Basic with `PROXY_CREDENTIALS` (also its `.credentials`)."""
    yield from _serve(DemoProxy(credentials=PROXY_CREDENTIALS))


@pytest.fixture
def start_demo() -> Iterator[Callable[[Server], Server]]:
    """Start a private server for one test: `server = start_demo(DemoHttpServer(token_ttl=0.2))`; stopped after it."""
    started: list = []

    def start(server: Server) -> Server:
        started.append(server)
        return server.start()

    yield start
    for server in reversed(started):
        server.stop()


# --- No secret leaves a call ------------------------------------------------------------------------------
# Every test in this folder runs under this check: each log line emitted while it ran (at the levels the
# product configures) and each history event it left behind is searched for every secret the tests use (the
# demo credentials, the proxy password, the client key, any OAuth token this process fetched, and whatever a
# test adds to `LEAK_SECRETS`).

LEAK_SECRETS: set[str] = set()


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 -- a malformed record is still searched as far as it goes
            text = str(record.msg)
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text}")


def _known_secrets(tls: TlsMaterial | None) -> set[str]:
    from executions.integrations.transport import token_cache

    found = {*DEMO_CREDENTIALS.secrets(), PROXY_CREDENTIALS.password, *LEAK_SECRETS,
             *(token for token, _ in token_cache()._tokens.values())}
    if tls is not None:  # the key's body, line by line (a PEM quoted in a message would show its lines)
        found.update(line for line in tls.client_key_pem.splitlines() if len(line) > 40)
    return {secret for secret in found if secret}


@pytest.fixture(autouse=True)
def no_secret_leaks(request):
    handler = _Everything()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    tls = request.getfixturevalue("tls_material") if "tls_material" in request.fixturenames else None
    secrets = _known_secrets(tls)
    texts = list(handler.lines)
    if request.node.get_closest_marker("django_db") or "db" in request.fixturenames \
            or "transactional_db" in request.fixturenames:
        from executions.models import ExecutionEvent

        texts += [json.dumps(details, ensure_ascii=False) for details in ExecutionEvent.objects.values_list(
            "details", flat=True)]
    leaks = sorted({secret for secret in secrets for text in texts if secret in text})
    assert not leaks, f"secrets found in logs or history: {leaks}"
