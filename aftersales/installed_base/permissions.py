"""Who may see units: those who may see their owner."""

from django.db.models import QuerySet

from aftersales.accounts.models import User
from aftersales.accounts.permissions import scope_by_centre
from aftersales.installed_base.models import Unit


def units_visible_to(user: User) -> QuerySet[Unit]:
    return scope_by_centre(Unit.objects.all(), user, field="customer__service_center")
