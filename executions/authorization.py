"""Who may answer a task token: the rule both the AWS-compatible endpoint and the REST API (and the inbox) apply.

A token is a bearer secret, but it also shows up where viewers can read it (a task's Parameters carry
`$$.Task.Token` into the history), so holding it is not enough: answering a callback (`.waitForTaskToken`)
needs the `approve` permission on the execution's state machine; an activity task's token may also be answered
by an activity worker (the account-wide `accounts.work_activities` permission), which is who received it.
"""
from __future__ import annotations

from designer.accounts import permissions
from executions.models import ActivityTask, TaskToken


def require_answer(user, token: str, *, action: str) -> None:
    """Raise AccessDeniedException unless `user` may answer `token`. A token we never issued passes here, so that
    the caller's own lookup answers it with InvalidToken as AWS does (nothing is revealed by that)."""
    row = TaskToken.objects.select_related("execution__state_machine").filter(token=token).first() \
        if isinstance(token, str) else None
    if row is None:
        return
    if permissions.can_work_activities(user) and ActivityTask.objects.filter(token=row).exists():
        return
    permissions.require(user, permissions.APPROVE, row.execution.state_machine, action=action)
