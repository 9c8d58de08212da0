"""Payment export, the settings sections (approval chain, working hours), the stand-in screen and the
training API."""

import datetime

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import StandIn
from aftersales.workforce.models import ApprovalStep, Certificate, WorkingPattern
from aftersales.workforce.services import claims
from aftersales.workforce.tests.factories import TUESDAY, at, job_for

pytestmark = pytest.mark.django_db
JSON = "application/json"


def approved_claim(users):
    tech = users[Role.TECHNICIAN]
    order = job_for(users)
    claim = claims.create_claim(by=tech)
    claims.add_expense_line(
        claim_id=claim.pk,
        by=tech,
        kind="lodging",
        spent_on=TUESDAY,
        amount="268.00",
        description="苏州住宿",
        order_id=order.pk,
        today=TUESDAY,
    )
    claims.submit_claim(claim_id=claim.pk, by=tech, now=at(TUESDAY))
    for role in (Role.MANAGER, Role.FINANCE, Role.GENERAL_MANAGER):
        claims.decide_claim(claim_id=claim.pk, by=users[role], decision="approved")
    return claim


def test_finance_downloads_the_payable_claims(client, users):
    claim = approved_claim(users)
    client.force_login(users[Role.FINANCE])
    response = client.get("/exports/payable_claims.csv")
    assert response.status_code == 200
    body = (
        b"".join(response.streaming_content).decode("utf-8-sig")
        if response.streaming
        else response.content.decode("utf-8-sig")
    )
    assert claim.number in body and "268.00" in body and "苏州住宿" in body
    client.force_login(users[Role.TECHNICIAN])
    assert client.get("/exports/payable_claims.csv").status_code == 403


def test_the_chain_and_the_working_hours_are_settings(client, users, centre):
    client.force_login(users[Role.ADMIN])
    assert client.get("/settings/approval-chain/").status_code == 200
    response = client.post(
        "/settings/approval-chain/new/", {"position": 4, "role": "general_manager", "min_total": "5000", "active": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ApprovalStep.objects.filter(position=4, min_total=5000).exists()
    client.force_login(users[Role.MANAGER])
    assert client.get("/settings/approval-chain/").status_code == 403
    response = client.post(
        "/settings/working-hours/new/",
        {"service_center": centre.pk, "day_start": "08:30", "day_end": "17:00", "absence_notice_hours": 4},
    )
    assert response.status_code == 302
    assert WorkingPattern.objects.get(service_center=centre).absence_notice_hours == 4


def test_a_manager_arranges_a_stand_in_who_then_approves(client, users):
    manager, deputy = users[Role.MANAGER], users[Role.DISPATCHER]
    client.force_login(manager)
    today = timezone.localdate()
    response = client.post(
        "/workforce/stand-ins/",
        {
            "from_user": manager.pk,
            "to_user": deputy.pk,
            "starts_on": str(today),
            "ends_on": str(today),
            "reason": "出差",
        },
    )
    assert response.status_code == 302
    stand_in = StandIn.objects.get(from_user=manager, to_user=deputy)
    assert (
        deputy.username in client.get("/workforce/stand-ins/").content.decode()
        or str(deputy) in client.get("/workforce/stand-ins/").content.decode()
    )
    client.post(f"/workforce/stand-ins/{stand_in.pk}/end/")
    stand_in.refresh_from_db()
    assert stand_in.ended_at is not None


def test_a_stand_in_refused_by_the_service_shows_beside_the_person(client, users):
    manager = users[Role.MANAGER]
    client.force_login(manager)
    today = str(timezone.localdate())
    body = {"from_user": manager.pk, "to_user": manager.pk, "starts_on": today, "ends_on": today, "reason": "出差"}

    response = client.post("/workforce/stand-ins/", body)

    assert response.status_code == 400
    assert response.context["form"].errors["to_user"]
    assert not StandIn.objects.exists()


def test_a_technician_who_passes_a_course_is_certified(api_client, users):
    api = api_client(users[Role.MANAGER])
    course = api.post(
        "/api/v1/workforce/courses", {"code": "PX-1", "name": "空压机维修", "category": "空压机"}, content_type=JSON
    )
    assert course.status_code == 201, course.content
    session = api.post(
        "/api/v1/workforce/training-sessions",
        {"course_id": course.json()["id"], "held_on": str(datetime.date(2026, 11, 2))},
        content_type=JSON,
    )
    assert session.status_code == 201, session.content
    url = f"/api/v1/workforce/training-sessions/{session.json()['id']}/attendees"
    failed = api.post(url, {"person_id": users[Role.TECHNICIAN].pk, "score": "55"}, content_type=JSON)
    assert failed.status_code == 200 and not Certificate.objects.exists()
    passed = api.post(url, {"person_id": users[Role.TECHNICIAN].pk, "score": "88.5"}, content_type=JSON)
    assert passed.status_code == 200
    cert = Certificate.objects.get()
    assert (cert.category, cert.expires_on) == ("空压机", datetime.date(2028, 11, 2))
    operator = api.post(url, {"name": "客户操作员王五", "score": "90"}, content_type=JSON)
    assert operator.status_code == 200 and Certificate.objects.count() == 1
    assert len(api.get("/api/v1/workforce/training-sessions").json()[0]["attendees"]) == 3
