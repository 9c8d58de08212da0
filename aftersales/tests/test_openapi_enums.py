"""Every answer's property whose value is one of a fixed set declares that set (``enum``) in the OpenAPI
document, so a client generated from it gets an enum, not a string (found by hand on 2026-12-06: about 84
answer properties, ``OrderOut.status``, ``kind``, ``priority`` among them, were documented as plain strings
while the input schemas named their enums).

The rule, from the models: an answer's property named like a model field with text choices (``status``,
``kind``, ``waiting_for``, ...) declares an enum, and its values are those of a model field of that name
(``""`` too when the field may be blank). A property of a closed set under another name or computed
(``WarrantyOut.reason`` is the order's ``warranty_reason``, ``SlaOut.state``) is listed in ``OTHER_SETS``
with its values; a property that shares a choice field's name but is free text (an absence's ``reason``)
is listed in ``NOT_CHOICES``. A new answer with ``status: str`` fails here until it declares its enum
(``core.schemas.Choice``) or says why it has none.
"""

import functools
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from django.apps import apps
from ninja import Schema
from pydantic import TypeAdapter

from aftersales.accounts.choices import Role
from aftersales.api import api
from aftersales.care.choices import TaskStatus
from aftersales.contracts.choices import ContractStatus
from aftersales.core.schemas import Choice
from aftersales.coverage.choices import CoverageReason
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.money.selectors import AGE_BUCKETS
from aftersales.notifications.choices import MessageStatus
from aftersales.service.choices import OrderKind, OrderStatus, SlaState, WaitingFor
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.factories import make_order


def _values(*choices: Any, blank: bool = False) -> frozenset[str]:
    values = {str(value) for enum in choices for value in enum.values}
    return frozenset(values | {""} if blank else values)


CONTRACT_STATES = frozenset({ContractStatus.ACTIVE, ContractStatus.EXPIRED, ContractStatus.CANCELLED})
FOLLOW_UP_STATES = _values(TaskStatus) - {TaskStatus.OPEN} | {"due", "overdue", "upcoming"}

# A closed set under a name no model choice field has, or computed: its values.
OTHER_SETS: dict[str, frozenset[str]] = {
    "WarrantyOut.reason": _values(CoverageReason),
    "CareWarrantyOut.reason": _values(CoverageReason),
    "CoverageOut.reason": _values(CoverageReason),
    "SlaOut.state": _values(SlaState),
    "ContractOut.state": CONTRACT_STATES,
    "ContractDetailOut.state": CONTRACT_STATES,
    "FollowUpOut.state": FOLLOW_UP_STATES,
    "FollowUpDetailOut.state": FOLLOW_UP_STATES,
    "RecipientOut.delivery": _values(MessageStatus, blank=True),
    "AgeingRowOut.bucket": frozenset(name for _start, name in AGE_BUCKETS),
    "DueMoveOut.direction": frozenset({"later", "earlier", "unchanged"}),
    "EventOut.from_status": _values(OrderStatus, blank=True),
    "EventOut.to_status": _values(OrderStatus, blank=True),
    "OrderOut.allowed_transitions": _values(OrderStatus),
    "ContractVisitOut.callback_status": _values(TaskStatus),
    "UserRolesOut.extra_roles": _values(Role),
    "UserRolesOut.roles": _values(Role),
}

# Properties named like a model choice field that are free text or not one fixed set: why.
FREE_TEXT = "free text"
NOT_CHOICES: dict[str, str] = {
    "AbsenceOut.reason": FREE_TEXT,
    "ActivityOut.reason": FREE_TEXT,
    "AdjustmentOut.reason": FREE_TEXT,
    "CaseDetailOut.decision": "free text (the case's decision in words)",
    "ComplaintOut.resolution": "free text (how the complaint was resolved)",
    "CreditOut.reason": FREE_TEXT,
    "DecisionOut.reason": FREE_TEXT,
    "EventOut.reason": FREE_TEXT,
    "ExchangeOut.reason": FREE_TEXT,
    "MoveOut.reason": FREE_TEXT,
    "ProblemOut.resolution": "free text (how the problem was resolved)",
    "StandInOut.reason": FREE_TEXT,
    "LabourOut.unit": "free text (LabourRate.unit: per visit, hour, job ...)",
    "PriceOut.unit": "free text (Price.unit: 次, 小时, km ...)",
    "ChargeOut.source": "the key of what booked the line (a visit's part, a quote ...), free text",
    "CoverageOut.kind": "the query's kind echoed back, free text",
    "CoverageOut.source": "the key of a registered coverage source: apps register more",
    "ActivityOut.type": "an activity type registered by the app that records it (unit.proof_updated)",
    "ImportOut.kind": "a kind of import registered by the app that owns the rows",
    "ImportPreviewOut.kind": "a kind of import registered by the app that owns the rows",
    "InputErrorOut.type": "pydantic's error type, not ours to list",
    "PayFigureOut.unit": "set by the app that registers the figure (amount, count, score): no enum keeps them",
    "ColumnOut.unit": "a display hint set by each report's columns, written as literals there",
    "TimelineItemOut.kind": "written as literals by care.selectors' timeline builders (order, visit, ...)",
}


@functools.cache
def _document() -> dict[str, Any]:
    return api.get_openapi_schema(path_prefix="/api/v1")


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"].rsplit("/", 1)[-1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _answer_schemas(document: dict[str, Any]) -> set[str]:
    """The names of every schema an answer uses, nested ones included."""
    schemas = document["components"]["schemas"]
    found: set[str] = set()
    todo = [
        name
        for operations in document["paths"].values()
        for operation in operations.values()
        for name in _refs(operation.get("responses", {}))
    ]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(_refs(schemas[name]))
    return found


def _declared(prop: dict[str, Any], schemas: dict[str, Any]) -> frozenset[str] | None:
    """The values a string property declares (through a ``$ref``, ``anyOf`` with null, or an array's
    items), or ``None`` when a string in it declares none."""
    if "$ref" in prop:
        return _declared(schemas[prop["$ref"].rsplit("/", 1)[-1]], schemas)
    if "anyOf" in prop:
        branches = [_declared(branch, schemas) for branch in prop["anyOf"] if branch.get("type") != "null"]
        if any(branch is None for branch in branches):
            return None
        return frozenset().union(*branches)  # type: ignore[arg-type]
    if prop.get("type") == "array":
        return _declared(prop["items"], schemas)
    if "enum" in prop:
        return frozenset(prop["enum"])
    return None


def _is_string(prop: dict[str, Any], schemas: dict[str, Any]) -> bool:
    if "$ref" in prop:
        return _is_string(schemas[prop["$ref"].rsplit("/", 1)[-1]], schemas)
    if "anyOf" in prop:
        return any(_is_string(branch, schemas) for branch in prop["anyOf"])
    if prop.get("type") == "array":
        return _is_string(prop["items"], schemas)
    return prop.get("type") == "string" and "format" not in prop


def _choice_fields() -> dict[str, set[frozenset[str]]]:
    """Each name of a model field with text choices: the value sets of the fields of that name."""
    found: dict[str, set[frozenset[str]]] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("aftersales."):
            continue
        for field in model._meta.concrete_fields:
            values = [value for value, _label in field.flatchoices] if field.choices else []
            if values and all(isinstance(value, str) for value in values):
                found.setdefault(field.name, set()).add(frozenset(values) | ({""} if field.blank else set()))
    return found


def _answer_properties() -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    document = _document()
    schemas = document["components"]["schemas"]
    for name in sorted(_answer_schemas(document)):
        for prop_name, prop in schemas[name].get("properties", {}).items():
            if _is_string(prop, schemas):
                yield f"{name}.{prop_name}", prop, schemas


def test_every_choice_in_an_answer_declares_its_values():
    fields = _choice_fields()
    missing, wrong = [], []
    for key, prop, schemas in _answer_properties():
        name = key.split(".", 1)[1]
        if key in NOT_CHOICES or (name not in fields and key not in OTHER_SETS):
            continue
        declared = _declared(prop, schemas)
        if declared is None:
            missing.append(key)
        elif key in OTHER_SETS:
            if declared != OTHER_SETS[key]:
                wrong.append(f"{key}: {sorted(declared)} is not {sorted(OTHER_SETS[key])}")
        elif declared not in fields[name]:
            wrong.append(f"{key}: {sorted(declared)} is no model field's {name!r} choices")

    assert missing == [], f"{len(missing)} answer properties of a fixed set declare no enum: {missing}"
    assert wrong == [], f"answer enums that are not their field's: {wrong}"


def test_the_listed_exceptions_are_answer_strings():
    # The lists stay true: a renamed or removed property is taken off them.
    keys = {key for key, _prop, _schemas in _answer_properties()}

    assert sorted(set(OTHER_SETS) - keys) == []
    assert sorted(set(NOT_CHOICES) - keys) == []


def test_a_choice_is_documented_with_its_values_and_stays_a_plain_string():
    class ProbeOut(Schema):
        status: Annotated[str, Choice(OrderStatus)]
        waiting_for: Annotated[str, Choice(WaitingFor, blank=True)]

    properties = ProbeOut.model_json_schema()["properties"]

    assert properties["status"]["enum"] == list(OrderStatus.values)
    assert properties["status"]["title"] == "OrderStatus"  # as the input schemas name it
    assert properties["waiting_for"]["enum"] == ["", *WaitingFor.values]
    assert properties["waiting_for"]["title"] == "Waiting For"  # not the enum: it has ""
    assert ProbeOut.model_fields["status"].annotation is str  # the list's fast path writes it as it is
    # Validated and written exactly as a str: the marker only adds to the document.
    core = dict(TypeAdapter(Annotated[str, Choice(OrderStatus)]).core_schema)
    assert core.pop("metadata") and core == TypeAdapter(str).core_schema  # metadata: the JSON schema function
    assert ProbeOut(status="new", waiting_for="").model_dump() == {"status": "new", "waiting_for": ""}


def _enum_violations(node: Any, schema: dict[str, Any], schemas: dict[str, Any], path: str = "") -> Iterator[str]:
    """Each value of ``node`` (an answer's JSON) outside the enum its schema declares."""
    if "$ref" in schema:
        yield from _enum_violations(node, schemas[schema["$ref"].rsplit("/", 1)[-1]], schemas, path)
    elif "anyOf" in schema:
        if node is not None:
            branches = [branch for branch in schema["anyOf"] if branch.get("type") != "null"]
            found = [list(_enum_violations(node, branch, schemas, path)) for branch in branches]
            if all(found):
                yield from found[0]
    elif "enum" in schema:
        if node not in schema["enum"]:
            yield f"{path}: {node!r} not in {schema['enum']}"
    elif isinstance(node, list) and "items" in schema:
        for index, item in enumerate(node):
            yield from _enum_violations(item, schema["items"], schemas, f"{path}[{index}]")
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in schema.get("properties", {}):
                yield from _enum_violations(value, schema["properties"][key], schemas, f"{path}.{key}")


@pytest.mark.django_db
def test_the_orders_answers_keep_to_their_declared_enums(centre, users, api_client):
    # A new order (waiting_for ""), a waiting one and a closed consultation: the list (written by the fast
    # path, service/list_rows.py) and the detail answer only values their document declares.
    agent = users[Role.AGENT]
    new = make_order(by=agent, customer=CustomerFactory(service_center=centre))
    waiting = make_order(by=agent, customer=CustomerFactory(service_center=centre))
    ServiceOrder.objects.filter(pk=waiting.pk).update(status=OrderStatus.WAITING, waiting_for=WaitingFor.PARTS)
    make_order(
        by=agent,
        customer=CustomerFactory(service_center=centre),
        kind=OrderKind.CONSULTATION,
        consultation_answer="已电话指导",
        close_now=True,
    )
    document = _document()
    schemas = document["components"]["schemas"]
    client = api_client(users[Role.MANAGER])

    page = client.get("/api/v1/orders").json()
    details = [client.get(f"/api/v1/orders/{order.pk}").json() for order in (new, waiting)]

    assert {item["waiting_for"] for item in page["items"]} == {"", "parts"}
    assert list(_enum_violations(page, {"$ref": "OrderPage"}, schemas)) == []
    for detail in details:
        assert list(_enum_violations(detail, {"$ref": "OrderOut"}, schemas)) == []
    assert details[0]["status"] == "new"  # the same plain strings as before
    assert list(_enum_violations({"status": "lost"}, {"$ref": "OrderOut"}, schemas)) != []  # the check checks
