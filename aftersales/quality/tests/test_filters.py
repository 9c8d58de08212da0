"""The failure statistics read reports' filters (one parser for both apps) plus ``month``."""

import datetime

import pytest

from aftersales.core.errors import DomainError
from aftersales.quality.filters import parse_window
from aftersales.reports.filters import parse_filters

pytestmark = pytest.mark.django_db


def test_month_is_its_first_and_last_day(data):
    gm = data.people["gm"]

    window = parse_window(gm, {"month": "2026-02", "centre": str(data.bj.pk)})

    assert (window.start, window.end, window.centre) == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 2, 28),
        data.bj.pk,
    )
    assert window == parse_filters(gm, {"from": "2026-02-01", "to": "2026-02-28", "centre": data.bj.pk})
    # a month with from/to contradicts itself (refused, naming the month); nothing given is reports'
    # default, the twelve months to today
    with pytest.raises(DomainError) as refused:
        parse_window(gm, {"month": "2026-02", "from": "2026-11-01", "to": "2026-11-30"})
    assert (refused.value.code, refused.value.field) == ("invalid_filter", "month")
    assert parse_window(gm, {}) == parse_filters(gm, {})


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-13-01"},
        {"from": "2026-11-30", "to": "2026-11-01"},
        {"from": "2020-01-01", "to": "2026-11-30"},
        {"centre": "abc"},
        {"model": "999999"},
        {"customer": "0"},
    ],
)
def test_refusals_are_the_reports_refusals(data, params):
    gm = data.people["gm"]
    with pytest.raises(DomainError) as quality:
        parse_window(gm, params)
    with pytest.raises(DomainError) as reports:
        parse_filters(gm, params)

    assert (quality.value.code, quality.value.field, quality.value.detail) == (
        reports.value.code,
        reports.value.field,
        reports.value.detail,
    )


def test_a_bad_month_names_the_month(data):
    with pytest.raises(DomainError) as error:
        parse_window(data.people["gm"], {"month": "2026-1x"})

    assert (error.value.code, error.value.field) == ("invalid_month", "month")
