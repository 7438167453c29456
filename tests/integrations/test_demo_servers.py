"""The demo servers behave as the HTTP and XML-RPC task tests (and the README) rely on: each route, method,
authentication scheme, fault, TLS setting and the proxy, driven by plain httpx and xmlrpc.client."""
from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
import xmlrpc.client
from pathlib import Path

import httpx
import pytest

from executions.integrations.demo import (
    DEMO_API_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_USER, DemoHttpServer, DemoProxy,
    DemoXmlRpcServer, basic_credentials, make_tls_material,
)

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]


def key() -> str:
    return uuid.uuid4().hex


def token_for(server: DemoHttpServer) -> str:
    response = httpx.post(f"{server.url}/oauth/token", data={"grant_type": "client_credentials"},
                          auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET))
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


# Plain routes


def test_json_text_binary_and_large_bodies(demo_http):
    json_response = httpx.get(f"{demo_http.url}/json")
    assert json_response.headers["content-type"] == "application/json"
    assert json_response.json()["items"] == [1, 2, 3]

    text = httpx.get(f"{demo_http.url}/text")
    assert text.headers["content-type"].startswith("text/plain")
    assert text.text == "hello from flowdeck\n"

    binary = httpx.get(f"{demo_http.url}/binary")
    assert binary.headers["content-type"] == "application/octet-stream"
    assert binary.content[:3] == b"\x00\x01\x02" and len(binary.content) == 1024

    large = httpx.get(f"{demo_http.url}/large", params={"bytes": 300_000})
    assert len(large.content) == 300_000
    assert set(large.json()["data"]) == {"x"}


@pytest.mark.parametrize("code", [201, 400, 404, 418, 500, 503, 599])
def test_status_answers_that_status_with_a_json_error(demo_http, code):
    response = httpx.get(f"{demo_http.url}/status/{code}")
    assert response.status_code == code
    assert response.json()["status"] == code


def test_status_edge_cases_and_unknown_routes(demo_http):
    no_content = httpx.get(f"{demo_http.url}/status/204")
    assert no_content.status_code == 204 and no_content.content == b""
    assert httpx.get(f"{demo_http.url}/status/abc").status_code == 400
    assert httpx.get(f"{demo_http.url}/status/99").status_code == 400
    assert httpx.get(f"{demo_http.url}/nowhere").status_code == 404
    assert "/echo" in httpx.get(demo_http.url).json()["routes"]


def test_slow_answers_after_the_delay_and_can_time_a_client_out(demo_http):
    started = time.monotonic()
    assert httpx.get(f"{demo_http.url}/slow", params={"seconds": 0.2}).json() == {"slept": 0.2}
    assert time.monotonic() - started >= 0.2
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{demo_http.url}/slow", params={"seconds": 0.5}, timeout=0.1)


def test_drop_closes_the_connection_without_answering(demo_http):
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{demo_http.url}/drop")
    assert httpx.get(f"{demo_http.url}/json").status_code == 200  # the server lives on


def test_flaky_fails_n_times_per_key_then_succeeds(demo_http):
    first, other = key(), key()
    url = f"{demo_http.url}/flaky/{first}?fail=2&code=502"
    with httpx.Client() as client:
        assert [client.get(url).status_code for _ in range(2)] == [502, 502]
        assert httpx.get(f"{demo_http.url}/flaky/{other}?fail=1").status_code == 503  # 503 unless told
        third = client.get(url)
    assert third.status_code == 200 and third.json() == {"key": first, "attempt": 3}
    assert ("GET", f"/flaky/{first}") in demo_http.seen


# /echo


@pytest.mark.parametrize("method", METHODS)
def test_echo_reports_every_method(demo_http, method):
    response = httpx.request(method, f"{demo_http.url}/echo/sub?x=1")
    assert response.status_code == 200
    if method == "HEAD":
        assert response.content == b"" and int(response.headers["content-length"]) > 0
    else:
        assert response.json()["method"] == method
        assert response.json()["path"] == "/echo/sub"


def test_echo_reports_query_headers_and_body(demo_http):
    response = httpx.post(f"{demo_http.url}/echo", params=[("a", "1"), ("a", "2"), ("b", "")],
                          headers={"X-Custom": "Value", "Content-Type": "application/json"}, content=b'{"n": [1, 2]}')
    echo = response.json()
    assert echo["query"] == {"a": ["1", "2"], "b": [""]}
    assert echo["headers"]["x-custom"] == "Value"
    assert echo["headers"]["content-type"] == "application/json"
    assert echo["body"] == '{"n": [1, 2]}' and echo["json"] == {"n": [1, 2]}
    assert echo["auth"] == {"scheme": None, "valid": False}
    assert echo["tls"] is None

    text = httpx.put(f"{demo_http.url}/echo", content="plain words").json()
    assert text["body"] == "plain words" and text["json"] is None and text["form"] is None

    form = httpx.post(f"{demo_http.url}/echo", data={"description": "Monthly subscription", "k": ["1", "2"]}).json()
    assert form["form"] == {"description": ["Monthly subscription"], "k": ["1", "2"]}
    assert form["body"] == "description=Monthly+subscription&k=1&k=2"


def test_echo_never_reports_a_secret(demo_http):
    token = token_for(demo_http)
    response = httpx.post(
        f"{demo_http.url}/echo", params={"api_key": DEMO_API_KEY, "q": DEMO_PASSWORD},
        headers={"Authorization": f"Bearer {token}", "Cookie": "session=abc", "X-Api-Key": DEMO_API_KEY,
                 "Proxy-Authorization": "Basic eDp5", "X-Leak": DEMO_CLIENT_SECRET},
        json={"password": DEMO_PASSWORD, "token": token})
    text = response.text
    for secret in (DEMO_API_KEY, DEMO_PASSWORD, DEMO_CLIENT_SECRET, token, "session=abc", "eDp5"):
        assert secret not in text
    echo = response.json()
    assert not {"authorization", "cookie", "x-api-key", "proxy-authorization"} & set(echo["headers"])
    assert "api_key" not in echo["query"] and echo["query"]["q"] == ["[redacted]"]
    assert echo["headers"]["x-leak"] == "[redacted]"
    assert echo["json"] == {"password": "[redacted]", "token": "[redacted]"}
    assert echo["auth"] == {"scheme": "bearer", "valid": True}


@pytest.mark.parametrize(("kwargs", "auth"), [
    ({"auth": (DEMO_USER, DEMO_PASSWORD)}, {"scheme": "basic", "valid": True}),
    ({"auth": (DEMO_USER, "wrong")}, {"scheme": "basic", "valid": False}),
    ({"headers": {"x-api-key": DEMO_API_KEY}}, {"scheme": "apikey", "valid": True}),
    ({"params": {"api_key": "wrong"}}, {"scheme": "apikey", "valid": False}),
    ({"headers": {"Authorization": "Bearer not-issued"}}, {"scheme": "bearer", "valid": False}),
    ({"headers": {"Authorization": "Digest x"}}, {"scheme": "digest", "valid": False}),
])
def test_echo_says_which_authentication_came_and_whether_it_was_valid(demo_http, kwargs, auth):
    assert httpx.get(f"{demo_http.url}/echo", **kwargs).json()["auth"] == auth


# Guarded routes


def test_basic_requires_the_demo_user_and_password(demo_http):
    refused = httpx.get(f"{demo_http.url}/basic/echo")
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic realm=")
    assert httpx.get(f"{demo_http.url}/basic/echo", auth=(DEMO_USER, "nope")).status_code == 401
    echo = httpx.post(f"{demo_http.url}/basic/anything", auth=(DEMO_USER, DEMO_PASSWORD), json={"a": 1}).json()
    assert echo["path"] == "/basic/anything" and echo["json"] == {"a": 1} and echo["auth"]["valid"]
    assert httpx.get(f"{demo_http.url}/basic/json", auth=(DEMO_USER, DEMO_PASSWORD)).json()["items"] == [1, 2, 3]
    assert httpx.get(f"{demo_http.url}/basic/status/500", auth=(DEMO_USER, DEMO_PASSWORD)).status_code == 500


def test_apikey_accepts_the_header_or_the_query_parameter(demo_http):
    assert httpx.get(f"{demo_http.url}/apikey/echo").status_code == 401
    assert httpx.get(f"{demo_http.url}/apikey/echo", headers={"x-api-key": "wrong"}).status_code == 403
    assert httpx.get(f"{demo_http.url}/apikey/echo", params={"api_key": "wrong"}).status_code == 403
    by_header = httpx.get(f"{demo_http.url}/apikey/echo", headers={"X-API-Key": DEMO_API_KEY})
    assert by_header.status_code == 200 and by_header.json()["auth"] == {"scheme": "apikey", "valid": True}
    by_query = httpx.get(f"{demo_http.url}/apikey/flaky/{key()}", params={"api_key": DEMO_API_KEY, "fail": 0})
    assert by_query.json()["attempt"] == 1


def test_bearer_requires_a_token_from_the_token_endpoint(demo_http):
    missing = httpx.get(f"{demo_http.url}/bearer/echo")
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    unknown = httpx.get(f"{demo_http.url}/bearer/echo", headers={"Authorization": "Bearer forged"})
    assert unknown.status_code == 401 and 'error="invalid_token"' in unknown.headers["www-authenticate"]
    token = token_for(demo_http)
    ok = httpx.get(f"{demo_http.url}/bearer/echo", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and ok.json()["auth"] == {"scheme": "bearer", "valid": True}
    assert httpx.get(f"{demo_http.url}/bearer/json", headers={"Authorization": f"Bearer {token}"}).json()["items"]


def test_token_endpoint_takes_client_credentials_by_basic_or_form(demo_http):
    by_basic = httpx.post(f"{demo_http.url}/oauth/token", auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
                          data={"grant_type": "client_credentials", "scope": "billing"})
    body = by_basic.json()
    assert by_basic.headers["cache-control"] == "no-store"
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["scope"] == "billing"
    by_form = httpx.post(f"{demo_http.url}/oauth/token", data={
        "grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET})
    assert by_form.status_code == 200 and by_form.json()["access_token"] != body["access_token"]

    before = httpx.get(f"{demo_http.url}/oauth/stats").json()
    bad = httpx.post(f"{demo_http.url}/oauth/token", data={"grant_type": "client_credentials"},
                     auth=(DEMO_CLIENT_ID, "wrong"))
    assert bad.status_code == 401 and bad.json() == {"error": "invalid_client"}
    assert httpx.post(f"{demo_http.url}/oauth/token", data={"grant_type": "client_credentials"}).status_code == 401
    wrong_grant = httpx.post(f"{demo_http.url}/oauth/token", data={"grant_type": "password"},
                             auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET))
    assert wrong_grant.status_code == 400 and wrong_grant.json() == {"error": "unsupported_grant_type"}
    assert httpx.get(f"{demo_http.url}/oauth/token").status_code == 405
    after = httpx.get(f"{demo_http.url}/oauth/stats").json()
    assert after["refused"] == before["refused"] + 2 and after["issued"] == before["issued"]


def test_tokens_expire_after_the_configured_lifetime(start_demo):
    server = start_demo(DemoHttpServer(token_ttl=0.3))
    response = httpx.post(f"{server.url}/oauth/token", data={"grant_type": "client_credentials"},
                          auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET))
    assert response.json()["expires_in"] == 0.3
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    assert httpx.get(f"{server.url}/bearer/echo", headers=headers).status_code == 200
    time.sleep(0.35)
    assert httpx.get(f"{server.url}/bearer/echo", headers=headers).status_code == 401
    assert httpx.get(f"{server.url}/oauth/stats").json() == {"issued": 1, "active": 0, "refused": 0}


def test_revoking_every_token_forces_a_refresh(start_demo):
    server = start_demo(DemoHttpServer())
    headers = {"Authorization": f"Bearer {token_for(server)}"}
    assert httpx.get(f"{server.url}/bearer/echo", headers=headers).status_code == 200
    assert httpx.delete(f"{server.url}/oauth/stats").json() == {"issued": 1, "active": 0, "refused": 0, "revoked": 1}
    assert httpx.get(f"{server.url}/bearer/echo", headers=headers).status_code == 401
    headers = {"Authorization": f"Bearer {token_for(server)}"}
    assert httpx.get(f"{server.url}/bearer/echo", headers=headers).status_code == 200
    assert server.token_stats() == {"issued": 2, "active": 1, "refused": 0}
    assert server.revoke_tokens() == 1


def test_basic_credentials_parsing():
    assert basic_credentials("Basic ZGVtbzpwYTpzcw==") == ("demo", "pa:ss")
    assert basic_credentials("basic ZGVtbw==") is None  # no colon
    assert basic_credentials("Basic !!!") is None
    assert basic_credentials("Bearer x") is None and basic_credentials(None) is None


# XML-RPC


def rpc(server: DemoXmlRpcServer, **kwargs) -> xmlrpc.client.ServerProxy:
    return xmlrpc.client.ServerProxy(server.rpc_url, allow_none=True, use_builtin_types=True, **kwargs)


def test_xmlrpc_introspection_lists_every_method(demo_xmlrpc):
    proxy = rpc(demo_xmlrpc)
    methods = set(proxy.system.listMethods())
    assert {"demo.echo", "demo.types", "demo.add", "demo.fault", "demo.sleep", "demo.flaky", "demo.headers",
            "billing.charge", "system.multicall", "system.methodHelp"} <= methods
    assert "fault 4" in proxy.system.methodHelp("billing.charge").lower()


def test_xmlrpc_types_hold_every_type_and_echo_round_trips_them(demo_xmlrpc):
    values = rpc(demo_xmlrpc).demo.types()
    assert values == {"int": 42, "double": 3.5, "boolean": True, "string": "héllo <xml> & co",
                      "dateTime": datetime.datetime(2024, 1, 2, 3, 4, 5), "base64": b"\x00\x01flowdeck\xff",
                      "array": [1, "two", 3.0, False], "struct": {"a": 1, "b": ["x", "y"]}, "nil": None}
    assert rpc(demo_xmlrpc).demo.echo(values) == values


def test_xmlrpc_without_allow_none_has_no_nil(demo_xmlrpc_no_nil):
    assert "nil" not in rpc(demo_xmlrpc_no_nil).demo.types()
    with pytest.raises(xmlrpc.client.Fault, match="allow_none"):
        rpc(demo_xmlrpc_no_nil).demo.echo(None)


def test_xmlrpc_add_fault_sleep_and_flaky(demo_xmlrpc):
    proxy = rpc(demo_xmlrpc)
    assert proxy.demo.add(2, 3) == 5 and proxy.demo.add(0.5, 0.25) == 0.75 and proxy.demo.add("a", "b") == "ab"
    with pytest.raises(xmlrpc.client.Fault) as fault:
        proxy.demo.fault(42, "the answer")
    assert (fault.value.faultCode, fault.value.faultString) == (42, "the answer")
    assert proxy.demo.sleep(0.1) == 0.1
    flaky = key()
    for _ in range(2):
        with pytest.raises(xmlrpc.client.Fault) as fault:
            proxy.demo.flaky(flaky, 2)
        assert fault.value.faultCode == 503
    assert proxy.demo.flaky(flaky, 2) == 3


def test_xmlrpc_billing_charge(demo_xmlrpc):
    proxy = rpc(demo_xmlrpc)
    invoice = proxy.billing.charge({"customer": "acme", "amount": 12.5})
    assert invoice["invoice"].startswith("INV-") and invoice["customer"] == "acme" and invoice["amount"] == 12.5
    assert isinstance(invoice["issued"], datetime.datetime)
    for amount, code in ((0, 4), (-3, 4), ("ten", 3)):
        with pytest.raises(xmlrpc.client.Fault) as fault:
            proxy.billing.charge({"customer": "acme", "amount": amount})
        assert fault.value.faultCode == code
    with pytest.raises(xmlrpc.client.Fault) as fault:
        proxy.billing.charge({"customer": "acme"})
    assert fault.value.faultCode == 3


def test_xmlrpc_multicall(demo_xmlrpc):
    multicall = xmlrpc.client.MultiCall(rpc(demo_xmlrpc))
    multicall.demo.add(1, 2)
    multicall.demo.fault(7, "seven")
    results = multicall()
    assert results[0] == 3
    with pytest.raises(xmlrpc.client.Fault, match="seven"):
        results[1]


def test_xmlrpc_paths_and_headers(demo_xmlrpc):
    root = xmlrpc.client.ServerProxy(demo_xmlrpc.url + "/", headers=[("X-Trace", "abc"), ("Cookie", "c=1")])
    assert root.demo.echo(1) == 1
    headers = root.demo.headers()
    assert headers["x-trace"] == "abc" and "cookie" not in headers
    with pytest.raises(xmlrpc.client.ProtocolError) as error:
        xmlrpc.client.ServerProxy(demo_xmlrpc.url + "/elsewhere").demo.echo(1)
    assert error.value.errcode == 404


def test_xmlrpc_basic_auth(demo_xmlrpc_basic):
    with pytest.raises(xmlrpc.client.ProtocolError) as error:
        rpc(demo_xmlrpc_basic).demo.echo(1)
    assert error.value.errcode == 401
    wrong = demo_xmlrpc_basic.rpc_url.replace("://", f"://{DEMO_USER}:nope@")
    with pytest.raises(xmlrpc.client.ProtocolError):
        xmlrpc.client.ServerProxy(wrong).demo.echo(1)
    right = demo_xmlrpc_basic.rpc_url.replace("://", f"://{DEMO_USER}:{DEMO_PASSWORD}@")
    proxy = xmlrpc.client.ServerProxy(right)
    assert proxy.demo.echo("hi") == "hi"
    assert "authorization" not in proxy.demo.headers()


# TLS


def test_tls_material_files_and_strings(tls_material):
    assert tls_material.ca_cert_path.read_text() == tls_material.ca_cert_pem
    assert tls_material.client_key_path.read_text() == tls_material.client_key_pem
    assert tls_material.client_cert_pem.startswith("-----BEGIN CERTIFICATE-----")
    assert tls_material.server_key_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert oct(tls_material.client_key_path.stat().st_mode & 0o777) == "0o600"


def test_https_is_trusted_only_with_the_test_ca(demo_https, tls_material, tmp_path):
    echo = httpx.get(f"{demo_https.url}/echo", verify=tls_material.client_context()).json()
    assert echo["tls"]["version"].startswith("TLS") and echo["tls"]["client_cert"] is None
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{demo_https.url}/json")  # the system trust store does not know the test CA
    other_ca = make_tls_material(tmp_path / "other")
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{demo_https.url}/json", verify=other_ca.client_context())
    localhost = demo_https.url.replace("127.0.0.1", "localhost")
    assert httpx.get(f"{localhost}/json", verify=tls_material.client_context()).status_code == 200
    with pytest.raises(httpx.TransportError):
        httpx.get(demo_https.url.replace("https:", "http:") + "/json")


def test_mutual_tls_requires_the_client_certificate(demo_https_mtls, tls_material):
    with_cert = httpx.get(f"{demo_https_mtls.url}/echo", verify=tls_material.client_context(with_client_cert=True))
    assert with_cert.json()["tls"]["client_cert"] == "flowdeck-demo-client"
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{demo_https_mtls.url}/echo", verify=tls_material.client_context())


def test_xmlrpc_over_mutual_tls(demo_xmlrpc_mtls, tls_material):
    assert demo_xmlrpc_mtls.rpc_url.startswith("https://")
    proxy = xmlrpc.client.ServerProxy(demo_xmlrpc_mtls.rpc_url,
                                      context=tls_material.client_context(with_client_cert=True))
    assert proxy.demo.add(1, 1) == 2
    with pytest.raises((OSError, xmlrpc.client.ProtocolError)):
        xmlrpc.client.ServerProxy(demo_xmlrpc_mtls.rpc_url, context=tls_material.client_context()).demo.add(1, 1)


# Proxy


def test_proxy_forwards_absolute_uri_requests(demo_proxy, demo_http):
    with httpx.Client(proxy=demo_proxy.url) as client:
        echo = client.post(f"{demo_http.url}/echo?via=proxy", json={"a": 1}).json()
        assert echo["json"] == {"a": 1} and echo["query"] == {"via": ["proxy"]}
        assert "proxy-authorization" not in echo["headers"]
        assert client.get(f"{demo_http.url}/status/404").status_code == 404
    assert ("POST", f"{demo_http.url}/echo?via=proxy") in demo_proxy.seen


def test_proxy_tunnels_https_with_connect(demo_proxy, demo_https_mtls, tls_material):
    with httpx.Client(proxy=demo_proxy.url, verify=tls_material.client_context(with_client_cert=True)) as client:
        echo = client.get(f"{demo_https_mtls.url}/echo").json()
    assert echo["tls"]["client_cert"] == "flowdeck-demo-client"
    assert ("CONNECT", f"127.0.0.1:{demo_https_mtls.port}") in demo_proxy.seen


def test_proxy_answers_502_when_upstream_is_unreachable(demo_proxy, start_demo):
    closed = start_demo(DemoHttpServer())
    closed.stop()
    with httpx.Client(proxy=demo_proxy.url) as client:
        assert client.get(f"{closed.url}/json").status_code == 502


def test_proxy_with_credentials_requires_proxy_authorization(demo_proxy_auth, demo_http, demo_https, tls_material):
    credentials = demo_proxy_auth.credentials
    with httpx.Client(proxy=demo_proxy_auth.url) as client:
        refused = client.get(f"{demo_http.url}/json")
    assert refused.status_code == 407 and refused.headers["proxy-authenticate"].startswith("Basic")
    with pytest.raises(httpx.ProxyError):
        httpx.get(f"{demo_https.url}/json", proxy=demo_proxy_auth.url, verify=tls_material.client_context())
    authorised = demo_proxy_auth.url.replace("://", f"://{credentials.user}:{credentials.password}@")
    assert httpx.get(f"{demo_http.url}/json", proxy=authorised).status_code == 200
    assert httpx.get(f"{demo_https.url}/json", proxy=authorised, verify=tls_material.client_context()).status_code == 200


# manage.py demoendpoints


def test_demoendpoints_command_serves_until_interrupted(tmp_path):
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, str(manage), "demoendpoints", "--http-port", "0", "--xmlrpc-port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = []
        while not any(line.lstrip().startswith("XML-RPC") for line in lines):
            line = process.stdout.readline()
            assert line, process.stderr.read()
            lines.append(line)
        output = "".join(lines)
        assert DEMO_PASSWORD in output and DEMO_API_KEY in output and DEMO_CLIENT_SECRET in output
        http_url = next(line.split()[1] for line in lines if line.lstrip().startswith("HTTP "))
        rpc_url = next(line.split()[1] for line in lines if line.lstrip().startswith("XML-RPC"))
        assert httpx.get(f"{http_url}/json").status_code == 200
        assert xmlrpc.client.ServerProxy(rpc_url).demo.add(2, 2) == 4
        process.send_signal(signal.SIGINT)
        stdout, _ = process.communicate(timeout=10)
        assert process.returncode == 0 and "stopped" in stdout
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_demo_servers_import_without_django():
    code = "import sys, executions.integrations.demo; assert 'django' not in sys.modules, 'django imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
