"""The home page's counts read indexes, not the order table (service.home.state_counts).

One aggregate over every order in scope read the whole table: 0.34 s at 1,000,000 orders for an
administrator (benchmarks/README.md "The home page"). The open orders' counts are now answerable from
``order_centre_open_idx`` alone, the finished ones' from an index of the status. These tests hold the
SQL to that: with the table's scans turned off and that index the one left besides the primary key and
the unique constraints', PostgreSQL reads it (the statement's condition implies the partial index's),
and every column the statement names is one of the index's. So the test asks whether the statement
can be answered from the index, whatever the worker's earlier tests left in the table's statistics;
which index the planner prefers at 1,000,000 orders is benchmarks/README.md's.
(Whether PostgreSQL then reads the index alone depends on the table's visibility map, which a test's
transaction never sets.)"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.service.home import state_counts
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.plans import plan_with_only

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans"),
    pytest.mark.django_db,
]


def _statements(user) -> list[str]:
    """Each statement ``state_counts`` runs for ``user``."""
    with CaptureQueriesContext(connection) as captured:
        state_counts(user, now=timezone.now())
    return [query["sql"] for query in captured.captured_queries]


def _columns(sql: str) -> set[str]:
    return set(re.findall(r'"service_serviceorder"\."(\w+)"', sql))


def _index_columns(name: str) -> set[str]:
    (index,) = [index for index in ServiceOrder._meta.indexes if index.name == name]
    names = [field.lstrip("-") for field in index.fields] + list(index.include)
    return {ServiceOrder._meta.get_field(field).column for field in names}


@pytest.mark.parametrize("role", [Role.GENERAL_MANAGER, Role.AGENT])
def test_the_open_orders_are_counted_from_the_open_index_alone(users, role):
    statements = _statements(users[role])

    assert len(statements) == 2, statements
    open_sql, finished_sql = statements
    open_plan = plan_with_only(open_sql, "order_centre_open_idx")
    assert "using order_centre_open_idx" in open_plan and "Seq Scan" not in open_plan, open_plan
    assert _columns(open_sql) <= _index_columns("order_centre_open_idx"), _columns(open_sql)
    index = "order_status_idx" if role == Role.GENERAL_MANAGER else "order_centre_status_idx"
    finished_plan = plan_with_only(finished_sql, index)
    assert f"using {index}" in finished_plan and "Seq Scan" not in finished_plan, finished_plan
    assert _columns(finished_sql) <= _index_columns(index) | {"id"}, _columns(finished_sql)


def test_a_technicians_counts_read_their_index(users):
    statements = _statements(users[Role.TECHNICIAN])

    counts = [sql for sql in statements if "service_serviceorder_helpers" not in sql]  # jobs_of
    assert len(counts) == 2
    for sql in counts:
        plan = plan_with_only(sql, "order_tech_status_idx")
        assert "using order_tech_status_idx" in plan and "Seq Scan" not in plan, plan
