"""Parts used on a visit (domain.md, Repair §6 1.3.4–1.3.5): issued from the technician's van first,
the centre's store second, each with the fate of the part taken out."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.registry import resolve
from aftersales.parts.choices import LocationKind, MoveKind, OldPartFate, ReservationStatus
from aftersales.parts.models import Location, Part, Stock, VisitPart
from aftersales.parts.permissions import can_manage_location, can_take_from, location_in_scope
from aftersales.parts.registry import issue_checks
from aftersales.parts.selectors import list_price
from aftersales.parts.services.common import clean_quantity
from aftersales.parts.services.ledger import post_move
from aftersales.parts.services.orders import require_open_order, require_unsigned_visit
from aftersales.parts.services.reservations import consume_held
from aftersales.parts.signals import parts_used
from aftersales.service.choices import OldParts
from aftersales.service.models import ServiceOrder, Visit
from aftersales.service.permissions import can_record_visit
from aftersales.service.services import update_visit
from aftersales.service.services.visits import VISIT_TEXT_FIELDS

MAX_LINES = 50
# The old part comes back to stock as defective when it is kept for a claim or sent for repair.
RETURNED_FATES = frozenset({OldPartFate.SUPPLIER_CLAIM, OldPartFate.REPAIR})


@dataclass(frozen=True)
class IssueLine:
    """One part to issue: what, how much, from where (``None``: van first, then the centre's store)."""

    part: Part
    quantity: Decimal
    location: Location | None
    old_part_fate: str
    serial: str = ""
    old_serial: str = ""


def _pick_location(line: IssueLine, *, order: ServiceOrder, by: User, index: int) -> Location:
    field = f"lines.{index}.location_id"
    if line.location is not None:
        if not location_in_scope(by, line.location):
            raise NotFoundError("not_found", _("No such stock location."), field=field)
        if not can_take_from(by, line.location):
            raise PermissionDeniedError(
                "forbidden", _("You may not take parts from %(loc)s.") % {"loc": line.location}, field=field
            )
        return line.location
    candidates = list(Location.objects.filter(kind=LocationKind.VAN, holder=by, active=True).order_by("pk")) + list(
        Location.objects.filter(
            kind=LocationKind.CENTRE_STORE, service_center_id=order.service_center_id, active=True
        ).order_by("pk")
    )
    held = Stock.objects.filter(part=line.part, location__in=candidates).values_list(
        "location_id", "on_hand", "reserved"
    )
    available = {loc: on_hand - reserved for loc, on_hand, reserved in held}
    for location in candidates:  # the order's own reservation first
        if _reserved_for(order, line, location):
            return location
    for location in candidates:
        if available.get(location.pk, Decimal(0)) >= line.quantity:
            return location
    raise ConflictError(
        "insufficient_stock",
        _("Neither your van nor the centre's store has %(qty)s of %(part)s.")
        % {"qty": line.quantity.normalize(), "part": line.part.number},
        field=f"lines.{index}.quantity",
    )


def _reserved_for(order: ServiceOrder, line: IssueLine, location: Location) -> bool:
    return line.part.reservations.filter(
        order=order, location=location, status=ReservationStatus.HELD, quantity__gte=line.quantity
    ).exists()


def clean_lines(raw: list[dict[str, Any]]) -> list[IssueLine]:
    """Lines from the API or a form: ``part_id``, ``quantity``, ``location_id`` (optional),
    ``old_part_fate``, ``serial``, ``old_serial``. Unknown parts answer 404 with the line's field."""
    if not raw:
        raise ValidationFailed("required", _("Give at least one part."), field="lines")
    if len(raw) > MAX_LINES:
        raise ValidationFailed("too_many_lines", _("At most %(n)d parts at once.") % {"n": MAX_LINES}, field="lines")
    parts = Part.objects.in_bulk([r.get("part_id") for r in raw if isinstance(r.get("part_id"), int)])
    location_ids = [r.get("location_id") for r in raw if isinstance(r.get("location_id"), int)]
    locations = Location.objects.in_bulk(location_ids)
    lines = []
    for index, row in enumerate(raw):
        part = parts.get(row.get("part_id"))  # type: ignore[arg-type]
        if part is None or not part.active:
            raise NotFoundError("not_found", _("No such part."), field=f"lines.{index}.part_id")
        location = None
        if row.get("location_id") is not None:
            location = locations.get(row["location_id"])
            if location is None:
                raise NotFoundError("not_found", _("No such stock location."), field=f"lines.{index}.location_id")
        fate = row.get("old_part_fate") or ""
        if fate not in OldPartFate.values:
            raise ValidationFailed(
                "invalid_choice",
                _("Say what became of the old part."),
                field=f"lines.{index}.old_part_fate",
            )
        lines.append(
            IssueLine(
                part=part,
                quantity=clean_quantity(row.get("quantity"), part=part, field=f"lines.{index}.quantity"),
                location=location,
                old_part_fate=fate,
                serial=str(row.get("serial") or "")[:60],
                old_serial=str(row.get("old_serial") or "")[:60],
            )
        )
    return lines


@transaction.atomic
def use_parts(*, by: User, visit: Visit, lines: list[IssueLine]) -> list[VisitPart]:
    """Issue ``lines`` to ``visit``: each from the van first, the centre's store second (or the
    location the line names), taking the order's held reservation there first. The registered
    ``issue_checks`` (money: an approved quote for an out-of-warranty order) may refuse; any line
    that cannot be served refuses them all and nothing is written.

    Refused (409, nothing written) on an order that is no longer open (``order_not_open``) and on a
    visit the customer has signed (``visit_signed``), both checked under the order's row lock, taken
    before any stock row: a completion at the same moment waits for the parts or refuses them."""
    order = require_open_order(visit.order, by=by)
    if not (
        can_record_visit(by, order) or any(can_manage_location(by, line.location) for line in lines if line.location)
    ):
        raise PermissionDeniedError("forbidden", _("Only the technicians on this job record its parts."))
    require_unsigned_visit(visit)
    for check in issue_checks:
        resolve(check.check)(order, lines, by)
    today = timezone.localdate()
    used = []
    for index, line in enumerate(lines):
        location = _pick_location(line, order=order, by=by, index=index)
        reserved = consume_held(order=order, part=line.part, location=location, quantity=line.quantity)
        try:
            move = post_move(
                kind=MoveKind.ISSUE,
                location=location,
                part=line.part,
                quantity=line.quantity,
                on_hand=-line.quantity,
                reserved=-reserved,
                by=by,
                order=order,
                visit=visit,
                serial=line.serial,
            )
        except ConflictError as exc:
            exc.field = f"lines.{index}.quantity"
            raise
        used.append(
            VisitPart.objects.create(
                visit=visit,
                order=order,
                part=line.part,
                location=location,
                quantity=line.quantity,
                serial=line.serial,
                old_part_fate=line.old_part_fate,
                old_serial=line.old_serial,
                unit_price=list_price(line.part, on=today),
                move=move,
                created_by=by,
            )
        )
        if line.old_part_fate in RETURNED_FATES:
            post_move(
                kind=MoveKind.DEFECTIVE_RETURN,
                location=location,
                part=line.part,
                quantity=line.quantity,
                defective=line.quantity,
                by=by,
                order=order,
                visit=visit,
                serial=line.old_serial,
                reason=str(OldPartFate(line.old_part_fate).label),
            )
    _note_on_record(visit, used, order=order, by=by)
    parts_used.send(sender=VisitPart, order=order, visit=visit, used=used, by=by)
    return used


def _parts_text(used: list[VisitPart]) -> list[str]:
    """Each part used as the record's "parts replaced" writes it: ``BLT-A42 ×1``."""
    return [f"{row.part.number} ×{Decimal(str(row.quantity)).normalize():f}" for row in used]


def _note_on_record(visit: Visit, used: list[VisitPart], *, order: ServiceOrder, by: User) -> None:
    """The service record (售后服务记录单) says what the parts used say, while it is a draft:

    - "parts replaced" lists each part used that its text does not name yet (QA, 2026-12-07: the
      printed record read "更换备件 —" above its own "所用备件" table listing BLT-A42 ×1);
    - "old parts" follows the parts used while it still says none were replaced (found by a helper's
      probe, 2026-12-06: the signed record read "No parts replaced" beside a part handed to the
      customer): handed to the customer when every old part was, else kept by us."""
    visit.refresh_from_db(fields=["old_parts", "parts_replaced", "signed_at", "unsigned_reason"])
    if not visit.is_open or not can_record_visit(by, order):
        return
    changes: dict[str, str] = {}
    text = visit.parts_replaced.strip()
    missing = [line for row, line in zip(used, _parts_text(used), strict=True) if row.part.number not in text]
    joined = "、".join([text, *missing] if text else missing)
    if missing and len(joined) <= VISIT_TEXT_FIELDS["parts_replaced"]:  # never refuse the parts for the text
        changes["parts_replaced"] = joined
    if visit.old_parts == OldParts.NONE:
        every_handed = {row.old_part_fate for row in used} == {OldPartFate.HANDED_TO_CUSTOMER}
        changes["old_parts"] = OldParts.HANDED_TO_CUSTOMER if every_handed else OldParts.KEPT
    if changes:
        update_visit(visit, by=by, **changes)
