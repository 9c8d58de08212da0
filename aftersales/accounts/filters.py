"""One FilterSet for the users and roles screen (``/settings/users/``): search by username, name or mobile,
and narrow by role (primary or extra), centre and status."""

import re
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User, UserRole

# Digits (spaces, dashes and a leading + typed with them ignored) of at least this length search the mobile.
PHONE_DIGITS = 3


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=100, label=_("Username, name or mobile"))
    role = django_filters.ChoiceFilter(
        choices=Role.choices, method="filter_role", label=_("Role"), empty_label=_("All")
    )
    centre = django_filters.ModelChoiceFilter(
        queryset=ServiceCenter.objects.none(),
        field_name="service_center",
        label=_("Service centre"),
        empty_label=_("All"),
    )
    status = django_filters.ChoiceFilter(
        choices=[("active", _("Active")), ("inactive", _("Inactive"))],
        method="filter_status",
        label=_("Status"),
        empty_label=_("All"),
    )

    class Meta:
        model = User
        fields: list[str] = []

    def __init__(self, *args: Any, centres: QuerySet[ServiceCenter], **kwargs: Any) -> None:
        """``centres``: those the viewer sees (a centre out of their scope is no choice)."""
        super().__init__(*args, **kwargs)
        self.filters["centre"].queryset = centres

    def centre_out_of_scope(self) -> bool:
        """The centre asked for exists but the viewer does not see it: 404 on the list and its export alike
        (as on the report screens), not the 400 of a value that is no centre."""
        if self.is_valid() or "centre" not in self.errors:
            return False
        raw = str(self.data.get("centre", ""))
        return raw.isdigit() and len(raw) < 18 and ServiceCenter.objects.filter(pk=int(raw)).exists()

    def filter_q(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        text = value.strip()
        if not text:
            return qs
        # Chinese names read family name first (张伟: last_name + first_name), others "first last".
        names = qs.annotate(
            search_family_first=Concat("last_name", "first_name"), search_given_first=Concat("first_name", "last_name")
        )
        squeezed = text.replace(" ", "")
        match = (
            Q(username__icontains=text)
            | Q(search_family_first__icontains=squeezed)
            | Q(search_given_first__icontains=squeezed)
        )
        digits = re.sub(r"[\s\-()+]", "", text)
        if digits.isdigit() and len(digits) >= PHONE_DIGITS:
            match |= Q(phone__contains=digits)
        return names.filter(match)

    def filter_role(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        extra = UserRole.objects.filter(role=value).values("user_id")
        return qs.filter(Q(role=value) | Q(pk__in=extra)) if value else qs

    def filter_status(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return qs.filter(is_active=value == "active") if value else qs
