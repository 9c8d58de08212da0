"""Pay runs over the orders of a month: figures traced to their orders, entries, review and approval,
plans versioned by month; bad input refused with nothing written."""

import datetime
from decimal import Decimal as D
from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import DomainError
from aftersales.pay import services
from aftersales.pay.default_plan import DEFAULT_PLAN
from aftersales.pay.models import PayPlan, PayRun, PayStatement
from aftersales.pay.tests.factories import MAY, default_plan, order_in, profile

JUNE = datetime.date(2026, 6, 1)


@pytest.fixture
def month(db: Any, centre: Any, users: dict[str, Any]) -> dict[str, Any]:
    """May 2026 in Shanghai: an adviser took 3 orders (one cancelled), a technician completed 2."""
    default_plan()
    manager = users[Role.MANAGER]
    adviser = UserFactory(username="adviser", role=Role.AGENT, service_center=centre)
    tech = users[Role.TECHNICIAN]
    profile(manager, "service_manager", by=manager)
    profile(adviser, "service_adviser", by=manager, joined_on=datetime.date(2014, 3, 1))
    profile(tech, "painter_tool_keeper", by=manager, education="postgraduate", allowances=["chief_mechanic_2"])
    done1 = order_in(
        centre, taken_by=adviser, day=datetime.date(2026, 5, 3), completed=datetime.date(2026, 5, 6), technician=tech
    )
    done2 = order_in(
        centre, taken_by=adviser, day=datetime.date(2026, 4, 28), completed=datetime.date(2026, 5, 2), technician=tech
    )
    cancelled = order_in(centre, taken_by=adviser, day=datetime.date(2026, 5, 9), status="cancelled")
    consult = order_in(centre, taken_by=adviser, day=datetime.date(2026, 5, 10), kind="consultation")
    order_in(centre, taken_by=adviser, day=datetime.date(2026, 6, 1))  # next month
    return {"manager": manager, "adviser": adviser, "tech": tech, "orders": [done1, done2, cancelled, consult]}


def statement_of(run: PayRun, user: Any) -> PayStatement:
    return run.statements.get(user=user)


def amount(statement: PayStatement, section: str, code: str) -> D:
    return D(next(line["amount"] for line in statement.lines if line["section"] == section and line["code"] == code))


def test_run_computes_each_persons_statement_from_the_months_orders(month: dict[str, Any], centre: Any) -> None:
    run = services.create_run(by=month["manager"], centre=centre, period=MAY)

    assert run.statements.count() == 3
    done1, done2, cancelled, consult = month["orders"]
    adviser = statement_of(run, month["adviser"])
    receptions = adviser.figures["own:receptions"]
    assert receptions["value"] == "3"  # taken in May: done1, cancelled, consult (done2 was taken in April)
    assert {r[1] for r in receptions["records"]} == {done1.number, cancelled.number, consult.number}
    # 3 receptions × 0.5 = 1.5 × 1.3 = 1.95; no charge booked on these orders: revenue 0 (measured, not missing)
    assert amount(adviser, "performance", "service_adviser") == D("1.95")
    assert adviser.figures["own:labour_revenue"]["value"] == "0"
    assert adviser.figures["own:labour_revenue"]["missing"] == ""
    # seniority: 2014-03 → 12 full years at the end of May, counted 10 → 200
    assert amount(adviser, "base", "seniority") == D("200")

    tech = statement_of(run, month["tech"])
    repairs = tech.figures["centre:repairs"]
    assert repairs["value"] == "2"
    assert sorted(r[1] for r in repairs["records"]) == sorted([done1.number, done2.number])
    # (2 × 0.3 + paint sales 0) × 1.4 = 0.84; chief mechanic level 2: 200; base 200 + 230 + 6 × 20
    assert amount(tech, "performance", "painter_tool_keeper") == D("0.84")
    assert tech.allowances == D("200")
    assert tech.base == D("550")
    assert tech.gross == D("750.84")
    assert tech.holdback == D("75.08")
    assert tech.net == D("675.76")

    manager = statement_of(run, month["manager"])
    assert amount(manager, "performance", "service_manager") == D("0.36")  # 2 repairs × 0.2 × 0.9


def test_entries_change_the_coefficient_and_recompute(month: dict[str, Any], centre: Any) -> None:
    run = services.create_run(by=month["manager"], centre=centre, period=MAY)
    adviser = statement_of(run, month["adviser"])

    services.enter_statement(by=month["manager"], statement=adviser, coefficients={"service_adviser": "1.0"})

    adviser.refresh_from_db()
    assert amount(adviser, "performance", "service_adviser") == D("1.50")
    assert adviser.entries["coefficients"] == {"service_adviser": "1.0"}


def test_coefficient_outside_the_posts_range_is_refused_and_nothing_changes(month: dict[str, Any], centre: Any) -> None:
    run = services.create_run(by=month["manager"], centre=centre, period=MAY)
    adviser = statement_of(run, month["adviser"])
    before = (adviser.entries, adviser.lines)

    with pytest.raises(DomainError) as caught:
        services.enter_statement(by=month["manager"], statement=adviser, coefficients={"service_adviser": "1.5"})

    assert caught.value.code == "coefficient_out_of_range"
    assert caught.value.field == "coefficients.service_adviser"
    adviser.refresh_from_db()
    assert (adviser.entries, adviser.lines) == before


def test_approved_run_is_final_and_a_second_run_of_the_month_is_refused(
    month: dict[str, Any], centre: Any, users: dict[str, Any]
) -> None:
    run = services.create_run(by=month["manager"], centre=centre, period=MAY)
    with pytest.raises(DomainError) as draft:
        services.create_run(by=month["manager"], centre=centre, period=MAY)
    assert draft.value.code == "run_exists"

    services.transition_run(by=month["manager"], run=run, to="reviewed")
    with pytest.raises(DomainError) as forbidden:
        services.transition_run(by=month["manager"], run=run, to="approved")
    assert forbidden.value.status == 403
    services.transition_run(by=users[Role.FINANCE], run=run, to="approved")

    statement = statement_of(run, month["adviser"])
    with pytest.raises(DomainError) as edit:
        services.enter_statement(by=month["manager"], statement=statement, coefficients={"service_adviser": "1.0"})
    assert edit.value.code == "statement_approved"
    with pytest.raises(DomainError) as again:
        services.create_run(by=month["manager"], centre=centre, period=MAY)
    assert again.value.code == "period_approved"
    with pytest.raises(DomainError) as recompute:
        services.recompute_run(by=month["manager"], run=run)
    assert recompute.value.code == "statement_approved"
    assert PayRun.objects.count() == 1


def test_correction_is_an_adjustment_in_a_later_run(month: dict[str, Any], centre: Any, users: dict[str, Any]) -> None:
    may = services.create_run(by=month["manager"], centre=centre, period=MAY)
    services.transition_run(by=month["manager"], run=may, to="reviewed")
    services.transition_run(by=users[Role.FINANCE], run=may, to="approved")
    may_statement = statement_of(may, month["adviser"])
    approved_lines = may_statement.lines
    june = services.create_run(by=month["manager"], centre=centre, period=JUNE)

    services.add_adjustment(
        by=month["manager"], run=june, corrects=may_statement, amount=D("50.00"), reason="漏计两台次"
    )

    june_statement = statement_of(june, month["adviser"])
    assert june_statement.adjustments == D("50.00")
    may_statement.refresh_from_db()
    assert may_statement.lines == approved_lines


def test_plan_edited_for_next_month_leaves_this_months_statements(
    month: dict[str, Any], centre: Any, users: dict[str, Any]
) -> None:
    may = services.create_run(by=month["manager"], centre=centre, period=MAY)
    before = statement_of(may, month["adviser"]).net
    document = {**DEFAULT_PLAN, "seniority": {"rate": "30", "from_years": 1, "cap_years": 10}}
    admin = users[Role.ADMIN]

    june_plan = services.save_plan(by=admin, document=document, effective_from=JUNE)
    services.recompute_run(by=month["manager"], run=may)
    june = services.create_run(by=month["manager"], centre=centre, period=JUNE)

    assert statement_of(may, month["adviser"]).net == before
    assert june.plan == june_plan
    assert amount(statement_of(june, month["adviser"]), "base", "seniority") == D("300")
    with pytest.raises(DomainError) as in_use:
        services.save_plan(by=admin, document=document, effective_from=MAY, plan=may.plan)
    assert in_use.value.code == "plan_in_use"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (
            {"posts": {"x": {"label": "X", "formula": "labour_revenue * bonus"}}},
            "formula_unknown_figure",
            "posts.x.formula",
        ),
        ({"posts": {"x": {"label": "X", "formula": "repairs / 0"}}}, "formula_division_by_zero", "posts.x.formula"),
        (
            {"posts": {"x": {"label": "X", "formula": "repairs / receptions"}}},
            "formula_division_by_zero",
            "posts.x.formula",
        ),
        ({"posts": {"x": {"label": "X", "formula": "repairs * (2"}}}, "formula_syntax", "posts.x.formula"),
        ({"posts": {"x": {"label": "X", "formula": "__import__('os')"}}}, "formula_syntax", "posts.x.formula"),
        (
            {"posts": {"x": {"label": "X", "coefficient": {"min": "1.2", "max": "0.8"}}}},
            "coefficient_range",
            "posts.x.coefficient",
        ),
        (
            {
                "tiers": {
                    "t": {
                        "label": "T",
                        "figure": "receptions",
                        "tiers": [{"from": "0", "to": "100", "rate": "1"}, {"from": "120", "to": None, "rate": "2"}],
                    }
                }
            },
            "tiers_gap",
            "tiers.t.tiers",
        ),
        (
            {
                "tiers": {
                    "t": {
                        "label": "T",
                        "figure": "receptions",
                        "tiers": [{"from": "0", "to": "100", "rate": "1"}, {"from": "80", "to": None, "rate": "2"}],
                    }
                }
            },
            "tiers_overlap",
            "tiers.t.tiers",
        ),
        ({"levels": "many"}, "plan_invalid", "levels"),
    ],
)
def test_bad_plan_is_refused_with_its_field_and_nothing_written(
    db: Any, users: dict[str, Any], change: dict[str, Any], code: str, field: str
) -> None:
    document = {
        **DEFAULT_PLAN,
        **{k: ({**DEFAULT_PLAN[k], **v} if isinstance(v, dict) else v) for k, v in change.items()},
    }

    with pytest.raises(DomainError) as caught:
        services.save_plan(by=users[Role.ADMIN], document=document, effective_from=MAY)

    assert (caught.value.code, caught.value.field) == (code, field)
    assert not PayPlan.objects.exists()


def test_plan_month_must_be_a_first_day_and_only_plan_keepers_save(db: Any, users: dict[str, Any]) -> None:
    with pytest.raises(DomainError) as day:
        services.save_plan(by=users[Role.ADMIN], document=DEFAULT_PLAN, effective_from=datetime.date(2026, 5, 2))
    assert day.value.code == "invalid_period"
    with pytest.raises(DomainError) as who:
        services.save_plan(by=users[Role.MANAGER], document=DEFAULT_PLAN, effective_from=MAY)
    assert who.value.status == 403
    assert not PayPlan.objects.exists()


def test_front_desk_is_paid_the_advisers_average_and_says_over_whom(month: dict[str, Any], centre: Any) -> None:
    desk = UserFactory(username="desk", role=Role.DISPATCHER, service_center=centre, first_name="丽", last_name="前")
    profile(desk, "front_desk_adviser", by=month["manager"])

    run = services.create_run(by=month["manager"], centre=centre, period=MAY)

    line = next(ln for ln in statement_of(run, desk).lines if ln["section"] == "performance")
    # the one adviser's commission without the coefficient: 3 receptions × 0.5 = 1.50; × 1.0
    assert line["values"]["adviser_average_commission"] == "1.50"
    assert D(line["amount"]) == D("1.50")
    adviser = month["adviser"]
    assert line["averages"]["adviser_average_commission"] == [[adviser.get_full_name() or adviser.username, "1.50"]]


def test_an_order_counts_in_the_month_it_was_received(setup: dict[str, Any], centre: Any) -> None:
    """The setup's order was received on 4 May: April's run has no reception, May's has it."""
    april = services.create_run(by=setup["manager"], centre=centre, period=datetime.date(2026, 4, 1))
    may = services.create_run(by=setup["manager"], centre=centre, period=MAY)

    assert april.statements.get(user=setup["adviser"]).figures["own:receptions"]["value"] == "0"
    records = may.statements.get(user=setup["adviser"]).figures["own:receptions"]["records"]
    assert [r[1] for r in records] == [setup["order"].number]
