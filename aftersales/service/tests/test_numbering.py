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


@pytest.mark.django_db
def test_a_counter_past_its_width_writes_every_digit_as_next_number_does(users: dict[str, Any]) -> None:
    from aftersales.core.models import DailyCounter

    day = timezone.localdate() - datetime.timedelta(days=1)
    DailyCounter.objects.create(prefix="SO", day=day, value=99_999)

    first = make_order(received_at=_local(day, 9))
    assert first.number == f"SO{day:%Y%m%d}100000"
    assert next_number(prefix="SO", day=day) == f"SO{day:%Y%m%d}100001"
    first.refresh_from_db()
    assert first.number == f"SO{day:%Y%m%d}100000"  # what was stored is what the order was given


@pytest.mark.django_db
def test_a_numbered_insert_tells_save_listeners_what_it_wrote(users: dict[str, Any]) -> None:
    from django.db.models.signals import post_save, pre_save

    from aftersales.service.models import ServiceOrder

    seen: list[tuple[str, str]] = []

    def before(sender: Any, instance: ServiceOrder, **kwargs: Any) -> None:
        seen.append(("pre", instance.number))

    def after(sender: Any, instance: ServiceOrder, created: bool, **kwargs: Any) -> None:
        seen.append(("post", instance.number))

    post_save.connect(after, sender=ServiceOrder)
    try:
        plain = make_order()
        pre_save.connect(before, sender=ServiceOrder)
        try:
            listened = make_order()
        finally:
            pre_save.disconnect(before, sender=ServiceOrder)
    finally:
        post_save.disconnect(after, sender=ServiceOrder)

    # A pre_save listener sees the number too (it is then taken before the INSERT).
    assert seen == [("post", plain.number), ("pre", listened.number), ("post", listened.number)]
    assert int(listened.number[-5:]) == int(plain.number[-5:]) + 1
