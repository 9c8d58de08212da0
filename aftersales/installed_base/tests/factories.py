import datetime

import factory

from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.models import Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    product_model = factory.SubFactory(ProductModelFactory)
    customer = factory.SubFactory(CustomerFactory)
    purchase_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=60))
    proof_reference = "INV-0001"
