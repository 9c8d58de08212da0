from django.db import transaction

from aftersales.accounts.models import User
from aftersales.core.errors import ValidationFailed
from aftersales.tests.area.models import Area


def clean_area(*, code: str) -> str:
    if code.upper() != code:
        raise ValidationFailed("invalid_code", "Codes are upper case.", field="code")
    return code


@transaction.atomic
def create_areas(*, by: User, areas: list[tuple[str, str]]) -> list[Area]:
    return Area._default_manager.bulk_create([Area(code=code, name=name) for code, name in areas])


@transaction.atomic
def create_area(*, by: User, code: str, name: str) -> Area:
    return create_areas(by=by, areas=[(clean_area(code=code), name)])[0]


@transaction.atomic
def update_area(*, by: User, area: Area, code: str, name: str) -> Area:
    area.code, area.name = code, name
    area.save()
    return area
