"""Spare-parts benchmark (issue 9), over HTTP with a real server (granian, 2 WSGI workers, production
settings), on the data of ``parts_data.py``:

* ``stock``: ``GET /api/v1/part-locations/{store}/stock/{part}`` — the available stock of one part at one
  location: median under 20 ms and within 3× its raw SQL;
* ``shortages``: ``GET /api/v1/part-shortages?service_center_id={centre}`` — the shortage list of a centre
  (first 100 rows): the same targets;
* ``issue``: ``POST /api/v1/visits/{visit}/parts`` (one unit from the centre's store), 4 concurrent clients:
  at least 200/s.

HTTP and raw SQL are timed as ``run.py`` times them (``../shared/bench/loadtest.py``; the statements of the
same request captured in-process and replayed through a bare psycopg connection). The issue run's ledger
entries, parts-used rows and the store's balance are put back afterwards, so runs repeat on the same data.

    .venv/bin/python benchmarks/parts_run.py [--database-url …] [--only stock,shortages,issue]

Writes benchmarks/results_parts.json. Nothing here is part of ``make test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (the order benchmark next to this file: server, token, timing helpers)

ROOT = run.ROOT
TARGET_MS = 20
ISSUE_TARGET_PER_S = 200


def pick(user: Any) -> dict[str, Any]:
    """A centre's store with many stocked parts, a part it holds, and an open visit of that centre."""
    from django.db.models import Count

    from aftersales.parts.models import Location, Stock

    store = (
        Location.objects.filter(kind="store", service_center__isnull=False)
        .annotate(n=Count("stock"))
        .order_by("-n", "pk")
        .first()
    )
    if store is None:
        raise SystemExit("no parts data: run benchmarks/parts_data.py first")
    stock = Stock.objects.filter(location=store, on_hand__gt=0).order_by("pk").first()
    return {
        "store": store,
        "part_id": stock.part_id,
        "centre": store.service_center_id,
        "visit": open_visit(user, store),
    }


def open_visit(user: Any, store: Any) -> int:
    """An unsigned visit on an open order of the store's centre (one is made when there is none)."""
    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import User
    from aftersales.customers.services import ContactData, create_customer
    from aftersales.service.models import ServiceOrder, Visit
    from aftersales.service.services import assign_technician, open_order, record_visit

    visit = (
        Visit.objects.filter(
            order__service_center_id=store.service_center_id, signed_at__isnull=True, order__status="on_site"
        )
        .order_by("pk")
        .first()
    )
    if visit is not None:
        return visit.pk
    centre = store.service_center
    technician = User.objects.filter(role=Role.TECHNICIAN, service_center=centre).order_by("pk").first()
    if technician is None:
        technician = User.objects.create(
            username=f"parts-bench-tech-{centre.pk}", role=Role.TECHNICIAN, service_center=centre
        )
    order = ServiceOrder.objects.filter(service_center=centre, status="dispatched").order_by("pk").first()
    if order is None:
        customer = create_customer(
            by=user, kind="company", name="压测客户", service_center=centre,
            contacts=[ContactData(name="压测", mobile="13800138000")],
        )  # fmt: skip
        order = open_order(
            by=user, customer=customer, unit=None, kind="repair", reporter_name="压测",
            reporter_phone="13800138000", description="备件压测",
        )  # fmt: skip
        order = assign_technician(order, by=user, technician=technician)
    return record_visit(order, by=user).pk


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", run.DEFAULT_URL))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--budget", type=float, default=6.0, help="seconds at most per round")
    parser.add_argument("--issue-clients", type=int, default=4)
    parser.add_argument("--issue-seconds", type=int, default=10)
    parser.add_argument("--issue-rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="stock,shortages,issue")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results_parts.json"))
    args = parser.parse_args(argv)
    only = set(args.only.split(","))

    run.setup_django(args.database_url)
    from django.db import connection
    from django.test import Client

    from aftersales.parts.services.stock import receive_stock

    user, password = run.prepare_user()
    picked = pick(user)
    store, part_id = picked["store"], picked["part_id"]
    paths = {
        "stock": f"/api/v1/part-locations/{store.pk}/stock/{part_id}",
        "shortages": f"/api/v1/part-shortages?service_center_id={picked['centre']}&limit=100",
    }
    client = Client()
    client.force_login(user)
    results: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": run.git_commit(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "cases": {},
    }
    server = run.Server(url=args.database_url, port=args.port, workers=args.workers)
    try:
        server.wait()
        token = run.http_token(server.base, user.username, password)
        for key, path in paths.items():
            if key not in only:
                continue
            status, statements = run.capture_request(client, path)
            record = run.loadtest(
                server.base, path, token=token, label=key, concurrency=1, requests=args.requests, runs=args.rounds,
                duration=args.budget, warmup=5,
            )  # fmt: skip
            raw = run.time_sql(
                args.database_url, statements, rounds=args.rounds, requests=args.requests, budget=args.budget
            )
            http_ms = record["median"]["p50_ms"]
            results["cases"][key] = {
                "path": path,
                "status": status,
                "http_ms": http_ms,
                "raw_sql_ms": raw["median_ms"],
                "ratio": http_ms / raw["median_ms"],
                "meets_target": http_ms <= TARGET_MS and http_ms <= 3 * raw["median_ms"],
                "load_average": os.getloadavg()[0],
            }
            run.log(f"{key}: HTTP {http_ms:.1f} ms, raw SQL {raw['median_ms']:.2f} ms")
        if "issue" in only:
            with connection.cursor() as cur:
                cur.execute("SELECT coalesce(max(id), 0) FROM parts_stockmove")
                (max_move,) = cur.fetchone()
            receive_stock(by=user, location=store, part=_part(part_id), quantity=1_000_000, reason="parts benchmark")
            payload = json.dumps(
                {"lines": [{"part_id": part_id, "quantity": "1", "location_id": store.pk, "old_part_fate": "scrapped"}]}
            )
            record = run.loadtest(
                server.base, f"/api/v1/visits/{picked['visit']}/parts", token=token, label="issue", method="POST",
                payload=payload, concurrency=args.issue_clients, requests=1_000_000, duration=args.issue_seconds,
                warmup=20, runs=args.issue_rounds, pause=1, expect=201,
            )  # fmt: skip
            results["cases"]["issue"] = {
                "clients": args.issue_clients,
                "ok_per_s": record["median"]["ok_rps"],
                "p50_ms": record["median"]["p50_ms"],
                "errors": sum(r["requests"] - r["ok"] for r in record["runs"]),
                "meets_target": record["median"]["ok_rps"] >= ISSUE_TARGET_PER_S,
                "load_average": os.getloadavg()[0],
            }
            run.log(f"issue: {record['median']['ok_rps']:.0f}/s with {args.issue_clients} clients")
            put_back(max_move, store.pk, part_id)
    finally:
        server.stop()
    Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    run.log(f"wrote {args.out}")
    return 0


def _part(part_id: int) -> Any:
    from aftersales.parts.models import Part

    return Part.objects.get(pk=part_id)


def put_back(max_move: int, location_id: int, part_id: int) -> None:
    """Remove what the run wrote (raw SQL: the ledger refuses deletes through the ORM on purpose) and
    set the balance back to the sum of its remaining entries."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM parts_visitpart WHERE move_id > %s", [max_move])
        cur.execute("DELETE FROM parts_stockmove WHERE id > %s", [max_move])
        cur.execute(
            "UPDATE parts_stock SET on_hand = (SELECT coalesce(sum(on_hand_delta), 0) FROM parts_stockmove "
            "WHERE location_id = %s AND part_id = %s), reserved = 0 WHERE location_id = %s AND part_id = %s",
            [location_id, part_id, location_id, part_id],
        )


if __name__ == "__main__":
    sys.exit(main())
