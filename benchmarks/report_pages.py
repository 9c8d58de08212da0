"""The console's report pages, whole (view, statements, template), against the benchmark database:
/reports/ (each dashboard screen, computed and kept) and /quality/failures/ (the default window and a
month), as the general manager (every centre) and as a centre's service manager.

    .venv/bin/python benchmarks/report_pages.py                       # 3 rounds of every page
    .venv/bin/python benchmarks/report_pages.py --rounds 5 --pages quality --explain 3

Read-only: both users are made inside a transaction that is rolled back at the end; the pages are
requested in process through Django's test client (no HTTP server: the figure is the view's own time,
its statements and its template). For each page it prints the median wall time, the statements it ran
and their time (as the database driver saw it), the process's CPU time (Python's share on a busy machine), and with ``--explain N`` the plans (EXPLAIN ANALYZE) of
the N slowest statements of the last round. Needs the data of ``load_data.py``; the screens other than
"service" and the failures by part read the data of ``load_activity.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftersales_bench"


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")  # the kept copies, as in production
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.base")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,testserver")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def pages(which: set[str], month: str) -> list[str]:
    from aftersales.reports.screens import SCREENS

    out = []
    if not which or "reports" in which:
        out += [f"/reports/?screen={s.key}&fresh=1" for s in SCREENS]
        out += ["/reports/?screen=service"]  # the kept copy, after the computed read above
    if not which or "quality" in which:
        out += ["/quality/failures/", f"/quality/failures/?month={month}"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", default="", help="reports, quality (comma-separated; default both)")
    parser.add_argument("--users", default="gm,manager", help="gm, manager (comma-separated)")
    parser.add_argument("--month", default="", help="the month of the second failures page (default: the last ended)")
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN ANALYZE the N slowest statements of a page")
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from aftersales.accounts.models import User
    from aftersales.reports.filters import month_start, today

    month = args.month or (month_start(today()) - __import__("datetime").timedelta(days=1)).strftime("%Y-%m")
    urls = pages({p for p in args.pages.split(",") if p}, month)
    print(f"load average before {os.getloadavg()[0]:.2f}")
    with transaction.atomic():
        people = {
            "gm": User.objects.create(username="pages_gm", role="general_manager"),
            "manager": User.objects.create(username="pages_manager", role="manager", service_center_id=1),
        }
        for who in [u for u in args.users.split(",") if u]:
            client = Client()
            client.force_login(people[who])
            for url in urls:
                walls, cpus, sql, counts = [], [], [], []
                last = None
                for _round in range(args.rounds):
                    with CaptureQueriesContext(connection) as queries:
                        started, cpu = time.perf_counter(), time.process_time()
                        response = client.get(url)
                        walls.append(time.perf_counter() - started)
                        cpus.append(time.process_time() - cpu)
                    if response.status_code != 200:
                        raise SystemExit(f"{url}: {response.status_code}")
                    sql.append(sum(float(q["time"]) for q in queries.captured_queries))
                    counts.append(len(queries))
                    last = queries.captured_queries
                print(
                    f"{who:<8} {url:<44} {statistics.median(walls) * 1000:>7.0f} ms"
                    f"  (SQL {statistics.median(sql) * 1000:.0f} ms, {counts[-1]} statements;"
                    f" Python CPU {statistics.median(cpus) * 1000:.0f} ms;"
                    f" rounds {', '.join(f'{w * 1000:.0f}' for w in walls)})"
                )
                if args.explain and last:
                    with connection.cursor() as cursor:
                        for q in sorted(last, key=lambda q: -float(q["time"]))[: args.explain]:
                            print(f"--- {float(q['time']) * 1000:.0f} ms: {q['sql'][:2000]}")
                            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                            print("\n".join(row[0] for row in cursor.fetchall()))
        transaction.set_rollback(True)
    print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
