"""Domain events of the field workforce: apps above it (money, pay) subscribe instead of being called.

Sent inside the transaction of the change (see docs/architecture.md, "Domain events").
"""

from django.dispatch import Signal

# Sent when an expense claim passes its last approval step. Keyword arguments:
#   claim: ExpenseClaim (approved; its lines name the orders the costs belong to), actor: User.
claim_approved = Signal()
