import factory

from aftersales.catalog.models import ProductModel


class ProductModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductModel

    code = factory.Sequence(lambda n: f"PM-{n:04d}")
    name = "工业空压机"
    category = "空压机"
    warranty_months = 12
