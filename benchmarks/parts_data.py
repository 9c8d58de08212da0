"""Load the spare-parts benchmark data (issue 9) into the PostgreSQL benchmark database with ``COPY``:
10,000 parts, 200 locations (the central warehouse, one store per service centre, vans for the
rest) and 5,000,000 stock-ledger entries, with the balance of every (location, part) set to the sum
of its entries (never negative) and minimum/maximum levels that leave some parts short.

    .venv/bin/python benchmarks/parts_data.py                      # full size (lead: quiet machine)
    .venv/bin/python benchmarks/parts_data.py --parts 200 --locations 20 --moves 20000   # a quick check

Runs on the database of ``load_data.py`` (its centres and technicians are used when there; otherwise
it makes 20 centres itself). A no-op when parts are loaded already (``--force`` loads again). The
ledger table's secondary indexes and foreign keys are dropped during the copy and rebuilt from their
catalog definitions (``load_data.BareTable``), then ``VACUUM ANALYZE``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_data  # noqa: E402  (the loader next to this file: COPY helpers, BareTable, set-up)

DEFAULT_URL = load_data.DEFAULT_URL
KINDS_OUT = ("issue", "issue", "issue", "transfer_out", "scrap", "adjustment")


def log(msg: str) -> None:
    load_data.log(msg)


def ensure_centres() -> list[int]:
    """The service centres of ``load_data.py``, or 20 of its own on an empty database."""
    from aftersales.accounts.models import ServiceCenter

    if not ServiceCenter.objects.exists():
        for i in range(20):
            ServiceCenter.objects.create(code=f"B{i:02d}", name=f"压测网点{i}", region="华东")
    return list(ServiceCenter.objects.order_by("pk").values_list("pk", flat=True))


def bench_actor() -> int:
    """Who the generated entries name: a parts keeper of its own."""
    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import User

    user, _ = User.objects.get_or_create(username="parts-bench-keeper", defaults={"role": Role.PARTS_KEEPER})
    return user.pk


def load(*, parts: int, locations: int, moves: int, seed: int) -> None:
    from django.db import connection

    rnd = random.Random(seed)
    ts = time.time()
    stamp = load_data.ts(ts)
    centres = ensure_centres()
    actor = bench_actor()
    with connection.cursor() as cur:
        # The rows made above fire deferred foreign-key checks; dropping the ledger's constraints for the
        # copy needs none pending ("cannot ALTER TABLE … because it has pending trigger events").
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SELECT id, service_center_id FROM accounts_user WHERE role = 'technician' ORDER BY id")
        technicians = cur.fetchall()

        started = time.monotonic()
        raw = connection.connection.cursor()
        supplier_rows = [(f"S{i:03d}", f"压测供应商{i}", "t", "", stamp, stamp) for i in range(50)]
        load_data.copy_rows(
            raw, "parts_supplier", ("code", "name", "outside", "contact", "created_at", "updated_at"), supplier_rows
        )
        cur.execute("SELECT id FROM parts_supplier ORDER BY id")
        suppliers = [r[0] for r in cur.fetchall()]
        units = ("piece",) * 8 + ("set", "metre")

        def part_rows() -> Iterator[tuple]:
            for i in range(parts):
                cost = Decimal(rnd.randrange(100, 500_000)) / 100
                yield (
                    f"BP-{i:06d}", f"压测备件 {i}", units[i % len(units)], str(cost), str(rnd.choice(suppliers)),
                    str(rnd.choice((0, 6, 12, 24))), "t" if i % 20 == 0 else "f", "f", "t", stamp, stamp,
                )  # fmt: skip

        load_data.copy_rows(
            raw, "parts_part",
            ("number", "name", "unit", "cost", "supplier_id", "supplier_warranty_months", "warranty_critical",
             "turnover", "active", "created_at", "updated_at"),
            part_rows(),
        )  # fmt: skip
        cur.execute("SELECT id, cost FROM parts_part ORDER BY id")
        part_ids = [r[0] for r in cur.fetchall()]
        price_day = "2026-01-01"
        load_data.copy_rows(
            raw, "parts_partprice", ("part_id", "valid_from", "price", "created_at"),
            ((str(pid), price_day, str(Decimal(rnd.randrange(200, 900_000)) / 100), stamp) for pid in part_ids),
        )  # fmt: skip

        # Locations: the warehouse, one store per centre, then vans (technicians') or more stores.
        location_rows = [("WH-B", "压测中心仓库", "warehouse", None, None)]
        for i, centre in enumerate(centres):
            if len(location_rows) < locations:
                location_rows.append((f"ST-B{i:02d}", f"压测库房 {i}", "store", centre, None))
        tech = iter(technicians)
        n = 0
        while len(location_rows) < locations:
            holder = next(tech, None)
            if holder is not None:
                location_rows.append((f"VAN-B{n:04d}", f"压测服务车 {n}", "van", holder[1], holder[0]))
            else:
                location_rows.append((f"ST-X{n:04d}", f"压测分库 {n}", "store", rnd.choice(centres), None))
            n += 1
        load_data.copy_rows(
            raw, "parts_location", ("code", "name", "kind", "service_center_id", "holder_id", "active", "created_at", "updated_at"),
            ((c, nm, k, "\\N" if sc is None else str(sc), "\\N" if h is None else str(h), "t", stamp, stamp)
             for c, nm, k, sc, h in location_rows),
        )  # fmt: skip
        cur.execute("SELECT id, kind FROM parts_location ORDER BY id")
        location_ids = [(r[0], r[1]) for r in cur.fetchall()]
        log(f"catalogue, prices and {len(location_ids)} locations in {time.monotonic() - started:.1f}s")

        # Which parts each location stocks: the warehouse all, a store 2,000, a van 60.
        stocked: list[tuple[int, int]] = []
        for loc, kind in location_ids:
            count = len(part_ids) if kind == "warehouse" else min(len(part_ids), 2000 if kind == "store" else 60)
            stocked.extend((loc, pid) for pid in rnd.sample(part_ids, count))
        balance: dict[tuple[int, int], int] = {}

        def move_rows() -> Iterator[tuple]:
            base = ts - 3 * 365 * 86400
            step = 3 * 365 * 86400 / max(moves, 1)
            for i in range(moves):
                pair = stocked[rnd.randrange(len(stocked))]
                have = balance.get(pair, 0)
                if have < 3 or rnd.random() < 0.45:
                    qty, kind, delta = rnd.randint(1, 20), "receipt", None
                    delta = qty
                else:
                    qty = rnd.randint(1, min(have, 3))
                    kind, delta = rnd.choice(KINDS_OUT), -qty
                balance[pair] = have + delta
                yield (
                    kind, str(pair[0]), str(pair[1]), str(qty), str(delta), "0", "0", "0",
                    "", "", "", "", "", "", str(actor), "", load_data.ts(base + i * step),
                )  # fmt: skip

        started = time.monotonic()
        columns = (
            "kind", "location_id", "part_id", "quantity", "on_hand_delta", "reserved_delta", "in_transit_delta",
            "defective_delta", "order_id", "visit_id", "supplier_id", "unit_cost", "serial", "request_id", "actor_id",
            "reason", "created_at",
        )  # fmt: skip
        with load_data.BareTable(cur, "parts_stockmove"):
            written = load_data.copy_rows(raw, "parts_stockmove", columns, _nulls(move_rows(), (8, 9, 10, 11, 13)))
        log(f"{written} ledger entries in {time.monotonic() - started:.1f}s")
        started = time.monotonic()
        filled = load_data.fill_on_hand_after(raw)
        log(f"balance after each entry written on {filled} entries in {time.monotonic() - started:.1f}s")

        started = time.monotonic()

        def stock_rows() -> Iterator[tuple]:
            for (loc, pid), on_hand in balance.items():
                low = rnd.choice((0, 0, 2, 5, 10))
                yield (str(loc), str(pid), str(on_hand), "0", "0", "0", str(low), str(low * 3), "", stamp)

        with load_data.BareTable(cur, "parts_stock"):
            load_data.copy_rows(
                raw, "parts_stock",
                ("location_id", "part_id", "on_hand", "reserved", "in_transit", "defective", "min_qty", "max_qty", "bin", "updated_at"),
                stock_rows(),
            )  # fmt: skip
        log(f"{len(balance)} balances in {time.monotonic() - started:.1f}s")


def _nulls(rows: Iterable[tuple], positions: tuple[int, ...]) -> Iterator[tuple]:
    """COPY reads \\N as NULL: the empty foreign keys and amounts of the generated entries."""
    for row in rows:
        yield tuple("\\N" if i in positions and value == "" else value for i, value in enumerate(row))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--parts", type=int, default=10_000)
    parser.add_argument("--locations", type=int, default=200)
    parser.add_argument("--moves", type=int, default=5_000_000)
    parser.add_argument("--force", action="store_true", help="empty the parts tables and load again")
    parser.add_argument("--seed", type=int, default=20261204)
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        raise SystemExit("the parts benchmark loads PostgreSQL with COPY (--database-url postgres://…)")
    total = time.monotonic()
    load_data.ensure_database(args.database_url)
    load_data.setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM parts_part")
        (existing,) = cur.fetchone()
        if existing and not args.force:
            log(f"{existing} parts already loaded: nothing to do (--force loads again)")
            return 0
        if existing:
            cur.execute(
                "TRUNCATE parts_visitpart, parts_stockmove, parts_stock, parts_reservation, parts_stockrequestline, "
                "parts_stockrequest, parts_claimphoto, parts_supplierclaim, parts_loan, parts_stocktakeline, "
                "parts_stocktake, parts_partprice, parts_part_compatible_models, parts_part, parts_location, "
                "parts_supplier RESTART IDENTITY CASCADE"
            )
    with transaction.atomic():
        load(parts=args.parts, locations=args.locations, moves=args.moves, seed=args.seed)
    with connection.cursor() as cur:
        for table in ("parts_stockmove", "parts_stock", "parts_part", "parts_location"):
            cur.execute(f"VACUUM ANALYZE {table}") if connection.get_autocommit() else cur.execute(f"ANALYZE {table}")
    log(f"total {time.monotonic() - total:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
