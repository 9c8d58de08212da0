"""An integer in a JSON body (an id, a count, a score) is a JSON integer, nothing else (QA, 2026-12-07:
``"score": true`` on a follow-up call stored a score of 1 and opened a low-score complaint by itself;
``"customer_id": "1"`` opened a complaint and ``"working_days": "2"`` extended a due date). Query strings
and form fields are text: ``?limit=5`` and a photo's ``visit_id`` form field are still read."""

import datetime
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from aftersales.accounts.choices import Role
from aftersales.care.choices import Purpose
from aftersales.care.models import Complaint, FollowUpCall, FollowUpTask
from aftersales.care.tests.factories import close_order
from aftersales.core.api import is_integer, is_integer_list
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.tests.body_schemas import body_schemas, lax_fields, lax_schemas

JSON = "application/json"
NOT_INTEGERS = [True, False, "5", "1", 5.0, "abc", [], {}]


def _wrong_values(field: FieldInfo) -> list[Any]:
    if is_integer(field.annotation):
        return NOT_INTEGERS
    if is_integer_list(field.annotation):
        return [[value] for value in NOT_INTEGERS if not isinstance(value, list | dict)]
    return []


def _lax_integers(model: type[BaseModel]) -> list[str]:
    return lax_fields(model, _wrong_values, {"int_type", "list_type"})


def test_every_integer_a_body_takes_is_a_json_integer():
    schemas = body_schemas()
    lax = lax_schemas(schemas, _lax_integers)
    integers = [model for model in schemas if any(is_integer(f.annotation) for f in model.model_fields.values())]
    lists = [model for model in schemas if any(is_integer_list(f.annotation) for f in model.model_fields.values())]

    assert len(integers) >= 40 and len(lists) >= 5  # the walk found ids, counts, scores and id lists
    assert lax == {}, "derive these schemas from core.api.Input"


def test_a_json_integer_and_null_are_still_taken():
    from aftersales.care.api import CallIn

    assert CallIn.model_validate({"outcome": "reached", "score": 5}).score == 5
    assert CallIn.model_validate({"outcome": "reached", "score": None}).score is None


# ---- through the API: a refusal names the field and writes nothing --------------------------------------
@pytest.fixture
def closed(users: dict[str, Any], centre: Any) -> Any:
    customer = CustomerFactory(service_center=centre)
    return close_order(manager=users[Role.MANAGER], customer=customer, handed_back=datetime.date(2026, 12, 1))


@pytest.mark.django_db
@pytest.mark.parametrize("value", [True, "1", 1.0])
def test_a_score_that_is_not_an_integer_records_no_call_and_opens_no_complaint(value, closed, users, api_client):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)

    answer = api_client(users[Role.AGENT]).post(
        f"/api/v1/care/follow-ups/{task.pk}/calls", {"outcome": "reached", "score": value}, content_type=JSON
    )

    assert answer.status_code == 400, answer.content
    body = answer.json()
    assert (body["code"], body["field"], body["errors"][0]["type"]) == ("invalid_input", "score", "int_type")
    assert not FollowUpCall.objects.exists() and not Complaint.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["customer_id", "order_ids"])
def test_an_id_given_as_text_opens_no_complaint(field, closed, users, api_client):
    payload = {"customer_id": closed.customer_id, "description": "上门迟到", "order_ids": [closed.pk]}
    payload[field] = str(closed.customer_id) if field == "customer_id" else [str(closed.pk)]

    answer = api_client(users[Role.AGENT]).post("/api/v1/care/complaints", payload, content_type=JSON)

    assert answer.status_code == 400, answer.content
    assert (answer.json()["code"], answer.json()["field"]) == ("invalid_input", field)
    assert not Complaint.objects.exists()
