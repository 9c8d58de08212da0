"""Who may use the import screen: anyone who may import at least one registered kind."""

from aftersales.accounts.models import User
from aftersales.customers.permissions import can_edit_customers


def can_import(user: User) -> bool:
    return can_edit_customers(user)
