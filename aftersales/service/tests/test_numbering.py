"""Order numbers (``SO`` + yyyymmdd + 5 digits) carry the local day the call came in."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from aftersales.core.numbering import next_number
from aftersales.service.tests.factories import make_order


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.mark.django_db
def test_back_dated_order_takes_the_number_of_its_local_day(users: dict[str, Any]) -> None:
    day = timezone.localdate() - datetime.timedelta(days=3)
    # 23:30 in Beijing is 15:30 UTC the same day; 00:10 the next day is 16:10 UTC of the day before.
    late = make_order(received_at=_local(day, 23, 30))
    early = make_order(received_at=_local(day + datetime.timedelta(days=1), 0, 10))

    assert late.number.startswith(f"SO{day:%Y%m%d}")
    assert early.number.startswith(f"SO{day + datetime.timedelta(days=1):%Y%m%d}")


@pytest.mark.django_db
def test_back_dated_order_continues_the_counter_of_its_day(users: dict[str, Any]) -> None:
    day = timezone.localdate() - datetime.timedelta(days=2)
    taken = [next_number(prefix="SO", day=day) for _ in range(3)]  # that day handed out three numbers already

    order = make_order(received_at=_local(day, 10))
    today = make_order()

    assert order.number == f"SO{day:%Y%m%d}00004"
    assert order.number not in taken
    assert today.number.startswith(f"SO{timezone.localdate():%Y%m%d}")
