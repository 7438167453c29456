"""Runtime benchmark: Flowdeck's server (Daphne + workers + database) and moto's server through boto3.

    cd /work/main && .venv/bin/python bench/runtime.py [--quick] [--setups sqlite-1,postgres-1,postgres-2]
                                                        [--json] [--profile [TOP]] [--no-moto]

Every figure goes through the AWS-compatible endpoint with all history persisted. Rows:
(a) throughput of a 5-state machine with two Python-function Tasks (each execution makes two trips
through the database task queue); (a') the same five states as Pass/Choice only, which run entirely inside
StartExecution; (b) p50 / p95 time from StartExecution to the end of one (a) execution, one at a time;
(c) an inline Map over 10,000 items (2 Pass states each) on an EXPRESS machine, because its 60,006 history
events exceed the 25,000 a STANDARD execution may have (AWS fails it; Express has no such cap, but no
history API either, so our persisted events are counted in the database); (c') the same Map sized to fit a
STANDARD history (4,000 items, 24,006 events), its history read back through GetExecutionHistory.
Each setup is a fresh database (PostgreSQL: created for the run, dropped after), migrated, with Daphne on
a free 127.0.0.1 port and N `manage.py runexecutions` workers. moto's server runs the same workloads first
(with `execute_state_machine` on, Lambda without Docker echoing its payload, as our `bench-echo` does).
See bench/README.md for how each figure is timed and checked.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import runtime_workloads as wl  # noqa: E402
from bench.runtime_report import Measure, Row, format_cpu, format_table, goals, to_json  # noqa: E402
from bench.runtime_stack import (OurStack, cpu_seconds, machine_busy_seconds, postgres_counters,  # noqa: E402
                                 postgres_cpu_seconds, start_moto, start_our_stack)

COUNTER_SETTLE_SECONDS = 1.2  # PostgreSQL backends report their counters at most once a second
SETUPS = {"sqlite-1": ("sqlite", 1), "postgres-1": ("postgres", 1), "postgres-2": ("postgres", 2)}
LABELS = {"sqlite-1": "SQLite, 1 worker", "postgres-1": "PostgreSQL, 1 worker", "postgres-2": "PostgreSQL, 2 workers"}


@dataclass(frozen=True)
class Sizes:
    throughput: int  # executions of (a) and (a')
    latency: int  # executions of (b)
    map_items: int  # (c)
    standard_map_items: int  # (c')
    moto_throughput: int
    moto_latency: int


FULL = Sizes(500, 50, 10_000, 4_000, 100, 20)
QUICK = Sizes(20, 5, 200, 100, 10, 3)


# -- moto ---------------------------------------------------------------------------------------------

def create_echo_function(url: str) -> None:
    """moto's Lambda needs the function to exist (a zip and an IAM role), though it never runs the code."""
    import io
    import zipfile

    import boto3

    kwargs = dict(endpoint_url=url, region_name=wl.REGION, aws_access_key_id="bench", aws_secret_access_key="bench")
    iam = boto3.client("iam", **kwargs)
    role = iam.create_role(RoleName="flowdeck-bench", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("echo.py", "def handler(event, context):\n    return event\n")
    boto3.client("lambda", **kwargs).create_function(
        FunctionName="bench-echo", Runtime="python3.12", Role=role, Handler="echo.handler",
        Code={"ZipFile": archive.getvalue()})


def run_moto(sizes: Sizes, rows: set[str]) -> dict[str, Measure]:
    measures: dict[str, Measure] = {}
    with ExitStack() as stack:
        url, _ = start_moto(stack)
        create_echo_function(url)
        endpoint = wl.Endpoint(url)
        client = wl.make_client(endpoint)
        machines = _create_machines(client, moto=True)
        if "a" in rows:
            measures["a"] = _throughput(endpoint, client, machines["tasks"], sizes.moto_throughput, "a")
        if "a'" in rows:
            measures["a'"] = _throughput(endpoint, client, machines["pass"], sizes.moto_throughput, "ap")
        if "b" in rows:
            measures["b"] = _latency(endpoint, machines["tasks"], sizes.moto_latency, "b")
        if "c" in rows:
            measures["c"] = _map(endpoint, client, machines["map-express"], sizes.map_items, "c", sync=False)
        if "c'" in rows:
            measures["c'"] = _map(endpoint, client, machines["map-standard"], sizes.standard_map_items, "cs",
                                  sync=False, read_history=True)
    return measures


# -- shared drivers -----------------------------------------------------------------------------------

def _create_machines(client, *, moto: bool = False) -> dict[str, str]:
    return {
        "tasks": wl.create_machine(client, "bench-tasks", wl.five_states(tasks=True)),
        "pass": wl.create_machine(client, "bench-pass", wl.five_states(tasks=False)),
        "map-express": wl.create_machine(client, "bench-map-express", wl.map_definition(), "EXPRESS"),
        "map-standard": wl.create_machine(client, "bench-map-standard", wl.map_definition()),
    }


def _throughput(endpoint: wl.Endpoint, client, machine_arn: str, count: int, tag: str, *, ours: OurStack | None = None,
                usage: dict | None = None) -> Measure:
    counters = ours is not None and ours.database.kind == "postgres"
    # A backend that stays connected and idle reports its counters up to 10 s late (PostgreSQL 15).
    settle = COUNTER_SETTLE_SECONDS if ours is None or "persistent" not in ours.env.get(
        "FLOWDECK_BENCH_WHAT_IF", "") else 11.0
    if counters:
        time.sleep(settle)
        database_before = postgres_counters(ours.database)
    before = _cpu_snapshot(ours) if ours is not None else None
    run = wl.throughput(endpoint, machine_arn, count, tag=tag)
    if before is not None and usage is not None:
        usage.update(_cpu_delta(before, _cpu_snapshot(ours)))
        if counters and run.succeeded:
            time.sleep(settle)
            after = postgres_counters(ours.database)
            # Per execution; the ListExecutions polls of the harness are in there too (a few per second).
            usage["database_per_execution"] = {key: (after[key] - database_before[key]) / run.started
                                               for key in after}
    measure = Measure(executions=run.succeeded, transitions=0, seconds=run.seconds, size=f"{count:,} executions")
    if run.first_arn:
        events = wl.history(client, run.first_arn)
        per_execution = wl.entered(events)
        measure.transitions = per_execution * run.succeeded
        measure.events_per_execution = len(events)
        measure.output = client.describe_execution(executionArn=run.first_arn).get("output")
        if per_execution != 5:
            measure.checks.append(f"{per_execution} states entered, not 5")
    measure.checks += _problems(run.errors, run.statuses, count)
    return measure


def _latency(endpoint: wl.Endpoint, machine_arn: str, count: int, tag: str) -> Measure:
    run = wl.latency(endpoint, machine_arn, count, tag=tag)
    measure = Measure(executions=len(run.seconds), transitions=5 * len(run.seconds), seconds=sum(run.seconds),
                      size=f"{count:,} executions, one at a time", p50=run.percentile(0.5), p95=run.percentile(0.95))
    measure.checks += _problems(run.errors, run.statuses, count)
    return measure


def _map(endpoint: wl.Endpoint, client, machine_arn: str, items: int, tag: str, *, sync: bool,
         read_history: bool = False) -> Measure:
    payload = wl.map_input(items)
    run = (wl.run_sync if sync else wl.run_async)(endpoint, machine_arn, payload, name=f"{tag}-map")
    measure = Measure(executions=1, transitions=1 + 2 * items, seconds=run.seconds, size=f"{items:,} items",
                      output=json.dumps(run.output, sort_keys=True) if run.output is not None else None)
    if run.status != "SUCCEEDED":
        measure.na = f"{run.status} {run.error}"
        return measure
    if read_history and run.execution_arn:
        events = wl.history(client, run.execution_arn)
        measure.events_per_execution = len(events)
        if wl.entered(events) != measure.transitions:
            measure.checks.append(f"history shows {wl.entered(events):,} states entered")
        if len(events) != wl.map_events(items):
            measure.checks.append(f"history has {len(events):,} events, expected {wl.map_events(items):,}")
    return measure


def _problems(errors: list[str], statuses: dict[str, int], count: int) -> list[str]:
    problems = []
    if errors:
        problems.append(f"{len(errors)} error(s), first: {errors[0]}")
    if statuses.get("SUCCEEDED", 0) != count:
        problems.append(f"statuses {statuses} of {count}")
    return problems


# -- our side -----------------------------------------------------------------------------------------

def _verify_in_database(ours: OurStack, machine: str, events_each: int | None, transitions_each: int) -> list[str]:
    """Every execution's history is in the database: event rows and transitions, straight from the tables."""
    mark = "?" if ours.database.kind == "sqlite" else "%s"
    connection = ours.database.connect()
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT count(*), coalesce(sum(e.transitions), 0), coalesce(sum(e.event_count), 0), "
            "(SELECT count(*) FROM executions_executionevent v JOIN executions_execution x ON v.execution_id = x.id "
            f" WHERE x.state_machine_id = m.id) FROM designer_statemachine m JOIN executions_execution e "
            f"ON e.state_machine_id = m.id WHERE m.name = {mark} AND e.status = 'SUCCEEDED' GROUP BY m.id",
            (machine,))
        row = cursor.fetchone()
    finally:
        connection.close()
    if row is None:
        return ["no executions in the database"]
    executions, transitions, counted, rows = row
    problems = []
    if transitions != executions * transitions_each:
        problems.append(f"database: {transitions:,} transitions for {executions:,} executions")
    if rows != counted or (events_each is not None and rows != executions * events_each):
        problems.append(f"database: {rows:,} event rows, event_count {counted:,}, expected "
                        f"{executions * (events_each or 0):,}")
    return problems


def run_setup(key: str, sizes: Sizes, rows: set[str], args: argparse.Namespace,
              profile: dict | None) -> list[tuple[str, Measure, dict | None]]:
    """Start one setup's stack, run the chosen rows on it (a failing row does not stop the others)."""
    kind, workers = SETUPS[key]
    results: list[tuple[str, Measure, dict | None]] = []
    with ExitStack() as stack:
        ours = start_our_stack(kind, workers, stack, worker_interval=args.worker_interval, what_if=args.what_if)
        client = wl.make_client(ours.endpoint)
        machines = _create_machines(client)
        # Warm up: lazy imports, compiled-definition caches, the first connections of every process.
        wl.throughput(ours.endpoint, machines["tasks"], 4, tag="warm", threads=2)
        for row in ("a", "a'", "b", "c", "c'"):
            if row not in rows:
                continue
            usage: dict = {}
            try:
                measure = _our_row(row, ours, client, machines, sizes, usage)
            except Exception as exc:  # noqa: BLE001 -- reported in the row
                measure = Measure(na=f"error: {type(exc).__name__}: {str(exc)[:200]}")
            results.append((row, measure, usage or None))
            ours.check_alive()
        if profile is not None:
            profile.update(_profile(ours, machines, sizes, args.profile))
    return results


def _our_row(row: str, ours: OurStack, client, machines: dict[str, str], sizes: Sizes, usage: dict) -> Measure:
    if row in ("a", "a'"):
        name, tag = ("tasks", "a") if row == "a" else ("pass", "ap")
        measure = _throughput(ours.endpoint, client, machines[name], sizes.throughput, tag, ours=ours, usage=usage)
        measure.checks += _verify_in_database(ours, f"bench-{name}", measure.events_per_execution, 5)
        return measure
    if row == "b":
        return _latency(ours.endpoint, machines["tasks"], sizes.latency, "b")
    if row == "c":
        # Express keeps no history (AWS: only CloudWatch Logs), so there is nothing to count in the database;
        # the output's item count shows that every iteration ran.
        before = _cpu_snapshot(ours)
        measure = _map(ours.endpoint, client, machines["map-express"], sizes.map_items, "c", sync=True)
        usage.update(_cpu_delta(before, _cpu_snapshot(ours)))
        return measure
    items = sizes.standard_map_items
    measure = _map(ours.endpoint, client, machines["map-standard"], items, "cs", sync=False, read_history=True)
    if measure.na is None:
        measure.checks += _verify_in_database(ours, "bench-map-standard", wl.map_events(items), 1 + 2 * items)
    return measure


def _cpu_snapshot(ours: OurStack) -> dict[str, float]:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    busy, total = machine_busy_seconds()
    pids = ours.pids()
    snapshot = {"daphne": sum(cpu_seconds(pid) for pid in pids["daphne"]),
                "workers": sum(cpu_seconds(pid) for pid in pids["workers"]),
                "bench client": usage.ru_utime + usage.ru_stime, "machine busy": busy, "wall": time.time()}
    if ours.database.kind == "postgres":
        snapshot["PostgreSQL"] = postgres_cpu_seconds()
    return snapshot


def _cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict:
    """CPU seconds per process group between two snapshots, and the wall-clock seconds between them."""
    delta = {key: after[key] - before[key] for key in before}
    return {"seconds": delta.pop("wall"), "cpu_seconds": delta}


def _profile(ours: OurStack, machines: dict[str, str], sizes: Sizes, top: int) -> dict:
    """Run rows again with py-spy attached: (a) on Daphne and the first worker, (a') and (c') on Daphne."""
    from bench import runtime_profile as rp

    daphne, worker = ours.daphne.pid, ours.worker_processes[0].pid
    plans = [
        ("a", [("Daphne (web server)", daphne), ("worker", worker)],
         lambda: wl.throughput(ours.endpoint, machines["tasks"], sizes.throughput, tag="profile-a")),
        ("a'", [("Daphne (web server)", daphne)],
         lambda: wl.throughput(ours.endpoint, machines["pass"], sizes.throughput, tag="profile-ap")),
        ("c'", [("Daphne (web server)", daphne)],
         lambda: wl.run_async(ours.endpoint, machines["map-standard"], wl.map_input(sizes.standard_map_items),
                              name="profile-cs")),
    ]
    texts = []
    for row, targets, work in plans:
        recordings = [rp.start_recording(f"({row}) {label}", pid, ours.workdir / f"profile-{index}-{pid}.txt")
                      for index, (label, pid) in enumerate(targets)]
        began = time.monotonic()
        try:
            work()
        except Exception as exc:  # noqa: BLE001 -- the other profiles are still worth having
            texts.append(f"#### ({row}): {type(exc).__name__}: {str(exc)[:200]}\n")
        finally:
            for recording in recordings:
                rp.stop_recording(recording)
        seconds = time.monotonic() - began
        texts += [rp.format_summary(rp.summarise(recording, top), seconds) for recording in recordings]
    return {"text": "\n".join(texts)}


# -- main -------------------------------------------------------------------------------------------

def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", "--smoke", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--setups", default=",".join(SETUPS), help=f"comma-separated, from {', '.join(SETUPS)}")
    parser.add_argument("--rows", default="a,a',b,c,c'", help="comma-separated rows: a,a',b,c,c'")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON instead of the tables")
    parser.add_argument("--no-moto", action="store_true", help="run our side only")
    parser.add_argument("--worker-interval", type=float, default=None,
                        help="runexecutions --interval (idle poll seconds; default: the command's own, 0.1)")
    parser.add_argument("--executions", type=int, help="executions of (a) and (a') (default 500, quick 20)")
    parser.add_argument("--what-if", default="", metavar="CHANGE,...",
                        help="run our side with changed settings to measure a fix (bench/runtime_whatif.py): "
                             "persistent-connections, async-commit")
    parser.add_argument("--profile", nargs="?", const=20, type=int, metavar="TOP",
                        help="after the rows, py-spy Daphne and a worker on --profile-setup; print TOP functions")
    parser.add_argument("--profile-setup", default="postgres-1", choices=list(SETUPS))
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.executions:
        sizes = replace(sizes, throughput=args.executions)
    setups = [key.strip() for key in args.setups.split(",") if key.strip()]
    rows = {key.strip().replace("ap", "a'").replace("cs", "c'") for key in args.rows.split(",") if key.strip()}
    unknown = [key for key in setups if key not in SETUPS] + sorted(rows - {"a", "a'", "b", "c", "c'"})
    if unknown:
        parser.error(f"unknown setups or rows: {unknown}")
    signal.signal(signal.SIGTERM, _raise_interrupt)

    moto: dict[str, Measure] = {}
    moto_error = None
    if not args.no_moto:
        try:
            moto = run_moto(sizes, rows)
        except Exception as exc:  # noqa: BLE001 -- our figures are still worth printing
            moto_error = f"{type(exc).__name__}: {exc}"
    results: list[Row] = []
    cpu: dict[str, dict] = {}
    profile: dict = {}
    for key in setups:
        wanted = profile if args.profile and key == args.profile_setup else None
        try:
            measured = run_setup(key, sizes, rows, args, wanted)
        except Exception as exc:  # noqa: BLE001 -- the other setups still run
            measured = [(row, Measure(na=f"error: {type(exc).__name__}: {str(exc)[:300]}"), None) for row in sorted(rows)]
        for row, measure, usage in measured:
            label = LABELS[key] + (f" (what-if: {args.what_if})" if args.what_if else "")
            results.append(Row(row, key, label, measure, moto.get(row) or Measure(na=moto_error or "not run")))
            if usage:
                cpu[f"{row} {key}"] = usage
    results.sort(key=lambda r: (["a", "a'", "b", "c", "c'"].index(r.key), setups.index(r.setup)))
    if args.json:
        print(json.dumps(to_json(results, cpu, profile.get("text"), asdict(sizes)), indent=2))
        return 0
    print(format_table(results))
    print()
    print("\n".join(goals(results)))
    if cpu:
        print("\n" + format_cpu(cpu))
    if profile.get("text"):
        print("\n### Profile\n\n" + profile["text"])
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; every process this run started has been stopped", file=sys.stderr)
        sys.exit(130)
