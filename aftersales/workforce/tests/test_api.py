"""The API: a technician's week (check-in, report, claim, overtime, summary) and who sees what — a
technician only their own claims, finance all claims of its centre (not another's), the general
manager every claim; bad input answers the documented code and writes nothing; lists keep their
query count whatever their length."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCenterFactory, UserFactory
from aftersales.workforce.api import ClaimDecisionIn, LineIn
from aftersales.workforce.choices import ExpenseKind
from aftersales.workforce.models import Attendance, ExpenseClaim, ExpenseLine
from aftersales.workforce.services import claims
from aftersales.workforce.tests.factories import TUESDAY, at, job_for

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def tech(users):
    return users[Role.TECHNICIAN]


def test_a_technicians_day_through_the_api(api_client, users, tech):
    api = api_client(tech)
    order = job_for(users)

    checked = api.post(
        "/api/v1/workforce/check-in", {"latitude": "31.230416", "longitude": "121.473701"}, content_type=JSON
    )
    assert checked.status_code == 201, checked.content
    assert checked.json()["person_id"] == tech.pk
    assert api.post("/api/v1/workforce/daily-reports", {"text": "更换主板"}, content_type=JSON).status_code == 200
    claim = api.post("/api/v1/workforce/claims", {}, content_type=JSON)
    assert claim.status_code == 201
    claim_id = claim.json()["id"]
    line = api.post(
        f"/api/v1/workforce/claims/{claim_id}/lines",
        {
            "kind": "transport",
            "spent_on": str(timezone.localdate()),
            "amount": "35.50",
            "description": "出租车",
            "order_id": order.pk,
        },
        content_type=JSON,
    )
    assert line.status_code == 200, line.content
    assert line.json()["total"] == "35.50"
    overtime = api.post("/api/v1/workforce/overtime", {"day": str(timezone.localdate())}, content_type=JSON)
    assert (overtime.status_code, overtime.json()["allowance"], overtime.json()["no_work_recorded"]) == (
        201,
        "60.00",
        False,
    )
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    draft = api.get(f"/api/v1/workforce/weekly-summaries/draft?week_start={timezone.localdate()}").json()
    assert draft["week_start"] == str(monday) and "更换主板" in draft["text"]
    assert (
        api.post(
            "/api/v1/workforce/weekly-summaries", {"week_start": str(monday), "text": draft["text"]}, content_type=JSON
        ).status_code
        == 200
    )
    profile = api.get("/api/v1/workforce/profile").json()
    assert profile["checked_in"] is True and profile["open_orders"] == 1


def test_check_in_for_someone_else_answers_403(api_client, users, tech, centre):
    other = UserFactory(username="tech-2", role=Role.TECHNICIAN, service_center=centre)
    response = api_client(tech).post("/api/v1/workforce/check-in", {"person_id": other.pk}, content_type=JSON)
    assert (response.status_code, response.json()["code"]) == (403, "not_yourself")
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (12.5, "invalid_amount"),
        ("-3", "amount_not_positive"),
        # A number, even a whole one, and text that is not a plain decimal (found by hand, 2026-12-06:
        # true booked 1.00, "1e3" 1000.00 and full-width "１２" 12.00).
        (-3, "invalid_amount"),
        (True, "invalid_amount"),
        ("1e3", "invalid_amount"),
        ("１２", "invalid_amount"),
        ("12.345", "invalid_amount"),
    ],
)
def test_float_and_negative_amounts_answer_400(api_client, users, tech, amount, code):
    order = job_for(users)
    claim = claims.create_claim(by=tech)
    response = api_client(tech).post(
        f"/api/v1/workforce/claims/{claim.pk}/lines",
        {
            "kind": "meals",
            "spent_on": str(timezone.localdate()),
            "amount": amount,
            "description": "x",
            "order_id": order.pk,
        },
        content_type=JSON,
    )
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (400, code, "amount")
    assert not ExpenseLine.objects.exists()


def test_an_unknown_expense_kind_answers_400_at_kind_listing_the_kinds_and_writes_nothing(api_client, users, tech):
    order = job_for(users)
    claim = claims.create_claim(by=tech)
    body = {"kind": "taxi", "spent_on": str(timezone.localdate()), "amount": "9", "description": "x"}

    response = api_client(tech).post(
        f"/api/v1/workforce/claims/{claim.pk}/lines", {**body, "order_id": order.pk}, content_type=JSON
    )

    answer = response.json()
    assert (response.status_code, answer["code"], answer["field"]) == (400, "invalid_input", "kind")
    assert answer["errors"][0]["type"] == "enum"
    assert "transport" in answer["detail"] and "materials" in answer["detail"]
    assert not ExpenseLine.objects.exists()


@pytest.mark.parametrize("decision", ["maybe", "submitted", "exported"])
def test_a_decision_an_approver_cannot_make_answers_400_at_decision(api_client, users, tech, decision):
    claim = _claim_of(users, tech)

    response = api_client(users[Role.MANAGER]).post(
        f"/api/v1/workforce/claims/{claim.pk}/decision", {"decision": decision}, content_type=JSON
    )

    answer = response.json()
    assert (response.status_code, answer["code"], answer["field"]) == (400, "invalid_input", "decision")
    assert answer["errors"][0]["type"] == "enum"
    assert "sent_back" in answer["detail"] and "exported" not in answer["detail"]
    assert ExpenseClaim.objects.get(pk=claim.pk).decisions.count() == 1  # the hand-in only


def test_the_claim_inputs_document_their_choices():
    kinds = LineIn.model_json_schema()["$defs"]["ExpenseKind"]["enum"]
    decisions = ClaimDecisionIn.model_json_schema()["$defs"]["ApproverDecision"]["enum"]

    assert kinds == [value for value, _label in ExpenseKind.choices]
    assert decisions == ["approved", "rejected", "sent_back"]


def _claim_of(users, technician):
    order = job_for(users, technician=technician)
    claim = claims.create_claim(by=technician)
    claims.add_expense_line(
        claim_id=claim.pk,
        by=technician,
        kind="meals",
        spent_on=TUESDAY,
        amount="10",
        description="x",
        order_id=order.pk,
        today=TUESDAY,
    )
    return claims.submit_claim(claim_id=claim.pk, by=technician, now=at(TUESDAY))


def test_who_sees_which_claims(api_client, users, tech, centre):
    colleague = UserFactory(username="tech-2", role=Role.TECHNICIAN, service_center=centre)
    away = ServiceCenterFactory(code="BJ")
    away_staff = {
        r: UserFactory(username=f"{r}-bj", role=r, service_center=away)
        for r in (Role.AGENT, Role.DISPATCHER, Role.TECHNICIAN, Role.FINANCE)
    }
    mine, theirs = _claim_of(users, tech), _claim_of(users, colleague)
    far = _claim_of(away_staff, away_staff[Role.TECHNICIAN])

    def seen(user):
        return {c["id"] for c in api_client(user).get("/api/v1/workforce/claims").json()["items"]}

    assert seen(tech) == {mine.pk}
    assert seen(users[Role.FINANCE]) == {mine.pk, theirs.pk}
    assert seen(away_staff[Role.FINANCE]) == {far.pk}
    assert seen(users[Role.GENERAL_MANAGER]) == {mine.pk, theirs.pk, far.pk}
    assert api_client(tech).get(f"/api/v1/workforce/claims/{theirs.pk}").status_code == 404
    waiting = api_client(users[Role.MANAGER]).get("/api/v1/workforce/claims?waiting=true").json()["items"]
    assert {c["id"] for c in waiting} == {mine.pk, theirs.pk}
    assert api_client(users[Role.GENERAL_MANAGER]).get("/api/v1/workforce/claims?waiting=true").json()["items"] == []


def test_the_chain_through_the_api(api_client, users, tech):
    claim = _claim_of(users, tech)
    url = f"/api/v1/workforce/claims/{claim.pk}/decision"

    early = api_client(users[Role.GENERAL_MANAGER]).post(url, {"decision": "approved"}, content_type=JSON)
    assert (early.status_code, early.json()["code"]) == (409, "step_not_reached")
    own = api_client(tech).post(url, {"decision": "approved"}, content_type=JSON)
    assert (own.status_code, own.json()["code"]) == (403, "own_claim")
    for role in (Role.MANAGER, Role.FINANCE, Role.GENERAL_MANAGER):
        response = api_client(users[role]).post(url, {"decision": "approved"}, content_type=JSON)
        assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved"
    assert [d["role"] for d in body["decisions"]] == ["", "manager", "finance", "general_manager"]
    assert ExpenseClaim.objects.get(pk=claim.pk).status == "approved"


def test_claim_list_query_count_does_not_grow(api_client, users, tech, centre):
    client = api_client(users[Role.FINANCE])
    _claim_of(users, tech)
    client.get("/api/v1/workforce/claims")  # the token's first use is written once
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/workforce/claims")
    for _ in range(3):
        _claim_of(users, tech)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/workforce/claims").json()["items"]) == 4
    assert len(many) == len(few)
