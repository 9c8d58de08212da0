"""Where the time of one order create goes, in one process (no HTTP server, no load client).

    .venv/bin/python benchmarks/profile_create.py --database-url postgres://postgres@127.0.0.1:5432/mydb
    .venv/bin/python benchmarks/profile_create.py --database-url ... --profile   # + cProfile's top functions

``POST /api/v1/orders`` through Django's test client (the whole middleware stack) with a bearer token,
the same body as ``run.py``'s create case (a repair of a unit bought with proof of purchase), against a
migrated database of your own: a centre, a customer and a unit are made when it has none. Prints the
creates per CPU second of this process, the statements per create and the Python function calls per
create (cProfile's count: it does not move with the machine's load, unlike every time). The orders it
makes stay in that database: do not point it at the benchmark database.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import secrets
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(url: str) -> Any:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.base")
    import django

    django.setup()
    from django.test import Client

    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import ApiToken, User
    from aftersales.installed_base.models import Unit

    unit = Unit.objects.filter(purchase_date__isnull=False).select_related("customer").first()
    if unit is None:
        from aftersales.customers.tests.factories import CustomerFactory
        from aftersales.installed_base.tests.factories import UnitFactory

        unit = UnitFactory(customer=CustomerFactory())
    user, _created = User.objects.get_or_create(username="profile-create", defaults={"role": Role.ADMIN})
    key = secrets.token_urlsafe(16)
    ApiToken.objects.create(user=user, name=f"profile-{key[:8]}", key_hash=ApiToken.hash_key(key))
    client = Client(headers={"Authorization": f"Bearer {key}"})
    body = json.dumps(
        {
            "kind": "repair",
            "customer_id": unit.customer_id,
            "unit_id": unit.pk,
            "reporter_name": "压测",
            "reporter_phone": "13800138000",
            "description": "设备无法启动（压测）",
        },
        ensure_ascii=False,
    )

    def create() -> None:
        response = client.post("/api/v1/orders", body, content_type="application/json")
        if response.status_code != 201:
            raise SystemExit(f"unexpected answer {response.status_code}: {response.content[:300]!r}")

    return create


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--creates", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions (CPU time)")
    args = parser.parse_args()
    create = setup(args.database_url)
    from django.db import connection

    for _ in range(20):  # warm the caches (policies, calendar, translations)
        create()
    cpu = time.process_time()
    for _ in range(args.creates):
        create()
    per_cpu_second = args.creates / (time.process_time() - cpu)
    statements: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        create()
    counter = cProfile.Profile()
    counter.enable()
    for _ in range(50):
        create()
    counter.disable()
    calls = pstats.Stats(counter).total_calls / 50  # type: ignore[attr-defined]
    print(
        f"{per_cpu_second:.0f} creates per CPU s, {len(statements)} statements, "
        f"{calls:.0f} Python calls per create (load average {os.getloadavg()[0]:.1f})"
    )
    if args.profile:
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(args.creates):
            create()
        profile.disable()
        stats = pstats.Stats(profile).sort_stats(os.environ.get("PROFILE_SORT", "cumulative"))
        stats.print_stats(40)
        if os.environ.get("PROFILE_CALLEES"):
            stats.print_callees(os.environ["PROFILE_CALLEES"])


if __name__ == "__main__":
    main()
