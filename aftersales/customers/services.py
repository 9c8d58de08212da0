"""Writes on customers, contacts and sites."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import cast

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import ServiceCenter, User
from aftersales.core.bulk import bulk_insert
from aftersales.core.errors import ConflictError, ValidationFailed
from aftersales.core.phones import normalize_phone
from aftersales.core.validation import Checks, field_max_length, require_choice, require_text
from aftersales.customers.choices import CustomerKind
from aftersales.customers.models import Contact, Customer, Site
from aftersales.customers.permissions import require_may_edit_customer
from aftersales.history.services import changed, created_values, record_activities, record_activity, snapshot

CUSTOMER_FIELDS = ("name", "kind", "service_center", "notes")


@dataclass(frozen=True)
class ContactData:
    name: str
    mobile: str
    is_primary: bool = False


@dataclass(frozen=True)
class SiteData:
    name: str
    address: str
    province: str = ""
    city: str = ""


def _resolve_centre(*, by: User, service_center: ServiceCenter | None) -> ServiceCenter:
    centre = service_center or by.service_center
    if centre is None:
        raise ValidationFailed("required", _("Choose a service centre."), field="service_center_id")
    require_may_edit_customer(
        by, centre_id=centre.pk, not_found=_("No such service centre."), field="service_center_id"
    )
    return centre


def _validated_contact(data: ContactData, *, index: int | None = None) -> ContactData:
    # A contact of its own (POST /customers/{id}/contacts) names its fields plainly.
    prefix = "" if index is None else f"contacts[{index}]."
    checks = Checks()
    name = checks.run(require_text, data.name, field=f"{prefix}name", max_length=field_max_length(Contact, "name"))
    if (data.mobile or "").strip():
        mobile = checks.run(normalize_phone, data.mobile, field=f"{prefix}mobile")
    else:  # not “” is not a valid phone number (found by hand, 2026-12-07)
        mobile = None
        checks.add(ValidationFailed("required", _("A contact needs a mobile number."), field=f"{prefix}mobile"))
    checks.done()
    return ContactData(name=name or "", mobile=mobile or "", is_primary=data.is_primary)


def _validated_site(data: SiteData, *, index: int | None = None) -> SiteData:
    prefix = "" if index is None else f"sites[{index}]."
    checks = Checks()
    texts = {
        key: checks.run(
            require_text,
            getattr(data, key),
            field=f"{prefix}{key}",
            max_length=field_max_length(Site, key),
            required=key in ("name", "address"),
        )
        for key in ("name", "address", "province", "city")
    }
    checks.done()
    return SiteData(**{key: value or "" for key, value in texts.items()})


@dataclass(frozen=True)
class NewCustomer:
    """A customer checked by ``clean_customer``, ready for ``create_customers``."""

    name: str
    kind: str
    service_center: ServiceCenter
    notes: str
    contacts: list[ContactData]
    sites: list[SiteData]


def clean_customer(
    *,
    by: User,
    name: str,
    kind: str = CustomerKind.COMPANY,
    service_center: ServiceCenter | None = None,
    notes: str = "",
    contacts: Iterable[ContactData] = (),
    sites: Iterable[SiteData] = (),
) -> NewCustomer:
    """Every check of a new customer, writing nothing (the one place both the form, the API and the
    import go through): the centre ``by`` may add to, the texts' limits, the contacts' numbers. Every
    field's problem is found, the first raised with the others in its ``errors`` (``Checks``)."""
    checks = Checks()
    centre = checks.run(_resolve_centre, by=by, service_center=service_center)
    clean_name = checks.run(require_text, name, field="name", max_length=field_max_length(Customer, "name"))
    checks.run(require_choice, kind, field="kind", choices=CustomerKind)
    clean_notes = checks.run(
        require_text, notes, field="notes", max_length=field_max_length(Customer, "notes"), required=False
    )
    given_contacts = list(contacts)
    clean_contacts = [checks.run(_validated_contact, c, index=i) for i, c in enumerate(given_contacts)]
    mobiles = [c.mobile for c in clean_contacts if c is not None]
    if len(set(mobiles)) != len(mobiles):
        checks.add(ValidationFailed("duplicate_mobile", _("The same mobile number is listed twice."), field="contacts"))
    if sum(c.is_primary for c in given_contacts) > 1:
        checks.add(
            ValidationFailed("duplicate_primary", _("Only one contact can be the primary one."), field="contacts")
        )
    clean_sites = [checks.run(_validated_site, s, index=i) for i, s in enumerate(sites)]
    checks.done()
    return NewCustomer(
        clean_name or "",
        kind,
        cast(ServiceCenter, centre),  # done() raised had the centre been refused
        clean_notes or "",
        _one_primary([c for c in clean_contacts if c is not None]),
        [s for s in clean_sites if s is not None],
    )


def _one_primary(contacts: list[ContactData]) -> list[ContactData]:
    """A new customer's contacts with exactly one primary: the one marked so, else the first (an
    import's row names one contact and does not say)."""
    chosen = next((i for i, c in enumerate(contacts) if c.is_primary), 0)
    return [replace(c, is_primary=i == chosen) for i, c in enumerate(contacts)]


@transaction.atomic
def create_customers(*, by: User, customers: list[NewCustomer]) -> list[Customer]:
    """Write customers checked by ``clean_customer``, with their contacts, sites and history rows,
    in one INSERT per table (an import's batch; a single customer is a batch of one). Each customer's
    contacts carry the one primary ``clean_customer`` chose."""
    rows = [Customer(kind=c.kind, name=c.name, service_center=c.service_center, notes=c.notes) for c in customers]
    if len(rows) == 1:
        rows[0].save(force_insert=True)
    else:
        rows = bulk_insert(rows)
    contacts = [
        Contact(customer=row, name=c.name, mobile=c.mobile, is_primary=c.is_primary)
        for row, new in zip(rows, customers, strict=True)
        for c in new.contacts
    ]
    sites = [
        Site(customer=row, name=s.name, address=s.address, province=s.province, city=s.city)
        for row, new in zip(rows, customers, strict=True)
        for s in new.sites
    ]
    if contacts:
        try:
            with transaction.atomic():
                bulk_insert(contacts)
        except IntegrityError as exc:  # a NewCustomer made by hand, not by clean_customer
            raise _contact_conflict(exc, field="contacts") from exc
    if sites:
        bulk_insert(sites)
    counts = {row.pk: (len(new.contacts), len(new.sites)) for row, new in zip(rows, customers, strict=True)}
    record_activities(
        targets=list(rows),
        type="customer.created",
        by=by,
        changes=lambda row: created_values(row, CUSTOMER_FIELDS),
        data=lambda row: {"contacts": counts[row.pk][0], "sites": counts[row.pk][1]},
    )
    return list(rows)


@transaction.atomic
def create_customer(
    *,
    by: User,
    name: str,
    kind: str = CustomerKind.COMPANY,
    service_center: ServiceCenter | None = None,
    notes: str = "",
    contacts: Iterable[ContactData] = (),
    sites: Iterable[SiteData] = (),
) -> Customer:
    """Create a customer with its contacts and sites. Everything is validated before anything is written."""
    new = clean_customer(
        by=by, name=name, kind=kind, service_center=service_center, notes=notes, contacts=contacts, sites=sites
    )
    return create_customers(by=by, customers=[new])[0]


@transaction.atomic
def update_customer(
    *, customer: Customer, by: User, name: str | None = None, notes: str | None = None, reason: str = ""
) -> Customer:
    """Rename a customer or change its notes; the change (old → new) goes to its history."""
    require_may_edit_customer(by, centre_id=customer.service_center_id)
    before = snapshot(customer, ("name", "notes"))
    if name is not None:
        customer.name = require_text(name, field="name", max_length=field_max_length(Customer, "name"))
    if notes is not None:
        customer.notes = require_text(
            notes, field="notes", max_length=field_max_length(Customer, "notes"), required=False
        )
    customer.save()
    changes = changed(before, snapshot(customer, ("name", "notes")))
    if changes:
        record_activity(target=customer, type="customer.updated", by=by, reason=reason, changes=changes)
    return customer


def _duplicate_mobile(field: str = "mobile") -> ConflictError:
    return ConflictError("duplicate_mobile", _("This customer already has a contact with that number."), field=field)


def _contact_conflict(exc: IntegrityError, *, field: str) -> ConflictError:
    """The contact constraint a write broke, as the 409 of the checked case; anything else is a bug
    and stays one. The checks and the customer's lock come first, so this answers a write that went
    around them (a batch built by hand) instead of a server error."""
    # PostgreSQL names the constraint; SQLite names the columns (the mobile's index has both).
    message = str(exc)
    if "contact_customer_mobile_uniq" in message or "customers_contact.mobile" in message:
        return _duplicate_mobile(field)
    if "contact_one_primary_per_customer" in message or "customers_contact.customer_id" in message:
        return ConflictError("duplicate_primary", _("This customer already has a primary contact."), field="is_primary")
    raise exc


def _save_contact(contact: Contact, *, update_fields: list[str] | None = None) -> None:
    """Insert or update a contact, checked and under the customer's lock (``_lock_customer``); were
    a constraint still broken it answers 409 like the checked case, never a server error."""
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            contact.save(update_fields=update_fields)
    except IntegrityError as exc:
        raise _contact_conflict(exc, field="mobile") from exc


def _lock_customer(customer_id: int) -> Customer:
    """Every write of a customer's contacts locks the customer's row first, then (editing one) the
    contact's own: one order, so two writes never wait on each other crosswise. Two requests making
    contacts of one customer primary, or giving them one number, run one after the other, and the
    second sees what the first did (the one primary contact is then the second's). ``FOR NO KEY
    UPDATE``: rows pointing at the customer (an order, a unit, the contact being added) are not held
    up by it, their foreign-key checks take only a key-share lock."""
    return Customer.objects.select_for_update(no_key=True).get(pk=customer_id)


def _make_sole_primary(contact: Contact) -> None:
    """A customer has one primary contact (a database constraint): any other stops being it before
    the one added or changed as primary is written."""
    others = Contact.objects.filter(customer_id=contact.customer_id, is_primary=True)
    if contact.pk is not None:
        others = others.exclude(pk=contact.pk)
    others.update(is_primary=False)


@transaction.atomic
def add_contact(*, customer: Customer, by: User, data: ContactData) -> Contact:
    """Add a contact person to a customer: a real mobile number not yet one of the customer's
    contacts' (in use or not); one added as primary is the only primary one, as in ``update_contact``
    (two added as primary at once: the later one is, ``_lock_customer``)."""
    require_may_edit_customer(by, centre_id=customer.service_center_id)
    clean = _validated_contact(data)
    customer = _lock_customer(customer.pk)
    existing = customer.contacts.filter(mobile=clean.mobile).first()
    if existing is not None:
        raise ConflictError(
            "duplicate_mobile",
            _("This customer already has a contact with that number.")
            if existing.in_use
            else _("A contact not in use has that number: put them back in use instead."),
            field="mobile",
        )
    contact = Contact(customer=customer, name=clean.name, mobile=clean.mobile, is_primary=clean.is_primary)
    if contact.is_primary:
        _make_sole_primary(contact)
    _save_contact(contact)
    # A contact has no page of its own: its history is the customer's.
    record_activity(
        target=customer,
        type="customer.contact_added",
        by=by,
        changes={"contacts": (None, f"{contact.name} {contact.mobile}")},
        data={"contact": contact.pk},
    )
    return contact


@transaction.atomic
def add_site(*, customer: Customer, by: User, data: SiteData) -> Site:
    require_may_edit_customer(by, centre_id=customer.service_center_id)
    clean = _validated_site(data)
    site = Site.objects.create(customer=customer, **clean.__dict__)
    record_activity(
        target=customer,
        type="customer.site_added",
        by=by,
        changes={"sites": (None, f"{site.name} {site.address}")},
        data={"site": site.pk},
    )
    return site


def _contact_label(contact: Contact) -> str:
    return f"{contact.name} {contact.mobile}"


def _site_label(site: Site) -> str:
    return f"{site.name} {site.full_address}"


def _lock_contact(contact: Contact) -> tuple[Customer, Contact]:
    """The customer's row, then the contact's (``_lock_customer``'s order); the contact as it is now.
    The contact's own row only (``of``): locking both in one statement, without a fixed order and
    with ``FOR UPDATE`` on the customer, deadlocked with a contact being added at the same moment
    (its foreign key is checked on the customer at commit)."""
    customer = _lock_customer(contact.customer_id)
    locked = Contact.objects.select_for_update(of=("self",)).get(pk=contact.pk)
    locked.customer = customer
    return customer, locked


@transaction.atomic
def update_contact(
    *,
    contact: Contact,
    by: User,
    name: str | None = None,
    mobile: str | None = None,
    is_primary: bool | None = None,
    reason: str = "",
) -> Contact:
    """Correct a contact person: name, mobile, primary. The same checks as when added (a real mobile
    number, not another contact's of the customer); a contact made primary is the only primary one.
    Old → new goes to the customer's history (a contact has no page of its own)."""
    customer, contact = _lock_contact(contact)
    require_may_edit_customer(by, centre_id=customer.service_center_id, not_found=_("No such contact."))
    clean = _validated_contact(
        ContactData(
            name=contact.name if name is None else name,
            mobile=contact.mobile if mobile is None else mobile,
            is_primary=contact.is_primary if is_primary is None else is_primary,
        )
    )
    clean_reason = require_text(reason, field="reason", max_length=500, required=False)
    if customer.contacts.filter(mobile=clean.mobile).exclude(pk=contact.pk).exists():
        raise _duplicate_mobile()
    if clean.is_primary and not contact.in_use:
        raise ConflictError("not_in_use", _("A contact not in use cannot be the primary one."), field="is_primary")
    fields = {"name": clean.name, "mobile": clean.mobile, "is_primary": clean.is_primary}
    changes = changed(snapshot(contact, tuple(fields)), fields)
    if not changes:
        return contact
    label = _contact_label(contact)
    for key, value in fields.items():
        setattr(contact, key, value)
    if clean.is_primary:
        _make_sole_primary(contact)
    _save_contact(contact, update_fields=[*fields, "updated_at"])
    record_activity(
        target=customer,
        type="customer.contact_updated",
        by=by,
        reason=clean_reason,
        changes={f"contacts.{key}": change for key, change in changes.items()},
        data={"contact": contact.pk, "label": label},
    )
    return contact


@transaction.atomic
def set_contact_in_use(*, contact: Contact, by: User, in_use: bool, reason: str = "") -> Contact:
    """Take a contact person out of use (a wrong number, someone who left) or put them back.

    Orders, contracts and portal accounts refer to the contact, so it is never deleted: old records
    still show it, while new orders, letters and portal sign-ins use only contacts in use. One taken
    out of use stops being the primary contact (a database constraint). Asking for the state it is
    in writes nothing."""
    customer, contact = _lock_contact(contact)
    require_may_edit_customer(by, centre_id=customer.service_center_id, not_found=_("No such contact."))
    clean_reason = require_text(reason, field="reason", max_length=500, required=False)
    if contact.in_use == in_use:
        return contact
    before = snapshot(contact, ("in_use", "is_primary"))
    contact.in_use = in_use
    if not in_use:
        contact.is_primary = False
    contact.save(update_fields=["in_use", "is_primary", "updated_at"])
    record_activity(
        target=customer,
        type="customer.contact_reinstated" if in_use else "customer.contact_retired",
        by=by,
        reason=clean_reason,
        changes={
            f"contacts.{key}": change
            for key, change in changed(before, snapshot(contact, ("in_use", "is_primary"))).items()
        },
        data={"contact": contact.pk, "label": _contact_label(contact)},
    )
    return contact


@transaction.atomic
def update_site(
    *,
    site: Site,
    by: User,
    name: str | None = None,
    province: str | None = None,
    city: str | None = None,
    address: str | None = None,
    reason: str = "",
) -> Site:
    """Correct a site: its name and address, with the checks of a new one. Orders keep pointing at
    the site, so they show the corrected address; old → new goes to the customer's history."""
    site = Site.objects.select_for_update(of=("self",)).select_related("customer").get(pk=site.pk)
    customer = site.customer
    require_may_edit_customer(by, centre_id=customer.service_center_id, not_found=_("No such site."))
    clean = _validated_site(
        SiteData(
            name=site.name if name is None else name,
            address=site.address if address is None else address,
            province=site.province if province is None else province,
            city=site.city if city is None else city,
        )
    )
    clean_reason = require_text(reason, field="reason", max_length=500, required=False)
    fields = dict(clean.__dict__)
    changes = changed(snapshot(site, tuple(fields)), fields)
    if not changes:
        return site
    label = _site_label(site)
    for key, value in fields.items():
        setattr(site, key, value)
    site.save(update_fields=[*fields, "updated_at"])
    record_activity(
        target=customer,
        type="customer.site_updated",
        by=by,
        reason=clean_reason,
        changes={f"sites.{key}": change for key, change in changes.items()},
        data={"site": site.pk, "label": label},
    )
    return site


@transaction.atomic
def set_site_in_use(*, site: Site, by: User, in_use: bool, reason: str = "") -> Site:
    """Take a site out of use (closed, moved away, entered wrongly) or put it back. Orders and units
    keep naming it; new orders and new units may pick only sites in use. Asking for the state it is
    in writes nothing."""
    site = Site.objects.select_for_update(of=("self",)).select_related("customer").get(pk=site.pk)
    customer = site.customer
    require_may_edit_customer(by, centre_id=customer.service_center_id, not_found=_("No such site."))
    clean_reason = require_text(reason, field="reason", max_length=500, required=False)
    if site.in_use == in_use:
        return site
    site.in_use = in_use
    site.save(update_fields=["in_use", "updated_at"])
    record_activity(
        target=customer,
        type="customer.site_reinstated" if in_use else "customer.site_retired",
        by=by,
        reason=clean_reason,
        changes={"sites.in_use": (not in_use, in_use)},
        data={"site": site.pk, "label": _site_label(site)},
    )
    return site
