"""The figures the owning apps register for pay (money, parts, care, workforce), each row traced to
its order (or day), and how a run reads them: sums, a score's average, days that are not orders."""

import datetime
from decimal import Decimal as D
from typing import Any

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.calendars.selectors import is_working_day
from aftersales.care.choices import Outcome, Purpose
from aftersales.care.models import FollowUpCall, FollowUpTask
from aftersales.core.errors import ValidationFailed
from aftersales.core.registry import figure_sources
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.money.choices import Bearer, ChargeKind, LineStatus
from aftersales.money.models import ChargeLine
from aftersales.parts.choices import OldPartFate
from aftersales.parts.services.catalogue import set_list_price
from aftersales.parts.services.visits import IssueLine, use_parts
from aftersales.parts.tests.factories import PartFactory, stock_up, van
from aftersales.pay import services
from aftersales.pay.models import PayStatement
from aftersales.pay.plan import read_plan
from aftersales.pay.selectors import measure_month
from aftersales.pay.services import create_run
from aftersales.pay.tests.factories import MAY, at, order_in, profile
from aftersales.service.figures import counted_orders
from aftersales.service.models import ServiceOrder
from aftersales.service.services import assign_technician, record_visit
from aftersales.service.tests.factories import make_order, set_order_times
from aftersales.workforce.models import Attendance

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2026, 6, 1)


def measure(key: str, centre: Any, start: datetime.date = MAY, end: datetime.date = JUNE, **rules: Any) -> list:
    source = figure_sources.get(key)
    return [
        (r.person_id, r.amount, r.record_id, r.reference)
        for r in source.measure(start=start, end=end, centre_ids=[centre.pk], rules=rules)
    ]


def charge(order: ServiceOrder, kind: str, gross: str, *, status: str = LineStatus.APPROVED) -> ChargeLine:
    return ChargeLine.objects.create(
        order=order,
        kind=kind,
        description=kind,
        unit_price=D(gross),
        net=D(gross),
        tax_rate=D(0),
        tax=D(0),
        gross=D(gross),
        bearer=Bearer.CUSTOMER,
        bearer_rule=Bearer.CUSTOMER,
        status=status,
        created_by=order.created_by,
    )


def test_every_figure_of_the_default_plan_is_measured_by_the_app_that_records_it() -> None:
    missing = {s.key for s in figure_sources if s.missing}
    assert missing == {"paint_sales"}
    assert figure_sources.get("attendance_days").records == "day"


def test_labour_and_parts_revenue_are_the_booked_lines_of_the_orders_completed_in_the_month(
    setup: dict[str, Any], centre: Any
) -> None:
    adviser, technician = setup["adviser"], UserFactory(role=Role.TECHNICIAN, service_center=centre)
    done = order_in(
        centre, taken_by=adviser, day=datetime.date(2026, 4, 28), completed=MAY.replace(day=6), technician=technician
    )
    charge(done, ChargeKind.LABOUR, "1200.00")
    charge(done, ChargeKind.LABOUR, "300.50", status=LineStatus.INVOICED)
    charge(done, ChargeKind.LABOUR, "999.00", status=LineStatus.DRAFT)  # not accepted: not revenue
    charge(done, ChargeKind.LABOUR, "888.00", status=LineStatus.VOID)
    charge(done, ChargeKind.PARTS, "450.00")
    charge(done, ChargeKind.TRAVEL, "80.00")  # neither labour nor parts
    later = order_in(centre, taken_by=adviser, day=MAY, completed=JUNE.replace(day=2), technician=technician)
    charge(later, ChargeKind.LABOUR, "500.00")  # completed in June
    rules = {"statuses": ["completed", "closed"], "counted_on": "completed_at"}

    assert measure("labour_revenue", centre, **rules) == [(adviser.pk, D("1500.50"), done.pk, done.number)]
    assert measure("parts_revenue", centre, **rules) == [(adviser.pk, D("450.00"), done.pk, done.number)]

    run = create_run(by=setup["manager"], centre=centre, period=MAY)
    manager = run.statements.get(user=setup["manager"])
    # (1500.50 × 0.6 % + 450 × 0.15 % + 1 repair × 0.2) × 0.9 = (9.003 + 0.675 + 0.2) × 0.9 = 8.8902 → 8.89
    performance = next(ln for ln in manager.lines if ln["section"] == "performance")
    assert D(performance["amount"]) == D("8.89")
    assert [done.pk, done.number] in performance["orders"]
    assert manager.figures["centre:labour_revenue"]["records"] == [[done.pk, done.number, "1500.50"]]


def test_an_unknown_counted_on_is_refused(centre: Any) -> None:
    with pytest.raises(ValueError, match="counted_on"):
        counted_orders(start=MAY, end=JUNE, centre_ids=None, rules={"counted_on": "created_at"})
    assert list(counted_orders(start=MAY, end=JUNE, centre_ids=None, rules={"kinds": ["repair"]})) == []


def test_parts_sales_are_the_parts_used_in_the_month_at_list_price(centre: Any, users: dict[str, Any]) -> None:
    technician, keeper = users[Role.TECHNICIAN], users[Role.PARTS_KEEPER]
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    order = set_order_times(order, warranty_covered=True)
    assign_technician(order, by=users[Role.DISPATCHER], technician=technician)
    visit = record_visit(ServiceOrder.objects.get(pk=order.pk), by=technician)
    part, cheap = PartFactory(), PartFactory()
    for p, price in ((part, "85.50"), (cheap, None)):
        stock_up(van(technician, code=f"V{p.pk}") if p is part else van(technician, code="V2"), p, 5, by=keeper)
        if price:
            set_list_price(by=keeper, part=p, price=price, valid_from=visit.arrived_at.date())
    line = IssueLine(part=part, quantity=D(2), location=None, old_part_fate=OldPartFate.HANDED_TO_CUSTOMER)
    use_parts(by=technician, visit=visit, lines=[line])
    month = timezone.localdate().replace(day=1)
    end = (month + datetime.timedelta(days=32)).replace(day=1)

    assert measure("parts_sales", centre, start=month, end=end) == [
        (technician.pk, D("171.00"), order.pk, order.number)
    ]
    assert measure("parts_sales", centre, start=month, end=end, kinds=["installation"]) == []
    assert measure("parts_sales", centre, start=month, end=end, statuses=["closed"]) == []


def test_satisfaction_is_the_average_score_of_the_months_calls_credited_to_the_technician(
    setup: dict[str, Any], centre: Any, users: dict[str, Any]
) -> None:
    technician, clerk = users[Role.TECHNICIAN], users[Role.AGENT]
    profile(technician, "mechanic", by=setup["manager"], education="secondary")
    scores = []
    for score, day in ((5, 4), (4, 12), (2, 20)):
        order = order_in(
            centre, taken_by=clerk, day=MAY.replace(day=day), completed=MAY.replace(day=day), technician=technician
        )
        task = FollowUpTask.objects.create(
            purpose=Purpose.FIRST,
            service_center=centre,
            customer=order.customer,
            order=order,
            opens_on=MAY,
            closes_on=MAY.replace(day=28),
        )
        FollowUpCall.objects.create(
            task=task, by=clerk, at=at(MAY.replace(day=day + 1)), outcome=Outcome.REACHED, score=score
        )
        FollowUpCall.objects.create(task=task, by=clerk, at=at(MAY.replace(day=day)), outcome=Outcome.NOT_REACHED)
        scores.append((technician.pk, D(score), order.pk, order.number))

    assert measure("satisfaction", centre) == scores
    assert measure("satisfaction", centre, kinds=["installation"]) == []
    run = create_run(by=setup["manager"], centre=centre, period=MAY)
    figures = run.statements.get(user=technician).figures
    assert figures == {} or "own:satisfaction" not in figures  # no formula of a mechanic reads it
    month = measure_month(plan=read_plan(run.plan.document), centre_id=centre.pk, period=MAY)
    assert month.of(technician.pk)["satisfaction"].value == D("3.67")  # (5 + 4 + 2) / 3
    assert month.of(setup["adviser"].pk)["satisfaction"].value == 0


def test_days_attended_are_days_not_orders(setup: dict[str, Any], centre: Any) -> None:
    adviser = setup["adviser"]
    for day in (4, 5, 6):
        Attendance.objects.create(
            person=adviser, service_center=centre, day=MAY.replace(day=day), checked_in_at=at(MAY.replace(day=day), 9)
        )
    Attendance.objects.create(person=adviser, service_center=centre, day=JUNE, checked_in_at=at(JUNE, 9))

    rows = measure("attendance_days", centre)
    assert [(r[0], r[1], r[3]) for r in rows] == [(adviser.pk, D(1), f"2026-05-0{d}") for d in (4, 5, 6)]
    assert PayStatement.objects.count() == 0


def test_at_a_quarters_end_the_completion_is_measured_and_attendance_decides(
    setup: dict[str, Any], centre: Any, users: dict[str, Any]
) -> None:
    manager, adviser = setup["manager"], setup["adviser"]
    profile(manager, "service_manager", by=manager, sex="male")
    april = datetime.date(2026, 4, 1)
    done = order_in(centre, taken_by=adviser, day=april, completed=april.replace(day=20), technician=manager)
    charge(done, ChargeKind.LABOUR, "1500000.00")
    charge(done, ChargeKind.PARTS, "150000.00")
    day = april
    while day < datetime.date(2026, 7, 1):
        if is_working_day(day=day):
            Attendance.objects.create(person=manager, service_center=centre, day=day, checked_in_at=at(day, 9))
        day += datetime.timedelta(days=1)
    june = services.create_run(by=manager, centre=centre, period=JUNE)
    scores = {"service": "85", "training": "75"}
    for person in (manager, adviser):
        services.enter_statement(by=manager, statement=june.statements.get(user=person), scores=scores)

    statement = june.statements.get(user=manager)
    [quarterly] = [ln for ln in statement.lines if ln["section"] == "quarterly"]
    # (1,500,000 + 150,000) / 1,731,646 = 95.29 % → 90 points; 0.4 × 90 + 0.3 × 80 + 0.3 × 80 = 84 → 2500 × 84 %
    assert (quarterly["completion"], quarterly["completion_from"]) == ("95.29", "measured")
    assert quarterly["completion_detail"]["target"] == "1731646"
    assert (quarterly["attendance"], quarterly["attendance_needed"]) == ("100.00", "96")
    assert D(quarterly["amount"]) == D("2100.00") and statement.quarterly == D("2100.00")
    adviser_line = next(ln for ln in june.statements.get(user=adviser).lines if ln["section"] == "quarterly")
    assert (adviser_line["attendance"], adviser_line["refused"]) == ("0.00", "quarterly")  # never checked in
    assert D(adviser_line["amount"]) == 0


def test_in_december_the_year_end_awards_follow_the_managers_entry(
    setup: dict[str, Any], centre: Any, users: dict[str, Any]
) -> None:
    manager = setup["manager"]
    profile(manager, "service_manager", by=manager, sex="female")
    december = datetime.date(2026, 12, 1)
    day = datetime.date(2026, 1, 1)
    while day < datetime.date(2027, 1, 1):
        if is_working_day(day=day) and day.day != 15:  # absent on the 15th: about 95.4 %, above 94 %
            Attendance.objects.create(person=manager, service_center=centre, day=day, checked_in_at=at(day, 9))
        day += datetime.timedelta(days=1)
    run = services.create_run(by=manager, centre=centre, period=december)
    statement = services.enter_statement(by=manager, statement=run.statements.get(user=manager), award="met")

    [award] = [ln for ln in statement.lines if ln["section"] == "year_end"]
    assert (award["code"], D(award["amount"])) == ("service_manager", D("5000.00"))
    assert D(award["attendance"]) > 94 and "refused" not in award
    assert statement.year_end == D("5000.00")
    assert statement.gross == statement.base + statement.allowances + statement.performance + D("5000.00")
    with pytest.raises(ValidationFailed) as bad:
        services.enter_statement(by=manager, statement=statement, award="maybe")
    assert bad.value.field == "award"
    assert PayStatement.objects.get(pk=statement.pk).entries["award"] == "met"
