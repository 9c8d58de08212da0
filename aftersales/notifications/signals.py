"""Domain events of the notifications context: other apps subscribe instead of being called from here.

``message_queued`` is sent by ``services.enqueue_message`` — the one place that writes a single outbox
message — once for every new message, inside the transaction that writes it (a second call with a key
already in the outbox writes nothing and sends nothing). A receiver may write its own rows in the same
transaction (customer care logs an SMS to a customer on the contact log); it must not send anything
itself. ``enqueue_notices`` (a sweep's in-app notices, written in bulk) sends nothing: those are for
the console only.

Connect receivers in the subscribing app's ``AppConfig.ready()``::

    message_queued.connect(on_message_queued, dispatch_uid="myapp.on_message_queued")
"""

from django.dispatch import Signal

# Keyword arguments: message: OutboxMessage (saved, in the caller's transaction); about: the model instance the
# message is about, as the caller holds it (e.g. the ServiceOrder of an SMS to its reporter), or None.
message_queued = Signal()
