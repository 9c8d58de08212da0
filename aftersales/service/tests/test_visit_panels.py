"""The visit-panel seam: another app's panel shows under a visit on the order page, the phone view and
the printed service record, without service importing that app."""

import pytest

from aftersales.service.panels import VisitPanel, render_visit_panels, visit_panels
from aftersales.service.services import record_visit
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel():
    seen = []

    def render(request, visit, place):
        seen.append(place)
        return f'<p id="test-panel-{place}">visit {visit.pk}</p>'

    visit_panels.register(VisitPanel("test.panel", 1, render))
    yield seen
    visit_panels.unregister("test.panel")


def test_a_registered_panel_shows_in_each_place(panel, client, users, centre):
    from aftersales.customers.tests.factories import CustomerFactory
    from aftersales.service.services import assign_technician

    technician = users["technician"]
    order = make_order(customer=CustomerFactory(service_center=centre))
    assign_technician(order, by=users["dispatcher"], technician=technician)
    order.refresh_from_db()
    record_visit(order, by=technician)

    client.force_login(users["manager"])
    page = client.get(f"/orders/{order.pk}/").content.decode()
    printed = client.get(f"/orders/{order.pk}/print/").content.decode()
    client.force_login(technician)
    phone = client.get(f"/tech/orders/{order.pk}/").content.decode()

    assert 'id="test-panel-page"' in page
    assert 'id="test-panel-print"' in printed
    assert 'id="test-panel-phone"' in phone


def test_an_unknown_place_is_a_programming_error():
    with pytest.raises(ValueError):
        render_visit_panels(None, object(), "fax")


def test_a_registered_order_panel_shows_on_the_order_page(client, users, centre):
    from aftersales.core.panels import RecordPanel
    from aftersales.customers.tests.factories import CustomerFactory
    from aftersales.service.panels import order_panels

    order = make_order(customer=CustomerFactory(service_center=centre))
    order_panels.register(RecordPanel("test.order", 1, lambda request, o: f'<p id="test-order-panel">{o.number}</p>'))
    try:
        client.force_login(users["manager"])
        page = client.get(f"/orders/{order.pk}/").content.decode()
    finally:
        order_panels.unregister("test.order")

    assert f'<p id="test-order-panel">{order.number}</p>' in page
