"""The SLA sweep against the benchmark database (issue 7: "the SLA sweep over 100,000 open orders in
under 1 s"); the figures go to the "SLA sweep" section of benchmarks/README.md.

    .venv/bin/python benchmarks/sla_sweep.py              # 5 rounds
    .venv/bin/python benchmarks/sla_sweep.py --rounds 3 --explain

Needs the data of ``load_data.py`` (1,000,000 orders, ~98,000 open). Every round runs in one
transaction that is **rolled back**, so the database is left exactly as it was found (the migrations
it needs, a dispatcher and a manager per centre — the loaded data have none — and everything the
sweeps write). In each round:

1. **first sweep**: nothing remembered yet, so every open order at risk or overdue on either clock is a
   change (the first run after deployment, or after a long stop): ~86,000 rows remembered, notices capped
   per person (``SLA_ALERTS_PER_RECIPIENT``).
2. **next sweep**, a minute later: the steady state that beat runs every minute — every open order
   evaluated, only the few that changed written.

Prints the median of the rounds for each, the statements each ran, and the load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftersales_bench"


class Rollback(Exception):
    pass


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def one_round(*, explain: bool) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import ServiceCenter, User
    from aftersales.service.services.sla_alerts import sweep_sla_alerts

    result: dict = {}
    try:
        with transaction.atomic():
            call_command("migrate", verbosity=0, interactive=False)  # rolled back with the rest
            for centre in ServiceCenter.objects.all():
                for role in (Role.DISPATCHER, Role.MANAGER):
                    User.objects.create(
                        username=f"bench-sla-{role}-{centre.pk}", role=role, service_center=centre, is_active=True
                    )
            now = timezone.now()
            for name, at in (("first", now), ("next", now + dt.timedelta(minutes=1))):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    report = sweep_sla_alerts(now=at)
                    elapsed = time.perf_counter() - started
                result[name] = {"seconds": elapsed, "report": report, "statements": len(queries)}
                if os.environ.get("SLA_BENCH_TRACE"):
                    for q in queries.captured_queries:
                        print(name, q["time"], q["sql"][:90])
                if explain and name == "next":
                    select = next(q["sql"] for q in queries.captured_queries if "CASE WHEN" in q["sql"])
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + select)
                        result["plan"] = "\n".join(row[0] for row in cursor.fetchall())
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM service_serviceorder WHERE status IN "
                               "('new', 'accepted', 'dispatched', 'on_site', 'waiting')")  # fmt: skip
                result["open"] = cursor.fetchone()[0]
            raise Rollback
    except Rollback:
        pass
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print the plan of the steady-state SELECT")
    args = parser.parse_args(argv)
    setup_django(args.database_url)

    load_before = os.getloadavg()
    rounds = [one_round(explain=args.explain and i == args.rounds - 1) for i in range(args.rounds)]
    load_after = os.getloadavg()
    last = rounds[-1]
    print(f"open orders: {last['open']}")
    for name in ("first", "next"):
        times = [r[name]["seconds"] * 1000 for r in rounds]
        report = last[name]["report"]
        print(
            f"{name} sweep: median {statistics.median(times):.0f} ms "
            f"(rounds: {', '.join(f'{t:.0f}' for t in times)}); "
            f"changed {report.changed}, alerts {report.alerts}, notices {report.notices}, "
            f"{last[name]['statements']} statements"
        )
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    if "plan" in last:
        print(last["plan"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
