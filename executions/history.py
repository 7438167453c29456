"""Appending history events: the hot path's biggest insert, written as plain rows.

Each engine step appends its events (and a Distributed Map's step its children's). They go in as one
multi-row INSERT per batch, with values adapted by the database backend as the ORM would (timestamps,
JSON), without building a model instance per event.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import connection

from executions.models import ExecutionEvent

_COLUMNS = ("execution_id", "event_id", "type", "timestamp", "previous_event_id", "details")
_BATCH = 500  # rows per INSERT: 3,000 parameters, well inside SQLite's limit


def append(rows: Iterable[tuple[int, dict]]) -> None:
    """Insert events, given as (execution primary key, event as the engine wrote it); call in a transaction."""
    ops = connection.ops
    values = []
    for execution_id, event in rows:
        details = {key: value for key, value in event.items() if key.endswith("EventDetails")}
        when = datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00"))
        values.append((execution_id, event["id"], event["type"], ops.adapt_datetimefield_value(when),
                       event["previousEventId"], ops.adapt_json_value(details, None)))
    if not values:
        return
    table = ops.quote_name(ExecutionEvent._meta.db_table)
    columns = ", ".join(ops.quote_name(column) for column in _COLUMNS)
    row = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(values), _BATCH):
            chunk = values[start:start + _BATCH]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(chunk))}",
                           [value for item in chunk for value in item])
