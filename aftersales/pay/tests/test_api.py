"""The pay API: a run through its life, statements traced to orders, scoping, bad input."""

import datetime
import io
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.models import AuditLog
from aftersales.pay.default_plan import DEFAULT_PLAN
from aftersales.pay.models import PayPlan, PayRun, PayStatement
from aftersales.pay.services import create_run, transition_run
from aftersales.pay.tests.factories import MAY, profile


def test_run_reviewed_approved_and_read_by_the_person(
    setup: dict[str, Any], centre: Any, users: dict[str, Any], api_client: Any
) -> None:
    manager = api_client(setup["manager"])
    created = manager.post(
        "/api/v1/pay/runs", {"centre_id": centre.pk, "period": "2026-05-01"}, content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    run_id = created.json()["id"]
    listed = manager.get(f"/api/v1/pay/statements?run={run_id}").json()["items"]
    mine = next(s for s in listed if s["user_id"] == setup["adviser"].pk)
    detail = manager.get(f"/api/v1/pay/statements/{mine['id']}").json()
    assert detail["figures"]["own:receptions"]["records"][0][1] == setup["order"].number
    assert any(line["section"] == "performance" for line in detail["lines"])

    entered = manager.patch(
        f"/api/v1/pay/statements/{mine['id']}/entries",
        {"coefficients": {"service_adviser": "1.2"}},
        content_type="application/json",
    )
    assert entered.status_code == 200, entered.json()
    assert entered.json()["entries"]["coefficients"] == {"service_adviser": "1.2"}

    person = api_client(setup["adviser"])
    assert person.get(f"/api/v1/pay/statements/{mine['id']}").status_code == 404  # not approved yet
    assert (
        manager.post(
            f"/api/v1/pay/runs/{run_id}/transition", {"to": "reviewed"}, content_type="application/json"
        ).status_code
        == 200
    )
    finance = api_client(users[Role.FINANCE])
    approved = finance.post(
        f"/api/v1/pay/runs/{run_id}/transition", {"to": "approved"}, content_type="application/json"
    )
    assert approved.json()["status"] == "approved"
    assert person.get(f"/api/v1/pay/statements/{mine['id']}").status_code == 200
    assert [s["id"] for s in person.get("/api/v1/pay/statements").json()["items"]] == [mine["id"]]

    refused = manager.patch(
        f"/api/v1/pay/statements/{mine['id']}/entries",
        {"coefficients": {"service_adviser": "1.0"}},
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "statement_approved")


def test_another_centres_manager_sees_nothing(
    setup: dict[str, Any], centre: Any, other_centre: Any, api_client: Any
) -> None:
    run = (
        api_client(setup["manager"])
        .post("/api/v1/pay/runs", {"centre_id": centre.pk, "period": "2026-05-01"}, content_type="application/json")
        .json()
    )
    outsider = api_client(UserFactory(role=Role.MANAGER, service_center=other_centre))

    assert outsider.get(f"/api/v1/pay/runs/{run['id']}").status_code == 404
    assert outsider.get("/api/v1/pay/statements").json()["items"] == []
    refused = outsider.post(
        "/api/v1/pay/runs", {"centre_id": centre.pk, "period": "2026-05-01"}, content_type="application/json"
    )
    assert refused.status_code == 404


def test_statements_of_a_run_out_of_scope_answer_404(
    setup: dict[str, Any], centre: Any, other_centre: Any, api_client: Any
) -> None:
    # QA 2026-12-07: ?run= of another centre's run answered 200 with an empty list, as if it had none.
    run = create_run(by=setup["manager"], centre=centre, period=MAY)
    outsider = api_client(UserFactory(role=Role.MANAGER, service_center=other_centre))

    for run_id in (run.pk, run.pk + 1000):  # another centre's run answers as an unknown one
        answer = outsider.get(f"/api/v1/pay/statements?run={run_id}")
        assert answer.status_code == 404, answer.content
        assert (answer.json()["code"], answer.json()["field"]) == ("not_found", "run")
        assert answer.json()["detail"] == "没有这次工资核算。"


def test_statements_of_a_run_are_listed_to_whoever_sees_one_of_them(
    setup: dict[str, Any], centre: Any, users: dict[str, Any], api_client: Any
) -> None:
    run = create_run(by=setup["manager"], centre=centre, period=MAY)
    adviser = api_client(setup["adviser"])
    assert adviser.get(f"/api/v1/pay/statements?run={run.pk}").status_code == 404  # none of theirs approved yet

    transition_run(by=setup["manager"], run=run, to="reviewed")
    transition_run(by=users[Role.FINANCE], run=run, to="approved")
    listed = adviser.get(f"/api/v1/pay/statements?run={run.pk}")

    assert listed.status_code == 200
    assert [s["user_id"] for s in listed.json()["items"]] == [setup["adviser"].pk]  # their own only
    manager = api_client(setup["manager"])
    assert len(manager.get(f"/api/v1/pay/statements?run={run.pk}").json()["items"]) == run.statements.count()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"centre_id": 0, "period": "2026-05-01"}, 404, "not_found"),
        ({"centre_id": None, "period": "2026-05-15"}, 400, "invalid_period"),
        ({"centre_id": None, "period": "2025-05-01"}, 409, "no_plan"),
        ({"centre_id": None, "period": "2026-05-01", "extra": 1}, 400, "invalid_input"),
    ],
)
def test_bad_run_request_answers_with_its_code_and_writes_nothing(
    setup: dict[str, Any], centre: Any, api_client: Any, body: dict[str, Any], status: int, code: str
) -> None:
    body = {**body, "centre_id": centre.pk if body["centre_id"] is None else body["centre_id"]}
    answer = api_client(setup["manager"]).post("/api/v1/pay/runs", body, content_type="application/json")
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert not PayRun.objects.exists()


def test_bad_plan_over_the_api_answers_400_with_the_field(
    setup: dict[str, Any], users: dict[str, Any], api_client: Any
) -> None:
    document = {**DEFAULT_PLAN, "posts": {**DEFAULT_PLAN["posts"], "x": {"label": "X", "formula": "repairs / 0"}}}
    answer = api_client(users[Role.ADMIN]).post(
        "/api/v1/pay/plans", {"effective_from": "2026-06-01", "document": document}, content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "formula_division_by_zero"
    assert answer.json()["field"] == "posts.x.formula"
    assert PayPlan.objects.count() == 1


def test_figures_say_which_are_not_measured_yet(setup: dict[str, Any], api_client: Any) -> None:
    figures = {f["key"]: f for f in api_client(setup["manager"]).get("/api/v1/pay/figures").json()}
    assert figures["receptions"]["missing"] == ""
    assert figures["labour_revenue"]["missing"] == ""
    assert figures["paint_sales"]["missing"]


def test_statement_list_query_count_does_not_grow_with_rows(
    setup: dict[str, Any], centre: Any, users: dict[str, Any], api_client: Any
) -> None:
    client = api_client(users[Role.FINANCE])
    from aftersales.pay import services

    services.create_run(by=setup["manager"], centre=centre, period=MAY)
    client.get("/api/v1/pay/statements")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/pay/statements")
    for _ in range(4):
        profile(UserFactory(role=Role.AGENT, service_center=centre), "front_desk_adviser", by=setup["manager"])
    services.create_run(by=setup["manager"], centre=centre, period=datetime.date(2026, 6, 1))
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/v1/pay/statements").json()

    assert len(body["items"]) == PayStatement.objects.count() == 8
    assert len(many) == len(few)


def test_payroll_export_through_the_api_scoped_to_the_run(
    setup: dict[str, Any], centre: Any, other_centre: Any, users: dict[str, Any], api_client: Any
) -> None:
    run = create_run(by=setup["manager"], centre=centre, period=MAY)
    transition_run(by=setup["manager"], run=run, to="reviewed")
    transition_run(by=users[Role.FINANCE], run=run, to="approved")
    answer = api_client(users[Role.FINANCE]).get(f"/api/v1/exports/pay_statements.xlsx?run={run.pk}")

    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith('attachment; filename="pay_statements-')
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    adviser = run.statements.get(user=setup["adviser"])
    row = next(r for r in rows[1:] if r[3] == "adviser")
    assert rows[0][-2] == "实发" and D(str(row[-2])) == adviser.net  # "To pay", before the status
    assert len(rows) == 1 + run.statements.count()
    assert AuditLog.objects.filter(action="exchange.export_pay_statements").count() == 1

    outsider = api_client(UserFactory(role=Role.MANAGER, service_center=other_centre))
    assert outsider.get(f"/api/v1/exports/pay_statements.csv?run={run.pk}").status_code == 404
    assert api_client(setup["adviser"]).get(f"/api/v1/exports/pay_statements.xlsx?run={run.pk}").status_code == 403
    assert api_client(users[Role.FINANCE]).get("/api/v1/exports/pay_statements.xlsx").status_code == 400


def test_each_performance_line_lists_the_orders_it_came_from(
    setup: dict[str, Any], centre: Any, api_client: Any
) -> None:
    run = create_run(by=setup["manager"], centre=centre, period=MAY)
    statement = run.statements.get(user=setup["adviser"])
    detail = api_client(setup["manager"]).get(f"/api/v1/pay/statements/{statement.pk}").json()
    [line] = [ln for ln in detail["lines"] if ln["section"] == "performance"]
    assert line["orders"] == [[setup["order"].pk, setup["order"].number]]
