"""Load what happens around the 1,000,000 orders of ``load_data.py`` into the PostgreSQL benchmark
database with ``COPY``, so that the report dashboards (issue 18) and the quality figures read real
volumes: visits, 5,000,000 parts lines with their stock-ledger entries, technicians' attendance, charge
lines, supplier claims, maintenance contracts with their planned visits, follow-up calls and complaints.

    .venv/bin/python benchmarks/load_activity.py            # a no-op when loaded (--force reloads its own tables)

Runs on top of ``load_data.py`` (the orders, centres, technicians, customers and units; never touched)
and ``parts_data.py`` (the parts catalogue, the locations and the ledger; run first when the catalogue is
empty). Seeded: every load writes the same rows (for the same orders and catalogue).

* **visits** for every order that reached a technician on site (on site, completed, closed; consultations
  have no technician): ~1.15 per order (87 % one, 11 % two, 2 % three), by the order's technician,
  arriving after the response and leaving before completion; the visit of an order still on site has
  not departed.
* **5,000,000 parts lines** (``parts_visitpart``) over three visits in four, a few parts used a lot
  (Zipf), each from the technician's van when it stocks the part, else the centre's store, else the
  central warehouse, each with its ``issue`` ledger entry (the line's ``move``), and a
  ``defective_return`` entry for an old part kept for a claim or a repair (``parts.services.visits``).
  Every (location, part) issued from gets one ``receipt`` entry of what its lines take, dated before
  the first of them, so the balances (``parts_stock``) stay the sums of their ledgers and no running
  balance goes below zero; the defective balances are set to the sums of their entries.
* **supplier claims** for the old parts kept for a claim; **charge lines** on completed orders (labour
  on each, parts at list price on those that used parts; borne by the company in warranty, by the
  customer otherwise; approved or invoiced once closed); **attendance** of every technician on working
  days; **contracts** of the 2,000 largest fleets (a year each, renewed, with monthly or quarterly
  visits); a **follow-up** task on 90 % of closed orders with its calls (score, NPS) and **complaints**
  on ~1 % of them.

Big tables are copied bare (secondary indexes and constraints dropped, then rebuilt from the catalog:
``load_data.BareTable``), then ``VACUUM ANALYZE``. ``--force`` deletes only the rows this script loads
(the ledger entries by their visit or their receipt reason) and loads again.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_data  # noqa: E402  (the loader next to this file: COPY helpers, BareTable, set-up)

DEFAULT_URL = load_data.DEFAULT_URL
TZ = load_data.TZ
N = load_data.NULL
LINES = 5_000_000
RECEIPT_REASON = "bench: stock for the visits' issues"
VISIT_STATUSES = ("on_site", "completed", "closed")
FATES = ("scrapped", "customer", "claim", "repair")
FATE_CUM = (0.55, 0.97, 0.976, 1.0)
DIAGNOSES = ["压缩机启动电容损坏", "主板电源模块烧毁", "风机轴承磨损", "冷媒泄漏，铜管焊点砂眼", "温度传感器阻值漂移",
             "排水泵堵塞", "接触器触点烧蚀", "控制线路接触不良", "过滤网堵塞导致保护停机", "膨胀阀卡死"]  # fmt: skip
WORK = [
    "更换损坏部件，试机正常",
    "清洗保养，恢复运行",
    "补焊并加注冷媒，保压测试合格",
    "紧固线路，更换接插件",
    "调整参数，运行观察正常",
]
CAUSES = ("response", "repair", "attitude", "parts", "price", "product", "other")
CAUSE_WEIGHTS = (25, 30, 10, 10, 10, 10, 5)
SOURCES = ("agent", "follow_up", "low_score", "order")
SOURCE_WEIGHTS = (40, 25, 25, 10)
OWN_TABLES = (
    "parts_visitpart", "parts_supplierclaim", "service_visit", "workforce_attendance", "money_chargeline",
    "contracts_contractvisit", "contracts_visitplan", "contracts_contractunit", "contracts_contract",
    "care_complaint_orders", "care_complaint", "care_followupcall", "care_followuptask",
)  # fmt: skip


def log(msg: str) -> None:
    load_data.log(msg)


_DAYS: dict[int, str] = {}


def ts(epoch: float | None) -> str:
    """A timestamptz literal (UTC) for COPY, ~4x quicker than ``strftime`` (tens of millions of them)."""
    if epoch is None:
        return N
    day, rest = divmod(int(epoch), 86400)
    text = _DAYS.get(day)
    if text is None:
        text = _DAYS[day] = dt.date.fromordinal(719163 + day).isoformat()
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return f"{text} {h:02d}:{m:02d}:{s:02d}+00"


def local_date(epoch: float) -> dt.date:
    return dt.datetime.fromtimestamp(epoch, TZ).date()


def local_moment(day: dt.date, hours: float) -> float:
    return dt.datetime(day.year, day.month, day.day, tzinfo=TZ).timestamp() + hours * 3600


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class Copier:
    """COPY rows into a table, or into a temporary file first (copied later) when another COPY is open."""

    def __init__(self, raw, table: str, columns: tuple[str, ...]) -> None:
        self.raw, self.table, self.columns = raw, table, columns
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.rows = 0

    def add(self, row: tuple) -> None:
        self.file.write("\t".join(row))
        self.file.write("\n")
        self.rows += 1

    def flush(self) -> int:
        self.file.seek(0)
        with self.raw.copy(f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN") as copy:
            while chunk := self.file.read(1 << 20):
                copy.write(chunk)
        self.file.close()
        return self.rows


def fetch(cur, sql: str, params: list | None = None) -> list[tuple]:
    cur.execute(sql, params or [])
    return cur.fetchall()


def next_id(cur, table: str) -> int:
    return fetch(cur, f"SELECT coalesce(max(id), 0) + 1 FROM {table}")[0][0]  # noqa: S608


def load(*, seed: int, lines_total: int) -> None:  # noqa: C901, PLR0912, PLR0915  (one pass per table, in order)
    from django.db import connection

    rnd = random.Random(seed)
    now = time.time()
    today = local_date(now)
    connection.ensure_connection()
    raw = connection.connection.cursor()
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '256MB'")
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")

        # -- what the other loaders made ------------------------------------------------------------
        started = time.monotonic()
        technicians = fetch(
            cur, "SELECT id, service_center_id FROM accounts_user WHERE role = 'technician' ORDER BY id"
        )
        agents = dict(fetch(cur, "SELECT service_center_id, id FROM accounts_user WHERE role = 'agent' ORDER BY id"))
        keeper = fetch(cur, "SELECT id FROM accounts_user WHERE username = 'parts-bench-keeper'")[0][0]
        parts = fetch(cur, "SELECT p.id, p.supplier_id, p.cost, p.unit, coalesce(pp.price, p.cost) FROM parts_part p "
                      "LEFT JOIN parts_partprice pp ON pp.part_id = p.id ORDER BY p.id")  # fmt: skip
        part_ids = [p[0] for p in parts]
        part_price = {p[0]: round(p[4] * 100) for p in parts}
        part_cost = {p[0]: round(p[2] * 100) for p in parts}
        part_supplier = {p[0]: p[1] for p in parts}
        part_unit = {p[0]: p[3] for p in parts}
        stocked = set(fetch(cur, "SELECT location_id, part_id FROM parts_stock"))
        van_of = dict(
            fetch(cur, "SELECT holder_id, id FROM parts_location WHERE kind = 'van' AND holder_id IS NOT NULL")
        )
        store_of = dict(fetch(cur, "SELECT service_center_id, min(id) FROM parts_location WHERE kind = 'store' "
                              "AND service_center_id IS NOT NULL GROUP BY 1"))  # fmt: skip
        warehouse = fetch(cur, "SELECT min(id) FROM parts_location WHERE kind = 'warehouse'")[0][0]
        cur.execute(
            "SELECT id, status, kind, extract(epoch FROM received_at)::float8, "
            "extract(epoch FROM responded_at)::float8, extract(epoch FROM completed_at)::float8, "
            "extract(epoch FROM closed_at)::float8, technician_id, service_center_id, customer_id, unit_id, "
            "warranty_covered FROM service_serviceorder ORDER BY id"
        )
        orders = cur.fetchall()
        log(
            f"read {len(orders)} orders, {len(parts)} parts, {len(stocked)} stocked pairs in {time.monotonic() - started:.1f}s"
        )

        # -- visits and the number of parts lines of each ------------------------------------------
        started = time.monotonic()
        rr = rnd.random
        visited = [o for o in orders if o[1] in VISIT_STATUSES and o[7] is not None]
        visit_counts = [1 if (r := rr()) < 0.87 else (2 if r < 0.98 else 3) for _ in visited]
        n_visits = sum(visit_counts)
        # Three visits in four use parts; those that do use 1 to ~20 lines (geometric), scaled to the total.
        mean = lines_total / (n_visits * 0.75)
        p = 1 / mean
        line_counts = [0 if rr() < 0.25 else 1 + int(_geometric(rr(), p)) for _ in range(n_visits)]
        diff = lines_total - sum(line_counts)
        while diff:  # move the total onto exactly ``lines_total``, one line at a time on random visits
            i = rnd.randrange(n_visits)
            if diff > 0 and line_counts[i]:
                line_counts[i] += 1
                diff -= 1
            elif diff < 0 and line_counts[i]:
                line_counts[i] -= 1
                diff += 1
        # A few parts used a lot: Zipf over a shuffled catalogue.
        ranked = part_ids[:]
        rnd.shuffle(ranked)
        cum, acc = [], 0.0
        for rank in range(1, len(ranked) + 1):
            acc += 1 / rank**1.1
            cum.append(acc)
        log(f"{n_visits} visits over {len(visited)} orders planned in {time.monotonic() - started:.1f}s")

        started = time.monotonic()
        visit_id = next_id(cur, "service_visit")
        line_id = next_id(cur, "parts_visitpart")
        move_base = next_id(cur, "parts_stockmove")
        move_id = move_base + len(stocked) + 1000  # receipts take the ids below, before every issue
        visits = Copier(raw, "service_visit", (
            "id", "created_at", "updated_at", "arrived_at", "arrival_confirmed_by", "diagnosis", "work_done",
            "parts_replaced", "old_parts", "misuse_found", "departed_at", "signature", "signer_name", "signed_at",
            "rating", "customer_remarks", "order_id", "technician_id", "unsigned_reason", "unsigned_note"))  # fmt: skip
        used = Copier(raw, "parts_visitpart", (
            "id", "quantity", "serial", "old_part_fate", "old_serial", "unit_price", "created_at", "created_by_id",
            "location_id", "move_id", "order_id", "part_id", "visit_id"))  # fmt: skip
        move_columns = (
            "id", "kind", "location_id", "part_id", "quantity", "on_hand_delta", "reserved_delta", "in_transit_delta",
            "defective_delta", "order_id", "visit_id", "supplier_id", "unit_cost", "serial", "request_id",
            "actor_id", "reason", "created_at",
        )  # fmt: skip
        issued: dict[tuple[int, int], list] = {}  # (location, part) -> [quantity, first time]
        parts_value: dict[int, int] = {}  # order -> cents at list price
        claim_lines: list[tuple] = []
        line_counter = iter(line_counts)
        chooser = rnd.choices

        def moves() -> Iterator[tuple]:
            nonlocal visit_id, line_id, move_id
            for order, count in zip(visited, visit_counts, strict=True):
                oid, status, _kind, received, responded, completed, _closed, tech, centre = order[:9]
                end = completed if completed is not None else now - 600
                start = max(received, min((responded or received) + 600, end - 1800))
                window = max(end - start, 60)
                for k in range(count):
                    slot = window / count
                    duration = min(slot * 0.8, 1800 + rr() * 9000)
                    arrived = start + slot * k + rr() * max(slot - duration, 0)
                    on_site_now = status == "on_site" and k == count - 1
                    departed = None if on_site_now else arrived + duration
                    signed = departed is not None and status in ("completed", "closed") and k == count - 1
                    visits.add((
                        str(visit_id), ts(arrived), ts(departed or arrived), ts(arrived), "",
                        DIAGNOSES[rnd.randrange(len(DIAGNOSES))], WORK[rnd.randrange(len(WORK))] if departed else "",
                        "", "none", "f", ts(departed), "", "", ts(departed) if signed else N,
                        str(chooser((5, 4, 3, 2, 1), (55, 28, 10, 4, 3))[0]) if signed and rr() < 0.6 else N, "",
                        str(oid), str(tech), "", "",
                    ))  # fmt: skip
                    n_lines = next(line_counter)
                    if n_lines:
                        van = van_of.get(tech)
                        store = store_of.get(centre)
                        at = arrived + (departed - arrived if departed else 600) * 0.3
                        for pid in chooser(ranked, cum_weights=cum, k=n_lines):
                            if van is not None and (van, pid) in stocked:
                                loc = van
                            elif store is not None and (store, pid) in stocked:
                                loc = store
                            else:
                                loc = warehouse
                            r = rr()
                            q = 1 if r < 0.8 else (2 if r < 0.95 else rnd.randint(3, 4))
                            if part_unit[pid] == "metre":
                                q *= 2
                            pair = (loc, pid)
                            seen = issued.get(pair)
                            if seen is None:
                                issued[pair] = [q, at]
                            else:
                                seen[0] += q
                            f = rr()
                            fate = FATES[
                                0 if f < FATE_CUM[0] else (1 if f < FATE_CUM[1] else (2 if f < FATE_CUM[2] else 3))
                            ]
                            moment = ts(at)
                            qty = f"{q}.000"
                            price = part_price[pid]
                            parts_value[oid] = parts_value.get(oid, 0) + price * q
                            old_serial = f"OLD{line_id:09d}" if fate in ("claim", "repair") else ""
                            used.add((
                                str(line_id), qty, "", fate, old_serial, money(price), moment, str(tech), str(loc),
                                str(move_id), str(oid), str(pid), str(visit_id),
                            ))  # fmt: skip
                            yield (
                                str(move_id), "issue", str(loc), str(pid), qty, f"-{qty}", "0", "0", "0", str(oid),
                                str(visit_id), N, N, "", N, str(tech), "", moment,
                            )  # fmt: skip
                            move_id += 1
                            if fate in ("claim", "repair"):
                                yield (
                                    str(move_id), "defective_return", str(loc), str(pid), qty, "0", "0", "0", qty,
                                    str(oid), str(visit_id), N, N, old_serial, N, str(tech),
                                    "Kept for a supplier claim" if fate == "claim" else "Sent for repair (turnover spare)",
                                    moment,
                                )  # fmt: skip
                                move_id += 1
                                if fate == "claim":
                                    claim_lines.append((oid, pid, loc, q, at, old_serial, centre))
                            line_id += 1
                    visit_id += 1

        with load_data.BareTable(cur, "parts_stockmove"):
            with load_data.BareTable(cur, "service_visit"), load_data.BareTable(cur, "parts_visitpart"):
                n_moves = load_data.copy_rows(raw, "parts_stockmove", move_columns, moves())
                log(f"{n_moves} ledger entries copied, {visits.rows} visits and {used.rows} parts lines generated "
                    f"in {time.monotonic() - started:.1f}s")  # fmt: skip
                started = time.monotonic()
                visits.flush()
                used.flush()
                log(f"visits and parts lines copied in {time.monotonic() - started:.1f}s; rebuilding indexes")

            # One receipt per (location, part) issued from: what its lines take, before the first of them.
            def receipts() -> Iterator[tuple]:
                for i, ((loc, pid), (q, first)) in enumerate(sorted(issued.items())):
                    yield (
                        str(move_base + i), "receipt", str(loc), str(pid), f"{q}.000", f"{q}.000", "0", "0", "0",
                        N, N, str(part_supplier[pid]), money(part_cost[pid]), "", N, str(keeper), RECEIPT_REASON,
                        ts(first - 86400),
                    )  # fmt: skip

            n_receipts = load_data.copy_rows(raw, "parts_stockmove", move_columns, receipts())
            log(f"{n_receipts} receipts copied")
        # The balance after each entry, in ledger order as parts/0002 and post_move write it.
        started = time.monotonic()
        filled = load_data.fill_on_hand_after(raw)
        log(f"balance after each entry written on {filled} entries in {time.monotonic() - started:.1f}s")
        started = time.monotonic()
        cur.execute(
            "UPDATE parts_stock s SET defective = d.total FROM (SELECT location_id, part_id, sum(defective_delta) AS total "
            "FROM parts_stockmove WHERE kind = 'defective_return' OR defective_delta <> 0 GROUP BY 1, 2) d "
            "WHERE s.location_id = d.location_id AND s.part_id = d.part_id AND s.defective <> d.total"
        )
        log(f"defective balances of {cur.rowcount} stock rows in {time.monotonic() - started:.1f}s")

        # -- supplier claims: the old parts kept for a claim ----------------------------------------
        started = time.monotonic()
        claim_id = next_id(cur, "parts_supplierclaim")

        def claims() -> Iterator[tuple]:
            for i, (oid, pid, loc, q, at, serial, _centre) in enumerate(claim_lines):
                opened = min(at + 86400, now - 60)
                claimed = part_cost[pid] * q
                age = (now - opened) / 86400
                r = rr()
                if age < 20:
                    status = "open" if r < 0.6 else "sent"
                elif age < 45:
                    status = ("sent", "accepted", "rejected")[0 if r < 0.6 else (1 if r < 0.9 else 2)]
                else:
                    status = ("credited", "replaced", "rejected", "accepted", "sent")[
                        bisect.bisect((0.45, 0.67, 0.82, 0.92), r)
                    ]
                closed = (
                    min(opened + (20 + 40 * rr()) * 86400, now - 60)
                    if status in ("credited", "replaced", "rejected")
                    else None
                )
                recovered = claimed if status in ("credited", "replaced") else 0
                yield (
                    str(claim_id + i), ts(opened), ts(closed or opened), f"SCB{claim_id + i:08d}", serial,
                    local_date(at).isoformat(), DIAGNOSES[i % len(DIAGNOSES)], status, money(claimed), money(recovered),
                    "超出供应商保修期" if status == "rejected" else "", ts(closed), str(keeper), str(loc), str(oid),
                    str(pid), str(part_supplier[pid]),
                )  # fmt: skip

        n_claims = load_data.copy_rows(raw, "parts_supplierclaim", (
            "id", "created_at", "updated_at", "number", "serial", "fitted_on", "failure", "status", "amount_claimed",
            "amount_recovered", "reject_reason", "closed_at", "created_by_id", "location_id", "order_id", "part_id",
            "supplier_id"), claims())  # fmt: skip
        log(f"{n_claims} supplier claims in {time.monotonic() - started:.1f}s")

        # -- contracts of the largest fleets ----------------------------------------------------------
        started = time.monotonic()
        fleets = fetch(
            cur, "SELECT customer_id, count(*) FROM installed_base_unit GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 2000"
        )
        contract_customers = [c for c, _n in fleets]
        contact_of = dict(fetch(cur, "SELECT customer_id, min(id) FROM customers_contact WHERE customer_id = ANY(%s) "
                                "GROUP BY 1", [contract_customers]))  # fmt: skip
        centre_of = dict(fetch(cur, "SELECT id, service_center_id FROM customers_customer WHERE id = ANY(%s)",
                               [contract_customers]))  # fmt: skip
        units_of: dict[int, list[int]] = {}
        for cid, uid in fetch(cur, "SELECT customer_id, id FROM installed_base_unit WHERE customer_id = ANY(%s) "
                              "ORDER BY customer_id, id", [contract_customers]):  # fmt: skip
            units_of.setdefault(cid, []).append(uid)
        techs_of: dict[int, list[int]] = {}
        for tid, centre in technicians:
            techs_of.setdefault(centre, []).append(tid)
        day0 = today - dt.timedelta(days=3 * 365)
        contract_id, plan_id, visit_row_id = (next_id(cur, t) for t in (
            "contracts_contract", "contracts_visitplan", "contracts_contractvisit"))  # fmt: skip
        contract_rows, unit_rows, plan_rows, cvisit_rows = [], [], [], []
        covered_customers: set[int] = set()
        for cid in contract_customers:
            if cid not in contact_of:
                continue
            centre = centre_of[cid]
            covered_customers.add(cid)
            start = day0 + dt.timedelta(days=rnd.randrange(90))
            previous = None
            kind = "maintenance" if rr() < 0.8 else "extended"
            monthly = rr() < 0.3
            for year in range(3):
                if start > today:
                    break
                ends = start + dt.timedelta(days=364)
                cancelled = rr() < 0.03
                created = local_moment(start - dt.timedelta(days=10), 10)
                contract_rows.append((
                    str(contract_id), ts(created), ts(created), f"HTB{cid:06d}-{year + 1}", kind,
                    "cancelled" if cancelled else "active", "年度维保合同" if kind == "maintenance" else "延保合同",
                    start.isoformat(), ends.isoformat(), "100", str(rnd.choice((0, 50, 100))), "100",
                    str(rnd.choice((4, 8, 24))), str(rnd.choice((2, 3, 5))), money(rnd.randrange(2_000_000, 20_000_000)),
                    rnd.choice(("yearly", "quarterly", "once")), "0.00", N, "f", "f",
                    ts(local_moment(start + dt.timedelta(days=200), 11)) if cancelled else N,
                    "客户停业" if cancelled else "", str(agents[centre]), str(contact_of[cid]), str(cid),
                    N if previous is None else str(previous), str(centre),
                ))  # fmt: skip
                unit_rows.extend((str(contract_id), str(uid)) for uid in units_of[cid][:20])
                plan_rows.append((
                    str(plan_id), ts(created), ts(created), "monthly" if monthly else "quarterly",
                    "FREQ=MONTHLY;BYMONTHDAY=15" if monthly else "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15", "t", "",
                    str(contract_id), str(rnd.choice(techs_of[centre])),
                ))  # fmt: skip
                for m in range(0, 12, 1 if monthly else 3):
                    months = start.month - 1 + m
                    planned = dt.date(start.year + months // 12, months % 12 + 1, 15)
                    if planned > ends:
                        break
                    due = planned + dt.timedelta(days=1) if planned.weekday() == 6 else planned
                    cancelled_after = cancelled and planned > start + dt.timedelta(days=200)
                    done_at = None
                    if cancelled_after:
                        status = "cancelled"
                    elif due >= today:
                        status = "planned"
                    else:
                        r = rr()
                        status = "done" if r < 0.86 else ("missed" if r < 0.97 else "cancelled")
                        if status == "done":
                            late = rnd.randint(1, 10) if rr() < 0.15 else -rnd.randint(0, 3)
                            done_at = local_moment(due + dt.timedelta(days=late), 9 + 8 * rr())
                            if done_at > now - 60:
                                status, done_at = "planned", None
                    made = local_moment(planned - dt.timedelta(days=30), 9)
                    cvisit_rows.append((
                        str(visit_row_id), ts(min(made, now - 60)), ts(done_at or min(made, now - 60)),
                        planned.isoformat(), due.isoformat(), status, ts(done_at), str(contract_id), N, str(plan_id),
                    ))  # fmt: skip
                    visit_row_id += 1
                previous = contract_id
                contract_id += 1
                plan_id += 1
                start = ends + dt.timedelta(days=1)
        load_data.copy_rows(raw, "contracts_contract", (
            "id", "created_at", "updated_at", "number", "kind", "status", "title", "starts_on", "ends_on",
            "labour_percent", "parts_percent", "travel_percent", "response_hours", "resolution_days", "price",
            "billing", "deposit_amount", "deposit_release_on", "block_on_missed_visits", "block_on_open_complaints",
            "cancelled_at", "cancel_reason", "account_owner_id", "contact_id", "customer_id", "renewal_of_id",
            "service_center_id"), contract_rows)  # fmt: skip
        load_data.copy_rows(raw, "contracts_contractunit", ("contract_id", "unit_id"), unit_rows)
        load_data.copy_rows(raw, "contracts_visitplan", (
            "id", "created_at", "updated_at", "kind", "rule", "mandatory", "checklist", "contract_id",
            "technician_id"), plan_rows)  # fmt: skip
        load_data.copy_rows(raw, "contracts_contractvisit", (
            "id", "created_at", "updated_at", "planned_on", "due_on", "status", "done_at", "contract_id", "order_id",
            "plan_id"), cvisit_rows)  # fmt: skip
        log(f"{len(contract_rows)} contracts, {len(unit_rows)} covered units, {len(cvisit_rows)} contract visits "
            f"in {time.monotonic() - started:.1f}s")  # fmt: skip

        # -- charge lines of the completed orders ------------------------------------------------------
        started = time.monotonic()
        line_row_id = next_id(cur, "money_chargeline")

        def charge_line(oid: int, kind: str, text: str, qty_cents: int, price: int, rate: int, bearer: str,
                        status: str, at: float, by: int) -> tuple:  # fmt: skip
            net = (qty_cents * price + 50) // 100
            tax = (net * rate + 50) // 100
            return (
                ts(at), ts(at), kind, text, money(qty_cents), money(price), f"{rate}.00", money(net), money(tax),
                money(net + tax), bearer, bearer, "", status, "", str(by), str(oid), N, "0.000", N, "f",
            )  # fmt: skip

        def charge_lines() -> Iterator[tuple]:
            nonlocal line_row_id
            for o in visited:
                oid, status, _kind, _received, _responded, completed = o[:6]
                if completed is None:
                    continue
                covered = o[11]
                bearer = "company" if covered else ("contract" if o[9] in covered_customers else "customer")
                r = rr()
                if status == "closed":
                    line_status = (
                        "approved" if bearer != "customer" or r < 0.35 else ("invoiced" if r < 0.97 else "void")
                    )
                else:
                    line_status = "approved" if r < 0.5 else ("quoted" if r < 0.85 else "draft")
                tech = o[7]
                rows = [charge_line(oid, "labour", "维修工时", rnd.choice((100, 150, 200, 300, 400)), 15000, 6, bearer,
                                    line_status, completed, tech)]  # fmt: skip
                value = parts_value.get(oid)
                if value:
                    rows.append(
                        charge_line(oid, "parts", "更换配件", 100, value, 13, bearer, line_status, completed, tech)
                    )
                if rr() < 0.3:
                    rows.append(
                        charge_line(oid, "travel", "上门交通费", 100, 8000, 6, bearer, line_status, completed, tech)
                    )
                for row in rows:
                    yield (str(line_row_id), *row)
                    line_row_id += 1

        with load_data.BareTable(cur, "money_chargeline"):
            n_lines = load_data.copy_rows(raw, "money_chargeline", (
                "id", "created_at", "updated_at", "kind", "description", "quantity", "unit_price", "tax_rate", "net",
                "tax", "gross", "bearer", "bearer_rule", "bearer_reason", "status", "source", "created_by_id",
                "order_id", "price_id", "issued", "part_id", "supplier_claim"), charge_lines())  # fmt: skip
        log(f"{n_lines} charge lines in {time.monotonic() - started:.1f}s")

        # -- attendance of the technicians -------------------------------------------------------------
        started = time.monotonic()

        def attendance() -> Iterator[tuple]:
            for day_index in range((today - day0).days):
                day = day0 + dt.timedelta(days=day_index)
                if day.weekday() == 6:
                    continue
                midnight = local_moment(day, 0)
                text = day.isoformat()
                for tid, centre in technicians:
                    if rr() < 0.04:
                        continue
                    came = 7.75 + 1.5 * rr()
                    went = 17.0 + 2.5 * rr()
                    yield (
                        ts(midnight + came * 3600), ts(midnight + went * 3600), text, ts(midnight + came * 3600),
                        ts(midnight + went * 3600), "t" if came > 9 else "f", "t" if went < 17.5 else "f", str(tid),
                        str(centre),
                    )  # fmt: skip

        with load_data.BareTable(cur, "workforce_attendance"):
            n_days = load_data.copy_rows(raw, "workforce_attendance", (
                "created_at", "updated_at", "day", "checked_in_at", "checked_out_at", "late", "left_early",
                "person_id", "service_center_id"), attendance())  # fmt: skip
        log(f"{n_days} attendance days in {time.monotonic() - started:.1f}s")

        # -- follow-up calls on closed orders, complaints ---------------------------------------------
        started = time.monotonic()
        task_id, call_id, complaint_id = (next_id(cur, t) for t in (
            "care_followuptask", "care_followupcall", "care_complaint"))  # fmt: skip
        calls = Copier(
            raw,
            "care_followupcall",
            ("id", "at", "outcome", "score", "expected", "perceived", "nps", "answers", "notes", "by_id", "task_id"),
        )
        complaint_rows, complaint_orders = [], []

        def tasks() -> Iterator[tuple]:
            nonlocal task_id, call_id, complaint_id
            for o in orders:
                if o[1] != "closed" or o[6] is None:
                    continue
                oid, closed, centre, cid, unit = o[0], o[6], o[8], o[9], o[10]
                agent = agents[centre]
                if rr() < 0.011:  # a complaint about this order
                    opened = closed + (1 + 4 * rr()) * 86400
                    if opened < now - 60:
                        age = (now - opened) / 86400
                        level = 0 if (r := rr()) < 0.85 else (1 if r < 0.97 else 2)
                        resolved = opened + (2 + 70 * rr()) * 3600 if age > 7 or rr() < 0.5 else None
                        if resolved is not None and resolved > now - 60:
                            resolved = None
                        closed_c = resolved + (1 + 2 * rr()) * 86400 if resolved is not None and rr() < 0.9 else None
                        if closed_c is not None and closed_c > now - 60:
                            closed_c = None
                        status = "closed" if closed_c else ("resolved" if resolved else "open")
                        due = opened + 48 * 3600
                        complaint_rows.append((
                            str(complaint_id), ts(opened), ts(closed_c or resolved or opened), status, str(level),
                            rnd.choices(SOURCES, SOURCE_WEIGHTS)[0], rnd.choices(CAUSES, CAUSE_WEIGHTS)[0],
                            "客户对本次维修服务不满意", ts(opened), ts(due), ts(due) if level else N,
                            "已上门复查并向客户致歉" if resolved else "", ts(resolved), "t" if closed_c else N,
                            ts(closed_c), str(cid), str(agent), str(centre), N,
                        ))  # fmt: skip
                        complaint_orders.append((str(complaint_id), str(oid)))
                        complaint_id += 1
                if rr() >= 0.9:
                    continue
                opens = local_date(closed) + dt.timedelta(days=1)
                closes = opens + dt.timedelta(days=7)
                r = rr()
                if opens >= today - dt.timedelta(days=2):
                    status = "open"
                else:
                    status = ("done", "unreachable", "refused", "cancelled")[bisect.bisect((0.78, 0.92, 0.97), r)]
                outcomes = {
                    "open": (), "cancelled": (), "refused": ("refused",),
                    "unreachable": ("not_reached",) * 3,
                    "done": ("not_reached", "reached") if rr() < 0.3 else ("reached",),
                }[status]  # fmt: skip
                last = None
                for attempt, outcome in enumerate(outcomes):
                    at = min(local_moment(opens + dt.timedelta(days=attempt), 9.5 + 8 * rr()), now - 60)
                    last = at
                    if outcome == "reached":
                        score = rnd.choices((5, 4, 3, 2, 1), (50, 30, 12, 5, 3))[0]
                        nps = str(min(10, max(0, score * 2 + rnd.randint(-2, 1)))) if rr() < 0.8 else N
                        calls.add(
                            (str(call_id), ts(at), outcome, str(score), N, N, nps, "{}", "", str(agent), str(task_id))
                        )
                    else:
                        calls.add((str(call_id), ts(at), outcome, N, N, N, N, "{}", "", str(agent), str(task_id)))
                    call_id += 1
                created = ts(closed)
                yield (
                    str(task_id), created, ts(last) if last else created, "first", status, opens.isoformat(),
                    closes.isoformat(), str(len(outcomes)), N, ts(last) if status != "open" and last else N, "",
                    str(agent), str(cid), str(oid), N, str(centre), N if unit is None else str(unit),
                )  # fmt: skip
                task_id += 1

        with load_data.BareTable(cur, "care_followuptask"), load_data.BareTable(cur, "care_followupcall"):
            n_tasks = load_data.copy_rows(raw, "care_followuptask", (
                "id", "created_at", "updated_at", "purpose", "status", "opens_on", "closes_on", "attempts", "retry_on",
                "done_at", "calendar_warning", "assigned_to_id", "customer_id", "order_id", "previous_id",
                "service_center_id", "unit_id"), tasks())  # fmt: skip
            n_calls = calls.flush()
        load_data.copy_rows(raw, "care_complaint", (
            "id", "created_at", "updated_at", "status", "level", "source", "cause", "description", "opened_at", "due_at",
            "escalated_at", "resolution", "resolved_at", "accepted", "closed_at", "customer_id", "owner_id",
            "service_center_id", "follow_up_call_id"), complaint_rows)  # fmt: skip
        load_data.copy_rows(raw, "care_complaint_orders", ("complaint_id", "serviceorder_id"), complaint_orders)
        log(f"{n_tasks} follow-up tasks, {n_calls} calls, {len(complaint_rows)} complaints in "
            f"{time.monotonic() - started:.1f}s")  # fmt: skip

        for table in (*OWN_TABLES, "parts_stockmove"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest((SELECT max(id) FROM {table}), 1))"  # noqa: S608
            )


def _geometric(u: float, p: float) -> float:
    """The number of failures before the first success (probability ``p``) for the uniform draw ``u``."""
    import math

    return math.floor(math.log(1 - u) / math.log(1 - p)) if p < 1 else 0


def delete_own_rows(cur) -> None:
    """``--force``: the rows this script loads, and nothing of ``load_data.py`` or ``parts_data.py``."""
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cur.execute("TRUNCATE parts_visitpart, workforce_attendance")
    cur.execute("DELETE FROM parts_stockmove WHERE visit_id IS NOT NULL OR reason = %s", [RECEIPT_REASON])
    for table in (
        "parts_supplierclaim", "service_visit", "money_chargeline", "contracts_contractvisit", "contracts_visitplan",
        "contracts_contractunit", "contracts_contract", "care_complaint_orders", "care_complaint", "care_followupcall",
        "care_followuptask",
    ):  # fmt: skip
        cur.execute(f"DELETE FROM {table}")  # noqa: S608
    cur.execute(
        "UPDATE parts_stock s SET defective = coalesce((SELECT sum(m.defective_delta) FROM parts_stockmove m "
        "WHERE m.location_id = s.location_id AND m.part_id = s.part_id), 0) WHERE s.defective <> 0"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--force", action="store_true", help="delete the rows this script loads and load again")
    parser.add_argument("--lines", type=int, default=LINES, help="parts lines to load (default 5,000,000)")
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--rollback", action="store_true", help="a trial: load everything, check, roll back")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        raise SystemExit("the activity loader needs PostgreSQL (--database-url postgres://…)")
    total = time.monotonic()
    load_data.setup_django(args.database_url)
    from django.db import connection, transaction

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM service_serviceorder")
        if not cur.fetchone()[0]:
            raise SystemExit("no orders: run benchmarks/load_data.py first")
        cur.execute("SELECT count(*) FROM parts_part")
        parts_missing = not cur.fetchone()[0]
    if parts_missing:
        import parts_data

        log("the parts catalogue is empty: running parts_data.py first")
        parts_data.main(["--database-url", args.database_url])
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM service_visit")
        (visits,) = cur.fetchone()
        cur.execute("SELECT count(*) FROM parts_visitpart")
        (lines,) = cur.fetchone()
    if visits and lines >= args.lines and not args.force:
        log(f"{visits} visits and {lines} parts lines already loaded: nothing to do (--force loads again)")
        return 0
    with transaction.atomic():
        if visits or lines or args.force:
            started = time.monotonic()
            with connection.cursor() as cur:
                delete_own_rows(cur)
            log(f"deleted the rows of a previous load in {time.monotonic() - started:.1f}s")
        load(seed=args.seed, lines_total=args.lines)
        if args.rollback:
            transaction.set_rollback(True)
            log(f"rolled back (--rollback) after {time.monotonic() - total:.1f}s")
            return 0
    started = time.monotonic()
    with connection.cursor() as cur:
        for table in (*OWN_TABLES, "parts_stockmove", "parts_stock"):
            cur.execute(f"VACUUM ANALYZE {table}")
    log(f"VACUUM ANALYZE in {time.monotonic() - started:.1f}s")
    log(f"total {time.monotonic() - total:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
