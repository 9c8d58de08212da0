"""Reporting a fault: the order arrives in the centre's intake queue with channel "portal"; bad
input answers 4xx on its field and writes nothing."""

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.portal.tests.conftest import Pair, png
from aftersales.service.choices import Channel, OrderStatus
from aftersales.service.models import Attachment, OrderEvent, ServiceOrder

pytestmark = pytest.mark.django_db

REPORT = reverse("portal:report")


def _post(client: Client, **fields: Any) -> Any:
    data = {"description": "主轴异响，无法启动", "preferred_slot": "any", **fields}
    return client.post(REPORT, data)


def test_report_opens_an_order_in_the_intake_queue(pair: Pair, portal_client: Any, users: Any) -> None:
    client = portal_client(pair.a_plain)
    day = timezone.localdate() + datetime.timedelta(days=2)

    response = _post(
        client,
        unit=pair.unit_a.pk,
        preferred_day=day.isoformat(),
        preferred_slot="morning",
        photos=[png(), png("b.png")],
    )

    order = ServiceOrder.objects.order_by("-id").first()
    assert response.status_code == 302 and response["Location"] == reverse("portal:order_detail", args=[order.pk])
    assert order.channel == Channel.PORTAL and order.status == OrderStatus.NEW
    assert order.customer == pair.a and order.unit == pair.unit_a and order.contact == pair.a_plain
    assert order.reporter_phone == pair.a_plain.mobile
    assert day.isoformat() in order.description
    assert Attachment.objects.filter(order=order).count() == 2
    assert OrderEvent.objects.filter(order=order, type="created").get().actor.system_kind == "portal"
    # The staff see it arrive: the order list filtered by channel and state, and the home panel.
    staff = Client()
    staff.force_login(users[Role.AGENT])
    listed = staff.get(reverse("service:order_list"), {"channel": "portal", "status": "new"})
    assert order.number.encode() in listed.content
    assert pair.order_admin.number.encode() not in listed.content
    assert b'data-channel="portal"' in listed.content
    home = staff.get("/")
    assert f'data-portal-report="{order.number}"'.encode() in home.content
    # The customer follows it.
    page = client.get(response["Location"])
    assert page.status_code == 200 and order.number.encode() in page.content


def test_report_form_preselects_the_unit(pair: Pair, portal_client: Any) -> None:
    response = portal_client(pair.a_plain).get(REPORT, {"unit": pair.unit_a.pk})

    assert f'<option value="{pair.unit_a.pk}" selected>'.encode() in response.content


def test_customer_without_units_is_told_to_call(pair: Pair, portal_client: Any) -> None:
    from aftersales.customers.tests.factories import ContactFactory, CustomerFactory

    lonely = ContactFactory(customer=CustomerFactory(service_center=pair.a.service_center), mobile="+8613700000007")

    response = portal_client(lonely).get(REPORT)

    assert response.status_code == 200 and b"report-form" not in response.content


def _not_an_image() -> SimpleUploadedFile:
    return SimpleUploadedFile("x.png", b"<html>not an image</html>", content_type="image/png")


@pytest.mark.parametrize(
    ("fields", "field", "status"),
    [
        ({"description": ""}, "description", 400),
        ({"description": "x" * 2001}, "description", 400),
        ({"preferred_day": "2001-01-01"}, "preferred_day", 400),
        ({"preferred_day": "not a day"}, "preferred_day", 400),
        ({"preferred_slot": "midnight"}, "preferred_slot", 400),
        ({"unit": "abc"}, "unit", 400),
        ({"photos": [_not_an_image()]}, "photos", 400),
        ({"photos": [png(f"{i}.png") for i in range(4)]}, "photos", 400),
    ],
)
def test_bad_report_is_4xx_on_its_field_and_writes_nothing(
    fields: dict[str, Any], field: str, status: int, pair: Pair, portal_client: Any
) -> None:
    before = (ServiceOrder.objects.count(), Attachment.objects.count(), OrderEvent.objects.count())

    response = _post(portal_client(pair.a_plain), **{"unit": pair.unit_a.pk, **fields})

    assert response.status_code == status
    assert f'data-error-for="{field}"'.encode() in response.content
    assert (ServiceOrder.objects.count(), Attachment.objects.count(), OrderEvent.objects.count()) == before


def test_too_large_photo_is_refused(pair: Pair, portal_client: Any, settings: Any) -> None:
    settings.AFTERSALES = {**settings.AFTERSALES, "PHOTO_MAX_BYTES": 50}
    before = ServiceOrder.objects.count()

    response = _post(portal_client(pair.a_plain), unit=pair.unit_a.pk, photos=[png(size=(200, 200))])

    assert response.status_code == 400 and b'data-error-for="photos"' in response.content
    assert ServiceOrder.objects.count() == before


def test_reports_per_day_are_limited(pair: Pair, portal_client: Any, settings: Any) -> None:
    settings.AFTERSALES = {**settings.AFTERSALES, "PORTAL_REPORTS_PER_DAY": 1}
    client = portal_client(pair.a_plain)
    assert _post(client, unit=pair.unit_a.pk).status_code == 302

    response = _post(client, unit=pair.unit_a.pk)

    assert response.status_code == 429
    assert ServiceOrder.objects.filter(channel=Channel.PORTAL).count() == 1
