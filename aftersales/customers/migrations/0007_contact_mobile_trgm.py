"""A trigram index for the search by part of a phone number (尾号: ``mobile__contains``), PostgreSQL only.

The customer screen's search box finds customers by four or more digits of a contact's number
(``customers.filters.search_customers``): ``mobile LIKE '%5678%'``, which no B-tree serves. On 200,000
numbers the scan took 18 ms and the trigram index 0.4 ms (docs/service.md). SQLite: a no-op.
"""

from django.db import migrations

INDEX = "contact_mobile_trgm_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON customers_contact USING gin (mobile gin_trgm_ops)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0006_contact_one_primary"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
