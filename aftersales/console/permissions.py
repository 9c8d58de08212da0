"""Who sees the console's own screens."""

from aftersales.accounts.models import User
from aftersales.service.permissions import sees_centre_orders


def has_home_page(user: User) -> bool:
    """A technician's "my work" is the phone view of today's jobs: their "/" redirects there."""
    return sees_centre_orders(user)
