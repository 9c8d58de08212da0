"""The small fixed data set every figure is checked against (tests/test_figures.py writes the expected
numbers literally, with the arithmetic in a comment). The period is March and April 2026, local time
(Asia/Shanghai); rows are written with explicit times, behind the services' back where a service
would stamp "now".

Orders (U = unit):
  O1 SH repair   U1 rec 03-02 10:00 resp 03-02 14:00 (by 03-03 10:00) done 03-05 10:00 (due 03-09) closed 03-06
  O2 SH repair   U2 rec 03-10 08:00 resp 03-12 08:00 (by 03-11 08:00) done 03-20 08:00 (due 03-17) closed 03-21
  O3 SH repair   U1 rec 04-01 09:00 resp 04-01 10:00 (by 04-02 09:00) done 04-03 09:00 (due 04-08) closed 04-04
  O4 BJ install  U5 rec 04-15 10:00 never responded (by 04-16 10:00), open (dispatched), due 04-22
  O5 SH repair   U3 rec 02-20 10:00 resp 02-20 12:00, done 03-03 10:00 (completed, not closed)
  O6 SH repair   U3 rec 03-25 10:00 cancelled
  O7 SH repair   U6 received two hours ago, on track (open, new)
  O8 SH repair   U4 rec 04-20 10:00 resp 04-20 11:00 (by 04-21), waiting for parts, due tomorrow, at risk
Visits: O1 tech A 03-04 09-11 (2 h); O2 tech A 03-13 09-12 (3 h), tech B 03-19 10-11 (1 h); O3 tech B 04-02 09-10 (1 h)
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.tests.factories import UserFactory
from aftersales.calendars.selectors import business_timezone
from aftersales.care.choices import ComplaintCause, ComplaintLevel, ComplaintSource, Outcome, Purpose
from aftersales.care.models import Complaint, FollowUpCall, FollowUpTask
from aftersales.contracts.choices import PlanKind, VisitStatus
from aftersales.contracts.models import ContractVisit, VisitPlan
from aftersales.contracts.tests.factories import make_contract
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.money.choices import Bearer, ChargeKind, LineStatus
from aftersales.money.models import ChargeLine
from aftersales.parts.choices import MoveKind, OldPartFate, SupplierClaimStatus
from aftersales.parts.models import StockMove, SupplierClaim, VisitPart
from aftersales.parts.tests.factories import PartFactory, SupplierFactory, store
from aftersales.service.choices import OrderKind, OrderStatus, WaitingFor
from aftersales.service.models import ServiceOrder, Visit
from aftersales.service.tests.factories import make_order, set_order_times
from aftersales.workforce.models import Attendance

TZ = business_timezone()
START, END = datetime.date(2026, 3, 1), datetime.date(2026, 4, 30)


def t(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def _order(centre: ServiceCenter, agent: User, unit: Any, **times: Any) -> ServiceOrder:
    order = make_order(by=agent, customer=unit.customer, unit=unit, kind=times.pop("kind", OrderKind.REPAIR))
    times.setdefault("at_risk_at", times["due_at"] - datetime.timedelta(days=1))
    return set_order_times(order, **times)


def _stamp(model: type[models.Model], pk: int, **fields: Any) -> None:
    """Set an auto-stamped time (``created_at``) behind the model's back — for ledger rows too, whose
    own queryset refuses updates: the fixture plays the past, it does not edit the ledger."""
    models.QuerySet.update(models.QuerySet(model).filter(pk=pk), **fields)


def build(centre: ServiceCenter, other_centre: ServiceCenter, tag: str = "") -> dict[str, Any]:
    """The data set; ``tag`` tells a second copy's names apart (the query-count tests)."""
    gm = UserFactory(username=f"gm-reports{tag}", role=Role.GENERAL_MANAGER, service_center=centre)
    agent = UserFactory(username=f"agent-reports{tag}", role=Role.AGENT, service_center=centre)
    agent_bj = UserFactory(username=f"agent-bj-reports{tag}", role=Role.AGENT, service_center=other_centre)
    tech_a = UserFactory(username=f"tech-a{tag}", role=Role.TECHNICIAN, service_center=centre)
    tech_b = UserFactory(username=f"tech-b{tag}", role=Role.TECHNICIAN, service_center=centre)
    customer = CustomerFactory(service_center=centre)
    ContactFactory(customer=customer, is_primary=True)
    customer_bj = CustomerFactory(service_center=other_centre)
    u1, u2, u3, u4, u6 = (UnitFactory(customer=customer) for _i in range(5))
    u5 = UnitFactory(customer=customer_bj)
    now = timezone.now()

    o1 = _order(
        centre,
        agent,
        u1,
        received_at=t(3, 2),
        respond_by=t(3, 3),
        responded_at=t(3, 2, 14),
        due_at=t(3, 9, 18),
        completed_at=t(3, 5),
        closed_at=t(3, 6),
        status=OrderStatus.CLOSED,
    )
    o2 = _order(
        centre,
        agent,
        u2,
        received_at=t(3, 10, 8),
        respond_by=t(3, 11, 8),
        responded_at=t(3, 12, 8),
        due_at=t(3, 17, 18),
        completed_at=t(3, 20, 8),
        closed_at=t(3, 21),
        status=OrderStatus.CLOSED,
    )
    o3 = _order(
        centre,
        agent,
        u1,
        received_at=t(4, 1, 9),
        respond_by=t(4, 2, 9),
        responded_at=t(4, 1, 10),
        due_at=t(4, 8, 18),
        completed_at=t(4, 3, 9),
        closed_at=t(4, 4),
        status=OrderStatus.CLOSED,
    )
    o4 = _order(
        other_centre,
        agent_bj,
        u5,
        kind=OrderKind.INSTALLATION,
        received_at=t(4, 15),
        respond_by=t(4, 16),
        due_at=t(4, 22, 18),
        status=OrderStatus.DISPATCHED,
    )
    o5 = _order(
        centre,
        agent,
        u3,
        received_at=t(2, 20),
        respond_by=t(2, 21),
        responded_at=t(2, 20, 12),
        due_at=t(2, 27, 18),
        completed_at=t(3, 3),
        status=OrderStatus.COMPLETED,
    )
    o6 = _order(
        centre, agent, u3, received_at=t(3, 25), respond_by=t(3, 26), due_at=t(4, 1, 18), status=OrderStatus.CANCELLED
    )
    o7 = _order(
        centre,
        agent,
        u6,
        received_at=now - datetime.timedelta(hours=2),
        respond_by=now + datetime.timedelta(hours=10),
        due_at=now + datetime.timedelta(days=5),
        at_risk_at=now + datetime.timedelta(days=4),
        status=OrderStatus.NEW,
    )
    o8 = _order(
        centre,
        agent,
        u4,
        received_at=t(4, 20),
        respond_by=t(4, 21),
        responded_at=t(4, 20, 11),
        due_at=now + datetime.timedelta(days=1),
        at_risk_at=now - datetime.timedelta(hours=1),
        status=OrderStatus.WAITING,
        waiting_for=WaitingFor.PARTS,
    )

    v1 = Visit.objects.create(order=o1, technician=tech_a, arrived_at=t(3, 4, 9), departed_at=t(3, 4, 11))
    v2 = Visit.objects.create(order=o2, technician=tech_a, arrived_at=t(3, 13, 9), departed_at=t(3, 13, 12))
    Visit.objects.create(order=o2, technician=tech_b, arrived_at=t(3, 19, 10), departed_at=t(3, 19, 11))
    v3 = Visit.objects.create(order=o3, technician=tech_b, arrived_at=t(4, 2, 9), departed_at=t(4, 2, 10))

    # Attendance: A 03-04 08-17 (9 h), 03-13 08-16 (8 h), 04-02 checked in only (not counted);
    # B 03-19 09-17 (8 h), 04-02 09-13 (4 h).
    for person, day, since, until in (
        (tech_a, t(3, 4), t(3, 4, 8), t(3, 4, 17)),
        (tech_a, t(3, 13), t(3, 13, 8), t(3, 13, 16)),
        (tech_a, t(4, 2), t(4, 2, 8), None),
        (tech_b, t(3, 19), t(3, 19, 9), t(3, 19, 17)),
        (tech_b, t(4, 2), t(4, 2, 9), t(4, 2, 13)),
    ):
        Attendance.objects.create(
            person=person, service_center=centre, day=day.date(), checked_in_at=since, checked_out_at=until
        )

    # Parts: P1 and P2 at the SH store. Ledger (in order): P1 +2 (03-01), P1 −1 → 1 (03-04, O1),
    # P1 −1 → 0 (03-13, O2: a stock-out), P2 +1 (03-01), P2 −1 → 0 (04-02, O3: a stock-out),
    # P1 +1 → 1 (04-05), P1 −1 → 0 (05-10: a stock-out after the period).
    p1, p2 = PartFactory(number=f"P-ONE{tag}"), PartFactory(number=f"P-TWO{tag}")
    location = store(centre, code=f"ST-{centre.code}{tag}")

    balances: dict[Any, Decimal] = {}

    def move(part: Any, delta: str, when: datetime.datetime, kind: str = MoveKind.RECEIPT) -> StockMove:
        # Written straight to the ledger (with its time): the balance after it as post_move writes it.
        balances[part.pk] = balances.get(part.pk, Decimal(0)) + Decimal(delta)
        entry = StockMove.objects.create(
            kind=kind,
            location=location,
            part=part,
            quantity=abs(Decimal(delta)),
            on_hand_delta=Decimal(delta),
            on_hand_after=balances[part.pk],
            actor=agent,
        )
        _stamp(StockMove, entry.pk, created_at=when)
        return entry

    def fitted(visit: Visit, part: Any, entry: StockMove, price: str, when: datetime.datetime) -> None:
        line = VisitPart.objects.create(
            visit=visit,
            order=visit.order,
            part=part,
            location=location,
            quantity=Decimal(1),
            old_part_fate=OldPartFate.HANDED_TO_CUSTOMER,
            unit_price=Decimal(price),
            move=entry,
            created_by=agent,
        )
        _stamp(VisitPart, line.pk, created_at=when)

    move(p1, "2", t(3, 1))
    fitted(v1, p1, move(p1, "-1", t(3, 4), MoveKind.ISSUE), "100.00", t(3, 4))
    fitted(v2, p1, move(p1, "-1", t(3, 13), MoveKind.ISSUE), "100.00", t(3, 13))
    move(p2, "1", t(3, 1))
    fitted(v3, p2, move(p2, "-1", t(4, 2), MoveKind.ISSUE), "40.50", t(4, 2))
    move(p1, "1", t(4, 5))
    move(p1, "-1", t(5, 10), MoveKind.ADJUSTMENT)

    # Charge lines (gross): O1 labour 200 company, parts 100 company; O2 labour 300, parts 100 customer,
    # travel 50 customer (draft: not booked); O3 parts 40.50 supplier, labour 80 contract; O5 labour 150
    # customer (invoiced), parts 20 company (void); O4 (not completed) labour 999 customer.
    for order, kind, gross, bearer, status in (
        (o1, ChargeKind.LABOUR, "200.00", Bearer.COMPANY, LineStatus.APPROVED),
        (o1, ChargeKind.PARTS, "100.00", Bearer.COMPANY, LineStatus.APPROVED),
        (o2, ChargeKind.LABOUR, "300.00", Bearer.CUSTOMER, LineStatus.APPROVED),
        (o2, ChargeKind.PARTS, "100.00", Bearer.CUSTOMER, LineStatus.INVOICED),
        (o2, ChargeKind.TRAVEL, "50.00", Bearer.CUSTOMER, LineStatus.DRAFT),
        (o3, ChargeKind.PARTS, "40.50", Bearer.SUPPLIER, LineStatus.APPROVED),
        (o3, ChargeKind.LABOUR, "80.00", Bearer.CONTRACT, LineStatus.APPROVED),
        (o5, ChargeKind.LABOUR, "150.00", Bearer.CUSTOMER, LineStatus.INVOICED),
        (o5, ChargeKind.PARTS, "20.00", Bearer.COMPANY, LineStatus.VOID),
        (o4, ChargeKind.LABOUR, "999.00", Bearer.CUSTOMER, LineStatus.APPROVED),
    ):
        amount = Decimal(gross)
        ChargeLine.objects.create(
            order=order,
            kind=kind,
            description=str(kind),
            quantity=Decimal(1),
            unit_price=amount,
            tax_rate=Decimal(0),
            net=amount,
            tax=Decimal(0),
            gross=amount,
            bearer=bearer,
            bearer_rule=bearer,
            status=status,
            created_by=agent,
        )

    # Supplier claims: S1 100 claimed / 80 recovered (credited, 03-15), S1 50 / 0 (rejected, 04-10),
    # S2 40.50 / 0 (open, 04-20); S2 999 (02-10: before the period).
    s1, s2 = SupplierFactory(), SupplierFactory()
    for number, supplier, part, claimed, recovered, status, when in (
        ("CL1", s1, p1, "100.00", "80.00", SupplierClaimStatus.CREDITED, t(3, 15)),
        ("CL2", s1, p1, "50.00", "0.00", SupplierClaimStatus.REJECTED, t(4, 10)),
        ("CL3", s2, p2, "40.50", "0.00", SupplierClaimStatus.OPEN, t(4, 20)),
        ("CL4", s2, p2, "999.00", "0.00", SupplierClaimStatus.OPEN, t(2, 10)),
    ):
        claim = SupplierClaim.objects.create(
            number=f"{number}{tag}",
            part=part,
            supplier=supplier,
            location=location,
            fitted_on=datetime.date(2026, 1, 1),
            failure="坏了",
            status=status,
            amount_claimed=Decimal(claimed),
            amount_recovered=Decimal(recovered),
            reject_reason="超出保修" if status == SupplierClaimStatus.REJECTED else "",
            created_by=agent,
        )
        _stamp(SupplierClaim, claim.pk, created_at=when)

    # Contract visits: due 03-10 done 03-09 (on time), due 03-20 done 03-22 (late), due 04-05 missed,
    # due 04-25 still planned (overdue), due 04-28 cancelled, due 05-05 planned (after the period).
    manager = UserFactory(username=f"manager-reports{tag}", role=Role.MANAGER, service_center=centre)
    contract = make_contract(by=manager, centre=centre, customer=customer, units=[u1])
    plan = VisitPlan.objects.create(contract=contract, kind=PlanKind.CUSTOM, rule="FREQ=MONTHLY")
    for due, status, done in (
        (datetime.date(2026, 3, 10), VisitStatus.DONE, t(3, 9, 15)),
        (datetime.date(2026, 3, 20), VisitStatus.DONE, t(3, 22)),
        (datetime.date(2026, 4, 5), VisitStatus.MISSED, None),
        (datetime.date(2026, 4, 25), VisitStatus.PLANNED, None),
        (datetime.date(2026, 4, 28), VisitStatus.CANCELLED, None),
        (datetime.date(2026, 5, 5), VisitStatus.PLANNED, None),
    ):
        ContractVisit.objects.create(
            plan=plan, contract=contract, planned_on=due, due_on=due, status=status, done_at=done
        )

    # Follow-up calls (reached unless said): 03-07 score 5 NPS 10; 03-22 score 4 NPS 8; 04-05 score 2
    # NPS 3; 04-06 score 3, NPS 9; 04-07 not reached; 05-02 score 1 NPS 0 (after the period).
    task = FollowUpTask.objects.create(
        purpose=Purpose.CALLBACK,
        service_center=centre,
        customer=customer,
        order=o1,
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 5, 31),
    )
    for when, outcome, score, nps in (
        (t(3, 7), Outcome.REACHED, 5, 10),
        (t(3, 22), Outcome.REACHED, 4, 8),
        (t(4, 5), Outcome.REACHED, 2, 3),
        (t(4, 6), Outcome.REACHED, 3, 9),
        (t(4, 7), Outcome.NOT_REACHED, None, None),
        (t(5, 2), Outcome.REACHED, 1, 0),
    ):
        FollowUpCall.objects.create(task=task, by=agent, at=when, outcome=outcome, score=score, nps=nps)

    # Complaints: repair 03-03 10:00 resolved 03-04 10:00 (24 h); repair 03-15 10:00 resolved 16:00
    # (6 h), escalated; price 04-11 open; other 02-01 (before the period).
    for cause, opened, resolved, level in (
        (ComplaintCause.REPAIR, t(3, 3), t(3, 4), ComplaintLevel.OWNER),
        (ComplaintCause.REPAIR, t(3, 15), t(3, 15, 16), ComplaintLevel.SUPERVISOR),
        (ComplaintCause.PRICE, t(4, 11), None, ComplaintLevel.OWNER),
        (ComplaintCause.OTHER, t(2, 1), None, ComplaintLevel.OWNER),
    ):
        Complaint.objects.create(
            source=ComplaintSource.AGENT,
            cause=cause,
            service_center=centre,
            customer=customer,
            description="投诉",
            owner=agent,
            opened_at=opened,
            due_at=opened + datetime.timedelta(days=2),
            resolved_at=resolved,
            level=level,
        )
    return {
        "gm": gm,
        "manager": manager,
        "tech_a": tech_a,
        "tech_b": tech_b,
        "customer": customer,
        "orders": [o1, o2, o3, o4, o5, o6, o7, o8],
        "p1": p1,
        "p2": p2,
        "s1": s1,
        "s2": s2,
        "units": [u1, u2, u3, u4, u5, u6],
    }
