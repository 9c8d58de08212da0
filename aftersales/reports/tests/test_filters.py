"""The filters every figure takes (and the quality app's failure statistics with them): applied to
orders, or to rows that reach an order through a path."""

from aftersales.parts.models import VisitPart
from aftersales.reports.filters import Filters
from aftersales.service.models import ServiceOrder


def _numbers(qs):
    return sorted(qs.values_list("number" if qs.model is ServiceOrder else "order__number", flat=True))


def test_on_orders_narrows_by_centre_model_and_customer(data, period, other_centre):
    o1, o2, _o3, o4, *_ = data["orders"]
    orders = ServiceOrder.objects.all()

    assert _numbers(Filters(start=period.start, end=period.end).on_orders(orders)) == _numbers(orders)
    assert _numbers(Filters(period.start, period.end, centre=other_centre.pk).on_orders(orders)) == [o4.number]
    by_model = Filters(period.start, period.end, product_model=o1.unit.product_model_id).on_orders(orders)
    assert set(by_model) == set(orders.filter(unit__product_model_id=o1.unit.product_model_id))
    by_customer = Filters(period.start, period.end, customer=o2.customer_id).on_orders(orders)
    assert o2 in by_customer and all(o.customer_id == o2.customer_id for o in by_customer)
    # through a path: the parts fitted on the orders of a centre
    lines = Filters(period.start, period.end, centre=other_centre.pk).on_orders(VisitPart.objects.all(), "order__")
    assert all(line.order.service_center_id == other_centre.pk for line in lines)
