from django.db import transaction

from aftersales.accounts.models import User
from aftersales.core.errors import ValidationFailed
from aftersales.tests.area.models import Area


@transaction.atomic
def create_area(*, by: User, code: str, name: str) -> Area:
    if code.upper() != code:
        raise ValidationFailed("invalid_code", "Codes are upper case.", field="code")
    return Area._default_manager.create(code=code, name=name)


@transaction.atomic
def update_area(*, by: User, area: Area, code: str, name: str) -> Area:
    area.code, area.name = code, name
    area.save()
    return area
