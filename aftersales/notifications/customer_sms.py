"""SMS to customers: signed with the company's name, ending with its hotline, held through the night.

``send_customer_sms`` is what a service calls, in its transaction, to tell a customer something (an
order received, a technician assigned, an order completed, a due date moved: domain.md Intake §6
1.1.2, keep the customer informed). It writes one outbox message (``enqueue_message``, at most once
per key) when

- the number is a mobile (a landline or a 400 number given as the reporter's phone gets nothing);
- the company sends that kind (``CustomerSmsSwitch``, settings → 客户短信; on by default; a kind
  registered as not ``switchable`` is always sent);
- no demo is being loaded (``customer_sms_suppressed``).

The text is written in the site's language and reads ``【company】text 客服热线：hotline``, the name and
hotline from the company profile (settings → 公司信息; ``accounts.selectors.company_profile``). A
message written in the quiet hours (``AFTERSALES_SMS_QUIET_HOURS``, 21:00–08:00 by default, in
``TIME_ZONE``) waits in the outbox until they end, and so does a retry after a failure that would fall
in them (``quiet_hours``; the message's context names its kind). Staff's in-app notices and SMS, and a portal
sign-in code the customer is waiting for, do not go through here and are never held (the code is
signed all the same: ``signed_text(..., hotline=False)``).
"""

import contextvars
import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps as global_apps
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.utils.translation import gettext as _

from aftersales.accounts.selectors import company_profile
from aftersales.core.phones import is_mobile
from aftersales.core.text import site_language
from aftersales.notifications.choices import MessageChannel
from aftersales.notifications.kinds import customer_sms_kinds
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.quiet_hours import held_until
from aftersales.notifications.services import enqueue_message
from aftersales.notifications.switches import customer_sms_enabled

_suppressed: contextvars.ContextVar[bool] = contextvars.ContextVar("customer_sms_suppressed", default=False)


@contextmanager
def customer_sms_suppressed() -> Iterator[None]:
    """No customer SMS is written inside: loading the demo, whose orders are history and whose
    numbers are made up (a message per order, and its line on the contact log, would flood both)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def signed_text(text: str, *, hotline: bool = True) -> str:
    """``【company】text``, then the hotline when the company profile has one (and ``hotline``): what
    the customer reads, in the site's language (the signature in 【】 is what Chinese SMS gateways
    expect on every message)."""
    company = company_profile()
    with site_language():
        if hotline and company.hotline:
            text = _("%(text)s Hotline: %(hotline)s") % {"text": text, "hotline": company.hotline}
    return f"【{company.name}】{text}"


def send_customer_sms(
    *,
    kind: str,
    recipient: str,
    text: str,
    key: str,
    subject: str = "",
    now: datetime.datetime | None = None,
    about: Model | None = None,
) -> OutboxMessage | None:
    """Queue ``text`` (already in the site's language) for the customer's mobile ``recipient`` in the
    caller's transaction, signed and held through the quiet hours, once per ``key``; None when nothing
    is written (no mobile, the kind switched off, a demo loading). ``kind`` must be registered; ``about``
    (the record the message is about) goes to ``message_queued``'s receivers."""
    registered = customer_sms_kinds.get(kind)
    if registered is None:
        raise ImproperlyConfigured(f"customer SMS kind {kind!r} is not registered")
    if _suppressed.get() or not is_mobile(recipient):
        return None
    if registered.switchable and not customer_sms_enabled(kind):
        return None
    return enqueue_message(
        channel=MessageChannel.SMS,
        recipient=recipient,
        subject=subject,
        body=signed_text(text),
        # The relay holds a retry through the quiet hours too (services._record_failure).
        context={"customer_sms": kind},
        key=key,
        send_at=held_until(now),
        about=about,
    )


# --- the settings section ------------------------------------------------------------------------


def ensure_switches(*, apps: Any = None, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """A switch (on) for every registered switchable kind that has none, so the settings screen lists
    them all (``post_migrate``, connected in ``NotificationsConfig.ready``; nothing when migrated back
    before the table)."""
    try:
        model = (apps or global_apps).get_model("notifications", "CustomerSmsSwitch")
    except LookupError:
        return
    model.objects.using(using).bulk_create(
        [model(kind=kind.key) for kind in customer_sms_kinds if kind.switchable], ignore_conflicts=True
    )
