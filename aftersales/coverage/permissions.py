"""Who may read and change the coverage data. Predicates only, so their bodies can change (capabilities)
without touching the callers."""

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.permissions import has_any_role


def can_view_coverage_rules(user: User) -> bool:
    """Everyone signed in may read the rules that decide coverage (an agent explains a verdict)."""
    return bool(user.is_authenticated and user.is_active)


def can_edit_coverage_rules(user: User) -> bool:
    """The rules apply to every centre, like the product models: service managers and administrators."""
    return bool(user.is_authenticated and user.is_active and has_any_role(user, (Role.MANAGER, Role.ADMIN)))
