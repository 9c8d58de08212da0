"""Lifetime-covered items (终身免费更换, domain.md Warranty §1)."""

import datetime

import pytest

from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.coverage.decision import Misuse
from aftersales.coverage.selectors import decide_coverage
from aftersales.coverage.tests.factories import LifetimeItemFactory
from aftersales.installed_base.choices import Seller
from aftersales.installed_base.tests.factories import UnitFactory

D = datetime.date
EXPIRED_DAY = D(2030, 1, 1)


@pytest.fixture
def expired_unit(db):
    return UnitFactory(product_model=ProductModelFactory(warranty_months=12), purchase_date=D(2020, 1, 5))


def test_a_listed_item_is_covered_after_the_warranty_expired(expired_unit):
    LifetimeItemFactory(product_model=expired_unit.product_model, code="FRAME", name="机架")

    decision = decide_coverage(unit=expired_unit, on=EXPIRED_DAY, kind="repair", item="frame")

    assert (decision.covered, decision.reason, decision.source, decision.until) == (
        True,
        "lifetime",
        "lifetime_item",
        None,
    )
    assert "FRAME" in decision.detail and expired_unit.product_model.code in decision.detail


def test_a_listed_item_is_covered_without_proof_of_purchase(db):
    unit = UnitFactory(purchase_date=None, seller=Seller.DEALER, dealer_name="某经销商", proof_reference="")
    LifetimeItemFactory(product_model=unit.product_model, code="FRAME")

    decision = decide_coverage(unit=unit, on=EXPIRED_DAY, kind="repair", item="FRAME")

    assert (decision.covered, decision.start) == (True, None)


def test_an_item_listed_for_another_model_is_not_covered(expired_unit):
    LifetimeItemFactory(code="FRAME")

    decision = decide_coverage(unit=expired_unit, on=EXPIRED_DAY, kind="repair", item="FRAME")

    assert (decision.covered, decision.source) == (False, "warranty_months")


def test_an_item_taken_off_the_list_is_not_covered(expired_unit):
    LifetimeItemFactory(product_model=expired_unit.product_model, code="FRAME", is_active=False)

    assert decide_coverage(unit=expired_unit, on=EXPIRED_DAY, kind="repair", item="FRAME").covered is False


def test_misuse_voids_a_lifetime_item(expired_unit):
    LifetimeItemFactory(product_model=expired_unit.product_model, code="FRAME")
    found = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)

    decision = decide_coverage(
        unit=expired_unit, on=EXPIRED_DAY, kind="repair", item="FRAME", misuse=Misuse(found_at=found)
    )

    assert decision.reason == "misuse"


def test_without_an_item_the_unit_itself_is_judged(expired_unit, django_assert_num_queries):
    LifetimeItemFactory(product_model=expired_unit.product_model, code="FRAME")
    # One statement: the contract source reads the unit's contracts; the lifetime source reads nothing.
    with django_assert_num_queries(1):
        decision = decide_coverage(unit=expired_unit, on=EXPIRED_DAY, kind="repair")

    assert decision.source == "warranty_months"
