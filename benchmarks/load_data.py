"""Load 1,000,000 service orders (with ~100,000 customers, their contacts and sites, and ~300,000
units) into the PostgreSQL benchmark database, with PostgreSQL ``COPY`` — or into a SQLite file
(``--sqlite PATH`` or ``--database-url sqlite:///PATH``) with ``executemany``, the same rows.

    .venv/bin/python benchmarks/load_data.py                                 # PostgreSQL aftersales_bench
    .venv/bin/python benchmarks/load_data.py --sqlite /tmp/bench_1m.sqlite3  # the embedded setup's SQLite
    .venv/bin/python benchmarks/load_data.py --sqlite /tmp/small.sqlite3 --orders 500  # a tiny, proportional set

``--orders N`` loads N orders instead of 1,000,000, with customers (and their contacts and sites), units
and technicians in the same proportions (N/10 customers, 3N/10 units, 12N/1,000,000 technicians per
centre, at least one); the 20 centres and 50 product models stay. CI loads 500 this way to check that
the loaders still write every column the schema requires (``benchmarks/load_check.py``,
``aftersales/tests/test_benchmark_loaders.py``). The same N and seed give the same rows.

Creates the database when it is missing, runs ``migrate``, refuses to load twice (``--force`` empties
the business tables first), drops each big table's secondary indexes and foreign keys while it copies
and recreates them afterwards (one sort per index instead of 1,000,000 index inserts), then ANALYZEs.
On SQLite: WAL, ``synchronous=OFF`` and no foreign-key checks during the load, the secondary indexes
dropped and recreated from ``sqlite_master``, one transaction, then ANALYZE (no COPY, no VACUUM, no
PostgreSQL index functions: the migrations create only what SQLite has).

The data are shaped like a real after-sales desk: ~3 years of calls at ~900 a day, most orders closed,
~10 % open (new/accepted/dispatched/on site/waiting), open ones concentrated in the last weeks so that
some are overdue or at risk; service centres of unequal size; a few customers with large fleets and
many orders; reporters mostly the customer's contact (E.164 mobiles, +86…); Chinese names.
Order events are not loaded (no list or search reads them). The generator is seeded: every load
produces the same rows.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import random
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftersales_bench"

N_CENTRES = 20
N_CUSTOMERS = 100_000
N_UNITS = 300_000
N_ORDERS = 1_000_000
N_TECHNICIANS_PER_CENTRE = 12
DAYS = 3 * 365
TZ = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC

BENCH_USER = "bench"

CITIES = [
    ("北京", "北京市"), ("上海", "上海市"), ("广东", "广州市"), ("广东", "深圳市"), ("浙江", "杭州市"),
    ("江苏", "南京市"), ("江苏", "苏州市"), ("四川", "成都市"), ("湖北", "武汉市"), ("陕西", "西安市"),
    ("天津", "天津市"), ("重庆", "重庆市"), ("山东", "济南市"), ("山东", "青岛市"), ("河南", "郑州市"),
    ("湖南", "长沙市"), ("福建", "厦门市"), ("辽宁", "沈阳市"), ("安徽", "合肥市"), ("云南", "昆明市"),
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志红春梅海燕丹宇浩凯晨欣怡子涵雨轩梓睿博文俊峰斌宁琳颖"
BRAND = "华通达信恒泰宏远鑫盛安瑞金源中天昌隆永兴嘉诚利民新锐博创星海鼎丰富康众合联创东方宝德弘毅精工凯旋汇通亿达"
TRADE = [
    "机电",
    "设备",
    "科技",
    "制冷",
    "电气",
    "自动化",
    "医疗器械",
    "环保",
    "仪器",
    "物业",
    "酒店",
    "食品",
    "制药",
    "纺织",
    "物流",
]
FORM = ["有限公司", "股份有限公司", "有限责任公司", "工程有限公司", "实业有限公司"]
STREETS = ["人民路", "解放路", "建设路", "中山路", "长江路", "黄河路", "科技园路", "工业大道", "新华街", "和平路"]
PROBLEMS = [
    "设备无法启动，面板显示故障代码E{n}", "运行时噪音大，伴有异常振动", "制冷效果差，温度降不下来",
    "漏水，底部有积水", "开机后频繁跳闸", "控制面板无响应，按键失灵", "出风口有异味",
    "压缩机不工作，指示灯闪烁{n}次", "需要年度保养巡检", "新设备到货，需要安装调试", "遥控器无法控制主机",
    "显示屏花屏，无法读数", "加热功能失效", "运行一段时间后自动停机", "传感器报警，代码P{n}",
]  # fmt: skip
PHONE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                  "155", "156", "157", "158", "159", "176", "177", "180", "181", "182", "185", "186", "187",
                  "188", "189"]  # fmt: skip
PRODUCT_CATEGORIES = ["空调机组", "冷水机组", "空气净化", "商用冷柜", "热泵热水", "医用冷藏", "新风系统"]

OPEN = ("new", "accepted", "dispatched", "on_site", "waiting")
OPEN_WEIGHTS = (15, 20, 25, 15, 25)
KINDS = ("repair", "maintenance", "installation", "consultation", "complaint", "exchange", "return_to_factory")
KIND_WEIGHTS = (50, 15, 10, 12, 5, 5, 3)
# Resolution working days per kind (service.sla.DEFAULT_POLICIES) and the at-risk margin.
KIND_DAYS = {
    "repair": (7, 1),
    "maintenance": (10, 2),
    "installation": (10, 2),
    "consultation": (0, 0),
    "complaint": (2, 1),
    "exchange": (15, 5),
    "return_to_factory": (15, 5),
}
CHANNELS = ("hotline", "walk_in", "web", "portal", "email", "api")
CHANNEL_WEIGHTS = (60, 5, 10, 15, 5, 5)
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_WEIGHTS = (10, 70, 15, 5)


def log(msg: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")


# --- COPY helpers ----------------------------------------------------------------------------------


NULL = r"\N"
# COPY's timestamptz literal; on SQLite what Django stores (UTC, no offset). Set by main().
TS_FORMAT = "%Y-%m-%d %H:%M:%S+00"
SQLITE_TS_FORMAT = "%Y-%m-%d %H:%M:%S"
BOOLEAN_COLUMNS = frozenset({"is_primary", "in_use", "warranty_covered", "misuse_found"})


def ts(epoch: float | None) -> str:
    """A timestamp literal (UTC): timestamptz for COPY, Django's stored text on SQLite."""
    if epoch is None:
        return NULL
    return dt.datetime.fromtimestamp(epoch, UTC).strftime(TS_FORMAT)


def fill_on_hand_after(cursor) -> int:
    """The on-hand balance after each ledger entry that COPY left without one (``parts_stockmove.
    on_hand_after``, which post_move writes with each entry): the statement of migration parts/0002
    (the running sum of ``on_hand_delta`` per location and part in ledger order). Returns the rows written."""
    import importlib  # noqa: PLC0415 - a migration module's name starts with a digit

    migration = importlib.import_module("aftersales.parts.migrations.0002_stock_move_on_hand_after")
    cursor.execute(migration.FILL_ON_HAND_AFTER)
    return cursor.rowcount


def copy_rows(cursor, table: str, columns: Iterable[str], rows: Iterable[tuple], chunk: int = 50_000) -> int:
    """COPY ``rows`` (tuples of already-formatted text fields) into ``table``."""
    n = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buf = io.StringIO()
        for row in rows:
            buf.write("\t".join(row))
            buf.write("\n")
            n += 1
            if n % chunk == 0:
                copy.write(buf.getvalue())
                buf = io.StringIO()
        copy.write(buf.getvalue())
    return n


def insert_rows(cursor, table: str, columns: Iterable[str], rows: Iterable[tuple], chunk: int = 50_000) -> int:
    """SQLite: insert ``rows`` (the same text fields COPY takes) with ``executemany`` in chunks.

    ``\\N`` becomes NULL and ``t``/``f`` in boolean columns 1/0; numbers stay text, which SQLite's
    integer affinity stores as integers."""
    columns = tuple(columns)
    booleans = [i for i, column in enumerate(columns) if column in BOOLEAN_COLUMNS]
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
    n = 0
    batch: list[list[str | int | None]] = []
    for row in rows:
        values: list[str | int | None] = [None if v == NULL else v for v in row]
        for i in booleans:
            values[i] = 1 if values[i] == "t" else 0
        batch.append(values)
        if len(batch) == chunk:
            cursor.executemany(sql, batch)
            n += len(batch)
            batch = []
    cursor.executemany(sql, batch)
    return n + len(batch)


class SqliteBareTable:
    """SQLite: drop a table's secondary indexes for a bulk load and recreate them afterwards from
    their definitions in ``sqlite_master`` (constraints declared in the table stay)."""

    def __init__(self, cursor, table: str) -> None:
        self.cursor, self.table = cursor, table

    def __enter__(self) -> SqliteBareTable:
        self.cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            [self.table],
        )
        self.indexes = self.cursor.fetchall()
        for name, _definition in self.indexes:
            self.cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            return
        started = time.monotonic()
        for _name, definition in self.indexes:
            self.cursor.execute(definition)
        log(f"  {self.table}: {len(self.indexes)} indexes rebuilt in {time.monotonic() - started:.1f}s")


class BareTable:
    """Drop a table's secondary indexes, unique and foreign-key constraints for a bulk load, and put
    them back afterwards exactly as they were (definitions read from the catalog)."""

    def __init__(self, cursor, table: str) -> None:
        self.cursor, self.table = cursor, table

    def __enter__(self) -> BareTable:
        cur, table = self.cursor, self.table
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
            [table],
        )
        self.constraints = cur.fetchall()
        for name, _definition, _kind in self.constraints:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary",
            [table],
        )
        self.indexes = cur.fetchall()
        for name, _definition in self.indexes:
            cur.execute(f"DROP INDEX {name}")
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            return
        cur, table = self.cursor, self.table
        started = time.monotonic()
        for _name, definition in self.indexes:
            cur.execute(definition)
        for name, definition, _kind in sorted(self.constraints, key=lambda c: c[2] != "u"):
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        log(
            f"  {table}: {len(self.indexes)} indexes and {len(self.constraints)} constraints rebuilt "
            f"in {time.monotonic() - started:.1f}s"
        )


# --- generators ------------------------------------------------------------------------------------


def person_name(rnd: random.Random) -> str:
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))


def company_name(rnd: random.Random, city: str) -> str:
    brand = rnd.choice(BRAND) + rnd.choice(BRAND)
    return f"{city.removesuffix('市')}{brand}{rnd.choice(TRADE)}{rnd.choice(FORM)}"


def mobile(rnd: random.Random) -> str:
    return f"+86{rnd.choice(PHONE_PREFIXES)}{rnd.randrange(10**8):08d}"


def check_phones() -> None:
    """Every prefix we generate must be a valid mobile for ``normalize_phone``."""
    import phonenumbers

    rnd = random.Random(1)
    for prefix in PHONE_PREFIXES:
        number = phonenumbers.parse(f"+86{prefix}{rnd.randrange(10**8):08d}")
        if not phonenumbers.is_valid_number(number):
            raise SystemExit(f"phone prefix {prefix} does not validate")


def scaled(orders: int) -> tuple[int, int, int]:
    """Customers, units and technicians per centre for ``orders`` orders, in the proportions of the
    full load (100,000, 300,000 and 12 for 1,000,000): at least one customer with a unit each, and a
    technician in each centre."""
    customers = max(1, round(orders * N_CUSTOMERS / N_ORDERS))
    units = max(customers, round(orders * N_UNITS / N_ORDERS))
    return customers, units, max(1, round(orders * N_TECHNICIANS_PER_CENTRE / N_ORDERS))


def load(*, seed: int, orders: int = N_ORDERS) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    sqlite = connection.vendor == "sqlite"
    bare = SqliteBareTable if sqlite else BareTable
    copy_rows_ = insert_rows if sqlite else copy_rows

    def q(statement: str) -> str:
        """The INSERTs below, written for psycopg, in sqlite3's dialect."""
        return statement.replace("%s", "?").replace("now()", "CURRENT_TIMESTAMP") if sqlite else statement

    n_customers, n_units, technicians_per_centre = scaled(orders)
    rnd = random.Random(seed)
    now = time.time()
    now_local = dt.datetime.fromtimestamp(now, TZ)
    epoch_day0 = (now_local - dt.timedelta(days=DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    stamp = ts(now - DAYS * 86400)
    check_phones()

    connection.ensure_connection()
    raw = connection.connection.cursor()
    with raw if not sqlite else contextlib.nullcontext(raw) as cur:
        if sqlite:
            cur.execute("PRAGMA cache_size = -262144")  # 256 MB of page cache for the index builds
        else:
            cur.execute("SET maintenance_work_mem = '256MB'")
            cur.execute("SET synchronous_commit = off")
            # Foreign keys are deferred; checking each row now keeps ALTER TABLE possible in this transaction.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")

        # -- centres, users, product models -------------------------------------------------------
        centres = []
        for i, (province, city) in enumerate(CITIES[:N_CENTRES], start=1):
            centres.append(i)
            cur.execute(
                q(
                    "INSERT INTO accounts_servicecenter (id, created_at, updated_at, code, name, region, phone, address) "
                    "VALUES (%s, now(), now(), %s, %s, %s, %s, %s)"
                ),
                [i, f"SC{i:02d}", f"{city.removesuffix('市')}服务中心", province, "4008001234", f"{city}人民路{i}号"],
            )
        # Unequal centres: the biggest gets ~12x the orders of the smallest.
        centre_weights = [1 / (i**0.8) for i in range(1, N_CENTRES + 1)]
        unusable = make_password(None)
        users = []
        uid = 1
        technicians: dict[int, list[int]] = {}
        for c in centres:
            for t in range(technicians_per_centre):
                name = person_name(rnd)
                users.append((uid, unusable, f"tech{c:02d}_{t:02d}", name[1:], name[0], "technician", c))
                technicians.setdefault(c, []).append(uid)
                uid += 1
        for uid_, password, username, first, last, role, centre in users:
            cur.execute(
                q(
                    "INSERT INTO accounts_user (id, password, is_superuser, username, first_name, last_name, email, "
                    "is_staff, is_active, date_joined, role, phone, language, service_center_id, has_extra_roles, system_kind) "
                    "VALUES (%s, %s, false, %s, %s, %s, '', false, true, now(), %s, '', '', %s, false, '')"
                ),
                [uid_, password, username, first, last, role, centre],
            )
        agent_ids = list(range(uid, uid + N_CENTRES))
        for c in centres:
            cur.execute(
                q(
                    "INSERT INTO accounts_user (id, password, is_superuser, username, first_name, last_name, email, "
                    "is_staff, is_active, date_joined, role, phone, language, service_center_id, has_extra_roles, system_kind) "
                    "VALUES (%s, %s, false, %s, '', '', '', false, true, now(), 'agent', '', '', %s, false, '')"
                ),
                [uid, unusable, f"agent{c:02d}", c],
            )
            uid += 1
        products = []
        for i in range(1, 51):
            months = rnd.choice((12, 12, 18, 24, 36))
            products.append((i, months))
            cur.execute(
                q(
                    "INSERT INTO catalog_productmodel (id, created_at, updated_at, code, name, category, "
                    "warranty_months, warranty_terms, active) VALUES (%s, now(), now(), %s, %s, %s, %s, '', %s)"
                ),
                [i, f"M{i:03d}", f"型号{i:03d}", rnd.choice(PRODUCT_CATEGORIES), months, True],
            )
        for table in ("accounts_servicecenter", "accounts_user", "catalog_productmodel") if not sqlite else ():
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
        log(f"{len(centres)} centres, {uid - 1} users, {len(products)} product models")

        # -- customers, contacts, sites -----------------------------------------------------------
        started = time.monotonic()
        cust_centre = rnd.choices(centres, weights=centre_weights, k=n_customers)
        contacts: dict[int, list[tuple[int, str, str]]] = {}
        customer_rows, contact_rows, site_rows = [], [], []
        contact_id = 0
        for cid in range(1, n_customers + 1):
            centre = cust_centre[cid - 1]
            province, city = CITIES[centre - 1]
            is_company = rnd.random() < 0.7
            name = company_name(rnd, city) if is_company else person_name(rnd)
            customer_rows.append((str(cid), stamp, stamp, "company" if is_company else "person", name, "", str(centre)))
            people = []
            for k in range(1 if rnd.random() < 0.7 else 2):
                contact_id += 1
                person = name if not is_company and k == 0 else person_name(rnd)
                phone = mobile(rnd)
                people.append((contact_id, person, phone))
                contact_rows.append(
                    (str(contact_id), stamp, stamp, person, phone, "t" if k == 0 else "f", "t", str(cid))
                )
            contacts[cid] = people
            site_rows.append(
                (str(cid), stamp, stamp, "总部" if is_company else "住所", province, city,
                 f"{rnd.choice(STREETS)}{rnd.randrange(1, 999)}号", "t", str(cid))
            )  # fmt: skip
        with bare(cur, "customers_customer"):
            copy_rows_(cur, "customers_customer",
                      ("id", "created_at", "updated_at", "kind", "name", "notes", "service_center_id"), customer_rows)  # fmt: skip
        with bare(cur, "customers_contact"):
            copy_rows_(cur, "customers_contact",
                      ("id", "created_at", "updated_at", "name", "mobile", "is_primary", "in_use", "customer_id"), contact_rows)  # fmt: skip
        with bare(cur, "customers_site"):
            copy_rows_(cur, "customers_site",
                      ("id", "created_at", "updated_at", "name", "province", "city", "address", "in_use", "customer_id"),
                      site_rows)  # fmt: skip
        log(f"{n_customers} customers, {contact_id} contacts, {n_customers} sites in {time.monotonic() - started:.1f}s")

        # -- units: a long tail of fleet sizes (a few customers own hundreds) ------------------------
        started = time.monotonic()
        raw_fleet = [min(400.0, rnd.paretovariate(1.6)) for _ in range(n_customers)]
        scale = n_units / sum(raw_fleet)
        for _ in range(20):  # every customer owns at least one unit: find the scale that totals n_units
            fleet = [max(1, round(f * scale)) for f in raw_fleet]
            scale *= n_units / sum(fleet)
        unit_rows = []
        units_of: dict[int, list[tuple[int, int, int | None, bool]]] = {}
        unit_id = 0
        for cid, count in enumerate(fleet, start=1):
            owned = []
            for _ in range(count):
                unit_id += 1
                product, months = products[rnd.randrange(len(products))]
                bought = epoch_day0.date() - dt.timedelta(days=rnd.randrange(0, 5 * 365))
                own = rnd.random() < 0.6
                proof = own or rnd.random() < 0.7
                bought_ord = bought.toordinal()
                owned.append((unit_id, months, bought_ord if proof else None, own))
                unit_rows.append(
                    (str(unit_id), stamp, stamp, f"SN{product:03d}{unit_id:09d}", bought.isoformat(),
                     "own" if own else "dealer", "" if own else f"{rnd.choice(BRAND)}{rnd.choice(BRAND)}经销商",
                     f"FP{rnd.randrange(10**10):010d}" if proof and not own else "", "", r"\N", str(cid),
                     str(product), str(cid))
                )  # fmt: skip
            units_of[cid] = owned
        with bare(cur, "installed_base_unit"):
            copy_rows_(cur, "installed_base_unit",
                      ("id", "created_at", "updated_at", "serial_number", "purchase_date", "seller", "dealer_name",
                       "proof_reference", "proof_file", "installed_on", "customer_id", "product_model_id", "site_id"),
                      unit_rows)  # fmt: skip
        log(f"{unit_id} units in {time.monotonic() - started:.1f}s")

        # -- orders -----------------------------------------------------------------------------------
        started = time.monotonic()
        # Customers with bigger fleets call more.
        cust_cum = []
        acc = 0.0
        for count in fleet:
            acc += count**0.9
            cust_cum.append(acc)
        counters: list[tuple[str, str]] = []

        # Calls per day: +-25 % noise, a slow growth over the years, today only up to now.
        weights = [rnd.uniform(0.75, 1.25) * (0.8 + 0.4 * d / DAYS) for d in range(DAYS + 1)]
        today_start = now_local.replace(hour=8, minute=0, second=0, microsecond=0)
        weights[DAYS] *= min(1.0, max(0.0, (now - 60 - today_start.timestamp()) / (12 * 3600)))
        total_weight = sum(weights)
        exact = [w * orders / total_weight for w in weights]
        day_counts = [int(x) for x in exact]
        by_remainder = sorted(range(DAYS + 1), key=lambda d: day_counts[d] - exact[d])
        for d in by_remainder[: orders - sum(day_counts)]:  # largest remainders get the leftover orders
            day_counts[d] += 1

        def order_rows() -> Iterable[tuple]:
            oid = 0
            choices, rr, rnd_ = rnd.choices, rnd.random, rnd
            for day_index, n_today in enumerate(day_counts):
                day = epoch_day0 + dt.timedelta(days=day_index)
                day_start = day.replace(hour=8).timestamp()
                span = min(12 * 3600, now - 60 - day_start)
                times = sorted(day_start + rr() * span for _ in range(n_today))
                custs = choices(range(1, n_customers + 1), cum_weights=cust_cum, k=n_today)
                age_days = (now - day_start) / 86400
                if age_days < 10:
                    p_open = 0.95
                elif age_days < 45:
                    p_open = 0.6
                elif age_days < 365:
                    p_open = 0.16
                else:
                    p_open = 0.02
                counters.append(("SO", day.date().isoformat(), n_today))
                for seq in range(1, n_today + 1):
                    oid += 1
                    received = times[seq - 1]
                    cid = custs[seq - 1]
                    centre = cust_centre[cid - 1]
                    kind = choices(KINDS, KIND_WEIGHTS)[0]
                    owned = units_of[cid]
                    unit = None if kind == "consultation" and rr() < 0.7 else owned[rnd_.randrange(len(owned))]
                    people = contacts[cid]
                    if rr() < 0.75:
                        contact, reporter, phone = people[rnd_.randrange(len(people))]
                    else:
                        contact, reporter, phone = None, person_name(rnd_), mobile(rnd_)
                    is_open = rr() < p_open
                    wd, risk_wd = KIND_DAYS[kind]
                    respond_by = received + 86400
                    if wd:
                        due_day = dt.datetime.fromtimestamp(received, TZ).replace(
                            hour=17, minute=30, second=0, microsecond=0
                        ) + dt.timedelta(days=wd * 7 // 5 + 1)
                        due = due_day.timestamp()
                        at_risk = due - max(risk_wd, 1) * 7 / 5 * 86400 if risk_wd else due
                    else:
                        due, at_risk = respond_by, respond_by - 4 * 3600
                    resolution = "return_to_factory" if kind == "return_to_factory" else (
                        "exchange" if kind == "exchange" else ("remote" if kind == "consultation" else "on_site")
                    )  # fmt: skip
                    waiting_for = ""
                    technician = None
                    responded = completed = closed = None
                    cancel_reason = ""
                    if is_open:
                        status = choices(OPEN, OPEN_WEIGHTS)[0]
                        if status == "waiting":
                            waiting_for = choices(("parts", "customer", "factory"), (60, 25, 15))[0]
                            # Waiting orders often had their due date extended.
                            if rr() < 0.5:
                                extra = rr() * 40 * 86400
                                due += extra
                                at_risk += extra
                    else:
                        r = rr()
                        status = "closed" if r < 0.9 else ("cancelled" if r < 0.95 else "completed")
                    if status != "new":
                        responded = min(received + rr() * 20 * 3600, now)
                    if status in ("dispatched", "on_site", "waiting", "completed", "closed") and kind != "consultation":
                        techs = technicians[centre]
                        technician = techs[rnd_.randrange(len(techs))]
                    if status in ("completed", "closed"):
                        completed = min(received + rr() * max(due - received, 3600) * 1.2, now)
                    if status == "closed":
                        closed = min(completed + rr() * 3 * 86400, now)
                    if status == "cancelled":
                        cancel_reason = "客户取消"
                        closed = None
                    # The warranty decision (coverage.selectors.decide_coverage).
                    if unit is None:
                        w_covered, w_reason, w_until = False, "no_unit", None
                    elif unit[2] is None:
                        w_covered, w_reason, w_until = False, "no_proof", None
                    else:
                        until = unit[2] + int(unit[1] * 30.44) - 1
                        w_covered = dt.date.fromordinal(until) >= dt.datetime.fromtimestamp(received, TZ).date()
                        w_reason = "in_warranty" if w_covered else "expired"
                        w_until = dt.date.fromordinal(until).isoformat()
                    updated = closed or completed or responded or received
                    ts_received = ts(received)
                    yield (
                        str(oid), ts_received, ts(updated), f"SO{day:%Y%m%d}{seq:05d}",
                        "1" if status == "new" else "3", status, waiting_for,
                        choices(CHANNELS, CHANNEL_WEIGHTS)[0], kind, resolution,
                        choices(PRIORITIES, PRIORITY_WEIGHTS)[0], reporter, phone,
                        PROBLEMS[rnd_.randrange(len(PROBLEMS))].format(n=rnd_.randrange(1, 99)),
                        "已电话指导用户操作" if kind == "consultation" and status == "closed" else "",
                        ts_received, ts(respond_by), ts(responded), ts(due), ts(at_risk), "",
                        ts(completed), ts(closed), cancel_reason,
                        "t" if w_covered else "f", w_reason, "", w_until or r"\N", ts_received, "f",
                        r"\N" if contact is None else str(contact), str(agent_ids[centre - 1]), str(cid), str(centre),
                        str(cid) if unit is not None else r"\N", r"\N" if technician is None else str(technician),
                        r"\N" if unit is None else str(unit[0]), r"\N",
                    )  # fmt: skip

        order_columns = (
            "id", "created_at", "updated_at", "number", "version", "status", "waiting_for", "channel", "kind",
            "resolution", "priority", "reporter_name", "reporter_phone", "description", "consultation_answer",
            "received_at", "respond_by", "responded_at", "due_at", "at_risk_at", "calendar_warning",
            "completed_at", "closed_at", "cancel_reason", "warranty_covered", "warranty_reason", "warranty_detail",
            "warranty_until", "warranty_decided_at", "misuse_found", "contact_id", "created_by_id", "customer_id",
            "service_center_id", "site_id", "technician_id", "unit_id", "warranty_decided_by_id",
        )  # fmt: skip
        with bare(cur, "service_serviceorder"):
            n = copy_rows_(cur, "service_serviceorder", order_columns, order_rows())
            log(f"{n} orders copied in {time.monotonic() - started:.1f}s; rebuilding indexes")
        copy_rows_(cur, "core_dailycounter", ("prefix", "day", "value"), ((p, d, str(v)) for p, d, v in counters))
        for table in (
            (
                "customers_customer",
                "customers_contact",
                "customers_site",
                "installed_base_unit",
                "service_serviceorder",
                "core_dailycounter",
            )
            if not sqlite
            else ()
        ):  # fmt: skip  (SQLite's AUTOINCREMENT follows the ids inserted)
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
        log(f"orders done in {time.monotonic() - started:.1f}s")


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--sqlite", metavar="PATH", help="load a SQLite file instead (= --database-url sqlite:///PATH)")
    parser.add_argument("--force", action="store_true", help="empty the business tables and load again")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument(
        "--orders",
        type=positive,
        default=N_ORDERS,
        help="orders to load (default 1,000,000); customers, contacts, sites, units and technicians scale with them",
    )
    args = parser.parse_args(argv)
    if args.sqlite:
        args.database_url = f"sqlite:///{Path(args.sqlite).resolve()}"
    sqlite_path = args.database_url.removeprefix("sqlite:///") if args.database_url.startswith("sqlite:///") else None
    if sqlite_path is None and not args.database_url.startswith("postgres"):
        raise SystemExit("the benchmark needs PostgreSQL (--database-url postgres://…) or SQLite (--sqlite PATH)")

    total = time.monotonic()
    if sqlite_path is None:
        ensure_database(args.database_url)
    elif args.force:
        for suffix in ("", "-wal", "-shm"):  # a fresh file: quicker than deleting 1,000,000 rows
            Path(sqlite_path + suffix).unlink(missing_ok=True)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    log("migrated")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM service_serviceorder")
        (existing,) = cur.fetchone()
    if existing and not args.force:
        log(f"{existing} orders already loaded: nothing to do (--force loads again)")
        return 0
    if sqlite_path is not None:
        global TS_FORMAT  # noqa: PLW0603
        TS_FORMAT = SQLITE_TS_FORMAT
        with connection.cursor() as cur:
            # Outside the transaction (SQLite ignores these inside one); WAL stays the file's mode.
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = OFF")
            cur.execute("PRAGMA foreign_keys = OFF")
    elif existing or args.force:
        with connection.cursor() as cur:
            cur.execute(
                "TRUNCATE service_orderevent, service_visit, service_attachment, notifications_notification, "
                "service_serviceorder_helpers, service_serviceorder, installed_base_unit, customers_site, "
                "customers_contact, customers_customer, core_idempotencykey, core_dailycounter, accounts_apitoken, "
                "catalog_productmodel, accounts_user, accounts_servicecenter RESTART IDENTITY CASCADE"
            )
        log("emptied the business tables")

    from django.db import transaction

    with transaction.atomic():
        load(seed=args.seed, orders=args.orders)
    loaded = time.monotonic() - total
    started = time.monotonic()
    with connection.cursor() as cur:
        if sqlite_path is not None:
            cur.execute("ANALYZE")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.execute("PRAGMA foreign_keys = ON")
        else:
            cur.execute("VACUUM ANALYZE") if connection.get_autocommit() else cur.execute("ANALYZE")
    log(f"{'ANALYZE' if sqlite_path else 'VACUUM ANALYZE'} in {time.monotonic() - started:.1f}s")
    log(f"total {time.monotonic() - total:.1f}s (load {loaded:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
