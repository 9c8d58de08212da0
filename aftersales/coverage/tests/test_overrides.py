"""Misuse and the manager's override in the chain: misuse voids, the later of the two wins."""

import datetime

import pytest

from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.core.errors import ValidationFailed
from aftersales.coverage.decision import Misuse, Override
from aftersales.coverage.selectors import decide_coverage
from aftersales.installed_base.tests.factories import UnitFactory

D = datetime.date
T0 = datetime.datetime(2026, 2, 1, 9, 0, tzinfo=datetime.UTC)
LATER = T0 + datetime.timedelta(hours=1)


@pytest.fixture
def unit_in_warranty(db):
    return UnitFactory(product_model=ProductModelFactory(warranty_months=12), purchase_date=D(2026, 1, 5))


def test_misuse_voids_a_unit_in_warranty(unit_in_warranty):
    decision = decide_coverage(unit=unit_in_warranty, on=D(2026, 2, 1), kind="repair", misuse=Misuse(found_at=T0))

    assert (decision.covered, decision.reason, decision.source) == (False, "misuse", "misuse")


def test_misuse_decides_even_without_a_unit():
    decision = decide_coverage(unit=None, on=D(2026, 2, 1), kind="repair", misuse=Misuse(found_at=T0))

    assert decision.reason == "misuse"


def test_override_wins_over_the_computed_decision(unit_in_warranty):
    override = Override(covered=False, reason="发票抬头不符", decided_at=T0)

    decision = decide_coverage(unit=unit_in_warranty, on=D(2026, 2, 1), kind="repair", override=override)

    assert (decision.covered, decision.reason, decision.detail, decision.source) == (
        False,
        "overridden",
        "发票抬头不符",
        "override",
    )


def test_override_after_misuse_wins(unit_in_warranty):
    decision = decide_coverage(
        unit=unit_in_warranty,
        on=D(2026, 2, 1),
        kind="repair",
        misuse=Misuse(found_at=T0),
        override=Override(covered=True, reason="厂家认可质量问题", decided_at=LATER),
    )

    assert (decision.covered, decision.reason) == (True, "overridden")


def test_misuse_after_an_override_replaces_it(unit_in_warranty):
    decision = decide_coverage(
        unit=unit_in_warranty,
        on=D(2026, 2, 1),
        kind="repair",
        misuse=Misuse(found_at=LATER),
        override=Override(covered=True, reason="客户老关系", decided_at=T0),
    )

    assert (decision.covered, decision.reason) == (False, "misuse")


def test_misuse_at_the_same_moment_as_the_override_leaves_the_override(unit_in_warranty):
    decision = decide_coverage(
        unit=unit_in_warranty,
        on=D(2026, 2, 1),
        kind="repair",
        misuse=Misuse(found_at=T0),
        override=Override(covered=True, reason="客户老关系", decided_at=T0),
    )

    assert decision.reason == "overridden"


@pytest.mark.parametrize("reason", ["", "   "])
def test_override_without_a_reason_is_refused(reason):
    with pytest.raises(ValidationFailed) as raised:
        Override(covered=True, reason=reason, decided_at=T0)

    assert (raised.value.code, raised.value.field) == ("required", "reason")
