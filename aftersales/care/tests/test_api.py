"""The care API: an order closes, its follow-ups appear; a call with a low score opens a complaint
that escalates when left alone; the customer's file and the unit's history show it all."""

import datetime

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.care import services
from aftersales.care.choices import Purpose
from aftersales.care.models import Complaint, ContactEntry, FollowUpCall, FollowUpTask
from aftersales.care.tests.factories import at, close_order
from aftersales.customers.services import ContactData, add_contact, set_contact_in_use
from aftersales.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(centre):
    return CustomerFactory(service_center=centre)


@pytest.fixture
def closed(users, customer):
    return close_order(manager=users[Role.MANAGER], customer=customer, handed_back=datetime.date(2026, 12, 1))


def test_the_whole_story_through_the_api(api_client, users, closed, customer):
    agent = api_client(users[Role.AGENT])

    listed = agent.get("/api/v1/care/follow-ups?list=all").json()["items"]
    assert {item["purpose"] for item in listed} == {Purpose.CALLBACK, Purpose.FIRST}
    callback = next(item for item in listed if item["purpose"] == Purpose.CALLBACK)
    assert (callback["opens_on"], callback["closes_on"]) == ("2026-12-02", "2026-12-03")

    called = agent.post(
        f"/api/v1/care/follow-ups/{callback['id']}/calls",
        {"outcome": "reached", "score": 1, "expected": 4, "perceived": 1, "nps": 2, "notes": "没修好"},
        content_type="application/json",
    )
    assert called.status_code == 201, called.content
    assert called.json()["status"] == "done" and called.json()["calls"][0]["gap"] == -3

    complaints = agent.get("/api/v1/care/complaints").json()["items"]
    assert len(complaints) == 1 and complaints[0]["source"] == "low_score"
    assert complaints[0]["order_ids"] == [closed.pk] and complaints[0]["level"] == 0

    complaint = Complaint.objects.get()
    services.escalate_overdue_complaints(now=complaint.due_at + datetime.timedelta(minutes=1))
    assert agent.get(f"/api/v1/care/complaints/{complaint.pk}").json()["level"] == 1

    file = agent.get(f"/api/v1/care/customers/{customer.pk}/file").json()
    kinds = {item["kind"] for item in file["timeline"]}
    assert {"order", "contact", "complaint"} <= kinds
    assert file["past_order_ids"] == [closed.pk] and file["ratings"][0]["score"] == 1
    assert {f["purpose"] for f in file["follow_ups"]} == {Purpose.CALLBACK, Purpose.FIRST}

    history = agent.get(f"/api/v1/care/units/{closed.unit_id}/history").json()
    assert history["serial_number"] == closed.unit.serial_number
    assert [o["number"] for o in history["orders"]] == [closed.number]
    assert history["complaint_ids"] == [complaint.pk] and "covered" in history["warranty"]


def test_a_score_outside_the_scale_is_400_and_writes_nothing(api_client, users, closed):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)

    answer = api_client(users[Role.AGENT]).post(
        f"/api/v1/care/follow-ups/{task.pk}/calls", {"outcome": "reached", "score": 7}, content_type="application/json"
    )

    assert answer.status_code == 400
    assert (answer.json()["code"], answer.json()["field"]) == ("invalid_score", "score")
    assert not FollowUpCall.objects.exists()


def test_an_answer_to_a_closed_task_is_409(api_client, users, closed):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)
    agent = api_client(users[Role.AGENT])
    agent.post(f"/api/v1/care/follow-ups/{task.pk}/calls", {"outcome": "refused"}, content_type="application/json")

    answer = agent.post(
        f"/api/v1/care/follow-ups/{task.pk}/calls", {"outcome": "reached", "score": 5}, content_type="application/json"
    )

    assert answer.status_code == 409 and answer.json()["code"] == "task_closed"
    assert FollowUpCall.objects.count() == 1


def test_another_centres_follow_up_and_file_are_404(api_client, closed, customer, other_centre):
    stranger = api_client(UserFactory(role=Role.AGENT, service_center=other_centre))
    task = FollowUpTask.objects.filter(order=closed).first()

    assert stranger.get(f"/api/v1/care/follow-ups/{task.pk}").status_code == 404
    posted = stranger.post(
        f"/api/v1/care/follow-ups/{task.pk}/calls", {"outcome": "reached", "score": 5}, content_type="application/json"
    )
    assert posted.status_code == 404 and not FollowUpCall.objects.exists()
    assert stranger.get(f"/api/v1/care/customers/{customer.pk}/file").status_code == 404
    assert stranger.get(f"/api/v1/care/units/{closed.unit_id}/history").status_code == 404
    assert stranger.get("/api/v1/care/follow-ups?list=all").json()["items"] == []


def test_a_retried_call_with_the_same_idempotency_key_records_one_call(api_client, users, closed):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)
    agent = api_client(users[Role.AGENT])
    body = {"outcome": "not_reached"}

    first = agent.post(
        f"/api/v1/care/follow-ups/{task.pk}/calls",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "k1"},
    )
    again = agent.post(
        f"/api/v1/care/follow-ups/{task.pk}/calls",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "k1"},
    )

    assert first.status_code == again.status_code == 201
    assert FollowUpCall.objects.count() == 1


def test_open_resolve_and_accept_a_complaint(api_client, users, customer, closed):
    agent = api_client(users[Role.AGENT])

    opened = agent.post(
        "/api/v1/care/complaints",
        {"customer_id": customer.pk, "description": "上门迟到", "cause": "response", "order_ids": [closed.pk]},
        content_type="application/json",
    )
    assert opened.status_code == 201, opened.content
    number = opened.json()["id"]
    resolved = agent.post(
        f"/api/v1/care/complaints/{number}/resolve", {"resolution": "致歉并减免上门费"}, content_type="application/json"
    )
    assert resolved.json()["status"] == "resolved"
    escalate = agent.post(f"/api/v1/care/complaints/{number}/escalate", {}, content_type="application/json")
    assert escalate.status_code == 409 and escalate.json()["code"] == "complaint_resolved"
    accepted = agent.post(
        f"/api/v1/care/complaints/{number}/acceptance", {"accepted": True}, content_type="application/json"
    )
    assert accepted.json()["status"] == "closed"


def test_log_and_list_contacts(api_client, users, customer):
    agent = api_client(users[Role.AGENT])

    logged = agent.post(
        f"/api/v1/care/customers/{customer.pk}/contacts",
        {"channel": "letter", "direction": "out", "summary": "寄出保养提醒函", "needs": "两周后回电"},
        content_type="application/json",
    )
    assert logged.status_code == 201
    items = agent.get(f"/api/v1/care/customers/{customer.pk}/contacts").json()["items"]
    assert [i["summary"] for i in items] == ["寄出保养提醒函"]

    bad = agent.post(
        f"/api/v1/care/customers/{customer.pk}/contacts",
        {"channel": "pigeon", "direction": "out", "summary": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and ContactEntry.objects.count() == 1


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _story(users, customer, day):
    order = close_order(manager=users[Role.MANAGER], customer=customer, handed_back=datetime.date(2026, 12, day))
    task = FollowUpTask.objects.filter(order=order).first()
    services.record_call(
        task_id=task.pk, by=users[Role.AGENT], outcome="reached", score=2, now=at(datetime.date(2026, 12, 4))
    )
    # A contact added and taken out of use: rows of the file's timeline read from the customer's history.
    contact = add_contact(
        customer=customer, by=users[Role.AGENT], data=ContactData(name="联系人", mobile=f"1390013900{day}")
    )
    set_contact_in_use(contact=contact, by=users[Role.AGENT], in_use=False, reason="已离职")


@pytest.mark.parametrize(
    "url", ["/api/v1/care/follow-ups?list=all", "/api/v1/care/complaints", "/api/v1/care/customers/{c}/file"]
)
def test_lists_run_a_constant_number_of_queries(api_client, users, customer, url):
    agent = api_client(users[Role.AGENT])
    url = url.format(c=customer.pk)
    _story(users, customer, 1)
    _queries(agent, url)  # warm the caches (content types, the calendar)
    one = _queries(agent, url)
    for day in (2, 3, 4):
        _story(users, customer, day)

    assert _queries(agent, url) == one


def test_a_refused_owner_or_clerk_is_named_by_the_requests_field(api_client, users, customer, closed):
    """Found by a helper's probe, 2026-12-06: the errors named "owner" and "assigned_to", fields the
    requests do not have."""
    technician = users[Role.TECHNICIAN]  # handles neither complaints nor follow-up calls
    manager = api_client(users[Role.MANAGER])
    task = FollowUpTask.objects.filter(order=closed).first()

    complaint = manager.post(
        "/api/v1/care/complaints",
        {"customer_id": customer.pk, "description": "态度差", "owner_id": technician.pk},
        content_type="application/json",
    )
    assigned = manager.post(
        f"/api/v1/care/follow-ups/{task.pk}/assign", {"assigned_to_id": technician.pk}, content_type="application/json"
    )

    assert (complaint.status_code, complaint.json()["field"]) == (400, "owner_id")
    assert (assigned.status_code, assigned.json()["field"]) == (400, "assigned_to_id")
    assert not Complaint.objects.exists()
    task.refresh_from_db()
    assert task.assigned_to_id is None


def test_a_complaint_linking_what_is_not_the_customers_is_refused_at_the_element_sent(
    api_client, users, customer, closed, centre
):
    # QA 2026-12-07: the refusals named "orders" and "units", which no request carries.
    other = close_order(manager=users[Role.MANAGER], customer=CustomerFactory(service_center=centre))
    agent = api_client(users[Role.AGENT])
    before = Complaint.objects.count()

    def refused(**links):
        answer = agent.post(
            "/api/v1/care/complaints",
            {"customer_id": customer.pk, "description": "上门迟到", **links},
            content_type="application/json",
        )
        assert answer.status_code == 400, answer.content
        return answer.json()["code"], answer.json()["field"]

    assert refused(order_ids=[closed.pk, other.pk]) == ("invalid_order", "order_ids.1")
    assert refused(unit_ids=[other.unit_id]) == ("invalid_unit", "unit_ids.0")
    assert refused(order_ids=[999999]) == ("invalid_order", "order_ids.0")
    assert refused(unit_ids=[closed.unit_id, 999999]) == ("invalid_unit", "unit_ids.1")
    assert Complaint.objects.count() == before
