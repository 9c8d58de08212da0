"""Who may change product models (their warranty months decide coverage for every centre)."""

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User

# The catalog rows of the capability table (registered by CatalogConfig.ready()).
CAPABILITIES = (capability("catalog.edit_product_models", _("Add and edit product models"), Role.MANAGER, Role.ADMIN),)


def can_edit_catalog(user: User) -> bool:
    return has_capability(user, "catalog.edit_product_models")
