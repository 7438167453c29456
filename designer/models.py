"""State machines as Step Functions keeps them: a current definition, immutable revisions of it, published
versions (numbered, each pinned to a revision), aliases routing between versions, and tags.

ARNs are derived, never stored twice: `arn:aws:states:<region>:<account>:stateMachine:<name>[:<version>|:<alias>]`
with the install's region and account id from settings.
"""
import uuid

from django.conf import settings
from django.db import models


def arn_prefix(kind: str) -> str:
    return f"arn:aws:states:{settings.FLOWDECK_REGION}:{settings.FLOWDECK_ACCOUNT_ID}:{kind}:"


class LiveStateMachines(models.Manager):
    """State machines that exist for the API: not the records of deleted ones (see StateMachine.DELETED)."""

    def get_queryset(self):
        return super().get_queryset().exclude(status=StateMachine.DELETED)


class StateMachine(models.Model):
    """A state machine. DeleteStateMachine makes it DELETING while Standard executions of it run, then DELETED:
    a record no API finds any more, kept only for the executions AWS keeps describing after the machine is gone
    (until the retention period removes them, and then the record). `objects` sees the others only."""

    STANDARD = "STANDARD"
    EXPRESS = "EXPRESS"
    TYPES = [(STANDARD, "Standard"), (EXPRESS, "Express")]
    ACTIVE = "ACTIVE"
    DELETING = "DELETING"
    DELETED = "DELETED"  # not an AWS status: never shown

    name = models.CharField(max_length=80)
    type = models.CharField(max_length=8, choices=TYPES, default=STANDARD)
    status = models.CharField(max_length=8, default=ACTIVE)
    role_arn = models.CharField(max_length=256)
    revision = models.ForeignKey("StateMachineRevision", on_delete=models.PROTECT, related_name="+", null=True)
    description = models.CharField(max_length=256, blank=True)
    logging_configuration = models.JSONField(default=dict)
    tracing_configuration = models.JSONField(default=dict)
    encryption_configuration = models.JSONField(default=dict)
    # The number the last published version took: AWS never numbers a version the same as one deleted before.
    last_version_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LiveStateMachines()
    records = models.Manager()  # deleted ones too

    class Meta:
        ordering = ["name"]
        base_manager_name = "records"  # an execution reaches its machine even once the machine is deleted
        constraints = [models.UniqueConstraint(fields=["name"], condition=~models.Q(status="DELETED"),
                                               name="unique_state_machine_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def arn(self) -> str:
        return arn_prefix("stateMachine") + self.name

    @property
    def definition(self) -> str:
        return self.revision.definition


class StateMachineRevision(models.Model):
    """One definition as it was saved: executions keep running the revision they started with."""

    state_machine = models.ForeignKey(StateMachine, on_delete=models.CASCADE, related_name="revisions")
    revision_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    definition = models.TextField()
    role_arn = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class StateMachineVersion(models.Model):
    """A published, immutable version: `<machine arn>:<number>`."""

    state_machine = models.ForeignKey(StateMachine, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    revision = models.ForeignKey(StateMachineRevision, on_delete=models.PROTECT, related_name="versions")
    description = models.CharField(max_length=256, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["state_machine", "number"], name="unique_version_number")]

    @property
    def arn(self) -> str:
        return f"{self.state_machine.arn}:{self.number}"


class StateMachineAlias(models.Model):
    """`<machine arn>:<alias name>`, routing executions to one or two versions by weight."""

    state_machine = models.ForeignKey(StateMachine, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=256, blank=True)
    routing = models.JSONField(default=list)  # [{"version": <number>, "weight": 0..100}, ...]
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["state_machine", "name"], name="unique_alias_name")]

    @property
    def arn(self) -> str:
        return f"{self.state_machine.arn}:{self.name}"


class Tag(models.Model):
    """A tag on any resource, by its ARN (state machines, activities)."""

    resource_arn = models.CharField(max_length=256, db_index=True)
    key = models.CharField(max_length=128)
    value = models.CharField(max_length=256, blank=True)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["resource_arn", "key"], name="unique_tag_key")]


class StateMachineLayout(models.Model):
    """Where the designer draws each state, beside the definition and never inside it: `positions` is
    {state path: {"x": number, "y": number}}. Kept per machine, not per revision: state names outlive
    revisions, so a layout keeps fitting as the definition changes; positions of states that are gone are
    ignored by the designer, and new states without one are placed by the automatic layout."""

    state_machine = models.OneToOneField(StateMachine, on_delete=models.CASCADE, related_name="layout")
    positions = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)


class StateMachineDraft(models.Model):
    """A definition someone is working on and has not saved as a revision: any text, valid or not (even not
    JSON). One per machine and user; `base_revision` is the revision the draft started from, so the designer
    can tell when the machine moved on meanwhile. Drafts never run and are never published."""

    state_machine = models.ForeignKey(StateMachine, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    definition = models.TextField(blank=True)
    base_revision = models.ForeignKey(StateMachineRevision, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["state_machine", "user"], name="unique_draft_per_user")]
