"""The source's rules (篇二, domain.md §2) as pure functions: the classification of a repurchase clause
with its reasoning in words, the rule of thumb for a put's economic incentive, and the lines of each
entry the contract's life posts. No database here: services store what these return.

Classification (《征求意见稿》 as 篇二 一 and 二 give it):

- the seller must (a forward) or may (a call) buy back: the customer never gets control, so no sale;
  a repurchase price below the original price is a lease, at or above it (不低于原售价) a financing;
- the customer may make the seller buy back (a put): without a significant economic incentive to
  exercise it, a sale with a right of return; with one, a lease below the original price, and at or
  above it a financing only when the repurchase price is also above the expected market value;
  otherwise (at or below that value) the customer would rather sell in the market: control passes,
  and it is again a sale with a right of return (篇二 二(三) 2(1)).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from aftersales.repurchase.choices import Account, Classification, Holder, Side

ZERO = Decimal("0.00")


def money(value: Decimal) -> str:
    return f"¥{value:,.2f}"


@dataclass(frozen=True)
class Terms:
    """What the classification and the entries are computed from (a contract's inputs)."""

    holder: str
    price: Decimal
    repurchase_price: Decimal
    cost: Decimal | None = None
    market_value: Decimal | None = None
    incentive: bool | None = None


@dataclass(frozen=True)
class Outcome:
    classification: Classification
    rule: str  # a stable key, e.g. "forward_below"
    reasoning: str  # the rule and why, in words (the current language)


def classify(terms: Terms) -> Outcome:
    """The classification of ``terms``. A put needs its incentive answered, and a put at or above
    the original price with an incentive needs the expected market value: the services check both
    first (``missing_inputs``); here a missing one counts as "no"."""
    price, rp = terms.price, terms.repurchase_price
    amounts = {"rp": money(rp), "price": money(price)}
    if terms.holder in (Holder.SELLER_OBLIGED, Holder.SELLER_OPTION):
        who = "forward" if terms.holder == Holder.SELLER_OBLIGED else "call"
        head = (
            _(
                "The seller must buy the asset back (a forward): the customer does not obtain control, so it is not a sale."
            )
            if who == "forward"
            else _(
                "The seller may buy the asset back (a call option): the customer does not obtain control, so it is not a sale."
            )
        )
        if rp < price:
            return Outcome(
                Classification.LEASE,
                f"{who}_below",
                head
                + " "
                + _(
                    "The repurchase price %(rp)s is below the original price %(price)s: a lease; the difference is lease income."
                )
                % amounts,
            )
        return Outcome(
            Classification.FINANCING,
            f"{who}_at_or_above",
            head
            + " "
            + _(
                "The repurchase price %(rp)s is not below the original price %(price)s: a financing secured on the asset; the difference is interest."
            )
            % amounts,
        )
    if not terms.incentive:
        return Outcome(
            Classification.SALE_WITH_RETURN,
            "put_no_incentive",
            _(
                "The customer may make the seller buy the asset back (a put option) but has no significant economic incentive to: the customer obtains control, a sale with a right of return."
            ),
        )
    if rp < price:
        return Outcome(
            Classification.LEASE,
            "put_below",
            _(
                "The customer holds a put option with a significant economic incentive to exercise it, and the repurchase price %(rp)s is below the original price %(price)s: control does not pass, a lease."
            )
            % amounts,
        )
    market = terms.market_value if terms.market_value is not None else rp
    amounts["market"] = money(market)
    if rp > market:
        return Outcome(
            Classification.FINANCING,
            "put_above_market",
            _(
                "The customer holds a put option with a significant economic incentive, and the repurchase price %(rp)s is above both the original price %(price)s and the expected market value %(market)s: a financing secured on the asset."
            )
            % amounts,
        )
    return Outcome(
        Classification.SALE_WITH_RETURN,
        "put_not_above_market",
        _(
            "The repurchase price %(rp)s is not below the original price %(price)s but not above the expected market value %(market)s: the customer would rather sell in the market, so the put gives no significant economic incentive and control passes, a sale with a right of return."
        )
        % amounts,
    )


def missing_inputs(terms: Terms) -> dict[str, str]:
    """The inputs the classification of ``terms`` still needs, by field, with the reason."""
    missing: dict[str, str] = {}
    if terms.holder == Holder.CUSTOMER_OPTION:
        if terms.incentive is None:
            missing["incentive"] = _(
                "For a put option, say whether the customer has a significant economic incentive to exercise it."
            )
        elif terms.incentive and terms.repurchase_price >= terms.price and terms.market_value is None:
            missing["market_value"] = _(
                "A put at or above the original price is a financing only above the expected market value: give that value."
            )
    return missing


def suggested_incentive(terms: Terms) -> tuple[bool | None, str]:
    """The source's rule of thumb for a put: a repurchase price above the expected market value gives
    the customer an incentive (例4); at or below it the customer would sell in the market (二(三) 2(1));
    without a market value, a price below the original one was taken as an incentive (例3)."""
    rp = terms.repurchase_price
    if terms.market_value is not None:
        if rp > terms.market_value:
            return True, _(
                "The repurchase price is above the expected market value: the customer gains by exercising the put (example 4)."
            )
        return False, _(
            "The repurchase price is not above the expected market value: the customer would rather sell in the market."
        )
    if rp < terms.price:
        return True, _(
            "The repurchase price is below the original price, as in the source's example 3, which takes that as an incentive."
        )
    return None, ""


# ---- entries ----------------------------------------------------------------------------------------
Line = tuple[str, str, Decimal]  # (account, side, amount)


@dataclass(frozen=True)
class Plan:
    """One entry to post: its lines and a memo."""

    memo: str
    lines: tuple[Line, ...]


def _d(account: str, amount: Decimal) -> Line:
    return (account, Side.DEBIT, amount)


def _c(account: str, amount: Decimal) -> Line:
    return (account, Side.CREDIT, amount)


def _kept(lines: list[Line]) -> tuple[Line, ...]:
    return tuple(line for line in lines if line[2] != ZERO)


def is_balanced(lines: tuple[Line, ...] | list[Line]) -> bool:
    debit = sum((a for _acc, side, a in lines if side == Side.DEBIT), ZERO)
    credit = sum((a for _acc, side, a in lines if side == Side.CREDIT), ZERO)
    return bool(lines) and debit == credit


def inception_entries(terms: Terms, classification: str) -> list[Plan]:
    """At the sale. Not a sale (lease, financing): the cash received is a financial liability (例1–例4 (1)).
    A sale with a right of return: revenue and the cost of the asset sold."""
    if classification == Classification.SALE_WITH_RETURN:
        return _sale(terms, _("Sale with a right of return: revenue"), _("Sale with a right of return: cost of sales"))
    return [
        Plan(
            _("Cash received; the customer has no control yet: a financial liability"),
            (_d(Account.CASH, terms.price), _c(Account.BORROWINGS, terms.price)),
        )
    ]


def exercise_entries(terms: Terms, classification: str) -> list[Plan]:
    """At the buy-back. A lease: the liability goes, the difference is lease income (例1, 例3). A
    financing: the difference is interest (例2 3, 例4). A sale with a right of return: the asset comes
    back into inventory at the price paid."""
    price, rp = terms.price, terms.repurchase_price
    if classification == Classification.LEASE:
        return [
            Plan(
                _("Bought back below the original price: lease income"),
                (_d(Account.BORROWINGS, price), _c(Account.LEASE_INCOME, price - rp), _c(Account.CASH, rp)),
            )
        ]
    if classification == Classification.FINANCING:
        return [
            Plan(
                _("Bought back: the financing repaid with its interest"),
                _kept([_d(Account.BORROWINGS, price), _d(Account.INTEREST, rp - price), _c(Account.CASH, rp)]),
            )
        ]
    return [
        Plan(
            _("Returned under the put: the asset back into inventory"),
            (_d(Account.INVENTORY, rp), _c(Account.CASH, rp)),
        )
    ]


def lapse_entries(terms: Terms, classification: str) -> list[Plan]:
    """The right lapsed unexercised (例2 2): the liability goes and the sale is recognised, revenue and
    cost of sales. A sale with a right of return was recognised at the sale: nothing to post."""
    if classification == Classification.SALE_WITH_RETURN:
        return []
    plans = [
        Plan(
            _("The right lapsed: the liability is derecognised and revenue recognised"),
            (_d(Account.BORROWINGS, terms.price), _c(Account.REVENUE, terms.price)),
        )
    ]
    if terms.cost is not None:
        plans.append(
            Plan(
                _("The right lapsed: cost of sales"),
                (_d(Account.COST_OF_SALES, terms.cost), _c(Account.INVENTORY, terms.cost)),
            )
        )
    return plans


def _sale(terms: Terms, revenue_memo: str, cost_memo: str) -> list[Plan]:
    plans = [Plan(revenue_memo, (_d(Account.CASH, terms.price), _c(Account.REVENUE, terms.price)))]
    if terms.cost is not None:
        plans.append(Plan(cost_memo, (_d(Account.COST_OF_SALES, terms.cost), _c(Account.INVENTORY, terms.cost))))
    return plans
