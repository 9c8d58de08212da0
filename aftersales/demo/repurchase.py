"""The demo's sales with a repurchase clause: the source's four examples (篇二 例1–例4) with the source's
dates and entries — 例1, 例3 and 例4 bought back, 例2 lapsed — and two live clauses of this year: a put
due within the reminder window (open) and a call not yet posted. Through the repurchase services, by
上海's finance clerk."""

import datetime
from decimal import Decimal

from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.customers.models import Customer
from aftersales.demo.story import happened_at
from aftersales.installed_base.models import Unit
from aftersales.repurchase import services
from aftersales.repurchase.examples import DEADLINE, EXAMPLES, SOLD


def load_repurchase(*, staff: dict[str, User], customers: list[Customer], today: datetime.date) -> int:
    """Returns the number of contracts recorded."""
    finance = staff["finance"]
    buyers = [c for c in customers if Unit.objects.filter(customer=c).exists()][:3] or customers[:3]
    made = 0
    for i, example in enumerate(EXAMPLES):
        customer = buyers[i % len(buyers)]
        unit = Unit.objects.filter(customer=customer).order_by("pk").first()
        contract = services.create_contract(
            by=finance,
            customer=customer,
            units=[unit] if unit else [],
            number=f"XS-2015-{i + 1:03d}",
            asset=f"{example.key}：{example.title}",
            sale_date=SOLD,
            deadline=DEADLINE,
            **example.inputs,  # type: ignore[arg-type]
        )
        services.post_inception(by=finance, contract=contract)
        if example.lapse is not None:
            services.post_lapse(by=finance, contract=contract, on=DEADLINE)
        else:
            services.post_exercise(by=finance, contract=contract, on=DEADLINE)
        made += 1
    sold = today - datetime.timedelta(days=200)
    # Recorded and its inception journal posted on the day of the sale, not at load time.
    with happened_at(timezone.make_aware(datetime.datetime.combine(sold, datetime.time(15))), now=timezone.now()):
        _put(finance, buyers[0], today=today, sold=sold)
    services.create_contract(
        by=finance,
        customer=buyers[-1],
        number=f"XS-{today.year}-102",
        asset="挖掘机 SY215C（看涨期权）",
        sale_date=today,
        deadline=today + datetime.timedelta(days=365),
        holder="seller_option",
        price=Decimal("1280000.00"),
        cost=Decimal("900000.00"),
        repurchase_price=Decimal("1350000.00"),
    )
    return made + 2


def _put(finance: User, buyer: Customer, *, today: datetime.date, sold: datetime.date) -> None:
    put = services.create_contract(
        by=finance,
        customer=buyer,
        number=f"XS-{today.year}-101",
        asset="装载机 LW500（回购担保）",
        sale_date=sold,
        deadline=today + datetime.timedelta(days=20),
        holder="customer_option",
        price=Decimal("860000.00"),
        cost=Decimal("590000.00"),
        repurchase_price=Decimal("600000.00"),
        market_value=Decimal("650000.00"),
        incentive=False,
        incentive_reason="回购价低于预计市场价格，客户在市场上出售更有利",
    )
    services.post_inception(by=finance, contract=put)
