"""The open-executions quota: AWS refuses StartExecution (and RedriveExecution) with ExecutionLimitExceeded
once an account has 1,000,000 open Standard executions; the quota does not apply to Express workflows
(AWS troubleshooting guide). Here the limit is FLOWDECK_MAX_OPEN_EXECUTIONS.

StartExecution is a hot path, so it does not count the open executions each time. Each process keeps the
count it last took (at most a second old) and the starts it made since; only when that estimate, with room for
what other processes may have started within that second (`HEADROOM`), comes near the limit does a start count
exactly before going on. Far from the limit a start costs nothing; near it, each start counts (an index scan
of the open executions), and a limit below HEADROOM is always checked exactly.
"""
from __future__ import annotations

import threading
import time

from django.conf import settings

from designer import errors
from designer.models import StateMachine
from executions.models import Execution

REFRESH_SECONDS = 1.0
# Starts other processes can make between two refreshes of this one's count (the runtime benchmark measures
# hundreds per second for a whole server); near the limit by less than this, every start counts exactly.
HEADROOM = 10_000
_OPEN = (Execution.RUNNING, Execution.PENDING_REDRIVE)
# AWS's description of the error (API reference, ExecutionLimitExceeded).
MESSAGE = ("The maximum number of running executions has been reached. Running executions must end or be "
           "stopped before a new execution can be started.")


class _Estimate:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0  # open executions of any type when last counted: at least the Standard ones
        self.counted_at = float("-inf")
        self.started = 0  # starts this process made since


_estimate = _Estimate()


def check_open_executions() -> None:
    """Raise ExecutionLimitExceeded if one more open Standard execution would pass the limit."""
    limit = settings.FLOWDECK_MAX_OPEN_EXECUTIONS
    estimate = _estimate
    with estimate.lock:
        now = time.monotonic()
        if now - estimate.counted_at >= REFRESH_SECONDS:
            # Every open execution, Express included: no join, and never fewer than the Standard ones.
            estimate.count = Execution.objects.filter(status__in=_OPEN).count()
            estimate.counted_at, estimate.started = now, 0
        if estimate.count + estimate.started + HEADROOM < limit:
            estimate.started += 1
            return
    exact = Execution.objects.filter(status__in=_OPEN, state_machine__type=StateMachine.STANDARD).count()
    if exact >= limit:
        raise errors.ExecutionLimitExceeded(MESSAGE)
    with estimate.lock:
        estimate.started += 1
