"""How long closed executions are kept: AWS keeps one for 90 days after it closes, and during that time a
Standard execution's name cannot be used again for its state machine (StartExecution: "You can reuse the name
90 days after it closes"). The workers (runexecutions) call `prune_closed_executions` now and then; it deletes
executions closed more than FLOWDECK_EXECUTION_RETENTION_DAYS ago with everything that belongs to them
(history, task tokens, activity tasks), after which their names are free, and the records of deleted state
machines that no kept execution needs any more.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from executions import deletion
from executions.models import Execution

# Executions deleted per transaction: each takes its history with it, and SQLite holds its one write lock for
# the whole transaction, so the steps of running executions wait for at most one batch.
BATCH = 50
_OPEN = (Execution.RUNNING, Execution.PENDING_REDRIVE)


def retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.FLOWDECK_EXECUTION_RETENTION_DAYS)


def prune_closed_executions(now: datetime | None = None) -> int:
    """Delete the executions closed before the retention cutoff; how many were deleted."""
    cutoff = retention_cutoff(now)
    expired = Execution.objects.filter(stop_date__lt=cutoff).exclude(status__in=_OPEN)
    deleted = 0
    while ids := list(expired.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            # Checked again in the deleting statement: an execution redriven meanwhile is open again.
            _, per_model = expired.filter(pk__in=ids).delete()
        deleted += per_model.get(Execution._meta.label, 0)
    deletion.purge_deleted_state_machines()
    return deleted
