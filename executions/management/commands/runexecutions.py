"""`python manage.py runexecutions`: the execution worker.

It runs the database task queue (django-tasks-db's worker loop: task invocations, timers) and adds what a
durable runtime needs on top: a heartbeat, and recovery of the jobs of workers that died mid-job (SIGKILL,
a lost machine). Run as many as you like, on as many machines as share the database.

A worker beats every `--stale-after / 3` seconds (at most every 2 s); once a worker has been silent for
`--stale-after` seconds, the next heartbeat of any other worker puts the jobs it had claimed back in the
queue, so the work of a killed worker resumes `--stale-after` (+ one beat) after its last heartbeat.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import OperationalError, close_old_connections, connection
from django.tasks.base import TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django_tasks_db.compat import TaskContext
from django_tasks_db.management.commands.db_worker import Worker as QueueWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from executions import queue
from executions.models import Worker
from executions.retention import prune_closed_executions

HEARTBEAT_SECONDS = 2.0
logger = logging.getLogger(__name__)


@dataclass
class Recovery:
    """What one recovery pass did: the jobs put back in the queue and whose they were."""

    jobs: int = 0
    workers: list[str] = field(default_factory=list)
    silent_seconds: float = 0.0  # how long the longest-silent of those workers had not beaten

    def describe(self) -> str:
        return (f"{timezone.now().isoformat()} recovered {self.jobs} job(s) of stopped worker(s) "
                f"{', '.join(self.workers) or '(unregistered)'} (silent for {self.silent_seconds:.1f} s)")


def recover(stale_after: float) -> Recovery:
    """Put back in the queue the jobs claimed by workers silent for `stale_after` seconds.

    A job counts as orphaned when the last worker that claimed it is registered but silent, or is not
    registered at all and claimed it more than `stale_after` seconds ago (a worker declared dead, then
    killed before its next heartbeat registered it again). A silent worker on this host whose process still
    runs is not dead, only held up (on SQLite its heartbeat's write can wait a long time behind busy
    workers), for up to ten times `stale_after`. A recovered job runs again from its start: the engine
    ignores outcomes it no longer awaits, so a job whose outcome was already committed changes nothing,
    and a task whose outcome was not committed is called again (AWS's at-least-once rule for task
    invocations)."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=stale_after)
    patience = now - timedelta(seconds=10 * stale_after)
    here = socket.gethostname()[:255]
    workers = list(Worker.objects.values_list("worker_id", "host", "pid", "last_seen"))
    seen = {worker: last for worker, _, _, last in workers}
    live_pids = {pid for _, host, pid, last in workers if host == here and last >= cutoff}
    dead = {worker: last for worker, host, pid, last in workers if last < cutoff and not (
        last >= patience and host == here and pid not in live_pids and _runs_worker(pid))}
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "worker_ids", "started_at")
    orphans, owners = [], set()
    for job in running:
        owner = job.worker_ids[-1] if job.worker_ids else None
        if owner in dead or (owner not in seen and job.started_at is not None and job.started_at < cutoff):
            orphans.append(job.id)
            owners.add(owner)
    result = Recovery()
    if orphans:
        # Only jobs still RUNNING: one that finished meanwhile keeps its result.
        result.jobs = DBTaskResult.objects.filter(id__in=orphans, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None)
        result.workers = sorted(str(owner) for owner in owners if owner in dead)
        result.silent_seconds = max(((now - dead[o]).total_seconds() for o in owners if o in dead), default=0.0)
    if dead:
        Worker.objects.filter(worker_id__in=list(dead), last_seen__lt=cutoff).delete()
    return result


def _runs_worker(pid: int) -> bool:
    """Whether process `pid` of this host is (still) an execution worker. A killed one is gone, or a zombie
    with an empty command line; without /proc there is no telling, and the heartbeat alone decides."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return b"runexecutions" in cmdline.read()
    except OSError:
        return False


PRUNE_EVERY_SECONDS = 300.0
KEEP_FINISHED_JOBS_SECONDS = 3600.0


def prune_finished_jobs() -> int:
    """Delete jobs that succeeded over an hour ago: an execution's history lives in its own tables, not here.
    Failed jobs stay for inspection (they mean a bug: the runtime's jobs retry what can be retried)."""
    cutoff = timezone.now() - timedelta(seconds=KEEP_FINISHED_JOBS_SECONDS)
    deleted, _ = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=cutoff).delete()
    return deleted


class ExecutionWorker(QueueWorker):
    """django-tasks-db's worker loop, with what executions/queue.py adds: a job chained to this worker by the
    step it just committed runs next without going back to the queue, and an idle worker sleeps until a step
    queues work (or the poll interval passes) instead of sleeping the whole interval."""

    def run(self) -> None:
        waker = queue.Waker(self.worker_id)
        try:
            while self.running:
                close_old_connections()
                job, looked = self._claim()
                if job is not None:
                    self.run_task(job)
                if self.batch and looked and job is None:
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                if self.running and job is None:
                    waker.wait(self.interval)
        finally:
            waker.close()

    def _claim(self) -> tuple[DBTaskResult | None, bool]:
        """The next ready job, claimed (the library's own queries); (None, False) when the database is busy."""
        jobs = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        with exclusive_transaction(jobs.db):
            try:
                job = jobs.get_locked()
                if job is not None:
                    job.claim(self.worker_id)
                return job, True
            except OperationalError as exc:
                if is_locked_database_exception(exc):
                    return None, False
                raise

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run the job, then the jobs its steps chained to this worker, one after the other."""
        job, chain_left = db_task_result, queue.MAX_CHAIN
        while job is not None:
            with queue.running_job(job.id, self.worker_id, chain_left) as running:
                self._run_one(job, running)
            job, chain_left = running.chained, chain_left - 1
            if job is not None and not self.running:
                # Stopping: the chained job goes back to the queue for the others rather than wait for recovery.
                DBTaskResult.objects.filter(pk=job.pk, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.READY, started_at=None)
                return

    def _run_one(self, job: DBTaskResult, running: queue.Running) -> None:
        self.running_task = True
        try:
            task = job.task
            result = job.task_result
            backend = task.get_backend()
            task_started.send(sender=type(backend), task_result=result)
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
            else:
                value = task.call(*result.args, **result.kwargs)
            if not running.finished:  # else the step that took the job's outcome marked it finished
                job.set_successful(value)
            task_finished.send(sender=type(backend), task_result=job.task_result)
        except BaseException as exc:  # noqa: BLE001 -- as the library's loop: the job fails, the worker goes on
            job.set_failed(exc)
            logger.exception("job %s failed", job.id)
        finally:
            self.running_task = False
            self._run_tasks += 1


class Command(BaseCommand):
    help = "Run the execution worker: task invocations and timers, with heartbeats and crash recovery."
    # A worker restarted by a supervisor should be back at work at once; the server runs the checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.05, help="seconds between polls when idle")
        parser.add_argument("--batch", action="store_true", help="exit when no job is ready")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--worker-id", default=None)
        parser.add_argument("--stale-after", type=float, default=10.0,
                            help="seconds of silence after which a worker's jobs are recovered")

    def handle(self, *args, interval, batch, max_tasks, worker_id, stale_after, **options):
        worker_id = worker_id or f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._register(worker_id)
        self._recover(stale_after)
        stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(worker_id, stale_after, stop), daemon=True)
        beat.start()
        jobs = ExecutionWorker(queue_names=["*"], interval=interval, batch=batch, backend_name="default",
                               startup_delay=not batch, max_tasks=max_tasks, worker_id=worker_id,
                               excluded_queue_names=[])
        previous = self._configure_signals(jobs)
        try:
            jobs.run()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            stop.set()
            beat.join(timeout=5)
            Worker.objects.filter(worker_id=worker_id).delete()

    @staticmethod
    def _configure_signals(jobs: QueueWorker) -> dict:
        """SIGTERM / SIGINT: finish the job at hand, then stop at the top of the loop; a second one stops at once.

        (The queue's own handler exits on the spot when no job runs, which can be in the middle of claiming
        one: inside BEGIN on SQLite, leaving the connection unusable for the worker's farewell.)"""
        def stop(signum, frame):
            if not jobs.running:
                sys.exit(1)
            logger.warning("received %s: stopping after the current job", signal.strsignal(signum))
            jobs.running = False

        if threading.current_thread() is not threading.main_thread():
            return {}
        names = ("SIGINT", "SIGTERM", "SIGQUIT")
        return {signum: signal.signal(signum, stop) for signum in
                (getattr(signal, name) for name in names if hasattr(signal, name))}

    @staticmethod
    def _register(worker_id: str) -> None:
        Worker.objects.update_or_create(worker_id=worker_id, defaults={
            "host": socket.gethostname()[:255], "pid": os.getpid(), "last_seen": timezone.now()})

    def _recover(self, stale_after: float) -> None:
        recovery = recover(stale_after)
        if recovery.jobs:
            self.stderr.write(recovery.describe())

    def _heartbeat(self, worker_id: str, stale_after: float, stop: threading.Event) -> None:
        # Beat well inside the stale window, so a live worker is never taken for a dead one.
        period = min(HEARTBEAT_SECONDS, stale_after / 3)
        next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        try:
            while not stop.wait(period):
                try:
                    close_old_connections()
                    if not Worker.objects.filter(worker_id=worker_id).update(last_seen=timezone.now()):
                        # Taken for dead (it could not beat for a while) and removed: its jobs were put back
                        # in the queue; register again so that what it claims from now on is recoverable.
                        logger.warning("worker %s was taken for stopped; registering again", worker_id)
                        self._register(worker_id)
                    self._recover(stale_after)
                    if time.monotonic() >= next_prune:
                        prune_finished_jobs()
                        prune_closed_executions()  # AWS keeps closed executions 90 days (retention.py)
                        next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
                except Exception:  # noqa: BLE001 -- a missed beat must not end the heartbeat for good
                    logger.exception("worker %s: heartbeat failed", worker_id)
                    connection.close()
        finally:
            connection.close()
