import factory

from aftersales.accounts.tests.factories import ServiceCenterFactory
from aftersales.customers.models import Contact, Customer, Site


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"客户{n}有限公司")
    service_center = factory.SubFactory(ServiceCenterFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = "张三"
    mobile = factory.Sequence(lambda n: f"+86138{n:08d}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    customer = factory.SubFactory(CustomerFactory)
    name = "总部"
    province = "上海市"
    city = "上海市"
    address = "浦东新区张江路1号"
