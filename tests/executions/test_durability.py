"""Durability with real processes: workers SIGKILLed mid-work lose nothing, two workers never double-advance.

Each test gets its own database (a fresh SQLite file, or a fresh PostgreSQL database on 127.0.0.1:5432 that
is dropped afterwards), prepared in a subprocess; real `manage.py runexecutions` processes run the work.
The summary each test prints (`pytest -s`) gives the numbers: kills, jobs in flight at each kill, recovery
delays, function calls made more than once.
"""
from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path
from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from designer.services import compiled_machine
from executions import callbacks, resources, services
from executions.engine import signals as sig
from executions.engine.interpreter import advance
from executions.engine.runstate import RunState
from executions.management.commands.runexecutions import recover
from executions.models import Execution, Worker
from tests.executions import durability_driver as machines
from tests.executions import durability_functions  # noqa: F401 -- registers the dur_* functions here too
from tests.executions.durability_harness import (
    Database, Workers, environment, function_calls, history_problems, prepare, step_conflicts, unfinished_calls,
    wait_until_finished)
from tests.executions.runtime import drain, history, make_machine

STALE_AFTER = 1.5  # seconds of worker silence before its jobs are recovered (it beats every 0.5 s)
KILLS = 3
COUNT = 16


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    db = Database(request.param, tmp_path)
    yield db
    db.drop()


def _busy_worker(database: Database, workers: Workers, rng: random.Random, timeout: float):
    """A worker that holds a job right now (so the kill lands in the middle of work), if one does soon
    (workers still starting, or all executions waiting on timers, hold none); else any live worker."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        owners = {ids[-1] for _, ids in database.running_jobs() if ids}
        busy = [worker for worker in workers.live if worker.worker_id in owners]
        if busy:
            return rng.choice(busy)
        time.sleep(0.005)
    return rng.choice(workers.live)


def _check_executions(database: Database, count: int, expected_output, expected_events: Counter) -> None:
    executions = database.executions()
    assert sorted(executions) == sorted(f"e-{n}" for n in range(count))
    problems = []
    for n in range(count):
        execution = executions[f"e-{n}"]
        if execution["status"] != "SUCCEEDED" or execution["output"] != expected_output(n):
            problems.append(f"e-{n}: {execution['status']} {execution['output']}")
        problems += history_problems(f"e-{n}", execution["events"], expected_events)
        if execution["event_count"] != len(execution["events"]):
            problems.append(f"e-{n}: event_count {execution['event_count']} != {len(execution['events'])} rows")
    assert not problems, "\n".join(problems[:20])


def _check_calls(log, count: int, calls_of) -> tuple[int, int, list[dict]]:
    """Every logical call ran to completion at least once and nothing else was called; how many ran more
    than once (at-least-once) and how many calls there were in all."""
    starts, ends, completed = function_calls(log)
    expected = {key for n in range(count) for key in calls_of(f"e-{n}")}
    assert set(starts) == expected
    assert {key for key in expected if not ends[key]} == set()
    return sum(1 for key in expected if starts[key] > 1), sum(starts.values()), completed


def test_sigkilled_workers_lose_nothing_and_record_each_step_once(database, tmp_path):
    log = tmp_path / "calls.log"
    env = environment(database, log)
    prepare(database, env, "steps", COUNT)
    workers = Workers(env, tmp_path, STALE_AFTER)
    seed = int(os.environ.get("FLOWDECK_DURABILITY_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    began = time.monotonic()
    kills = []
    try:
        workers.start()
        workers.start()
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.2, 0.8))
            kills.append(workers.kill(_busy_worker(database, workers, rng, timeout=3.0), database))
            workers.start()  # the replacement (as a supervisor would restart it)
        statuses = wait_until_finished(database, timeout=45)
    finally:
        workers.stop()
    elapsed = time.monotonic() - began
    assert statuses == Counter({"SUCCEEDED": COUNT}), f"seed {seed}: {statuses}"
    _check_executions(database, COUNT, machines.steps_output, machines.STEPS_EVENTS)
    repeated, calls, _ = _check_calls(log, COUNT, machines.steps_calls)

    jobs = database.job_statuses()
    assert not jobs.get("FAILED"), database.failed_job_tracebacks()[:3]
    assert not jobs.get("RUNNING"), jobs
    # Every job a killed worker held was put back in the queue by another worker, after STALE_AFTER.
    recoveries = workers.recoveries()
    in_flight = sum(kill.in_flight for kill in kills)
    assert sum(jobs for _, jobs, _ in recoveries) == in_flight, (kills, recoveries)
    for kill in kills:
        found = [moment for moment, _, owners in recoveries if kill.worker_id in owners]
        assert bool(found) == bool(kill.in_flight), (kill, recoveries)
        if found:
            kill.recovered_after = found[0] - kill.at
            # After the kill, and about STALE_AFTER after the victim's last heartbeat (which a loaded machine
            # can delay: the bound is loose).
            assert 0 < kill.recovered_after <= STALE_AFTER + 8, kill
    assert in_flight >= 1, f"seed {seed}: no kill landed while a job was in flight: {kills}"
    # At-least-once, and no more: a worker runs one job at a time, so each kill repeats at most one call.
    assert repeated <= in_flight
    mid_call = [len(unfinished_calls(log, kill.pid)) for kill in kills]
    stderr = workers.stderr_text()
    assert "Traceback" not in stderr, stderr[-3000:]
    print(f"\n[durability {database.kind}] seed {seed}: {COUNT} executions SUCCEEDED in {elapsed:.1f} s "
          f"through {len(workers.all)} worker processes; {len(kills)} SIGKILLs, jobs in flight at each: "
          f"{[kill.in_flight for kill in kills]} (inside a function call: {mid_call}), recovered after (s): "
          f"{[round(kill.recovered_after, 2) if kill.recovered_after else None for kill in kills]}; "
          f"{calls} function calls for {COUNT * len(machines.steps_calls('x'))} logical ones, "
          f"{repeated} called more than once; jobs {dict(jobs)}")


def test_two_workers_never_double_advance_an_execution(database, tmp_path):
    count = 10
    log = tmp_path / "calls.log"
    env = environment(database, log)
    prepare(database, env, "race", count)
    workers = Workers(env, tmp_path, stale_after=10)
    began = time.monotonic()
    try:
        workers.start()
        workers.start()
        statuses = wait_until_finished(database, timeout=45)
    finally:
        workers.stop()
    elapsed = time.monotonic() - began
    assert statuses == Counter({"SUCCEEDED": count}), statuses
    _check_executions(database, count, machines.race_output, machines.RACE_EVENTS)
    repeated, calls, completed = _check_calls(log, count, machines.race_calls)
    assert repeated == 0  # nobody was killed: every call ran exactly once
    jobs = database.job_statuses()
    assert not jobs.get("FAILED"), database.failed_job_tracebacks()[:3]

    # The race really happened: calls of one execution ran on both workers at once and returned together.
    overlapping = 0
    by_execution = {}
    for call in completed:
        by_execution.setdefault(call["key"].split("/")[0], []).append(call)
    for calls_of_one in by_execution.values():
        overlapping += sum(1 for a in calls_of_one for b in calls_of_one
                           if a["pid"] < b["pid"] and a["start"] < b["end"] and b["start"] < a["end"])
    assert overlapping > 0

    stderr = workers.stderr_text()
    # The row lock (PostgreSQL) or the write lock (SQLite, BEGIN IMMEDIATE) serialises the steps of one
    # execution, so the step counter's guard never has to reject a step, and no job gives up on a lock.
    conflicts = step_conflicts(log)
    locked = stderr.count("database is locked")
    assert conflicts == [], conflicts
    assert "Traceback" not in stderr, stderr[-3000:]
    print(f"\n[race {database.kind}] {count} executions x {2 * machines.RACE_WIDTH} racing calls SUCCEEDED in "
          f"{elapsed:.1f} s on 2 workers; {overlapping} pairs of calls of one execution overlapped on the two "
          f"workers; step conflicts {len(conflicts)}, 'database is locked' retries {locked}; jobs {dict(jobs)}")


# --- the recovery rules, one at a time, in this process --------------------------------------------------------

def _one_call_machine(then: dict | None = None):
    states = {"Call": {"Type": "Task", "Resource": machines.LAMBDA + "dur_branch",
                       "Parameters": {"name": "one", "branch": 1, "n.$": "$.n"}, "End": True}}
    if then is not None:
        del states["Call"]["End"]
        states["Call"]["Next"] = "Then"
        states["Then"] = then
    return make_machine({"StartAt": "Call", "States": states}, name="Durability")


def _invoke_job():
    return DBTaskResult.objects.get(task_path__endswith="invoke_task")


@pytest.mark.django_db(transaction=True)
def test_a_recovered_job_whose_outcome_was_committed_does_not_call_the_function_again(tmp_path, monkeypatch):
    log = tmp_path / "calls.log"
    monkeypatch.setenv("FLOWDECK_DURABILITY_LOG", str(log))
    execution = services.start_execution(_one_call_machine({"Type": "Wait", "Seconds": 3600, "End": True}),
                                         input='{"n": 1}')
    drain()
    before = history(execution)
    assert before[-1] == "WaitStateEntered"
    # Its worker died after committing the outcome, before marking the job done; the job was recovered.
    DBTaskResult.objects.filter(pk=_invoke_job().pk).update(status=TaskResultStatus.READY, worker_ids=["dead"])
    drain()
    assert history(execution) == before
    assert function_calls(log)[0] == Counter({"one/branch/1": 1})


@pytest.mark.django_db(transaction=True)
def test_a_job_of_a_dead_worker_runs_again_and_the_execution_goes_on(tmp_path, monkeypatch):
    log = tmp_path / "calls.log"
    monkeypatch.setenv("FLOWDECK_DURABILITY_LOG", str(log))
    execution = services.start_execution(_one_call_machine(), input='{"n": 1}')
    long_ago = timezone.now() - timedelta(seconds=60)
    Worker.objects.create(worker_id="dead", host="elsewhere", pid=1, last_seen=long_ago)
    DBTaskResult.objects.filter(pk=_invoke_job().pk).update(
        status=TaskResultStatus.RUNNING, worker_ids=["dead"], started_at=long_ago)
    drain()  # the worker recovers the dead worker's job at its start (silent 60 s > --stale-after 10 s)
    execution.refresh_from_db()
    assert (execution.status, json.loads(execution.output)) == ("SUCCEEDED", 2)
    assert history(execution).count("LambdaFunctionSucceeded") == 1
    assert not Worker.objects.filter(worker_id="dead").exists()
    assert function_calls(log)[0] == Counter({"one/branch/1": 1})


@pytest.mark.django_db(transaction=True)
def test_a_silent_worker_whose_process_runs_here_is_held_up_not_dead():
    services.start_execution(_one_call_machine(), input='{"n": 1}')
    job = _invoke_job()
    # A process of this host whose command line names the worker command stands in for a live worker whose
    # heartbeat waits (SQLite: behind busy writers).
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "runexecutions"])
    # Until the child has exec'd, /proc shows the forked parent's command line: wait for its own.
    deadline = time.monotonic() + 10
    while b"runexecutions" not in Path(f"/proc/{process.pid}/cmdline").read_bytes():
        assert time.monotonic() < deadline, "the stand-in process did not start"
        time.sleep(0.01)
    try:
        Worker.objects.create(worker_id="slow", host=socket.gethostname()[:255], pid=process.pid,
                              last_seen=timezone.now() - timedelta(seconds=5))
        DBTaskResult.objects.filter(pk=job.pk).update(status=TaskResultStatus.RUNNING, worker_ids=["slow"],
                                                      started_at=timezone.now())
        assert recover(stale_after=1).jobs == 0
        assert Worker.objects.filter(worker_id="slow").exists()
        # ... but not forever: ten times --stale-after is the limit.
        Worker.objects.filter(worker_id="slow").update(last_seen=timezone.now() - timedelta(seconds=11))
        assert recover(stale_after=1).jobs == 1
        Worker.objects.create(worker_id="slow", host=socket.gethostname()[:255], pid=process.pid,
                              last_seen=timezone.now() - timedelta(seconds=5))
        DBTaskResult.objects.filter(pk=job.pk).update(status=TaskResultStatus.RUNNING, worker_ids=["slow"])
    finally:
        process.kill()
        process.wait()
    recovery = recover(stale_after=1)  # the process is gone: the worker is dead
    assert (recovery.jobs, recovery.workers) == (1, ["slow"])
    assert 4.5 < recovery.silent_seconds < 10


@pytest.mark.django_db(transaction=True)
def test_a_job_claimed_by_an_unregistered_worker_is_recovered_once_it_is_stale():
    services.start_execution(_one_call_machine(), input='{"n": 1}')
    job = _invoke_job()
    Worker.objects.create(worker_id="alive", host="elsewhere", pid=1, last_seen=timezone.now())
    DBTaskResult.objects.filter(pk=job.pk).update(status=TaskResultStatus.RUNNING, worker_ids=["ghost"],
                                                  started_at=timezone.now())
    assert recover(stale_after=1).jobs == 0
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(seconds=2))
    assert recover(stale_after=1).jobs == 1
    # A registered worker that beats keeps its jobs however long they run.
    DBTaskResult.objects.filter(pk=job.pk).update(status=TaskResultStatus.RUNNING, worker_ids=["alive"])
    assert recover(stale_after=1).jobs == 0


@pytest.mark.django_db(transaction=True)
def test_a_step_that_lost_the_race_is_refused_before_it_writes_anything():
    # Two workers read the same state (as they could if nothing locked the row); the second to commit must get
    # StepConflict (and retry from the new state), not a unique-key failure on the event ids it shares.
    execution = services.start_execution(_one_call_machine(), input='{"n": 1}')
    stale = Execution.objects.select_related("revision").get(pk=execution.pk)
    (task_id,) = [key for key in stale.run_state["waiting"] if key.startswith("task-")]
    outcome = [sig.TaskStarted(task_id), sig.TaskSucceeded(task_id, 2)]
    late = advance(compiled_machine(stale.revision), RunState.from_json(stale.run_state), outcome,
                   now=timezone.now(), token_factory=services.new_token)
    services.deliver(execution.pk, outcome)  # the other worker commits first
    won = history(execution)
    with pytest.raises(services.StepConflict), transaction.atomic():
        services.record_step(stale, late)
    assert history(execution) == won and won[-1] == "ExecutionSucceeded"
    # Delivered again (the losing worker's job run once more): the outcome is stale and changes nothing.
    services.deliver(execution.pk, outcome)
    assert history(execution) == won


@pytest.mark.django_db(transaction=True)
def test_a_recovered_callback_job_whose_start_was_committed_does_not_hand_out_the_token_again():
    handed = []
    resources.function("dur_hand_out")(lambda event: handed.append(event["token"]) or {"sent": True})
    machine = make_machine({"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "dur_hand_out", "Payload": {"token.$": "$$.Task.Token"}}, "End": True}}},
        name="Durability")
    execution = services.start_execution(machine, input="{}")
    drain()
    before = history(execution)
    assert before[-1] == "TaskStarted" and len(handed) == 1
    DBTaskResult.objects.filter(pk=_invoke_job().pk).update(status=TaskResultStatus.READY, worker_ids=["dead"])
    drain()
    assert history(execution) == before and len(handed) == 1  # one TaskStarted, one token handed out
    callbacks.send_task_success(handed[0], '{"ok": true}')
    execution.refresh_from_db()
    assert (execution.status, history(execution).count("TaskStarted")) == ("SUCCEEDED", 1)
