"""The plan edited through its form: every value a field, prefilled; saved as a new version from the
month given, so the months paid before keep their statements; bad values refused beside their field
with nothing written."""

import datetime
from decimal import Decimal as D
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.pay import services
from aftersales.pay.forms import PlanForm, parse_tiers
from aftersales.pay.models import PayPlan, PayStatement
from aftersales.pay.tests.factories import MAY

JUNE = datetime.date(2026, 6, 1)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(plan: PayPlan, month: str = "2026-06", **changes: str) -> dict[str, str]:
    """What the form posts when nothing is changed but ``changes`` (a boolean given as "" is unticked)."""
    form = PlanForm(base=plan.document)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name)
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    data.update({"effective_from": month, **changes})
    return {key: value for key, value in data.items() if not (key.endswith("__holdback") and value == "")}


def test_the_form_shows_every_value_of_the_version(setup: dict[str, Any], users: dict[str, Any]) -> None:
    plan = PayPlan.objects.get()
    page = signed_in(users[Role.ADMIN]).get(f"/pay/plans/{plan.pk}/edit/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="post__service_manager__formula"' in body
    assert "labour_revenue * 0.006" in body
    assert "0–200: 0.5" in body  # the reception tiers, one a line
    offered = (timezone.localdate().replace(day=28) + datetime.timedelta(days=4)).strftime("%Y-%m")
    assert f'value="{offered}"' in body  # next month offered
    assert signed_in(setup["manager"]).get(f"/pay/plans/{plan.pk}/edit/").status_code == 403


def test_a_plan_edited_for_next_month_leaves_this_months_statements_unchanged(
    setup: dict[str, Any], centre: Any, users: dict[str, Any]
) -> None:
    manager, adviser = setup["manager"], setup["adviser"]
    may = services.create_run(by=manager, centre=centre, period=MAY)
    services.transition_run(by=manager, run=may, to="reviewed")
    services.transition_run(by=users[Role.FINANCE], run=may, to="approved")
    draft_june = None
    before = {s.pk: (s.net, s.lines) for s in may.statements.all()}
    plan = PayPlan.objects.get()

    answer = signed_in(users[Role.ADMIN]).post(
        f"/pay/plans/{plan.pk}/edit/",
        form_data(
            plan,
            seniority__rate="30",
            post__service_adviser__formula="(adviser_receptions + adviser_revenue) * coefficient + 100",
            tiers__adviser_receptions__tiers="0–100: 0.5\n100–: 3",
            education__college="120",
        ),
    )

    assert answer.status_code == 302, answer.content.decode()[:2000]
    june_plan = PayPlan.objects.get(effective_from=JUNE)
    assert answer["Location"] == f"/pay/plans/{june_plan.pk}/"
    assert june_plan.document["seniority"]["rate"] == "30"
    assert june_plan.document["education"]["college"]["amount"] == "120"
    assert june_plan.document["tiers"]["adviser_receptions"]["tiers"][1] == {"from": "100", "to": None, "rate": "3"}
    assert june_plan.document["notes"] == plan.document["notes"]  # what the form does not show is kept
    assert {s.pk: (s.net, s.lines) for s in PayStatement.objects.filter(run=may)} == before
    draft_june = services.create_run(by=manager, centre=centre, period=JUNE)
    assert draft_june.plan == june_plan
    june_adviser = draft_june.statements.get(user=adviser)
    seniority = next(ln for ln in june_adviser.lines if ln["code"] == "seniority")
    assert D(seniority["amount"]) == D("180")  # 6 full years × 30 (2020-01 → 2026-06)
    may_adviser = may.statements.get(user=adviser)
    assert D(next(ln for ln in may_adviser.lines if ln["code"] == "seniority")["amount"]) == D("120")

    # May's version is in use: changing it in place is refused beside the month, nothing written.
    refused = signed_in(users[Role.ADMIN]).post(f"/pay/plans/{plan.pk}/edit/", form_data(plan, month="2026-01"))
    assert refused.status_code == 400
    assert "new version" in refused.content.decode() or "新版本" in refused.content.decode()
    assert PayPlan.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"post__service_manager__formula": "labour_revenue * bonus"}, "post__service_manager__formula"),
        ({"post__driver__formula": "repairs / receptions"}, "post__driver__formula"),
        ({"post__driver__formula": "repairs * (2"}, "post__driver__formula"),
        ({"tiers__adviser_revenue__tiers": "0–40000: 0.004\n50000–: 0.01"}, "tiers__adviser_revenue__tiers"),
        ({"tiers__adviser_revenue__tiers": "0–40000: 0.004\n30000–: 0.01"}, "tiers__adviser_revenue__tiers"),
        ({"tiers__adviser_revenue__tiers": "from nothing"}, "tiers__adviser_revenue__tiers"),
        ({"tiers__adviser_revenue__tiers": " "}, "tiers__adviser_revenue__tiers"),
        (
            {"post__quality_inspector__coefficient_min": "1.5", "post__quality_inspector__coefficient_max": "1.1"},
            "post__quality_inspector__coefficient_max",
        ),
        ({"level__3": "abc"}, "level__3"),
        ({"effective_from": "2026-01"}, "effective_from"),
    ],
)
def test_bad_values_are_refused_beside_their_field_and_nothing_is_written(
    setup: dict[str, Any], users: dict[str, Any], changes: dict[str, str], field: str
) -> None:
    plan = PayPlan.objects.get()
    if "effective_from" in changes:  # a second plan for a month that has one
        services.save_plan(by=users[Role.ADMIN], document=plan.document, effective_from=JUNE)
        changes = {"effective_from": "2026-06"}
    count = PayPlan.objects.count()
    answer = signed_in(users[Role.ADMIN]).post(f"/pay/plans/{plan.pk}/edit/", form_data(plan, **changes))

    assert answer.status_code == 400
    assert field in answer.context["form"].errors, answer.context["form"].errors
    assert PayPlan.objects.count() == count


def test_tier_lines_read_as_tiers() -> None:
    assert parse_tiers("0-200：0.5\n\n200—: 1") == [
        {"from": "0", "to": "200", "rate": "0.5"},
        {"from": "200", "to": None, "rate": "1"},
    ]
    form = PlanForm(
        base={
            "education": {},
            "levels": {},
            "seniority": {"rate": "1", "from_years": 1, "cap_years": 1},
            "allowances": {},
            "holdback": {"percent": "1", "release_month": 12},
            "posts": {},
            "tiers": {},
        }
    )
    assert form.field_for(None) is None
    assert form.field_for("quarterly.target") is None
    assert form.field_for("education") is None
    assert form.field_for("name") == "name"
