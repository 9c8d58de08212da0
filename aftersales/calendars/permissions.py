"""Who may change the working-day calendar: it moves every centre's due dates, so administrators only."""

from aftersales.accounts.models import User
from aftersales.accounts.permissions import is_admin


def can_edit_calendar(user: User) -> bool:
    return user.is_authenticated and user.is_active and is_admin(user)
