"""Map Runs on the server: Distributed Map children as executions of their own, and their Map Runs.

The engine runs a Distributed Map's children inside the parent's run state and reports, with each step, what
happened to them (children.py): Map Runs started, updated, redriven and ended; children started, redriven and
ended; the children's own history events. `record_children` turns that into rows in the same transaction as
the parent's step: one `MapRun` per Map Run, one `Execution` per child (linked to its Map Run, its history in
`ExecutionEvent` like any execution's). A child has no run state of its own: signals for it (StopExecution)
and for its Map Run (UpdateMapRun) go to the parent execution, which carries them to the running Map.

Counts (DescribeMapRun's itemCounts and executionCounts) are read from the children's rows, so they are always
those of the rows that ListExecutions(mapRunArn) lists.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Sum
from django.utils import timezone

from designer import errors
from designer import services as designer_services
from executions.engine import signals as sig
from executions import history
from executions.models import Execution, MapRun

_CHUNK = 500  # ARNs per IN (...) lookup: well under SQLite's limit on query parameters
REDRIVE_WINDOW_DAYS = 14  # AWS: an execution (and so its Map Run's children) can be redriven for 14 days


# --- recording what the parent's steps report -----------------------------------------------------------------

def record_children(execution: Execution, step) -> None:
    """Create and update the rows of the step's Map Runs and child executions, and append the children's history
    events: call inside record_step's transaction. Costs nothing when no Distributed Map runs."""
    if not step.children and not step.child_events:
        return
    when = timezone.now()  # as record_step dates the parent's changes
    runs = _map_runs(execution, step.children, when)
    created: dict[str, Execution] = {}
    changed: dict[str, Execution] = {}
    existing = _existing(execution, step)
    for record in step.children:
        kind = record["kind"]
        if kind == "started":
            created[record["arn"]] = Execution(
                arn=record["arn"], name=record["name"], state_machine_id=execution.state_machine_id,
                revision_id=execution.revision_id, version_arn=execution.version_arn,
                alias_arn=execution.alias_arn, input=record["input"], start_date=when,
                started_by_id=execution.started_by_id,  # a child runs with its parent's authority
                map_run=runs[record["map_run"]], item_count=record["items"])
            continue
        if kind in ("ended", "redriven"):
            arn = record["arn"]
            row = created.get(arn) or existing.get(arn)
            if row is None:
                continue  # a child of a run state recorded before children had rows
            if kind == "ended":
                row.status, row.stop_date = record["status"], when
                row.output = record.get("output")
                row.error, row.cause = record.get("error"), record.get("cause")
            else:
                row.status, row.stop_date = Execution.RUNNING, None
                row.output = row.error = row.cause = None
                row.redrive_count, row.redrive_date = record["redrive_count"], when
            if arn not in created:
                changed[arn] = row
        elif kind == "map_run_redriven":
            for arn in record["pending"]:
                row = existing.get(arn)
                if row is not None and arn not in changed:
                    row.status = Execution.PENDING_REDRIVE
                    changed[arn] = row
    for arn, events in step.child_events.items():
        row = created.get(arn) or existing.get(arn)
        if row is not None:
            row.event_count += len(events)
            if arn not in created:
                changed[arn] = row
    Execution.objects.bulk_create(created.values(), batch_size=_CHUNK)
    Execution.objects.bulk_update(changed.values(), ["status", "stop_date", "output", "error", "cause",
                                                     "redrive_count", "redrive_date", "event_count"],
                                  batch_size=_CHUNK)
    rows = []
    for arn, events in step.child_events.items():
        row = created.get(arn) or existing.get(arn)
        if row is not None:
            rows.extend((row.pk, event) for event in events)
    history.append(rows)


def _map_runs(execution: Execution, records: list[dict], when: datetime) -> dict[str, MapRun]:
    """The step's Map Runs by ARN: new ones created, changed ones saved."""
    arns = {record.get("map_run") or record["arn"] for record in records
            if record["kind"] == "started" or record["kind"].startswith("map_run")}
    runs = {run.arn: run for run in MapRun.objects.filter(execution=execution, arn__in=arns)} if arns else {}
    for record in records:
        kind = record["kind"]
        if kind == "map_run_started":
            runs[record["arn"]] = MapRun.objects.create(
                arn=record["arn"], execution=execution, state_name=record["state"], label=record["label"],
                state_machine_arn=record["state_machine"], start_date=when,
                max_concurrency=record["max_concurrency"], tolerated_failure_count=record["tolerated_count"],
                tolerated_failure_percentage=record["tolerated_percentage"],
                total_executions=record["executions"], total_items=record["items"])
            continue
        run = runs.get(record["arn"]) if kind.startswith("map_run") else None
        if run is None:
            continue
        if kind == "map_run_ended":
            run.status, run.stop_date = record["status"], when
            run.save(update_fields=["status", "stop_date"])
        elif kind == "map_run_redriven":
            run.status, run.stop_date = MapRun.RUNNING, None
            run.redrive_count, run.redrive_date = record["redrive_count"], when
            run.save(update_fields=["status", "stop_date", "redrive_count", "redrive_date"])
        elif kind == "map_run_updated":
            fields = {"max_concurrency": record["max_concurrency"],
                      "tolerated_failure_count": record["tolerated_count"],
                      "tolerated_failure_percentage": record["tolerated_percentage"]}
            fields = {name: value for name, value in fields.items() if value is not None}
            for name, value in fields.items():
                setattr(run, name, value)
            if fields:
                run.save(update_fields=list(fields))
    return runs


def _existing(execution: Execution, step) -> dict[str, Execution]:
    """The rows of the children this step names that earlier steps created."""
    new = {r["arn"] for r in step.children if r["kind"] == "started"}
    arns = {r["arn"] for r in step.children if r["kind"] in ("ended", "redriven")}
    arns.update(arn for r in step.children if r["kind"] == "map_run_redriven" for arn in r["pending"])
    arns.update(step.child_events)
    arns = sorted(arns - new)
    found: dict[str, Execution] = {}
    for start in range(0, len(arns), _CHUNK):
        chunk = arns[start:start + _CHUNK]
        found.update((row.arn, row) for row in Execution.objects.filter(
            map_run__execution=execution, arn__in=chunk).only(
            "id", "arn", "status", "stop_date", "output", "error", "cause", "redrive_count", "redrive_date",
            "event_count"))
    return found


# --- the API's view of Map Runs -------------------------------------------------------------------------------

def find_map_run(arn: str) -> MapRun:
    """The Map Run an ARN names, or InvalidArn / ResourceNotFound as AWS words them."""
    designer_services.parse_arn(arn, "mapRun")
    run = MapRun.objects.select_related("execution", "execution__state_machine").filter(arn=arn).first()
    if run is None:
        raise errors.ResourceNotFound(f"Resource not found: '{arn}'")
    return run


def list_map_runs(execution: Execution):
    """The Map Runs an execution started, newest first."""
    return execution.map_runs.order_by("-id")


def counts(run: MapRun) -> tuple[dict, dict]:
    """(itemCounts, executionCounts) of a Map Run, from its children's rows.

    pending: not started yet; running; succeeded; failed; timedOut; aborted (stopped by the user, by the
    parent's stop, or because the Map Run failed); total; resultsWritten: the children whose outcome went into
    the Map's result (succeeded or failed; AWS counts written failures too); pendingRedrive: unsuccessful
    children of a redriven Map Run waiting for their turn; failuresNotRedrivable: none (every unsuccessful
    Standard child can be redriven with its parent)."""
    by_status = {status: (0, 0) for status, _ in Execution.STATUSES}
    rows = (run.executions.values("status").annotate(executions=Count("id"), items=Sum("item_count")))
    for row in rows:
        by_status[row["status"]] = (row["executions"], row["items"] or 0)
    started = [sum(pair[i] for pair in by_status.values()) for i in (0, 1)]
    result = []
    for i, total in ((1, run.total_items), (0, run.total_executions)):
        def of(status: str) -> int:
            return by_status[status][i]

        result.append({
            "pending": max(total - started[i], 0), "running": of(Execution.RUNNING),
            "succeeded": of(Execution.SUCCEEDED), "failed": of(Execution.FAILED),
            "timedOut": of(Execution.TIMED_OUT), "aborted": of(Execution.ABORTED), "total": total,
            "resultsWritten": of(Execution.SUCCEEDED) + of(Execution.FAILED) + of(Execution.TIMED_OUT),
            "failuresNotRedrivable": 0, "pendingRedrive": of(Execution.PENDING_REDRIVE),
        })
    return result[0], result[1]


def update_map_run(run: MapRun, *, max_concurrency: int | None = None, tolerated_count: int | None = None,
                   tolerated_percentage: float | None = None) -> None:
    """UpdateMapRun: new limits for a running Map Run, carried to the running Map by the parent's next step."""
    from executions import services

    if max_concurrency is None and tolerated_count is None and tolerated_percentage is None:
        raise errors.ValidationException(
            "At least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be specified")
    if run.status != MapRun.RUNNING or run.execution.status != Execution.RUNNING:
        exc = errors.ValidationException(f"Map Run is not RUNNING and cannot be updated: '{run.arn}'")
        exc.reason = "CANNOT_UPDATE_COMPLETED_MAP_RUN"  # AWS's ValidationExceptionReason
        raise exc
    services.deliver(run.execution_id, [sig.UpdateMapRun(run.arn, max_concurrency, tolerated_count,
                                                         tolerated_percentage)])


def child_executions(run: MapRun, *, status: str | None = None, redriven: bool | None = None):
    """ListExecutions(mapRunArn): a Map Run's child executions, newest first."""
    executions = run.executions.order_by("-id")
    if status is not None:
        executions = executions.filter(status=status)
    if redriven is not None:
        executions = executions.filter(redrive_count__gt=0) if redriven else executions.filter(redrive_count=0)
    return executions


def stop_child(child: Execution, *, error: str | None = None, cause: str | None = None) -> Execution:
    """StopExecution of a Distributed Map child: the parent's Map stops it (ABORTED, a failed item)."""
    from executions import services

    if child.status == Execution.RUNNING:
        services.deliver(child.map_run.execution_id, [sig.StopChild(child.arn, error, cause)])
        child.refresh_from_db()
    return child


def redrive_status(child: Execution) -> tuple[str, str | None]:
    """DescribeExecution's redriveStatus of a child: its Map Run redrives it, with its parent."""
    if child.status not in (Execution.FAILED, Execution.TIMED_OUT, Execution.ABORTED):
        return "NOT_REDRIVABLE", f"Execution is {child.status} and cannot be redriven"
    if child.stop_date is not None and child.stop_date < timezone.now() - timedelta(days=REDRIVE_WINDOW_DAYS):
        return "NOT_REDRIVABLE", "Execution redrivable period exceeded"
    return "REDRIVABLE_BY_MAP_RUN", None


def refuse_redrive(child: Execution) -> None:
    """RedriveExecution of a child: AWS redrives children through their Map Run, by redriving the parent."""
    raise errors.ExecutionNotRedrivable(
        f"Execution is a child of Map Run '{child.map_run.arn}': redrive its parent execution "
        f"'{child.map_run.execution.arn}' to redrive the Map Run")
