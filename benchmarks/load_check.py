"""Load a tiny data set with the benchmark loaders and read it back through the order list API: the
check that keeps the loaders in step with the schema (a new NOT NULL column the loaders' raw INSERT/COPY
does not write fails here, not at the next benchmark run). CI runs it through
``aftersales/tests/test_benchmark_loaders.py``; by hand:

    .venv/bin/python benchmarks/load_check.py --sqlite /tmp/check.sqlite3             # load_data.py
    .venv/bin/python benchmarks/load_check.py --database-url postgres://…/aftersales_check  # + parts, activity

``load_data.py --orders N`` loads the data (customers and units scale with N); on PostgreSQL also
``parts_data.py`` and ``load_activity.py`` at a matching small size (they load PostgreSQL only). Then
every list case of ``run.py`` (statuses, SLA state, phone and name search) and the unfiltered list are
requested through Django's test client with a token of ``run.py``'s benchmark user. Prints one JSON object:
row counts per table and, per request, its status and number of items. Loads into an empty database (or
creates it on PostgreSQL); it is the caller's to throw away.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_data  # noqa: E402  (the loaders next to this file)

ORDERS = 500
# parts_data.py and load_activity.py at about the same fraction of their defaults as the orders; enough
# locations for the warehouse, the 20 centres' stores and some vans.
PARTS = {"--parts": "100", "--locations": "40", "--moves": "5000"}
LINES = "2500"
TABLES = (
    "accounts_servicecenter",
    "accounts_user",
    "catalog_productmodel",
    "customers_customer",
    "customers_contact",
    "customers_site",
    "installed_base_unit",
    "service_serviceorder",
    "core_dailycounter",
)
POSTGRESQL_TABLES = (
    "parts_part",
    "parts_location",
    "parts_stockmove",
    "parts_stock",
    "service_visit",
    "parts_visitpart",
    "money_chargeline",
    "contracts_contract",
    "workforce_attendance",
    "care_followuptask",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--sqlite", metavar="PATH")
    parser.add_argument("--orders", type=load_data.positive, default=ORDERS)
    args = parser.parse_args(argv)
    url = f"sqlite:///{Path(args.sqlite).resolve()}" if args.sqlite else args.database_url
    if not url:
        raise SystemExit("--sqlite PATH or --database-url postgres://…")
    postgresql = url.startswith("postgres")

    if load_data.main(["--database-url", url, "--orders", str(args.orders)]) != 0:
        raise SystemExit("load_data.py failed")
    tables = TABLES
    if postgresql:
        import load_activity  # noqa: PLC0415 - they set Django up for PostgreSQL only
        import parts_data  # noqa: PLC0415

        if parts_data.main(["--database-url", url, *(x for item in PARTS.items() for x in item)]) != 0:
            raise SystemExit("parts_data.py failed")
        if load_activity.main(["--database-url", url, "--lines", LINES]) != 0:
            raise SystemExit("load_activity.py failed")
        tables += POSTGRESQL_TABLES
    print(json.dumps({"counts": counts(tables), "requests": read_lists()}))
    return 0


def counts(tables: tuple[str, ...]) -> dict[str, int]:
    from django.db import connection  # noqa: PLC0415 - after load_data's Django set-up

    result = {}
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - the names above
            result[table] = cur.fetchone()[0]
    return result


def read_lists() -> dict[str, dict[str, int]]:
    """Status and item count of each list request ``run.py`` measures, with values of this data."""
    import run  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from aftersales.accounts.services import issue_token  # noqa: PLC0415
    from aftersales.service.models import ServiceOrder  # noqa: PLC0415

    _user, password = run.prepare_user()
    client = Client(
        headers={"Authorization": f"Bearer {issue_token(username=run.BENCH_USER, password=password, ip='check').key}"}
    )
    # run.pick_values reads order 500,000's phone: this data's middle order instead.
    middle = ServiceOrder.objects.order_by("id")[ServiceOrder.objects.count() // 2]
    values = {"centre": run.CENTRE, "phone": middle.reporter_phone, "name4": "华通机电", "name2": "华通"}
    paths = {"all": "/api/v1/orders"}
    paths |= {case["key"]: "/api/v1/orders?" + urllib.parse.urlencode(case["params"]) for case in run.cases(values)}
    result = {}
    for key, path in paths.items():
        response = client.get(path)
        items = len(response.json()["items"]) if response.status_code == 200 else -1
        result[key] = {"status": response.status_code, "items": items}
    return result


if __name__ == "__main__":
    sys.exit(main())
