"""The serial-number date rule (domain.md Warranty §6 1.1.1.3): used when there is no proof of purchase."""

import datetime

import pytest
from django.utils import translation

from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.coverage.rules import forget_serial_rules, read_serial_date, serial_rule_for
from aftersales.coverage.selectors import decide_coverage
from aftersales.coverage.services import update_serial_date_rule
from aftersales.coverage.tests.factories import SerialDateRuleFactory
from aftersales.installed_base.choices import Seller
from aftersales.installed_base.tests.factories import UnitFactory

D = datetime.date


@pytest.mark.parametrize(
    ("serial", "position", "fmt", "expected"),
    [
        ("AB2403X001", 3, "YYMM", D(2024, 3, 1)),
        ("AB202403X1", 3, "YYYYMM", D(2024, 3, 1)),
        ("AB240315X1", 3, "YYMMDD", D(2024, 3, 15)),
        ("AB2410X001", 3, "YYWW", D(2024, 3, 4)),  # ISO week 10 of 2024 starts on Monday 4 March
        ("2403", 1, "YYMM", D(2024, 3, 1)),  # the date may end the serial
        ("AB2413X001", 3, "YYMM", None),  # no 13th month
        ("AB2400X001", 3, "YYMM", None),
        ("AB240230X1", 3, "YYMMDD", None),  # no 30 February
        ("AB2454X001", 3, "YYWW", None),  # 2024 has 52 ISO weeks
        ("AB24X3X001", 3, "YYMM", None),  # not digits
        ("AB24", 3, "YYMM", None),  # too short
        ("AB２４０３X1", 3, "YYMM", None),  # full-width digits are not read
    ],
)
def test_read_serial_date(serial, position, fmt, expected):
    assert read_serial_date(serial, position=position, date_format=fmt) == expected


def unit_without_proof(serial: str, *, months: int = 12, model=None):
    return UnitFactory(
        serial_number=serial,
        product_model=model or ProductModelFactory(warranty_months=months),
        purchase_date=None,
        seller=Seller.DEALER,
        dealer_name="某经销商",
        proof_reference="",
    )


@pytest.mark.django_db
def test_serial_date_covers_from_production_plus_grace_to_the_last_day():
    unit = unit_without_proof("AB2403X001", months=12)
    SerialDateRuleFactory(product_model=unit.product_model, date_position=3, grace_months=3)

    last = decide_coverage(unit=unit, on=D(2025, 6, 1), kind="repair")
    after = decide_coverage(unit=unit, on=D(2025, 6, 2), kind="repair")

    # Made 2024-03-01, + 3 months grace = 2024-06-01, + 12 months = 2025-06-01 (Civil Code art. 201-202).
    assert (last.covered, last.reason, last.source, last.start, last.until) == (
        True,
        "in_warranty",
        "serial_date",
        D(2024, 6, 1),
        D(2025, 6, 1),
    )
    assert (after.covered, after.reason, after.source) == (False, "expired", "serial_date")


@pytest.mark.django_db
def test_serial_date_explains_the_reading():
    unit = unit_without_proof("AB2403X001", months=12)
    SerialDateRuleFactory(product_model=unit.product_model, date_position=3, grace_months=3)

    with translation.override("en"):
        detail = decide_coverage(unit=unit, on=D(2025, 1, 1), kind="repair").detail

    assert detail == (
        "In warranty until 2025-06-01. No proof of purchase: 12 months from 2024-06-01, the production date "
        "2024-03-01 read from the serial number plus 3 months."
    )


@pytest.mark.django_db
def test_serial_date_is_not_used_when_there_is_proof():
    unit = UnitFactory(serial_number="AB2001X001", purchase_date=D(2025, 3, 10), proof_reference="FP-1")
    SerialDateRuleFactory(product_model=unit.product_model, date_position=3)

    decision = decide_coverage(unit=unit, on=D(2025, 6, 1), kind="repair")

    assert (decision.covered, decision.source) == (True, "warranty_months")


@pytest.mark.django_db
def test_serial_date_without_a_rule_leaves_no_proof():
    unit = unit_without_proof("AB2403X001")

    assert decide_coverage(unit=unit, on=D(2024, 6, 1), kind="repair").source == "proof_of_purchase"


@pytest.mark.django_db
@pytest.mark.parametrize("serial", ["AB24X3X001", "AB2499X001", "AB"])
def test_unreadable_serial_leaves_no_proof(serial):
    unit = unit_without_proof(serial)
    SerialDateRuleFactory(product_model=unit.product_model, date_position=3)

    decision = decide_coverage(unit=unit, on=D(2024, 6, 1), kind="repair")

    assert (decision.covered, decision.reason) == (False, "no_proof")


@pytest.mark.django_db
def test_a_production_date_after_the_day_asked_about_is_not_used():
    unit = unit_without_proof("AB2407X001")
    SerialDateRuleFactory(product_model=unit.product_model, date_position=3)

    assert decide_coverage(unit=unit, on=D(2024, 6, 30), kind="repair").reason == "no_proof"
    assert decide_coverage(unit=unit, on=D(2024, 7, 1), kind="repair").source == "serial_date"


@pytest.mark.django_db
def test_serial_date_with_zero_warranty_months_is_not_covered():
    unit = unit_without_proof("AB2403X001", months=0)
    SerialDateRuleFactory(product_model=unit.product_model, date_position=3)

    decision = decide_coverage(unit=unit, on=D(2024, 3, 1), kind="repair")

    assert (decision.covered, decision.reason, decision.until) == (False, "expired", None)


@pytest.mark.django_db
def test_the_models_rule_beats_a_brand_prefix_rule_and_a_longer_prefix_beats_a_shorter():
    model = ProductModelFactory(warranty_months=12)
    unit = unit_without_proof("ABC2403X2501", model=model)
    SerialDateRuleFactory(product_model=None, serial_prefix="AB", date_position=4)
    brand = SerialDateRuleFactory(product_model=None, serial_prefix="ABC", date_position=4)
    assert serial_rule_for(unit).id == brand.pk

    own = SerialDateRuleFactory(product_model=model, serial_prefix="", date_position=9)
    forget_serial_rules()  # the factory writes around the services, which forget the cached rules

    assert serial_rule_for(unit).id == own.pk
    assert decide_coverage(unit=unit, on=D(2025, 2, 1), kind="repair").start == D(2025, 1, 1)


@pytest.mark.django_db
def test_a_brand_rule_applies_to_any_model_with_its_prefix_only():
    SerialDateRuleFactory(product_model=None, serial_prefix="HX", date_position=3)
    ours = unit_without_proof("HX2403X001")
    theirs = unit_without_proof("QQ2403X001")

    assert decide_coverage(unit=ours, on=D(2024, 6, 1), kind="repair").source == "serial_date"
    assert decide_coverage(unit=theirs, on=D(2024, 6, 1), kind="repair").source == "proof_of_purchase"


@pytest.mark.django_db
def test_a_rule_switched_off_no_longer_applies(users):
    from aftersales.accounts.choices import Role

    unit = unit_without_proof("AB2403X001")
    rule = SerialDateRuleFactory(product_model=unit.product_model, date_position=3)
    assert decide_coverage(unit=unit, on=D(2024, 6, 1), kind="repair").source == "serial_date"  # cached now

    update_serial_date_rule(
        by=users[Role.MANAGER],
        rule=rule,
        product_model=rule.product_model,
        date_position=3,
        date_format="YYMM",
        is_active=False,
    )

    assert decide_coverage(unit=unit, on=D(2024, 6, 1), kind="repair").source == "proof_of_purchase"
