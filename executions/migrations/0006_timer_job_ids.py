"""Timer jobs queued before timer job ids existed get the id a cancel now looks for (executions/queue.py).

A fire_timer job's id is derived from its execution, timer and due time, so CancelTimer deletes it by
primary key; a job queued earlier has a random id and would stay in the queue after its timer was
cancelled (the engine ignores it when it fires, but it would sit there for up to a year)."""
from datetime import timezone

from django.db import migrations

FIRE_TIMER = "executions.tasks.fire_timer"


def rename_timer_jobs(apps, schema_editor):
    from executions.queue import timer_job_id

    jobs = apps.get_model("django_tasks_database", "DBTaskResult")
    for job in jobs.objects.filter(status="READY", task_path=FIRE_TIMER).only("id", "args_kwargs", "run_after"):
        args = job.args_kwargs.get("args", [])
        if len(args) != 2:
            continue
        # As the engine writes a due time (interpreter.iso): UTC, milliseconds, "Z".
        due = job.run_after.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        new_id = timer_job_id(args[0], args[1], due)
        if new_id != job.id and not jobs.objects.filter(pk=new_id).exists():
            jobs.objects.filter(pk=job.id).update(id=new_id)


class Migration(migrations.Migration):
    dependencies = [
        ("executions", "0005_map_runs"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(rename_timer_jobs, migrations.RunPython.noop)]
