"""`python manage.py runexecutions`: the execution worker.

It runs the database task queue (django-tasks-db's worker loop: task invocations, timers) and adds what a
durable runtime needs on top: a heartbeat, and recovery of the jobs of workers that died mid-job (SIGKILL,
a lost machine). Run as many as you like, on as many machines as share the database.
"""
import os
import socket
import threading
import uuid
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as QueueWorker
from django_tasks_db.models import DBTaskResult
from django.tasks.base import TaskResultStatus

from executions.models import Worker

HEARTBEAT_SECONDS = 2.0


def recover_stale_jobs(stale_after: float) -> int:
    """Put back in the queue the jobs claimed by workers silent for `stale_after` seconds; return how many.

    A recovered job runs again from its start: the engine ignores outcomes it no longer awaits, so a job
    whose outcome was already committed changes nothing (and a task's resource may be called twice: the
    at-least-once rule AWS states for task invocations)."""
    cutoff = timezone.now() - timedelta(seconds=stale_after)
    dead = set(Worker.objects.filter(last_seen__lt=cutoff).values_list("worker_id", flat=True))
    if not dead:
        return 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "worker_ids")
    orphans = [job.id for job in running if job.worker_ids and job.worker_ids[-1] in dead]
    recovered = DBTaskResult.objects.filter(id__in=orphans, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None)
    Worker.objects.filter(worker_id__in=dead, last_seen__lt=cutoff).delete()
    return recovered


class Command(BaseCommand):
    help = "Run the execution worker: task invocations and timers, with heartbeats and crash recovery."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.1, help="seconds between polls when idle")
        parser.add_argument("--batch", action="store_true", help="exit when no job is ready")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--worker-id", default=None)
        parser.add_argument("--stale-after", type=float, default=10.0,
                            help="seconds of silence after which a worker's jobs are recovered")

    def handle(self, *args, interval, batch, max_tasks, worker_id, stale_after, **options):
        worker_id = worker_id or f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        Worker.objects.update_or_create(worker_id=worker_id, defaults={
            "host": socket.gethostname()[:255], "pid": os.getpid(), "last_seen": timezone.now()})
        recovered = recover_stale_jobs(stale_after)
        if recovered:
            self.stderr.write(f"recovered {recovered} job(s) of stopped workers")
        stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(worker_id, stale_after, stop), daemon=True)
        beat.start()
        queue = QueueWorker(queue_names=["*"], interval=interval, batch=batch, backend_name="default",
                            startup_delay=not batch, max_tasks=max_tasks, worker_id=worker_id,
                            excluded_queue_names=[])
        queue.configure_signals()
        try:
            queue.run()
        finally:
            stop.set()
            beat.join(timeout=5)
            Worker.objects.filter(worker_id=worker_id).delete()

    def _heartbeat(self, worker_id: str, stale_after: float, stop: threading.Event) -> None:
        try:
            while not stop.wait(HEARTBEAT_SECONDS):
                close_old_connections()
                Worker.objects.filter(worker_id=worker_id).update(last_seen=timezone.now())
                recover_stale_jobs(stale_after)
        finally:
            connection.close()
