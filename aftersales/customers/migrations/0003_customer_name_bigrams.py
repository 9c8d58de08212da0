"""A bigram index for two-character customer-name searches (``华通``), on PostgreSQL only.

The trigram index of 0002 serves ``name__icontains`` for three characters or more; a two-character
fragment would scan every customer (benchmarks/README.md: 168 ms at 100,000 customers). pg_bigm is not
packaged for the PostgreSQL we deploy on, so the database computes each name's distinct upper-cased
character pairs with an immutable SQL function and indexes them with GIN; ``CustomerQuerySet.
name_contains`` asks ``aftersales_bigrams(name) @> ARRAY[UPPER(fragment)]`` (0.1 ms). The index is an
expression index: PostgreSQL keeps it current on every insert and update, whatever the write path.
SQLite: a no-op (the search uses ``icontains``).
"""

from django.db import migrations

INDEX = "customer_name_bigram_idx"
FUNCTION = "aftersales_bigrams"
# The distinct pairs of consecutive characters of UPPER(name); '{}' for a one-character name.
CREATE_FUNCTION = (
    "CREATE OR REPLACE FUNCTION aftersales_bigrams(text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
    "AS $$ SELECT coalesce(array_agg(DISTINCT substr(upper($1), i, 2)), '{}') "
    "FROM generate_series(1, length($1) - 1) AS i $$"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON customers_customer USING gin ({FUNCTION}(name::text))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_customer_name_trgm"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
