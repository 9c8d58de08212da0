"""Test databases start from a kept copy of a migrated one (core/migrated_copy.py): the copy is the
migrated database, and a change to what migrate's result depends on makes a new one."""

import sqlite3
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aftersales.core import migrated_copy


def _migrations_and_tables_of_the_copy(copy: object) -> tuple[set[tuple[str, str]], set[str]]:
    if isinstance(copy, migrated_copy._SqliteCopy):
        source = sqlite3.connect(f"file:{copy.path}?mode=ro", uri=True)
        try:
            migrations = set(source.execute("SELECT app, name FROM django_migrations").fetchall())
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            source.close()
        return migrations, tables
    assert isinstance(copy, migrated_copy._PostgresCopy)
    params = connection.get_connection_params() | {"dbname": copy.template}
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with connection.creation._nodb_cursor() as cursor:
        # Nobody copies the template while this test reads it (CREATE DATABASE would refuse).
        cursor.execute("SELECT pg_advisory_lock(%s)", [migrated_copy.ADVISORY_LOCK])
        try:
            with psycopg.connect(**params) as source:
                migrations = {tuple(row) for row in source.execute("SELECT app, name FROM django_migrations")}
                tables = {
                    row[0] for row in source.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                }
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [migrated_copy.ADVISORY_LOCK])
    return migrations, tables


@pytest.mark.django_db
def test_the_test_database_and_its_kept_copy_are_migrated_to_the_last_migration():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    assert executor.migration_plan(leaves) == []
    model_tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True) if model._meta.managed}
    assert model_tables <= set(connection.introspection.table_names())

    copy = migrated_copy._copy_for(connection.creation, keepdb=False)
    assert copy is not None and copy.exists()
    migrations, tables = _migrations_and_tables_of_the_copy(copy)
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        assert migrations == {tuple(row) for row in cursor.fetchall()}
    assert set(executor.loader.graph.nodes) <= migrations
    assert model_tables <= tables


def _project(root: Path) -> None:
    files = {
        "requirements/dev.lock": "django==6.1\n",
        "aftersales/shop/models.py": "class Shop: ...\n",
        "aftersales/shop/migrations/0001_initial.py": "operations = []\n",
        "aftersales/shop/tests/factories.py": "class ShopFactory: ...\n",
        "aftersales/shop/tests/test_shop.py": "def test_shop(): ...\n",
        "aftersales/conftest.py": "import pytest\n",
        "aftersales/browser_tests/helpers.py": "def login(): ...\n",
        "aftersales/fuzz/test_openapi_fuzz.py": "def test_fuzz(): ...\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_the_key_follows_the_migrations_the_code_and_the_lock_but_not_the_tests(tmp_path):
    _project(tmp_path)
    key = migrated_copy.migration_key("django.db.backends.sqlite3", root=tmp_path)
    assert migrated_copy.migration_key("django.db.backends.sqlite3", root=tmp_path) == key
    assert migrated_copy.migration_key("django.db.backends.postgresql", root=tmp_path) != key

    for test_module in (
        "aftersales/shop/tests/test_shop.py",
        "aftersales/conftest.py",
        "aftersales/browser_tests/helpers.py",
        "aftersales/fuzz/test_openapi_fuzz.py",
    ):
        (tmp_path / test_module).write_text("# changed\n")
        assert migrated_copy.migration_key("django.db.backends.sqlite3", root=tmp_path) == key, test_module

    for source in (
        "aftersales/shop/migrations/0002_shop_name.py",
        "aftersales/shop/models.py",
        "aftersales/shop/tests/factories.py",
        "requirements/dev.lock",
    ):
        (tmp_path / source).write_text("# changed\n")
        changed = migrated_copy.migration_key("django.db.backends.sqlite3", root=tmp_path)
        assert changed != key, source
        key = changed
