"""Helpers for runtime tests: make machines, run the real job queue in this process, move time forward."""
from __future__ import annotations

import json
from datetime import timedelta

from django.core.management import call_command
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from designer.services import create_state_machine
from executions.models import Execution


def make_machine(definition: dict, name: str = "Orders", type: str = "STANDARD"):
    return create_state_machine(name=name, definition=json.dumps(definition),
                                role_arn="arn:aws:iam::123456789012:role/flowdeck", type=type)


def ready_jobs():
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY)


def drain(*, jump_timers: int = 0, rounds: int = 100) -> None:
    """Run queued jobs with the real worker loop until none is due. With `jump_timers=n`, then n times move
    the earliest deferred job (the next timer) to now, as if time had passed, and run again."""
    for _ in range(rounds):
        call_command("runexecutions", batch=True, interval=0)
        if ready_jobs().filter(run_after__lte=timezone.now()).exists():
            continue
        if not jump_timers:
            return
        upcoming = ready_jobs().order_by("run_after").first()
        if upcoming is None:
            return
        jump_timers -= 1
        ready_jobs().filter(run_after__lte=upcoming.run_after).update(run_after=timezone.now() - timedelta(seconds=1))
    raise AssertionError("the queue did not drain")


def history(execution: Execution) -> list[str]:
    return list(execution.events.order_by("event_id").values_list("type", flat=True))
