"""The phone and console screens' other branches: a form left empty says what is missing and writes
nothing, a service's refusal is shown as a message, the trip out and back, absences and overtime
decided on their lists, lines removed and materials confirmed, a claim's history panel."""

import datetime

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.workforce.models import Absence, DailyReport, ExpenseLine, FieldTrip, Overtime, WeeklySummary
from aftersales.workforce.services import attendance, claims, overtime
from aftersales.workforce.tests.factories import job_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def tech(users):
    return users[Role.TECHNICIAN]


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_empty_phone_forms_write_nothing_and_say_why(client, tech):
    client.force_login(tech)

    report = client.post("/workforce/me/report/", {"text": ""}, follow=True)
    trip = client.post("/workforce/me/trip/", {"destination": ""}, follow=True)
    extra = client.post("/workforce/me/overtime/", {"day": ""}, follow=True)

    assert "请先填写日报。" in messages_of(report) or not DailyReport.objects.exists()
    assert not DailyReport.objects.exists() and not FieldTrip.objects.exists() and not Overtime.objects.exists()
    assert report.status_code == trip.status_code == extra.status_code == 200


def test_a_second_check_in_is_refused_with_a_message(client, tech):
    client.force_login(tech)
    client.post("/workforce/me/check-in/")

    again = client.post("/workforce/me/check-in/", follow=True)

    assert again.status_code == 200 and any(m for m in messages_of(again))


def test_the_trip_out_and_the_return_from_the_phone(client, users, tech):
    order = job_for(users)
    client.force_login(tech)
    today = timezone.localdate()

    client.post(
        "/workforce/me/trip/",
        {
            "destination": "苏州",
            "starts_on": str(today),
            "ends_on": str(today + datetime.timedelta(days=2)),
            "order_ids": [str(order.pk)],
        },
    )
    trip = FieldTrip.objects.get(person=tech)
    page = client.get("/workforce/me/").content.decode()
    client.post(f"/workforce/me/trip/{trip.pk}/return/", {"note": "设备调试完毕"})

    trip.refresh_from_db()
    assert "苏州" in page and list(trip.orders.all()) == [order]
    assert trip.returned_at is not None and trip.return_note == "设备调试完毕"


def test_a_trip_may_list_a_job_helped_on_and_the_phone_offers_it(client, users, tech, centre):
    from aftersales.accounts.tests.factories import UserFactory

    own = job_for(users)
    colleague = UserFactory(username="colleague-sh", role=Role.TECHNICIAN, service_center=centre)
    helped, other = job_for(users, technician=colleague), job_for(users, technician=colleague)
    helped.helpers.add(tech)
    client.force_login(tech)

    offered = client.get("/workforce/me/").context["trip_form"].fields["order_ids"].choices
    client.post(
        "/workforce/me/trip/",
        {
            "destination": "苏州",
            "starts_on": str(timezone.localdate()),
            "ends_on": str(timezone.localdate()),
            "order_ids": [str(helped.pk)],
        },
    )

    assert {pk for pk, _label in offered} == {own.pk, helped.pk}
    assert other.pk not in {pk for pk, _label in offered}
    assert list(FieldTrip.objects.get(person=tech).orders.all()) == [helped]


def test_the_weekly_summary_is_drafted_edited_and_handed_in(client, tech):
    client.force_login(tech)
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())

    draft = client.get("/workforce/me/week/")
    done = client.post("/workforce/me/week/", {"week_start": str(monday), "text": "本周完成三台设备安装"})
    reopened = client.get("/workforce/me/week/").content.decode()
    bad = client.post("/workforce/me/week/", {"week_start": str(monday + datetime.timedelta(days=1)), "text": "x"})

    assert draft.status_code == 200 and done.status_code == 302
    assert WeeklySummary.objects.get(person=tech).text == "本周完成三台设备安装"
    assert "本周完成三台设备安装" in reopened
    assert bad.status_code == 200 and WeeklySummary.objects.get(person=tech).text == "本周完成三台设备安装"


def test_absences_asked_decided_and_refused_on_the_list(client, users, tech):
    client.force_login(tech)
    start = timezone.localtime() + datetime.timedelta(days=2)
    fmt = "%Y-%m-%dT%H:%M"

    too_soon = client.post(
        "/workforce/absences/",
        {"starts_at": timezone.localtime().strftime(fmt), "ends_at": start.strftime(fmt), "reason": "看病"},
    )
    asked = client.post(
        "/workforce/absences/",
        {
            "starts_at": start.strftime(fmt),
            "ends_at": (start + datetime.timedelta(hours=4)).strftime(fmt),
            "reason": "看病",
        },
    )
    absence = Absence.objects.get()
    client.force_login(users[Role.MANAGER])
    listing = client.get("/workforce/absences/").content.decode()
    refused_without_reason = client.post(f"/workforce/absences/{absence.pk}/decide/", {"approve": "0"}, follow=True)
    client.post(f"/workforce/absences/{absence.pk}/decide/", {"approve": "1"})

    absence.refresh_from_db()
    assert too_soon.status_code == 400 and asked.status_code == 302
    assert f'data-absence="{absence.pk}"' in listing and refused_without_reason.status_code == 200
    assert absence.status == "approved"


@pytest.mark.parametrize("value", [None, "", "yes", "true", "2"])
def test_a_decision_without_approve_or_refuse_is_refused_and_decides_nothing(client, users, tech, value):
    # A missing or unknown answer was read as a refusal (approve == "1" or else): the buttons send 1 or 0.
    row = overtime.record_overtime(by=tech, day=timezone.localdate(), note="夜间抢修")
    client.force_login(users[Role.MANAGER])
    body = {"reason": "无记录"} | ({} if value is None else {"approve": value})

    answer = client.post(f"/workforce/overtime/{row.pk}/decide/", body, follow=True)

    row.refresh_from_db()
    assert row.status == "requested" and row.decision_reason == ""
    assert "请选择所给的答案之一。" in answer.content.decode()


@pytest.mark.parametrize(("url", "name"), [("/workforce/claims/", "waiting"), ("/workforce/certificates/", "expiring")])
@pytest.mark.parametrize("value", ["yes", "true", "2"])
def test_a_list_filter_that_is_not_1_or_0_answers_400_with_the_reason(client, users, url, name, value):
    # ?waiting=1 and ?expiring=1 as the docs write them; anything else read as "off" without a word.
    client.force_login(users[Role.MANAGER])

    answer = client.get(url, {name: value})
    on, off = client.get(url, {name: "1"}), client.get(url, {name: "0"})

    assert answer.status_code == 400
    assert f"此地址中的筛选条件无法识别：{name}={value}。" in answer.content.decode()
    assert (on.status_code, off.status_code, client.get(url).status_code) == (200, 200, 200)


def test_overtime_is_decided_on_its_list(client, users, tech):
    row = overtime.record_overtime(by=tech, day=timezone.localdate(), note="夜间抢修")
    client.force_login(users[Role.MANAGER])

    listing = client.get("/workforce/overtime/").content.decode()
    client.post(f"/workforce/overtime/{row.pk}/decide/", {"approve": "0", "reason": "无记录"})

    row.refresh_from_db()
    assert "夜间抢修" in listing and (row.status, row.decision_reason) == ("rejected", "无记录")


def test_lines_removed_materials_confirmed_and_the_claims_history_shown(client, users, tech):
    order = job_for(users)
    claim = claims.create_claim(by=tech)
    today = timezone.localdate()
    meals = claims.add_expense_line(
        claim_id=claim.pk, by=tech, kind="meals", spent_on=today, amount="20", description="午餐", order_id=order.pk
    )
    material = claims.add_expense_line(
        claim_id=claim.pk,
        by=tech,
        kind="materials",
        spent_on=today,
        amount="35.50",
        description="密封圈",
        order_id=order.pk,
    )
    client.force_login(tech)
    client.post(f"/workforce/lines/{meals.pk}/remove/")
    gone = client.post("/workforce/lines/999999/remove/")
    keeper = users[Role.PARTS_KEEPER]
    client.force_login(keeper)
    client.post(f"/workforce/lines/{material.pk}/confirm/")

    material.refresh_from_db()
    assert not ExpenseLine.objects.filter(pk=meals.pk).exists() and gone.status_code == 404
    assert material.confirmed_by == keeper
    client.force_login(tech)
    page = client.get(f"/workforce/claims/{claim.pk}/").content.decode()
    assert "添加费用" in page and "删除费用" in page and "采购已确认材料" in page


def test_claims_list_filters_and_the_waiting_list(client, users, tech):
    claim = claims.create_claim(by=tech)
    client.force_login(users[Role.MANAGER])

    drafts = client.get("/workforce/claims/?status=draft").content.decode()
    waiting = client.get("/workforce/claims/?waiting=1").content.decode()

    assert claim.number in drafts and claim.number not in waiting


def test_an_agent_cannot_start_a_claim(client, users):
    client.force_login(users[Role.AGENT])
    response = client.post("/workforce/claims/new/", follow=True)
    assert response.status_code in (200, 403)


def test_decisions_on_absences_are_refused_to_the_person_themself(users, tech):
    absence = attendance.request_absence(
        by=tech,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        ends_at=timezone.now() + datetime.timedelta(days=3, hours=2),
        reason="x",
    )
    from aftersales.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        attendance.decide_absence(absence_id=absence.pk, by=tech, approve=True)
