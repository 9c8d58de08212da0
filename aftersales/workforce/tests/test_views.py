"""The screens: the technician's day on the phone, a claim from draft to approved through the three
approvers' screens, the approvals panel on the home page, and who may open what."""

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.workforce.models import Attendance, DailyReport, ExpenseClaim, Overtime
from aftersales.workforce.services import claims
from aftersales.workforce.tests.factories import TUESDAY, at, job_for

pytestmark = pytest.mark.django_db


def _line(order, **fields):
    """The add-expense form's fields: lunch today on ``order``, unless ``fields`` say otherwise."""
    line = {"kind": "meals", "spent_on": str(timezone.localdate()), "amount": "45.00", "description": "午餐"}
    return {**line, "link": f"order:{order.pk}", **fields}


@pytest.fixture
def tech(users):
    return users[Role.TECHNICIAN]


def test_my_day_checks_in_reports_and_records_overtime(client, users, tech):
    client.force_login(tech)
    page = client.get("/workforce/me/")
    assert page.status_code == 200
    assert "签到" in page.content.decode()

    client.post("/workforce/me/check-in/", {"latitude": "31.2304", "longitude": "121.4737"})
    client.post("/workforce/me/report/", {"text": "巡检完成"})
    client.post("/workforce/me/overtime/", {"day": str(timezone.localdate()), "note": "夜间抢修"})

    assert Attendance.objects.get(person=tech).in_latitude is not None
    assert DailyReport.objects.get(person=tech).text == "巡检完成"
    assert Overtime.objects.get(person=tech).allowance == 60
    body = client.get("/workforce/me/").content.decode()
    assert "签退" in body and "重新发送" in body


def test_an_expense_may_name_a_job_finished_within_the_claim_window(client, users, tech):
    """Found by a helper's probe, 2026-12-06: the screen offered open jobs only, so the taxi back from a
    job completed that day went on another job (the API took the finished one)."""
    import datetime

    from aftersales.service.models import ServiceOrder

    open_job, finished, long_ago = job_for(users), job_for(users), job_for(users)
    now = timezone.now()
    ServiceOrder.objects.filter(pk=finished.pk).update(status="closed", completed_at=now, closed_at=now)
    old = now - datetime.timedelta(days=30)
    ServiceOrder.objects.filter(pk=long_ago.pk).update(status="closed", completed_at=old, closed_at=old)
    client.force_login(tech)
    client.post("/workforce/claims/new/")
    claim = ExpenseClaim.objects.get(person=tech)

    page = client.get(f"/workforce/claims/{claim.pk}/").content.decode()

    assert f'value="order:{open_job.pk}"' in page and f'value="order:{finished.pk}"' in page
    assert f'value="order:{long_ago.pk}"' not in page
    answer = client.post(f"/workforce/claims/{claim.pk}/lines/", _line(finished, kind="transport", amount="45.00"))
    assert answer.status_code == 302 and claim.lines.get().order_id == finished.pk


def test_my_day_is_for_field_staff(client, users):
    client.force_login(users[Role.AGENT])
    assert client.get("/workforce/me/").status_code == 403


def test_a_claim_from_the_phone_through_the_three_approvers(client, users, tech):
    order = job_for(users)
    client.force_login(tech)
    response = client.post("/workforce/claims/new/")
    claim = ExpenseClaim.objects.get(person=tech)
    assert response.url == f"/workforce/claims/{claim.pk}/"
    bad = client.post(f"/workforce/claims/{claim.pk}/lines/", _line(order, amount="-1", description="x"))
    assert bad.status_code == 400 and "金额必须大于零" in bad.content.decode()
    client.post(f"/workforce/claims/{claim.pk}/lines/", _line(order))
    assert claim.lines.count() == 1
    # Handed in on a Tuesday (the screen hands in today; the rule is proved in test_claims).
    claims.submit_claim(claim_id=claim.pk, by=tech, now=at(TUESDAY))

    for role in (Role.MANAGER, Role.FINANCE, Role.GENERAL_MANAGER):
        client.force_login(users[role])
        page = client.get(f"/workforce/claims/{claim.pk}/").content.decode()
        assert 'value="approved"' in page
        client.post(
            f"/workforce/claims/{claim.pk}/decide/",
            {"decision": "approved", "step": ExpenseClaim.objects.get(pk=claim.pk).step},
        )

    claim.refresh_from_db()
    assert claim.status == "approved"
    page = client.get(f"/workforce/claims/{claim.pk}/").content.decode()
    assert "审批记录" in page and "总经理" in page


def test_a_technician_cannot_open_a_colleagues_claim(client, users, tech, centre):
    from aftersales.accounts.tests.factories import UserFactory

    colleague = UserFactory(username="tech-2", role=Role.TECHNICIAN, service_center=centre)
    claim = claims.create_claim(by=colleague)
    client.force_login(tech)
    assert client.get(f"/workforce/claims/{claim.pk}/").status_code == 404


def test_the_approvals_panel_on_the_home_page(client, users, tech):
    order = job_for(users)
    claim = claims.create_claim(by=tech)
    claims.add_expense_line(
        claim_id=claim.pk,
        by=tech,
        kind="meals",
        spent_on=TUESDAY,
        amount="10",
        description="x",
        order_id=order.pk,
        today=TUESDAY,
    )
    claims.submit_claim(claim_id=claim.pk, by=tech, now=at(TUESDAY))

    client.force_login(users[Role.MANAGER])
    assert claim.number in client.get("/").content.decode()
    client.force_login(users[Role.AGENT])
    assert claim.number not in client.get("/").content.decode()


def test_screens_open_for_their_users(client, users):
    client.force_login(users[Role.MANAGER])
    for url in ("/workforce/claims/", "/workforce/absences/", "/workforce/overtime/", "/workforce/staff/"):
        assert client.get(url).status_code == 200, url
    client.force_login(users[Role.AGENT])
    assert client.get("/workforce/staff/").status_code == 403


def test_claim_list_filter_button_reads_as_a_verb(client, users):
    client.force_login(users[Role.FINANCE])

    html = client.get("/workforce/claims/").content.decode()

    # Django admin's catalogue came first and called the button 过滤器 (a filter, the thing).
    assert ">筛选</button>" in html
    assert "过滤器" not in html


def test_a_claims_order_is_a_link_for_those_who_may_open_the_order(client, users, tech, other_centre):
    """Found in a screen review, 2026-12-07: finance read the order number as plain text and had to
    search for it. Only an order the viewer may open is a link: a link to a 404 is worse than none."""
    seen, hidden = job_for(users), job_for(users)
    claim = claims.create_claim(by=tech)
    for order in (seen, hidden):
        claims.add_expense_line(
            claim_id=claim.pk,
            by=tech,
            kind="transport",
            spent_on=TUESDAY,
            amount="20.00",
            description="出租车",
            order_id=order.pk,
            today=TUESDAY,
        )
    claims.submit_claim(claim_id=claim.pk, by=tech, now=at(TUESDAY))
    type(hidden).objects.filter(pk=hidden.pk).update(service_center=other_centre)  # now outside finance's scope
    client.force_login(users[Role.FINANCE])

    page = client.get(f"/workforce/claims/{claim.pk}/").content.decode()

    assert f'<a href="/orders/{seen.pk}/" class="font-monospace">{seen.number}</a>' in page
    assert "金额（元）" in page  # the amounts' unit in their heading, as on the other money tables
    assert client.get(f"/orders/{seen.pk}/").status_code == 200
    assert hidden.number in page and f'href="/orders/{hidden.pk}/"' not in page
    assert client.get(f"/orders/{hidden.pk}/").status_code == 404
