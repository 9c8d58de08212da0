"""Parts test data, made through the services where a rule is involved."""

from decimal import Decimal
from typing import Any

import factory

from aftersales.accounts.models import ServiceCenter, User
from aftersales.parts.choices import LocationKind, UnitOfMeasure
from aftersales.parts.models import Location, Part, Supplier
from aftersales.parts.services.stock import receive_stock


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    code = factory.Sequence(lambda n: f"SUP{n:03d}")
    name = factory.Sequence(lambda n: f"供应商{n}")
    outside = True


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part

    number = factory.Sequence(lambda n: f"P-{n:05d}")
    name = factory.Sequence(lambda n: f"备件{n}")
    unit = UnitOfMeasure.PIECE
    cost = Decimal("10.00")


def store(centre: ServiceCenter, code: str = "") -> Location:
    return Location.objects.create(
        code=code or f"ST-{centre.code}",
        name=f"{centre.name}库房",
        kind=LocationKind.CENTRE_STORE,
        service_center=centre,
    )


def van(user: User, code: str = "") -> Location:
    return Location.objects.create(
        code=code or f"VAN-{user.pk}",
        name=f"{user}的车",
        kind=LocationKind.VAN,
        service_center=user.service_center,
        holder=user,
    )


def stock_up(location: Location, part: Part, quantity: Any, *, by: User) -> None:
    receive_stock(by=by, location=location, part=part, quantity=quantity)
