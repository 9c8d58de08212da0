"""A warranty-critical part below its minimum tells the parts keeper and the manager of that centre at
once (issue 9, Replenishment), through the outbox, once a day; other parts and other centres stay quiet."""

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.notifications.choices import MessageChannel
from aftersales.notifications.models import OutboxMessage
from aftersales.parts.choices import LocationKind
from aftersales.parts.models import Location
from aftersales.parts.services.catalogue import set_stock_levels
from aftersales.parts.services.stock import scrap_stock
from aftersales.parts.tests.factories import PartFactory, stock_up

pytestmark = pytest.mark.django_db


def told(channel: str = MessageChannel.IN_APP) -> set[str]:
    return set(
        OutboxMessage.objects.filter(channel=channel, key__startswith="parts-critical-").values_list(
            "recipient", flat=True
        )
    )


def test_a_critical_part_below_its_minimum_tells_the_keeper_and_the_manager(keeper, shop, users, other_centre):
    elsewhere = UserFactory(role=Role.PARTS_KEEPER, service_center=other_centre)
    part = PartFactory(warranty_critical=True)
    stock_up(shop, part, 5, by=keeper)
    set_stock_levels(by=keeper, location=shop, part=part, min_qty=3, max_qty=10)

    scrap_stock(by=keeper, location=shop, part=part, quantity=2, reason="受潮")
    assert told() == set(), "at the minimum nobody is told"

    scrap_stock(by=keeper, location=shop, part=part, quantity=1, reason="受潮")
    people = {str(keeper.pk), str(users[Role.PARTS_KEEPER].pk), str(users[Role.MANAGER].pk)}
    assert told() == people
    assert str(elsewhere.pk) not in told() and str(users[Role.TECHNICIAN].pk) not in told()
    message = OutboxMessage.objects.filter(recipient=str(keeper.pk), key__startswith="parts-critical-").get()
    assert part.number in message.body and message.context["url"] == "/parts/shortages/"

    scrap_stock(by=keeper, location=shop, part=part, quantity=1, reason="受潮")
    assert OutboxMessage.objects.filter(channel=MessageChannel.IN_APP, key__startswith="parts-critical-").count() == 3


def test_a_part_that_is_not_warranty_critical_raises_no_alert(keeper, shop, users):
    part = PartFactory(warranty_critical=False)
    stock_up(shop, part, 5, by=keeper)
    set_stock_levels(by=keeper, location=shop, part=part, min_qty=3, max_qty=10)

    scrap_stock(by=keeper, location=shop, part=part, quantity=4, reason="受潮")

    assert told() == set()


def test_no_minimum_means_no_alert(keeper, shop, users):
    part = PartFactory(warranty_critical=True)
    stock_up(shop, part, 2, by=keeper)

    scrap_stock(by=keeper, location=shop, part=part, quantity=2, reason="受潮")

    assert told() == set()


def test_the_central_warehouse_tells_the_keepers_and_managers_of_every_centre(keeper, users, other_centre):
    elsewhere = UserFactory(role=Role.PARTS_KEEPER, service_center=other_centre)
    central = Location.objects.create(code="WH", name="中心仓库", kind=LocationKind.WAREHOUSE)
    part = PartFactory(warranty_critical=True)
    stock_up(central, part, 2, by=keeper)
    set_stock_levels(by=keeper, location=central, part=part, min_qty=2, max_qty=10)

    scrap_stock(by=keeper, location=central, part=part, quantity=1, reason="受潮")

    assert told() == {str(keeper.pk), str(users[Role.PARTS_KEEPER].pk), str(users[Role.MANAGER].pk), str(elsewhere.pk)}
