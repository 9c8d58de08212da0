"""The report dashboards against the benchmark database (issue 18: "each dashboard under 1 s at
1,000,000 orders"); the figures go to the "Reports" section of benchmarks/README.md.

    .venv/bin/python benchmarks/reports.py                 # 3 rounds, the last twelve months, every centre
    .venv/bin/python benchmarks/reports.py --rounds 5 --centre 1 --explain sla_compliance

Read-only: it only runs the SELECTs the dashboards run, as the loaded ``bench`` administrator (every
centre), inside a transaction that is rolled back. For each dashboard screen it times every figure the
screen computes and the screen as a whole, and prints the median of the rounds, the statements each figure ran, and the load average. A screen is
timed as the dashboard computes it (``compute_all``: figures reading the same source with the same
groupings share one statement); each figure is also timed on its own (``compute``, as the API does).
"""

from __future__ import annotations

import argparse
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
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")  # the kept copies, as in production
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--centre", type=int, default=None, help="a centre's id (default: every centre)")
    parser.add_argument("--explain", default="", help="a figure whose statements to EXPLAIN ANALYZE")
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from aftersales.accounts.models import User
    from aftersales.reports.engine import compute, compute_all
    from aftersales.reports.figures import FIGURES
    from aftersales.reports.filters import parse_filters
    from aftersales.reports.kept import screen_figures
    from aftersales.reports.screens import SCREENS

    user = User.objects.get(username="bench")
    params = {"centre": args.centre} if args.centre else {}
    filters = parse_filters(user, params)
    load_before = os.getloadavg()
    figures: dict[str, list[float]] = {key: [] for key in FIGURES}
    statements: dict[str, int] = {}
    screen_statements: dict[str, int] = {}
    kept: dict[str, list[float]] = {s.key: [] for s in SCREENS}
    screens: dict[str, list[float]] = {s.key: [] for s in SCREENS}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION READ ONLY")
        for _round in range(args.rounds):
            for screen in SCREENS:
                # The screen as the dashboard computes it (compute_all: one statement shared by the
                # figures that read the same source with the same groupings) ...
                with CaptureQueriesContext(connection) as queries:
                    started_screen = time.perf_counter()
                    compute_all([FIGURES[key] for key in screen.figures], user, filters)
                    screens[screen.key].append(time.perf_counter() - started_screen)
                screen_statements[screen.key] = len(queries)
                # ... and each figure on its own (the API's figure endpoint), for the breakdown.
                for key in screen.figures:
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        compute(FIGURES[key], user, filters)
                        figures[key].append(time.perf_counter() - started)
                    statements[key] = len(queries)
                    if args.explain == key and _round == 0:
                        with connection.cursor() as cursor:
                            for q in queries.captured_queries:
                                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                                print("\n".join(row[0] for row in cursor.fetchall()), "\n")
        # The dashboard as a reader meets it most of the time: the kept copy (kept.py; Redis as in
        # production when REDIS_URL is set), after one computed read.
        for screen in SCREENS:
            screen_figures(user, screen, filters, fresh=True)
            for _round in range(args.rounds):
                started = time.perf_counter()
                got = screen_figures(user, screen, filters)
                kept[screen.key].append(time.perf_counter() - started)
                if not got.kept:
                    raise SystemExit("the second read was computed, not kept: is the cache up?")
        transaction.set_rollback(True)
    load_after = os.getloadavg()
    result = {
        "period": [filters.start.isoformat(), filters.end.isoformat()],
        "centre": args.centre,
        "rounds": args.rounds,
        "load_average": {"before": load_before, "after": load_after},
        "screens_ms": {k: round(statistics.median(v) * 1000) for k, v in screens.items()},
        "kept_ms": {k: round(statistics.median(v) * 1000, 1) for k, v in kept.items()},
        "figures_ms": {k: round(statistics.median(v) * 1000) for k, v in figures.items()},
        "statements": statements,
        "screen_statements": screen_statements,
    }
    print(f"period {result['period'][0]} .. {result['period'][1]}, centre {args.centre or 'all'}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    for screen in SCREENS:
        print(
            f"screen {screen.key:<10} {result['screens_ms'][screen.key]:>6} ms  {screen_statements[screen.key]} statements;"
            f" kept copy {result['kept_ms'][screen.key]} ms"
        )
        for key in screen.figures:
            print(f"    {key:<16} {result['figures_ms'][key]:>6} ms  {statements[key]} statements")
    out = ROOT / "benchmarks" / ("results_reports.json" if not args.centre else "results_reports_centre.json")
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
