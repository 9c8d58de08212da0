"""Where the time of one order-list request goes, in one process (no HTTP server, no load client).

    .venv/bin/python benchmarks/profile_list.py                    # cases a,a2,b,c,d: ms per request, SQL vs Python
    .venv/bin/python benchmarks/profile_list.py --only a --profile  # + cProfile's top functions
    .venv/bin/python benchmarks/profile_list.py --parts --requests 600  # case a's parts, each timed alone

Calls the WSGI application the way granian does (``aftersales.wsgi.application``, production settings, the
whole middleware stack) with a bearer token, against the benchmark database (benchmarks/load_data.py).
For each case it prints the median ms per request (with the raw SQL of benchmarks/run.py, the statements
the request runs replayed through a bare psycopg connection between the requests, and the ratio), the part spent in the database (measured around
``cursor.execute`` with ``connection.execute_wrapper``) and the rest — the Python around the query, which
is what issue 7's "within 3x of raw SQL" is about — and the process's CPU time per request and the
statements sent per request (health checks included). Wall-clock figures move with the machine's load;
the CPU time, the statement count and the profile counts much less.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def environ(path: str, query: str, token: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8200",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def setup_django(url: str) -> None:
    """Django as granian runs it: production settings (the embedded ones for SQLite) against ``url``."""
    os.environ["DATABASE_URL"] = url
    embedded = url.startswith("sqlite")
    os.environ["DJANGO_SETTINGS_MODULE"] = (
        "aftersales.settings.embedded" if embedded else "aftersales.settings.production"
    )
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ["AFTERSALES_LOG_FORMAT"] = "plain"
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aftersales_bench"),
    )
    parser.add_argument("--only", default="a,a2,b,c,d")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions per case")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument(
        "--parts", action="store_true", help="time the parts of case a alone: the floor, the page read, the rows"
    )
    args = parser.parse_args(argv)

    setup_django(args.database_url)
    import psycopg
    import run as bench
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.accounts.services import issue_token
    from aftersales.wsgi import application

    statements = [0]
    execute = psycopg.Cursor.execute

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:  # every statement sent, health checks included
        statements[0] += 1
        return execute(self, *args, **kwargs)

    psycopg.Cursor.execute = counted  # type: ignore[method-assign]
    user, password = bench.prepare_user()
    token = issue_token(username=bench.BENCH_USER, password=password, ip="bench").key
    if args.parts:
        return parts(user, token, args.database_url, args.requests)
    only = {key for key in args.only.split(",") if key}
    sql_time = [0.0]

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_time[0] += time.perf_counter() - started

    def request(query: str) -> int:
        status: list[str] = []
        body = application(environ("/api/v1/orders", query, token), lambda s, h, *a: status.append(s))
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
        return int(status[0].split()[0])

    raw = psycopg.connect(args.database_url, autocommit=True)  # as benchmarks/run.py times the raw SQL
    print(f"load average {os.getloadavg()[0]:.1f}; {args.requests} requests a case")
    for case in bench.cases(bench.pick_values()):
        if case["key"] not in only:
            continue
        query = urllib.parse.urlencode(case["params"])
        for _ in range(5):  # warm-up: caches, the first compile
            if (status := request(query)) != 200:
                raise SystemExit(f"{case['key']} answered {status}")
        with CaptureQueriesContext(connection) as captured:
            request(query)
        replay = [q["sql"] for q in captured.captured_queries]
        totals, sqls, cpus, raws = [], [], [], []
        statements[0] = 0
        with connection.execute_wrapper(timed):
            for _ in range(args.requests):
                sql_time[0] = 0.0
                started, cpu = time.perf_counter(), time.process_time()
                request(query)
                cpus.append(time.process_time() - cpu)
                totals.append(time.perf_counter() - started)
                sqls.append(sql_time[0])
                # The raw SQL of benchmarks/run.py, run between the requests (the same moment's load).
                started = time.perf_counter()
                for sql in replay:
                    cursor = raw.execute(sql)
                    if cursor.description is not None:
                        cursor.fetchall()
                raws.append(time.perf_counter() - started)
        total, sql = statistics.median(totals) * 1000, statistics.median(sqls) * 1000
        raw_ms = statistics.median(raws) * 1000
        cpu, sent = statistics.mean(cpus) * 1000, statements[0] / args.requests - len(replay)
        counter = cProfile.Profile()  # Python function calls a request: the same on a busy machine
        counter.enable()
        for _ in range(20):
            request(query)
        counter.disable()
        calls = pstats.Stats(counter).total_calls / 20  # type: ignore[attr-defined]
        print(
            f"{case['key']:>3} {case['label']:<28} {total:6.2f} ms  sql {sql:5.2f} ms  python {total - sql:5.2f} ms"
            f"  raw SQL {raw_ms:5.2f} ms = {total / raw_ms:4.1f}x"
            f"  (process CPU {cpu:4.2f} ms, {sent:.1f} statements, {calls:,.0f} calls a request)"
        )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                request(query)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
            print(out.getvalue())
    return 0


def parts(user: Any, token: str, url: str, requests: int) -> int:
    """Case a taken apart, each part timed alone (median of 30 batches of ``requests // 30`` calls): what
    any request costs (``GET /api/v1/me``), building the filtered queryset, the page read as the API
    makes it (prepared) and its statement through bare psycopg, writing the rows, the JSON."""
    import timeit

    import psycopg
    import run as bench
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.core.compiled import values_rows
    from aftersales.core.filtering import apply_validated, filter_params
    from aftersales.core.pagination import keyset_page
    from aftersales.core.prepared import prepared_statements
    from aftersales.core.renderers import render_response
    from aftersales.service import selectors
    from aftersales.service.api import ORDER_ROWS, OrderQuery
    from aftersales.service.filters import ServiceOrderFilter
    from aftersales.wsgi import application

    (case,) = [c for c in bench.cases(bench.pick_values()) if c["key"] == "a"]
    params: dict[str, list[Any]] = {}
    for name, value in case["params"]:
        params.setdefault(name, []).append(value)
    filters = OrderQuery(**{name: values if name == "status" else values[0] for name, values in params.items()})

    def floor() -> None:
        body = application(environ("/api/v1/me", "", token), lambda *a: None)
        b"".join(body)
        body.close()

    def build() -> Any:
        (scoped,) = selectors.order_list_parts(user=user)
        return apply_validated(ServiceOrderFilter, data=filter_params(filters), queryset=scoped)

    built = build()

    def page() -> Any:  # the queryset built once: the read alone (keyset_page orders and slices a copy)
        with prepared_statements():
            return keyset_page(built, cursor=None, limit=25, fetch=values_rows)

    with CaptureQueriesContext(connection) as captured:
        items = page().items
    statements = [query["sql"] for query in captured.captured_queries]  # a request clears Django's log
    raw = psycopg.connect(url, autocommit=True)

    def raw_sql() -> None:
        for sql in statements:
            raw.execute(sql).fetchall()

    def rows() -> Any:
        return ORDER_ROWS.rows([dict(item) for item in items])  # the writer keeps its row: a copy each time

    body = {"items": rows(), "next_cursor": None}
    steps = {
        "floor GET /api/v1/me": floor,
        "build the filtered queryset": build,
        "page read (prepared)": page,
        "  its SQL through bare psycopg": raw_sql,
        "write 25 rows": rows,
        "render the JSON": lambda: render_response(None, body),
    }
    number = max(1, requests // 30)
    print(f"load average {os.getloadavg()[0]:.1f}; case a's parts, median of 30 x {number} calls")
    for label, step in steps.items():
        for _ in range(number):  # warm-up
            step()
        ms = statistics.median(timeit.repeat(step, number=number, repeat=30)) / number * 1000
        print(f"  {label:<32} {ms:6.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
