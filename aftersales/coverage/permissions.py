"""Who may read and change the coverage data (the rules apply to every centre, like the product models)."""

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User

# The coverage rows of the capability table (registered by CoverageConfig.ready()).
CAPABILITIES = (
    capability(
        "coverage.edit_rules", _("Change serial-date rules and lifetime-covered items"), Role.MANAGER, Role.ADMIN
    ),
)


def can_view_coverage_rules(user: User) -> bool:
    """Everyone signed in may read the rules that decide coverage (an agent explains a verdict)."""
    return bool(user.is_authenticated and user.is_active)


def can_edit_coverage_rules(user: User) -> bool:
    return has_capability(user, "coverage.edit_rules")
