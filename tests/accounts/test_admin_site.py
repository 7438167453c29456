"""The Django admin's accounts pages: credentials are revoked, never shown or edited; the audit log is read-only;
grant changes there are audited like anywhere else."""
import pytest
from django.contrib.auth.models import User

from designer import services
from designer.accounts import credentials
from designer.accounts.models import AccessKey, AuditEvent, Grant

DEF = '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}'


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
def test_access_keys_are_listed_without_secrets_and_revoked_with_an_audit_record(admin_client):
    bob = User.objects.create_user("bob")
    key, secret = credentials.issue_access_key(bob)
    page = admin_client.get("/admin/accounts/accesskey/").content.decode()
    assert key.access_key_id in page and secret not in page and key.encrypted_secret not in page
    assert admin_client.get(f"/admin/accounts/accesskey/{key.pk}/change/").status_code in (200, 403)
    assert secret not in admin_client.get(f"/admin/accounts/accesskey/{key.pk}/change/").content.decode()
    admin_client.post("/admin/accounts/accesskey/", {"action": "revoke", "_selected_action": [key.pk]})
    assert AccessKey.objects.get(pk=key.pk).revoked_at is not None
    event = AuditEvent.objects.get(action="access_key.revoke")
    assert (event.actor_name, event.target, event.detail) == ("admin", key.access_key_id, {"owner": "bob"})


@pytest.mark.django_db
def test_the_audit_log_cannot_be_changed_or_deleted_in_the_admin(admin_client):
    event = AuditEvent.objects.create(actor_name="x", action="login")
    assert admin_client.get("/admin/accounts/auditevent/").status_code == 200
    assert admin_client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_grants_made_in_the_admin_are_audited(admin_client):
    machine = services.create_state_machine(name="M", definition=DEF, role_arn="arn:aws:iam::123456789012:role/r")
    bob = User.objects.create_user("bob")
    response = admin_client.post("/admin/accounts/grant/add/", {"state_machine": machine.pk, "user": bob.pk,
                                                                "permission": "execute"})
    assert response.status_code == 302, response.content
    grant = Grant.objects.get()
    admin_client.post(f"/admin/accounts/grant/{grant.pk}/delete/", {"post": "yes"})
    grants = AuditEvent.objects.filter(action__startswith="permission.")  # the admin's login is audited too
    assert list(grants.order_by("id").values_list("action", "target", "detail")) == [
        ("permission.grant", machine.arn, {"subject": "user:bob", "permission": "execute"}),
        ("permission.revoke", machine.arn, {"subject": "user:bob", "permission": "execute"}),
    ]


@pytest.mark.django_db
def test_the_admin_login_is_the_sites_rate_limited_login(client):
    response = client.get("/admin/login/?next=/admin/accounts/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/admin/accounts/"
    assert client.post("/admin/login/", {"username": "admin", "password": "x"})["Location"].startswith("/login/")


@pytest.mark.django_db
def test_credentials_cannot_be_deleted_in_the_admin(admin_client):
    key, _ = credentials.issue_access_key(User.objects.create_user("bob"))
    admin_client.post("/admin/accounts/accesskey/", {"action": "delete_selected", "_selected_action": [key.pk],
                                                     "post": "yes"})
    assert AccessKey.objects.filter(pk=key.pk).exists()
    assert admin_client.post(f"/admin/accounts/accesskey/{key.pk}/delete/", {"post": "yes"}).status_code == 403


@pytest.mark.django_db
def test_user_and_group_changes_in_the_admin_are_audited(admin_client):
    bob = User.objects.create_user("bob")
    response = admin_client.post(f"/admin/auth/user/{bob.pk}/change/", {
        "username": "bob", "is_active": "on", "is_superuser": "on", "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=bob.pk).is_superuser
    response = admin_client.post(f"/admin/auth/user/{bob.pk}/password/", {
        "password1": "a-long-new-password-123", "password2": "a-long-new-password-123", "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    admin_client.post("/admin/auth/group/add/", {"name": "ops"})
    admin_client.post(f"/admin/auth/user/{bob.pk}/delete/", {"post": "yes"})
    rows = list(AuditEvent.objects.exclude(action="login").order_by("id").values_list("action", "target", "detail"))
    assert rows[0][:2] == ("user.update", "bob") and "is_superuser" in rows[0][2]["fields"]
    assert rows[1] == ("user.update", "bob", {"fields": ["password"]})
    assert rows[2] == ("group.create", "ops", {"fields": ["name"]})
    assert rows[3] == ("user.delete", "bob", {})
    assert "a-long-new-password-123" not in str(rows)
