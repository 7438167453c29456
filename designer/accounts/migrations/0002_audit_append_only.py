"""The audit log refuses updates in the database too, whoever connects (not only through the ORM)."""
from django.db import migrations

SQLITE = [
    """CREATE TRIGGER accounts_auditevent_append_only BEFORE UPDATE ON accounts_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS accounts_auditevent_append_only"]
POSTGRESQL = [
    """CREATE FUNCTION accounts_auditevent_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
    """CREATE TRIGGER accounts_auditevent_append_only BEFORE UPDATE ON accounts_auditevent
       FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_refuse()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent",
    "DROP FUNCTION IF EXISTS accounts_auditevent_refuse()",
]


def forwards(apps, schema_editor):
    for statement in _statements(schema_editor, SQLITE, POSTGRESQL):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in _statements(schema_editor, SQLITE_REVERSE, POSTGRESQL_REVERSE):
        schema_editor.execute(statement)


def _statements(schema_editor, sqlite, postgresql):
    vendor = schema_editor.connection.vendor
    return {"sqlite": sqlite, "postgresql": postgresql}.get(vendor, [])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
