"""The two statements every step of a running execution makes, written out: lock-and-read, then update.

The ORM spends more time composing `select_for_update().select_related(...).get()` and a guarded
`update(step=F("step") + 1, ...)` than the database spends running them, and every task hop makes both.
Here they are plain SQL over the columns a step reads and writes, with values adapted by the backend as the
ORM would. The rows come back as ordinary model instances: any column left out loads when it is read.
"""
from __future__ import annotations

import functools
import json
from typing import Any

from django.db import connection

from designer.models import StateMachine, StateMachineRevision
from executions.models import Execution


def _in_model_order(model, names: set[str]) -> tuple[str, ...]:
    # Model.from_db takes a subset of the columns in the model's own field order.
    return tuple(field.attname for field in model._meta.concrete_fields if field.attname in names)


# What a step reads: the run state and counters, the links that record_step and its hooks follow.
_EXECUTION = _in_model_order(Execution, {
    "id", "arn", "name", "status", "run_state", "step", "event_count", "transitions", "revision_id",
    "state_machine_id", "version_arn", "alias_arn", "parent_id", "parent_task_id", "parent_pattern", "test_case",
    "mock_invocations", "redrive_count", "map_run_id"})
_JSON = {"run_state", "mock_invocations"}
_REVISION = _in_model_order(StateMachineRevision, {"id", "revision_id", "role_arn"})
_UUID = StateMachineRevision._meta.get_field("revision_id")
_FIELDS = {field.name: field for field in Execution._meta.concrete_fields}
_MACHINE = _in_model_order(StateMachine, {"id", "name", "type", "status"})


@functools.cache
def _select_sql(vendor: str) -> str:
    """The lock-and-read statement for a database vendor (built once: every step runs it)."""
    ops = connection.ops
    q = ops.quote_name
    columns = [f"e.{q(c)}" for c in _EXECUTION] + [f"r.{q(c)}" for c in _REVISION] + [f"m.{q(c)}" for c in _MACHINE]
    sql = (f"SELECT {', '.join(columns)} FROM {q(Execution._meta.db_table)} e "
           f"JOIN {q(StateMachineRevision._meta.db_table)} r ON r.{q('id')} = e.{q('revision_id')} "
           f"JOIN {q(StateMachine._meta.db_table)} m ON m.{q('id')} = e.{q('state_machine_id')} "
           f"WHERE e.{q('id')} = %s")
    # Only the execution's row: locking the joined rows too would queue every step of every execution of a
    # machine behind one another. SQLite has no row locks: its IMMEDIATE transaction holds the write lock.
    return sql + " FOR UPDATE OF e" if connection.features.has_select_for_update_of else sql


def lock_for_step(execution_id: int) -> Execution | None:
    """The execution, locked for a step (call inside the step's transaction), or None if it does not exist."""
    with connection.cursor() as cursor:
        cursor.execute(_select_sql(connection.vendor), [execution_id])
        row = cursor.fetchone()
    if row is None:
        return None
    count = len(_EXECUTION)
    values = [json.loads(value) if name in _JSON and isinstance(value, (str, bytes)) else value
              for name, value in zip(_EXECUTION, row[:count])]
    execution = Execution.from_db(connection.alias, list(_EXECUTION), values)
    revision_values = [_UUID.to_python(value) if name == "revision_id" else value
                       for name, value in zip(_REVISION, row[count:count + len(_REVISION)])]  # SQLite: text
    revision = StateMachineRevision.from_db(connection.alias, list(_REVISION), revision_values)
    machine = StateMachine.from_db(connection.alias, list(_MACHINE), row[count + len(_REVISION):])
    execution.revision, execution.state_machine = revision, machine
    return execution


def update_after_step(execution: Execution, changes: dict[str, Any], events: int) -> bool:
    """Store the step's changes if no other step was committed since `execution` was read (its step counter):
    `step` goes up by one and `event_count` by `events`. False when another step won the race."""
    q = connection.ops.quote_name
    assignments, params = [], []
    for name, value in changes.items():
        field = _FIELDS[name]
        assignments.append(f"{q(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    assignments += [f"{q('step')} = {q('step')} + 1", f"{q('event_count')} = {q('event_count')} + %s"]
    params += [events, execution.pk, execution.step]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {q(Execution._meta.db_table)} SET {', '.join(assignments)} "
                       f"WHERE {q('id')} = %s AND {q('step')} = %s", params)
        return cursor.rowcount == 1
