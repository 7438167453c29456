from django.db import migrations, models
from django.db.models import Max


def count_published_versions(apps, schema_editor):
    # Machines published before the counter existed continue after their highest version number.
    StateMachine = apps.get_model("designer", "StateMachine")
    for machine in StateMachine.objects.annotate(highest=Max("versions__number")).filter(highest__isnull=False):
        StateMachine.objects.filter(pk=machine.pk).update(last_version_number=machine.highest)


class Migration(migrations.Migration):

    dependencies = [
        ('designer', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='statemachine',
            name='last_version_number',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_published_versions, migrations.RunPython.noop),
    ]
