"""Report schedules: kept by managers, sent by the periodic job ``reports.send_scheduled`` through the
notifications outbox (one e-mail per recipient per period, at most once: the outbox key).

Every change a person makes to a schedule (created, changed, stopped or resumed, deleted) leaves a
``history`` activity in the same transaction: who, when, each field old → new. The job's own
``last_sent`` bookkeeping records nothing."""

import datetime
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.permissions import users_visible_to
from aftersales.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.text import in_site_language
from aftersales.history.services import changed, record_activity
from aftersales.notifications.choices import MessageChannel
from aftersales.notifications.services import enqueue_message
from aftersales.reports.models import ReportSchedule
from aftersales.reports.periods import KINDS, Period, last_ended
from aftersales.reports.permissions import can_schedule_reports, can_view_reports, schedules_visible_to


def _recipients(by: User, ids: Iterable[int]) -> list[User]:
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        raise ValidationFailed("recipients_required", _("Choose at least one person."), field="recipients")
    people = list(users_visible_to(by).filter(pk__in=wanted, is_active=True))
    if len(people) != len(wanted):
        raise ValidationFailed("invalid_recipient", _("Someone chosen is not of your centre."), field="recipients")
    for person in people:
        if not person.email or not can_view_reports(person):
            raise ValidationFailed(
                "invalid_recipient",
                _("%(person)s has no e-mail address or may not read the reports.") % {"person": person},
                field="recipients",
            )
    return people


def _record(schedule: ReportSchedule, *, type_: str, by: User, changes: dict[str, tuple[Any, Any]]) -> None:
    # ``centre``: whose schedule it was, so the list of changes still shows a deleted one to its centre.
    data = {"subject": f"#{schedule.pk}", "centre": schedule.created_by.service_center_id}
    record_activity(target=schedule, type=f"report_schedule.{type_}", by=by, changes=changes, data=data)


def _values(schedule: ReportSchedule) -> dict[str, Any]:
    return {
        "kind": schedule.kind,
        "recipients": sorted(schedule.recipients.all(), key=lambda person: person.pk),
        "active": schedule.active,
    }


def _own_schedule(by: User, schedule_id: int) -> ReportSchedule:
    """The schedule, locked, if ``by`` may keep it; 403 without the capability, 404 outside their scope."""
    if not can_schedule_reports(by):
        raise PermissionDeniedError("forbidden", _("Only managers schedule reports."))
    schedule = (
        schedules_visible_to(by)
        .select_for_update(of=("self",))
        .select_related("created_by")
        .filter(pk=schedule_id)
        .first()
    )
    if schedule is None:
        raise NotFoundError("not_found", _("No such schedule."))
    return schedule


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationFailed("invalid_choice", _("Choose monthly, quarterly or yearly."), field="kind")
    return kind


@transaction.atomic
def create_schedule(*, by: User, kind: str, recipient_ids: Iterable[int], active: bool = True) -> ReportSchedule:
    if not can_schedule_reports(by):
        raise PermissionDeniedError("forbidden", _("Only managers schedule reports."))
    _kind(kind)
    people = _recipients(by, recipient_ids)
    # The period that has just ended is not sent on creation: the first e-mail goes after the next one.
    schedule = ReportSchedule.objects.create(kind=kind, active=active, created_by=by, last_sent=last_ended(kind).label)
    schedule.recipients.set(people)
    _record(schedule, type_="created", by=by, changes={key: (None, value) for key, value in _values(schedule).items()})
    return schedule


@transaction.atomic
def update_schedule(*, by: User, schedule_id: int, kind: str, recipient_ids: Iterable[int]) -> ReportSchedule:
    """Change which report a schedule sends and to whom. A new kind starts like a new schedule: its
    period that has just ended counts as sent. A change that changes nothing records nothing."""
    schedule = _own_schedule(by, schedule_id)
    _kind(kind)
    people = _recipients(by, recipient_ids)
    before = {**_values(schedule), "last_sent": schedule.last_sent}
    if kind != schedule.kind:
        schedule.kind, schedule.last_sent = kind, last_ended(kind).label
        schedule.save(update_fields=["kind", "last_sent", "updated_at"])
    schedule.recipients.set(people)
    changes = changed(before, {**_values(schedule), "last_sent": schedule.last_sent})
    if changes:
        _record(schedule, type_="updated", by=by, changes=changes)
    return schedule


@transaction.atomic
def set_active(*, by: User, schedule_id: int, active: bool) -> ReportSchedule:
    """Stop or resume a schedule; stopping or resuming it as it already is records nothing."""
    schedule = _own_schedule(by, schedule_id)
    if schedule.active == active:
        return schedule
    schedule.active = active
    schedule.save(update_fields=["active", "updated_at"])
    _record(schedule, type_="resumed" if active else "stopped", by=by, changes={"active": (not active, active)})
    return schedule


@transaction.atomic
def delete_schedule(*, by: User, schedule_id: int) -> None:
    """Delete a schedule: no more e-mails. Its history stays (the activity keeps its id and values)."""
    schedule = _own_schedule(by, schedule_id)
    _record(schedule, type_="deleted", by=by, changes={key: (value, None) for key, value in _values(schedule).items()})
    schedule.delete()


def _report_link(period: Period, name: str = "reports:periodic") -> str:
    base = str(settings.AFTERSALES.get("SITE_URL") or "").rstrip("/")
    return f"{base}{reverse(name)}?{urlencode({'kind': period.kind, 'period': period.label})}"


@in_site_language
def send_scheduled(*, now: datetime.datetime | None = None) -> int:
    """For each active schedule whose last ended period is not yet sent: one e-mail per recipient with
    the links to the report (page, PDF, xlsx). Returns the number of e-mails queued."""
    day = timezone.localdate(now or timezone.now())
    queued = 0
    for schedule_id in ReportSchedule.objects.filter(active=True).values_list("pk", flat=True):
        with transaction.atomic():
            schedule = ReportSchedule.objects.select_for_update().filter(pk=schedule_id, active=True).first()
            if schedule is None:
                continue
            period = last_ended(schedule.kind, day)
            if schedule.last_sent == period.label:
                continue
            body = _(
                "%(title)s (%(start)s – %(end)s) is ready.\n\nRead it: %(page)s\nPDF: %(pdf)s\nxlsx: %(xlsx)s\n\n"
                "Sign in to open it; it shows what your account may see."
            ) % {
                "title": period.title,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "page": _report_link(period),
                "pdf": _report_link(period, "reports:periodic_pdf"),
                "xlsx": _report_link(period, "reports:periodic_xlsx"),
            }
            for person in schedule.recipients.filter(is_active=True).exclude(email=""):
                if not can_view_reports(person):
                    continue
                enqueue_message(
                    channel=MessageChannel.EMAIL,
                    recipient=person.email,
                    subject=period.title,
                    body=body,
                    key=f"report-{schedule.pk}-{period.label}-{person.pk}",
                )
                queued += 1
            schedule.last_sent = period.label
            schedule.save(update_fields=["last_sent", "updated_at"])
    return queued
