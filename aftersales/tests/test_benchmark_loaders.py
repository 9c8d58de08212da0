"""The benchmark loaders (benchmarks/) still load today's schema: they write rows with raw INSERT/COPY,
so a new NOT NULL column without a database default broke them unnoticed until the next benchmark run
(catalog.0003, customers.0004). Each test loads a tiny data set through ``benchmarks/load_check.py`` in
a process of its own, into a database of its own, and reads it back through the order list API.

The migrations are not run again: the new database is a copy of this run's migrated test database
(SQLite's backup of the in-memory one; PostgreSQL's CREATE DATABASE … TEMPLATE), so the loader's own
``migrate`` finds nothing to do. Each database checks its own path: the SQLite run the executemany path,
the PostgreSQL run the COPY path of all three loaders (a fresh migrate of the other kind of database
would cost ~15 s more).
"""

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
ORDERS = 500


def _load_check(url: str) -> dict[str, Any]:
    # The loaders' own settings (aftersales.settings.base), not the test settings this process runs with.
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    done = subprocess.run(  # noqa: S603 - this interpreter, a script of the repository
        [sys.executable, "benchmarks/load_check.py", "--database-url", url, "--orders", str(ORDERS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"load_check.py failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def _url(settings: dict[str, Any], name: str) -> str:
    """A URL of database ``name`` on the test database's server, for the loaders' --database-url."""
    auth = quote(settings["USER"] or "postgres", safe="")
    if settings["PASSWORD"]:
        auth += ":" + quote(settings["PASSWORD"], safe="")
    return f"postgres://{auth}@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/{name}"


def _assert_loaded(result: dict[str, Any]) -> None:
    counts = result["counts"]
    assert counts["service_serviceorder"] == ORDERS
    # The proportions of the full load: 100,000 customers and 300,000 units for 1,000,000 orders.
    assert counts["customers_customer"] == ORDERS // 10
    assert counts["customers_site"] == ORDERS // 10
    assert counts["customers_contact"] >= ORDERS // 10
    assert counts["installed_base_unit"] == 3 * ORDERS // 10
    assert counts["accounts_servicecenter"] == 20
    requests = result["requests"]
    assert {key: r["status"] for key, r in requests.items()} == dict.fromkeys(requests, 200)
    assert requests["all"]["items"] == 25  # a full first page
    assert requests["c"]["items"] >= 1  # the phone of an order that exists


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's path, on the SQLite run")
@pytest.mark.django_db(transaction=True)
def test_load_data_fills_a_sqlite_file_the_order_list_reads(tmp_path: Path) -> None:
    target = tmp_path / "bench.sqlite3"
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)

    result = _load_check(f"sqlite:///{target}")

    _assert_loaded(result)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's COPY path, on the PostgreSQL run")
@pytest.mark.django_db(transaction=True)
def test_loaders_fill_a_postgresql_database_the_order_list_reads() -> None:
    settings = connection.settings_dict
    # A name of its own: parallel runs (xdist workers, other checkouts on the same server) never meet.
    name = f"aftersales_loadcheck_{uuid.uuid4().hex[:12]}"
    server = {
        "host": settings["HOST"],
        "port": settings["PORT"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
    }
    connection.close()  # a template database must have no other session
    with psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in server.items() if v}) as admin:
        try:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{settings["NAME"]}"')
        except psycopg.errors.ObjectInUse:
            # Another session still on this worker's test database (a thread's connection): an empty
            # database instead, which the loader migrates (slower, the same check).
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            result = _load_check(_url(settings, name))
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    _assert_loaded(result)
    counts = result["counts"]
    assert counts["parts_part"] == 100
    assert counts["parts_location"] == 40
    for table in ("parts_stockmove", "parts_stock", "service_visit", "parts_visitpart", "money_chargeline",
                  "contracts_contract", "workforce_attendance", "care_followuptask"):  # fmt: skip
        assert counts[table] > 0, table
