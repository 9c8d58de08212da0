"""Signals sent by accounts' write services, inside their transaction.

accounts sits below history in the layering (docs/architecture.md), so it may not call
``history.services.record_activity``; history connects to ``account_changed`` in its ``ready()``.
"""

from django.dispatch import Signal

# Sent with: target (a ServiceCenter or User), type (e.g. "user.updated"), by (User or None for the
# system), reason (str), changes ({field: (old, new)}), data (dict). Receivers run in the transaction.
account_changed = Signal()
