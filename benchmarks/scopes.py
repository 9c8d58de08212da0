"""The order list for other scopes and rarer values than run.py's cases, in one process.

    .venv/bin/python benchmarks/scopes.py                                    # the session's generic plans
    .venv/bin/python benchmarks/scopes.py --session-options "-c jit=off"     # PostgreSQL chooses the plans

run.py measures an administrator's list for common values. The prepared list reads are planned once,
generically (settings.base SESSION_OPTIONS): this script checks the values a generic plan could serve
badly — the rarest status, the biggest customer, a technician's scope (one who helps on 20 orders
included: the script adds those helper rows once), a centre's agent — and a technician's "My jobs" page, each the median ms of ``--requests`` requests through the WSGI
application (production settings, every middleware), against the benchmark database
(benchmarks/load_data.py, load_activity.py). It sets the benchmark users' passwords and tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aftersales_bench"),
    )
    parser.add_argument("--session-options", help="DATABASE_SESSION_OPTIONS (default: the settings' own)")
    parser.add_argument("--requests", type=int, default=9)
    parser.add_argument("--out", help="write the medians as JSON here")
    args = parser.parse_args(argv)

    if args.session_options is not None:
        os.environ["DATABASE_SESSION_OPTIONS"] = args.session_options
    from profile_list import environ, setup_django

    setup_django(args.database_url)
    from django.conf import settings

    # The "My jobs" page names its static files: from the source tree, without collectstatic's manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.db import connection
    from django.test import Client

    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import ApiToken, User
    from aftersales.accounts.services import issue_token
    from aftersales.wsgi import application

    def one(sql: str) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()

    def token_for(user: User) -> str:
        password = secrets.token_urlsafe(16)
        user.set_password(password)
        user.save()
        ApiToken.objects.filter(user=user).delete()
        return issue_token(username=user.username, password=password, ip="bench", name="scopes").key

    admin, _ = User.objects.get_or_create(username="bench", defaults={"role": Role.ADMIN})
    busiest = one(
        "SELECT technician_id FROM service_serviceorder WHERE technician_id IS NOT NULL"
        " GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )[0]
    lightest = one(
        "SELECT technician_id FROM service_serviceorder WHERE technician_id IS NOT NULL"
        " GROUP BY 1 ORDER BY count(*) LIMIT 1"
    )[0]
    # A technician who helps on 20 orders (load_data.py leaves the helpers table empty): the second
    # fewest orders, made a helper on the busiest one's 20 newest open orders (once).
    helper = one(
        "SELECT technician_id FROM service_serviceorder WHERE technician_id IS NOT NULL"
        " GROUP BY 1 ORDER BY count(*) LIMIT 1 OFFSET 1"
    )[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO service_serviceorder_helpers (serviceorder_id, user_id)"
            " SELECT id, %s FROM service_serviceorder WHERE technician_id = %s"
            " AND status IN ('dispatched', 'on_site', 'waiting') ORDER BY id DESC LIMIT 20"
            " ON CONFLICT DO NOTHING",
            [helper, busiest],
        )
    rare = one("SELECT status FROM service_serviceorder GROUP BY 1 ORDER BY count(*) LIMIT 1")[0]
    channel = one("SELECT channel FROM service_serviceorder GROUP BY 1 ORDER BY count(*) LIMIT 1")[0]
    big_customer = one("SELECT customer_id FROM service_serviceorder GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")[0]
    # A technician just hired: no orders yet (the generic plan of a technician's page walked every order).
    newcomer, _ = User.objects.get_or_create(
        username="bench-new-technician",
        defaults={"role": Role.TECHNICIAN, "service_center_id": 1, "first_name": "新", "last_name": "王"},
    )
    users = {
        "admin": admin,
        "agent": User.objects.filter(role=Role.AGENT, service_center_id=1).order_by("pk").first(),
        "technician (busiest)": User.objects.get(pk=busiest),
        "technician (fewest orders)": User.objects.get(pk=lightest),
        "technician helping on 20": User.objects.get(pk=helper),
        "technician, new (no orders)": newcomer,
    }
    tokens = {name: token_for(user) for name, user in users.items()}
    cases = [
        ("admin", f"status={rare}"),
        ("admin", f"status={rare}&service_center=20"),
        ("admin", f"channel={channel}&status={rare}"),
        ("admin", f"customer={big_customer}"),
        ("admin", f"customer={big_customer}&status={rare}"),
        ("admin", f"technician={busiest}&status={rare}"),
        ("admin", f"technician={lightest}"),
        ("admin", f"technician={newcomer.pk}"),
        ("admin", "unassigned=true&service_center=3"),
        ("admin", "resolution_state=at_risk"),
        ("agent", ""),
        ("agent", f"status={rare}"),
        ("agent", "sla_state=overdue"),
        ("technician (busiest)", ""),
        ("technician (busiest)", f"status={rare}"),
        ("technician (fewest orders)", ""),
        ("technician (fewest orders)", f"status={rare}"),
        ("technician (fewest orders)", "status=closed"),
        ("technician helping on 20", ""),
        ("technician helping on 20", f"status={rare}"),
        ("technician helping on 20", "status=closed"),
        ("technician, new (no orders)", ""),
    ]

    def timed(call: Any) -> tuple[float, Any]:
        for _ in range(3):
            result = call()
        samples = []
        for _ in range(args.requests):
            started = time.perf_counter()
            result = call()
            samples.append(time.perf_counter() - started)
        return statistics.median(samples) * 1000, result

    results = {}
    print(f"session options: {connection.settings_dict['OPTIONS'].get('options', '')!r}")
    for who, query in cases:

        def call(who: str = who, query: str = query) -> tuple[str, bytes]:
            status: list[str] = []
            body = b"".join(
                application(environ("/api/v1/orders", query, tokens[who]), lambda s, h, *a: status.append(s))
            )
            return status[0], body

        ms, (status, body) = timed(call)
        rows = len(json.loads(body)["items"]) if status.startswith("200") else status
        results[f"{who} /api/v1/orders?{query}"] = round(ms, 2)
        print(f"{who:28} /api/v1/orders?{query:40} {ms:9.2f} ms  {rows} rows", flush=True)

    for who in ("technician (busiest)", "technician (fewest orders)", "technician helping on 20"):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users[who])
        ms, response = timed(lambda client=client: client.get("/tech/"))
        if response.status_code != 200:
            raise SystemExit(f"/tech/ answered {response.status_code} for {who}")
        results[f"{who} /tech/"] = round(ms, 2)
        print(f"{who:28} /tech/ (My jobs){'':31} {ms:9.2f} ms", flush=True)

    if args.out:
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
