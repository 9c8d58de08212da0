"""The classification rules (篇二 一, 二) at and around their boundaries, with the reasoning in words."""

from decimal import Decimal

import pytest
from django.utils import translation

from aftersales.repurchase import rules
from aftersales.repurchase.choices import Account, Classification, Holder, Side

M = Decimal("1000000.00")


def terms(holder: str, rp: str, **kw: object) -> rules.Terms:
    return rules.Terms(holder=holder, price=M, repurchase_price=Decimal(rp), **kw)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("holder", "rp", "expected", "rule"),
    [
        (Holder.SELLER_OBLIGED, "750000.00", Classification.LEASE, "forward_below"),
        (Holder.SELLER_OBLIGED, "999999.99", Classification.LEASE, "forward_below"),
        (Holder.SELLER_OBLIGED, "1000000.00", Classification.FINANCING, "forward_at_or_above"),
        (Holder.SELLER_OPTION, "999999.99", Classification.LEASE, "call_below"),
        (Holder.SELLER_OPTION, "1000000.00", Classification.FINANCING, "call_at_or_above"),
        (Holder.SELLER_OPTION, "1100000.00", Classification.FINANCING, "call_at_or_above"),
    ],
)
def test_forward_and_call_lease_below_financing_at_or_above(holder: str, rp: str, expected: str, rule: str) -> None:
    outcome = rules.classify(terms(holder, rp))
    assert (outcome.classification, outcome.rule) == (expected, rule)
    assert "does not obtain control, so it is not a sale" in outcome.reasoning
    assert f"¥{Decimal(rp):,.2f}" in outcome.reasoning


def test_repurchase_price_equal_to_the_original_price_is_a_financing_with_no_interest() -> None:
    at_par = terms(Holder.SELLER_OBLIGED, "1000000.00")
    outcome = rules.classify(at_par)
    assert outcome.classification == Classification.FINANCING
    assert "is not below the original price ¥1,000,000.00: a financing" in outcome.reasoning
    (buy_back,) = rules.exercise_entries(at_par, outcome.classification)
    assert buy_back.lines == ((Account.BORROWINGS, Side.DEBIT, M), (Account.CASH, Side.CREDIT, M))


def test_put_without_incentive_is_a_sale_with_a_right_of_return() -> None:
    outcome = rules.classify(terms(Holder.CUSTOMER_OPTION, "900000.00", incentive=False))
    assert (outcome.classification, outcome.rule) == (Classification.SALE_WITH_RETURN, "put_no_incentive")
    assert "has no significant economic incentive" in outcome.reasoning
    assert "a sale with a right of return" in outcome.reasoning


def test_put_with_incentive_below_the_original_price_is_a_lease() -> None:
    outcome = rules.classify(terms(Holder.CUSTOMER_OPTION, "900000.00", incentive=True))
    assert (outcome.classification, outcome.rule) == (Classification.LEASE, "put_below")
    assert "below the original price ¥1,000,000.00: control does not pass, a lease" in outcome.reasoning


def test_put_above_the_original_and_the_market_price_is_a_financing() -> None:
    outcome = rules.classify(
        terms(Holder.CUSTOMER_OPTION, "1200000.00", incentive=True, market_value=Decimal("1100000.00"))
    )
    assert (outcome.classification, outcome.rule) == (Classification.FINANCING, "put_above_market")
    assert (
        "above both the original price ¥1,000,000.00 and the expected market value ¥1,100,000.00" in outcome.reasoning
    )


@pytest.mark.parametrize("rp", ["1050000.00", "1100000.00"])  # below, and equal to, the market value
def test_put_above_the_original_price_but_not_above_the_market_price_is_a_sale_with_return(rp: str) -> None:
    outcome = rules.classify(terms(Holder.CUSTOMER_OPTION, rp, incentive=True, market_value=Decimal("1100000.00")))
    assert (outcome.classification, outcome.rule) == (Classification.SALE_WITH_RETURN, "put_not_above_market")
    assert "the customer would rather sell in the market" in outcome.reasoning
    assert "not above the expected market value ¥1,100,000.00" in outcome.reasoning


def test_put_at_the_original_price_above_the_market_is_a_financing() -> None:
    outcome = rules.classify(
        terms(Holder.CUSTOMER_OPTION, "1000000.00", incentive=True, market_value=Decimal("900000.00"))
    )
    assert outcome.classification == Classification.FINANCING


def test_missing_inputs_ask_for_the_incentive_and_then_the_market_value() -> None:
    assert set(rules.missing_inputs(terms(Holder.CUSTOMER_OPTION, "900000.00"))) == {"incentive"}
    assert set(rules.missing_inputs(terms(Holder.CUSTOMER_OPTION, "1200000.00", incentive=True))) == {"market_value"}
    assert rules.missing_inputs(terms(Holder.CUSTOMER_OPTION, "900000.00", incentive=True)) == {}
    assert rules.missing_inputs(terms(Holder.CUSTOMER_OPTION, "1200000.00", incentive=False)) == {}
    assert rules.missing_inputs(terms(Holder.SELLER_OPTION, "1200000.00")) == {}


@pytest.mark.parametrize(
    ("rp", "market", "suggested", "words"),
    [
        ("1200000.00", "1100000.00", True, "above the expected market value"),
        ("1100000.00", "1100000.00", False, "would rather sell in the market"),
        ("900000.00", None, True, "example 3"),
        ("1000000.00", None, None, ""),
    ],
)
def test_rule_of_thumb_for_the_incentive(rp: str, market: str | None, suggested: bool | None, words: str) -> None:
    value = Decimal(market) if market else None
    got, why = rules.suggested_incentive(terms(Holder.CUSTOMER_OPTION, rp, market_value=value))
    assert got is suggested
    assert words in why


def test_balance_check() -> None:
    assert rules.is_balanced([(Account.CASH, Side.DEBIT, M), (Account.BORROWINGS, Side.CREDIT, M)])
    assert not rules.is_balanced([(Account.CASH, Side.DEBIT, M), (Account.BORROWINGS, Side.CREDIT, M - 1)])
    assert not rules.is_balanced([])


def test_sale_with_return_posts_revenue_and_cost_at_the_sale_and_nothing_at_lapse() -> None:
    sale = terms(Holder.CUSTOMER_OPTION, "900000.00", incentive=False, cost=Decimal("600000.00"))
    plans = rules.inception_entries(sale, Classification.SALE_WITH_RETURN)
    assert [p.lines for p in plans] == [
        ((Account.CASH, Side.DEBIT, M), (Account.REVENUE, Side.CREDIT, M)),
        (
            (Account.COST_OF_SALES, Side.DEBIT, Decimal("600000.00")),
            (Account.INVENTORY, Side.CREDIT, Decimal("600000.00")),
        ),
    ]
    assert rules.lapse_entries(sale, Classification.SALE_WITH_RETURN) == []
    (back,) = rules.exercise_entries(sale, Classification.SALE_WITH_RETURN)
    assert back.lines == (
        (Account.INVENTORY, Side.DEBIT, Decimal("900000.00")),
        (Account.CASH, Side.CREDIT, Decimal("900000.00")),
    )
