"""The coverage decision (domain.md Warranty §6 1.1.1, 1.5): its sources, their precedence, the month arithmetic."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import translation

from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.coverage.decision import add_months
from aftersales.coverage.selectors import decide_coverage
from aftersales.installed_base.choices import Seller
from aftersales.installed_base.tests.factories import UnitFactory

D = datetime.date


def decide(*, unit, on, **kwargs):
    return decide_coverage(unit=unit, on=on, kind=kwargs.pop("kind", "repair"), **kwargs)


def unit_with(*, months: int = 12, **kwargs):
    return UnitFactory(product_model=ProductModelFactory(warranty_months=months), **kwargs)


@pytest.mark.django_db
def test_decide_coverage_in_warranty_on_last_day():
    # Civil Code art. 201-202: counted from the day after purchase, a 12-month period ends on the
    # same day of the 12th month.
    unit = unit_with(purchase_date=D(2025, 3, 10), seller=Seller.OWN, proof_reference="")

    status = decide(unit=unit, on=D(2026, 3, 10))

    assert (status.covered, status.reason, status.until) == (True, "in_warranty", D(2026, 3, 10))


@pytest.mark.django_db
def test_decide_coverage_expired_names_the_date():
    unit = unit_with(purchase_date=D(2025, 3, 10))

    status = decide(unit=unit, on=D(2026, 3, 11))

    assert (status.covered, status.reason, status.until) == (False, "expired", D(2026, 3, 10))
    assert "2026-03-10" in status.detail


@pytest.mark.django_db
def test_decide_coverage_on_purchase_day_is_covered():
    unit = unit_with(purchase_date=D(2025, 3, 10))

    assert decide(unit=unit, on=D(2025, 3, 10)).covered is True


@pytest.mark.django_db
def test_decide_coverage_before_the_purchase_is_not_covered():
    """Found by a helper's probe, 2026-12-06: a history import's call of 2023-01-05 on a unit bought on
    2024-03-01 was stored "in warranty until 2026-03-01"."""
    unit = unit_with(purchase_date=D(2024, 3, 1), months=24)

    status = decide(unit=unit, on=D(2023, 1, 5))

    assert (status.covered, status.reason) == (False, "before_sale")
    assert "2023-01-05" in status.detail and "2024-03-01" in status.detail
    assert decide(unit=unit, on=D(2024, 2, 29)).covered is False
    assert decide(unit=unit, on=D(2024, 3, 1)).covered is True


@pytest.mark.django_db
def test_decide_coverage_dealer_sale_without_invoice_has_no_proof():
    unit = unit_with(purchase_date=D(2026, 1, 5), seller=Seller.DEALER, dealer_name="某经销商", proof_reference="")

    status = decide(unit=unit, on=D(2026, 2, 1))

    assert (status.covered, status.reason, status.until) == (False, "no_proof", None)


@pytest.mark.django_db
def test_decide_coverage_dealer_sale_with_invoice_reference_is_covered():
    unit = unit_with(purchase_date=D(2026, 1, 5), seller=Seller.DEALER, dealer_name="某经销商", proof_reference="FP-1")

    assert decide(unit=unit, on=D(2026, 2, 1)).covered is True


@pytest.mark.django_db
def test_decide_coverage_dealer_sale_with_invoice_file_is_covered():
    unit = unit_with(purchase_date=D(2026, 1, 5), seller=Seller.DEALER, dealer_name="某经销商", proof_reference="")
    unit.proof_file.save("invoice.pdf", ContentFile(b"%PDF-1.4 test"), save=True)

    assert decide(unit=unit, on=D(2026, 2, 1)).covered is True


@pytest.mark.django_db
def test_decide_coverage_without_purchase_date_has_no_proof():
    unit = unit_with(purchase_date=None, seller=Seller.OWN, proof_reference="FP-1")

    status = decide(unit=unit, on=D(2026, 2, 1))

    assert (status.covered, status.reason) == (False, "no_proof")


def test_decide_coverage_without_unit_is_not_covered():
    status = decide(unit=None, on=D(2026, 2, 1))

    assert (status.covered, status.reason) == (False, "no_unit")


@pytest.mark.django_db
def test_decide_coverage_month_end_purchase_ends_on_the_months_last_day():
    # Jan 31 + 1 month: February has no 31st, so the period ends on its last day (Civil Code art. 202).
    unit = unit_with(months=1, purchase_date=D(2025, 1, 31))

    last = decide(unit=unit, on=D(2025, 2, 28))
    after = decide(unit=unit, on=D(2025, 3, 1))

    assert (last.covered, last.until) == (True, D(2025, 2, 28))
    assert (after.covered, after.reason) == (False, "expired")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 1, 31), 13, D(2026, 2, 28)),
        (D(2025, 5, 20), 0, D(2025, 5, 20)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.django_db
def test_decide_coverage_zero_months_is_never_covered():
    unit = unit_with(months=0, purchase_date=D(2026, 1, 5))

    assert decide(unit=unit, on=D(2026, 1, 5)).covered is False


# ---- which source decided, and the dates it used -----------------------------------------------


@pytest.mark.django_db
def test_decide_coverage_names_the_source_and_the_period():
    unit = unit_with(months=24, purchase_date=D(2025, 3, 10))

    decision = decide(unit=unit, on=D(2025, 6, 1))

    assert (decision.source, decision.on, decision.start, decision.until) == (
        "warranty_months",
        D(2025, 6, 1),
        D(2025, 3, 10),
        D(2027, 3, 10),
    )


@pytest.mark.django_db
def test_decide_coverage_without_proof_is_decided_by_proof_of_purchase():
    unit = unit_with(purchase_date=D(2026, 1, 5), seller=Seller.DEALER, dealer_name="某经销商", proof_reference="")

    assert decide(unit=unit, on=D(2026, 2, 1)).source == "proof_of_purchase"


def test_decide_coverage_without_unit_is_decided_by_no_unit():
    assert decide(unit=None, on=D(2026, 2, 1)).source == "no_unit"


@pytest.mark.django_db
def test_decide_coverage_zero_months_names_no_warranty():
    unit = unit_with(months=0, purchase_date=D(2026, 1, 5))

    with translation.override("en"):
        decision = decide(unit=unit, on=D(2026, 1, 5))

    assert (decision.covered, decision.reason, decision.until) == (False, "expired", None)
    assert decision.detail == "This product model carries no warranty."


@pytest.mark.django_db
def test_decide_coverage_explains_in_chinese_when_asked_in_chinese():
    unit = unit_with(purchase_date=D(2025, 3, 10))

    with translation.override("zh-hans"):
        decision = decide(unit=unit, on=D(2025, 4, 1))

    assert decision.detail == "在保修期内，至 2026-03-10（自 2025-03-10 起 12 个月）。"
