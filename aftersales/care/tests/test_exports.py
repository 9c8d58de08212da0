"""The care ledgers (care/exports.py): the complaint list's and the follow-up list's rows and tab, in the
reader's scope, with the orders each complaint is about and each follow-up's last call; a bad filter
answers 400 and reads nothing."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.care import services
from aftersales.care.choices import Outcome
from aftersales.care.exports import COMPLAINT_COLUMNS, FOLLOW_UP_COLUMNS
from aftersales.care.models import FollowUpTask
from aftersales.care.tests.factories import close_order
from aftersales.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _rows(client, kind="complaints", **params):
    url = reverse("exchange:export", kwargs={"kind": kind, "fmt": "xlsx"})
    answer = client.get(url, params)
    assert answer.status_code == 200, answer.content
    return list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))


@pytest.fixture
def complaints(users, centre, other_centre):
    agent = users[Role.AGENT]
    customer = CustomerFactory(service_center=centre, name="华通机械")
    order = close_order(manager=users[Role.MANAGER], customer=customer, handed_back=datetime.date(2026, 12, 1))
    about_order = services.open_complaint(
        by=agent, customer=customer, description="维修慢", cause="response", orders=[order]
    )
    resolved = services.open_complaint(by=agent, customer=customer, description="态度差", cause="attitude")
    services.resolve_complaint(complaint_id=resolved.pk, by=agent, resolution="已道歉")
    elsewhere_agent = UserFactory(role=Role.AGENT, service_center=other_centre)
    elsewhere = services.open_complaint(
        by=elsewhere_agent, customer=CustomerFactory(service_center=other_centre), description="外地"
    )
    return {"order": order, "about_order": about_order, "resolved": resolved, "elsewhere": elsewhere}


def test_the_ledger_has_the_readers_complaints_with_their_orders_and_outcome(client, users, complaints):
    client.force_login(users[Role.AGENT])
    header, *rows = _rows(client)
    with translation.override("zh-hans"):
        assert list(header) == [str(column) for column in COMPLAINT_COLUMNS]  # the reader's language
    with translation.override("en"):
        english = [str(column) for column in COMPLAINT_COLUMNS]

    by_number = {row[0]: dict(zip(english, row, strict=True)) for row in rows}
    assert set(by_number) == {complaints["about_order"].number, complaints["resolved"].number}
    about_order = by_number[complaints["about_order"].number]
    assert about_order["Orders"] == complaints["order"].number
    assert (about_order["Cause"], about_order["Customer"], about_order["Description"]) == (
        "响应慢",
        "华通机械",
        "维修慢",
    )
    resolved = by_number[complaints["resolved"].number]
    assert resolved["Resolution"] == "已道歉" and resolved["Resolved at"] is not None


def test_the_ledger_follows_the_lists_tab(client, users, complaints):
    client.force_login(users[Role.AGENT])

    page = client.get(reverse("care:complaint_list"), {"status": "open"}).content.decode()
    header, *rows = _rows(client, status="open")

    assert 'href="/exports/complaints.xlsx?status=open"' in page
    assert [row[0] for row in rows] == [complaints["about_order"].number]


def test_a_bad_status_answers_400_naming_it(client, users, complaints):
    client.force_login(users[Role.AGENT])

    answer = client.get(reverse("exchange:export", kwargs={"kind": "complaints", "fmt": "xlsx"}), {"status": "lost"})

    assert answer.status_code == 400
    assert "status" in answer.content.decode()


def test_roles_without_care_export_nothing(client, users, complaints):
    client.force_login(users[Role.TECHNICIAN])

    answer = client.get(reverse("exchange:export", kwargs={"kind": "complaints", "fmt": "xlsx"}))

    assert answer.status_code == 403


def test_the_ledgers_queries_do_not_grow_with_its_rows(client, users, complaints):
    client.force_login(users[Role.AGENT])
    with CaptureQueriesContext(connection) as few:
        _rows(client)
    customer = complaints["order"].customer
    for n in range(6):
        services.open_complaint(
            by=users[Role.AGENT], customer=customer, description=f"第{n}次", orders=[complaints["order"]]
        )
    with CaptureQueriesContext(connection) as many:
        rows = _rows(client)

    assert len(rows) == 1 + 8
    assert len(many.captured_queries) == len(few.captured_queries)


# ---- the follow-up ledger -------------------------------------------------------------------------
@pytest.fixture
def follow_ups(users, centre):
    customer = CustomerFactory(service_center=centre, name="华通机械")
    order = close_order(manager=users[Role.MANAGER], customer=customer, handed_back=datetime.date(2026, 12, 1))
    tasks = list(FollowUpTask.objects.filter(order=order).order_by("pk"))
    services.record_call(task_id=tasks[0].pk, by=users[Role.AGENT], outcome=Outcome.NOT_REACHED, notes="无人接听")
    services.record_call(
        task_id=tasks[0].pk, by=users[Role.AGENT], outcome=Outcome.REACHED, score=4, nps=9, notes="满意"
    )
    return tasks


def test_the_follow_up_ledger_is_the_tabs_tasks_with_their_last_call(client, users, follow_ups):
    client.force_login(users[Role.AGENT])

    page = client.get(reverse("care:follow_up_list"), {"list": "all"}).content.decode()
    header, *rows = _rows(client, "follow_ups", list="all")
    _header, *done = _rows(client, "follow_ups", list="done")

    assert 'href="/exports/follow_ups.xlsx?list=all"' in page
    assert sorted(row[0] for row in rows) == [task.pk for task in follow_ups]
    (called,) = done
    with translation.override("en"):
        english = [str(column) for column in FOLLOW_UP_COLUMNS]
    called = dict(zip(english, called, strict=True))
    assert (called["ID"], called["Attempts"], called["Satisfaction (1-5)"], called["Would recommend (0-10)"]) == (
        follow_ups[0].pk,
        2,
        4,
        9,
    )
    assert called["Notes"] == "满意" and called["Customer"] == "华通机械"  # the last call's, not the first


def test_an_unknown_follow_up_list_answers_400_naming_it(client, users, follow_ups):
    client.force_login(users[Role.AGENT])

    answer = client.get(reverse("exchange:export", kwargs={"kind": "follow_ups", "fmt": "xlsx"}), {"list": "later"})

    assert answer.status_code == 400 and "later" in answer.content.decode()


def test_the_follow_up_ledger_is_refused_to_a_technician(client, users, follow_ups):
    client.force_login(users[Role.TECHNICIAN])

    assert client.get(reverse("exchange:export", kwargs={"kind": "follow_ups", "fmt": "xlsx"})).status_code == 403


def test_the_follow_up_ledgers_queries_do_not_grow_with_its_rows(client, users, follow_ups, centre):
    client.force_login(users[Role.AGENT])
    with CaptureQueriesContext(connection) as few:
        _rows(client, "follow_ups", list="all")
    for _ in range(3):
        customer = CustomerFactory(service_center=centre)
        close_order(manager=users[Role.MANAGER], customer=customer, handed_back=datetime.date(2026, 12, 1))
    with CaptureQueriesContext(connection) as many:
        rows = _rows(client, "follow_ups", list="all")

    assert len(rows) > 1 + len(follow_ups)
    assert len(many.captured_queries) == len(few.captured_queries)


# ---- the campaigns ---------------------------------------------------------------------------------
def _announce(by, title):
    from aftersales.installed_base.tests.factories import UnitFactory

    centre = by.service_center
    for _n in range(2):
        UnitFactory(customer=CustomerFactory(service_center=centre))
    today = datetime.date.today()
    return services.announce_campaign(
        by=by, title=title, message="欢迎参加", event_on=today + datetime.timedelta(days=20)
    )


def test_the_campaign_export_is_the_lists_campaigns_in_scope(client, users, other_centre):
    from aftersales.care.exports import CAMPAIGN_COLUMNS

    mine = _announce(users[Role.MANAGER], "客户联谊会")
    _announce(UserFactory(role=Role.MANAGER, service_center=other_centre), "北京的活动")
    client.force_login(users[Role.AGENT])

    page = client.get(reverse("care:campaign_list")).content.decode()
    header, *rows = _rows(client, "campaigns")

    assert 'href="/exports/campaigns.xlsx"' in page
    with translation.override("en"):
        english = [str(column) for column in CAMPAIGN_COLUMNS]
    [row] = [dict(zip(english, row, strict=True)) for row in rows]  # not the other centre's
    assert (row["Title"], row["Recipients"], row["Message (SMS)"]) == (
        "客户联谊会",
        mine.recipients.count(),
        "欢迎参加",
    )
    assert row["Recipients"] >= 2 and row["Event day"].date() == mine.event_on


def test_roles_without_care_export_no_campaigns(client, users):
    client.force_login(users[Role.TECHNICIAN])

    assert client.get(reverse("exchange:export", kwargs={"kind": "campaigns", "fmt": "xlsx"})).status_code == 403


def test_the_campaign_exports_queries_do_not_grow_with_its_rows(client, users):
    client.force_login(users[Role.AGENT])
    _announce(users[Role.MANAGER], "第一次")
    with CaptureQueriesContext(connection) as few:
        _rows(client, "campaigns")
    for n in range(4):
        _announce(users[Role.MANAGER], f"第{n}次")
    with CaptureQueriesContext(connection) as many:
        rows = _rows(client, "campaigns")

    assert len(rows) == 1 + 5
    assert len(many.captured_queries) == len(few.captured_queries)
