#!/usr/bin/env bash
# `make bench`: load the 1,000,000-order PostgreSQL database when it is not loaded yet, then measure.
# `make bench-sqlite` (BENCH_DATABASE_URL=sqlite:////tmp/bench_1m.sqlite3): the same on a SQLite file,
# served with the embedded settings `make run` uses.
# Arguments go to benchmarks/run.py (e.g. --only a,c,create --rounds 3). See benchmarks/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export BENCH_DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/aftersales_bench}
"$PY" benchmarks/load_data.py --database-url "$BENCH_DATABASE_URL"
"$PY" benchmarks/run.py --database-url "$BENCH_DATABASE_URL" "$@"
