import factory

from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.coverage.choices import SerialDateFormat
from aftersales.coverage.models import LifetimeItem, SerialDateRule


class SerialDateRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SerialDateRule

    product_model = factory.SubFactory(ProductModelFactory)
    serial_prefix = ""
    date_position = 3
    date_format = SerialDateFormat.YYMM
    grace_months = 0


class LifetimeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifetimeItem

    product_model = factory.SubFactory(ProductModelFactory)
    code = factory.Sequence(lambda n: f"PART-{n:03d}")
    name = "机体"
