"""The connections REST API: create, read, change, delete; validation errors as field errors; the
manage_connections permission; and no secret in any response, audit record, admin page or log line."""
from __future__ import annotations

import json
import logging

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from designer.accounts.models import AuditEvent
from executions.integrations.connections import resolve
from executions.integrations.models import Connection
from tests.integrations.test_connections import (
    API_KEY,
    CLIENT_SECRET,
    HEADER_SECRET,
    PASSWORD,
    PROXY,
    certificate_and_key,
    raw_row,
)

pytestmark = pytest.mark.django_db

URL = "/api/connections/"
NO_SECRETS = {"password": False, "api_key_value": False, "oauth_client_secret": False, "client_key": False,
              "proxy_url": False}


def billing(**extra) -> dict:
    return {"name": "billing", "description": "Billing API", "base_url": "https://billing.example/v1",
            "auth_type": "BASIC", "username": "bob", "password": PASSWORD, "proxy_url": PROXY,
            "headers": [{"key": "X-Token", "value": HEADER_SECRET, "secret": True},
                        {"key": "X-Plain", "value": "visible"}], **extra}


@pytest.fixture
def manager(django_user_model) -> APIClient:
    """mia: may manage connections, nothing else."""
    user = django_user_model.objects.create_user("mia")
    user.user_permissions.add(Permission.objects.get(content_type__app_label="integrations",
                                                     codename="manage_connections"))
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def reader(django_user_model) -> APIClient:
    """rex: signed in, no permission at all."""
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_user("rex"))
    return client


def test_create_read_list_update_delete(manager, reader):
    created = manager.post(URL, billing(), format="json")
    assert created.status_code == 201, created.content
    shown = created.json()
    stored = Connection.objects.get(name="billing")
    assert shown["arn"] == f"arn:aws:events:us-east-1:123456789012:connection/billing/{stored.uuid}"
    assert shown["secrets"] == {**NO_SECRETS, "password": True, "proxy_url": True}
    assert shown["headers"] == [{"key": "X-Token", "value": None, "secret": True},
                                {"key": "X-Plain", "value": "visible", "secret": False}]
    assert (shown["created_by"], shown["timeout_seconds"], shown["verify_tls"]) == ("mia", 60, True)
    assert reader.get(f"{URL}billing/").json() == shown
    assert [c["name"] for c in reader.get(URL).json()] == ["billing"]

    changed = manager.patch(f"{URL}billing/", {"description": "Billing, v2", "proxy_url": None}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["secrets"] == {**NO_SECRETS, "password": True}
    assert changed.json()["revision"] != shown["revision"]
    config = resolve("billing")
    assert (config.auth.password, config.proxy_url, config.headers[0].value) == (PASSWORD, None, HEADER_SECRET)

    assert manager.delete(f"{URL}billing/").status_code == 204
    assert reader.get(f"{URL}billing/").status_code == 404
    assert not Connection.objects.exists()
    assert list(AuditEvent.objects.order_by("id").values_list("action", "target", "detail")) == [
        ("connection.create", shown["arn"], {"fields": ["auth_type", "base_url", "description", "headers",
                                                        "password", "proxy_url", "username"]}),
        ("connection.update", shown["arn"], {"fields": ["description", "proxy_url"]}),
        ("connection.delete", shown["arn"], {}),
    ]


def test_a_connection_read_from_the_api_can_be_sent_back_unchanged(manager):
    shown = manager.post(URL, billing(), format="json").json()
    again = manager.patch(f"{URL}billing/", shown, format="json")
    assert again.status_code == 200, again.content
    assert again.json() == shown  # nothing changed: same revision, secrets kept
    assert not AuditEvent.objects.filter(action="connection.update").exists()
    assert resolve("billing").headers[0].value == HEADER_SECRET


def test_omitted_secrets_are_kept_and_empty_ones_cleared(manager):
    manager.post(URL, {"name": "keyed", "auth_type": "API_KEY", "api_key_name": "x-api-key", "api_key_value": API_KEY,
                       "proxy_url": PROXY, "base_url": "https://api.example.org"}, format="json")
    assert manager.patch(f"{URL}keyed/", {"api_key_location": "query"}, format="json").status_code == 200
    assert resolve("keyed").auth.value == API_KEY
    assert manager.patch(f"{URL}keyed/", {"proxy_url": ""}, format="json").json()["secrets"]["proxy_url"] is False
    refused = manager.patch(f"{URL}keyed/", {"api_key_value": None}, format="json")
    assert (refused.status_code, refused.json()) == (400, {"api_key_value": ["API key authentication needs the key"]})
    assert resolve("keyed").auth.value == API_KEY


def test_validation_errors_are_field_errors_that_never_repeat_a_secret(manager):
    cert, key = certificate_and_key()
    _, other_key = certificate_and_key()
    cases = [
        ({"name": "bad name"}, "name"),
        ({"name": "x", "auth_type": "DIGEST"}, "auth_type"),
        ({"name": "x", "auth_type": "BASIC", "username": "bob"}, "password"),
        ({"name": "x", "proxy_url": "ftp://u:hidden-proxy-pw@p"}, "proxy_url"),
        ({"name": "x", "client_cert": cert, "client_key": other_key}, "client_key"),
        ({"name": "x", "client_cert": cert, "client_key": "garbage " + PASSWORD}, "client_key"),
        ({"name": "x", "pasword": PASSWORD}, "pasword"),
        ({"name": "x", "timeout_seconds": 1000}, "timeout_seconds"),
        ({"name": "x", "headers": [{"key": "X-S", "secret": True}]}, "headers"),
        ({"name": "x", "headers": [{"key": "Bad Header", "value": HEADER_SECRET, "secret": True}]}, "headers"),
        ({"name": "x", "body": "not a list"}, "body"),
    ]
    for body, field in cases:
        response = manager.post(URL, body, format="json")
        assert response.status_code == 400 and field in response.json(), (body, response.content)
        for secret in ("hidden-proxy-pw", PASSWORD, HEADER_SECRET, key.splitlines()[1], other_key.splitlines()[1]):
            assert secret not in response.content.decode()
    assert not Connection.objects.exists()


def test_names_are_unique_and_never_renamed(manager):
    assert manager.post(URL, {"name": "one"}, format="json").status_code == 201
    again = manager.post(URL, {"name": "one"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "ConnectionAlreadyExists")
    renamed = manager.patch(f"{URL}one/", {"name": "two"}, format="json")
    assert (renamed.status_code, renamed.json()) == (400, {"name": ["A connection cannot be renamed"]})
    missing = manager.patch(f"{URL}nope/", {}, format="json")
    assert (missing.status_code, missing.json()["code"]) == (404, "ConnectionNotFound")


def test_only_managers_change_connections(manager, reader, admin_user):
    manager.post(URL, {"name": "one"}, format="json")
    for response in (reader.post(URL, {"name": "two"}, format="json"),
                     reader.patch(f"{URL}one/", {"description": "x"}, format="json"), reader.delete(f"{URL}one/")):
        assert (response.status_code, response.json()["code"]) == (403, "AccessDeniedException")
    superuser = APIClient()
    superuser.force_authenticate(admin_user)
    assert superuser.patch(f"{URL}one/", {"description": "by the admin"}, format="json").status_code == 200
    assert APIClient().get(URL).status_code == 401


def test_no_secret_in_responses_audit_admin_or_logs(manager, caplog, client, admin_user):
    caplog.set_level(logging.DEBUG)
    cert, key = certificate_and_key()
    secrets = [PASSWORD, HEADER_SECRET, "proxy-pass-6620", key.splitlines()[1], CLIENT_SECRET, API_KEY]
    responses = [
        manager.post(URL, billing(client_cert=cert, client_key=key), format="json"),
        manager.patch(f"{URL}billing/", {"auth_type": "OAUTH_CLIENT_CREDENTIALS", "oauth_client_id": "c",
                                         "oauth_token_url": "https://auth.example/token",
                                         "oauth_client_secret": CLIENT_SECRET}, format="json"),
        manager.patch(f"{URL}billing/", {"auth_type": "API_KEY", "api_key_value": API_KEY}, format="json"),  # 400
        manager.patch(f"{URL}billing/", {"auth_type": "API_KEY", "api_key_name": "k", "api_key_value": API_KEY},
                      format="json"),
        manager.get(URL), manager.get(f"{URL}billing/"),
    ]
    assert [r.status_code for r in responses] == [201, 200, 400, 200, 200, 200]
    client.force_login(admin_user)
    stored = Connection.objects.get()
    pages = [client.get("/admin/integrations/connection/"),
             client.get(f"/admin/integrations/connection/{stored.pk}/change/")]
    assert [p.status_code for p in pages] == [200, 200]
    assert "billing" in pages[1].content.decode()
    assert manager.delete(f"{URL}billing/").status_code == 204

    shown = "".join(r.content.decode() for r in responses + pages)
    audited = json.dumps(list(AuditEvent.objects.values("action", "target", "detail")))
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert "connection.update" in audited
    for secret in secrets:
        assert secret not in shown
        assert secret not in audited
        assert secret not in logged
    assert stored.encrypted_secrets not in shown


def test_the_stored_row_holds_no_secret_in_plain_text(manager):
    cert, key = certificate_and_key()
    manager.post(URL, billing(client_cert=cert, client_key=key), format="json")
    row = raw_row(Connection.objects.get().pk)
    assert "visible" in row
    for secret in (PASSWORD, HEADER_SECRET, "proxy-pass-6620", key.splitlines()[1]):
        assert secret not in row


def test_the_admin_cannot_change_or_add_connections(client, admin_user, manager):
    manager.post(URL, {"name": "one"}, format="json")
    client.force_login(admin_user)
    pk = Connection.objects.get().pk
    assert client.get("/admin/integrations/connection/add/").status_code == 403
    assert client.post(f"/admin/integrations/connection/{pk}/change/", {"name": "two"}).status_code == 403
    assert client.post(f"/admin/integrations/connection/{pk}/delete/", {"post": "yes"}).status_code == 403
    assert Connection.objects.get().name == "one"
