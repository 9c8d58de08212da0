"""Quotes (报价): the lines the customer pays, with tax, sent as a link that needs no account; the
customer approves or declines once, through the link or on site with a drawn signature.

domain.md Warranty §6 1.5.2: out of warranty a quote comes first and the customer decides; a declined
quote ends the order with only the agreed diagnosis fee (§3: diagnose first, then serve).
"""

import datetime
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.text import site_language
from aftersales.core.uploads import clean_upload
from aftersales.core.validation import require_text
from aftersales.money.amounts import line_amounts, total
from aftersales.money.choices import AnswerChannel, Bearer, ChargeKind, LineStatus, PauseReason, QuoteStatus
from aftersales.money.conf import default_tax_rate, quote_valid_days
from aftersales.money.models import ChargeLine, Quote, QuoteLine
from aftersales.money.permissions import can_add_charges, quotes_visible_to
from aftersales.money.services.common import require_amount
from aftersales.money.services.customer_sms import QUOTE_SENT, tell_reporter
from aftersales.money.services.pauses import end_pause, start_pause
from aftersales.service.choices import OPEN_STATUSES, OrderStatus
from aftersales.service.models import ServiceOrder
from aftersales.service.services.common import lock_order
from aftersales.service.services.orders import check_move, transition_order

TOKEN_SALT = "aftersales.money.quote"  # noqa: S105 - a signing salt (a namespace), not a secret
# The link's signature stops working after this long whatever the quote says (a bound on old links).
TOKEN_MAX_AGE = datetime.timedelta(days=120)


def quote_token(quote: Quote) -> str:
    return signing.dumps([quote.pk, quote.nonce], salt=TOKEN_SALT, compress=True)


def quote_link(quote: Quote) -> str:
    base = str(settings.AFTERSALES.get("SITE_URL", "")).rstrip("/")
    return base + reverse("money_public:quote", kwargs={"token": quote_token(quote)})


def quote_from_token(token: str) -> Quote:
    """The one quote a link opens; a forged, altered, replaced or very old link answers 404."""
    try:
        quote_id, nonce = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        quote = Quote.objects.select_related("order", "order__customer").get(pk=int(quote_id))
    except (signing.BadSignature, ValueError, TypeError, Quote.DoesNotExist) as exc:
        raise NotFoundError("not_found", _("This link is not valid.")) from exc
    if not secrets.compare_digest(str(nonce), quote.nonce):
        raise NotFoundError("not_found", _("This link is not valid."))
    return quote


def get_quote(*, user: User, quote_id: int) -> Quote:
    quote = quotes_visible_to(user).select_related("order").filter(pk=quote_id).first()
    if quote is None:
        raise NotFoundError("not_found", _("No such quote."))
    return quote


@transaction.atomic
def send_quote(
    order: ServiceOrder,
    *,
    by: User,
    valid_days: int | None = None,
    diagnosis_fee: Any = Decimal("0.00"),
    notify: bool = True,
    now: datetime.datetime | None = None,
) -> Quote:
    """Quote every draft line the customer pays; the customer gets the link by SMS (a customer SMS,
    kind ``quote_sent``: signed, held through the quiet hours, none when switched off).
    One quote waits at a time (409 ``quote_pending``); nothing to quote answers 409 ``nothing_to_quote``.
    ``now``: when it was sent (the demo's history; the console and the API send it now)."""
    if not can_add_charges(by):
        raise PermissionDeniedError("forbidden", _("Your role may not send quotes."))
    order = lock_order(order, by=by)
    if not can_add_charges(by, order):
        raise PermissionDeniedError("forbidden", _("Your role may not send quotes for this order."))
    if order.status not in OPEN_STATUSES:
        raise ConflictError("order_not_open", _("Quotes are sent for open orders only."))
    days = quote_valid_days() if valid_days is None else valid_days
    if not 1 <= days <= 60:
        raise ValidationFailed("out_of_range", _("A quote is valid for 1 to 60 days."), field="valid_days")
    fee = require_amount(diagnosis_fee, field="diagnosis_fee")
    if order.quotes.filter(status=QuoteStatus.SENT).exists():
        raise ConflictError("quote_pending", _("A quote is waiting for the customer: withdraw it first."))
    lines = list(
        order.charge_lines.select_for_update().filter(bearer=Bearer.CUSTOMER, status=LineStatus.DRAFT).order_by("id")
    )
    if not lines:
        raise ConflictError("nothing_to_quote", _("No charge the customer pays is waiting for a quote."))
    figures = total(lines)
    now = now or timezone.now()
    quote = Quote.objects.create(
        order=order,
        number=next_number(prefix="QT", day=timezone.localdate(now)),
        net=figures.net,
        tax=figures.tax,
        gross=figures.gross,
        diagnosis_fee=fee,
        expires_at=now + datetime.timedelta(days=days),
        nonce=secrets.token_hex(8),
        created_by=by,
    )
    QuoteLine.objects.bulk_create(
        QuoteLine(
            quote=quote,
            charge_line=line,
            kind=line.kind,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            tax_rate=line.tax_rate,
            net=line.net,
            tax=line.tax,
            gross=line.gross,
        )
        for line in lines
    )
    ChargeLine.objects.filter(pk__in=[line.pk for line in lines]).update(status=LineStatus.QUOTED, updated_at=now)
    start_pause(order, reason=PauseReason.CUSTOMER, note=quote.number, at=now)  # the clock waits for the answer
    if notify:
        with site_language():
            text = _(
                "Quote %(number)s for service order %(order)s: ¥%(gross)s incl. tax. Open to approve or decline: %(link)s"
            ) % {"number": quote.number, "order": order.number, "gross": quote.gross, "link": quote_link(quote)}
        tell_reporter(
            order,
            kind=QUOTE_SENT,
            subject=quote.number,
            text=text,
            key=f"quote-{quote.pk}-sent-{quote.nonce}",
            now=now,
            about=quote,
        )
    return quote


def _lock_quote(quote: Quote) -> Quote:
    return Quote.objects.select_for_update(of=("self",)).select_related("order").get(pk=quote.pk)


def _require_open(quote: Quote, *, now: datetime.datetime) -> None:
    if quote.status != QuoteStatus.SENT:
        raise ConflictError(
            "quote_answered",
            _("This quote was answered already (%(status)s).") % {"status": quote.get_status_display()},
        )
    if quote.expires_at <= now:
        raise ConflictError("quote_expired", _("This quote has expired: ask for a new one."))


def _end_declined_order(quote: Quote, order: ServiceOrder) -> bool:
    """A declined quote ends the order (cancelled, in the name of whoever sent the quote) when the
    move is allowed; otherwise the order stays as it is for the desk to close."""
    if order.status not in OPEN_STATUSES:
        return False
    reason = _("The customer declined quote %(number)s.") % {"number": quote.number}
    try:
        check_move(order, to=OrderStatus.CANCELLED, by=quote.created_by, reason=reason)
    except DomainError:
        return False
    transition_order(order, to=OrderStatus.CANCELLED, by=quote.created_by, reason=reason)
    return True


@transaction.atomic
def answer_quote(
    quote: Quote,
    *,
    approve: bool,
    name: str,
    channel: str = AnswerChannel.LINK,
    signature: UploadedFile | None = None,
    note: str = "",
    by: User | None = None,
    now: datetime.datetime | None = None,
) -> Quote:
    """The customer's answer, once: name and time always, a drawn signature when answered on site
    (``by`` is the member of staff who recorded it). Approving makes the lines billable; declining
    voids them, keeps only the agreed diagnosis fee, and ends the order. ``now``: when it was answered
    (the demo's history; the link and the console answer now)."""
    if channel == AnswerChannel.ON_SITE:
        if by is None or not can_add_charges(by):
            raise PermissionDeniedError("forbidden", _("Your role may not record a customer's answer."))
        lock_order(quote.order, by=by)
    else:
        lock_order(quote.order)
    quote = _lock_quote(quote)
    now = now or timezone.now()
    _require_open(quote, now=now)
    name = require_text(name, field="name", max_length=100)
    note = require_text(note, field="note", max_length=500, required=False)
    if channel == AnswerChannel.ON_SITE:
        if signature is None:
            raise ValidationFailed("signature_required", _("The customer signs on the screen."), field="signature")
        upload = clean_upload(signature, field="signature", allowed_types=("image/png",), max_bytes=1024 * 1024)
        quote.signature.save(upload.name, upload.file, save=False)
    quote.status = QuoteStatus.APPROVED if approve else QuoteStatus.DECLINED
    quote.answered_at = now
    quote.answered_by_name = name
    quote.answer_channel = channel
    quote.answer_note = note
    quote.recorded_by = by
    quote.save()
    line_ids = list(quote.lines.values_list("charge_line_id", flat=True))
    lines = ChargeLine.objects.filter(pk__in=line_ids, status=LineStatus.QUOTED)
    order = ServiceOrder.objects.get(pk=quote.order_id)
    end_pause(order, reason=PauseReason.CUSTOMER, by=by, at=now)
    order.refresh_from_db()
    if approve:
        lines.update(status=LineStatus.APPROVED, updated_at=now)
        return quote
    lines.update(status=LineStatus.VOID, updated_at=now)
    if quote.diagnosis_fee > 0:
        ChargeLine.objects.create(
            order=order,
            kind=ChargeKind.DIAGNOSIS,
            description=_("Diagnosis fee (quote %(number)s declined)") % {"number": quote.number},
            quantity=Decimal("1.00"),
            unit_price=quote.diagnosis_fee,
            tax_rate=default_tax_rate(),
            **_diagnosis_amounts(quote.diagnosis_fee),
            bearer=Bearer.CUSTOMER,
            bearer_rule=Bearer.CUSTOMER,
            status=LineStatus.APPROVED,
            source=f"quote-{quote.pk}-declined",
            created_by=quote.created_by,
        )
    _end_declined_order(quote, order)
    return quote


def _diagnosis_amounts(fee: Decimal) -> dict[str, Decimal]:
    figures = line_amounts(quantity=Decimal("1"), unit_price=fee, tax_rate=default_tax_rate())
    return {"net": figures.net, "tax": figures.tax, "gross": figures.gross}


@transaction.atomic
def withdraw_quote(quote: Quote, *, by: User) -> Quote:
    """Take back a quote the customer has not answered: its lines are drafts again, its link dead."""
    if not can_add_charges(by):
        raise PermissionDeniedError("forbidden", _("Your role may not withdraw quotes."))
    lock_order(quote.order, by=by)
    quote = _lock_quote(quote)
    if quote.status != QuoteStatus.SENT:
        raise ConflictError("quote_answered", _("Only a quote waiting for the customer can be withdrawn."))
    quote.status = QuoteStatus.WITHDRAWN
    quote.nonce = secrets.token_hex(8)
    quote.save()
    end_pause(quote.order, reason=PauseReason.CUSTOMER, by=by)
    line_ids = list(quote.lines.values_list("charge_line_id", flat=True))
    ChargeLine.objects.filter(pk__in=line_ids, status=LineStatus.QUOTED).update(
        status=LineStatus.DRAFT, updated_at=timezone.now()
    )
    return quote
