"""Campaigns: an event or offer announced to a chosen set of customers (domain.md Follow-up §15 6):
the notice two weeks ahead (by SMS through the outbox, once per customer), letters within 2 working
days of the decision, every message on the customer's contact log with its delivery status."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.capabilities import users_with_capability
from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.permissions import centres_visible_to
from aftersales.calendars.selectors import WorkingCalendar, business_timezone
from aftersales.care.choices import CampaignKind, ContactChannel, Direction
from aftersales.care.models import Campaign, CampaignRecipient, ContactEntry
from aftersales.care.permissions import campaigns_visible_to, can_run_campaigns
from aftersales.care.services.contacts import send_customer_message
from aftersales.care.services.customer_sms import CAMPAIGN
from aftersales.catalog.models import ProductModel
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.phones import is_mobile
from aftersales.core.text import in_site_language, site_language
from aftersales.core.validation import require_choice, require_text
from aftersales.customers.models import Contact, Customer
from aftersales.history.services import record_activity
from aftersales.installed_base.models import Unit
from aftersales.notifications.services import notify_user

# The notice goes out at least this many days before the event (提前两周, §15 6).
NOTICE_DAYS = 14
# Letters are sent within this many working days of the decision (两日内, §15 6).
LETTER_WORKING_DAYS = 2


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` years earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def audience(
    *,
    centre: ServiceCenter,
    product_model: ProductModel | None = None,
    province: str = "",
    older_than_years: int | None = None,
    on: datetime.date,
) -> QuerySet[Customer]:
    """The centre's customers owning a unit that matches every filter given (all its customers with a
    unit when none is): of the model, at a site in the province, bought (or installed) more than N years ago."""
    units = Unit.objects.filter(customer=OuterRef("pk"))
    if product_model is not None:
        units = units.filter(product_model=product_model)
    if province:
        units = units.filter(site__province__contains=province)
    if older_than_years is not None:
        cutoff = years_before(on, older_than_years)
        units = units.filter(Q(purchase_date__lte=cutoff) | Q(purchase_date__isnull=True, installed_on__lte=cutoff))
    return Customer.objects.filter(service_center=centre).filter(Exists(units)).order_by("pk")


@transaction.atomic
def announce_campaign(
    *,
    by: User,
    title: str,
    message: str,
    event_on: datetime.date,
    kind: str = CampaignKind.EVENT,
    service_center: ServiceCenter | None = None,
    product_model: ProductModel | None = None,
    province: str = "",
    older_than_years: int | None = None,
    late_reason: str = "",
    now: datetime.datetime | None = None,
) -> Campaign:
    """Decide and announce a campaign: its recipients chosen now, an SMS to each one's primary mobile
    through the outbox (key ``campaign-<id>-customer-<id>-sms``: never sent twice), each logged on the
    customer's contact log. Less than two weeks ahead needs ``late_reason``; nobody to tell is refused."""
    if not can_run_campaigns(by):
        raise PermissionDeniedError("forbidden", _("You may not announce campaigns."))
    centre = service_center or by.service_center
    if centre is None or not centres_visible_to(by).filter(pk=centre.pk).exists():
        raise NotFoundError("not_found", _("No such service centre."), field="service_center")
    if not can_run_campaigns(by, centre_id=centre.pk):
        raise NotFoundError("not_found", _("No such service centre."), field="service_center")
    title = require_text(title, field="title", max_length=200)
    message = require_text(message, field="message", max_length=500)
    require_choice(kind, field="kind", choices=CampaignKind)
    province = require_text(province, field="province", max_length=50, required=False)
    late_reason = require_text(late_reason, field="late_reason", max_length=300, required=False)
    if older_than_years is not None and not 0 <= older_than_years <= 50:
        raise ValidationFailed("invalid_number", _("A number of years from 0 to 50."), field="older_than_years")
    now = now or timezone.now()
    today = now.astimezone(business_timezone()).date()
    if event_on < today:
        raise ValidationFailed("campaign_too_late", _("The event day has passed."), field="event_on")
    if (event_on - today).days < NOTICE_DAYS and not late_reason:
        raise ValidationFailed(
            "campaign_too_late",
            _("Customers are told two weeks ahead: the event must be on %(day)s or later, or say why it is not.")
            % {"day": (today + datetime.timedelta(days=NOTICE_DAYS)).isoformat()},
            field="event_on",
        )
    customers = list(
        audience(
            centre=centre, product_model=product_model, province=province, older_than_years=older_than_years, on=today
        )
    )
    if not customers:
        raise ValidationFailed("no_recipients", _("No customer matches the chosen owners."), field="recipients")
    campaign = Campaign.objects.create(
        service_center=centre,
        kind=kind,
        title=title,
        message=message,
        event_on=event_on,
        decided_on=today,
        letters_due_on=WorkingCalendar().add_working_days(start=today, days=LETTER_WORKING_DAYS).day,
        product_model=product_model,
        province=province,
        older_than_years=older_than_years,
        late_reason=late_reason,
        created_by=by,
    )
    mobiles: dict[int, str] = {}
    for contact in Contact.objects.in_use().filter(customer__in=customers).order_by("customer_id", "-is_primary", "pk"):
        mobiles.setdefault(contact.customer_id, contact.mobile)
    recipients = CampaignRecipient.objects.bulk_create(
        CampaignRecipient(campaign=campaign, customer=customer, mobile=mobiles.get(customer.pk, ""))
        for customer in customers
    )
    send_campaign_messages(campaign=campaign, recipients=recipients, by=by)
    record_activity(
        target=campaign,
        type="campaign.announced",
        by=by,
        data={"recipients": len(recipients), "event_on": event_on.isoformat(), "late_reason": late_reason},
    )
    return campaign


def send_campaign_messages(*, campaign: Campaign, recipients: list[CampaignRecipient], by: User) -> int:
    """The SMS of each recipient with a mobile, through the outbox and on the contact log; a recipient
    told already (its key in the outbox) is not told again. Returns how many were written now. The log's
    line is in the site's language, whoever announces (QA 2026-12-07: it followed the manager's).

    A customer SMS of kind ``campaign``: the campaign's title and message are the company's words, yet
    it is signed 【company】 (not 【title】: the gateways take what is in 【】 as the sender) and ends with
    the hotline, and one announced at night waits for the morning. No switch: announcing is the choice."""
    written = 0
    with site_language():
        summary = _("Campaign “%(title)s” announced by SMS") % {"title": campaign.title}
        text = _("%(title)s: %(message)s") % {"title": campaign.title, "message": campaign.message}
    for recipient in recipients:
        if not is_mobile(recipient.mobile):
            continue
        key = f"campaign-{campaign.pk}-customer-{recipient.customer_id}-sms"
        told_before = ContactEntry.objects.filter(message_key=key).exists()
        send_customer_message(
            by=by,
            customer=recipient.customer,
            channel=ContactChannel.SMS,
            recipient=recipient.mobile,
            body=text,
            key=key,
            summary=summary,
            skip_checks=True,
            kind=CAMPAIGN,
        )
        if recipient.message_key != key:
            recipient.message_key = key
            recipient.save(update_fields=["message_key"])
        written += not told_before
    return written


@transaction.atomic
def record_letters_sent(*, campaign_id: int, by: User, now: datetime.datetime | None = None) -> Campaign:
    """The campaign's letters are posted: one letter on every recipient's contact log (once)."""
    campaign = campaigns_visible_to(by).select_for_update(of=("self",)).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFoundError("not_found", _("No such campaign."))
    if not can_run_campaigns(by, centre_id=campaign.service_center_id):
        raise PermissionDeniedError("forbidden", _("You may not announce campaigns."))
    if campaign.letters_sent_at is not None:
        raise ConflictError("letters_sent", _("The letters of this campaign are recorded as sent already."))
    now = now or timezone.now()
    campaign.letters_sent_at = now
    campaign.save(update_fields=["letters_sent_at", "updated_at"])
    with site_language():  # the log's line, whoever records the letters
        summary = _("Campaign letter “%(title)s” (event on %(day)s)") % {
            "title": campaign.title,
            "day": campaign.event_on.isoformat(),
        }
    ContactEntry.objects.bulk_create(
        ContactEntry(
            customer_id=recipient.customer_id,
            channel=ContactChannel.LETTER,
            direction=Direction.OUTBOUND,
            at=now,
            by=by,
            summary=summary,
        )
        for recipient in campaign.recipients.all()
    )
    record_activity(
        target=campaign,
        type="campaign.letters_sent",
        by=by,
        data={"late": now.astimezone(business_timezone()).date() > campaign.letters_due_on},
    )
    return campaign


@in_site_language
def remind_late_letters(*, now: datetime.datetime | None = None) -> int:
    """The periodic job: a campaign whose letters were not posted by their due day (§15 6: within 2
    working days of the decision) is told once to whoever announced it and to the centre's campaign
    managers (an in-app notice, keyed per campaign and person: never twice). Returns how many were told."""
    today = (now or timezone.now()).astimezone(business_timezone()).date()
    late = Campaign.objects.filter(letters_sent_at__isnull=True, letters_due_on__lt=today).select_related("created_by")
    told = 0
    for campaign in late:
        managers = users_with_capability("care.run_campaigns").filter(service_center_id=campaign.service_center_id)
        people = {campaign.created_by_id: campaign.created_by, **{m.pk: m for m in managers}}
        message = _("The letters of “%(title)s” were due on %(day)s and are not recorded as sent.") % {
            "title": campaign.title,
            "day": campaign.letters_due_on.isoformat(),
        }
        with transaction.atomic():
            for person in people.values():
                notify_user(
                    user=person,
                    message=message,
                    key=f"campaign-{campaign.pk}-letters-late-{person.pk}",
                    url=f"/care/campaigns/{campaign.pk}/",
                    target=campaign,
                    sms=False,
                )
                told += 1
    return told
