"""The open-status condition is written with literal codes (core/lookups.py ``literal_in``), so SQLite reads
the partial index of open orders (``order_centre_open_idx``) for the SLA lists instead of sorting every
open order of the centre (benchmarks/README.md, embedded SQLite: case b 105 ms -> 2 ms)."""

import pytest
from django.db import connection
from django.utils import timezone

from aftersales.service.choices import OPEN_STATUSES, SlaState
from aftersales.service.models import ServiceOrder
from aftersales.service.querysets import OPEN, sla_condition


def test_the_open_condition_names_its_codes_in_the_sql():
    sql, params = ServiceOrder.objects.filter(OPEN).values("id").query.sql_with_params()
    assert "IN ('new', 'accepted', 'dispatched', 'on_site', 'waiting')" in sql
    assert list(params) == []
    assert set(OPEN_STATUSES) == {"new", "accepted", "dispatched", "on_site", "waiting"}


@pytest.mark.parametrize("value", [[], ["new'); DROP TABLE x; --"], ["New"], [1.5]])
def test_only_choice_codes_are_written_as_literals(value):
    with pytest.raises(ValueError, match="literal_in takes choice codes only"):
        ServiceOrder.objects.filter(status__literal_in=value).values("id").query.sql_with_params()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's partial-index matching")
@pytest.mark.parametrize("state", [SlaState.OVERDUE, SlaState.AT_RISK, SlaState.ON_TRACK])
def test_sqlite_reads_a_centre_s_open_orders_from_the_partial_index_in_id_order(state):
    queryset = (
        ServiceOrder.objects.filter(sla_condition(state, now=timezone.now()), service_center_id=1)
        .order_by("-id")
        .values("id")[:26]
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        plan = " | ".join(row[3] for row in cursor.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert "order_centre_open_idx" in plan and "TEMP B-TREE" not in plan, plan
