"""Payment reminders (domain.md Fees §6 1.5.4: after the repair finance invoices and chases payment).

The periodic job ``money.remind_receivables`` (daily is enough; it runs hourly and is idempotent) looks
at every issued invoice with money still owed past its due date. On each step of
``AFTERSALES["PAYMENT_REMINDER_DAYS"]`` (1, 15, 30, 60 days overdue) the customer gets one SMS and
whoever issued the invoice one in-app notice, through the outbox: the message key names the invoice and
the step, so a step is never sent twice, and a job that missed days sends only the latest step reached.
The SMS is a customer SMS (kind ``payment_reminder``): signed 【company】 and ending with the hotline to
call if the customer has paid already, held through the quiet hours, none when switched off.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.text import in_site_language
from aftersales.money.amounts import to_fen
from aftersales.money.choices import InvoiceStatus
from aftersales.money.conf import reminder_days
from aftersales.money.models import Invoice
from aftersales.money.selectors import with_outstanding
from aftersales.money.services.customer_sms import PAYMENT_REMINDER, tell_reporter
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.services import notify_user


def reminder_step(days_overdue: int) -> int | None:
    """The latest reminder step reached after ``days_overdue`` days (None before the first)."""
    reached = [day for day in sorted(reminder_days()) if day <= days_overdue]
    return reached[-1] if reached else None


@in_site_language
def remind_receivables(now: datetime.datetime | None = None) -> int:
    """Send the reminders due today; returns how many customers were reminded by SMS."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    overdue = (
        with_outstanding(Invoice.objects.filter(status=InvoiceStatus.ISSUED, due_on__lt=today))
        .filter(outstanding__gt=0)  # type: ignore[misc]  # the annotation of with_outstanding
        .select_related("order", "issued_by")
        .order_by("due_on", "id")
    )
    sent = 0
    for invoice in overdue:
        step = reminder_step((today - invoice.due_on).days)  # type: ignore[operator]
        key = f"invoice-{invoice.pk}-reminder-{step}"
        # Told already: the SMS, or finance's notice when no SMS was written (no mobile, switched off).
        if step is None or OutboxMessage.objects.filter(key__in=(key, f"{key}-finance-in_app")).exists():
            continue
        with transaction.atomic():
            values = {
                "number": invoice.number,
                "order": invoice.order.number,
                "amount": to_fen(Decimal(invoice.outstanding)),  # type: ignore[attr-defined]
                "due": f"{invoice.due_on:%Y-%m-%d}",
            }
            # The hotline to call ends every customer SMS (its signature).
            reminder = tell_reporter(
                invoice.order,
                kind=PAYMENT_REMINDER,
                subject=invoice.number,
                text=_(
                    "Reminder: invoice %(number)s (service order %(order)s) was due on %(due)s; ¥%(amount)s is "
                    "still open. Please pay, or call us if you have paid already."
                )
                % values,
                key=key,
                now=now,
                about=invoice,
            )
            if invoice.issued_by is not None:
                notify_user(
                    user=invoice.issued_by,
                    message=(
                        _("Invoice %(number)s is overdue since %(due)s: ¥%(amount)s open; the customer was reminded.")
                        if reminder is not None
                        else _(
                            "Invoice %(number)s is overdue since %(due)s: ¥%(amount)s open; the customer got no SMS "
                            "(no mobile, or payment reminders are switched off)."
                        )
                    )
                    % values,
                    subject=invoice.number,
                    url=reverse("money:invoice_detail", kwargs={"invoice_id": invoice.pk}),
                    target=invoice,
                    key=f"{key}-finance",
                    sms=False,
                )
        sent += reminder is not None
    return sent
