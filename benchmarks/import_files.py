"""Example import files: customers, their units, and ~3 years of service-order history that refers
to them, as xlsx or CSV, ready for the import screen (数据导入) or ``POST /api/v1/imports/{kind}``.

    .venv/bin/python benchmarks/import_files.py --out /tmp/history            # xlsx, 3 years, 30 calls a day
    .venv/bin/python benchmarks/import_files.py --out /tmp/history --fmt csv --years 3 --per-day 30 \
        --technicians li.qiang,wang.fang

Writes ``customers.<fmt>``, ``units.<fmt>`` and ``orders-01.<fmt>``, ``orders-02.<fmt>`` … (each at
most 9,000 rows: the import takes 10,000 a file), to be imported in that order. Seeded: the same
arguments give the same files. ``benchmarks/import_rate.py`` uses the same functions.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
from collections.abc import Iterator
from pathlib import Path

CUSTOMER_HEADER = ["name", "contact_name", "mobile", "site_name", "province", "city", "address"]
UNIT_HEADER = ["serial_number", "product_model_code", "customer_name", "purchase_date", "installed_on"]
ORDER_HEADER = [
    "number",
    "status",
    "kind",
    "resolution",
    "customer_name",
    "serial_number",
    "reporter_name",
    "reporter_phone",
    "description",
    "received_at",
    "finished_at",
    "diagnosis",
    "technician",
]
CITIES = [("上海市", "上海市"), ("江苏省", "苏州市"), ("浙江省", "杭州市"), ("广东省", "深圳市"), ("湖北省", "武汉市")]
WORDS = ["华通", "东方", "宏达", "新力", "恒泰", "金桥", "远大", "长城", "中兴", "明珠", "天成", "瑞丰"]
TRADES = ["机电", "制冷", "设备", "科技", "机械", "电气"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超"]
PROBLEMS = [("不制冷", "压缩机损坏"), ("漏水", "排水管破裂"), ("无法启动", "主板故障"), ("噪音大", "风机轴承磨损")]
KINDS = [("repair", 70), ("maintenance", 15), ("installation", 8), ("consultation", 5), ("complaint", 2)]
PREFIXES = ["138", "139", "150", "186", "135", "177"]
MAX_FILE_ROWS = 9000
ZONE = dt.timezone(dt.timedelta(hours=8))


def customer_rows(count: int, *, tag: str = "", seed: int = 7) -> list[list[str]]:
    """``count`` companies with one contact and one site each; names unique (``tag`` keeps them
    apart from an earlier file's)."""
    rng = random.Random(seed)
    rows = [CUSTOMER_HEADER]
    for i in range(count):
        province, city = rng.choice(CITIES)
        name = f"{city[:-1]}{rng.choice(WORDS)}{rng.choice(TRADES)}{tag}{i + 1:05d}有限公司"
        person = rng.choice(SURNAMES) + rng.choice(GIVEN)
        mobile = f"{rng.choice(PREFIXES)}{rng.randrange(10**8):08d}"
        rows.append([name, person, mobile, "总部", province, city, f"{city}工业园{i % 300 + 1}号"])
    return rows


def unit_rows(
    customers: list[list[str]], *, per_customer: int = 1, tag: str = "", model: str = "KY-75"
) -> list[list[str]]:
    """``per_customer`` units for each customer of ``customers`` (a ``customer_rows`` table)."""
    rows = [UNIT_HEADER]
    start = dt.date(2022, 1, 3)
    for i, customer in enumerate(customers[1:]):
        for j in range(per_customer):
            bought = start + dt.timedelta(days=(i * 7 + j) % 300)
            serial = f"SN{tag}{i + 1:06d}{j}"
            rows.append([serial, model, customer[0], bought.isoformat(), (bought + dt.timedelta(days=5)).isoformat()])
    return rows


def order_rows(
    units: list[list[str]],
    *,
    years: int = 3,
    per_day: int = 30,
    technicians: list[str] | None = None,
    end: dt.date | None = None,
    first_sequence: int = 1,
    seed: int = 11,
) -> Iterator[list[str]]:
    """``per_day`` calls a day for ``years`` years up to ``end`` (default: yesterday), each about one of
    ``units`` (a ``unit_rows`` table); closed, except the last weeks' (some still open). Numbers
    ``SO``+day+sequence from ``first_sequence``; times with their zone (+08:00)."""
    rng = random.Random(seed)
    end = end or dt.date.today() - dt.timedelta(days=1)
    day = end - dt.timedelta(days=365 * years)
    kinds = [k for k, weight in KINDS for _ in range(weight)]
    technicians = technicians or []
    while day <= end:
        for n in range(per_day):
            unit = units[1 + rng.randrange(len(units) - 1)]
            received = dt.datetime.combine(day, dt.time(8, 0), ZONE) + dt.timedelta(minutes=rng.randrange(600))
            kind = rng.choice(kinds)
            problem, diagnosis = rng.choice(PROBLEMS)
            recent = (end - day).days < 21
            status = (
                rng.choice(["accepted", "new", "closed"]) if recent else rng.choice(["closed"] * 19 + ["cancelled"])
            )
            finished = (
                received + dt.timedelta(hours=rng.randrange(2, 120)) if status in ("closed", "cancelled") else None
            )
            if finished is not None and finished.date() > end:
                status, finished = "accepted", None
            yield [
                f"SO{day:%Y%m%d}{first_sequence + n:05d}",
                status,
                kind,
                "on_site" if kind != "consultation" else "remote",
                unit[2],
                unit[0],
                rng.choice(SURNAMES) + rng.choice(GIVEN),
                f"{rng.choice(PREFIXES)}{rng.randrange(10**8):08d}",
                problem,
                received.isoformat(sep=" "),
                finished.isoformat(sep=" ") if finished else "",
                diagnosis if status == "closed" and kind != "consultation" else "",
                rng.choice(technicians) if technicians and status == "closed" else "",
            ]
        day += dt.timedelta(days=1)


def split(rows: Iterator[list[str]], *, size: int = MAX_FILE_ROWS) -> list[list[list[str]]]:
    """Files of at most ``size`` rows, each with the order header."""
    files: list[list[list[str]]] = []
    for row in rows:
        if not files or len(files[-1]) > size:
            files.append([ORDER_HEADER])
        files[-1].append(row)
    return files


def encode(rows: list[list[str]], fmt: str) -> bytes:
    """A table as xlsx (every cell text: times keep their zone) or CSV (UTF-8 with BOM)."""
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--fmt", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--per-day", type=int, default=30)
    parser.add_argument("--technicians", default="", help="usernames, comma-separated (they must exist)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    customers = customer_rows(args.customers)
    units = unit_rows(customers)
    technicians = [t for t in args.technicians.split(",") if t]
    files = split(order_rows(units, years=args.years, per_day=args.per_day, technicians=technicians))
    (args.out / f"customers.{args.fmt}").write_bytes(encode(customers, args.fmt))
    (args.out / f"units.{args.fmt}").write_bytes(encode(units, args.fmt))
    for number, rows in enumerate(files, start=1):
        (args.out / f"orders-{number:02d}.{args.fmt}").write_bytes(encode(rows, args.fmt))
    total = sum(len(rows) - 1 for rows in files)
    print(f"{args.out}: {len(customers) - 1} customers, {len(units) - 1} units, {total} orders in {len(files)} files")


if __name__ == "__main__":
    main()
