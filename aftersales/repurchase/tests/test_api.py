"""The repurchase API: the four examples through their life, the preview, edge cases with their
reasoning, bad input (4xx with the field, nothing written), scope (404) and the list's queries."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.repurchase.examples import EXAMPLES, Example
from aftersales.repurchase.models import JournalEntry, RepurchaseContract
from aftersales.repurchase.tests.factories import contract, same

pytestmark = pytest.mark.django_db
JSON = "application/json"


def body(example: Example, **extra: Any) -> dict[str, Any]:
    data = {k: str(v) if isinstance(v, Decimal) else v for k, v in example.inputs.items()}
    return {"sale_date": "2015-01-01", "deadline": "2015-12-31", "asset": "挖掘机", **data, **extra}


def entry_lines(detail: dict[str, Any], event: str) -> list[list[tuple[str, str, Decimal]]]:
    return [
        [(line["account"], line["side"], Decimal(line["amount"])) for line in entry["lines"]]
        for entry in detail["entries"]
        if entry["event"] == event
    ]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.key)
def test_example_through_the_api(example: Example, finance: Any, customer: Any, api_client: Any) -> None:
    client = api_client(finance)
    unit = UnitFactory(customer=customer)
    terms = {k: v for k, v in body(example).items() if k != "asset"}
    preview = client.post("/api/v1/repurchase/classify", terms, content_type=JSON)
    assert preview.status_code == 200, preview.json()
    assert preview.json()["classification"] == example.classification
    planned = [
        [(x["account"], x["side"], Decimal(x["amount"])) for x in e["lines"]]
        for e in preview.json()["entries"]
        if e["event"] == "exercise"
    ]
    assert same(planned) == same(example.exercise)
    assert not RepurchaseContract.objects.exists()  # the preview writes nothing

    created = client.post(
        "/api/v1/repurchase/contracts",
        body(example, customer_id=customer.pk, unit_ids=[unit.pk], number=f"HT-{example.key}"),
        content_type=JSON,
    )
    assert created.status_code == 201, created.json()
    detail = created.json()
    assert (detail["classification"], detail["status"], detail["unit_ids"]) == (
        example.classification,
        "draft",
        [unit.pk],
    )
    assert detail["reasoning"]
    cid = detail["id"]

    posted = client.post(f"/api/v1/repurchase/contracts/{cid}/post")
    assert posted.status_code == 200, posted.json()
    assert same(entry_lines(posted.json(), "inception")) == same(example.inception)
    bought = client.post(f"/api/v1/repurchase/contracts/{cid}/exercise", {"on": "2015-12-31"}, content_type=JSON)
    assert bought.status_code == 200, bought.json()
    assert bought.json()["status"] == "exercised"
    assert same(entry_lines(bought.json(), "exercise")) == same(example.exercise)
    names = {line["account_name"] for entry in bought.json()["entries"] for line in entry["lines"]}
    assert "库存现金" in names and "长期借款等" in names


def test_example_2_lapse_through_the_api(finance: Any, customer: Any, api_client: Any) -> None:
    client = api_client(finance)
    example = EXAMPLES[1]
    cid = client.post(
        "/api/v1/repurchase/contracts", body(example, customer_id=customer.pk, number="HT-2"), content_type=JSON
    ).json()["id"]
    client.post(f"/api/v1/repurchase/contracts/{cid}/post")
    lapsed = client.post(f"/api/v1/repurchase/contracts/{cid}/lapse", {"on": "2015-12-31"}, content_type=JSON)
    assert lapsed.status_code == 200, lapsed.json()
    assert same(entry_lines(lapsed.json(), "lapse")) == same(example.lapse or [])
    codes = {line["account"]: line["account_code"] for e in lapsed.json()["entries"] for line in e["lines"]}
    assert codes == {
        "cash": "1001",
        "borrowings": "2501",
        "revenue": "6001",
        "cost_of_sales": "6401",
        "inventory": "1405",
    }


EDGES = [
    (
        {"holder": "seller_obliged", "price": "1000000.00", "repurchase_price": "1000000.00"},
        "financing",
        "不低于原售价",
    ),
    (
        {
            "holder": "customer_option",
            "price": "1000000.00",
            "repurchase_price": "900000.00",
            "incentive": False,
            "incentive_reason": "无",
            "cost": "600000.00",
        },
        "sale_with_return",
        "附有销售退回条款的销售",
    ),
    (
        {
            "holder": "customer_option",
            "price": "1000000.00",
            "repurchase_price": "1050000.00",
            "market_value": "1100000.00",
            "incentive": True,
            "incentive_reason": "x",
            "cost": "600000.00",
        },
        "sale_with_return",
        "客户更愿意在市场上出售",
    ),
]


@pytest.mark.parametrize(("inputs", "expected", "words"), EDGES, ids=["at-par", "put-no-incentive", "put-below-market"])
def test_edge_cases_classify_with_their_reasoning_in_chinese(
    inputs: dict[str, Any], expected: str, words: str, finance: Any, customer: Any, api_client: Any
) -> None:
    client = api_client(finance)
    made = client.post(
        "/api/v1/repurchase/contracts",
        {
            "sale_date": "2015-01-01",
            "deadline": "2015-12-31",
            "asset": "挖掘机",
            "customer_id": customer.pk,
            "number": "HT-E",
            **inputs,
        },
        content_type=JSON,
    )
    assert made.status_code == 201, made.json()
    assert made.json()["classification"] == expected
    assert words in made.json()["reasoning"]


BAD = [
    ({"price": "0"}, 400, "price"),
    ({"price": "-100"}, 400, "price"),
    ({"repurchase_price": "0.001"}, 400, "repurchase_price"),
    ({"deadline": "2014-12-31"}, 400, "deadline"),
    ({"holder": "customer_option"}, 400, "incentive"),
    ({"holder": "somebody"}, 400, "holder"),
    ({"customer_id": 999999}, 404, "customer_id"),
    ({"unit_ids": [999999]}, 404, "unit_ids"),
    ({"status": "exercised"}, 400, "status"),
]


@pytest.mark.parametrize(("change", "status", "field"), BAD, ids=[b[2] + str(i) for i, b in enumerate(BAD)])
def test_bad_input_answers_4xx_with_the_field_and_writes_nothing(
    change: dict[str, Any], status: int, field: str, finance: Any, customer: Any, api_client: Any
) -> None:
    answer = api_client(finance).post(
        "/api/v1/repurchase/contracts",
        {**body(EXAMPLES[0], customer_id=customer.pk, number="HT-X"), **change},
        content_type=JSON,
    )
    assert answer.status_code == status, answer.json()
    assert answer.json()["field"] == field
    assert not RepurchaseContract.objects.exists()


def test_posting_refusals_answer_with_their_code_and_write_nothing(
    finance: Any, customer: Any, api_client: Any
) -> None:
    client = api_client(finance)
    made = contract(by=finance, customer=customer)
    early = client.post(f"/api/v1/repurchase/contracts/{made.pk}/exercise", {"on": "2015-12-31"}, content_type=JSON)
    assert (early.status_code, early.json()["code"]) == (409, "not_posted")
    client.post(f"/api/v1/repurchase/contracts/{made.pk}/post")
    late = client.post(f"/api/v1/repurchase/contracts/{made.pk}/exercise", {"on": "2016-01-01"}, content_type=JSON)
    assert (late.status_code, late.json()["code"], late.json()["field"]) == (400, "after_deadline", "on")
    lapse = client.post(f"/api/v1/repurchase/contracts/{made.pk}/lapse", {"on": "2015-12-31"}, content_type=JSON)
    assert (lapse.status_code, lapse.json()["code"]) == (409, "cannot_lapse")
    assert JournalEntry.objects.count() == 1
    patched = client.patch(
        f"/api/v1/repurchase/contracts/{made.pk}", {"repurchase_price": "800000.00"}, content_type=JSON
    )
    assert (patched.status_code, patched.json()["code"]) == (409, "already_posted")
    reversed_ = client.post(
        f"/api/v1/repurchase/contracts/{made.pk}/reverse", {"on": "2015-01-02", "reason": "录错"}, content_type=JSON
    )
    assert reversed_.status_code == 200 and reversed_.json()["status"] == "draft"
    assert [e["reversed"] for e in reversed_.json()["entries"]] == [True, False]
    patched = client.patch(
        f"/api/v1/repurchase/contracts/{made.pk}", {"repurchase_price": "1000000.00", "unit_ids": []}, content_type=JSON
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["classification"] == "financing"


def test_other_centres_contracts_are_404_and_readers_cannot_post(
    finance: Any, customer: Any, outsider: Any, users: Any, api_client: Any
) -> None:
    made = contract(by=finance, customer=customer)
    away = api_client(outsider)
    assert away.get(f"/api/v1/repurchase/contracts/{made.pk}").status_code == 404
    assert away.post(f"/api/v1/repurchase/contracts/{made.pk}/post").status_code == 404
    assert away.get("/api/v1/repurchase/contracts").json()["items"] == []
    manager = api_client(users[Role.MANAGER])
    assert manager.get(f"/api/v1/repurchase/contracts/{made.pk}").status_code == 200
    assert manager.post(f"/api/v1/repurchase/contracts/{made.pk}/post").status_code == 403
    technician = api_client(users[Role.TECHNICIAN])
    assert technician.get(f"/api/v1/repurchase/contracts/{made.pk}").status_code == 404
    assert api_client(users[Role.GENERAL_MANAGER]).get(f"/api/v1/repurchase/contracts/{made.pk}").status_code == 200


def test_list_by_deadline_with_filters_in_a_fixed_number_of_queries(
    finance: Any, customer: Any, api_client: Any
) -> None:
    client = api_client(finance)
    first = contract(by=finance, customer=customer, units=[UnitFactory(customer=customer)])
    client.get("/api/v1/repurchase/contracts")  # warm the token and capability caches
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/repurchase/contracts").status_code == 200
    other = CustomerFactory(service_center=customer.service_center)
    for example in EXAMPLES:
        contract(by=finance, customer=other, example=example, units=[UnitFactory(customer=other)])
    with CaptureQueriesContext(connection) as five:
        listed = client.get("/api/v1/repurchase/contracts").json()["items"]
    assert len(listed) == 5
    assert len(five) == len(one)
    assert listed[0]["id"] == first.pk or listed[0]["deadline"] <= listed[-1]["deadline"]
    leases = client.get("/api/v1/repurchase/contracts?classification=lease").json()["items"]
    assert {c["classification"] for c in leases} == {"lease"} and len(leases) == 3
    found = client.get("/api/v1/repurchase/contracts?q=HT").json()["items"]
    assert len(found) == 5
    paged = client.get("/api/v1/repurchase/contracts?limit=2").json()
    rest = client.get(f"/api/v1/repurchase/contracts?limit=10&cursor={paged['next_cursor']}").json()
    assert len(paged["items"]) + len(rest["items"]) == 5
