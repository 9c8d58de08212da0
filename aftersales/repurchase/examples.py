"""The source's four worked examples (篇二 例1–例4) as data: the inputs of each contract and every entry
the source gives, amounts in yuan (the source counts in 万元). The tests reproduce them to the fen and
the demo records them."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from aftersales.repurchase.choices import Account, Classification, Holder, Side

WAN = Decimal("10000.00")
SOLD = datetime.date(2015, 1, 1)
DEADLINE = datetime.date(2015, 12, 31)

D, C = Side.DEBIT, Side.CREDIT

type Entry = list[tuple[str, str, Decimal]]


def wan(amount: int) -> Decimal:
    return amount * WAN


@dataclass(frozen=True)
class Example:
    key: str
    title: str
    inputs: dict[str, object]
    classification: str
    inception: list[Entry]
    exercise: list[Entry] = field(default_factory=list)
    lapse: list[Entry] | None = None  # None: the source gives no lapse


CASH_RECEIVED: list[Entry] = [[(Account.CASH, D, wan(100)), (Account.BORROWINGS, C, wan(100))]]

EXAMPLES = (
    Example(
        "例1",
        "甲公司有义务以75万元回购",
        {"holder": Holder.SELLER_OBLIGED, "price": wan(100), "repurchase_price": wan(75)},
        Classification.LEASE,
        CASH_RECEIVED,
        exercise=[[(Account.BORROWINGS, D, wan(100)), (Account.LEASE_INCOME, C, wan(25)), (Account.CASH, C, wan(75))]],
    ),
    Example(
        "例2",
        "甲公司有权以110万元回购（看涨期权），成本60万元",
        {"holder": Holder.SELLER_OPTION, "price": wan(100), "cost": wan(60), "repurchase_price": wan(110)},
        Classification.FINANCING,
        CASH_RECEIVED,
        exercise=[[(Account.BORROWINGS, D, wan(100)), (Account.INTEREST, D, wan(10)), (Account.CASH, C, wan(110))]],
        lapse=[
            [(Account.BORROWINGS, D, wan(100)), (Account.REVENUE, C, wan(100))],
            [(Account.COST_OF_SALES, D, wan(60)), (Account.INVENTORY, C, wan(60))],
        ],
    ),
    Example(
        "例3",
        "乙公司可要求甲公司以90万元回购（看跌期权）",
        {
            "holder": Holder.CUSTOMER_OPTION,
            "price": wan(100),
            "repurchase_price": wan(90),
            "incentive": True,
            "incentive_reason": "由于回购价格低于原销售价格,客户有经济动因行使该看跌期权",
        },
        Classification.LEASE,
        CASH_RECEIVED,
        exercise=[[(Account.BORROWINGS, D, wan(100)), (Account.CASH, C, wan(90)), (Account.LEASE_INCOME, C, wan(10))]],
    ),
    Example(
        "例4",
        "乙公司可要求甲公司以120万元回购，预计市场价格110万元",
        {
            "holder": Holder.CUSTOMER_OPTION,
            "price": wan(100),
            "repurchase_price": wan(120),
            "market_value": wan(110),
            "incentive": True,
            "incentive_reason": "商品预计的市场价格低于回购价格,乙公司有经济动因行使看跌期权",
        },
        Classification.FINANCING,
        CASH_RECEIVED,
        exercise=[[(Account.BORROWINGS, D, wan(100)), (Account.INTEREST, D, wan(20)), (Account.CASH, C, wan(120))]],
    ),
)
