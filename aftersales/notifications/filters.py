"""One FilterSet for the outbox: the screen (/settings/outbox/) and ``GET /api/v1/outbox``."""

import datetime
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.filtering import DayFilter
from aftersales.notifications.choices import GAVE_UP, STUCK, MessageChannel, MessageStatus
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.permissions import can_see_recipients

STATUS_CHOICES = [
    *MessageStatus.choices,
    (GAVE_UP, _("gave up")),
    (STUCK, _("stuck in sending")),
]


def _midnight(day: datetime.date) -> datetime.datetime:
    """The day's start in the site's time zone: compared with ``created_at`` itself, so no function
    is applied to the column."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class OutboxMessageFilter(django_filters.FilterSet):
    """``status`` (a stored status, ``gave_up`` or ``stuck``), ``channel``, ``q`` (the message key, or
    the recipient), ``created_from``/``created_to`` (local days), ``notices`` (also the in-app notices,
    which are most of the outbox and left out unless asked for, ``notices=1``, or ``channel=in_app``).

    The recipient is searched in part only by whoever reads recipients in full; for the others it must
    be given whole, so a masked number cannot be recovered a digit at a time by searching."""

    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status", label=_("Status"))
    channel = django_filters.ChoiceFilter(choices=MessageChannel.choices, label=_("Channel"))
    q = django_filters.CharFilter(method="filter_q", max_length=200, label=_("Recipient or key"))
    created_from = DayFilter(method="filter_created_from", label=_("Written from"))
    created_to = DayFilter(method="filter_created_to", label=_("Written to"))
    # "1" or "0" as every screen's on/off filter (core.validation.query_flag): anything else is refused,
    # not read as off. The API's true/false arrives here as "1"/"0".
    notices = django_filters.ChoiceFilter(
        choices=[("1", _("yes")), ("0", _("no"))], method="filter_notices", label=_("Include in-app notices")
    )

    class Meta:
        model = OutboxMessage
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not data.get("channel") and data.get("notices") != "1":
            qs = qs.exclude(channel=MessageChannel.IN_APP)
        return qs

    def filter_notices(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs  # read by filter_queryset: it decides whether the notices are left out

    def filter_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == GAVE_UP:
            return qs.gave_up()  # type: ignore[attr-defined]
        if value == STUCK:
            return qs.stuck()  # type: ignore[attr-defined]
        return qs.filter(status=value) if value else qs

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        if not text:
            return qs
        recipient = Q(recipient__icontains=text) if can_see_recipients(self.user) else Q(recipient=text)
        return qs.filter(recipient | Q(key__icontains=text))

    def filter_created_from(self, qs: QuerySet, name: str, value: datetime.date | None) -> QuerySet:
        return qs.filter(created_at__gte=_midnight(value)) if value else qs

    def filter_created_to(self, qs: QuerySet, name: str, value: datetime.date | None) -> QuerySet:
        return qs.filter(created_at__lt=_midnight(value + datetime.timedelta(days=1))) if value else qs
