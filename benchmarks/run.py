"""Measure the order list API and the order-create rate against the 1,000,000-order database.

    .venv/bin/python benchmarks/run.py            # after benchmarks/load_data.py; or: make bench
    .venv/bin/python benchmarks/run.py --sqlite /tmp/bench_1m.sqlite3   # the embedded setup; make bench-sqlite

In one go, with a real HTTP server (granian, 2 WSGI workers, production settings):

* the first page of ``GET /api/v1/orders`` for each case in ``CASES`` — median latency over
  ``--rounds`` rounds of ``--requests`` sequential requests (``../shared/bench/loadtest.py``,
  one client);
* the same SQL statements the request runs (captured from Django in-process, executed through a
  plain psycopg connection: no HTTP, no ORM, no serialisation), timed the same way;
* the same, for the rewrites proposed in benchmarks/README.md ("proposed" column), so the
  README's proposals carry their own evidence;
* the floor: ``GET /api/v1/me``, the cheapest authenticated request (the token read, a tiny JSON), the
  same way — what any request costs through this stack (client, granian, Django's middlewares, Ninja,
  the token) before its own work, so the list rows can be read as floor + their own work;
* ``POST /api/v1/orders`` with 4 concurrent clients, ``--create-rounds`` rounds of
  ``--create-seconds`` seconds (loadtest.py).

On SQLite (``--sqlite PATH`` or ``--database-url sqlite:///PATH``) granian runs the embedded settings
``make run`` uses (``aftersales.settings.embedded``) and the raw SQL goes through the ``sqlite3`` module.

Prints a table and writes benchmarks/results.json (results_sqlite.json for SQLite). The orders it creates are deleted afterwards, so
runs can be repeated on the same database. Nothing here is part of ``make test``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# ../shared/bench/loadtest.py from the main checkout, ../../shared/… from a worktree under /work/wt/.
LOADTEST = Path(
    os.environ.get("BENCH_LOADTEST")
    or next(
        (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if (p / "bench" / "loadtest.py").exists()),
        ROOT.parent / "shared",
    )
    / "bench"
    / "loadtest.py"
)
CREATE_TARGET_PER_S = 300
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftersales_bench"
BENCH_USER = "bench"
CENTRE = 1  # the biggest service centre (~21 % of the orders)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "aftersales.settings.base"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- the cases -------------------------------------------------------------------------------------


def pick_values() -> dict[str, Any]:
    """Deterministic, existing values to filter and search by."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT reporter_phone FROM service_serviceorder WHERE id = 500000")
        (phone,) = cur.fetchone()
    return {"centre": CENTRE, "phone": phone, "name4": "华通机电", "name2": "华通"}


def cases(values: dict[str, Any]) -> list[dict[str, Any]]:
    centre = values["centre"]
    return [
        {
            "key": "a",
            "label": "status + centre",
            "params": [("status", "accepted"), ("service_center", centre)],
            "target_ms": 20,
        },
        {
            "key": "a2",
            "label": "2 statuses + centre",
            "params": [("status", "new"), ("status", "accepted"), ("service_center", centre)],
            "target_ms": 20,
        },
        {
            "key": "b",
            "label": "sla_state=overdue + centre",
            "params": [("sla_state", "overdue"), ("service_center", centre)],
            "target_ms": 20,
        },
        {"key": "c", "label": "phone search", "params": [("q", values["phone"])], "target_ms": 50},
        {"key": "d", "label": "name search, 4 chars", "params": [("q", values["name4"])], "target_ms": 50},
        {"key": "d2", "label": "name search, 2 chars", "params": [("q", values["name2"])], "target_ms": 50},
    ]


def proposed_querysets(user: Any, values: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """The list queries as benchmarks/README.md proposes to write them (not the app's code today):

    * status: ``MultipleChoiceFilter(distinct=False)`` — no ``SELECT DISTINCT`` over every column;
    * phone / name search: look the contacts' / customers' ids up first and pass them as a list, and
      match the serial number through ``unit_id IN (…)`` instead of a LEFT JOIN inside an ``OR``, so
      PostgreSQL can combine the order indexes (BitmapOr) instead of walking the primary key.
    """
    from django.db.models import Q

    from aftersales.customers.models import Contact, Customer
    from aftersales.installed_base.models import Unit
    from aftersales.service import selectors

    base = selectors.order_list(user=user)
    centre = values["centre"]

    def search(text: str) -> Any:
        units = list(Unit.objects.filter(serial_number=text.upper()).values_list("id", flat=True))
        customers = list(Customer.objects.filter(name__icontains=text).values_list("id", flat=True)[:1000])
        return base.filter(Q(unit_id__in=units) | Q(customer_id__in=customers))

    def phone(text: str) -> Any:
        customers = list(Contact.objects.filter(mobile=text).values_list("customer_id", flat=True))
        return base.filter(Q(reporter_phone=text) | Q(customer_id__in=customers))

    return {
        "a": lambda: base.filter(service_center_id=centre, status__in=["accepted"]),
        "a2": lambda: base.filter(service_center_id=centre, status__in=["new", "accepted"]),
        "b": lambda: base.filter(service_center_id=centre).in_sla_state("overdue"),
        "c": lambda: phone(values["phone"]),
        "d": lambda: search(values["name4"]),
        "d2": lambda: search(values["name2"]),
    }


# --- capturing the SQL -----------------------------------------------------------------------------


def capture_request(client: Any, path: str) -> tuple[int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    return response.status_code, [q["sql"] for q in ctx.captured_queries]


def capture_page(make_qs: Callable[[], Any]) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.core.pagination import keyset_page

    with CaptureQueriesContext(connection) as ctx:
        keyset_page(make_qs(), cursor=None, limit=25)
    return [q["sql"] for q in ctx.captured_queries]


def sqlite_path(url: str) -> str | None:
    return url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else None


def connect_raw(url: str) -> Any:
    """A plain DB-API connection in autocommit: psycopg, or sqlite3 set up as the app's (WAL, NORMAL)."""
    path = sqlite_path(url)
    if path is None:
        import psycopg

        return psycopg.connect(url, autocommit=True)
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None, timeout=20)
    conn.execute("PRAGMA synchronous = NORMAL")
    return contextlib.closing(conn)


def time_sql(url: str, statements: list[str], *, rounds: int, requests: int, budget: float) -> dict[str, Any]:
    """Median (over rounds) of the median time to run ``statements`` once, through plain psycopg
    (or sqlite3).

    A round stops after ``requests`` runs or ``budget`` seconds, whichever comes first (at least 3
    runs), so a query that takes seconds does not hold the shared machine for minutes.
    """
    medians, counts = [], []
    with connect_raw(url) as conn:

        def run(sql: str) -> None:
            cursor = conn.execute(sql)
            if cursor.description is not None:  # an UPDATE (the token's last use) returns no rows
                cursor.fetchall()

        for _ in range(2):  # warm-up
            for sql in statements:
                run(sql)
        for _ in range(rounds):
            samples: list[float] = []
            deadline = time.perf_counter() + budget
            while len(samples) < requests and (len(samples) < 3 or time.perf_counter() < deadline):
                started = time.perf_counter()
                for sql in statements:
                    run(sql)
                samples.append(time.perf_counter() - started)
            medians.append(statistics.median(samples) * 1000)
            counts.append(len(samples))
    return {"median_ms": statistics.median(medians), "round_medians_ms": medians, "samples": counts}


# --- the HTTP server and the load client -----------------------------------------------------------


class Server:
    def __init__(self, *, url: str, port: int, workers: int) -> None:
        self.port = port
        env = {
            **os.environ,
            "DATABASE_URL": url,
            # SQLite is the embedded setup (`make run`); PostgreSQL the production one.
            "DJANGO_SETTINGS_MODULE": "aftersales.settings.embedded"
            if sqlite_path(url)
            else "aftersales.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
        }
        self.log = tempfile.NamedTemporaryFile("w+", prefix="bench-granian-", suffix=".log", delete=False)  # noqa: SIM115
        self.proc = subprocess.Popen(  # noqa: S603
            [
                str(ROOT / ".venv" / "bin" / "granian"),
                "--interface",
                "wsgi",
                "aftersales.wsgi:application",
                "--workers",
                str(workers),
                "--port",
                str(port),
                "--host",
                "127.0.0.1",
                "--no-ws",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"granian exited ({self.proc.returncode}); see {self.log.name}")
            try:
                urllib.request.urlopen(self.base + "/api/v1/orders", timeout=2)  # noqa: S310
            except urllib.error.HTTPError:
                return  # 401: the app answers
            except OSError:
                time.sleep(0.3)
                continue
            return
        raise SystemExit(f"granian did not answer within {timeout}s; see {self.log.name}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def http_token(base: str, username: str, password: str) -> str:
    body = json.dumps({"username": username, "password": password}).encode()
    request = urllib.request.Request(  # noqa: S310
        base + "/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return json.loads(response.read())["token"]


def loadtest(base: str, path: str, *, token: str, label: str, **options: Any) -> dict[str, Any]:
    """Run ../shared/bench/loadtest.py and return its JSON record (runs + median)."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        cmd = [sys.executable, str(LOADTEST), "--base-url", base, "--path", path, "--label", label]
        cmd += ["--header", f"Authorization: Bearer {token}", "--json-out", out.name]
        for key, value in options.items():
            cmd += [f"--{key.replace('_', '-')}", str(value)]
        subprocess.run(cmd, check=True)  # noqa: S603
        return json.loads(out.read().strip().splitlines()[-1])


# --- main ------------------------------------------------------------------------------------------


def git_commit() -> str:
    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)  # noqa: S603, S607

    try:
        head, dirty = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain", "--untracked-files=no")
    except OSError:
        return "unknown"
    if head.returncode != 0:
        return "unknown"
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def prepare_user() -> tuple[Any, str]:
    """A benchmark user of its own (never a demo user: production refuses to start with those)."""
    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import ApiToken, User

    password = secrets.token_urlsafe(24)
    user, _ = User.objects.get_or_create(username=BENCH_USER, defaults={"role": Role.ADMIN})
    user.role, user.is_active, user.service_center = Role.ADMIN, True, None
    user.set_password(password)
    user.save()
    ApiToken.objects.filter(user=user).delete()
    return user, password


def cleanup(max_id: int, user: Any) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        # Each create told its reporter by SMS: the outbox message and its line on the contact log.
        cur.execute(
            "DELETE FROM notifications_outboxmessage WHERE key IN"
            " (SELECT message_key FROM care_contactentry WHERE order_id > %s)",
            [max_id],
        )
        cur.execute("DELETE FROM care_contactentry WHERE order_id > %s", [max_id])
        cur.execute("DELETE FROM service_orderevent WHERE order_id > %s", [max_id])
        cur.execute("DELETE FROM core_idempotencykey WHERE user_id = %s", [user.pk])
        cur.execute("DELETE FROM service_serviceorder WHERE id > %s", [max_id])
        deleted = cur.rowcount
        if connection.vendor == "postgresql":
            cur.execute("VACUUM ANALYZE service_serviceorder")
            cur.execute("VACUUM ANALYZE service_orderevent")
    return deleted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--sqlite", metavar="PATH", help="measure a SQLite file (= --database-url sqlite:///PATH)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=50, help="requests per round for each list case")
    parser.add_argument("--budget", type=float, default=6, help="max seconds per round of a list case")
    parser.add_argument("--create-rounds", type=int, default=3)
    parser.add_argument("--create-seconds", type=float, default=10)
    parser.add_argument("--create-clients", type=int, default=4)
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="comma list of case keys (floor,a,a2,b,c,d,d2,create)")
    parser.add_argument("--out", help="default: benchmarks/results.json (results_sqlite.json for SQLite)")
    args = parser.parse_args(argv)
    if args.sqlite:
        args.database_url = f"sqlite:///{Path(args.sqlite).resolve()}"
    if not args.out:
        name = "results_sqlite.json" if sqlite_path(args.database_url) else "results.json"
        args.out = str(ROOT / "benchmarks" / name)
    only = {k for k in args.only.split(",") if k}

    setup_django(args.database_url)
    from django.db import connection
    from django.test import Client

    from aftersales.accounts.services import issue_token

    with connection.cursor() as cur:
        cur.execute("SELECT count(*), max(id) FROM service_serviceorder")
        count, max_id = cur.fetchone()
    if count < 1_000_000:
        raise SystemExit(f"{count} orders in the database: run benchmarks/load_data.py first")
    user, password = prepare_user()
    values = pick_values()
    all_cases = [c for c in cases(values) if not only or c["key"] in only]
    proposed = proposed_querysets(user, values)
    results: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "commit": os.environ.get("BENCH_COMMIT") or git_commit(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "orders": count,
        "values": values,
        "database": "sqlite" if sqlite_path(args.database_url) else "postgresql",
        "settings": {"rounds": args.rounds, "requests": args.requests, "server": f"granian wsgi x{args.workers}"},
        "load_average_before": os.getloadavg(),
        "lists": [],
    }

    # SQL of each request, captured in-process through the same URL the HTTP clients call.
    local = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(username=BENCH_USER, password=password, ip='bench').key}")
    # The token's first use records it (an UPDATE of last_used_at, then once per TOKEN_TOUCH_EVERY): made
    # here, so the first case's captured SQL is what the timed requests run (it held that UPDATE).
    local.get("/api/v1/me")
    for case in all_cases:
        case["path"] = "/api/v1/orders?" + urllib.parse.urlencode(case["params"])
        status, case["sql"] = capture_request(local, case["path"])
        if status != 200:
            raise SystemExit(f"{case['path']} answered {status}")
        case["proposed_sql"] = capture_page(proposed[case["key"]])

    floor_path = "/api/v1/me"
    status, floor_sql = capture_request(local, floor_path)
    if status != 200:
        raise SystemExit(f"{floor_path} answered {status}")

    server = Server(url=args.database_url, port=args.port, workers=args.workers)
    try:
        server.wait()
        token = http_token(server.base, BENCH_USER, password)
        log(f"granian up on {server.base}")
        if not only or "floor" in only:
            results["floor"] = bench_floor(server.base, floor_path, floor_sql, token=token, args=args)
        for case in all_cases:
            record = loadtest(
                server.base, case["path"], token=token, label=case["key"], concurrency=1, requests=args.requests,
                duration=args.budget, warmup=2, runs=args.rounds, pause=0.2, expect=200,
            )  # fmt: skip
            timing = {"rounds": args.rounds, "requests": args.requests, "budget": args.budget}
            raw = time_sql(args.database_url, case["sql"], **timing)
            raw_proposed = time_sql(args.database_url, case["proposed_sql"], **timing)
            http_ms = record["median"]["p50_ms"]
            load = os.getloadavg()[0]
            results["lists"].append(
                {
                    "key": case["key"],
                    "label": case["label"],
                    "path": case["path"],
                    "http_p50_ms": http_ms,
                    "load_average": load,
                    "http_p95_ms": record["median"]["p95_ms"],
                    "http_round_p50s_ms": [r["p50_ms"] for r in record["runs"]],
                    "http_samples": [r["requests"] for r in record["runs"]],
                    "raw_sql_samples": raw["samples"],
                    "errors": sum(r["requests"] - r["ok"] for r in record["runs"]),
                    "raw_sql_ms": raw["median_ms"],
                    "statements": len(case["sql"]),
                    "ratio": http_ms / raw["median_ms"],
                    "target_ms": case["target_ms"],
                    "meets_target": http_ms <= case["target_ms"] and http_ms <= 3 * raw["median_ms"],
                    "proposed_raw_sql_ms": raw_proposed["median_ms"],
                    "proposed_statements": len(case["proposed_sql"]),
                    "sql": case["sql"],
                    "proposed_sql": case["proposed_sql"],
                }
            )
        if not only or "create" in only:
            results["create"] = bench_create(server.base, token, args)
    finally:
        server.stop()
        deleted = cleanup(max_id, user)
        log(f"deleted the {deleted} orders the benchmark created")

    results["load_average_after"] = os.getloadavg()
    Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print_table(results)
    log(f"wrote {args.out}")
    return 0


def bench_floor(base: str, path: str, sql: list[str], *, token: str, args: argparse.Namespace) -> dict[str, Any]:
    record = loadtest(
        base, path, token=token, label="floor", concurrency=1, requests=args.requests,
        duration=args.budget, warmup=2, runs=args.rounds, pause=0.2, expect=200,
    )  # fmt: skip
    raw = time_sql(args.database_url, sql, rounds=args.rounds, requests=args.requests, budget=args.budget)
    return {
        "path": path,
        "http_p50_ms": record["median"]["p50_ms"],
        "http_p95_ms": record["median"]["p95_ms"],
        "raw_sql_ms": raw["median_ms"],
        "statements": len(sql),
        "load_average": os.getloadavg()[0],
        "sql": sql,
    }


def bench_create(base: str, token: str, args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cur:
        # A customer of the biggest centre with a unit bought by proof: the warranty decision runs.
        cur.execute(
            "SELECT u.customer_id, u.id FROM installed_base_unit u JOIN customers_customer c ON c.id = u.customer_id "
            "WHERE c.service_center_id = %s AND u.purchase_date IS NOT NULL ORDER BY u.id LIMIT 1",
            [CENTRE],
        )
        customer_id, unit_id = cur.fetchone()
    payload = json.dumps(
        {
            "kind": "repair",
            "customer_id": customer_id,
            "unit_id": unit_id,
            "reporter_name": "压测{n}",
            "reporter_phone": "138{rand}00",
            "description": "设备无法启动（压测 {n}）",
        },
        ensure_ascii=False,
    )
    record = loadtest(
        base, "/api/v1/orders", token=token, label="create", method="POST", payload=payload,
        concurrency=args.create_clients, requests=1_000_000, duration=args.create_seconds, warmup=20,
        runs=args.create_rounds, pause=1, expect=201,
    )  # fmt: skip
    return {
        "clients": args.create_clients,
        "seconds_per_round": args.create_seconds,
        "ok_per_s": record["median"]["ok_rps"],
        "p50_ms": record["median"]["p50_ms"],
        "p95_ms": record["median"]["p95_ms"],
        "round_ok_per_s": [r["ok_rps"] for r in record["runs"]],
        "errors": sum(r["requests"] - r["ok"] for r in record["runs"]),
        "load_average": os.getloadavg()[0],
        "target_per_s": CREATE_TARGET_PER_S,
        "meets_target": record["median"]["ok_rps"] >= CREATE_TARGET_PER_S,
    }


def print_table(results: dict[str, Any]) -> None:
    print()
    print(f"{'case':<30} {'HTTP p50':>9} {'raw SQL':>8} {'ratio':>6} {'stmts':>5} {'target':>7} {'met':>4} "
          f"{'proposed SQL':>12}")  # fmt: skip
    floor = results.get("floor")
    if floor:
        print(
            f"{'floor GET /api/v1/me':<30} {floor['http_p50_ms']:>7.1f}ms {floor['raw_sql_ms']:>6.2f}ms "
            f"{floor['http_p50_ms'] / floor['raw_sql_ms']:>5.1f}x {floor['statements']:>5}"
            f"{'':>19}  load {floor['load_average']:.1f}"
        )
    for row in results["lists"]:
        print(
            f"{row['key'] + ' ' + row['label']:<30} {row['http_p50_ms']:>7.1f}ms {row['raw_sql_ms']:>6.2f}ms "
            f"{row['ratio']:>5.1f}x {row['statements']:>5} {row['target_ms']:>5}ms {'yes' if row['meets_target'] else 'NO':>4} "
            f"{row['proposed_raw_sql_ms']:>10.2f}ms  load {row['load_average']:.1f}"
        )
    create = results.get("create")
    if create:
        print(
            f"{'create, ' + str(create['clients']) + ' clients':<30} {create['ok_per_s']:>7.0f}/s "
            f"(p50 {create['p50_ms']:.1f}ms, p95 {create['p95_ms']:.1f}ms; target >= {create['target_per_s']}/s: "
            f"{'yes' if create['meets_target'] else 'NO'}; load {create['load_average']:.1f})"
        )
    print()


if __name__ == "__main__":
    sys.exit(main())
