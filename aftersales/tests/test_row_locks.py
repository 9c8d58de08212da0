"""The row-lock audit every test runs in (``aftersales/core/tests/locks.py``): a ``select_for_update()``
that joins another table, through ``select_related`` or a filter, is found unless it names its table
with ``of=``; on PostgreSQL the SQL of such a lock says ``FOR … OF`` its own table only."""

from typing import Any

import pytest
from django.db import connection, transaction

from aftersales.core.tests.locks import LockAudit
from aftersales.installed_base.models import Unit

pytestmark = pytest.mark.django_db


def _audited(queryset: Any) -> tuple[list[tuple[str, ...]], str]:
    """The tables each wide lock found while ``queryset`` compiled joins, and its SQL."""
    with LockAudit() as audit, transaction.atomic():
        sql, _ = queryset.query.get_compiler(using=queryset.db).as_sql()
    return [found.joined for found in audit.found], sql


def test_a_lock_joining_select_related_tables_locks_their_rows_too():
    found, _ = _audited(Unit.objects.select_for_update().select_related("customer").filter(pk=1))

    assert found == [("customers_customer",)]


def test_a_lock_joining_a_table_through_a_filter_locks_its_rows_too():
    (joined,), _ = _audited(Unit.objects.select_for_update().filter(customer__service_center__code="SH"))

    assert sorted(joined) == ["accounts_servicecenter", "customers_customer"]


def test_a_lock_naming_its_table_or_joining_nothing_locks_only_its_rows():
    named = Unit.objects.select_for_update(of=("self",), no_key=True).select_related("customer")

    assert _audited(Unit.objects.select_for_update().filter(pk=1))[0] == []
    assert _audited(Unit.objects.select_for_update().filter(customer_id=1))[0] == []
    assert _audited(named.filter(customer__name="x"))[0] == []
    assert _audited(Unit.objects.select_related("customer"))[0] == []  # no lock


def test_the_audit_finds_the_wide_locks_a_block_of_code_ran():
    """(``where`` names the innermost frame of the project outside the tests: none here.)"""
    with LockAudit() as audit, transaction.atomic():
        Unit.objects.select_for_update().select_related("customer").filter(pk=0).first()
        Unit.objects.select_for_update(of=("self",)).select_related("customer").first()

    (found,) = audit.found
    assert (found.model, found.joined, found.where) == ("installed_base.Unit", ("customers_customer",), "?")
    assert str(found).endswith(
        "installed_base.Unit locked with select_for_update() without of=, joining "
        "customers_customer: on PostgreSQL it locks their rows too"
    )


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no FOR UPDATE")
def test_on_postgresql_a_lock_naming_its_table_locks_that_table_only():
    wide = _audited(Unit.objects.select_for_update().select_related("customer"))[1]
    named = _audited(Unit.objects.select_for_update(of=("self",), no_key=True).select_related("customer"))[1]

    assert " JOIN " in wide and wide.endswith(" FOR UPDATE")
    assert " JOIN " in named and named.endswith(' FOR NO KEY UPDATE OF "installed_base_unit"')
