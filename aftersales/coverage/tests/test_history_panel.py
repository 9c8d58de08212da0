"""The coverage settings' edit pages get the History panel through core's record-panel registry."""

import pytest

from aftersales.accounts.choices import Role
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.coverage.models import SerialDateRule
from aftersales.coverage.tests.test_views import RULES, rule_data

pytestmark = pytest.mark.django_db


def test_serial_date_rule_edit_page_shows_its_history(client, users):
    model = ProductModelFactory(code="LG-37")
    client.force_login(users[Role.MANAGER])
    client.post(f"{RULES}new/", rule_data(model))
    rule = SerialDateRule.objects.get()
    client.post(f"{RULES}{rule.pk}/", rule_data(model, grace_months=6))

    page = client.get(f"{RULES}{rule.pk}/").content.decode()

    assert "history-panel" in page
    assert page.count('class="order-event history-entry"') == 2
    assert '<del class="order-old">3</del>' in page
    assert '<span class="order-new">6</span>' in page
