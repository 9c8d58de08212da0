"""Who may see product models (every active member of staff: the catalogue is not scoped by centre) and
who may change them (their warranty months decide coverage for every centre)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.catalog.models import ProductModel

# The catalog rows of the capability table (registered by CatalogConfig.ready()).
CAPABILITIES = (capability("catalog.edit_product_models", _("Add and edit product models"), Role.MANAGER, Role.ADMIN),)


def can_edit_catalog(user: User) -> bool:
    return has_capability(user, "catalog.edit_product_models")


def product_models_visible_to(user: User) -> QuerySet[ProductModel]:
    if not (user.is_authenticated and user.is_active):
        return ProductModel.objects.none()
    return ProductModel.objects.all()
