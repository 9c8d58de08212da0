"""``field__any`` (core/lookups.py): the rows of ``__in``, with one statement text for every length of
list on PostgreSQL, so a prepared read by ids is planned once."""

import datetime

import pytest
from django.db import connection

from aftersales.core.models import DailyCounter
from aftersales.core.prepared import prepared_statements


@pytest.fixture
def counters():
    day = datetime.date(2026, 1, 1)
    return [DailyCounter.objects.create(prefix=f"T{n}", day=day, value=n) for n in range(5)]


@pytest.mark.django_db
@pytest.mark.parametrize("pick", [[0], [1, 3], [4, 2, 0, 2], []], ids=["one", "two", "repeated", "none"])
def test_any_reads_the_rows_in_does(counters, pick):
    ids = [counters[n].pk for n in pick]

    found = list(DailyCounter.objects.filter(pk__any=ids).order_by("pk").values_list("value", flat=True))

    assert found == sorted(set(pick))
    assert found == list(DailyCounter.objects.filter(pk__in=ids).order_by("pk").values_list("value", flat=True))


@pytest.mark.django_db
def test_any_binds_the_list_as_one_parameter_on_postgresql(counters):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's arrays")
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")

    for size in (1, 2, 5):
        with prepared_statements():
            assert len(list(DailyCounter.objects.filter(pk__any=[c.pk for c in counters[:size]]))) == size

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%%core_dailycounter%%'")
        (statement,) = [row[0] for row in cursor.fetchall()]
    assert '"core_dailycounter"."id" = ANY($1)' in statement


@pytest.mark.parametrize("value", ["1,2", [1, "2"], [1.0], [True]])
def test_any_takes_integers_only(value):
    with pytest.raises(ValueError, match="any takes a list of integers"):
        DailyCounter.objects.filter(pk__any=value).query.sql_with_params()
