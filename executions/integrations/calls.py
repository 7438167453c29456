"""What a call to a real system leaves behind: a record in the task's history event and one log line.

A record says what was called and how it went (method, URL without secrets, status, duration, attempt),
never what was sent: when a call fails or times out it carries the SHA-256 of the request body instead, so
an operator can match a failure to a payload they hold without the history or the logs holding it.
Each record is logged as one JSON object on the `flowdeck.calls` logger (INFO when the call worked,
WARNING when it failed), ready for a log pipeline.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

from designer.asl.errors import StatesError

logger = logging.getLogger("flowdeck.calls")


@dataclass(slots=True)
class CallRecord:
    kind: str  # "http" | "xmlrpc"
    method: str
    url: str
    attempt: int
    status: int | None = None
    duration_ms: int | None = None
    operation: str | None = None  # the XML-RPC method name (or system.multicall)
    error: str | None = None
    request_sha256: str | None = None

    def to_dict(self) -> dict:
        data = {"kind": self.kind, "method": self.method, "url": self.url, "attempt": self.attempt,
                "statusCode": self.status, "durationMs": self.duration_ms, "operation": self.operation,
                "error": self.error, "requestSha256": self.request_sha256}
        return {key: value for key, value in data.items() if value is not None}

    def failed(self, error: str, content: bytes | None) -> CallRecord:
        """This record, marked as failed with `error`, carrying the hash of the request body."""
        self.error, self.request_sha256 = error, sha256(content)
        return self


class CallFailed(StatesError):
    """A call was made and failed: the task fails with `error` / `cause`, and the record goes to history."""

    def __init__(self, error: str, cause: str, call: CallRecord):
        super().__init__(error, cause)
        self.call = call


def sha256(content: bytes | None) -> str:
    return hashlib.sha256(content or b"").hexdigest()


def log(record: CallRecord, *, execution: str | None, state: str | None) -> None:
    document = {"event": "task.call", "execution": execution, "state": state, **record.to_dict()}
    level = logging.WARNING if record.error else logging.INFO
    logger.log(level, json.dumps(document, separators=(",", ":"), ensure_ascii=False), extra={"call": document})
