"""Import rate (rows/s) of every import kind, preview and import, on a fresh database of its own.

    .venv/bin/python benchmarks/import_rate.py                                  # PostgreSQL, aftersales_bench_import
    .venv/bin/python benchmarks/import_rate.py --database-url sqlite:////tmp/bench_import.sqlite3
    .venv/bin/python benchmarks/import_rate.py --rows 10000 --rounds 3 --history

Creates (or empties) the database, migrates it, makes a centre, a manager and technicians, then for
each kind (customers, units, orders) times ``--rounds`` rounds of a ``--rows``-row CSV file:
``preview_import`` (checks only) and ``run_import`` (checks, then writes), as the console and the
API call them; each round imports fresh rows. Prints the median rows/s of the rounds with the load
average at the time (the machine is shared). ``--history`` then imports 3 years of orders
(``import_files.py``, 30 calls a day, ~33,000 rows in 4 files) through the console's screens and
the API, and checks that every order arrived with its number. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_files import ORDER_HEADER, customer_rows, encode, order_rows, split, unit_rows  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftersales_bench_import"


def fresh_database(url: str) -> None:
    """Drop and create the benchmark's own database (PostgreSQL), or delete the SQLite file."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite://"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def expect(condition: bool, detail: Any) -> None:
    if not condition:
        raise SystemExit(f"unexpected answer: {detail!r}")


def load() -> float:
    return os.getloadavg()[0]


def upload(rows: list[list[str]], name: str, fmt: str = "csv") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content_type = "text/csv" if fmt == "csv" else "application/octet-stream"
    return SimpleUploadedFile(f"{name}.{fmt}", encode(rows, fmt), content_type=content_type)


def timed(kind: str, rows: list[list[str]], by: Any) -> tuple[float, float, float, float]:
    """rows/s of the preview and of the import of one file (wall clock), then the same per CPU
    second of this process (the app's own Python, whatever else the shared machine runs; the
    database server's work is not in it)."""
    from aftersales.exchange.importers import preview_import, run_import

    count = len(rows) - 1
    cpu = time.process_time()
    start = time.perf_counter()
    preview = preview_import(kind=kind, file=upload(rows, kind), by=by)
    checked = time.perf_counter()
    checked_cpu = time.process_time()
    if not preview.ok:
        raise SystemExit(f"{kind}: {preview.invalid} bad rows, e.g. {preview.error_rows()[0].as_dict()}")
    run_import(kind=kind, file=upload(rows, kind), by=by)
    done = time.perf_counter()
    done_cpu = time.process_time()
    return (
        count / (checked - start),
        count / (done - checked),
        count / (checked_cpu - cpu),
        count / (done_cpu - checked_cpu),
    )


def setup_world() -> tuple[Any, list[str]]:
    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import ServiceCenter, User
    from aftersales.catalog.models import ProductModel

    centre = ServiceCenter.objects.create(code="SH", name="上海服务网点")
    manager = User.objects.create_user(username="bench-manager", role=Role.MANAGER, service_center=centre)
    technicians = [f"tech{i:02d}" for i in range(1, 11)]
    for name in technicians:
        User.objects.create_user(username=name, role=Role.TECHNICIAN, service_center=centre)
    ProductModel.objects.create(code="KY-75", name="空调 KY-75", warranty_months=24)
    return manager, technicians


FIGURES = ("preview", "import", "preview_cpu", "import_cpu", "load")


def measure(rows: int, rounds: int, manager: Any, technicians: list[str]) -> dict[str, dict[str, float]]:
    """Each round imports its own customers, their units, then orders about those units."""
    figures: dict[str, dict[str, list[float]]] = {}
    for number in range(rounds):
        tag = chr(ord("A") + number)
        customers = customer_rows(rows, tag=tag, seed=number)
        units = unit_rows(customers, tag=tag)
        orders = list(order_rows(units, years=1, per_day=30, technicians=technicians, first_sequence=1 + 30 * number))
        for kind, table in (("customers", customers), ("units", units), ("orders", [ORDER_HEADER, *orders[:rows]])):
            loadavg = load()
            values = (*timed(kind, table, manager), loadavg)
            entry = figures.setdefault(kind, {name: [] for name in FIGURES})
            for name, value in zip(FIGURES, values, strict=True):
                entry[name].append(value)
            preview, imported, preview_cpu, import_cpu, _load = values
            print(
                f"  round {number + 1} {kind:9} preview {preview:6.0f} rows/s ({preview_cpu:5.0f} per CPU s)  "
                f"import {imported:6.0f} rows/s ({import_cpu:5.0f} per CPU s)  load {loadavg:.1f}"
            )
    return {
        kind: {name: statistics.median(values) for name, values in entry.items()} for kind, entry in figures.items()
    }


def history(manager: Any, technicians: list[str]) -> None:
    """3 years of orders through the console (preview, then import with the digest) and the API."""
    import secrets

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from aftersales.accounts.models import ApiToken
    from aftersales.exchange.jobs import file_digest
    from aftersales.service.models import ServiceOrder

    customers = customer_rows(3000, tag="H", seed=99)
    units = unit_rows(customers, tag="H")
    files = split(order_rows(units, years=3, per_day=30, technicians=technicians, first_sequence=501))
    console = Client()
    console.force_login(manager)
    key = secrets.token_urlsafe(16)
    ApiToken.objects.create(user=manager, name="bench", key_hash=ApiToken.hash_key(key))
    api = Client(headers={"Authorization": f"Bearer {key}"})
    start = time.perf_counter()
    for kind, table in (("customers", customers), ("units", units)):
        response = api.post(f"/api/v1/imports/{kind}", {"file": upload(table, kind, "xlsx")})
        expect(response.status_code == 201, response.content[:500])
    total = 0
    for number, table in enumerate(files):
        name = f"orders-{number + 1:02d}"
        total += len(table) - 1
        if number % 2 == 0:  # the console: preview, then import the same file with its digest
            content = encode(table, "xlsx")  # once: an xlsx written twice differs in its timestamps

            def same_file(content: bytes = content, name: str = name) -> Any:
                return SimpleUploadedFile(f"{name}.xlsx", content, content_type="application/octet-stream")

            digest = file_digest(same_file())
            response = console.post("/import/preview/", {"kind": "orders", "file": same_file()})
            expect(response.status_code == 200, response.status_code)
            response = console.post("/import/run/", {"kind": "orders", "file": same_file(), "digest": digest})
            expect(response.status_code in (200, 302), response.status_code)
        else:  # the API
            response = api.post("/api/v1/imports/orders", {"file": upload(table, name, "xlsx")})
            expect(response.status_code == 201, response.content[:500])
    elapsed = time.perf_counter() - start
    numbers = {row[0] for table in files for row in table[1:]}
    found = ServiceOrder.objects.filter(number__in=numbers).count()
    print(
        f"history: {len(customers) - 1} customers, {len(units) - 1} units, {total} orders "
        f"({len(files)} xlsx files, 3 years) through the console and the API in {elapsed:.0f} s; "
        f"{found} of {len(numbers)} numbers found"
    )
    expect(found == len(numbers) == total, "orders missing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_IMPORT_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--history", action="store_true", help="also import 3 years of orders (console + API)")
    args = parser.parse_args()
    fresh_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    manager, technicians = setup_world()
    engine = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"{engine}, {args.rows} rows a file, {args.rounds} rounds")
    medians = measure(args.rows, args.rounds, manager, technicians)
    print(f"\nmedian rows/s ({engine}, {args.rows} rows):")
    for kind, figure in medians.items():
        print(
            f"  {kind:9} preview {figure['preview']:6.0f} ({figure['preview_cpu']:5.0f} per CPU s)  "
            f"import {figure['import']:6.0f} ({figure['import_cpu']:5.0f} per CPU s)  load avg {figure['load']:.1f}"
        )
    if args.history:
        history(manager, technicians)


if __name__ == "__main__":
    main()
