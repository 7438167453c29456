"""The runtime's side of the database task queue (django-tasks-db's table), kept off the hot path's costs.

Three things on top of `Task.enqueue`, which saves one row per call:
- **One insert per step.** The jobs a step asks for are collected in an `Outbox` and inserted together, in
  the step's transaction, as rows of django-tasks-db's own table that its queue and worker read as usual.
- **Chained jobs.** A worker that commits a step which calls a task runs that task next itself: the job is
  inserted already claimed by that worker (RUNNING, its id in `worker_ids`), so taking it costs no
  transaction of its own, and the job that led to the step is marked finished in the same transaction.
  A chained job is an ordinary claimed job: if its worker dies, `runexecutions`' recovery puts it back in
  the queue like any other. Chains are capped, so one busy execution cannot hold a worker for ever.
- **Wake-ups.** A step that queues work for now wakes the idle workers: PostgreSQL's NOTIFY (several
  machines), or a datagram to the workers' sockets in the var directory (SQLite, one machine). Workers
  still poll, so a lost wake-up only costs the poll interval.

Timer jobs get an id derived from the execution and the timer, so cancelling one deletes it by primary key.
"""
from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.tasks import Task
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

CHANNEL = "flowdeck_jobs"  # PostgreSQL's LISTEN / NOTIFY channel
MAX_CHAIN = 50  # tasks a worker runs for one chain before it lets the queue hand out the next one
_TIMER_NAMESPACE = uuid.UUID("6f0b3f8e-2f0c-4d59-9f4e-3c1d2a7b8e10")


def timer_job_id(execution_id: int, timer_id: str, due: str) -> uuid.UUID:
    """The id of the job that fires an execution's timer (`due` as the run state writes it): known to whoever
    cancels the timer. A timer started again (a heartbeat's, a redriven execution's) is due at another time."""
    return uuid.uuid5(_TIMER_NAMESPACE, f"{execution_id}/{timer_id}/{due}")


# --- the worker's side: which job runs, and what a step may chain to it ---------------------------------

@dataclass
class Running:
    """The job a worker thread is running, as the steps it commits see it."""

    job_id: Any
    worker_id: str
    chain_left: int
    finish_in_step: bool = False  # the job's work ends with its next step: mark it finished in that transaction
    finished: bool = False  # committed: the step that finished it
    chained: DBTaskResult | None = None  # committed: the job claimed for this worker by that step


_running = threading.local()


def running() -> Running | None:
    return getattr(_running, "job", None)


@contextlib.contextmanager
def running_job(job_id: Any, worker_id: str, chain_left: int):
    """While a worker runs a job: steps committed meanwhile may finish it and chain the next one to it."""
    _running.job = Running(job_id, worker_id, chain_left)
    try:
        yield _running.job
    finally:
        _running.job = None


@contextlib.contextmanager
def finishing_job():
    """Around the one step that completes the running job's work (a task's outcome, a timer's firing)."""
    job = running()
    if job is None:
        yield
        return
    job.finish_in_step = True
    try:
        yield
    finally:
        job.finish_in_step = False


# --- the step's side -------------------------------------------------------------------------------------

@dataclass
class Outbox:
    """The jobs one step queues, inserted together by `flush` inside the step's transaction."""

    rows: list[DBTaskResult] = field(default_factory=list)
    chained: DBTaskResult | None = None
    wakes: bool = False

    def add(self, task: Task, *args: Any, run_after: datetime | None = None, job_id: Any = None,
            chain: bool = False) -> None:
        job = running()
        now = timezone.now()
        row = DBTaskResult(
            id=job_id or uuid.uuid4(), args_kwargs={"args": list(args), "kwargs": {}}, priority=task.priority,
            task_path=task.module_path, queue_name=task.queue_name, backend_name=task.backend,
            # As django-tasks-db's pre_save handler does (bulk inserts send no signals): "now" is its date max.
            run_after=run_after or task.run_after or get_date_max(), enqueued_at=now,
        )
        # Only the step that finishes the worker's job may chain to it (one job, once): the worker is then free.
        if chain and run_after is None and job is not None and job.finish_in_step and not job.finished \
                and self.chained is None and job.chain_left > 0:
            row.status = TaskResultStatus.RUNNING
            row.started_at = now
            row.worker_ids = [job.worker_id]
            self.chained = row
        elif run_after is None or run_after <= now:
            self.wakes = True
        self.rows.append(row)

    def cancel(self, job_id: Any) -> bool:
        """Drop a job this step queued (a timer started and cancelled in the same step); False if none was."""
        for index, row in enumerate(self.rows):
            if row.id == job_id:
                del self.rows[index]
                return True
        return False

    def flush(self) -> None:
        """Insert the rows (call inside the step's transaction) and, once it commits, tell the workers."""
        job = running()
        if self.rows:
            DBTaskResult.objects.bulk_create(self.rows)
        if job is not None and job.finish_in_step and not job.finished:
            DBTaskResult.objects.filter(pk=job.job_id).update(
                status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now())
            chained = self.chained

            def committed() -> None:
                job.finished = True
                job.chained = chained

            transaction.on_commit(committed)
        if self.wakes:
            notify()
        self.rows, self.chained, self.wakes = [], None, False


# --- wake-ups --------------------------------------------------------------------------------------------

def wake_dir() -> Path:
    return Path(settings.VAR_DIR) / "wake"


def notify() -> None:
    """Wake the idle workers once the current transaction commits (or now, outside one)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")  # delivered at commit, dropped on rollback
    else:
        transaction.on_commit(_poke_sockets)


def _poke_sockets() -> None:
    directory = wake_dir()
    try:
        names = os.listdir(directory)
    except OSError:
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
        sender.setblocking(False)
        for name in names:
            path = directory / name
            try:
                sender.sendto(b"!", str(path))
            except (ConnectionRefusedError, FileNotFoundError):
                with contextlib.suppress(OSError):
                    path.unlink()  # a killed worker's socket: nobody listens on it any more
            except OSError:
                pass  # its buffer is full: that worker has wake-ups waiting already


class Waker:
    """What an idle worker waits on: a LISTEN connection (PostgreSQL) or a datagram socket (SQLite)."""

    def __init__(self, worker_id: str) -> None:
        self._conn = None
        self._socket: socket.socket | None = None
        self._path: Path | None = None
        self._postgres = connection.vendor == "postgresql"
        if self._postgres:
            self._listen()
        else:
            directory = wake_dir()
            path = directory / f"{uuid.uuid4().hex[:12]}.sock"
            try:
                directory.mkdir(parents=True, exist_ok=True)
                self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                self._socket.bind(str(path))
                self._path = path
            except OSError:  # e.g. a path too long for a socket: the worker only polls
                if self._socket is not None:
                    self._socket.close()
                self._socket = None

    def _listen(self) -> None:
        import psycopg

        try:
            self._conn = psycopg.connect(**connection.get_connection_params(), autocommit=True)
            self._conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            self._conn = None  # the database is away: poll until it is back

    def wait(self, timeout: float) -> None:
        """Return when woken, or after `timeout` seconds."""
        if self._postgres and self._conn is None:
            time.sleep(timeout)
            self._listen()
        elif self._conn is not None:
            try:
                for _ in self._conn.notifies(timeout=timeout, stop_after=1):
                    pass
                # Several wake-ups may have queued: one look at the queue answers them all.
                for _ in self._conn.notifies(timeout=0):
                    pass
            except Exception:  # noqa: BLE001 -- a dropped LISTEN connection: poll, and listen again next time
                with contextlib.suppress(Exception):
                    self._conn.close()
                self._conn = None
        elif self._socket is None:
            time.sleep(timeout)
        else:
            self._socket.settimeout(timeout)
            try:
                self._socket.recv(16)
                self._socket.setblocking(False)
                while True:
                    self._socket.recv(16)
            except (TimeoutError, BlockingIOError, OSError):
                pass

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._socket is not None:
            self._socket.close()
            with contextlib.suppress(OSError):
                self._path.unlink()
