"""Executions and everything that belongs to one while it runs: its history, its run state, the tokens it
handed out and the activity tasks it queued.

The engine's `RunState` is stored as JSON on the execution together with a step counter; each engine step
is one transaction that appends the step's history events and stores the new run state (see services.py).
"""
from django.conf import settings
from django.db import models

from designer.models import StateMachine, StateMachineRevision, arn_prefix


class Execution(models.Model):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ABORTED = "ABORTED"
    PENDING_REDRIVE = "PENDING_REDRIVE"
    STATUSES = [(s, s) for s in (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE)]

    arn = models.CharField(max_length=256, unique=True)
    name = models.CharField(max_length=80)
    state_machine = models.ForeignKey(StateMachine, on_delete=models.PROTECT, related_name="executions")
    revision = models.ForeignKey(StateMachineRevision, on_delete=models.PROTECT, related_name="executions")
    version_arn = models.CharField(max_length=256, blank=True)
    alias_arn = models.CharField(max_length=256, blank=True)
    status = models.CharField(max_length=16, choices=STATUSES, default=RUNNING, db_index=True)
    input = models.TextField(default="{}")
    output = models.TextField(null=True)
    error = models.CharField(max_length=256, null=True)
    cause = models.TextField(null=True)
    start_date = models.DateTimeField()
    stop_date = models.DateTimeField(null=True)
    # The engine's RunState (JSON) and how many steps produced it: a step commits only if nobody else
    # committed one since it read the state.
    run_state = models.JSONField(null=True)
    step = models.PositiveIntegerField(default=0)
    event_count = models.PositiveIntegerField(default=0)
    transitions = models.PositiveIntegerField(default=0)
    redrive_count = models.PositiveIntegerField(default=0)
    # Who started it (None: the system, or an execution started before accounts existed). Executions it starts
    # (nested workflows, Distributed Map children) run with this user's permissions.
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    redrive_date = models.DateTimeField(null=True)
    redrive_tokens = models.JSONField(default=list)  # RedriveExecution's recent client tokens (redrive_tokens.py)
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, related_name="children")
    # A child started by a parent's `states:startExecution` Task: which task attempt of the parent started it,
    # and with which integration pattern (REQUEST_RESPONSE, SYNC, SYNC2, CALLBACK). SYNC and SYNC2 parents
    # wait for the child's end, which is delivered to that task (see executions/nested.py).
    parent_task_id = models.CharField(max_length=64, blank=True)
    parent_pattern = models.CharField(max_length=16, blank=True)
    test_case = models.CharField(max_length=256, blank=True)  # a mock config test case answering its tasks
    # Mocked invocations made so far, per state name: the n-th invocation of a state takes the mocked
    # response numbered n. Stored with each step, so the count survives restarts (executions/mocks_server.py).
    mock_invocations = models.JSONField(default=dict)
    trace_header = models.CharField(max_length=256, blank=True)
    # A Distributed Map child: the Map Run that started it, and how many items it processes (a batch's size).
    # Its run state lives in the parent's (executions/maprun.py records what the parent's steps report).
    map_run = models.ForeignKey("MapRun", on_delete=models.CASCADE, null=True, related_name="executions")
    item_count = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["state_machine", "status"]), models.Index(fields=["stop_date"])]

    def __str__(self) -> str:
        return self.arn

    @staticmethod
    def make_arn(machine_name: str, name: str) -> str:
        return arn_prefix("execution") + f"{machine_name}:{name}"


class MapRun(models.Model):
    """A Distributed Map's run: the child executions one Map state started in an execution, and the limits
    that govern them (UpdateMapRun changes them while it runs). Counts come from the children's rows."""

    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    ABORTED = "ABORTED"
    STATUSES = [(s, s) for s in (RUNNING, SUCCEEDED, FAILED, ABORTED)]

    arn = models.CharField(max_length=2000, unique=True)
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="map_runs")
    state_name = models.CharField(max_length=80)
    label = models.CharField(max_length=80)
    state_machine_arn = models.CharField(max_length=256)  # the children's machine: <machine ARN>/<label>
    status = models.CharField(max_length=16, choices=STATUSES, default=RUNNING)
    start_date = models.DateTimeField()
    stop_date = models.DateTimeField(null=True)
    max_concurrency = models.PositiveIntegerField(default=0)  # 0: no limit but the quota
    tolerated_failure_percentage = models.FloatField(default=0)
    tolerated_failure_count = models.PositiveBigIntegerField(default=0)
    total_executions = models.PositiveIntegerField(default=0)  # the children it starts (items or batches)
    total_items = models.PositiveIntegerField(default=0)
    redrive_count = models.PositiveIntegerField(default=0)
    redrive_date = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.arn


class ExecutionEvent(models.Model):
    """One history event, exactly as the engine wrote it (AWS's GetExecutionHistory shape)."""

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="events")
    event_id = models.PositiveIntegerField()
    type = models.CharField(max_length=64)
    timestamp = models.DateTimeField()
    previous_event_id = models.PositiveIntegerField(default=0)
    details = models.JSONField(default=dict)  # {"<type>EventDetails": {...}} or {} for events without details

    class Meta:
        ordering = ["execution", "event_id"]
        constraints = [models.UniqueConstraint(fields=["execution", "event_id"], name="unique_event_id")]

    def to_aws(self) -> dict:
        """The event as AWS's GetExecutionHistory shows it: Flowdeck's additions (a task's `call` record)
        are left out, as they are no member of AWS's shapes; REST and the pages show them."""
        event = {"timestamp": self.timestamp, "type": self.type, "id": self.event_id,
                 "previousEventId": self.previous_event_id}
        for key, details in self.details.items():
            if isinstance(details, dict) and "call" in details:
                details = {name: value for name, value in details.items() if name != "call"}
            event[key] = details
        return event


class Activity(models.Model):
    name = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "activities"

    @property
    def arn(self) -> str:
        return arn_prefix("activity") + self.name


class TaskToken(models.Model):
    """A task token handed to the outside world (callback pattern, activity workers): unguessable, tied to one
    task attempt, answered at most once."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"

    token = models.CharField(max_length=2048, unique=True)
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="tokens")
    task_id = models.CharField(max_length=64)
    state_name = models.CharField(max_length=80)
    status = models.CharField(max_length=8, default=OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["execution", "task_id"], name="unique_token_per_task")]


class ActivityTask(models.Model):
    """Work queued for an activity's workers (GetActivityTask hands it out once)."""

    QUEUED = "QUEUED"
    STARTED = "STARTED"
    CLOSED = "CLOSED"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="tasks")
    token = models.OneToOneField(TaskToken, on_delete=models.CASCADE, related_name="activity_task")
    input = models.TextField()
    status = models.CharField(max_length=8, default=QUEUED, db_index=True)
    worker_name = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["id"]


class Worker(models.Model):
    """A running `runexecutions` process, seen alive at `last_seen`. When a worker stops heartbeating (killed,
    machine gone), the jobs it had claimed are put back in the queue for the others."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(db_index=True)
