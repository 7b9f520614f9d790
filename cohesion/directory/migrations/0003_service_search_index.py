"""PostgreSQL: a GIN index on the expression the directory's keyword search matches.

Without it every keyword search computed `to_tsvector` for every service (about
450 ms at 20,000 services; benchmarks/directory_search.py). The expression is
exactly what `SearchVector("name", "description", config="english")` compiles to,
so the planner can use the index. SQLite has no full-text vectors; its search is
`LIKE`, so nothing is done there.
"""

from django.db import migrations

INDEX = "directory_service_search"
EXPRESSION = (
    "to_tsvector('english'::regconfig, "
    "((COALESCE(name, ''::character varying))::text || ' '::text) "
    "|| COALESCE(description, ''::text))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_service USING gin ({EXPRESSION})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_location_box_indexes")]
    operations = [migrations.RunPython(create, drop)]
