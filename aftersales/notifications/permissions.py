"""Who reads which notices, and who runs the outbox.

Notices: everyone their own, nobody anybody else's (an administrator included).

The outbox screen (``/settings/outbox/``): general managers and administrators
(``notifications.manage_outbox``), who see every centre. The outbox is one company-wide queue whose rows
name no service centre (a message knows its recipient and key, not the order or centre behind it), so
its scope is all of it or nothing; a centre's service manager does not run it (they would read and
re-send other centres' customers' SMS, a quote's approval link among them) until a message records its
centre. The recipients' phone numbers and e-mail addresses are personal data of customers of every
centre: only administrators (``notifications.see_recipients``), who run the gateways and already see
them in the Django admin, read them in full; a general manager sees them masked (``+86138******78``).
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role
from aftersales.notifications.models import Notification, OutboxMessage

CAPABILITIES = (
    capability(
        "notifications.manage_outbox",
        _("See the outbox, queue messages again, cancel them"),
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
    capability("notifications.see_recipients", _("Read the outbox's phone numbers and addresses in full"), Role.ADMIN),
)


def can_read_notices(user: Any) -> bool:
    """Every signed-in, active user has a notice list (the bell)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def notices_visible_to(user: Any) -> QuerySet[Notification]:
    if not can_read_notices(user):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def can_manage_outbox(user: Any) -> bool:
    """Opens the outbox screen, queues a message again, cancels one."""
    return has_capability(user, "notifications.manage_outbox")


def can_see_recipients(user: Any) -> bool:
    """Reads an SMS's number and an e-mail's address unmasked."""
    return has_capability(user, "notifications.see_recipients")


def outbox_visible_to(user: Any) -> QuerySet[OutboxMessage]:
    """The outbox messages ``user`` may see: all of them for whoever runs it, none for anyone else."""
    if not can_manage_outbox(user):
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.all()
