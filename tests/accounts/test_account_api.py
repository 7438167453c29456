"""The account and site-admin REST API: signing in with tokens and sessions, keys and tokens shown once and stored
hashed or encrypted, rate limits, users and groups, machine grants, and the audit log with its export."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from designer.accounts import audit, credentials, permissions, secrets
from designer.accounts.models import AccessKey, ApiToken, AuditEvent
from designer.models import StateMachine
from designer.services import create_state_machine
from tests.executions.runtime import make_machine

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase"
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bob():
    """bob: an ordinary user, no grants, no account-wide abilities."""
    return get_user_model().objects.create_user("bob", "bob@example.com", PASSWORD)


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def signed_in(user) -> APIClient:
    return bearer(credentials.issue_api_token(user, "tests")[1])


# --- Signing in ------------------------------------------------------------------------------------------


def test_who_am_i_with_a_bearer_token(bob):
    builders = Group.objects.create(name="builders")
    builders.permissions.add(Permission.objects.get(content_type__app_label="accounts",
                                                    codename="create_statemachine"))
    bob.groups.add(builders)
    me = signed_in(bob).get("/api/account/")
    assert me.status_code == 200
    assert me.json() == {"id": bob.pk, "username": "bob", "is_superuser": False,
                         "account_permissions": ["create_statemachine"]}


@pytest.mark.parametrize("case", ["unknown", "revoked", "expired", "inactive user", "malformed"])
def test_a_bad_token_is_refused_with_401(bob, case):
    row, token = credentials.issue_api_token(bob, "ci")
    if case == "unknown":
        token = "fdt_" + "x" * 43
    elif case == "revoked":
        credentials.revoke(row)
    elif case == "expired":
        ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "inactive user":
        get_user_model().objects.filter(pk=bob.pk).update(is_active=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer a b" if case == "malformed" else f"Bearer {token}")
    response = client.get("/api/account/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_session_needs_a_csrf_token_for_unsafe_calls(bob, settings):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="bob", password=PASSWORD)
    assert client.get("/api/account/").status_code == 200  # reading is fine
    refused = client.post("/api/account/tokens/", {"name": "ci"}, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert not ApiToken.objects.exists()
    client.get("/validator/")  # a page with a form sets the CSRF cookie, as the browser's would be
    accepted = client.post("/api/account/tokens/", {"name": "ci"}, format="json",
                           HTTP_X_CSRFTOKEN=client.cookies[settings.CSRF_COOKIE_NAME].value)
    assert accepted.status_code == 201


def test_a_bearer_token_needs_no_csrf_token(bob):
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {credentials.issue_api_token(bob, 'ci')[1]}")
    assert client.post("/api/account/tokens/", {"name": "second"}, format="json").status_code == 201


# --- Keys and tokens -------------------------------------------------------------------------------------


def test_an_access_key_secret_is_shown_once_and_stored_encrypted(bob):
    client = signed_in(bob)
    issued = client.post("/api/account/access-keys/", {"description": "laptop"}, format="json")
    assert issued.status_code == 201
    body = issued.json()
    secret = body["secret_access_key"]
    assert body["access_key_id"].startswith("FDAK") and len(secret) == 40
    row = AccessKey.objects.get(access_key_id=body["access_key_id"])
    assert secret not in row.encrypted_secret and secrets.decrypt(row.encrypted_secret) == secret
    listed = client.get("/api/account/access-keys/")
    assert secret not in listed.content.decode()
    assert [(k["access_key_id"], k["description"], k["revoked"]) for k in listed.json()] == [
        (body["access_key_id"], "laptop", None)]
    assert set(listed.json()[0]) == {"id", "access_key_id", "description", "created", "last_used", "revoked"}
    event = AuditEvent.objects.get(action="access_key.create")
    assert secret not in json.dumps(event.detail) and event.target == body["access_key_id"]

    assert client.delete(f"/api/account/access-keys/{body['access_key_id']}/").status_code == 204
    assert credentials.access_key_secret(body["access_key_id"]) is None
    assert client.get("/api/account/access-keys/").json()[0]["revoked"] is not None
    assert AuditEvent.objects.filter(action="access_key.revoke", actor_name="bob").count() == 1


def test_you_cannot_revoke_someone_elses_key(bob, admin_user):
    key, _ = credentials.issue_access_key(admin_user)
    response = signed_in(bob).delete(f"/api/account/access-keys/{key.access_key_id}/")
    assert response.status_code == 404
    assert AccessKey.objects.get(pk=key.pk).revoked_at is None


def test_an_api_token_is_shown_once_stored_hashed_and_works_until_revoked(bob):
    client = signed_in(bob)
    issued = client.post("/api/account/tokens/", {"name": "deploy", "expires_in_days": 7}, format="json").json()
    token = issued["token"]
    row = ApiToken.objects.get(pk=issued["id"])
    assert row.token_hash == secrets.digest(token) and token not in row.token_hash
    assert timedelta(days=6, hours=23) < row.expires_at - timezone.now() <= timedelta(days=7)
    listed = client.get("/api/account/tokens/")
    assert token not in listed.content.decode()
    assert {t["name"] for t in listed.json()} == {"tests", "deploy"}
    assert "token" not in listed.json()[0]

    deploy = bearer(token)
    assert deploy.get("/api/account/").json()["username"] == "bob"
    assert client.delete(f"/api/account/tokens/{issued['id']}/").status_code == 204
    assert deploy.get("/api/account/").status_code == 401
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="api_token.")] == [
        "api_token.revoke", "api_token.create"]
    assert all(token not in json.dumps(e.detail) for e in AuditEvent.objects.all())


def test_issuing_keys_and_tokens_is_rate_limited(bob, settings):
    settings.FLOWDECK_RATE_LIMITS = {**settings.FLOWDECK_RATE_LIMITS, "credentials": (3, 60)}
    client = signed_in(bob)
    codes = [client.post("/api/account/access-keys/", {}, format="json").status_code for _ in range(2)]
    codes.append(client.post("/api/account/tokens/", {"name": "x"}, format="json").status_code)
    limited = client.post("/api/account/tokens/", {"name": "y"}, format="json")
    assert codes == [201, 201, 201]
    assert limited.status_code == 429 and 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["code"] == "TooManyRequestsException"
    assert ApiToken.objects.filter(user=bob, name="y").count() == 0


# --- A machine's grants ----------------------------------------------------------------------------------


def test_a_machine_admin_grants_and_revokes(bob, admin_user):
    machine = make_machine(PASS)
    permissions.grant(machine, permissions.ADMIN, user=bob)
    Group.objects.create(name="ops")
    client = signed_in(bob)
    carol = get_user_model().objects.create_user("carol", password=PASSWORD)
    to_carol = client.post("/api/state-machines/Orders/permissions/", {"user": "carol", "permission": "execute"},
                           format="json")
    assert to_carol.status_code == 201
    again = client.post("/api/state-machines/Orders/permissions/", {"user": "carol", "permission": "execute"},
                        format="json")
    assert (again.status_code, again.json()["id"]) == (200, to_carol.json()["id"])
    to_ops = client.post("/api/state-machines/Orders/permissions/", {"group": "ops", "permission": "view"},
                         format="json")
    assert to_ops.status_code == 201
    assert [(g["subject"], g["name"], g["permission"]) for g in
            client.get("/api/state-machines/Orders/permissions/").json()] == [
        ("user", "bob", "admin"), ("user", "carol", "execute"), ("group", "ops", "view")]
    assert permissions.has_permission(carol, permissions.EXECUTE, machine)

    for bad in ({"permission": "view"}, {"user": "carol", "group": "ops", "permission": "view"},
                {"user": "nobody", "permission": "view"}, {"user": "carol", "permission": "own"}):
        assert client.post("/api/state-machines/Orders/permissions/", bad, format="json").status_code == 400

    assert client.delete(f"/api/state-machines/Orders/permissions/{to_carol.json()['id']}/").status_code == 204
    assert not permissions.has_permission(carol, permissions.EXECUTE, machine)
    assert client.delete(f"/api/state-machines/Orders/permissions/{to_carol.json()['id']}/").status_code == 404
    logged = [(e.action, e.detail["subject"], e.detail["permission"]) for e in
              AuditEvent.objects.filter(action__startswith="permission.").order_by("id")]
    assert logged == [("permission.grant", "user:carol", "execute"), ("permission.grant", "group:ops", "view"),
                      ("permission.revoke", "user:carol", "execute")]


# --- Users and groups ------------------------------------------------------------------------------------


def test_the_site_admin_manages_users(api_client, admin_user):
    Group.objects.create(name="ops")
    weak = api_client.post("/api/users/", {"username": "dora", "password": "123"}, format="json")
    assert weak.status_code == 400 and "password" in weak.json()
    created = api_client.post("/api/users/", {
        "username": "dora", "password": PASSWORD, "email": "dora@example.com", "groups": ["ops"],
        "account_permissions": ["create_statemachine", "work_activities"]}, format="json")
    assert created.status_code == 201, created.content
    dora = created.json()
    assert "password" not in dora and PASSWORD not in created.content.decode()
    assert (dora["groups"], sorted(dora["account_permissions"])) == (["ops"],
                                                                     ["create_statemachine", "work_activities"])
    user = get_user_model().objects.get(username="dora")
    assert user.check_password(PASSWORD) and user.password != PASSWORD

    changed = api_client.patch(f"/api/users/{user.pk}/", {"account_permissions": ["manage_activities"],
                                                            "is_active": False, "password": "another-good-phrase"},
                               format="json")
    assert changed.status_code == 200
    assert (changed.json()["account_permissions"], changed.json()["is_active"]) == (["manage_activities"], False)
    assert get_user_model().objects.get(pk=user.pk).check_password("another-good-phrase")
    assert [u["username"] for u in api_client.get("/api/users/").json()] == ["admin", "dora"]

    refuse_self = api_client.patch(f"/api/users/{admin_user.pk}/", {"is_superuser": False}, format="json")
    assert refuse_self.status_code == 400
    assert api_client.delete(f"/api/users/{admin_user.pk}/").status_code == 400
    assert api_client.delete(f"/api/users/{user.pk}/").status_code == 204
    assert api_client.get(f"/api/users/{user.pk}/").status_code == 404

    events = list(AuditEvent.objects.filter(action__startswith="user.").order_by("id"))
    assert [(e.action, e.target) for e in events] == [("user.create", "dora"), ("user.update", "dora"),
                                                      ("user.delete", "dora")]
    assert events[1].detail == {"fields": ["account_permissions", "is_active", "password"]}
    assert all(PASSWORD not in json.dumps(e.detail) for e in events)


def test_the_site_admin_manages_groups(api_client, bob):
    created = api_client.post("/api/groups/", {"name": "builders", "members": ["bob"],
                                               "account_permissions": ["create_statemachine"]}, format="json")
    assert created.status_code == 201
    assert created.json() == {"id": created.json()["id"], "name": "builders", "members": ["bob"],
                              "account_permissions": ["create_statemachine"]}
    bob = get_user_model().objects.get(pk=bob.pk)
    assert permissions.can_create_state_machines(bob)
    pk = created.json()["id"]
    assert api_client.patch(f"/api/groups/{pk}/", {"members": []}, format="json").json()["members"] == []
    assert not permissions.can_create_state_machines(get_user_model().objects.get(pk=bob.pk))
    assert api_client.post("/api/groups/", {"name": "builders"}, format="json").status_code == 400
    assert api_client.delete(f"/api/groups/{pk}/").status_code == 204
    assert [e.action for e in AuditEvent.objects.order_by("id")] == ["group.create", "group.update", "group.delete"]


# --- The audit log ---------------------------------------------------------------------------------------


def test_rest_changes_are_audited_with_actor_and_address(bob):
    permissions.grant(make_machine(PASS), permissions.EXECUTE, user=bob)
    client = signed_in(bob)
    started = client.post("/api/state-machines/Orders/executions/", {"input": {}}, format="json",
                          REMOTE_ADDR="203.0.113.9")
    assert started.status_code == 201
    event = AuditEvent.objects.get(action="execution.start")
    assert (event.actor, event.actor_name, event.address, event.via, event.target) == (
        bob, "bob", "203.0.113.9", audit.API, started.json()["arn"])


@pytest.fixture
def log(admin_user, bob, monkeypatch):
    """Three audit events from two people and two addresses; the first two days before the others."""
    rows = [(bob, "execution.start", "arn:run-1", "10.0.0.1"), (admin_user, "execution.stop", "arn:run-1", "10.0.0.2"),
            (bob, "permission.grant", "arn:Orders", "10.0.0.1")]
    now = timezone.now()
    for moment, (user, action, target, address) in zip([now - timedelta(days=2), now, now], rows):
        with monkeypatch.context() as clock:  # the log is append-only: its rows are dated as they are written
            clock.setattr(timezone, "now", lambda moment=moment: moment)
            audit.record(audit.Actor(user, address, audit.API), action, target=target, note="ok")


def test_the_audit_log_filters_and_pages(api_client, log):
    def names(**query):
        response = api_client.get("/api/audit/", query)
        assert response.status_code == 200, response.content
        return [e["action"] for e in response.json()["events"]]

    assert names() == ["permission.grant", "execution.stop", "execution.start"]
    assert names(actor="bob") == ["permission.grant", "execution.start"]
    assert names(action="execution.") == ["execution.stop", "execution.start"]
    assert names(target="run-1", address="10.0.0.1") == ["execution.start"]
    yesterday = timezone.now() - timedelta(days=1)
    assert names(since=yesterday.isoformat()) == ["permission.grant", "execution.stop"]
    assert names(until=(yesterday - timedelta(days=1)).date().isoformat()) == ["execution.start"]  # a whole day
    assert names(until=(timezone.now() - timedelta(days=1)).isoformat()) == ["execution.start"]
    first = api_client.get("/api/audit/", {"limit": 2}).json()
    assert first["next_offset"] == 2
    rest = api_client.get("/api/audit/", {"limit": 2, "offset": 2}).json()
    assert ([e["action"] for e in rest["events"]], rest["next_offset"]) == (["execution.start"], None)
    bad = api_client.get("/api/audit/", {"since": "yesterday"})
    assert (bad.status_code, bad.json()["code"]) == (400, "ValidationException")
    assert api_client.get("/api/audit/", {"limit": "0"}).status_code == 400


def test_the_audit_log_exports_the_filtered_log(api_client, log):
    as_csv = api_client.get("/api/audit/", {"format": "csv", "actor": "bob"})
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    assert as_csv["Content-Disposition"].startswith("attachment; filename=")
    rows = list(csv.DictReader(io.StringIO(b"".join(as_csv.streaming_content).decode())))
    assert [(r["actor_name"], r["action"], r["address"]) for r in rows] == [
        ("bob", "permission.grant", "10.0.0.1"), ("bob", "execution.start", "10.0.0.1")]
    assert json.loads(rows[0]["detail"]) == {"note": "ok"}

    as_jsonl = api_client.get("/api/audit/", {"format": "jsonl", "action": "execution.stop"})
    lines = b"".join(as_jsonl.streaming_content).decode().splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["execution.stop"]
    assert api_client.get("/api/audit/", {"format": "xml"}).status_code == 400


def test_the_export_of_a_machine_definition(api_client):
    text = json.dumps(PASS, indent=3)  # exported exactly as saved, spacing and all
    create_state_machine(name="Orders", definition=text, role_arn="arn:aws:iam::123456789012:role/flowdeck")
    as_json = api_client.get("/api/state-machines/Orders/export/")
    assert as_json.status_code == 200 and as_json.content.decode() == text
    assert as_json["Content-Disposition"] == 'attachment; filename="Orders.asl.json"'
    as_yaml = api_client.get("/api/state-machines/Orders/export/?format=yaml")
    assert as_yaml["Content-Type"].startswith("application/yaml")
    assert as_yaml.content.decode().startswith("StartAt: P\nStates:\n  P:\n    Type: Pass\n    End: true\n")
    assert api_client.get("/api/state-machines/Orders/export/?format=xml").status_code == 400
    assert not AuditEvent.objects.exists()  # reading is not audited


def test_the_export_of_a_definition_being_edited(api_client):
    """The designer exports what it holds, saved or not: the text posted, as is or as YAML; nothing is stored."""
    create_state_machine(name="Orders", definition=json.dumps(PASS), role_arn="arn:aws:iam::123456789012:role/flowdeck")
    edited = '{"Comment": "unsaved", "StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1.50, "End": true}}}'
    url = "/api/state-machines/Orders/export/"
    as_json = api_client.post(url, {"definition": edited}, format="json")
    assert as_json.status_code == 200 and as_json.content.decode() == edited
    assert as_json["Content-Disposition"] == 'attachment; filename="Orders.asl.json"'
    as_yaml = api_client.post(f"{url}?format=yaml", {"definition": edited}, format="json")
    assert as_yaml["Content-Type"].startswith("application/yaml")
    assert as_yaml.content.decode().startswith("Comment: unsaved\nStartAt: P\nStates:\n  P:\n    Type: Pass\n")
    assert json.loads(StateMachine.objects.get(name="Orders").definition) == PASS  # nothing saved
    for bad, message in [("{", "not JSON"), ("[1]", "JSON object"), ("[" * 100_000 + "]" * 100_000, "nested too deeply")]:
        refused = api_client.post(url, {"definition": bad}, format="json")
        assert (refused.status_code, refused.json()["code"]) == (400, "ValidationException")
        assert message in refused.json()["message"]
    assert api_client.post(f"{url}?format=xml", {"definition": edited}, format="json").status_code == 400
    assert api_client.post("/api/state-machines/Nope/export/", {"definition": edited}, format="json").status_code == 404
