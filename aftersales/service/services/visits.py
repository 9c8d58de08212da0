"""The on-site record (售后服务记录单, domain.md Repair §6 1.3.4–1.3.6): arrival, diagnosis, work,
parts, old parts, departure, photos, the customer's signature and rating."""

import datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, PermissionDeniedError, TooManyRequests, ValidationFailed
from aftersales.core.renderers import local_time
from aftersales.core.uploads import IMAGE_TYPES, clean_upload
from aftersales.core.validation import choice_label, choice_labels, require_aware, require_choice, require_text
from aftersales.coverage.choices import CoverageReason
from aftersales.coverage.decision import Misuse
from aftersales.service.choices import JOB_STATUSES, EventType, OldParts, OrderStatus, UnsignedReason, WaitingFor
from aftersales.service.models import OPEN_VISIT, Attachment, ServiceOrder, Visit
from aftersales.service.permissions import (
    can_add_customer_photos,
    can_assign,
    can_edit_order,
    can_record_visit,
    may_record_visits,
    technician_gone,
)
from aftersales.service.services.common import lock_order, record_event, require_order_in_scope
from aftersales.service.services.coverage import redecide_order_coverage
from aftersales.service.services.orders import transition_order

VISIT_TEXT_FIELDS = {
    "arrival_confirmed_by": 100,
    "diagnosis": 5000,
    "work_done": 5000,
    "parts_replaced": 2000,
    "customer_remarks": 2000,
}
# A device's clock a few minutes off is not an error (the same allowance as a call's received_at).
CLOCK_SKEW = datetime.timedelta(minutes=5)
# Visits are recorded on a job: an order someone is out on.
VISIT_STATUSES = JOB_STATUSES


def _check_may_record_visits(by: User) -> None:
    """Refuse (403) a caller who records visits on no order at all, before looking the order up."""
    if not may_record_visits(by):
        raise PermissionDeniedError("forbidden", _("Only the assigned technician records visits on this order."))


def _clean_visit_fields(
    values: dict[str, Any], *, arrived_at: datetime.datetime | None, received_at: datetime.datetime
) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    now = timezone.now() + CLOCK_SKEW
    for field, value in values.items():
        if field in VISIT_TEXT_FIELDS:
            clean[field] = require_text(value, field=field, max_length=VISIT_TEXT_FIELDS[field], required=False)
        elif field == "old_parts":
            clean[field] = require_choice(value, field=field, choices=OldParts)
        elif field == "rating":
            if value is not None and not 1 <= int(value) <= 5:
                raise ValidationFailed("out_of_range", _("The rating is from 1 to 5."), field=field)
            clean[field] = value
        elif field == "misuse_found":
            clean[field] = bool(value)
        elif field in ("departed_at", "arrived_at"):
            require_aware(value, field=field)
            if value is not None and value > now:
                raise ValidationFailed("date_in_future", _("The time cannot be in the future."), field=field)
            if field == "arrived_at" and value is not None and value < received_at:
                # A visit answers the call: it cannot come before the call was received (a departure
                # cannot come before the arrival, below).
                raise ValidationFailed(
                    "before_received", _("The visit cannot be before the call was received."), field=field
                )
            clean[field] = value
        else:
            raise ValidationFailed("unknown_field", _("Unknown field: %(f)s.") % {"f": field}, field=field)
    arrival = clean.get("arrived_at", arrived_at)
    if clean.get("departed_at") and arrival and clean["departed_at"] < arrival:
        raise ValidationFailed("before_arrival", _("Departure cannot be before arrival."), field="departed_at")
    for field in ("arrived_at", "departed_at"):
        if clean.get(field) and clean[field] < received_at - CLOCK_SKEW:
            # Nobody arrives before the call: 1999 or a mistyped day, not a visit to record.
            raise ValidationFailed(
                "before_received",
                _("The time cannot be before the call was received (%(received)s).")
                % {"received": f"{local_time(received_at):%Y-%m-%d %H:%M}"},
                field=field,
            )
    return clean


def _require_open_order(order: ServiceOrder) -> None:
    """A completed, closed or cancelled order's visit records are final: no edit, signature, departure
    or photo changes them, nor the warranty through a misuse finding (QA, 2026-12-07: a draft ticked
    "misuse" after the manager closed the order turned it billable). Parts are refused the same way
    (``parts.services.orders.require_open_order``). Call with the order locked."""
    if not order.is_open:
        raise ConflictError(
            "order_not_open",
            _("Order %(number)s is “%(status)s”: its visit records can no longer change.")
            % {"number": order.number, "status": choice_label(OrderStatus, order.status)},
        )


def _require_no_open_visit(order: ServiceOrder) -> None:
    """One record open at a time: an arrival while a visit is still unsigned (a retry, a double tap, a
    helper arriving with the technician) would leave a second draft nobody completes. The phone view
    offers the arrival only when no visit is open; the order's row lock makes two at once queue."""
    open_visit = order.visits.filter(OPEN_VISIT).order_by("arrived_at", "pk").first()
    if open_visit is not None:
        raise ConflictError(
            "visit_open",
            _(
                "The visit record of %(arrived)s is not signed yet: complete it and have the customer sign it,"
                " or end it without a signature, before recording another arrival."
            )
            % {"arrived": f"{local_time(open_visit.arrived_at):%Y-%m-%d %H:%M}"},
            visit_id=open_visit.pk,
        )


def _require_visit_open(visit: Visit) -> None:
    """A signed record is final (409 ``visit_signed``), and so is one ended without a signature (409
    ``visit_ended``): the next visit is a new record. Call with the visit locked."""
    if visit.signed_at:
        raise ConflictError("visit_signed", _("The customer has signed this record; it can no longer change."))
    if visit.unsigned_reason:
        raise ConflictError(
            "visit_ended",
            _("This visit ended without a signature (%(reason)s); it can no longer change.")
            % {"reason": choice_label(UnsignedReason, visit.unsigned_reason)},
        )


def _require_old_parts_told(visit: Visit) -> None:
    """A record that lists parts replaced says what became of the old ones: "No parts replaced" beside
    "BLT-A42 ×1" contradicted itself on the signed form (found by a helper's probe, 2026-12-06)."""
    if visit.parts_replaced.strip() and visit.old_parts == OldParts.NONE:
        raise ValidationFailed(
            "old_parts_required", _("Parts were replaced: say what became of the old ones."), field="old_parts"
        )


def _apply_misuse(order: ServiceOrder, *, by: User, ticked: bool | None) -> None:
    """Decide the warranty again when a visit's misuse finding (人为损坏) was ticked or unticked
    (``None``: left as it was, which decides nothing, so a later edit does not undo an override).

    The order has misuse while any of its visits records it. Damage by misuse found now makes the
    order billable even in warranty (§6 1.1.1.2, 1.5.1.2) and replaces an earlier override. Unticking
    the last finding takes it out of the decision again, through ``decide_coverage`` the same way: the
    order goes back to the verdict without it (an override made after the finding stands)."""
    if ticked is None:
        return
    if ticked:
        if order.warranty_reason == CoverageReason.MISUSE:
            return  # billable for misuse already (another visit)
    elif not order.misuse_found or order.visits.filter(misuse_found=True).exists():
        return  # another visit still records it
    now = timezone.now()
    was_found = order.misuse_found
    order.misuse_found = ticked
    decision = redecide_order_coverage(order, misuse=Misuse(found_at=now) if ticked else None)
    old = {"covered": order.warranty_covered, "reason": order.warranty_reason}
    new = {"covered": decision.covered, "reason": decision.reason}
    if new != old:  # an override that stands keeps its author and time (the chain orders by them)
        order.warranty_covered = decision.covered
        order.warranty_reason = decision.reason
        order.warranty_detail = decision.detail[:500]
        order.warranty_decided_by = by
        order.warranty_decided_at = now
    order.version += 1
    order.save()
    data: dict[str, Any] = {"old": old, "new": new}
    if was_found != ticked:
        data["misuse_found"] = {"old": was_found, "new": ticked}
    record_event(order, type=EventType.WARRANTY_DECIDED, by=by, data=data)


@transaction.atomic
def record_visit(order: ServiceOrder, *, by: User, arrived_at: datetime.datetime | None = None, **fields: Any) -> Visit:
    """Record the technician's arrival (and whatever else is known); the order goes on site. Refused
    (409 ``visit_open``) while another record of the order is unsigned."""
    _check_may_record_visits(by)
    order = lock_order(order, by=by)
    if not can_record_visit(by, order):
        raise PermissionDeniedError("forbidden", _("Only the assigned technician records visits on this order."))
    if order.status not in VISIT_STATUSES:
        raise ConflictError(
            "transition_not_allowed",
            _("Visits are recorded on orders that are %(statuses)s; this one is “%(s)s”.")
            % {"statuses": choice_labels(OrderStatus, VISIT_STATUSES), "s": choice_label(OrderStatus, order.status)},
        )
    _require_no_open_visit(order)
    arrived = arrived_at or timezone.now()
    clean = _clean_visit_fields({**fields, "arrived_at": arrived}, arrived_at=arrived, received_at=order.received_at)
    visit = Visit(order=order, technician=by, **clean)
    _require_old_parts_told(visit)
    visit.save()
    if order.status != OrderStatus.ON_SITE:
        order = transition_order(order, to=OrderStatus.ON_SITE, by=by, action="record_visit")
    record_event(
        order,
        type=EventType.VISIT_RECORDED,
        by=by,
        data={"visit_id": visit.pk, "arrived_at": local_time(arrived).isoformat()},
    )
    _apply_misuse(order, by=by, ticked=True if visit.misuse_found else None)
    return visit


@transaction.atomic
def update_visit(visit: Visit, *, by: User, **fields: Any) -> Visit:
    """Fill in diagnosis, work done, parts and departure. A signed record is final, and so is every
    record of a completed, closed or cancelled order (409 ``order_not_open``)."""
    _check_may_record_visits(by)
    order = lock_order(visit.order, by=by)
    if not can_record_visit(by, order):
        raise PermissionDeniedError("forbidden", _("Only the assigned technician records visits on this order."))
    _require_open_order(order)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _require_visit_open(visit)
    clean = _clean_visit_fields(fields, arrived_at=visit.arrived_at, received_at=order.received_at)
    changed = {f: v for f, v in clean.items() if getattr(visit, f) != v}
    for field, value in changed.items():
        setattr(visit, field, value)
    _require_old_parts_told(visit)
    visit.save()
    if changed:
        data: dict[str, Any] = {"visit_id": visit.pk, "fields": sorted(changed)}
        if "misuse_found" in changed:  # yes → no (or no → yes) on the timeline, not just the field's name
            data["misuse_found"] = {"old": not changed["misuse_found"], "new": changed["misuse_found"]}
        record_event(order, type=EventType.VISIT_RECORDED, by=by, data=data)
    _apply_misuse(order, by=by, ticked=changed.get("misuse_found"))
    return visit


@transaction.atomic
def sign_visit(visit: Visit, *, by: User, signer_name: str, image: UploadedFile) -> Visit:
    """Store the customer's signature (an image drawn on the screen) with the signer's name and time
    (§6 1.3.6: the customer confirms the unit works and signs). Only while the order is open."""
    _check_may_record_visits(by)
    order = lock_order(visit.order, by=by)
    if not can_record_visit(by, order):
        raise PermissionDeniedError("forbidden", _("Only the assigned technician collects signatures on this order."))
    _require_open_order(order)
    name = require_text(signer_name, field="signer_name", max_length=100)
    upload = clean_upload(image, field="signature", allowed_types=("image/png",), max_bytes=1024 * 1024)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _require_visit_open(visit)
    visit.signer_name = name
    visit.signed_at = timezone.now()
    if not visit.departed_at:
        visit.departed_at = visit.signed_at
    visit.signature.save(upload.name, upload.file, save=False)
    visit.save()
    record_event(order, type=EventType.SIGNED, by=by, data={"visit_id": visit.pk, "signer_name": name})
    return visit


@transaction.atomic
def end_visit_unsigned(
    visit: Visit,
    *,
    by: User,
    reason: str,
    note: str = "",
    waiting_for: str = "",
    departed_at: datetime.datetime | None = None,
) -> Visit:
    """End a visit the customer cannot sign (nobody on site, the work not finished, a refusal): the record is
    closed with the reason and the departure, and the next visit is a new record. An order on site goes to
    waiting, for ``waiting_for`` (by default the parts when another visit is needed, else the customer), so
    the technician's return is a new arrival. Completing the order still needs the customer's signature on
    its last visit. ``other`` needs a note."""
    _check_may_record_visits(by)
    order = lock_order(visit.order, by=by)
    if not can_record_visit(by, order):
        raise PermissionDeniedError("forbidden", _("Only the assigned technician records visits on this order."))
    return _end_unsigned(
        visit, order, by=by, reason=reason, note=note, waiting_for=waiting_for, departed_at=departed_at
    )


def _end_unsigned(
    visit: Visit,
    order: ServiceOrder,
    *,
    by: User,
    reason: str,
    note: str,
    waiting_for: str,
    departed_at: datetime.datetime | None,
) -> Visit:
    """``end_visit_unsigned`` once the caller may (the order locked): the one code that ends a visit
    without a signature, for the technician's phone and the dispatcher's take-back alike."""
    _require_open_order(order)
    reason = require_choice(reason, field="reason", choices=UnsignedReason)
    note = require_text(note, field="note", max_length=200, required=reason == UnsignedReason.OTHER)
    if waiting_for:
        require_choice(waiting_for, field="waiting_for", choices=WaitingFor)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _require_visit_open(visit)
    departed = departed_at or visit.departed_at or timezone.now()
    clean = _clean_visit_fields({"departed_at": departed}, arrived_at=visit.arrived_at, received_at=order.received_at)
    visit.departed_at = clean["departed_at"]
    visit.unsigned_reason, visit.unsigned_note = reason, note
    _require_old_parts_told(visit)
    visit.save()
    record_event(
        order,
        type=EventType.VISIT_ENDED_UNSIGNED,
        by=by,
        data={"visit_id": visit.pk, "reason": reason, "note": note},
    )
    if order.status == OrderStatus.ON_SITE:
        default = WaitingFor.PARTS if reason == UnsignedReason.RETURN_NEEDED else WaitingFor.CUSTOMER
        transition_order(
            order,
            to=OrderStatus.WAITING,
            by=by,
            waiting_for=waiting_for or default,
            reason=choice_label(UnsignedReason, reason) + (f"（{note}）" if note else ""),
        )
    return visit


@transaction.atomic
def take_back_job(order: ServiceOrder, *, by: User) -> Visit:
    """The dispatcher takes back a job on site whose technician can no longer work it (deactivated, or moved
    to another centre): the open visit ends without a signature (reason "other", the note naming why) and
    the order goes to waiting, to be reassigned. The departure is the last time known of the visit: the
    departure the technician typed, else the record's last save (a day on site would be counted from the
    arrival to whenever the board was next opened). Found in the review of 2026-12-07: the board flagged
    such jobs, but only a manager on the technician's phone page could end the visit."""
    if not can_assign(by):
        raise PermissionDeniedError("forbidden", _("Only dispatchers and service managers take jobs back."))
    order = lock_order(order, by=by)
    if not can_assign(by, order):
        raise PermissionDeniedError("forbidden", _("Only dispatchers and service managers take jobs back."))
    gone = technician_gone(order)
    if not gone:
        raise ConflictError(
            "technician_active",
            _("The technician can still work this job: reassign it instead."),
            field="technician_id",
        )
    visit = order.visits.select_for_update().filter(OPEN_VISIT).order_by("arrived_at", "pk").first()
    if visit is None or order.status != OrderStatus.ON_SITE:
        raise ConflictError("no_open_visit", _("No visit of this order is open: reassign it instead."))
    last_known = visit.departed_at or min(max(visit.updated_at, visit.arrived_at), timezone.now())
    note = _("Taken back on the dispatch board: %(why)s") % {"why": gone}
    return _end_unsigned(
        visit, order, by=by, reason=UnsignedReason.OTHER, note=note[:200], waiting_for="", departed_at=last_known
    )


def _check_photo_quota(order: ServiceOrder, *, by: User) -> None:
    """At most PHOTOS_PER_ORDER photos on an order, and PHOTOS_PER_USER_PER_DAY added by one user in 24
    hours: a script cannot fill the disk through one order or one account (docs/security.md)."""
    per_order = int(str(settings.AFTERSALES["PHOTOS_PER_ORDER"]))
    if Attachment.objects.filter(order=order).count() >= per_order:
        raise ConflictError(
            "photo_limit", _("An order holds at most %(n)d photos.") % {"n": per_order}, field="file", limit=per_order
        )
    per_day = int(str(settings.AFTERSALES["PHOTOS_PER_USER_PER_DAY"]))
    since = timezone.now() - datetime.timedelta(days=1)
    if Attachment.objects.filter(uploaded_by=by, created_at__gte=since).count() >= per_day:
        raise TooManyRequests(
            "upload_quota",
            _("You have added %(n)d photos in the last 24 hours, the most allowed; try again later.") % {"n": per_day},
            field="file",
            limit=per_day,
        )


@transaction.atomic
def add_photo(order: ServiceOrder, *, by: User, file: UploadedFile, visit: Visit | None = None) -> Attachment:
    """Attach a photo (JPEG, PNG or WebP, size-limited) to the order or one of its visits; a visit's
    only while the order is open (its records are final once it is completed, closed or cancelled)."""
    if not (can_edit_order(by) or may_record_visits(by) or can_add_customer_photos(by)):
        raise PermissionDeniedError("forbidden", _("Your role may not add photos to this order."))
    require_order_in_scope(order, by=by)
    if not (can_edit_order(by, order) or can_record_visit(by, order) or can_add_customer_photos(by)):
        raise PermissionDeniedError("forbidden", _("Your role may not add photos to this order."))
    if visit is not None and visit.order_id != order.pk:
        raise ValidationFailed("wrong_visit", _("The visit belongs to another order."), field="visit_id")
    # The order's row lock serialises uploads to one order: two at once cannot both count 49 and
    # both add the 50th-and-more photo.
    order = lock_order(order, by=by)
    if visit is not None:
        _require_open_order(order)
    _check_photo_quota(order, by=by)
    upload = clean_upload(file, field="file", allowed_types=IMAGE_TYPES)
    attachment = Attachment(
        order=order, visit=visit, content_type=upload.content_type, size=upload.size, uploaded_by=by
    )
    attachment.file.save(upload.name, upload.file, save=False)
    attachment.save()
    record_event(order, type=EventType.ATTACHMENT_ADDED, by=by, data={"attachment_id": attachment.pk})
    return attachment
