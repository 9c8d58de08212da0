"""Dispatch respects workforce: an approved absence keeps a technician off the board (not
overridable); an order on a certified category needs a valid certificate (overridable by a manager)."""

import datetime

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.core.errors import ValidationFailed
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.services import assign_technician
from aftersales.service.tests.factories import make_order
from aftersales.workforce.models import Absence, Certificate, Course

pytestmark = pytest.mark.django_db


@pytest.fixture
def tech(users):
    return users[Role.TECHNICIAN]


def new_order(users):
    return make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=users[Role.AGENT].service_center))


def certify(tech, *, expires_on):
    return Certificate.objects.create(
        person=tech,
        service_center=tech.service_center,
        category="空压机",
        issued_on=datetime.date(2025, 1, 1),
        expires_on=expires_on,
    )


def test_without_a_course_for_the_category_nobody_is_gated(users, tech):
    assert assign_technician(new_order(users), by=users[Role.DISPATCHER], technician=tech).technician_id == tech.pk


def test_an_uncertified_technician_is_refused_and_the_board_says_why(client, users, tech):
    Course.objects.create(code="C-1", name="空压机维修", category="空压机")
    order = new_order(users)

    with pytest.raises(ValidationFailed) as error:
        assign_technician(order, by=users[Role.DISPATCHER], technician=tech)
    assert error.value.code == "not_dispatchable"
    assert "空压机" in error.value.detail

    client.force_login(users[Role.DISPATCHER])
    body = client.get("/dispatch/").content.decode()
    row = body.split(f'id="dispatch-row-{order.pk}"')[1].split("</tr>")[0]
    assert f'data-not-offered="{tech.pk}"' in row
    assert f'<option value="{tech.pk}"' not in row


def test_an_expired_certificate_does_not_count_a_valid_one_does(client, users, tech):
    Course.objects.create(code="C-1", name="空压机维修", category="空压机")
    order = new_order(users)
    certify(tech, expires_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        assign_technician(order, by=users[Role.DISPATCHER], technician=tech)

    certify(tech, expires_on=timezone.localdate() + datetime.timedelta(days=30))
    client.force_login(users[Role.DISPATCHER])
    row = client.get("/dispatch/").content.decode().split(f'id="dispatch-row-{order.pk}"')[1].split("</tr>")[0]
    assert f'<option value="{tech.pk}"' in row
    assert assign_technician(order, by=users[Role.DISPATCHER], technician=tech).technician_id == tech.pk


def test_the_certificate_rule_can_be_switched_off(users, tech, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "WORKFORCE": {"CERTIFICATE_REQUIRED": False}}
    Course.objects.create(code="C-1", name="空压机维修", category="空压机")
    assert assign_technician(new_order(users), by=users[Role.DISPATCHER], technician=tech).technician_id == tech.pk


def test_a_manager_overrides_the_certificate_rule_with_a_reason(api_client, users, tech):
    Course.objects.create(code="C-1", name="空压机维修", category="空压机")
    order = new_order(users)
    url = f"/api/v1/orders/{order.pk}/assign"

    refused = api_client(users[Role.DISPATCHER]).post(url, {"technician_id": tech.pk}, content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (400, "not_dispatchable")
    done = api_client(users[Role.MANAGER]).post(
        url, {"technician_id": tech.pk, "override": True, "reason": "客户指定"}, content_type="application/json"
    )
    assert done.status_code == 200, done.content


def test_an_absent_technician_is_not_offered_even_with_an_override(users, tech):
    now = timezone.now()
    Absence.objects.create(
        person=tech,
        service_center=tech.service_center,
        status="approved",
        reason="病假",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=3),
    )
    with pytest.raises(ValidationFailed) as error:
        assign_technician(new_order(users), by=users[Role.MANAGER], technician=tech, override=True, reason="急")
    assert error.value.extra["reasons"][0]["check"] == "workforce.absence"


def test_a_requested_absence_does_not_keep_anyone_off(users, tech):
    now = timezone.now()
    Absence.objects.create(
        person=tech,
        service_center=tech.service_center,
        reason="x",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=3),
    )
    assert assign_technician(new_order(users), by=users[Role.DISPATCHER], technician=tech).technician_id == tech.pk


def board_row(client, order):
    return client.get("/dispatch/").content.decode().split(f'id="dispatch-row-{order.pk}"')[1].split("</tr>")[0]


def test_a_manager_overrides_the_certificate_rule_from_the_dispatch_board(client, users, tech):
    Course.objects.create(code="C-1", name="空压机维修", category="空压机")
    order = new_order(users)
    client.force_login(users[Role.MANAGER])
    assert 'class="dispatch-override' in board_row(client, order)
    url = f"/dispatch/orders/{order.pk}/assign/"

    without_reason = client.post(url, {"technician": tech.pk, "override": "1", "reason": ""}, HTTP_HX_REQUEST="true")
    order.refresh_from_db()
    assert without_reason["X-Dispatch-Result"] == "400" and order.technician_id is None

    done = client.post(url, {"technician": tech.pk, "override": "1", "reason": "客户指定"}, HTTP_HX_REQUEST="true")

    order.refresh_from_db()
    assert done["X-Dispatch-Result"] == "200" and order.technician_id == tech.pk
    event = order.events.filter(type="assigned").get()
    assert event.reason == "客户指定" and event.data["overridden"] and "空压机" in event.data["overridden"][0]


def test_a_dispatcher_without_the_capability_gets_no_override_control_and_cannot_override(client, users, tech):
    Course.objects.create(code="C-1", name="空压机维修", category="空压机")
    order = new_order(users)
    client.force_login(users[Role.DISPATCHER])
    assert "dispatch-override" not in board_row(client, order)

    refused = client.post(
        f"/dispatch/orders/{order.pk}/assign/",
        {"technician": tech.pk, "override": "1", "reason": "客户指定"},
        HTTP_HX_REQUEST="true",
    )

    order.refresh_from_db()
    assert refused["X-Dispatch-Result"] == "403" and order.technician_id is None


def test_an_absent_technician_is_offered_no_override_on_the_board(client, users, tech):
    now = timezone.now()
    Absence.objects.create(
        person=tech,
        service_center=tech.service_center,
        status="approved",
        reason="病假",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=3),
    )
    order = new_order(users)
    client.force_login(users[Role.MANAGER])

    row = board_row(client, order)

    assert f'data-not-offered="{tech.pk}"' in row and "dispatch-override" not in row
