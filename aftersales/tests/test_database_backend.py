"""The PostgreSQL backend's health check without a round trip, and the prepared hot reads
(aftersales/core/backends/postgresql, aftersales/core/prepared.py; benchmarks/README.md)."""

import select

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from aftersales.core.backends.postgresql.base import quiet
from aftersales.core.prepared import prepared_statements
from aftersales.service.models import ServiceOrder
from aftersales.settings.base import POSTGRESQL_ENGINE, database_settings


def postgresql(test):
    marks = (
        pytest.mark.postgres,
        pytest.mark.skipif(
            connection.vendor != "postgresql", reason="PostgreSQL's connections and prepared statements"
        ),
    )
    for mark in marks:
        test = mark(test)
    return test


def test_postgresql_uses_the_backend_with_the_quiet_health_check_and_prepares_hot_reads():
    database = database_settings("postgres://aftersales@db.example:5432/aftersales")

    assert database["ENGINE"] == POSTGRESQL_ENGINE
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["prepare_threshold"] == 5


def test_prepared_statements_can_be_turned_off_for_an_old_pooler(monkeypatch):
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "0")

    assert "prepare_threshold" not in database_settings("postgres://aftersales@db.example:5432/aftersales")["OPTIONS"]


def _own_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@postgresql
@pytest.mark.django_db(transaction=True)
def test_a_quiet_kept_connection_is_not_pinged(monkeypatch):
    pid = _own_pid()
    monkeypatch.setattr(connection, "close_at", None)  # not at the end of its CONN_MAX_AGE in a long test run
    connection.close_if_unusable_or_obsolete()  # what every request starts with: the check is due
    pings = []
    monkeypatch.setattr(connection, "is_usable", lambda: pings.append(1) or True)

    assert _own_pid() == pid  # the same connection, kept
    assert pings == []  # and no SELECT 1 before the request's first statement


@postgresql
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_closed_is_replaced_before_the_request_uses_it():
    pid = _own_pid()
    assert quiet(connection.connection)
    with psycopg.connect(_url()) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server's goodbye (an error message, then the end of the stream) reaches the socket.
    select.select([connection.connection.pgconn.socket], [], [], 10)
    assert not quiet(connection.connection)

    connection.close_if_unusable_or_obsolete()  # the next request
    assert _own_pid() != pid  # reconnected by the health check: the request did not fail


@postgresql
@pytest.mark.django_db(transaction=True)
def test_a_connection_inside_a_transaction_is_checked_the_usual_way(monkeypatch):
    _own_pid()
    pings = []
    monkeypatch.setattr(connection, "is_usable", lambda: pings.append(1) or True)
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        try:
            assert not quiet(connection.connection)
            connection.health_check_done = False
            connection.close_if_health_check_failed()
        finally:
            cursor.execute("ROLLBACK")

    assert pings == [1]


def _url() -> str:
    database = connection.settings_dict
    parts = {"dbname": database["NAME"], "user": database["USER"], "password": database["PASSWORD"]}
    parts |= {"host": database["HOST"], "port": str(database["PORT"] or "")}
    return psycopg.conninfo.make_conninfo(**{key: value for key, value in parts.items() if value})


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@postgresql
@pytest.mark.django_db
def test_a_read_inside_the_block_is_prepared_once_and_reused():
    with prepared_statements():
        list(ServiceOrder.objects.filter(status="new", service_center_id=1).order_by("-id")[:26])
    with prepared_statements():  # other values, the same statement
        list(ServiceOrder.objects.filter(status="accepted", service_center_id=2).order_by("-id")[:26])

    statements = [s for s in _prepared_statements() if "service_serviceorder" in s]
    assert len(statements) == 1
    assert "$1" in statements[0]  # bound on the server, not the values written into the text


@postgresql
@pytest.mark.django_db
def test_reads_outside_the_block_are_not_prepared():
    list(ServiceOrder.objects.filter(status="new").order_by("-id")[:26])
    with prepared_statements():
        pass
    list(ServiceOrder.objects.filter(status="new").order_by("-id")[:26])

    assert not [s for s in _prepared_statements() if "service_serviceorder" in s]


@postgresql
@pytest.mark.django_db
def test_nothing_is_prepared_when_turned_off(monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"]["OPTIONS"], "prepare_threshold", None)

    with prepared_statements():
        list(ServiceOrder.objects.filter(status="new").order_by("-id")[:26])

    assert not [s for s in _prepared_statements() if "service_serviceorder" in s]


@pytest.mark.django_db
def test_prepared_statements_do_nothing_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite run")
    with prepared_statements():
        assert list(ServiceOrder.objects.filter(status="new")[:1]) == []


@postgresql
@pytest.mark.django_db
def test_a_prepared_read_is_captured_with_its_values_written_in():
    """What DEBUG logs and the benchmark's raw SQL replays (benchmarks/run.py captures the statements)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured, prepared_statements():
        list(ServiceOrder.objects.filter(status="new", service_center_id=7).order_by("-id")[:26])

    (query,) = captured.captured_queries
    assert query["sql"].startswith("SELECT ")
    assert "= 'new'" in query["sql"] and "= 7" in query["sql"]


@postgresql
@pytest.mark.django_db
def test_the_sla_list_keeps_one_generic_plan_and_a_received_range_is_planned_for_its_values(api_client, users):
    """PostgreSQL's own choice planned the overdue list again on every request (its "now" made each
    custom plan look cheaper than the same generic one); the session asks for generic plans
    (settings.base SESSION_OPTIONS). A received-date range or a search is left unprepared: its values decide
    its plan."""
    from aftersales.accounts.choices import Role
    from aftersales.customers.tests.factories import CustomerFactory
    from aftersales.service.tests.factories import make_order

    client = api_client(users[Role.ADMIN])
    for _ in range(7):
        assert client.get("/api/v1/orders?sla_state=overdue").status_code == 200

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE '%%service_serviceorder%%' AND statement LIKE '%%due_at\" <%%'"
        )
        ((generic, custom),) = cursor.fetchall()
    assert (generic, custom) == (7, 0)

    assert client.get("/api/v1/orders?received_from=2026-01-01&received_to=2026-02-01").status_code == 200
    customer = CustomerFactory(name="上海华通机电有限公司", service_center=users[Role.AGENT].service_center)
    make_order(by=users[Role.AGENT], customer=customer)
    answer = client.get("/api/v1/orders?q=华通机电")
    assert answer.status_code == 200 and len(answer.json()["items"]) == 1
    assert not [s for s in _prepared_statements() if '"received_at" >=' in s or '"customer_id" IN' in s]
    # Their rows are then read by id (list_rows.rows_by_ids): that read is prepared.
    assert [s for s in _prepared_statements() if '"service_serviceorder"."id" = ANY($1)' in s]


def test_the_embedded_sqlite_connection_is_kept_between_requests(monkeypatch, tmp_path):
    """Opened per request it cost most of a request (benchmarks/README.md, embedded SQLite)."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)

    assert database_settings(url)["CONN_MAX_AGE"] == 60
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "0")
    assert database_settings(url)["CONN_MAX_AGE"] == 0


@postgresql
@pytest.mark.django_db
def test_a_technicians_list_is_prepared_and_the_orders_helped_on_are_a_part_of_their_own(api_client, users):
    """A technician who helps on nothing is scoped by ``technician_id`` alone: one generic plan serves
    (order_tech_status_idx), of the joined page for one status, of the page's ids for any. With orders
    helped on, the scope is the OR of two columns that no one index holds, and a page of the OR walked
    every order (a generic plan) or the primary key past every other order (27 ms, planned for its
    values): it is read as two pages, each of one condition and prepared, and merged (service.api)."""
    from aftersales.accounts.choices import Role
    from aftersales.customers.tests.factories import CustomerFactory
    from aftersales.service.tests.factories import make_order

    technician = users[Role.TECHNICIAN]
    client = api_client(technician)
    client.get("/api/v1/me")  # the connection is open: forget what earlier tests prepared on it
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert client.get("/api/v1/orders?status=new").status_code == 200
    assert [s for s in _prepared_statements() if '"technician_id" = $' in s and " OR " not in s]
    # Of any status, the page is read as its ids first (service.api.list_orders): prepared too.
    assert client.get("/api/v1/orders").status_code == 200
    ids = 'SELECT "service_serviceorder"."id" AS "id" FROM "service_serviceorder" WHERE "service_serviceorder"."technician_id" = $1'
    assert [s for s in _prepared_statements() if s.startswith(ids)]

    customer = CustomerFactory(service_center=technician.service_center)
    make_order(by=users[Role.AGENT], customer=customer).helpers.add(technician)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    answer = client.get("/api/v1/orders?status=new")
    assert answer.status_code == 200 and len(answer.json()["items"]) == 1
    prepared = _prepared_statements()
    part = 'SELECT "service_serviceorder"."id" AS "id" FROM "service_serviceorder" WHERE ("service_serviceorder".'
    assert [s for s in prepared if s.startswith(part + '"technician_id" = $1 AND') and " OR " not in s], prepared
    assert [s for s in prepared if s.startswith(part + '"id" = ANY($1) AND') and " OR " not in s], prepared
    assert not [s for s in prepared if '"technician_id" = $' in s and " OR " in s]


@postgresql
@pytest.mark.django_db
def test_an_order_create_plans_its_unit_and_contract_reads_once_per_connection(api_client, users):
    """Every order opened for a unit reads the unit with its relations and the unit's live contracts:
    planning the unit's five relations took three times as long as running the read (benchmarks/README.md
    item 13). Both are prepared, one statement each for every unit and customer, planned generically."""
    from aftersales.accounts.choices import Role
    from aftersales.customers.tests.factories import CustomerFactory
    from aftersales.installed_base.tests.factories import UnitFactory

    agent = users[Role.AGENT]
    client = api_client(agent)
    client.get("/api/v1/me")  # the connection is open: forget what earlier tests prepared on it
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    for n in range(3):
        unit = UnitFactory(customer=CustomerFactory(service_center=agent.service_center))
        payload = {"kind": "repair", "customer_id": unit.customer_id, "unit_id": unit.pk, "reporter_name": "张三"}
        payload |= {"reporter_phone": "13812345678", "description": f"设备无法启动 {n}"}
        assert client.post("/api/v1/orders", payload, content_type="application/json").status_code == 201

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        prepared = cursor.fetchall()
    units = [(g, c) for s, g, c in prepared if s.startswith('SELECT "installed_base_unit"."id"')]
    contracts = [(g, c) for s, g, c in prepared if 'FROM "contracts_contractunit"' in s]
    assert units == [(3, 0)]
    assert contracts == [(3, 0)]
