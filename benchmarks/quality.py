"""The monthly failure statistics (quality, issue 18) against their own SQL, on the benchmark database
(issue 18: "the monthly failure report within 3x its raw aggregate SQL").

    .venv/bin/python benchmarks/quality.py                 # 5 rounds, last full month
    .venv/bin/python benchmarks/quality.py --rounds 3 --month 2026-10

Needs the data of ``load_data.py`` (1,000,000 orders). Reads only: every round runs the whole monthly
report (``quality.selectors.failure_report``: totals with the repeats by LAG, by model with units in the
field, rate and MTBF, by part, fault code, batch and age) through the ORM, as the page and the API do,
for a user who sees every centre. The **raw SQL** is the statements that report ran, captured in
process and executed again through a bare psycopg connection. Prints the medians, the ratio and the
load average, and writes ``benchmarks/results_quality.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftersales_bench"


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def last_full_month(today: dt.date) -> str:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.strftime("%Y-%m")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--month", default="")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results_quality.json"))
    args = parser.parse_args()
    setup_django(args.database_url)

    import psycopg
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from aftersales.accounts.models import User
    from aftersales.quality.filters import parse_window
    from aftersales.quality.selectors import failure_report

    user = User.objects.filter(role__in=("admin", "general_manager"), is_active=True).order_by("pk").first()
    if user is None:
        sys.exit("no active administrator or general manager in the benchmark database")
    month = args.month or last_full_month(timezone.localdate())
    window = parse_window(user, {"month": month})

    orm_times, raw_times = [], []
    with CaptureQueriesContext(connection) as captured:
        report = failure_report(user, window)
    statements = [q["sql"] for q in captured.captured_queries]
    with psycopg.connect(args.database_url.replace("postgres://", "postgresql://")) as raw:
        raw.execute("SET TIME ZONE 'UTC'")
        for _ in range(args.rounds):
            started = time.perf_counter()
            failure_report(user, window)
            orm_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            for sql in statements:
                raw.execute(sql).fetchall()  # type: ignore[arg-type]
            raw_times.append(time.perf_counter() - started)
    orm, rawsql = statistics.median(orm_times), statistics.median(raw_times)
    result = {
        "month": month,
        "failures": report.totals["failures"],
        "orders": connection.cursor().execute("SELECT count(*) FROM service_serviceorder").fetchone()[0],  # type: ignore[union-attr]
        "parts_lines": connection.cursor().execute("SELECT count(*) FROM parts_visitpart").fetchone()[0],  # type: ignore[union-attr]
        "statements": len(statements),
        "orm_s": round(orm, 3),
        "raw_sql_s": round(rawsql, 3),
        "ratio": round(orm / rawsql, 2),
        "rounds": args.rounds,
        "loadavg": os.getloadavg(),
        "at": timezone.now().isoformat(timespec="seconds"),
    }
    print(json.dumps(result, indent=2))
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
