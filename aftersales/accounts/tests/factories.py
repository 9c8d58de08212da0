import factory

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User


class ServiceCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCenter

    code = factory.Sequence(lambda n: f"SC{n:03d}")
    name = factory.Sequence(lambda n: f"服务网点{n}")
    region = "华东"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "测试"
    role = Role.AGENT
    service_center = factory.SubFactory(ServiceCenterFactory)
    password = factory.django.Password("pw-for-tests-1")
