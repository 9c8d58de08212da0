"""The settings screens of the coverage data (/settings/serial-date-rules/, /settings/lifetime-items/)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.coverage.models import LifetimeItem, SerialDateRule
from aftersales.coverage.tests.factories import LifetimeItemFactory, SerialDateRuleFactory
from aftersales.history.models import Activity
from aftersales.history.selectors import activity_for

pytestmark = pytest.mark.django_db
RULES = "/settings/serial-date-rules/"
ITEMS = "/settings/lifetime-items/"


def rule_data(model, **overrides):
    return {
        "product_model": model.pk,
        "serial_prefix": "ab",
        "date_format": "YYMM",
        "date_position": 3,
        "grace_months": 3,
        "is_active": "on",
        "note": "",
        **overrides,
    }


def test_manager_adds_and_switches_off_a_serial_date_rule(client, users):
    model = ProductModelFactory(code="LG-37")
    client.force_login(users[Role.MANAGER])

    assert client.post(f"{RULES}new/", rule_data(model)).status_code == 302
    rule = SerialDateRule.objects.get()
    response = client.post(f"{RULES}{rule.pk}/", rule_data(model, is_active=""))

    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.serial_prefix, rule.is_active) == ("AB", False)
    assert [a.type for a in activity_for(rule)] == ["serial_date_rule.updated", "serial_date_rule.created"]
    listing = client.get(RULES).content.decode()
    assert "LG-37" in listing and f'href="{RULES}{rule.pk}/"' in listing


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_position": 0}, "date_position"),
        ({"grace_months": 61}, "grace_months"),
        ({"date_format": "MMYY"}, "date_format"),
        ({"date_format": "YYMMDD", "date_position": 62}, "date_position"),  # the service's own check
        ({"product_model": "", "serial_prefix": ""}, "serial_prefix"),  # neither: a rule must name one
    ],
)
def test_serial_date_rule_form_errors_write_nothing(client, users, overrides, field):
    model = ProductModelFactory()
    client.force_login(users[Role.ADMIN])

    response = client.post(f"{RULES}new/", rule_data(model, **overrides))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert "serial_rule" not in str(errors)  # a constraint's name is no message (found by a helper's probe)
    assert (SerialDateRule.objects.count(), Activity.objects.count()) == (0, 0)


def test_a_duplicate_rule_is_a_form_error(client, users):
    model = ProductModelFactory()
    SerialDateRuleFactory(product_model=model, serial_prefix="AB")
    client.force_login(users[Role.MANAGER])

    response = client.post(f"{RULES}new/", rule_data(model))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors and "serial_rule" not in str(errors)
    assert SerialDateRule.objects.count() == 1


def test_manager_lists_an_item_for_life(client, users):
    model = ProductModelFactory(code="LG-37")
    client.force_login(users[Role.MANAGER])

    response = client.post(
        f"{ITEMS}new/", {"product_model": model.pk, "code": "frame", "name": "机架", "is_active": "on", "note": ""}
    )

    assert response.status_code == 302
    item = LifetimeItem.objects.get()
    assert (item.code, item.name) == ("FRAME", "机架")
    assert "FRAME" in client.get(ITEMS).content.decode()


def test_lifetime_item_form_without_a_name_writes_nothing(client, users):
    model = ProductModelFactory()
    client.force_login(users[Role.MANAGER])

    response = client.post(f"{ITEMS}new/", {"product_model": model.pk, "code": "FRAME", "name": ""})

    assert (response.status_code, set(response.context["form"].errors)) == (200, {"name"})
    assert not LifetimeItem.objects.exists()


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.AGENT, Role.DISPATCHER])
def test_coverage_settings_are_for_managers_and_admins(client, users, role):
    model = ProductModelFactory()
    rule = SerialDateRuleFactory(product_model=model)
    client.force_login(users[role])

    assert client.get(RULES).status_code == 403
    assert client.get(ITEMS).status_code == 403
    assert client.post(f"{RULES}new/", rule_data(model, serial_prefix="ZZ")).status_code == 403
    assert client.post(f"{RULES}{rule.pk}/", rule_data(model, grace_months=9)).status_code == 403
    rule.refresh_from_db()
    assert (SerialDateRule.objects.count(), rule.grace_months) == (1, 0)


def test_unknown_rule_answers_404(client, users):
    client.force_login(users[Role.MANAGER])

    assert client.get(f"{RULES}999999/").status_code == 404


def test_the_sections_are_in_the_settings_menu(client, users):
    client.force_login(users[Role.MANAGER])

    body = client.get(RULES).content.decode()

    assert f'href="{RULES}"' in body and f'href="{ITEMS}"' in body


@pytest.mark.parametrize(("url", "factory"), [(RULES, SerialDateRuleFactory), (ITEMS, LifetimeItemFactory)])
def test_coverage_lists_run_constant_queries(client, users, url, factory):
    client.force_login(users[Role.MANAGER])
    client.get(url)
    factory()
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    factory.create_batch(10)

    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.status_code == 200
    assert len(many) == len(few)
