"""A trigram index for the customer-name search (``name__icontains``), on PostgreSQL only.

Django turns ``name__icontains`` into ``UPPER(name::text) LIKE UPPER('%…%')``; a GIN index with
``gin_trgm_ops`` on the same ``UPPER(name)`` expression serves that LIKE for fragments of three or
more characters (benchmarks/README.md has the numbers). SQLite has no such index: a no-op there.
"""

from django.db import migrations

INDEX = "customer_name_trgm_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON customers_customer USING gin ((UPPER(name::text)) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: dropping it could break other objects that came to depend on it.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
