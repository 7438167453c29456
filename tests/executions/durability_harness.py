"""Multi-process harness for the durability tests: a dedicated database, real worker processes, checks.

The test process never opens the dedicated database through Django (pytest-django owns Django's connection
and its test database); it prepares the database in a subprocess (durability_driver), runs workers as
`manage.py runexecutions` subprocesses pointed at it through FLOWDECK_DATABASE_URL, and reads the results
back with plain DB-API queries.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
RUNNING_JOB = "RUNNING"
_RECOVERED = re.compile(r"^(\S+) recovered (\d+) job\(s\) of stopped worker\(s\) (.*) \(silent for ([\d.]+) s\)$")


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


class Database:
    """The test's own database, read with plain DB-API (sqlite3 or psycopg) in autocommit mode."""

    def __init__(self, kind: str, tmp_path: Path):
        self.kind = kind
        if kind == "sqlite":
            self.path = tmp_path / "durability.sqlite3"
            self.url = f"sqlite:///{self.path}"
            self.name = str(self.path)
        else:
            if not postgres_reachable():
                pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432 (CI runs one there)")
            import psycopg

            self.name = f"flowdeck_dur_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{self.name}"')
            self.url = f"{PG_SERVER}/{self.name}"
        self._connection = None

    def _connect(self):
        if self._connection is None:
            if self.kind == "sqlite":
                self._connection = sqlite3.connect(self.path, timeout=20, isolation_level=None)
            else:
                import psycopg

                self._connection = psycopg.connect(self.url, autocommit=True)
        return self._connection

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.kind == "sqlite":
            sql = sql.replace("%s", "?")
        cursor = self._connect().execute(sql, params)
        rows = cursor.fetchall()
        cursor.close()
        return rows

    def drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    # --- what the runtime stored ------------------------------------------------------------------

    def statuses(self) -> Counter:
        return Counter(dict(self.query("SELECT status, COUNT(*) FROM executions_execution GROUP BY status")))

    def running_jobs(self) -> list[tuple[str, list[str]]]:
        rows = self.query("SELECT id, worker_ids FROM django_tasks_database_dbtaskresult WHERE status = %s",
                          (RUNNING_JOB,))
        return [(str(job), ids if isinstance(ids, list) else json.loads(ids)) for job, ids in rows]

    def jobs_claimed_by(self, worker_id: str) -> list[str]:
        return [job for job, ids in self.running_jobs() if ids and ids[-1] == worker_id]

    def job_statuses(self) -> Counter:
        return Counter(dict(self.query(
            "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult GROUP BY status")))

    def failed_job_tracebacks(self) -> list[str]:
        return [row[0] for row in self.query(
            "SELECT traceback FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'")]

    def executions(self) -> dict[str, dict]:
        rows = self.query("SELECT id, name, status, output, event_count FROM executions_execution")
        result = {name: {"id": pk, "status": status, "output": json.loads(output) if output else None,
                         "event_count": count, "events": []} for pk, name, status, output, count in rows}
        by_id = {value["id"]: value for value in result.values()}
        for execution_id, event_id, type, previous in self.query(
                "SELECT execution_id, event_id, type, previous_event_id FROM executions_executionevent "
                "ORDER BY execution_id, event_id"):
            by_id[execution_id]["events"].append((event_id, type, previous))
        return result


def environment(database: Database, log: Path) -> dict:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "designer.settings",
        "FLOWDECK_DATABASE_URL": database.url,
        "FLOWDECK_FUNCTIONS": "tests.executions.durability_functions",
        "FLOWDECK_DURABILITY_LOG": str(log),
        "FLOWDECK_DURABILITY_TRACE_CONFLICTS": "1",
        "FLOWDECK_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def prepare(database: Database, env: dict, machine: str, count: int) -> None:
    """Migrate the fresh database, create the machine and start `count` executions (in a subprocess)."""
    done = subprocess.run([sys.executable, "-m", "tests.executions.durability_driver", machine, str(count)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@dataclass
class WorkerProcess:
    worker_id: str
    process: subprocess.Popen
    stderr: Path


@dataclass
class Kill:
    worker_id: str
    pid: int
    at: float  # wall-clock time of the SIGKILL
    in_flight: int  # jobs the worker had claimed and not finished when it died
    recovered_after: float | None = None  # seconds from the kill to another worker's recovery of them


@dataclass
class Workers:
    """`manage.py runexecutions` subprocesses on the test's database."""

    env: dict
    directory: Path
    stale_after: float
    live: list[WorkerProcess] = field(default_factory=list)
    all: list[WorkerProcess] = field(default_factory=list)

    def start(self) -> WorkerProcess:
        worker_id = f"dur-{len(self.all)}-{uuid.uuid4().hex[:6]}"
        stderr = self.directory / f"{worker_id}.stderr"
        with open(stderr, "wb") as err:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "runexecutions", "--interval", "0.05",
                 "--stale-after", str(self.stale_after), "--worker-id", worker_id],
                cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=err)
        worker = WorkerProcess(worker_id, process, stderr)
        self.live.append(worker)
        self.all.append(worker)
        return worker

    def kill(self, worker: WorkerProcess, database: Database) -> Kill:
        worker.process.send_signal(signal.SIGKILL)
        at = time.time()
        worker.process.wait(timeout=10)
        self.live.remove(worker)
        return Kill(worker.worker_id, worker.process.pid, at, len(database.jobs_claimed_by(worker.worker_id)))

    def stop(self) -> None:
        for worker in self.live:
            worker.process.send_signal(signal.SIGTERM)
        for worker in self.live:
            try:
                worker.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
        self.live.clear()

    def stderr_text(self) -> str:
        return "\n".join(worker.stderr.read_text() for worker in self.all if worker.stderr.exists())

    def recoveries(self) -> list[tuple[float, int, list[str]]]:
        """(time, jobs, worker ids) of every recovery the workers reported on stderr."""
        found = []
        for line in self.stderr_text().splitlines():
            match = _RECOVERED.match(line.strip())
            if match:
                moment = datetime.fromisoformat(match[1]).timestamp()
                found.append((moment, int(match[2]), [w.strip() for w in match[3].split(",")]))
        return found


def wait_until_finished(database: Database, timeout: float) -> Counter:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        statuses = database.statuses()
        if not statuses.get("RUNNING"):
            return statuses
        time.sleep(0.2)
    return database.statuses()


# --- checks ---------------------------------------------------------------------------------------------

_OUTCOMES = ("Succeeded", "Failed", "TimedOut")


def history_problems(name: str, events: list[tuple[int, str, int]], expected: Counter) -> list[str]:
    """What is wrong with one execution's history: gaps or duplicate ids, events recorded twice or missing,
    a task attempt with other than exactly one Started and one outcome."""
    problems = []
    ids = [event_id for event_id, _, _ in events]
    if ids != list(range(1, len(ids) + 1)):
        problems.append(f"{name}: event ids are not 1..{len(ids)}: {ids}")
    counts = Counter(type for _, type, _ in events)
    if counts != expected:
        problems.append(f"{name}: event counts differ: extra {dict(counts - expected)}, "
                        f"missing {dict(expected - counts)}")
    children = defaultdict(list)
    for event_id, type, previous in events:
        children[previous].append(type)
    for event_id, type, _ in events:
        if type.endswith("Scheduled"):
            family = type[: -len("Scheduled")]
            started = [t for t in children[event_id] if t == family + "Started"]
            if len(started) != 1:
                problems.append(f"{name}: {type} #{event_id} has {len(started)} Started events")
        elif type.endswith("Started") and type[: -len("Started")] in ("Task", "LambdaFunction"):
            family = type[: -len("Started")]
            outcomes = [t for t in children[event_id] if t in {family + o for o in _OUTCOMES}]
            if len(outcomes) != 1:
                problems.append(f"{name}: {type} #{event_id} has outcomes {outcomes}")
    if events and events[-1][1] != "ExecutionSucceeded":
        problems.append(f"{name}: last event is {events[-1][1]}")
    return problems


def log_entries(log: Path, kind: str | None = None) -> list[dict]:
    entries = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return [entry for entry in entries if kind is None or entry["kind"] == kind]


def function_calls(log: Path) -> tuple[Counter, Counter, list[dict]]:
    """Starts and completions per logical call key, and all completed calls (with pid, start and end)."""
    completed = log_entries(log, "end")
    starts = Counter(entry["key"] for entry in log_entries(log, "start"))
    return starts, Counter(entry["key"] for entry in completed), completed


def step_conflicts(log: Path) -> list[str]:
    """Executions whose step a worker had to redo because another worker had advanced it meanwhile."""
    return [entry["key"] for entry in log_entries(log, "conflict")]


def unfinished_calls(log: Path, pid: int) -> list[str]:
    """The calls process `pid` started and never finished (it was killed in the middle of them)."""
    started = Counter(entry["key"] for entry in log_entries(log, "start") if entry["pid"] == pid)
    finished = Counter(entry["key"] for entry in log_entries(log, "end") if entry["pid"] == pid)
    return sorted((started - finished).elements())
