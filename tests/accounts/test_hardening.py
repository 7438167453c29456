"""Hardening: security headers, cookie settings by mode, DEBUG's default, and the request-size limit."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.testing import ApplicationCommunicator

from designer.limits import BodySizeLimit

ROOT = Path(__file__).resolve().parents[2]


def settings_under(tmp_path, **env) -> dict:
    """Selected settings as a fresh process computes them from this environment."""
    code = ("import json, designer.settings as s; print(json.dumps({k: getattr(s, k) for k in "
            "('DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
            "'SESSION_COOKIE_SAMESITE', 'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME')}))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FLOWDECK_")}
    clean.update(FLOWDECK_VAR_DIR=str(tmp_path), **env)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_debug_is_off_by_default_and_cookies_are_secure(tmp_path):
    s = settings_under(tmp_path)
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SESSION_COOKIE_HTTPONLY"]
    assert s["SESSION_COOKIE_SAMESITE"] == "Lax"
    # The __Host- prefix makes browsers refuse the cookie unless Secure, host-only and Path=/.
    assert s["SESSION_COOKIE_NAME"].startswith("__Host-") and s["CSRF_COOKIE_NAME"].startswith("__Host-")


def test_the_run_commands_local_mode_turns_debug_on_with_plain_http_cookies(tmp_path):
    s = settings_under(tmp_path, FLOWDECK_LOCAL="true")
    assert s["DEBUG"] is True
    assert not s["SESSION_COOKIE_SECURE"] and not s["SESSION_COOKIE_NAME"].startswith("__Host-")


def test_debug_asked_for_explicitly_wins_over_local_mode(tmp_path):
    assert settings_under(tmp_path, FLOWDECK_LOCAL="true", FLOWDECK_DEBUG="false")["DEBUG"] is False


def test_the_run_command_uses_local_mode_only_on_loopback():
    start = (ROOT / ".ci" / "start").read_text()
    assert "127.* | localhost | ::1 | '[::1]') local_mode=true" in start
    assert 'FLOWDECK_LOCAL=${FLOWDECK_LOCAL:-$local_mode} .venv/bin/daphne' in start


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/admin/login/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


async def _request(app, headers, chunks):
    scope = {"type": "http", "method": "POST", "path": "/api/validate", "headers": headers, "query_string": b""}
    communicator = ApplicationCommunicator(app, scope)
    for i, chunk in enumerate(chunks):
        await communicator.send_input({"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1})
    return communicator


async def _recording_app(received):
    async def app(scope, receive, send):
        while True:
            message = await receive()
            received.append(message)
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
    return app


@pytest.mark.asyncio
async def test_a_declared_oversized_body_is_refused_before_it_is_read():
    received = []
    app = BodySizeLimit(await _recording_app(received), max_bytes=10)
    communicator = await _request(app, [(b"content-length", b"11")], [b"x" * 11])
    start = await communicator.receive_output()
    body = await communicator.receive_output()
    assert start["status"] == 413
    assert json.loads(body["body"])["code"] == "RequestEntityTooLarge"
    assert received == []  # the application never saw the request


@pytest.mark.asyncio
async def test_a_browser_sending_an_oversized_form_gets_a_page_that_says_so():
    received = []
    app = BodySizeLimit(await _recording_app(received), max_bytes=10)
    headers = [(b"content-length", b"5000000"), (b"accept", b"text/html,application/xhtml+xml,*/*;q=0.8")]
    communicator = await _request(app, headers, [b"x" * 11])
    start = await communicator.receive_output()
    body = (await communicator.receive_output())["body"].decode()
    assert start["status"] == 413 and (b"content-type", b"text/html; charset=utf-8") in start["headers"]
    assert "It is 5,000,000 bytes; this server takes at most 10 bytes in one request." in body
    assert received == []
    # It never passes through Django's middleware: the security headers are its own.
    headers = dict(start["headers"])
    assert headers[b"content-security-policy"] == (
        b"default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    assert (headers[b"x-frame-options"], headers[b"x-content-type-options"], headers[b"referrer-policy"]) == (
        b"DENY", b"nosniff", b"same-origin")


@pytest.mark.asyncio
async def test_a_chunked_body_is_cut_off_once_past_the_limit_and_a_small_one_passes():
    received = []
    app = BodySizeLimit(await _recording_app(received), max_bytes=10)
    communicator = await _request(app, [], [b"x" * 6, b"x" * 6])
    await communicator.receive_output()
    assert [m["type"] for m in received] == ["http.request", "http.disconnect"]

    received.clear()
    communicator = await _request(app, [(b"content-length", b"10")], [b"x" * 10])
    assert (await communicator.receive_output())["status"] == 200
    assert received[0]["body"] == b"x" * 10


@pytest.mark.parametrize("public", [{"FLOWDECK_HTTPS": "true"}, {"FLOWDECK_PROXY_HEADERS": "true"},
                                    {"FLOWDECK_ALLOWED_HOSTS": "flowdeck.example.com,127.0.0.1"}])
def test_local_mode_is_off_when_anything_says_the_server_is_reachable_from_elsewhere(tmp_path, public):
    s = settings_under(tmp_path, FLOWDECK_LOCAL="true", **public)
    assert s["DEBUG"] is False and s["SESSION_COOKIE_SECURE"] and s["SESSION_COOKIE_NAME"].startswith("__Host-")
