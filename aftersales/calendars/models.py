"""The admin-editable working-day calendar. It wins over the bundled ``chinese-calendar`` data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.calendars.choices import DayKind
from aftersales.core.models import TimeStampedModel


class CalendarYear(TimeStampedModel):
    """A year whose holidays and working weekends an admin has entered in full.

    For a year beyond the bundled data, its presence means "this year is known": due dates in it
    carry no warning.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(TimeStampedModel):
    """One day that is not what its weekday says: a holiday on a weekday or a working weekend."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=DayKind.values), name="calendar_day_kind_valid")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"
