"""Account pages and the site admin's pages: who gets in, what the forms do, what the audit log says, that
secrets are shown once and that user data is rendered inert.

Personas: admin (a site admin), bob (a signed-in user, not a site admin), carol (another user).
"""
import csv
import io
import json
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from designer.accounts import audit, credentials, permissions, secrets
from designer.accounts.models import AccessKey, ApiToken, AuditEvent
from designer.services import create_state_machine

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"
PASS_MACHINE = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
XSS = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # rate-limit windows live in the cache; each test starts with none used


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.com", PASSWORD)


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user("carol", "carol@example.com", PASSWORD)


def client_for(user, address="10.0.0.7", **kwargs) -> Client:
    client = Client(REMOTE_ADDR=address, **kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin_user):
    return client_for(admin_user, "10.0.0.1")


@pytest.fixture
def bob_client(bob):
    return client_for(bob)


def last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


def html_of(response) -> str:
    return response.content.decode()


# Who gets in ------------------------------------------------------------------------------------------------

ACCOUNT_POSTS = ["/account/password/", "/account/access-keys/", "/account/access-keys/1/revoke/",
                 "/account/api-tokens/", "/account/api-tokens/1/revoke/"]
MANAGE_GETS = ["/manage/users/", "/manage/users/{user}/", "/manage/groups/", "/manage/groups/{group}/",
               "/manage/audit/", "/manage/audit/export.csv", "/manage/audit/export.jsonl"]
MANAGE_POSTS = ["/manage/users/", "/manage/users/{user}/", "/manage/users/{user}/delete/", "/manage/groups/",
                "/manage/groups/{group}/", "/manage/groups/{group}/delete/"]


@pytest.fixture
def urls(carol):
    group = Group.objects.create(name="ops")
    return lambda path: path.format(user=carol.pk, group=group.pk)


def test_anonymous_callers_are_sent_to_the_login_page(client, urls):
    for method, path in ([("get", "/account/")] + [("post", p) for p in ACCOUNT_POSTS]
                         + [("get", p) for p in MANAGE_GETS] + [("post", p) for p in MANAGE_POSTS]):
        response = getattr(client, method)(urls(path))
        assert response.status_code == 302, (method, path)
        assert response["Location"].startswith("/login/?next="), (method, path)
    assert Group.objects.filter(name="ops").exists()


def test_users_who_are_not_site_admins_get_403_on_every_manage_page(bob_client, carol, urls):
    for path in MANAGE_GETS:
        assert bob_client.get(urls(path)).status_code == 403, path
    for path in MANAGE_POSTS:
        assert bob_client.post(urls(path), {"name": "x", "username": "x", "is_active": "on"}).status_code == 403, path
    carol.refresh_from_db()
    assert carol.is_active and Group.objects.get().name == "ops"
    assert not AuditEvent.objects.filter(action__startswith="user.").exists()


def test_forms_refuse_posts_without_the_csrf_token(bob, admin_user):
    for user, path in ((bob, "/account/access-keys/"), (bob, "/account/password/"), (admin_user, "/manage/users/"),
                       (admin_user, "/manage/groups/")):
        client = client_for(user, enforce_csrf_checks=True)
        assert client.post(path, {"description": "k", "name": "g"}).status_code == 403, path
    assert Client(enforce_csrf_checks=True).post("/login/", {"username": "bob", "password": PASSWORD}).status_code == 403
    assert not AccessKey.objects.exists() and not Group.objects.exists()


def test_the_site_nav_shows_the_manage_pages_to_site_admins_only(bob_client, admin_client):
    assert "/manage/users/" not in html_of(bob_client.get("/account/"))
    assert "/manage/users/" in html_of(admin_client.get("/account/"))


# Logging in and out -----------------------------------------------------------------------------------------

def test_login_goes_to_next_and_is_audited_with_the_address(bob):
    client = Client(REMOTE_ADDR="192.0.2.10")
    page = client.get("/login/?next=/account/")
    assert page.status_code == 200 and 'name="next" value="/account/"' in html_of(page)
    response = client.post("/login/", {"username": "bob", "password": PASSWORD, "next": "/account/"})
    assert (response.status_code, response["Location"]) == (302, "/account/")
    event = last("login")
    assert (event.actor, event.actor_name, event.address, event.via, event.target) == (
        bob, "bob", "192.0.2.10", "web", "bob")


def test_login_refuses_to_redirect_to_another_site(bob):
    response = Client().post("/login/", {"username": "bob", "password": PASSWORD, "next": "https://evil.example/"})
    assert (response.status_code, response["Location"]) == (302, "/machines/")


def test_a_failed_login_is_audited_with_the_user_name_and_never_the_password(bob):
    client = Client(REMOTE_ADDR="192.0.2.11")
    response = client.post("/login/", {"username": "bob", "password": "guess-Not-It-42"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    event = last("login.failed")
    assert (event.actor, event.actor_name, event.target, event.address) == (None, "anonymous", "bob", "192.0.2.11")
    assert "guess-Not-It-42" not in json.dumps(list(audit.export_rows(AuditEvent.objects.all())))


@override_settings(FLOWDECK_RATE_LIMITS={"login": (2, 60), "credentials": (20, 60)})
def test_logins_past_the_rate_limit_get_429_without_a_password_check(bob):
    client = Client(REMOTE_ADDR="192.0.2.12")
    for _ in range(2):
        assert client.post("/login/", {"username": "bob", "password": "wrong-Pass-123"}).status_code == 200
    response = client.post("/login/", {"username": "bob", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts, try again in" in html_of(response)
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login.failed").count() == 2  # the third was never checked
    # Another address is counted on its own.
    other = Client(REMOTE_ADDR="192.0.2.13")
    assert other.post("/login/", {"username": "bob", "password": PASSWORD, "next": "/account/"}).status_code == 302


def test_logout_is_post_only_and_audited(bob_client, bob):
    assert bob_client.get("/logout/").status_code == 405
    response = bob_client.post("/logout/")
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert (last("logout").actor, last("logout").address) == (bob, "10.0.0.7")
    assert bob_client.get("/account/").status_code == 302


# Your account -----------------------------------------------------------------------------------------------

def test_the_account_page_lists_abilities_and_grants_direct_and_through_groups(bob_client, bob):
    orders = create_state_machine(name="Orders", definition=PASS_MACHINE, role_arn="arn:aws:iam::1:role/r")
    refunds = create_state_machine(name="Refunds", definition=PASS_MACHINE, role_arn="arn:aws:iam::1:role/r")
    create_state_machine(name="Hidden", definition=PASS_MACHINE, role_arn="arn:aws:iam::1:role/r")
    team = Group.objects.create(name="support")
    team.user_set.add(bob)
    permissions.grant(orders, permissions.EXECUTE, user=bob)
    permissions.grant(refunds, permissions.APPROVE, group=team)
    bob.user_permissions.add(Permission.objects.get(codename="work_activities"))
    html = html_of(bob_client.get("/account/"))
    assert "Orders" in html and "Refunds" in html and "through the group support" in html
    assert "Hidden" not in html
    assert '<li class="held">&#10003; Can poll activities' in html
    assert html.count('class="held"') == 1 and html.count('class="not-held"') == 2


def test_an_access_key_secret_is_shown_once_and_stored_encrypted(bob_client, bob):
    response = bob_client.post("/account/access-keys/", {"description": "laptop"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    key = AccessKey.objects.get(user=bob)
    secret = credentials.access_key_secret(key.access_key_id)[1]
    html = html_of(response)
    assert secret in html and key.access_key_id in html and "Copy the secret now" in html
    assert secret not in key.encrypted_secret and secrets.decrypt(key.encrypted_secret) == secret
    again = html_of(bob_client.get("/account/"))
    assert key.access_key_id in again and "laptop" in again and secret not in again
    event = last("access_key.create")
    assert (event.actor, event.target, event.address, event.detail) == (bob, key.access_key_id, "10.0.0.7",
                                                                        {"description": "laptop"})
    assert secret not in json.dumps(list(AuditEvent.objects.values("target", "detail")))


def test_an_api_token_is_shown_once_stored_hashed_and_expires_as_asked(bob_client, bob):
    response = bob_client.post("/account/api-tokens/", {"name": "ci", "expires_in_days": "30"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    row = ApiToken.objects.get(user=bob)
    token = re.search(r'<code id="secret-value">([^<]+)</code>', html_of(response))[1]
    assert row.token_hash == secrets.digest(token) and token not in (row.token_hash, row.prefix)
    assert credentials.token_user(token) == bob
    assert 29 <= (row.expires_at - row.created_at).days <= 30
    assert token not in html_of(bob_client.get("/account/"))
    assert (last("api_token.create").actor, last("api_token.create").detail["name"]) == (bob, "ci")
    assert bob_client.post("/account/api-tokens/", {"name": "", "expires_in_days": "0"}).status_code == 400


def test_revoking_your_own_key_and_token_works_and_a_foreign_one_is_404(bob_client, bob, carol):
    mine, _ = credentials.issue_access_key(bob)
    theirs, _ = credentials.issue_access_key(carol)
    my_token, _ = credentials.issue_api_token(bob, "t")
    their_token, _ = credentials.issue_api_token(carol, "t")
    assert bob_client.post(f"/account/access-keys/{theirs.pk}/revoke/").status_code == 404
    assert bob_client.post(f"/account/api-tokens/{their_token.pk}/revoke/").status_code == 404
    assert bob_client.post(f"/account/access-keys/{mine.pk}/revoke/").status_code == 302
    assert bob_client.post(f"/account/api-tokens/{my_token.pk}/revoke/").status_code == 302
    for row in (mine, theirs, my_token, their_token):
        row.refresh_from_db()
    assert (mine.active, my_token.active, theirs.active, their_token.active) == (False, False, True, True)
    assert last("access_key.revoke").target == mine.access_key_id
    assert last("api_token.revoke").target == my_token.prefix
    html = html_of(bob_client.get("/account/"))
    assert theirs.access_key_id not in html and "revoked" in html


@override_settings(FLOWDECK_RATE_LIMITS={"login": (10, 60), "credentials": (2, 60)})
def test_issuing_keys_and_tokens_is_rate_limited_per_user(bob_client, carol):
    assert bob_client.post("/account/access-keys/", {"description": "1"}).status_code == 200
    assert bob_client.post("/account/api-tokens/", {"name": "2"}).status_code == 200
    response = bob_client.post("/account/access-keys/", {"description": "3"})
    assert response.status_code == 429 and "Too many keys and tokens created; try again in" in html_of(response)
    assert AccessKey.objects.count() == 1 and ApiToken.objects.count() == 1
    assert client_for(carol).post("/account/api-tokens/", {"name": "c"}).status_code == 200


def test_changing_your_password_keeps_you_in_and_is_audited(bob_client, bob):
    wrong = bob_client.post("/account/password/", {"old_password": "nope", "new_password1": "Fresh-Pass-8841",
                                                   "new_password2": "Fresh-Pass-8841"})
    assert wrong.status_code == 400 and "errorlist" in html_of(wrong)
    response = bob_client.post("/account/password/", {"old_password": PASSWORD, "new_password1": "Fresh-Pass-8841",
                                                      "new_password2": "Fresh-Pass-8841"})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.check_password("Fresh-Pass-8841")
    assert bob_client.get("/account/").status_code == 200
    assert (last("password.change").actor, last("password.change").detail) == (bob, {})


# Site admin: users and groups -------------------------------------------------------------------------------

def test_a_site_admin_creates_a_user_with_groups_and_abilities(admin_client, admin_user, django_user_model):
    ops = Group.objects.create(name="ops")
    create = Permission.objects.get(codename="create_statemachine")
    weak = admin_client.post("/manage/users/", {"username": "dave", "password1": "123", "password2": "123"})
    assert weak.status_code == 400 and not django_user_model.objects.filter(username="dave").exists()
    response = admin_client.post("/manage/users/", {
        "username": "dave", "email": "dave@example.com", "password1": "Strong-Pass-5512",
        "password2": "Strong-Pass-5512", "groups": [ops.pk], "abilities": [create.pk]})
    dave = django_user_model.objects.get(username="dave")
    assert (response.status_code, response["Location"]) == (302, f"/manage/users/{dave.pk}/")
    assert dave.check_password("Strong-Pass-5512") and not dave.is_superuser
    assert list(dave.groups.all()) == [ops] and permissions.can_create_state_machines(dave)
    event = last("user.create")
    assert (event.actor, event.target, event.address) == (admin_user, "dave", "10.0.0.1")
    assert event.detail == {"superuser": False, "active": True, "groups": ["ops"],
                            "permissions": ["create_statemachine"]}
    assert "Strong-Pass-5512" not in json.dumps(event.detail)


def test_a_site_admin_edits_a_user_and_the_audit_names_what_changed(admin_client, carol):
    work = Permission.objects.get(codename="work_activities")
    carol.user_permissions.add(Permission.objects.get(codename="manage_activities"))
    page = admin_client.get(f"/manage/users/{carol.pk}/")
    assert page.status_code == 200 and "carol@example.com" in html_of(page)
    response = admin_client.post(f"/manage/users/{carol.pk}/", {
        "email": "carol@example.com", "abilities": [work.pk], "new_password1": "Another-Pass-7731",
        "new_password2": "Another-Pass-7731"})
    assert response.status_code == 302
    carol.refresh_from_db()
    assert not carol.is_active and carol.check_password("Another-Pass-7731")
    assert set(carol.user_permissions.values_list("codename", flat=True)) == {"work_activities"}
    event = last("user.update")
    assert event.detail["changed"] == ["is_active", "abilities", "password"]
    assert "Another-Pass-7731" not in json.dumps(event.detail)
    mismatch = admin_client.post(f"/manage/users/{carol.pk}/", {"is_active": "on", "new_password1": "Another-Pass-7731",
                                                               "new_password2": "Different-Pass-7731"})
    assert mismatch.status_code == 400 and "The two passwords differ." in html_of(mismatch)


def test_a_site_admin_cannot_lock_themselves_out_or_delete_themselves(admin_client, admin_user):
    response = admin_client.post(f"/manage/users/{admin_user.pk}/", {"is_active": "on"})
    assert response.status_code == 400 and "take away your own site-admin rights" in html_of(response)
    assert admin_client.post(f"/manage/users/{admin_user.pk}/delete/").status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.is_superuser and not AuditEvent.objects.filter(action__in=["user.update", "user.delete"]).exists()


def test_a_site_admin_deletes_another_user(admin_client, carol, django_user_model):
    credentials.issue_access_key(carol)
    assert admin_client.get(f"/manage/users/{carol.pk}/delete/").status_code == 405
    assert admin_client.post(f"/manage/users/{carol.pk}/delete/")["Location"] == "/manage/users/"
    assert not django_user_model.objects.filter(username="carol").exists() and not AccessKey.objects.exists()
    assert last("user.delete").target == "carol"


def test_a_site_admin_manages_groups(admin_client, bob, carol):
    manage = Permission.objects.get(codename="manage_activities")
    response = admin_client.post("/manage/groups/", {"name": "ops", "members": [bob.pk], "abilities": [manage.pk]})
    ops = Group.objects.get(name="ops")
    assert response["Location"] == f"/manage/groups/{ops.pk}/"
    assert permissions.can_manage_activities(bob) and not permissions.can_manage_activities(carol)
    assert last("group.create").detail == {"members": ["bob"], "permissions": ["manage_activities"]}
    assert admin_client.post("/manage/groups/", {"name": "ops"}).status_code == 400  # the name is taken

    admin_client.post(f"/manage/groups/{ops.pk}/", {"name": "operators", "members": [carol.pk]})
    ops.refresh_from_db()
    assert ops.name == "operators" and list(ops.user_set.all()) == [carol] and not ops.permissions.exists()
    event = last("group.update")
    assert (event.target, event.detail["renamed_from"], event.detail["changed"]) == (
        "operators", "ops", ["name", "members", "abilities"])
    assert "operators" in html_of(admin_client.get("/manage/groups/"))

    assert admin_client.post(f"/manage/groups/{ops.pk}/delete/")["Location"] == "/manage/groups/"
    assert not Group.objects.exists() and last("group.delete").target == "operators"


# Site admin: the audit log ----------------------------------------------------------------------------------

@pytest.fixture
def history(bob):
    web = audit.Actor(bob, "198.51.100.1", audit.WEB)
    aws = audit.Actor(None, "198.51.100.2", audit.AWS)
    audit.record(web, "execution.start", target="arn:aws:states:us-east-1:1:execution:Orders:a")
    audit.record(aws, "execution.stop", target="arn:aws:states:us-east-1:1:execution:Refunds:b")
    audit.record(web, "state_machine.create", target="arn:aws:states:us-east-1:1:stateMachine:Orders")
    audit.record(web, "tags.update", target="=HYPERLINK(\"http://evil.example\")", keys=["a"])


def actions(response) -> list[str]:
    return [event.action for event in response.context["page"].object_list]


def test_the_audit_page_filters_newest_first(admin_client, history):
    everything = actions(admin_client.get("/manage/audit/"))
    assert everything[:4] == ["tags.update", "state_machine.create", "execution.stop", "execution.start"]
    assert actions(admin_client.get("/manage/audit/?action=execution.")) == ["execution.stop", "execution.start"]
    assert actions(admin_client.get("/manage/audit/?action=execution")) == []
    assert actions(admin_client.get("/manage/audit/?actor=bob&target=Orders")) == ["state_machine.create",
                                                                                  "execution.start"]
    assert actions(admin_client.get("/manage/audit/?address=198.51.100.2")) == ["execution.stop"]
    assert actions(admin_client.get("/manage/audit/?via=aws")) == ["execution.stop"]
    assert actions(admin_client.get("/manage/audit/?since=2000-01-01&until=2000-12-31")) == []
    assert len(actions(admin_client.get("/manage/audit/?since=2000-01-01&action=execution."))) == 2
    # A date as `until` includes that whole day; a date-time without an offset is UTC.
    today = timezone.now().date().isoformat()
    assert len(actions(admin_client.get(f"/manage/audit/?until={today}&action=execution."))) == 2
    assert actions(admin_client.get(f"/manage/audit/?until={today}T00:00:00&action=execution.")) == []


def test_a_bad_date_is_a_form_error_not_a_500(admin_client, history):
    response = admin_client.get("/manage/audit/?since=yesterday")
    assert response.status_code == 400 and "ISO 8601" in html_of(response)
    assert "export.csv" not in html_of(response)
    export = admin_client.get("/manage/audit/export.csv?until=2026-02-31")
    assert export.status_code == 400 and b"until" in export.content


def test_the_audit_page_is_paginated(admin_client, bob):
    actor = audit.Actor(bob, "", audit.WEB)
    for n in range(55):
        audit.record(actor, "tags.update", target=f"machine-{n:02}")
    first = admin_client.get("/manage/audit/?action=tags.update")
    assert len(actions(first)) == 50 and "Page 1 of 2" in html_of(first)
    assert "?action=tags.update&amp;page=2" in html_of(first)
    second = admin_client.get("/manage/audit/?action=tags.update&page=2")
    assert [e.target for e in second.context["page"].object_list] == [f"machine-{n:02}" for n in range(4, -1, -1)]


def test_audit_exports_carry_the_filters_and_are_attachments(admin_client, history):
    page = html_of(admin_client.get("/manage/audit/?action=execution.&page=1"))
    assert "/manage/audit/export.csv?action=execution." in page and "/manage/audit/export.jsonl?action=execution." in page

    response = admin_client.get("/manage/audit/export.jsonl?action=execution.")
    assert response.streaming and response["Content-Disposition"] == 'attachment; filename="flowdeck-audit.jsonl"'
    rows = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert [(r["action"], r["actor_name"], r["via"]) for r in rows] == [("execution.stop", "anonymous", "aws"),
                                                                        ("execution.start", "bob", "web")]

    response = admin_client.get("/manage/audit/export.csv?via=web&actor=bob")
    assert response.streaming and response["Content-Disposition"] == 'attachment; filename="flowdeck-audit.csv"'
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["action"] for r in table] == ["tags.update", "state_machine.create", "execution.start"]
    # A spreadsheet must not run a target as a formula.
    assert table[0]["target"] == "'=HYPERLINK(\"http://evil.example\")" and json.loads(table[0]["detail"]) == {
        "keys": ["a"]}


# User data is rendered inert --------------------------------------------------------------------------------

def test_injected_html_is_escaped_on_every_page(admin_client, admin_user, django_user_model):
    victim = django_user_model.objects.create_user(XSS, "v@example.com", PASSWORD)  # the ORM skips name validation
    group = Group.objects.create(name=XSS)
    group.user_set.add(admin_user)
    audit.record(audit.Actor(victim, "", audit.API), "tags.update", target=XSS, note=XSS)
    key_page = html_of(admin_client.post("/account/access-keys/", {"description": XSS}))
    token_page = html_of(admin_client.post("/account/api-tokens/", {"name": XSS}))
    pages = [key_page, token_page] + [html_of(admin_client.get(path)) for path in (
        "/account/", "/manage/users/", f"/manage/users/{victim.pk}/", "/manage/groups/", f"/manage/groups/{group.pk}/",
        "/manage/audit/")]
    for html in pages:
        assert XSS not in html and "&lt;script&gt;alert(" in html
