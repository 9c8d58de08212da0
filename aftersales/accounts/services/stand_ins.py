"""Stand-ins (代班): one user acting with another's roles for a period."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import StandIn, User
from aftersales.accounts.permissions import (
    can_arrange_stand_in,
    is_admin,
    stand_ins_visible_to,
    users_visible_to,
)
from aftersales.accounts.services.common import _announce, _audit
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.validation import field_max_length, require_text


def _stand_in_label(stand_in: StandIn) -> str:
    return f"{stand_in.to_user} {stand_in.starts_on.isoformat()}–{stand_in.ends_on.isoformat()}"


@transaction.atomic
def create_stand_in(
    *,
    from_user: User,
    to_user: User,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
    by: User,
) -> StandIn:
    """``to_user`` holds ``from_user``'s capabilities from ``starts_on`` to ``ends_on`` (whole days in
    Asia/Shanghai, both included), for the records of ``from_user``'s centre.

    Arranged by ``from_user`` themselves, a service manager of their centre or an administrator
    (403); either user outside the caller's scope answers 404. Both belong to the same centre unless
    an administrator arranges it; the dates run forward and not wholly in the past; one user has at
    most one stand-in at a time (409 ``stand_in_overlap``). Nothing is written on a refusal.
    """
    visible = users_visible_to(by).filter(is_active=True)
    # The giver's row is the lock: two overlapping stand-ins at once cannot both be created.
    giver = visible.select_for_update(of=("self",), no_key=True).filter(pk=from_user.pk).first()
    if giver is None:
        raise NotFoundError("not_found", _("No such user."), field="from_user_id")
    if not can_arrange_stand_in(by, giver):
        raise PermissionDeniedError("forbidden", _("You may not arrange a stand-in for this user."))
    taker = visible.filter(pk=to_user.pk).first()
    if taker is None:
        raise NotFoundError("not_found", _("No such user."), field="to_user_id")
    if taker.pk == giver.pk:
        raise ValidationFailed("stand_in_self", _("A user cannot stand in for themselves."), field="to_user_id")
    if taker.service_center_id != giver.service_center_id and not is_admin(by):
        raise ValidationFailed(
            "stand_in_other_centre", _("The stand-in must belong to the same service centre."), field="to_user_id"
        )
    if ends_on < starts_on:
        raise ValidationFailed("invalid_dates", _("The last day is before the first day."), field="ends_on")
    if ends_on < timezone.localdate():
        raise ValidationFailed("invalid_dates", _("The last day is already past."), field="ends_on")
    ahead = int(str(settings.AFTERSALES["STAND_IN_MAX_DAYS_AHEAD"]))
    if ends_on > timezone.localdate() + datetime.timedelta(days=ahead):
        # 2099 for 2026 is a typing slip, and a stand-in that long is a change of role, not cover.
        raise ValidationFailed(
            "invalid_dates",
            _("The last day can be at most %(days)d days ahead.") % {"days": ahead},
            field="ends_on",
        )
    clean_reason = require_text(reason, field="reason", max_length=field_max_length(StandIn, "reason"))
    overlapping = StandIn.objects.filter(
        from_user=giver, ended_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    if overlapping.exists():
        raise ConflictError(
            "stand_in_overlap", _("This user already has a stand-in on some of these days."), field="starts_on"
        )
    stand_in = StandIn.objects.create(
        from_user=giver, to_user=taker, starts_on=starts_on, ends_on=ends_on, reason=clean_reason, created_by=by
    )
    if taker.stand_in_until is None or taker.stand_in_until < ends_on:
        User.objects.filter(pk=taker.pk).update(stand_in_until=ends_on)
    _audit(
        by=by,
        action="accounts.create_stand_in",
        detail={
            "stand_in": stand_in.pk,
            "from_user": giver.pk,
            "to_user": taker.pk,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
        target=giver,
    )
    _announce(
        target=giver,
        type="user.stand_in_created",
        by=by,
        changes={"stand_ins_given": (None, _stand_in_label(stand_in))},
    )
    return stand_in


@transaction.atomic
def end_stand_in(*, stand_in_id: int, by: User) -> StandIn:
    """End a stand-in at once: it no longer holds from today on. Its ``ended_at`` is set and its
    ``ends_on`` becomes yesterday (or its first day, for one that had not begun); it is never
    deleted. Ended by the giver, the stand-in themselves, a manager of the giver's centre or an
    administrator; one out of the caller's sight answers 404, one already over 409 ``stand_in_over``."""
    stand_in = stand_ins_visible_to(by).select_for_update(of=("self",)).filter(pk=stand_in_id).first()
    if stand_in is None:
        raise NotFoundError("not_found", _("No such stand-in."))
    if by.pk != stand_in.to_user_id and not can_arrange_stand_in(by, stand_in.from_user):
        raise PermissionDeniedError("forbidden", _("You may not end this stand-in."))
    today = timezone.localdate()
    if stand_in.ended_at is not None or stand_in.ends_on < today:
        raise ConflictError("stand_in_over", _("This stand-in is already over."))
    before = _stand_in_label(stand_in)
    stand_in.ends_on = max(stand_in.starts_on, today - datetime.timedelta(days=1))
    stand_in.ended_at = timezone.now()
    stand_in.save(update_fields=["ends_on", "ended_at", "updated_at"])
    _audit(
        by=by,
        action="accounts.end_stand_in",
        detail={"stand_in": stand_in.pk, "ends_on": stand_in.ends_on.isoformat()},
        target=stand_in.from_user,
    )
    _announce(
        target=stand_in.from_user,
        type="user.stand_in_ended",
        by=by,
        changes={"stand_ins_given": (before, _stand_in_label(stand_in))},
    )
    return stand_in
