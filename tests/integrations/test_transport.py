"""The transport against the real demo servers: each kind of authentication, the OAuth token cache (reuse,
expiry, refresh after a 401, a refused client), TLS verification and client certificates, proxies (plain and
CONNECT, with credentials), time-outs, dropped connections, the size cap, and URLs and messages without secrets."""
from __future__ import annotations

import gzip
import json
import socket
import threading
import time

import pytest

from executions.integrations import transport
from executions.integrations.config import ApiKeyAuth, BasicAuth, ConnectionConfig, OAuthClientCredentials, Parameter
from executions.integrations.demo import (
    DEMO_API_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_USER, DemoHttpServer,
)
from executions.integrations.transport import HttpRequest, TransportError, send
from tests.integrations.conftest import PROXY_CREDENTIALS


def connection(name="c", **fields) -> ConnectionConfig:
    return ConnectionConfig(name=name, arn=f"arn:aws:events:us-east-1:123456789012:connection/{name}/x", **fields)


def oauth(server, name="oauth", **auth) -> ConnectionConfig:
    return connection(name, base_url=server.url, revision=str(time.monotonic()),
                      auth=OAuthClientCredentials(f"{server.url}/oauth/token", DEMO_CLIENT_ID, DEMO_CLIENT_SECRET,
                                                  **auth))


def body(response) -> dict:
    return json.loads(response.body)


def test_basic_auth_and_a_connection_header_that_wins(demo_http):
    c = connection(base_url=demo_http.url, auth=BasicAuth(DEMO_USER, DEMO_PASSWORD),
                   headers=(Parameter("X-Team", "from-connection"),))
    response = send(HttpRequest("GET", "/basic/echo", headers=[("x-team", "from-task")]), c)
    echoed = body(response)
    assert response.status == 200 and response.reason == "OK"
    assert echoed["auth"] == {"scheme": "basic", "valid": True}
    assert echoed["headers"]["x-team"] == "from-connection"


def test_api_key_in_a_query_parameter_is_hidden_from_the_url(demo_http):
    c = connection(base_url=demo_http.url, auth=ApiKeyAuth("api_key", DEMO_API_KEY, "query"),
                   query=(Parameter("tenant", "t-secret-value", secret=True),))
    response = send(HttpRequest("GET", "/apikey/echo?page=2", query=[("size", "10")]), c)
    assert body(response)["auth"] == {"scheme": "apikey", "valid": True}
    assert body(response)["query"]["page"] == ["2"] and body(response)["query"]["size"] == ["10"]
    assert DEMO_API_KEY not in response.url and "t-secret-value" not in response.url
    assert response.url.endswith("api_key=***") and "tenant=***" in response.url


def test_api_key_in_a_header(demo_http):
    c = connection(base_url=demo_http.url, auth=ApiKeyAuth("x-api-key", DEMO_API_KEY))
    assert body(send(HttpRequest("POST", "/apikey/echo", content=b"{}"), c))["auth"]["valid"] is True


def test_an_oauth_token_is_fetched_once_and_reused(start_demo):
    server = start_demo(DemoHttpServer())
    c = oauth(server, scope="orders")
    for _ in range(3):
        assert body(send(HttpRequest("GET", "/bearer/echo"), c))["auth"] == {"scheme": "bearer", "valid": True}
    assert server.token_stats()["issued"] == 1


def test_an_expired_token_is_replaced_before_use(start_demo):
    server = start_demo(DemoHttpServer(token_ttl=0.5))
    c = oauth(server, client_auth="body")
    send(HttpRequest("GET", "/bearer/echo"), c)
    time.sleep(0.6)
    assert body(send(HttpRequest("GET", "/bearer/echo"), c))["auth"]["valid"] is True
    assert server.token_stats()["issued"] == 2


def test_a_token_the_api_refuses_is_refreshed_once(start_demo):
    server = start_demo(DemoHttpServer())
    c = oauth(server)
    send(HttpRequest("GET", "/bearer/echo"), c)
    server.revoke_tokens()
    response = send(HttpRequest("GET", "/bearer/echo"), c)
    assert response.status == 200 and server.token_stats()["issued"] == 2


def test_a_refused_client_is_a_connection_error_without_the_secret(demo_http):
    c = connection(base_url=demo_http.url, revision="refused",
                   auth=OAuthClientCredentials(f"{demo_http.url}/oauth/token", DEMO_CLIENT_ID, "wrong-secret-1"))
    with pytest.raises(TransportError) as caught:
        send(HttpRequest("GET", "/bearer/echo"), c)
    assert caught.value.kind == "connection"
    assert "401" in caught.value.message and "wrong-secret-1" not in caught.value.message


def test_tls_is_verified_by_default(demo_https, tls_material):
    with pytest.raises(TransportError) as caught:
        send(HttpRequest("GET", f"{demo_https.url}/json"), connection())
    assert caught.value.kind == "socket" and "CERTIFICATE_VERIFY_FAILED" in caught.value.message
    trusted = connection(ca_bundle=tls_material.ca_cert_pem)
    assert send(HttpRequest("GET", f"{demo_https.url}/json"), trusted).status == 200
    unverified = connection(verify_tls=False)
    assert send(HttpRequest("GET", f"{demo_https.url}/json"), unverified).status == 200


def test_a_client_certificate(demo_https_mtls, tls_material):
    without = connection(ca_bundle=tls_material.ca_cert_pem)
    with pytest.raises(TransportError) as caught:
        send(HttpRequest("GET", f"{demo_https_mtls.url}/echo"), without)
    assert caught.value.kind == "socket"
    with_cert = connection("mtls", ca_bundle=tls_material.ca_cert_pem, client_cert=tls_material.client_cert_pem,
                           client_key=tls_material.client_key_pem)
    echoed = body(send(HttpRequest("GET", f"{demo_https_mtls.url}/echo"), with_cert))
    assert echoed["tls"]["client_cert"]


def test_through_a_proxy_plain_and_connect(demo_http, demo_https, demo_proxy, tls_material):
    c = connection(proxy_url=demo_proxy.url, ca_bundle=tls_material.ca_cert_pem)
    assert send(HttpRequest("GET", f"{demo_http.url}/json"), c).status == 200
    assert send(HttpRequest("GET", f"{demo_https.url}/json"), c).status == 200
    methods = {method for method, _ in demo_proxy.seen}
    assert {"GET", "CONNECT"} <= methods


def test_a_proxy_with_credentials_and_its_password_kept_out_of_messages(demo_http, demo_proxy_auth):
    host = demo_proxy_auth.url.split("://", 1)[1]
    good = connection(proxy_url=f"http://{PROXY_CREDENTIALS.user}:{PROXY_CREDENTIALS.password}@{host}")
    assert send(HttpRequest("GET", f"{demo_http.url}/json"), good).status == 200
    bad = connection(proxy_url=f"http://{PROXY_CREDENTIALS.user}:wrong-proxy-pass@{host}")
    assert send(HttpRequest("GET", f"{demo_http.url}/json"), bad).status == 407


def test_time_out_drop_refusal_and_size_cap(demo_http):
    c = connection(base_url=demo_http.url, timeout_seconds=0.3)
    cases = {"/slow?seconds=2": "timeout", "/drop": "socket", "/large?bytes=300000": "too_large"}
    for path, kind in cases.items():
        with pytest.raises(TransportError) as caught:
            send(HttpRequest("GET", path), c)
        assert caught.value.kind == kind, path
        assert caught.value.url.startswith(demo_http.url)
    with pytest.raises(TransportError) as caught:
        send(HttpRequest("GET", "http://127.0.0.1:9/"), connection(timeout_seconds=1))
    assert caught.value.kind == "socket" and "refused" in caught.value.message.lower()


def test_relative_endpoints_need_a_base_url():
    with pytest.raises(TransportError) as caught:
        send(HttpRequest("GET", "/orders"), None)
    assert caught.value.kind == "request"
    with pytest.raises(TransportError) as caught:
        send(HttpRequest("GET", "ftp://example.org/x"), connection(base_url="http://127.0.0.1:9"))
    assert caught.value.kind == "request"


def test_scrub_and_safe_url():
    c = connection(auth=BasicAuth("u", "hunter2-password"), proxy_url="http://p:proxy-pass-9@proxy:3128")
    assert transport.scrub("failed with hunter2-password at proxy-pass-9", c) == "failed with *** at ***"
    assert transport.safe_url("http://user:pw@host/x", [("a", "1")], None) == "http://host/x?a=1"


def test_a_connection_with_a_base_url_calls_its_origin_only(demo_http):
    c = connection(base_url=f"{demo_http.url}/api", auth=BasicAuth(DEMO_USER, DEMO_PASSWORD))
    assert send(HttpRequest("GET", f"{demo_http.url}/basic/echo"), c).status == 200  # same origin, any path
    elsewhere = demo_http.url.replace("127.0.0.1", "localhost")
    for url in (elsewhere + "/basic/echo", "http://127.0.0.1:9/x", demo_http.url.replace("http:", "https:")):
        with pytest.raises(TransportError) as caught:
            send(HttpRequest("GET", url), c)
        assert caught.value.kind == "request" and "only calls" in caught.value.message


def test_credentials_need_a_base_url_and_odd_endpoints_are_refused(demo_http):
    bare = connection(auth=BasicAuth(DEMO_USER, DEMO_PASSWORD))
    with pytest.raises(TransportError) as caught:
        send(HttpRequest("GET", f"{demo_http.url}/basic/echo"), bare)
    assert caught.value.kind == "request" and "no base URL" in caught.value.message
    based = connection(base_url=demo_http.url, auth=BasicAuth(DEMO_USER, DEMO_PASSWORD))
    for endpoint in ("\t//127.0.0.1:9/x", " /basic/echo", "/basic\\echo", "/basic/\x7fecho"):
        with pytest.raises(TransportError) as caught:
            send(HttpRequest("GET", endpoint), based)
        assert caught.value.kind == "request", repr(endpoint)


def test_secrets_in_the_forms_they_travel_in_are_scrubbed(start_demo):
    server = start_demo(DemoHttpServer())
    c = oauth(server)
    send(HttpRequest("GET", "/bearer/echo"), c)
    token = transport.token_cache().current(c)[0]
    basic = connection(auth=BasicAuth("svc", "S3cret Passw0rd/+"))
    text = f"Bearer {token} Basic c3ZjOlMzY3JldCBQYXNzdzByZC8r S3cret%20Passw0rd%2F%2B S3cret+Passw0rd%2F%2B"
    assert transport.scrub(text, basic).count("***") == 3
    assert token not in transport.scrub(text, c)


def test_a_header_value_http_cannot_carry_is_refused_without_quoting_it(demo_http):
    c = connection(base_url=demo_http.url, auth=ApiKeyAuth("x-api-key", "key-part-1\nkey-part-2"))
    with pytest.raises(TransportError) as caught:
        send(HttpRequest("GET", "/apikey/echo"), c)
    assert caught.value.kind == "request" and "key-part" not in caught.value.message
    with pytest.raises(TransportError) as caught:
        send(HttpRequest("GET", f"{demo_http.url}/echo", headers=[("X-Name", "Zoë")]), None)
    assert caught.value.kind == "request"


def _raw_server(answer) -> tuple[str, threading.Thread]:
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        conn, _ = listener.accept()
        with conn, listener:
            conn.recv(65536)
            answer(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}", thread


def test_a_server_trickling_its_headers_meets_the_whole_time_out():
    def trickle(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        for n in range(30):
            time.sleep(0.2)
            try:
                conn.sendall(f"X-Slow-{n}: 1\r\n".encode())
            except OSError:
                return

    url, _ = _raw_server(trickle)
    started = time.monotonic()
    with pytest.raises(TransportError) as caught:
        send(HttpRequest("GET", url), connection(timeout_seconds=1))
    assert caught.value.kind == "timeout" and time.monotonic() - started < 2.5


def test_a_compressed_answer_is_refused():
    def gzipped(conn):
        body = gzip.compress(b"0" * 10_000_000)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\n"
                     + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)

    url, _ = _raw_server(gzipped)
    with pytest.raises(TransportError) as caught:
        send(HttpRequest("GET", url), None)
    assert caught.value.kind == "socket" and "gzip" in caught.value.message
