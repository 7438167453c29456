"""RedriveExecution's `clientToken`: AWS "will return idempotent responses for the last 10 client tokens used to
successfully redrive the execution. These client tokens are valid for up to 15 minutes after they are first
used." A request with such a token answers as the redrive it already made (its redriveDate) and redrives
nothing, whatever the execution has done since. The SDKs send a new token with each call unless given one.

The tokens live on the execution (`Execution.redrive_tokens`: [{"token", "date"}], oldest first), written in
the redrive's own transaction.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from executions.models import Execution

KEEP = 10
VALID_FOR = timedelta(minutes=15)


def replayed(execution: Execution, token: str | None, now: datetime) -> datetime | None:
    """The date of the redrive this token made, if the token is one of the last ten and still valid."""
    if token is None:
        return None
    for entry in execution.redrive_tokens:
        date = datetime.fromisoformat(entry["date"])
        if entry["token"] == token and now - date <= VALID_FOR:
            return date
    return None


def remembered(execution: Execution, token: str | None, now: datetime) -> list[dict]:
    """The execution's tokens once a redrive made `now` with `token` succeeds: the valid ones, newest last."""
    kept = [entry for entry in execution.redrive_tokens
            if now - datetime.fromisoformat(entry["date"]) <= VALID_FOR and entry["token"] != token]
    if token is not None:
        kept.append({"token": token, "date": now.isoformat()})
    return kept[-KEEP:]
