"""The small fixed data set every statistic is checked against by hand (test_statistics.py).

Period under test: November 2026 (local days, Asia/Shanghai). Two centres: 上海 (SH, the ``centre``
fixture) and 北京 (BJ). Two models: QA (QA-100) and QB (QB-200). Serial = batch + 4 digits.

units (model, customer, dates)                   orders (centre, kind, local time of the call)
u1 QA24010001 QA c1 installed 2026-01-15         o1 BJ repair   2026-10-20 10:00 (before the period)
                                                 o2 SH repair   2026-11-05 10:00
                                                 o3 SH exchange 2026-11-25 10:00
u2 QA24010002 QA c1 bought 2025-11-20            o0 SH repair   2026-08-15 10:00 (before the period)
                                                 o4 SH repair   2026-11-10 09:00
u3 QA24050003 QA c2 installed 2024-06-10         o5 SH return to factory 2026-11-30 23:30 (last half hour)
                                                 o6 SH maintenance 2026-11-12 (not a failure: kind)
                                                 o7 SH repair cancelled 2026-11-15 (not a failure)
u4 QB25010001 QB c3 bought 2026-10-01            o8 BJ repair   2026-11-03 10:00, device fault E101
                                                 o9 BJ repair   2026-11-20 misuse (not a failure)
u5 QB25010002 QB c3 no dates (registered 2026-05-01)  o10 BJ repair 2026-11-18 10:00, device fault E101
u6 QA24010006 QA c1 installed 2025-01-01         (no orders)
u7 QA26120007 QA c1 installed 2026-12-01         (not yet in the field on 2026-11-30)
u8 QB25010008 QB c3 bought 2026-11-10            o11 BJ repair 2026-12-01 00:10 (after the period)

parts fitted: P1 BRG-1 ×1 on o1, ×2 on o2, ×1 on o3; P2 PCB-9 ×1 on o5, ×1 on o6, ×1 on o7.
c1 and c2 are SH customers, c3 a BJ customer.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.tests.factories import UserFactory
from aftersales.calendars.selectors import business_timezone
from aftersales.catalog.models import ProductModel
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.devices.models import Device, Rule, Trigger
from aftersales.installed_base.models import Unit
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.parts.choices import MoveKind, OldPartFate
from aftersales.parts.models import Part, StockMove, VisitPart
from aftersales.parts.tests.factories import PartFactory, store
from aftersales.reports.filters import Filters
from aftersales.service.choices import OrderKind, OrderStatus
from aftersales.service.models import ServiceOrder, Visit
from aftersales.service.tests.factories import make_order, set_order_times

TZ = business_timezone()
NOVEMBER = Filters(start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 30))


def local(day: str, time: str = "10:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=TZ)


@dataclass
class DataSet:
    sh: ServiceCenter
    bj: ServiceCenter
    qa: ProductModel
    qb: ProductModel
    units: dict[str, Unit] = field(default_factory=dict)
    orders: dict[str, ServiceOrder] = field(default_factory=dict)
    parts: dict[str, Part] = field(default_factory=dict)
    customers: dict[str, Any] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)

    def ids(self, *names: str) -> set[int]:
        return {self.orders[name].pk for name in names}


def build(sh: ServiceCenter, bj: ServiceCenter) -> DataSet:
    qa = ProductModelFactory(code="QA-100", name="空压机 QA")
    qb = ProductModelFactory(code="QB-200", name="发电机组 QB")
    data = DataSet(sh=sh, bj=bj, qa=qa, qb=qb)
    data.people = {
        "agent_sh": UserFactory(username="q-agent-sh", role=Role.AGENT, service_center=sh),
        "agent_bj": UserFactory(username="q-agent-bj", role=Role.AGENT, service_center=bj),
        "manager_sh": UserFactory(username="q-manager-sh", role=Role.MANAGER, service_center=sh),
        "manager_bj": UserFactory(username="q-manager-bj", role=Role.MANAGER, service_center=bj),
        "gm": UserFactory(username="q-gm", role=Role.GENERAL_MANAGER, service_center=None),
        "tech_sh": UserFactory(username="q-tech-sh", role=Role.TECHNICIAN, service_center=sh),
    }
    c1 = CustomerFactory(name="客户一", service_center=sh)
    c2 = CustomerFactory(name="客户二", service_center=sh)
    c3 = CustomerFactory(name="客户三", service_center=bj)
    data.customers = {"c1": c1, "c2": c2, "c3": c3}
    d = datetime.date
    for name, serial, model, customer, installed, bought in (
        ("u1", "QA24010001", qa, c1, d(2026, 1, 15), None),
        ("u2", "QA24010002", qa, c1, None, d(2025, 11, 20)),
        ("u3", "QA24050003", qa, c2, d(2024, 6, 10), None),
        ("u4", "QB25010001", qb, c3, None, d(2026, 10, 1)),
        ("u5", "QB25010002", qb, c3, None, None),
        ("u6", "QA24010006", qa, c1, d(2025, 1, 1), None),
        ("u7", "QA26120007", qa, c1, d(2026, 12, 1), None),
        ("u8", "QB25010008", qb, c3, None, d(2026, 11, 10)),
    ):
        data.units[name] = UnitFactory(
            serial_number=serial, product_model=model, customer=customer, installed_on=installed, purchase_date=bought
        )
    Unit.objects.filter(pk__in=[u.pk for u in data.units.values()]).update(created_at=local("2026-05-01"))

    def order(name: str, unit: str, centre: ServiceCenter, kind: str, when: datetime.datetime, **fields: Any) -> None:
        u = data.units[unit]
        agent = data.people["agent_sh" if u.customer.service_center_id == sh.pk else "agent_bj"]
        made = make_order(by=agent, customer=u.customer, unit=u, kind=kind)
        data.orders[name] = set_order_times(made, received_at=when, service_center=centre, **fields)

    order("o0", "u2", sh, OrderKind.REPAIR, local("2026-08-15"))
    order("o1", "u1", bj, OrderKind.REPAIR, local("2026-10-20"))
    order("o2", "u1", sh, OrderKind.REPAIR, local("2026-11-05"))
    order("o3", "u1", sh, OrderKind.EXCHANGE, local("2026-11-25"))
    order("o4", "u2", sh, OrderKind.REPAIR, local("2026-11-10", "09:00"))
    order("o5", "u3", sh, OrderKind.RETURN_TO_FACTORY, local("2026-11-30", "23:30"))
    order("o6", "u3", sh, OrderKind.MAINTENANCE, local("2026-11-12"))
    order("o7", "u3", sh, OrderKind.REPAIR, local("2026-11-15"), status=OrderStatus.CANCELLED)
    order("o8", "u4", bj, OrderKind.REPAIR, local("2026-11-03"))
    order("o9", "u4", bj, OrderKind.REPAIR, local("2026-11-20"), misuse_found=True)
    order("o10", "u5", bj, OrderKind.REPAIR, local("2026-11-18"))
    order("o11", "u8", bj, OrderKind.REPAIR, local("2026-12-01", "00:10"))

    rule = Rule.objects.create(name="E101", kind="fault", fault_code="E101")
    device = Device.objects.create(serial="DEV-Q1", secret_hash="0" * 64)
    for name in ("o8", "o10"):
        o = data.orders[name]
        Trigger.objects.create(
            rule=rule, device=device, unit=o.unit, cause="fault:E101", order=o, fired_at=o.received_at
        )

    p1 = PartFactory(number="BRG-1", name="轴承")
    p2 = PartFactory(number="PCB-9", name="控制板")
    data.parts = {"p1": p1, "p2": p2}
    location = store(sh)
    tech = data.people["tech_sh"]
    for name, part, quantity in (
        ("o1", p1, 1),
        ("o2", p1, 2),
        ("o3", p1, 1),
        ("o5", p2, 1),
        ("o6", p2, 1),
        ("o7", p2, 1),
    ):
        o = data.orders[name]
        visit = Visit.objects.create(order=o, technician=tech, arrived_at=o.received_at)
        move = StockMove.objects.create(
            kind=MoveKind.ISSUE, location=location, part=part, quantity=Decimal(quantity), order=o, actor=tech
        )
        VisitPart.objects.create(
            visit=visit,
            order=o,
            part=part,
            location=location,
            quantity=Decimal(quantity),
            old_part_fate=OldPartFate.SCRAPPED,
            move=move,
            created_by=tech,
        )
    return data
