"""The order page prints what the apps above register as order panels, and nothing else."""

from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.core.panels import RecordPanel
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.panels import order_panels
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db


def shout(request: Any, order: Any) -> str:
    return f'<p id="pretend-panel">{order.number} for {request.user.username}</p>'


def silent(request: Any, order: Any) -> str:
    return ""


@pytest.fixture
def pretend_panels() -> Any:
    order_panels.register(RecordPanel("tests.shout", 1, shout))
    order_panels.register(RecordPanel("tests.silent", 2, silent))
    yield
    order_panels.unregister("tests.shout")
    order_panels.unregister("tests.silent")


@pytest.fixture
def order(users, centre):
    return make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))


def test_registered_panel_is_shown_with_the_order(client, users, order, pretend_panels):
    client.force_login(users[Role.AGENT])
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'<p id="pretend-panel">{order.number} for {users[Role.AGENT].username}</p>' in page
    # below the visits, above the timeline
    assert page.index('id="h-visits"') < page.index("pretend-panel") < page.index('id="h-timeline"')


def test_no_panel_without_registration(client, users, order):
    client.force_login(users[Role.AGENT])
    assert "pretend-panel" not in client.get(f"/orders/{order.pk}/").content.decode()
