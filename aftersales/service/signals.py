"""Domain events of the service context: other apps subscribe instead of being called from here.

Both signals are sent by ``service.services.common.record_event`` — the one place that writes an
``OrderEvent`` — so every business change to an order is announced, and a new subscriber needs no edit
to ``transition_order`` or any other service (STYLE.md §19, pretalx's ``submission_state_change``).

Receivers run **inside the transaction** of the change, after the event row is written:

- they see the order as it is about to be committed and may write their own rows in the same
  transaction (an outbox message, a follow-up, a contract visit marked done);
- an exception in a receiver propagates to the caller and rolls the whole change back, so a receiver
  must raise only when the change itself must not happen;
- anything that leaves the machine (SMS, mail, webhooks) must not be done in a receiver: write an
  outbox message (``aftersales.notifications.services.enqueue_message``); the relay sends it after
  commit.

Connect receivers in the subscribing app's ``AppConfig.ready()``::

    order_status_changed.connect(on_order_status_changed, dispatch_uid="myapp.on_status")
"""

from django.dispatch import Signal

# Sent for every OrderEvent row. Keyword arguments:
#   order: ServiceOrder (the locked, saved row), event: OrderEvent, actor: User | None.
order_event_recorded = Signal()

# Sent after ``order_event_recorded`` when the event moves the status. Keyword arguments:
#   order: ServiceOrder, event: OrderEvent, actor: User | None, old_status: str, new_status: str.
order_status_changed = Signal()
