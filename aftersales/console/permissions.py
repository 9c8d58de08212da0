"""Who sees the console's own screens."""

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User


def has_home_page(user: User) -> bool:
    """A technician's "my work" is the phone view of today's jobs: their "/" redirects there."""
    return user.is_superuser or user.role != Role.TECHNICIAN
