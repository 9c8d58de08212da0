"""Writes on the coverage data: checks, refusals that write nothing, and a history row per change."""

from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from aftersales.coverage import services
from aftersales.coverage.models import LifetimeItem, SerialDateRule
from aftersales.coverage.tests.factories import LifetimeItemFactory, SerialDateRuleFactory
from aftersales.history.models import Activity
from aftersales.history.selectors import activity_for


@pytest.fixture
def manager(users):
    return users[Role.MANAGER]


@pytest.fixture
def model(db):
    return ProductModelFactory(code="LG-37")


def rule_args(**overrides: Any) -> dict[str, Any]:
    return {"date_position": 3, "date_format": "YYMM", "grace_months": 3, **overrides}


# ---- serial-date rules --------------------------------------------------------------------------
def test_create_serial_date_rule_stores_it_and_its_history(manager, model):
    rule = services.create_serial_date_rule(by=manager, product_model=model, serial_prefix=" ab ", **rule_args())

    assert (rule.product_model, rule.serial_prefix, rule.date_position, rule.grace_months) == (model, "AB", 3, 3)
    [activity] = activity_for(rule)
    assert (activity.type, activity.actor) == ("serial_date_rule.created", manager)
    assert activity.data["changes"]["date_format"] == {"old": None, "new": "YYMM"}


def test_update_serial_date_rule_records_only_what_changed(manager, model):
    rule = services.create_serial_date_rule(by=manager, product_model=model, **rule_args())

    services.update_serial_date_rule(by=manager, rule=rule, product_model=model, **rule_args(grace_months=6))
    services.update_serial_date_rule(by=manager, rule=rule, product_model=model, **rule_args(grace_months=6))

    latest, *_ = activity_for(rule)
    assert activity_for(rule).count() == 2
    assert latest.data["changes"] == {"grace_months": {"old": 3, "new": 6}}


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"product_model": None, "serial_prefix": ""}, "scope_required", "serial_prefix"),
        ({"serial_prefix": "X" * 21}, "too_long", "serial_prefix"),
        ({"date_format": "MMYY"}, "invalid_choice", "date_format"),
        ({"date_position": 0}, "out_of_range", "date_position"),
        ({"date_position": 62}, "out_of_range", "date_position"),  # YYMMDD would run past 64 characters
        ({"grace_months": -1}, "out_of_range", "grace_months"),
        ({"grace_months": 61}, "out_of_range", "grace_months"),
        ({"note": "n" * 201}, "too_long", "note"),
    ],
)
def test_create_serial_date_rule_bad_input_is_refused_and_writes_nothing(manager, model, overrides, code, field):
    args = {"product_model": model, **rule_args(date_format="YYMMDD"), **overrides}

    with pytest.raises(ValidationFailed) as raised:
        services.create_serial_date_rule(by=manager, **args)

    assert (raised.value.code, raised.value.field) == (code, field)
    assert (SerialDateRule.objects.count(), Activity.objects.count()) == (0, 0)


@pytest.mark.parametrize(("position", "fmt"), [(61, "YYMM"), (59, "YYYYMM")])
def test_the_last_position_a_date_fits_is_accepted(manager, model, position, fmt):
    rule = services.create_serial_date_rule(by=manager, product_model=model, date_position=position, date_format=fmt)

    assert rule.date_position == position


def test_a_second_rule_for_the_same_scope_is_refused(manager, model):
    services.create_serial_date_rule(by=manager, product_model=model, serial_prefix="AB", **rule_args())

    with pytest.raises(ConflictError) as raised:
        services.create_serial_date_rule(by=manager, product_model=model, serial_prefix="ab", **rule_args())

    assert raised.value.code == "duplicate_rule"
    assert SerialDateRule.objects.count() == 1


def test_a_second_brand_rule_for_the_same_prefix_is_refused(manager):
    services.create_serial_date_rule(by=manager, serial_prefix="HX", **rule_args())

    with pytest.raises(ConflictError):
        services.create_serial_date_rule(by=manager, serial_prefix="HX", **rule_args())


def test_update_to_another_rules_scope_is_refused_and_changes_nothing(manager, model):
    SerialDateRuleFactory(product_model=model, serial_prefix="AB")
    rule = SerialDateRuleFactory(product_model=model, serial_prefix="CD")

    with pytest.raises(ConflictError):
        services.update_serial_date_rule(by=manager, rule=rule, product_model=model, serial_prefix="AB", **rule_args())

    rule.refresh_from_db()
    assert rule.serial_prefix == "CD"


@pytest.mark.parametrize("role", [Role.AGENT, Role.DISPATCHER, Role.TECHNICIAN, Role.FINANCE])
def test_only_managers_and_admins_change_the_rules(users, model, role):
    rule = SerialDateRuleFactory(product_model=model)

    with pytest.raises(PermissionDeniedError):
        services.create_serial_date_rule(by=users[role], product_model=model, serial_prefix="X", **rule_args())
    with pytest.raises(PermissionDeniedError):
        services.update_serial_date_rule(by=users[role], rule=rule, product_model=model, **rule_args())

    assert (SerialDateRule.objects.count(), Activity.objects.count()) == (1, 0)


def test_an_admin_changes_the_rules(users, model):
    assert services.create_serial_date_rule(by=users[Role.ADMIN], product_model=model, **rule_args()).pk


# ---- lifetime-covered items ---------------------------------------------------------------------
def test_create_lifetime_item_upper_cases_the_code_and_records_history(manager, model):
    item = services.create_lifetime_item(by=manager, product_model=model, code=" frame ", name="机架")

    assert (item.code, item.name, item.is_active) == ("FRAME", "机架", True)
    assert [a.type for a in activity_for(item)] == ["lifetime_item.created"]


def test_update_lifetime_item_takes_it_off_the_list(manager, model):
    item = LifetimeItemFactory(product_model=model, code="FRAME", name="机架")

    services.update_lifetime_item(
        by=manager, item=item, product_model=model, code="FRAME", name="机架", is_active=False
    )

    item.refresh_from_db()
    assert item.is_active is False
    assert activity_for(item).get().data["changes"] == {"is_active": {"old": True, "new": False}}


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"code": " "}, "required", "code"),
        ({"code": "C" * 41}, "too_long", "code"),
        ({"name": ""}, "required", "name"),
        ({"name": "n" * 201}, "too_long", "name"),
    ],
)
def test_create_lifetime_item_bad_input_is_refused_and_writes_nothing(manager, model, overrides, code, field):
    with pytest.raises(ValidationFailed) as raised:
        services.create_lifetime_item(by=manager, product_model=model, **{"code": "FRAME", "name": "机架", **overrides})

    assert (raised.value.code, raised.value.field) == (code, field)
    assert (LifetimeItem.objects.count(), Activity.objects.count()) == (0, 0)


def test_the_same_item_twice_for_a_model_is_refused(manager, model):
    services.create_lifetime_item(by=manager, product_model=model, code="FRAME", name="机架")

    with pytest.raises(ConflictError) as raised:
        services.create_lifetime_item(by=manager, product_model=model, code="frame", name="机架")

    assert (raised.value.code, raised.value.field) == ("duplicate_item", "code")
    assert services.create_lifetime_item(by=manager, product_model=ProductModelFactory(), code="FRAME", name="x").pk


def test_an_agent_may_not_list_items(users, model):
    with pytest.raises(PermissionDeniedError):
        services.create_lifetime_item(by=users[Role.AGENT], product_model=model, code="FRAME", name="机架")

    assert LifetimeItem.objects.count() == 0
