"""Grants of per-state-machine permissions, API credentials, and the append-only audit log."""
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models

from designer.models import StateMachine

VIEW = "view"
EDIT = "edit"
EXECUTE = "execute"
APPROVE = "approve"
ADMIN = "admin"
PERMISSIONS = [
    (VIEW, "View: the definition, its versions and aliases, its executions and their history"),
    (EDIT, "Edit: save definitions, publish versions, manage aliases and tags"),
    (EXECUTE, "Execute: start, stop and redrive executions"),
    (APPROVE, "Approve: answer the tasks that wait for a person or a callback"),
    (ADMIN, "Admin: everything above, grant permissions to others, delete the state machine"),
]


class Grant(models.Model):
    """One permission on one state machine, to a user or to a group (exactly one of the two)."""

    state_machine = models.ForeignKey(StateMachine, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="machine_grants")
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE, related_name="machine_grants")
    permission = models.CharField(max_length=8, choices=PERMISSIONS)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        permissions = [
            # Account-wide abilities, grantable to users and groups in the user admin pages.
            ("create_statemachine", "Can create state machines (and becomes their admin)"),
            ("manage_activities", "Can create and delete activities"),
            ("work_activities", "Can poll activities for tasks and report their outcome (activity workers)"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(user__isnull=True) ^ models.Q(group__isnull=True),
                                   name="grant_to_user_or_group"),
            models.UniqueConstraint(fields=["state_machine", "user", "permission"], condition=models.Q(user__isnull=False),
                                    name="unique_user_grant"),
            models.UniqueConstraint(fields=["state_machine", "group", "permission"],
                                    condition=models.Q(group__isnull=False), name="unique_group_grant"),
        ]

    @property
    def subject(self) -> str:
        return f"user:{self.user.get_username()}" if self.user_id else f"group:{self.group.name}"


class Credential(models.Model):
    """What access keys and API tokens share: when made, last used and revoked (revoked ones stay listed)."""

    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class AccessKey(Credential):
    """An AWS-style access key pair for the AWS-compatible endpoint (SigV4). SigV4 is an HMAC keyed with the
    secret, so the server needs the secret itself: it is kept encrypted (accounts/secrets.py), shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_keys")
    access_key_id = models.CharField(max_length=32, unique=True)
    encrypted_secret = models.TextField()
    description = models.CharField(max_length=200, blank=True)


class ApiToken(Credential):
    """A bearer token for the REST API (`Authorization: Bearer fdt_...`), stored as its SHA-256 only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)  # the token's first characters, to tell tokens apart in lists
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(null=True, blank=True)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only")

    def delete(self):
        raise PermissionError("The audit log is append-only")


class AuditEvent(models.Model):
    """Who did what, when, from where. Rows are only ever added: updates and deletes are refused here and
    (updates) by a database trigger. The actor is kept by id and by name, so deleting a user changes nothing."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    target = models.CharField(max_length=300, blank=True, db_index=True)
    address = models.CharField(max_length=64, blank=True)
    via = models.CharField(max_length=8, blank=True)  # web, api, aws, cli, system
    detail = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only")
