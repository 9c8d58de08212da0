"""core.filtering: one answer for a bad list filter, in the API lists and the exports alike."""

import datetime

import pytest
from ninja import Schema

from aftersales.core.errors import ValidationFailed
from aftersales.core.filtering import apply_filters, filter_params
from aftersales.service.filters import ServiceOrderFilter
from aftersales.service.models import ServiceOrder


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [({"status": ["bogus"]}, "status"), ({"received_from": "yesterday"}, "received_from"), ({"kind": "x"}, "kind")],
)
def test_apply_filters_refuses_a_bad_value_with_invalid_filter_and_the_field(data, field):
    with pytest.raises(ValidationFailed) as caught:
        apply_filters(ServiceOrderFilter, data=data, queryset=ServiceOrder.objects.all())

    error = caught.value
    assert (error.code, error.field, error.status) == ("invalid_filter", field, 400)
    assert error.detail.startswith(f"{field}: ")
    assert len(error.detail) > len(field) + 2


@pytest.mark.django_db
def test_apply_filters_narrows_the_queryset_with_good_values():
    queryset = apply_filters(ServiceOrderFilter, data={"kind": "repair"}, queryset=ServiceOrder.objects.all())

    where = str(queryset.query).split(" WHERE ", 1)[1]
    assert '"kind" = repair' in where


def test_filter_params_drops_paging_unset_values_and_empty_lists():
    class Query(Schema):
        status: list[str] = []
        kind: str | None = None
        received_from: datetime.date | None = None
        cursor: str | None = None
        limit: int | None = None

    query = Query(status=[], kind="repair", received_from=datetime.date(2026, 1, 2), cursor="abc", limit=5)

    assert filter_params(query) == {"kind": "repair", "received_from": datetime.date(2026, 1, 2)}
