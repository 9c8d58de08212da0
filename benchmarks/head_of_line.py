"""Does one long request hold the quick ones beside it? Granian's blocking threads, measured.

For each thread setting (``--threads``: granian's default, then ``GRANIAN_BLOCKING_THREADS`` values), this
starts granian as ``run.py`` does (2 WSGI workers, production settings, the bench database) and:

1. **quiet**: ``--clients`` clients, each on its own keep-alive connection, ask ``GET /api/v1/me`` for
   ``--seconds``;
2. **beside an export**: the same, while one more connection downloads ``--export`` (by default the
   orders of centre 3 as CSV, 85,578 rows in the bench data: seconds of one worker's Python).

It prints per setting the export's time and the quick requests' count, median, 99th percentile and
maximum, quiet and beside the export. A worker that runs one request at a time (one blocking thread)
holds every request on its connections until the export is done: their maximum is the export's time.

    .venv/bin/python benchmarks/head_of_line.py                 # default, 1, 2 threads
    .venv/bin/python benchmarks/head_of_line.py --threads default,1 --seconds 5

Figures: benchmarks/README.md, "Granian's threads: one long request beside quick ones".
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import run as bench  # noqa: E402  (benchmarks/run.py: the server, the bench user, the token)


def quick_requests(base: str, token: str, *, stop: threading.Event, out: list[float]) -> None:
    """``GET /api/v1/me`` on one keep-alive connection until ``stop``; each request's seconds into ``out``."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    headers = {"Authorization": f"Bearer {token}"}
    while not stop.is_set():
        started = time.perf_counter()
        connection.request("GET", "/api/v1/me", headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"/api/v1/me answered {response.status}")
        out.append(time.perf_counter() - started)
    connection.close()


def download(base: str, token: str, path: str) -> tuple[float, int]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=600)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}: {body[:300]!r}")
    size = len(body)
    connection.close()
    return time.perf_counter() - started, size


def measure(base: str, token: str, *, clients: int, seconds: float, export: str | None) -> dict[str, Any]:
    stop = threading.Event()
    samples: list[list[float]] = [[] for _ in range(clients)]
    threads = [
        threading.Thread(target=quick_requests, args=(base, token), kwargs={"stop": stop, "out": out})
        for out in samples
    ]
    for thread in threads:
        thread.start()
    result: dict[str, Any] = {}
    if export:
        time.sleep(0.2)  # the quick connections are open (and spread over the workers) before the export
        result["export_s"], result["export_bytes"] = download(base, token, export)
    else:
        time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    times = sorted(t for out in samples for t in out)
    ms = [t * 1000 for t in times]
    result |= {
        "requests": len(ms),
        "per_client": [len(out) for out in samples],
        "p50_ms": round(statistics.median(ms), 1),
        "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 1),
        "max_ms": round(ms[-1], 1),
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", bench.DEFAULT_URL))
    parser.add_argument("--threads", default="default,1,2", help="comma-separated: default or a number")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0, help="the quiet measurement's length")
    parser.add_argument("--export", default="/api/v1/exports/orders.csv?service_center=3")
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args(argv)

    bench.setup_django(args.database_url)
    _user, password = bench.prepare_user()
    results: dict[str, Any] = {"commit": bench.git_commit(), "workers": args.workers, "clients": args.clients}
    for setting in args.threads.split(","):
        if setting == "default":
            os.environ.pop("GRANIAN_BLOCKING_THREADS", None)
        else:
            os.environ["GRANIAN_BLOCKING_THREADS"] = setting
        server = bench.Server(url=args.database_url, port=args.port, workers=args.workers)
        try:
            server.wait()
            token = bench.http_token(server.base, bench.BENCH_USER, password)
            quiet = measure(server.base, token, clients=args.clients, seconds=args.seconds, export=None)
            beside = measure(server.base, token, clients=args.clients, seconds=args.seconds, export=args.export)
        finally:
            server.stop()
        results[setting] = {"quiet": quiet, "beside_export": beside}
        bench.log(f"threads {setting}: quiet {quiet}; beside the export {beside}")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
