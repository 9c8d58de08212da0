"""Where admins enter holidays and working weekends. Saves and deletes go through the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from aftersales.accounts.models import User
from aftersales.calendars import services
from aftersales.calendars.models import CalendarDay, CalendarYear
from aftersales.calendars.permissions import can_edit_calendar
from aftersales.core.errors import ValidationFailed


def _actor(request: HttpRequest) -> User:
    # Only reached after ``_may_edit``, which has checked that this is a signed-in ``User``.
    return cast(User, request.user)


class _CalendarPermissions(admin.ModelAdmin):
    """Anyone with admin access may look; only ``can_edit_calendar`` users may change (as the services say)."""

    def _may_edit(self, request: HttpRequest) -> bool:
        return isinstance(request.user, User) and can_edit_calendar(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_edit(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request)


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day = cleaned.get("date") or (self.instance.date if self.instance.pk else None)
        kind = cleaned.get("kind")
        if day and kind:
            try:
                cleaned["name"] = services.validate_calendar_day(day=day, kind=kind, name=cleaned.get("name", ""))
            except ValidationFailed as error:
                self.add_error(error.field if error.field in self.fields else None, error.detail)
        return cleaned


@admin.register(CalendarDay)
class CalendarDayAdmin(_CalendarPermissions):
    form = CalendarDayForm
    list_display = ["date", "weekday", "kind", "name", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"
    ordering = ["-date"]

    @admin.display(description="weekday")
    def weekday(self, obj: CalendarDay) -> str:
        return obj.date.strftime("%a")

    def get_readonly_fields(self, request: HttpRequest, obj: CalendarDay | None = None) -> list[str]:
        # The date is the row's identity: to move an override, delete it and add another.
        return ["date"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: forms.ModelForm, change: bool) -> None:
        saved = services.set_calendar_day(day=obj.date, kind=obj.kind, name=obj.name, by=_actor(request))
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        services.remove_calendar_day(day=obj.date, by=_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for day in queryset.values_list("date", flat=True):
            services.remove_calendar_day(day=day, by=_actor(request))


class CalendarYearForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "note"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not services.MIN_YEAR <= year <= services.MAX_YEAR:
            raise forms.ValidationError(
                "%(min)s–%(max)s", params={"min": services.MIN_YEAR, "max": services.MAX_YEAR}, code="out_of_range"
            )
        return year


@admin.register(CalendarYear)
class CalendarYearAdmin(_CalendarPermissions):
    form = CalendarYearForm
    list_display = ["year", "note", "updated_at"]
    search_fields = ["note"]
    ordering = ["-year"]

    def get_readonly_fields(self, request: HttpRequest, obj: CalendarYear | None = None) -> list[str]:
        return ["year"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: forms.ModelForm, change: bool) -> None:
        saved = services.mark_year_entered(year=obj.year, note=obj.note, by=_actor(request))
        obj.pk = saved.pk
