"""Real local servers for the HTTP and XML-RPC tasks: the test suite's endpoints and the README's demo.

The transport, the HTTP task and the XML-RPC task are tested against real sockets rather than mocks, so
that time-outs, dropped connections, TLS with client certificates, proxies, OAuth token expiry and
XML-RPC faults behave as they do in production. Each server runs in a background thread
(`start()` / `stop()`, or a `with` block) on a port the OS picks unless one is given, and
`manage.py demoendpoints` runs the same servers for people trying the tasks by hand.

- `DemoHttpServer`: JSON, text, binary and large bodies, any status, slow, dropped and flaky answers, an
  `/echo` that reports the request (never a secret), and routes guarded by HTTP Basic, an API key or an
  OAuth 2 bearer token issued by its own client-credentials token endpoint.
- `DemoXmlRpcServer`: `demo.*` and `billing.*` methods covering every XML-RPC type, faults and
  `system.multicall`, optionally behind HTTP Basic.
- `make_tls_material()`: a throw-away CA with a server certificate for 127.0.0.1/localhost and a client
  certificate, so both servers can serve HTTPS and require a client certificate.
- `DemoProxy`: a forward proxy (absolute-URI requests and CONNECT tunnels), optionally requiring
  Proxy-Authorization, recording what went through it.

Standard library and `cryptography` only: no Django, so the servers start in any process.
"""
from executions.integrations.demo.credentials import (
    DEFAULT_HTTP_PORT, DEFAULT_XMLRPC_PORT, DEMO_API_KEY, DEMO_API_KEY_HEADER, DEMO_API_KEY_QUERY, DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET, DEMO_CREDENTIALS, DEMO_PASSWORD, DEMO_TOKEN_TTL_SECONDS, DEMO_USER, DemoCredentials,
    basic_credentials,
)
from executions.integrations.demo.http_server import DemoHttpServer
from executions.integrations.demo.proxy import DemoProxy
from executions.integrations.demo.tls import TlsMaterial, make_tls_material
from executions.integrations.demo.xmlrpc_server import DemoXmlRpcServer

__all__ = [
    "DEFAULT_HTTP_PORT", "DEFAULT_XMLRPC_PORT", "DEMO_API_KEY", "DEMO_API_KEY_HEADER", "DEMO_API_KEY_QUERY",
    "DEMO_CLIENT_ID", "DEMO_CLIENT_SECRET", "DEMO_CREDENTIALS", "DEMO_PASSWORD", "DEMO_TOKEN_TTL_SECONDS",
    "DEMO_USER", "DemoCredentials", "DemoHttpServer", "DemoProxy", "DemoXmlRpcServer", "TlsMaterial",
    "basic_credentials", "make_tls_material",
]
