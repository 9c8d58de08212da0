"""The demo's quality feedback (issue 18): repeat failures on three 上海 units of one model, walked to
closed like any repair, and one of them sent to design as a quality case being analysed."""

import datetime
from typing import Any

from django.db.models import Count
from django.utils import timezone

from aftersales.catalog.models import ProductModel
from aftersales.core.errors import ValidationFailed
from aftersales.customers.models import Contact
from aftersales.demo.orders import RESPONDED
from aftersales.demo.story import happened_at
from aftersales.installed_base.models import Unit
from aftersales.quality import services as quality
from aftersales.quality.choices import CaseSource, CaseStatus
from aftersales.service import services
from aftersales.service.choices import OrderKind, OrderStatus
from aftersales.service.models import ServiceOrder

# Days before today of each unit's failures: 18 and 22 days apart (two repeats within 30 days), 55
# days apart (a repeat within 90 only), 20 days apart (one more within 30).
FAILURE_DAYS = ((80, 62, 40), (75, 20), (50, 30))
ORDERS = sum(len(days) for days in FAILURE_DAYS)


def load_quality(loader: Any) -> int:
    """Returns the number of orders opened."""
    agent, dispatcher, manager = (loader.desk("SH", role) for role in ("agent", "dispatcher", "manager"))
    model = (
        ProductModel.objects.filter(units__customer__service_center__code="SH")
        .annotate(n=Count("units"))
        .order_by("-n", "code")
        .first()
    )
    # Bought and registered before the first of their failures (the newest such units: in warranty when
    # they failed).
    first_failure = loader.today - datetime.timedelta(days=max(max(days) for days in FAILURE_DAYS))
    bought_by = first_failure - datetime.timedelta(days=10)
    units = list(
        Unit.objects.filter(
            product_model=model,
            customer__service_center__code="SH",
            purchase_date__lte=bought_by,
            created_at__lt=timezone.make_aware(datetime.datetime.combine(first_failure, datetime.time())),
        ).order_by("-purchase_date", "pk")[: len(FAILURE_DAYS)]
    )
    first_unit: list[ServiceOrder] = []
    for unit, days in zip(units, FAILURE_DAYS, strict=True):
        for days_back in days:
            order = _repair(loader, unit=unit, days_back=days_back, agent=agent, dispatcher=dispatcher, manager=manager)
            if unit == units[0]:
                first_unit.append(order)
    case = quality.open_case(
        by=manager,
        product_model=model,
        order_ids=[order.pk for order in first_unit],
        title=f"{model.code} 同一台设备三个月内三次故障",
        source=CaseSource.REPEAT,
        description="同一台设备在 40 天内三次报修，现象相同，疑为设计缺陷，请设计部分析根因并提出改进。",
    )
    quality.transition_case(case, to=CaseStatus.ANALYSING, by=manager)
    quality.comment_case(case, by=manager, text="已寄回故障件，设计部安排拆解分析。")
    return ORDERS


def _repair(loader: Any, *, unit: Unit, days_back: int, agent: Any, dispatcher: Any, manager: Any) -> ServiceOrder:
    contact = Contact.objects.filter(customer=unit.customer).order_by("id").first()
    received: datetime.datetime = loader.business_time(days_back)
    description, fault = loader.describe(kind=OrderKind.REPAIR, unit=unit)
    loader.clock = received
    order = services.open_order(
        by=agent,
        kind=OrderKind.REPAIR,
        customer=unit.customer,
        contact=contact,
        unit=unit,
        reporter_name=contact.name if contact else "客户",
        reporter_phone=contact.mobile if contact else "13800000000",
        description=description,
        received_at=received,
    )
    # Certificates gate dispatch (workforce): the first 上海 technician allowed on this model.
    loader.clock = RESPONDED
    for technician in loader.technicians("SH"):
        try:
            order = services.assign_technician(order, by=dispatcher, technician=technician)
            break
        except ValidationFailed:
            continue
    else:
        raise RuntimeError(f"no 上海 technician may repair {unit.product_model}")
    arrived = loader.visit_time(received)
    loader.clock = arrived
    visit = services.record_visit(order, by=technician, arrived_at=arrived, arrival_confirmed_by=order.reporter_name)
    departed = loader.finish_visit(
        visit, technician=technician, kind=OrderKind.REPAIR, fault=fault, arrived=arrived, misuse=False
    )
    # Completed when the visit ended and closed the next day, as the other demo orders (orders.py).
    order = services.transition_order(order, to=OrderStatus.COMPLETED, by=technician, at=departed)
    loader.clock = min(departed + datetime.timedelta(days=1), loader.now)
    with happened_at(loader.clock, now=loader.now):  # its follow-ups scheduled at the closing
        order = services.transition_order(order, to=OrderStatus.CLOSED, by=manager, at=loader.clock)
    loader.clock = None
    return order
