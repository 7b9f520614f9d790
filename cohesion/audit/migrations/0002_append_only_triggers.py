"""Make the audit table append-only in the database itself, not just in the ORM.

UPDATE is refused on both databases. DELETE is refused on PostgreSQL; on SQLite
(the embedded, single-site database) Django's test flush needs DELETE, so there
the ORM guard alone stops deletion. TRUNCATE, which needs table ownership, stays
available to operators on PostgreSQL.
"""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        schema_editor.execute(
            "CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE OR DELETE ON audit_auditevent "
            "FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent "
            "BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END;"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS audit_auditevent_no_update ON audit_auditevent;"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_auditevent_append_only();")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update;")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
