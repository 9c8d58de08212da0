"""Sources that other apps register: their place in the chain and the guard against clashes."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.coverage import sources
from aftersales.coverage.decision import CoverageQuery, Verdict
from aftersales.coverage.registry import register_source, registered_sources, unregister_source
from aftersales.coverage.selectors import decide_coverage
from aftersales.installed_base.tests.factories import UnitFactory

D = datetime.date


def contract(query: CoverageQuery) -> Verdict | None:
    """A stand-in for an app registering a source: covers maintenance visits of any unit."""
    if query.kind != "maintenance" or query.unit is None:
        return None
    return Verdict(True, "in_warranty", "Covered by maintenance contract HT-1.", D(2026, 1, 1), D(2026, 12, 31))


@pytest.fixture
def contract_source():
    register_source(key="stand_in", precedence=340, decide=contract, label="Stand-in")
    yield
    unregister_source("stand_in")


def test_builtin_sources_are_asked_in_the_documented_order():
    keys = [s.key for s in registered_sources()]

    assert keys == [
        "override",
        "misuse",
        "no_unit",
        "contract",  # registered by the contracts app (docs/coverage.md)
        "lifetime_item",
        "serial_date",
        "proof_of_purchase",
        "warranty_months",
    ]


@pytest.mark.django_db
def test_a_registered_source_decides_in_its_place(contract_source):
    expired = UnitFactory(product_model=ProductModelFactory(warranty_months=12), purchase_date=D(2020, 1, 5))

    maintenance = decide_coverage(unit=expired, on=D(2026, 3, 1), kind="maintenance")
    repair = decide_coverage(unit=expired, on=D(2026, 3, 1), kind="repair")

    assert (maintenance.covered, maintenance.source, maintenance.until) == (True, "stand_in", D(2026, 12, 31))
    assert (repair.covered, repair.source) == (False, "warranty_months")


def test_a_source_cannot_take_a_key_or_precedence_already_used():
    with pytest.raises(ImproperlyConfigured):
        register_source(key="override", precedence=1, decide=contract, label="x")
    with pytest.raises(ImproperlyConfigured):
        register_source(key="other", precedence=sources.OVERRIDE, decide=contract, label="x")
    assert "other" not in [s.key for s in registered_sources()]


def test_registering_the_builtin_sources_again_changes_nothing():
    before = registered_sources()

    sources.register_builtin_sources()

    assert registered_sources() == before
